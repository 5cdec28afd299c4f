/** gin-app.json: the answers a service was generated from, so `update` can re-render it. */
import type { Answers } from './options/schema.js';

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
