import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/answers-file.js';
import { renderFiles } from '../../src/service.js';
import { requiredGo } from '../../src/plan.js';
import { resolveAnswers } from '../../src/options/resolve.js';
import type { Answers } from '../../src/options/schema.js';
import { MARK_OURS, MARK_THEIRS, mergeGoMod, mergeText } from '../../src/merge/merge.js';
import { planUpdate } from '../../src/merge/plan.js';

describe('mergeText', () => {
  it('takes non-overlapping changes from both sides', () => {
    const base = 'a\nb\nc\nd\ne\n';
    const ours = 'a\nB\nc\nd\ne\n';
    const theirs = 'a\nb\nc\nd\nE\n';
    expect(mergeText(base, ours, theirs)).toEqual({ content: 'a\nB\nc\nd\nE\n', conflicts: 0 });
  });

  it('marks overlapping changes like git', () => {
    const merged = mergeText('port 8080\n', 'port 8181\n', 'port 9090\n');
    expect(merged.conflicts).toBe(1);
    expect(merged.content).toBe(`${MARK_OURS}\nport 8181\n=======\nport 9090\n${MARK_THEIRS}\n`);
  });
});

describe('mergeGoMod', () => {
  const base = 'module x\n\ngo 1.26.0\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.12.0\n\tgorm.io/gorm v1.31.2\n)\n';
  const ours = 'module x\n\ngo 1.26.0\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.12.0\n\tgorm.io/gorm v1.31.2\n\texample.com/mine v1.0.0\n)\n\nrequire (\n\tgithub.com/bytedance/sonic v1.15.0 // indirect\n)\n';
  it('adds, drops and re-pins direct requirements and keeps the rest', () => {
    const theirs = 'module x\n\ngo 1.26.0\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.12.1\n\tgithub.com/redis/go-redis/v9 v9.23.0\n)\n';
    const { content, conflicts } = mergeGoMod(base, ours, theirs);
    expect(conflicts).toBe(0);
    expect(content).toContain('\tgithub.com/gin-gonic/gin v1.12.1\n');
    expect(content).toContain('\tgithub.com/redis/go-redis/v9 v9.23.0\n');
    expect(content).not.toContain('gorm.io/gorm');
    expect(content).toContain('example.com/mine v1.0.0');
    expect(content).toContain('sonic v1.15.0 // indirect');
  });
  it('changes the module path and go directive', () => {
    const theirs = base.replace('module x', 'module y').replace('go 1.26.0', 'go 1.27.0');
    const { content } = mergeGoMod(base, ours, theirs);
    expect(content).toMatch(/^module y$/m);
    expect(content).toMatch(/^go 1\.27\.0$/m);
  });
});

