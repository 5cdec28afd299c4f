/** The CLI contract seen from outside: bad input, no TTY, dry run, --force, toolchain failures, Ctrl-C. */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, CLI, reason, run, runCli, snapshot, tempDir } from '../helpers/cli.js';

interface BadCase {
  name: string;
  args: string[];
  message: RegExp;
  setup?(cwd: string): void;
}

const bad: BadCase[] = [
  { name: 'port out of range', args: ['svc', '--port', '70000'], message: /--port must be a whole number from 1024 to 65535 \(got "70000"\)/ },
  { name: 'port not a number', args: ['svc', '--port', 'http'], message: /--port must be a whole number/ },
  { name: 'privileged port', args: ['svc', '--port', '80'], message: /--port must be a whole number from 1024/ },
  { name: 'port without a value', args: ['svc', '--port'], message: /--port needs a value/ },
  { name: 'module with spaces', args: ['svc', '--module', 'not a module'], message: /invalid module path "not a module"/ },
  { name: 'module with an empty element', args: ['svc', '--module', 'example.com//svc'], message: /invalid module path .*empty path element/ },
  { name: 'module starting with a slash', args: ['svc', '--module', '/svc'], message: /invalid module path "\/svc"/ },
  { name: 'module with a /v1 suffix (Go: major-version suffixes start at v2)', args: ['svc', '--module', 'example.com/x/v1'], message: /invalid module path "example\.com\/x\/v1": it ends in \/v1/ },
  { name: 'module with a Windows device name', args: ['svc', '--module', 'example.com/aux/x'], message: /invalid module path "example\.com\/aux\/x": "aux" is a reserved file name on Windows/ },
  { name: 'module with a leading dash', args: ['svc', '--module', 'example.com/-x'], message: /invalid module path "example\.com\/-x": its last element "-x" must start with/ },
  { name: 'unknown option', args: ['svc', '--frobnicate'], message: /unknown option --frobnicate/ },
  { name: 'unknown short option', args: ['svc', '-x'], message: /unknown option -x/ },
  { name: 'prefix with a Gin parameter', args: ['svc', '--prefix', '/api/:id'], message: /invalid prefix "\/api\/:id"/ },
  { name: 'root prefix', args: ['svc', '--prefix', '/'], message: /invalid prefix "\/": it needs at least one path segment/ },
  { name: 'prefix with a space', args: ['svc', '--prefix', '/api v1'], message: /invalid prefix/ },
  { name: 'prefix with a dot-dot segment', args: ['svc', '--prefix', '/api/../admin'], message: /"\." and "\.\." segments/ },
  { name: 'prefix taking a reserved path', args: ['svc', '--prefix', '/healthz'], message: /\/healthz is reserved/ },
  { name: 'unknown database', args: ['svc', '--db', 'oracle'], message: /--db must be one of sqlite, mysql, postgres, none \(got "oracle"\)/ },
  { name: 'unknown docker base', args: ['svc', '--docker-base', 'ubuntu'], message: /--docker-base must be one of distroless, alpine, scratch/ },
  { name: 'pprof port equal to the HTTP port', args: ['svc', '--port', '9000', '--pprof-port', '9000'], message: /--pprof-port 9000 must differ from --port/ },
  { name: 'metrics port equal to the HTTP port', args: ['svc', '--metrics-port', '8080'], message: /--metrics-port 8080 must differ from --port/ },
  { name: 'metrics port equal to the pprof port', args: ['svc', '--pprof-port', '7000', '--metrics-port', '7000'], message: /--metrics-port 7000 must differ from --pprof-port/ },
  { name: 'metrics port out of range', args: ['svc', '--metrics-port', '70000'], message: /--metrics-port must be a whole number from 1024 to 65535 \(got "70000"\)/ },
  { name: 'privileged metrics port', args: ['svc', '--metrics-port', '443'], message: /--metrics-port must be a whole number from 1024/ },
  { name: 'metrics port set to a non-number', args: ['svc', '--set', 'metrics-port=prom'], message: /--metrics-port must be a whole number/ },
  { name: 'malformed Go version', args: ['svc', '--go', 'latest'], message: /invalid Go version "latest"/ },
  { name: 'Go version older than gin needs', args: ['svc', '--go', '1.21'], message: /--go 1\.21\.0 is too old/ },
  { name: '--set without key=value', args: ['svc', '--set', 'port'], message: /--set needs key=value/ },
  { name: '--set of an unknown key', args: ['svc', '--set', 'colour=blue'], message: /unknown option --set colour/ },
  { name: 'boolean with a non-boolean value', args: ['svc', '--set', 'redis=maybe'], message: /--set redis must be true or false/ },
  { name: 'run flag given a value', args: ['svc', '--yes=1'], message: /--yes takes no value/ },
  { name: 'two directories', args: ['a', 'b'], message: /unexpected argument "b"/ },
  { name: '--check outside update', args: ['svc', '--check'], message: /--check is for update: create-gin-app update --check/ },
  {
    name: 'target is a file',
    args: ['svc'],
    setup: (cwd) => writeFileSync(join(cwd, 'svc'), 'not a dir'),
    message: /target .*svc exists and is not a directory/,
  },
  {
    name: 'non-empty target without --force',
    args: ['svc'],
    setup: (cwd) => {
      mkdirSync(join(cwd, 'svc'));
      writeFileSync(join(cwd, 'svc', 'notes.txt'), 'mine');
    },
    message: /target directory .*svc is not empty \(use --force/,
  },
];

describe('bad input is rejected before anything is written', () => {
  it.each(bad)('$name', async ({ args, message, setup }) => {
    const cwd = tempDir('cga-bad-');
    setup?.(cwd);
    const before = snapshot(cwd);
    const result = await runCli([...args, '--yes'], { cwd });
    expect(result.code).toBe(2);
    expect(reason(result)).toMatch(/^create-gin-app: /);
    expect(reason(result)).toMatch(message);
    // One line: the reason and nothing else.
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(snapshot(cwd)).toEqual(before);
  });
});

describe('flags of another command', () => {
  it.each([
    { args: ['update', '--force'], message: /^create-gin-app: --force is for creating a service in a non-empty directory: create-gin-app \[dir\] \[options\] --force$/ },
    { args: ['update', '--go-work'], message: /^create-gin-app: --go-work is for creating a service in a repository without go\.work/ },
    { args: ['add', 'resource', 'orders', '--field', 'a:int', '--go-work'], message: /^create-gin-app: --go-work is for creating a service/ },
    { args: ['svc2', '--field', 'a:int'], message: /^create-gin-app: --field is for add resource: create-gin-app add resource <name>/ },
  ])('$args.0 $args.1 is refused with one line, exit 2, nothing written', async ({ args, message }) => {
    const cwd = tempDir('cga-misplaced-');
    const gen = await runCli(['svc', '--yes', '--no-verify'], { cwd });
    expect(gen.code, gen.stderr).toBe(0);
    const before = snapshot(cwd);
    // update and add run inside the service (their directory defaults to .); create makes another one.
    const result = await runCli([...args, '--yes'], { cwd: args[0] === 'svc2' ? cwd : join(cwd, 'svc') });
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(reason(result)).toMatch(message);
    expect(snapshot(cwd)).toEqual(before);
  });

  it('names the next command in the package manager the user runs (npm_config_user_agent)', async () => {
    const cwd = tempDir('cga-agent-');
    expect((await runCli(['svc', '--yes', '--no-verify', '--db', 'none'], { cwd })).code).toBe(0);
    const result = await runCli(['add', 'resource', 'orders', 'svc', '--field', 'total:int'], { cwd, env: { npm_config_user_agent: 'pnpm/9.12.0 npm/? node/v22.22.2 linux x64' } });
    expect(result.code).toBe(2);
    expect(reason(result)).toMatch(/add one first with pnpm dlx create-gin-app update svc --set db=sqlite/);
  });
});

describe('contract', () => {
  it('never waits for input without a TTY, even without --yes', async () => {
    const cwd = tempDir();
    const result = await runCli(['svc', '--no-verify'], { cwd, openStdin: true, timeoutMs: 20_000 });
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'svc', 'gin-app.json'), 'utf8')).answers.port).toBe(8080);
  });

  it('uses ./gin-app when no directory is given', async () => {
    const cwd = tempDir();
    const result = await runCli(['--yes', '--no-verify'], { cwd });
    expect(result.code).toBe(0);
    expect(existsSync(join(cwd, 'gin-app', 'cmd/server/main.go'))).toBe(true);
  });

  it('--dry-run prints the plan and writes nothing', async () => {
    const cwd = tempDir();
    const result = await runCli(['svc', '--yes', '--dry-run'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Would create \d+ files in svc/);
    expect(result.stdout).toContain('cmd/server/main.go');
    expect(result.stdout).toContain('gin-app.json');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('--force writes into a non-empty directory and leaves other files alone', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'svc'));
    writeFileSync(join(cwd, 'svc', 'notes.txt'), 'mine');
    const result = await runCli(['svc', '--yes', '--no-verify', '--force'], { cwd });
    expect(result.code).toBe(0);
    expect(readFileSync(join(cwd, 'svc', 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(cwd, 'svc', 'go.mod'))).toBe(true);
    expect(readdirSync(cwd)).toEqual(['svc']);
  });

  it('after --no-verify, the Next: lines quote a directory with a space and run go mod tidy before building', async () => {
    const cwd = tempDir();
    const result = await runCli(['My Service', '--yes', '--no-verify', '--db', 'none'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const next = result.stdout.slice(result.stdout.indexOf('Next:\n')).split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    expect(next.slice(0, 3)).toEqual(["cd 'My Service'", 'go mod tidy', 'make run']);
    // The lines before `make run`, typed into a shell, leave a service that builds (make run is go run).
    const typed = next.slice(0, next.indexOf('make run'));
    const shell = await run('sh', ['-c', [...typed, 'go build ./...'].join(' && ')], { cwd, env: { GOTOOLCHAIN: 'local' } });
    expect(shell.code, shell.stdout + shell.stderr).toBe(0);
    // Verified runs need no tidy step.
    const verified = await runCli(['plain', '--yes', '--db', 'none'], { cwd });
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/Next:\n {2}cd plain\n {2}make run\n/);
  });

  it('--help lists every option and --version prints the version', async () => {
    const cwd = tempDir();
    const help = await runCli(['--help'], { cwd });
    expect(help.code).toBe(0);
    for (const flag of ['--module', '--port', '--prefix', '--db', '--redis', '--nginx', '--docker-base', '--pprof-port', '--no-pprof', '--syslog', '--metrics-port', '--no-metrics', '--go', '--set', '--yes', '--no-verify', '--dry-run', '--force', '--help', '--version']) {
      expect(help.stdout).toContain(flag);
    }
    const version = await runCli(['-v'], { cwd });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(CLI, '../../package.json'), 'utf8')).version);
  });
});

