/**
 * What the generated documents tell their readers, rendered in-process: the
 * README's readiness per store (issue 26, item 5), the `service` label the
 * alert rules need from a Prometheus that scrapes by annotation (issue 26,
 * item 7), `make migrate` (issue 27, item 2) and AGENTS.md naming only what
 * the service has (issue 27, item 4).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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

describe('alert rules on a Prometheus that scrapes by annotation', () => {
  it('the rule file and the README give the relabelling that sets `service` from the label the manifests put on the pods', async () => {
    const { file } = await render({ module: 'example.com/acme/orders' });
    const pod = parse(file('deploy/k8s/base/deployment.yaml')).spec.template.metadata;
    expect(pod.annotations['prometheus.io/scrape']).toBe('true');
    const [label, value] = Object.entries(pod.labels as Record<string, string>).find(([k]) => k === 'app.kubernetes.io/name')!;
    expect(value).toBe('orders');
    // kubernetes_sd's name for a pod label: every character outside [a-zA-Z0-9_] becomes "_".
    const meta = `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
    const relabel = { source_labels: [meta], target_label: 'service' };

    const alerts = file('deploy/prometheus/alerts.yml');
    expect(parse(alerts).groups[0].rules.find((r: { alert: string }) => r.alert === 'OrdersDown').expr).toContain('absent(up{service="orders"})');
    const comment = alerts.split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^# ?/, '')).join('\n');
    expect(flat(comment)).toContain("sets no service label: OrdersDown's absent(up{service=\"orders\"}) would then page while the service is up");
    const snippet = /relabel_configs:\n[\s\S]*?target_label: service/.exec(comment)![0];
    expect(parse(snippet)).toEqual({ relabel_configs: [relabel] });

    const readme = file('README.md');
    expect(flat(readme)).toContain('A Prometheus that finds the pods by their `prometheus.io/*` annotations instead (`kubernetes_sd_configs`, role `pod`) does not');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!));
    expect(blocks).toContainEqual(expect.arrayContaining([relabel]));
    // The static example sets it too.
    expect(blocks).toContainEqual({ scrape_configs: [expect.objectContaining({ static_configs: [expect.objectContaining({ labels: { service: 'orders' } })] })] });
    // The PodMonitor relabels the same pod label.
    const podMonitor = parse(file('deploy/k8s/components/prometheus-operator/podmonitor.yaml'));
    expect(podMonitor.spec.podMetricsEndpoints[0].relabelings).toContainEqual({ sourceLabels: [meta], targetLabel: 'service' });
  });

  it('--no-k8s: the rule file still says the label is needed, with no Kubernetes snippet', async () => {
    const { file } = await render({ module: 'example.com/acme/orders', k8s: false });
    const alerts = file('deploy/prometheus/alerts.yml');
    expect(flat(alerts)).toContain('Whatever scrapes the service must set that label');
    expect(alerts).not.toContain('__meta_kubernetes');
    expect(file('README.md')).not.toContain('__meta_kubernetes');
  });
});

describe('make migrate', () => {
  it('runs the migrate subcommand, up unless CMD says otherwise, with a database only', async () => {
    for (const db of ['sqlite', 'postgres', 'mysql'] as const) {
      const makefile = (await render({ db })).file('Makefile');
      expect(makefile).toMatch(/^\.PHONY: .*\bmigrate\b/m);
      expect(makefile).toMatch(/^CMD \?= up\nmigrate:\n\tgo run \$\(PKG\) migrate \$\(CMD\)$/m);
    }
    const none = (await render({ db: 'none' })).file('Makefile');
    expect(none).not.toMatch(/migrate/);
  });
});

/** The paths a document names: tokens with a slash, and file names with an extension. */
function namedPaths(text: string): string[] {
  const out = new Set<string>();
  for (const raw of text.split(/[\s`()'",;=[\]]+/)) {
    if (raw.includes('...') || raw.includes('<') || /^https?:/.test(raw)) continue; // a package pattern, a placeholder, a URL
    const token = raw.replace(/[.:]+$/, '');
    if (token.includes('/') || /^\.?[\w-]+(\.[\w-]+)*\.(md|go|mod|sum|ya?ml|json|toml|sql|example)$/.test(token)) {
      out.add(token.replace(/^\.\//, ''));
    }
  }
  return [...out];
}

describe('AGENTS.md', () => {
  const cases: { name: string; given: Partial<Answers>; k8s: boolean }[] = [
    { name: '--db postgres --k8s', given: { db: 'postgres', k8s: true, redis: true }, k8s: true },
    { name: '--db none --no-k8s', given: { db: 'none', k8s: false }, k8s: false },
  ];
  for (const c of cases) {
    it(`${c.name}: every path it names exists, every make target it names is in the Makefile, and it gives the verify and update commands`, async () => {
      const { paths, file } = await render(c.given);
      const agents = file('AGENTS.md');
      const named = namedPaths(agents);
      // The extraction finds what it should.
      expect(named).toEqual(expect.arrayContaining(['cmd/server/run.go', 'internal/server/routes.go', 'api/openapi.yaml', 'gin-app.json']));
      for (const path of named) {
        const dir = path.endsWith('/') ? path : `${path}/`;
        expect(paths.includes(path) || paths.some((p) => p.startsWith(dir)), `AGENTS.md names ${path}, which is not rendered`).toBe(true);
      }
      const makefile = file('Makefile');
      const targets = [...agents.matchAll(/\bmake((?: [a-z][a-z-]*)+)/g)].flatMap((m) => m[1]!.trim().split(' '));
      expect(targets).toEqual(expect.arrayContaining(['lint', 'test', 'vuln', 'dev']));
      for (const t of targets) expect(makefile, `make ${t}`).toMatch(new RegExp(`^${t}:`, 'm'));

      expect(agents).toContain('make lint test');
      expect(agents).toContain('create-gin-app update');
      expect(agents.includes('deploy/k8s')).toBe(c.k8s);
      expect(agents.includes('make migrate')).toBe(c.given.db !== 'none');
      if (c.k8s) expect(named).toContain('internal/database/migrations/postgres/');
    });
  }
});
