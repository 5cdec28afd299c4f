import type { Answers } from '../options/schema.js';
import { alertName, binaryName, k8sName } from '../names.js';
import { alertGroupsYAML } from './alerts.js';
import { dashboardJSON } from './dashboard.js';
import type { Feature } from './feature.js';

/**
 * Observability (issue 17): Prometheus metrics on a listener of their own
 * (--metrics-port / --no-metrics), and OpenTelemetry traces, which every
 * service has and which stay off until an OTLP endpoint is set at run time.
 *
 * The OpenTelemetry modules are one set: redisotel v9.23.0 (the release of
 * the go-redis client we pin) requires otel v1.47.0, so the SDK, the
 * exporter and otelhttp are at that release too; otelgin v0.65.0 is the
 * newest the module proxy serves and builds against it.
 */
export const OTEL = 'v1.47.0';

/** Prometheus /metrics, the HTTP server's instruments, alert rules and a dashboard. */
export const metrics: Feature = {
  name: 'metrics',
  applies: (a) => a.metrics,
  // client_golang v1.25.0 declares go 1.26.0.
  minGo: '1.26.0',
  goModules: [{ path: 'github.com/prometheus/client_golang', version: 'v1.25.0' }],
  data: (answers) => {
    const binary = binaryName(answers.module);
    const alert = alertName(binary);
    // The `service` label the rules and the dashboard select on (src/features/alerts.ts).
    const service = metricsService(answers);
    return {
      dashboard: dashboardJSON(answers, binary, service),
      alertName: alert,
      service,
      alerts: { groups: alertGroupsYAML(service, alert, 2), ruleGroups: alertGroupsYAML(service, alert, 4) },
      prometheusImage: PROMETHEUS_IMAGE,
    };
  },
};

/** The value of the `service` label: the Kubernetes name, which the PodMonitor copies from the pods. */
export const metricsService = (answers: Answers) => k8sName(answers.module);

/** Image of compose's "observability" profile, pinned to a release (the 3.5 LTS line). */
export const PROMETHEUS_IMAGE = 'prom/prometheus:v3.5.0';

/** Traces through OTLP/HTTP, off unless OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set. */
export const tracing: Feature = {
  name: 'tracing',
  applies: () => true,
  // otel v1.47.0 and otelhttp v0.72.0 declare go 1.26.0.
  minGo: '1.26.0',
  goModules: [
    { path: 'go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin', version: 'v0.65.0' },
    { path: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', version: 'v0.72.0' },
    { path: 'go.opentelemetry.io/otel', version: OTEL },
    { path: 'go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp', version: OTEL },
    { path: 'go.opentelemetry.io/otel/sdk', version: OTEL },
    { path: 'go.opentelemetry.io/otel/trace', version: OTEL },
  ],
};

const usesDatabase = (a: Answers) => a.db !== 'none';

/**
 * GORM queries as child spans. v0.1.12, not the newest (v0.1.16): from
 * v0.1.13 on, the plugin imports the ClickHouse, MySQL and PostgreSQL GORM
 * drivers whatever the database, which would link clickhouse-go and its
 * compression libraries into every service.
 */
export const databaseTracing: Feature = {
  name: 'databaseTracing',
  applies: usesDatabase,
  goModules: [{ path: 'gorm.io/plugin/opentelemetry', version: 'v0.1.12' }],
};

/** Redis commands as child spans (redisotel, released with the go-redis client). */
export const redisTracing: Feature = {
  name: 'redisTracing',
  applies: (a) => a.redis,
  goModules: [{ path: 'github.com/redis/go-redis/extra/redisotel/v9', version: 'v9.23.0' }],
};

/** The database pool's statistics (collectors.NewDBStatsCollector). */
export const databaseMetrics: Feature = {
  name: 'databaseMetrics',
  applies: (a) => a.metrics && usesDatabase(a),
};

/** The Redis pool's statistics. */
export const redisMetrics: Feature = {
  name: 'redisMetrics',
  applies: (a) => a.metrics && a.redis,
};

export const observabilityFeatures: readonly Feature[] = [metrics, tracing, databaseTracing, redisTracing, databaseMetrics, redisMetrics];
