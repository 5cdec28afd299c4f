/** `npx plop` in this repo runs the same generator as the CLI. */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run, runCli, snapshot, tempDir } from '../helpers/cli.js';

describe('plopfile.ts', () => {
  it('generates the same service as the CLI for the same answers', async () => {
    const cwd = tempDir('cga-plop-');
    const answers = {
      module: 'example.com/acme/orders',
      port: '9100',
      prefix: '/v2/orders',
      db: 'postgres',
      redis: 'true',
      nginx: 'false',
      apiDocs: 'false',
      dockerBase: 'scratch',
      pprof: 'true',
      pprofPort: '6070',
      syslog: 'false',
      metrics: 'true',
      metricsPort: '9200',
      k8s: 'true',
      ci: 'none',
      auth: 'apikey',
    };
    const bypass = Object.entries(answers).flatMap(([k, v]) => [`--${k}`, v]);
    // The loader flag is what this repo's .npmrc gives `npx plop`.
    const plop = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'node_modules/plop/bin/plop.js'), '--plopfile', join(ROOT, 'plopfile.ts'), 'service', '--', '--dir', join(cwd, 'by-plop'), ...bypass, '--verify', 'false'], { cwd: ROOT });
    expect(plop.code, plop.stdout + plop.stderr).toBe(0);

    const cliArgs = Object.entries(answers).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const cli = await runCli(['by-cli', ...cliArgs, '--yes', '--no-verify'], { cwd });
    expect(cli.code, cli.stderr).toBe(0);

    const fromPlop = snapshot(join(cwd, 'by-plop'));
    expect(Object.keys(fromPlop).length).toBeGreaterThan(10);
    expect(fromPlop).toEqual(snapshot(join(cwd, 'by-cli')));
  });

  it('adds the same resource as add resource, and checks its answers with the same schema', async () => {
    const cwd = tempDir('cga-plop-res-');
    const cli = await runCli(['by-cli', '--yes', '--no-verify'], { cwd });
    expect(cli.code, cli.stderr).toBe(0);
    cpSync(join(cwd, 'by-cli'), join(cwd, 'by-plop'), { recursive: true });
    const fields = ['customer:string:unique:max=100', 'total:float:min=0', 'note:text:optional'];
    const plop = (name: string, fieldList: string) =>
      run(process.execPath, ['--import', 'tsx', join(ROOT, 'node_modules/plop/bin/plop.js'), '--plopfile', join(ROOT, 'plopfile.ts'), 'resource', '--', '--dir', join(cwd, 'by-plop'), '--name', name, '--fields', fieldList, '--verify', 'false'], { cwd: ROOT });
    const byPlop = await plop('orders', fields.join(' '));
    expect(byPlop.code, byPlop.stdout + byPlop.stderr).toBe(0);
    const byCli = await runCli(['add', 'resource', 'orders', 'by-cli', ...fields.flatMap((f) => ['--field', f]), '--no-verify'], { cwd });
    expect(byCli.code, byCli.stderr).toBe(0);
    const fromPlop = snapshot(join(cwd, 'by-plop'));
    expect(Object.keys(fromPlop)).toContain('internal/server/orders.go');
    expect(fromPlop).toEqual(snapshot(join(cwd, 'by-cli')));

    // A bad field is refused by the prompt's validation, with the schema's reason.
    const before = snapshot(join(cwd, 'by-plop'));
    const bad = await plop('invoices', 'total:money');
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('unknown type "money"');
    expect(snapshot(join(cwd, 'by-plop'))).toEqual(before);
  });
});
