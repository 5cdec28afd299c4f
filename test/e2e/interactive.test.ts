/** The real prompts, driven through a pseudo-terminal (script(1)), answering each question. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, CLI, runCli, snapshot, tempDir } from '../helpers/cli.js';

// Question text -> keys to type. "\r" is Enter; "\x1b[B" is arrow-down.
const answers: [string, string][] = [
  ['Project directory', 'shop\r'],
  ['Go module path', 'example.com/acme/shop\r'],
  ['HTTP port', '9090\r'],
  ['Route group prefix', '/v2/shop-api/\r'],
  ['Database', '\x1b[B\r'], // sqlite -> mysql
  ['Add a Redis client?', 'y\r'],
  ['Generate an nginx config?', 'n\r'],
  ['Serve a documentation page of the API', 'n\r'],
  ['Docker base image', '\x1b[B\r'], // distroless -> alpine
  ['Serve pprof on a localhost-only port?', '\r'],
  ['pprof port', '7070\r'],
  ['Wire logs to syslog', 'n\r'],
  ['Serve Prometheus metrics on a port of their own?', '\r'],
  ['Metrics port', '\r'], // the default skips the HTTP port 9090 taken above: 9091
  ['Generate Kubernetes manifests', 'n\r'],
  ['CI workflow', '\x1b[B\r'], // github -> none
  ['Authentication of the API', '\x1b[B\r'], // jwt -> apikey
];

function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

describe('interactive prompts in a terminal', () => {
  it('asks each question, writes the answers and prints the equivalent command', async () => {
    const cwd = tempDir('cga-pty-');
    // script gives the CLI a real pseudo-terminal on stdin and stdout.
    const child = spawn('script', ['-qfec', `${process.execPath} ${CLI} --no-verify`, '/dev/null'], {
      cwd,
      env: cleanEnv({ TERM: 'xterm', COLUMNS: '120' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let next = 0;
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      screen += stripAnsi(d.toString());
      // Answer each question once, in order, when it appears.
      while (next < answers.length && screen.lastIndexOf(answers[next]![0]) !== -1) {
        const [question, keys] = answers[next]!;
        screen = screen.slice(screen.lastIndexOf(question) + question.length);
        next++;
        setTimeout(() => child.stdin.write(keys), 100 * next);
        break;
      }
    });
    let all = '';
    child.stdout.on('data', (d: Buffer) => (all += stripAnsi(d.toString())));
    const code = await exited;
    clearTimeout(timer);
    expect(next, `stuck before "${answers[next]?.[0]}":\n${all}`).toBe(answers.length);
    expect(code, all).toBe(0);

    const file = JSON.parse(readFileSync(join(cwd, 'shop', 'gin-app.json'), 'utf8'));
    expect(file.answers).toMatchObject({
      module: 'example.com/acme/shop',
      port: 9090,
      prefix: '/v2/shop-api',
      db: 'mysql',
      redis: true,
      nginx: false,
      apiDocs: false,
      dockerBase: 'alpine',
      pprof: true,
      pprofPort: 7070,
      syslog: false,
      metrics: true,
      metricsPort: 9091,
      k8s: false,
      ci: 'none',
      auth: 'apikey',
    });

    // The printed one-liner regenerates the same service without questions.
    const command = /npx create-gin-app (.+ --yes)/.exec(all)?.[1];
    expect(command, all).toBeDefined();
    // The same, in the form the user started with: npm create gin-app@latest <dir> -- <flags>.
    const flags = command!.split(' ').slice(1).join(' ');
    expect(all).toContain(`npm create gin-app@latest shop -- ${flags}`);
    const args = command!.split(' ');
    const again = tempDir('cga-pty-again-');
    const rerun = await runCli([...args, '--no-verify'], { cwd: again });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(snapshot(join(again, 'shop'))).toEqual(snapshot(join(cwd, 'shop')));
  });

  it('add resource asks for the name, then the fields one by one, checking each', async () => {
    const cwd = tempDir('cga-pty-add-');
    const created = await runCli(['shop', '--yes', '--no-verify'], { cwd });
    expect(created.code, created.stderr).toBe(0);
    const steps: [string, string][] = [
      ['Resource name', 'orders\r'],
      ['Field 1 as name:type', 'total:money\r'],
      ['unknown type "money"', '\x7f'.repeat('total:money'.length) + 'total:float:min=0\r'],
      ['Field 2 as name:type', 'customer:string:unique\r'],
      ['Field 3 as name:type', '\r'],
    ];
    const child = spawn('script', ['-qfec', `${process.execPath} ${CLI} add resource --no-verify`, '/dev/null'], {
      cwd: join(cwd, 'shop'),
      env: cleanEnv({ TERM: 'xterm', COLUMNS: '200' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let all = '';
    let next = 0;
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      const text = stripAnsi(d.toString());
      all += text;
      screen += text;
      if (next < steps.length && screen.includes(steps[next]![0])) {
        const [shown, keys] = steps[next]!;
        screen = screen.slice(screen.lastIndexOf(shown) + shown.length);
        next++;
        setTimeout(() => child.stdin.write(keys), 200);
      }
    });
    const code = await exited;
    clearTimeout(timer);
    expect(next, `stuck before "${steps[next]?.[0]}":\n${all}`).toBe(steps.length);
    expect(code, all).toBe(0);
    const file = JSON.parse(readFileSync(join(cwd, 'shop', 'gin-app.json'), 'utf8'));
    expect(file.resources).toEqual([{ name: 'orders', migration: 2, fields: ['total:float:min=0', 'customer:string:unique'] }]);
    expect(readFileSync(join(cwd, 'shop', 'internal/server/orders.go'), 'utf8')).toContain('api.POST("/orders", h.create)');
  });
});
