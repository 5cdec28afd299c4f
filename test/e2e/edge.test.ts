/**
 * Issue 4 acceptance: container and edge. The Dockerfile is checked
 * statically (and linted) for every --docker-base and its own build command
 * is run here; compose is parsed for every database x Redis combination;
 * nginx is real, in front of the running generated service.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LIMITS } from '../../src/features/core.js';
import { reason, run, runCli, snapshot, tempDir } from '../helpers/cli.js';
import { buildServer, freePort, startService, type Service } from '../helpers/go.js';
import { notPrepared } from '../helpers/machine.js';
import { nginxBinary, nginxTest, startNginx, type Nginx } from '../helpers/nginx.js';
import { generate } from '../helpers/project.js';

// ---------------------------------------------------------------- Dockerfile

interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** Dockerfile -> instructions, continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { line: number; text: string } | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && !pending)) return;
    const cont = line.endsWith('\\');
    const part = cont ? line.slice(0, -1).trim() : line;
    pending = pending ? { line: pending.line, text: `${pending.text} ${part}` } : { line: i + 1, text: part };
    if (!cont) {
      const m = /^(\S+)\s*(.*)$/.exec(pending.text)!;
      out.push({ line: pending.line, keyword: m[1]!.toUpperCase(), args: m[2]!.trim() });
      pending = undefined;
    }
  });
  return out;
}

interface Stage {
  image: string;
  name?: string;
  platform?: string;
  body: Instruction[];
}

function stages(instructions: Instruction[]): Stage[] {
  const out: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=(\S+)\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      expect(m, `FROM ${ins.args}`).not.toBeNull();
      out.push({ platform: m![1], image: m![2]!, name: m![3], body: [] });
    } else if (out.length > 0) {
      out.at(-1)!.body.push(ins);
    }
  }
  return out;
}

/** "--chown=1:2 --from=builder a b" -> flags and the rest. */
function flags(args: string): { flags: Record<string, string>; rest: string } {
  const result: Record<string, string> = {};
  let rest = args;
  for (;;) {
    const m = /^--([a-z-]+)=(\S+)\s+/.exec(rest);
    if (!m) break;
    result[m[1]!] = result[m[1]!] ? `${result[m[1]!]} ${m[2]}` : m[2]!;
    rest = rest.slice(m[0].length);
  }
  return { flags: result, rest };
}

/** The builder's `go build` RUN: its shell command (mount flags removed) and the stage's ENV. */
function dockerBuildCommand(dockerfile: string): { command: string; env: Record<string, string>; mounts: string } {
  const builder = stages(parseDockerfile(dockerfile))[0]!;
  const runs = builder.body.filter((i) => i.keyword === 'RUN' && /\bgo build\b/.test(i.args));
  expect(runs).toHaveLength(1);
  const { flags: f, rest } = flags(runs[0]!.args);
  const env: Record<string, string> = {};
  for (const i of builder.body.filter((x) => x.keyword === 'ENV')) {
    for (const pair of i.args.split(/\s+/)) {
      const [k, v] = pair.split('=');
      env[k!] = v ?? '';
    }
  }
  return { command: rest, env, mounts: f.mount ?? '' };
}

interface ElfInfo {
  machine: number;
  hasInterp: boolean;
  hasDynamic: boolean;
  sections: string[];
}

