// Browser end-to-end: builds examples/web with Vite, serves it on localhost,
// drives Debian's Chromium (headless, through playwright-core; no browser
// download), and checks the emulator's state afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { load, root, startEmulator, ADMIN } from '../harness.mjs';

const web = path.join(root, 'examples', 'web');
const dist = path.join(web, 'dist');
const artifacts = path.join(root, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

let emu;
let server;
let pageUrl;
let browser;

before(async () => {
  execFileSync(path.join(web, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: web, stdio: 'inherit' });
  server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = path.join(dist, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  pageUrl = `http://localhost:${server.address().port}/`;
  emu = await startEmulator();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  await emu?.stop();
});

test('paste a key, create a key, see its secret once, revoke it', async () => {
  const nk = await load();
  const admin = new nk.NarrativeKeys({ apiKey: ADMIN, environment: emu.url });
  const context = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });

  await page.goto(pageUrl);
  await page.fill('#api-key', ADMIN);
  await page.fill('#base-url', emu.url);
  await page.click('#connect button[type=submit]');
  await page.locator('#keys tr', { hasText: 'bootstrap admin' }).waitFor();
  assert.equal(await page.locator('#keys tr .status').first().textContent(), 'no expiration');

  // Validation happens in the page, all problems at once, before anything is sent.
  await page.fill('#name', ' ');
  await page.click('#create button[type=submit]');
  await page.locator('#problems li').first().waitFor();
  assert.ok((await page.locator('#problems li').count()) >= 2);

  await page.fill('#name', 'browser e2e');
  await page.selectOption('#preset', 'data-ingestion');
  assert.equal(await page.locator('#permissions input:checked').count(), 2);
  await page.selectOption('#expires', '30d');
  await page.click('#create button[type=submit]');
  await page.locator('#secret-box').waitFor({ state: 'visible' });
  const secret = (await page.locator('#secret').textContent()).trim();
  assert.ok(secret.length > 20);
  const row = page.locator('#keys tr', { hasText: 'browser e2e' });
  await row.waitFor();
  assert.equal(await row.locator('.status').textContent(), 'active');
  await page.click('#copy');
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'web-example.png'), fullPage: true });

  // The emulator holds the key, and the secret the page showed works.
  const created = (await admin.listKeys()).find((k) => k.name === 'browser e2e');
  assert.ok(created);
  assert.deepEqual(created.permissions, [{ access: 'write', resource: 'data_streams' }, { access: 'write', resource: 'datasets' }]);
  await new nk.NarrativeKeys({ apiKey: secret, environment: emu.url }).whoami();

  await page.click('#dismiss');
  assert.equal(await page.locator('#secret').textContent(), '', 'the secret is gone from the page');

  // Revoke, with confirmation: dismissing keeps the key, accepting revokes it.
  page.once('dialog', (d) => d.dismiss());
  await row.locator('button.revoke').click();
  await page.waitForTimeout(200);
  assert.ok((await admin.listKeys()).some((k) => k.id === created.id));
  page.once('dialog', (d) => { assert.match(d.message(), /Revoke "browser e2e"/); d.accept(); });
  await row.locator('button.revoke').click();
  await row.waitFor({ state: 'detached' });
  await page.screenshot({ path: path.join(artifacts, 'web-example-revoked.png'), fullPage: true });

  const left = await admin.listKeys();
  assert.deepEqual(left.map((k) => k.name), ['bootstrap admin']);
  await assert.rejects(new nk.NarrativeKeys({ apiKey: secret, environment: emu.url, retries: 0 }).whoami(), (e) => e.code === 'unauthorized');
  assert.deepEqual(problems, []);
  await context.close();
});
