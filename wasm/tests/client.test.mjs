// The client against a real emulator: the key lifecycle, workflows and whoami.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { load, startEmulator, ADMIN, uuid } from './harness.mjs';

const nk = await load();
let emu;
let admin;
before(async () => {
  emu = await startEmulator();
  admin = new nk.NarrativeKeys({ apiKey: ADMIN, environment: emu.url });
});
after(() => emu.stop());

const ids = async () => (await admin.listKeys()).map((k) => k.id).sort();

// listKeys reads the server's own JSON when it can (wasm/src/listing.rs);
// getKey always decodes and writes. Both give the same keys, field for
// field and in the same order.
test('listKeys gives each key exactly as getKey does', async () => {
  const made = [];
  for (const [name, expiresAt] of [['quote " back\\slash', '90d'], ['ünïcödé €', 'never'], ['plain', new Date(Date.now() + 86_400_000)]]) {
    made.push((await admin.createKey({ name, permissions: ['write:datasets', 'read:jobs', 'read:datasets'], expiresAt })).key.id);
  }
  const listed = await admin.listKeys();
  for (const id of made) {
    const key = listed.find((k) => k.id === id);
    assert.deepEqual(Object.keys(key), ['id', 'name', 'permissions', 'expiresAt']);
    assert.equal(JSON.stringify(key), JSON.stringify(await admin.getKey(id)));
  }
  for (const id of made) await admin.revokeKey(id);
});

test('the whole key lifecycle', async () => {
  const before = await admin.listKeys();
  assert.equal(before.length, 1);
  assert.equal(before[0].expiresAt, null);

  const created = await admin.createKey({ name: '  nightly ingestion ', preset: 'data-ingestion', expiresAt: '30d' });
  assert.equal(typeof created.secret, 'string');
  assert.ok(created.secret.length > 20);
  assert.equal(created.key.name, 'nightly ingestion');
  assert.deepEqual(created.key.permissions, [{ access: 'write', resource: 'data_streams' }, { access: 'write', resource: 'datasets' }]);
  const days = (Date.parse(created.key.expiresAt) - Date.now()) / 86_400_000;
  assert.ok(days > 29.9 && days <= 30, `${days}`);
  assert.equal(nk.keyStatus(created.key), 'active');

  const got = await admin.getKey(created.key.id);
  assert.deepEqual(got, created.key);
  assert.ok(!JSON.stringify(await admin.listKeys()).includes(created.secret), 'the secret is never listed');

  // The new key works as a credential of its own (and lacks access_tokens).
  const own = new nk.NarrativeKeys({ apiKey: created.secret, environment: emu.url });
  await assert.rejects(own.listKeys(), (e) => e.code === 'forbidden');

  const at = new Date(Date.now() + 7 * 86_400_000);
  const updated = await admin.updateKey(created.key.id, { name: 'renamed', permissions: ['read:datasets', { access: 'read', resource: 'views' }], expiresAt: at });
  assert.equal(updated.name, 'renamed');
  assert.deepEqual(updated.permissions, [{ access: 'read', resource: 'datasets' }, { access: 'read', resource: 'views' }]);
  assert.equal(Date.parse(updated.expiresAt), at.getTime());
  assert.equal(nk.keyStatus(updated), 'expiring_soon');

  assert.equal(await admin.revokeKey(created.key.id), undefined);
  await assert.rejects(admin.getKey(created.key.id), (e) => e.code === 'not_found' && e.status === 404);
  await assert.rejects(own.whoami(), (e) => e.code === 'unauthorized', 'a revoked key stops working at once');
  assert.equal((await admin.listKeys()).length, 1);
});

