import { describe, expect, it } from 'vitest';
import { command, equivalentCommands, helpText, type PackageManager, packageManager, parseArgs } from '../../src/options/flags.js';
import { FIELD_TYPES } from '../../src/resources/fields.js';
import { resolveAnswers } from '../../src/options/resolve.js';
import { parseAnswersFile } from '../../src/answers-file.js';
import { options, runFlags, type Answers } from '../../src/options/schema.js';
import { compareVersions } from '../../src/version.js';
import { moduleFromDirName, parseGoVersion, parseModulePath, parsePort, parsePrefix } from '../../src/options/validate.js';
import type { Asker } from '../../src/options/prompts.js';

const ctx = { dirName: 'My Service', localGo: '1.26.0' };
const minGo = () => '1.25.0';

describe('validation', () => {
  it('normalises prefixes to one leading slash and no trailing one', () => {
    expect(parsePrefix('api/v1/')).toBe('/api/v1');
    expect(parsePrefix('//v2/orders-api//')).toBe('/v2/orders-api');
    for (const bad of ['/', '', '/a//b', '/a/./b', '/a b', '/a%20b', '/a/*x', '/a/:id', '/a?x', '/a#b', '/debug', '/readyz/x', '/ä']) {
      expect(() => parsePrefix(bad), bad).toThrow(/invalid prefix/);
    }
  });

  it('accepts module paths Go accepts and rejects the rest', () => {
    // The full comparison with the go command is test/e2e/module-paths.test.ts.
    for (const ok of ['demo', 'example.com/acme/svc', 'github.com/a/b/v2', 'x_y~z', '.a', 'example.com/.x']) expect(parseModulePath(ok)).toBe(ok);
    for (const bad of ['', 'a b', '/a', 'a/', 'a//b', 'a.', 'ünï', '-example.com', 'example.com/-x', 'x/con', 'example.com/aux/x', 'example.com/x/v1', 'example.com/x/v0']) {
      expect(() => parseModulePath(bad), bad).toThrow(/invalid module path/);
    }
    expect(moduleFromDirName('My Service!')).toBe('my-service');
    // A directory name Go would refuse as a module path still gives a valid default.
    expect(moduleFromDirName('con')).toBe('con-app');
    expect(moduleFromDirName('~1')).toBe('1');
  });

  it('checks ports and Go versions', () => {
    expect(parsePort('8080')).toBe(8080);
    for (const bad of ['0', '1023', '65536', '8080.5', '-1', 'x', '']) expect(() => parsePort(bad), bad).toThrow(/--port/);
    expect(parseGoVersion('go1.26')).toBe('1.26.0');
    expect(parseGoVersion('1.25.3')).toBe('1.25.3');
    expect(() => parseGoVersion('2.0')).toThrow(/invalid Go version/);
    expect(compareVersions('1.26.0', '1.25.9')).toBeGreaterThan(0);
    expect(compareVersions('1.25.0', '1.25.0')).toBe(0);
  });
});

describe('flags', () => {
  it('parses values, --x=y, booleans, negations, --set and short flags', () => {
    const parsed = parseArgs(['svc', '--port=9000', '--prefix', 'v2', '--no-redis', '--nginx', '--set', 'docker-base=alpine', '--set', 'pprofPort=7000', '-y']);
    expect(parsed.positionals).toEqual(['svc']);
    expect(parsed.answers).toEqual({ port: 9000, prefix: '/v2', redis: false, nginx: true, dockerBase: 'alpine', pprofPort: 7000 });
    expect(parsed.run).toEqual({ yes: true });
  });

  it('round-trips both forms of the equivalent command: npm create gin-app@latest <dir> -- ..., and npx', async () => {
    const answers = await resolveAnswers({ given: { port: 9001, redis: true, db: 'postgres' }, ctx, minGo });
    const [npmCreate, npx] = equivalentCommands('my dir', answers, 'npm');
    expect(npmCreate).toMatch(/^npm create gin-app@latest 'my dir' -- --module /);
    expect(npx).toMatch(/^npx create-gin-app 'my dir' --module /);
    // What npm hands the package: everything after `--`, with the directory in front.
    const viaNpm = npmCreate.replace("'my dir'", 'mydir').split(' ');
    const reparsedNpm = parseArgs([viaNpm[3]!, ...viaNpm.slice(viaNpm.indexOf('--') + 1)]);
    const reparsed = parseArgs(npx.replace("'my dir'", 'mydir').split(' ').slice(2));
    for (const r of [reparsed, reparsedNpm]) {
      expect(r.positionals).toEqual(['mydir']);
      expect(r.answers).toEqual(answers);
      expect(r.run.yes).toBe(true);
    }
  });

  it('gives pnpm, yarn and bun users their own commands, read from npm_config_user_agent as create-vite does', async () => {
    expect(packageManager('pnpm/9.12.0 npm/? node/v22.22.2 linux x64')).toBe('pnpm');
    expect(packageManager('yarn/4.5.0 npm/? node/v22.22.2 linux x64')).toBe('yarn');
    expect(packageManager('bun/1.2.0 npm/? node/v24.15.0 linux x64')).toBe('bun');
    expect(packageManager('npm/11.6.0 node/v24.15.0 linux x64 workspaces/false')).toBe('npm');
    expect(packageManager(undefined)).toBe('npm');
    const answers = await resolveAnswers({ given: {}, ctx, minGo });
    const forms = (pm: PackageManager) => equivalentCommands('svc', answers, pm).map((c) => c.split(' --module')[0]);
    expect(forms('pnpm')).toEqual(['pnpm create gin-app svc', 'pnpm dlx create-gin-app svc']);
    expect(forms('yarn')).toEqual(['yarn create gin-app svc', 'yarn dlx create-gin-app svc']);
    expect(forms('bun')).toEqual(['bun create gin-app svc', 'bunx create-gin-app svc']);
    expect(command('update', { pm: 'pnpm', latest: true })).toBe('pnpm dlx create-gin-app@latest update');
  });

  it('documents every schema option in --help', () => {
    const help = helpText('1.2.3');
    for (const spec of options) expect(help).toContain(`--${spec.flag}`);
    expect(help).toContain('--no-pprof');
    for (const flag of runFlags) expect(help).toContain(`--${flag.name}`);
  });

  it('documents add resource in --help: its usage, --field, the types and the modifiers', () => {
    const help = helpText('1.2.3');
    expect(help).toContain('create-gin-app add resource <name> [dir] --field name:type[:modifiers] ...');
    expect(help).toContain('--field name:type[:modifiers]');
    for (const type of FIELD_TYPES) expect(help).toContain(type);
    for (const modifier of ['required', 'optional', 'unique', 'max=<n>', 'min=<n>']) expect(help).toContain(modifier);
  });

  it('collects repeated --field specs in order, for add resource only', () => {
    const args = parseArgs(['add', 'resource', 'orders', '--field', 'a:int', '--field=b:string:unique', '--yes']);
    expect(args.positionals).toEqual(['add', 'resource', 'orders']);
    expect(args.fields).toEqual(['a:int', 'b:string:unique']);
    expect(() => parseArgs(['add', 'resource', 'orders', '--field'])).toThrow(/--field needs a value/);
  });
});

