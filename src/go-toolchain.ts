/** Finds the local Go toolchain without loading anything heavy. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goRoot } from './goroot.js';
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
  const raw = versionFileOfGoOnPath() ?? goEnvVersion();
  if (raw === undefined) return undefined;
  // Release builds print "go1.26.8"; devel or vendor builds may add a suffix.
  const m = /^go(1\.\d+)(?:\.(\d+))?/.exec(raw);
  if (!m) return undefined;
  const version = parseGoVersion(`${m[1]}.${m[2] ?? '0'}`);
  return { raw, version, language: `${m[1]}.0` };
}

/** `go env GOVERSION` of the local toolchain: a process start, 10 to 40 ms. */
function goEnvVersion(): string | undefined {
  try {
    return execFileSync('go', ['env', 'GOVERSION'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, GOTOOLCHAIN: 'local' },
    }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The fast path on the CLI's start-up: the first line of <GOROOT>/VERSION of
 * the `go` on PATH, which an official distribution ships ("go1.26.8").
 * Anything else (a wrapper script, a GOROOT override, no VERSION file, no
 * `go` at all) returns undefined and the caller asks `go env`.
 */
function versionFileOfGoOnPath(): string | undefined {
  const root = process.env.GOROOT ? undefined : goRoot();
  if (!root) return undefined;
  try {
    const first = readFileSync(join(root, 'VERSION'), 'utf8').split('\n')[0]!.trim();
    return /^go1\.\d+(\.\d+)?$/.test(first) ? first : undefined;
  } catch {
    return undefined;
  }
}
