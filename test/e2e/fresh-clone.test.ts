/**
 * Issue 14: the README's test line works on a fresh clone. The repository's
 * committed HEAD is cloned into a temp dir on a machine where neither PATH
 * nor GOPATH has staticcheck, gosec or kustomize (GOPATH is an empty dir; the module and
 * build caches are shared, to save downloads and compiles), the test run's
 * linter set-up (scripts/go-tools.mjs, which the global setup calls) runs
 * there, and the gates' finder must find the three tools at their pinned
 * versions in the clone's own directory; a second run must reuse them.
 * Also: .ci/run is the README's test line, and `npm test` on an unprepared
 * machine stops with one line naming the prepare script.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, run, tempDir } from '../helpers/cli.js';

const TOOLS = ['staticcheck', 'gosec', 'kustomize'] as const;

/** The README's test line: the second command of its first sh block, without its comment. */
function readmeTestLine(): string {
  const block = /```sh\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))![1]!;
  return block.split('\n')[1]!.replace(/\s+#.*$/, '').trim();
}

describe('a fresh clone', () => {
  it(".ci/run runs the README's test line and nothing else of substance", () => {
    const commands = readFileSync(join(ROOT, '.ci/run'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '));
    expect(commands).toEqual([readmeTestLine()]);
  });

  it('an unprepared machine gets one line naming the prepare command (here: no go on PATH)', () => {
    const r = spawnSync('bash', ['scripts/prepare-machine.sh', '--check'], { cwd: ROOT, encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    expect(r.status).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^This machine is not prepared for the tests \(no go on PATH .*\): run `bash scripts\/prepare-machine\.sh` as root/)]);
    expect(readmeTestLine()).toContain('bash scripts/prepare-machine.sh');
  });

  it('gets the pinned linters and kustomize into its own .cache/go-tools/bin, without GOPATH or PATH, where the matrix gate finds them; a second run reuses them', async () => {
    const clone = join(tempDir('cga-clone-'), 'create-gin-app');
    execFileSync('git', ['clone', '--quiet', ROOT, clone]);
    expect(execFileSync('git', ['-C', clone, 'rev-parse', 'HEAD'], { encoding: 'utf8' })).toBe(
      execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }),
    );

    const goEnv = (name: string) => execFileSync('go', ['env', name], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } }).trim();
    const gopath = tempDir('cga-gopath-');
    const path = (process.env.PATH ?? '')
      .split(':')
      .filter((d) => d && !TOOLS.some((t) => existsSync(join(d, t))))
      .join(':');
    const env = { PATH: path, GOPATH: gopath, GOMODCACHE: goEnv('GOMODCACHE'), GOCACHE: goEnv('GOCACHE'), GOBIN: undefined };
    for (const t of TOOLS) {
      expect(execFileSync('sh', ['-c', `command -v ${t} || true`], { encoding: 'utf8', env: { PATH: path } })).toBe('');
      expect(existsSync(join(gopath, 'bin', t))).toBe(false);
    }

    const install = () => run(process.execPath, ['scripts/go-tools.mjs'], { cwd: clone, env, timeoutMs: 900_000 });
    const first = await install();
    expect(first.code, `${first.stdout}${first.stderr}`).toBe(0);
    expect(first.stdout).toMatch(/^staticcheck v0\.8\.2: installed /m);
    expect(first.stdout).toMatch(/^gosec v2\.30\.0: installed /m);
    expect(first.stdout).toMatch(/^kustomize v5\.8\.1: installed /m);

    // The gate's finder, as the clone has it (matrix.test.ts imports the same module).
    const goTools = (await import(pathToFileURL(join(clone, 'scripts/go-tools.mjs')).href)) as typeof import('../../scripts/go-tools.mjs');
    const bin = join(clone, '.cache/go-tools/bin');
    expect(goTools.goToolsBin(clone)).toBe(bin);
    for (const t of TOOLS) {
      expect(goTools.findTool(t, clone)).toEqual({ path: join(bin, t) });
      const info = execFileSync('go', ['version', '-m', join(bin, t)], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
      expect(info).toMatch(new RegExp(`^\\s*mod\\s+${goTools.PINNED[t].module}\\s+${goTools.PINNED[t].version.replace(/\./g, '\\.')}\\s`, 'm'));
    }
    expect(existsSync(join(gopath, 'bin'))).toBe(false);

    const built = TOOLS.map((t) => statSync(join(bin, t)).mtimeMs);
    const second = await install();
    expect(second.code, `${second.stdout}${second.stderr}`).toBe(0);
    expect(second.stdout).toMatch(/^staticcheck v0\.8\.2: up to date /m);
    expect(second.stdout).toMatch(/^gosec v2\.30\.0: up to date /m);
    expect(second.stdout).toMatch(/^kustomize v5\.8\.1: up to date /m);
    expect(TOOLS.map((t) => statSync(join(bin, t)).mtimeMs)).toEqual(built);
  }, 900_000);
});
