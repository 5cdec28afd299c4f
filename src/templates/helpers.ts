import type { HelperDelegate } from 'handlebars';

/** Helpers available to every template, with the full compiler and with the runtime alike. */
export const helpers: Record<string, HelperDelegate> = {
  /** A JSON (and Go) string literal: {{json module}}. */
  json: (value: unknown) => JSON.stringify(value),
  eq: (a: unknown, b: unknown) => a === b,
  /** Go major.minor of a version: {{goMinor go}} -> 1.26 */
  goMinor: (version: string) => version.split('.').slice(0, 2).join('.'),
};

// Compile options shared by the runtime compiler and the build-time precompiler:
// Go, YAML and nginx text must come out verbatim, and a misspelt name must fail loudly.
export const compileOptions = { noEscape: true, strict: true } as const;

/** Template file path -> output path: drops ".hbs", and a leading "_" names a dotfile. */
export function outputPath(templatePath: string): string {
  const withoutExt = templatePath.replace(/\.hbs$/, '');
  return withoutExt.replace(/(^|\/)_([^/]+)$/, '$1.$2');
}
