/**
 * Runs once before any test file. An unprepared machine (a Debian package
 * missing, a database server not answering) stops the run at once with the
 * one line of `scripts/prepare-machine.sh --check`, which names the command
 * that prepares it, rather than after many e2e failures. Then the pinned Go
 * linters of the matrix gate are installed, or found already there.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { installGoTools, ROOT } from '../scripts/go-tools.mjs';

/** One line and exit 1: a thrown error would come with vitest's "Unhandled Error" banner. */
function stop(line: string): never {
  console.error(line);
  process.exit(1);
}

export default function setup(): void {
  const check = spawnSync('bash', [join(ROOT, 'scripts/prepare-machine.sh'), '--check'], { encoding: 'utf8' });
  if (check.status !== 0) stop((check.stdout || check.stderr || `${check.error}`).trim());
  try {
    installGoTools(ROOT, (line) => console.log(line));
  } catch (err) {
    stop((err as Error).message);
  }
}
