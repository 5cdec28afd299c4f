/** The k8s feature (--k8s): which files it renders, its names and derived timings. */
import { describe, expect, it } from 'vitest';
import { connectBudgetSeconds } from '../../src/features/k8s.js';
import { k8sName } from '../../src/names.js';
import { plan, requiredGo } from '../../src/plan.js';
import { resolveAnswers } from '../../src/options/resolve.js';
import type { Answers } from '../../src/options/schema.js';
import { loadTemplates } from '../../src/templates/load.js';

const templates = loadTemplates();

async function answers(given: Partial<Answers> = {}): Promise<Answers> {
  return resolveAnswers({ given, ctx: { dirName: 'svc', localGo: '1.26.0' }, minGo: (p) => requiredGo(p as Answers) });
}

const k8sFiles = (a: Answers) => plan(a, templates).files.filter((f) => f.path.startsWith('deploy/k8s/')).map((f) => f.path);

describe('k8s feature', () => {
  it('is on by default; --no-k8s renders no manifest and no README section', async () => {
    expect((await answers()).k8s).toBe(true);
    const off = plan(await answers({ k8s: false }), templates);
    expect(off.files.filter((f) => f.path.startsWith('deploy/k8s/'))).toEqual([]);
    expect(off.files.find((f) => f.path === 'README.md')!.content).not.toContain('## Kubernetes');
  });

  it('SQLite gets a claim and no autoscaler; the other databases the reverse', async () => {
    const sqlite = k8sFiles(await answers());
    expect(sqlite).toContain('deploy/k8s/base/pvc.yaml');
    expect(sqlite).not.toContain('deploy/k8s/base/hpa.yaml');
    for (const db of ['postgres', 'mysql', 'none'] as const) {
      const files = k8sFiles(await answers({ db }));
      expect(files).toContain('deploy/k8s/base/hpa.yaml');
      expect(files).not.toContain('deploy/k8s/base/pvc.yaml');
    }
    expect(sqlite).toEqual(
      expect.arrayContaining(['base/kustomization.yaml', 'overlays/dev/kustomization.yaml', 'overlays/prod/kustomization.yaml'].map((p) => `deploy/k8s/${p}`)),
    );
  });

  it('names objects as RFC 1035 labels from the module', () => {
    expect(k8sName('example.com/acme/orders')).toBe('orders');
    expect(k8sName('example.com/acme/Ledger_API/v2')).toBe('ledger-api');
    expect(k8sName('example.com/9lives')).toBe('app-9lives');
    expect(k8sName('x/' + 'a'.repeat(80))).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
  });

  it('the startup budget covers every retry wait and attempt timeout, per store', () => {
    // 0.5+1+2+4+8+8+8 = 31.5s of waits and 8 attempts of 5s: 72s per store.
    expect(connectBudgetSeconds(1)).toBe(72);
    expect(connectBudgetSeconds(2)).toBe(143);
    expect(connectBudgetSeconds(0)).toBe(0);
  });

});
