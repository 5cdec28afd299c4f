/** Issue 6: `create-gin-app update` on real generated projects kept in temp git repos. */
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, reason, ROOT, run, runCli, snapshot, tempDir } from '../helpers/cli.js';
import { go } from '../helpers/go.js';

/**
 * A freshly generated project (verified unless args say --no-verify) in a git
 * repo. Each args combination is created once per file, and each call returns
 * a copy of its own (the same path shape, <tmp>/svc), so tests that edit and
 * update it never see each other's changes.
 */
const originals = new Map<string, Promise<string>>();
async function project(args: string[] = []): Promise<string> {
  const key = args.join('\0');
  let original = originals.get(key);
  if (!original) {
    original = (async () => {
      const cwd = tempDir('cga-up-');
      const created = await runCli(['svc', ...args, '--yes'], { cwd });
      expect(created.code, created.stderr).toBe(0);
      const dir = join(cwd, 'svc');
      for (const git of [['init', '-q'], ['add', '-A'], ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'generated']]) {
        expect((await run('git', git, { cwd: dir })).code).toBe(0);
      }
      return dir;
    })();
    originals.set(key, original);
  }
  const from = await original;
  const dir = join(tempDir('cga-up-'), 'svc');
  cpSync(from, dir, { recursive: true, verbatimSymlinks: true });
  expect(snapshot(dir)).toEqual(snapshot(from));
  expect((await run('git', ['status', '--porcelain'], { cwd: dir })).stdout).toBe('');
  return dir;
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
const edit = (dir: string, path: string, from: string | RegExp, to: string) => {
  const before = read(dir, path);
  const after = before.replace(from, to);
  expect(after, `edit of ${path} did not apply`).not.toBe(before);
  writeFileSync(join(dir, path), after);
};
const withoutGit = (snap: Record<string, string>) => Object.fromEntries(Object.entries(snap).filter(([k]) => !k.startsWith('.git/') && k !== '.git'));

