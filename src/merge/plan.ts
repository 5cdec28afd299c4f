/** Decides, per file, what an update does: base = last render, ours = disk, theirs = new render. */
import { fingerprint } from '../answers-file.js';
import { mergeGoMod, mergeText } from './merge.js';

export type Action = 'create' | 'update' | 'merge' | 'conflict' | 'remove' | 'keep' | 'unchanged';

export interface FileChange {
  path: string;
  action: Action;
  /** New content for create / update / merge / conflict. */
  content?: string;
  /** Why a file is kept, for the report. */
  note?: string;
  conflicts?: number;
}

export type Files = ReadonlyMap<string, string>;

/** Files the toolchain rewrites after generation; merged by meaning, not by line. */
const structuralMerges: Record<string, typeof mergeText> = { 'go.mod': mergeGoMod };

/**
 * generated: path -> fingerprint of what the generator last wrote (gin-app.json).
 * A file on disk with that fingerprint is untouched, so it is its own base:
 * that holds even when the answers were edited by hand since, or when this
 * generator's templates differ from those that wrote it, where re-rendering
 * the stored answers would not give back what was generated.
 */
export function planUpdate(base: Files, theirs: Files, disk: Files, generated?: ReadonlyMap<string, string>): FileChange[] {
  const paths = [...new Set([...base.keys(), ...theirs.keys(), ...(generated?.keys() ?? [])])].sort();
  return paths.map((path) => {
    const ours = disk.get(path);
    const untouched = ours !== undefined && generated?.get(path) === fingerprint(ours);
    // A path the last generation did not write has no base, even when today's
    // templates render it for the stored answers (a file new in this release):
    // it is created, not taken for one the user deleted.
    const neverGenerated = generated !== undefined && !generated.has(path);
    return decide(path, untouched ? ours : neverGenerated ? undefined : base.get(path), theirs.get(path), ours);
  });
}

function decide(path: string, base: string | undefined, theirs: string | undefined, ours: string | undefined): FileChange {
  if (theirs === undefined) {
    // The generator no longer renders this file (a feature was turned off).
    if (ours === undefined) return { path, action: 'unchanged' };
    if (ours === base) return { path, action: 'remove' };
    return { path, action: 'keep', note: 'edited by you and no longer generated: review and delete it yourself' };
  }
  if (ours === undefined) {
    if (base === undefined) return { path, action: 'create', content: theirs };
    return { path, action: 'keep', note: 'deleted by you: left deleted' };
  }
  if (ours === theirs) return { path, action: 'unchanged' };
  if (base === undefined) {
    // You made a file where the generator now wants one: merge against nothing.
    const merged = mergeText('', ours, theirs);
    return merged.conflicts
      ? { path, action: 'conflict', content: merged.content, conflicts: merged.conflicts }
      : { path, action: 'merge', content: merged.content };
  }
  if (ours === base) return { path, action: 'update', content: theirs };
  if (theirs === base) return { path, action: 'keep', note: 'your edits' };
  const merged = (structuralMerges[path] ?? mergeText)(base, ours, theirs);
  if (merged.conflicts) return { path, action: 'conflict', content: merged.content, conflicts: merged.conflicts };
  if (merged.content === ours) return { path, action: 'keep', note: 'your edits already include the change' };
  return { path, action: 'merge', content: merged.content };
}
