// What every part of the panel shows the same way: statuses, names (hidden
// characters escaped), permissions, dates, and the choices of its forms.
import { html, nothing, type TemplateResult } from 'lit';
import type { ApiKey, KeyStatus, NarrativeKeysError, Permission } from 'narrative-keys';

export const STATUS: Record<KeyStatus, readonly [symbol: string, text: string]> = {
  expired: ['✕', 'expired'],
  expiring_soon: ['!', 'expiring soon'],
  no_expiration: ['∞', 'never expires'],
  active: ['✓', 'active'],
};
export const STATUS_ORDER: readonly KeyStatus[] = ['expired', 'expiring_soon', 'no_expiration', 'active'];

// The SDK's default lifetime is 90 days; '90d' is listed first as the default.
export const EXPIRY: readonly (readonly [string, string])[] = [['30d', 'In 30 days'], ['60d', 'In 60 days'], ['90d', 'In 90 days (recommended)'], ['180d', 'In 180 days'], ['365d', 'In 365 days'], ['date', 'On a date'], ['never', 'Never (not recommended)']];

/**
 * How a rotation treats the old key: revoked by default, as on every surface;
 * or kept working for an overlap, then expired (never later than its own
 * expiration); or kept. Whatever the choice, it is applied only once the new
 * secret is delivered.
 */
export type RotateMode = 'revoke' | '1h' | '24h' | '7d' | 'keep';
export const ROTATE: readonly (readonly [RotateMode, string])[] = [
  ['revoke', 'Revoke the old key now'],
  ['1h', 'Keep the old key for 1 hour, then it expires'],
  ['24h', 'Keep the old key for 24 hours, then it expires'],
  ['7d', 'Keep the old key for 7 days, then it expires'],
  ['keep', 'Keep the old key working (delete it yourself later)'],
];

// Characters that hide or reorder text: controls, bidirectional controls and
// zero-width characters. Shown escaped (as the CLI and the terminal UI show
// them), so "admin\u202Etxt.exe" or "bootstrap\u200B admin" cannot pass for
// another name.
const HIDDEN = /[\p{Cc}\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/u;
const HIDDEN_ALL = new RegExp(HIDDEN, 'gu');
const HIDDEN_SPLIT = new RegExp(`(${HIDDEN.source})`, 'u');
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escaped = (c: string): string => ESCAPES[c] ?? `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;

/** A name as plain text, hidden characters escaped: for labels, titles and messages. */
export const shown = (name: string): string => name.replace(HIDDEN_ALL, escaped);

/** A name in markup: isolated from the text around it, hidden characters escaped and marked. */
export const named = (name: string): TemplateResult => html`<bdi>${name.split(HIDDEN_SPLIT).map((part, i) => (i % 2 ? html`<span class="escaped" part="escaped">${escaped(part)}</span>` : part))}</bdi>`;

/** A warning under names that hold hidden characters. */
export const hiddenNote = (...names: string[]) => (names.some((n) => HIDDEN.test(n))
  ? html`<p class="warn" part="warning">This name holds characters that are invisible or reorder text, shown as \\u{…}: make sure it is the key you mean.</p>`
  : nothing);

/**
 * A request making a key whose answer never came back (the connection broke,
 * the server failed with 5xx, or the answer could not be read) may still have
 * made it.
 */
export const answerLost = (e: NarrativeKeysError | undefined): boolean => e?.code === 'network' || e?.code === 'decode'
  || (e?.code === 'server' && [500, 502, 503, 504].includes(e.status ?? 0));

/** A permission in its compact form, `read:datasets`. */
export type PermText = `${string}:${string}`;
export const perm = (p: Permission): PermText => `${p.access}:${p.resource}`;
export const parsePerm = (s: string): Permission => { const i = s.indexOf(':'); return { access: s.slice(0, i), resource: s.slice(i + 1) }; };
export const compact = (ps: readonly Permission[]): string => ps.map(perm).join(', ') || 'none';

const dayFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
export const day = (iso: string): string => dayFormat.format(new Date(iso));

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
export function relative(iso: string): string {
  const ms = new Date(iso).getTime() - Date.now();
  const days = ms / 864e5;
  const a = Math.abs(days);
  if (a < 1) return rtf.format(Math.round(ms / 36e5), 'hour');
  if (a < 60) return rtf.format(Math.round(days), 'day');
  if (a < 730) return rtf.format(Math.round(days / 30.4), 'month');
  return rtf.format(Math.round(days / 365), 'year');
}

/** When a key expires, for a row or a detail. */
export const expires = (key: ApiKey): string => (key.expiresAt ? `${day(key.expiresAt)} (${relative(key.expiresAt)})` : 'never');

export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
