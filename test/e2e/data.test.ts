/**
 * Issue 3 acceptance: the database and Redis clients, proven against real
 * servers. The matrix uses the PostgreSQL, MariaDB and Redis that run on
 * this machine (scripts/prepare-machine.sh starts them), each test in a database of its own;
 * the fault tests start their own Redis and PostgreSQL on free ports so they
 * can kill and restart them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reason, run, runCli, snapshot, tempDir, type RunResult } from '../helpers/cli.js';
import { buildServer, freePort, go, startService, type Service } from '../helpers/go.js';
import { freshDatabase } from '../helpers/databases.js';
import { generate } from '../helpers/project.js';

const REDIS = 'redis://127.0.0.1:6379/0';

// ---------------------------------------------------------------- helpers

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const f of cleanups.reverse()) await f();
});

async function must(cmd: string, args: string[], env?: Record<string, string>): Promise<RunResult> {
  const r = await run(cmd, args, { cwd: '/', env, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}):\n${r.stdout}${r.stderr}`);
  return r;
}

async function json(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${res.status}): ${text}`);
  }
}

/** fetch with the time it took. */
async function timed(url: string, init?: RequestInit): Promise<{ res: Response; ms: number }> {
  const start = Date.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
  return { res, ms: Date.now() - start };
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(last ?? '')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const postItem = (svc: Service, name: string) =>
  fetch(`${svc.url}/api/v1/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });

/** Every text file of the generated project (go.sum left out: it lists transitive modules). */
function projectText(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const rel = relative(dir, full);
    // gin-app.json names every answer, the stores not chosen too.
    if (rel === 'go.sum' || rel === 'gin-app.json' || rel.startsWith('bin/') || rel.startsWith('data/')) continue;
    out.set(rel, readFileSync(full, 'utf8'));
  }
  return out;
}

/** Runs the built binary to completion (for the exit-code tests). */
function runBinary(binary: string, args: string[], env: Record<string, string>, cwd: string): Promise<RunResult> {
  return run(binary, args, { cwd, env: { PPROF_ADDR: '', METRICS_ADDR: '', PORT: '0', ...env }, timeoutMs: 60_000 });
}

const fastRetries = { CONNECT_ATTEMPTS: '3', CONNECT_BACKOFF: '100ms' };

// ----------------------------------------------------------------- matrix

const DBS = ['sqlite', 'mysql', 'postgres', 'none'] as const;
type Db = (typeof DBS)[number];
const args = (db: Db, redis: boolean) => ['--db', db, redis ? '--redis' : '--no-redis'];

describe.each(DBS.flatMap((db) => [false, true].map((redis) => ({ db, redis }))))(
  'create-gin-app --db $db (redis: $redis)',
  ({ db, redis }) => {
    it('generates and verifies, with only the chosen stores in go.mod, code, config and docs', async () => {
      const { dir, result } = await generate(args(db, redis));
      expect(result.stdout).toContain('✔ go build ./...');
      const answers = JSON.parse(readFileSync(join(dir, 'gin-app.json'), 'utf8')).answers;
      expect(answers).toMatchObject({ db, redis });

      const goMod = readFileSync(join(dir, 'go.mod'), 'utf8');
      const files = projectText(dir);
      const mentions = (re: RegExp) => [...files].filter(([, text]) => re.test(text)).map(([path]) => path);
      expect(goMod.includes('gorm.io/gorm')).toBe(db !== 'none');
      expect(goMod.includes('github.com/glebarez/sqlite')).toBe(db === 'sqlite');
      expect(goMod.includes('gorm.io/driver/mysql')).toBe(db === 'mysql');
      expect(goMod.includes('gorm.io/driver/postgres')).toBe(db === 'postgres');
      expect(goMod.includes('github.com/redis/go-redis/v9')).toBe(redis);
      expect(goMod).not.toMatch(/mattn\/go-sqlite3/); // the cgo driver never sneaks in
      if (db === 'none') {
        expect(mentions(/DATABASE_URL|gorm|sqlite|mysql|postgres|internal\/database|DB_MAX/i)).toEqual([]);
      } else {
        expect(existsSync(join(dir, 'internal/database/migrate.go'))).toBe(true);
        expect(mentions(/DATABASE_URL/)).toEqual(expect.arrayContaining(['README.md', 'internal/config/config.go']));
        // Only the chosen driver's code.
        for (const other of ['sqlite', 'mysql', 'postgres'].filter((d) => d !== db)) {
          const driverImport = { sqlite: 'glebarez/sqlite', mysql: 'driver/mysql', postgres: 'driver/postgres' }[other]!;
          expect(mentions(new RegExp(driverImport))).toEqual([]);
        }
      }
      if (!redis) {
        expect(mentions(/redis|internal\/cache/i)).toEqual([]);
      } else {
        expect(mentions(/REDIS_URL/)).toEqual(expect.arrayContaining(['README.md', 'internal/config/config.go']));
      }
    });

    it("passes its own go test ./... against the real servers", async () => {
      const { dir } = await generate(args(db, redis));
      const env: Record<string, string> = {};
      if (db === 'mysql' || db === 'postgres') env.TEST_DATABASE_URL = await freshDatabase(db);
      if (redis) env.TEST_REDIS_URL = REDIS;
      const tests = await go(dir, ['test', '-count=1', '-v', './...'], env);
      for (const pkg of ['cmd/server', 'internal/config', 'internal/server']) expect(tests.stdout).toMatch(new RegExp(`^ok\\s+svc/${pkg}`, 'm'));
      if (db !== 'none') expect(tests.stdout).toMatch(/^ok\s+svc\/internal\/database/m);
      if (redis) expect(tests.stdout).toMatch(/^ok\s+svc\/internal\/cache/m);
      if (db !== 'none' || redis) expect(tests.stdout).toMatch(/^ok\s+svc\/internal\/retry/m);
      // With the servers given, nothing is skipped: the store tests ran for real.
      expect(tests.stdout).not.toMatch(/set TEST_(DATABASE|REDIS)_URL to run/);
      if (db !== 'none') expect(tests.stdout).toMatch(/--- PASS: TestConcurrentMigrations/);
      if (redis) expect(tests.stdout).toMatch(/--- PASS: TestCounters/);
    });

    it('runs against the real server: /readyz 200 and the examples round-trip', async () => {
      const { dir } = await generate(args(db, redis));
      const binary = await buildServer(dir);
      const cwd = tempDir('cga-run-');
      const env: Record<string, string> = {};
      if (db === 'mysql' || db === 'postgres') env.DATABASE_URL = await freshDatabase(db);
      if (redis) env.REDIS_URL = REDIS;
      const svc = await startService(binary, env, cwd);
      try {
        const ready = await fetch(`${svc.url}/readyz`);
        expect(ready.status, await ready.clone().text()).toBe(200);
        expect(await json(ready)).toEqual({ status: 'ready' });

        const items = await fetch(`${svc.url}/api/v1/items`);
        if (db === 'none') {
          expect(items.status).toBe(404);
        } else {
          expect(items.status).toBe(200);
          const name = `item ${randomBytes(4).toString('hex')} ✓`;
          const created = await postItem(svc, name);
          expect(created.status).toBe(201);
          const item = await json(created);
          expect(item).toMatchObject({ id: expect.any(Number), name });
          const got = await fetch(`${svc.url}/api/v1/items/${item.id}`);
          expect(got.status).toBe(200);
          expect(await json(got)).toMatchObject({ id: item.id, name });
          expect((await json(await fetch(`${svc.url}/api/v1/items`))).items[0]).toMatchObject({ id: item.id, name });
          expect((await fetch(`${svc.url}/api/v1/items/999999`)).status).toBe(404);
        }

        const counterPath = `${svc.url}/api/v1/counters/t-${randomBytes(4).toString('hex')}`;
        if (!redis) {
          expect((await fetch(counterPath, { method: 'POST' })).status).toBe(404);
        } else {
          expect(await json(await fetch(counterPath, { method: 'POST' }))).toMatchObject({ value: 1 });
          expect(await json(await fetch(counterPath, { method: 'POST' }))).toMatchObject({ value: 2 });
          expect(await json(await fetch(counterPath))).toMatchObject({ value: 2 });
        }
      } finally {
        expect(await svc.stop('SIGTERM')).toBe(0);
      }
      const logs = svc.logs();
      if (db !== 'none') {
        expect(logs).toContain('"msg":"migration applied"');
        expect(logs).toContain('"msg":"database closed"');
      }
      if (redis) expect(logs).toContain('"msg":"redis closed"');
      // SQLite's default file lives under ./data of the working directory.
      if (db === 'sqlite') expect(existsSync(join(cwd, 'data', 'svc.db'))).toBe(true);
    });
  },
);

describe('defaults', () => {
  it('the default project (--yes) uses embedded SQLite: no server, CGO_ENABLED=0, and it keeps its data across restarts', async () => {
    const { dir } = await generate([]);
    const answers = JSON.parse(readFileSync(join(dir, 'gin-app.json'), 'utf8')).answers;
    expect(answers).toMatchObject({ db: 'sqlite', redis: false });
    const binary = await buildServer(dir, { CGO_ENABLED: '0' });
    const cwd = tempDir('cga-run-');
    let svc = await startService(binary, {}, cwd);
    const item = await json(await postItem(svc, 'kept'));
    expect(await svc.stop()).toBe(0);
    svc = await startService(binary, {}, cwd);
    try {
      expect(await json(await fetch(`${svc.url}/api/v1/items/${item.id}`))).toMatchObject({ name: 'kept' });
      expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
    } finally {
      await svc.stop();
    }
  });
});

// ------------------------------------------------------------- migrations

describe.each([{ db: 'sqlite' as const }, { db: 'mysql' as const }, { db: 'postgres' as const }])('goose migrations: $db', ({ db }) => {
  it('first start applies 0001_items.sql, a second applies nothing; a failing migration stops the start with one line naming its file', async () => {
    const { dir } = await generate(args(db, false));
    const binary = await buildServer(dir);
    const cwd = tempDir('cga-migrate-');
    const env: Record<string, string> = db === 'sqlite' ? {} : { DATABASE_URL: await freshDatabase(db) };

    let svc = await startService(binary, env, cwd);
    try {
      // The items table: name is unique.
      expect((await postItem(svc, 'only once')).status).toBe(201);
      expect((await postItem(svc, 'only once')).status).not.toBe(201);
    } finally {
      expect(await svc.stop()).toBe(0);
    }
    expect(svc.logs()).toMatch(/"msg":"migration applied","version":1,"file":"0001_items.sql"/);
    expect(svc.logs()).toMatch(/"msg":"schema up to date","version":1,"applied_now":1/);

    svc = await startService(binary, env, cwd);
    expect(await svc.stop()).toBe(0);
    expect(svc.logs()).not.toContain('"msg":"migration applied"');
    expect(svc.logs()).toMatch(/"msg":"schema up to date","version":1,"applied_now":0/);

    // A copy of the project with a broken second migration, against the same database.
    const broken = join(tempDir('cga-migrate-src-'), 'svc');
    await must('cp', ['-r', dir, broken]);
    writeFileSync(join(broken, 'internal/database/migrations', db, '0002_broken.sql'), '-- +goose Up\nCREATE TABLE broken (;\n');
    const r = await runBinary(await buildServer(broken), [], env, cwd);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: migration 0002_broken\.sql failed: /);

    // The database is still at version 1: the original binary starts, applying nothing.
    svc = await startService(binary, env, cwd);
    expect(await svc.stop()).toBe(0);
    expect(svc.logs()).toMatch(/"applied_now":0/);
  });
});

// ------------------------------------------------------------- bad values

describe('options', () => {
  it('--help lists --db and --redis with their choices and defaults', async () => {
    const r = await runCli(['--help'], { cwd: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+--db <name>\s.*\(sqlite\|mysql\|postgres\|none\) \[default: sqlite\]$/m);
    expect(r.stdout).toMatch(/^\s+--redis \/ --no-redis\s.*\[default: off\]$/m);
  });
});

describe('bad values', () => {
  it('an unknown --db is one line, a non-zero exit, and nothing written', async () => {
    const cwd = tempDir();
    const r = await runCli(['svc', '--db', 'oracle', '--yes'], { cwd });
    expect(r.code).not.toBe(0);
    expect(reason(r)).toMatch(/--db must be one of sqlite, mysql, postgres, none \(got "oracle"\)/);
    expect(snapshot(cwd)).toEqual({});
  });

  it('a malformed DATABASE_URL or REDIS_URL at run time is one clear line and exit 1, without the password', async () => {
    const cases: { db: Db; redis: boolean; env: Record<string, string>; line: RegExp }[] = [
      { db: 'mysql', redis: false, env: { DATABASE_URL: 'mysql://app:s3cret@127.0.0.1:notaport/app' }, line: /^error: invalid DATABASE_URL: malformed mysql:\/\/ URL/ },
      { db: 'mysql', redis: false, env: { DATABASE_URL: 'app:s3cret@tcp(127.0.0.1:3306)app' }, line: /^error: invalid DATABASE_URL: not a MySQL URL or DSN/ },
      { db: 'postgres', redis: false, env: { DATABASE_URL: 'postgres://app:s3cret@127.0.0.1:notaport/app' }, line: /^error: invalid DATABASE_URL: not a PostgreSQL URL or DSN/ },
      { db: 'sqlite', redis: false, env: { DATABASE_URL: 'postgres://app:s3cret@127.0.0.1/app' }, line: /^error: invalid DATABASE_URL: SQLite takes a file path, not a postgres:\/\/ URL$/ },
      { db: 'none', redis: true, env: { REDIS_URL: 'redis://:s3cret@127.0.0.1:notaport/0' }, line: /^error: invalid REDIS_URL: / },
      { db: 'none', redis: true, env: { REDIS_URL: 'localhost:6379' }, line: /^error: invalid REDIS_URL: / },
      { db: 'sqlite', redis: false, env: { DB_MAX_OPEN_CONNS: '0' }, line: /^error: invalid DB_MAX_OPEN_CONNS="0" \(from env\): must be at least 1$/ },
      // Each pooled connection would get an empty database of its own.
      { db: 'sqlite', redis: false, env: { DATABASE_URL: ':memory:' }, line: /^error: invalid DATABASE_URL: an in-memory SQLite database is one per connection, and this service pools connections; use a file path/ },
      { db: 'sqlite', redis: false, env: { DATABASE_URL: 'file::memory:?cache=shared' }, line: /^error: invalid DATABASE_URL: an in-memory SQLite database is one per connection/ },
    ];
    for (const c of cases) {
      const { dir } = await generate(args(c.db, c.redis));
      const binary = await buildServer(dir);
      const start = Date.now();
      const r = await runBinary(binary, [], { ...c.env, ...fastRetries }, tempDir());
      const label = `${c.db} ${JSON.stringify(c.env)}`;
      expect(r.code, label).toBe(1);
      expect(Date.now() - start, label).toBeLessThan(5_000); // no retries for a value that cannot work
      const lines = r.stderr.trim().split('\n');
      expect(lines, label).toHaveLength(1);
      expect(lines[0], label).toMatch(c.line);
      expect(r.stdout + r.stderr, label).not.toContain('s3cret');
    }
  });
});

// ------------------------------------------------------------------ secrets

describe('secrets', () => {
  it('passwords in DATABASE_URL and REDIS_URL appear neither in -print-config nor in the logs', async () => {
    const { dir } = await generate(args('postgres', true));
    const binary = await buildServer(dir);
    const cwd = tempDir('cga-run-');
    const dbURL = (await freshDatabase('postgres')).replace('postgres@', 'postgres:pg-s3cret@'); // trust auth ignores it
    const printed = await runBinary(binary, ['-print-config'], { DATABASE_URL: dbURL, REDIS_URL: 'redis://:rd-s3cret@127.0.0.1:6379/0' }, cwd);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^DATABASE_URL=postgres:\/\/postgres:xxxxx@127\.0\.0\.1:5432\/cga_\w+\?sslmode=disable \(env\)$/m);
    expect(printed.stdout).toMatch(/^REDIS_URL=redis:\/\/:xxxxx@127\.0\.0\.1:6379\/0 \(env\)$/m);
    expect(printed.stdout).toMatch(/^DB_CONN_MAX_LIFETIME=30m \(default\)$/m);
    // As many idle connections kept as may be open; idle time in minutes.
    expect(printed.stdout).toMatch(/^DB_MAX_IDLE_CONNS=20 \(default\)$/m);
    expect(printed.stdout).toMatch(/^DB_MAX_OPEN_CONNS=20 \(default\)$/m);
    expect(printed.stdout).toMatch(/^DB_CONN_MAX_IDLE_TIME=3m \(default\)$/m);
    expect(printed.stdout).not.toContain('s3cret');

    const svc = await startService(binary, { DATABASE_URL: dbURL, REDIS_URL: REDIS, LOG_LEVEL: 'debug' }, cwd);
    try {
      expect((await postItem(svc, 'secret-free')).status).toBe(201);
      expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
    } finally {
      await svc.stop();
    }
    expect(svc.logs()).toContain('"msg":"database connected"');
    expect(svc.logs()).not.toContain('s3cret');
  });
});

// ------------------------------------------------------------------- faults

/** A Redis of the test's own on port, killed and restarted at will. */
class OwnRedis {
  proc?: ChildProcess;
  constructor(readonly port: number) {
    cleanups.push(() => this.kill());
  }
  async start(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await until('redis to answer', async () => ((await run('redis-cli', ['-p', String(this.port), 'ping'], { cwd: '/' })).stdout.trim() === 'PONG' ? true : undefined));
  }
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }
}

/** A PostgreSQL cluster of the test's own (run as the postgres user, since initdb refuses root). */
class OwnPostgres {
  readonly dir: string;
  constructor(readonly port: number) {
    this.dir = tempDir('cga-pg-');
    chmodSync(this.dir, 0o755);
    cleanups.push(() => this.stop('immediate'));
  }
  private pg(bin: string, args: string[]) {
    const pgBin = readdirSync('/usr/lib/postgresql').sort().at(-1)!;
    return must('runuser', ['-u', 'postgres', '--', `/usr/lib/postgresql/${pgBin}/bin/${bin}`, ...args]);
  }
  async init(): Promise<void> {
    const data = join(this.dir, 'data');
    mkdirSync(data);
    chownSync(data, uidOf('postgres'), uidOf('postgres', 3));
    await this.pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  }
  async start(): Promise<void> {
    await this.pg('pg_ctl', ['-D', join(this.dir, 'data'), '-w', '-l', join(this.dir, 'data', 'log'), '-o', `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  }
  /** immediate: like a crash, no goodbye to the clients. */
  async stop(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    if (!existsSync(join(this.dir, 'data', 'postmaster.pid'))) return;
    await this.pg('pg_ctl', ['-D', join(this.dir, 'data'), '-w', '-m', mode, 'stop']).catch(() => undefined);
  }
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres?sslmode=disable`;
  }
}

function uidOf(user: string, field = 2): number {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no user ${user}`);
  return Number(line.split(':')[field]);
}

