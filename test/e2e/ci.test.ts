/**
 * Issue 27: the generated project's own CI workflow and dev loop.
 *
 * - The workflow of every option set passes actionlint (pinned in
 *   scripts/go-tools.mjs; the matrix gate checks its combinations too), has
 *   read-only permissions, actions pinned by commit, and store services that
 *   match the stores the service uses.
 * - Its steps are run here, one by one, as written in the generated ci.yml,
 *   on a `--db postgres --redis` service with a resource, against the
 *   machine's PostgreSQL and Redis. What cannot run on this machine is said
 *   and checked statically instead: `docker build` (no Docker engine) and the
 *   `services:` containers (the job's URLs are replaced by the machine's
 *   servers); `npx create-gin-app@<version>` is this checkout's CLI (the
 *   version must be this package's); govulncheck reads a small vulnerability
 *   database written here in the documented format (https://go.dev/security/vuln/database#api),
 *   since vuln.go.dev is out of reach; kubeconform reads the offline schemas
 *   test/e2e/k8s.test.ts validates with (test/helpers/kubeschemas.ts) instead
 *   of its online locations. The service is --auth jwt, a new service's default.
 * - The checks fail when they should: the manifests' step on a misspelt field
 *   and on a layer kustomize cannot build, `make lint` on a file gofmt would
 *   change and on dead code staticcheck reports, each naming the file.
 * - Integration tests that tell the truth: under CI=true a store test without
 *   its URL fails naming it; without CI=true it skips with one line.
 * - `make dev` under a pseudo-terminal: an edited handler is served within 10 s.
 * - `update` brings the new files to a service generated before them (and
 *   verifies it: go vet and go build with them), and keeps an edit of the
 *   workflow.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { findTool, PINNED } from '../../scripts/go-tools.mjs';
import { CLI, cleanEnv, reason, ROOT, run, runCli, tempDir } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/databases.js';
import { freePort } from '../helpers/go.js';
import { type KubeSchemas, kubeSchemas } from '../helpers/kubeschemas.js';
import { generate } from '../helpers/project.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Service {
  image: string;
  env?: Record<string, string>;
  ports?: string[];
  options?: string;
}
interface Job {
  'runs-on': string;
  services?: Record<string, Service>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  permissions: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, Job>;
}

const GO_ENV = { GOTOOLCHAIN: 'local', GOWORK: 'off' };
const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const actionlint = findTool('actionlint');
const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const workflow = (dir: string) => parse(read(dir, '.github/workflows/ci.yml')) as Workflow;
const output = (r: { stdout: string; stderr: string }) => `${r.stdout}${r.stderr}`.trim();

/** A copy of a generated service to break (its build outputs left behind). */
function copyOf(dir: string): string {
  const copy = join(tempDir('cga-ci-copy-'), 'svc');
  cpSync(dir, copy, { recursive: true, filter: (src) => !/^\/(bin|tmp)$/.test(src.slice(dir.length)) });
  return copy;
}

/** Generates without verification (the workflow's text does not need it). */
async function quick(args: string[]): Promise<string> {
  const cwd = tempDir('cga-ci-');
  const r = await runCli(['svc', ...args, '--yes', '--no-verify'], { cwd });
  expect(r.code, output(r)).toBe(0);
  return join(cwd, 'svc');
}

