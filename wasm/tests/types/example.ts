// Type-checked (tsc --noEmit --strict) use of every export of narrative-keys.
import {
  NarrativeKeys,
  NarrativeKeysError,
  isNarrativeKeysError,
  audit,
  can,
  catalog,
  explain,
  keyStatus,
  parseExpiration,
  parsePermission,
  parsePermissions,
  presetPermissions,
  presets,
  validateNewKey,
  type ApiKey,
  type CatalogEntry,
  type CreatedKey,
  type Retired,
  type Successor,
  type ErrorCode,
  type Explanation,
  type Finding,
  type IncidentResult,
  type KeyStatus,
  type Permission,
  type PresetInfo,
  type Problem,
  type RevokeReport,
  type Rotation,
  type ValidationReport,
  type Whoami,
} from 'narrative-keys';

export async function everything(apiKey: string): Promise<void> {
  const nk = new NarrativeKeys({ apiKey, environment: 'dev', headers: { 'x-request-source': 'example' }, timeoutMs: 10_000, retries: 2 });
  const env: string = nk.environment;

  const keys: ApiKey[] = await nk.listKeys();
  const first: ApiKey | undefined = keys[0];
  const expires: string | null = first ? first.expiresAt : null;

  const created: CreatedKey = await nk.createKey({ name: 'ci', preset: 'data-ingestion', expiresAt: '30d' });
  await nk.createKey({ name: 'dated', permissions: ['read:datasets', { access: 'write', resource: 'views' }], expiresAt: new Date() });
  await nk.createKey({ name: 'forever', permissions: ['read:datasets'], expiresAt: 'never' });
  await nk.createKey({ name: 'default 90 days', permissions: ['read:uploads'], allowUnknown: true });
  // @ts-expect-error: `expires` is not an option (the package refuses it at run time too).
  await nk.createKey({ name: 'typo', permissions: ['read:datasets'], expires: '30d' });
  // @ts-expect-error: null is not an expiration; 'never' is.
  await nk.createKey({ name: 'null', permissions: ['read:datasets'], expiresAt: null });
  const secret: string = created.secret;
  const one: ApiKey = await nk.getKey(created.key.id);
  const updated: ApiKey = await nk.updateKey(one.id, { name: 'renamed', permissions: ['read:datasets'], expiresAt: new Date(Date.now() + 86_400_000), allowUnknown: false });
  const gone: void = await nk.revokeKey(updated.id);
  const report: RevokeReport = await nk.revokeKeys([one.id], { concurrency: 4 });
  for (const o of report.outcomes) {
    if (o.result === 'failed' && o.error) console.log(o.error.code, o.error.status);
  }
  const rotation: Rotation = await nk.rotateKey(one.id, { expiresAt: '90d', name: 'next', keepOld: false });
  const rolled: Rotation = await nk.rotateKey(one.id, { overlap: '24h' });
  const stops: 'now' | string | null = rolled.oldKeyStops;
  const expiring: boolean = rolled.oldKey === 'expires' || rolled.oldKey === 'expire_failed';
  const newSecret: string = rotation.new.secret;
  if (rotation.oldKey === 'revoke_failed') console.log(rotation.error?.message);
  const step: Successor = await nk.createSuccessor(one.id, { expiresAt: '30d', name: 'next' });
  const storedSecret: string = step.new.secret;
  const retired: Retired = await nk.retireOldKey(step.old.id, step.new.key.id, { overlap: '24h' });
  const retiredStops: 'now' | string | null = retired.oldKeyStops;
  if (!retired.complete) console.log(retired.oldKey, retired.error?.code, storedSecret, retiredStops);
  await nk.retireOldKey(step.old.id, step.new.key.id, { keepOld: true });
  // @ts-expect-error: the old key is named by its id.
  await nk.retireOldKey(step.old, step.new.key.id);
  const incident: IncidentResult = await nk.incident({ ids: [one.id], nameMatches: 'ci-*', holding: ['write:datasets'], statuses: ['expired', 'active'], allowUnknown: false }, { dryRun: true, replace: true, concurrency: 2, replacementExpiresAt: '14d', note: 'leak' });
  const md: string = incident.report ? incident.report.markdown : incident.plan.markdown;
  const who: Whoami = await nk.whoami();
  const company: string | null = who.currentCompanyScope?.name ?? null;

  const entries: CatalogEntry[] = catalog();
  const all: PresetInfo[] = presets();
  const perms: Permission[] = presetPermissions('sdk-development', ['apps']);
  const p: Permission = parsePermission('read:datasets');
  const ps: Permission[] = parsePermissions('read:datasets, write:views');
  const at: string | null = parseExpiration('90d', { now: new Date() });
  const v: ValidationReport = validateNewKey({ name: 'x', permissions: [p], expiresAt: '30d' }, { now: '2026-11-26T10:00:00Z' });
  const problems: Problem[] = v.problems.filter((x) => x.severity === 'error' && x.field === 'name');
  const status: KeyStatus = keyStatus(updated, { now: new Date(), soonDays: 30 });
  const findings: Finding[] = audit(keys, { now: new Date(), soonDays: 14, farFutureDays: 365, broadShare: 0.5 });
  const e: Explanation = explain(updated.permissions);
  const allowed: boolean = can(updated, 'read', 'datasets');

  try {
    await nk.getKey('nope');
  } catch (err: unknown) {
    if (isNarrativeKeysError(err)) {
      const code: ErrorCode = err.code;
      const status: number | undefined = err.status;
      const description: string | undefined = err.description;
      const list: Problem[] | undefined = err.problems;
      console.log(code, status, description, list?.length, err.retryAfterMs, err.serverError, err.name, err.message);
    }
    if (err instanceof NarrativeKeysError && err.code === 'not_found') console.log('gone');
    if (isNarrativeKeysError(err, 'rate_limited')) console.log(err.retryAfterMs);
  }
  console.log(env, expires, secret, gone, newSecret, md, company, entries, all, perms, ps, at, problems, status, findings, e.text, allowed, JSON.stringify(nk));
}

// @ts-expect-error the environment must be a string
new NarrativeKeys({ apiKey: 'k', environment: 3 });
// @ts-expect-error permissions are { access, resource } objects or "access:resource" strings
validateNewKey({ name: 'x', permissions: [{ access: 'read' }] });
// @ts-expect-error unknown preset
presetPermissions('everything');
// @ts-expect-error a status is one of four values
const bad: KeyStatus = 'revoked';
console.log(bad);
