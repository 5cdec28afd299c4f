/**
 * `create-gin-app add resource`: a CRUD endpoint added to real generated
 * projects, proven by their own tests and over HTTP against the built
 * binary on SQLite, MariaDB and PostgreSQL; a second resource and an
 * update that keep each other's files and the user's edits; bad input
 * refused with one line and nothing written; --dry-run; and a failed
 * verification that leaves the project as it was.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { CLI, cleanEnv, reason, runCli, snapshot, tempDir, type RunResult } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/databases.js';
import { buildServer, go, startService } from '../helpers/go.js';
import { generate } from '../helpers/project.js';

const LONG = 600_000;

/** The resource every scenario adds: six fields, each type and modifier of the brief. */
const ORDER_FIELDS = [
  'customer:string:unique:max=100',
  'total:float:min=0',
  'quantity:int:min=1:max=1000',
  'note:text:optional',
  'paid:bool',
  'due:time:optional',
];
const fieldFlags = (specs: readonly string[]) => specs.flatMap((s) => ['--field', s]);
const ADD_ORDERS = ['add', 'resource', 'orders', ...fieldFlags(ORDER_FIELDS)];

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const output = (r: RunResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

/**
 * A copy of the project generate(args) made (generated and verified once
 * per file), so that each test changes a project of its own.
 */
async function copyOf(args: readonly string[] = []): Promise<string> {
  const { dir } = await generate(args);
  const copy = join(tempDir('cga-res-'), 'svc');
  cpSync(dir, copy, { recursive: true, filter: (src) => !/\/(bin|data)$/.test(src) });
  return copy;
}

/** Adds the orders resource to dir, with verification, and checks that it said so. */
async function addOrders(dir: string, extra: string[] = []): Promise<RunResult> {
  const r = await runCli([...ADD_ORDERS, ...extra], { cwd: dir });
  expect(r.code, output(r)).toBe(0);
  return r;
}

// ------------------------------------------------------------------ HTTP

interface Answer {
  status: number;
  location: string | null;
  body: any;
}

function client(base: string) {
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${base}${path}`, {
      method,
      // PATCH is a JSON Merge Patch (RFC 7396), as api/openapi.yaml says.
      headers: body === undefined ? {} : { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // left as text: the assertion on it shows it
    }
    return { status: res.status, location: res.headers.get('location'), body: parsed };
  };
}

/** A valid order body: n makes the unique customer distinct. */
const order = (n: number, extra: Record<string, unknown> = {}) => ({
  customer: `customer ${n} ✓`,
  total: 10 + n + 0.25,
  quantity: n,
  note: `note ${n}`,
  paid: n % 2 === 1,
  due: `2026-0${n}-0${n}T10:00:00Z`,
  ...extra,
});

/** The fields of an order as sent, compared with the row answered (times as instants: a database may change their zone). */
function expectRow(row: any, sent: Record<string, unknown>): void {
  expect(row).toMatchObject({ id: expect.any(Number), created_at: expect.any(String), updated_at: expect.any(String) });
  for (const [k, v] of Object.entries(sent)) {
    if (k === 'due' && typeof v === 'string') expect(Date.parse(row.due), `due of ${JSON.stringify(row)}`).toBe(Date.parse(v));
    else expect(row[k], `${k} of ${JSON.stringify(row)}`).toEqual(v);
  }
}

/**
 * The orders endpoints of a running service with an empty database, every
 * route: create and its Location, get, two pages, PUT, PATCH, DELETE, and
 * 400, 404 and 409.
 */
async function exerciseOrders(base: string): Promise<void> {
  const call = client(base);
  const path = '/api/v1/orders';

  expect(await call('GET', path)).toMatchObject({ status: 200, body: { orders: [], next_cursor: '' } });

  // Create: 201, the row, and a Location that GETs the same row.
  const created = await call('POST', path, order(1));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expectRow(created.body, order(1));
  const a = created.body;
  expect(created.location).toBe(`${path}/${a.id}`);
  const located = await call('GET', created.location!);
  expect(located.status).toBe(200);
  expect(located.body).toEqual(a);

  const b = (await call('POST', path, order(2))).body;
  const c3 = await call('POST', path, order(3));
  expect(c3.status, JSON.stringify(c3.body)).toBe(201);
  const c = c3.body;
  expect(new Set([a.id, b.id, c.id]).size).toBe(3);

  // Two pages: two rows and a cursor, then the last row and no cursor.
  const first = await call('GET', `${path}?limit=2`);
  expect(first.status).toBe(200);
  expect(first.body.orders.map((r: any) => r.id)).toEqual([a.id, b.id]);
  expect(first.body.next_cursor).toBe(String(b.id));
  const second = await call('GET', `${path}?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`);
  expect(second.status).toBe(200);
  expect(second.body.orders.map((r: any) => r.id)).toEqual([c.id]);
  expectRow(second.body.orders[0], order(3));
  expect(second.body.next_cursor).toBe('');
  // The default page holds them all.
  const all = await call('GET', path);
  expect(all.body.orders.map((r: any) => r.id)).toEqual([a.id, b.id, c.id]);
  expect(all.body.next_cursor).toBe('');
  for (const q of ['limit=0', 'limit=101', 'limit=two', 'cursor=x']) {
    const bad = await call('GET', `${path}?${q}`);
    expect(bad.status, q).toBe(400);
    expect(bad.body.error, q).toEqual(expect.any(String));
  }

  // PUT replaces the row: optional fields left out become null, false is a value.
  const replacement = { customer: 'replaced', total: 0, quantity: 1000, paid: false };
  const put = await call('PUT', `${path}/${a.id}`, replacement);
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  expectRow(put.body, { ...replacement, note: null, due: null, id: a.id });
  expect((await call('GET', `${path}/${a.id}`)).body).toMatchObject({ ...replacement, note: null, due: null });

  // PATCH changes one field; the others keep theirs.
  const patched = await call('PATCH', `${path}/${b.id}`, { quantity: 7 });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  expectRow(patched.body, { ...order(2), quantity: 7, id: b.id });
  expectRow((await call('GET', `${path}/${b.id}`)).body, { ...order(2), quantity: 7 });

  // One message per invalid field: too long, below min, below min, missing.
  const invalid = await call('POST', path, { customer: 'x'.repeat(101), total: -1, quantity: 0, note: 'fine' });
  expect(invalid.status).toBe(400);
  expect(invalid.body.error).toBe('invalid input');
  expect(Object.keys(invalid.body.fields).sort()).toEqual(['customer', 'paid', 'quantity', 'total']);
  for (const message of Object.values(invalid.body.fields)) expect(message).toMatch(/\S/);
  expect(invalid.body.fields.customer).toMatch(/100/);
  const overMax = await call('PATCH', `${path}/${b.id}`, { quantity: 1001 });
  expect(overMax.status).toBe(400);
  expect(Object.keys(overMax.body.fields)).toEqual(['quantity']);
  const notJSON = await call('POST', path, 'not json');
  expect(notJSON.status).toBe(400);
  expect(notJSON.body.error).toEqual(expect.any(String));
  expect((await call('GET', `${path}/${b.id}`)).body.quantity).toBe(7);

  // 409 on a unique value taken by another row, on POST and on PUT; nothing changes.
  const dupPost = await call('POST', path, order(9, { customer: 'replaced' }));
  expect(dupPost.status, JSON.stringify(dupPost.body)).toBe(409);
  const dupPut = await call('PUT', `${path}/${b.id}`, order(9, { customer: 'replaced' }));
  expect(dupPut.status, JSON.stringify(dupPut.body)).toBe(409);
  expect((await call('GET', `${path}/${b.id}`)).body.customer).toBe(order(2).customer);
  // Its own value is no conflict.
  expect((await call('PUT', `${path}/${a.id}`, replacement)).status).toBe(200);

  // 404 for a missing row, on every route that takes an ID.
  const missing = `${path}/999999`;
  for (const [method, body] of [['GET'], ['PUT', order(8)], ['PATCH', { quantity: 2 }], ['DELETE']] as const) {
    const r = await call(method, missing, body);
    expect(r.status, method).toBe(404);
    expect(r.body, method).toEqual({ error: 'not found' });
  }

  // DELETE: 204, then 404.
  const deleted = await call('DELETE', `${path}/${c.id}`);
  expect(deleted.status).toBe(204);
  expect((await call('GET', `${path}/${c.id}`)).status).toBe(404);
  expect((await call('DELETE', `${path}/${c.id}`)).status).toBe(404);
  expect((await call('GET', path)).body.orders.map((r: any) => r.id)).toEqual([a.id, b.id]);
}

/** Builds dir's binary, starts it with env (a fresh working directory: SQLite's file lands there), and runs fn. */
async function withService(dir: string, env: Record<string, string>, fn: (base: string) => Promise<void>): Promise<void> {
  const binary = await buildServer(dir);
  const svc = await startService(binary, env, tempDir('cga-res-run-'));
  try {
    await fn(svc.url);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- service logs:\n${svc.logs()}`, { cause: err });
  } finally {
    await svc.stop('SIGTERM');
  }
}

