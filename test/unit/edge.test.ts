/** Container and edge features: what they render for which answers, and limits derived from the service's. */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LIMITS } from '../../src/features/core.js';
import { COMPOSE_IMAGES, FINAL_IMAGES, IMAGE_DIGESTS, pinnedImage } from '../../src/features/docker.js';
import { seconds } from '../../src/duration.js';
import { proxyLimits } from '../../src/features/nginx.js';
import { plan, requiredGo } from '../../src/plan.js';
import { resolveAnswers } from '../../src/options/resolve.js';
import { DATABASES, DOCKER_BASES, type Answers } from '../../src/options/schema.js';
import { loadTemplates } from '../../src/templates/load.js';

const templates = loadTemplates();

async function answers(given: Partial<Answers> = {}): Promise<Answers> {
  return resolveAnswers({ given, ctx: { dirName: 'svc', localGo: '1.26.0' }, minGo: (p) => requiredGo(p as Answers) });
}

const file = (p: ReturnType<typeof plan>, path: string) => p.files.find((f) => f.path === path)?.content;

describe('nginx limits come from the service limits', () => {
  it('converts Go durations to whole seconds', () => {
    expect(seconds('5s')).toBe(5);
    expect(seconds('1m')).toBe(60);
    expect(seconds('1500ms')).toBe(2);
    expect(seconds('1h')).toBe(3600);
    expect(() => seconds('1m30s')).toThrow(/unsupported duration/);
  });

  it('matches body size and timeouts, and closes idle upstream connections before Gin does', () => {
    const p = proxyLimits();
    expect(p.clientMaxBodySize).toBe(LIMITS.maxBodyBytes);
    expect(p.clientHeaderTimeout).toBe(`${seconds(LIMITS.readHeaderTimeout)}s`);
    expect(p.clientBodyTimeout).toBe(`${seconds(LIMITS.readTimeout)}s`);
    expect(p.proxyReadTimeout).toBe(`${seconds(LIMITS.writeTimeout)}s`);
    expect(parseInt(p.upstreamKeepaliveTimeout, 10)).toBeLessThan(seconds(LIMITS.idleTimeout));
  });
});

