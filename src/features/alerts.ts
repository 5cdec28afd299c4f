/**
 * The alert rules of --metrics, built once here for the two places that ship
 * them: deploy/prometheus/alerts.yml (a rule file for any Prometheus) and,
 * with --k8s, the Prometheus Operator component's PrometheusRule. They select
 * by the `service` label, which the scrape configs set (compose's
 * prometheus.yml statically, the PodMonitor by relabelling the pods'
 * app.kubernetes.io/name), never by a job name nothing sets on Kubernetes;
 * they aggregate by namespace, so dev and prod are judged apart; and the
 * probes (/healthz, /readyz) count neither in the error ratio nor in the
 * latency: a readiness probe answering 503 during a store outage or a drain
 * is not a user's failed request. deploy/prometheus/alerts_test.yml (promtool
 * test rules) has a case for each.
 */

/** Matcher of the requests that count: the service's, probes excluded. */
export const NOT_PROBES = 'http_route!~"/healthz|/readyz"';

interface Rule {
  comment: string;
  alert: string;
  expr: string[];
  for: string;
  severity: 'page' | 'ticket';
  summary: string;
  description: string;
}

export function alertRules(service: string, alertName: string): Rule[] {
  const req = (extra: string) => `http_server_request_duration_seconds_count{service="${service}", ${NOT_PROBES}${extra}}`;
  return [
    {
      comment: 'More than 5% of requests (probes aside) answered with a 5xx for 5 minutes.',
      alert: `${alertName}HighErrorRatio`,
      expr: [
        `sum by (namespace) (rate(${req(', http_response_status_code=~"5.."')}[5m]))`,
        '  /',
        `sum by (namespace) (rate(${req('')}[5m]))`,
        '  > 0.05',
      ],
      for: '5m',
      severity: 'page',
      summary: `${service}: more than 5% of requests fail with a 5xx`,
      description: '{{ $value | humanizePercentage }} of requests answered with a 5xx over the last 5 minutes.',
    },
    {
      comment: 'The slowest 1% of requests (probes aside) took over a second, for 10 minutes.',
      alert: `${alertName}HighLatencyP99`,
      expr: [
        'histogram_quantile(0.99,',
        `  sum by (namespace, le) (rate(http_server_request_duration_seconds_bucket{service="${service}", ${NOT_PROBES}}[5m]))`,
        ') > 1',
      ],
      for: '10m',
      severity: 'ticket',
      summary: `${service}: p99 latency above 1s`,
      description: 'p99 request duration is {{ $value | humanizeDuration }} over the last 5 minutes.',
    },
    {
      comment: 'No instance of the service can be scraped (or none is known at all); one pod of several down is the autoscaler\'s and the Deployment\'s business.',
      alert: `${alertName}Down`,
      expr: [`sum by (namespace) (up{service="${service}"}) == 0 or absent(up{service="${service}"})`],
      for: '2m',
      severity: 'page',
      summary: `${service} is down`,
      description: `No successful scrape of any ${service} instance's /metrics for 2 minutes.`,
    },
  ];
}

/** The rule groups as YAML lines ("groups:" excluded), each indented by indent spaces. */
export function alertGroupsYAML(service: string, alertName: string, indent: number): string {
  const pad = ' '.repeat(indent);
  const q = (s: string) => JSON.stringify(s);
  const lines = [`- name: ${service}`, '  rules:'];
  for (const r of alertRules(service, alertName)) {
    lines.push(
      `    # ${r.comment}`,
      `    - alert: ${r.alert}`,
      '      expr: |',
      ...r.expr.map((e) => `        ${e}`),
      `      for: ${r.for}`,
      '      labels:',
      `        severity: ${r.severity}`,
      '      annotations:',
      `        summary: ${q(r.summary)}`,
      `        description: ${q(r.description)}`,
    );
  }
  return lines.map((l) => pad + l).join('\n');
}
