// The pure functions: no network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from './harness.mjs';

const nk = await load();
const NOW = '2026-11-26T10:00:00Z';

test('catalog: 27 resources in six groups, wire names and levels', () => {
  const c = nk.catalog();
  assert.equal(c.length, 27);
  assert.equal(new Set(c.map((e) => e.group)).size, 6);
  const em = c.find((e) => e.resource === 'encryption_materials');
  assert.deepEqual({ read: em.read, write: em.write, displayName: em.displayName, group: em.group }, { read: false, write: true, displayName: 'EncryptionMaterials', group: 'infrastructure' });
  assert.equal(c[0].groupTitle, 'Core Data');
  // How much of the catalog is verified: 12 names are in the OpenAPI document.
  assert.equal(c.filter((e) => e.evidence === 'openapi').length, 12);
  assert.equal(c.find((e) => e.resource === 'views').evidence, 'derived');
  const attributes = c.find((e) => e.resource === 'attributes');
  assert.deepEqual([attributes.read, attributes.write, attributes.singleLevel], [false, true, true]);
});

test('presets: the five documented presets with wire-shape permissions', () => {
  const p = nk.presets();
  assert.deepEqual(p.map((x) => x.name), ['read-only-analytics', 'data-ingestion', 'workflow-automation', 'connector-delivery', 'sdk-development']);
  assert.deepEqual(p[1].permissions, [{ access: 'write', resource: 'data_streams' }, { access: 'write', resource: 'datasets' }]);
  assert.equal(p[4].takesResources, true);
  assert.deepEqual(nk.presetPermissions('sdk-development', ['attributes', 'uploads']), [
    // Both levels, even on a resource documented with one.
    { access: 'read', resource: 'attributes' }, { access: 'write', resource: 'attributes' },
    { access: 'read', resource: 'uploads' }, { access: 'write', resource: 'uploads' },
  ]);
  assert.throws(() => nk.presetPermissions('admin'), (e) => nk.isNarrativeKeysError(e, 'invalid_input'));
});

test('parsePermission / parsePermissions normalise and explain mistakes', () => {
  assert.deepEqual(nk.parsePermission('Read:Data-Planes'), { access: 'read', resource: 'data_planes' });
  assert.deepEqual(nk.parsePermission('revise:uploads'), { access: 'revise', resource: 'uploads' });
  assert.deepEqual(nk.parsePermissions('write:datasets, read:datasets read:datasets'), [
    { access: 'read', resource: 'datasets' }, { access: 'write', resource: 'datasets' },
  ]);
  for (const bad of ['readdatasets', ':datasets', 'read:', 'read:a:b']) {
    assert.throws(() => nk.parsePermission(bad), (e) => {
      assert.ok(e instanceof Error && e instanceof nk.NarrativeKeysError);
      assert.equal(e.name, 'NarrativeKeysError');
      assert.equal(e.code, 'invalid_input');
      assert.match(e.message, /is not a permission/);
      assert.equal(e.problems[0].field, 'permissions');
      return true;
    });
  }
});

test('parseExpiration: spans, dates, instants, Date objects and never', () => {
  assert.equal(nk.parseExpiration('90d', { now: NOW }), '2027-02-24T10:00:00Z');
  assert.equal(nk.parseExpiration('2027-01-31'), '2027-01-31');
  assert.equal(nk.parseExpiration(new Date('2027-01-31T12:00:00Z')), '2027-01-31T12:00:00Z');
  assert.equal(nk.parseExpiration('never'), null);
  assert.equal(nk.parseExpiration(null), null);
  assert.throws(() => nk.parseExpiration('90x'), /unit must be/);
  // Months and years are calendar spans; fractions name the whole equivalent.
  assert.equal(nk.parseExpiration('1mo', { now: '2028-01-31T10:00:00Z' }), '2028-02-29T10:00:00Z');
  assert.equal(nk.parseExpiration('1y', { now: NOW }), '2027-11-26T10:00:00Z');
  assert.throws(() => nk.parseExpiration('1.5d'), (e) => e.code === 'invalid_input' && /fractions are not accepted: 1\.5d is 36h/.test(e.message));
  assert.throws(() => nk.parseExpiration(new Date('nonsense')), (e) => e.code === 'invalid_input' && /invalid Date/.test(e.message));
});

