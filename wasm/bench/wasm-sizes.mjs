// Prints the biggest functions of a .wasm with a name section, grouped by crate,
// or with --areas the code by what it serves (the table in README "Size and speed").
// Usage: node wasm-sizes.mjs file.wasm [top] | node wasm-sizes.mjs file.wasm --areas
// A module with names, as shipped otherwise: bench/named-module.sh.
import { readFileSync } from 'node:fs';
const buf = readFileSync(process.argv[2]);
const areasOnly = process.argv[3] === '--areas';
const top = areasOnly ? 0 : Number(process.argv[3] ?? 40);
let p = 8;
const u = () => { let r = 0, s = 0, b; do { b = buf[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
let imports = 0; const sizes = []; const names = new Map(); let dataSize = 0;
while (p < buf.length) {
  const id = buf[p++]; const len = u(); const end = p + len;
  if (id === 2) { const n = u(); for (let i = 0; i < n; i++) { let l = u(); p += l; l = u(); p += l; const k = buf[p++]; if (k === 0) { u(); imports++; } else if (k === 1) { p++; const f = buf[p++]; u(); if (f & 1) u(); } else if (k === 2) { const f = buf[p++]; u(); if (f & 1) u(); } else if (k === 3) { p += 2; } else { p++; u(); } } }
  if (id === 10) { const n = u(); for (let i = 0; i < n; i++) { const l = u(); sizes.push(l); p += l; } }
  if (id === 11) dataSize += len;
  if (id === 0) { const nl = u(); const name = buf.subarray(p, p + nl).toString(); p += nl; if (name === 'name') { while (p < end) { const sid = buf[p++]; const sl = u(); const se = p + sl; if (sid === 1) { const n = u(); for (let i = 0; i < n; i++) { const idx = u(); const l = u(); names.set(idx, buf.subarray(p, p + l).toString()); p += l; } } p = se; } } }
  p = end;
}
const fns = sizes.map((s, i) => ({ s, n: names.get(i + imports) ?? `#${i + imports}` }));
const total = sizes.reduce((a, b) => a + b, 0);
// What each function serves, by its name; the first match wins.
const AREAS = [
  ['float formatting (the standard library\'s float printing)', /flt2dec|fmt::float|WithDecimalPoint|zmij|bignum|dec2flt/],
  ['JSON reading (the reader, serde\'s derived readers): every response, every argument', /json_reader|json_object|json_path|serde_json::de|serde_core::de|[Dd]eserializ|Visitor|visit_|IgnoredAny|listing::/],
  ['JSON writing (serde_json, the derived writers): every result', /serde_json|serde_core::ser|[Ss]erializ|CamelCaseKeys|outputs::|itoa/],
  ['SDK incident plan and report, Markdown', /narrative_keys::incident/],
  ['SDK client, rotation, revocation, transport, whoami, errors (the key lifecycle)', /narrative_keys::(client|rotate|revoke|transport|whoami|error|create|retry|environment|deliver|secret)/],
  ['SDK catalog, permissions, keys, expirations, audit, explain, suggestions, validation, sort', /narrative_keys::/],
  ['the exports and their tasks (argument checks, the async calls)', /narrative_keys_wasm/],
  ['chrono (RFC 3339 reading and writing)', /chrono/],
  ['futures, wasm-bindgen, js-sys', /futures|wasm_bindgen|js_sys|web_sys|gloo/],
  ['allocator (talc), Vec and String growth, collecting iterators', /talc|alloc|RawVec|collect|from_iter|FromIterator/],
  ['core and std (formatting, str, panics)', /core|std/],
];
if (areasOnly) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const sums = new Map(AREAS.map(([name]) => [name, 0]));
  let other = 0;
  for (const f of fns) {
    const area = AREAS.find(([, re]) => re.test(f.n));
    if (area) sums.set(area[0], sums.get(area[0]) + f.s); else other += f.s;
  }
  for (const [name, n] of sums) console.log(`| ${name} | ${kb(n)} |`);
  console.log(`| other (unnamed) | ${kb(other)} |`);
  console.log(`| data (strings: catalog phrases, messages, the report's text) | ${kb(dataSize)} |`);
  console.log(`| code in all | ${kb(total)} |`);
  process.exit(0);
}
console.log(`code ${total} bytes in ${sizes.length} functions; data ${dataSize} bytes`);
const by = new Map();
for (const f of fns) { const m = f.n.match(/(?:<|^)([a-z_0-9]+)::/); const k = m ? m[1] : '?'; by.set(k, (by.get(k) ?? 0) + f.s); }
console.log([...by].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${String(v).padStart(8)} ${k}`).join('\n'));
console.log(fns.sort((a, b) => b.s - a.s).slice(0, top).map(f => `${String(f.s).padStart(8)} ${f.n.slice(0, 150)}`).join('\n'));
