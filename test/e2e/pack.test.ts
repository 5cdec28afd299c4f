/** The published package: what `npm create gin-app` installs and runs. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run, tempDir } from '../helpers/cli.js';

describe('npm pack', () => {
  it('makes a tarball that generates and verifies a service through npm exec', async () => {
    const dest = tempDir('cga-pack-');
    const pack = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], { cwd: ROOT });
    expect(pack.code, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')));
    const paths: string[] = info.files.map((f: { path: string }) => f.path);
    expect(paths).toContain('dist/cli.js');
    // The templates ship once, precompiled inside the bundle.
    expect(paths.filter((p) => p.startsWith('templates/'))).toEqual([]);
    expect(paths).toContain('dist/chunks/templates.js');
    expect(paths).toContain('LICENSE');
    expect(paths.filter((p) => p.startsWith('src/') || p.startsWith('test/') || p.startsWith('node_modules/'))).toEqual([]);

    const cwd = tempDir('cga-exec-');
    const tarball = join(dest, info.filename);
    const result = await run('npm', ['exec', '--yes', `--package=${tarball}`, '--', 'create-gin-app', 'demo', '--yes'], {
      cwd,
      env: { npm_config_cache: join(dest, 'npm-cache'), npm_config_update_notifier: 'false' },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/✔ go build/);
    const answers = JSON.parse(readFileSync(join(cwd, 'demo', 'gin-app.json'), 'utf8'));
    expect(answers.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(readdirSync(join(cwd, 'demo'))).toContain('go.sum');
  });
});