describe('planUpdate', () => {
  const m = (o: Record<string, string>) => new Map(Object.entries(o));
  it('takes an untouched file (its fingerprint in gin-app.json) as its own base, whatever the stored answers or templates render now', () => {
    // What was generated: "old"; the current templates render "tmpl" for the same answers, and "new" for the new ones.
    const base = m({ untouched: 'tmpl\n', edited: 'tmpl\n', removedTemplate: 'x\n' });
    const theirs = m({ untouched: 'new\n', edited: 'new\n' });
    const disk = m({ untouched: 'old\n', edited: 'old, edited\n', removedTemplate: 'gone\n', dropped: 'd\n' });
    const generated = m({ untouched: fingerprint('old\n'), edited: fingerprint('old\n'), removedTemplate: fingerprint('gone\n'), dropped: fingerprint('d\n') });
    const plan = Object.fromEntries(planUpdate(base, theirs, disk, generated).map((c) => [c.path, c]));
    expect(plan.untouched).toMatchObject({ action: 'update', content: 'new\n' });
    expect(plan.edited!.action).toBe('conflict');
    expect(plan.removedTemplate!.action).toBe('remove');
    // A file the generator wrote before and renders no more, untouched: removed too.
    expect(plan.dropped!.action).toBe('remove');
    // Without fingerprints (a gin-app.json from before them): the current render is the base.
    const old = Object.fromEntries(planUpdate(base, theirs, disk).map((c) => [c.path, c]));
    expect(old.untouched!.action).toBe('conflict');
  });

  it('fingerprints tell texts apart', () => {
    expect(fingerprint('port 8080\n')).toMatch(/^[0-9a-f]{40}$/);
    // sha1sum of the same bytes
    expect(fingerprint('hello\n')).toBe('f572d396fae9206628714fb2ce00f72e94f2258f');
    expect(fingerprint('port 8080\n')).not.toBe(fingerprint('port 9090\n'));
    expect(fingerprint('ab')).not.toBe(fingerprint('ba'));
    expect(fingerprint('')).not.toBe(fingerprint('\n'));
  });

  it('classifies every case', () => {
    const base = m({ same: '1\n', untouched: 'a\n', edited: 'x\ny\nz\n', both: 'a\nb\nc\nd\n', clash: 'p\n', off: 'o\n', offEdited: 'o\n', gone: 'g\n' });
    const theirs = m({ same: '1\n', untouched: 'A\n', edited: 'x\ny\nz\n', both: 'a\nb\nc\nD\n', clash: 'q\n', gone: 'G\n', fresh: 'n\n' });
    const disk = m({ same: '1\n', untouched: 'a\n', edited: 'x\nY\nz\n', both: 'A\nb\nc\nd\n', clash: 'r\n', off: 'o\n', offEdited: 'O\n' });
    const plan = Object.fromEntries(planUpdate(base, theirs, disk).map((c) => [c.path, c]));
    expect(plan.same!.action).toBe('unchanged');
    expect(plan.untouched).toMatchObject({ action: 'update', content: 'A\n' });
    expect(plan.edited).toMatchObject({ action: 'keep', note: 'your edits' });
    expect(plan.both).toMatchObject({ action: 'merge', content: 'A\nb\nc\nD\n' });
    expect(plan.clash).toMatchObject({ action: 'conflict', conflicts: 1 });
    expect(plan.off!.action).toBe('remove');
    expect(plan.offEdited).toMatchObject({ action: 'keep', note: expect.stringContaining('no longer generated') });
    expect(plan.gone).toMatchObject({ action: 'keep', note: expect.stringContaining('deleted by you') });
    expect(plan.fresh).toMatchObject({ action: 'create', content: 'n\n' });
  });
});

// A small seeded PRNG, so a failure can be replayed.
function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

async function answers(given: Partial<Answers>): Promise<Answers> {
  return resolveAnswers({ given, ctx: { dirName: 'svc', localGo: '1.26.0' }, minGo: (p) => requiredGo(p as Answers) });
}

const rendered = (a: Answers) => new Map(renderFiles(a).map((f) => [f.path, f.content]));

describe('property: no edit is ever silently lost', () => {
  it('keeps every random edit, in the result or inside a reported conflict', async () => {
    const random = rng(20261125);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const changes: Partial<Answers>[] = [
      { port: 9000 }, { prefix: '/v2/shop' }, { redis: true }, { redis: false }, { db: 'postgres' }, { db: 'none' },
      { db: 'mysql' }, { nginx: false }, { dockerBase: 'alpine' }, { pprof: false }, { syslog: false }, { metrics: false }, { module: 'example.com/other' },
    ];
    for (let round = 0; round < 60; round++) {
      const before = await answers({ ...pick(changes), ...pick(changes) });
      const after = await answers({ ...before, ...pick(changes), ...pick(changes) });
      const base = rendered(before);
      const disk = new Map(base);
      const edits: { path: string; line: string }[] = [];
      for (let e = 0; e < 1 + Math.floor(random() * 5); e++) {
        const path = pick([...disk.keys()]);
        const lines = disk.get(path)!.split('\n');
        const line = `// user edit ${round}.${e}`;
        const at = Math.floor(random() * lines.length);
        // Insert a line, or change one (but never overwrite an earlier edit).
        if (random() < 0.5 || lines[at]!.startsWith('// user edit')) lines.splice(at, 0, line);
        else lines[at] = line;
        disk.set(path, lines.join('\n'));
        edits.push({ path, line });
      }
      const plan = new Map(planUpdate(base, rendered(after), disk).map((c) => [c.path, c]));
      for (const { path, line } of edits) {
        const change = plan.get(path)!;
        const result = change.content ?? disk.get(path)!;
        const context = `round ${round}: ${line} in ${path} (${change.action}) ${JSON.stringify(before)} -> ${JSON.stringify(after)}`;
        expect(change.action, context).not.toBe('remove');
        expect(result.split('\n'), context).toContain(line);
      }
    }
  });
});
