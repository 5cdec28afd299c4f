/**
 * kubeconform's JSON schemas without network, for test/e2e/k8s.test.ts and
 * test/e2e/ci.test.ts: test/helpers/k8scheck is built, and its `schemas`
 * command writes them from the files of two modules the Go module proxy
 * serves (scripts/go-tools.mjs KUBE_SCHEMAS): Kubernetes' OpenAPI document
 * and the Prometheus Operator's CRDs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { KUBE_SCHEMAS } from '../../scripts/go-tools.mjs';
import { ROOT, tempDir } from './cli.js';
import { go } from './go.js';

export interface KubeSchemas {
  /** The built test/helpers/k8scheck (strict decoding and pod security of built manifests). */
  checker: string;
  /** kubeconform's -schema-location for them. */
  location: string;
  /** k8scheck's one-line report ("N schemas in <dir>"), with the sources' versions. */
  summary: string;
}

/** Builds k8scheck and writes the schemas into a temporary directory of the test file. */
export async function kubeSchemas(): Promise<KubeSchemas> {
  const checker = join(tempDir('cga-k8scheck-'), 'k8scheck');
  await go(join(ROOT, 'test/helpers/k8scheck'), ['build', '-o', checker, '.']);
  // The modules' files (go mod download: the proxy, or the module cache).
  const moduleDir = async (m: { module: string; version: string }) => {
    const r = await go(tempDir('cga-moddl-'), ['mod', 'download', '-json', `${m.module}@${m.version}`]);
    return JSON.parse(r.stdout).Dir as string;
  };
  const k8sDir = await moduleDir(KUBE_SCHEMAS.kubernetes);
  const promDir = await moduleDir(KUBE_SCHEMAS.prometheusOperator);
  const schemas = join(tempDir('cga-kubeschemas-'), 'schemas');
  const gen = spawnSync(checker, ['schemas', schemas, join(k8sDir, KUBE_SCHEMAS.kubernetes.file), ...KUBE_SCHEMAS.prometheusOperator.files.map((f) => join(promDir, f))], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`k8scheck schemas failed:\n${gen.stdout}${gen.stderr}`);
  return {
    checker,
    location: `${schemas}/{{.ResourceKind}}{{.KindSuffix}}.json`,
    summary: `${gen.stdout.trim()} (Kubernetes ${KUBE_SCHEMAS.kubernetes.version}, Prometheus Operator ${KUBE_SCHEMAS.prometheusOperator.version})`,
  };
}
