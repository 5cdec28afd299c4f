/**
 * Timing marks for `npm run bench` (where does a scaffold's time go?). Off
 * unless CREATE_GIN_APP_TIMING=1; then one JSON line goes to stderr at exit:
 * {"node":ms,"load":ms,"<phase>":ms,...}. "node" is Node's own bootstrap,
 * "load" the loading of dist/cli.js and its eager chunks, the rest the
 * phases marked in order; each figure is the time since the previous mark.
 */
import { performance } from 'node:perf_hooks';

const enabled = process.env.CREATE_GIN_APP_TIMING === '1';
const phases: Record<string, number> = {};
let last = 0;

/** Ends the current phase under this name. */
export function mark(phase: string): void {
  if (!enabled) return;
  const now = performance.now();
  if (last === 0) {
    // First mark: everything since the process started, split at the end of Node's bootstrap.
    const boot = performance.nodeTiming.bootstrapComplete;
    phases.node = round(boot);
    phases[phase] = round(now - boot);
  } else {
    phases[phase] = round((phases[phase] ?? 0) + now - last);
  }
  last = now;
}

/** Writes the marks (if enabled) as one JSON line on stderr. */
export function reportTimings(): void {
  if (!enabled || last === 0) return;
  process.stderr.write(`create-gin-app-timing ${JSON.stringify(phases)}\n`);
}

const round = (ms: number) => Math.round(ms * 100) / 100;
