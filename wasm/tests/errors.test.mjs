// Every error code, each as a rejected promise holding a NarrativeKeysError.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { load, startEmulator, ADMIN, uuid } from './harness.mjs';

const nk = await load();
let emu;
let faulty;
let admin;
before(async () => {
  emu = await startEmulator();
  // Every request fails (500, 503, 429, slow or dropped), reproducibly.
  faulty = await startEmulator(['--faults', '1', '--fault-retry-after', '0', '--fault-seed', '7', '--fault-slow-ms', '50']);
  admin = new nk.NarrativeKeys({ apiKey: ADMIN, environment: emu.url });
});
after(async () => {
  await emu.stop();
  await faulty.stop();
});

function isError(code, extra = () => true) {
  return (e) => {
    assert.ok(e instanceof Error, 'a real Error');
    assert.ok(e instanceof nk.NarrativeKeysError);
    assert.ok(nk.isNarrativeKeysError(e));
    assert.ok(nk.isNarrativeKeysError(e, code), `expected ${code}, got ${e.code}: ${e.message}`);
    assert.equal(e.name, 'NarrativeKeysError');
    assert.equal(typeof e.stack, 'string');
    assert.ok(extra(e), `${e.code}: ${JSON.stringify(e)}`);
    return true;
  };
}

test('invalid_input: refused before sending, with every problem', async () => {
  await assert.rejects(
    admin.createKey({ name: ' ', permissions: ['read:encryption_materials'], expiresAt: '2020-01-01' }),
    isError('invalid_input', (e) => e.status === undefined && e.problems.length === 3),
  );
  await assert.rejects(admin.getKey('../../etc'), isError('invalid_input', (e) => e.problems[0].field === 'id'));
  await assert.rejects(admin.updateKey(uuid(), {}), isError('invalid_input', (e) => e.problems[0].field === 'update'));
  await assert.rejects(admin.createKey({ name: 'x', permissions: ['read:datasets'], expiresAt: '90x' }), isError('invalid_input', (e) => e.problems[0].field === 'expiration'));
  await assert.rejects(admin.createKey({ name: 'x', permissions: ['read:datasets'], expiresAt: new Date('bad') }), isError('invalid_input'));
  assert.throws(() => new nk.NarrativeKeys({ apiKey: '' }), isError('invalid_input', (e) => /no API key/.test(e.message)));
  assert.throws(() => new nk.NarrativeKeys({ apiKey: 'k', environment: 'staging' }), isError('invalid_input', (e) => /not an environment/.test(e.message)));
  // Plain HTTP would send the key in clear: only to this machine.
  for (const environment of ['http://attacker.test', 'http://10.0.0.8:8080', 'http://127.0.0.1.attacker.test']) {
    assert.throws(() => new nk.NarrativeKeys({ apiKey: 'k', environment }), isError('invalid_input', (e) => e.message === `\`${environment}\` is refused: plain http:// would send the API key unencrypted over the network. Use https://, or http:// only to this machine (localhost, 127.0.0.1 or [::1]), as for a local emulator`));
  }
  for (const environment of ['http://localhost:8080', 'http://127.3.2.1', 'http://[::1]:9', 'https://api.example.test']) {
    assert.equal(new nk.NarrativeKeys({ apiKey: 'k', environment }).environment, environment);
  }
  assert.throws(() => new nk.NarrativeKeys({ apiKey: 'k', headers: { 'bad header': 'v' } }), isError('invalid_input'));
  assert.throws(() => new nk.NarrativeKeys({ apiKey: 'k', timeoutMs: -1 }), isError('invalid_input'));
  assert.throws(() => new nk.NarrativeKeys(null), isError('invalid_input'));
});

test('invalid_input from the server (400) keeps its description', async () => {
  const permissions = Array.from({ length: 600 }, (_, i) => `read:made_up_${i}`);
  await assert.rejects(
    admin.createKey({ name: 'too many', permissions, expiresAt: '1d', allowUnknown: true }),
    isError('invalid_input', (e) => e.status === 400 && /Too many permissions/.test(e.description) && e.serverError.length > 0),
  );
});

