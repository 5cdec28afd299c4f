/** The data-store features: which files and modules each --db / --redis choice brings. */
import { describe, expect, it } from 'vitest';
import { databaseName } from '../../src/names.js';
import { plan, requiredGo } from '../../src/plan.js';
import { resolveAnswers } from '../../src/options/resolve.js';
import { DATABASES, type Answers } from '../../src/options/schema.js';
import { loadTemplates } from '../../src/templates/load.js';

const templates = loadTemplates();

async function answers(given: Partial<Answers> = {}): Promise<Answers> {
  return resolveAnswers({ given, ctx: { dirName: 'svc', localGo: '1.26.0' }, minGo: (p) => requiredGo(p as Answers) });
}

describe('data stores', () => {
  it('default to embedded SQLite without Redis', async () => {
    const a = await answers();
    expect(a).toMatchObject({ db: 'sqlite', redis: false });
    const p = plan(a, templates);
    expect(p.features).toEqual(expect.arrayContaining(['stores', 'database', 'sqlite']));
    expect(p.features).not.toContain('redis');
  });

  for (const db of DATABASES) {
    for (const redis of [false, true]) {
      it(`--db ${db} ${redis ? '--redis' : '--no-redis'} renders only the chosen stores`, async () => {
        const p = plan(await answers({ db, redis }), templates);
        const paths = p.files.map((f) => f.path);
        const goMod = p.files.find((f) => f.path === 'go.mod')!.content;
        const all = p.files.map((f) => f.content).join('\n');
        expect(paths.includes('internal/database/database.go')).toBe(db !== 'none');
        expect(paths.includes('internal/cache/redis.go')).toBe(redis);
        expect(paths.includes('internal/retry/retry.go')).toBe(db !== 'none' || redis);
        expect(goMod.includes('gorm.io/gorm')).toBe(db !== 'none');
        expect(goMod.includes('go-redis')).toBe(redis);
        expect(all.includes('DATABASE_URL')).toBe(db !== 'none');
        expect(/redis/i.test(all)).toBe(redis);
        expect(all.includes('CONNECT_ATTEMPTS')).toBe(db !== 'none' || redis);
      });
    }
  }

  it('need the Go that go-redis declares', async () => {
    expect(requiredGo(await answers({ redis: true }))).toBe('1.26.0');
    await expect(answers({ redis: true, go: '1.25.0' })).rejects.toThrow(/--go 1.25.0 is too old/);
  });

  it('derive a database name from the module path', () => {
    expect(databaseName('svc')).toBe('svc');
    expect(databaseName('github.com/acme/order-service/v2')).toBe('order_service');
    expect(databaseName('example.com/9lives')).toBe('app_9lives');
    expect(databaseName('Example.com/My.App')).toBe('my_app');
  });
});
