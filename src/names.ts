/** Every name derived from the module path or a directory name: one rule per target's alphabet. */

/** The module's last element that is not a major-version suffix (example.com/x/v2 -> x). */
function lastElement(module: string): string {
  return module.split('/').filter((p) => !/^v\d+$/.test(p)).at(-1) ?? 'app';
}

/** A path element from a directory name ("My App" -> "my-app"): the monorepo prefix, the default module. */
export function slugFromDirName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._~-]+/g, '-').replace(/^[-.~]+|[-.]+$/g, '') || 'app';
}

/** The binary, the metrics job and the dashboard: the last element, case kept (example.com/x/v2 -> x). */
export function binaryName(module: string): string {
  const parts = module.split('/');
  const last = parts.length > 1 && /^v\d+$/.test(parts.at(-1)!) ? parts.at(-2)! : parts.at(-1)!;
  return last.replace(/[^A-Za-z0-9._-]/g, '-') || 'server';
}

/** An alert name, CamelCase by Prometheus convention: orders-api -> OrdersApi. */
export function alertName(binary: string): string {
  return binary.split(/[^A-Za-z0-9]+/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** A Kubernetes object name (RFC 1035 label, which Services need). */
export function k8sName(module: string): string {
  const name = lastElement(module).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return /^[a-z]/.test(name) ? name : `app-${name || 'svc'}`;
}

/** A database, schema and user name: lower case, [a-z0-9_]. */
export function databaseName(module: string): string {
  const name = lastElement(module).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(name) ? name : `app_${name || 'db'}`;
}

/** nginx upstream and compose service names of a monorepo's services: the directory's last element, unique. */
export function upstreamNames(dirs: readonly string[]): string[] {
  const taken = new Set<string>();
  return dirs.map((dir) => {
    let name = dir.split('/').pop()!.replace(/[^A-Za-z0-9_-]/g, '_');
    while (taken.has(name)) name += '_';
    taken.add(name);
    return name;
  });
}
