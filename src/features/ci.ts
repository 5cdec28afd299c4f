import type { Answers } from '../options/schema.js';
import { VERSION } from '../version.js';
import { COMPOSE_IMAGES } from './docker.js';
import type { Feature } from './feature.js';
import { databaseName } from '../names.js';

/**
 * The day-after-create loop every service gets (templates/devloop/): the
 * Makefile's lint, vuln, dev and test-integration targets run their tools
 * with `go tool` from a module of their own, tools/go.mod, whose versions
 * are pinned there. Not the service's go.mod: a linter's dependencies
 * (gosec alone brings ~70 modules) would enter the service's build list and
 * raise versions it shares with them (golang.org/x/net, x/crypto), and
 * every verification's `go mod tidy` would resolve them. Also .air.toml
 * (make dev) and AGENTS.md.
 */
export const devloop: Feature = {
  name: 'devloop',
  applies: () => true,
  data: (answers) => ({ integration: integrationEnv(answers), dbLabel: DB_LABELS[answers.db] }),
};

/**
 * --ci github: .github/workflows/ci.yml runs what the team must keep green:
 * the Makefile's lint and vuln tools, gosec, `go test -race` against the
 * chosen stores as workflow services, the drift check with this generator
 * version, the manifests through kustomize and kubeconform (both pinned in
 * tools/go.mod), and the image build.
 */
export const ci: Feature = {
  name: 'ci',
  applies: (answers) => answers.ci === 'github',
  data: (answers) => ({ workflow: workflowData(answers) }),
};

/**
 * Actions, pinned by commit (a tag can be moved; a commit cannot), with the
 * release each commit is tagged as. Checked against the actions' own
 * repositories: `git rev-parse v7.0.1^{commit}` in actions/checkout,
 * `v7.0.0^{commit}` in actions/setup-go.
 */
export const ACTIONS = {
  checkout: { uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  setupGo: { uses: 'actions/setup-go@b7ad1dad31e06c5925ef5d2fc7ad053ef454303e', version: 'v7.0.0' },
} as const;

/**
 * kubeconform's second schema location in the manifests' job, with
 * --metrics, for the CRDs of components/prometheus-operator (PodMonitor,
 * PrometheusRule; the component exists only with --metrics), which
 * Kubernetes' schemas (its default location) lack: the CRDs catalog that
 * kubeconform's README points to, pinned by commit (`git log -1` of
 * datreeio/CRDs-catalog, 2026-08-20, whose monitoring.coreos.com holds
 * podmonitor_v1.json and prometheusrule_v1.json). The Go text/template
 * fields are kubeconform's, left as they are by Handlebars (noEscape) and by
 * GitHub (which expands only `${{ }}`).
 */
export const CRD_SCHEMAS = 'https://raw.githubusercontent.com/datreeio/CRDs-catalog/7b1e26ef9deea49293714d204c1a2270aab1178f/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json';

const DB_LABELS = { postgres: 'PostgreSQL', mysql: 'MySQL', sqlite: 'SQLite', none: 'none' } as const;

/** Credentials of the CI-only store containers (nothing else can reach them). */
const CI_PASSWORD = 'ci';

/** The environment variables the integration tests need, with what each one is for. */
export function integrationEnv(answers: Answers): { name: string; what: string; example: string }[] {
  const db = databaseName(answers.module);
  return [
    ...(answers.db === 'postgres' ? [{ name: 'TEST_DATABASE_URL', what: 'PostgreSQL', example: `postgres://postgres@127.0.0.1:5432/${db}_test?sslmode=disable` }] : []),
    ...(answers.db === 'mysql' ? [{ name: 'TEST_DATABASE_URL', what: 'MySQL', example: `mysql://root@127.0.0.1:3306/${db}_test` }] : []),
    ...(answers.redis ? [{ name: 'TEST_REDIS_URL', what: 'Redis', example: 'redis://127.0.0.1:6379/15' }] : []),
  ];
}

function workflowData(answers: Answers) {
  const db = databaseName(answers.module);
  const user = db === 'root' ? 'app' : db;
  const env: { name: string; value: string }[] = [];
  if (answers.db === 'postgres') env.push({ name: 'TEST_DATABASE_URL', value: `postgres://${user}:${CI_PASSWORD}@127.0.0.1:5432/${db}?sslmode=disable` });
  if (answers.db === 'mysql') env.push({ name: 'TEST_DATABASE_URL', value: `mysql://${user}:${CI_PASSWORD}@127.0.0.1:3306/${db}` });
  if (answers.redis) env.push({ name: 'TEST_REDIS_URL', value: 'redis://127.0.0.1:6379/0' });
  return {
    actions: ACTIONS,
    generatorVersion: VERSION,
    crdSchemas: CRD_SCHEMAS,
    images: COMPOSE_IMAGES,
    dbName: db,
    dbUser: user,
    password: CI_PASSWORD,
    env,
    hasServices: env.length > 0,
  };
}
