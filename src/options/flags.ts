/** argv -> raw answers and run flags, driven by the schema; also renders --help. */
import { usageError } from '../errors.js';
import { FIELD_TYPES, MODIFIERS_HELP } from '../resources/fields.js';
import { findOption, options, runFlags, type Answers, type RunFlagName } from './schema.js';

export interface ParsedArgs {
  positionals: string[];
  /** Answers given on the command line, already validated by the schema. */
  answers: Partial<Answers>;
  run: Partial<Record<Exclude<RunFlagName, 'set' | 'field'>, true>>;
  /** add resource: the --field specs, in order (checked by the resource schema). */
  fields: string[];
}

/** Each command's usage line, for --help and for every error that points to a command. */
export const USAGE = {
  create: 'create-gin-app [dir] [options]',
  update: 'create-gin-app update [dir] [options]',
  check: 'create-gin-app update --check [dir]',
  add: 'create-gin-app add resource <name> [dir] --field name:type[:modifiers] ...',
} as const;

/** Refuses a run flag of another command (update and add write in place, merging: they need no --force). */
export function misplaced(args: ParsedArgs, command: 'create' | 'update' | 'add'): void {
  if (args.run.check && command !== 'update') throw usageError(`--check is for update: ${USAGE.check}`);
  if (args.fields.length > 0 && command !== 'add') throw usageError(`--field is for add resource: ${USAGE.add}`);
  if (args.run.force && command !== 'create') throw usageError(`--force is for creating a service in a non-empty directory: ${USAGE.create} --force`);
  if (args.run['go-work'] && command !== 'create') throw usageError(`--go-work is for creating a service in a repository without go.work: ${USAGE.create} --go-work`);
}

function setAnswer(answers: Partial<Answers>, name: string, raw: string | boolean, via: string): void {
  const spec = findOption(name);
  if (!spec) throw usageError(`unknown option ${via} (see --help)`);
  if (spec.boolean && typeof raw === 'string') {
    if (raw !== 'true' && raw !== 'false') throw usageError(`${via} must be true or false (got "${raw}")`);
    raw = raw === 'true';
  }
  if (!spec.boolean && typeof raw === 'boolean') throw usageError(`--${spec.flag} needs a value`);
  (answers as Record<string, unknown>)[spec.key] = spec.parse(raw);
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const result: ParsedArgs = { positionals: [], answers: {}, run: {}, fields: [] };
  const shorts = new Map<string, string>(runFlags.flatMap((f) => ('short' in f ? [[f.short, f.name]] : [])));
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      result.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      result.positionals.push(token);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      name = eq === -1 ? token.slice(2) : token.slice(2, eq);
      inline = eq === -1 ? undefined : token.slice(eq + 1);
    } else {
      const long = shorts.get(token.slice(1));
      if (!long) throw usageError(`unknown option ${token} (see --help)`);
      name = long;
    }
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw usageError(`--${name} needs a value`);
      i++;
      return next;
    };

    if (name === 'set') {
      const pair = takeValue();
      const eq = pair.indexOf('=');
      if (eq <= 0) throw usageError(`--set needs key=value (got "${pair}")`);
      setAnswer(result.answers, pair.slice(0, eq), pair.slice(eq + 1), `--set ${pair.slice(0, eq)}`);
      continue;
    }
    if (name === 'field') {
      result.fields.push(takeValue());
      continue;
    }
    const runFlag = runFlags.find((f) => f.name === name);
    if (runFlag) {
      if (inline !== undefined) throw usageError(`--${name} takes no value`);
      result.run[runFlag.name as Exclude<RunFlagName, 'set' | 'field'>] = true;
      continue;
    }
    const spec = findOption(name);
    if (spec && spec.flag === name) {
      setAnswer(result.answers, name, spec.boolean ? (inline ?? true) : takeValue(), `--${name}`);
      continue;
    }
    const negated = name.startsWith('no-') ? findOption(name.slice(3)) : undefined;
    if (negated?.boolean && negated.flag === name.slice(3) && inline === undefined) {
      setAnswer(result.answers, negated.flag, false, `--${name}`);
      continue;
    }
    throw usageError(`unknown option --${name} (see --help)`);
  }
  return result;
}

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** The package manager that started us, from npm_config_user_agent ("pnpm/9.12.0 node/v22.22.2 ..."), as create-vite reads it. */
export function packageManager(agent = process.env.npm_config_user_agent): PackageManager {
  const name = agent?.split('/')[0];
  return name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : 'npm';
}

/** `create-gin-app <args>` the way the user's package manager runs a package: npx, pnpm dlx, yarn dlx, bunx. */
export function command(args: string, { pm = packageManager(), latest = false } = {}): string {
  const pkg = latest ? 'create-gin-app@latest' : 'create-gin-app';
  return `${{ npm: 'npx', pnpm: 'pnpm dlx', yarn: 'yarn dlx', bun: 'bunx' }[pm]} ${pkg} ${args}`.trimEnd();
}

/**
 * One-line commands that reproduce these answers without prompts: the
 * `<pm> create` form users start with (npm alone passes what follows `--` to
 * the package), then the form that runs the package directly.
 */
export function equivalentCommands(dir: string, answers: Answers, pm = packageManager()): [create: string, exec: string] {
  const flags: string[] = [];
  for (const spec of options) {
    const value = answers[spec.key];
    if (spec.boolean) flags.push(value ? `--${spec.flag}` : `--no-${spec.flag}`);
    else flags.push(`--${spec.flag}`, shellQuote(String(value)));
  }
  flags.push('--yes');
  const args = [shellQuote(dir), ...flags].join(' ');
  const create = pm === 'npm' ? `npm create gin-app@latest ${shellQuote(dir)} -- ${flags.join(' ')}` : `${pm} create gin-app ${args}`;
  return [create, command(args, { pm })];
}

/** Quotes s for a POSIX shell when it holds anything but safe characters. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function helpText(version: string): string {
  const rows: [string, string][] = [];
  for (const spec of options) {
    const flag = spec.boolean ? `--${spec.flag} / --no-${spec.flag}` : `--${spec.flag} ${spec.arg ?? ''}`.trim();
    const choices = spec.choices ? ` (${spec.choices.join('|')})` : '';
    rows.push([flag, `${spec.help}${choices} [default: ${spec.helpDefault}]`]);
  }
  for (const f of runFlags) {
    const flag = ('short' in f ? `-${f.short}, ` : '') + `--${f.name}` + ('arg' in f ? ` ${f.arg}` : '');
    rows.push([flag, f.help]);
  }
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return [
    `create-gin-app ${version}: scaffold a production-hardened Go Gin service and prove that it builds`,
    '',
    'Usage:',
    `  ${USAGE.create.padEnd(40)}  create a new service in dir (default ./gin-app)`,
    `  ${USAGE.update.padEnd(40)}  re-render a generated service after option changes,`,
    '                                            merging your edits (dir defaults to .)',
    `  ${USAGE.check.padEnd(40)}  exit 1 if update would change any file (CI drift check)`,
    `  ${USAGE.add}`,
    '                                            add a verified CRUD endpoint (model, store, migration,',
    '                                            handlers, tests) to a generated service; name is plural',
    `                                            (orders). Types: ${FIELD_TYPES.join(', ')}.`,
    `                                            Modifiers: ${MODIFIERS_HELP}.`,
    '',
    'Options:',
    ...rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`),
    '',
  ].join('\n');
}