describe('faults: Redis', () => {
  it('down at startup: retries with backoff, then exits 1 naming Redis', async () => {
    const { dir } = await generate(args('none', true));
    const binary = await buildServer(dir);
    const port = await freePort();
    const r = await runBinary(binary, [], { REDIS_URL: `redis://127.0.0.1:${port}/0`, ...fastRetries }, tempDir());
    expect(r.code).toBe(1);
    expect(reason(r)).toMatch(new RegExp(`^error: redis unreachable after 3 attempts in [\\d.]+m?s: .*127\\.0\\.0\\.1:${port}.*connection refused`));
    expect(r.stdout.match(/"msg":"connection failed, retrying"/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/"dependency":"redis","attempt":1,"of":3,"retry_in":"\d+ms"/);
  });

  it('still starting when the service starts: the port answers at once (healthz 200, readyz 503 starting, routes 503), the retries wait for it', async () => {
    const { dir } = await generate(args('none', true));
    const binary = await buildServer(dir);
    const redis = new OwnRedis(await freePort());
    const port = await freePort();
    const starting = startService(binary, { PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redis.port}/0`, CONNECT_ATTEMPTS: '20', CONNECT_BACKOFF: '100ms' }, tempDir());
    const base = `http://127.0.0.1:${port}`;
    await until('the port answering', async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200 || undefined);
    expect(await json(await fetch(`${base}/readyz`))).toEqual({ status: 'starting' });
    const early = await timed(`${base}/api/v1/counters/hits`, { method: 'POST' });
    expect(early.res.status).toBe(503);
    expect(await json(early.res)).toEqual({ error: 'starting' });
    expect(early.ms).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 1_000));
    await redis.start();
    const svc = await starting;
    try {
      expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
      await svc.waitForLog('"msg":"connection failed, retrying"');
      await svc.waitForLog('"msg":"connected after retries"');
    } finally {
      await svc.stop();
      await redis.kill();
    }
  });

  // Issue 26: Redis is degradable by default (REDIS_REQUIRED=false): its
  // outage keeps the instance in rotation (/readyz 200, "degraded") while the
  // Redis routes answer 503; REDIS_REQUIRED=true takes it out (503 naming it).
  it.each([
    { required: false, status: 200, body: { status: 'degraded', degraded: ['redis'] } },
    { required: true, status: 503, body: { status: 'unavailable', down: ['redis'] } },
  ])('killed while serving (REDIS_REQUIRED=$required): /readyz $status, /healthz 200, fast 503s on the Redis routes; back: recovers without a restart', async ({ required, status, body }) => {
    const { dir } = await generate(args('none', true));
    const binary = await buildServer(dir);
    const redis = new OwnRedis(await freePort());
    await redis.start();
    const svc = await startService(binary, { REDIS_URL: `redis://127.0.0.1:${redis.port}/0`, REDIS_REQUIRED: String(required) }, tempDir());
    const counter = `${svc.url}/api/v1/counters/hits`;
    try {
      expect(await json(await fetch(counter, { method: 'POST' }))).toMatchObject({ value: 1 });
      expect(await json(await fetch(`${svc.url}/readyz`))).toEqual({ status: 'ready' });

      await redis.kill();
      const ready = await timed(`${svc.url}/readyz`);
      expect(ready.res.status).toBe(status);
      // What is down, never why: the driver error goes to the log.
      expect(await json(ready.res)).toEqual(body);
      // The routes that do not need Redis still answer.
      expect((await fetch(`${svc.url}/api/v1/ping`)).status).toBe(200);
      await svc.waitForLog(/"msg":"readiness check failed","check":"redis","error":"[^"]*connection refused/);
      expect(ready.ms).toBeLessThan(3_000);
      expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
      for (const init of [{ method: 'POST' }, { method: 'GET' }]) {
        const { res, ms } = await timed(counter, init);
        expect(res.status).toBe(503);
        expect(await json(res)).toEqual({ error: 'redis unavailable' });
        expect(ms).toBeLessThan(3_500);
      }

      await redis.start();
      await until('readyz "ready" after Redis came back', async () => ((await json(await fetch(`${svc.url}/readyz`))).status === 'ready' ? true : undefined));
      // A fresh Redis (no persistence): the counter starts over.
      expect(await json(await fetch(counter, { method: 'POST' }))).toMatchObject({ value: 1 });
      expect(svc.proc.exitCode).toBeNull(); // the same process throughout
    } finally {
      expect(await svc.stop()).toBe(0);
      await redis.kill();
    }
    expect(svc.logs()).toMatch(/"status":503.*"request_id"/); // failed requests are logged with their ID
  });
});

