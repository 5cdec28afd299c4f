/** gin-app.json: the answers a service was generated from, so `update` can re-render it. */
import { createHash } from 'node:crypto';
import { usageError } from './errors.js';
import { command } from './options/flags.js';
import { findOption, options, type Answers } from './options/schema.js';
import { formatField, parseFields, parseResourceName, type Resource } from './resources/fields.js';
import { compareVersions } from './version.js';

export const ANSWERS_FILE = 'gin-app.json';

export interface AnswersFile {
  generator: 'create-gin-app';
  version: string;
  answers: Answers;
  /** The resources added with `add resource`, each with its fields as `name:type[:modifiers]` specs. */
  resources?: { name: string; migration: number; fields: string[] }[];
  /**
   * A fingerprint of each file exactly as the generator last wrote it. A file
   * on disk with the same fingerprint was never edited: `update` then knows
   * the true base of its merge even when the answers were edited by hand or
   * the templates changed since (another generator version).
   */
  files?: Record<string, string>;
}

export function renderAnswersFile(
  answers: Answers,
  version: string,
  files?: readonly { path: string; content: string }[],
  resources: readonly Resource[] = [],
): string {
  const fingerprints = files && Object.fromEntries(files.filter((f) => f.path !== ANSWERS_FILE).map((f) => [f.path, fingerprint(f.content)]));
  return answersFileText(answers, version, fingerprints, resources);
}

/** gin-app.json with the fingerprints already taken (path -> fingerprint). */
export function answersFileText(answers: Answers, version: string, fingerprints: Record<string, string> | undefined, resources: readonly Resource[]): string {
  // In the schema's order, whatever order the flags came in: the file reads the same for the same answers.
  const ordered = Object.fromEntries(options.filter((o) => o.key in answers).map((o) => [o.key, answers[o.key]])) as unknown as Answers;
  const file: AnswersFile = { generator: 'create-gin-app', version, answers: ordered };
  if (resources.length > 0) file.resources = resources.map((r) => ({ name: r.name, migration: r.migration, fields: r.fields.map(formatField) }));
  if (fingerprints) file.files = fingerprints;
  return JSON.stringify(file, null, 2) + '\n';
}

/**
 * The SHA-1 of a text's UTF-8 bytes, in hex: what `sha1sum <file>` prints for
 * the file on disk. It tells an edited file from an untouched one (not meant
 * against tampering). Loading node:crypto costs a scaffold about 2 ms, less
 * than hashing its 150 kB in JavaScript took (CREATE_GIN_APP_TIMING=1).
 */
export function fingerprint(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

export interface ParsedAnswersFile {
  version: string;
  stored: Partial<Answers>;
  resources: Resource[];
  /** Path -> fingerprint of what was generated; absent in files from before it was recorded. */
  generated?: Map<string, string>;
}

/** Reads and checks gin-app.json; every problem is a one-line usage error. */
export function parseAnswersFile(text: string, currentVersion: string): ParsedAnswersFile {
  let file: Partial<AnswersFile>;
  try {
    file = JSON.parse(text);
  } catch (err) {
    throw usageError(`cannot read ${ANSWERS_FILE}: ${(err as Error).message}`);
  }
  if (file?.generator !== 'create-gin-app' || typeof file.answers !== 'object' || file.answers === null) {
    throw usageError(`${ANSWERS_FILE} was not written by create-gin-app (no generator or answers field)`);
  }
  const version = String(file.version ?? '0.0.0');
  if (compareVersions(version, currentVersion) > 0) {
    throw usageError(`${ANSWERS_FILE} was written by create-gin-app ${version}, newer than this ${currentVersion}: run ${command('update', { latest: true })}`);
  }
  const stored: Partial<Answers> = {};
  for (const [key, value] of Object.entries(file.answers)) {
    const spec = findOption(key);
    if (!spec || spec.key !== key) throw usageError(`${ANSWERS_FILE} has an answer this version does not know: "${key}"`);
    try {
      (stored as Record<string, unknown>)[key] = spec.parse(typeof value === 'boolean' ? value : String(value));
    } catch (err) {
      throw usageError(`${ANSWERS_FILE} answer ${key}=${JSON.stringify(value)} is no longer accepted: ${(err as Error).message}`);
    }
  }
  for (const spec of options) {
    if (!(spec.key in stored) && spec.absent !== undefined) (stored as Record<string, unknown>)[spec.key] = spec.absent;
  }
  const resources = parseResources(file.resources);
  const files = file.files;
  const generated =
    files && typeof files === 'object' && !Array.isArray(files)
      ? new Map(Object.entries(files).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : undefined;
  return { version, stored, resources, generated };
}

function parseResources(raw: unknown): Resource[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw usageError(`${ANSWERS_FILE}: resources must be a list`);
  return raw.map((r: { name?: unknown; migration?: unknown; fields?: unknown }) => {
    const name = String(r?.name ?? '');
    try {
      parseResourceName(name);
      if (!Number.isInteger(r.migration) || (r.migration as number) < 1) throw usageError(`migration must be a positive whole number`);
      if (!Array.isArray(r.fields)) throw usageError('fields must be a list of name:type[:modifiers]');
      return { name, migration: r.migration as number, fields: parseFields(r.fields.map(String)) };
    } catch (err) {
      throw usageError(`${ANSWERS_FILE}: resource "${name}": ${(err as Error).message}`);
    }
  });
}
