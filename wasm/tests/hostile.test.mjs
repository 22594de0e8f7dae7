// Hostile servers through the npm package: garbage, truncated or oddly shaped
// answers are either read (where the contract allows them) or rejected with a
// `decode`/`server` NarrativeKeysError. Never a thrown string, never an
// `internal` error (a panic), and never a secret repeated in a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { load } from './harness.mjs';

const nk = await load();
const SECRET = 'nk-hostile-s3cr3t-value';
const id = '0b9d8a52-3c1f-4c59-9a4e-0f5b8f8f4c11';
const key = (extra = {}) => ({ id, name: 'k', permissions: [{ access: 'read', resource: 'datasets' }], expires_at: null, ...extra });

// [what, status, body, expected]: expected is a number of keys (read) or an error code.
const cases = [
  ['empty body', 200, '', 'decode'],
  ['truncated JSON', 200, JSON.stringify({ records: [key()] }).slice(0, 40), 'decode'],
  ['HTML', 200, '<html><body>gateway</body></html>', 'decode'],
  ['a bare array', 200, JSON.stringify([key()]), 'decode'],
  ['records is a string holding a secret', 200, JSON.stringify({ records: SECRET }), 'decode'],
  ['id is a number', 200, JSON.stringify({ records: [key({ id: 5 })] }), 'decode'],
  ['expires_at is not a date', 200, JSON.stringify({ records: [key({ expires_at: SECRET })] }), 'decode'],
  ['permissions is null', 200, JSON.stringify({ records: [key({ permissions: null })] }), 'decode'],
  ['invalid UTF-8', 200, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'decode'],
  ['deeply nested', 200, '['.repeat(10_000) + ']'.repeat(10_000), 'decode'],
  ['a 500 with garbage', 500, '\u0000\u0001 not json', 'server'],
  ['expires_at missing, unknown fields', 200, JSON.stringify({ records: [{ id, name: 'k', permissions: [], future_field: { a: 1 } }], next: null }), 1],
  ['expires_at null, unknown access kept', 200, JSON.stringify({ records: [key({ permissions: [{ access: 'admin', resource: 'quantum_widgets' }] })] }), 1],
  ['50,000 keys', 200, JSON.stringify({ records: Array.from({ length: 50_000 }, () => key()) }), 50_000],
];

test('garbage answers are typed errors or values, never a panic, never a leaked value', async () => {
  let current;
  const stub = createServer((req, res) => {
    res.writeHead(current[1], { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end(current[2]);
  });
  await new Promise((r) => stub.listen(0, '127.0.0.1', r));
  try {
    const client = new nk.NarrativeKeys({ apiKey: 'k', environment: `http://127.0.0.1:${stub.address().port}`, retries: 0 });
    for (const c of cases) {
      current = c;
      const [what, , , expected] = c;
      if (typeof expected === 'number') {
        const keys = await client.listKeys();
        assert.equal(keys.length, expected, what);
        assert.ok(keys.every((k) => k.expiresAt === null), `${what}: a missing or null expires_at reads as never`);
        continue;
      }
      await assert.rejects(client.listKeys(), (e) => {
        assert.ok(nk.isNarrativeKeysError(e), `${what}: a NarrativeKeysError, not ${e}`);
        assert.equal(e.code, expected, `${what}: ${e.code}: ${e.message}`);
        assert.ok(!e.message.includes(SECRET), `${what}: the message repeats a value from the body`);
        return true;
      });
    }
    // An unknown permission came back exactly as the server sent it.
    current = cases.find((c) => c[0].startsWith('expires_at null'));
    assert.deepEqual((await client.listKeys())[0].permissions, [{ access: 'admin', resource: 'quantum_widgets' }]);
  } finally {
    stub.close();
  }
});

// listKeys takes one of two roads (wasm/src/listing.rs): the server's own
// JSON, parsed here, when WebAssembly's check is sure it reads as the package
// writes it; else the keys decoded and written by the SDK. An escaped field
// name (`r\u0065cords`) is the same name to both parsers, but the check is
// never sure of one: that copy of a body always takes the second road.
test('a listing mutated at any byte gives the same keys, or the same error, on both roads', async () => {
  const listing = JSON.stringify({
    records: [
      { expires_at: '2027-03-06T11:05:14Z', id: 'd8e0ca7c-760f-4d6d-a496-d5ccd72c7569', name: 'key "one" \u00e9', permissions: [{ access: 'write', resource: 'data_streams' }, { access: 'read', resource: 'datasets' }] },
      { expires_at: null, id: 'c1f16722', name: 'two', permissions: [{ access: 'read', resource: 'access_tokens' }], note: [1, -2.5e3, true, null] },
      { id: 'b', name: 'n', permissions: [], expires_at: '2023-10-31T11:19:13.400498Z' },
    ],
    next: null,
  });
  let body;
  const stub = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end(body);
  });
  await new Promise((r) => stub.listen(0, '127.0.0.1', r));
  const outcome = async (text) => {
    body = text;
    try {
      return { keys: await client.listKeys() };
    } catch (e) {
      assert.ok(nk.isNarrativeKeysError(e), `a NarrativeKeysError, not ${e}`);
      return { error: e.code };
    }
  };
  const client = new nk.NarrativeKeys({ apiKey: 'k', environment: `http://127.0.0.1:${stub.address().port}`, retries: 0 });
  try {
    let read = 0;
    for (let at = 0; at < listing.length; at++) {
      for (const text of [listing.slice(0, at) + listing.slice(at + 1), ...[' ', '"', '\\', '0'].map((c) => listing.slice(0, at) + c + listing.slice(at))]) {
        const direct = await outcome(text);
        const written = await outcome(text.replace('"records"', '"r\\u0065cords"'));
        assert.deepEqual(direct, written, text);
        read += direct.keys ? 1 : 0;
      }
    }
    assert.ok(read > 200, `${read} mutated listings read`);
    assert.equal((await outcome(listing)).keys.length, 3);
  } finally {
    stub.close();
  }
});

test('a secret passed in the wrong place is refused without being repeated', () => {
  const misplaced = [
    () => new nk.NarrativeKeys({ apiKey: 'k', environment: 'dev', headers: [`Authorization: Bearer ${SECRET}`] }),
    () => new nk.NarrativeKeys({ apiKey: 'k', environment: 'dev', headers: `Bearer ${SECRET}` }),
    () => new nk.NarrativeKeys({ apiKey: 12345678901234, environment: 'dev' }),
    () => nk.keyStatus(SECRET),
    () => nk.explain(SECRET),
    () => nk.audit([SECRET]),
  ];
  for (const call of misplaced) {
    assert.throws(call, (e) => {
      assert.ok(nk.isNarrativeKeysError(e, 'invalid_input'), `${e.code}: ${e.message}`);
      assert.ok(!e.message.includes(SECRET) && !e.message.includes('12345678901234'), e.message);
      return true;
    });
  }
});