/** Static checks every generated workflow must pass; returns the problems. */
function staticProblems(dir: string): string[] {
  const problems: string[] = [];
  const wf = workflow(dir);
  const answers = JSON.parse(read(dir, 'gin-app.json')).answers;
  if (JSON.stringify(wf.permissions) !== JSON.stringify({ contents: 'read' })) problems.push(`permissions: ${JSON.stringify(wf.permissions)}`);
  const text = read(dir, '.github/workflows/ci.yml');
  for (const line of text.split('\n').filter((l) => /uses:/.test(l))) {
    if (!/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(line.trim().replace(/^- /, ''))) problems.push(`action not pinned by commit with its version: ${line.trim()}`);
  }
  if (!text.includes(`npx --yes create-gin-app@${VERSION} update --check`)) problems.push(`no drift check pinned to ${VERSION}`);
  // The services are the service's stores, in the images compose runs, and the URLs reach them.
  const test = wf.jobs.test!;
  const services = test.services ?? {};
  const compose = parse(read(dir, 'docker-compose.yml')) as { services: Record<string, { image?: string }> };
  const want = [...(answers.db === 'postgres' ? ['postgres'] : []), ...(answers.db === 'mysql' ? ['mysql'] : []), ...(answers.redis ? ['redis'] : [])];
  if (JSON.stringify(Object.keys(services).sort()) !== JSON.stringify(want.sort())) problems.push(`services ${Object.keys(services)} for db=${answers.db} redis=${answers.redis}`);
  for (const [name, s] of Object.entries(services)) {
    const composeImage = Object.values(compose.services).find((c) => c.image?.split(':')[0] === s.image.split(':')[0])?.image;
    if (composeImage !== s.image) problems.push(`service ${name} runs ${s.image}, compose ${composeImage}`);
    if (!/--health-cmd/.test(s.options ?? '')) problems.push(`service ${name} has no health check: the tests could start before it is ready`);
  }
  const env = test.env ?? {};
  if (services.postgres) {
    const u = new URL(env.TEST_DATABASE_URL ?? 'x:');
    const e = services.postgres.env!;
    if (u.protocol !== 'postgres:' || u.username !== e.POSTGRES_USER || u.password !== e.POSTGRES_PASSWORD || u.pathname !== `/${e.POSTGRES_DB}` || u.port !== services.postgres.ports?.[0]?.split(':')[0]) {
      problems.push(`TEST_DATABASE_URL ${env.TEST_DATABASE_URL} does not reach the postgres service`);
    }
  }
  if (services.mysql) {
    const u = new URL(env.TEST_DATABASE_URL ?? 'x:');
    const e = services.mysql.env!;
    if (u.protocol !== 'mysql:' || u.username !== e.MYSQL_USER || u.password !== e.MYSQL_PASSWORD || u.pathname !== `/${e.MYSQL_DATABASE}` || u.port !== services.mysql.ports?.[0]?.split(':')[0]) {
      problems.push(`TEST_DATABASE_URL ${env.TEST_DATABASE_URL} does not reach the mysql service`);
    }
  }
  if (services.redis && new URL(env.TEST_REDIS_URL ?? 'x:').port !== services.redis.ports?.[0]?.split(':')[0]) problems.push(`TEST_REDIS_URL ${env.TEST_REDIS_URL} does not reach the redis service`);
  if (!services.postgres && !services.mysql && env.TEST_DATABASE_URL) problems.push('TEST_DATABASE_URL without a database service');
  // The image build never pushes; the manifests are built only where there are some.
  const runs = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
  if (!runs.some((r) => /^docker build --tag \S+ \.$/.test(r))) problems.push('no docker build step');
  if (runs.some((r) => /docker push|--push/.test(r))) problems.push('the workflow pushes an image');
  if (runs.some((r) => r.includes('kustomize')) !== answers.k8s) problems.push(`kustomize step present=${!answers.k8s} with k8s=${answers.k8s}`);
  // Tools through tools/go.mod's tool directive, never fetched at run time by version or @latest.
  for (const r of runs.filter((r) => /\bgo run\b|@latest|go install/.test(r))) problems.push(`a tool not run through go tool: ${r}`);
  // Steps run as "bash -eo pipefail", as this file runs them: a failing kustomize build fails its pipe.
  if (wf.defaults?.run?.shell !== 'bash') problems.push(`defaults.run.shell is ${wf.defaults?.run?.shell}: without pipefail a failing kustomize build would feed kubeconform nothing and pass`);
  const manifests = Object.values(wf.jobs).flatMap((j) => j.steps).filter((s) => s.run?.includes('kustomize'));
  for (const step of manifests) {
    if (!/go tool -modfile=tools\/go\.mod kustomize build "\$dir" \|\s*go tool -modfile=tools\/go\.mod kubeconform -strict -summary /.test(step.run!)) problems.push(`the manifests' step does not pipe each build into kubeconform -strict: ${step.run}`);
    if (/-ignore-missing-schemas/.test(step.run!)) problems.push('kubeconform skips kinds it has no schema for');
    if (step.env?.KUBE_SCHEMAS !== 'default') problems.push(`KUBE_SCHEMAS=${step.env?.KUBE_SCHEMAS}, not kubeconform's default (Kubernetes') schemas`);
    // The Prometheus Operator's kinds (components/prometheus-operator, with --metrics only) from the CRDs catalog, pinned by commit.
    const crds = /^https:\/\/raw\.githubusercontent\.com\/datreeio\/CRDs-catalog\/[0-9a-f]{40}\/\{\{\.Group\}\}\/\{\{\.ResourceKind\}\}_\{\{\.ResourceAPIVersion\}\}\.json$/.test(step.env?.CRD_SCHEMAS ?? '');
    const used = step.run!.includes('-schema-location "$CRD_SCHEMAS"');
    if (answers.metrics && !(crds && used)) problems.push(`CRD_SCHEMAS=${step.env?.CRD_SCHEMAS} (used: ${used}), not the CRDs catalog pinned by commit`);
    if (!answers.metrics && (step.env?.CRD_SCHEMAS !== undefined || used)) problems.push('CRD_SCHEMAS without the Prometheus Operator component (--no-metrics)');
  }
  return problems;
}

