/** A real nginx, run as a non-daemon child with its prefix, temp files, pid and logs in a temp dir. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './cli.js';
import { notPrepared } from './machine.js';

/** The nginx binary: on PATH, or where Debian's package puts it. */
export function nginxBinary(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  return existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : undefined;
}

/** A temp dir nginx's prefix can live in (workers drop to "nobody" when nginx starts as root). */
function nginxDir(): string {
  const dir = tempDir('cga-nginx-');
  chmodSync(dir, 0o755);
  return dir;
}

/** The command line the generated compose file also uses: -p prefix, -c conf, -e error log, pid via -g. */
function args(dir: string, conf: string, extra: string[] = []): string[] {
  return ['-p', `${dir}/`, '-c', conf, '-e', join(dir, 'error.log'), '-g', `pid ${join(dir, 'nginx.pid')};${extra.join('')}`];
}

/** `nginx -t` on a config file; returns its exit code and output. */
export function nginxTest(confText: string): { code: number | null; output: string } {
  const bin = nginxBinary();
  if (!bin) throw new Error(notPrepared('nginx is not installed'));
  const dir = nginxDir();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, confText);
  // Output to a file: nginx cannot open() Node's socket-pair stdio as /dev/stdout.
  const outFile = join(dir, 'test.log');
  const fd = openSync(outFile, 'a');
  const r = spawnSync(bin, ['-t', ...args(dir, conf)], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return { code: r.status, output: readFileSync(outFile, 'utf8') };
}

export interface Nginx {
  proc: ChildProcess;
  /** What nginx wrote to stdout (its access log) and stderr (its error log). */
  logs(): string;
  stop(): Promise<void>;
}

/** Starts nginx in the foreground on confText and waits until port accepts connections. */
export async function startNginx(confText: string, port: number): Promise<Nginx> {
  const bin = nginxBinary();
  if (!bin) throw new Error(notPrepared('nginx is not installed'));
  const dir = nginxDir();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, confText);
  // Files, not pipes: Node's pipes are sockets, which nginx cannot open()
  // as /dev/stdout (its access log, as in the container).
  const outFile = join(dir, 'stdout.log');
  const errFile = join(dir, 'stderr.log');
  const out = openSync(outFile, 'a');
  const err = openSync(errFile, 'a');
  const proc = spawn(bin, args(dir, conf, [' daemon off;']), { stdio: ['ignore', out, err] });
  closeSync(out);
  closeSync(err);
  const logs = () => [outFile, errFile, join(dir, 'error.log')].map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : '')).join('');
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (proc.exitCode !== null) throw new Error(`nginx exited with ${proc.exitCode}:\n${logs()}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`nginx did not listen on ${port}:\n${logs()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    proc,
    logs,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGQUIT');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
