import { durationSeconds, seconds } from '../duration.js';
import { k8sName, databaseName } from '../names.js';
import type { Answers } from '../options/schema.js';
import { LIMITS } from './core.js';
import { CONTAINER_MEMORY, CONTAINER_UID, COMPOSE_DRAIN_DELAY } from './docker.js';
import type { Feature } from './feature.js';
import { CONNECT } from './stores.js';

/**
 * Kubernetes (--k8s): a kustomize layout under deploy/k8s/ (base, and the
 * dev and prod overlays) whose ports, probes, drain, memory limit and
 * Ingress path come from the same answers and constants as the service,
 * compose and nginx. The pod passes the restricted Pod Security Standard.
 * The ConfigMap's settings are filled in from internal/config's declaration
 * (src/settings-docs.ts), like .env.example.
 */
export const k8s: Feature = {
  name: 'k8s',
  applies: (answers) => answers.k8s,
  // SQLite is one file on one volume: no autoscaler (see deployment.yaml);
  // the other databases keep no state in the pod, so no volume claim.
  // The migration Job only for a database that is not a file in the pod's
  // volume (SQLite migrates at start); the Prometheus Operator component
  // only with metrics.
  omit: (answers) => [
    ...(answers.db === 'sqlite' ? [`${BASE}/hpa.yaml`] : [`${BASE}/pvc.yaml`]),
    ...(answers.db === 'sqlite' || answers.db === 'none' ? [`${BASE}/migrate-job.yaml`] : []),
    ...(answers.metrics ? [] : [`${COMPONENTS}/prometheus-operator/kustomization.yaml`, `${COMPONENTS}/prometheus-operator/podmonitor.yaml`, `${COMPONENTS}/prometheus-operator/prometheusrule.yaml`]),
  ],
  data: (answers) => ({ kube: kubeData(answers) }),
};

const BASE = 'deploy/k8s/base';
const COMPONENTS = 'deploy/k8s/components';

/**
 * GOMEMLIMIT as a share of limits.memory: 90%, the rest is headroom for
 * what the Go runtime does not count and for the heap's overshoot of this
 * soft limit, so the collector steps up before the kernel's OOM killer
 * would end the container. Kubernetes cannot scale a resourceFieldRef,
 * so the divisor does (1Mi / 0.9 bytes, rounded up: the value is 90% of the
 * limit in MiB).
 */
export const GOMEMLIMIT_PERCENT = 90;
export const gomemlimitDivisor = (percent = GOMEMLIMIT_PERCENT) => Math.ceil((1024 * 1024 * 100) / percent);

/** The HPA's maxReplicas (base and overlays) and the rolling update's maxSurge. */
export const HPA = { minReplicas: 2, maxReplicas: 10, maxSurge: 1, dev: { minReplicas: 1, maxReplicas: 2 }, prod: { minReplicas: 3 } } as const;

/**
 * The database connection budget: each pod's pool (DB_MAX_OPEN_CONNS) times
 * the most pods that can run at once (maxReplicas + maxSurge), plus the
 * migration Job's, within the server's default max_connections less what it
 * reserves for superusers (PostgreSQL 100 - 3; MySQL 151, and one more for a
 * SUPER user on top).
 */
export const DB_SERVERS = {
  postgres: { server: 'PostgreSQL', maxConnections: 100, reserved: 3, port: 5432 },
  mysql: { server: 'MySQL', maxConnections: 151, reserved: 0, port: 3306 },
} as const;
export const MIGRATE_JOB_CONNS = 2;
export function connectionBudget(db: keyof typeof DB_SERVERS, maxReplicas: number = HPA.maxReplicas) {
  const s = DB_SERVERS[db];
  const maxPods = maxReplicas + HPA.maxSurge;
  // Never above the service's own default of 20.
  const perPod = Math.min(20, Math.floor((s.maxConnections - s.reserved - MIGRATE_JOB_CONNS) / maxPods));
  return { ...s, maxReplicas, maxPods, perPod, job: MIGRATE_JOB_CONNS, total: maxPods * perPod + MIGRATE_JOB_CONNS };
}

/** Seconds the startup probe adds for the migration Job (MIGRATE_ON_START=false). */
const MIGRATE_WAIT = 120;