describe('the generated workflow, for every kind of service', () => {
  const SETS = [
    ['--db', 'postgres', '--redis'],
    ['--db', 'mysql', '--no-k8s'],
    ['--db', 'sqlite', '--redis'],
    ['--db', 'none', '--no-k8s', '--no-metrics'],
  ];
  it.each(SETS.map((s) => [s.join(' '), s] as const))('%s: actionlint clean; pinned, read-only, services match the stores', async (_, args) => {
    if (actionlint.problem) throw new Error(actionlint.problem);
    const dir = await quick(args);
    const lint = await run(actionlint.path!, ['-no-color', '.github/workflows/ci.yml'], { cwd: dir });
    expect(lint.code, output(lint)).toBe(0);
    expect(staticProblems(dir)).toEqual([]);
  });

  it('--ci none writes no workflow (the rest of the dev loop stays); a bad value is one line, nothing written', async () => {
    const dir = await quick(['--ci', 'none']);
    expect(existsSync(join(dir, '.github'))).toBe(false);
    for (const f of ['AGENTS.md', '.air.toml', 'tools/go.mod', 'tools/go.sum']) expect(existsSync(join(dir, f)), f).toBe(true);
    const cwd = tempDir('cga-ci-bad-');
    const bad = await runCli(['svc', '--ci', 'gitlab', '--yes', '--no-verify'], { cwd });
    expect(bad.code).toBe(2);
    expect(reason(bad)).toBe('create-gin-app: --ci must be one of github, none (got "gitlab")');
    expect(existsSync(join(cwd, 'svc'))).toBe(false);
  });

  it('in a monorepo: no workflow by default (GitHub reads only the root\'s), and --ci github is refused with one line', async () => {
    const repo = tempDir('cga-ci-mono-');
    writeFileSync(join(repo, 'go.work'), 'go 1.26.0\n');
    const made = await runCli(['services/orders', '--yes', '--no-verify'], { cwd: repo });
    expect(made.code, output(made)).toBe(0);
    expect(existsSync(join(repo, 'services/orders/.github'))).toBe(false);
    const refused = await runCli(['services/billing', '--ci', 'github', '--yes', '--no-verify'], { cwd: repo });
    expect(refused.code).toBe(2);
    expect(reason(refused)).toMatch(/--ci github: GitHub reads workflows only from the repository root/);
    expect(existsSync(join(repo, 'services/billing'))).toBe(false);
  });

  it('tools/go.mod is tidy and pins the gates\' staticcheck, gosec, kustomize and kubeconform', async () => {
    const dir = await quick(['--db', 'none']);
    const tidy = await run('go', ['mod', 'tidy', '-diff'], { cwd: join(dir, 'tools'), env: GO_ENV, timeoutMs: 300_000 });
    expect(tidy.code, output(tidy)).toBe(0);
    const mod = read(dir, 'tools/go.mod');
    // The versions this repository's own gates run (scripts/go-tools.mjs), each a tool of the module.
    const tools = /^tool \(\n([^)]*)\)/m.exec(mod)?.[1]?.split('\n').map((l) => l.trim()) ?? [];
    for (const name of ['staticcheck', 'gosec', 'kustomize', 'kubeconform'] as const) {
      const { module, pkg, version } = PINNED[name];
      expect(mod, name).toMatch(new RegExp(`^\\t${module.replace(/\./g, '\\.')} ${version.replace(/\./g, '\\.')}( |$)`, 'm'));
      expect(tools, name).toContain(pkg);
    }
    // None of it enters the service's own module.
    expect(read(dir, 'go.mod')).not.toMatch(/honnef|gosec|x\/vuln|air-verse|kustomize|kubeconform/);
  });
});

