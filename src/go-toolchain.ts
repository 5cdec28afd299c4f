/** Finds the local Go toolchain without loading anything heavy. */
import { execFileSync } from 'node:child_process';
import { parseGoVersion } from './options/validate.js';

export interface GoToolchain {
  /** As Go prints it: "go1.26.8". */
  raw: string;
  /** Full version: "1.26.8". */
  version: string;
  /** Language version for a go directive: "1.26.0". */
  language: string;
}

export function findGo(): GoToolchain | undefined {
  let raw: string;
  try {
    raw = execFileSync('go', ['env', 'GOVERSION'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, GOTOOLCHAIN: 'local' },
    }).trim();
  } catch {
    return undefined;
  }
  // Release builds print "go1.26.8"; devel or vendor builds may add a suffix.
  const m = /^go(1\.\d+)(?:\.(\d+))?/.exec(raw);
  if (!m) return undefined;
  const version = parseGoVersion(`${m[1]}.${m[2] ?? '0'}`);
  return { raw, version, language: `${m[1]}.0` };
}
