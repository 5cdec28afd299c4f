/** The progress display (src/progress.ts) with a fake terminal and fake clocks; the real thing is test/e2e/progress.test.ts. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Progress } from '../../src/progress.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** Replays what a terminal shows for the text written: \r, cursor up (ESC[nA), clear to the end (ESC[J). */
function screen(text: string): string[] {
  const rows: string[] = [''];
  let row = 0;
  for (let i = 0; i < text.length; i++) {
    const rest = text.slice(i);
    const up = /^\x1b\[(\d+)A/.exec(rest);
    if (up) {
      row = Math.max(0, row - Number(up[1]));
      i += up[0].length - 1;
    } else if (rest.startsWith('\x1b[J')) {
      rows[row] = '';
      rows.length = row + 1;
      i += 2;
    } else if (text[i] === '\r') {
      rows[row] = '';
    } else if (text[i] === '\n') {
      row++;
      rows[row] ??= '';
    } else {
      rows[row] += text[i];
    }
  }
  return rows;
}

describe('progress in a terminal', () => {
  it('redraws one line per step in place, vet above build, and leaves the final lines in order', () => {
    let out = '';
    const p = new Progress(() => {}, { tty: true, write: (t) => (out += t), columns: 120 });
    const build = p.begin('go build ./...', 1);
    build.counts({ done: 48, total: 173 });
    vi.advanceTimersByTime(21_050);
    expect(screen(out).at(-1)).toMatch(/^ {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] go build \.\/\.\.\. {2}48\/173 packages {2}21s$/);
    const vet = p.begin('go vet ./...', 0);
    build.phase('linking');
    vi.advanceTimersByTime(1_100);
    expect(screen(out).slice(-2).map((l) => l.slice(4))).toEqual(['go vet ./...  1s', 'go build ./...  48/173 packages  linking  22s']);
    build.finish('  ✔ go build ./... (22.5s)');
    vi.advanceTimersByTime(3000);
    expect(screen(out).at(-1)).toBe('  ✔ go build ./... (22.5s)');
    vet.finish('  ✔ go vet ./... (4.0s)');
    p.stop();
    expect(screen(out)).toEqual(['  ✔ go vet ./... (4.0s)', '  ✔ go build ./... (22.5s)', '']);
  });

  it('keeps a live line within the terminal width', () => {
    let out = '';
    const p = new Progress(() => {}, { tty: true, write: (t) => (out += t), columns: 30 });
    p.begin('go build ./... with a very long title', 0);
    vi.advanceTimersByTime(200);
    expect([...screen(out).at(-1)!].length).toBeLessThanOrEqual(29);
    p.stop();
  });
});

describe('progress without a terminal', () => {
  it('prints a plain line per running step at most every 10 s, then the final line', () => {
    const lines: string[] = [];
    const p = new Progress((l) => lines.push(l), { tty: false, write: () => {} });
    const build = p.begin('go build ./...', 0);
    build.counts({ done: 48, total: 173 });
    vi.advanceTimersByTime(9_500);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(16_000);
    expect(lines).toEqual(['  go build ./...: 48/173 packages, 10s', '  go build ./...: 48/173 packages, 20s']);
    build.finish('  ✔ go build ./... (25.5s)');
    vi.advanceTimersByTime(30_000);
    p.stop();
    expect(lines.at(-1)).toBe('  ✔ go build ./... (25.5s)');
    expect(lines).toHaveLength(3);
  });

  it('without a sink prints only the final lines, in rank order, and drops a step that is dropped', () => {
    const lines: string[] = [];
    const p = new Progress((l) => lines.push(l));
    const build = p.begin('go build ./...', 1);
    const vet = p.begin('go vet ./...', 0);
    build.finish('  ✔ go build ./... (2.0s)');
    expect(lines).toEqual([]);
    vet.finish('  ✔ go vet ./... (1.0s)');
    expect(lines).toEqual(['  ✔ go vet ./... (1.0s)', '  ✔ go build ./... (2.0s)']);
    const again = new Progress((l) => lines.push(l));
    const b2 = again.begin('go build ./...', 1);
    const v2 = again.begin('go vet ./...', 0);
    b2.finish('  ✔ go build ./... (2.0s)');
    b2.drop();
    v2.finish('  ✖ go vet ./... (1.0s)');
    again.stop();
    expect(lines.slice(2)).toEqual(['  ✖ go vet ./... (1.0s)']);
  });
});
