// Size and speed of the built package (wasm/pkg), against the budgets:
//   - the gzip-compressed .wasm at most 140 KB (the JS glue reported too);
//   - module initialisation in Node at most 30 ms (median of 20 cold starts);
//   - listKeys() of 1,000 keys from the local emulator within 1.2x a plain
//     fetch + JSON.parse of the same response (the median over rounds of
//     each round's ratio; see below).
// Usage: node bench/bench.mjs [--short] [--json] [--size-budget-kb N] [--ratio-budget X]
// Exits 1 when a budget is not met. The defaults are the goals (issue 26);
// CI passes the gates it holds today when a goal is not met yet.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { load, pkgDir, startEmulator, ADMIN } from '../tests/harness.mjs';

const args = process.argv.slice(2);
const short = args.includes('--short');
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const sizeBudgetKb = option('--size-budget-kb', 140);
const ratioBudget = option('--ratio-budget', 1.2);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const kb = (n) => Math.round((n / 1024) * 10) / 10;
const gz = (file) => gzipSync(readFileSync(path.join(pkgDir, file)), { level: 9 }).length;
const raw = (file) => readFileSync(path.join(pkgDir, file)).length;

// --- size -------------------------------------------------------------------
// What a browser loads beside the glue; Node loads node.js alone (glue and
// wrapper bundled into it by build.sh).
const wrapper = ['core.js', 'defaults.js', 'browser.js'];
const size = {
  wasmKb: kb(raw('narrative_keys_wasm_bg.wasm')),
  wasmGzipKb: kb(gz('narrative_keys_wasm_bg.wasm')),
  glueKb: kb(raw('narrative_keys_wasm.js')),
  glueGzipKb: kb(gz('narrative_keys_wasm.js')),
  wrapperKb: kb(wrapper.reduce((a, f) => a + raw(f), 0)),
  wrapperGzipKb: kb(gzipSync(Buffer.concat(wrapper.map((f) => readFileSync(path.join(pkgDir, f)))), { level: 9 }).length),
  nodeEntryKb: kb(raw('node.js')),
  nodeEntryGzipKb: kb(gz('node.js')),
};

// --- cold start ---------------------------------------------------------------
// Each run is a fresh Node process. `init` times the package's import as a
// program meets it: after Node has loaded the program's own file module (a
// one-line module in a temporary folder, outside the package), so Node's file
// loader is already up. `importMs` is the whole first import, loader start-up
// included, for reference.
const warmDir = mkdtempSync(path.join(tmpdir(), 'nk-bench-'));
writeFileSync(path.join(warmDir, 'app.mjs'), 'export default 1;\n');
const warmUrl = JSON.stringify(pathToFileURL(path.join(warmDir, 'app.mjs')).href);
const pkgUrl = JSON.stringify(pathToFileURL(path.join(pkgDir, 'node.js')).href);
const probe = `const t0 = performance.now(); await import(${warmUrl}); const t1 = performance.now(); await import(${pkgUrl}); const t2 = performance.now(); process.stdout.write(JSON.stringify([t2 - t1, t2 - t0]));`;
const starts = [];
const imports = [];
for (let i = 0; i < 20; i++) {
  const [own, whole] = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' }));
  starts.push(own);
  imports.push(whole);
}
rmSync(warmDir, { recursive: true, force: true });
const r1 = (x) => Math.round(x * 10) / 10;
const init = { medianMs: r1(median(starts)), minMs: r1(Math.min(...starts)), maxMs: r1(Math.max(...starts)), importMedianMs: r1(median(imports)), runs: starts.length };

