/**
 * Issue 17: metrics and traces of a generated service, against real parts.
 * - A real Prometheus (Debian's package) scrapes the running service while
 *   the test sends requests; PromQL through its HTTP API gives back the
 *   request counts by route and status that were sent, every query of the
 *   generated Grafana dashboard returns data, and the generated alert rules
 *   pass `promtool check rules` and load into Prometheus.
 * - A real OTLP/HTTP exchange: the receiver in test/helpers/otlp-receiver
 *   decodes the exporter's protobuf with the official types. A request with
 *   a traceparent gives a server span in that trace named after the route
 *   template, a child span for its database query, an outbound call that
 *   carries the same trace, and an access record with the same trace_id.
 * - With the collector down, requests succeed at normal latency and the
 *   export failure is logged once.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/cli.js';
import { buildServer, freePort, startService, type Service } from '../helpers/go.js';
import { PROMTOOL, prometheusProblem, startPrometheus, startReceiver, type Prometheus, type Receiver } from '../helpers/observability.js';
import { generate } from '../helpers/project.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PREFIX = '/api/v1';
// The default service's binary (and so scrape job and service) name.
const JOB = 'svc';

let dir: string;
let binary: string;
beforeAll(async () => {
  ({ dir } = await generate());
  binary = await buildServer(dir);
});

function start(env: Record<string, string> = {}): Promise<Service> {
  return startService(binary, env, tempDir('cga-obs-run-'));
}

async function send(method: string, url: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

describe('metrics scraped by a real Prometheus', () => {
  let svc: Service;
  let prom: Prometheus;
  let metricsPort: number;
  // What the test sent, by "route status", as the metrics should count it.
  const sent: Record<string, number> = {};
  const count = (route: string, status: number) => (sent[`${route} ${status}`] = (sent[`${route} ${status}`] ?? 0) + 1);
  beforeAll(async () => {
    if (prometheusProblem) throw new Error(prometheusProblem);
    metricsPort = await freePort();
    svc = await start({ METRICS_ADDR: `127.0.0.1:${metricsPort}` });
    // The label the generated prometheus.yml and PodMonitor set, which the rules and the dashboard select on.
    prom = await startPrometheus(JOB, `127.0.0.1:${metricsPort}`, [join(dir, 'deploy/prometheus/alerts.yml')], { service: JOB });
  });
  afterAll(async () => {
    await prom?.stop();
    await svc?.stop();
  });

  it('has its own listener: /metrics answers there, 404 on the public port', async () => {
    expect((await send('GET', `${svc.url}/metrics`)).status).toBe(404);
    count('unmatched', 404);
    const res = await send('GET', `http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE http_server_request_duration_seconds histogram');
  });

  it('PromQL gives back the requests sent, by route template and status', async () => {
    for (let i = 0; i < 7; i++) {
      expect((await send('GET', `${svc.url}${PREFIX}/ping`)).status).toBe(200);
      count(`${PREFIX}/ping`, 200);
    }
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await send('POST', `${svc.url}${PREFIX}/items`, {}, { name: `item ${i}` });
      expect(res.status).toBe(201);
      ids.push(JSON.parse(res.text).id);
      count(`${PREFIX}/items`, 201);
    }
    for (const id of [...ids, 999_999]) {
      await send('GET', `${svc.url}${PREFIX}/items/${id}`);
      count(`${PREFIX}/items/:id`, id === 999_999 ? 404 : 200);
    }
    for (let i = 0; i < 4; i++) {
      expect((await send('GET', `${svc.url}/no/such/path/${i}`)).status).toBe(404);
      count('unmatched', 404);
    }

    const expr = `sum by (http_route, http_response_status_code) (http_server_request_duration_seconds_count{job="${JOB}", http_route!~"/healthz|/readyz"})`;
    const asMap = (r: Awaited<ReturnType<Prometheus['query']>>) =>
      Object.fromEntries(r.map((s) => [`${s.metric.http_route} ${s.metric.http_response_status_code}`, Number(s.value[1])]));
    const result = await prom.waitFor(expr, (r) => {
      const got = asMap(r);
      return Object.keys(got).length === Object.keys(sent).length && Object.entries(sent).every(([k, n]) => got[k] === n);
    }).catch(async (err) => {
      throw new Error(`${err.message}\nwant ${JSON.stringify(sent)}\ngot ${JSON.stringify(asMap(await prom.query(expr)))}`);
    });
    expect(asMap(result)).toEqual(sent);
  });

  it('1,000 distinct unknown paths add at most one series', async () => {
    const series = `count(http_server_request_duration_seconds_count{job="${JOB}"})`;
    const before = Number((await prom.waitFor(series, (r) => r.length === 1))[0]!.value[1]);
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => send('GET', `${svc.url}/scan-${i + j}/.env?id=${i + j}`)));
    }
    const unmatched = `sum(http_server_request_duration_seconds_count{job="${JOB}", http_route="unmatched"})`;
    await prom.waitFor(unmatched, (r) => Number(r[0]?.value[1]) >= 1000);
    const after = Number((await prom.query(series))[0]!.value[1]);
    expect(after - before).toBeLessThanOrEqual(1);
  });

  it('every query of the generated Grafana dashboard returns data', async () => {
    const dashboard = JSON.parse(readFileSync(join(dir, 'deploy/grafana/dashboard.json'), 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    expect(exprs.some((e) => e.includes('go_sql_'))).toBe(true);
    // A rate needs two scrapes in its window: give it a few seconds of traffic.
    await sleep(3000);
    const empty: string[] = [];
    for (const expr of exprs) {
      // As Grafana would send them: the service, every namespace and pod ("All" is ".*").
      const promql = expr.replaceAll('$service', JOB).replaceAll('$namespace', '.*').replaceAll('$pod', '.*').replaceAll('$__rate_interval', '1m');
      const result = await prom.waitFor(promql, (r) => r.length > 0, 10_000).catch(() => []);
      if (result.length === 0) empty.push(expr);
    }
    expect(empty, 'dashboard queries without data').toEqual([]);
  });

  it('the generated alert rules pass promtool and load into Prometheus', async () => {
    const checked = await run(PROMTOOL, ['check', 'rules', join(dir, 'deploy/prometheus/alerts.yml')], { cwd: dir });
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toContain('SUCCESS: 3 rules found');
    // And each fires when it should, and stays silent while only the probes
    // fail: the generated promtool unit tests (issue 26), which fail once the
    // probes count in the ratio and the latency.
    const unit = await run(PROMTOOL, ['test', 'rules', join(dir, 'deploy/prometheus/alerts_test.yml')], { cwd: dir });
    expect(unit.code, unit.stdout + unit.stderr).toBe(0);
    const tests = readFileSync(join(dir, 'deploy/prometheus/alerts_test.yml'), 'utf8');
    for (const name of ['SvcHighErrorRatio', 'SvcHighLatencyP99', 'SvcDown']) expect(tests).toMatch(new RegExp(`alertname: ${name}\\n\\s+exp_alerts:\\n\\s+- exp_labels`));
    const mutated = join(tempDir('cga-promtool-'), 'prometheus');
    mkdirSync(mutated);
    writeFileSync(join(mutated, 'alerts_test.yml'), tests);
    const rules = readFileSync(join(dir, 'deploy/prometheus/alerts.yml'), 'utf8');
    expect(rules).not.toContain('job=');
    writeFileSync(join(mutated, 'alerts.yml'), rules.replaceAll(', http_route!~"/healthz|/readyz"', ''));
    const probesCounted = await run(PROMTOOL, ['test', 'rules', join(mutated, 'alerts_test.yml')], { cwd: mutated });
    expect(probesCounted.code).not.toBe(0);
    expect(probesCounted.stdout + probesCounted.stderr).toMatch(/alertname: SvcHighErrorRatio, time: 20m,\s+exp:\[\],/);
    const res = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; query: string }[] }[] } };
    const loaded = res.data.groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name).sort()).toEqual(['SvcDown', 'SvcHighErrorRatio', 'SvcHighLatencyP99']);
    // Evaluated without error; the service is up, so SvcDown is not firing.
    await prom.waitFor(`up{job="${JOB}"}`, (r) => r[0]?.value[1] === '1');
    await sleep(1500); // an evaluation after the first scrape
    expect(await prom.query('ALERTS{alertname="SvcDown"}')).toEqual([]);
    for (const r of loaded) expect(r.health, `${r.name}: ${r.query}`).not.toBe('err');
  });
});

describe('traces over a real OTLP/HTTP exchange', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parentSpanId = '00f067aa0ba902b7';
  const traceparent = `00-${traceId}-${parentSpanId}-01`;

  let receiver: Receiver;
  let svc: Service;
  const upstreamSaw: IncomingHttpHeaders[] = [];
  const upstream = createServer((req, res) => {
    upstreamSaw.push(req.headers);
    res.setHeader('Content-Type', 'application/json');
    res.end('{"upstream":"ok"}');
  });
  beforeAll(async () => {
    receiver = await startReceiver();
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const { port } = upstream.address() as { port: number };
    svc = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // Export every 100ms instead of every 5s: the test waits less.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      UPSTREAM_URL: `http://127.0.0.1:${port}/`,
    });
  });
  afterAll(async () => {
    await svc?.stop();
    await receiver?.stop();
    await new Promise((r) => upstream.close(r));
  });

  async function waitForSpans(match: (s: ReturnType<Receiver['spans']>) => boolean, what: string) {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
      if (match(receiver.spans())) return receiver.spans();
    }
    throw new Error(`no ${what} within 10s; spans: ${JSON.stringify(receiver.spans(), null, 1)}\nservice logs:\n${svc.logs()}`);
  }

  it('a request with a traceparent: server span in that trace named after the route template, a child span for its query, trace_id in its log records', async () => {
    const created = await send('POST', `${svc.url}${PREFIX}/items`, {}, { name: 'traced' });
    expect(created.status).toBe(201);
    const id = JSON.parse(created.text).id;
    const res = await send('GET', `${svc.url}${PREFIX}/items/${id}`, { traceparent });
    expect(res.status).toBe(200);

    const spans = await waitForSpans((s) => s.some((x) => x.traceId === traceId && x.kind === 'SPAN_KIND_SERVER') && s.some((x) => x.traceId === traceId && x.name.startsWith('gorm.')), 'server and query spans');
    const server = spans.find((s) => s.traceId === traceId && s.kind === 'SPAN_KIND_SERVER')!;
    expect(server.name).toBe(`GET ${PREFIX}/items/:id`);
    expect(server.attributes['http.route']).toBe(`${PREFIX}/items/:id`);
    expect(server.parentSpanId).toBe(parentSpanId);
    expect(server.service).toBe(JOB);
    const query = spans.find((s) => s.traceId === traceId && s.name.startsWith('gorm.'))!;
    expect(query.name).toBe('gorm.Query');
    expect(query.parentSpanId).toBe(server.spanId);
    // The statement has its placeholders, not the request's values.
    expect(query.attributes['db.statement']).toMatch(/`id` = \?/);

    const access = svc
      .logs()
      .split('\n')
      .filter((l) => l.includes('"msg":"request"') && l.includes(`"span_id":"${server.spanId}"`))
      .map((l) => JSON.parse(l));
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ trace_id: traceId, route: `${PREFIX}/items/:id`, status: 200 });
    expect(access[0].request_id).toBeTruthy();
  });

  it('the outbound call carries the same trace to the upstream', async () => {
    const res = await send('GET', `${svc.url}${PREFIX}/upstream`, { traceparent });
    expect(res.status).toBe(200);
    const sent = upstreamSaw.at(-1)!;
    expect(sent.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const clientSpanId = String(sent.traceparent).split('-')[2];
    // The client span ends before the server span, and can be exported in an earlier batch: wait for both.
    const parentOf = (s: ReturnType<Receiver['spans']>) => s.find((x) => x.spanId === clientSpanId)?.parentSpanId;
    const spans = await waitForSpans((s) => s.some((x) => x.spanId === parentOf(s)), 'the outbound client span and its server span');
    const client = spans.find((s) => s.spanId === clientSpanId)!;
    expect(client.kind).toBe('SPAN_KIND_CLIENT');
    const server = spans.find((s) => s.spanId === client.parentSpanId)!;
    expect(server).toMatchObject({ traceId, name: `GET ${PREFIX}/upstream`, kind: 'SPAN_KIND_SERVER' });
  });

  it('the health routes are not traced', async () => {
    const before = receiver.spans().length;
    for (const path of ['/healthz', '/readyz']) expect((await send('GET', `${svc.url}${path}`)).status).toBe(200);
    await send('GET', `${svc.url}${PREFIX}/ping`); // a marker exported after them
    const spans = await waitForSpans((s) => s.slice(before).some((x) => x.name === `GET ${PREFIX}/ping`), 'the ping span');
    expect(spans.slice(before).map((s) => s.name)).not.toContain('GET /healthz');
    expect(spans.slice(before).map((s) => s.name)).not.toContain('GET /readyz');
  });

  it('the spans still queued are flushed on shutdown', async () => {
    // The default schedule is 5s: only the shutdown can export this span in time.
    const port = await freePort();
    const slow = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, PORT: String(port) });
    const id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    await send('GET', `${slow.url}${PREFIX}/ping`, { traceparent: `00-${id}-${parentSpanId}-01` });
    const started = Date.now();
    expect(await slow.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    await waitForSpans((s) => s.some((x) => x.traceId === id), 'the span flushed at shutdown');
  });
});

describe('collector down', () => {
  it('requests succeed at normal latency, and the export failure is logged once', async () => {
    const closed = await freePort(); // nothing listens there
    const timings = async (s: Service) => {
      const ms: number[] = [];
      for (let i = 0; i < 40; i++) {
        const t0 = performance.now();
        expect((await send('GET', `${s.url}${PREFIX}/ping`)).status).toBe(200);
        ms.push(performance.now() - t0);
        await sleep(25); // over 1s in all: several export attempts
      }
      return ms.sort((a, b) => a - b);
    };
    const untraced = await start();
    const baseline = await timings(untraced);
    await untraced.stop();

    const svc = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}`, OTEL_BSP_SCHEDULE_DELAY: '100' });
    const down = await timings(svc);
    await sleep(500);
    expect(await svc.stop()).toBe(0);
    const failures = svc.logs().split('\n').filter((l) => l.includes('trace export failed'));
    expect(failures, svc.logs()).toHaveLength(1);
    // Median within a few ms of the untraced service's; no request waits on the collector.
    expect(down[20]!).toBeLessThan(baseline[20]! + 25);
    expect(down.at(-1)!).toBeLessThan(500);
  });
});
