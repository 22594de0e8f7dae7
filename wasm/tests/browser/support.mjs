// What the browser tests of <narrative-keys-panel> share: the example apps
// built with Vite and served on localhost, Debian's Chromium (headless,
// through playwright-core; no browser download), real emulators, axe-core,
// screenshots (tests/artifacts/, kept by CI) and the ways to drive the panel.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { load, root, startEmulator, ADMIN } from '../harness.mjs';

export { ADMIN };
const axeSource = createRequire(import.meta.url)('axe-core').source;
const artifacts = path.join(root, 'tests', 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

const servers = [];
const builds = [];
let browser;
/** The built package's Node entry, for admin clients. */
export let nk;

/** Builds the Vite app `examples/NAME` into a directory of its own and serves it on localhost; resolves to its URL. */
async function buildAndServe(name) {
  const dir = path.join(root, 'examples', name);
  // Each test file builds its own copy, so files running at once never share one.
  const dist = mkdtempSync(path.join(tmpdir(), `nk-${name}-`));
  builds.push(dist);
  execFileSync(path.join(dir, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], { cwd: dir, stdio: 'inherit' });
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = path.join(dist, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const headers = { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' };
    // `?csp=ORIGIN`: the page as a strict site serves it, the API at ORIGIN.
    const api = url.searchParams.get('csp');
    if (api) headers['content-security-policy'] = strictPolicy(api);
    res.writeHead(200, headers);
    res.end(readFileSync(file));
  });
  servers.push(server);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return `http://localhost:${server.address().port}/`;
}

/** The Content-Security-Policy of a strict page hosting the panel, as wasm/README.md gives it. */
export const strictPolicy = (api) => [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  // The example page's own <style> and empty favicon; the panel needs
  // neither (its styles are constructed style sheets).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  `connect-src 'self' ${api}`,
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

/** Builds and serves the named examples and starts Chromium; resolves to { NAME: url }. */
export async function start(names) {
  const urls = {};
  for (const name of names) urls[name] = await buildAndServe(name);
  nk = await load();
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return urls;
}

/**
 * The one-tag example for a test file: built and served before its tests,
 * stopped after them. `open(options)` opens a page of it; `url()` is its address.
 */
export function examplePages() {
  let url;
  before(async () => {
    ({ web: url } = await start(['web']));
  });
  after(stop);
  return { open: (options) => openPage(url, options), url: () => url };
}

export async function stop() {
  await browser?.close();
  for (const server of servers) server.close();
  for (const dist of builds) rmSync(dist, { recursive: true, force: true });
}

/** A fresh emulator with a few keys, and an admin client to check its state; `secrets` holds each key's secret by name. */
export async function world(names) {
  const emu = await startEmulator();
  const admin = new nk.NarrativeKeys({ apiKey: ADMIN, environment: emu.url });
  const secrets = {};
  for (const [name, permissions, expiresAt] of names) secrets[name] = (await admin.createKey({ name, permissions, expiresAt })).secret;
  return { emu, admin, secrets };
}

/** A page of `url`, recording errors, console output and the panel's events. */
export async function openPage(url, { width = 1280, height = 800, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, reducedMotion: 'reduce', acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  const page = await context.newPage();
  const problems = [];
  const consoleText = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    consoleText.push(m.text());
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  await page.evaluate(() => {
    window.__events = [];
    for (const n of ['created', 'updated', 'revoked', 'rotated', 'incident', 'error']) {
      document.addEventListener(`narrative-keys:${n}`, (e) => window.__events.push({ type: e.type, detail: JSON.stringify(e.detail) }));
    }
  });
  return { context, page, problems, consoleText, panel: page.locator('narrative-keys-panel') };
}

export async function axe(page, screen) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`), [], `axe on ${screen}`);
}

// Secrets are masked: no secret goes into a screenshot, test keys included.
export const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `panel-${name}.png`), mask: [page.locator('code[part=secret]')] });
/** A picture for the README, into docs/images/ (a list screen: no secret on it). */
export const readmeShot = (page, name) => page.screenshot({ path: path.join(root, 'docs', 'images', name), mask: [page.locator('code[part=secret]')] });

/** Everything the page holds, shadow roots included. */
export const allMarkup = (page) => page.evaluate(() => {
  const walk = (root) => [...root.querySelectorAll('*')].map((el) => (el.shadowRoot ? el.shadowRoot.innerHTML + walk(el.shadowRoot) : '')).join('');
  return document.documentElement.outerHTML + walk(document);
});

export async function connect(page, url, key = ADMIN) {
  await page.getByLabel('Your API key').fill(key);
  await page.getByLabel('Environment').fill(url);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('row', { name: /bootstrap admin/ }).waitFor();
}

export const dialog = (page) => page.getByRole('dialog');
export const rowNames = (page) => page.locator('tbody tr th').allTextContents().then((a) => a.map((s) => s.trim()));

export async function readDownload(page, buttonName) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: buttonName }).click()]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
}

/** The element that has focus, through shadow roots: its accessible label or text. */
export const focused = (page) => page.evaluate(() => {
  let a = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  const label = a.getAttribute('aria-label') ?? (a.labels?.[0] ? [...a.labels[0].childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('') : a.textContent);
  return { tag: a.tagName.toLowerCase(), type: a.type ?? '', label: label.trim(), inDialog: !!a.closest('dialog') };
});

/** Presses Tab (or Shift+Tab) until the focused control's label starts with `label`. */
export async function tabTo(page, label, { back = false, max = 120 } = {}) {
  for (let i = 0; i < max; i++) {
    const f = await focused(page);
    if (f.label.startsWith(label)) return f;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${label}`);
}

/** Creates a key named `name` through the panel's New API Key dialog; resolves once its secret shows. */
export async function createInPanel(page, name) {
  await page.getByRole('button', { name: 'New API Key' }).click();
  await dialog(page).getByLabel('Name').fill(name);
  await dialog(page).getByLabel('Use case').selectOption('read-only-analytics');
  await dialog(page).getByRole('button', { name: 'Review' }).click();
  await dialog(page).getByRole('button', { name: 'Create key' }).click();
  return (await dialog(page).locator('code').textContent()).trim();
}

/** Closes the secret dialog with its own button; when a secret was not copied, through its confirmation. */
export async function storedIt(page, { copied = false } = {}) {
  await dialog(page).getByRole('button', { name: 'I have stored it', exact: true }).click();
  if (!copied) await dialog(page).getByRole('button', { name: 'Yes, I have stored it' }).click();
  await dialog(page).waitFor({ state: 'hidden' });
}

/**
 * Creates `count` keys named `${prefix} 00000`… through the API, a few requests
 * at a time: a mix of lifetimes and permissions, so that sorting means something.
 */
export async function seedKeys(admin, count, prefix = 'bulk key') {
  const lifetimes = ['10d', '30d', '90d', '365d', 'never'];
  const permissions = [['read:datasets'], ['write:jobs'], ['read:queries', 'write:data_streams']];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      await admin.createKey({ name: `${prefix} ${String(i).padStart(5, '0')}`, permissions: permissions[i % 3], expiresAt: lifetimes[i % 5] });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

/**
 * What the accessibility tree says of the focused element (Chromium's, through
 * the DevTools protocol): its role, name, description and whether it is invalid.
 */
export async function focusedNode(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const prop = (n, name) => n.properties?.find((p) => p.name === name)?.value?.value;
    const node = nodes.filter((n) => n.role?.value !== 'RootWebArea' && prop(n, 'focused')).at(-1);
    return { role: node?.role?.value, name: node?.name?.value, description: node?.description?.value ?? '', invalid: prop(node ?? {}, 'invalid') ?? 'false' };
  } finally {
    await cdp.detach();
  }
}

/** The rows the list has in the DOM (rendered), as opposed to the keys it holds. */
export const renderedRows = (page) => page.locator('narrative-keys-panel').evaluate((el) => el.shadowRoot.querySelectorAll('tbody tr[part~=row]').length);
