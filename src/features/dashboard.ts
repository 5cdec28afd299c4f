/**
 * The Grafana dashboard generated with --metrics (deploy/grafana/dashboard.json),
 * built here rather than in a template so that it is always valid JSON and
 * its queries can be listed for the e2e test, which evaluates each one
 * against a real Prometheus. Queries select the `service` label (as the
 * alert rules, src/features/alerts.ts) and use the Grafana variables
 * $service, $namespace and $pod (both "All" by default; on compose there are
 * neither, and ".*" matches a missing label) and $__rate_interval.
 */
import type { Answers } from '../options/schema.js';
import { NOT_PROBES } from './alerts.js';

export interface Panel {
  title: string;
  unit: string;
  targets: { expr: string; legend: string }[];
}

const REQUESTS = 'http_server_request_duration_seconds';

/** The dashboard's panels, in order; DB and Redis pool panels only with those stores. */
export function dashboardPanels(answers: Answers): Panel[] {
  const sel = (extra = '') => `{service="$service", namespace=~"$namespace", pod=~"$pod"${extra}}`;
  const rate = (metric: string, extra = '') => `rate(${metric}${sel(extra)}[$__rate_interval])`;
  const quantile = (q: number) => ({
    expr: `histogram_quantile(${q}, sum by (le) (${rate(`${REQUESTS}_bucket`)}))`,
    legend: `p${Math.round(q * 100)}`,
  });
  const panels: Panel[] = [
    { title: 'Request rate by route', unit: 'reqps', targets: [{ expr: `sum by (http_route) (${rate(`${REQUESTS}_count`)})`, legend: '{{http_route}}' }] },
    // Client errors (the caller's request) apart from server errors (ours).
    {
      title: 'Client errors (4xx) by status',
      unit: 'reqps',
      targets: [{ expr: `sum by (http_response_status_code) (${rate(`${REQUESTS}_count`, ', http_response_status_code=~"4.."')})`, legend: '{{http_response_status_code}}' }],
    },
    {
      title: 'Server errors (5xx) by route, probes aside',
      unit: 'reqps',
      // "or vector(0)": no 5xx at all is a flat 0, not an empty graph.
      targets: [{ expr: `sum by (http_route) (${rate(`${REQUESTS}_count`, `, ${NOT_PROBES}, http_response_status_code=~"5.."`)}) or vector(0)`, legend: '{{http_route}}' }],
    },
    {
      title: 'Error ratio (5xx, probes aside, as the alert)',
      unit: 'percentunit',
      targets: [{ expr: `(sum(${rate(`${REQUESTS}_count`, `, ${NOT_PROBES}, http_response_status_code=~"5.."`)}) or vector(0)) / sum(${rate(`${REQUESTS}_count`, `, ${NOT_PROBES}`)})`, legend: '5xx ratio' }],
    },
    { title: 'Latency percentiles', unit: 's', targets: [quantile(0.5), quantile(0.95), quantile(0.99)] },
    { title: 'Requests in flight', unit: 'short', targets: [{ expr: `sum(http_server_active_requests${sel()})`, legend: 'in flight' }] },
    { title: 'Outbound circuit breaker (0 closed, 1 half-open, 2 open)', unit: 'short', targets: [{ expr: `outbound_circuit_breaker_state${sel()}`, legend: '{{breaker}}' }] },
  ];
  if (answers.db !== 'none') {
    panels.push({
      title: 'Database pool',
      unit: 'short',
      targets: [
        { expr: `go_sql_open_connections${sel()}`, legend: 'open' },
        { expr: `go_sql_in_use_connections${sel()}`, legend: 'in use' },
        { expr: `go_sql_idle_connections${sel()}`, legend: 'idle' },
        { expr: `go_sql_max_open_connections${sel()}`, legend: 'max open' },
        { expr: rate('go_sql_wait_count_total'), legend: 'waits/s' },
      ],
    });
  }
  if (answers.redis) {
    panels.push({
      title: 'Redis pool',
      unit: 'short',
      targets: [
        { expr: `redis_pool_conn_total_current${sel()}`, legend: 'connections' },
        { expr: `redis_pool_conn_idle_current${sel()}`, legend: 'idle' },
        { expr: rate('redis_pool_timeout_total'), legend: 'timeouts/s' },
      ],
    });
  }
  panels.push(
    {
      title: 'Go runtime: goroutines and GC',
      unit: 'short',
      targets: [
        { expr: `go_goroutines${sel()}`, legend: 'goroutines' },
        { expr: rate('go_gc_duration_seconds_count'), legend: 'GC cycles/s' },
      ],
    },
    {
      title: 'Go runtime: memory',
      unit: 'bytes',
      targets: [
        { expr: `go_memstats_heap_alloc_bytes${sel()}`, legend: 'heap in use' },
        { expr: `process_resident_memory_bytes${sel()}`, legend: 'resident' },
      ],
    },
  );
  return panels;
}

/** The dashboard JSON (Grafana's import format), for the metrics feature's template. */
export function dashboardJSON(answers: Answers, binary: string, service: string): string {
  const panels = dashboardPanels(answers).map((p, i) => ({
    id: i + 1,
    type: 'timeseries',
    title: p.title,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own variable, not a JavaScript one
    datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
    targets: p.targets.map((t, j) => ({
      refId: String.fromCharCode(65 + j),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own variable
      datasource: { type: 'prometheus', uid: '${datasource}' },
      expr: t.expr,
      legendFormat: t.legend,
    })),
  }));
  const dashboard = {
    title: binary,
    uid: `${binary}-http`.slice(0, 40),
    tags: ['gin', 'http', 'opentelemetry-semconv'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' },
        {
          name: 'service',
          type: 'custom',
          label: 'Service',
          query: service,
          current: { text: service, value: service },
          options: [{ text: service, value: service, selected: true }],
        },
        ...['namespace', 'pod'].map((label) => ({
          name: label,
          type: 'query',
          label: label.charAt(0).toUpperCase() + label.slice(1),
          datasource: { type: 'prometheus', uid: '${datasource}' },
          query: { query: `label_values(up{service="$service"${label === 'pod' ? ', namespace=~"$namespace"' : ''}}, ${label})`, refId: `${label}-values` },
          refresh: 2,
          includeAll: true,
          multi: true,
          allValue: '.*',
          current: { text: 'All', value: '$__all' },
        })),
      ],
    },
    panels,
  };
  return JSON.stringify(dashboard, null, 2);
}
