// Browser end-to-end of <narrative-keys-panel>: builds examples/web (the
// one-tag page) with Vite, serves it on localhost, drives Debian's Chromium
// (headless, through playwright-core; no browser download) against real
// emulators, runs axe-core on every screen, and checks the emulator's state
// afterwards. Screenshots go to tests/artifacts/ (kept by CI).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ADMIN, allMarkup, axe, connect, dialog, focused, nk, openPage as open, readDownload, readmeShot, rowNames, shot, start, stop, storedIt, tabTo, world,
} from './support.mjs';

const DAY = 864e5;

let pageUrl;
let reactUrl;

before(async () => {
  ({ web: pageUrl, react: reactUrl } = await start(['web', 'react']));
});

after(stop);

/** A page of the one-tag example (or of `url`). */
const openPage = ({ url = pageUrl, ...options } = {}) => open(url, options);

test('the whole journey with a mouse: paste a key, list, filter, sort, create, edit, rotate, delete, an incident', async () => {
  const { emu, admin } = await world([
    ['analytics dashboard', ['read:datasets'], '30d'],
    ['ci deploy', ['write:jobs'], '365d'],
  ]);
  const { context, page, problems, consoleText } = await openPage();
  const secrets = [];
  try {
    await axe(page, 'the paste form');
    await page.getByText("stays in this tab's memory only").waitFor();
    await shot(page, 'connect-1280x800-light');
    await connect(page, emu.url);
    assert.equal(await page.getByLabel('Your API key').count(), 0, 'the paste form is gone once connected');

    // The list: name, status symbol and text, compact permissions, expiry with relative time.
    assert.deepEqual(await rowNames(page), ['analytics dashboard', 'bootstrap admin', 'ci deploy']);
    const analytics = page.getByRole('row', { name: /analytics dashboard/ });
    assert.match(await analytics.textContent(), /✓\s*active/);
    assert.match(await analytics.textContent(), /read:datasets/);
    assert.match(await analytics.textContent(), /in 30 days/);
    assert.match(await page.getByRole('row', { name: /bootstrap admin/ }).textContent(), /∞\s*never expires/);
    await axe(page, 'the list');

    await page.getByLabel('Filter').fill('deploy');
    assert.deepEqual(await rowNames(page), ['ci deploy']);
    await page.getByLabel('Filter').fill('nothing like it');
    await page.getByText('No key matches the filter.').waitFor();
    await page.getByLabel('Filter').fill('');
    await page.getByLabel('Sort by').selectOption('expiry');
    assert.deepEqual(await rowNames(page), ['analytics dashboard', 'ci deploy', 'bootstrap admin']);
    await page.getByLabel('Sort by').selectOption('name');

    // New API Key: a preset, 90 days by default, a review step, then the secret once.
    await page.getByRole('button', { name: 'New API Key' }).click();
    await dialog(page).getByRole('heading', { name: 'New API Key' }).waitFor();
    assert.equal(await dialog(page).getByLabel('Expiration').inputValue(), '90d');
    await dialog(page).getByRole('button', { name: 'Review' }).click();
    await dialog(page).getByText('the name is empty').waitFor();
    await axe(page, 'the new key form with its problems');
    await dialog(page).getByLabel('Name').fill('nightly ingestion');
    await dialog(page).getByLabel('Use case').selectOption('data-ingestion');
    assert.equal(await dialog(page).getByRole('checkbox', { name: 'Write DataStreams' }).isChecked(), true);
    assert.equal(await dialog(page).getByRole('checkbox', { name: 'Write Datasets' }).isChecked(), true);
    assert.equal(await dialog(page).getByRole('checkbox', { name: 'Read Datasets' }).isChecked(), false);
    await shot(page, 'create-1280x800-light');
    await dialog(page).getByRole('button', { name: 'Review' }).click();
    await dialog(page).getByRole('heading', { name: 'Review the new key' }).waitFor();
    assert.match(await dialog(page).textContent(), /in 3 months/);
    await axe(page, 'the review step');
    await dialog(page).getByRole('button', { name: 'Create key' }).click();
    const secretBox = dialog(page).locator('code');
    await secretBox.waitFor();
    const secret = (await secretBox.textContent()).trim();
    secrets.push(secret);
    assert.ok(secret.length > 20);
    await dialog(page).getByRole('button', { name: 'Copy' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    await axe(page, 'the secret');
    await shot(page, 'secret-1280x800-light');
    await page.keyboard.press('Escape');
    assert.ok(await secretBox.isVisible(), 'Escape does not dismiss a secret');
    const created = (await admin.listKeys()).find((k) => k.name === 'nightly ingestion');
    assert.deepEqual(created.permissions, [{ access: 'write', resource: 'data_streams' }, { access: 'write', resource: 'datasets' }]);
    assert.ok(Math.abs(new Date(created.expiresAt) - Date.now() - 90 * DAY) < DAY, 'expires in 90 days');
    await dialog(page).getByRole('button', { name: 'I have stored it' }).click();
    await dialog(page).waitFor({ state: 'hidden' });
    assert.ok(!(await allMarkup(page)).includes(secret), 'the secret is gone from the DOM');

    // The detail: grouped permissions, explanation, audit findings.
    await page.getByRole('button', { name: 'nightly ingestion', exact: true }).click();
    await dialog(page).getByRole('heading', { name: 'What it allows' }).waitFor();
    assert.match(await dialog(page).textContent(), /Core Data/);
    assert.match(await dialog(page).textContent(), /Audit/);
    await axe(page, 'the detail');
    await dialog(page).getByRole('button', { name: 'Close' }).click();
    await dialog(page).waitFor({ state: 'hidden' });

    // Edit, with its diff before anything is sent.
    await page.getByRole('button', { name: 'Actions for nightly ingestion' }).click();
    await page.getByRole('button', { name: 'Edit' }).click();
    await dialog(page).getByLabel('Name').fill('nightly ingestion v2');
    await dialog(page).getByRole('checkbox', { name: 'Read Datasets' }).check();
    await dialog(page).getByRole('button', { name: 'Review changes' }).click();
    const diff = await dialog(page).locator('ul').textContent();
    assert.match(diff, /Name: “nightly ingestion” → “nightly ingestion v2”/);
    assert.match(diff, /adds read:datasets/);
    assert.doesNotMatch(diff, /removes/);
    await axe(page, 'the edit diff');
    assert.equal((await admin.getKey(created.id)).name, 'nightly ingestion', 'nothing sent before saving');
    await dialog(page).getByRole('button', { name: 'Save changes' }).click();
    await dialog(page).waitFor({ state: 'hidden' });
    const edited = await admin.getKey(created.id);
    assert.equal(edited.name, 'nightly ingestion v2');
    assert.deepEqual(edited.permissions.map((p) => `${p.access}:${p.resource}`).sort(), ['read:datasets', 'write:data_streams', 'write:datasets']);

    // Rotate: the successor and its secret first, then the old key goes.
    await page.getByRole('button', { name: 'Actions for nightly ingestion v2' }).click();
    await page.getByRole('button', { name: 'Rotate' }).click();
    assert.equal(await dialog(page).getByRole('radio', { name: 'Revoke the old key now' }).isChecked(), true);
    // Zero-downtime choices: the old key kept for a while, then expiring.
    for (const name of ['Keep the old key for 1 hour, then it expires', 'Keep the old key for 24 hours, then it expires', 'Keep the old key for 7 days, then it expires']) {
      assert.equal(await dialog(page).getByRole('radio', { name }).count(), 1, name);
    }
    await axe(page, 'the rotate dialog');
    await dialog(page).getByRole('button', { name: 'Rotate' }).click();
    await dialog(page).getByText('The old key still works until you copy the new secret').waitFor();
    const rotatedSecret = (await dialog(page).locator('code').textContent()).trim();
    secrets.push(rotatedSecret);
    await storedIt(page);
    await page.getByText('The old key is revoked.').waitFor();
    const afterRotation = await admin.listKeys();
    assert.ok(!afterRotation.some((k) => k.id === created.id), 'the old key is revoked');
    const successor = afterRotation.find((k) => k.name === 'nightly ingestion v2');
    assert.equal(successor.permissions.length, 3);
    await assert.rejects(new nk.NarrativeKeys({ apiKey: secret, environment: emu.url, retries: 0 }).listKeys(), (e) => e.code === 'unauthorized');

    // Delete, confirmed in a dialog naming the key; Cancel keeps it.
    const actions = page.getByRole('button', { name: 'Actions for ci deploy' });
    await actions.click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await dialog(page).getByRole('heading', { name: 'Delete “ci deploy”?' }).waitFor();
    await axe(page, 'the delete confirmation');
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    await dialog(page).waitFor({ state: 'hidden' });
    assert.ok((await admin.listKeys()).some((k) => k.name === 'ci deploy'), 'Cancel keeps the key');
    assert.equal(await page.evaluate(() => {
      let a = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a.getAttribute('aria-label');
    }), 'Actions for ci deploy', 'focus returns to where it was');
    await actions.click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await dialog(page).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('row', { name: /ci deploy/ }).waitFor({ state: 'detached' });
    assert.ok(!(await admin.listKeys()).some((k) => k.name === 'ci deploy'));

    // An incident: two keys selected, the plan, revoke with replacements, the report.
    await page.getByRole('checkbox', { name: 'Select analytics dashboard' }).check();
    await page.getByRole('checkbox', { name: 'Select nightly ingestion v2' }).check();
    await page.getByRole('button', { name: 'Respond to a leak (2 selected)' }).click();
    await dialog(page).getByRole('heading', { name: 'Respond to a leak' }).waitFor();
    assert.match(await dialog(page).textContent(), /analytics dashboard[\s\S]*nightly ingestion v2/);
    assert.equal((await admin.listKeys()).length, 3, 'the plan revokes nothing');
    await dialog(page).getByRole('checkbox', { name: /Create a replacement/ }).check();
    await dialog(page).getByLabel('What happened').fill('pasted into a public chat');
    await axe(page, 'the incident plan');
    await shot(page, 'incident-plan-1280x800-light');
    await dialog(page).getByRole('button', { name: 'Revoke 2 key(s) now' }).click();
    await dialog(page).getByRole('heading', { name: 'Incident response' }).waitFor();
    const replacementSecrets = (await dialog(page).locator('code').allTextContents()).map((s) => s.trim());
    assert.equal(replacementSecrets.length, 2);
    secrets.push(...replacementSecrets);
    await dialog(page).getByRole('button', { name: /Copy the secret of analytics dashboard/ }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), replacementSecrets[0]);
    const md = await readDownload(page, 'Download report (Markdown)');
    const json = await readDownload(page, 'Download report (JSON)');
    assert.equal(md.name, 'incident-report.md');
    assert.match(md.text, /security@narrative\.io/);
    assert.match(md.text, /pasted into a public chat/);
    assert.equal(JSON.parse(json.text).revoked.length, 2);
    assert.match(await dialog(page).textContent(), /security@narrative\.io/);
    await axe(page, 'the incident result');
    await shot(page, 'incident-result-1280x800-light');
    await storedIt(page);
    const left = await admin.listKeys();
    assert.deepEqual(left.map((k) => k.name).sort(), ['analytics dashboard', 'bootstrap admin', 'nightly ingestion v2']);
    assert.ok(!left.some((k) => k.id === successor.id), 'the leaked keys are revoked');
    for (const s of replacementSecrets) await new nk.NarrativeKeys({ apiKey: s, environment: emu.url }).whoami();

    // Events for the host app, none holding a secret; no secret in the DOM, console or report.
    const events = await page.evaluate(() => window.__events);
    assert.deepEqual(events.map((e) => e.type.replace('narrative-keys:', '')), ['created', 'updated', 'rotated', 'revoked', 'incident']);
    assert.equal(JSON.parse(events[0].detail).key.name, 'nightly ingestion');
    const exposed = [JSON.stringify(events), await allMarkup(page), consoleText.join('\n'), md.text, json.text].join('\n');
    for (const s of [...secrets, ADMIN]) assert.ok(!exposed.includes(s), 'a secret leaked into the page, an event, the console or the report');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('server errors show the server error_description and an error event', async () => {
  const { emu } = await world([]);
  const { context, page } = await openPage();
  try {
    await page.getByLabel('Your API key').fill('not-a-key');
    await page.getByLabel('Environment').fill(emu.url);
    await page.getByRole('button', { name: 'Connect' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /This API key is not recognised: it was revoked or mistyped/, "the server's error_description");
    const [event] = await page.evaluate(() => window.__events);
    assert.equal(event.type, 'narrative-keys:error');
    assert.equal(JSON.parse(event.detail).code, 'unauthorized');
    assert.ok(!event.detail.includes('not-a-key'));
    assert.equal(await page.getByLabel('Your API key').count(), 1, 'the paste form is back to try another key');
    await axe(page, 'an error');
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('screenshots and axe at 1280x800 and 390x844, light and dark', async () => {
  const { emu } = await world([
    ['warehouse sync', ['read:datasets', 'write:data_streams'], '10d'],
    ['legacy exporter', ['read:connections'], 'never'],
  ]);
  try {
    for (const [width, height] of [[1280, 800], [390, 844]]) {
      for (const colorScheme of ['light', 'dark']) {
        const { context, page, problems } = await openPage({ width, height, colorScheme });
        const tag = `${width}x${height}-${colorScheme}`;
        await connect(page, emu.url);
        assert.match(await page.getByRole('row', { name: /warehouse sync/ }).textContent(), /!\s*expiring soon/);
        await axe(page, `the list, ${tag}`);
        await shot(page, `list-${tag}`);
        // The README's picture of the panel (docs/images/panel.png), refreshed on request.
        if (process.env.NARRATIVE_KEYS_REFRESH_IMAGES && tag === '1280x800-light') await readmeShot(page, 'panel.png');
        const docWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(docWidth <= width, `the page fits ${width}px (is ${docWidth}px)`);
        await page.getByRole('button', { name: 'New API Key' }).click();
        await dialog(page).getByLabel('Name').fill('x');
        await dialog(page).getByLabel('Expiration').selectOption('never');
        await dialog(page).getByText('never expires works until').waitFor();
        await dialog(page).getByLabel('Use case').selectOption('sdk-development');
        await dialog(page).getByRole('checkbox', { name: 'Read Datasets' }).check();
        assert.equal(await dialog(page).getByLabel('Use case').inputValue(), 'sdk-development', 'SDK development stays chosen while picking resources');
        await dialog(page).getByText('each resource your application uses').waitFor();
        await axe(page, `the new key dialog, ${tag}`);
        await shot(page, `create-${tag}`);
        assert.deepEqual(problems, []);
        await context.close();
      }
    }
  } finally {
    await emu.stop();
  }
});

test('the same journey with the keyboard alone', async () => {
  const { emu, admin } = await world([
    ['kb leaked one', ['read:datasets'], '30d'],
    ['kb leaked two', ['read:queries'], '30d'],
  ]);
  const { context, page, problems } = await openPage();
  const kb = page.keyboard;
  try {
    await tabTo(page, 'Your API key');
    await kb.type(ADMIN);
    await kb.press('Tab');
    await kb.press('Control+a');
    await kb.type(emu.url);
    await kb.press('Enter');
    await page.getByRole('row', { name: /bootstrap admin/ }).waitFor();

    await tabTo(page, 'Filter');
    await kb.type('leaked');
    assert.deepEqual(await rowNames(page), ['kb leaked one', 'kb leaked two']);
    await kb.press('Control+a');
    await kb.press('Backspace');

    // New API Key: the name field has focus; a preset by arrow keys; Review; Create.
    await tabTo(page, 'New API Key', { back: true });
    await kb.press('Enter');
    await dialog(page).waitFor();
    assert.equal((await focused(page)).label, 'Name');
    await kb.type('kb created');
    await kb.press('Tab');
    assert.equal((await focused(page)).label, 'Use case');
    await kb.press('ArrowDown');
    await kb.press('ArrowDown');
    assert.equal(await dialog(page).getByLabel('Use case').inputValue(), 'data-ingestion');
    // Focus stays inside the dialog however far one tabs.
    for (let i = 0; i < 80; i++) {
      await kb.press('Tab');
      assert.ok((await focused(page)).inDialog, 'Tab left the open dialog');
    }
    await tabTo(page, 'Review');
    await kb.press('Enter');
    await dialog(page).getByRole('heading', { name: 'Review the new key' }).waitFor();
    assert.equal((await focused(page)).label, 'Create key');
    await kb.press('Enter');
    await dialog(page).locator('code').waitFor();
    const secret = (await dialog(page).locator('code').textContent()).trim();
    assert.equal((await focused(page)).label, 'Copy');
    await kb.press('Enter');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    await tabTo(page, 'I have stored it');
    await kb.press('Enter');
    await dialog(page).waitFor({ state: 'hidden' });
    assert.equal((await focused(page)).label, 'New API Key', 'focus returns to the button that opened the dialog');
    const created = (await admin.listKeys()).find((k) => k.name === 'kb created');
    assert.deepEqual(created.permissions.map((p) => `${p.access}:${p.resource}`), ['write:data_streams', 'write:datasets']);

    // Edit through the row's menu: Enter opens it, Escape closes it, Tab reaches its items.
    await tabTo(page, 'Actions for kb created');
    await kb.press('Enter');
    await kb.press('Escape');
    assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0, 'Escape closes the menu');
    assert.equal((await focused(page)).label, 'Actions for kb created');
    await kb.press('Enter');
    await tabTo(page, 'Edit');
    await kb.press('Enter');
    await dialog(page).waitFor();
    await kb.press('End');
    await kb.type(' v2');
    await tabTo(page, 'Review changes');
    await kb.press('Enter');
    assert.match(await dialog(page).locator('ul').textContent(), /“kb created” → “kb created v2”/);
    assert.equal((await focused(page)).label, 'Save changes');
    await kb.press('Enter');
    await dialog(page).waitFor({ state: 'hidden' });
    assert.equal((await admin.getKey(created.id)).name, 'kb created v2');

    // Rotate without downtime this time: the old key kept for 24 hours, then expiring.
    const before = (await admin.listKeys()).find((k) => k.name === 'kb created v2');
    await tabTo(page, 'Actions for kb created v2');
    await kb.press('Enter');
    await tabTo(page, 'Rotate');
    await kb.press('Enter');
    await dialog(page).waitFor();
    await tabTo(page, 'Revoke the old key now');
    await kb.press('ArrowDown');
    await kb.press('ArrowDown');
    assert.equal(await dialog(page).getByRole('radio', { name: 'Keep the old key for 24 hours, then it expires' }).isChecked(), true);
    const asked = Date.now();
    await tabTo(page, 'Rotate');
    await kb.press('Enter');
    await dialog(page).getByText('it expires 24h later').waitFor();
    await tabTo(page, 'I have stored it');
    await kb.press('Enter');
    // Not copied: a confirmation first, opening on the way back to the secret.
    assert.equal((await focused(page)).label, 'Back to the secret');
    await tabTo(page, 'Yes, I have stored it');
    await kb.press('Enter');
    await dialog(page).waitFor({ state: 'hidden' });
    await page.getByText('The old key works until').waitFor();
    const retiring = await admin.getKey(before.id);
    const ends = Date.parse(retiring.expiresAt);
    assert.ok(Math.abs(ends - (asked + 24 * 3600 * 1000)) < 5 * 60 * 1000, `the old key ends 24 h after the rotation: ${new Date(ends).toISOString()}`);
    assert.equal(retiring.name, `kb created v2 (retiring ${new Date(ends).toISOString().slice(0, 16).replace('T', ' ')} UTC)`, 'the old key works on, renamed as retiring');
    assert.equal((await admin.listKeys()).filter((k) => k.name === 'kb created v2').length, 1, 'its name is left to the successor');

    // Delete the retiring key: the confirmation opens on Cancel, so Enter alone deletes nothing.
    await tabTo(page, `Actions for ${retiring.name}`);
    await kb.press('Enter');
    await tabTo(page, 'Delete');
    await kb.press('Enter');
    await dialog(page).getByRole('heading', { name: `Delete “${retiring.name}”?` }).waitFor();
    assert.equal((await focused(page)).label, 'Cancel');
    await kb.press('Tab');
    assert.equal((await focused(page)).label, 'Delete');
    await kb.press('Enter');
    await dialog(page).waitFor({ state: 'hidden' });
    await assert.rejects(admin.getKey(before.id), (e) => e.code === 'not_found');
    assert.equal((await admin.listKeys()).filter((k) => k.name === 'kb created v2').length, 1);

    // An incident on two keys, with replacements.
    await tabTo(page, 'Select kb leaked one', { back: true });
    await kb.press('Space');
    await tabTo(page, 'Select kb leaked two');
    await kb.press('Space');
    await tabTo(page, 'Respond to a leak', { back: true });
    await kb.press('Enter');
    await dialog(page).getByRole('heading', { name: 'Respond to a leak' }).waitFor();
    await tabTo(page, 'Create a replacement');
    await kb.press('Space');
    await tabTo(page, 'Revoke 2 key(s) now');
    await kb.press('Enter');
    await dialog(page).getByRole('heading', { name: 'Incident response' }).waitFor();
    assert.equal(await dialog(page).locator('code').count(), 2);
    await tabTo(page, 'Download report (Markdown)');
    const [download] = await Promise.all([page.waitForEvent('download'), kb.press('Enter')]);
    assert.match(readFileSync(await download.path(), 'utf8'), /kb leaked one/);
    await tabTo(page, 'I have stored it');
    await kb.press('Enter');
    await tabTo(page, 'Yes, I have stored it');
    await kb.press('Enter');
    await dialog(page).waitFor({ state: 'hidden' });
    const names = (await admin.listKeys()).map((k) => k.name).sort();
    assert.deepEqual(names, ['bootstrap admin', 'kb created v2', 'kb leaked one', 'kb leaked two']);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('the React example builds, mounts the element and hears its events', async () => {
  const { emu, admin } = await world([]);
  const { context, page, problems, consoleText } = await openPage({ url: reactUrl });
  try {
    await page.getByRole('heading', { name: 'Acme console · Settings' }).waitFor();
    await connect(page, emu.url);
    assert.equal(await page.locator('narrative-keys-panel').evaluate((el) => getComputedStyle(el).getPropertyValue('--nk-accent').trim()), '#7c3aed');
    await page.getByRole('button', { name: 'New API Key' }).click();
    await dialog(page).getByLabel('Name').fill('from react');
    await dialog(page).getByLabel('Use case').selectOption('read-only-analytics');
    await dialog(page).getByRole('button', { name: 'Review' }).click();
    await dialog(page).getByRole('button', { name: 'Create key' }).click();
    const secret = (await dialog(page).locator('code').textContent()).trim();
    await storedIt(page);
    await page.getByTestId('activity').getByText('created “from react”').waitFor();
    assert.ok((await admin.listKeys()).some((k) => k.name === 'from react'));
    await axe(page, 'the React example');
    await shot(page, 'react-1280x800-light');
    assert.ok(!(await allMarkup(page)).includes(secret) && !consoleText.join('\n').includes(secret));
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('connect() from script, the environment attribute, and readonly hiding every write action', async () => {
  const { emu } = await world([['read me', ['read:datasets'], '30d']]);
  const { context, page, problems } = await openPage();
  try {
    const panel = page.locator('narrative-keys-panel');
    await panel.evaluate((el, url) => { el.setAttribute('environment', url); el.setAttribute('readonly', ''); }, emu.url);
    assert.equal(await page.getByLabel('Environment').inputValue(), emu.url);
    assert.equal(await panel.evaluate((el, key) => el.connect({ apiKey: key }), ADMIN), true);
    await page.getByRole('row', { name: /read me/ }).waitFor();
    for (const name of ['New API Key', 'Actions for read me']) assert.equal(await page.getByRole('button', { name }).count(), 0, name);
    assert.equal(await page.getByRole('checkbox').count(), 0);
    await page.getByRole('button', { name: 'read me' }).click();
    await dialog(page).getByRole('heading', { name: 'What it allows' }).waitFor();
    for (const name of ['Rotate', 'Edit', 'Delete']) assert.equal(await dialog(page).getByRole('button', { name }).count(), 0, name);
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'hidden' });
    assert.equal((await focused(page)).label, 'read me', 'focus returns to the key');
    await panel.evaluate((el) => el.removeAttribute('readonly'));
    await page.getByRole('button', { name: 'New API Key' }).waitFor();
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'the page fits a 360 px phone');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});
