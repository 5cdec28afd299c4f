/**
 * Issue 26, item 4: migrations as a step of their own. The service binary's
 * `migrate up|down|status` subcommand (goose, the service's own settings),
 * against real SQLite and PostgreSQL; and a service started with
 * MIGRATE_ON_START=false on an unmigrated database: not ready, one log line
 * naming the pending migration (no driver text), ready once `migrate up`
 * has run, without a restart. And `make migrate` (issue 27), the same
 * subcommand run from the source.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir, type RunResult } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/databases.js';
import { buildServer, startService } from '../helpers/go.js';
import { generate } from '../helpers/project.js';

function server(binary: string, args: string[], env: Record<string, string>, cwd: string): Promise<RunResult> {
  return run(binary, args, { cwd, env: { DOTENV: 'off', PPROF_ADDR: '', METRICS_ADDR: '', ...env }, timeoutMs: 60_000 });
}

/** `migrate status` lines as [state, file]. */
function statusLines(out: string): string[][] {
  return out.trim().split('\n').map((l) => {
    const f = l.trim().split(/\s+/);
    return [f[0]!, f.at(-1)!];
  });
}

describe('migrate subcommand', () => {
  for (const db of ['sqlite', 'postgres'] as const) {
    it(`${db}: status lists 0001 pending, up applies it, status says applied with its time, down rolls it back`, async () => {
      const { dir } = await generate(['--db', db, '--no-redis']);
      const binary = await buildServer(dir);
      const cwd = tempDir('cga-migrate-');
      const env: Record<string, string> = db === 'postgres' ? { DATABASE_URL: await freshDatabase('postgres', 'cga_mig') } : {};

      const before = await server(binary, ['migrate', 'status'], env, cwd);
      expect(before.code, before.stdout + before.stderr).toBe(0);
      expect(statusLines(before.stdout)).toEqual([['pending', '0001_items.sql']]);

      const up = await server(binary, ['migrate', 'up'], env, cwd);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stdout).toMatch(/"msg":"migration applied","version":1,"file":"0001_items.sql"/);

      const after = await server(binary, ['migrate', 'status'], env, cwd);
      expect(after.code).toBe(0);
      expect(statusLines(after.stdout)).toEqual([['applied', '0001_items.sql']]);
      expect(after.stdout).toMatch(/^applied\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+0001_items\.sql$/m);
      // The listing is the output: no connection records at the default level.
      expect(after.stdout).not.toContain('"msg"');

      // up again: nothing to do.
      const again = await server(binary, ['migrate', 'up'], env, cwd);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('"applied_now":0');

      const down = await server(binary, ['migrate', 'down'], env, cwd);
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(down.stdout).toMatch(/"msg":"migration rolled back","file":"0001_items.sql"/);
      expect(statusLines((await server(binary, ['migrate', 'status'], env, cwd)).stdout)).toEqual([['pending', '0001_items.sql']]);

      // Flags and settings are the service's: a flag after the command is read.
      const flagged = await server(binary, ['migrate', 'status', '-log-level', 'debug'], env, cwd);
      expect(flagged.code, flagged.stdout + flagged.stderr).toBe(0);
    });
  }

  it('sqlite: make migrate CMD=status lists 0001_items.sql pending, make migrate applies it (issue 27)', async () => {
    const { dir } = await generate(['--db', 'sqlite', '--no-redis']);
    await buildServer(dir); // what go run then reuses from the build cache, as the other tests
    // The Makefile's own settings: no .env, the default DATABASE_URL (data/<name>.db in the project).
    const make = (...args: string[]) => run('make', ['--no-print-directory', 'migrate', ...args], { cwd: dir, env: { GOTOOLCHAIN: 'local' }, timeoutMs: 300_000 });
    const listing = (out: string) => statusLines(out.split('\n').filter((l) => /^(applied|pending)\s/.test(l)).join('\n'));

    const before = await make('CMD=status');
    expect(before.code, before.stdout + before.stderr).toBe(0);
    expect(before.stdout).toContain('go run ./cmd/server migrate status');
    expect(listing(before.stdout)).toEqual([['pending', '0001_items.sql']]);

    const up = await make();
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toContain('go run ./cmd/server migrate up');
    expect(up.stdout).toMatch(/"msg":"migration applied","version":1,"file":"0001_items.sql"/);

    const after = await make('CMD=status');
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(listing(after.stdout)).toEqual([['applied', '0001_items.sql']]);
  });

  it('a missing or unknown command, or a bad flag: exit 1 with one line', async () => {
    const { dir } = await generate(['--db', 'sqlite', '--no-redis']);
    const binary = await buildServer(dir);
    const cwd = tempDir('cga-migrate-bad-');
    for (const [args, line] of [
      [['migrate'], /^error: usage: svc migrate up\|down\|status/],
      [['migrate', 'sideways'], /^error: migrate: unknown command "sideways"; usage: /],
      [['migrate', 'up', '-no-such-flag'], /^error: flag provided but not defined: -no-such-flag/],
    ] as const) {
      const r = await server(binary, [...args], {}, cwd);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(line);
    }
  });
});