describe('resolving answers', () => {
  it('fills defaults in schema order, derived from the context', async () => {
    const answers = await resolveAnswers({ given: {}, ctx, minGo });
    expect(answers).toEqual<Answers>({
      module: 'my-service',
      port: 8080,
      prefix: '/api/v1',
      db: 'sqlite',
      redis: false,
      nginx: true,
      apiDocs: true,
      dockerBase: 'distroless',
      pprof: true,
      pprofPort: 6060,
      syslog: true,
      metrics: true,
      metricsPort: 9090,
      k8s: true,
      ci: 'github',
      auth: 'jwt',
      go: '1.26.0',
    });
  });

  it('falls back to the oldest supported Go without a local toolchain', async () => {
    const answers = await resolveAnswers({ given: {}, ctx: { dirName: 'x' }, minGo });
    expect(answers.go).toBe('1.25.0');
  });

  it('asks only for what flags did not give, and skips questions whose condition fails', async () => {
    const asked: string[] = [];
    const asker: Asker = {
      text: async (message, def, validate) => {
        asked.push(message);
        expect(validate('not a module')).not.toBe(true);
        return message === 'Go module path' ? 'example.com/x' : def;
      },
      confirm: async (message, def) => {
        asked.push(message);
        return message.startsWith('Serve pprof') ? false : def;
      },
      select: async (message, _choices, def) => {
        asked.push(message);
        return def;
      },
    };
    const answers = await resolveAnswers({ given: { port: 9999 }, ctx, minGo, asker });
    expect(asked).not.toContain('HTTP port');
    expect(asked).not.toContain('pprof port');
    expect(asked).toContain('Go module path');
    expect(answers).toMatchObject({ module: 'example.com/x', port: 9999, pprof: false });
  });

  it('pre-fills every question with the stored answers (update)', async () => {
    const stored: Partial<Answers> = { module: 'example.com/kept', port: 9100, prefix: '/kept', db: 'postgres', redis: true, pprofPort: 7100 };
    const offered = new Map<string, unknown>();
    const offer = <T>(message: string, def: T): T => {
      offered.set(message, def);
      return def;
    };
    const asker: Asker = {
      text: async (message, def) => offer(message, def),
      confirm: async (message, def) => offer(message, def),
      select: async (message, _choices, def) => offer(message, def),
    };
    const answers = await resolveAnswers({ given: {}, prefill: stored, ctx, minGo, asker });
    expect(offered.get('Go module path')).toBe('example.com/kept');
    expect(offered.get('HTTP port')).toBe('9100');
    expect(offered.get('Database')).toBe('postgres');
    expect(offered.get('Add a Redis client?')).toBe(true);
    expect(answers).toMatchObject(stored);
  });
});

describe('--auth (issue 25)', () => {
  const file = (answers: Record<string, unknown>) => JSON.stringify({ generator: 'create-gin-app', version: '0.1.0', answers });

  it('is jwt for a new service, none for one whose gin-app.json predates the option, as stored otherwise', async () => {
    expect((await resolveAnswers({ given: {}, ctx: { dirName: 'x' }, minGo })).auth).toBe('jwt');
    const old = parseAnswersFile(file({ db: 'sqlite' }), '9.9.9');
    expect(old.stored.auth).toBe('none');
    expect((await resolveAnswers({ given: {}, prefill: old.stored, ctx: { dirName: 'x' }, minGo })).auth).toBe('none');
    expect(parseAnswersFile(file({ auth: 'apikey' }), '9.9.9').stored.auth).toBe('apikey');
    // Asked for, an older service gets it.
    expect((await resolveAnswers({ given: { auth: 'jwt' }, prefill: old.stored, ctx: { dirName: 'x' }, minGo })).auth).toBe('jwt');
  });

  it('refuses another kind in one line', () => {
    expect(() => parseArgs(['x', '--auth', 'basic'])).toThrow('--auth must be one of jwt, apikey, none (got "basic")');
  });
});
