/**
 * What the generated documents tell their readers, rendered in-process: the
 * README's readiness per store (issue 26, item 5), the `service` label the
 * alert rules need from a Prometheus that scrapes by annotation (issue 26,
 * item 7) and `make migrate` (issue 27, item 2).
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
