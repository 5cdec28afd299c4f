/**
 * Safe writes: the project is rendered into a hidden temporary directory next
 * to the target and moved into place at the end, so a failure or Ctrl-C
 * leaves the target as it was. Only files the generator renders are touched.
 */
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { usageError } from './errors.js';

export interface FileToWrite {
  path: string;
  content: string;
}

/** Rejects a target that is a file, or a non-empty directory without --force. */
export async function checkTarget(target: string, force: boolean): Promise<'missing' | 'empty' | 'non-empty'> {
  let info;
  try {
    info = await stat(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  if (!info.isDirectory()) throw usageError(`target ${target} exists and is not a directory`);
  const entries = await readdir(target);
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

export async function stage(target: string, files: readonly FileToWrite[]): Promise<Staged> {
  const parent = dirname(target);
  // Remember the first missing ancestor so abort() can remove what we created.
  let firstCreated: string | undefined;
  for (let dir = parent; !existsSync(dir); dir = dirname(dir)) firstCreated = dir;
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, `.${basename(target)}.create-gin-app-`));
  // mkdtemp makes the directory private (0700); the project should get the usual mode.
  const umask = process.umask();
  await chmod(dir, 0o777 & ~umask);
  let done = false;
  const abort = () => {
    if (done) return;
    done = true;
    // Synchronous so it also works from a signal handler right before exit.
    rmSync(dir, { recursive: true, force: true });
    if (firstCreated) rmSync(firstCreated, { recursive: true, force: true });
  };
  try {
    // Synchronous on purpose: ~70 small files, where the thread pool's round
    // trips per await cost more than the writes (npm run bench, "write").
    for (const sub of new Set(files.map((f) => dirname(join(dir, f.path))))) mkdirSync(sub, { recursive: true });
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
        await rename(dir, target);
      } else {
        // Existing directory (empty, or --force): move our files in one by one
        // (rendered ones, and go.sum from verification), leaving every other
        // file exactly as it was.
        for (const path of await readdir(dir, { recursive: true, withFileTypes: true })) {
          if (path.isDirectory()) continue;
          const from = join(path.parentPath, path.name);
          const to = join(target, relative(dir, from));
          await mkdir(dirname(to), { recursive: true });
          await rename(from, to);
        }
        await rm(dir, { recursive: true, force: true });
      }
      done = true;
    },
  };
}