test('createKey accepts a Date, explicit permissions and no expiration', async () => {
  const never = await admin.createKey({ name: 'forever', permissions: ['read:datasets'], expiresAt: 'never' });
  assert.equal(never.key.expiresAt, null);
  const dated = await admin.createKey({ name: 'dated', permissions: [{ access: 'read', resource: 'queries' }], expiresAt: new Date('2099-01-01T00:00:00Z') });
  assert.equal(dated.key.expiresAt, '2099-01-01T00:00:00Z');
  const sdk = await admin.createKey({ name: 'app', preset: 'sdk-development', resources: ['apps', 'attributes'], expiresAt: '2099-01-31' });
  assert.deepEqual(sdk.key.permissions.map((p) => `${p.access}:${p.resource}`), ['read:apps', 'write:apps', 'read:attributes', 'write:attributes'], 'both levels, even where the documentation lists one');
  await admin.revokeKeys([never.key.id, dated.key.id, sdk.key.id]);
});

test('createKey without expiresAt makes a key that expires in 90 days; never only when asked', async () => {
  const before = Date.now();
  const plain = await admin.createKey({ name: 'default lifetime', permissions: ['read:views'] });
  const days = (Date.parse(plain.key.expiresAt) - before) / 86_400_000;
  assert.ok(Math.abs(days - 90) < 0.01, `expires in ${days} days`);
  assert.equal(nk.keyStatus(plain.key), 'active');
  // An explicit null is refused rather than read as "never": nothing is sent.
  const count = (await admin.listKeys()).length;
  await assert.rejects(
    admin.createKey({ name: 'null', permissions: ['read:views'], expiresAt: null }),
    (e) => e.code === 'invalid_input' && /'never'/.test(e.message) && e.problems[0].field === 'expiration',
  );
  assert.equal((await admin.listKeys()).length, count);
  await admin.revokeKey(plain.key.id);
});

test('createKey refuses an unknown option by name, with the one meant, and sends nothing', async () => {
  const count = (await admin.listKeys()).length;
  await assert.rejects(
    admin.createKey({ name: 'typo', permissions: ['read:views'], expires: 'never' }),
    (e) => {
      assert.ok(nk.isNarrativeKeysError(e, 'invalid_input'), `${e.code}: ${e.message}`);
      assert.equal(e.message, 'createKey: `expires` is not an option; did you mean `expiresAt`?');
      return true;
    },
  );
  await assert.rejects(
    admin.createKey({ name: 'typo', permissions: ['read:views'], colour: 'blue' }),
    (e) => e.code === 'invalid_input' && e.message === 'createKey: `colour` is not an option (the options are name, permissions, preset, resources, expiresAt, allowUnknown)',
  );
  await assert.rejects(admin.updateKey(uuid(), { nmae: 'x' }), (e) => e.code === 'invalid_input' && /updateKey: `nmae` is not an option; did you mean `name`\?/.test(e.message));
  await assert.rejects(admin.rotateKey(uuid(), { keep_old: true }), (e) => /did you mean `keepOld`\?/.test(e.message));
  assert.throws(() => new nk.NarrativeKeys({ apiKey: 'k', apikey: 'k' }), (e) => e.code === 'invalid_input' && /`apikey` is not an option; did you mean `apiKey`\?/.test(e.message));
  assert.equal((await admin.listKeys()).length, count, 'nothing was created');
});

