/**
 * The one way files reach disk, for create, update, add and the monorepo
 * gateway: applyWrites() leaves every file either old or new, never half
 * written, and a failure or Ctrl-C removes what it had not yet renamed into
 * place. create stages the whole project in a hidden directory next to the
 * target (stage()) and moves it into place after verification. Only files
 * the generator renders are touched.
 */
import { chmodSync, existsSync, type Stats, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { usageError } from './errors.js';
import { onInterrupt } from './interrupt.js';

export interface FileToWrite {
  path: string;
  content: string;
}

export interface Write {
  path: string;
  content?: string;
  remove?: true;
}

/**
 * All new contents go to temporary files next to their targets first, then
 * each is renamed over its target (atomic on one filesystem), then the
 * removals. An existing file keeps its mode.
 */
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

/** Rejects a target that is a file, or a non-empty directory without --force. Synchronous: see stage(). */
export async function checkTarget(target: string, force: boolean): Promise<'missing' | 'empty' | 'non-empty'> {
  let info: Stats;
  try {
    info = statSync(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  if (!info.isDirectory()) throw usageError(`target ${target} exists and is not a directory`);
  const entries = readdirSync(target);
  if (entries.length === 0) return 'empty';
  if (!force) throw usageError(`target directory ${target} is not empty (use --force to write into it anyway)`);
  return 'non-empty';
}

export interface Staged {
  /** Where the files are until commit(); verification runs here. */
  dir: string;
  commit(): Promise<void>;
  abort(): void;
}

/**
 * Writes the files into a hidden directory next to the target. Everything is
 * synchronous, on purpose: a scaffold's ~75 small files cost a file creation
 * each in the kernel, and the thread pool would add its start-up and an event
 * loop round trip per call without making the creations any faster (they
 * queue on the file system's journal; npm run bench, "write").
 */
export async function stage(target: string, files: readonly FileToWrite[]): Promise<Staged> {
  const parent = dirname(target);
  // Remember the first missing ancestor so abort() can remove what we created.
  let firstCreated: string | undefined;
  for (let dir = parent; !existsSync(dir); dir = dirname(dir)) firstCreated = dir;
  if (firstCreated) mkdirSync(parent, { recursive: true });
  const dir = makeStagingDir(parent, basename(target));
  let done = false;
  const abort = () => {
    if (done) return;
    done = true;
    // Synchronous so it also works from a signal handler right before exit.
    rmSync(dir, { recursive: true, force: true });
    if (firstCreated) rmSync(firstCreated, { recursive: true, force: true });
  };
  try {
    // Each directory once, parents before children (no recursive walks).
    const dirs = new Set<string>();
    for (const f of files) {
      for (let d = dirname(f.path); d !== '.' && !dirs.has(d); d = dirname(d)) dirs.add(d);
    }
    for (const d of [...dirs].sort((a, b) => a.length - b.length)) mkdirSync(join(dir, d));
    for (const f of files) writeFileSync(join(dir, f.path), f.content);
  } catch (err) {
    abort();
    throw err;
  }
  return {
    dir,
    abort,
    async commit() {
      if (!existsSync(target)) {
        renameSync(dir, target);
      } else {
        // Existing directory (empty, or --force): move our files in one by one
        // (rendered ones, and go.sum from verification), leaving every other
        // file exactly as it was.
        for (const path of readdirSync(dir, { recursive: true, withFileTypes: true })) {
          if (path.isDirectory()) continue;
          const from = join(path.parentPath, path.name);
          const to = join(target, relative(dir, from));
          mkdirSync(dirname(to), { recursive: true });
          renameSync(from, to);
        }
        rmSync(dir, { recursive: true, force: true });
      }
      done = true;
    },
  };
}

/**
 * A new, hidden directory next to the target, with the usual mode (mkdtemp
 * would make it private, 0700, and need a chmod after).
 */
function makeStagingDir(parent: string, name: string): string {
  for (let attempt = 0; ; attempt++) {
    const dir = join(parent, `.${name}.create-gin-app-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 10) throw err;
    }
  }
}
