// The public JavaScript API of narrative-keys, over the raw wasm-bindgen exports.
// The entry points (node.js, browser.js) initialise the module, then re-export this.
import * as raw from './narrative_keys_wasm.js';
import { defaults } from './defaults.js';

/** An error from narrative-keys: a real `Error` with a stable `code`. */
export class NarrativeKeysError extends Error {
  constructor(info) {
    super(info.message);
    Object.defineProperty(this, 'name', { value: 'NarrativeKeysError', enumerable: false, configurable: true, writable: true });
    this.code = info.code;
    for (const k of ['status', 'serverError', 'description', 'problems', 'retryAfterMs']) {
      if (info[k] !== undefined && info[k] !== null) this[k] = info[k];
    }
  }
}

/** Whether `value` is a `NarrativeKeysError` (optionally with the given code). */
export function isNarrativeKeysError(value, code) {
  return value instanceof NarrativeKeysError && (code === undefined || value.code === code);
}

// --- the executor driver ------------------------------------------------------
// Async calls run as tasks polled from here, so a trap (a Rust panic) happens
// inside our `try` and rejects the right promise. See wasm/src/runtime.rs.

const tasks = new Map();
let runtimeReady = false;
let lastPanic = '';

function onWake(id) {
  const t = tasks.get(id);
  if (t && !t.scheduled) {
    t.scheduled = true;
    queueMicrotask(() => poll(id));
  }
}

function onPanic(message) {
  lastPanic = String(message);
}

function ensureRuntime() {
  if (!runtimeReady) {
    raw.startRuntime(onWake, onPanic);
    runtimeReady = true;
  }
}

/** After a trap: reject every task of the dead instance and start a fresh one now. */
function recover(cause) {
  const err = new NarrativeKeysError({
    code: 'internal',
    message: `narrative-keys hit an internal error (a bug: please report it): ${lastPanic || String(cause)}`,
  });
  err.cause = cause;
  lastPanic = '';
  runtimeReady = false;
  const pending = [...tasks.values()];
  tasks.clear();
  for (const t of pending) t.reject(err);
  try {
    ensureRuntime(); // wasm-bindgen swaps in a fresh instance on this call
  } catch {
    runtimeReady = false; // tried again on the next call
  }
  return err;
}

// Arguments cross as JSON text. Dates become ISO-8601 strings; an invalid Date
// and a number that is not finite are refused here rather than silently read
// as "no date" or the default.
function replacer(key, value) {
  const original = this[key];
  // JSON.stringify would write NaN and Infinity as null: an option's default.
  if (typeof original === 'number' && !Number.isFinite(original)) {
    throw new NarrativeKeysError({ code: 'invalid_input', message: `${key || 'the number'} is ${original}: give a finite number` });
  }
  if (original instanceof Date) {
    if (Number.isNaN(original.getTime())) {
      throw new NarrativeKeysError({ code: 'invalid_input', message: `${key || 'the date'} is an invalid Date` });
    }
    return original.toISOString();
  }
  return value;
}

function json(value) {
  return value === undefined ? 'null' : JSON.stringify(value, replacer);
}

function unwrap(text) {
  const out = JSON.parse(text);
  if (out.ok) return out.value;
  throw new NarrativeKeysError(out.error);
}

// listKeys' answer: the keys written out (an array), or the server's own
// JSON, checked in WebAssembly and parsed once here, when it reads as the
// package writes it (wasm/src/listing.rs). Each key keeps the four fields
// the package promises, in its order and under its names.
function keys(answer) {
  if (Array.isArray(answer)) return answer;
  return answer.records.map((k) => ({
    id: k.id,
    name: k.name,
    permissions: k.permissions.map((p) => ({ access: p.access, resource: p.resource })),
    expiresAt: k.expires_at ?? null,
  }));
}

function convert(e) {
  if (e instanceof NarrativeKeysError) return e;
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return recover(e);
  if (e !== null && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
    return new NarrativeKeysError(e);
  }
  const err = new NarrativeKeysError({ code: 'internal', message: `narrative-keys: unexpected error: ${String(e)}` });
  err.cause = e;
  return err;
}

function poll(id) {
  const t = tasks.get(id);
  if (!t) return;
  t.scheduled = false;
  let out;
  try {
    out = raw.pollTask(id);
  } catch (e) {
    convert(e);
    return;
  }
  if (out === undefined) return;
  tasks.delete(id);
  try {
    t.resolve(unwrap(out));
  } catch (e) {
    t.reject(convert(e));
  }
}

