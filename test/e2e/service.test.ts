/**
 * Issue 15: the generated service tells the truth and loses nothing. Each
 * test runs the real binary: crash durability of its logs, request-scoped
 * records, honest status codes against real SQLite, MariaDB and PostgreSQL,
 * the port answering while the stores connect, and a drain that neither
 * drops in-flight requests nor resets queued connections.
 */
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/databases.js';
import { buildServer, freePort, go, startService, type Service } from '../helpers/go.js';
import { generate } from '../helpers/project.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, f: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The JSON records of a service's stdout. */
function records(svc: Service): Record<string, unknown>[] {
  return svc
    .logs()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** One GET on a connection of its own (no keep-alive pool), as curl makes: the status, or the error code. */
function getOnce(port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

// ------------------------------------------------------------ durability

describe('1. no log record is lost to a crash', () => {
  /** The record logged just before each kind of crash is on stdout once the process is gone. */
  it.each([
    { how: 'goroutine', path: '/debug/crash', code: 2 },
    { how: 'exit', path: '/debug/crash?how=exit', code: 3 },
  ])('a panic on a goroutine / os.Exit: $how', async ({ how, path, code }) => {
    const { dir } = await generate(['--db', 'none']);
    const svc = await startService(await buildServer(dir), { DEBUG_ROUTES: 'true' });
    const id = `crash-${how}`;
    await fetch(`${svc.url}${path}`, { headers: { 'X-Request-ID': id } }).catch(() => undefined);
    expect(await svc.exited).toBe(code);
    const crash = records(svc).find((r) => r.msg === 'crashing on purpose (DEBUG_ROUTES=true)');
    expect(crash).toMatchObject({ level: 'ERROR', how: how === 'exit' ? 'exit' : '', request_id: id });
  });

  it('SIGKILL right after a response: its access record is on stdout', async () => {
    const { dir } = await generate(['--db', 'none']);
    const svc = await startService(await buildServer(dir));
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${svc.url}/api/v1/ping`, { headers: { 'X-Request-ID': `kill-${i}` } });
      expect(res.status).toBe(200);
    }
    svc.proc.kill('SIGKILL');
    expect(await svc.exited).toBeNull();
    const access = records(svc).filter((r) => r.msg === 'request' && String(r.request_id).startsWith('kill-'));
    expect(access.map((r) => r.request_id)).toEqual(['kill-0', 'kill-1', 'kill-2', 'kill-3', 'kill-4']);
  });
});

// ---------------------------------------------------- status codes (3.)

type Db = 'sqlite' | 'mysql' | 'postgres';

/** Drops the items table under the running service, from outside it. */
async function dropItems(db: Db, dir: string, url: string): Promise<void> {
  if (db === 'postgres') {
    expect((await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', 'DROP TABLE items'], { cwd: '/' })).code).toBe(0);
  } else if (db === 'mysql') {
    const name = new URL(url).pathname.slice(1);
    expect((await run('mariadb', ['-h', '127.0.0.1', '-uroot', name, '-e', 'DROP TABLE items'], { cwd: '/' })).code).toBe(0);
  } else {
    // No sqlite3 CLI needed: the project's own pure-Go driver, from a throwaway main package.
    const tool = join(dir, 'internal', 'dropitems');
    mkdirSync(tool, { recursive: true });
    writeFileSync(
      join(tool, 'main.go'),
      `package main

import (
	"database/sql"
	"os"

	_ "github.com/glebarez/go-sqlite"
)

func main() {
	db, err := sql.Open("sqlite", os.Args[1])
	if err == nil {
		_, err = db.Exec("DROP TABLE items")
	}
	if err != nil {
		panic(err)
	}
}
`,
    );
    await go(dir, ['run', './internal/dropitems', url]);
  }
}

describe.each([{ db: 'sqlite' as const }, { db: 'mysql' as const }, { db: 'postgres' as const }])(
  '3. honest status codes: $db',
  ({ db }) => {
    it('201, 409 for a taken name, 404, 400; 500 once the table is dropped, with no driver text and the request ID on every record', async () => {
      const { dir } = await generate(['--db', db]);
      const binary = await buildServer(dir);
      const work = tempDir('cga-status-');
      const url = db === 'sqlite' ? join(work, 'app.db') : await freshDatabase(db);
      const svc = await startService(binary, { DATABASE_URL: url }, work);
      try {
        const post = (name: string) =>
          fetch(`${svc.url}/api/v1/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
        const created = await post('unique name');
        expect(created.status).toBe(201);
        const again = await post('unique name');
        expect(again.status).toBe(409);
        expect(await again.json()).toEqual({ error: 'conflicts with an existing record' });
        const missing = await fetch(`${svc.url}/api/v1/items/999999`);
        expect(missing.status).toBe(404);
        expect(await missing.json()).toEqual({ error: 'not found' });
        expect((await post('')).status).toBe(400);

        await dropItems(db, dir, url);
        const broken = await fetch(`${svc.url}/api/v1/items`, { headers: { 'X-Request-ID': 'dropped-table' } });
        expect(broken.status).toBe(500);
        expect(await broken.text()).toBe('{"error":"internal server error"}');

        // The driver text is in the log, with the request ID on every record of the request.
        await svc.waitForLog('"msg":"request error"');
        const ofRequest = records(svc).filter((r) => r.request_id === 'dropped-table');
        const msgs = ofRequest.map((r) => r.msg);
        expect(msgs).toContain('request');
        expect(msgs).toContain('request error');
        expect(msgs).toContain('SQL executed'); // GORM's own record of the failed query
        const error = ofRequest.find((r) => r.msg === 'request error')!;
        expect(String(error.error)).toMatch(/items/i);
      } finally {
        expect(await svc.stop()).toBe(0);
      }
    });
  },
);

// ------------------------------------------------------------ startup (4.)

describe('4. the port answers as soon as it is bound', () => {
  it('while the database is unreachable: /healthz 200, /readyz 503 starting, routes 503 at once; SIGTERM then exits 0', async () => {
    const { dir } = await generate(['--db', 'postgres']);
    const binary = await buildServer(dir);
    const port = await freePort();
    const nothing = await freePort();
    const proc = spawn(binary, [], {
      cwd: tempDir(),
      env: {
        PATH: process.env.PATH,
        PPROF_ADDR: '',
        METRICS_ADDR: '',
        PORT: String(port),
        DATABASE_URL: `postgres://app:s3cret@127.0.0.1:${nothing}/x?sslmode=disable`,
        CONNECT_ATTEMPTS: '100',
        CONNECT_BACKOFF: '200ms',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => proc.on('close', resolve));
    const base = `http://127.0.0.1:${port}`;
    await waitFor('the port', async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200);
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'starting' }]);
    const started = Date.now();
    const ping = await fetch(`${base}/api/v1/ping`);
    expect([ping.status, await ping.json()]).toEqual([503, { error: 'starting' }]);
    expect(Date.now() - started).toBeLessThan(1_000);
    await waitFor('a retry', () => out.includes('"msg":"connection failed, retrying"'));

    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).not.toContain('s3cret');
  });
});

