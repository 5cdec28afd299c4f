/** gin-app.json: the answers a service was generated from, so `update` can re-render it. */
import { createHash } from 'node:crypto';
import { usageError } from './errors.js';
import { findOption, type Answers } from './options/schema.js';

export const ANSWERS_FILE = 'gin-app.json';

export interface AnswersFile {
  generator: 'create-gin-app';
  version: string;
  answers: Answers;
  /**
   * A fingerprint of each file exactly as the generator last wrote it. A file
   * on disk with the same fingerprint was never edited: `update` then knows
   * the true base of its merge even when the answers were edited by hand or
   * the templates changed since (another generator version).
   */
  files?: Record<string, string>;
}

export function renderAnswersFile(answers: Answers, version: string, files?: readonly { path: string; content: string }[]): string {
  const file: AnswersFile = { generator: 'create-gin-app', version, answers };
  if (files) file.files = Object.fromEntries(files.filter((f) => f.path !== ANSWERS_FILE).map((f) => [f.path, fingerprint(f.content)]));
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
    throw usageError(`${ANSWERS_FILE} was written by create-gin-app ${version}, newer than this ${currentVersion}: run npx create-gin-app@latest update`);
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
  const files = file.files;
  const generated =
    files && typeof files === 'object' && !Array.isArray(files)
      ? new Map(Object.entries(files).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : undefined;
  return { version, stored, generated };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  const pb = b.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
