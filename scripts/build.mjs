// Bundles the CLI into dist/ with zero runtime dependencies. Templates are
// precompiled here, so the published CLI ships only the Handlebars runtime;
// the prompt library and execa land in chunks loaded only when needed.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { readTemplateSources } from '../src/templates/load.ts';
import { compileOptions, outputPath } from '../src/templates/helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

function precompiledModule() {
  const features = Object.entries(readTemplateSources(`${root}templates`)).map(([feature, files]) => {
    const entries = Object.entries(files).map(([path, source]) => {
      const fn = path.endsWith('.hbs')
        ? `t(${Handlebars.precompile(source, compileOptions)})`
        : `() => ${JSON.stringify(source)}`;
      return `    ${JSON.stringify(outputPath(path))}: ${fn}`;
    });
    return `  ${JSON.stringify(feature)}: {\n${entries.join(',\n')}\n  }`;
  });
  return `import Handlebars from 'handlebars/runtime';
import { helpers } from ${JSON.stringify(`${root}src/templates/helpers.ts`)};
const hbs = Handlebars.create();
hbs.registerHelper(helpers);
const t = (spec) => hbs.template(spec);
export function loadTemplates() {
  return {
${features.join(',\n')}
  };
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
await build({
  entryPoints: { cli: `${root}src/cli.ts` },
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  define: { __VERSION__: JSON.stringify(pkg.version) },
  // CJS dependencies inside an ESM bundle call require(): give them one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  plugins: [precompiledTemplates],
  logLevel: 'warning',
});
rmSync(`${root}dist`, { recursive: true, force: true });
renameSync(staging, `${root}dist`);
