// The size of `narrative-keys/panel` (pkg/panel.js: the element with Lit
// bundled in), gzip -9, against its budget of 20 KB. The WebAssembly, the glue
// and the browser entry it imports are shared with the rest of the package and
// counted by bench.mjs.
// Usage: node bench/panel-size.mjs [--budget-kb N]   Exits 1 over budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { pkgDir } from '../tests/harness.mjs';

const args = process.argv.slice(2);
const budgetKb = Number(args[args.indexOf('--budget-kb') + 1]) || 20;
const code = readFileSync(path.join(pkgDir, 'panel.js'));
const kb = (n) => Math.round((n / 1024) * 10) / 10;
const gzipKb = kb(gzipSync(code, { level: 9 }).length);

// A second copy of the WebAssembly or its glue would not show in this figure
// but would double what the page loads: the bundle must only import the entry.
const imports = [...code.toString().matchAll(/\bfrom\s*"([^"]+)"|\bimport\s*"([^"]+)"/g)].map((m) => m[1] ?? m[2]);
const own = imports.every((i) => i === './browser.js') && !code.includes('narrative_keys_wasm');
console.log(`panel.js: ${gzipKb} KB gzip -9 (${kb(code.length)} KB raw); budget ${budgetKb} KB; imports ${JSON.stringify(imports)}`);
if (!own) {
  console.error('panel.js must import the package only through ./browser.js (one shared WebAssembly instance)');
  process.exit(1);
}
if (gzipKb > budgetKb) {
  console.error(`panel.js is over its budget: ${gzipKb} KB > ${budgetKb} KB`);
  process.exit(1);
}
