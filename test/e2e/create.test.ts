/** Issue 2 acceptance: the default service is generated, verified, runs and stops cleanly. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';
import { buildServer, go, startService } from '../helpers/go.js';
import { generate } from '../helpers/project.js';

describe('create-gin-app svc --yes (defaults)', () => {
  it('exits 0 after verifying, with progress and a duration for each step', async () => {
    const { dir, result } = await generate();
    for (const step of ['go mod tidy', 'gofmt -l', 'go vet ./...', 'go build ./...']) {
      expect(result.stdout).toMatch(new RegExp(`✔ ${step.replace(/[.*]/g, '\\$&')} \\(\\d+\\.\\ds\\)`));
    }
    const answers = JSON.parse(readFileSync(join(dir, 'gin-app.json'), 'utf8'));
    expect(answers).toMatchObject({ generator: 'create-gin-app', answers: { module: 'svc', port: 8080, prefix: '/api/v1' } });
    expect(typeof answers.version).toBe('string');
    expect(existsSync(join(dir, 'go.sum'))).toBe(true);
  });

  it('is gofmt-clean, vets, builds and passes its own tests', async () => {
    const { dir } = await generate();
    const fmt = await run('gofmt', ['-l', '.'], { cwd: dir });
    expect(fmt.code).toBe(0);
    expect(fmt.stdout).toBe('');
    expect((await go(dir, ['mod', 'tidy', '-diff'])).stdout).toBe('');
    await go(dir, ['vet', './...']);
    await go(dir, ['build', './cmd/server']);
    const tests = await go(dir, ['test', './...']);
    expect(tests.stdout).toMatch(/ok\s+svc\/internal\/server/);
    expect(tests.stdout).toMatch(/ok\s+svc\/internal\/config/);
    expect(tests.stdout).toMatch(/ok\s+svc\/cmd\/server/);
  });

  it('serves ping, health and readiness, keeps pprof off the public port, and stops on SIGTERM', async () => {
    const { dir } = await generate();
    const svc = await startService(await buildServer(dir));
    try {
      const ping = await fetch(`${svc.url}/api/v1/ping`);
      expect(ping.status).toBe(200);
      expect(await ping.json()).toEqual({ message: 'pong' });
      expect(ping.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
      expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${svc.url}/debug/pprof/`)).status).toBe(404);
      expect((await fetch(`${svc.url}/debug/pprof/heap`)).status).toBe(404);
    } finally {
      expect(await svc.stop('SIGTERM')).toBe(0);
    }
    // One JSON access record per request, carrying the request ID: these
    // fields, in this order, and nothing else (issue 29).
    expect(svc.logs()).toMatch(
      /^\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z","level":"INFO","msg":"request","method":"GET","route":"\/api\/v1\/ping","status":200,"duration_us":\d+,"client_ip":"127\.0\.0\.1","bytes":18,"request_id":"[0-9a-f]{32}"\}$/m,
    );
    expect(svc.logs()).toContain('"msg":"stopped"');
  });
});
