/** `npx plop` in this repo runs the same generator as the CLI. */
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
      dockerBase: 'scratch',
      pprof: 'true',
      pprofPort: '6070',
      syslog: 'false',
      metrics: 'true',
      metricsPort: '9200',
      k8s: 'true',
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
});
