/**
 * The source's static import graph has no cycles: data flows one way
 * (schema and answers at the bottom, monorepo detection above them).
 * Dynamic import() is left out: it is how heavy modules load on demand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  // `import ... from './x.js'` and `export ... from './x.js'`, type-only ones included
  // (a type cycle is still a cycle in the design).
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gm)) {
    out.push(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  }
  return out;
}

function graph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(SRC, f));
  return new Map(files.map((f) => [f, staticImports(f)]));
}

/** Every cycle found by depth-first search, each as a list of paths from src/. */
function cycles(g: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const to of g.get(f) ?? []) {
      if (state.get(to) === 'open') found.push([...stack.slice(stack.indexOf(to)), to].map((p) => relative(SRC, p)));
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of g.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('source imports', () => {
  it('resolve to files that exist', () => {
    const g = graph();
    for (const [from, tos] of g) for (const to of tos) expect(g.has(to), `${relative(SRC, from)} imports ${relative(SRC, to)}`).toBe(true);
  });

  it('form no cycle', () => {
    expect(cycles(graph())).toEqual([]);
  });

  it('keep the schema below monorepo detection', () => {
    const g = graph();
    expect(g.get(join(SRC, 'options/schema.ts'))!.map((p) => relative(SRC, p))).not.toContain('monorepo/detect.ts');
  });
});

describe('devDependencies', () => {
  it('are each used: imported by the code, tests, bench or build, or run by a package script', () => {
    const root = resolve(SRC, '..');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; scripts: Record<string, string> };
    const files = ['src', 'test', 'bench', 'scripts'].flatMap((d) =>
      readdirSync(join(root, d), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|mjs)$/.test(f)).map((f) => join(root, d, f)),
    );
    const code = [...files, join(root, 'plopfile.ts')].map((f) => readFileSync(f, 'utf8')).join('\n');
    const scripts = Object.values(pkg.scripts).join('\n');
    // Packages whose binary has another name than the package.
    const bins: Record<string, string> = { typescript: 'tsc' };
    const used = (name: string): boolean => {
      if (name.startsWith('@types/')) {
        const of = name.slice('@types/'.length);
        return of === 'node' ? /from 'node:/.test(code) : used(of);
      }
      const quoted = new RegExp(`['"]${name.replace(/[/.]/g, '\\$&')}(['"/])|node_modules/${name}`);
      const bin = new RegExp(`(^|[\\s&;'"])${bins[name] ?? name}\\s`, 'm');
      return quoted.test(code) || bin.test(scripts) || bin.test(code);
    };
    expect(Object.keys(pkg.devDependencies).filter((d) => !used(d))).toEqual([]);
  });
});
