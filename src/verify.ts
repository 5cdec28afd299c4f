/** Proves a generated service builds: go mod tidy, gofmt -l, go vet, go build. execa is loaded only here. */
import { CliError } from './errors.js';
import { Progress, type ProgressSink, type StepProgress } from './progress.js';

export interface Step {
  title: string;
  cmd: string;
  args: string[];
  /** Turns a step's output into a failure reason, or undefined when it passed. */
  check?(stdout: string): string | undefined;
}

const TIDY: Step = { title: 'go mod tidy', cmd: 'go', args: ['mod', 'tidy'] };
const GOFMT: Step = {
  title: 'gofmt -l',
  cmd: 'gofmt',
  args: ['-l', '.'],
  check: (out) => (out.trim() ? `gofmt -l lists unformatted files: ${out.trim().split('\n').join(', ')}` : undefined),
};
const VET: Step = { title: 'go vet ./...', cmd: 'go', args: ['vet', './...'] };
// Links the way the generated Makefile does (-s -w): the binary is thrown
// away, and leaving out the symbol table and DWARF makes the link, the
// largest part of verification, about a quarter cheaper (npm run bench).
const BUILD: Step = { title: 'go build ./...', cmd: 'go', args: ['build', '-ldflags=-s -w', './...'] };

/**
 * A compiling step's package count starts this long after the step: the
 * count needs two more go commands (go list -deps, and the same step with -n),
 * which a warm build (about two seconds on 2 cores, npm run bench) never starts.
 */
export const COUNT_DELAY_MS = 3000;

