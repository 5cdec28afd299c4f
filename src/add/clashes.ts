/**
 * What a new resource must not collide with in the project as it is on
 * disk, the user's own code included: Go names in the packages its files
 * join, routes under the group, tables of the migrations.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The top-level names the resource's own Go files declare, per package directory: what its templates say. */
export function declaredByResource(own: ReadonlyMap<string, string>): Map<string, Set<string>> {
  const byDir = new Map<string, Set<string>>();
  for (const [path, content] of own) {
    if (!path.endsWith('.go')) continue;
    const names = byDir.get(dirname(path)) ?? new Set();
    for (const n of declaredNames(content)) if (n !== 'init' && n !== '_') names.add(n);
    byDir.set(dirname(path), names);
  }
  return byDir;
}

function goFiles(root: string, dir: string): string[] {
  const full = join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full)
    .filter((f) => f.endsWith('.go'))
    .map((f) => `${dir}/${f}`);
}

/** Top-level declarations of a Go file: func, type, var and const, grouped ones included (not methods). */
export function declaredNames(source: string): string[] {
  const names: string[] = [];
  let group: string | undefined;
  for (const line of source.split('\n')) {
    if (group) {
      if (line.startsWith(')')) group = undefined;
      else {
        const m = /^\t(\w+)/.exec(line);
        if (m && !line.startsWith('\t//')) names.push(m[1]!);
      }
      continue;
    }
    const open = /^(type|var|const) \($/.exec(line);
    if (open) {
      group = open[1];
      continue;
    }
    const m = /^(?:func|type|var|const) (\w+)/.exec(line);
    if (m) names.push(m[1]!);
  }
  return names;
}

/**
 * The first clash of a resource named name with the project at root, as a
 * one-line reason, or undefined. own: the resource's rendered files (path ->
 * content); skip: the files on disk that are its own.
 */
export function findClash(root: string, name: string, own: ReadonlyMap<string, string>, skip: ReadonlySet<string>): string | undefined {
  for (const file of goFiles(root, 'internal/server')) {
    if (skip.has(file)) continue;
    const source = readFileSync(join(root, file), 'utf8');
    for (const m of source.matchAll(/\.(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|Any|Handle|Group)\(\s*"(\/[^"]*)"/g)) {
      const segment = m[1]!.split('/')[1];
      if (segment === name) return `resource ${name} clashes with the route "${m[1]}" of ${file}`;
    }
  }
  for (const [dir, wanted] of declaredByResource(own)) {
    for (const file of goFiles(root, dir)) {
      if (skip.has(file)) continue;
      const declared = new Set(declaredNames(readFileSync(join(root, file), 'utf8')));
      const taken = [...wanted].find((id) => declared.has(id));
      if (taken) return `resource ${name} clashes with ${taken}, already declared in ${file}`;
    }
  }
  const migrations = join(root, 'internal/database/migrations');
  if (existsSync(migrations)) {
    const table = new RegExp(`CREATE\\s+TABLE\\s+(IF\\s+NOT\\s+EXISTS\\s+)?[\`"]?${name}[\`"]?[\\s(]`, 'i');
    for (const dialect of readdirSync(migrations)) {
      const dir = join(migrations, dialect);
      for (const file of existsSync(dir) ? readdirSync(dir) : []) {
        if (!file.endsWith('.sql')) continue;
        if (table.test(readFileSync(join(dir, file), 'utf8'))) {
          return `resource ${name} clashes with the table ${name} of internal/database/migrations/${dialect}/${file}`;
        }
      }
    }
  }
  return undefined;
}

/** The next goose version: after every migration on disk (all dialects) and every resource's. */
export function nextMigration(root: string, taken: readonly number[]): number {
  let max = Math.max(1, ...taken);
  const migrations = join(root, 'internal/database/migrations');
  if (existsSync(migrations)) {
    for (const dialect of readdirSync(migrations, { withFileTypes: true })) {
      if (!dialect.isDirectory()) continue;
      for (const file of readdirSync(join(migrations, dialect.name))) {
        const m = /^(\d+)_.*\.(sql|go)$/.exec(file);
        if (m) max = Math.max(max, Number(m[1]));
      }
    }
  }
  return max + 1;
}
