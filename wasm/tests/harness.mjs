// Test harness: the built package, and real emulator processes on free loopback ports.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export const pkgDir = path.join(root, 'wasm', 'pkg');
export const ADMIN = 'nk-test-admin-secret';

/** The emulator binary: $NARRATIVE_KEYS_EMULATOR, else the release build under $CARGO_TARGET_DIR or target/. */
export function emulatorBinary() {
  const candidates = [
    process.env.NARRATIVE_KEYS_EMULATOR,
    process.env.CARGO_TARGET_DIR && path.join(process.env.CARGO_TARGET_DIR, 'release', 'narrative-keys-emulator'),
    path.join(root, 'target', 'release', 'narrative-keys-emulator'),
    process.env.CARGO_TARGET_DIR && path.join(process.env.CARGO_TARGET_DIR, 'debug', 'narrative-keys-emulator'),
    path.join(root, 'target', 'debug', 'narrative-keys-emulator'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no emulator binary: run cargo build --release -p narrative-keys-emulator (looked in ${candidates.join(', ')})`);
  return found;
}

/** Starts an emulator on 127.0.0.1:0; resolves to { url, stop() }. */
export function startEmulator(extra = []) {
  const child = spawn(emulatorBinary(), ['--listen', '127.0.0.1:0', '--db', ':memory:', '--bootstrap-key', ADMIN, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stderr}`)), 10_000);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${stderr}`)));
    lines.once('line', (url) => {
      clearTimeout(timer);
      resolve({
        url: url.trim(),
        stop: () => new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', done);
          child.kill('SIGTERM');
        }),
      });
    });
  });
}

/** Imports the built package's Node entry. */
export async function load() {
  return import(path.join(pkgDir, 'node.js'));
}

export const uuid = () => crypto.randomUUID();
