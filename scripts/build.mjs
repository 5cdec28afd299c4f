// Bundles the CLI into dist/ with zero runtime dependencies. Templates are
// precompiled here, so the published CLI ships only the Handlebars runtime;
// the prompt library and execa land in chunks loaded only when needed.
import { build, transform } from 'esbuild';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import Handlebars from 'handlebars';
import HandlebarsRuntime from 'handlebars/runtime.js';
import { readTemplateSources } from '../src/templates/load.ts';
import { compileOptions, helpers, outputPath } from '../src/templates/helpers.ts';
import { requiredGo, plan } from '../src/plan.ts';
import { resolveAnswers } from '../src/options/resolve.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

/**
 * The precompiled templates as a plain script, `(function (t) { return { feature: { path: fn } } })`,
 * loaded with node:vm so that V8's code cache (made below, after rendering
 * with them) spares a scaffold the parsing and compiling of ~250 kB of
 * template functions. A cache from another Node version is rejected by V8
 * and the script simply compiles as usual.
 */
function templatesScript() {
  const features = Object.entries(readTemplateSources(`${root}templates`)).map(([feature, files]) => {
    const entries = Object.entries(files).map(([path, source]) => {
      const fn = path.endsWith('.hbs')
        ? `t(${Handlebars.precompile(source, compileOptions)})`
        : `() => ${JSON.stringify(source)}`;
      return `    ${JSON.stringify(outputPath(path))}: ${fn}`;
    });
    return `  ${JSON.stringify(feature)}: {\n${entries.join(',\n')}\n  }`;
  });
  return `(function (t) {\nreturn {\n${features.join(',\n')}\n};\n})`;
}

function precompiledModule() {
  return `import Handlebars from 'handlebars/runtime';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { helpers } from ${JSON.stringify(`${root}src/templates/helpers.ts`)};
const hbs = Handlebars.create();
hbs.registerHelper(helpers);
const t = (spec) => hbs.template(spec);
let factory;
export function loadTemplates() {
  if (!factory) {
    const url = new URL('./templates.js', import.meta.url);
    let cachedData;
    try {
      cachedData = readFileSync(new URL('./templates.cache', import.meta.url));
    } catch {}
    factory = new Script(readFileSync(url, 'utf8'), { filename: fileURLToPath(url), cachedData }).runInThisContext();
  }
  return factory(t);
}
`;
}

const precompiledTemplates = {
  name: 'precompiled-templates',
  setup(b) {
    b.onResolve({ filter: /\/templates\/index\.js$/ }, () => ({ path: 'templates', namespace: 'precompiled' }));
    b.onLoad({ filter: /.*/, namespace: 'precompiled' }, () => ({ contents: precompiledModule(), loader: 'js', resolveDir: root }));
  },
};

// Build next to dist/ and swap it in, so a CLI running from dist/ never sees it half-written.
const staging = `${root}dist.${process.pid}`;
const result = await build({
  entryPoints: { cli: `${root}src/cli.ts` },
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // CJS dependencies inside an ESM bundle call require(): give them one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  plugins: [precompiledTemplates],
  logLevel: 'warning',
  metafile: true,
});

// The templates script goes next to the chunk that loads it, with its code cache.
const loader = Object.entries(result.metafile.outputs).find(([, o]) => Object.keys(o.inputs).some((i) => i.startsWith('precompiled:')))?.[0];
if (!loader) throw new Error('the precompiled templates module is in no output');
const here = dirname(resolve(root, loader));
const source = (await transform(templatesScript(), { minifyWhitespace: true, minifyIdentifiers: true, loader: 'js', legalComments: 'none' })).code;
writeFileSync(join(here, 'templates.js'), source);
const script = new Script(source, { filename: join(here, 'templates.js') });
const hbs = HandlebarsRuntime.create();
hbs.registerHelper(helpers);
const set = script.runInThisContext()((spec) => hbs.template(spec));
// Render what scaffolds render, so the cache holds those functions compiled.
const ctx = { dirName: 'app', localGo: '1.26.0' };
const minGo = (p) => requiredGo(p);
for (const given of [{}, { db: 'postgres', redis: true }, { db: 'mysql', dockerBase: 'alpine' }, { db: 'none', nginx: false, pprof: false, syslog: false }]) {
  plan(await resolveAnswers({ given, ctx, minGo }), set);
}
writeFileSync(join(here, 'templates.cache'), script.createCachedData());

rmSync(`${root}dist`, { recursive: true, force: true });
renameSync(staging, `${root}dist`);
