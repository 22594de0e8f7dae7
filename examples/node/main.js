// Lists keys, creates one from a preset with a 30-day expiry, prints its
// secret once, and revokes it.
//
//   NARRATIVE_API_KEY=... NARRATIVE_ENVIRONMENT=dev node main.js
//
// (NARRATIVE_ENVIRONMENT is prod, dev, or a URL such as a local emulator's.)
import { NarrativeKeys, isNarrativeKeysError, keyStatus } from 'narrative-keys';

const nk = new NarrativeKeys(); // reads NARRATIVE_API_KEY and NARRATIVE_ENVIRONMENT

try {
  const keys = await nk.listKeys();
  console.log(`${keys.length} key(s) in ${nk.environment}:`);
  for (const k of keys) console.log(`  ${k.id}  ${k.name.padEnd(24)} ${keyStatus(k).padEnd(14)} ${k.expiresAt ?? 'never'}`);

  const { key, secret } = await nk.createKey({ name: 'example: nightly ingestion', preset: 'data-ingestion', expiresAt: '30d' });
  console.log(`\ncreated ${key.id}, expires ${key.expiresAt}`);
  console.log(`secret (shown once, store it now): ${secret}`);

  await nk.revokeKey(key.id);
  console.log(`revoked ${key.id}`);
} catch (e) {
  if (!isNarrativeKeysError(e)) throw e;
  console.error(`error (${e.code}${e.status ? `, HTTP ${e.status}` : ''}): ${e.description ?? e.message}`);
  for (const p of e.problems ?? []) console.error(`  ${p.field}: ${p.message}`);
  process.exitCode = 1;
}