/** A vulnerability database in the v1 format govulncheck reads from a file:// URL. */
function vulnDb(entries: { id: string; module: string; pkg: string; symbol: string; fixed: string }[]): string {
  const root = tempDir('cga-vulndb-');
  mkdirSync(join(root, 'index'));
  mkdirSync(join(root, 'ID'));
  const modified = '2026-12-01T00:00:00Z';
  writeFileSync(join(root, 'index/db.json'), JSON.stringify({ modified }));
  writeFileSync(join(root, 'index/modules.json'), JSON.stringify(entries.map((e) => ({ path: e.module, vulns: [{ id: e.id, modified, fixed: e.fixed }] }))));
  for (const e of entries) {
    writeFileSync(
      join(root, 'ID', `${e.id}.json`),
      JSON.stringify({
        schema_version: '1.3.1',
        id: e.id,
        modified,
        published: modified,
        summary: `test entry for ${e.pkg}.${e.symbol}`,
        details: 'Written by test/e2e/ci.test.ts.',
        affected: [
          {
            package: { name: e.module, ecosystem: 'Go' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: e.fixed }] }],
            ecosystem_specific: { imports: [{ path: e.pkg, symbols: [e.symbol] }] },
          },
        ],
        // govulncheck's text report prints this URL ("More info"), and panics without it.
        database_specific: { url: `https://pkg.go.dev/vuln/${e.id}` },
      }),
    );
  }
  return `file://${root}`;
}

