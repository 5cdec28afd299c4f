/**
 * The source's layers: the commands (create, update, add) sit on top of one
 * core and never import each other; nothing but the entry point imports a
 * command; the static import graph has no cycle (data flows one way, schema
 * and answers at the bottom). Dynamic import() is left out: it is how heavy
 * modules load on demand, and how cli.ts loads update and add.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';

const SRC = resolve(import.meta.dirname, '../../src');

/** src-relative path -> the src-relative paths it imports statically (type-only imports included). */
type Graph = Map<string, string[]>;

function graph(): Graph {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return new Map(
    files.map((f) => {
      const text = readFileSync(join(SRC, f), 'utf8');
      const imports = [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gm)].map((m) =>
        relative(SRC, resolve(dirname(join(SRC, f)), m[1]!.replace(/\.js$/, '.ts'))),
      );
      return [f, imports];
    }),
  );
}

/** Which command a source file belongs to, if any. */
function commandOf(file: string): string | undefined {
  if (file === 'create.ts') return 'create';
  return /^(update|add)\//.exec(file)?.[1];
}

/** Every import that breaks the rule, as "from -> to". */
function layerViolations(g: Graph): string[] {
  const bad: string[] = [];
  for (const [from, tos] of g) {
    for (const to of tos) {
      const target = commandOf(to);
      if (target === undefined || commandOf(from) === target) continue;
      // cli.ts dispatches to the commands; plop's generators live outside src/.
      if (from !== 'cli.ts') bad.push(`${from} -> ${to}`);
    }
  }
  return bad;
}

function cycles(g: Graph): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const to of g.get(f) ?? []) {
      if (state.get(to) === 'open') found.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of g.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('source layers', () => {
  it('no command imports another, and only the entry point imports a command', () => {
    expect(layerViolations(graph())).toEqual([]);
  });

  it('the rule catches a command importing another (update/ importing create.ts, the core importing add/)', () => {
    const g = graph();
    g.set('update/index.ts', [...g.get('update/index.ts')!, 'create.ts']);
    g.set('service.ts', [...g.get('service.ts')!, 'add/clashes.ts']);
    expect(layerViolations(g).sort()).toEqual(['service.ts -> add/clashes.ts', 'update/index.ts -> create.ts']);
  });

  it('form no cycle', () => {
    expect(cycles(graph())).toEqual([]);
  });

  it('keep the schema below monorepo detection', () => {
    expect(graph().get('options/schema.ts')).not.toContain('monorepo/detect.ts');
  });
});

describe('test tiers', () => {
  it('put every test file in exactly one vitest project', () => {
    const root = resolve(SRC, '..');
    const files = readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => `test/${f}`);
    const projects = (config.test?.projects ?? []) as { test: { name: string; include: string[] } }[];
    const tiers = (file: string) =>
      projects.filter((p) => p.test.include.some((glob) => glob === file || (glob.endsWith('/**/*.test.ts') && file.startsWith(glob.slice(0, -'**/*.test.ts'.length))))).map((p) => p.test.name);
    expect(files.map((f) => [f, tiers(f).length]).filter(([, n]) => n !== 1)).toEqual([]);
  });
});
