import type { HelperDelegate, HelperOptions } from 'handlebars';

/** Helpers available to every template, with the full compiler and with the runtime alike. */
export const helpers: Record<string, HelperDelegate> = {
  /** A JSON (and Go) string literal: {{json module}}. */
  json: (value: unknown) => JSON.stringify(value),
  eq: (a: unknown, b: unknown) => a === b,
  /** Go major.minor of a version: {{goMinor go}} -> 1.26 */
  goMinor: (version: string) => version.split('.').slice(0, 2).join('.'),
  /**
   * Aligns the cells of its lines, split at "|", as gofmt aligns a struct's
   * fields and tags: {{#align}}\tID|uint64|`json:"id"`{{/align}}.
   */
  align(this: unknown, options: HelperOptions) {
    return alignColumns(options.fn(this));
  },
};

export function alignColumns(text: string): string {
  const rows = text.split('\n').map((line) => line.split('|'));
  const widths: number[] = [];
  for (const cells of rows) {
    for (const [i, c] of cells.slice(0, -1).entries()) widths[i] = Math.max(widths[i] ?? 0, c.length);
  }
  return rows.map((cells) => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]! + 1) : c)).join('')).join('\n');
}

// Compile options shared by the runtime compiler and the build-time precompiler:
// Go, YAML and nginx text must come out verbatim, and a misspelt name must fail loudly.
export const compileOptions = { noEscape: true, strict: true } as const;

/** Template file path -> output path: drops ".hbs", and a leading "_" names a dotfile or dot-directory (_github/ -> .github/). */
export function outputPath(templatePath: string): string {
  const withoutExt = templatePath.replace(/\.hbs$/, '');
  return withoutExt.replace(/(^|\/)_(?=[^/])/g, '$1.');
}
