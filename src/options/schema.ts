/**
 * THE options schema: the single source of flags, prompts, defaults,
 * validation, --help and the answers stored in gin-app.json.
 * Adding an option is one entry here plus the templates of its feature.
 */
import { compareGoVersions, moduleFromDirName, parseGoVersion, parseModulePath, parsePort, parsePrefix } from './validate.js';

/** Everything a generated service is rendered from; stored in gin-app.json. */
export interface Answers {
  module: string;
  port: number;
  prefix: string;
  go: string;
}

/** Facts about the surroundings that defaults are derived from. */
export interface DefaultsContext {
  /** Base name of the target directory. */
  dirName: string;
  /** Language version of the local Go toolchain ("1.26.0"), if one was found. */
  localGo?: string;
  /** Oldest Go version the generated code supports. */
  minGo: string;
}

type Raw = string | boolean;

export interface OptionSpec<K extends keyof Answers = keyof Answers> {
  key: K;
  /** Long flag without dashes; boolean options also get --no-<flag>. */
  flag: string;
  /** Placeholder shown in --help for options that take a value. */
  arg?: string;
  boolean?: true;
  choices?: readonly string[];
  help: string;
  /** Question asked interactively; options without one are never prompted. */
  prompt?: string;
  /** Default shown in --help. */
  helpDefault: string;
  default(ctx: DefaultsContext, partial: Partial<Answers>): Answers[K];
  /** Normalises and validates one value, throwing a usage error with a one-line reason. */
  parse(raw: Raw): Answers[K];
  /** Checks that need other answers; returns the reason when they clash. */
  check?(answers: Answers, ctx: DefaultsContext): string | undefined;
}

const asString = (raw: Raw, flag: string): string => {
  if (typeof raw !== 'string') throw new TypeError(`--${flag} takes a value`);
  return raw;
};

function option<K extends keyof Answers>(spec: OptionSpec<K>): OptionSpec<K> {
  return spec;
}

export const options = [
  option({
    key: 'module',
    flag: 'module',
    arg: '<path>',
    help: 'Go module path',
    helpDefault: 'the directory name',
    prompt: 'Go module path',
    default: (ctx) => moduleFromDirName(ctx.dirName),
    parse: (raw) => parseModulePath(asString(raw, 'module')),
  }),
  option({
    key: 'port',
    flag: 'port',
    arg: '<n>',
    help: 'HTTP port',
    helpDefault: '8080',
    prompt: 'HTTP port',
    default: () => 8080,
    parse: (raw) => parsePort(asString(raw, 'port')),
  }),
  option({
    key: 'prefix',
    flag: 'prefix',
    arg: '<path>',
    help: 'Gin route group, also the nginx location',
    helpDefault: '/api/v1',
    prompt: 'Route group prefix',
    default: () => '/api/v1',
    parse: (raw) => parsePrefix(asString(raw, 'prefix')),
  }),
  option({
    key: 'go',
    flag: 'go',
    arg: '<version>',
    help: 'go directive of go.mod',
    helpDefault: 'the local toolchain',
    default: (ctx) => ctx.localGo ?? ctx.minGo,
    parse: (raw) => parseGoVersion(asString(raw, 'go')),
    check: (answers, ctx) =>
      compareGoVersions(answers.go, ctx.minGo) < 0
        ? `--go ${answers.go} is too old: the generated service needs Go ${ctx.minGo} or newer`
        : undefined,
  }),
] as const satisfies readonly OptionSpec<any>[];

export type AnyOption = (typeof options)[number];

/** Flags that steer a run instead of describing the service. */
export const runFlags = [
  { name: 'yes', short: 'y', help: 'take defaults, never prompt' },
  { name: 'no-verify', help: 'skip the Go verification step' },
  { name: 'dry-run', help: 'print the plan, write nothing' },
  { name: 'force', help: 'allow a non-empty directory (never deletes files it did not write)' },
  { name: 'set', arg: 'key=value', help: 'change one answer (repeatable)' },
  { name: 'help', short: 'h', help: 'show this help' },
  { name: 'version', short: 'v', help: 'print the version' },
] as const;

export type RunFlagName = (typeof runFlags)[number]['name'];

export function findOption(name: string): AnyOption | undefined {
  return options.find((o) => o.key === name || o.flag === name);
}
