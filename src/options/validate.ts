import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../errors.js';
import { goRoot } from '../goroot.js';
import { slugFromDirName } from '../names.js';

/*
 * Module paths are judged as the go command judges the path of a main module
 * when `go mod init <path>` writes go.mod and `go build` compiles a package at
 * its root. The rules below are our own restatement of those in
 * golang.org/x/mod/module (import paths, major-version suffixes) and in
 * cmd/go (reserved module paths, the package loader's checks); the
 * differential test in test/e2e/module-paths.test.ts holds them to the go
 * command itself on a corpus of paths.
 */

// Characters of an import path element: ASCII letters and digits, - . _ ~ and +.
const ELEMENT_CHARS = /^[A-Za-z0-9._~+-]+$/;
// Names Windows reserves for devices, whatever the case or extension.
const WINDOWS_DEVICES = new Set(['con', 'prn', 'aux', 'nul', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`])]);
// Package patterns the go command gives a meaning of its own, and cgo's pseudo-package.
const NOT_IMPORTABLE = new Set(['std', 'cmd', 'all', 'tool', 'work', 'C']);

/** Why one path element is not allowed, or undefined. */
function elementProblem(element: string): string | undefined {
  if (element === '') return 'it has an empty path element';
  if (/^\.+$/.test(element)) return `"${element}" is not a path element`;
  if (element.endsWith('.')) return `element "${element}" ends with a dot`;
  if (!ELEMENT_CHARS.test(element)) {
    const bad = [...element].find((c) => !ELEMENT_CHARS.test(c));
    return `element "${element}" has the character ${JSON.stringify(bad)}: only letters, digits and - . _ ~ + are allowed`;
  }
  // The part before the first dot: device names, and what looks like a Windows short name (NAME~1).
  const stem = element.split('.')[0]!;
  if (WINDOWS_DEVICES.has(stem.toLowerCase())) return `"${stem}" is a reserved file name on Windows`;
  if (/~\d+$/.test(stem)) return `element "${element}" ends like a Windows short name (~ and digits)`;
  return undefined;
}

/** Why the path's major-version suffix is not allowed, or undefined. */
function versionSuffixProblem(path: string): string | undefined {
  const why = 'a major-version suffix is /vN with N >= 2 and no leading zero';
  if (path.startsWith('gopkg.in/')) {
    // gopkg.in paths always end in .vN (N >= 0, no leading zero), optionally followed by -unstable.
    const m = /\.v(\d*)(-unstable)?$/.exec(path);
    if (!m || (m[1] === '' && !m[2])) return 'a gopkg.in path must end in .vN, such as gopkg.in/yaml.v3';
    if (m[1]!.length > 1 && m[1]!.startsWith('0')) return 'the .vN suffix of a gopkg.in path has no leading zero';
    if (m[1] === '0' && m[0] !== '.v0') return 'the .vN suffix of a gopkg.in path has no leading zero';
    return undefined;
  }
  // A trailing run of digits and dots right after "/v" is a version suffix.
  const m = /\/v([\d.]+)$/.exec(path);
  if (!m || m.index === 0) return undefined;
  const n = m[1]!;
  if (n.includes('.') || n.startsWith('0') || n === '1') return `it ends in /v${n}: ${why}`;
  return undefined;
}

/** Whether GOROOT/src/<path> holds Go files: a standard-library package the module would shadow. */
function isStdPackage(path: string): boolean {
  const root = goRoot();
  if (!root) return false;
  try {
    return readdirSync(join(root, 'src', path)).some((f) => f.endsWith('.go'));
  } catch {
    return false;
  }
}

let runtimeDeps: string[] | undefined;

/**
 * Packages every binary links (the runtime and what it imports), which the go
 * command compares with the main package's path case-insensitively. Asked of
 * the local toolchain, only for a path that folds onto a standard package.
 */
function linkedStdPackages(): string[] {
  if (runtimeDeps) return runtimeDeps;
  try {
    runtimeDeps = execFileSync('go', ['list', '-deps', 'runtime'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '', GOWORK: 'off' },
      cwd: goRoot() ?? process.cwd(),
    })
      .split('\n')
      .filter(Boolean);
  } catch {
    runtimeDeps = [];
  }
  return runtimeDeps;
}

/** Why Go would not take path as the module path of a main package, or undefined. */
export function modulePathProblem(path: string): string | undefined {
  if (path === '') return 'it is empty';
  if (path.startsWith('-')) return 'it starts with "-"';
  if (path.startsWith('/') || path.endsWith('/')) return 'it must not start or end with "/"';
  const elements = path.split('/');
  for (const element of elements) {
    const problem = elementProblem(element);
    if (problem) return problem;
  }
  if (path === 'go' || path === 'toolchain') return `"${path}" is reserved by the go command`;
  const version = versionSuffixProblem(path);
  if (version) return version;
  // What the build adds: the package at the module root, named by the whole
  // path, must start with a letter, digit, "." or "_", and so must its last element ...
  if (!/^[A-Za-z0-9._]/.test(path)) return `it must start with a letter, digit, "." or "_"`;
  if (!/^[A-Za-z0-9._]/.test(elements.at(-1)!)) return `its last element "${elements.at(-1)}" must start with a letter, digit, "." or "_"`;
  // ... must be importable, and must not be a standard-library package (the
  // first element of those has no dot) ...
  if (NOT_IMPORTABLE.has(path)) return `"${path}" has a meaning of its own to the go command`;
  if (!elements[0]!.includes('.')) {
    if (isStdPackage(path)) return `it is the path of a standard-library package`;
    // ... nor differ only in case from a package every binary links.
    const folded = path.toLowerCase();
    if (folded !== path && isStdPackage(folded) && linkedStdPackages().includes(folded)) {
      return `it differs only in case from the standard-library package ${folded}`;
    }
  }
  return undefined;
}

export function parseModulePath(raw: string): string {
  const path = raw.trim();
  const problem = modulePathProblem(path);
  if (problem) throw usageError(`invalid module path "${raw}": ${problem}`);
  return path;
}

/** A valid module path made from a directory name: the slug, or "<slug>-app" where Go would refuse the slug ("con", "fmt"). */
export function moduleFromDirName(name: string): string {
  const slug = slugFromDirName(name);
  if (!modulePathProblem(slug)) return slug;
  return modulePathProblem(`${slug}-app`) ? 'app' : `${slug}-app`;
}

// A non-root service (our containers run as a numeric non-root UID with all
// capabilities dropped) cannot bind below 1024.
export const MIN_PORT = 1024;
export const MAX_PORT = 65535;

export function parsePort(raw: string | number, name = 'port'): number {
  const text = String(raw).trim();
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
    throw usageError(`--${name} must be a whole number from ${MIN_PORT} to ${MAX_PORT} (got "${raw}")`);
  }
  return port;
}

// Characters that mean the same thing to nginx's prefix match and to Gin's
// router: no ":" or "*" (Gin parameters), no "%" (nginx decodes, Gin may not),
// no regex or space characters nginx could read differently.
const PREFIX_SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;
// Top-level paths the service itself owns outside the route group.
const RESERVED_SEGMENTS = new Set(['healthz', 'readyz', 'debug']);

/** Normalises a route group prefix to "/a/b" (leading slash, no trailing one) or rejects it. */
export function parsePrefix(raw: string): string {
  const trimmed = raw.trim();
  const bad = (why: string) => usageError(`invalid prefix "${raw}": ${why}`);
  const segments = trimmed.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  if (segments.length === 1 && segments[0] === '') throw bad('it needs at least one path segment, such as /api');
  for (const segment of segments) {
    if (segment === '') throw bad('it contains "//"');
    if (segment === '.' || segment === '..') throw bad('"." and ".." segments are not allowed');
    if (!PREFIX_SEGMENT.test(segment)) {
      throw bad(`segment "${segment}" may use only letters, digits and - . _ ~ (nginx and Gin would read other characters differently)`);
    }
  }
  if (RESERVED_SEGMENTS.has(segments[0]!)) throw bad(`/${segments[0]} is reserved for the service's own endpoints`);
  return '/' + segments.join('/');
}

/** Parses a Go version ("1.26", "1.26.3", "go1.26") into "1.26.0" / "1.26.3". */
export function parseGoVersion(raw: string): string {
  const m = /^(?:go)?(1)\.(\d+)(?:\.(\d+))?$/.exec(raw.trim());
  if (!m) throw usageError(`invalid Go version "${raw}": expected a release such as 1.26 or 1.26.3`);
  return `${m[1]}.${m[2]}.${m[3] ?? '0'}`;
}
