/** Proves a generated service builds: go mod tidy, gofmt -l, go vet, go build. execa is loaded only here. */
import { CliError } from './errors.js';

interface Step {
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

export interface VerifyOptions {
  env?: Record<string, string>;
  log: (line: string) => void;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Verifies a module on its own (GOWORK=off: a service staged inside a
 * monorepo is not in its go.work yet); the options may add to the environment.
 */
export async function verify(dir: string, { env, log }: VerifyOptions): Promise<void> {
  log('Verifying with the Go toolchain:');
  const options = { env: { GOWORK: 'off', ...env }, log };
  await runSteps(dir, [TIDY, GOFMT], options);
  await vetAlongsideLink(dir, options);
}

/**
 * go vet and go build, with vet started once the build is linking. Vet
 * needs the project's packages compiled, as the build does, so starting both
 * at once compiles them twice; one after the other leaves a core idle while
 * the link (mostly one thread) runs. `go build -x` prints the linker's
 * command line when the link starts: all compiles are in the build cache
 * then, and vet's analyses run beside the link. Both steps are reported in
 * the contract's order, vet first, each with its own duration.
 */
async function vetAlongsideLink(dir: string, { env, log }: VerifyOptions): Promise<void> {
  const { execa } = await import('execa');
  const options = { cwd: dir, reject: false, all: true, env: { GOTOOLCHAIN: 'local', ...env } } as const;
  const started = Date.now();
  let vet: ReturnType<typeof execa> | undefined;
  let vetStarted = 0;
  const startVet = () => {
    if (vet) return;
    vetStarted = Date.now();
    vet = execa(VET.cmd, VET.args, options);
  };
  const building = execa(BUILD.cmd, ['build', '-x', ...BUILD.args.slice(1)], options);
  let tail = '';
  building.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4096);
    if (/\/link(\.exe)? -o /.test(tail)) startVet();
  });
  const build = await building;
  const buildMs = Date.now() - started;
  if (build.exitCode !== 0 || build.failed) {
    // The -x output buries the compiler's messages among commands: the same
    // build again without it (it fails fast) gives the details to show.
    vet?.kill();
    const clean = await execa(BUILD.cmd, BUILD.args, options);
    const output = String(clean.all ?? build.all ?? '').trim();
    log(`  ✖ ${BUILD.title} (${seconds(buildMs)})`);
    throw new CliError(failureReason(BUILD, output, build.code), 1, output || undefined);
  }
  startVet(); // a build with nothing to link (all cached) never printed the command
  const vetResult = await vet!;
  report(VET, vetResult, Date.now() - vetStarted, log);
  log(`  ✔ ${BUILD.title} (${seconds(buildMs)})`);
}

/** Builds a service the way its monorepo's go.work sees it. */
export async function verifyInWorkspace(dir: string, log: (line: string) => void): Promise<void> {
  await runSteps(dir, [{ title: 'go build ./... (in the go.work workspace)', cmd: 'go', args: ['build', './...'] }], { log });
}

async function runSteps(dir: string, steps: readonly Step[], { env, log }: VerifyOptions): Promise<void> {
  const { execa } = await import('execa');
  for (const step of steps) {
    const started = Date.now();
    const result = await execa(step.cmd, step.args, {
      cwd: dir,
      reject: false,
      all: true,
      // Verify with the toolchain that is here: never download another one.
      env: { GOTOOLCHAIN: 'local', ...env },
    });
    report(step, result, Date.now() - started, log);
  }
}

/** Logs a finished step; throws the one-line failure (details attached) if it failed. */
function report(step: Step, result: StepResult, ms: number, log: (line: string) => void): void {
  const output = String(result.all ?? '').trim();
  const failure =
    result.exitCode !== 0 || result.failed ? failureReason(step, output, result.code) : step.check?.(String(result.stdout));
  if (failure) {
    log(`  ✖ ${step.title} (${seconds(ms)})`);
    throw new CliError(failure, 1, output || undefined);
  }
  log(`  ✔ ${step.title} (${seconds(ms)})`);
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
