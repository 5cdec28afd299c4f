/**
 * Issue 19, item 1: live progress of the verification steps on a cold build
 * cache (a new machine), where go build compiles every dependency from source.
 * In a real pseudo-terminal (script(1)) each step's line is redrawn in place
 * with its package count; without a terminal, plain lines at most every 10 s.
 * Each test has a build cache of its own (cold), and shares the module cache.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, CLI, runCli, tempDir } from '../helpers/cli.js';

function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

describe('verification progress on a cold build cache (--db none)', () => {
  it('in a terminal: one line per step redrawn in place, with packages done out of the total, ending in ✔', async () => {
    const cwd = tempDir('cga-progress-pty-');
    const child = spawn('script', ['-qfec', `${process.execPath} ${CLI} svc --db none --yes`, '/dev/null'], {
      cwd,
      env: cleanEnv({ TERM: 'xterm', COLUMNS: '120', GOCACHE: join(tempDir('cga-gocache-'), 'cache'), GOTOOLCHAIN: 'local' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let raw = '';
    child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const screen = stripAnsi(raw);
    expect(code, screen.slice(-3000)).toBe(0);

    // Redrawn in place: carriage returns and cursor movement, not one line per update.
    expect(raw).toMatch(/\r\x1b\[J/);
    const frames = screen.split(/\r\n|\r|\n/);
    const done = frames.findIndex((l) => /^ {2}✔ go build \.\/\.\.\. \(\d+\.\ds\)$/.test(l));
    expect(done, screen.slice(-3000)).toBeGreaterThan(0);
    const counts = new Set<string>();
    for (const l of frames.slice(0, done)) {
      const m = /^ {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] go build \.\/\.\.\. {2}(\d+)\/(\d+) packages(?: {2}linking)? {2}(\d+)s$/.exec(l);
      if (m) {
        expect(Number(m[1])).toBeLessThanOrEqual(Number(m[2]));
        counts.add(m[1]!);
      }
    }
    expect(counts.size, `distinct package counts before ✔ go build: ${[...counts].join(', ')}`).toBeGreaterThanOrEqual(2);
    // The final lines, in the contract's order: the build's ✔ waits (its time frozen) below vet's live line.
    const firsts = [...new Set(frames.filter((l) => /^ {2}✔ /.test(l)).map((l) => l.replace(/ \(\d+\.\ds\)$/, '')))];
    expect(firsts.slice(0, 2)).toEqual(['  ✔ go mod tidy', '  ✔ gofmt -l']);
    expect(new Set(frames.filter((l) => l.startsWith('  ✔ go build ./...'))).size).toBe(1);
    expect(screen).toMatch(/ {2}✔ go vet \.\/\.\.\. \(\d+\.\ds\)\r?\n {2}✔ go build \.\/\.\.\. \(\d+\.\ds\)\r?\n/);
  }, 900_000);

  it('without a terminal: a plain line per running step at most every 10 s, no escape codes', async () => {
    const cwd = tempDir('cga-progress-plain-');
    const result = await runCli(['svc', '--db', 'none', '--yes'], {
      cwd,
      env: { GOCACHE: join(tempDir('cga-gocache-'), 'cache'), GOTOOLCHAIN: 'local' },
      timeoutMs: 900_000,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/[\r\x1b]/);
    const plain = [...result.stdout.matchAll(/^ {2}(go build \.\/\.\.\.|go vet \.\/\.\.\.): (?:(\d+)\/(\d+) packages, )?(?:linking, )?(\d+)s$/gm)];
    const build = plain.filter((m) => m[1] === 'go build ./...');
    expect(build.length, result.stdout).toBeGreaterThanOrEqual(1);
    expect(build.some((m) => m[2] !== undefined), result.stdout).toBe(true);
    // At most one line per 10 s of each step.
    for (const step of ['go build ./...', 'go vet ./...']) {
      const secs = plain.filter((m) => m[1] === step).map((m) => Number(m[4]));
      for (let i = 1; i < secs.length; i++) expect(secs[i]! - secs[i - 1]!).toBeGreaterThanOrEqual(10);
      if (secs.length) expect(secs[0]).toBeGreaterThanOrEqual(10);
    }
    expect(result.stdout).toMatch(/✔ go vet \.\/\.\.\. \(\d+\.\ds\)\n {2}✔ go build \.\/\.\.\. \(\d+\.\ds\)\n/);
  }, 900_000);
});
