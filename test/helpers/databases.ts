/** Fresh databases on the shared local MariaDB and PostgreSQL servers, one per test, dropped after the file. */
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { run } from './cli.js';

const PG_ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable';
const drops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

async function must(cmd: string, args: string[]): Promise<void> {
  const r = await run(cmd, args, { cwd: '/', timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}):\n${r.stdout}${r.stderr}`);
}

/** Creates an empty database (named prefix_<random>) and returns its URL. */
export async function freshDatabase(db: 'mysql' | 'postgres', prefix = 'cga'): Promise<string> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  if (db === 'postgres') {
    await must('psql', [PG_ADMIN, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${name}`]);
    drops.push(() => run('psql', [PG_ADMIN, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { cwd: '/' }));
    return `postgres://postgres@127.0.0.1:5432/${name}?sslmode=disable`;
  }
  await must('mariadb', ['-h', '127.0.0.1', '-uroot', '-e', `CREATE DATABASE ${name}`]);
  drops.push(() => run('mariadb', ['-h', '127.0.0.1', '-uroot', '-e', `DROP DATABASE IF EXISTS ${name}`], { cwd: '/' }));
  return `mysql://root@127.0.0.1:3306/${name}`;
}
