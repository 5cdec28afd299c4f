/** Generates services through the real CLI, once per option set in a test file. */
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli, tempDir, type RunResult } from './cli.js';

const generated = new Map<string, Promise<{ dir: string; result: RunResult }>>();

/**
 * Runs `create-gin-app svc <args> --yes` in a fresh temp dir and returns the
 * service dir. The same args return the same project, so each combination is
 * generated and verified once per file.
 */
export function generate(args: readonly string[] = []): Promise<{ dir: string; result: RunResult }> {
  const key = args.join('\0');
  let p = generated.get(key);
  if (!p) {
    p = (async () => {
      const cwd = tempDir('cga-gen-');
      const result = await runCli(['svc', ...args, '--yes'], { cwd });
      expect(result.code, `create-gin-app ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
      return { dir: join(cwd, 'svc'), result };
    })();
    generated.set(key, p);
  }
  return p;
}