test('a typed permission outside the catalog is refused with a suggestion, unless allowUnknown', async () => {
  const count = (await admin.listKeys()).length;
  for (const [permissions, says] of [
    [['read:dataset'], /`read:dataset`: unknown resource `dataset`; did you mean read:datasets\?/],
    [['datasets:read'], /did you mean read:datasets\?/],
    [[{ access: 'raed', resource: 'views' }], /did you mean read:views\?/],
    [['read:uploads'], /unknown resource `uploads`/],
  ]) {
    await assert.rejects(admin.createKey({ name: 'typo', permissions }), (e) => {
      assert.equal(e.code, 'invalid_input', e.message);
      assert.match(e.message, says);
      assert.equal(e.problems[0].field, 'permissions');
      assert.match(e.problems[0].message, /allow unknown permissions/);
      return true;
    });
  }
  await assert.rejects(admin.createKey({ name: 'typo', preset: 'sdk-development', resources: ['dataset'] }), /did you mean read:datasets\?/);
  assert.equal((await admin.listKeys()).length, count, 'nothing was sent');

  // Allowed on purpose: sent as written, and its own unknown permissions
  // survive an update of its name or of its permissions.
  const odd = (await admin.createKey({ name: 'newer', permissions: ['read:uploads', 'admin:datasets', 'read:views'], allowUnknown: true })).key;
  assert.deepEqual(odd.permissions.map((p) => `${p.access}:${p.resource}`), ['admin:datasets', 'read:uploads', 'read:views']);
  const renamed = await admin.updateKey(odd.id, { name: 'renamed' });
  assert.deepEqual(renamed.permissions, odd.permissions);
  const grown = await admin.updateKey(odd.id, { permissions: [...odd.permissions, 'write:views'] });
  assert.equal(grown.permissions.length, 4);
  await assert.rejects(
    admin.updateKey(odd.id, { permissions: [...grown.permissions, 'write:dataset'] }),
    (e) => e.code === 'invalid_input' && /did you mean write:datasets\?/.test(e.message) && !/uploads/.test(e.message),
  );
  assert.deepEqual((await admin.getKey(odd.id)).permissions, grown.permissions, 'nothing was changed');
  const more = await admin.updateKey(odd.id, { permissions: [...grown.permissions, 'write:uploads'], allowUnknown: true });
  assert.equal(more.permissions.length, 5);

  await assert.rejects(admin.incident({ holding: ['read:dataset'] }, { dryRun: true }), (e) => e.code === 'invalid_input' && /`read:dataset`: unknown resource `dataset`; did you mean read:datasets\?/.test(e.message));
  const plan = await admin.incident({ holding: ['admin:datasets'], allowUnknown: true }, { dryRun: true });
  assert.deepEqual(plan.plan.keys.map((k) => k.key.id), [odd.id]);
  await admin.revokeKey(odd.id);
});

test('whoami', async () => {
  const w = await admin.whoami();
  assert.equal(typeof w.userId, 'number');
  assert.equal(w.currentCompanyScope.slug, 'local-emulator');
  assert.ok(w.permissions.some((p) => p.resource === 'datasets' && p.access.includes('read')));
  assert.equal(admin.environment, emu.url);
  assert.ok(!JSON.stringify(admin).includes(ADMIN), 'the client never serialises its key');
});

test('revokeKeys: bounded concurrency, already-gone keys, failures reported per key', async () => {
  const made = [];
  for (let i = 0; i < 6; i++) made.push((await admin.createKey({ name: `bulk ${i}`, permissions: ['read:views'], expiresAt: '1d' })).key.id);
  const gone = uuid();
  const report = await admin.revokeKeys([...made, made[0], gone, 'not-a-uuid'], { concurrency: 3 });
  assert.equal(report.outcomes.length, 8, 'duplicates removed');
  assert.deepEqual(report.outcomes.slice(0, 6).map((o) => o.result), Array(6).fill('revoked'));
  assert.equal(report.outcomes[6].result, 'already_gone');
  assert.equal(report.outcomes[7].result, 'failed');
  assert.ok(report.outcomes[7].error instanceof nk.NarrativeKeysError);
  assert.equal(report.outcomes[7].error.code, 'invalid_input');
  assert.equal(report.outcomes[0].error, null);
  assert.equal(report.allRevoked, false);
  assert.equal((await admin.listKeys()).length, 1);
});