// ----------------------------------------------------------------- tests

describe('add resource on SQLite (the default project)', () => {
  it('adds a verified orders resource whose tests pass and whose endpoints work over HTTP', { timeout: LONG }, async () => {
    const dir = await copyOf([]);
    const r = await addOrders(dir);
    expect(r.stdout).toMatch(/^Plan for \.: add resource orders \(6 fields, migration 0002\)$/m);
    expect(r.stdout).toMatch(/✔ go build/);
    // The document changed: the project's own route comparison ran on the copy.
    expect(r.stdout).toMatch(/✔ go test -run '\^TestDocumentListsEveryRoute\$' \.\/internal\/server\/ \(\d+\.\ds\)/);
    expect(r.stdout).toContain('Added resource orders to ., verified');
    for (const f of [
      'internal/database/migrations/sqlite/0002_orders.sql',
      'internal/database/orders.go',
      'internal/database/orders_test.go',
      'internal/server/orders.go',
      'internal/server/orders_test.go',
      'internal/server/crud.go',
      'internal/server/crud_test.go',
    ]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(read(dir, 'internal/server/resources.go')).toMatch(/addOrderRoutes\(api, r\.Orders\)/);
    expect(read(dir, 'cmd/server/resources.go')).toContain('r.Orders = database.NewOrders(db)');
    expect(JSON.parse(read(dir, 'gin-app.json')).resources).toEqual([{ name: 'orders', migration: 2, fields: ORDER_FIELDS }]);

    const tests = await go(dir, ['test', '-v', './...'], { GOFLAGS: '-count=1' });
    expect(tests.stdout).toMatch(/--- PASS: TestOrdersStore/);
    expect(tests.stdout).toMatch(/--- PASS: TestOrdersEndpoints/);
    expect(tests.stdout).toMatch(/^ok\s+svc\/internal\/server/m);
    expect(tests.stdout).toMatch(/^ok\s+svc\/internal\/database/m);

    await withService(dir, {}, exerciseOrders);
  });
});

describe.each(['mysql', 'postgres'] as const)('add resource on a real %s server', (db) => {
  it('passes its database tests against the server and works over HTTP', { timeout: LONG }, async () => {
    const dir = await copyOf(['--db', db]);
    // From the parent directory, naming the project: the [dir] argument.
    const r = await runCli([...ADD_ORDERS.slice(0, 3), basename(dir), ...fieldFlags(ORDER_FIELDS)], { cwd: dirname(dir) });
    expect(r.code, output(r)).toBe(0);
    expect(r.stdout).toContain(`Added resource orders to svc, verified`);
    expect(existsSync(join(dir, `internal/database/migrations/${db}/0002_orders.sql`))).toBe(true);

    const tests = await go(dir, ['test', '-v', './internal/database/'], { GOFLAGS: '-count=1', TEST_DATABASE_URL: await freshDatabase(db) });
    expect(tests.stdout).toMatch(/--- PASS: TestOrdersStore/);
    expect(tests.stdout).not.toMatch(/set TEST_DATABASE_URL to run/);
    expect(tests.stdout).not.toMatch(/--- SKIP/);

    await withService(dir, { DATABASE_URL: await freshDatabase(db) }, exerciseOrders);
  });
});

describe('a second resource, then update', () => {
  it('serves both, and an update keeps both resources and an edit of a handler', { timeout: LONG }, async () => {
    const dir = await copyOf([]);
    await addOrders(dir);
    const li = await runCli(['add', 'resource', 'line_items', ...fieldFlags(['sku:string:unique:max=40', 'quantity:int:min=1', 'order_id:int64'])], { cwd: dir });
    expect(li.code, output(li)).toBe(0);
    expect(li.stdout).toMatch(/migration 0003/);
    expect(li.stdout).toContain('Added resource line_items to ., verified');
    // The wiring names both; the first resource's own files were left alone.
    expect(li.stdout).not.toMatch(/orders/);
    expect(read(dir, 'internal/server/resources.go')).toMatch(/addOrderRoutes[\s\S]*addLineItemRoutes/);
    expect(read(dir, 'cmd/server/resources.go')).toContain('r.LineItems = database.NewLineItems(db)');

    await withService(dir, {}, async (base) => {
      const call = client(base);
      const o = await call('POST', '/api/v1/orders', order(1));
      expect(o.status, JSON.stringify(o.body)).toBe(201);
      const item = { sku: 'SKU-1', quantity: 3, order_id: o.body.id };
      const l = await call('POST', '/api/v1/line_items', item);
      expect(l.status, JSON.stringify(l.body)).toBe(201);
      expect(l.body).toMatchObject(item);
      expect(l.location).toBe(`/api/v1/line_items/${l.body.id}`);
      expect((await call('GET', '/api/v1/line_items')).body).toEqual({ line_items: [l.body], next_cursor: '' });
      expect((await call('POST', '/api/v1/line_items', { ...item, quantity: 4 })).status).toBe(409);
      const bad = await call('POST', '/api/v1/line_items', { sku: 'x'.repeat(41), quantity: 0 });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.fields).sort()).toEqual(['order_id', 'quantity', 'sku']);
      expect((await call('GET', `/api/v1/orders/${o.body.id}`)).status).toBe(200);
    });

    // An edit of a generated handler (gofmt-clean), then a new port.
    const edit = '// Orders are kept for seven years (finance asked).';
    appendFileSync(join(dir, 'internal/server/orders.go'), `\n${edit}\n`);
    const handler = read(dir, 'internal/server/orders.go');
    const up = await runCli(['update', '--set', 'port=9191', '--yes'], { cwd: dir });
    expect(up.code, output(up)).toBe(0);
    expect(up.stdout).toMatch(/✔ go build/);
    expect(read(dir, 'internal/server/orders.go')).toBe(handler);
    expect(read(dir, 'internal/server/orders.go')).toContain(edit);

    const recorded = JSON.parse(read(dir, 'gin-app.json'));
    expect(recorded.answers.port).toBe(9191);
    expect(recorded.resources.map((r: { name: string; migration: number }) => [r.name, r.migration])).toEqual([
      ['orders', 2],
      ['line_items', 3],
    ]);
    for (const name of ['orders', 'line_items']) {
      for (const f of [`internal/database/${name}.go`, `internal/database/${name}_test.go`, `internal/server/${name}.go`, `internal/server/${name}_test.go`]) {
        expect(existsSync(join(dir, f)), f).toBe(true);
      }
    }
    expect(existsSync(join(dir, 'internal/database/migrations/sqlite/0002_orders.sql'))).toBe(true);
    expect(existsSync(join(dir, 'internal/database/migrations/sqlite/0003_line_items.sql'))).toBe(true);
    expect(read(dir, 'internal/server/resources.go')).toMatch(/addOrderRoutes[\s\S]*addLineItemRoutes/);
    expect(read(dir, 'cmd/server/resources.go')).toMatch(/NewOrders[\s\S]*NewLineItems/);
    expect(read(dir, 'internal/config/config.go')).toContain('default:"9191"');
    expect(read(dir, '.env.example')).toContain('PORT=9191');

    await go(dir, ['build', './...']);
    const tests = await go(dir, ['test', '-v', './internal/server/'], { GOFLAGS: '-count=1' });
    expect(tests.stdout).toMatch(/--- PASS: TestOrdersEndpoints/);
    expect(tests.stdout).toMatch(/--- PASS: TestLineItemsEndpoints/);
  });
});

