import { describe, expect, it } from 'vitest';
import { PINNED } from '../../scripts/go-tools.mjs';
import { features } from '../../src/features/index.js';
import type { Feature } from '../../src/features/feature.js';
import { plan, requiredGo } from '../../src/plan.js';
import { resolveAnswers } from '../../src/options/resolve.js';
import { DATABASES, DOCKER_BASES, type Answers } from '../../src/options/schema.js';
import { settingsOf } from '../../src/settings-docs.js';
import { outputPath } from '../../src/templates/helpers.js';
import { loadTemplates, readTemplateSources } from '../../src/templates/load.js';

const templates = loadTemplates();

async function answers(given: Partial<Answers> = {}): Promise<Answers> {
  return resolveAnswers({ given, ctx: { dirName: 'svc', localGo: '1.26.0' }, minGo: (p) => requiredGo(p as Answers) });
}

describe('templates', () => {
  it('names dotfiles with a leading underscore and drops .hbs', () => {
    expect(outputPath('_gitignore')).toBe('.gitignore');
    expect(outputPath('internal/x/_env.example.hbs')).toBe('internal/x/.env.example');
    expect(outputPath('cmd/server/run.go.hbs')).toBe('cmd/server/run.go');
    expect(outputPath('a_b/c_d.go')).toBe('a_b/c_d.go');
  });

  it('keeps conditionals out of Go import blocks', () => {
    for (const [feature, files] of Object.entries(readTemplateSources())) {
      for (const [path, source] of Object.entries(files)) {
        if (!/\.go(\.hbs)?$/.test(path)) continue;
        for (const block of source.match(/^import \([\s\S]*?^\)/gm) ?? []) {
          // A list computed (and sorted) in TypeScript is no conditional: a resource's handler imports.
          const rest = block.replace(/\{\{#each \w+Imports\}\}\n\t"\{\{this\}\}"\n\{\{\/each\}\}\n/g, '');
          expect(rest, `${feature}/${path}`).not.toMatch(/\{\{[#/^]|\{\{else/);
        }
      }
    }
  });

  it('has a feature for every template folder', () => {
    // Folders starting with "_" hold files outside a service (the monorepo gateway).
    // crud and resource are rendered per resource added with add resource (plan()).
    const folders = Object.keys(readTemplateSources()).filter((f) => !f.startsWith('_') && f !== 'crud' && f !== 'resource');
    for (const folder of folders) expect(features.map((f) => f.name)).toContain(folder);
  });

  it('renders every value of every option without leaving template syntax behind', async () => {
    const sets: Partial<Answers>[] = [
      {},
      ...DATABASES.map((db) => ({ db })),
      ...DOCKER_BASES.map((dockerBase) => ({ dockerBase })),
      { redis: true, nginx: false, pprof: false, syslog: false },
      { redis: false, nginx: true, pprof: true, syslog: true, prefix: '/v2/orders-api', port: 9000 },
    ];
    for (const given of sets) {
      const p = plan(await answers(given), templates);
      expect(p.files.length).toBeGreaterThan(10);
      // Grafana legends and Prometheus alert texts use {{...}} themselves; the API document nests YAML flow mappings (}}}).
      for (const f of p.files.filter((f) => !['deploy/grafana/dashboard.json', 'deploy/prometheus/alerts.yml', 'deploy/k8s/components/prometheus-operator/prometheusrule.yaml'].includes(f.path))) {
        // The workflow's kubeconform schema location has Go template fields of kubeconform's own ({{.Group}}).
        const content = f.path === '.github/workflows/ci.yml' ? f.content.replace(/\{\{\.(Group|ResourceKind|ResourceAPIVersion)\}\}/g, '') : f.content;
        expect(content, `${f.path} with ${JSON.stringify(given)}`).not.toMatch(f.path === 'api/openapi.yaml' ? /\{\{/ : /\{\{|\}\}\}/);
      }
    }
  });

  it('renders go.mod from the pinned modules of the features that apply', async () => {
    const p = plan(await answers({ module: 'example.com/acme/svc' }), templates);
    const gomod = p.files.find((f) => f.path === 'go.mod')!.content;
    expect(gomod).toMatch(/^module example\.com\/acme\/svc$/m);
    expect(gomod).toMatch(/^go 1\.26\.0$/m);
    expect(gomod).toMatch(/^\tgithub\.com\/gin-gonic\/gin v1\.12\.0$/m);
    expect(gomod).not.toMatch(/latest|master/);
  });

  it('generates .env.example and the README settings table from the Config struct, the one declaration of each setting', async () => {
    for (const given of [{}, { db: 'postgres' as const, redis: true }, { db: 'none' as const, pprof: false, syslog: false }]) {
      const p = plan(await answers(given), templates);
      const file = (path: string) => p.files.find((f) => f.path === path)!.content;
      const config = file('internal/config/config.go');
      const settings = settingsOf(config);
      expect(settings.length, 'every env tag is read').toBe(config.match(/`env:"/g)!.length);
      expect(settings.map((s) => s.env)).toEqual(expect.arrayContaining(['PORT', 'DRAIN_DELAY', 'SHUTDOWN_TIMEOUT']));
      expect(settings.find((s) => s.env === 'DRAIN_DELAY')).toMatchObject({ def: '0s' });
      expect(settings.some((s) => s.env === 'DATABASE_URL')).toBe(given.db !== 'none');
      for (const s of settings) {
        expect(file('.env.example')).toContain(`# ${s.usage}\n${s.env}=${s.def}\n`);
        expect(file('README.md')).toContain(`| \`${s.env}\` | \`-${s.env.toLowerCase().replaceAll('_', '-')}\` |`);
      }
    }
  });

  it('tells the generated README\'s readers the oapi-codegen our client test is pinned to', async () => {
    const readme = plan(await answers(), templates).files.find((f) => f.path === 'README.md')!.content;
    const { pkg, version } = PINNED['oapi-codegen'];
    const runs = [...readme.matchAll(/go run (\S*oapi-codegen\S*)@(\S+)/g)].map((m) => `${m[1]}@${m[2]}`);
    expect(runs).toEqual([`${pkg}@${version}`]);
  });

  it('rejects two features that render the same file', async () => {
    const a: Feature = { name: 'a', applies: () => true };
    const b: Feature = { name: 'b', applies: () => true };
    const set = { a: { 'x.go': () => 'a' }, b: { 'x.go': () => 'b' } };
    const original = [...features];
    const given = await answers();
    (features as Feature[]).splice(0, features.length, a, b);
    try {
      expect(() => plan(given, set)).toThrow(/features a and b both render x\.go/);
    } finally {
      (features as Feature[]).splice(0, features.length, ...original);
    }
  });

  it('asks for the newest minimum Go of the features that apply', () => {
    expect(requiredGo(undefined, [
      { name: 'x', applies: () => true, minGo: '1.25.0' },
      { name: 'y', applies: () => false, minGo: '1.27.0' },
    ])).toBe('1.27.0');
  });
});
