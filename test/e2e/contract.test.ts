/**
 * The API contract: api/openapi.yaml of generated services with two
 * resources (default SQLite, and --db postgres --redis) is valid OpenAPI
 * 3.1, lists every route Gin serves and matches every response of the
 * project's own handler tests; a real process enforces it (415, 413, 400
 * naming the field, one JSON value, bounded text and pages, merge patch),
 * writes nothing on a refusal and serves the document as written; a Go client generated from it with
 * oapi-codegen drives a resource; the docs page renders the routes in a
 * real headless Chromium; update --check reports the document's drift.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findTool } from '../../scripts/go-tools.mjs';
import { runCli, tempDir, type RunResult } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/databases.js';
import { buildServer, freePort, go, startService, type Service } from '../helpers/go.js';
import { generate } from '../helpers/project.js';

const LONG = 600_000;
const output = (r: RunResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

const RESOURCES = [
  ['orders', 'customer:string:unique:max=100', 'total:float:min=0', 'quantity:int:min=1:max=1000', 'note:text:optional', 'paid:bool', 'due:time:optional'],
  // body: text without max, bounded by the document at 64 KiB; summary: a text with its own max.
  ['notes', 'title:string', 'body:text', 'summary:text:optional:max=500'],
] as const;

const SETS = [
  { name: 'default (SQLite)', args: [] as string[], db: 'sqlite' as const },
  { name: '--db postgres --redis', args: ['--db', 'postgres', '--redis'], db: 'postgres' as const },
];

/** The generated project of a set, with both resources added (once per file). */
const projects = new Map<string, Promise<string>>();
function project(args: readonly string[]): Promise<string> {
  const key = args.join(' ');
  let p = projects.get(key);
  if (!p) {
    p = (async () => {
      const { dir } = await generate(args);
      for (const [name, ...fields] of RESOURCES) {
        const r = await runCli(['add', 'resource', name, ...fields.flatMap((f) => ['--field', f])], { cwd: dir });
        expect(r.code, output(r)).toBe(0);
      }
      return dir;
    })();
    projects.set(key, p);
  }
  return p;
}

async function start(dir: string, db: 'sqlite' | 'postgres', env: Record<string, string> = {}): Promise<Service> {
  const binary = await buildServer(dir);
  const url = db === 'postgres' ? await freshDatabase('postgres', 'cga_api') : join(tempDir('cga-api-db-'), 'api.db');
  return startService(binary, { DATABASE_URL: url, REDIS_URL: 'redis://127.0.0.1:6379/6', ...env });
}

async function call(svc: Service, method: string, path: string, body?: string, type = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json') {
  const res = await fetch(`${svc.url}/api/v1${path}`, { method, body, headers: body === undefined ? {} : { 'Content-Type': type } });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

const order = (n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ customer: `customer ${n}`, total: 9.5, quantity: 2, paid: true, note: 'ring twice', ...extra });