export interface VerifyOptions {
  env?: Record<string, string>;
  log: (line: string) => void;
  /** Live progress (a terminal, or plain lines every 10 s); without it, only each step's final line. */
  progress?: ProgressSink;
  /** Steps of the caller's, run in order after go vet and go build passed. */
  after?: readonly Step[];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Verifies a module on its own (GOWORK=off: a service staged inside a
 * monorepo is not in its go.work yet); the options may add to the environment.
 */
export async function verify(dir: string, { env, log, progress, after = [] }: VerifyOptions): Promise<void> {
  log('Verifying with the Go toolchain:');
  const display = new Progress(log, progress);
  const goEnv = { GOWORK: 'off', ...env };
  try {
    await runSteps(dir, [TIDY, GOFMT], goEnv, display);
    await vetAlongsideLink(dir, goEnv, display);
    await runSteps(dir, after, goEnv, display);
  } finally {
    display.stop();
  }
}

type Execa = typeof import('execa').execa;
type Child = ReturnType<Execa>;

/**
 * go vet and go build, with vet started once the build is linking. Vet
 * needs the project's packages compiled, as the build does, so starting both
 * at once compiles them twice; one after the other leaves a core idle while
 * the link (mostly one thread) runs. `go build -x` prints the linker's
 * command line when the link starts: all compiles are in the build cache
 * then, and vet's analyses (and the compiles only vet needs: the test files'
 * imports) run beside the link. Both steps are reported in the contract's
 * order, vet first, each with its own duration; both count their packages.
 */
async function vetAlongsideLink(dir: string, env: Record<string, string>, display: Progress): Promise<void> {
  const { execa } = await import('execa');
  const options = { cwd: dir, reject: false, all: true, env: { GOTOOLCHAIN: 'local', ...env } } as const;
  const buildArgs = BUILD.args.slice(1);
  const started = Date.now();
  const buildStep = display.begin(BUILD.title, 1);
  let vet: { child: Child; step: StepProgress; counter: Counter; started: number } | undefined;
  const startVet = () => {
    if (vet) return;
    const step = display.begin(VET.title, 0);
    const child = execa(VET.cmd, ['vet', '-x', ...VET.args.slice(1)], options);
    const counter = countPackages(execa, child, step, options, { list: ['list', '-deps', '-test', ...VET.args.slice(1)], dryRun: ['vet', '-n', ...VET.args.slice(1)], unit: 'vet' });
    vet = { child, step, counter, started: Date.now() };
  };
  const building = execa(BUILD.cmd, ['build', '-x', ...buildArgs], options);
  const buildCounter = countPackages(execa, building, buildStep, options, { list: ['list', '-deps', ...buildArgs.filter((a) => !a.startsWith('-'))], dryRun: ['build', '-n', ...buildArgs], unit: 'compile' }, (line) => {
    if (/\/link(\.exe)? -o /.test(line)) {
      buildStep.phase('linking');
      startVet();
    }
  });
  const build = await building;
  buildCounter.stop();
  const buildMs = Date.now() - started;
  if (build.exitCode !== 0 || build.failed) {
    // The -x output buries the compiler's messages among commands: the same
    // build again without it (it fails fast) gives the details to show.
    if (vet) {
      vet.child.kill();
      vet.counter.stop();
      vet.step.drop();
    }
    const clean = await execa(BUILD.cmd, BUILD.args, options);
    const output = String(clean.all ?? build.all ?? '').trim();
    buildStep.finish(`  ✖ ${BUILD.title} (${seconds(buildMs)})`);
    throw new CliError(failureReason(BUILD, output, build.code), 1, output || undefined);
  }
  // Held below go vet's line until vet is done; dropped if vet fails.
  buildStep.finish(`  ✔ ${BUILD.title} (${seconds(buildMs)})`);
  startVet(); // a build with nothing to link (all cached) never printed the command
  const v = vet!;
  const vetResult = await v.child;
  v.counter.stop();
  const vetMs = Date.now() - v.started;
  if (vetResult.exitCode !== 0 || vetResult.failed) {
    buildStep.drop();
    // As for the build: vet's findings without the -x command trace.
    const clean = await execa(VET.cmd, VET.args, options);
    const output = String(clean.all ?? '').trim() || String(vetResult.all ?? '').trim();
    v.step.finish(`  ✖ ${VET.title} (${seconds(vetMs)})`);
    throw new CliError(failureReason(VET, output, vetResult.code), 1, output || undefined);
  }
  v.step.finish(`  ✔ ${VET.title} (${seconds(vetMs)})`);
}

interface Counter {
  stop(): void;
}

/**
 * Counts a step's packages from its `-x` trace. go build: a compile ends with
 * `buildid -w $WORK/bNNN/_pkg_.a`, and its command line names the package
 * (`-p path`). go vet: one vet command per package (its analysis facts for a
 * dependency, its findings for ours), counted when it starts. The total is
 * `go list -deps` of the same packages (with -test for vet); what the step
 * does not have to do (`-n` of the same step, which consults the build cache,
 * does not list it) counts as done from the start.
 */
function countPackages(
  execa: Execa,
  child: Child,
  step: StepProgress,
  options: { cwd: string; env: Record<string, string> },
  probe: { list: string[]; dryRun: string[]; unit: 'compile' | 'vet' },
  onLine?: (line: string) => void,
): Counter {
  const labelOf = new Map<string, string>();
  const completed = new Map<string, number>();
  let total: number | undefined;
  let needed: Map<string, number> | undefined;
  const probes: Child[] = [];
  let vetBase = 0;
  const update = () => {
    if (total === undefined || !needed) return;
    let remaining = 0;
    // vet's units all share one label and are counted when they start: only those started after -n looked are subtracted.
    for (const [label, n] of needed) remaining += Math.max(0, n - ((completed.get(label) ?? 0) - (label === 'vet' ? vetBase : 0)));
    step.counts({ done: Math.max(0, total - remaining), total });
  };
  const VET_LINE = /\/vet(?:\.exe)? .*vet\.cfg$/;
  const onTraceLine = (line: string) => {
    if (probe.unit === 'vet') {
      if (VET_LINE.test(line)) {
        completed.set('vet', (completed.get('vet') ?? 0) + 1);
        update();
      }
      onLine?.(line);
      return;
    }
    const compile = /\/compile(?:\.exe)? .*?-o \$WORK\/(b\d+)\/_pkg_\.a .*?-p (\S+)/.exec(line);
    if (compile) labelOf.set(compile[1]!, compile[2]!);
    const built = /buildid -w \$WORK\/(b\d+)\/_pkg_\.a/.exec(line);
    if (built) {
      const label = labelOf.get(built[1]!);
      if (label !== undefined) {
        completed.set(label, (completed.get(label) ?? 0) + 1);
        update();
      }
    }
    onLine?.(line);
  };
  let rest = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop()!;
    for (const line of lines) onTraceLine(line);
  });
  const timer = setTimeout(() => {
    vetBase = completed.get('vet') ?? 0;
    const quiet = { ...options, reject: false, all: false, stdin: 'ignore' } as const;
    const list = execa('go', probe.list, quiet);
    const dry = execa('go', probe.dryRun, quiet);
    probes.push(list, dry);
    void Promise.all([list, dry]).then(([l, d]) => {
      if (l.exitCode !== 0 || d.exitCode !== 0) return;
      total = String(l.stdout).split('\n').filter(Boolean).length;
      needed = new Map();
      if (probe.unit === 'vet') needed.set('vet', String(d.stderr).split('\n').filter((l) => VET_LINE.test(l)).length);
      else for (const m of String(d.stderr).matchAll(/\/compile(?:\.exe)? .*?-p (\S+)/g)) needed.set(m[1]!, (needed.get(m[1]!) ?? 0) + 1);
      update();
    });
  }, COUNT_DELAY_MS);
  timer.unref();
  return {
    stop() {
      clearTimeout(timer);
      for (const p of probes) p.kill();
    },
  };
}

