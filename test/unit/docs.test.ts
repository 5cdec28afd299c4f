/**
 * What the generated documents tell their readers, rendered in-process: the
 * README's readiness per store (issue 26, item 5).
 */
import { describe, expect, it } from 'vitest';
import { ANSWERS_FILE } from '../../src/answers-file.js';
import { resolveAnswers } from '../../src/options/resolve.js';
import type { Answers } from '../../src/options/schema.js';
import { plan, requiredGo } from '../../src/plan.js';
import { loadTemplates } from '../../src/templates/load.js';

const templates = loadTemplates();

async function render(given: Partial<Answers>) {
  const answers = await resolveAnswers({ given, ctx: { dirName: 'svc', localGo: '1.26.0' }, minGo: (p) => requiredGo(p as Answers) });
  const files = plan(answers, templates).files;
  const file = (path: string) => {
    const f = files.find((x) => x.path === path);
    if (!f) throw new Error(`${path} is not rendered`);
    return f.content;
  };
  // gin-app.json is written beside the rendered files by create and update.
  return { paths: [...files.map((f) => f.path), ANSWERS_FILE], file };
}

/** Markdown with its line breaks and indentation folded, as it reads. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('README: readiness per store', () => {
  it('with --redis: Redis degradable unless REDIS_REQUIRED=true, the database required', async () => {
    for (const k8s of [true, false]) {
      const readme = flat((await render({ db: 'postgres', redis: true, k8s })).file('README.md'));
      expect(readme).toContain('the database is **required**: while it is down `/readyz` answers 503 `{"status":"unavailable","down":["database"]}`');
      expect(readme).toContain('Redis is **degradable** unless `REDIS_REQUIRED=true`: while it is down `/readyz` stays 200 with `{"status":"degraded","degraded":["redis"]}`');
      expect(readme).toContain('With `REDIS_REQUIRED=true` it is required like the database (`"down":["redis"]`)');
    }
    // No database: nothing calls one required.
    const noDb = flat((await render({ db: 'none', redis: true })).file('README.md'));
    expect(noDb).toContain('Redis is **degradable** unless `REDIS_REQUIRED=true`');
    expect(noDb).not.toMatch(/the database is (\*\*)?required/);
    expect(noDb).not.toContain('like the database');
  });
});