/** Where the image's binary runs (WORKDIR of the Dockerfile's final stage). */
const WORKDIR = '/app';

/** Store ports the NetworkPolicy lets the pod reach (the stores may live outside the cluster). */
const STORE_PORTS = { postgres: 5432, mysql: 3306, redis: 6379 } as const;

/**
 * Worst-case seconds a service spends connecting to its stores before it
 * exits: for each store (they connect one after the other), every wait of
 * the retry policy (doubling from the backoff up to 16 times it, jitter at
 * most the full wait) plus each attempt's own connect timeout.
 */
export function connectBudgetSeconds(stores: number, attempts = CONNECT.attempts, backoff = CONNECT.backoff): number {
  const base = durationSeconds(backoff);
  let waits = 0;
  for (let n = 1; n < attempts; n++) waits += Math.min(base * 2 ** (n - 1), 16 * base);
  return Math.ceil(stores * (waits + attempts * CONNECT.attemptTimeoutSeconds));
}

/** Probe timing: the startup window covers connectBudgetSeconds, rounded up to periods. */
const STARTUP_PERIOD = 5;

function kubeData(answers: Answers) {
  const name = k8sName(answers.module);
  const stores = (answers.db === 'none' ? 0 : 1) + (answers.redis ? 1 : 0);
  // Pods get 30s past their stores' connect budget (at least 60s in all).
  const migrateJob = answers.db === 'postgres' || answers.db === 'mysql';
  const startupWindow = Math.max(60, connectBudgetSeconds(stores) + 30) + (migrateJob ? MIGRATE_WAIT : 0);
  const drain = seconds(COMPOSE_DRAIN_DELAY);
  const shutdown = seconds(LIMITS.shutdownTimeout);
  const secrets = [
    ...(answers.db === 'postgres' || answers.db === 'mysql' ? ['DATABASE_URL'] : []),
    ...(answers.redis ? ['REDIS_URL'] : []),
  ];
  const egressPorts = [
    ...(answers.db === 'postgres' ? [{ store: 'PostgreSQL', port: STORE_PORTS.postgres }] : []),
    ...(answers.db === 'mysql' ? [{ store: 'MySQL', port: STORE_PORTS.mysql }] : []),
    ...(answers.redis ? [{ store: 'Redis', port: STORE_PORTS.redis }] : []),
    // The JWKS (and the issuer's discovery document) that verify tokens.
    ...(answers.auth === 'jwt' ? [{ store: 'the token issuer (HTTPS)', port: 443 }] : []),
  ];
  return {
    name,
    uid: CONTAINER_UID,
    workdir: WORKDIR,
    sqlite: answers.db === 'sqlite',
    sqliteFile: `${WORKDIR}/data/${databaseName(answers.module)}.db`,
    // One Secret the manifests reference but never contain.
    secretName: `${name}-secrets`,
    secrets,
    hasSecrets: secrets.length > 0,
    egressPorts,
    drainDelay: COMPOSE_DRAIN_DELAY,
    // DRAIN_DELAY + SHUTDOWN_TIMEOUT, and 10s for the process to exit: the
    // kubelet never SIGKILLs a pod that is still draining.
    terminationGracePeriodSeconds: drain + shutdown + 10,
    startup: { periodSeconds: STARTUP_PERIOD, failureThreshold: Math.ceil(startupWindow / STARTUP_PERIOD), budget: connectBudgetSeconds(stores), migrateWait: MIGRATE_WAIT },
    // The migrations as a Job of their own, with credentials of their own.
    migrateJob,
    migrateSecretName: `${name}-migrate-secrets`,
    db: migrateJob ? connectionBudget(answers.db as 'postgres' | 'mysql') : undefined,
    hpa: HPA,
    memLimitPercent: GOMEMLIMIT_PERCENT,
    memHeadroomPercent: 100 - GOMEMLIMIT_PERCENT,
    memDivisor: gomemlimitDivisor(),
    // OTLP/HTTP's port (components/otlp).
    otlpPort: 4318,
    // The base's limit is compose's mem_limit; the overlays set their own.
    memoryLimit: CONTAINER_MEMORY.memLimit.replace(/m$/, 'Mi'),
    image: { name, tag: '0.1.0', devTag: 'dev' },
  };
}