describe('a --db postgres --redis service with a resource, as its CI runs it', () => {
  let dir = '';
  let kube: KubeSchemas;
  beforeAll(async () => {
    // --auth jwt, the default of a new service (the helpers make one anonymous unless --auth is named).
    ({ dir } = await generate(['--db', 'postgres', '--redis', '--auth', 'jwt']));
    const added = await runCli(['add', 'resource', 'orders', '--field', 'customer:string:max=100', '--field', 'total:float:min=0', '--yes'], { cwd: dir, env: GO_ENV, timeoutMs: 900_000 });
    expect(added.code, output(added)).toBe(0);
    // kubeconform's schemas without network: the same ones test/e2e/k8s.test.ts validates with.
    kube = await kubeSchemas();
    console.log(`[ci] ${kube.summary}`);
  }, 1_500_000);

  /**
   * A step's own env, with what this machine uses instead: kubeconform's
   * schemas on GitHub (its default location and the CRDs catalog) are the
   * offline ones, generated from Kubernetes' OpenAPI document and the
   * Prometheus Operator's CRDs (test/helpers/kubeschemas.ts).
   */
  const stepEnv = (label: string, step: Step): Record<string, string> => {
    const local: Record<string, string> = { KUBE_SCHEMAS: kube.location, CRD_SCHEMAS: kube.location };
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env ?? {})) {
      expect(local[k], `${label}: no local value for ${k}=${v}`).toBeDefined();
      env[k] = local[k]!;
    }
    return env;
  };
  const manifestsStep = (wf: Workflow): Step => {
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps).filter((s) => s.run?.includes('kubeconform'));
    expect(steps).toHaveLength(1);
    return steps[0]!;
  };

  it('the steps of ci.yml, run one by one against the machine\'s PostgreSQL and Redis, pass', async () => {
    expect(staticProblems(dir)).toEqual([]);
    const wf = workflow(dir);
    // The services' URLs, pointed at the machine's servers: a fresh database, a Redis database of its own.
    const local: Record<string, string> = { TEST_DATABASE_URL: await freshDatabase('postgres'), TEST_REDIS_URL: 'redis://127.0.0.1:6379/13' };
    // Clean against a database that knows a gin vulnerability fixed long before the pinned release.
    const db = vulnDb([{ id: 'GO-2099-0001', module: 'github.com/gin-gonic/gin', pkg: 'github.com/gin-gonic/gin', symbol: 'New', fixed: '1.9.1' }]);
    const ran: string[] = [];
    const notRun: string[] = [];
    for (const [jobName, job] of Object.entries(wf.jobs)) {
      const env: Record<string, string> = { ...GO_ENV, CI: 'true', GITHUB_ACTIONS: 'true' };
      for (const [k, v] of Object.entries(job.env ?? {})) {
        expect(local[k], `${jobName}: no local server for ${k}=${v}`).toBeDefined();
        env[k] = local[k]!;
      }
      for (const step of job.steps) {
        const label = `${jobName} / ${step.name ?? step.uses}`;
        if (step.uses?.startsWith('actions/checkout@')) continue; // the generated directory is the checkout
        if (step.uses?.startsWith('actions/setup-go@')) {
          // The local toolchain stands in; the action reads the go directive from go.mod.
          expect(step.with?.['go-version-file']).toBe('go.mod');
          continue;
        }
        expect(step.run, `${label}: an action this test does not know`).toBeDefined();
        let command = step.run!;
        if (/^docker build /.test(command)) {
          notRun.push(`${label}: ${command} (no Docker engine on this machine; test/e2e/edge.test.ts runs the Dockerfile's build command)`);
          continue;
        }
        const npx = `npx --yes create-gin-app@${VERSION} `;
        if (command.startsWith(npx)) command = `${process.execPath} ${CLI} ${command.slice(npx.length)}`;
        if (command === 'make vuln') command = `make vuln GOVULNDB=${db}`;
        const started = Date.now();
        // GitHub's "shell: bash" (the workflow's default): bash --noprofile --norc -eo pipefail.
        const r = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command], { cwd: dir, env: { ...env, ...stepEnv(label, step) }, timeoutMs: 2_700_000 });
        expect(r.code, `${label}: ${command}\n${output(r)}`).toBe(0);
        if (command.includes('kubeconform')) {
          // One summary per layer (base, dev, prod), every object valid: an empty build cannot pass as one.
          const layers = [...r.stdout.matchAll(/^kustomize build (\S+) \| kubeconform -strict$/gm)].map((m) => m[1]);
          expect(layers, output(r)).toEqual(['deploy/k8s/base', 'deploy/k8s/overlays/dev', 'deploy/k8s/overlays/prod']);
          const summaries = [...r.stdout.matchAll(/^Summary: (\d+) resources? found parsing stdin - Valid: (\d+), Invalid: 0, Errors: 0, Skipped: 0$/gm)];
          expect(summaries.map((m) => m[1] === m[2] && Number(m[1]) > 0), output(r)).toEqual([true, true, true]);
        }
        ran.push(`${label}: ${command} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      }
    }
    console.log(`[ci] ran:\n  ${ran.join('\n  ')}\n[ci] not run:\n  ${notRun.join('\n  ')}`);
    const commands = ran.join('\n');
    for (const expected of ['make lint', 'gosec', 'make vuln', 'update --check', 'make test-integration', 'kustomize build', 'kubeconform -strict']) expect(commands).toContain(expected);
    expect(notRun).toHaveLength(1);
  }, 5_400_000);

  it('the manifests\' step fails on a field no schema has, and on a kustomize build that fails (pipefail)', async () => {
    const step = manifestsStep(workflow(dir));
    const env = { ...GO_ENV, ...stepEnv('manifests', step) };
    const runStep = (cwd: string) => run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd, env, timeoutMs: 900_000 });
    // A misspelt field: kustomize passes it through, kubeconform -strict refuses it.
    const typo = copyOf(dir);
    const deployment = join(typo, 'deploy/k8s/base/deployment.yaml');
    const text = readFileSync(deployment, 'utf8');
    expect(text).toContain('revisionHistoryLimit:');
    writeFileSync(deployment, text.replace('revisionHistoryLimit:', 'revisionHistoryLimitt:'));
    const bad = await runStep(typo);
    expect(bad.code, output(bad)).not.toBe(0);
    expect(output(bad)).toMatch(/Deployment \S+ is invalid: .*revisionHistoryLimitt/);
    // A layer kustomize cannot build: the pipe fails although kubeconform, fed nothing, would pass.
    const broken = copyOf(dir);
    rmSync(join(broken, 'deploy/k8s/base/service.yaml'));
    const failed = await runStep(broken);
    expect(failed.code, output(failed)).not.toBe(0);
    expect(output(failed)).toMatch(/service\.yaml/);
  }, 900_000);

  it('make lint fails on what it checks, naming the file: one gofmt would change, then dead code staticcheck finds', async () => {
    const copy = copyOf(dir);
    const file = join(copy, 'internal/server/lintcheck.go');
    writeFileSync(file, 'package server\n\nfunc  lintFinding( ) {}\n');
    const fmt = await run('make', ['lint'], { cwd: copy, env: GO_ENV, timeoutMs: 900_000 });
    expect(fmt.code, output(fmt)).not.toBe(0);
    expect(fmt.stdout).toMatch(/^gofmt -l: not formatted:\ninternal\/server\/lintcheck\.go$/m);
    // gofmt-clean and go vet-clean, but an unused function: staticcheck's U1000.
    writeFileSync(file, 'package server\n\nfunc lintFinding() {}\n');
    const sc = await run('make', ['lint'], { cwd: copy, env: GO_ENV, timeoutMs: 900_000 });
    expect(sc.code, output(sc)).not.toBe(0);
    expect(output(sc)).toMatch(/internal\/server\/lintcheck\.go:3:6: func lintFinding is unused \(U1000\)/);
  }, 1_800_000);

  it('make vuln reads the database it is given: a vulnerability in a gin function the service calls fails it', async () => {
    const db = vulnDb([{ id: 'GO-2099-0002', module: 'github.com/gin-gonic/gin', pkg: 'github.com/gin-gonic/gin', symbol: 'New', fixed: '99.0.0' }]);
    const r = await run('make', ['vuln', `GOVULNDB=${db}`], { cwd: dir, env: GO_ENV, timeoutMs: 900_000 });
    expect(r.code, output(r)).not.toBe(0);
    expect(output(r)).toContain('GO-2099-0002');
  }, 900_000);

  it('go test ./... with CI=true and no TEST_DATABASE_URL fails naming it; without CI=true the tests skip with one line', async () => {
    const env = { ...GO_ENV, TEST_REDIS_URL: 'redis://127.0.0.1:6379/13', TEST_DATABASE_URL: undefined };
    const ci = await run('go', ['test', '-count=1', './...'], { cwd: dir, env: { ...env, CI: 'true' }, timeoutMs: 900_000 });
    expect(ci.code, output(ci)).not.toBe(0);
    expect(ci.stdout).toMatch(/TEST_DATABASE_URL is not set: with CI=true the store tests must run against a real server/);
    expect(ci.stdout).toMatch(/^FAIL\s+\S+\/internal\/database\b/m);
    const local = await run('go', ['test', '-count=1', '-v', './internal/database/'], { cwd: dir, env: { ...env, CI: undefined }, timeoutMs: 900_000 });
    expect(local.code, output(local)).toBe(0);
    expect(local.stdout).toMatch(/TEST_DATABASE_URL is not set: run with TEST_DATABASE_URL=<url> go test \.\/\.\.\. \(or make test-integration\)/);
  }, 1_800_000);

  it('make test-integration starts nothing: a missing URL is one line naming it', async () => {
    const r = await run('make', ['test-integration'], { cwd: dir, env: { ...GO_ENV, TEST_DATABASE_URL: 'postgres://127.0.0.1:1/x', TEST_REDIS_URL: undefined } });
    expect(r.code).not.toBe(0);
    expect(r.stdout.trim()).toMatch(/^test-integration: TEST_REDIS_URL is not set \(a Redis URL the tests may write to, such as redis:\/\/127\.0\.0\.1:6379\/15\)$/);
  });

  it('make dev under a pseudo-terminal: an edited handler is rebuilt and served, and Ctrl-C stops it', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/api/v1/ping`;
    const env = cleanEnv({
      ...GO_ENV,
      TERM: 'xterm',
      PORT: String(port),
      DATABASE_URL: await freshDatabase('postgres'),
      REDIS_URL: 'redis://127.0.0.1:6379/13',
      PPROF_ADDR: 'off',
      METRICS_ADDR: 'off',
    });
    // script(1) gives make, air and the service a real pseudo-terminal.
    const child = spawn('script', ['-qfec', 'make dev', '/dev/null'], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const body = async () => {
      try {
        return await (await fetch(url, { signal: AbortSignal.timeout(1000) })).text();
      } catch {
        return '';
      }
    };
    const waitFor = async (text: string, ms: number) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if ((await body()).includes(text)) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    };
    const routes = join(dir, 'internal/server/routes.go');
    const original = readFileSync(routes, 'utf8');
    try {
      // The first start builds air and the service (minutes on a cold cache).
      expect(await waitFor('"pong"', 600_000), `make dev never served /ping:\n${screen}`).toBe(true);
      expect(original).toContain('gin.H{"message": "pong"}');
      writeFileSync(routes, original.replace('gin.H{"message": "pong"}', 'gin.H{"message": "pong from make dev"}'));
      const edited = Date.now();
      const served = await waitFor('pong from make dev', 30_000);
      const seconds = (Date.now() - edited) / 1000;
      console.log(`[ci] make dev: the edited handler answered ${seconds.toFixed(1)}s after the write`);
      // air's own lines (change seen, building, running), without the polls' access records.
      const air = screen.split('\n').filter((l) => !l.includes('"msg":"request"')).join('\n');
      // The 10 s target is a speed goal: the bench's devloop row measures it on a quiet machine.
      expect(served, `the edit was not served:\n${air.slice(-3000)}`).toBe(true);
    } finally {
      writeFileSync(routes, original);
      child.stdin.write('\x03'); // Ctrl-C, as a user stops it
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    // Stopped: the port no longer answers, and air cleaned its build directory.
    expect(await body()).toBe('');
    expect(existsSync(join(dir, 'tmp'))).toBe(false);
  }, 900_000);
});

