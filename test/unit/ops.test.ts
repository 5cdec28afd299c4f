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
        const code = p.files.filter((f) => f.path !== 'gin-app.json');
        const all = code.map((f) => f.content).join('\n');
        const file = (path: string) => p.files.find((f) => f.path === path)?.content ?? '';

        expect(p.features).toContain('ops');
        expect(paths.includes('internal/ops/pprof.go')).toBe(pprof);
        expect(paths.includes('internal/logging/syslog_unix.go')).toBe(syslog);
        expect(/pprof/i.test(all)).toBe(pprof);
        expect(/syslog/i.test(all)).toBe(syslog);
        if (pprof) expect(file('internal/config/config.go')).toContain('def: "127.0.0.1:7070"');

        // Always there: busy-port diagnosis, pidfile, outbound client with its pinned breaker.
        for (const path of ['internal/ops/listen.go', 'internal/ops/holder_linux.go', 'internal/ops/pidfile.go', 'internal/outbound/outbound.go']) {
          expect(paths).toContain(path);
        }
        expect(file('go.mod')).toMatch(/github\.com\/sony\/gobreaker\/v2 v2\.4\.0/);
      });
    }
  }

  it('keeps log/syslog behind build constraints, and pprof off the default mux', async () => {
    const p = plan(await answers(), templates);
    const file = (path: string) => p.files.find((f) => f.path === path)!.content;
    expect(file('internal/logging/syslog_unix.go')).toMatch(/^\/\/go:build !windows && !plan9\n/);
    expect(file('internal/logging/syslog_other.go')).toMatch(/^\/\/go:build windows \|\| plan9\n/);
    for (const f of p.files.filter((f) => f.path.endsWith('.go') && !f.path.endsWith('syslog_unix.go'))) {
      expect(f.content, f.path).not.toContain('"log/syslog"');
    }
    expect(file('internal/ops/pprof.go')).toContain('http.NewServeMux()');
    expect(p.files.map((f) => f.content).join('\n')).not.toMatch(/http\.DefaultServeMux\)|ListenAndServe\(/);
  });
});
