/** Issue 7: several services under one root, with go.work, distinct ports, derived modules and one gateway. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reason, runCli, snapshot, tempDir } from '../helpers/cli.js';
import { buildServer, freePort, go, startService } from '../helpers/go.js';
import { nginxTest, startNginx } from '../helpers/nginx.js';

/** The gateway config with its listen address and access log set for a test run. */
function forTest(conf: string, listen: number): string {
  // Node gives children sockets for stdio, which nginx cannot open as /dev/stdout.
  return conf.replace(/listen 80;/, `listen 127.0.0.1:${listen};`).replace('access_log /dev/stdout', `access_log ${join(tempDir('cga-gwlog-'), 'access.log')}`);
}

function makeRoot(opts: { goWork: boolean }): string {
  const root = tempDir('cga-mono-');
  writeFileSync(join(root, 'go.mod'), 'module example.com/acme/mono\n\ngo 1.26.0\n');
  if (opts.goWork) writeFileSync(join(root, 'go.work'), 'go 1.26.0\n\nuse .\n');
  return root;
}

const answersOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'gin-app.json'), 'utf8')).answers;

describe('monorepo', () => {
  const root = makeRoot({ goWork: true });
  const names = ['orders', 'users', 'billing'];

  it('derives modules, ports and prefixes for three services and adds each to go.work', async () => {
    for (const name of names) {
      const result = await runCli([`services/${name}`, '--yes'], { cwd: root });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain(`added to go.work: ./services/${name}`);
      expect(result.stdout).toMatch(/✔ go build \.\/\.\.\. \(in the go\.work workspace\)/);
    }
    names.forEach((name, i) => {
      expect(answersOf(join(root, 'services', name))).toMatchObject({
        module: `example.com/acme/mono/services/${name}`,
        port: 8080 + i,
        pprofPort: 6060 + i,
        metricsPort: 9090 + i,
        prefix: `/api/${name}`,
      });
    });
    const work = readFileSync(join(root, 'go.work'), 'utf8');
    for (const name of names) expect(work).toContain(`./services/${name}`);
    await go(root, ['work', 'sync']);
    for (const name of names) await go(join(root, 'services', name), ['build', './...']);
  });

  it('derives the module from inside a subfolder too', async () => {
    const result = await runCli(['payments', '--yes', '--no-verify'], { cwd: join(root, 'services') });
    expect(result.code, result.stderr).toBe(0);
    expect(answersOf(join(root, 'services/payments'))).toMatchObject({ module: 'example.com/acme/mono/services/payments', port: 8083 });
  });

  it.each([
    { args: ['--port', '8081'], message: /^create-gin-app: --port 8081 is already used by services\/users \(its HTTP port\)$/ },
    { args: ['--pprof-port', '6060'], message: /--pprof-port 6060 is already used by services\/orders \(its pprof port\)/ },
    { args: ['--port', '6062'], message: /--port 6062 is already used by services\/billing \(its pprof port\)/ },
    { args: ['--metrics-port', '9091'], message: /--metrics-port 9091 is already used by services\/users \(its metrics port\)/ },
    { args: ['--pprof-port', '9090'], message: /--pprof-port 9090 is already used by services\/orders \(its metrics port\)/ },
    { args: ['--prefix', '/api/orders'], message: /--prefix \/api\/orders clashes with services\/orders, which serves \/api\/orders/ },
    { args: ['--prefix', '/api/users/v2'], message: /clashes with services\/users, which serves \/api\/users/ },
    { args: ['--prefix', '/api'], message: /--prefix \/api clashes with services\/(billing|orders|payments|users)/ },
  ])('rejects $args naming the holder, writing nothing', async ({ args, message }) => {
    const before = snapshot(root);
    const result = await runCli(['services/extra', ...args, '--yes'], { cwd: root });
    expect(result.code).toBe(2);
    expect(reason(result)).toMatch(message);
    expect(snapshot(root)).toEqual(before);
  });

  it('writes a gateway config that nginx accepts', () => {
    const conf = readFileSync(join(root, 'deploy/nginx/gateway.conf'), 'utf8');
    for (const name of names) expect(conf).toContain(`location /api/${name}/ {`);
    const t = nginxTest(forTest(conf, 40000 + Math.floor(Math.random() * 20000)));
    expect(t.code, t.output).toBe(0);
    const compose = readFileSync(join(root, 'deploy/compose.yml'), 'utf8');
    for (const name of names) expect(compose).toContain(`build: ../services/${name}`);
  });

  it('routes each prefix to the right running service through real nginx', async () => {
    const gw = makeRoot({ goWork: true });
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const [i, name] of names.entries()) {
      const r = await runCli([`services/${name}`, '--port', String(ports[i]), '--no-pprof', '--yes'], { cwd: gw });
      expect(r.code, r.stderr).toBe(0);
    }
    const services = [];
    try {
      for (const name of names) {
        const dir = join(gw, 'services', name);
        services.push(await startService(await buildServer(dir), { PORT: String(answersOf(dir).port), TRUSTED_PROXIES: '127.0.0.1' }, dir));
      }
      const listen = await freePort();
      const conf = forTest(readFileSync(join(gw, 'deploy/nginx/gateway.conf'), 'utf8'), listen);
      const nginx = await startNginx(conf, listen);
      try {
        for (const [i, name] of names.entries()) {
          const id = `gateway-${name}`;
          const res = await fetch(`http://127.0.0.1:${listen}/api/${name}/ping`, { headers: { 'X-Request-ID': id } });
          expect(res.status).toBe(200);
          expect(await res.json()).toEqual({ message: 'pong' });
          // The request reached this service (its own access log names it) and no other.
          await services[i]!.waitForLog(`"request_id":"${id}"`);
          services.forEach((svc, j) => {
            const logged = svc.logs().includes(`"request_id":"${id}"`);
            expect(logged, `${names[j]} saw ${id}`).toBe(i === j);
          });
        }
        expect((await fetch(`http://127.0.0.1:${listen}/api/nope/ping`)).status).toBe(404);
      } finally {
        await nginx.stop();
      }
    } finally {
      for (const svc of services) await svc.stop();
    }
  });

  it('creates go.work only when asked, in a root that has just a go.mod', async () => {
    const plain = makeRoot({ goWork: false });
    const without = await runCli(['services/a', '--yes', '--no-verify'], { cwd: plain });
    expect(without.code, without.stderr).toBe(0);
    expect(without.stdout).toContain('pass --go-work to create one');
    expect(existsSync(join(plain, 'go.work'))).toBe(false);
    const withFlag = await runCli(['services/b', '--yes', '--go-work'], { cwd: plain });
    expect(withFlag.code, withFlag.stderr).toBe(0);
    const work = readFileSync(join(plain, 'go.work'), 'utf8');
    expect(work).toContain('./services/b');
    expect(work).toMatch(/^\s*\.$/m);
  });

  it('updating a service rewrites the gateway', async () => {
    const result = await runCli(['update', 'services/users', '--set', 'prefix=/api/people', '--no-verify'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const conf = readFileSync(join(root, 'deploy/nginx/gateway.conf'), 'utf8');
    expect(conf).toContain('location /api/people/ {');
    expect(conf).not.toContain('location /api/users/ {');
  });

  it('leaves a service outside any repository exactly as before', async () => {
    const cwd = tempDir('cga-solo-');
    mkdirSync(join(cwd, 'work'));
    const result = await runCli(['work/solo', '--yes', '--no-verify'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Monorepo');
    expect(answersOf(join(cwd, 'work/solo'))).toMatchObject({ module: 'solo', port: 8080, prefix: '/api/v1', pprofPort: 6060 });
    expect(existsSync(join(cwd, 'work/solo/go.mod'))).toBe(true);
    expect(existsSync(join(cwd, 'go.work'))).toBe(false);
    expect(existsSync(join(cwd, 'work/go.work'))).toBe(false);
  });
});
