// Types of the narrative-keys package. The data types come from the Rust
// crates through tsify (narrative_keys_wasm.d.ts), snake_case as Rust
// serialises them; the package hands every object to JavaScript with its keys
// in camelCase, and `Camelized` below says the same to TypeScript. The API is
// declared here.
import type * as raw from './narrative_keys_wasm.js';

/** `expires_at` → `expiresAt`. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** A value as the package returns it: every object key in camelCase. */
type Camelized<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends readonly (infer Item)[]
    ? Camelized<Item>[]
    : { [K in keyof T as K extends string ? CamelCase<K> : K]: Camelized<T[K]> };

// Inputs are declared camelCase in Rust already; enums are string unions.
export type {
  AccessLevel,
  AuditOptions,
  ClientOptions,
  DateInput,
  ErrorCode,
  ExpirationInput,
  Field,
  FindingKind,
  FindingSeverity,
  IncidentOptions,
  IncidentSelection,
  KeyChanges,
  KeyInput,
  KeyStatus,
  NewKeyInput,
  OldKeyOutcome,
  Permission,
  PermissionInput,
  PresetName,
  Resource,
  RevokeOptions,
  RevokeResult,
  RotateOptions,
  Severity,
  StatusOptions,
} from './narrative_keys_wasm.js';


/** A key as the API lists it: everything but its secret. `expiresAt` is ISO-8601, or `null` for never. */
export type ApiKey = Camelized<raw.ApiKey>;
/** A key just created, with its secret: shown now and never again. */
// The SDK's `ShownKey`: a created key and its secret.
export type CreatedKey = Camelized<raw.ShownKey>;
export type Problem = Camelized<raw.Problem>;
/** Everything a new key has wrong, errors and warnings together. */
export type ValidationReport = Camelized<raw.ValidationReport>;
/** One resource of the permission catalog. */
export type CatalogEntry = Camelized<raw.CatalogEntry>;
export type GroupId = CatalogEntry['group'];
export type PresetInfo = Camelized<raw.PresetInfo>;
/** One thing a careful administrator would point out about a key. */
export type Finding = Camelized<raw.Finding>;
/** What a set of permissions allows, in plain words. */
export type Explanation = Camelized<raw.Explanation>;
export type ExplanationSection = Camelized<raw.Section>;
/** Who the credentials belong to. Every field may be `null`. */
export type Whoami = Camelized<Required<raw.Whoami>>;
export type Company = Camelized<raw.Company>;
export type ResourceAccess = Camelized<raw.ResourcePermissions>;
export type PlannedKey = Camelized<raw.PlannedKey>;
export type IncidentPlan = Camelized<raw.IncidentPlan>;
/** The report for Narrative security, with a Markdown rendering. Holds no secret. */
export type IncidentReport = Camelized<raw.IncidentReport> & { markdown: string };
export type Replacement = Camelized<raw.Replacement>;
export type IncidentFailure = Camelized<raw.Failure>;
export type ReplacementSecret = Camelized<raw.ReplacementSecret>;
export type IncidentResult = Camelized<raw.IncidentResult>;

/**
 * Every failure of narrative-keys: a real `Error` with a stable `code`.
 * Async methods reject with it; pure functions throw it.
 */
export declare class NarrativeKeysError extends Error {
  readonly name: 'NarrativeKeysError';
  /** What went wrong, for programs: `invalid_input`, `unauthorized`, `forbidden`, `not_found`, `rate_limited`, `server`, `network`, `decode`, or `internal` (a bug). */
  readonly code: raw.ErrorCode;
  /** The HTTP status, when there was a response. */
  readonly status?: number;
  /** The server's `error` field, e.g. `Forbidden`. */
  readonly serverError?: string;
  /** The server's `error_description`: a sentence meant for the user. */
  readonly description?: string;
  /** For `invalid_input` found before sending: every problem, errors and warnings. */
  readonly problems?: Problem[];
  /** For `rate_limited`: how long the server asked to wait, in milliseconds. */
  readonly retryAfterMs?: number;
  private constructor();
}

