/**
 * The unit tier needs Node alone: run with no Go anywhere on PATH (and no
 * GOROOT), as on a machine that has only Node, it still passes.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from '../helpers/cli.js';

describe('the unit tier', () => {
  it('passes with Go removed from PATH', async () => {
    const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !existsSync(join(dir, 'go')) && !existsSync(join(dir, 'gofmt')));
    const env = { PATH: path.join(delimiter), GOROOT: undefined, GOPATH: undefined };
    const which = await run('sh', ['-c', 'command -v go gofmt'], { cwd: ROOT, env });
    expect(which.stdout, 'Go is still on PATH').toBe('');
    const started = Date.now();
    const result = await run(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'unit', '--reporter=dot'], { cwd: ROOT, env, timeoutMs: 280_000 });
    console.log(`unit tier without Go: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the reporter's colours
    expect(result.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests\s+\d+ passed/);
  });
});