describe('bad input: exit 2, one line, nothing written', () => {
  /** Runs add in cwd and checks the refusal; returns the reason. */
  async function refused(args: string[], cwd: string, watched = cwd): Promise<string> {
    const before = snapshot(watched);
    const r = await runCli(args, { cwd, timeoutMs: 60_000 });
    expect(r.code, output(r)).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.trim())).toHaveLength(1);
    expect(reason(r)).toMatch(/^create-gin-app: \S/);
    expect(r.stdout, output(r)).toBe('');
    expect(snapshot(watched), args.join(' ')).toEqual(before);
    // No verification copy left next to the project either.
    expect(readdirSync(dirname(watched)).filter((f) => f.startsWith(`.${basename(watched)}.create-gin-app`))).toEqual([]);
    return reason(r);
  }

  const cases: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'a name starting with a digit', args: ['9orders', '--field', 'a:int'], message: /resource name "9orders" must be snake_case/ },
    { name: 'a capitalised name', args: ['Orders', '--field', 'a:int'], message: /resource name "Orders" must be snake_case/ },
    { name: 'a singular name', args: ['widget', '--field', 'a:int'], message: /resource name "widget" must be a plural noun/ },
    { name: 'a reserved word as name', args: ['order', '--field', 'a:int'], message: /resource name "order" is an SQL reserved word/ },
    { name: 'an unknown type', args: ['things', '--field', 'x:money'], message: /field x: unknown type "money"/ },
    { name: 'no type', args: ['things', '--field', 'x'], message: /field "x" must be name:type/ },
    { name: 'an unknown modifier', args: ['things', '--field', 'x:int:huge'], message: /field x: unknown modifier "huge"/ },
    { name: 'max= on a bool', args: ['things', '--field', 'x:bool:max=3'], message: /field x: max= does not apply to type bool/ },
    { name: 'min above max', args: ['things', '--field', 'x:int:min=5:max=1'], message: /field x: min=5 is greater than max=1/ },
    { name: 'a duplicate field', args: ['things', '--field', 'a:int', '--field', 'a:int'], message: /field a is given twice/ },
    { name: 'a reserved word as field', args: ['things', '--field', 'select:int'], message: /field name "select" is an SQL reserved word/ },
    { name: 'an automatic column', args: ['things', '--field', 'id:int'], message: /field name "id" is a column every resource has/ },
    { name: '--yes without fields', args: ['things', '--yes'], message: /no fields given/ },
    { name: 'the built-in items example', args: ['items', '--field', 'a:int'], message: /resource items clashes with/ },
    { name: 'a file the service itself writes (internal/server/stores.go)', args: ['stores', '--field', 'a:int'], message: /resource stores would write internal\/server\/stores\.go/ },
    { name: 'a service option', args: ['things', '--field', 'a:int', '--port', '9000'], message: /takes no service options/ },
  ];

  it.each(cases)('$name', { timeout: LONG }, async ({ args, message }) => {
    const { dir } = await generate([]);
    expect(await refused(['add', 'resource', ...args], dir)).toMatch(message);
  });

  it('a resource added already', { timeout: LONG }, async () => {
    const dir = await copyOf([]);
    const first = await runCli([...ADD_ORDERS, '--no-verify'], { cwd: dir });
    expect(first.code, output(first)).toBe(0);
    expect(await refused(ADD_ORDERS, dir)).toMatch(/resource orders was already added to \. \(it is in gin-app\.json\)/);
    // Also when gin-app.json does not say so but the user's code declares its names.
    const other = await copyOf([]);
    writeFileSync(join(other, 'internal/server/mine.go'), 'package server\n\n// OrderStore is the user\'s own.\ntype OrderStore interface{}\n');
    expect(await refused(ADD_ORDERS, other)).toMatch(/resource orders clashes with OrderStore, already declared in internal\/server\/mine\.go/);
  });

  it('an empty directory, and a Go module without gin-app.json', { timeout: LONG }, async () => {
    const empty = join(tempDir('cga-res-'), 'plain');
    mkdirSync(empty);
    expect(await refused([...ADD_ORDERS, '--no-verify'], empty)).toMatch(/\. is not a service generated by create-gin-app: it has no gin-app\.json/);
    const mod = join(tempDir('cga-res-'), 'mod');
    mkdirSync(mod);
    writeFileSync(join(mod, 'go.mod'), 'module example.com/mod\n\ngo 1.22\n');
    writeFileSync(join(mod, 'main.go'), 'package main\n\nfunc main() {}\n');
    expect(await refused([...ADD_ORDERS.slice(0, 3), 'mod', ...fieldFlags(ORDER_FIELDS)], dirname(mod), mod)).toMatch(
      /mod is not a service generated by create-gin-app: it has no gin-app\.json/,
    );
  });

  it('a project without a database points at update --set db=sqlite', { timeout: LONG }, async () => {
    const { dir } = await generate(['--db', 'none']);
    expect(await refused(ADD_ORDERS, dir)).toMatch(/add resource needs a database.*update --set db=sqlite/);
  });

  it('a service generated before add resource existed is sent to update first', { timeout: LONG }, async () => {
    const dir = await copyOf([]);
    // What an older gin-app.json looks like: no fingerprint of the wiring file, which did not exist.
    const file = JSON.parse(read(dir, 'gin-app.json'));
    delete file.files['internal/server/resources.go'];
    writeFileSync(join(dir, 'gin-app.json'), JSON.stringify(file, null, 2) + '\n');
    expect(await refused(ADD_ORDERS, dir)).toMatch(/generated before add resource existed: run npx create-gin-app update first/);
  });

  it('add widget: an unknown thing to add', { timeout: LONG }, async () => {
    const { dir } = await generate([]);
    expect(await refused(['add', 'widget'], dir)).toMatch(/cannot add "widget"/);
    expect(await refused(['add'], dir)).toMatch(/add what\?/);
  });
});