describe('create-gin-app update', () => {
  it('(a) without edits, a new port changes every occurrence and equals a fresh generation', async () => {
    const dir = await project();
    const result = await runCli(['update', '--set', 'port=9091'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/update\s+internal\/config\/config\.go/);
    expect(result.stdout).toMatch(/✔ go build/);
    const fresh = tempDir('cga-fresh-');
    expect((await runCli(['svc', '--port', '9091', '--yes'], { cwd: fresh })).code).toBe(0);
    expect(withoutGit(snapshot(dir))).toEqual(snapshot(join(fresh, 'svc')));
    // Everywhere the port appears: config default, .env.example, Dockerfile, nginx, compose, README.
    expect(read(dir, 'internal/config/config.go')).toContain('default:"9091"');
    expect(read(dir, '.env.example')).toContain('PORT=9091');
    expect(read(dir, 'Dockerfile')).toContain('EXPOSE 9091');
    expect(read(dir, 'nginx/nginx.conf')).toContain('server app:9091;');
    expect(read(dir, 'docker-compose.yml')).toContain('9091');
    expect(read(dir, 'README.md')).toContain('localhost:9091');
  });

  it('(b) keeps edits in Go files and nginx.conf while adding Redis and moving the port; builds and tests pass', async () => {
    const dir = await project();
    appendFileSync(join(dir, 'internal/config/config.go'), '\n// Describe names the service for operators.\nfunc (c *Config) Describe() string { return "svc on " + strconv.Itoa(c.Port) }\n');
    const nginx = existsSync(join(dir, 'nginx/nginx.conf')) ? 'nginx/nginx.conf' : 'nginx.conf';
    writeFileSync(join(dir, nginx), `# tuned by ops\n${read(dir, nginx)}`);
    edit(dir, 'cmd/server/main.go', 'func main() {', '// main is the entry point; see run.go.\nfunc main() {');

    const result = await runCli(['update', '--set', 'port=9092', '--set', 'redis=true'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(read(dir, 'internal/config/config.go')).toContain('func (c *Config) Describe() string');
    expect(read(dir, 'internal/config/config.go')).toContain('"9092"');
    expect(read(dir, 'internal/config/config.go')).toContain('REDIS_URL');
    expect(read(dir, nginx)).toMatch(/^# tuned by ops\n/);
    expect(read(dir, nginx)).toContain('9092');
    expect(read(dir, 'cmd/server/main.go')).toContain('// main is the entry point; see run.go.');
    expect(read(dir, 'go.mod')).toContain('github.com/redis/go-redis/v9');
    expect(JSON.parse(read(dir, 'gin-app.json')).answers).toMatchObject({ port: 9092, redis: true });
    await go(dir, ['build', './...']);
    await go(dir, ['test', './...']);
  });

  it('(c) an edit of the very line the update changes is a marked conflict, and nothing else is lost', async () => {
    const dir = await project();
    edit(dir, 'internal/config/config.go', 'default:"8080"', 'default:"8181"');
    appendFileSync(join(dir, 'README.md'), '\nOur runbook: see the wiki.\n');
    const result = await runCli(['update', '--set', 'port=9093'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(reason(result)).toBe('create-gin-app: 1 file(s) have conflicts: internal/config/config.go');
    expect(result.stdout).toMatch(/conflict\s+internal\/config\/config\.go/);
    const config = read(dir, 'internal/config/config.go');
    expect(config).toMatch(/<<<<<<< yours\n.*default:"8181".*\n=======\n.*default:"9093".*\n>>>>>>> create-gin-app \(new answers\)\n/);
    expect(read(dir, 'README.md')).toContain('Our runbook: see the wiki.');
    expect(read(dir, 'README.md')).toContain('9093');
    expect(JSON.parse(read(dir, 'gin-app.json')).answers.port).toBe(9093);
  });

  it('(d) turning Redis off keeps an edited Redis file and reports it, and removes the untouched ones', async () => {
    const dir = await project(['--redis', '--no-verify']);
    const redisFiles = (await run('git', ['ls-files'], { cwd: dir })).stdout
      .split('\n')
      .filter((f) => f.endsWith('.go') && /redis|cache/i.test(f) && !f.endsWith('_test.go'));
    expect(redisFiles.length).toBeGreaterThan(0);
    const edited = redisFiles[0]!;
    appendFileSync(join(dir, edited), '\n// Tuned for our cluster.\n');
    const result = await runCli(['update', '--set', 'redis=false', '--no-verify'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`keep\\s+${edited.replace(/\./g, '\\.')} \\(edited by you and no longer generated`));
    expect(read(dir, edited)).toContain('// Tuned for our cluster.');
    for (const f of redisFiles.slice(1)) expect(existsSync(join(dir, f)), f).toBe(false);
    expect(read(dir, 'go.mod')).not.toContain('go-redis');
  });

  it('(f) --set metrics=false removes the metrics cleanly and metrics=true brings them back, verified both ways', async () => {
    const dir = await project();
    const generated = snapshot(dir);
    const answersBefore = JSON.parse(read(dir, 'gin-app.json')).answers;
    const metricsFiles = ['internal/metrics/metrics.go', 'internal/server/metrics.go', 'cmd/server/metrics.go', 'internal/config/metrics.go', 'deploy/prometheus/alerts.yml', 'deploy/grafana/dashboard.json'];
    for (const f of metricsFiles) expect(existsSync(join(dir, f)), f).toBe(true);

    const off = await runCli(['update', '--set', 'metrics=false'], { cwd: dir });
    expect(off.code, off.stdout + off.stderr).toBe(0);
    expect(off.stdout).toMatch(/✔ go build/);
    for (const f of metricsFiles) expect(existsSync(join(dir, f)), f).toBe(false);
    expect(read(dir, 'go.mod')).not.toContain('prometheus');
    expect(read(dir, 'internal/config/config.go')).not.toContain('METRICS_ADDR');
    expect(read(dir, 'docker-compose.yml')).not.toContain('prometheus');
    // Tracing stays: it is in every service, off until an endpoint is set.
    expect(existsSync(join(dir, 'internal/tracing/tracing.go'))).toBe(true);
    const fresh = tempDir('cga-fresh-');
    expect((await runCli(['svc', '--no-metrics', '--yes'], { cwd: fresh })).code).toBe(0);
    expect(withoutGit(snapshot(dir))).toEqual(snapshot(join(fresh, 'svc')));

    const on = await runCli(['update', '--set', 'metrics=true'], { cwd: dir });
    expect(on.code, on.stdout + on.stderr).toBe(0);
    // The same tree as generated; gin-app.json has the same answers (their order may differ).
    const { 'gin-app.json': _, ...now } = withoutGit(snapshot(dir));
    const { 'gin-app.json': __, ...then } = withoutGit(generated);
    expect(now).toEqual(then);
    expect(JSON.parse(read(dir, 'gin-app.json')).answers).toEqual(answersBefore);
  });

  it('(e) --dry-run prints the plan and diffs and writes nothing', async () => {
    const dir = await project(['--no-verify']);
    const before = snapshot(dir);
    const result = await runCli(['update', '--set', 'port=9094', '--set', 'redis=true', '--dry-run'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/create\s+\S+/);
    expect(result.stdout).toMatch(/update\s+internal\/config\/config\.go/);
    expect(result.stdout).toMatch(/^-.*8080/m);
    expect(result.stdout).toMatch(/^\+.*9094/m);
    expect(result.stdout).toContain('Dry run: nothing was written.');
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('update refuses clearly and changes nothing', () => {
  const cases: { name: string; setup(dir: string): void; message: RegExp }[] = [
    { name: 'outside a generated project', setup: (dir) => rmSync(join(dir, 'gin-app.json')), message: /is not a service generated by create-gin-app: it has no gin-app\.json/ },
    { name: 'an unreadable gin-app.json', setup: (dir) => writeFileSync(join(dir, 'gin-app.json'), '{ not json'), message: /cannot read gin-app\.json/ },
    {
      name: 'a gin-app.json from a newer generator',
      setup: (dir) => edit(dir, 'gin-app.json', /"version": "[^"]+"/, '"version": "99.0.0"'),
      message: /written by create-gin-app 99\.0\.0, newer than this/,
    },
    {
      name: 'a stored answer the schema now rejects',
      setup: (dir) => edit(dir, 'gin-app.json', '"port": 8080', '"port": 80'),
      message: /gin-app\.json answer port=80 is no longer accepted: --port must be/,
    },
    {
      name: 'an unknown stored answer',
      setup: (dir) => edit(dir, 'gin-app.json', '"port": 8080', '"port": 8080, "colour": "blue"'),
      message: /gin-app\.json has an answer this version does not know: "colour"/,
    },
    { name: 'a bad --set', setup: () => {}, message: /--port must be a whole number/ },
  ];
  it.each(cases)('$name', async ({ name, setup, message }) => {
    const cwd = tempDir('cga-up-bad-');
    expect((await runCli(['svc', '--yes', '--no-verify'], { cwd })).code).toBe(0);
    const dir = join(cwd, 'svc');
    setup(dir);
    const before = snapshot(dir);
    const result = await runCli(['update', 'svc', ...(name === 'a bad --set' ? ['--set', 'port=1'] : [])], { cwd });
    expect(result.code).toBe(2);
    expect(reason(result)).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(snapshot(dir)).toEqual(before);
  });
});

/**
 * The next release of this generator, for real: a copy of this repository's
 * sources with one template changed and the version bumped, built the way
 * `npm run build` builds dist/. Returns its CLI.
 */
async function nextRelease(change: { template: string; append: string }): Promise<string> {
  const copy = tempDir('cga-next-');
  for (const dir of ['src', 'scripts', 'templates']) cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  pkg.version = pkg.version.replace(/\d+$/, (n: string) => String(Number(n) + 1));
  writeFileSync(join(copy, 'package.json'), JSON.stringify(pkg, null, 2));
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  appendFileSync(join(copy, 'templates', change.template), change.append);
  const built = await run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build.mjs'], { cwd: copy, env: cleanEnv() });
  expect(built.code, built.stdout + built.stderr).toBe(0);
  return join(copy, 'dist/cli.js');
}

describe('update --check (CI drift check): exit 0 when update would change nothing, 1 listing the files otherwise; never writes', () => {
  it('up to date: exit 0, the user\'s own edits aside', async () => {
    const dir = await project(['--no-verify']);
    appendFileSync(join(dir, 'README.md'), '\nOur runbook: see the wiki.\n');
    const before = snapshot(dir);
    const result = await runCli(['update', '--check'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('update --check: no file would change.');
    expect(snapshot(dir)).toEqual(before);
  });

  it('answers edited by hand in gin-app.json: exit 1 listing the files, nothing written; update then applies them', async () => {
    const dir = await project(['--no-verify']);
    edit(dir, 'gin-app.json', '"port": 8080', '"port": 9096');
    const before = snapshot(dir);
    const result = await runCli(['update', '--check'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(reason(result)).toMatch(/^create-gin-app: update --check: \d+ file\(s\) would change: .*internal\/config\/config\.go/);
    expect(reason(result)).toContain('Dockerfile');
    expect(result.stdout).toMatch(/update\s+internal\/config\/config\.go/);
    expect(snapshot(dir)).toEqual(before);
    // The same files are what update writes; after it, the check passes.
    const applied = await runCli(['update', '--no-verify'], { cwd: dir });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(read(dir, 'internal/config/config.go')).toContain('default:"9096"');
    expect((await runCli(['update', '--check'], { cwd: dir })).code).toBe(0);
  });

  it('a template changed by a generator upgrade, in a file the user never edited: exit 1 with the next release, nothing written', async () => {
    const dir = await project(['--no-verify']);
    appendFileSync(join(dir, 'README.md'), '\nOur runbook: see the wiki.\n');
    const next = await nextRelease({ template: 'core/Makefile.hbs', append: '\n# lint: added in the next release\nlint:\n\tgo vet ./...\n' });
    const before = snapshot(dir);
    const result = await run(process.execPath, [next, 'update', '--check'], { cwd: dir, env: cleanEnv() });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    // The workflow's drift check names the generator version: the next release moves it.
    expect(reason(result)).toBe('create-gin-app: update --check: 2 file(s) would change: .github/workflows/ci.yml, Makefile');
    expect(snapshot(dir)).toEqual(before);
    // This release sees nothing to do; the next one's update writes the template change, and keeps the edit.
    expect((await runCli(['update', '--check'], { cwd: dir })).code).toBe(0);
    const applied = await run(process.execPath, [next, 'update', '--no-verify'], { cwd: dir, env: cleanEnv() });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(read(dir, 'Makefile')).toContain('# lint: added in the next release');
    expect(read(dir, 'README.md')).toContain('Our runbook: see the wiki.');
    expect((await run(process.execPath, [next, 'update', '--check'], { cwd: dir, env: cleanEnv() })).code).toBe(0);
  });
});

describe('update and the user\'s formatting', () => {
  it('gofmt formats merged Go files before they are written; an unformatted file update did not touch is named, and the update said to be written', async () => {
    const dir = await project(['--db', 'none']);
    // A comment right after a closing brace, in a file the update changes (the port's default) ...
    appendFileSync(join(dir, 'internal/config/config.go'), '\nfunc (c *Config) Label() string { return "svc" }// for operators\n');
    const merged = await runCli(['update', '--set', 'port=9097'], { cwd: dir });
    expect(merged.code, merged.stdout + merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(/merge\s+internal\/config\/config\.go/);
    expect(read(dir, 'internal/config/config.go')).toContain('func (c *Config) Label() string { return "svc" } // for operators\n');
    expect(read(dir, 'internal/config/config.go')).toContain('default:"9097"');
    expect(merged.stdout).toMatch(/✔ gofmt -l/);
    // ... and in one it does not touch (main.go does not hold the port): not ours to rewrite.
    const main = read(dir, 'cmd/server/main.go');
    writeFileSync(join(dir, 'cmd/server/main.go'), `${main}\nfunc unused() {}// later\n`);
    const kept = await runCli(['update', '--set', 'port=9098'], { cwd: dir });
    expect(kept.code).toBe(1);
    expect(reason(kept)).toBe('create-gin-app: the update of . was written, but gofmt -l lists files you edited that are not gofmt-clean: cmd/server/main.go');
    expect(kept.stderr).toContain('gofmt -w cmd/server/main.go');
    expect(read(dir, 'internal/config/config.go')).toContain('default:"9098"');
    expect(JSON.parse(read(dir, 'gin-app.json')).answers.port).toBe(9098);
  });
});