test('rotateKey: successor first, then the old key goes (or stays with keepOld)', async () => {
  const old = (await admin.createKey({ name: 'svc', permissions: ['read:datasets', 'admin:uploads'], expiresAt: '10d', allowUnknown: true })).key;
  const r = await admin.rotateKey(old.id, { expiresAt: '60d' });
  assert.equal(r.oldKey, 'revoked');
  assert.equal(r.complete, true);
  assert.equal(r.error, null);
  assert.deepEqual(r.old, old);
  assert.deepEqual(r.new.key.permissions, old.permissions, 'permissions carried exactly, wire-only levels included');
  assert.equal(r.new.key.name, 'svc');
  assert.ok(r.new.secret);
  assert.ok(Math.abs((Date.parse(r.new.key.expiresAt) - Date.now()) / 86_400_000 - 60) < 0.01);
  await assert.rejects(admin.getKey(old.id), (e) => e.code === 'not_found');

  const kept = await admin.rotateKey(r.new.key.id, { keepOld: true, name: 'svc v2' });
  assert.equal(kept.oldKey, 'kept');
  assert.equal(kept.new.key.name, 'svc v2');
  assert.ok(Math.abs((Date.parse(kept.new.key.expiresAt) - Date.now()) / 86_400_000 - 90) < 0.01, 'default 90 days');
  assert.deepEqual((await ids()).length, 3);
  await admin.revokeKeys([r.new.key.id, kept.new.key.id]);
  await assert.rejects(admin.rotateKey(uuid()), (e) => e.code === 'not_found');
});

test('rotateKey with overlap: the old key keeps working, then expires; never later than its own expiration', async () => {
  const plain = await admin.rotateKey((await admin.createKey({ name: 'plain', permissions: ['read:views'] })).key.id);
  assert.equal(plain.oldKey, 'revoked', 'revoke is the default');
  assert.equal(plain.oldKeyStops, 'now');
  const old = (await admin.createKey({ name: 'svc', permissions: ['read:datasets', 'admin:uploads'], expiresAt: '30d', allowUnknown: true })).key;
  const before = Date.now();
  const r = await admin.rotateKey(old.id, { overlap: '24h' });
  assert.equal(r.oldKey, 'expires');
  assert.equal(r.complete, true);
  assert.equal(r.error, null);
  const stops = Date.parse(r.oldKeyStops);
  assert.ok(stops >= before - 1000 + 86_400_000 && stops <= Date.now() + 86_400_000, r.oldKeyStops);
  const still = await admin.getKey(old.id);
  assert.equal(Date.parse(still.expiresAt), stops, 'the old key still exists, expiring at the end of the overlap');
  assert.deepEqual(still.permissions, old.permissions, 'its permissions untouched');

  // An old key that expires sooner than the overlap keeps its expiration.
  const soon = (await admin.createKey({ name: 'soon', permissions: ['read:views'], expiresAt: '2d' })).key;
  const s2 = await admin.rotateKey(soon.id, { overlap: '1w' });
  assert.equal(s2.oldKey, 'expires');
  assert.equal(Date.parse(s2.oldKeyStops), Date.parse(soon.expiresAt));
  assert.equal((await admin.getKey(soon.id)).expiresAt, soon.expiresAt);

  await assert.rejects(admin.rotateKey(old.id, { overlap: '1d', keepOld: true }), (e) => e.code === 'invalid_input' && /not both/.test(e.message));
  await assert.rejects(admin.rotateKey(old.id, { overlap: '1.5d' }), (e) => e.code === 'invalid_input' && /36h/.test(e.message));
  await admin.revokeKeys([plain.new.key.id, old.id, r.new.key.id, soon.id, s2.new.key.id]);
});