describe('--dry-run', () => {
  it('prints the plan and the diffs and writes nothing', { timeout: LONG }, async () => {
    const dir = await copyOf([]);
    const before = snapshot(dir);
    const r = await runCli([...ADD_ORDERS, '--dry-run'], { cwd: dir });
    expect(r.code, output(r)).toBe(0);
    expect(r.stdout).toMatch(/^Plan for \.: add resource orders/m);
    for (const f of ['internal/server/orders.go', 'internal/database/orders.go', 'internal/database/migrations/sqlite/0002_orders.sql', 'internal/server/crud.go']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+create\\s+${f.replace(/\./g, '\\.')}$`, 'm'));
    }
    expect(r.stdout).toMatch(/^\s+update\s+internal\/server\/resources\.go$/m);
    expect(r.stdout).toMatch(/^\s+update\s+api\/openapi\.yaml$/m);
    expect(r.stdout).toMatch(/^\s+update\s+gin-app\.json$/m);
    expect(r.stdout).toContain('+++ b/internal/server/resources.go');
    expect(r.stdout).toMatch(/^\+\s+addOrderRoutes\(api, r\.Orders\)$/m);
    expect(r.stdout).toContain('+++ b/internal/server/orders.go');
    expect(r.stdout).toMatch(/^\+CREATE TABLE orders \($/m);
    expect(r.stdout).not.toMatch(/go build/);
    expect(r.stdout).toContain('Dry run: nothing was written.');
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(dirname(dir))).toEqual(['svc']);
  });
});

describe('a failed verification', () => {
  it('Ctrl-C during it leaves the project as it was, and no copy behind', { timeout: LONG }, async () => {
    const dir = await copyOf([]);
    const before = snapshot(dir);
    // A module proxy that accepts connections and never answers keeps go mod tidy (empty module cache) busy.
    const sockets: Socket[] = [];
    const hang = createServer((sock) => sockets.push(sock));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const child = spawn(process.execPath, [CLI, ...ADD_ORDERS], {
      cwd: dir,
      detached: true, // its own process group, as a terminal's foreground job
      env: cleanEnv({ GOPROXY: `http://127.0.0.1:${(hang.address() as { port: number }).port}`, GOMODCACHE: tempDir('cga-modcache-'), GOFLAGS: '-modcacherw' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let out = '';
    await new Promise<void>((r) =>
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('Verifying')) r();
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(readdirSync(dirname(dir)).filter((f) => f.includes('create-gin-app'))).toHaveLength(1); // the copy, now
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(130);
    for (const sock of sockets) sock.destroy();
    hang.close();
    expect(readdirSync(dirname(dir))).toEqual(['svc']);
    expect(snapshot(dir)).toEqual(before);
  });

  it('leaves the project exactly as it was', { timeout: LONG }, async () => {
    const dir = await copyOf([]);
    // A name the shared crud.go declares: the copy fails go vet / go build.
    writeFileSync(join(dir, 'internal/server/mine.go'), 'package server\n\n// decodeBody is the user\'s own.\nfunc decodeBody() {}\n');
    const before = snapshot(dir);
    const r = await runCli(ADD_ORDERS, { cwd: dir });
    expect(r.code, output(r)).not.toBe(0);
    expect(r.code, output(r)).not.toBe(null);
    expect(reason(r)).toMatch(/^create-gin-app: .*nothing was written/);
    expect(r.stdout + r.stderr).toMatch(/decodeBody/);
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(dirname(dir))).toEqual(['svc']);
    expect(JSON.parse(read(dir, 'gin-app.json')).resources ?? []).toEqual([]);
  });

  it('a document that no longer lists a route Gin serves fails the document step, and nothing is written', { timeout: LONG }, async () => {
    const dir = await copyOf([]);
    // Your edit of api/openapi.yaml: the ping operation gone (merged into the resource's document as any edit is).
    writeFileSync(join(dir, 'api/openapi.yaml'), read(dir, 'api/openapi.yaml').replace(/\n {2}\/api\/v1\/ping:\n(?: {4}.*\n)+/, '\n'));
    const before = snapshot(dir);
    const r = await runCli(ADD_ORDERS, { cwd: dir });
    expect(r.code, output(r)).toBe(1);
    expect(r.stdout).toMatch(/✔ go build/);
    expect(reason(r)).toBe("create-gin-app: go test -run '^TestDocumentListsEveryRoute$' ./internal/server/ failed (details below); nothing was written");
    expect(r.stdout + r.stderr).toMatch(/GET \/api\/v1\/ping/);
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(dirname(dir))).toEqual(['svc']);
  });
});

