/** --auth: the features each kind brings, and the document's per-operation security (issue 25). */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { plan, requiredGo } from '../../src/plan.js';
import { resolveAnswers } from '../../src/options/resolve.js';
import { AUTH_KINDS, type Answers } from '../../src/options/schema.js';
import { parseFields, type Resource } from '../../src/resources/fields.js';
import { loadTemplates } from '../../src/templates/load.js';

const templates = loadTemplates();
const orders: Resource = { name: 'orders', migration: 2, fields: parseFields(['customer:string', 'note:text:optional']) };

async function answers(given: Partial<Answers>): Promise<Answers> {
  return resolveAnswers({ given, ctx: { dirName: 'svc', localGo: '1.26.0' }, minGo: (p) => requiredGo(p as Answers) });
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

describe('--auth', () => {
  for (const auth of AUTH_KINDS) {
    it(`${auth}: every operation of the route group declares its security; writes need <resource>:write, reads <resource>:read`, async () => {
      const p = plan(await answers({ auth, redis: true }), templates, [orders]);
      const doc = parse(p.files.find((f) => f.path === 'api/openapi.yaml')!.content);
      const goMod = p.files.find((f) => f.path === 'go.mod')!.content;
      const paths = p.files.map((f) => f.path);
      expect(goMod.includes('golang-jwt/jwt/v5'), 'jwt module').toBe(auth === 'jwt');
      expect(paths.includes('internal/auth/apikey.go')).toBe(auth === 'apikey');
      expect(paths.includes('internal/server/auth.go')).toBe(auth !== 'none');
      // Every service has the rate limit and CORS.
      expect(paths).toEqual(expect.arrayContaining(['internal/ratelimit/ratelimit.go', 'internal/ratelimit/redis.go', 'internal/server/cors.go']));
      const scheme = { jwt: 'bearerAuth', apikey: 'apiKeyAuth', none: undefined }[auth];
      expect(Object.keys(doc.components.securitySchemes ?? {})).toEqual(scheme ? [scheme] : []);
      const expected: Record<string, string[] | undefined> = {
        'get /api/v1/ping': undefined,
        'post /api/v1/items': ['items:write'],
        'get /api/v1/items': ['items:read'],
        'post /api/v1/orders': ['orders:write'],
        'get /api/v1/orders/{id}': ['orders:read'],
        'patch /api/v1/orders/{id}': ['orders:write'],
        'delete /api/v1/orders/{id}': ['orders:write'],
        'post /api/v1/counters/{name}': ['counters:write'],
        'get /api/v1/upstream': ['upstream:read'],
        'get /api/v1/openapi.json': undefined,
      };
      for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
        for (const method of METHODS.filter((m) => item[m])) {
          const op = item[method];
          if (path.startsWith('/api/v1/')) expect(op.responses, `${method} ${path}`).toHaveProperty('429');
          const key = `${method} ${path}`;
          if (!(key in expected)) continue;
          const scopes = expected[key];
          if (auth === 'none') {
            expect(op.security, key).toBeUndefined();
          } else if (scopes) {
            expect(op.security, key).toEqual([{ [scheme!]: scopes }]);
            expect(op.responses, key).toHaveProperty('401');
            expect(op.responses, key).toHaveProperty('403');
          } else {
            expect(op.security, key).toEqual([]);
          }
        }
      }
    });
  }
});
