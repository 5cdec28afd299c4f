/** Three-way merges of one file: base = last generation, ours = the file on disk, theirs = the new render. */
import { diff3Merge } from 'node-diff3';

export const MARK_OURS = '<<<<<<< yours';
export const MARK_SPLIT = '=======';
export const MARK_THEIRS = '>>>>>>> create-gin-app (new answers)';

export interface Merged {
  content: string;
  conflicts: number;
}

function lines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

/** Line-based diff3; overlapping changes get git-style conflict markers. */
export function mergeText(base: string, ours: string, theirs: string): Merged {
  const regions = diff3Merge(lines(ours), lines(base), lines(theirs), { excludeFalseConflicts: true }) as (
    | { ok: string[] }
    | { conflict: { a: string[]; b: string[] } }
  )[];
  let content = '';
  let conflicts = 0;
  const withNewline = (block: string[]) => {
    const text = block.join('');
    return text === '' || text.endsWith('\n') ? text : text + '\n';
  };
  for (const region of regions) {
    if ('ok' in region) {
      content += region.ok.join('');
    } else {
      conflicts++;
      content += `${MARK_OURS}\n${withNewline(region.conflict.a)}${MARK_SPLIT}\n${withNewline(region.conflict.b)}${MARK_THEIRS}\n`;
    }
  }
  return { content, conflicts };
}

interface GoMod {
  module?: string;
  go?: string;
  /** Direct requirements: path -> version. */
  requires: Map<string, string>;
}

function parseGoMod(text: string): GoMod {
  const mod: GoMod = { requires: new Map() };
  let inRequire = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('module ')) mod.module = line.slice(7).trim();
    else if (line.startsWith('go ')) mod.go = line.slice(3).trim();
    else if (line === 'require (') inRequire = true;
    else if (inRequire && line === ')') inRequire = false;
    else if ((inRequire || line.startsWith('require ')) && !line.includes('// indirect')) {
      const [path, version] = line.replace(/^require\s+/, '').split(/\s+/);
      if (path && version) mod.requires.set(path, version);
    }
  }
  return mod;
}

/**
 * go.mod is rewritten by `go mod tidy` after every generation, so a textual
 * merge would see tidy's lines as user edits. Instead, carry the generator's
 * own changes (module path, go directive, direct requirements added, removed
 * or re-pinned) into the file on disk, leaving everything else as it is;
 * verification's `go mod tidy` settles the indirect requirements.
 */
export function mergeGoMod(base: string, ours: string, theirs: string): Merged {
  const b = parseGoMod(base);
  const t = parseGoMod(theirs);
  let out = ours.split('\n');
  const replaceDirective = (name: 'module' | 'go', from?: string, to?: string) => {
    if (from === to || to === undefined) return;
    out = out.map((line) => (line.trim() === `${name} ${from}` ? `${name} ${to}` : line));
  };
  replaceDirective('module', b.module, t.module);
  replaceDirective('go', b.go, t.go);

  const requireLine = (line: string) => line.trim().replace(/^require\s+/, '').split(/\s+/);
  for (const [path, version] of b.requires) {
    if (!t.requires.has(path)) {
      out = out.filter((line) => !(requireLine(line)[0] === path && requireLine(line)[1] === version));
    }
  }
  const added: string[] = [];
  for (const [path, version] of t.requires) {
    const old = b.requires.get(path);
    const at = out.findIndex((line) => requireLine(line)[0] === path && /^\s*(require\s+)?\S+\s+v/.test(line));
    if (at === -1) added.push(`\t${path} ${version}`);
    else if (old !== undefined && old !== version && requireLine(out[at]!)[1] === old) {
      out[at] = out[at]!.replace(old, version);
    }
  }
  if (added.length > 0) {
    const block = out.findIndex((line) => line.trim() === 'require (');
    if (block === -1) out.push('', 'require (', ...added, ')');
    else out.splice(block + 1, 0, ...added);
  }
  return { content: out.join('\n'), conflicts: 0 };
}