describe('your edits to the wiring', () => {
  it('are merged when they do not overlap, and stop the add with nothing written when they do', { timeout: LONG }, async () => {
    const dir = await copyOf([]);
    const wiring = 'internal/server/resources.go';
    // A comment above the function: merged with the new route line.
    writeFileSync(join(dir, wiring), read(dir, wiring).replace('// addResourceRoutes', '// Reviewed by the platform team.\n// addResourceRoutes'));
    const ok = await runCli([...ADD_ORDERS, '--no-verify'], { cwd: dir });
    expect(ok.code, output(ok)).toBe(0);
    expect(ok.stdout).toMatch(/^\s+merge\s+internal\/server\/resources\.go$/m);
    expect(read(dir, wiring)).toContain('// Reviewed by the platform team.');
    expect(read(dir, wiring)).toContain('addOrderRoutes(api, r.Orders)');

    // A line of its own where the next resource's line goes: a conflict.
    writeFileSync(join(dir, wiring), read(dir, wiring).replace('addOrderRoutes(api, r.Orders)', 'addOrderRoutes(api, r.Orders) // the orders API'));
    const before = snapshot(dir);
    const r = await runCli(['add', 'resource', 'invoices', '--field', 'number:string:unique', '--no-verify'], { cwd: dir });
    expect(r.code, output(r)).toBe(1);
    expect(reason(r)).toMatch(/^create-gin-app: your edits to internal\/server\/resources\.go conflict with the wiring of invoices; nothing was written$/);
    expect(snapshot(dir)).toEqual(before);
  });
});