test('validateNewKey: every problem at once, with field and severity', () => {
  const r = nk.validateNewKey({
    name: `bad\nname${'x'.repeat(130)}`,
    permissions: ['read:encryption_materials', { access: 'grant', resource: 'datasets' }, 'read:uploads', 'nonsense'],
    expiresAt: '2020-01-01',
  }, { now: NOW });
  assert.equal(r.valid, false);
  const errors = r.problems.filter((p) => p.severity === 'error');
  assert.deepEqual(errors.map((p) => p.field).sort(), ['expiration', 'name', 'name', 'permissions', 'permissions', 'permissions']);
  // The level the documentation does not confirm is a warning, not a wall.
  assert.ok(r.problems.some((p) => p.severity === 'warning' && /lists one access level for EncryptionMaterials/.test(p.message)));
  assert.ok(errors.some((p) => /`read:uploads`: unknown resource `uploads`/.test(p.message)));
  const allowed = nk.validateNewKey({ name: 'ci', permissions: ['read:uploads'], allowUnknown: true }, { now: NOW });
  assert.equal(allowed.valid, true);
  assert.ok(allowed.problems.some((p) => p.severity === 'warning' && /uploads/.test(p.message)));
  // Left out, the expiration is the default 90 days: nothing to warn about.
  const ok = nk.validateNewKey({ name: 'ci', preset: 'data-ingestion' });
  assert.deepEqual(ok, { valid: true, problems: [] });
  const never = nk.validateNewKey({ name: 'ci', preset: 'data-ingestion', expiresAt: 'never' });
  assert.deepEqual(never.problems.map((p) => [p.field, p.severity]), [['expiration', 'warning']]);
  const dated = nk.validateNewKey({ name: 'ci', permissions: ['read:datasets'], expiresAt: new Date(Date.now() + 86_400_000) });
  assert.deepEqual(dated, { valid: true, problems: [] });
  assert.equal(nk.validateNewKey({ name: '', permissions: [] }).problems.length, 2, 'the name and the permissions');
});

test('keyStatus against a clock, with soonDays', () => {
  const key = (expiresAt) => ({ permissions: [], expiresAt });
  assert.equal(nk.keyStatus(key(null), { now: NOW }), 'no_expiration');
  assert.equal(nk.keyStatus(key('2026-11-26T10:00:00Z'), { now: NOW }), 'expired');
  assert.equal(nk.keyStatus(key('2026-12-10T10:00:00Z'), { now: NOW }), 'expiring_soon');
  assert.equal(nk.keyStatus(key('2026-12-10T10:00:01Z'), { now: new Date(NOW) }), 'active');
  assert.equal(nk.keyStatus(key(new Date('2026-12-20T10:00:00Z')), { now: NOW, soonDays: 30 }), 'expiring_soon');
  assert.equal(nk.keyStatus(key('2099-01-01T00:00:00Z')), 'active');
});

test('audit finds what a careful administrator would', () => {
  const keys = [
    { id: 'a', name: 'ok', permissions: ['read:datasets'], expiresAt: '2027-03-01T00:00:00Z' },
    { id: 'f', name: 'admin', permissions: [{ access: 'read', resource: 'access_tokens' }, { access: 'write', resource: 'access_tokens' }], expiresAt: null },
    { id: 'g', name: 'ingest', permissions: ['write:datasets'], expiresAt: '2027-03-01T00:00:00Z' },
  ];
  const f = nk.audit(keys, { now: NOW });
  assert.equal(f[0].severity, 'critical');
  assert.equal(f[0].keyId, 'f');
  assert.deepEqual(f.filter((x) => x.keyId === 'f').map((x) => x.kind), ['no_expiration', 'can_mint_keys']);
  assert.deepEqual(f.filter((x) => x.keyId === 'g').map((x) => x.kind), ['write_without_read']);
  assert.equal(f.filter((x) => x.keyId === 'a').length, 0);
  assert.deepEqual(nk.audit(keys, { now: NOW, soonDays: 120 }).filter((x) => x.keyId === 'a').map((x) => x.kind), ['expiring_soon']);
  assert.throws(() => nk.audit(keys, { broadShare: 2 }), /broadShare/);
});

test('explain and can', () => {
  const e = nk.explain(['read:datasets', 'write:datasets', 'write:access_tokens', 'admin:uploads']);
  assert.match(e.summary, /4 permissions on 3 resources.*create further API keys/);
  assert.deepEqual(e.sections.map((s) => s.title), ['Core Data', 'Identity & Access', 'Not in the catalog', 'Unconfirmed wire names']);
  assert.match(e.sections[3].lines[0], /^access_tokens: derived/);
  assert.match(e.text, /Datasets: can read datasets with their metadata, samples, statistics and access rules, and create, change and delete datasets and their access rules\./);
  const key = { permissions: [{ access: 'write', resource: 'datasets' }] };
  assert.equal(nk.can(key, 'write', 'datasets'), true);
  assert.equal(nk.can(key, 'read', 'datasets'), false, 'write does not imply read');
  assert.equal(nk.can(key, 'WRITE', 'DataSets'), true);
});