describe('update and the CI files', () => {
  it('update adds the workflow, tools module, .air.toml and AGENTS.md to a service generated before them, and keeps an edit of the workflow', async () => {
    const dir = await quick(['--db', 'postgres', '--redis']);
    // Make it a service of the release before --ci: no new files, no ci answer, no fingerprints of them.
    const added = ['.github/workflows/ci.yml', 'tools/go.mod', 'tools/go.sum', '.air.toml', 'AGENTS.md', 'internal/testenv/testenv.go'];
    const file = JSON.parse(read(dir, 'gin-app.json'));
    delete file.answers.ci;
    for (const f of added) {
      expect(file.files[f], f).toBeDefined();
      delete file.files[f];
      rmSync(join(dir, f));
    }
    rmSync(join(dir, '.github'), { recursive: true });
    rmSync(join(dir, 'tools'), { recursive: true });
    writeFileSync(join(dir, 'gin-app.json'), JSON.stringify(file, null, 2) + '\n');

    const check = await runCli(['update', '--check'], { cwd: dir });
    expect(check.code).toBe(1);
    // Verified: go vet compiles the store tests, which import the added internal/testenv, and go build the rest.
    const up = await runCli(['update'], { cwd: dir, timeoutMs: 900_000 });
    expect(up.code, output(up)).toBe(0);
    expect(up.stdout).toMatch(/^Updated \S+, verified\.$/m);
    for (const f of added) expect(up.stdout, f).toMatch(new RegExp(`create\\s+${f.replace(/\./g, '\\.')}`));
    expect(JSON.parse(read(dir, 'gin-app.json')).answers.ci).toBe('github');

    // The team's edit: CI on release branches too. Then Redis goes: the workflow loses its service, keeps the edit.
    const wf = read(dir, '.github/workflows/ci.yml');
    writeFileSync(join(dir, '.github/workflows/ci.yml'), wf.replace('    branches: [main]', '    branches: [main, "release/**"]'));
    const off = await runCli(['update', '--set', 'redis=false', '--no-verify'], { cwd: dir });
    expect(off.code, output(off)).toBe(0);
    const merged = read(dir, '.github/workflows/ci.yml');
    expect(merged).toContain('branches: [main, "release/**"]');
    expect(merged).not.toContain('redis');
    expect(merged).toContain('TEST_DATABASE_URL');
    if (!actionlint.problem) expect((await run(actionlint.path!, ['-no-color', '.github/workflows/ci.yml'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['update', '--check'], { cwd: dir })).code).toBe(0);
  }, 1_200_000);
});