describe.each(SETS)('API contract: $name with two resources', ({ args, db }) => {
  it('the project\'s own tests pass: a valid 3.1 document, the same routes as Gin, every handler response valid against it', { timeout: LONG }, async () => {
    const dir = await project(args);
    const doc = parse(readFileSync(join(dir, 'api/openapi.yaml'), 'utf8'));
    expect(doc.openapi).toBe('3.1.0');
    for (const [name] of RESOURCES) {
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([`/api/v1/${name}`, `/api/v1/${name}/{id}`]));
      expect(doc.components.schemas[`${name === 'orders' ? 'Order' : 'Note'}Input`].additionalProperties).toBe(false);
    }
    expect(Boolean(doc.paths['/api/v1/counters/{name}'])).toBe(args.includes('--redis'));
    // Pages with a 64 KiB text hold fewer rows (orders has an optional note): the document says how many.
    expect(doc.paths['/api/v1/notes'].get.parameters[0].schema.maximum).toBe(10);
    expect(doc.paths['/api/v1/orders'].get.parameters[0].schema.maximum).toBe(10);
    const env = db === 'postgres' ? { TEST_DATABASE_URL: await freshDatabase('postgres', 'cga_api') } : undefined;
    const r = await go(dir, ['test', '-count=1', './...'], env);
    expect(output(r)).not.toMatch(/FAIL/);
    // The route comparison and the response checks ran (not skipped).
    const v = await go(dir, ['test', '-count=1', '-v', '-run', 'TestDocumentListsEveryRoute|TestOrdersEndpoints|TestNotesEndpoints', './internal/server/']);
    expect(v.stdout).toMatch(/--- PASS: TestDocumentListsEveryRoute/);
    expect(v.stdout).toMatch(/--- PASS: TestOrdersEndpoints/);
    expect(v.stdout).toMatch(/--- PASS: TestNotesEndpoints/);
  });

  it('a drifted route fails the project\'s tests: a route Gin serves that the document lacks', { timeout: LONG }, async () => {
    const dir = await project(args);
    const path = join(dir, 'api/openapi.yaml');
    const original = readFileSync(path, 'utf8');
    try {
      writeFileSync(path, original.replace(/\n {2}\/api\/v1\/ping:\n(?: {4}.*\n)+/, '\n'));
      const r = await go(dir, ['test', '-count=1', '-run', 'TestDocumentListsEveryRoute', './internal/server/']).catch((e: Error) => ({ code: 1, stdout: e.message, stderr: '' }));
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/GET \/api\/v1\/ping/);
    } finally {
      writeFileSync(path, original);
    }
  });

  it('a real process enforces the document, and writes nothing on a refusal', { timeout: LONG }, async () => {
    const dir = await project(args);
    const metricsPort = await freePort();
    const svc = await start(dir, db, { METRICS_ADDR: `127.0.0.1:${metricsPort}` });
    try {
      expect((await call(svc, 'POST', '/orders', order(1))).status).toBe(201);
      const count = async () => (await call(svc, 'GET', '/orders?limit=10')).body.orders.length;
      const refused: [string, Awaited<ReturnType<typeof call>>, number][] = [
        ['unknown field', await call(svc, 'POST', '/orders', order(2, { discount: 5 })), 400],
        ['text/plain body', await call(svc, 'POST', '/orders', order(3), 'text/plain'), 415],
        ['form body', await call(svc, 'POST', '/orders', 'customer=x', 'application/x-www-form-urlencoded'), 415],
        ['trailing data', await call(svc, 'POST', '/orders', `${order(4)} {"more":1}`), 400],
        ['a string past its max', await call(svc, 'POST', '/orders', order(5, { customer: 'x'.repeat(101) })), 400],
        ['a number under its min', await call(svc, 'POST', '/orders', order(6, { quantity: 0 })), 400],
        ['a required field missing', await call(svc, 'POST', '/orders', JSON.stringify({ total: 1, quantity: 1, paid: false })), 400],
        ['a text past 64 KiB', await call(svc, 'POST', '/notes', JSON.stringify({ title: 't', body: 'x'.repeat(65536) })), 400],
        ['limit past the page', await call(svc, 'GET', '/notes?limit=11'), 400],
        ['a PATCH that is not a merge patch', await call(svc, 'PATCH', '/orders/1', '{"paid":false}', 'application/json'), 415],
        ['null for a required field', await call(svc, 'PATCH', '/orders/1', '{"customer":null}'), 400],
        ['a text past its max=500', await call(svc, 'POST', '/notes', JSON.stringify({ title: 't', body: 'b', summary: 'x'.repeat(501) })), 400],
      ];
      for (const [what, answer, status] of refused) expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(status);
      expect(refused[0]![1].body.fields).toEqual({ discount: 'is not a field of this resource' });
      expect(refused[4]![1].body.fields).toEqual({ customer: 'must be at most 100 characters' });
      expect(refused[6]![1].body.fields).toEqual({ customer: 'is required' });
      expect(refused[7]![1].body.fields).toEqual({ body: 'must be at most 65535 characters' });
      expect(refused[10]![1].body.fields).toHaveProperty('customer');
      expect(refused[11]![1].body.fields).toEqual({ summary: 'must be at most 500 characters' });
      expect(await count()).toBe(1);
      // The refused notes wrote nothing; the bound itself is accepted.
      expect((await call(svc, 'GET', '/notes')).body).toEqual({ notes: [], next_cursor: '' });
      expect((await call(svc, 'POST', '/notes', JSON.stringify({ title: 't', body: 'b', summary: 'x'.repeat(500) }))).status).toBe(201);

      // The document as written, over HTTP.
      const served = await fetch(`${svc.url}/api/v1/openapi.yaml`);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('application/yaml');
      expect(await served.text()).toBe(readFileSync(join(dir, 'api/openapi.yaml'), 'utf8'));
      expect((await call(svc, 'GET', '/orders/1')).body.paid).toBe(true);

      // An oversized chunked body (no Content-Length) is 413, not 400.
      const chunked = await new Promise<number>((resolve, reject) => {
        const req = request(`${svc.url}/api/v1/orders`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        for (let i = 0; i < 20; i++) req.write(chunk);
        req.end();
      });
      expect(chunked).toBe(413);
      expect(await count()).toBe(1);

      // JSON Merge Patch: null clears an optional field, the rest stays.
      const cleared = await call(svc, 'PATCH', '/orders/1', '{"note":null}');
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ note: null, customer: 'customer 1', paid: true });

      // A unique value taken: 409, and GORM logs no ERROR for it.
      expect((await call(svc, 'POST', '/orders', order(1))).status).toBe(409);

      // A client that goes away mid-body: INFO and 499, not a 503 with ERROR records.
      await new Promise<void>((resolve, reject) => {
        const socket = connect(svc.port, '127.0.0.1', () => {
          socket.write('POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"customer":');
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 200);
        });
        socket.on('error', reject);
      });
      await svc.waitForLog(/"status":499/);
      const gone = svc.logs().split('\n').find((l) => l.includes('"status":499'))!;
      expect(JSON.parse(gone).level).toBe('INFO');
      // (The readiness probes of the start, 503 "starting", are the only 5xx of this run.)
      const errors = svc.logs().split('\n').filter((l) => l.includes('"level":"ERROR"') && !l.includes('/readyz'));
      expect(errors, 'no ERROR record for 409, 499 or a refused body').toEqual([]);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/http_server_request_duration_seconds_count\{[^}]*http_response_status_code="499"[^}]*\} 1/);
    } finally {
      await svc.stop();
    }
  });
});