function run(start) {
  return new Promise((resolve, reject) => {
    let id;
    try {
      ensureRuntime();
      id = start();
    } catch (e) {
      reject(convert(e));
      return;
    }
    tasks.set(id, { resolve, reject, scheduled: true });
    queueMicrotask(() => poll(id));
  });
}

function sync(fn) {
  try {
    ensureRuntime();
    return unwrap(fn());
  } catch (e) {
    throw convert(e);
  }
}

// --- the client ------------------------------------------------------------------


function clientOptions(options) {
  if (options === null || typeof options !== 'object') {
    throw new NarrativeKeysError({ code: 'invalid_input', message: 'new NarrativeKeys(options): options must be an object such as { apiKey, environment }' });
  }
  const merged = { ...defaults() };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) merged[k] = v;
  // Headers cross as [name, value] pairs; anything but an object is left for
  // the Rust side to refuse with a clear message.
  if (merged.headers !== null && typeof merged.headers === 'object' && !Array.isArray(merged.headers)) {
    merged.headers = Object.entries(merged.headers);
  }
  return Object.freeze(merged);
}

/** `value` with its `error`, if any, a `NarrativeKeysError`. */
function withError(value) {
  return { ...value, error: value.error ? new NarrativeKeysError(value.error) : null };
}

function withErrors(list) {
  return list.map(withError);
}

/** A client for one set of credentials. */
export class NarrativeKeys {
  #options;

  constructor(options = {}) {
    const merged = json(clientOptions(options));
    this.environment = sync(() => raw.environmentName(merged));
    this.#options = merged;
  }

  listKeys() {
    return run(() => raw.listKeys(this.#options)).then(keys);
  }

  getKey(id) {
    return run(() => raw.getKey(this.#options, String(id)));
  }

  createKey(input) {
    return run(() => raw.createKey(this.#options, json(input)));
  }

  updateKey(id, changes) {
    return run(() => raw.updateKey(this.#options, String(id), json(changes)));
  }

  async revokeKey(id) {
    await run(() => raw.revokeKey(this.#options, String(id)));
  }

  async revokeKeys(ids, options = {}) {
    const report = await run(() => raw.revokeKeys(this.#options, json(ids), json(options)));
    return { outcomes: withErrors(report.outcomes), allRevoked: report.allRevoked };
  }

  async rotateKey(id, options = {}) {
    return withError(await run(() => raw.rotateKey(this.#options, String(id), json(options))));
  }

  createSuccessor(id, options = {}) {
    return run(() => raw.createSuccessor(this.#options, String(id), json(options)));
  }

  async retireOldKey(oldId, newId, options = {}) {
    return withError(await run(() => raw.retireOldKey(this.#options, String(oldId), String(newId), json(options))));
  }

  incident(selection, options = {}) {
    return run(() => raw.incident(this.#options, json(selection), json(options)));
  }

  whoami() {
    return run(() => raw.whoami(this.#options));
  }

  toJSON() {
    return { environment: this.environment };
  }
}

// --- pure functions ------------------------------------------------------------

export function catalog() {
  return sync(() => raw.catalog());
}

export function presets() {
  return sync(() => raw.presets());
}

export function presetPermissions(name, resources) {
  return sync(() => raw.presetPermissions(json([name, resources ?? null])));
}

export function parsePermission(text) {
  return sync(() => raw.parsePermission(String(text)));
}

export function parsePermissions(text) {
  return sync(() => raw.parsePermissions(String(text)));
}

export function parseExpiration(text, options = {}) {
  return sync(() => raw.parseExpiration(json([text ?? null, options.now ?? null])));
}

export function validateNewKey(input, options = {}) {
  return sync(() => raw.validateNewKey(json([input, options.now ?? null])));
}

export function keyStatus(key, options) {
  return sync(() => raw.keyStatus(json([key, options ?? null])));
}

export function audit(keys, options) {
  return sync(() => raw.audit(json([keys, options ?? null])));
}

export function explain(permissions) {
  return sync(() => raw.explain(json(permissions)));
}

export function can(key, access, resource) {
  return sync(() => raw.can(json([key, access, resource])));
}

/** @internal For the package's own tests: a deliberate Rust panic. */
export const __testing = Object.freeze({
  panicNow() {
    sync(() => String(raw.debugPanic(undefined)));
  },
  panicInTask(afterMs = 1) {
    return run(() => raw.debugPanic(afterMs));
  },
});
