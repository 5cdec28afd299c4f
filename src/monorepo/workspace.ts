/** What a monorepo gets besides the service: go.work membership and the gateway files. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { k8sName, upstreamNames } from '../names.js';
import { proxyLimits } from '../features/nginx.js';
import { loadTemplates } from '../templates/index.js';
import { applyWrites } from '../write.js';
import { findServices } from './detect.js';

/** Listen port written into the gateway config. */
export const GATEWAY_PORT = 80;

/**
 * Renders deploy/nginx/gateway.conf, deploy/compose.yml and deploy/k8s/ (a
 * kustomization of every service's base, with one Ingress routing each
 * prefix to its Service) from every service under root.
 */
export function renderGateway(root: string): { path: string; content: string }[] {
  const found = findServices(root);
  const upstreams = upstreamNames(found.map((s) => s.dir));
  const services = found.map((s, i) => ({ ...s, upstream: upstreams[i]!, kubeName: k8sName(s.module) }));
  const kube = services.filter((s) => s.k8s);
  const data = { services, kube, listen: GATEWAY_PORT, proxy: proxyLimits() };
  return Object.entries(loadTemplates()._monorepo!)
    .filter(([path]) => kube.length > 0 || !path.startsWith('deploy/k8s/'))
    .map(([path, render]) => ({ path, content: render(data) }));
}

export function writeGateway(root: string): string[] {
  const files = renderGateway(root);
  applyWrites(root, files);
  return files.map((f) => f.path);
}

/**
 * Adds the service to the root's go.work (`go work use`), creating go.work
 * first when asked to. Returns what it did, for the summary.
 */
export async function joinWorkspace(root: string, rel: string, create: boolean): Promise<'joined' | 'created' | 'skipped'> {
  const hasWork = existsSync(join(root, 'go.work'));
  if (!hasWork && !create) return 'skipped';
  const { execa } = await import('execa');
  const env = { GOTOOLCHAIN: 'local', GOWORK: '' };
  const go = (args: string[]) => execa('go', args, { cwd: root, env, reject: false, all: true });
  if (!hasWork) {
    const init = await go(existsSync(join(root, 'go.mod')) ? ['work', 'init', '.'] : ['work', 'init']);
    if (init.exitCode !== 0) throw new CliError('go work init failed at the repository root (details below)', 1, String(init.all));
  }
  const use = await go(['work', 'use', `./${rel}`]);
  if (use.exitCode !== 0) throw new CliError(`go work use ./${rel} failed (details below)`, 1, String(use.all));
  return hasWork ? 'joined' : 'created';
}
