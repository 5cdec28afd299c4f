/**
 * THE options schema: the single source of flags, prompts, defaults,
 * validation, --help and the answers stored in gin-app.json.
 * Adding an option is one entry here plus the templates of its feature.
 */
import { usageError } from '../errors.js';
import { k8sName, slugFromDirName } from '../names.js';
import { compareVersions } from '../version.js';
import { nextFreePort, portHolder, prefixClash, type ServiceClaim } from './claims.js';
import { moduleFromDirName, parseGoVersion, parseModulePath, parsePort, parsePrefix } from './validate.js';

/** Everything a generated service is rendered from; stored in gin-app.json. */
export interface Answers {
  module: string;
  port: number;
  prefix: string;
  db: Database;
  redis: boolean;
  nginx: boolean;
  apiDocs: boolean;
  dockerBase: DockerBase;
  pprof: boolean;
  pprofPort: number;
  syslog: boolean;
  metrics: boolean;
  metricsPort: number;
  k8s: boolean;
  ci: Ci;
  auth: Auth;
  go: string;
}

export const DATABASES = ['sqlite', 'mysql', 'postgres', 'none'] as const;
export type Database = (typeof DATABASES)[number];
export const DOCKER_BASES = ['distroless', 'alpine', 'scratch'] as const;
export type DockerBase = (typeof DOCKER_BASES)[number];
export const CI_PROVIDERS = ['github', 'none'] as const;
export type Ci = (typeof CI_PROVIDERS)[number];
export const AUTH_KINDS = ['jwt', 'apikey', 'none'] as const;
export type Auth = (typeof AUTH_KINDS)[number];

/** Facts about the surroundings that defaults are derived from. */
export interface DefaultsContext {
  /** Base name of the target directory. */
  dirName: string;
  /** Language version of the local Go toolchain ("1.26.0"), if one was found. */
  localGo?: string;
  /** Oldest Go version the generated code supports. */
  minGo: string;
  /** Set when the service lives in a repository with a go.work or root go.mod. */
  monorepo?: MonorepoContext;
}