/** Builds a service the way its monorepo's go.work sees it. */
export async function verifyInWorkspace(dir: string, log: (line: string) => void, progress?: ProgressSink): Promise<void> {
  const display = new Progress(log, progress);
  try {
    await runSteps(dir, [{ title: 'go build ./... (in the go.work workspace)', cmd: 'go', args: ['build', './...'] }], {}, display);
  } finally {
    display.stop();
  }
}

async function runSteps(dir: string, steps: readonly Step[], env: Record<string, string>, display: Progress): Promise<void> {
  const { execa } = await import('execa');
  for (const step of steps) {
    const started = Date.now();
    const live = display.begin(step.title);
    const result = await execa(step.cmd, step.args, {
      cwd: dir,
      reject: false,
      all: true,
      // Verify with the toolchain that is here: never download another one.
      env: { GOTOOLCHAIN: 'local', ...env },
    });
    report(step, result, Date.now() - started, live);
  }
}

/** Ends a finished step's line; throws the one-line failure (details attached) if it failed. */
function report(step: Step, result: StepResult, ms: number, live: StepProgress): void {
  const output = String(result.all ?? '').trim();
  const failure =
    result.exitCode !== 0 || result.failed ? failureReason(step, output, result.code) : step.check?.(String(result.stdout));
  if (failure) {
    live.finish(`  ✖ ${step.title} (${seconds(ms)})`);
    throw new CliError(failure, 1, output || undefined);
  }
  live.finish(`  ✔ ${step.title} (${seconds(ms)})`);
}

interface StepResult {
  all?: unknown;
  stdout?: unknown;
  exitCode?: number;
  failed: boolean;
  code?: string;
}

function failureReason(step: Step, output: string, code: string | undefined): string {
  if (code === 'ENOENT') return `${step.cmd} not found on PATH: install Go (https://go.dev/dl) or pass --no-verify`;
  if (step.title === 'go mod tidy' && /GOPROXY=off|dial tcp|no such host|i\/o timeout|connection refused|reading .*: 40[34]|TLS handshake/.test(output)) {
    return 'go mod tidy could not download the Go modules: check the network, GOPROXY and GOFLAGS (details below)';
  }
  return `${step.title} failed (details below)`;
}
