/**
 * Issue 8: the quality gate over the option matrix. A pairwise-covering set
 * of db x redis x docker-base x nginx x pprof x syslog x metrics x k8s x auth (all-on and all-off
 * always in it, every value of every option at least once) is generated once
 * each with --yes (which verifies: tidy, gofmt, vet, build), then checked with
 * gofmt -l, go vet, staticcheck and gosec, which must find nothing, actionlint
 * on the generated CI workflow, and the
 * project's own go test ./... must pass (store tests against the local
 * PostgreSQL, MariaDB and Redis), its allocation budget test among them,
 * checked by name (issue 29). Module and build caches are the shared
 * defaults, so a package that several combinations share is compiled and
 * analysed once. staticcheck and gosec are pinned in scripts/go-tools.mjs,
 * which the test run's global setup uses to install them into the checkout.
 * The all-off (--db none) and all-on (fullest) sets also run `make test-race`
 * (CGO_ENABLED=1 go test -race ./...). With --k8s, the manifests' base and
 * overlays go through `kustomize build` and test/helpers/k8scheck (strict
 * k8s.io/api decoding, restricted Pod Security); with --no-k8s there are none.
 * Every set with a database first gets a resource with a field of every type
 * (`add resource`, verified), so the linters, go test and the race detector
 * cover the code add resource generates too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, run, runCli, tempDir, type RunResult } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/databases.js';
import { generate } from '../helpers/project.js';
import { findTool } from '../../scripts/go-tools.mjs';

// ------------------------------------------------------------------ matrix

const DIMENSIONS = {
  db: ['sqlite', 'mysql', 'postgres', 'none'],
  redis: [true, false],
  dockerBase: ['distroless', 'alpine', 'scratch'],
  nginx: [true, false],
  pprof: [true, false],
  syslog: [true, false],
  metrics: [true, false],
  k8s: [true, false],
  auth: ['jwt', 'apikey', 'none'],
} as const;
type Key = keyof typeof DIMENSIONS;
type Combo = { [K in Key]: (typeof DIMENSIONS)[K][number] };
const KEYS = Object.keys(DIMENSIONS) as Key[];

const ALL_ON: Combo = { db: 'postgres', redis: true, dockerBase: 'distroless', nginx: true, pprof: true, syslog: true, metrics: true, k8s: true, auth: 'jwt' };
const ALL_OFF: Combo = { db: 'none', redis: false, dockerBase: 'scratch', nginx: false, pprof: false, syslog: false, metrics: false, k8s: false, auth: 'none' };

/** Every full combination, in a fixed order. */
function everyCombo(): Combo[] {
  let out: Partial<Combo>[] = [{}];
  for (const k of KEYS) out = out.flatMap((c) => DIMENSIONS[k].map((v) => ({ ...c, [k]: v })));
  return out as Combo[];
}

const pairsOf = (c: Combo): string[] =>
  KEYS.flatMap((a, i) => KEYS.slice(i + 1).map((b) => `${a}=${String(c[a])}|${b}=${String(c[b])}`));

/**
 * Greedy pairwise cover (deterministic): start from all-on and all-off, then
 * repeatedly take the first full combination that covers the most pairs of
 * values not covered yet.
 */
function pairwise(): Combo[] {
  const all = everyCombo();
  const uncovered = new Set(all.flatMap(pairsOf));
  const chosen: Combo[] = [];
  const take = (c: Combo) => {
    chosen.push(c);
    for (const p of pairsOf(c)) uncovered.delete(p);
  };
  take(ALL_ON);
  take(ALL_OFF);
  while (uncovered.size > 0) {
    let best = all[0]!;
    let bestGain = -1;
    for (const c of all) {
      const gain = pairsOf(c).filter((p) => uncovered.has(p)).length;
      if (gain > bestGain) [best, bestGain] = [c, gain];
    }
    take(best);
  }
  return chosen;
}

const flag = (name: string, on: boolean) => (on ? `--${name}` : `--no-${name}`);
const cliArgs = (c: Combo) => [
  '--db', c.db, flag('redis', c.redis), '--docker-base', c.dockerBase, flag('nginx', c.nginx), flag('pprof', c.pprof), flag('syslog', c.syslog),
  flag('metrics', c.metrics), flag('k8s', c.k8s), '--auth', c.auth,
];
const label = (c: Combo) => cliArgs(c).join(' ');

const COMBOS = pairwise();