describe('API contract: bounded memory, a generated client, the docs page, drift', () => {
  it('three concurrent list calls of the largest pages of 64 KiB texts stay far below a 512 MiB pod', { timeout: LONG }, async () => {
    const dir = await project([]);
    const svc = await start(dir, 'sqlite');
    try {
      // Every character escaped in JSON (\u003c, 6 bytes): the worst case of the page bound.
      const body = '<'.repeat(65535);
      for (let i = 0; i < 30; i++) expect((await call(svc, 'POST', '/notes', JSON.stringify({ title: `n${i}`, body }))).status).toBe(201);
      const peak = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${svc.proc.pid}/status`, 'utf8'))![1]) * 1024;
      for (let round = 0; round < 5; round++) {
        const pages = await Promise.all([0, 1, 2].map(() => call(svc, 'GET', '/notes?limit=10')));
        for (const p of pages) {
          expect(p.status).toBe(200);
          expect(p.body.notes).toHaveLength(10);
        }
      }
      expect((await call(svc, 'GET', '/notes?limit=100')).status).toBe(400);
      // The reviewer's unbounded pages reached 497 MB; the bounded ones stay under half the pod's 512 MiB
      // (about 120 MB measured: three 3.9 MB JSON pages of escaped text, their buffers, and Go's GC headroom).
      expect(peak()).toBeLessThan(256 * 1024 * 1024);
    } finally {
      await svc.stop();
    }
  });

  it('a Go client generated from api/openapi.yaml with oapi-codegen drives create, list, get, patch and delete', { timeout: LONG }, async () => {
    const tool = findTool('oapi-codegen');
    expect(tool.problem).toBeUndefined();
    const dir = await project(['--db', 'postgres', '--redis']);
    const client = tempDir('cga-client-');
    mkdirSync(join(client, 'api'));
    execFileSync(tool.path!, ['-generate', 'types,client', '-package', 'api', '-o', join(client, 'api/client.gen.go'), join(dir, 'api/openapi.yaml')]);
    writeFileSync(join(client, 'go.mod'), 'module example.com/client\n\ngo 1.25\n');
    writeFileSync(join(client, 'main.go'), CLIENT_PROGRAM);
    await go(client, ['mod', 'tidy']);
    const svc = await start(dir, 'postgres');
    try {
      // The document's paths carry the prefix: the server is the service's root.
      const r = await go(client, ['run', '.', svc.url]);
      expect(r.stdout).toContain('client: create 201, list 1, get 201-body, patch note cleared, delete 204, get 404');
    } finally {
      await svc.stop();
    }
  });

  it('the docs page, its assets compiled in, lists the routes in a real headless Chromium; --no-api-docs and API_DOCS=false leave it out', { timeout: LONG }, async () => {
    const dir = await project([]);
    const svc = await start(dir, 'sqlite');
    let dom: string;
    try {
      dom = execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=20000', '--dump-dom', `${svc.url}/api/v1/docs/`], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'ignore'] });
    } finally {
      await svc.stop();
    }
    for (const path of ['/api/v1/ping', '/api/v1/orders', '/api/v1/orders/{id}', '/api/v1/notes', '/healthz']) expect(dom).toContain(`data-path="${path}"`);
    expect(dom).not.toMatch(/<script[^>]+src="https?:/);

    const off = await start(dir, 'sqlite', { API_DOCS: 'false' });
    try {
      expect((await fetch(`${off.url}/api/v1/docs/`)).status).toBe(404);
      expect((await fetch(`${off.url}/api/v1/openapi.json`)).status).toBe(200);
    } finally {
      await off.stop();
    }
    const { dir: without } = await generate(['--no-api-docs', '--no-k8s']);
    expect(readFileSync(join(without, 'go.mod'), 'utf8')).not.toContain('swgui');
    expect(readFileSync(join(without, 'api/openapi.yaml'), 'utf8')).not.toContain('/docs/');
    // Generation vetted and built it; its own tests (the route comparison without the docs route included) pass too.
    await go(without, ['test', '-count=1', './...']);
    // The prod overlay turns the page off.
    expect(readFileSync(join(dir, 'deploy/k8s/overlays/prod/kustomization.yaml'), 'utf8')).toMatch(/- API_DOCS=false/);
  });

  it('update --check reports the document when it would change', { timeout: LONG }, async () => {
    const dir = await project([]);
    expect((await runCli(['update', '--check'], { cwd: dir })).code).toBe(0);
    const answersPath = join(dir, 'gin-app.json');
    const answers = readFileSync(answersPath, 'utf8');
    try {
      const json = JSON.parse(answers);
      json.resources = json.resources.filter((r: { name: string }) => r.name !== 'notes');
      writeFileSync(answersPath, JSON.stringify(json, null, 2));
      const r = await runCli(['update', '--check'], { cwd: dir });
      expect(r.code, output(r)).toBe(1);
      expect(r.stderr + r.stdout).toMatch(/api\/openapi\.yaml/);
    } finally {
      writeFileSync(answersPath, answers);
    }
  });
});

/** Drives the orders resource through the generated client; exits 1 on any surprise. */
const CLIENT_PROGRAM = `package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"example.com/client/api"
)

func main() {
	ctx := context.Background()
	c, err := api.NewClientWithResponses(os.Args[1])
	check(err)
	note := "leave at the door"
	created, err := c.CreateOrderWithResponse(ctx, api.OrderInput{Customer: "client 1", Total: 12.5, Quantity: 3, Paid: true, Note: &note})
	check(err)
	if created.StatusCode() != http.StatusCreated || created.JSON201 == nil {
		fail("create", created.StatusCode(), created.Body)
	}
	id := created.JSON201.Id
	list, err := c.ListOrdersWithResponse(ctx, &api.ListOrdersParams{})
	check(err)
	if list.JSON200 == nil || len(list.JSON200.Orders) != 1 {
		fail("list", list.StatusCode(), list.Body)
	}
	got, err := c.GetOrderWithResponse(ctx, id)
	check(err)
	if got.JSON200 == nil || got.JSON200.Customer != "client 1" {
		fail("get", got.StatusCode(), got.Body)
	}
	patched, err := c.PatchOrderWithBodyWithResponse(ctx, id, "application/merge-patch+json", strings.NewReader(\`{"note":null}\`))
	check(err)
	if patched.JSON200 == nil || patched.JSON200.Note != nil {
		fail("patch", patched.StatusCode(), patched.Body)
	}
	deleted, err := c.DeleteOrderWithResponse(ctx, id)
	check(err)
	if deleted.StatusCode() != http.StatusNoContent {
		fail("delete", deleted.StatusCode(), deleted.Body)
	}
	gone, err := c.GetOrderWithResponse(ctx, id)
	check(err)
	if gone.StatusCode() != http.StatusNotFound || gone.JSON404 == nil {
		fail("get after delete", gone.StatusCode(), gone.Body)
	}
	fmt.Println("client: create 201, list 1, get 201-body, patch note cleared, delete 204, get 404")
}

func check(err error) {
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}

func fail(step string, status int, body []byte) {
	fmt.Printf("%s: %d %s\\n", step, status, body)
	os.Exit(1)
}
`;