describe('MIGRATE_ON_START=false', () => {
  it('postgres, unmigrated: /readyz 503 naming "migrations", one log line naming the pending file; ready after migrate up, same process', async () => {
    const { dir } = await generate(['--db', 'postgres', '--no-redis']);
    const binary = await buildServer(dir);
    const url = await freshDatabase('postgres', 'cga_unmig');
    const cwd = tempDir('cga-unmig-');
    const svc = await startService(binary, { DOTENV: 'off', DATABASE_URL: url, MIGRATE_ON_START: 'false' }, cwd);
    try {
      const res = await fetch(`${svc.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', down: ['migrations'] });
      await svc.waitForLog('pending migration 0001_items.sql');
      // Probed again and again, as the kubelet does: still one line, logged when the check
      // started failing, not one per probe.
      for (let i = 0; i < 5; i++) expect((await fetch(`${svc.url}/readyz`)).status).toBe(503);
      const lines = svc.logs().split('\n').filter((l) => l.includes('pending migration'));
      expect(lines).toHaveLength(1);
      const first = JSON.parse(lines[0]!);
      expect(first).toMatchObject({ level: 'WARN', msg: 'readiness check failed', check: 'migrations' });
      expect(first.error).toBe('pending migration 0001_items.sql (MIGRATE_ON_START=false: the migrate up step applies it)');
      // It did not migrate at start.
      expect(svc.logs()).not.toContain('"msg":"migration applied"');
      expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);

      const up = await server(binary, ['migrate', 'up'], { DATABASE_URL: url }, cwd);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const ready = await fetch(`${svc.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
      // And one line when it passes again.
      await svc.waitForLog('"msg":"readiness check recovered","check":"migrations"');
      expect(svc.logs().match(/"msg":"readiness check recovered"/g)).toHaveLength(1);
      const created = await fetch(`${svc.url}/api/v1/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'after-migrate' }) });
      expect(created.status).toBe(201);
      expect(svc.proc.exitCode).toBeNull();
    } finally {
      expect(await svc.stop()).toBe(0);
    }
  });

  it('default (MIGRATE_ON_START=true, as compose and make run): the start applies the migration', async () => {
    const { dir } = await generate(['--db', 'postgres', '--no-redis']);
    const binary = await buildServer(dir);
    const url = await freshDatabase('postgres', 'cga_onstart');
    const svc = await startService(binary, { DOTENV: 'off', DATABASE_URL: url }, tempDir('cga-onstart-'));
    try {
      expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
      expect(svc.logs()).toContain('"msg":"migration applied","version":1,"file":"0001_items.sql"');
    } finally {
      expect(await svc.stop()).toBe(0);
    }
    const compose = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
    expect(compose).not.toContain('MIGRATE_ON_START');
  });
});
