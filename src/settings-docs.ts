/**
 * The generated service declares each setting once, as a field of Config
 * in internal/config/config.go (env, default and usage tags). Its
 * .env.example and the configuration table of its README are generated
 * from that declaration: here at generation time, and in the project by
 * `go generate ./internal/config` (internal/config/docs_test.go, which also
 * fails when they drift). Both render the same text.
 */
import type { PlannedFile } from './plan.js';

export interface Setting {
  env: string;
  def: string;
  usage: string;
}

const SECTIONS = {
  '.env.example': {
    begin: '# BEGIN settings: generated from internal/config (go generate ./internal/config)',
    end: '# END settings',
    body: (s: Setting[]) => s.map((x) => `# ${x.usage}\n${x.env}=${x.def}\n\n`).join(''),
  },
  'README.md': {
    begin: '<!-- BEGIN settings: generated from internal/config (go generate ./internal/config) -->',
    end: '<!-- END settings -->',
    body: (s: Setting[]) =>
      '| variable | flag | default | meaning |\n|---|---|---|---|\n' +
      s.map((x) => `| \`${x.env}\` | \`-${flagName(x.env)}\` | ${x.def ? `\`${x.def}\`` : '(none)'} | ${x.usage} |\n`).join(''),
  },
} as const;

const flagName = (env: string) => env.toLowerCase().replaceAll('_', '-');

/** Value of key in a Go struct tag (reflect.StructTag.Get), or ''. */
function tagValue(tag: string, key: string): string {
  const m = new RegExp(`(?:^|\\s)${key}:"((?:[^"\\\\]|\\\\.)*)"`).exec(tag);
  return m ? (JSON.parse(`"${m[1]}"`) as string) : '';
}

/** The settings declared in the Config struct of a config.go source, in order. */
export function settingsOf(configGo: string): Setting[] {
  const body = /^type Config struct \{\n([\s\S]*?)^\}/m.exec(configGo)?.[1] ?? '';
  return [...body.matchAll(/^\t\w+\s+\S+\s+`([^`]*)`/gm)]
    .map(([, tag]) => ({ env: tagValue(tag!, 'env'), def: tagValue(tag!, 'default'), usage: tagValue(tag!, 'usage') }))
    .filter((s) => s.env);
}

/** Fills the settings sections of .env.example and README.md from internal/config/config.go. */
export function fillSettingsDocs(files: PlannedFile[]): void {
  const config = files.find((f) => f.path === 'internal/config/config.go');
  if (!config) return;
  const settings = settingsOf(config.content);
  for (const f of files) {
    const section = SECTIONS[f.path as keyof typeof SECTIONS];
    if (!section) continue;
    const start = f.content.indexOf(`${section.begin}\n`);
    const end = f.content.indexOf(section.end, start);
    if (start < 0 || end < 0) throw new Error(`${f.path}: template lacks the settings markers`);
    f.content = f.content.slice(0, start) + `${section.begin}\n` + section.body(settings) + f.content.slice(end);
  }
}
