/** gin-app.json: the answers a service was generated from, so `update` can re-render it. */
import { usageError } from './errors.js';
import { findOption, type Answers } from './options/schema.js';

export const ANSWERS_FILE = 'gin-app.json';

export interface AnswersFile {
  generator: 'create-gin-app';
  version: string;
  answers: Answers;
}

export function renderAnswersFile(answers: Answers, version: string): string {
  const file: AnswersFile = { generator: 'create-gin-app', version, answers };
  return JSON.stringify(file, null, 2) + '\n';
}

/** Reads and checks gin-app.json; every problem is a one-line usage error. */
export function parseAnswersFile(text: string, currentVersion: string): { version: string; stored: Partial<Answers> } {
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
  return { version, stored };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  const pb = b.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
