// Bundles narrative-keys/panel: js/panel/panel.ts with Lit, minified, into
// pkg/panel.js. The package itself is imported through ./browser.js (the
// shared module: one WebAssembly instance for the app). esbuild minifies the
// code but not the text of Lit's tagged templates: the CSS of css`…` is
// minified here as CSS, and the indentation of html`…` dropped, which keeps
// the panel within its 20 KB gzip budget.
// Usage: node build-panel.mjs OUTFILE
import { readFile, writeFile } from 'node:fs/promises';
import * as esbuild from 'esbuild';

const templates = {
  name: 'lit-templates',
  setup(build) {
    build.onLoad({ filter: /js\/panel\/.*\.ts$/ }, async ({ path }) => {
      let source = await readFile(path, 'utf8');
      const css = source.match(/css`([^`]*)`/);
      if (css) {
        const { code } = await esbuild.transform(css[1], { loader: 'css', minify: true });
        source = source.replace(css[0], () => `css\`${code.trim()}\``);
      }
      return { contents: source, loader: 'ts' };
    });
  },
};

const { outputFiles: [bundle] } = await esbuild.build({
  write: false,
  entryPoints: [new URL('./js/panel/panel.ts', import.meta.url).pathname],
  outfile: process.argv[2],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  alias: { 'narrative-keys': './browser.js' },
  external: ['./browser.js'],
  // The element's private state (declared properties Lit watches): short
  // names in the bundle; nothing outside the element reads them.
  mangleProps: /^_(index|filter|sort|scroll|selected|menu|dialog|busy|note|error)$/,
  plugins: [templates],
});

// Minified code holds line breaks only inside template literals: those of the
// templates, whose indentation HTML collapses to one space anyway (the panel
// has no <pre>, and no template text where spacing matters).
await writeFile(process.argv[2], bundle.text.replace(/\n\s+/g, '\n'));
