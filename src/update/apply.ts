/**
 * Writes an update so that every file ends up either old or new, never
 * truncated: all new contents go to temporary files next to their targets
 * first, then each is renamed over its target (atomic on one filesystem).
 */
import { existsSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { onInterrupt } from '../interrupt.js';

export interface Write {
  path: string;
  content?: string;
  remove?: true;
}

export function applyWrites(root: string, writes: readonly Write[]): void {
  const temps: { tmp: string; to: string }[] = [];
  const cleanup = () => {
    for (const { tmp } of temps) rmSync(tmp, { force: true });
  };
  const release = onInterrupt(cleanup);
  try {
    for (const w of writes) {
      if (w.content === undefined) continue;
      const to = join(root, w.path);
      mkdirSync(dirname(to), { recursive: true });
      const tmp = `${to}.create-gin-app-${process.pid}.tmp`;
      temps.push({ tmp, to });
      writeFileSync(tmp, w.content);
      if (existsSync(to)) chmodSync(tmp, statSync(to).mode & 0o7777);
    }
    for (const { tmp, to } of temps) renameSync(tmp, to);
    temps.length = 0;
    for (const w of writes) if (w.remove) removeFile(root, w.path);
  } finally {
    cleanup();
    release();
  }
}

/** Removes path, then each parent directory that leaves empty (never root itself). */
function removeFile(root: string, path: string): void {
  rmSync(join(root, path), { force: true });
  for (let dir = dirname(path); dir !== '.' && dir !== '/'; dir = dirname(dir)) {
    const full = join(root, dir);
    if (!existsSync(full) || readdirSync(full).length > 0) break;
    rmdirSync(full);
  }
}
