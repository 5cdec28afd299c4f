/** Runs the built CLI (dist/cli.js) as a user would, and inspects what it left on disk. */
import { spawn, type SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/cli.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Called with each stdout chunk; lets a test react mid-run (answer, signal). */
  onStdout?(chunk: string, child: ReturnType<typeof spawn>): void;
  /** Keep stdin open and silent (a pipe nobody writes to), as a hung CI job would. */
  openStdin?: boolean;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const spawnOpts: SpawnOptions = {
      cwd: opts.cwd,
      env: cleanEnv(opts.env),
      stdio: [opts.openStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    };
    const child = spawn(cmd, args, spawnOpts);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${opts.timeoutMs}ms\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 240_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d;
      opts.onStdout?.(d.toString(), child);
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/**
 * The environment for a child process: ours plus overrides, without the
 * NODE_OPTIONS that this repo's .npmrc sets for `npx plop` (users run the
 * CLI without a TypeScript loader, so tests do too).
 */
export function cleanEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
  // npm hands its config to scripts as npm_config_*, and a nested npm would apply it again.
  delete env.NODE_OPTIONS;
  delete env.npm_config_node_options;
  // Under CI=true a generated project's store tests fail without their URLs
  // (templates/stores/internal/testenv): the runner's own CI=true is not the
  // generated project's, so it is passed down only where a test sets it.
  if (!('CI' in overrides)) delete env.CI;
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

export function runCli(args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return run(process.execPath, [CLI, ...anonymous(args)], opts);
}

/**
 * A service created by a test is anonymous (--auth none) unless the test
 * names --auth: most tests drive the routes without credentials, and
 * auth.test.ts and the matrix cover the jwt and apikey services.
 */
export function anonymous(args: readonly string[]): readonly string[] {
  const named = args.some((a) => a.startsWith('--auth') || a.startsWith('auth=') || ['-h', '--help', '-v', '--version'].includes(a));
  return named || args[0] === 'update' || args[0] === 'add' ? args : [...args, '--auth', 'none'];
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'cga-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Every file under dir (dotfiles included) with a hash of its content. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    const key = relative(dir, full);
    out[key] = entry.isFile() ? createHash('sha1').update(readFileSync(full)).digest('hex') : statSync(full).isDirectory() ? 'dir' : 'other';
  }
  return out;
}

/** The one-line reason: the first line on stderr. */
export function reason(result: RunResult): string {
  return result.stderr.split('\n')[0] ?? '';
}
