/**
 * The verification pipeline on small modules with known faults: vet runs
 * beside the build's link (src/verify.ts), and each failure still comes out
 * as its own step, with the Go tool's own words as the details.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import { verify } from '../../src/verify.js';
import { tempDir } from '../helpers/cli.js';

function module(main: string): string {
  const dir = join(tempDir('cga-verify-'), 'm');
  mkdirSync(dir);
  writeFileSync(join(dir, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
  writeFileSync(join(dir, 'main.go'), main);
  return dir;
}

async function verifyLog(dir: string): Promise<{ lines: string[]; error?: CliError }> {
  const lines: string[] = [];
  try {
    await verify(dir, { log: (l) => lines.push(l) });
    return { lines };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { lines, error };
  }
}

describe('verify', () => {
  it('reports each step in order, vet before build, with its duration', async () => {
    const { lines, error } = await verifyLog(module('package main\n\nfunc main() {}\n'));
    expect(error).toBeUndefined();
    expect(lines.map((l) => l.replace(/\(\d+\.\ds\)/, '(t)'))).toEqual([
      'Verifying with the Go toolchain:',
      '  ✔ go mod tidy (t)',
      '  ✔ gofmt -l (t)',
      '  ✔ go vet ./... (t)',
      '  ✔ go build ./... (t)',
    ]);
  });

  it('fails on a vet finding in code that compiles, naming go vet and showing its message', async () => {
    const { lines, error } = await verifyLog(module('package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Printf("%d\\n", "x")\n}\n'));
    expect(error?.message).toBe('go vet ./... failed (details below)');
    expect(error?.exitCode).toBe(1);
    expect(error?.details).toMatch(/Printf format %d has arg "x" of wrong type string/);
    expect(lines.at(-1)).toMatch(/^ {2}✖ go vet \.\/\.\.\. \(\d+\.\ds\)$/);
    expect(lines.join('\n')).not.toContain('go build');
  });

  it('fails on a compile error, naming go build, with the compiler message and none of the -x command trace', async () => {
    const { lines, error } = await verifyLog(module('package main\n\nfunc main() {\n\tundefinedFunc()\n}\n'));
    expect(error?.message).toBe('go build ./... failed (details below)');
    expect(error?.details).toMatch(/undefined: undefinedFunc/);
    expect(error?.details).not.toMatch(/WORK=|mkdir -p|\/compile /);
    expect(lines.at(-1)).toMatch(/^ {2}✖ go build \.\/\.\.\. \(\d+\.\ds\)$/);
  });
});