/** Reads an ELF64 little-endian header and its program headers. */
function elfInfo(path: string): ElfInfo {
  const b = readFileSync(path);
  expect(b.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  expect(b[4], 'ELF64').toBe(2);
  expect(b[5], 'little-endian').toBe(1);
  const machine = b.readUInt16LE(18);
  const phoff = Number(b.readBigUInt64LE(32));
  const phentsize = b.readUInt16LE(54);
  const phnum = b.readUInt16LE(56);
  const types = Array.from({ length: phnum }, (_, i) => b.readUInt32LE(phoff + i * phentsize));
  // Section names, from the section header string table.
  const shoff = Number(b.readBigUInt64LE(40));
  const shentsize = b.readUInt16LE(58);
  const shnum = b.readUInt16LE(60);
  const strtab = Number(b.readBigUInt64LE(shoff + b.readUInt16LE(62) * shentsize + 24));
  const sections = Array.from({ length: shnum }, (_, i) => {
    const start = strtab + b.readUInt32LE(shoff + i * shentsize);
    return b.subarray(start, b.indexOf(0, start)).toString('latin1');
  });
  return { machine, hasInterp: types.includes(3 /* PT_INTERP */), hasDynamic: types.includes(2 /* PT_DYNAMIC */), sections };
}

const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const hostArch = process.arch === 'arm64' ? 'arm64' : 'amd64';

function goMinorOf(dir: string): string {
  const m = /^go (\d+\.\d+)(?:\.\d+)?$/m.exec(readFileSync(join(dir, 'go.mod'), 'utf8'));
  expect(m, 'go directive in go.mod').not.toBeNull();
  return m![1]!;
}

const BASES = ['distroless', 'alpine', 'scratch'] as const;

/** One verified project per prefix for the nginx tests (no database: the edge is what is under test). */
const NGINX_ARGS = (prefix: string) => ['--prefix', prefix, '--db', 'none', '--port', '8088'];

describe('Dockerfile (static checks and lint, per --docker-base)', () => {
  it.each(BASES)('%s: multi-stage, pinned, static build, non-root final stage, shell-free HEALTHCHECK', async (base) => {
    const { dir } = await generate(['--docker-base', base, '--port', '8181', '--no-verify']);
    const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    const all = parseDockerfile(text);
    const st = stages(all);
    expect(st.length).toBeGreaterThanOrEqual(2);
    const [builder, final] = [st[0]!, st.at(-1)!];

    // Builder: the go.mod release, never latest; runs natively and cross-compiles.
    expect(builder.name).toBe('builder');
    // By digest, the tag kept (issue 26, item 8).
    expect(builder.image).toMatch(new RegExp(`^golang:${goMinorOf(dir).replace('.', '\\.')}@sha256:[0-9a-f]{64}$`));
    expect(builder.platform).toBe('$BUILDPLATFORM');
    // Every image has a tag (or is scratch); none is latest; stage names are unique.
    for (const s of st) {
      if (s.image === 'scratch') continue;
      expect(s.image, `${s.image} pinned`).toMatch(/^[^:@\s]+(?::[\w][\w.-]*)?(?:@sha256:[0-9a-f]{64})?$/);
      expect(s.image, `${s.image} has a tag`).toMatch(/:[\w.-]+$|@sha256:/);
      expect(s.image).not.toMatch(/:latest$/);
    }
    expect(final.image.replace(/@sha256:[0-9a-f]{64}$/, '')).toBe({ distroless: 'gcr.io/distroless/static-debian12:nonroot', alpine: 'alpine:3.22', scratch: 'scratch' }[base]);
    if (base !== 'scratch') expect(final.image).toMatch(/@sha256:[0-9a-f]{64}$/);

    // Module download in its own cached layer, before the sources are copied.
    const kw = builder.body.map((i) => `${i.keyword} ${i.args}`);
    const copyMod = kw.indexOf('COPY go.mod go.sum ./');
    const download = kw.findIndex((l) => /^RUN --mount=type=cache,target=\/go\/pkg\/mod go mod download$/.test(l));
    const copyAll = kw.indexOf('COPY . .');
    expect(copyMod).toBeGreaterThanOrEqual(0);
    expect(download).toBeGreaterThan(copyMod);
    expect(copyAll).toBeGreaterThan(download);

    // The build: static, trimmed, stripped, cross-compiled, both caches mounted.
    const { command, mounts, env } = dockerBuildCommand(text);
    expect(mounts).toContain('type=cache,target=/go/pkg/mod');
    expect(mounts).toContain('type=cache,target=/root/.cache/go-build');
    expect(command).toMatch(/^CGO_ENABLED=0 GOOS=\$TARGETOS GOARCH=\$TARGETARCH go build /);
    expect(command).toContain('-trimpath');
    expect(command).toContain('-ldflags="-s -w -X main.version=$VERSION"');
    expect(command).toContain('-tags timetzdata'); // time zone data in every base
    expect(env.GOTOOLCHAIN).toBe('local');
    const args = builder.body.filter((i) => i.keyword === 'ARG').map((i) => i.args);
    expect(args).toEqual(expect.arrayContaining(['TARGETOS', 'TARGETARCH']));

    // Final stage: no RUN (scratch and distroless have no shell), numeric non-root user.
    expect(final.body.filter((i) => i.keyword === 'RUN')).toEqual([]);
    const users = final.body.filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.args;
    expect(user).toMatch(/^\d+:\d+$/);
    const [uid, gid] = user.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(gid).toBeGreaterThan(0);
    const lastUser = final.body.lastIndexOf(users.at(-1)!);
    expect(final.body.slice(lastUser).some((i) => i.keyword === 'ENTRYPOINT'), 'USER comes before ENTRYPOINT').toBe(true);

    // Binary and data directory owned by that user.
    const copies = final.body.filter((i) => i.keyword === 'COPY').map((i) => flags(i.args));
    const binary = JSON.parse(final.body.find((i) => i.keyword === 'ENTRYPOINT')!.args) as string[];
    expect(binary).toHaveLength(1);
    const owned = (dest: string) => copies.find((c) => c.rest.split(/\s+/).at(-1) === dest);
    for (const dest of [binary[0]!, '/app/data']) {
      expect(owned(dest), `COPY to ${dest}`).toBeDefined();
      expect(owned(dest)!.flags.from).toBe('builder');
      expect(owned(dest)!.flags.chown).toBe(user);
    }
    // CA certificates: distroless/static ships them; the others copy the builder's.
    if (base !== 'distroless') {
      expect(copies.some((c) => c.flags.from === 'builder' && c.rest === '/etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt')).toBe(true);
    }
    if (base === 'scratch') {
      expect(copies.some((c) => c.rest.endsWith(' /etc/'))).toBe(true); // passwd/group for the user
      expect(owned('/tmp')?.flags.chown).toBe(user);
    }
    // The builder's RUN that lays out the final stage's extra files, run here
    // with /rootfs moved into a temp dir: the user it writes is USER.
    const layout = builder.body.filter((i) => i.keyword === 'RUN' && i.args.includes('/rootfs'));
    expect(layout).toHaveLength(1);
    const root = tempDir('cga-rootfs-');
    const laid = spawnSync('sh', ['-c', layout[0]!.args.replaceAll('/rootfs', `${root}/rootfs`)], { encoding: 'utf8' });
    expect(laid.status, laid.stderr).toBe(0);
    expect(existsSync(join(root, 'rootfs/data'))).toBe(true);
    if (base === 'scratch') {
      expect(readFileSync(join(root, 'rootfs/etc/passwd'), 'utf8')).toBe(`nonroot:x:${uid}:${gid}:nonroot:/app:/sbin/nologin\n`);
      expect(readFileSync(join(root, 'rootfs/etc/group'), 'utf8')).toBe(`nonroot:x:${gid}:\n`);
      expect(existsSync(join(root, 'rootfs/tmp'))).toBe(true);
    }
    expect(final.body.filter((i) => i.keyword === 'EXPOSE').map((i) => i.args)).toEqual(['8181']);
    const hc = final.body.find((i) => i.keyword === 'HEALTHCHECK')!;
    expect(hc).toBeDefined();
    const hcCmd = /CMD (\[.*\])$/.exec(hc.args);
    expect(hcCmd, 'HEALTHCHECK in exec form, no shell').not.toBeNull();
    expect(JSON.parse(hcCmd![1]!)).toEqual([binary[0], '-healthcheck']);

    // Nothing a linter would flag outright.
    expect(all.filter((i) => ['ADD', 'MAINTAINER'].includes(i.keyword))).toEqual([]);
    expect(text).not.toMatch(/\bsudo\b|:latest\b/);
    expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1');
  });

  it.each(BASES)('%s: passes the dockerfile-utils linter with every rule as an error', async (base) => {
    const { dir } = await generate(['--docker-base', base, '--port', '8181', '--no-verify']);
    const E = ValidationSeverity.ERROR;
    const diagnostics = validate(readFileSync(join(dir, 'Dockerfile'), 'utf8'), {
      deprecatedMaintainer: E,
      directiveCasing: E,
      emptyContinuationLine: E,
      instructionCasing: E,
      instructionCmdMultiple: E,
      instructionEntrypointMultiple: E,
      instructionHealthcheckMultiple: E,
      instructionJSONInSingleQuotes: E,
      instructionWorkdirRelative: E,
    });
    expect(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('.dockerignore keeps secrets, history and build output out, and the sources in', async () => {
    const { dir } = await generate(['--no-verify']);
    const lines = readFileSync(join(dir, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['.git', '.env', '.env.*', 'bin/', 'data/', '*.pem', '*.key']) expect(lines).toContain(entry);
    for (const needed of ['go.mod', 'go.sum', 'cmd', 'internal', 'web', 'cmd/', 'internal/', 'web/', '*.go', '*']) {
      expect(lines).not.toContain(needed);
    }
  });

  // The default service (pure-Go SQLite, the dependency most likely to pull
  // in cgo) for the host; a lighter one cross-compiled for the other arch.
  // A cold -trimpath build of pure-Go SQLite shares no cache with the other
  // tests' builds: minutes on 2 cores, hence the longer timeout.
  it.each([
    { name: 'default service (pure-Go SQLite), host arch', args: [] as string[], arch: hostArch },
    { name: '--db none, cross-compiled', args: NGINX_ARGS('/api/v1'), arch: hostArch === 'amd64' ? 'arm64' : 'amd64' },
  ])("$name: the Dockerfile's own build command gives a static, stripped binary", async ({ args, arch }) => {
    const { dir } = await generate(args);
    const { command, env } = dockerBuildCommand(readFileSync(join(dir, 'Dockerfile'), 'utf8'));
    const out = /-o (\S+)/.exec(command)![1]!;
    const r = await run('sh', ['-c', command], { cwd: dir, env: { ...env, TARGETOS: 'linux', TARGETARCH: arch, VERSION: 'v9.8.7-stamped' }, timeoutMs: 540_000 });
    expect(r.code, `${command}\n${r.stdout}${r.stderr}`).toBe(0);
    const bin = join(dir, out);
    // The version is stamped in (-X main.version=$VERSION).
    expect(readFileSync(bin).includes('v9.8.7-stamped')).toBe(true);

    const elf = elfInfo(bin);
    expect(elf.machine).toBe(arch === 'amd64' ? EM_X86_64 : EM_AARCH64);
    expect(elf.hasInterp, 'no PT_INTERP: needs no dynamic loader').toBe(false);
    expect(elf.hasDynamic, 'no PT_DYNAMIC: links no shared library').toBe(false);
    expect(elf.sections.filter((n) => n === '.symtab' || /^\.z?debug_/.test(n)), '-s -w: no symbol table, no DWARF').toEqual([]);
    const file = spawnSync('file', [bin], { encoding: 'utf8' });
    if (file.status === 0) expect(file.stdout).toMatch(/statically linked.*stripped|stripped.*statically linked|statically linked/);
    // The build settings Go records in the binary (it leaves -ldflags out under -trimpath).
    const info = spawnSync('go', ['version', '-m', bin], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } }).stdout;
    expect(info).toMatch(/build\s+CGO_ENABLED=0/);
    expect(info).toMatch(/build\s+-trimpath=true/);
    expect(info).toMatch(/build\s+-tags=timetzdata/);
    expect(info).toMatch(new RegExp(`build\\s+GOARCH=${arch}`));
    expect(info).toMatch(/build\s+GOOS=linux/);
    if (arch === hostArch) {
      // It runs with nothing but its own file.
      const printed = spawnSync(bin, ['-print-config'], { encoding: 'utf8', env: { PATH: '/nonexistent' }, cwd: tempDir() });
      expect(printed.status, printed.stderr).toBe(0);
      expect(printed.stdout).toMatch(/^PORT=\d+ \(default\)$/m);
    }
  }, 600_000);

  it('make build stamps the version from git describe, and /healthz names it', async () => {
    const { dir } = await generate(['--db', 'none', '--port', '8088', '--prefix', '/api/v1']);
    const git = (...a: string[]) => run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...a], { cwd: dir });
    for (const a of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'init'], ['tag', 'v1.4.2']]) expect((await git(...a)).code, a.join(' ')).toBe(0);
    const made = await run('make', ['build'], { cwd: dir, env: { GOTOOLCHAIN: 'local' }, timeoutMs: 300_000 });
    expect(made.code, made.stdout + made.stderr).toBe(0);
    const svc = await startService(join(dir, 'bin', (/^BINARY\s+:= (\S+)$/m.exec(readFileSync(join(dir, 'Makefile'), 'utf8')))![1]!), {}, tempDir());
    try {
      expect(await (await fetch(`${svc.url}/healthz`)).json()).toEqual({ status: 'ok', version: 'v1.4.2' });
    } finally {
      await svc.stop();
    }
  });

  // The final image's layout and user, emulated here (no Docker engine):
  // WORKDIR owned by root, only the data directory owned by USER, the binary
  // started as that UID. Needs root to switch users, as CI has; the skip
  // is listed at the end of the run (test/skip-reporter.ts).
  it('runs as the final stage\'s non-root USER with only its data directory writable (SQLite included)', async (ctx) => {
    ctx.skip(process.getuid?.() !== 0, "needs root, to start the binary as the image's numeric USER with setpriv");
    const { dir } = await generate();
    const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    const final = stages(parseDockerfile(text)).at(-1)!;
    const [uid, gid] = final.body.filter((i) => i.keyword === 'USER').at(-1)!.args.split(':').map(Number) as [number, number];
    const workdir = final.body.find((i) => i.keyword === 'WORKDIR')!.args;
    const binary = (JSON.parse(final.body.find((i) => i.keyword === 'ENTRYPOINT')!.args) as string[])[0]!;
    const { command, env } = dockerBuildCommand(text);
    const built = await run('sh', ['-c', command], { cwd: dir, env: { ...env, TARGETOS: 'linux', TARGETARCH: hostArch } });
    expect(built.code, built.stderr).toBe(0);

    const root = tempDir('cga-image-');
    chmodSync(root, 0o755);
    const app = join(root, workdir);
    mkdirSync(join(app, 'data'), { recursive: true });
    chownSync(join(app, 'data'), uid, gid);
    const bin = join(root, binary);
    copyFileSync(join(dir, /-o (\S+)/.exec(command)![1]!), bin);
    chmodSync(bin, 0o755);
    const asUser = ['--reuid', String(uid), '--regid', String(gid), '--clear-groups', '--'];

    const port = await freePort();
    const proc = spawn('setpriv', [...asUser, bin], { cwd: app, env: { PORT: String(port), PPROF_ADDR: '', METRICS_ADDR: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    proc.stdout!.on('data', (d) => (logs += d));
    proc.stderr!.on('data', (d) => (logs += d));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status, { timeout: 30_000, interval: 100 }).toBe(200);
      // The HEALTHCHECK, as the same user.
      const hc = spawnSync('setpriv', [...asUser, bin, '-healthcheck'], { cwd: app, env: { PORT: String(port) }, encoding: 'utf8' });
      expect(hc.status, hc.stderr).toBe(0);
    } finally {
      proc.kill('SIGTERM');
      expect(await exited, logs).toBe(0);
    }
    // SQLite's file is in the data directory, owned by the user; nothing else was written.
    const written = readdirSync(join(app, 'data'));
    expect(written.some((f) => f.endsWith('.db')), `${written}`).toBe(true);
    for (const f of written) expect(statSync(join(app, 'data', f)).uid).toBe(uid);
    expect(readdirSync(app).sort()).toEqual(['data', binary.slice(workdir.length + 1)].sort());
  });

  it('the HEALTHCHECK probe mode exits 0 for a healthy service and 1 when nothing answers', async () => {
    const { dir } = await generate(NGINX_ARGS('/api/v1'));
    const bin = await buildServer(dir);
    const svc = await startService(bin);
    try {
      const ok = spawnSync(bin, ['-healthcheck'], { encoding: 'utf8', env: { PORT: String(svc.port) }, timeout: 10_000 });
      expect(ok.status, ok.stderr).toBe(0);
      const closed = await freePort();
      const bad = spawnSync(bin, ['-healthcheck'], { encoding: 'utf8', env: { PORT: String(closed) }, timeout: 10_000 });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/healthcheck/);
    } finally {
      await svc.stop();
    }
  });
});