/** The resource the database sets get: every field type, every modifier. */
const RESOURCE_FIELDS = [
  'customer:string:unique:max=100',
  'total:float:min=0',
  'quantity:int:min=1:max=1000',
  'big:int64:optional:max=9000000000',
  'note:text:optional:max=2000',
  'paid:bool',
  'due:time:optional',
  'ref:uuid:optional:unique',
];
/** The sets whose tests also run under the race detector (pairwise() takes these very objects). */
const RACE_SETS: readonly Combo[] = [ALL_OFF, ALL_ON];

// ------------------------------------------------------------------- tools

// Pinned in scripts/go-tools.mjs, installed by the test run's global setup.
const staticcheck = findTool('staticcheck');
const gosec = findTool('gosec');
const kustomize = findTool('kustomize');
const actionlint = findTool('actionlint');

/** test/helpers/k8scheck, built once for the whole matrix. */
let checker: Promise<string> | undefined;
function k8scheck(): Promise<string> {
  checker ??= (async () => {
    const out = join(tempDir('cga-matrix-k8scheck-'), 'k8scheck');
    const r = await run('go', ['build', '-o', out, '.'], { cwd: join(ROOT, 'test/helpers/k8scheck'), env: { GOTOOLCHAIN: 'local' } });
    if (r.code !== 0) throw new Error(`building k8scheck failed:\n${r.stdout}${r.stderr}`);
    return out;
  })();
  return checker;
}

// ------------------------------------------------------- test data stores

// -------------------------------------------------------------- the gate

