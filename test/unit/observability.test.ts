/** Issue 17: what --metrics/--no-metrics renders, the tracing every service has, and the dashboard's queries. */
import { describe, expect, it } from 'vitest';
import { dashboardPanels } from '../../src/features/dashboard.js';
import { checkAnswers, resolveAnswers } from '../../src/options/resolve.js';
import type { Answers } from '../../src/options/schema.js';
import { plan, requiredGo } from '../../src/plan.js';
import { loadTemplates } from '../../src/templates/load.js';

const templates = loadTemplates();

async function answers(given: Partial<Answers> = {}): Promise<Answers> {
  return resolveAnswers({ given, ctx: { dirName: 'svc', localGo: '1.26.0' }, minGo: (p) => requiredGo(p as Answers) });
}

describe('metrics feature', () => {
  for (const metrics of [true, false]) {
    for (const db of ['sqlite', 'none'] as const) {
      for (const redis of [true, false]) {
        it(`${metrics ? '--metrics' : '--no-metrics'} --db ${db} ${redis ? '--redis' : '--no-redis'}`, async () => {
          const p = plan(await answers({ metrics, db, redis, metricsPort: 9100 }), templates);
          const paths = p.files.map((f) => f.path);
          const file = (path: string) => p.files.find((f) => f.path === path)?.content ?? '';
          const code = p.files.filter((f) => f.path !== 'gin-app.json').map((f) => f.content).join('\n');

          for (const path of ['internal/metrics/metrics.go', 'internal/server/metrics.go', 'cmd/server/metrics.go', 'deploy/prometheus/alerts.yml', 'deploy/prometheus/prometheus.yml', 'deploy/grafana/dashboard.json']) {
            expect(paths.includes(path), path).toBe(metrics);
          }
          expect(/prometheus|METRICS_ADDR/i.test(code)).toBe(metrics);
          expect(paths.includes('internal/database/metrics.go')).toBe(metrics && db !== 'none');
          expect(paths.includes('internal/cache/metrics.go')).toBe(metrics && redis);
          if (metrics) {
            expect(file('internal/config/config.go')).toContain('env:"METRICS_ADDR" default:":9100"');
            expect(file('go.mod')).toContain('github.com/prometheus/client_golang v1.25.0');
            expect(file('docker-compose.yml')).toMatch(/prometheus:\n\s+image: prom\/prometheus:v3\.5\.0\n\s+profiles: \[observability\]/);
            const dashboard = JSON.parse(file('deploy/grafana/dashboard.json'));
            expect(dashboard.panels.map((x: { title: string }) => x.title).includes('Database pool')).toBe(db !== 'none');
            expect(dashboard.panels.map((x: { title: string }) => x.title).includes('Redis pool')).toBe(redis);
          }

          // Tracing is in every service, off until an endpoint is set at run time.
          for (const path of ['internal/tracing/tracing.go', 'internal/server/tracing.go']) expect(paths).toContain(path);
          expect(file('go.mod')).toMatch(/go\.opentelemetry\.io\/otel v1\.47\.0/);
          expect(paths.includes('internal/database/tracing.go')).toBe(db !== 'none');
          expect(paths.includes('internal/cache/tracing.go')).toBe(redis);
          expect(file('internal/logging/json.go')).toContain('"trace_id"');
        });
      }
    }
  }
});

describe('metrics port', () => {
  it('defaults to 9090, and past the HTTP and pprof ports when they take it', async () => {
    expect((await answers()).metricsPort).toBe(9090);
    expect((await answers({ port: 9090 })).metricsPort).toBe(9091);
    expect((await answers({ port: 9090, pprofPort: 9091 })).metricsPort).toBe(9092);
  });

  it('must differ from the HTTP and pprof ports, unless metrics are off', async () => {
    const a = await answers();
    const ctx = { dirName: 'svc', minGo: '1.26.0' };
    expect(() => checkAnswers({ ...a, metricsPort: a.port }, ctx)).toThrow(/--metrics-port 8080 must differ from --port/);
    expect(() => checkAnswers({ ...a, metricsPort: a.pprofPort }, ctx)).toThrow(/must differ from --pprof-port/);
    expect(() => checkAnswers({ ...a, pprof: false, metricsPort: a.pprofPort }, ctx)).not.toThrow();
    expect(() => checkAnswers({ ...a, metrics: false, metricsPort: a.port }, ctx)).not.toThrow();
  });
});

describe('dashboard', () => {
  it('queries only the metric names the service exports, scoped to $service, $namespace and $pod', async () => {
    const exported = /^(http_server_request_duration_seconds_(count|bucket)|http_server_active_requests|outbound_circuit_breaker_state|go_sql_\w+|redis_pool_\w+|go_goroutines|go_gc_duration_seconds_count|go_memstats_heap_alloc_bytes|process_resident_memory_bytes)$/;
    for (const panel of dashboardPanels(await answers({ db: 'postgres', redis: true }))) {
      for (const { expr } of panel.targets) {
        const names = [...expr.matchAll(/([a-z_]+)\{service="\$service", namespace=~"\$namespace", pod=~"\$pod"/g)].map((m) => m[1]!);
        expect(names.length, expr).toBeGreaterThan(0);
        for (const name of names) expect(name, expr).toMatch(exported);
      }
    }
  });
});

describe('dashboard on Kubernetes (issue 26)', () => {
  it('has service, namespace and pod variables, selects no job, and shows 4xx apart from 5xx, probes aside', async () => {
    const a = await answers({ db: 'postgres', module: 'example.com/orders-api' });
    const p = plan(a, templates);
    const dashboard = JSON.parse(p.files.find((f) => f.path === 'deploy/grafana/dashboard.json')!.content);
    const vars = Object.fromEntries(dashboard.templating.list.map((v: any) => [v.name, v]));
    expect(Object.keys(vars)).toEqual(['datasource', 'service', 'namespace', 'pod']);
    expect(vars.service.current.value).toBe('orders-api');
    for (const v of [vars.namespace, vars.pod]) expect(v).toMatchObject({ type: 'query', includeAll: true, multi: true, allValue: '.*' });
    expect(vars.pod.query.query).toBe('label_values(up{service="$service", namespace=~"$namespace"}, pod)');
    const panels = dashboardPanels(a);
    const exprs = panels.flatMap((x) => x.targets.map((t) => t.expr));
    for (const e of exprs) expect(e).not.toContain('job=');
    const client = panels.find((x) => x.title.startsWith('Client errors (4xx)'))!;
    const server = panels.find((x) => x.title.startsWith('Server errors (5xx)'))!;
    expect(client.targets[0]!.expr).toContain('http_response_status_code=~"4.."');
    expect(client.targets[0]!.expr).not.toContain('5..');
    expect(server.targets[0]!.expr).toContain('http_response_status_code=~"5.."');
    expect(server.targets[0]!.expr).toContain('http_route!~"/healthz|/readyz"');
    // The alert rules select the same label, which the compose scrape config sets.
    expect(p.files.find((f) => f.path === 'deploy/prometheus/prometheus.yml')!.content).toMatch(/labels:\n\s+service: orders-api\n/);
    expect(p.files.find((f) => f.path === 'deploy/prometheus/alerts.yml')!.content).toContain('up{service="orders-api"}');
  });
});