/** Whether `value` is a `NarrativeKeysError`, optionally with the given `code`. */
export declare function isNarrativeKeysError(value: unknown, code?: raw.ErrorCode): value is NarrativeKeysError;

/** How one revocation of `revokeKeys` ended. */
export interface RevokeOutcome {
  id: string;
  result: raw.RevokeResult;
  /** Set when `result` is `failed`. */
  error: NarrativeKeysError | null;
}

export interface RevokeReport {
  /** In the order the ids were given, duplicates removed. */
  outcomes: RevokeOutcome[];
  /** `true` when every key is gone (revoked now, or already). */
  allRevoked: boolean;
}

/** The outcome of a rotation: the successor always exists, with its secret. */
export interface Rotation {
  old: ApiKey;
  /** The successor and its secret, shown only now. */
  new: CreatedKey;
  /** What became of the old key. */
  oldKey: raw.OldKeyOutcome;
  /**
   * When the old key stops working: `'now'` (revoked), an ISO-8601 instant
   * (`oldKey === 'expires'`, with `overlap`), or `null` when the rotation set
   * no end (kept, or a failure): it works until its own `expiresAt`.
   */
  oldKeyStops: 'now' | string | null;
  /**
   * Why the old key could not be revoked (`'revoke_failed'`) or given its
   * expiration (`'expire_failed'`, the message saying how to set it again):
   * it still works.
   */
  error: NarrativeKeysError | null;
  /** `true` when the old key no longer works, expires as asked, or was kept on purpose. */
  complete: boolean;
}

/**
 * A rotation's first step (`createSuccessor`): the successor exists, its
 * secret is in your hands, and the old key is untouched: it still works.
 */
export type Successor = Camelized<raw.Successor>;

/** What became of a rotation's old key (`retireOldKey`): `rotateKey`'s result without the keys. */
export type Retired = Omit<Rotation, 'old' | 'new'>;

/**
 * A client for one set of credentials, like Narrative's `new NarrativeApi({ apiKey, environment })`.
 *
 * ```ts
 * const nk = new NarrativeKeys({ apiKey: process.env.NARRATIVE_API_KEY, environment: 'dev' });
 * const keys = await nk.listKeys();
 * ```
 */
