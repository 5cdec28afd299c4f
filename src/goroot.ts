/** Where the local Go toolchain lives, found without starting a process. */
import { realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/**
 * The first `go` on PATH, followed through symlinks to <GOROOT>/bin/go; $GOROOT
 * when set. Undefined when there is no go, or it is a wrapper elsewhere.
 */
let binary: string | null | undefined;

export function goBinaryOnPath(): string | undefined {
  if (binary === undefined) binary = findGoBinary() ?? null;
  return binary ?? undefined;
}

function findGoBinary(): string | undefined {
  if (process.platform === 'win32') return undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      const bin = realpathSync(join(dir, 'go'));
      const st = statSync(bin);
      if (st.isFile() && (st.mode & 0o111) !== 0) return bin;
    } catch {
      // not here
    }
  }
  return undefined;
}

let cached: string | null | undefined;

export function goRoot(): string | undefined {
  if (cached === undefined) {
    const bin = process.env.GOROOT ? undefined : goBinaryOnPath();
    cached = process.env.GOROOT || (bin?.endsWith('/bin/go') ? dirname(dirname(bin)) : null);
  }
  return cached ?? undefined;
}
