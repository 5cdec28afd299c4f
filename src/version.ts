import { createRequire } from 'node:module';

// Bundled builds inline this constant; running from source reads package.json.
declare const __VERSION__: string | undefined;

export const VERSION: string =
  typeof __VERSION__ === 'string' ? __VERSION__ : (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** Compares versions ("1.26.0", "0.1.0", "1.2.3-beta.1": the first three numbers); negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  const pb = b.split(/[.-]/).map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
