/**
 * Issue 19, item 8: our module path check (src/options/validate.ts) against
 * the go command itself. For each path of the corpus the go command is the
 * judge: `go mod init <path>`, then `go build` of a one-file main package at
 * the module root. Our verdict must be the same on every path.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleFromDirName, modulePathProblem } from '../../src/options/validate.js';
import { cleanEnv } from '../helpers/cli.js';

const corpus: string[] = [
  // From the issue: accepted by us before, refused by Go ...
  '-example.com', 'example.com/-x', 'x/con', 'example.com/aux/x', 'example.com/x/v1', 'example.com/x/v0',
  // ... and the other way round; dotless paths such as the default.
  'example.com/.x', 'demo', 'gin-app', 'my-service', 'app',
  // Ordinary paths.
  'example.com/acme/svc', 'github.com/acme/orders', 'github.com/a/b/v2', 'github.com/a/b/v10', 'example.com/x/v2/sub',
  'Example.COM/X', 'example.com/x_y~z', 'x_y~z', 'a+b', 'example.com/a+b', 'example.com/9x', 'example.com/_x', '_x', '.x', '9',
  'x.y.z', 'x..y', 'example.com/x..y', 'example.com/internal', 'example.com/vendor/x', 'example.com/testdata', 'testdata',
  'main', 'test', 'v1', 'v2', 'x/v', 'x/va', 'x/v2a', 'x/y/z.v2', 'example.com/-x/y', 'example.com/x-', 'example.com/x~', 'x/y~',
  'localhost/svc', 'localhost:8080/svc', '127.0.0.1/svc', 'example.com/a/b/c/d/e/f', 'ex-ample.com/x', 'example.com/con-x', 'example.com/conx',
  'example.com/aux2', 'example.com/com10', 'example.com/lpt0', 'example.com/nul-', 'x/prn_', 'example.com/x.con',
  // Empty, slashes and dots.
  '', '/', '/svc', 'svc/', 'a//b', 'example.com//x', '.', '..', 'example.com/.', 'example.com/..', 'example.com/x.', 'x.', '...', 'a/./b', 'a/../b',
  // Characters outside the allowed set.
  'a b', 'example.com/a b', 'not a module', 'example.com/x%20', 'example.com/x@v1', 'example.com/x:y', 'C:', 'a\\b', 'example.com/x?y',
  'example.com/x#y', 'example.com/x*', 'example.com/ünï', 'ünï', 'example.com/x,y', 'example.com/x=y', "example.com/x'y", 'example.com/(x)', 'example.com/x!',
  // Leading characters the build refuses.
  '+x', '~x', 'example.com/~x', 'example.com/+x', 'example.com/-', '-', '--x', 'example.com/x/-y',
  // Windows device names, whatever the case and extension, and short names.
  'con', 'CON', 'Con.txt', 'example.com/CON.txt', 'example.com/prn', 'example.com/nul/x', 'example.com/com1', 'example.com/COM9.x', 'example.com/lpt5',
  'example.com/a~1', 'x/~1', 'example.com/PROGRA~1', 'example.com/a~1.b', 'example.com/a~b', 'example.com/a~1b', 'example.com/a~~1',
  // Major-version suffixes.
  'example.com/x/v02', 'example.com/x/v2.0', 'example.com/x/v1.5', 'x/v1', 'example.com/foo/v2/v1', 'example.com/x/v3', 'example.com/x/v1x', 'example.com/x/v0x',
  // gopkg.in.
  'gopkg.in/yaml.v3', 'gopkg.in/yaml.v0', 'gopkg.in/yaml.v01', 'gopkg.in/yaml.v', 'gopkg.in/foo', 'gopkg.in/yaml.v3-unstable', 'gopkg.in/yaml.v0-unstable',
  'gopkg.in/yaml.v-unstable', 'gopkg.in/user/pkg.v2', 'gopkg.in/.v3',
  // Reserved by the go command, and cgo's pseudo-package.
  'go', 'toolchain', 'go/x', 'toolchain/x', 'std', 'cmd', 'all', 'tool', 'work', 'C', 'c',
  // Standard-library paths, exact and folded.
  'fmt', 'net', 'net/http', 'errors', 'unsafe', 'builtin', 'runtime/cgo', 'internal/abi', 'cmd/go', 'cmd/foo', 'net/foo', 'archive', 'crypto/internal',
  'vendor/golang.org/x/net/dns/dnsmessage', 'go/internal/gcimporter/testdata', 'Runtime', 'Unsafe', 'Internal/Abi', 'FMT', 'Errors', 'Sync/Atomic', 'Net/HTTP',
];

interface Verdict {
  ok: boolean;
  output: string;
}

function go(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, {
      cwd,
      env: cleanEnv({ GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOWORK: 'off', GO111MODULE: 'on' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The go command's verdict: go mod init, then go build of a one-file main package at the module root. */
async function goVerdict(path: string): Promise<Verdict> {
  const dir = mkdtempSync(join(tmpdir(), 'cga-modpath-'));
  try {
    const init = await go(['mod', 'init', path], dir);
    if (init.code !== 0) return { ok: false, output: `go mod init: ${init.output.trim()}` };
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
    const build = await go(['build', '-o', process.platform === 'win32' ? 'NUL' : '/dev/null', '.'], dir);
    return build.code === 0 ? { ok: true, output: '' } : { ok: false, output: `go build: ${build.output.trim()}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

describe('module paths are judged as the go command judges them', () => {
  it(`agrees with go mod init + go build on each of ${corpus.length} paths`, async () => {
    expect(new Set(corpus).size).toBe(corpus.length);
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    const verdicts = await mapLimited(corpus, 3, goVerdict);
    const accepted = verdicts.filter((v) => v.ok).length;
    // Both sides of the line are well represented.
    expect(accepted).toBeGreaterThanOrEqual(30);
    expect(corpus.length - accepted).toBeGreaterThanOrEqual(30);
    const disagreements = corpus.flatMap((path, i) => {
      const ours = modulePathProblem(path);
      const theirs = verdicts[i]!;
      return (ours === undefined) === theirs.ok ? [] : [`${JSON.stringify(path)}: go ${theirs.ok ? 'accepts' : 'refuses'} (${theirs.output.split('\n')[0]}), we ${ours ? `refuse (${ours})` : 'accept'}`];
    });
    expect(disagreements).toEqual([]);
  }, 600_000);

  it('gives a directory named like a standard package a module path that does not shadow it (asks the local GOROOT)', () => {
    expect(moduleFromDirName('fmt')).toBe('fmt-app');
  });
});
