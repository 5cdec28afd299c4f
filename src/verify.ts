/** Proves a generated service builds: go mod tidy, gofmt -l, go vet, go build. execa is loaded only here. */
import { CliError } from './errors.js';

interface Step {
  title: string;
  cmd: string;
  args: string[];
  /** Turns a step's output into a failure reason, or undefined when it passed. */
  check?(stdout: string): string | undefined;
}

const STEPS: Step[] = [
  { title: 'go mod tidy', cmd: 'go', args: ['mod', 'tidy'] },
  {
    title: 'gofmt -l',
    cmd: 'gofmt',
    args: ['-l', '.'],
    check: (out) => (out.trim() ? `gofmt -l lists unformatted files: ${out.trim().split('\n').join(', ')}` : undefined),
  },
  { title: 'go vet ./...', cmd: 'go', args: ['vet', './...'] },
  // Links the way the generated Makefile does (-s -w): the binary is thrown
  // away, and leaving out the symbol table and DWARF makes the link, the
  // largest part of verification, about a quarter cheaper (npm run bench).
  { title: 'go build ./...', cmd: 'go', args: ['build', '-ldflags=-s -w', './...'] },
];

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
  await runSteps(dir, STEPS, { env: { GOWORK: 'off', ...env }, log });
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
    const took = seconds(Date.now() - started);
    const output = String(result.all ?? '').trim();
    const failure =
      result.exitCode !== 0 || result.failed
        ? failureReason(step, output, result.code)
        : step.check?.(String(result.stdout));
    if (failure) {
      log(`  ✖ ${step.title} (${took})`);
      throw new CliError(failure, 1, output || undefined);
    }
    log(`  ✔ ${step.title} (${took})`);
  }
}

function failureReason(step: Step, output: string, code: string | undefined): string {
  if (code === 'ENOENT') return `${step.cmd} not found on PATH: install Go (https://go.dev/dl) or pass --no-verify`;
  if (step.title === 'go mod tidy' && /GOPROXY=off|dial tcp|no such host|i\/o timeout|connection refused|reading .*: 40[34]|TLS handshake/.test(output)) {
    return 'go mod tidy could not download the Go modules: check the network, GOPROXY and GOFLAGS (details below)';
  }
  return `${step.title} failed (details below)`;
}