test('unauthorized (401) and forbidden (403) carry the server description', async () => {
  const wrong = new nk.NarrativeKeys({ apiKey: 'not-a-key', environment: emu.url });
  await assert.rejects(wrong.listKeys(), isError('unauthorized', (e) => e.status === 401 && /not recognised/.test(e.description)));
  const reader = await admin.createKey({ name: 'reader', permissions: ['read:datasets'], expiresAt: '1d' });
  const limited = new nk.NarrativeKeys({ apiKey: reader.secret, environment: emu.url });
  await assert.rejects(limited.createKey({ name: 'x', permissions: ['read:datasets'], expiresAt: '1d' }), isError('forbidden', (e) => e.status === 403 && /lacks write:access_tokens/.test(e.description)));
  await admin.revokeKey(reader.key.id);
});

test('not_found (404)', async () => {
  await assert.rejects(admin.getKey(uuid()), isError('not_found', (e) => e.status === 404 && e.description.length > 0));
  await assert.rejects(admin.revokeKey(uuid()), isError('not_found'));
  await assert.rejects(admin.updateKey(uuid(), { name: 'n' }), isError('not_found'));
});

test('rate_limited (429), server (5xx) and network from a faulty server, retries off', async () => {
  const client = new nk.NarrativeKeys({ apiKey: ADMIN, environment: faulty.url, retries: 0, timeoutMs: 5000 });
  const seen = new Map();
  for (let i = 0; i < 60 && seen.size < 3; i++) {
    try {
      await client.listKeys();
    } catch (e) {
      assert.ok(e instanceof nk.NarrativeKeysError);
      if (!seen.has(e.code)) seen.set(e.code, e);
    }
  }
  assert.ok(seen.has('rate_limited'), [...seen.keys()].join());
  assert.equal(seen.get('rate_limited').status, 429);
  assert.equal(seen.get('rate_limited').retryAfterMs, 0);
  assert.ok([500, 503].includes(seen.get('server').status));
  assert.ok(seen.has('network'), 'a dropped connection');
});

test('retries ride out faults on idempotent calls', async () => {
  const flaky = await startEmulator(['--faults', '0.3', '--fault-retry-after', '0', '--fault-seed', '3', '--fault-slow-ms', '10']);
  try {
    const client = new nk.NarrativeKeys({ apiKey: ADMIN, environment: flaky.url, retries: 8 });
    for (let i = 0; i < 10; i++) assert.equal((await client.listKeys()).length, 1);
  } finally {
    await flaky.stop();
  }
});

test('network: nothing listening, and a timeout', async () => {
  const closed = new nk.NarrativeKeys({ apiKey: 'k', environment: 'http://127.0.0.1:9', retries: 0 });
  await assert.rejects(closed.listKeys(), isError('network', (e) => e.status === undefined && /could not connect/.test(e.message)));
  const slow = await startEmulator(['--latency-ms', '2000']);
  try {
    const client = new nk.NarrativeKeys({ apiKey: ADMIN, environment: slow.url, retries: 0, timeoutMs: 100 });
    await assert.rejects(client.listKeys(), isError('network', (e) => /timed out/.test(e.message)));
    // Beyond what JavaScript's timers hold (2^31 - 1 ms), a timeout fired at
    // once (a hostile trial): it now waits as long as they can, and the
    // slow answer arrives.
    const patient = new nk.NarrativeKeys({ apiKey: ADMIN, environment: slow.url, retries: 0, timeoutMs: 1e12 });
    assert.ok(Array.isArray(await patient.listKeys()));
  } finally {
    await slow.stop();
  }
});

test('decode: a response without the promised shape', async () => {
  const stub = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end('{"records":[{"id":"a","name":"n","permissions":[{"access":"read","resource":5}]}],"secret":"s3cr3t"}');
  });
  await new Promise((r) => stub.listen(0, '127.0.0.1', r));
  try {
    const client = new nk.NarrativeKeys({ apiKey: 'k', environment: `http://127.0.0.1:${stub.address().port}` });
    await assert.rejects(client.listKeys(), isError('decode', (e) => e.status === 200 && /records\[0\]\.permissions\[0\]\.resource/.test(e.message)));
  } finally {
    stub.close();
  }
});

test('internal: a panic rejects, and the next call works', async () => {
  await assert.rejects(nk.__testing.panicInTask(1), isError('internal'));
  assert.equal((await admin.listKeys()).length, 1);
});
