/** Where the local Go toolchain lives, found without starting a process. */
import { realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

let cached: string | null | undefined;

/**
 * $GOROOT when set; else the first `go` on PATH, followed through symlinks to
 * <GOROOT>/bin/go. Undefined when there is no go, or it is a wrapper elsewhere.
 */
export function goRoot(): string | undefined {
  if (cached === undefined) {
    const bin = process.env.GOROOT || process.platform === 'win32' ? undefined : findGoBinary();
    cached = process.env.GOROOT || (bin?.endsWith('/bin/go') ? dirname(dirname(bin)) : null);
  }
  return cached ?? undefined;
}

function findGoBinary(): string | undefined {
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
