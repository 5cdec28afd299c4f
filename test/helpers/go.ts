/** Go toolchain and generated-service helpers shared by the e2e tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { run, type RunResult } from './cli.js';

/** Runs a Go command in dir, failing the test with its output if it fails. */
export async function go(dir: string, args: readonly string[], env?: Record<string, string>): Promise<RunResult> {
  const result = await run('go', args, { cwd: dir, env: { GOTOOLCHAIN: 'local', ...env } });
  if (result.code !== 0) throw new Error(`go ${args.join(' ')} failed in ${dir}:\n${result.stdout}${result.stderr}`);
  return result;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Builds the service's binary into dir/bin/server. */
export async function buildServer(dir: string, env?: Record<string, string>): Promise<string> {
  const out = join(dir, 'bin', 'server');
  await go(dir, ['build', '-o', out, './cmd/server'], { CGO_ENABLED: '0', ...env });
  return out;
}

export interface Service {
  url: string;
  port: number;
  proc: ChildProcess;
  logs(): string;
  /** Waits until the logs match: a record crosses the stdout pipe shortly after it is written. */
  waitForLog(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code (null after a signal) once the process has ended and its output is read. */
  exited: Promise<number | null>;
}

/**
 * Starts a built binary with PORT set, and waits until it has left the
 * starting phase: /readyz answers anything but 503 "starting" (the port
 * answers at once; the stores connect after it).
 */
export async function startService(binary: string, env: Record<string, string> = {}, cwd?: string): Promise<Service> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const proc = spawn(binary, [], {
    // Default: the project the binary was built in (buildServer puts it in <dir>/bin), so
    // relative paths such as SQLite's ./data stay out of the test runner's directory.
    cwd: cwd ?? dirname(dirname(binary)),
    env: { PATH: process.env.PATH, PPROF_ADDR: '', METRICS_ADDR: '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  proc.stdout!.on('data', (d) => (logs += d));
  proc.stderr!.on('data', (d) => (logs += d));
  // 'close', not 'exit': by then everything the process wrote has been read.
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`service exited with ${proc.exitCode}:\n${logs}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (!(res.status === 503 && (await res.text()).includes('"starting"'))) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`service did not leave the starting phase:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    proc,
    logs: () => logs,
    exited,
    async waitForLog(pattern, timeoutMs = 5_000) {
      const matches = () => (typeof pattern === 'string' ? logs.includes(pattern) : pattern.test(logs));
      const until = Date.now() + timeoutMs;
      while (!matches()) {
        if (Date.now() > until) throw new Error(`no log line matching ${pattern} within ${timeoutMs}ms:\n${logs}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
