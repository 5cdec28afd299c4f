/** The operations features: what --pprof/--no-pprof and --syslog/--no-syslog render, and what is always there. */
import { describe, expect, it } from 'vitest';
import { plan, requiredGo } from '../../src/plan.js';
import { resolveAnswers } from '../../src/options/resolve.js';
import type { Answers } from '../../src/options/schema.js';
import { loadTemplates } from '../../src/templates/load.js';

const templates = loadTemplates();

async function answers(given: Partial<Answers> = {}): Promise<Answers> {
  return resolveAnswers({ given, ctx: { dirName: 'svc', localGo: '1.26.0' }, minGo: (p) => requiredGo(p as Answers) });
}

describe('operations features', () => {
  for (const pprof of [true, false]) {
    for (const syslog of [true, false]) {
      it(`${pprof ? '--pprof' : '--no-pprof'} ${syslog ? '--syslog' : '--no-syslog'}`, async () => {
        const p = plan(await answers({ pprof, syslog, pprofPort: 7070 }), templates);
        const paths = p.files.map((f) => f.path);
        // tools/go.sum: the checksums of the linters' modules (github.com/google/pprof among them), not the service's.
        const code = p.files.filter((f) => f.path !== 'gin-app.json' && f.path !== 'tools/go.sum');
        const all = code.map((f) => f.content).join('\n');
        const file = (path: string) => p.files.find((f) => f.path === path)?.content ?? '';

        expect(p.features).toContain('ops');
        expect(paths.includes('internal/ops/pprof.go')).toBe(pprof);
        expect(paths.includes('internal/logging/syslog.go')).toBe(syslog);
        // Not inside a word: the manifests' seccompProfile is no mention of pprof.
        expect(/(?<![a-z])pprof/i.test(all)).toBe(pprof);
        expect(/syslog/i.test(all)).toBe(syslog);
        if (pprof) expect(file('internal/config/config.go')).toContain('default:"127.0.0.1:7070"');

        // Always there: busy-port diagnosis, pidfile, outbound client with its pinned breaker.
        for (const path of ['internal/ops/listen.go', 'internal/ops/holder_linux.go', 'internal/ops/pidfile.go', 'internal/ops/pidfile_flock.go', 'internal/outbound/outbound.go']) {
          expect(paths).toContain(path);
        }
        expect(file('go.mod')).toMatch(/github\.com\/sony\/gobreaker\/v2 v2\.4\.0/);
      });
    }
  }

  it('dials syslog itself (no log/syslog, whose writes have no deadline), keeps pprof off the default mux, leaves GC tuning to the runtime', async () => {
    const p = plan(await answers(), templates);
    const file = (path: string) => p.files.find((f) => f.path === path)!.content;
    const code = p.files.filter((f) => f.path.endsWith('.go')).map((f) => f.content).join('\n');
    expect(code).not.toContain('"log/syslog"');
    expect(file('internal/logging/syslog.go')).toContain('SetWriteDeadline');
    expect(file('internal/ops/pidfile_flock.go')).toContain('syscall.Flock');
    expect(code).not.toMatch(/SetGCPercent|SetMemoryLimit/);
    expect(file('internal/ops/pprof.go')).toContain('http.NewServeMux()');
    expect(code).not.toMatch(/http\.DefaultServeMux\)|ListenAndServe\(/);
  });
});
