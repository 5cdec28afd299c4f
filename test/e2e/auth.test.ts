/**
 * Issue 25 acceptance: who may call the API. Real processes of generated
 * services: a JWKS (and OpenID discovery document) served by a test server
 * with real RSA and EC keys, tokens signed here with node:crypto; API keys;
 * per-client rate limits in memory and in the machine's Redis shared by two
 * processes; CORS preflights; nginx in front.
 */
import { createHash, createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, freePort, startService, type Service } from '../helpers/go.js';
import { startNginx } from '../helpers/nginx.js';
import { generate } from '../helpers/project.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const f of cleanups.reverse()) await f();
});

async function started(binary: string, env: Record<string, string>): Promise<Service> {
  const svc = await startService(binary, env);
  cleanups.push(() => svc.stop());
  return svc;
}

// ---------------------------------------------------------------- tokens

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  priv: KeyObject;
  pub: KeyObject;
}

function signingKey(kid: string, alg: 'RS256' | 'ES256'): SigningKey {
  const { privateKey, publicKey } = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, alg, priv: privateKey, pub: publicKey };
}

const jwk = (k: SigningKey) => ({ ...k.pub.export({ format: 'jwk' }), kid: k.kid, alg: k.alg, use: 'sig' });
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A JWT: header.payload signed with key (or with an HMAC secret, or not at all). */
function jwt(payload: Record<string, unknown>, key: SigningKey | { hmac: string | Buffer } | 'none', header: Record<string, unknown> = {}): string {
  const alg = key === 'none' ? 'none' : 'hmac' in key ? 'HS256' : key.alg;
  const kid = key !== 'none' && !('hmac' in key) ? key.kid : undefined;
  const input = `${b64({ alg, typ: 'JWT', ...(kid ? { kid } : {}), ...header })}.${b64(payload)}`;
  let sig = '';
  if (key !== 'none' && 'hmac' in key) sig = createHmac('sha256', key.hmac).update(input).digest('base64url');
  else if (key !== 'none') sig = sign('sha256', Buffer.from(input), key.alg === 'ES256' ? { key: key.priv, dsaEncoding: 'ieee-p1363' } : key.priv).toString('base64url');
  return `${input}.${sig}`;
}

/** The issuer: its discovery document and its JWKS, which a test can change or take down. */
interface Issuer {
  url: string;
  keys: SigningKey[];
  down: boolean;
  fetches: number;
}

async function startIssuer(port = 0): Promise<Issuer & { server: Server }> {
  const issuer: Issuer & { server?: Server } = { url: '', keys: [], down: false, fetches: 0 };
  const server = createServer((req, res) => {
    if (issuer.down) {
      res.writeHead(503).end();
      return;
    }
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ issuer: issuer.url, jwks_uri: `${issuer.url}/jwks` }));
      return;
    }
    if (req.url === '/jwks') {
      issuer.fetches++;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ keys: issuer.keys.map(jwk) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  issuer.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  cleanups.push(() => new Promise((r) => server.close(r)));
  return Object.assign(issuer, { server });
}

const now = () => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------- jwt