/** A MariaDB of the test's own: its data directory survives a kill, as a crashed server's would. */
class OwnMariaDB {
  proc?: ChildProcess;
  readonly dir: string;
  constructor(readonly port: number) {
    this.dir = tempDir('cga-mdb-');
    cleanups.push(() => this.crash());
  }
  async init(): Promise<void> {
    await must('mariadb-install-db', ['--no-defaults', `--datadir=${join(this.dir, 'data')}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db']);
  }
  async start(): Promise<void> {
    this.proc = spawn(
      '/usr/sbin/mariadbd',
      ['--no-defaults', `--datadir=${join(this.dir, 'data')}`, `--port=${this.port}`, '--bind-address=127.0.0.1', `--socket=${join(this.dir, 'sock')}`, '--user=root', '--skip-log-bin', '--innodb-buffer-pool-size=16M'],
      { stdio: 'ignore' },
    );
    await until('MariaDB to answer', async () => ((await run('mariadb-admin', ['-h', '127.0.0.1', '-P', String(this.port), '-uroot', 'ping'], { cwd: '/' })).code === 0 ? true : undefined), 60_000);
    await must('mariadb', ['-h', '127.0.0.1', '-P', String(this.port), '-uroot', '-e', 'CREATE DATABASE IF NOT EXISTS app']);
  }
  /** SIGKILL: no goodbye to the clients. */
  async crash(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }
  get url(): string {
    return `mysql://root@127.0.0.1:${this.port}/app`;
  }
}

interface OwnDatabase {
  start(): Promise<void>;
  crash(): Promise<void>;
  readonly url: string;
}

async function ownDatabase(db: 'postgres' | 'mysql'): Promise<OwnDatabase> {
  const port = await freePort();
  if (db === 'postgres') {
    const pg = new OwnPostgres(port);
    await pg.init();
    return { start: () => pg.start(), crash: () => pg.stop('immediate'), url: pg.url };
  }
  const my = new OwnMariaDB(port);
  await my.init();
  return my;
}

describe.each([{ db: 'postgres' as const }, { db: 'mysql' as const }])('faults: $db', ({ db }) => {
  it('down at startup: retries with backoff, then exits 1 naming the database', async () => {
    const { dir } = await generate(args(db, false));
    const binary = await buildServer(dir);
    const port = await freePort();
    const url = db === 'postgres' ? `postgres://app:s3cret@127.0.0.1:${port}/x?sslmode=disable` : `mysql://app:s3cret@127.0.0.1:${port}/x`;
    const r = await runBinary(binary, [], { DATABASE_URL: url, ...fastRetries }, tempDir());
    expect(r.code).toBe(1);
    expect(reason(r)).toMatch(/^error: database unreachable after 3 attempts in [\d.]+m?s: .*connection refused/);
    expect(r.stdout.match(/"msg":"connection failed, retrying"/g)).toHaveLength(2);
    expect(r.stdout + r.stderr).not.toContain('s3cret');
  });

  it('killed while serving: /readyz 503 naming the database, /healthz 200, fast 503s; back: recovers without a restart', async () => {
    const { dir } = await generate(args(db, false));
    const binary = await buildServer(dir);
    const server = await ownDatabase(db);
    await server.start();
    const svc = await startService(binary, { DATABASE_URL: server.url }, tempDir());
    try {
      const before = await json(await postItem(svc, 'before the crash'));
      expect(before.id).toEqual(expect.any(Number));

      await server.crash();
      const ready = await timed(`${svc.url}/readyz`);
      expect(ready.res.status).toBe(503);
      expect(await json(ready.res)).toEqual({ status: 'unavailable', down: ['database'] });
      await svc.waitForLog(/"msg":"readiness check failed","check":"database"/);
      expect(ready.ms).toBeLessThan(3_000);
      expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
      for (const [path, init] of [
        ['/api/v1/items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"during"}' }],
        [`/api/v1/items/${before.id}`, undefined],
      ] as const) {
        const { res, ms } = await timed(`${svc.url}${path}`, init);
        expect(res.status).toBe(503);
        expect(await json(res)).toEqual({ error: 'database unavailable' });
        expect(ms).toBeLessThan(3_500);
      }

      await server.start();
      await until('readyz 200 after the database came back', async () => ((await fetch(`${svc.url}/readyz`)).status === 200 ? true : undefined));
      expect(await json(await fetch(`${svc.url}/api/v1/items/${before.id}`))).toMatchObject({ name: 'before the crash' });
      expect((await postItem(svc, 'after')).status).toBe(201);
      expect(svc.proc.exitCode).toBeNull(); // the same process throughout
    } finally {
      expect(await svc.stop()).toBe(0);
      await server.crash();
    }
  });
});

/**
 * SIGSTOP, then wait until every thread of the process is stopped: the stop
 * is asynchronous, and on a busy machine a thread of a multi-threaded server
 * (MariaDB) can still answer the next query before it takes effect.
 */
async function freeze(proc: ChildProcess): Promise<void> {
  proc.kill('SIGSTOP');
  const stopped = () => {
    try {
      return readdirSync(`/proc/${proc.pid}/task`).every((tid) => /^ [tT] /.test(readFileSync(`/proc/${proc.pid}/task/${tid}/stat`, 'utf8').replace(/^.*\)/, '')));
    } catch {
      return false; // a thread exited while we read: look again
    }
  };
  await until(`pid ${proc.pid} to stop`, async () => (stopped() ? true : undefined), 5_000);
}

