import type { Answers, DockerBase } from '../options/schema.js';
import { LIMITS } from './core.js';
import type { Feature } from './feature.js';
import { seconds } from '../duration.js';
import { databaseName } from '../names.js';

/**
 * Container: a multi-stage Dockerfile (static binary, non-root final stage
 * per --docker-base, HEALTHCHECK through the binary's -healthcheck mode),
 * .dockerignore and a hardened docker-compose.yml with the chosen database,
 * Redis and (with --nginx) nginx in front.
 */
export const docker: Feature = {
  name: 'docker',
  applies: () => true,
  data: (answers) => ({ container: containerData(answers) }),
};

/**
 * The numeric user the final image runs as: distroless's "nonroot" user,
 * used for every base so file ownership and volumes agree across them.
 */
export const CONTAINER_UID = 65532;

/** Final-stage images, pinned to a release line (never latest). */
export const FINAL_IMAGES: Record<DockerBase, string> = {
  distroless: 'gcr.io/distroless/static-debian12:nonroot',
  alpine: 'alpine:3.22',
  scratch: 'scratch',
};

/** Images compose runs next to the service, pinned to a release line. */
export const COMPOSE_IMAGES = {
  nginx: 'nginxinc/nginx-unprivileged:1.28-alpine',
  postgres: 'postgres:17-alpine',
  mysql: 'mysql:8.4',
  redis: 'redis:7.4-alpine',
} as const;

/**
 * Compose networks: nginx gets a fixed address on the edge network so the
 * service's TRUSTED_PROXIES can name exactly it (and nothing else).
 */
export const EDGE_NETWORK = { subnet: '172.31.250.0/24', nginx: '172.31.250.10' } as const;
// Overridable when another compose project already uses the subnet; the
// service's TRUSTED_PROXIES and nginx's address use the same variable.
const edgeRefs = {
  nginxRef: `\${NGINX_IP:-${EDGE_NETWORK.nginx}}`,
  subnetRef: `\${EDGE_SUBNET:-${EDGE_NETWORK.subnet}}`,
};

/**
 * The service container's memory bound, and the Go runtime's soft limit a
 * tenth below it: room for the runtime's own and the kernel's overhead.
 */
export const CONTAINER_MEMORY = { memLimit: '512m', goMemLimit: '460MiB' } as const;

/**
 * DRAIN_DELAY in compose: after SIGTERM, /readyz reports draining this long
 * before the listener closes, so a proxy stops sending traffic first.
 */
export const COMPOSE_DRAIN_DELAY = '5s';

/** Port nginx listens on inside its container (the unprivileged image cannot bind 80). */
export const NGINX_CONTAINER_PORT = 8080;

function containerData(answers: Answers) {
  const dbServer = answers.db === 'mysql' || answers.db === 'postgres';
  const volumes = [
    ...(answers.db === 'sqlite' ? ['data'] : []),
    ...(answers.db === 'postgres' ? ['pgdata'] : []),
    ...(answers.db === 'mysql' ? ['mysqldata'] : []),
    ...(answers.metrics ? ['prometheus'] : []),
  ];
  return {
    uid: CONTAINER_UID,
    finalImage: FINAL_IMAGES[answers.dockerBase],
    images: COMPOSE_IMAGES,
    edge: { ...EDGE_NETWORK, ...edgeRefs },
    nginxPort: NGINX_CONTAINER_PORT,
    workdir: '/app',
    dbServer,
    // Databases and Redis sit on an internal network of their own.
    backend: dbServer || answers.redis,
    // The same name the service's own default DATABASE_URL uses; the
    // database images refuse to create a regular user named root.
    dbName: databaseName(answers.module),
    dbUser: databaseName(answers.module) === 'root' ? 'app' : databaseName(answers.module),
    volumes,
    drainDelay: COMPOSE_DRAIN_DELAY,
    // Longer than the drain delay and the shutdown timeout together, so
    // compose never SIGKILLs a draining service.
    stopGracePeriod: `${seconds(COMPOSE_DRAIN_DELAY) + seconds(LIMITS.shutdownTimeout) + 10}s`,
    ...CONTAINER_MEMORY,
  };
}
