// The TypeScript declarations: tsc --strict on an example that uses every
// export, and no `any` in the package's public types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pkgDir, root } from './harness.mjs';

test('tsc --noEmit --strict passes on an example using every export', () => {
  const tsc = path.join(root, 'wasm', 'node_modules', '.bin', 'tsc');
  execFileSync(tsc, ['-p', path.join(root, 'wasm', 'tests', 'types', 'tsconfig.json'), '--strict', '--noEmit'], { stdio: 'inherit' });
});

test('the example uses every runtime export', async () => {
  const example = readFileSync(path.join(root, 'wasm', 'tests', 'types', 'example.ts'), 'utf8');
  const mod = await import(path.join(pkgDir, 'node.js'));
  for (const name of Object.keys(mod).filter((n) => !n.startsWith('__'))) {
    assert.match(example, new RegExp(`\\b${name}\\b`), `${name} is not used in example.ts`);
  }
});

test('no any in the public declarations', () => {
  const index = readFileSync(path.join(pkgDir, 'index.d.ts'), 'utf8');
  const glue = readFileSync(path.join(pkgDir, 'narrative_keys_wasm.d.ts'), 'utf8');
  // The data types (tsify) come before the raw function declarations, which are not exported by the package.
  const dataTypes = glue.slice(0, glue.search(/^export function /m));
  for (const [name, text] of [['index.d.ts', index], ['data types', dataTypes]]) {
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\bany\b/, `${name} mentions any`);
  }
  const exported = [...index.matchAll(/^\s+(\w+),$/gm)].map((m) => m[1]);
  for (const t of exported) assert.match(dataTypes, new RegExp(`export (type|interface) ${t}\\b`), `${t} is re-exported but not declared`);
});
