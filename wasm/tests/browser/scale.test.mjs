// <narrative-keys-panel> with 10,000 keys in a real emulator: the list
// renders only the rows on screen, filters and selects over all of them, and
// the menu of its last row is above the table, clickable through to Delete.
// (The time a filter keystroke and the first render take is printed and gated
// by bench/panel-bench.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, axe, connect, dialog, nk, openPage, renderedRows, seedKeys, start, stop,
} from './support.mjs';
import { startEmulator } from '../harness.mjs';

const COUNT = 10_000;
let url;
let emu;
let admin;

before(async () => {
  ({ web: url } = await start(['web']));
  emu = await startEmulator();
  admin = new nk.NarrativeKeys({ apiKey: ADMIN, environment: emu.url });
  await seedKeys(admin, COUNT);
});

after(async () => {
  await emu?.stop();
  await stop();
});

/** The list's scrolling region. */
const region = (page) => page.getByRole('region', { name: 'Key list' });

test('10,000 keys: a bounded number of rows in the DOM, a filter over all of them, select all, then an incident dry run', async () => {
  const { context, page, problems } = await openPage(url);
  try {
    await connect(page, emu.url);
    const table = page.getByRole('table');
    assert.equal(await table.getAttribute('aria-rowcount'), String(COUNT + 2), 'the table tells assistive technology how many rows it has');
    assert.match(await table.locator('caption').textContent(), new RegExp(`${COUNT + 1} of ${COUNT + 1} API keys`));
    const rendered = await renderedRows(page);
    assert.ok(rendered > 5 && rendered <= 60, `only the rows on screen are rendered (${rendered})`);
    await axe(page, 'the list of 10,001 keys');

    // Scrolling half way renders the rows there, and still only those.
    await region(page).evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
    await page.getByRole('row', { name: /bulk key 049\d\d/ }).first().waitFor();
    assert.ok(await renderedRows(page) <= 60);
    assert.equal(await page.getByRole('row', { name: /bulk key 00000/ }).count(), 0, 'the first rows are gone from the DOM');

    // A filter runs over every key, not only the rendered ones; the view goes back to the top.
    await page.getByLabel('Filter').fill('bulk key 012');
    assert.match(await table.locator('caption').textContent(), /^100 of 10001 API keys$/);
    await page.getByRole('row', { name: /bulk key 01200/ }).waitFor();
    assert.equal(await region(page).evaluate((el) => el.scrollTop), 0);

    // Select all selects the 100 the filter keeps, not the 10,001.
    await page.getByRole('checkbox', { name: 'Select all 100 matching keys' }).check();
    assert.equal(await page.getByRole('checkbox', { name: 'Select bulk key 01203' }).isChecked(), true);
    await page.getByLabel('Filter').fill('');
    assert.equal(await page.getByRole('checkbox', { name: 'Select all 10001 keys' }).evaluate((el) => el.indeterminate), true, 'some of the keys shown are selected');
    await page.getByRole('button', { name: 'Respond to a leak (100 selected)' }).click();
    await dialog(page).getByRole('heading', { name: 'Respond to a leak' }).waitFor();
    assert.match(await dialog(page).textContent(), /These 100 key\(s\) will be revoked at once/);
    assert.equal(await dialog(page).getByRole('listitem').count(), 100);
    await axe(page, 'the incident plan for 100 keys');
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    await dialog(page).waitFor({ state: 'hidden' });
    assert.equal((await admin.listKeys()).length, COUNT + 1, 'the dry run revoked nothing');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a window made taller renders the rows that now fit, without a scroll', async () => {
  const { context, page, problems } = await openPage(url, { width: 1280, height: 240 });
  try {
    await connect(page, emu.url);
    const short = await renderedRows(page);
    await page.setViewportSize({ width: 1280, height: 1200 });
    // The region grows to its full height (40rem); its last visible pixel must be a row, not the spacer.
    const filled = () => page.locator('narrative-keys-panel').evaluate((el) => {
      const region = el.shadowRoot.querySelector('.scroll').getBoundingClientRect();
      const rows = el.shadowRoot.querySelectorAll('tbody tr[part~=row]');
      return region.height > 500 && rows[rows.length - 1].getBoundingClientRect().bottom >= region.bottom;
    });
    const deadline = Date.now() + 5000;
    while (!(await filled()) && Date.now() < deadline) await page.waitForTimeout(50);
    assert.ok(await filled(), 'the rows fill the taller list');
    assert.equal(await region(page).evaluate((el) => el.scrollTop), 0, 'nothing scrolled');
    assert.ok(await renderedRows(page) > short, `more rows than in the short window (${short})`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("the last of 10,000 rows: its menu opens above the table's edge and its Delete works", async () => {
  const { context, page, problems } = await openPage(url, { width: 1280, height: 700 });
  try {
    await connect(page, emu.url);
    await region(page).evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const last = `bulk key ${String(COUNT - 1).padStart(5, '0')}`;
    const row = page.getByRole('row', { name: new RegExp(last) });
    await row.waitFor();
    await page.getByRole('button', { name: `Actions for ${last}` }).click();
    const remove = page.getByRole('button', { name: 'Delete' });
    await remove.waitFor();
    // The menu is not inside the table's box: it is in the top layer, within the window.
    const [menuBox, regionBox] = [await page.getByRole('list').filter({ has: remove }).boundingBox(), await region(page).boundingBox()];
    assert.ok(menuBox.y >= 0 && menuBox.y + menuBox.height <= 700, `the menu is within the window (${JSON.stringify(menuBox)})`);
    assert.ok(menuBox.y + menuBox.height <= regionBox.y + regionBox.height, 'the menu opens upward at the bottom of the list');
    await axe(page, 'an open row menu');
    await remove.click();
    await dialog(page).getByRole('heading', { name: `Delete “${last}”?` }).waitFor();
    await dialog(page).getByRole('button', { name: 'Delete' }).click();
    await dialog(page).waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    assert.ok(!(await admin.listKeys()).some((k) => k.name === last), 'the last key is revoked');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
