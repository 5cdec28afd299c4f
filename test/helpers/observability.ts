/**
 * Real parts for the observability tests: a Prometheus server (Debian's
 * `prometheus` package) scraping a service, and the OTLP/HTTP receiver in
 * test/helpers/otlp-receiver, which decodes spans with the official
 * go.opentelemetry.io/proto/otlp types and prints them as JSON lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './cli.js';
import { freePort, go } from './go.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';
export const prometheusProblem = existsSync(PROMETHEUS) && existsSync(PROMTOOL)
  ? undefined
  : `${PROMETHEUS} or ${PROMTOOL} is missing: apt-get install prometheus (.ci/run does)`;

export interface Prometheus {
  url: string;
  /** An instant query through the HTTP API; the result vector. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Polls query until check accepts its result. */
  waitFor(expr: string, check: (r: Awaited<ReturnType<Prometheus['query']>>) => boolean, timeoutMs?: number): Promise<Awaited<ReturnType<Prometheus['query']>>>;
  stop(): Promise<void>;
  logs(): string;
}

/**
 * Starts Prometheus on a free port with a temp storage dir, scraping
 * target (host:port) every second as job, with rule files (copied paths)
 * and, if given, labels added to the target (as the generated scrape configs
 * add service="<name>").
 */
export async function startPrometheus(job: string, target: string, ruleFiles: string[] = [], labels: Record<string, string> = {}): Promise<Prometheus> {
  const dir = tempDir('cga-prom-');
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    ...(ruleFiles.length ? ['rule_files:', ...ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
    'scrape_configs:',
    `  - job_name: ${JSON.stringify(job)}`,
    '    static_configs:',
    `      - targets: [${JSON.stringify(target)}]`,
    ...(Object.keys(labels).length ? [`        labels: ${JSON.stringify(labels)}`] : []),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const proc = spawn(PROMETHEUS, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  proc.stdout!.on('data', (d) => (logs += d));
  proc.stderr!.on('data', (d) => (logs += d));
  const exited = new Promise<void>((r) => proc.on('close', () => r()));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; ; await sleep(100)) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}:\n${logs}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`prometheus not ready within 30s:\n${logs}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
  }
  const query: Prometheus['query'] = async (expr) => {
    const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: [] } };
    if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
    return body.data!.result;
  };
  return {
    url,
    query,
    async waitFor(expr, check, timeoutMs = 20_000) {
      let last: Awaited<ReturnType<typeof query>> = [];
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(250)) {
        last = await query(expr);
        if (check(last)) return last;
      }
      throw new Error(`${expr}: no acceptable result within ${timeoutMs}ms; last: ${JSON.stringify(last)}`);
    },
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    logs: () => logs,
  };
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  service: string;
  attributes: Record<string, string>;
}

export interface Receiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  spans(): Span[];
  stop(): Promise<void>;
}

let built: Promise<string> | undefined;

/** Builds the receiver once per test file (its own module; GOWORK off). */
export function buildReceiver(): Promise<string> {
  built ??= (async () => {
    const src = join(ROOT, 'test/helpers/otlp-receiver');
    const out = join(tempDir('cga-otlp-'), 'otlp-receiver');
    await go(src, ['build', '-o', out, '.'], { GOWORK: 'off', CGO_ENABLED: '0' });
    return out;
  })();
  return built;
}

/** Starts the receiver on addr (default a free port). */
export async function startReceiver(addr = '127.0.0.1:0'): Promise<Receiver> {
  const proc: ChildProcess = spawn(await buildReceiver(), ['-addr', addr], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((r) => proc.on('close', () => r()));
  let listening = '';
  for (const deadline = Date.now() + 10_000; !listening; await sleep(20)) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`otlp-receiver did not start: ${err}`);
    listening = /^\{"listening":"([^"]+)"\}/.exec(out)?.[1] ?? '';
  }
  return {
    endpoint: `http://${listening}`,
    spans: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{"traceId"'))
        .map((l) => JSON.parse(l) as Span),
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
