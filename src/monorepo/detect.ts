/**
 * Monorepo awareness: the repository root above a new service (the nearest
 * go.work, else the nearest go.mod), the services already generated under it
 * (found by their gin-app.json), and the ports and prefixes they claim.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ANSWERS_FILE } from '../answers-file.js';
import type { ServiceClaim } from '../options/claims.js';

export interface Monorepo {
  root: string;
  /** Module path of the root go.mod, if there is one. */
  rootModule?: string;
  hasGoWork: boolean;
  /** The new (or updated) service's path from the root. */
  rel: string;
  /** The other generated services under the root. */
  services: ServiceClaim[];
}

function nearestAncestorWith(start: string, file: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, file))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function moduleOf(goModText: string): string | undefined {
  return /^module\s+(\S+)/m.exec(goModText)?.[1]?.replace(/^"|"$/g, '');
}

export function detectMonorepo(target: string): Monorepo | undefined {
  const start = dirname(resolve(target));
  const root = nearestAncestorWith(start, 'go.work') ?? nearestAncestorWith(start, 'go.mod');
  if (!root) return undefined;
  const goMod = join(root, 'go.mod');
  const rel = relative(root, resolve(target)).split(sep).join('/');
  return {
    root,
    rootModule: existsSync(goMod) ? moduleOf(readFileSync(goMod, 'utf8')) : undefined,
    hasGoWork: existsSync(join(root, 'go.work')),
    rel,
    services: findServices(root).filter((s) => s.dir !== rel),
  };
}

const SKIP = new Set(['node_modules', 'vendor', 'testdata', 'dist', 'bin']);

/** Every generated service under root, by its gin-app.json (unreadable ones are skipped). */
export function findServices(root: string, depth = 6): ServiceClaim[] {
  const found: ServiceClaim[] = [];
  const walk = (dir: string, left: number) => {
    const file = join(dir, ANSWERS_FILE);
    if (existsSync(file)) {
      try {
        const { answers } = JSON.parse(readFileSync(file, 'utf8'));
        found.push({
          dir: relative(root, dir).split(sep).join('/') || '.',
          module: String(answers.module),
          port: Number(answers.port),
          pprofPort: answers.pprof === false ? undefined : Number(answers.pprofPort),
          // Answers from before the metrics option had none: nothing claimed.
          metricsPort: answers.metrics === false || answers.metricsPort === undefined ? undefined : Number(answers.metricsPort),
          prefix: String(answers.prefix),
          k8s: answers.k8s === true,
        });
      } catch {
        // Not ours to judge here; `update` in that service reports it.
      }
    }
    if (left === 0) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name)) walk(join(dir, e.name), left - 1);
    }
  };
  walk(root, depth);
  return found.sort((a, b) => a.dir.localeCompare(b.dir));
}