// -------------------------------------------------------------- drain (5.)

/** An upstream whose every answer takes ms: the service's /upstream route becomes a slow request. */
async function slowUpstream(ms: number): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const srv = createServer((_req, res) => setTimeout(() => res.end('slow'), ms));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => srv.close(() => r())) };
}

describe('5. a drain that load balancers can follow', () => {
  it('DRAIN_DELAY: /readyz 503 draining, new requests served during the delay, in-flight ones complete, then refused; exit 0', async () => {
    const { dir } = await generate(['--db', 'none']);
    const up = await slowUpstream(3_000);
    const svc = await startService(await buildServer(dir), { DRAIN_DELAY: '2s', UPSTREAM_URL: up.url });
    try {
      const inFlight = Array.from({ length: 5 }, () => fetch(`${svc.url}/api/v1/upstream`).then((r) => r.status));
      await sleep(300);
      const exit = svc.stop('SIGTERM');
      await svc.waitForLog('"msg":"draining"');
      const readyz = await fetch(`${svc.url}/readyz`);
      expect([readyz.status, await readyz.json()]).toEqual([503, { status: 'draining' }]);
      // A new connection during the delay is served.
      expect(await getOnce(svc.port, '/api/v1/ping')).toBe(200);
      await svc.waitForLog('"msg":"shutting down"', 5_000);
      expect(await getOnce(svc.port, '/api/v1/ping')).toBe('ECONNREFUSED');
      expect(await Promise.all(inFlight)).toEqual([200, 200, 200, 200, 200]);
      expect(await exit).toBe(0);
    } finally {
      await up.close();
    }
  });

  it('SHUTDOWN_TIMEOUT passed with a request still running: cut off, exit 1', async () => {
    const { dir } = await generate(['--db', 'none']);
    const up = await slowUpstream(8_000);
    const svc = await startService(await buildServer(dir), { SHUTDOWN_TIMEOUT: '1s', UPSTREAM_URL: up.url });
    try {
      const slow = fetch(`${svc.url}/api/v1/upstream`).then((r) => r.status, () => 'cut off');
      await sleep(300);
      const started = Date.now();
      expect(await svc.stop('SIGTERM')).toBe(1);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await slow).not.toBe(200);
      expect(svc.logs()).toMatch(/error: shutdown: requests still running after 1s were cut off/);
    } finally {
      await up.close();
    }
  });

  it('200 concurrent connections, SIGTERM 50 ms in, 10 times: only 200s and refused connections, never a reset or an empty reply', async () => {
    const { dir } = await generate(['--db', 'none']);
    const binary = await buildServer(dir);
    const seen = new Map<string, number>();
    for (let round = 0; round < 10; round++) {
      const svc = await startService(binary, { DRAIN_DELAY: '0s' });
      // Started over ~10 ms, as 200 curl processes would be, so that
      // connections are still arriving and queued when SIGTERM lands.
      const burst: Promise<number | string>[] = [];
      const started = (async () => {
        for (let i = 0; i < 200; i++) {
          burst.push(getOnce(svc.port, '/api/v1/ping'));
          if (i % 20 === 19) await sleep(1);
        }
      })();
      await sleep(50);
      const exit = svc.stop('SIGTERM');
      await started;
      for (const outcome of await Promise.all(burst)) seen.set(String(outcome), (seen.get(String(outcome)) ?? 0) + 1);
      expect(await exit).toBe(0);
    }
    const outcomes = [...seen.keys()].sort();
    expect(outcomes.every((o) => o === '200' || o === 'ECONNREFUSED'), `outcomes: ${JSON.stringify(Object.fromEntries(seen))}`).toBe(true);
    expect(seen.get('200')).toBeGreaterThan(0);
  });
});