// ---------------------------------------------------------------- compose

/** Compose's ${VAR:-default} and ${VAR:?message} with nothing set: the default, or a marker. */
function interpolate(value: unknown): string {
  return String(value).replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_, name: string, def?: string) => def ?? `<required ${name}>`);
}

function ipInSubnet(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const toInt = (a: string) => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  const mask = bits === '0' ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (toInt(ip) & mask) === (toInt(net!) & mask);
}

/** A Compose implementation to validate with: the docker CLI plugin, or Debian's docker-compose. */
function composeCommand(): string[] | undefined {
  if (spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0) return ['docker-compose'];
  return undefined;
}

/** `compose config -q` on the project's file (no engine needed): the Compose schema and interpolation. */
function composeConfig(dir: string, env: Record<string, string>): { code: number | null; output: string } {
  const cmd = composeCommand();
  expect(cmd, notPrepared('neither docker compose nor docker-compose is installed')).toBeDefined();
  const r = spawnSync(cmd![0]!, [...cmd!.slice(1), '-f', join(dir, 'docker-compose.yml'), 'config', '-q'], {
    encoding: 'utf8',
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

const COMBOS = (['sqlite', 'mysql', 'postgres', 'none'] as const).flatMap((db) => [false, true].map((redis) => ({ db, redis })));

describe('docker-compose.yml (parsed), for each database x Redis combination', () => {
  it.each(COMBOS)('db=$db redis=$redis: hardened service, healthy dependencies, nginx in front', async ({ db, redis }) => {
    const { dir } = await generate(['--db', db, redis ? '--redis' : '--no-redis', '--port', '9090', '--no-verify']);
    const compose = parseYaml(readFileSync(join(dir, 'docker-compose.yml'), 'utf8'));
    const app = compose.services.app;

    // The service container: read-only root, scratch space, no capabilities, no escalation.
    expect(app.read_only).toBe(true);
    expect(app.tmpfs.some((t: string) => t.split(':')[0] === '/tmp')).toBe(true);
    expect(app.cap_drop).toEqual(['ALL']);
    expect(app.cap_add).toBeUndefined();
    expect(app.security_opt).toContain('no-new-privileges:true');
    expect(app.privileged).toBeUndefined();
    expect(app.user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(app.build).toBe('.');
    // Configuration from the environment only: no env_file, no config file mounted.
    expect(app.env_file).toBeUndefined();
    expect(app.command).toBeUndefined();
    const env = Object.fromEntries(Object.entries(app.environment as Record<string, unknown>).map(([k, v]) => [k, interpolate(v)]));
    expect(env.PORT).toBe('9090');
    expect(env.GIN_MODE).toBe('release');
    const volumes: string[] = app.volumes ?? [];
    expect(volumes.every((v) => v.endsWith(':/app/data')), `only the data dir is writable: ${volumes}`).toBe(true);
    // Drains before compose's SIGKILL: the drain delay, then the shutdown timeout.
    expect(env.DRAIN_DELAY).toBe('5s');
    expect(env.DOTENV).toBe('off');
    expect(parseInt(app.stop_grace_period, 10)).toBeGreaterThan(parseInt(env.DRAIN_DELAY as string, 10) + parseInt(LIMITS.shutdownTimeout, 10));
    expect(app.healthcheck.test).toEqual(['CMD', expect.stringMatching(/^\/app\//), '-healthcheck']);
    // A memory bound, and the Go runtime's soft limit under it (the GC works harder before an OOM kill).
    const limit = Number(/^(\d+)m$/.exec(app.mem_limit)?.[1]) * 2 ** 20;
    const goLimit = Number(/^(\d+)MiB$/.exec(env.GOMEMLIMIT as string)?.[1]) * 2 ** 20;
    expect(goLimit).toBeGreaterThan(0.8 * limit);
    expect(goLimit).toBeLessThan(limit);

    // Database: a server with a healthcheck the service waits for, or SQLite in the data volume.
    const dbServer = db === 'mysql' || db === 'postgres';
    expect(Boolean(compose.services.db)).toBe(dbServer);
    expect(app.depends_on?.db?.condition).toBe(dbServer ? 'service_healthy' : undefined);
    if (dbServer) {
      const svc = compose.services.db;
      expect(svc.image).toMatch(db === 'mysql' ? /^mysql:\d+\.\d+$/ : /^postgres:\d+-alpine$/);
      expect(svc.healthcheck.test[0]).toMatch(/^CMD/);
      expect(svc.healthcheck.test.join(' ')).toMatch(db === 'mysql' ? /mysqladmin ping/ : /pg_isready/);
      expect(svc.networks).toEqual(['backend']);
      expect(svc.ports).toBeUndefined();
      expect(env.DATABASE_URL).toMatch(db === 'mysql' ? /@tcp\(db:3306\)\// : /^postgres:\/\/[^@]+@db:5432\//);
      expect(env.DATABASE_URL).toContain('<required DB_PASSWORD>');
    } else if (db === 'sqlite') {
      expect(env.DATABASE_URL).toMatch(/^\/app\/data\/[^/]+\.db$/);
      expect(volumes).toEqual(['data:/app/data']);
      expect(compose.volumes).toHaveProperty('data');
    } else {
      expect(env.DATABASE_URL).toBeUndefined();
    }

    // Redis likewise.
    expect(Boolean(compose.services.redis)).toBe(redis);
    expect(app.depends_on?.redis?.condition).toBe(redis ? 'service_healthy' : undefined);
    if (redis) {
      expect(compose.services.redis.image).toMatch(/^redis:\d+\.\d+-alpine$/);
      expect(compose.services.redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
      expect(compose.services.redis.networks).toEqual(['backend']);
      expect(env.REDIS_URL).toBe('redis://redis:6379/0');
    } else {
      expect(env.REDIS_URL).toBeUndefined();
    }
    // Stores sit on an internal network only the service also joins.
    if (dbServer || redis) {
      expect(compose.networks.backend.internal).toBe(true);
      expect(app.networks).toContain('backend');
    } else {
      expect(compose.networks.backend).toBeUndefined();
    }

    // nginx in front: the only published port, the only trusted proxy.
    const nginx = compose.services.nginx;
    expect(nginx.image).toMatch(/^nginxinc\/nginx-unprivileged:\d+\.\d+-alpine$/);
    expect(nginx.read_only).toBe(true);
    expect(nginx.cap_drop).toEqual(['ALL']);
    expect(nginx.security_opt).toContain('no-new-privileges:true');
    expect(nginx.tmpfs.some((t: string) => t.split(':')[0] === '/tmp')).toBe(true);
    expect(nginx.volumes).toEqual(['./nginx/nginx.conf:/etc/nginx/nginx.conf:ro']);
    expect(nginx.depends_on.app.condition).toBe('service_healthy');
    expect(app.ports).toBeUndefined();
    expect(app.expose).toEqual(['9090']);
    const nginxIp = interpolate(nginx.networks.edge.ipv4_address);
    expect(env.TRUSTED_PROXIES).toBe(nginxIp);
    expect(ipInSubnet(nginxIp, interpolate(compose.networks.edge.ipam.config[0].subnet))).toBe(true);
    // nginx.conf points at this service and port, and listens where compose publishes.
    const conf = readFileSync(join(dir, 'nginx/nginx.conf'), 'utf8');
    expect(conf).toMatch(/^\s*server app:9090;$/m);
    const [published, target] = (nginx.ports as string[])[0]!.split(':');
    expect(published).toBe('9090');
    expect(conf).toMatch(new RegExp(`^\\s*listen ${target};$`, 'm'));
    // A real Compose implementation accepts the file; database passwords are required, not defaulted.
    const secrets: Record<string, string> = dbServer ? { DB_PASSWORD: 'pw', DB_ROOT_PASSWORD: 'rootpw' } : {};
    const valid = composeConfig(dir, secrets);
    expect(valid.code, valid.output).toBe(0);
    if (dbServer) {
      const missing = composeConfig(dir, {});
      expect(missing.code).not.toBe(0);
      expect(missing.output).toMatch(/set DB_PASSWORD/);
    }
    // The same nginx invocation the tests below use: prefix and pid in the tmpfs.
    expect(nginx.entrypoint).toEqual(['nginx', '-p', '/tmp/', '-c', '/etc/nginx/nginx.conf', '-e', 'stderr', '-g', 'daemon off; pid /tmp/nginx.pid;']);
  });

  it('--no-nginx: no nginx service or config, the service publishes its port and trusts no proxy', async () => {
    const { dir } = await generate(['--no-nginx', '--no-verify']);
    const compose = parseYaml(readFileSync(join(dir, 'docker-compose.yml'), 'utf8'));
    expect(compose.services.nginx).toBeUndefined();
    expect(existsSync(join(dir, 'nginx'))).toBe(false);
    expect(compose.services.app.ports).toEqual(['8080:8080']);
    expect(compose.services.app.environment.TRUSTED_PROXIES).toBe('');
    expect(compose.services.app.read_only).toBe(true);
    expect(compose.networks.edge?.ipam).toBeUndefined();
    const valid = composeConfig(dir, {});
    expect(valid.code, valid.output).toBe(0);
  });
});

// ---------------------------------------------------------------- nginx, for real

/** Points the generated config at test ports on loopback. */
function confForTest(conf: string, nginxPort: number, servicePort: number, answersPort: number): string {
  const listen = /^(\s*)listen \d+;$/gm;
  const upstream = new RegExp(`^(\\s*)server app:${answersPort};$`, 'gm');
  expect(conf.match(listen)).toHaveLength(1);
  expect(conf.match(upstream)).toHaveLength(1);
  return conf.replace(listen, `$1listen 127.0.0.1:${nginxPort};`).replace(upstream, `$1server 127.0.0.1:${servicePort};`);
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with a raw path (no URL normalisation) from a chosen loopback address. */
function send(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; from?: string; body?: Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.from, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

interface AccessRecord {
  /** The route template; path instead when no route matched. */
  route?: string;
  path?: string;
  status: number;
  client_ip: string;
  request_id: string;
}

/** The generated service's JSON access records. */
function records(svc: Service): AccessRecord[] {
  return svc
    .logs()
    .split('\n')
    .flatMap((l) => {
      try {
        const r = JSON.parse(l);
        return r.msg === 'request' ? [r as AccessRecord] : [];
      } catch {
        return [];
      }
    });
}

/** Waits for the access record of a request ID. */
async function recordOf(svc: Service, id: string): Promise<AccessRecord> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const r = records(svc).find((x) => x.request_id === id);
    if (r) return r;
    if (Date.now() > deadline) throw new Error(`no access record for ${id}:\n${svc.logs()}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

let seq = 0;
const newId = () => `edge-${process.pid}-${++seq}`;

const PREFIXES = ['/api/v1', '/v2/orders-api', '/orders'];

describe.each(PREFIXES)('nginx in front of the service, prefix %s', (prefix) => {
  let dir: string;
  let svc: Service | undefined;
  let nginx: Nginx | undefined;
  let port: number;
  let conf: string;

  beforeAll(async () => {
    expect(nginxBinary(), notPrepared('nginx is not installed')).toBeDefined();
    ({ dir } = await generate(NGINX_ARGS(prefix)));
    const bin = await buildServer(dir);
    // Gin believes X-Forwarded-For from nginx's address only, as compose sets it.
    svc = await startService(bin, { TRUSTED_PROXIES: '127.0.0.1' });
    port = await freePort();
    conf = confForTest(readFileSync(join(dir, 'nginx/nginx.conf'), 'utf8'), port, svc.port, 8088);
    nginx = await startNginx(conf, port);
  });

  afterAll(async () => {
    await nginx?.stop();
    await svc?.stop();
  });

  it('nginx -t accepts the generated config; location and proxy_pass keep the prefix', () => {
    const t = nginxTest(conf);
    expect(t.code, t.output).toBe(0);
    expect(t.output).toMatch(/syntax is ok/);
    expect(conf).toContain(`location ${prefix}/ {`);
    expect(conf).toMatch(/^\s*proxy_pass http:\/\/app;$/m); // no URI part: the path goes through unchanged
    expect(conf).toMatch(/^\s*server_tokens off;$/m);
    expect(conf).toContain(`client_max_body_size ${LIMITS.maxBodyBytes};`);
    expect(conf).toMatch(new RegExp(`proxy_read_timeout ${parseInt(LIMITS.writeTimeout, 10)}s;`));
    expect(conf).toMatch(new RegExp(`client_header_timeout ${parseInt(LIMITS.readHeaderTimeout, 10)}s;`));
    expect(conf).toMatch(/^\s*keepalive \d+;$/m);
    for (const h of ['X-Forwarded-For $remote_addr', 'X-Real-IP $remote_addr', 'X-Forwarded-Proto $scheme', 'X-Request-ID $upstream_request_id']) {
      expect(conf).toContain(`proxy_set_header ${h};`);
    }
  });

  it(`${prefix}/ping answers 200 through nginx, and Gin sees the path the client sent`, async () => {
    const id = newId();
    const res = await send(port, `${prefix}/ping`, { headers: { 'X-Request-ID': id } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ message: 'pong' });
    expect(res.headers['x-request-id']).toBe(id);
    const rec = await recordOf(svc!, id);
    expect(rec.route).toBe(`${prefix}/ping`);
    expect(rec.status).toBe(200);
    // Embedded assets under the prefix, too.
    expect((await send(port, `${prefix}/static/index.html`)).status).toBe(200);
  });

  it('paths outside the prefix and look-alikes never reach Gin', async () => {
    const before = records(svc!).length; // startService's own /healthz probes
    const outside = [
      '/ping',
      '/healthz',
      '/readyz',
      `${prefix}x/ping`,
      `${prefix}-x/ping`,
      `${prefix.toUpperCase()}/ping`,
      `${prefix}/../healthz`,
      `${prefix}/%2e%2e/%2e%2e/%2e%2e/healthz`,
      `${prefix}%2F..%2Fhealthz`,
    ];
    const ids: string[] = [];
    for (const path of outside) {
      const id = newId();
      ids.push(id);
      const res = await send(port, path, { headers: { 'X-Request-ID': id } });
      // 404 from nginx's catch-all, or 400 for a path that climbs above the root.
      expect([400, 404], `${path}: ${res.status}`).toContain(res.status);
      expect(res.body, `${path}: nginx's page, not Gin's JSON`).not.toContain('"error"');
      expect(res.headers.server, 'server_tokens off').toBe('nginx');
    }
    // The bare prefix is redirected by nginx to prefix/, not proxied.
    const bareId = newId();
    ids.push(bareId);
    const bare = await send(port, prefix, { headers: { 'X-Request-ID': bareId } });
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toMatch(new RegExp(`${prefix.replace(/[/-]/g, '\\$&')}/$`));

    // A request that does reach Gin, after all of the above: once its record
    // is there, any record of theirs would be too.
    const sentinel = newId();
    expect((await send(port, `${prefix}/ping`, { headers: { 'X-Request-ID': sentinel } })).status).toBe(200);
    await recordOf(svc!, sentinel);
    const seen = records(svc!).slice(before);
    expect(seen.filter((r) => ids.includes(r.request_id))).toEqual([]);
    expect(seen.filter((r) => !(r.route ?? r.path)!.startsWith(`${prefix}/`))).toEqual([]);
  });

  it("a client's X-Forwarded-For does not change the IP Gin reports; nginx's does", async () => {
    // Straight to Gin: the peer is not a trusted proxy, so its header is ignored.
    const direct = newId();
    await send(svc!.port, `${prefix}/ping`, { from: '127.0.0.5', headers: { 'X-Request-ID': direct, 'X-Forwarded-For': '203.0.113.7', 'X-Real-IP': '203.0.113.7' } });
    expect((await recordOf(svc!, direct)).client_ip).toBe('127.0.0.5');

    // Through nginx with a forged header: Gin reports the address nginx saw.
    const forged = newId();
    await send(port, `${prefix}/ping`, { from: '127.0.0.5', headers: { 'X-Request-ID': forged, 'X-Forwarded-For': '203.0.113.7', 'X-Real-IP': '203.0.113.8' } });
    expect((await recordOf(svc!, forged)).client_ip).toBe('127.0.0.5');

    // Through nginx from two other clients: nginx's header, not its own
    // address (127.0.0.1, the peer Gin sees), is what Gin reports.
    for (const from of ['127.0.0.6', '127.0.0.7']) {
      const id = newId();
      await send(port, `${prefix}/ping`, { from, headers: { 'X-Request-ID': id } });
      expect((await recordOf(svc!, id)).client_ip).toBe(from);
    }
  });

  it("nginx replaces a forged X-Forwarded-For even when the service trusts the client's whole network", async () => {
    // Appending ($proxy_add_x_forwarded_for) would let 203.0.113.7 through
    // here: Gin skips trusted hops from the right. nginx sets the header.
    const wide = await startService(join(dir, 'bin', 'server'), { TRUSTED_PROXIES: '127.0.0.0/8' });
    const widePort = await freePort();
    const wideNginx = await startNginx(confForTest(readFileSync(join(dir, 'nginx/nginx.conf'), 'utf8'), widePort, wide.port, 8088), widePort);
    try {
      const id = newId();
      await send(widePort, `${prefix}/ping`, { from: '127.0.0.5', headers: { 'X-Request-ID': id, 'X-Forwarded-For': '203.0.113.7', 'X-Real-IP': '203.0.113.8' } });
      expect((await recordOf(wide, id)).client_ip).toBe('127.0.0.5');
    } finally {
      await wideNginx.stop();
      await wide.stop();
    }
  });

  it('X-Request-ID goes through; without one, nginx makes one and both logs carry it', async () => {
    const res = await send(port, `${prefix}/ping`);
    expect(res.status).toBe(200);
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect((await recordOf(svc!, id)).route).toBe(`${prefix}/ping`);
    await expect.poll(() => nginx!.logs()).toContain(`id=${id}`);
  });

  it("bodies over the service's limit are refused by nginx; smaller ones go through", async () => {
    const big = newId();
    const res = await send(port, `${prefix}/ping`, { method: 'POST', headers: { 'X-Request-ID': big }, body: Buffer.alloc(LIMITS.maxBodyBytes + 1, 'a') });
    expect(res.status).toBe(413);
    const small = newId();
    await send(port, `${prefix}/ping`, { method: 'POST', headers: { 'X-Request-ID': small }, body: Buffer.alloc(1024, 'a') });
    await recordOf(svc!, small); // reached Gin (which has no POST route)
    expect(records(svc!).filter((r) => r.request_id === big)).toEqual([]);
  });
});

// ---------------------------------------------------------------- bad input

const badPrefixes: { prefix: string; message: RegExp }[] = [
  { prefix: '/api/%761', message: /segment "%761" may use only/ },
  { prefix: '/api/v1;', message: /may use only/ },
  { prefix: '/api/{v1}', message: /may use only/ },
  { prefix: '/api/v1#x', message: /may use only/ },
  { prefix: '/api/v1?x=1', message: /may use only/ },
  { prefix: '/api/$host', message: /may use only/ },
  { prefix: '/api/*rest', message: /may use only/ },
  { prefix: '/api\\v1', message: /may use only/ },
  { prefix: '/api//v1', message: /contains "\/\/"/ },
  { prefix: '/api/./v1', message: /"\." and "\.\." segments/ },
  { prefix: '/.hidden', message: /may use only/ },
  { prefix: '/readyz/x', message: /\/readyz is reserved/ },
  { prefix: '/ä', message: /may use only/ },
];

describe('prefixes nginx and Gin would read differently are rejected before anything is written', () => {
  it.each(badPrefixes)('--prefix $prefix', async ({ prefix, message }) => {
    const cwd = tempDir('cga-bad-edge-');
    const result = await runCli(['svc', '--prefix', prefix, '--yes'], { cwd });
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    const line = reason(result);
    expect(line).toMatch(/invalid prefix/);
    expect(line).toMatch(message);
    expect(line).not.toMatch(/\n/);
    expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(snapshot(cwd)).toEqual({});
  });

  it('a prefix is normalised once, and Gin, nginx and gin-app.json all get the same one', async () => {
    const { dir } = await generate(['--prefix', 'v2/orders-api/', '--no-verify']);
    expect(JSON.parse(readFileSync(join(dir, 'gin-app.json'), 'utf8')).answers.prefix).toBe('/v2/orders-api');
    expect(readFileSync(join(dir, 'internal/server/routes.go'), 'utf8')).toContain('r.Group("/v2/orders-api")');
    expect(readFileSync(join(dir, 'nginx/nginx.conf'), 'utf8')).toContain('location /v2/orders-api/ {');
  });
});
