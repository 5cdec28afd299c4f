import { usageError } from '../errors.js';

// Go's rules for import path elements (golang.org/x/mod/module.CheckImportPath),
// simplified: letters, digits and - . _ ~ ; no empty, leading-dot or trailing-dot element.
const MODULE_ELEMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

export function parseModulePath(raw: string): string {
  const path = raw.trim();
  const bad = (why: string) => usageError(`invalid module path "${raw}": ${why}`);
  if (path === '') throw bad('it is empty');
  if (path.startsWith('/') || path.endsWith('/')) throw bad('it must not start or end with "/"');
  for (const element of path.split('/')) {
    if (element === '') throw bad('it has an empty path element');
    if (!MODULE_ELEMENT.test(element) || element.endsWith('.')) {
      throw bad(`element "${element}" may use only letters, digits and - . _ ~, and must not start or end with "."`);
    }
  }
  return path;
}

/** Turns a directory name into a module path candidate ("My App" -> "my-app"). */
export function moduleFromDirName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._~-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'app';
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

/** Compares two Go versions ("1.26.0"); negative when a < b. */
export function compareGoVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