test('createSuccessor then retireOldKey: the old key works until the second step, which retires it as rotateKey does', async () => {
  const old = (await admin.createKey({ name: 'svc', permissions: ['read:datasets', 'admin:uploads'], expiresAt: '30d', allowUnknown: true })).key;
  const s = await admin.createSuccessor(old.id, { expiresAt: '60d' });
  assert.deepEqual(s.old, old);
  assert.equal(s.new.key.name, 'svc');
  assert.deepEqual(s.new.key.permissions, old.permissions, 'permissions carried exactly, wire-only levels included');
  assert.ok(Math.abs((Date.parse(s.new.key.expiresAt) - Date.now()) / 86_400_000 - 60) < 0.01);
  assert.deepEqual(await admin.getKey(old.id), old, 'the first step leaves the old key as it was');
  const successorWorks = new nk.NarrativeKeys({ apiKey: s.new.secret, environment: emu.url });
  await assert.rejects(successorWorks.listKeys(), (e) => e.code === 'forbidden', 'the secret is a working credential');

  // An overlap: expires a day from now and renamed as retiring, in one update.
  const before = Date.now();
  const r = await admin.retireOldKey(s.old.id, s.new.key.id, { overlap: '24h' });
  assert.equal(r.oldKey, 'expires');
  assert.equal(r.complete, true);
  assert.equal(r.error, null);
  assert.equal(r.old, undefined, 'the result holds no key');
  const stops = Date.parse(r.oldKeyStops);
  assert.ok(stops >= before - 1000 + 86_400_000 && stops <= Date.now() + 86_400_000, r.oldKeyStops);
  const retiring = await admin.getKey(old.id);
  assert.equal(Date.parse(retiring.expiresAt), stops);
  const minute = new Date(stops).toISOString().slice(0, 16).replace('T', ' ');
  assert.equal(retiring.name, `svc (retiring ${minute} UTC)`, 'the name is left to the successor');
  assert.equal((await admin.listKeys()).filter((k) => k.name === 'svc').length, 1);

  // The default revokes; keepOld leaves it; a 404 counts as revoked.
  const next = await admin.createSuccessor(s.new.key.id);
  assert.equal(next.new.key.name, 'svc');
  const kept = await admin.retireOldKey(next.old.id, next.new.key.id, { keepOld: true });
  assert.deepEqual([kept.oldKey, kept.oldKeyStops, kept.complete, kept.error], ['kept', null, true, null]);
  assert.deepEqual(await admin.getKey(s.new.key.id), s.new.key);
  const revoked = await admin.retireOldKey(next.old.id, next.new.key.id);
  assert.deepEqual([revoked.oldKey, revoked.oldKeyStops, revoked.complete], ['revoked', 'now', true]);
  await assert.rejects(admin.getKey(s.new.key.id), (e) => e.code === 'not_found');
  assert.equal((await admin.retireOldKey(next.old.id, next.new.key.id)).oldKey, 'revoked', 'already gone');

  // A failure is the result, the old key still working: this key may read keys, not change them.
  const other = (await admin.createKey({ name: 'other', permissions: ['read:views'] })).key;
  const reader = await admin.createKey({ name: 'reader', permissions: ['read:access_tokens'] });
  const bare = new nk.NarrativeKeys({ apiKey: reader.secret, environment: emu.url });
  const refused = await bare.retireOldKey(other.id, next.new.key.id);
  assert.equal(refused.oldKey, 'revoke_failed');
  assert.equal(refused.complete, false);
  assert.ok(nk.isNarrativeKeysError(refused.error, 'forbidden'), String(refused.error));
  const refusedOverlap = await bare.retireOldKey(other.id, next.new.key.id, { overlap: '1h' });
  assert.equal(refusedOverlap.oldKey, 'expire_failed');
  assert.match(refusedOverlap.error.message, /updateKey\('[^']+', \{ expiresAt: '[^']+', name: "other \(retiring [^"]+ UTC\)" \}\)/);
  assert.deepEqual(await admin.getKey(other.id), other);

  // Bad options are refused before anything is sent.
  for (const [options, pattern] of [
    [{ overlap: '1d', keepOld: true }, /retireOldKey: give keepOld or overlap, not both/],
    [{ overlap: '1.5d' }, /36h/],
    [{ overlap: '0h' }, /at least 1h/],
    [{ overlp: '1d' }, /did you mean `overlap`\?/],
  ]) {
    await assert.rejects(admin.retireOldKey(other.id, next.new.key.id, options), (e) => e.code === 'invalid_input' && pattern.test(e.message), JSON.stringify(options));
  }
  await assert.rejects(admin.createSuccessor(old.id, { overlap: '1d', keepOld: true }), (e) => e.code === 'invalid_input' && /createSuccessor: give keepOld or overlap, not both/.test(e.message));
  await assert.rejects(admin.createSuccessor(old.id, { overlap: '1.5d' }), (e) => e.code === 'invalid_input' && /36h/.test(e.message));
  assert.equal((await admin.listKeys()).filter((k) => k.name === 'svc').length, 1, 'a bad option creates nothing');
  // Never retire a key whose successor is gone: the old key is left as it was.
  const gone = await admin.createSuccessor(other.id);
  await admin.revokeKey(gone.new.key.id);
  await assert.rejects(admin.retireOldKey(other.id, gone.new.key.id), (e) => e.code === 'not_found' && e.message.includes(`the successor ${gone.new.key.id} could not be read, so the old key is left as it was`));
  await assert.rejects(admin.createSuccessor(uuid()), (e) => e.code === 'not_found');
  assert.deepEqual(await admin.getKey(other.id), other);
  await admin.revokeKeys([old.id, next.new.key.id, other.id, reader.key.id]);
});