/** At most two combinations at once: each one keeps both cores busy while it compiles. */
const MAX_AT_ONCE = 2;
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(f: () => Promise<T>): Promise<T> {
  if (running >= MAX_AT_ONCE) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await f();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const GO_ENV = { GOTOOLCHAIN: 'local', GOWORK: 'off' };
const timings: string[] = [];
const started = Date.now();

afterAll(async () => {
  if (timings.length) {
    console.log(`option matrix: ${timings.length} combinations in ${((Date.now() - started) / 1000).toFixed(0)}s wall\n${timings.join('\n')}`);
  }
});

function output(r: RunResult): string {
  return `${r.stdout}${r.stderr}`.trim();
}

describe('option matrix quality gate', () => {
  it('the combinations cover every pair of values, every value, all-on and all-off', () => {
    const covered = new Set(COMBOS.flatMap(pairsOf));
    expect([...new Set(everyCombo().flatMap(pairsOf))].filter((p) => !covered.has(p))).toEqual([]);
    for (const k of KEYS) for (const v of DIMENSIONS[k]) expect(COMBOS.some((c) => c[k] === v), `${k}=${String(v)}`).toBe(true);
    expect(COMBOS).toContainEqual(ALL_ON);
    expect(COMBOS).toContainEqual(ALL_OFF);
    // Pairwise, not the full product (1,152): 4 x 3 is the least any cover can be.
    expect(COMBOS.length).toBeLessThanOrEqual(16);
  });


  it.concurrent.each(COMBOS.map((c) => [label(c), c] as const))(
    '%s: gofmt, go vet, staticcheck, gosec clean; go test ./... passes',
    async (name, combo) => {
      if (staticcheck.problem || gosec.problem) throw new Error(staticcheck.problem ?? gosec.problem);
      await slot(async () => {
        const t0 = Date.now();
        const steps: string[] = [];
        const time = async <T>(step: string, f: () => Promise<T>): Promise<T> => {
          const s = Date.now();
          try {
            return await f();
          } finally {
            steps.push(`${step} ${((Date.now() - s) / 1000).toFixed(1)}s`);
          }
        };
        // Generated and verified once; every check below reuses the tree.
        const { dir } = await time('generate+verify', () => generate(cliArgs(combo)));
        const sh = (cmd: string, args: string[], env: Record<string, string> = {}) =>
          run(cmd, args, { cwd: dir, env: { ...GO_ENV, ...env }, timeoutMs: 600_000 });
        const findings: string[] = [];

        if (combo.db !== 'none') {
          const added = await time('add resource', () =>
            runCli(['add', 'resource', 'orders', ...RESOURCE_FIELDS.flatMap((f) => ['--field', f]), '--yes'], { cwd: dir, env: GO_ENV, timeoutMs: 600_000 }),
          );
          if (added.code !== 0) findings.push(`add resource orders:\n${output(added)}`);
        }

        // The generated CI workflow (--ci github, the default), as GitHub would parse it.
        if (actionlint.problem) throw new Error(actionlint.problem);
        const al = await time('actionlint', () => sh(actionlint.path!, ['-no-color', '.github/workflows/ci.yml']));
        if (al.code !== 0) findings.push(`actionlint .github/workflows/ci.yml:\n${output(al)}`);

        const fmt = await time('gofmt', () => sh('gofmt', ['-l', '.']));
        if (fmt.code !== 0 || fmt.stdout.trim()) findings.push(`gofmt -l:\n${output(fmt)}`);

        const vet = await time('vet', () => sh('go', ['vet', './...']));
        if (vet.code !== 0) findings.push(`go vet ./...:\n${output(vet)}`);

        const sc = await time('staticcheck', () => sh(staticcheck.path!, ['./...']));
        if (sc.code !== 0 || sc.stdout.trim()) findings.push(`staticcheck ./...:\n${output(sc)}`);

        const gs = await time('gosec', () => sh(gosec.path!, ['-quiet', '-fmt', 'json', './...']));
        let report: { Issues?: { rule_id: string; file: string; line: string; details: string }[]; 'Golang errors'?: Record<string, unknown> } = {};
        try {
          report = JSON.parse(gs.stdout || '{}');
        } catch {
          findings.push(`gosec printed no JSON report (exit ${gs.code}):\n${output(gs)}`);
        }
        for (const i of report.Issues ?? []) findings.push(`gosec ${i.rule_id} ${i.file.replace(`${dir}/`, '')}:${i.line} ${i.details}`);
        if (Object.keys(report['Golang errors'] ?? {}).length) findings.push(`gosec could not type-check:\n${JSON.stringify(report['Golang errors'], null, 2)}`);
        if (gs.code !== 0 && !(report.Issues ?? []).length) findings.push(`gosec exited ${gs.code}:\n${gs.stderr.trim()}`);

        const env: Record<string, string> = {};
        if (combo.db === 'mysql' || combo.db === 'postgres') env.TEST_DATABASE_URL = await freshDatabase(combo.db, 'cga_matrix');
        // A Redis database of its own (data.test.ts uses 0), so concurrent runs share no keys.
        if (combo.redis) env.TEST_REDIS_URL = `redis://127.0.0.1:6379/${8 + (COMBOS.indexOf(combo) % 8)}`;
        const test = await time('go test', () => sh('go', ['test', '-count=1', './...'], env));
        if (test.code !== 0) findings.push(`go test ./...:\n${output(test)}`);

        // Issue 29: the default chain's allocation budget, checked by name so that a
        // skipped or removed test shows, and one run of each chain benchmark.
        const budget = await time('alloc budget', () =>
          sh('go', ['test', '-count=1', '-run', '^TestChainAllocationBudget$', '-bench', '^BenchmarkChain$', '-benchtime', '1x', '-v', './internal/server']),
        );
        if (budget.code !== 0 || !/^--- PASS: TestChainAllocationBudget /m.test(budget.stdout) || !/^BenchmarkChain\/default/m.test(budget.stdout)) {
          findings.push(`allocation budget (go test -run TestChainAllocationBudget -bench BenchmarkChain ./internal/server):\n${output(budget)}`);
        }

        // The manifests: built by kustomize, decoded strictly, the pod restricted.
        if (combo.k8s) {
          if (kustomize.problem) throw new Error(kustomize.problem);
          const check = await k8scheck();
          await time('kustomize+k8scheck', async () => {
            for (const layer of ['base', 'overlays/dev', 'overlays/prod']) {
              const built = spawnSync(kustomize.path!, ['build', join(dir, 'deploy/k8s', layer)], { encoding: 'utf8' });
              if (built.status !== 0) {
                findings.push(`kustomize build deploy/k8s/${layer}:\n${built.stderr}`);
                continue;
              }
              const c = spawnSync(check, [], { input: built.stdout, encoding: 'utf8' });
              if (c.status !== 0) findings.push(`k8scheck deploy/k8s/${layer}:\n${c.stdout}${c.stderr}`);
            }
          });
        } else if (existsSync(join(dir, 'deploy/k8s'))) {
          findings.push('--no-k8s left deploy/k8s behind');
        }

        // The race detector on the two ends of the matrix, through the project's own target.
        if (RACE_SETS.includes(combo)) {
          const race = await time('make test-race', () => sh('make', ['test-race'], { ...env, GOFLAGS: '-count=1' }));
          if (race.code !== 0) findings.push(`make test-race (CGO_ENABLED=1 go test -race ./...):\n${output(race)}`);
        }

        timings.push(`  ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s  ${name}  (${steps.join(', ')})`);
        expect(findings, `create-gin-app svc ${name} --yes:\n\n${findings.join('\n\n')}`).toEqual([]);
      });
    },
    900_000,
  );
});