describe('--auth jwt (with Redis): tokens verified against a JWKS with real RSA and EC keys', () => {
  const rsa = signingKey('rsa-1', 'RS256');
  const ec = signingKey('ec-1', 'ES256');
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let binary: string;
  let dir: string;
  let svc: Service;
  const claims = (extra: Record<string, unknown> = {}) => ({ iss: issuer.url, aud: 'svc', sub: 'alice', iat: now(), exp: now() + 300, scope: 'items:read items:write', ...extra });
  const post = (s: Service, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${s.url}/api/v1/items`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ name: randomBytes(8).toString('hex') }),
    });

  beforeAll(async () => {
    issuer = await startIssuer();
    issuer.keys = [rsa, ec];
    ({ dir } = await generate(['--auth', 'jwt', '--redis']));
    binary = await buildServer(dir);
    svc = await started(binary, { AUTH_JWKS_URL: `${issuer.url}/jwks`, AUTH_ISSUER: issuer.url, REDIS_URL: 'redis://127.0.0.1:6379/14' });
  });

  it('the document declares the bearer scheme and each operation its scopes', async () => {
    const doc = await (await fetch(`${svc.url}/api/v1/openapi.json`)).json();
    expect(doc.components.securitySchemes).toEqual({ bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    expect(doc.paths['/api/v1/items'].post.security).toEqual([{ bearerAuth: ['items:write'] }]);
    expect(doc.paths['/api/v1/items'].get.security).toEqual([{ bearerAuth: ['items:read'] }]);
    expect(doc.paths['/api/v1/ping'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/items'].post.responses).toHaveProperty('401');
    expect(doc.paths['/api/v1/items'].post.responses).toHaveProperty('403');
  });

  it('valid RSA and EC tokens are accepted; the subject is in the access record and the token is not', async () => {
    const token = jwt(claims(), rsa);
    const a = await post(svc, token);
    expect(a.status, await a.clone().text()).toBe(201);
    expect(a.headers.get('cache-control')).toBe('no-store');
    expect((await post(svc, jwt(claims({ sub: 'bob' }), ec))).status).toBe(201);
    expect((await fetch(`${svc.url}/api/v1/items`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    await svc.waitForLog('"sub":"bob"');
    const record = svc.logs().split('\n').find((l) => l.includes('"msg":"request"') && l.includes('"sub":"alice"'));
    expect(record, svc.logs()).toMatch(/"method":"POST","route":"\/api\/v1\/items","status":201/);
    expect(svc.logs()).not.toContain(token.split('.')[2]);
    // Health and the public routes need nothing.
    for (const path of ['/healthz', '/readyz', '/api/v1/ping', '/api/v1/openapi.json']) expect((await fetch(svc.url + path)).status, path).toBe(200);
  });

  it('every bad token is 401 with a Bearer challenge: none, expired, wrong audience, wrong issuer, alg none, HS256 with the public key, tampered', async () => {
    const pem = rsa.pub.export({ format: 'pem', type: 'spki' });
    const good = jwt(claims(), rsa);
    const [h, p, s] = good.split('.');
    const tampered = `${h}.${b64({ ...claims(), scope: 'admin items:write', sub: 'mallory' })}.${s}`;
    const cases: [string, string | undefined][] = [
      ['no token', undefined],
      ['expired', jwt(claims({ iat: now() - 3600, exp: now() - 600 }), rsa)],
      ['wrong audience', jwt(claims({ aud: 'another-service' }), rsa)],
      ['wrong issuer', jwt(claims({ iss: 'https://evil.example' }), rsa)],
      ['no exp', jwt({ ...claims(), exp: undefined }, rsa)],
      ['alg none', jwt(claims(), 'none', { kid: 'rsa-1' })],
      ['HS256 signed with the public key', jwt(claims(), { hmac: pem }, { kid: 'rsa-1' })],
      ['tampered payload', tampered],
      ['signature of another token', `${h}.${p}.${jwt(claims({ sub: 'x' }), rsa).split('.')[2]}`],
    ];
    for (const [what, token] of cases) {
      const res = await post(svc, token);
      expect(res.status, `${what}: ${await res.text()}`).toBe(401);
      expect(res.headers.get('www-authenticate'), what).toMatch(token ? /^Bearer realm="svc", error="invalid_token"$/ : /^Bearer realm="svc"$/);
    }
    await svc.waitForLog('credentials refused');
    expect(svc.logs()).not.toMatch(/"level":"ERROR".*credentials refused/);
  });

  it('a token without the scope is 403 naming it', async () => {
    const res = await post(svc, jwt(claims({ scope: 'items:read' }), rsa));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="items:write"');
    expect(await res.json()).toEqual({ error: 'missing scope items:write' });
  });

  it('a rotated key (new kid) is accepted without a restart; an unknown kid is 401', async () => {
    const rotated = signingKey('rsa-2', 'RS256');
    issuer.keys = [rotated, ec];
    const res = await post(svc, jwt(claims(), rotated));
    expect(res.status, await res.text()).toBe(201);
    // The retired key's tokens stop verifying with the refresh that found the new one.
    expect((await post(svc, jwt(claims(), rsa))).status).toBe(401);
    const stranger = signingKey('nobody', 'RS256');
    expect((await post(svc, jwt(claims(), stranger))).status).toBe(401);
    issuer.keys = [rsa, ec];
  });

  it('the JWKS down at start: the service starts, refuses tokens, /readyz says auth-keys degraded without the URL; then accepts them once it is up', async () => {
    const down = await startIssuer();
    down.keys = [rsa];
    down.down = true;
    const s = await started(binary, { AUTH_JWKS_URL: `${down.url}/jwks`, AUTH_ISSUER: issuer.url, REDIS_URL: 'redis://127.0.0.1:6379/14' });
    const ready = await fetch(`${s.url}/readyz`);
    const body = await ready.text();
    expect(ready.status).toBe(200);
    expect(JSON.parse(body)).toEqual({ status: 'degraded', degraded: ['auth-keys'] });
    expect(body).not.toContain('127.0.0.1');
    expect((await post(s, jwt(claims(), rsa))).status).toBe(401);
    expect((await fetch(`${s.url}/api/v1/ping`)).status).toBe(200);
    await s.waitForLog('fetching the JWKS failed');
    down.down = false;
    // The first token with a key ID the cache lacks fetches the JWKS again (at most every 10 s).
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await post(s, jwt(claims(), rsa))).status;
      if (status === 201) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe(201);
    expect(await (await fetch(`${s.url}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('AUTH_ISSUER alone: the JWKS is found through OpenID discovery', async () => {
    const s = await started(binary, { AUTH_ISSUER: issuer.url, REDIS_URL: 'redis://127.0.0.1:6379/14' });
    const deadline = Date.now() + 10_000;
    while ((await fetch(`${s.url}/readyz`).then((r) => r.json())).status !== 'ready') {
      if (Date.now() > deadline) throw new Error(`never ready:\n${s.logs()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await post(s, jwt(claims(), ec))).status).toBe(201);
  });

  it('the rate limit is shared through Redis by two processes: past it, 429 with Retry-After and RateLimit-*, counted in the metrics', async () => {
    const metricsPort = await freePort();
    const env = { AUTH_JWKS_URL: `${issuer.url}/jwks`, AUTH_ISSUER: issuer.url, REDIS_URL: 'redis://127.0.0.1:6379/14', RATE_LIMIT: '4' };
    const a = await started(binary, { ...env, METRICS_ADDR: `127.0.0.1:${metricsPort}` });
    const b = await started(binary, env);
    // A subject of its own, so no earlier run's allowance in Redis counts.
    const token = jwt(claims({ sub: `rl-${randomBytes(6).toString('hex')}` }), rsa);
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await post(i % 2 ? b : a, token);
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
      else expect(res.headers.get('ratelimit-limit')).toBe('4');
    }
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused!.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused!.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await post(b, jwt(claims({ sub: `other-${randomBytes(6).toString('hex')}` }), rsa))).status).toBe(201);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^ratelimit_refused_requests_total 1$/m);
  });

  it('CORS: a preflight from a configured origin is allowed, from another refused; never * with credentials', async () => {
    const s = await started(binary, { AUTH_JWKS_URL: `${issuer.url}/jwks`, REDIS_URL: 'redis://127.0.0.1:6379/14', CORS_ALLOWED_ORIGINS: 'https://app.example.com' });
    const preflight = (origin: string) =>
      fetch(`${s.url}/api/v1/items`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' } });
    const ok = await preflight('https://app.example.com');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await preflight('https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // A bad origin in the config is refused at start, in one line.
    const bad = await startService(binary, { CORS_ALLOWED_ORIGINS: 'app.example.com' }).then(
      (x) => x.stop().then(() => 'started'),
      (e: Error) => e.message,
    );
    expect(bad).toMatch(/invalid CORS_ALLOWED_ORIGINS="app.example.com".*not an origin/);
  });

  it('nginx passes the token to the service and marks the answer no-store', async () => {
    const nginxPort = await freePort();
    const conf = readFileSync(join(dir, 'nginx/nginx.conf'), 'utf8')
      .replace(/^(\s*)listen \d+;$/m, `$1listen 127.0.0.1:${nginxPort};`)
      .replace(/^(\s*)server app:\d+;$/m, `$1server 127.0.0.1:${svc.port};`);
    const nginx = await startNginx(conf, nginxPort);
    cleanups.push(() => nginx.stop());
    // EC: the rotation test left this process's cache without rsa-1.
    const res = await fetch(`http://127.0.0.1:${nginxPort}/api/v1/items`, { headers: { Authorization: `Bearer ${jwt(claims(), ec)}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const anonymous = await fetch(`http://127.0.0.1:${nginxPort}/api/v1/ping`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('cache-control')).toBeNull();
  });
});

// ---------------------------------------------------------------- apikey

describe('--auth apikey: SHA-256 hashes in a file, the rate limit in memory', () => {
  let binary: string;
  let keysFile: string;
  const key = randomBytes(24).toString('base64url');
  const reader = randomBytes(24).toString('base64url');
  const sha = (k: string) => createHash('sha256').update(k).digest('hex');
  const post = (s: Service, k?: string) =>
    fetch(`${s.url}/api/v1/items`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(k ? { 'X-API-Key': k } : {}) }, body: JSON.stringify({ name: randomBytes(8).toString('hex') }) });

  beforeAll(async () => {
    const { dir } = await generate(['--auth', 'apikey']);
    binary = await buildServer(dir);
    keysFile = join(dir, 'api-keys.txt');
    writeFileSync(keysFile, `# name and scopes after each hash\n${sha(key)} reporting items:read,items:write\n${sha(reader)} dashboard items:read\n`);
  });

  it('a good key is accepted, a wrong one 401, one without the scope 403', async () => {
    const s = await started(binary, { AUTH_API_KEYS_FILE: keysFile });
    expect((await post(s, key)).status).toBe(201);
    for (const k of [undefined, 'wrong', key.slice(0, -1), sha(key)]) {
      const res = await post(s, k);
      expect(res.status, String(k)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('APIKey header="X-API-Key"');
    }
    expect((await post(s, reader)).status).toBe(403);
    expect((await fetch(`${s.url}/api/v1/items`, { headers: { 'X-API-Key': reader } })).status).toBe(200);
    expect((await fetch(`${s.url}/api/v1/items`)).status).toBe(401);
    await s.waitForLog('"sub":"reporting"');
    expect(s.logs()).not.toContain(key);
  });

  it('AUTH_PUBLIC_READS opens the reads, never the writes', async () => {
    const s = await started(binary, { AUTH_API_KEYS_FILE: keysFile, AUTH_PUBLIC_READS: 'true' });
    expect((await fetch(`${s.url}/api/v1/items`)).status).toBe(200);
    expect((await post(s)).status).toBe(401);
  });

  it('the rate limit in memory: a burst over it gets 429 with Retry-After', async () => {
    const s = await started(binary, { AUTH_API_KEYS_FILE: keysFile, RATE_LIMIT: '3' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(s, key)).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const refused = await post(s, key);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-limit')).toBe('3');
    // Per client: another key still has its allowance.
    expect((await fetch(`${s.url}/api/v1/items`, { headers: { 'X-API-Key': reader } })).status).toBe(200);
  });

  it('a keys file with a bad line stops the start with one line naming it', async () => {
    const bad = join(keysFile, '../bad-keys.txt');
    writeFileSync(bad, `${sha(key)} reporting\nnot-a-hash someone\n`);
    const err = await startService(binary, { AUTH_API_KEYS_FILE: bad }).then(
      (x) => x.stop().then(() => 'started'),
      (e: Error) => e.message,
    );
    expect(err).toContain(`AUTH_API_KEYS_FILE ${bad}:2: want "<sha256 hex> <name> [scope,scope...]"`);
  });
});