test('an option of the wrong type is a sentence about the field, never a value', () => {
  const secret = 'sk_live_do_not_echo_me';
  for (const [call, says] of [
    [() => nk.validateNewKey({ name: 'ci', permissions: ['read:views'], expiresAt: 5 }), "validateNewKey: `expiresAt` must be an ISO date, a Date, a span such as '90d', or 'never'"],
    [() => nk.validateNewKey({ name: secret.length, permissions: ['read:views'] }), 'validateNewKey: `name` must be a string'],
    [() => nk.validateNewKey({ name: 'ci', permissions: 'read:views' }), "validateNewKey: `permissions` must be an array of 'read:datasets' or { access, resource }"],
    [() => nk.validateNewKey({ name: 'ci', permissions: [secret.length] }), "validateNewKey: `permissions` must be an array of 'read:datasets' or { access, resource }"],
    [() => nk.validateNewKey({ name: 'ci', allowUnknown: 'yes' }), 'validateNewKey: `allowUnknown` must be true or false'],
    [() => nk.validateNewKey({ permissions: ['read:views'] }), 'validateNewKey: `name` is required'],
    [() => nk.keyStatus({ permissions: [] }, { soonDays: secret }), 'keyStatus: `soonDays` must be a number'],
    [() => nk.keyStatus({ permissions: [] }, { soon_days: 3 }), 'keyStatus: `soon_days` is not an option; did you mean `soonDays`?'],
    [() => new nk.NarrativeKeys({ apiKey: 'k', timeoutMs: secret }), 'new NarrativeKeys: `timeoutMs` must be a number'],
    [() => new nk.NarrativeKeys({ apiKey: 'k', headers: secret }), 'new NarrativeKeys: `headers` must be an object of strings'],
    // Found by a hostile trial (issue 26): each said "must be a number" or "a string".
    [() => new nk.NarrativeKeys({ apiKey: 'k', retries: 1.5 }), 'new NarrativeKeys: `retries` must be a whole number, 0 or more'],
    [() => new nk.NarrativeKeys({ apiKey: 'k', retries: -1 }), 'new NarrativeKeys: `retries` must be a whole number, 0 or more'],
    [() => new nk.NarrativeKeys({ apiKey: 'k', timeoutMs: Number.MAX_VALUE }), 'new NarrativeKeys: `timeoutMs` is too large a number'],
    [() => nk.validateNewKey({ name: 'ci\uD800', permissions: ['read:views'] }), 'validateNewKey: `name` holds half of a UTF-16 surrogate pair (\\uD800 to \\uDFFF) alone; remove it'],
  ]) {
    assert.throws(call, (e) => {
      assert.ok(nk.isNarrativeKeysError(e, 'invalid_input'), `${e.code}: ${e.message}`);
      assert.equal(e.message, says);
      assert.ok(!e.message.includes(secret) && !e.message.includes('22'), 'no value repeated');
      assert.doesNotMatch(e.message, /line \d|column|invalid type|untagged|struct/, 'no serde internals');
      return true;
    });
  }
  // A name too long to be an option's is not repeated either.
  assert.throws(() => nk.keyStatus({ permissions: [] }, { [secret.repeat(4)]: 1 }), (e) => e.code === 'invalid_input' && !e.message.includes(secret) && /is not an option/.test(e.message));
});

test('a number that is not finite is refused, not read as the default', () => {
  // JSON.stringify writes NaN and Infinity as null, which an option reads as
  // its default: a timeout of NaN was the default 30 seconds.
  for (const [call, field] of [
    [() => new nk.NarrativeKeys({ apiKey: 'k', timeoutMs: NaN }), 'timeoutMs'],
    [() => new nk.NarrativeKeys({ apiKey: 'k', retries: Infinity }), 'retries'],
    [() => nk.keyStatus({ permissions: [] }, { soonDays: -Infinity }), 'soonDays'],
  ]) {
    assert.throws(call, (e) => nk.isNarrativeKeysError(e, 'invalid_input') && e.message.startsWith(`${field} is `) && /finite number/.test(e.message));
  }
});

test('a key as the CLI writes it (expires_at) is audited by its expiration', () => {
  // Found by a hostile trial: `expires_at` was ignored, and an expired key
  // reported as never expiring.
  const key = { id: 'a', name: 'a', permissions: ['read:datasets'], expires_at: '2020-01-01T00:00:00Z' };
  assert.equal(nk.keyStatus(key), 'expired');
  assert.equal(nk.keyStatus({ ...key, expires_at: undefined, expiresAt: '2020-01-01T00:00:00Z' }), 'expired');
});

test('bad arguments are NarrativeKeysError, never a string', () => {
  for (const call of [() => nk.explain('read:datasets'), () => nk.keyStatus(42), () => nk.audit([{}]), () => nk.validateNewKey(null)]) {
    assert.throws(call, (e) => e instanceof nk.NarrativeKeysError && e.code === 'invalid_input');
  }
});

test('a Rust panic is an internal error and does not poison the module', async () => {
  assert.throws(() => nk.__testing.panicNow(), (e) => nk.isNarrativeKeysError(e, 'internal') && /deliberate panic/.test(e.message));
  assert.equal(nk.catalog().length, 27);
  await assert.rejects(nk.__testing.panicInTask(2), (e) => nk.isNarrativeKeysError(e, 'internal') && /in a task/.test(e.message));
  assert.equal(nk.presets().length, 5);
  assert.deepEqual(nk.parsePermission('read:views'), { access: 'read', resource: 'views' });
});
