import { createRequire } from 'node:module';

// Bundled builds inline this constant; running from source reads package.json.
declare const __VERSION__: string | undefined;

export const VERSION: string =
  typeof __VERSION__ === 'string' ? __VERSION__ : (createRequire(import.meta.url)('../package.json') as { version: string }).version;
