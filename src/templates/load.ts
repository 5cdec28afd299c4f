/** Reads templates/ and compiles it at run time (plopfile, tests, development). */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { compileOptions, helpers, outputPath } from './helpers.js';
import type { TemplateSet } from './types.js';

export function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'templates', 'core'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('templates/ not found next to create-gin-app');
    dir = up;
  }
  return join(dir, 'templates');
}

export function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** feature -> template path (relative to its folder) -> source text. */
export function readTemplateSources(root = templatesDir()): Record<string, Record<string, string>> {
  const sources: Record<string, Record<string, string>> = {};
  for (const feature of readdirSync(root)) {
    const files: Record<string, string> = {};
    sources[feature] = files;
    for (const file of walk(join(root, feature))) {
      files[relative(join(root, feature), file).split(sep).join('/')] = readFileSync(file, 'utf8');
    }
  }
  return sources;
}

const compiled = new Map<string, TemplateSet>();

/** Compiled once per folder: update and add render a service two and three times. */
export function loadTemplates(root = templatesDir()): TemplateSet {
  const cached = compiled.get(root);
  if (cached) return cached;
  const hbs = Handlebars.create();
  hbs.registerHelper(helpers);
  const set: TemplateSet = {};
  for (const [feature, files] of Object.entries(readTemplateSources(root))) {
    set[feature] = {};
    for (const [path, source] of Object.entries(files)) {
      set[feature][outputPath(path)] = path.endsWith('.hbs') ? hbs.compile(source, compileOptions) : () => source;
    }
  }
  compiled.set(root, set);
  return set;
}
