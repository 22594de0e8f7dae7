// <narrative-keys-panel> keeps the product's promise in the browser, where
// the page itself is the process (issue 20): the once-only secret cannot be
// dismissed by accident, a rotation's old key is retired only once the new
// secret is delivered, leaving the page asks first and revokes what nobody
// holds, a lost create answer invites no duplicate, Connect never changes the
// environment by itself, plain HTTP goes only to this machine, and names are
// shown for what they are. Each against a real emulator, with axe-core on
// every screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import {
  ADMIN, axe, connect, createInPanel, dialog, nk, examplePages, openPage as open, readDownload, storedIt, world,
} from './support.mjs';

const example = examplePages();
const openPage = example.open;

/** Opens the row menu of `name` and picks `item`. */
async function rowAction(page, name, item) {
  await page.getByRole('button', { name: `Actions for ${name}`, exact: true }).click();
  await page.getByRole('button', { name: item, exact: true }).click();
}

/** Whether `secret` opens the emulator. */
const works = (emu, secret) => new nk.NarrativeKeys({ apiKey: secret, environment: emu.url, retries: 0 }).whoami().then(() => true, (e) => {
  if (e.code === 'unauthorized') return false;
  throw e;
});

/** Polls `check` until it holds (a request the page sent as it went away). */
async function eventually(check, what) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`never happened: ${what}`);
}

const secretShown = (page) => page.evaluate(() => {
  const dlg = document.querySelector('narrative-keys-panel').shadowRoot.querySelector('dialog');
  return dlg.open && !!dlg.querySelector('code[part=secret]');
});

