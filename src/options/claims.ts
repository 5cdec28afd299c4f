/**
 * Ports and prefixes other generated services in a monorepo already claim:
 * plain data the schema's defaults and checks read. Finding the services
 * (src/monorepo/detect.ts) sits above this module and the schema, so data
 * flows one way: detection -> claims -> schema.
 */

export interface ServiceClaim {
  /** Path from the root, with forward slashes ("services/orders"). */
  dir: string;
  module: string;
  port: number;
  pprofPort?: number;
  metricsPort?: number;
  prefix: string;
  /** Whether it has Kubernetes manifests (deploy/k8s/base). */
  k8s?: boolean;
}

/** The first port from `from` up that no service claims and `also` does not hold. */
export function nextFreePort(from: number, services: readonly ServiceClaim[], also: readonly number[] = []): number {
  const taken = new Set([...services.flatMap((s) => [s.port, s.pprofPort ?? -1, s.metricsPort ?? -1]), ...also]);
  let port = from;
  while (taken.has(port)) port++;
  return port;
}

/** The service already using port (as its HTTP, pprof or metrics port). */
export function portHolder(port: number, services: readonly ServiceClaim[]): string | undefined {
  const s = services.find((x) => x.port === port || x.pprofPort === port || x.metricsPort === port);
  return s && `${s.dir} (its ${s.port === port ? 'HTTP' : s.pprofPort === port ? 'pprof' : 'metrics'} port)`;
}

/** A service whose prefix equals, contains or sits inside prefix. */
export function prefixClash(prefix: string, services: readonly ServiceClaim[]): string | undefined {
  const within = (a: string, b: string) => a === b || a.startsWith(b + '/');
  const s = services.find((x) => within(prefix, x.prefix) || within(x.prefix, prefix));
  return s && `${s.dir}, which serves ${s.prefix}`;
}
