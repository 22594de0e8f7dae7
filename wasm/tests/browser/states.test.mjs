// What a screen reader hears and what a hostile host page cannot break, in
// <narrative-keys-panel> against real emulators: focus after Connect and after
// a failed Review, errors tied to their fields and announced, status messages
// that clear, controls locked while a create is in flight, the secret read
// back from the screen as it copies under inherited text styles, and long
// names cut with the whole name kept. axe-core runs on every screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  axe, connect, createInPanel, dialog, focused, focusedNode, examplePages, storedIt, world,
} from './support.mjs';

const openPage = examplePages().open;
const status = (page) => page.locator('narrative-keys-panel').evaluate((el) => el.shadowRoot.querySelector('[part=status]').textContent.trim());

test('Connect moves focus to the list heading; Disconnected… is said, then cleared by the next connect', async () => {
  const { emu } = await world([['a key', ['read:datasets'], '30d']]);
  const { context, page, problems } = await openPage();
  try {
    await connect(page, emu.url);
    assert.deepEqual(await focusedNode(page), { role: 'heading', name: 'API Keys', description: '', invalid: 'false' }, 'focus is not left on <body>');
    await page.getByRole('button', { name: 'Disconnect' }).click();
    assert.equal(await status(page), 'Disconnected: the key is forgotten.');
    await axe(page, 'the paste form after a disconnect');
    await connect(page, emu.url);
    assert.equal(await status(page), '', 'the disconnect message is gone once connected again');
    // The same when the host app hands the panel a client.
    await page.locator('narrative-keys-panel').evaluate((el) => { window.__client = el.client; el.disconnect(); });
    assert.equal(await status(page), 'Disconnected: the key is forgotten.');
    await page.locator('narrative-keys-panel').evaluate((el) => { el.client = window.__client; });
    await page.getByRole('row', { name: /a key/ }).waitFor();
    assert.equal(await status(page), '');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('a failed Review: focus on the first field at fault, each error tied to its field and announced', async () => {
  const { emu } = await world([]);
  const { context, page, problems } = await openPage();
  try {
    await connect(page, emu.url);
    await page.getByRole('button', { name: 'New API Key' }).click();
    await dialog(page).getByRole('button', { name: 'Review' }).click();
    const alert = dialog(page).getByRole('alert');
    assert.match(await alert.textContent(), /2 problems stop this key:[\s\S]*the name is empty[\s\S]*no permissions/);
    const name = await focusedNode(page);
    assert.equal(name.role, 'textbox');
    assert.equal(name.name, 'Name');
    assert.equal(name.invalid, 'true');
    assert.match(name.description, /^the name is empty/, 'the field is described by its error');
    await axe(page, 'the new key form with errors on its fields');

    // Named now, the permissions are the first field at fault.
    await dialog(page).getByLabel('Name').fill('still no permissions');
    await dialog(page).getByRole('button', { name: 'Review' }).click();
    await dialog(page).getByText('One problem stops this key').waitFor();
    const perms = await focusedNode(page);
    assert.match(perms.name, /^Permissions \(0 chosen\)/);
    assert.equal(perms.invalid, 'true');
    assert.match(perms.description, /^no permissions/);
    assert.equal(await dialog(page).getByLabel('Name').getAttribute('aria-invalid'), 'false', 'a field fixed is no longer marked');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('a slow create: Back, Cancel and Create key are disabled until it answers, the wait is announced, the reviewed name is created', async () => {
  const { emu, admin } = await world([]);
  const { context, page, problems } = await openPage();
  try {
    await connect(page, emu.url);
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route((u) => u.href.startsWith(emu.url), async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue();
    });
    await page.getByRole('button', { name: 'New API Key' }).click();
    await dialog(page).getByLabel('Name').fill('slow one');
    await dialog(page).getByLabel('Use case').selectOption('read-only-analytics');
    await dialog(page).getByRole('button', { name: 'Review' }).click();
    await dialog(page).getByRole('button', { name: 'Create key' }).click();
    await dialog(page).getByRole('status').filter({ hasText: 'Creating the key…' }).waitFor();
    for (const label of ['Back', 'Cancel', 'Create key']) {
      assert.equal(await dialog(page).getByRole('button', { name: label }).isDisabled(), true, `${label} is disabled while the create is in flight`);
    }
    assert.deepEqual(await focused(page), { tag: 'p', type: '', label: 'Creating the key…', inDialog: true }, 'focus is not dropped to <body> with the disabled button');
    await axe(page, 'a create in flight');
    release();
    await dialog(page).locator('code').waitFor();
    assert.deepEqual((await admin.listKeys()).map((k) => k.name).sort(), ['bootstrap admin', 'slow one']);
    await storedIt(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('a host page with text-transform, letter-spacing, white-space and line-height: the secret reads as it copies, rows keep their height', async () => {
  const { emu } = await world([['styled', ['read:datasets'], '30d']]);
  const { context, page, problems } = await openPage();
  try {
    await page.addStyleTag({ content: 'body, narrative-keys-panel { text-transform: uppercase; letter-spacing: 0.2em; white-space: pre; line-height: 3; font-variant: small-caps; }' });
    await connect(page, emu.url);
    const height = await page.getByRole('row', { name: /styled/ }).evaluate((el) => el.getBoundingClientRect().height);
    assert.ok(height < 60, `a row keeps its height (${height}px)`);
    await createInPanel(page, 'Case Matters');
    const box = dialog(page).locator('code[part=secret]');
    // innerText is the text as rendered: with the case the page would force on it.
    const onScreen = await box.evaluate((el) => el.innerText);
    await dialog(page).getByRole('button', { name: 'Copy' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(onScreen, copied, 'the secret on screen is the secret copied');
    assert.match(copied, /[a-z]/, 'a secret with lower-case letters, so the check means something');
    await axe(page, 'the secret under host text styles');
    await storedIt(page, { copied: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

/** The description and invalid state of the accessibility tree's node of `role` named `name`. */
async function axNode(page, role, name) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const node = nodes.find((n) => n.role?.value === role && n.name?.value === name);
    assert.ok(node, `no ${role} named ${name} in the accessibility tree`);
    return { description: node.description?.value ?? '', invalid: node.properties?.find((p) => p.name === 'invalid')?.value?.value ?? 'false' };
  } finally {
    await cdp.detach();
  }
}

test('Edit with an expiration the SDK refuses: focus on the field, the error tied to it and announced, nothing sent', async () => {
  const { emu, admin } = await world([['nightly export', ['read:datasets'], '30d']]);
  const { context, page, problems } = await openPage();
  try {
    await connect(page, emu.url);
    const before = (await admin.listKeys())[0].expiresAt;
    await page.getByRole('button', { name: 'Actions for nightly export' }).click();
    await page.getByRole('button', { name: 'Edit' }).click();
    await dialog(page).getByLabel('Expiration').selectOption('date');
    await dialog(page).getByLabel('Expiration date').fill('20000-01-01');
    await dialog(page).getByRole('button', { name: 'Review changes' }).click();
    const alert = dialog(page).getByRole('alert');
    await dialog(page).getByText('One problem stops this key').waitFor();
    assert.match(await alert.textContent(), /is not an expiration/);
    // Focus is inside the date input (on its month part, in the accessibility tree).
    assert.equal(await page.locator('narrative-keys-panel').evaluate((el) => el.shadowRoot.activeElement?.id), 'nk-expiry');
    const field = await axNode(page, 'Date', 'Expiration date');
    assert.equal(field.invalid, 'true');
    assert.match(field.description, /is not an expiration/, 'the field is described by its error');
    assert.equal(await page.locator('narrative-keys-panel').evaluate((el) => el.shadowRoot.querySelector('[part=error]')), null, 'no general alert besides the field\'s');
    await axe(page, 'the edit form with an error on its expiration');

    // Fixed, the form goes on to its changes and the field is no longer marked.
    await dialog(page).getByLabel('Expiration date').fill('2030-01-31');
    await dialog(page).getByRole('button', { name: 'Review changes' }).click();
    await dialog(page).getByText(/Expires: .* → /).waitFor();
    await dialog(page).getByRole('button', { name: 'Back' }).click();
    assert.equal(await dialog(page).getByLabel('Expiration date').getAttribute('aria-invalid'), 'false');
    assert.equal((await admin.listKeys())[0].expiresAt, before, 'nothing was sent');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('a 128-character name is cut with an ellipsis, whole in its tooltip and accessible name, and the other columns stay on screen; a row menu closes when the page scrolls', async () => {
  const long = `${'very long name of a key '.repeat(6)}end`.slice(0, 128);
  const { emu } = await world([[long, ['read:datasets'], '30d'], ['short', ['write:jobs'], '30d']]);
  const { context, page, problems } = await openPage();
  try {
    await connect(page, emu.url);
    const button = page.getByRole('button', { name: long, exact: true });
    assert.equal(await button.getAttribute('title'), long);
    assert.ok(await button.evaluate((el) => el.scrollWidth > el.clientWidth), 'the name is cut');
    const region = page.getByRole('region', { name: 'Key list' });
    assert.ok(await region.evaluate((el) => el.scrollWidth <= el.clientWidth), 'no column is pushed off-screen');
    assert.ok(await page.getByRole('button', { name: `Actions for ${long}` }).isVisible());
    await axe(page, 'a list with a long name');
    // A menu in the top layer does not float away from its button: scrolling the page closes it.
    await page.setViewportSize({ width: 1280, height: 300 });
    const actions = page.getByRole('button', { name: 'Actions for short' });
    await actions.scrollIntoViewIfNeeded();
    // The resize and scroll just made close open menus, as they should: let
    // them be handled before a menu is opened (else they may close it).
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await actions.click();
    const remove = page.getByRole('button', { name: 'Delete' });
    await remove.waitFor();
    await page.evaluate(() => window.scrollBy(0, 120));
    await remove.waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});