export declare class NarrativeKeys {
  /** Throws `NarrativeKeysError` (`invalid_input`) for a missing key, unknown environment or bad header. */
  constructor(options?: raw.ClientOptions);
  /** The environment: `prod`, `dev`, or the base URL. */
  readonly environment: string;
  /** Every key these credentials can see. */
  listKeys(): Promise<ApiKey[]>;
  getKey(id: string): Promise<ApiKey>;
  /**
   * Validates, then creates a key. The secret is returned now and never again. Retried only on 429 (the server did nothing).
   * Without `expiresAt` the key expires in 90 days; `expiresAt: 'never'` makes one that does not.
   * A permission the catalog does not know is refused as a typo, with a suggestion
   * (`read:dataset` → `read:datasets`), unless `allowUnknown: true`. An option the
   * call does not have (`expires`) is refused by name. Nothing is sent when either happens.
   */
  createKey(input: raw.NewKeyInput): Promise<CreatedKey>;
  /**
   * Changes the name, the permissions (replaced whole) or the expiration. Permissions the
   * key already holds are kept as they are, known to the catalog or not; an added one the
   * catalog does not know needs `allowUnknown: true`.
   */
  updateKey(id: string, changes: raw.KeyChanges): Promise<ApiKey>;
  /** Revokes a key: it stops working at once. */
  revokeKey(id: string): Promise<void>;
  /**
   * Revokes many keys, `concurrency` at a time; one failure does not stop the
   * others. Keys that failed with a temporary error (429, 5xx, a dropped
   * connection) get further passes until `deadlineMs` (default 60000).
   */
  revokeKeys(ids: string[], options?: raw.RevokeOptions): Promise<RevokeReport>;
  /**
   * Creates a successor with the same permissions, then revokes the old key
   * (the default), keeps it (`keepOld: true`), or lets it expire after an
   * overlap (`overlap: '24h'`: zero-downtime, never later than its own expiration).
   */
  rotateKey(id: string, options?: raw.RotateOptions): Promise<Rotation>;
  /**
   * A rotation in two steps, for a caller that stores the secret itself and
   * retires the old key only then (as the panel does once "I have stored it"
   * is pressed): `createSuccessor(id, options)`, then, once the secret is
   * stored, `retireOldKey(old.id, new.key.id, options)` with the same
   * options, do what `rotateKey(id, options)` does in one call.
   * This first step creates the successor with the old key's permissions and
   * hands back its secret; the old key is untouched. `keepOld` and `overlap`
   * are checked now, before anything is sent. It rejects as `rotateKey`
   * does: nothing has changed that you cannot see.
   */
  createSuccessor(id: string, options?: raw.RotateOptions): Promise<Successor>;
  /**
   * The second step, once the successor's secret is stored: reads both keys
   * (a successor that cannot be read rejects, the old key left as it was),
   * then revokes the old key (the default), keeps it (`keepOld: true`), or
   * lets it expire after an overlap counted from now (`overlap: '24h'`:
   * never later than its expiration as read now, and renamed
   * `NAME (retiring 2026-12-08 10:00 UTC)` in the same update), exactly as
   * `rotateKey` does. `expiresAt` and `name` (the successor's) are not used
   * here. A failure to revoke or update is the result's `error`, the old key
   * still working; a bad option rejects with `invalid_input` before anything
   * is sent. An old key already gone counts as revoked.
   */
  retireOldKey(oldId: string, newId: string, options?: raw.RotateOptions): Promise<Retired>;
  /**
   * Incident response: revokes every selected key at once, optionally creates
   * replacements, and returns the report for Narrative security. With
   * `{ dryRun: true }` it only plans.
   */
  incident(selection: raw.IncidentSelection, options?: raw.IncidentOptions): Promise<IncidentResult>;
  /** The user and company the credentials belong to. */
  whoami(): Promise<Whoami>;
  /** Never includes the API key. */
  toJSON(): { environment: string };
}

/** The 27 resources of the permission catalog, in documentation order. */
export declare function catalog(): CatalogEntry[];
/** The use-case presets of Narrative's documentation. */
export declare function presets(): PresetInfo[];
/** A preset's permissions; `resources` is used by `sdk-development` only. */
export declare function presetPermissions(name: raw.PresetName, resources?: string[]): raw.Permission[];
/** Reads `access:resource`, e.g. `read:datasets`. Throws `invalid_input` on malformed text. */
export declare function parsePermission(text: string): raw.Permission;
/** Reads a list separated by commas or spaces: `read:datasets, write:data_streams` (sorted, deduplicated). */
export declare function parsePermissions(text: string): raw.Permission[];
/** The `expires_at` an expiration input means: an ISO-8601 string, a bare date, or `null` for `'never'` (or `null`). */
export declare function parseExpiration(input: raw.ExpirationInput | null, options?: { now?: raw.DateInput }): string | null;
/** Every problem of a new key at once (errors and warnings); never throws for a bad field value (it does for an option of the wrong type or name). */
export declare function validateNewKey(input: raw.NewKeyInput, options?: { now?: raw.DateInput }): ValidationReport;
/** Where a key stands against a clock. */
export declare function keyStatus(key: raw.KeyInput, options?: raw.StatusOptions): raw.KeyStatus;
/** What a careful administrator would point out, most severe first. */
export declare function audit(keys: raw.KeyInput[], options?: raw.AuditOptions): Finding[];
/** What a set of permissions allows, in plain words. */
export declare function explain(permissions: raw.PermissionInput[]): Explanation;
/** Whether `key` may do `access` on `resource`. Exact: write does not include read. */
export declare function can(key: raw.KeyInput, access: raw.AccessLevel, resource: string): boolean;

/** @internal For the package's own tests only: deliberate Rust panics. */
export declare const __testing: {
  readonly panicNow: () => void;
  readonly panicInTask: (afterMs?: number) => Promise<never>;
};
