// The package folder: its manifest, and that `npm pack` gives a tarball
// another project can install, import and use against a server with no set-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pkgDir, startEmulator, ADMIN } from './harness.mjs';

test('package.json: name, ESM, exports with types, node and browser entries', () => {
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'narrative-keys');
  assert.equal(pkg.type, 'module');
  const dot = pkg.exports['.'];
  assert.deepEqual(Object.keys(dot), ['types', 'node', 'browser', 'default']);
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(pkg.exports['./panel'], { types: './panel.d.ts', default: './panel.js' });
  // What the registry's page and `npm install`'s users see: the licence, where the source is, which Node.
  assert.equal(pkg.license, 'MIT OR Apache-2.0');
  assert.match(pkg.repository.url, /^https:\/\//);
  assert.equal(pkg.engines.node, '>=20');
});

test('the panel is its own entry: the main entry registers no element, the panel shares its WebAssembly', () => {
  for (const f of ['browser.js', 'core.js', 'node.js']) {
    assert.doesNotMatch(readFileSync(path.join(pkgDir, f), 'utf8'), /customElements|panel/, `${f} must not pull in the panel`);
  }
  const panel = readFileSync(path.join(pkgDir, 'panel.js'), 'utf8');
  assert.match(panel, /customElements\.define\("narrative-keys-panel"/);
  assert.match(panel, /from"\.\/browser\.js"/);
  assert.doesNotMatch(panel, /narrative_keys_wasm/, 'a second copy of the glue or the wasm');
});

test('npm pack yields a tarball that installs in a fresh project and lists the keys of an emulator', async () => {
  const emu = await startEmulator();
  const dir = mkdtempSync(path.join(tmpdir(), 'nk-pack-'));
  try {
    const out = execFileSync('npm', ['pack', pkgDir, '--pack-destination', dir, '--json'], { encoding: 'utf8' });
    const [{ filename, files }] = JSON.parse(out);
    const names = files.map((f) => f.path).sort();
    for (const f of ['browser.js', 'core.js', 'index.d.ts', 'panel.js', 'panel.d.ts', 'narrative_keys_wasm.js', 'narrative_keys_wasm_bg.wasm', 'node.js', 'package.json', 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE']) {
      assert.ok(names.includes(f), `${f} missing from the tarball: ${names}`);
    }
    const app = path.join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', path.join(dir, filename)], { cwd: app, stdio: 'pipe' });
    // What a user's first script does: the installed package (its wasm found
    // inside node_modules) reads the key and environment variables and lists.
    writeFileSync(path.join(app, 'main.js'), [
      "import { NarrativeKeys, catalog, isNarrativeKeysError } from 'narrative-keys';",
      "const nk = new NarrativeKeys();",
      "const names = (await nk.listKeys()).map((k) => k.name);",
      "console.log(JSON.stringify({ names, resources: catalog().length, guard: typeof isNarrativeKeysError }));",
    ].join('\n'));
    const env = { ...process.env, NARRATIVE_API_KEY: ADMIN, NARRATIVE_ENVIRONMENT: emu.url };
    const printed = JSON.parse(execFileSync('node', ['main.js'], { cwd: app, encoding: 'utf8', env }));
    assert.deepEqual(printed, { names: ['bootstrap admin'], resources: 27, guard: 'function' });
  } finally {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