describe('docker and nginx features', () => {
  it('renders Dockerfile, .dockerignore and compose always, nginx.conf only with --nginx', async () => {
    const on = plan(await answers({ nginx: true }), templates);
    const off = plan(await answers({ nginx: false }), templates);
    for (const p of [on, off]) {
      for (const path of ['Dockerfile', '.dockerignore', 'docker-compose.yml']) expect(file(p, path), path).toBeDefined();
    }
    expect(file(on, 'nginx/nginx.conf')).toContain('location /api/v1/ {');
    expect(file(off, 'nginx/nginx.conf')).toBeUndefined();
    expect(parseYaml(file(off, 'docker-compose.yml')!).services.nginx).toBeUndefined();
  });

  it('renders valid YAML for every database, Redis, nginx and base combination', async () => {
    for (const db of DATABASES) {
      for (const redis of [false, true]) {
        for (const nginx of [false, true]) {
          for (const dockerBase of DOCKER_BASES) {
            const p = plan(await answers({ db, redis, nginx, dockerBase }), templates);
            const compose = parseYaml(file(p, 'docker-compose.yml')!);
            expect(Object.keys(compose.services).sort(), `${db} ${redis} ${nginx}`).toEqual(
              ['app', ...(nginx ? ['nginx'] : []), ...(db === 'mysql' || db === 'postgres' ? ['db'] : []), ...(redis ? ['redis'] : []), 'prometheus'].sort(),
            );
            expect(file(p, 'Dockerfile')).toContain(`FROM ${pinnedImage(FINAL_IMAGES[dockerBase]).ref.replace(/^scratch@.*/, 'scratch')}\n`);
          }
        }
      }
    }
  });

  it("gives the service the database, user and password compose creates (never a regular user named root)", async () => {
    for (const module of ['example.com/orders', 'root']) {
      for (const db of ['mysql', 'postgres'] as const) {
        const compose = parseYaml(file(plan(await answers({ module, db }), templates), 'docker-compose.yml')!);
        const url: string = compose.services.app.environment.DATABASE_URL;
        const env = compose.services.db.environment;
        const [user, name] = db === 'mysql' ? [env.MYSQL_USER, env.MYSQL_DATABASE] : [env.POSTGRES_USER, env.POSTGRES_DB];
        expect(user).not.toBe('root');
        expect(name).toBe(module === 'root' ? 'root' : 'orders');
        expect(url.startsWith(db === 'mysql' ? `${user}:` : `postgres://${user}:`), url).toBe(true);
        expect(url).toContain(db === 'mysql' ? `@tcp(db:3306)/${name}?` : `@db:5432/${name}?`);
        expect(url).toContain(db === 'mysql' ? env.MYSQL_PASSWORD : env.POSTGRES_PASSWORD);
      }
    }
  });

  it('pins every image to a release line, never latest', () => {
    for (const image of [...Object.values(FINAL_IMAGES), ...Object.values(COMPOSE_IMAGES)]) {
      if (image === 'scratch') continue;
      expect(image).toMatch(/:[\w.-]+$/);
      expect(image).not.toMatch(/:latest$/);
    }
  });

  it('pins the builder to the go directive of go.mod', async () => {
    const p = plan(await answers({ go: '1.27.3' }), templates);
    expect(file(p, 'go.mod')).toMatch(/^go 1\.27\.3$/m);
    // No digest recorded for golang:1.27 (yet): the tag alone, and a comment says how to pin it.
    expect(file(p, 'Dockerfile')).toMatch(/^FROM --platform=\$BUILDPLATFORM golang:1\.27 AS builder$/m);
    expect(file(p, 'Dockerfile')).toContain('docker buildx imagetools inspect golang:1.27');
  });

  // Issue 26, item 8: base images by digest, the tag kept in the reference and a comment.
  it.each(['distroless', 'alpine', 'scratch'] as const)('%s: every base image of the Dockerfile is pinned by digest, its tag kept', async (dockerBase) => {
    const text = file(plan(await answers({ dockerBase, go: '1.26.0' }), templates), 'Dockerfile')!;
    const froms = [...text.matchAll(/^FROM (?:--platform=\S+ )?(\S+)/gm)].map((m) => m[1]!);
    expect(froms).toHaveLength(2);
    for (const ref of froms) {
      if (ref === 'scratch') continue;
      const m = /^([^@\s]+:[\w.-]+)@sha256:([0-9a-f]{64})$/.exec(ref);
      expect(m, ref).not.toBeNull();
      // The tag, in the comment just above the FROM.
      const above = text.split('\n')[text.split('\n').findIndex((l) => l.includes(`FROM `) && l.includes(ref)) - 1]!;
      expect(above, ref).toMatch(new RegExp(`^# ${m![1]!.replace(/[.]/g, '\\.')}\\b`));
      expect(IMAGE_DIGESTS[m![1]!]).toBe(`sha256:${m![2]}`);
    }
    expect(text).not.toContain('no digest recorded');
  });

  it('stamps the version with -ldflags -X (Dockerfile from VERSION, Makefile from git describe); /app/data only for SQLite', async () => {
    for (const db of ['sqlite', 'postgres', 'none'] as const) {
      const p = plan(await answers({ db }), templates);
      const docker = file(p, 'Dockerfile')!;
      expect(docker).toMatch(/^ARG VERSION=dev$/m);
      expect(docker).toContain('-ldflags="-s -w -X main.version=$VERSION"');
      expect(docker.includes('/app/data'), db).toBe(db === 'sqlite');
      expect(docker.includes('/rootfs/data'), db).toBe(db === 'sqlite');
      expect(file(p, 'Makefile')).toMatch(/^VERSION +\?= \$\(shell git describe --tags --always --dirty 2>\/dev\/null \|\| echo dev\)$/m);
      expect(file(p, 'Makefile')).toMatch(/^LDFLAGS +:= -s -w -X main\.version=\$\(VERSION\)$/m);
      expect(file(p, 'cmd/server/run.go')).toContain('var version = "dev"');
    }
  });
});
