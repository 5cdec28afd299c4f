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

/**
 * The base images' digests, so every build gets the same bytes whatever a
 * tag is moved to later (the tag stays in the reference, for readers and
 * update bots). No registry is reachable where this generator is tested:
 * these are the index (multi-platform) digests that public repositories pin
 * for the same tags, recorded on 2026-12-04; a tag missing here is written
 * without a digest and a comment says how to pin it.
 */
export const IMAGE_DIGESTS: Record<string, string> = {
  'golang:1.26': 'sha256:3aff6657219a4d9c14e27fb1d8976c49c29fddb70ba835014f477e1c70636647',
  'gcr.io/distroless/static-debian12:nonroot': 'sha256:d093aa3e30dbadd3efe1310db061a14da60299baff8450a17fe0ccc514a16639',
  'alpine:3.22': 'sha256:14358309a308569c32bdc37e2e0e9694be33a9d99e68afb0f5ff33cc1f695dce',
};

/** A tag, its digest if recorded, and the reference FROM uses (tag@digest). */
export function pinnedImage(tag: string) {
  const digest = IMAGE_DIGESTS[tag];
  return { tag, digest, ref: digest ? `${tag}@${digest}` : tag };
}

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
    builder: pinnedImage(`golang:${answers.go.split('.').slice(0, 2).join('.')}`),
    final: answers.dockerBase === 'scratch' ? { tag: '', ref: 'scratch' } : pinnedImage(FINAL_IMAGES[answers.dockerBase]),
    // The builder lays out extra files for the final stage: SQLite's data
    // directory, scratch's /tmp and passwd.
    rootfs: answers.db === 'sqlite' || answers.dockerBase === 'scratch',
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
