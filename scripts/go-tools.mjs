/**
 * The Go linters of the option-matrix gate (test/e2e/matrix.test.ts),
 * kustomize and kubeconform for the manifests' gate (test/e2e/k8s.test.ts),
 * actionlint for the generated CI workflow (test/e2e/ci.test.ts) and
 * oapi-codegen for the API contract's (test/e2e/contract.test.ts): the one table of
 * their pins, the finder the gate uses, and the installer the test
 * run calls first (test/global-setup.ts). They go into .cache/go-tools/bin of
 * this checkout: no root, no GOPATH, and kept across runs (node_modules/.cache
 * would not be: `npm ci` deletes node_modules). Plain Node with no
 * dependencies, so `node scripts/go-tools.mjs` works before `npm ci`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This checkout. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const PINNED = {
  staticcheck: { module: 'honnef.co/go/tools', pkg: 'honnef.co/go/tools/cmd/staticcheck', version: 'v0.8.2' },
  gosec: { module: 'github.com/securego/gosec/v2', pkg: 'github.com/securego/gosec/v2/cmd/gosec', version: 'v2.30.0' },
  // The manifests' gate (test/e2e/k8s.test.ts). v5.8.1 is the newest that
  // builds with Go 1.26; newer ones may need Go 1.27. Generated services pin
  // the same kustomize and kubeconform in tools/go.mod for their CI workflow
  // (test/e2e/ci.test.ts checks the versions agree).
  kustomize: { module: 'sigs.k8s.io/kustomize/kustomize/v5', pkg: 'sigs.k8s.io/kustomize/kustomize/v5', version: 'v5.8.1' },
  // The API contract's gate (test/e2e/contract.test.ts): a Go client
  // generated from a service's api/openapi.yaml (OpenAPI 3.1 since v2.6).
  'oapi-codegen': { module: 'github.com/oapi-codegen/oapi-codegen/v2', pkg: 'github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen', version: 'v2.8.2' },
  // The generated CI workflow's linter (test/e2e/matrix.test.ts, test/e2e/ci.test.ts).
  actionlint: { module: 'github.com/rhysd/actionlint', pkg: 'github.com/rhysd/actionlint/cmd/actionlint', version: 'v1.7.12' },
  // Schema validation of every built object (test/e2e/k8s.test.ts), against
  // schemas generated offline by test/helpers/k8scheck from KUBE_SCHEMAS.
  kubeconform: { module: 'github.com/yannh/kubeconform', pkg: 'github.com/yannh/kubeconform/cmd/kubeconform', version: 'v0.8.0' },
};

/**
 * Where kubeconform's schemas come from, with no GitHub access: modules the
 * Go module proxy serves. Kubernetes' OpenAPI document (the release of
 * k8s.io/api in test/helpers/k8scheck/go.mod) and the Prometheus Operator's
 * CRDs, for the PodMonitor and PrometheusRule of components/prometheus-operator.
 */
export const KUBE_SCHEMAS = {
  kubernetes: { module: 'k8s.io/kubernetes', version: 'v1.37.2', file: 'api/openapi-spec/swagger.json' },
  prometheusOperator: {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.85.0',
    files: ['podmonitors', 'prometheusrules', 'servicemonitors'].map((k) => `example/prometheus-operator-crd/monitoring.coreos.com_${k}.yaml`),
  },
};

/** @typedef {keyof typeof PINNED} ToolName */

/** Where the linters are installed (GOBIN) for the checkout at root. */
export function goToolsBin(root = ROOT) {
  return join(root, '.cache', 'go-tools', 'bin');
}

/** The local toolchain only, as everywhere in the tests: never a download of another Go. */
const goEnv = (/** @type {Record<string, string>} */ extra = {}) => ({ ...process.env, GOTOOLCHAIN: 'local', ...extra });

/**
 * The pinned linter in root's .cache/go-tools/bin, or the reason it cannot be used.
 * @param {ToolName} name
 * @returns {{ path?: string, problem?: string }}
 */
export function findTool(name, root = ROOT) {
  const { module, version } = PINNED[name];
  const path = join(goToolsBin(root), name);
  const where = relative(process.cwd(), path) || path;
  const fix = `node scripts/go-tools.mjs installs it (npm test runs it first)`;
  if (!existsSync(path)) return { problem: `${name} ${version} is not installed in ${where}: ${fix}` };
  const info = spawnSync('go', ['version', '-m', path], { encoding: 'utf8', env: goEnv() }).stdout ?? '';
  const found = new RegExp(`^\\s*mod\\s+${module.replace(/[.]/g, '\\.')}\\s+(\\S+)`, 'm').exec(info)?.[1];
  if (found !== version) return { problem: `${where} is ${module} ${found ?? '(unknown version)'}, the gate is pinned to ${version}: ${fix}` };
  return { path };
}

/**
 * Installs each pinned linter that root's .cache/go-tools/bin lacks (or has at
 * another version); one already there is left alone, not rebuilt.
 * @param {(line: string) => void} [say] told before each installation
 * @returns {{ name: ToolName, path: string, installed: boolean }[]}
 */
export function installGoTools(root = ROOT, say = () => {}) {
  return /** @type {ToolName[]} */ (Object.keys(PINNED)).map((name) => {
    const { pkg, version } = PINNED[name];
    const path = join(goToolsBin(root), name);
    if (!findTool(name, root).problem) return { name, path, installed: false };
    say(`installing ${name} ${version} into ${goToolsBin(root)}`);
    const r = spawnSync('go', ['install', `${pkg}@${version}`], { encoding: 'utf8', env: goEnv({ GOBIN: goToolsBin(root) }) });
    if (r.error || r.status !== 0) {
      const why = r.error?.message ?? r.stderr.trim().split('\n').at(-1) ?? '';
      throw new Error(`go install ${pkg}@${version} failed: ${why}`);
    }
    const problem = findTool(name, root).problem;
    if (problem) throw new Error(problem);
    return { name, path, installed: true };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    for (const t of installGoTools(ROOT, console.log)) {
      console.log(`${t.name} ${PINNED[t.name].version}: ${t.installed ? 'installed' : 'up to date'} (${t.path})`);
    }
  } catch (err) {
    console.error(/** @type {Error} */ (err).message);
    process.exit(1);
  }
}