export interface MonorepoContext {
  rootModule?: string;
  /** The service's path from the repository root. */
  rel: string;
  /** The other generated services, whose ports and prefixes are taken. */
  services: readonly ServiceClaim[];
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
  /** Ask only when this holds for the answers so far (e.g. the pprof port only with pprof on). */
  when?(partial: Partial<Answers>): boolean;
  /** Default shown in --help. */
  helpDefault: string;
  /**
   * The value of a service generated before the option existed, when its
   * gin-app.json lacks it: update keeps such a service as it was (an option
   * without one gets today's default).
   */
  absent?: Answers[K];
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

const asBoolean = (raw: Raw): boolean => raw === true || raw === 'true';

function choice<T extends string>(choices: readonly T[], flag: string) {
  return (raw: Raw): T => {
    const value = asString(raw, flag).trim();
    if (!(choices as readonly string[]).includes(value)) {
      throw usageError(`--${flag} must be one of ${choices.join(', ')} (got "${value}")`);
    }
    return value as T;
  };
}

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
    default: (ctx) =>
      ctx.monorepo?.rootModule ? `${ctx.monorepo.rootModule}/${ctx.monorepo.rel}` : moduleFromDirName(ctx.dirName),
    parse: (raw) => parseModulePath(asString(raw, 'module')),
  }),
  option({
    key: 'port',
    flag: 'port',
    arg: '<n>',
    help: 'HTTP port',
    helpDefault: '8080 (next free one in a monorepo)',
    prompt: 'HTTP port',
    default: (ctx) => nextFreePort(8080, ctx.monorepo?.services ?? []),
    parse: (raw) => parsePort(asString(raw, 'port')),
    check: (answers, ctx) => {
      const holder = portHolder(answers.port, ctx.monorepo?.services ?? []);
      return holder && `--port ${answers.port} is already used by ${holder}`;
    },
  }),
  option({
    key: 'prefix',
    flag: 'prefix',
    arg: '<path>',
    help: 'Gin route group, also the nginx location',
    helpDefault: '/api/v1 (/api/<dir name> in a monorepo)',
    prompt: 'Route group prefix',
    // In a monorepo every service gets its own prefix, so one gateway can route them all.
    default: (ctx) => (ctx.monorepo ? parsePrefix(`/api/${slugFromDirName(ctx.dirName)}`) : '/api/v1'),
    parse: (raw) => parsePrefix(asString(raw, 'prefix')),
    check: (answers, ctx) => {
      const clash = prefixClash(answers.prefix, ctx.monorepo?.services ?? []);
      return clash && `--prefix ${answers.prefix} clashes with ${clash} (prefixes must not be equal or nested)`;
    },
  }),
  option({
    key: 'db',
    flag: 'db',
    arg: '<name>',
    choices: DATABASES,
    help: 'database (sqlite is embedded, pure Go)',
    helpDefault: 'sqlite',
    prompt: 'Database',
    default: () => 'sqlite',
    parse: choice(DATABASES, 'db'),
  }),
  option({
    key: 'redis',
    flag: 'redis',
    boolean: true,
    help: 'Redis client',
    helpDefault: 'off',
    prompt: 'Add a Redis client?',
    default: () => false,
    parse: asBoolean,
  }),
  option({
    key: 'nginx',
    flag: 'nginx',
    boolean: true,
    help: 'nginx config whose location matches the route group',
    helpDefault: 'on',
    prompt: 'Generate an nginx config?',
    default: () => true,
    parse: asBoolean,
  }),
  option({
    key: 'apiDocs',
    flag: 'api-docs',
    boolean: true,
    help: 'documentation page of the OpenAPI document at <prefix>/docs (assets compiled in; API_DOCS=false turns it off)',
    helpDefault: 'on',
    prompt: 'Serve a documentation page of the API at <prefix>/docs?',
    default: () => true,
    parse: asBoolean,
  }),
  option({
    key: 'dockerBase',
    flag: 'docker-base',
    arg: '<name>',
    choices: DOCKER_BASES,
    help: 'final image of the Dockerfile',
    helpDefault: 'distroless',
    prompt: 'Docker base image',
    default: () => 'distroless',
    parse: choice(DOCKER_BASES, 'docker-base'),
  }),
  option({
    key: 'pprof',
    flag: 'pprof',
    boolean: true,
    help: 'pprof listener, always on 127.0.0.1 (--no-pprof turns it off)',
    helpDefault: 'on',
    prompt: 'Serve pprof on a localhost-only port?',
    default: () => true,
    parse: asBoolean,
  }),
  option({
    key: 'pprofPort',
    flag: 'pprof-port',
    arg: '<n>',
    help: 'pprof port',
    helpDefault: '6060 (next free one in a monorepo)',
    prompt: 'pprof port',
    when: (partial) => partial.pprof !== false,
    default: (ctx, partial) => nextFreePort(6060, ctx.monorepo?.services ?? [], partial.port ? [partial.port] : []),
    parse: (raw) => parsePort(asString(raw, 'pprof-port'), 'pprof-port'),
    check: (answers, ctx) => {
      if (!answers.pprof) return undefined;
      if (answers.pprofPort === answers.port) return `--pprof-port ${answers.pprofPort} must differ from --port`;
      const holder = portHolder(answers.pprofPort, ctx.monorepo?.services ?? []);
      return holder && `--pprof-port ${answers.pprofPort} is already used by ${holder}`;
    },
  }),
  option({
    key: 'syslog',
    flag: 'syslog',
    boolean: true,
    help: 'syslog wiring for both Gin writers (address chosen at run time)',
    helpDefault: 'on',
    prompt: 'Wire logs to syslog when SYSLOG_ADDR is set?',
    default: () => true,
    parse: asBoolean,
  }),
  option({
    key: 'metrics',
    flag: 'metrics',
    boolean: true,
    help: 'Prometheus /metrics on a listener of its own (--no-metrics turns it off)',
    helpDefault: 'on',
    prompt: 'Serve Prometheus metrics on a port of their own?',
    default: () => true,
    parse: asBoolean,
  }),
  option({
    key: 'metricsPort',
    flag: 'metrics-port',
    arg: '<n>',
    help: 'Prometheus metrics port (all interfaces: scraped from other hosts)',
    helpDefault: '9090 (next free one in a monorepo)',
    prompt: 'Metrics port',
    when: (partial) => partial.metrics !== false,
    default: (ctx, partial) =>
      nextFreePort(9090, ctx.monorepo?.services ?? [], [partial.port, partial.pprof === false ? undefined : partial.pprofPort].filter((p) => p !== undefined)),
    parse: (raw) => parsePort(asString(raw, 'metrics-port'), 'metrics-port'),
    check: (answers, ctx) => {
      if (!answers.metrics) return undefined;
      if (answers.metricsPort === answers.port) return `--metrics-port ${answers.metricsPort} must differ from --port`;
      if (answers.pprof && answers.metricsPort === answers.pprofPort) return `--metrics-port ${answers.metricsPort} must differ from --pprof-port`;
      const holder = portHolder(answers.metricsPort, ctx.monorepo?.services ?? []);
      return holder && `--metrics-port ${answers.metricsPort} is already used by ${holder}`;
    },
  }),
  option({
    key: 'k8s',
    flag: 'k8s',
    boolean: true,
    help: 'kustomize manifests under deploy/k8s (restricted Pod Security)',
    helpDefault: 'on',
    prompt: 'Generate Kubernetes manifests (kustomize)?',
    default: () => true,
    parse: asBoolean,
    // In a monorepo every service's objects share the root kustomization: their names must differ.
    check: (answers, ctx) => {
      if (!answers.k8s) return undefined;
      const name = k8sName(answers.module);
      const holder = (ctx.monorepo?.services ?? []).find((s) => s.k8s && k8sName(s.module) === name);
      return holder && `--k8s: the Kubernetes name "${name}" (from --module) is already used by ${holder.dir}; choose another --module or --no-k8s`;
    },
  }),
  option({
    key: 'ci',
    flag: 'ci',
    arg: '<name>',
    choices: CI_PROVIDERS,
    help: 'CI workflow (.github/workflows/ci.yml): lint, vulnerabilities, tests against real stores, drift, image build',
    helpDefault: 'github (none in a monorepo)',
    prompt: 'CI workflow',
    // GitHub reads workflows only from the repository root's .github/workflows.
    default: (ctx) => (ctx.monorepo ? 'none' : 'github'),
    parse: choice(CI_PROVIDERS, 'ci'),
    check: (answers, ctx) =>
      answers.ci === 'github' && ctx.monorepo
        ? '--ci github: GitHub reads workflows only from the repository root, not from a service inside a monorepo; use --ci none'
        : undefined,
  }),
  option({
    key: 'auth',
    flag: 'auth',
    arg: '<kind>',
    choices: AUTH_KINDS,
    help: 'who may call the API: jwt (bearer tokens checked against a JWKS or OIDC issuer), apikey (X-API-Key, SHA-256 hashes in a file) or none; the document declares each route\'s scopes',
    helpDefault: 'jwt (none for a service generated before the option)',
    prompt: 'Authentication of the API',
    default: () => 'jwt',
    // An older service was anonymous: update must not lock its clients out.
    absent: 'none',
    parse: choice(AUTH_KINDS, 'auth'),
  }),
  // Last: its default and check depend on the features the answers above turn on.
  option({
    key: 'go',
    flag: 'go',
    arg: '<version>',
    help: 'go directive of go.mod',
    helpDefault: 'the local toolchain',
    default: (ctx) => ctx.localGo ?? ctx.minGo,
    parse: (raw) => parseGoVersion(asString(raw, 'go')),
    check: (answers, ctx) =>
      compareVersions(answers.go, ctx.minGo) < 0
        ? `--go ${answers.go} is too old: the generated service needs Go ${ctx.minGo} or newer`
        : undefined,
  }),
  // biome-ignore lint/suspicious/noExplicitAny: each entry has its own key type
] as const satisfies readonly OptionSpec<any>[];

export type AnyOption = (typeof options)[number];

/** Flags that steer a run instead of describing the service. */
export const runFlags = [
  { name: 'yes', short: 'y', help: 'take defaults, never prompt' },
  { name: 'no-verify', help: 'skip the Go verification step' },
  { name: 'dry-run', help: 'print the plan (and, for update and add, the diffs), write nothing' },
  { name: 'check', help: 'update only: exit 1, listing them, if update would change any file; writes nothing (a CI drift check)' },
  { name: 'force', help: 'allow a non-empty directory (never deletes files it did not write)' },
  { name: 'set', arg: 'key=value', help: 'change one answer (repeatable)' },
  { name: 'field', arg: 'name:type[:modifiers]', help: 'add resource only: one field of the resource (repeatable), such as total:float:min=0' },
  { name: 'go-work', help: 'in a repository with a root go.mod but no go.work, create go.work for the service' },
  { name: 'help', short: 'h', help: 'show this help' },
  { name: 'version', short: 'v', help: 'print the version' },
] as const;

export type RunFlagName = (typeof runFlags)[number]['name'];

export function findOption(name: string): AnyOption | undefined {
  return options.find((o) => o.key === name || o.flag === name);
}