test('incident: a key already expired is revoked, and replaced only with includeExpired', async () => {
  const soon = () => new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
  const a = (await admin.createKey({ name: 'lapsed-a', permissions: ['read:views'], expiresAt: soon() })).key;
  const b = (await admin.createKey({ name: 'lapsed-b', permissions: ['read:views'], expiresAt: soon() })).key;
  await new Promise((resolve) => setTimeout(resolve, Date.parse(b.expiresAt) - Date.now() + 200));
  const dry = await admin.incident({ ids: [a.id] }, { dryRun: true, replace: true });
  assert.deepEqual(dry.plan.expired, [a.id]);
  assert.match(dry.plan.markdown, /Already expired, so revoked but not replaced/);
  const left = await admin.incident({ ids: [a.id] }, { replace: true });
  assert.deepEqual(left.report.revoked.map((k) => k.id), [a.id]);
  assert.equal(left.replacements.length, 0);
  assert.deepEqual(left.report.expiredNotReplaced, [a.id]);
  const included = await admin.incident({ ids: [b.id] }, { replace: true, includeExpired: true });
  assert.equal(included.replacements.length, 1);
  assert.equal(included.replacements[0].replaces, b.id);
  await admin.revokeKey(included.replacements[0].created.key.id);
});

test('incident: dry run plans, execution revokes at once, replaces and reports', async () => {
  const a = (await admin.createKey({ name: 'ci-deploy', permissions: ['read:datasets'], expiresAt: '30d' })).key;
  const b = (await admin.createKey({ name: 'CI-nightly', permissions: ['write:datasets'], expiresAt: '30d' })).key;
  const c = (await admin.createKey({ name: 'laptop', permissions: ['read:views'], expiresAt: '30d' })).key;
  const missing = uuid();

  const dry = await admin.incident({ nameMatches: 'ci-*', ids: [missing] }, { dryRun: true, replace: true });
  assert.equal(dry.dryRun, true);
  assert.equal(dry.report, null);
  assert.deepEqual(dry.plan.keys.map((k) => k.key.id).sort(), [a.id, b.id].sort());
  assert.deepEqual(dry.plan.missingIds, [missing]);
  assert.match(dry.plan.markdown, /# Incident plan \(dry run\)/);
  assert.equal((await ids()).length, 4, 'a dry run changes nothing');

  const run = await admin.incident({ nameMatches: 'ci-*' }, { replace: true, note: 'CI secrets leaked in a build log', replacementExpiresAt: '14d' });
  assert.equal(run.dryRun, false);
  assert.match(run.plan.markdown, /^# Incident plan\n/, 'a plan that was executed is no dry run');
  assert.deepEqual(run.plan.expired, []);
  assert.equal(run.plan.replaceExpired, false, 'expired keys are not replaced by default');
  assert.deepEqual(run.report.revoked.map((k) => k.id).sort(), [a.id, b.id].sort());
  assert.equal(run.report.replacements.length, 2);
  assert.equal(run.replacements.length, 2);
  assert.ok(run.replacements.every((r) => r.created.secret && [a.id, b.id].includes(r.replaces)));
  assert.deepEqual(run.report.failures, []);
  assert.equal(run.report.environment, emu.url);
  assert.match(run.report.markdown, /CI secrets leaked/);
  assert.ok(!run.report.markdown.includes(run.replacements[0].created.secret), 'the report holds no secret');
  const now = await admin.listKeys();
  assert.ok(!now.some((k) => k.id === a.id || k.id === b.id));
  assert.ok(now.some((k) => k.id === c.id));
  const repl = now.find((k) => k.id === run.replacements[0].created.key.id);
  assert.equal(nk.keyStatus(repl), 'expiring_soon');

  // A second 'laptop' key, expiring soon, so the status filter leaves it out.
  const twin = (await admin.createKey({ name: 'laptop', permissions: ['read:views'], expiresAt: '3d' })).key;
  const byPerm = await admin.incident({ holding: ['read:views'], statuses: ['active'] }, { dryRun: true });
  assert.deepEqual(byPerm.plan.keys.map((k) => k.key.id), [c.id]);
  assert.deepEqual(byPerm.plan.lookAlikes, [twin.id], 'same name and permissions, not selected');
  assert.match(byPerm.plan.markdown, new RegExp(`Not selected, though .*${twin.id}`));
  await assert.rejects(admin.incident({}), (e) => e.code === 'invalid_input' && /nothing selected/.test(e.message));
  await admin.revokeKeys((await admin.listKeys()).filter((k) => k.name !== 'bootstrap admin').map((k) => k.id));
});

test('audit and explain over listed keys', async () => {
  const keys = await admin.listKeys();
  const findings = nk.audit(keys);
  assert.ok(findings.some((f) => f.kind === 'can_mint_keys' && f.keyName === 'bootstrap admin'));
  assert.equal(nk.can(keys[0], 'write', 'access_tokens'), true);
  assert.match(nk.explain(keys[0].permissions).summary, /create further API keys/);
});

test('what the server sent round-trips byte for byte: update, rotate, incident replacement', async () => {
  // Made with the API directly, so the spellings are exactly these.
  const res = await fetch(`${emu.url}/access-tokens/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'odd spellings',
      permissions: [
        { access: 'read', resource: 'data-planes' },
        { access: 'write', resource: 'uploads' },
        { access: 'admin', resource: 'datasets' },
      ],
      expires_at: '2099-01-31',
    }),
  });
  assert.equal(res.status, 200);
  const { id } = await res.json();
  const want = ['admin:datasets', 'read:data-planes', 'write:uploads'];
  const perms = async (keyId) => (await admin.getKey(keyId)).permissions.map((p) => `${p.access}:${p.resource}`).sort();
  assert.deepEqual(await perms(id), want);
  await admin.updateKey(id, { name: 'odd spellings, renamed' });
  assert.deepEqual(await perms(id), want);
  const rotation = await admin.rotateKey(id);
  assert.deepEqual(await perms(rotation.new.key.id), want);
  const run = await admin.incident({ ids: [rotation.new.key.id] }, { replace: true });
  assert.equal(run.replacements.length, 1);
  assert.deepEqual(await perms(run.replacements[0].created.key.id), want);
  await admin.revokeKey(run.replacements[0].created.key.id);
});
