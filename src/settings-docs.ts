/**
 * The generated service declares each setting once, as a field of Config
 * in internal/config/config.go (env, default and usage tags). Its
 * .env.example and the configuration table of its README are generated
 * from that declaration: here at generation time, and in the project by
 * `go generate ./internal/config` (internal/config/docs_test.go, which also
 * fails when they drift). Both render the same text.
 */

export interface Setting {
  env: string;
  def: string;
  usage: string;
  secret: boolean;
}

/** KEY=value lines of an env-file text (comments and blank lines skipped). */
function envValues(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, k, v]) => [k!, v!]));
}

const SECTIONS: Record<string, { begin: string; end: string; body: (s: Setting[], current: string) => string }> = {
  '.env.example': {
    begin: '# BEGIN settings: generated from internal/config (go generate ./internal/config)',
    end: '# END settings',
    body: (s) => s.map((x) => `# ${x.usage}\n${x.env}=${x.def}\n\n`).join(''),
  },
  // The Kubernetes ConfigMap (kustomize configMapGenerator): the non-secret
  // settings; the values its template gives (PORT, DRAIN_DELAY, ...) replace
  // the defaults.
  'deploy/k8s/base/config.env': {
    begin: '# BEGIN settings: generated from internal/config by create-gin-app',
    end: '# END settings',
    body: (s, current) => {
      const given = envValues(current);
      return s
        .filter((x) => !x.secret)
        .map((x) => `# ${x.usage}\n${x.env}=${given.get(x.env) ?? x.def}\n\n`)
        .join('');
    },
  },
  'README.md': {
    begin: '<!-- BEGIN settings: generated from internal/config (go generate ./internal/config) -->',
    end: '<!-- END settings -->',
    body: (s) =>
      '| variable | flag | default | meaning |\n|---|---|---|---|\n' +
      s.map((x) => `| \`${x.env}\` | \`-${flagName(x.env)}\` | ${x.def ? `\`${x.def}\`` : '(none)'} | ${x.usage} |\n`).join(''),
  },
};

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
    .map(([, tag]) => ({
      env: tagValue(tag!, 'env'),
      def: tagValue(tag!, 'default'),
      usage: tagValue(tag!, 'usage'),
      secret: tagValue(tag!, 'secret') === 'true',
    }))
    .filter((s) => s.env);
}

/**
 * Fills the settings sections of .env.example, README.md and the Kubernetes
 * config.env from internal/config/config.go.
 */
export function fillSettingsDocs(files: { path: string; content: string }[]): void {
  const config = files.find((f) => f.path === 'internal/config/config.go');
  if (!config) return;
  const settings = settingsOf(config.content);
  for (const f of files) {
    const section = SECTIONS[f.path];
    if (!section) continue;
    const start = f.content.indexOf(`${section.begin}\n`);
    const end = f.content.indexOf(section.end, start);
    if (start < 0 || end < 0) throw new Error(`${f.path}: template lacks the settings markers`);
    const current = f.content.slice(start + section.begin.length + 1, end);
    f.content = f.content.slice(0, start) + `${section.begin}\n` + section.body(settings, current) + f.content.slice(end);
  }
}