describe('faults: a store that stops answering (SIGSTOP) instead of going away', () => {
  /**
   * Each store call of a request is bounded (3s), /readyz too (2s): 503s, not
   * hangs. The database is required (/readyz 503, "down"); Redis is degradable
   * by default (/readyz 200, "degraded"), so the instance stays in rotation.
   */
  async function expectBounded(svc: Service, path: string, init: RequestInit | undefined, error: string, store: 'database' | 'redis') {
    const ready = await timed(`${svc.url}/readyz`);
    if (store === 'redis') {
      expect(ready.res.status).toBe(200);
      expect(await json(ready.res)).toEqual({ status: 'degraded', degraded: ['redis'] });
    } else {
      expect(ready.res.status).toBe(503);
      expect((await json(ready.res)).down).toEqual([store]);
    }
    expect(ready.ms).toBeLessThan(4_000);
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    const { res, ms } = await timed(`${svc.url}${path}`, init);
    expect(res.status).toBe(503);
    expect(await json(res)).toEqual({ error });
    expect(ms).toBeLessThan(6_000);
  }

  it('Redis', async () => {
    const { dir } = await generate(args('none', true));
    const binary = await buildServer(dir);
    const redis = new OwnRedis(await freePort());
    await redis.start();
    const svc = await startService(binary, { REDIS_URL: `redis://127.0.0.1:${redis.port}/0` }, tempDir());
    const counter = `${svc.url}/api/v1/counters/hang`;
    try {
      expect(await json(await fetch(counter, { method: 'POST' }))).toMatchObject({ value: 1 });
      await freeze(redis.proc!);
      await expectBounded(svc, '/api/v1/counters/hang', { method: 'POST' }, 'redis unavailable', 'redis');
      redis.proc!.kill('SIGCONT');
      await until('readyz no longer degraded after Redis answers again', async () => ((await json(await fetch(`${svc.url}/readyz`))).status === 'ready' ? true : undefined));
      expect((await fetch(counter)).status).toBe(200);
    } finally {
      redis.proc?.kill('SIGCONT');
      expect(await svc.stop()).toBe(0);
      await redis.kill();
    }
  });

  it('MariaDB', async () => {
    const { dir } = await generate(args('mysql', false));
    const binary = await buildServer(dir);
    const my = new OwnMariaDB(await freePort());
    await my.init();
    await my.start();
    const svc = await startService(binary, { DATABASE_URL: my.url }, tempDir());
    try {
      const item = await json(await postItem(svc, 'before the hang'));
      await freeze(my.proc!);
      await expectBounded(svc, `/api/v1/items/${item.id}`, undefined, 'database unavailable', 'database');
      my.proc!.kill('SIGCONT');
      await until('readyz 200 after MariaDB answers again', async () => ((await fetch(`${svc.url}/readyz`)).status === 200 ? true : undefined));
      expect(await json(await fetch(`${svc.url}/api/v1/items/${item.id}`))).toMatchObject({ name: 'before the hang' });
    } finally {
      my.proc?.kill('SIGCONT');
      expect(await svc.stop()).toBe(0);
      await my.crash();
    }
  });
});