// --- listKeys of 1,000 keys vs fetch + JSON.parse --------------------------------
const nk = await load();
const emu = await startEmulator();
let list;
try {
  const admin = new nk.NarrativeKeys({ apiKey: ADMIN, environment: emu.url, retries: 0 });
  const total = 1000;
  let existing = (await admin.listKeys()).length;
  while (existing < total) {
    const batch = Math.min(50, total - existing);
    await Promise.all(Array.from({ length: batch }, (_, i) => admin.createKey({
      name: `bench key ${existing + i}`,
      permissions: ['read:datasets', 'write:data_streams', { access: 'read', resource: 'queries' }],
      expiresAt: (existing + i) % 3 ? '90d' : 'never',
    })));
    existing += batch;
  }
  const url = `${emu.url}/access-tokens/tokens`;
  const plain = async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN}`, accept: 'application/json' } });
    return JSON.parse(await res.text()).records;
  };
  const viaPackage = () => admin.listKeys();
  assert1000(await plain(), await viaPackage());
  // One round's ratio varies by about 0.3 either way on a 2-core machine
  // (the server's own time in each of the two calls): the median of 40
  // rounds moved by 0.1 from run to run, that of 400 settles within about
  // 0.02 (about 10 s more).
  const rounds = short ? 15 : 400;
  for (let i = 0; i < 5; i++) { await plain(); await viaPackage(); } // warm up both paths
  const tPlain = [];
  const tPkg = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate the order so neither path always runs on a warmer server.
    for (const [fn, out] of i % 2 ? [[plain, tPlain], [viaPackage, tPkg]] : [[viaPackage, tPkg], [plain, tPlain]]) {
      const t0 = performance.now();
      await fn();
      out.push(performance.now() - t0);
    }
  }
  const mp = median(tPlain);
  const mk = median(tPkg);
  // The ratio is taken within each round (the two calls back to back, on the
  // same server state), then the median over rounds: the server's drift
  // between rounds cancels out. The ratio of the two medians is reported too.
  const ratio = median(tPkg.map((k, i) => k / tPlain[i]));
  const r2 = (x) => Math.round(x * 100) / 100;
  list = { keys: total, rounds, fetchJsonParseMedianMs: r2(mp), listKeysMedianMs: r2(mk), ratio: r2(ratio), ratioOfMedians: r2(mk / mp) };
} finally {
  await emu.stop();
}

function assert1000(a, b) {
  if (a.length !== 1000 || b.length !== 1000) throw new Error(`expected 1000 keys, got ${a.length} and ${b.length}`);
}

// --- report -----------------------------------------------------------------------
const checks = [
  [`gzip .wasm <= ${sizeBudgetKb} KB`, size.wasmGzipKb <= sizeBudgetKb, `${size.wasmGzipKb} KB`],
  ['Node init median <= 30 ms', init.medianMs <= 30, `${init.medianMs} ms`],
  [`listKeys(1000) <= ${ratioBudget}x fetch+JSON.parse`, list.ratio <= ratioBudget, `${list.ratio}x`],
];
if (args.includes('--json')) {
  console.log(JSON.stringify({ size, init, listKeys: list, checks: checks.map(([name, ok, value]) => ({ name, ok, value })) }, null, 2));
} else {
  console.log(`wasm           ${size.wasmKb} KB, gzip ${size.wasmGzipKb} KB`);
  console.log(`JS glue        ${size.glueKb} KB, gzip ${size.glueGzipKb} KB (wasm-bindgen output)`);
  console.log(`JS wrapper     ${size.wrapperKb} KB, gzip ${size.wrapperGzipKb} KB (core, browser entry)`);
  console.log(`Node entry     ${size.nodeEntryKb} KB, gzip ${size.nodeEntryGzipKb} KB (glue and wrapper in one module)`);
  console.log(`Node init      median ${init.medianMs} ms over ${init.runs} cold starts (min ${init.minMs}, max ${init.maxMs}); whole first import incl. ESM loader start-up ${init.importMedianMs} ms`);
  console.log(`listKeys(1000) median ${list.listKeysMedianMs} ms vs fetch+JSON.parse ${list.fetchJsonParseMedianMs} ms (ratio of medians ${list.ratioOfMedians}x); median of the ${list.rounds} per-round ratios ${list.ratio}x`);
  for (const [name, ok, value] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${value}`);
}
if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
