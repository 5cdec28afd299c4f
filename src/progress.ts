/**
 * Live progress of the verification steps, without a dependency.
 *
 * In a terminal every running step has one line that is redrawn in place
 * (spinner, step, packages done out of the total for compiling steps,
 * elapsed seconds) and becomes the step's final "✔ step (12.3s)" line.
 * Steps are shown in the order given by their rank, so go vet stays above
 * go build although the build starts first. Without a terminal (CI logs),
 * each running step prints a plain line at most every 10 seconds.
 */

export interface ProgressSink {
  /** A terminal that understands carriage returns and cursor movement. */
  tty: boolean;
  write(text: string): void;
  /** Terminal width, to keep each live line on one row. */
  columns?: number;
}

export interface Counts {
  done: number;
  total: number;
}

export interface StepProgress {
  /** Packages done out of the total, once known. */
  counts(counts: Counts | undefined): void;
  /** A word for what the step does now ("linking"). */
  phase(text: string | undefined): void;
  /** The step's final line; it replaces the live one. */
  finish(line: string): void;
  /** Removes the step without a final line (it is not to be reported). */
  drop(): void;
}

interface Live {
  title: string;
  rank: number;
  started: number;
  counts?: Counts;
  phase?: string;
  final?: string;
  lastPlain: number;
}

const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
export const TTY_INTERVAL_MS = 100;
export const PLAIN_INTERVAL_MS = 10_000;

export class Progress {
  private readonly live: Live[] = [];
  private drawn = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;

  /** sink undefined: no live progress, final lines only (through log). */
  constructor(
    private readonly log: (line: string) => void,
    private readonly sink?: ProgressSink,
  ) {}

  begin(title: string, rank = 0): StepProgress {
    const step: Live = { title, rank, started: Date.now(), lastPlain: Date.now() };
    this.live.push(step);
    this.live.sort((a, b) => a.rank - b.rank);
    this.start();
    if (this.sink?.tty) this.redraw([]);
    return {
      counts: (counts) => { step.counts = counts; },
      phase: (text) => { step.phase = text; },
      finish: (line) => {
        step.final = line;
        this.settle();
      },
      drop: () => {
        const i = this.live.indexOf(step);
        if (i >= 0) this.live.splice(i, 1);
        this.settle();
      },
    };
  }

  /**
   * Ends the display: final lines still held (a step that finished below one
   * that did not, after a failure) are printed, unfinished steps dropped.
   */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const finals = this.live.flatMap((s) => (s.final === undefined ? [] : [s.final]));
    this.live.length = 0;
    if (this.sink?.tty) {
      if (finals.length || this.drawn) this.redraw(finals);
    } else {
      for (const l of finals) this.log(l);
    }
    this.drawn = 0;
  }

  private start(): void {
    if (this.timer || !this.sink) return;
    this.timer = setInterval(() => this.tick(), this.sink.tty ? TTY_INTERVAL_MS : 1000);
    this.timer.unref();
  }

  private tick(): void {
    if (this.sink?.tty) {
      this.frame = (this.frame + 1) % FRAMES.length;
      this.redraw([]);
      return;
    }
    const now = Date.now();
    for (const s of this.live) {
      if (s.final === undefined && now - s.lastPlain >= PLAIN_INTERVAL_MS) {
        s.lastPlain = now;
        this.log(`  ${plainLine(s, now)}`);
      }
    }
  }

  /** Final lines leave the live block from the top, in rank order. */
  private settle(): void {
    const done: string[] = [];
    while (this.live.length && this.live[0]!.final !== undefined) done.push(this.live.shift()!.final!);
    if (this.sink?.tty) this.redraw(done);
    else for (const l of done) this.log(l);
    if (this.live.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Erases the live block, prints lines above it for good, draws the block again. */
  private redraw(permanent: string[]): void {
    const sink = this.sink!;
    let out = '\r';
    if (this.drawn > 1) out += `\x1b[${this.drawn - 1}A`;
    out += '\x1b[J';
    for (const l of permanent) out += `${l}\n`;
    const width = Math.max(20, (sink.columns ?? 80) - 1);
    const now = Date.now();
    const lines = this.live.map((s) => fitWidth(s.final ?? liveLine(s, now, FRAMES[this.frame]!), width));
    out += lines.join('\n');
    this.drawn = lines.length;
    sink.write(out);
  }
}

function secondsSince(started: number, now: number): number {
  return Math.floor((now - started) / 1000);
}

function what(s: Live): string[] {
  const parts: string[] = [];
  if (s.counts) parts.push(`${Math.min(s.counts.done, s.counts.total)}/${s.counts.total} packages`);
  if (s.phase) parts.push(s.phase);
  return parts;
}

/** `⠙ go build ./...  48/173 packages  21s` */
export function liveLine(s: Pick<Live, 'title' | 'started' | 'counts' | 'phase'>, now: number, frame: string): string {
  return `  ${frame} ${[s.title, ...what(s as Live), `${secondsSince(s.started, now)}s`].join('  ')}`;
}

/** `go build ./...: 48/173 packages, 21s` */
export function plainLine(s: Pick<Live, 'title' | 'started' | 'counts' | 'phase'>, now: number): string {
  return `${s.title}: ${[...what(s as Live), `${secondsSince(s.started, now)}s`].join(', ')}`;
}

function fitWidth(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : chars.slice(0, width - 1).join('') + '…';
}