describe('faults: the connection pool runs out', () => {
  /** A psql session of the test's own, fed statements on stdin; resolves once the marker row is printed. */
  function psqlSession(url: string) {
    const proc = spawn('psql', [url, '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    cleanups.push(() => proc.exitCode === null && proc.kill('SIGKILL'));
    return {
      async send(sql: string, marker: string): Promise<void> {
        proc.stdin!.write(`${sql}\nSELECT '${marker}';\n`);
        await until(`psql to print ${marker}`, async () => (out.includes(marker) ? true : undefined), 10_000);
      },
      end: () => proc.stdin!.end(),
    };
  }

  it('postgres: requests beyond DB_MAX_OPEN_CONNS wait at most the store timeout, then 503; /healthz stays 200; the pool recovers', async () => {
    const { dir } = await generate(args('postgres', false));
    const binary = await buildServer(dir);
    const url = await freshDatabase('postgres');
    const database = new URL(url).pathname.slice(1);
    const svc = await startService(binary, { DATABASE_URL: url, DB_MAX_OPEN_CONNS: '2' }, tempDir());
    const locker = psqlSession(url);
    try {
      expect((await postItem(svc, 'before')).status).toBe(201);
      // Every query on items now blocks, holding its pool connection until its context ends.
      await locker.send('BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE;', 'locked');

      const requests = Array.from({ length: 6 }, () => timed(`${svc.url}/api/v1/items`));
      await new Promise((r) => setTimeout(r, 1_000));
      const health = await timed(`${svc.url}/healthz`);
      expect(health.res.status).toBe(200);
      expect(health.ms).toBeLessThan(1_000);
      // The service holds no more connections than the bound, however many requests wait.
      const held = await must('psql', [url, '-A', '-t', '-c', `SELECT count(*) FROM pg_stat_activity WHERE datname = '${database}' AND application_name <> 'psql'`]);
      expect(Number(held.stdout.trim())).toBeGreaterThan(0);
      expect(Number(held.stdout.trim())).toBeLessThanOrEqual(2);

      for (const { res, ms } of await Promise.all(requests)) {
        expect(res.status).toBe(503);
        expect(await json(res)).toEqual({ error: 'database unavailable' });
        expect(ms).toBeGreaterThanOrEqual(2_500); // they waited for the store timeout (3s)...
        expect(ms).toBeLessThan(6_000); // ...and no longer: a bounded wait, not a hang
      }

      await locker.send('COMMIT;', 'released');
      const list = await json(await fetch(`${svc.url}/api/v1/items`));
      expect(list.items).toEqual([expect.objectContaining({ name: 'before' })]);
      expect((await postItem(svc, 'after')).status).toBe(201);
      expect(svc.proc.exitCode).toBeNull();
    } finally {
      locker.end();
      expect(await svc.stop()).toBe(0);
    }
    expect(svc.logs()).toMatch(/"status":503.*"request_id"/);
  });
});