test('the secret dialog survives ten Escapes, a backdrop click and focus loss; closing it uncopied asks first', async () => {
  const { emu, admin } = await world([]);
  const { context, page, problems } = await openPage();
  try {
    await connect(page, emu.url);
    const secret = await createInPanel(page, 'escape proof');
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Escape');
      if (i % 3 === 0) await page.waitForTimeout(150); // quick presses and slower ones
    }
    assert.ok(await secretShown(page), 'ten Escapes leave the secret on screen');
    await page.mouse.click(4, 4); // the backdrop, outside the dialog's box
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('Escape');
    assert.ok(await secretShown(page), 'a backdrop click and focus loss leave the secret on screen');
    assert.equal((await dialog(page).locator('code').textContent()).trim(), secret);

    // Not copied: the button asks first, saying the secret will be gone; Back returns to it.
    await dialog(page).getByRole('button', { name: 'I have stored it', exact: true }).click();
    const warning = dialog(page).getByRole('alert');
    assert.match(await warning.textContent(), /A secret was not copied: once this closes, it is gone for good/);
    await axe(page, 'the confirmation before an uncopied secret goes');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Escape');
    assert.ok(await secretShown(page), 'Escape does not close the confirmation either');
    await dialog(page).getByRole('button', { name: 'Back to the secret' }).click();
    assert.equal(await warning.count(), 0);
    await storedIt(page);
    assert.ok(await works(emu, secret), 'the key made is the one shown');
    assert.equal((await admin.listKeys()).filter((k) => k.name === 'escape proof').length, 1);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('a default rotation: the old key works until the new secret is stored, then it is revoked; Copy retires it too', async () => {
  const { emu, admin, secrets } = await world([['billing sync', ['read:datasets'], '30d'], ['report job', ['read:queries'], '30d']]);
  const { context, page, problems } = await openPage();
  try {
    await connect(page, emu.url);
    const [old] = (await admin.listKeys()).filter((k) => k.name === 'billing sync');
    await rowAction(page, 'billing sync', 'Rotate');
    assert.equal(await dialog(page).getByRole('radio', { name: 'Revoke the old key now' }).isChecked(), true, 'the default');
    await dialog(page).getByRole('button', { name: 'Rotate' }).click();
    await dialog(page).locator('code').waitFor();
    const fresh = (await dialog(page).locator('code').textContent()).trim();
    // Before "I have stored it": both keys exist and the old one still works.
    assert.match(await dialog(page).textContent(), /The old key still works until you copy the new secret or press “I have stored it”; then it is revoked/);
    assert.equal((await admin.listKeys()).filter((k) => k.name === 'billing sync').length, 2);
    assert.ok(await works(emu, secrets['billing sync']), 'the old key works while the new secret is on screen');
    await axe(page, 'a rotation waiting for its secret to be stored');
    await storedIt(page);
    await page.getByRole('status').getByText('The old key is revoked.').waitFor();
    const after = (await admin.listKeys()).filter((k) => k.name === 'billing sync');
    assert.equal(after.length, 1);
    assert.notEqual(after[0].id, old.id, 'the successor is what is left');
    assert.equal(await works(emu, secrets['billing sync']), false, 'the old key is revoked');
    assert.ok(await works(emu, fresh));

    // Copy delivers the secret: the old key goes then, while the dialog is still open.
    await rowAction(page, 'report job', 'Rotate');
    await dialog(page).getByRole('button', { name: 'Rotate' }).click();
    await dialog(page).getByRole('button', { name: 'Copy' }).click();
    await dialog(page).getByText('The old key is revoked.').waitFor();
    assert.equal(await works(emu, secrets['report job']), false);
    await storedIt(page, { copied: true });
    const rotated = (await page.evaluate(() => window.__events)).filter((e) => e.type === 'narrative-keys:rotated');
    assert.deepEqual(rotated.map((e) => JSON.parse(e.detail).oldKey), ['revoked', 'revoked']);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('an overlap rotation: the old key is untouched until the secret is stored, then expires 24 hours later renamed as retiring', async () => {
  const { emu, admin, secrets } = await world([['billing sync', ['read:datasets'], '30d']]);
  const { context, page, problems } = await openPage();
  try {
    await connect(page, emu.url);
    const [old] = await admin.listKeys().then((keys) => keys.filter((k) => k.name === 'billing sync'));
    await rowAction(page, 'billing sync', 'Rotate');
    await dialog(page).getByRole('radio', { name: 'Keep the old key for 24 hours, then it expires' }).check();
    await dialog(page).getByRole('button', { name: 'Rotate' }).click();
    await dialog(page).locator('code').waitFor();
    const fresh = (await dialog(page).locator('code').textContent()).trim();
    assert.match(await dialog(page).textContent(), /then it expires 24h later/);
    assert.deepEqual(await admin.getKey(old.id), old, 'before "I have stored it" the old key is as it was: name and expiration');
    const before = Date.now();
    await storedIt(page);
    await page.getByRole('status').getByText(/The old key works until .*, then expires/).waitFor();
    const retiring = await admin.getKey(old.id);
    const stops = Date.parse(retiring.expiresAt);
    assert.ok(stops >= before - 1000 + 86_400_000 && stops <= Date.now() + 86_400_000, retiring.expiresAt);
    const minute = new Date(stops).toISOString().slice(0, 16).replace('T', ' ');
    assert.equal(retiring.name, `billing sync (retiring ${minute} UTC)`, 'renamed on the server, as the CLI and the UI do');
    const named = (await admin.listKeys()).filter((k) => k.name === 'billing sync');
    assert.equal(named.length, 1, 'the name is left to the successor');
    assert.notEqual(named[0].id, old.id);
    assert.ok(await works(emu, secrets['billing sync']), 'the old key works during the overlap');
    assert.ok(await works(emu, fresh));
    await page.getByRole('cell', { name: /billing sync \(retiring .* UTC\)/ }).first().waitFor();
    const rotated = (await page.evaluate(() => window.__events)).filter((e) => e.type === 'narrative-keys:rotated');
    assert.deepEqual(rotated.map((e) => JSON.parse(e.detail).oldKey), ['expires']);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('leaving the page asks first (reload, close); leaving anyway revokes the new key and keeps the old one', async () => {
  const { emu, admin, secrets } = await world([['payments', ['read:datasets'], '30d']]);
  const { context, page } = await openPage();
  try {
    await connect(page, emu.url);
    const [old] = await admin.listKeys().then((ks) => ks.filter((k) => k.name === 'payments'));
    await rowAction(page, 'payments', 'Rotate');
    await dialog(page).getByRole('button', { name: 'Rotate' }).click();
    await dialog(page).locator('code').waitFor();
    const successor = (await admin.listKeys()).find((k) => k.name === 'payments' && k.id !== old.id);

    // A reload asks; staying keeps the secret on screen.
    const asked = page.waitForEvent('dialog');
    page.evaluate(() => location.reload()).catch(() => {});
    const reload = await asked;
    assert.equal(reload.type(), 'beforeunload');
    await reload.dismiss();
    assert.ok(await secretShown(page), 'staying keeps the secret');

    // Closing the tab asks too; leaving anyway revokes the successor on the way out.
    const askedAgain = page.waitForEvent('dialog');
    const closed = page.waitForEvent('close');
    await page.close({ runBeforeUnload: true });
    const close = await askedAgain;
    assert.equal(close.type(), 'beforeunload');
    await close.accept();
    await closed;
    await eventually(async () => !(await admin.listKeys()).some((k) => k.id === successor.id), 'the successor revoked as the page went');
    assert.deepEqual((await admin.listKeys()).filter((k) => k.name === 'payments').map((k) => k.id), [old.id], 'the old key is kept');
    assert.ok(await works(emu, secrets.payments), 'the old key still works');

    // The same for a key just created: nobody holds its secret once the page is gone.
    const second = await openPage();
    await connect(second.page, emu.url);
    await createInPanel(second.page, 'never stored');
    const made = (await admin.listKeys()).find((k) => k.name === 'never stored');
    assert.ok(made);
    second.page.once('dialog', (d) => d.accept());
    const gone = second.page.waitForEvent('close');
    await second.page.close({ runBeforeUnload: true });
    await gone;
    await eventually(async () => !(await admin.listKeys()).some((k) => k.name === 'never stored'), 'the new key revoked as the page went');
    await second.context.close();
  } finally {
    await context.close();
    await emu.stop();
  }
});

/** A proxy to `target` that forwards every request, but answers no create: the key is made, its answer dropped. */
async function answerDroppingProxy(target) {
  const seen = { creates: 0 };
  const server = createServer((req, res) => {
    const upstream = request(new URL(req.url, target), { method: req.method, headers: req.headers }, (answer) => {
      const body = [];
      answer.on('data', (b) => body.push(b));
      answer.on('end', () => {
        if (req.method === 'POST') {
          seen.creates += 1;
          req.socket.destroy(); // the server made the key; the answer never arrives
          return;
        }
        res.writeHead(answer.statusCode, answer.headers).end(Buffer.concat(body));
      });
    });
    req.pipe(upstream);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

test('a lost create answer: the panel says the key may exist, lists it, and offers no blind retry; a rotation keeps its old key', async () => {
  const { emu, admin, secrets } = await world([['ingest worker', ['read:datasets'], '30d']]);
  const proxy = await answerDroppingProxy(emu.url);
  const { context, page } = await openPage();
  try {
    await connect(page, proxy.url);
    await page.getByRole('button', { name: 'New API Key' }).click();
    await dialog(page).getByLabel('Name').fill('lost answer');
    await dialog(page).getByLabel('Use case').selectOption('read-only-analytics');
    await dialog(page).getByRole('button', { name: 'Review' }).click();
    await dialog(page).getByRole('button', { name: 'Create key' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await dialog(page).waitFor({ state: 'hidden' });
    const made = (await admin.listKeys()).filter((k) => k.name === 'lost answer');
    assert.ok(made.length >= 1 && made.length === proxy.seen.creates, `the server made ${made.length} key(s) for ${proxy.seen.creates} POST(s)`);
    const text = await alert.textContent();
    assert.match(text, /The key “lost answer” may have been created even though its answer was lost/);
    assert.match(text, new RegExp(`holds ${made.length} key\\(s\\) of that name`));
    assert.match(text, /delete it, or rotate it to get a secret, rather than creating it again/);
    assert.doesNotMatch(text, /check the environment URL/, 'not mistaken for a wrong environment');
    // The list was loaded again: every key made shows, and nothing offers to send the same request.
    assert.equal(await page.getByRole('row', { name: /lost answer/ }).count(), made.length);
    assert.equal(await page.getByRole('button', { name: 'Create key' }).count(), 0);
    const errors = (await page.evaluate(() => window.__events)).filter((e) => e.type === 'narrative-keys:error').map((e) => JSON.parse(e.detail));
    assert.deepEqual(errors.map((e) => [e.code, e.message === text.trim()]), [['network', true]], 'one error event, saying what the page says');
    await axe(page, 'a lost create answer');

    // A rotation whose successor's answer is lost: the old key is left working.
    await rowAction(page, 'ingest worker', 'Rotate');
    await dialog(page).getByRole('button', { name: 'Rotate' }).click();
    await page.getByRole('alert').getByText('The key “ingest worker” may have been created').waitFor();
    const workers = (await admin.listKeys()).filter((k) => k.name === 'ingest worker');
    assert.ok(workers.length >= 2, 'the successor was made');
    assert.equal(await page.getByRole('row', { name: /ingest worker/ }).count(), workers.length);
    assert.ok(await works(emu, secrets['ingest worker']), 'the old key still works');
  } finally {
    await context.close();
    await proxy.close();
    await emu.stop();
  }
});

test('a failed connect keeps the typed environment, and the next connect goes there', async () => {
  const { emu } = await world([['staging job', ['read:datasets'], '30d']]);
  const { context, page, problems } = await openPage();
  const hosts = [];
  page.on('request', (r) => hosts.push(new URL(r.url()).host));
  try {
    await page.getByLabel('Your API key').fill('wrong-key');
    await page.getByLabel('Environment').fill(emu.url);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('alert').getByText('This API key is not recognised').waitFor();
    assert.equal(await page.getByLabel('Environment').inputValue(), emu.url, 'the environment is as typed');
    await axe(page, 'a failed connect');
    await page.getByLabel('Your API key').fill(ADMIN);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('row', { name: /staging job/ }).waitFor();
    const api = hosts.filter((h) => !h.startsWith('localhost:'));
    assert.ok(api.length >= 2 && api.every((h) => h === new URL(emu.url).host), `every API request went to the typed environment: ${api}`);
    assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('plain HTTP to another machine is refused before any request, from the form and from script', async () => {
  const { context, page } = await openPage();
  const sent = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === 'localhost') return route.continue();
    sent.push(url.href);
    return route.abort();
  });
  try {
    await page.getByLabel('Your API key').fill('a-key-to-keep');
    await page.getByLabel('Environment').fill('http://attacker.test');
    await page.getByRole('button', { name: 'Connect' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /`http:\/\/attacker\.test` is refused: plain http:\/\/ would send the API key unencrypted over the network\. Use https:\/\/, or http:\/\/ only to this machine \(localhost, 127\.0\.0\.1 or \[::1\]\)/);
    assert.equal(await page.getByLabel('Environment').inputValue(), 'http://attacker.test');
    await axe(page, 'a refused environment');
    const fromScript = await page.locator('narrative-keys-panel').evaluate((el) => el.connect({ apiKey: 'a-key-to-keep', environment: 'http://10.0.0.8:8080' }));
    assert.equal(fromScript, false);
    assert.deepEqual(sent, [], 'no request left the page');
    const events = (await page.evaluate(() => window.__events)).map((e) => JSON.parse(e.detail));
    assert.deepEqual(events.map((e) => e.code), ['invalid_input', 'invalid_input']);
    assert.ok(!JSON.stringify(events).includes('a-key-to-keep'));
  } finally {
    await context.close();
  }
});

test('hostile names are shown for what they are: bidi and zero-width characters escaped, markup as text in the Markdown report', async () => {
  const rlo = 'admin\u202Edrowssap';
  const zeroWidth = 'bootstrap\u200B admin';
  const markup = '<img src=x onerror="window.__pwned=1">';
  const { emu } = await world([[rlo, ['read:datasets'], '30d'], [zeroWidth, ['read:datasets'], '30d'], [markup, ['read:datasets'], '30d']]);
  const { context, page, problems } = await openPage();
  try {
    await connect(page, emu.url);
    await page.getByRole('row', { name: /admin\\u\{202e\}drowssap/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Actions for bootstrap\\u{200b} admin', exact: true }).count(), 1);
    await axe(page, 'a list of hostile names');

    await rowAction(page, 'admin\\u{202e}drowssap', 'Delete');
    const heading = dialog(page).getByRole('heading');
    assert.equal(await heading.textContent(), 'Delete “admin\\u{202e}drowssap”?');
    assert.equal(await dialog(page).locator('h2 [part=escaped]').textContent(), '\\u{202e}', 'the escape is marked');
    await dialog(page).getByText('This name holds characters that are invisible or reorder text').waitFor();
    await axe(page, 'the delete confirmation of a right-to-left-override name');
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();

    await rowAction(page, 'bootstrap\\u{200b} admin', 'Delete');
    assert.equal(await heading.textContent(), 'Delete “bootstrap\\u{200b} admin”?', 'not “bootstrap admin”');
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    await dialog(page).waitFor({ state: 'hidden' });

    // Markup in a name is text on the page and in the report for Narrative security.
    await page.getByRole('checkbox', { name: `Select ${markup}` }).check();
    await page.getByRole('button', { name: 'Respond to a leak (1 selected)' }).click();
    await dialog(page).getByRole('button', { name: 'Revoke 1 key(s) now' }).click();
    await dialog(page).getByRole('heading', { name: 'Incident response' }).waitFor();
    const md = await readDownload(page, 'Download report (Markdown)');
    assert.match(md.text, /\| &lt;img src=x onerror="window\.__pwned=1"&gt; \|/);
    assert.ok(!md.text.includes('<img'), md.text);
    await dialog(page).getByRole('button', { name: 'Close' }).click();
    await dialog(page).waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator('narrative-keys-panel').evaluate((el) => el.shadowRoot.querySelectorAll('img').length), 0);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});

test('a strict page (CSP without inline script, Trusted Types) runs the panel with no violation', async () => {
  const { emu } = await world([['strict page key', ['read:datasets'], '30d']]);
  const url = new URL(example.url());
  url.searchParams.set('csp', emu.url);
  const { context, page, problems } = await open(url.href);
  try {
    await page.evaluate(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
    });
    const policy = await page.evaluate(() => fetch(location.href).then((r) => r.headers.get('content-security-policy')));
    assert.match(policy, /trusted-types lit-html/);
    await connect(page, emu.url);
    await createInPanel(page, 'made under a strict policy');
    await dialog(page).getByRole('button', { name: 'Copy' }).click();
    await storedIt(page, { copied: true });
    await rowAction(page, 'strict page key', 'Delete');
    await dialog(page).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('row', { name: /strict page key/ }).waitFor({ state: 'detached' });
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await emu.stop();
  }
});