describe('Go toolchain problems are clear and leave nothing behind', () => {
  it('reports a missing Go toolchain', async () => {
    const cwd = tempDir();
    const result = await runCli(['svc', '--yes'], { cwd, env: { PATH: '/usr/bin:/bin' } });
    expect(result.code).toBe(1);
    expect(reason(result)).toBe('create-gin-app: Go toolchain not found on PATH: install Go (https://go.dev/dl) or pass --no-verify');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('reports a toolchain older than the go directive', async () => {
    const cwd = tempDir();
    const result = await runCli(['svc', '--yes', '--go', '1.99'], { cwd });
    expect(result.code).toBe(1);
    expect(reason(result)).toMatch(/the local Go toolchain \(go1\.\d+.*\) is older than go 1\.99\.0 in go\.mod/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('reports modules that cannot be downloaded', async () => {
    const cwd = tempDir();
    const modcache = tempDir('cga-modcache-');
    const result = await runCli(['svc', '--yes'], { cwd, env: { GOPROXY: 'off', GOMODCACHE: modcache, GOFLAGS: '-modcacherw' } });
    expect(result.code).toBe(1);
    expect(reason(result)).toMatch(/go mod tidy could not download the Go modules/);
    expect(result.stdout).toMatch(/✖ go mod tidy/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('Ctrl-C during verification leaves nothing behind', async () => {
    const cwd = tempDir();
    // A proxy that accepts connections and never answers keeps `go mod tidy` busy.
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const hang = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as { port: number }).port;
    const child = spawn(process.execPath, [CLI, 'svc', '--yes'], {
      cwd,
      detached: true, // its own process group, as a terminal's foreground job
      env: cleanEnv({ GOPROXY: `http://127.0.0.1:${port}`, GOMODCACHE: tempDir('cga-modcache-'), GOFLAGS: '-modcacherw' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await new Promise<void>((r) =>
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('Verifying')) r();
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(readdirSync(cwd).length).toBe(1); // the staging directory exists now
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(130);
    for (const s of sockets) s.destroy();
    hang.close();
    expect(readdirSync(cwd)).toEqual([]);
  });
});
