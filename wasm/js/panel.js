// <narrative-keys-panel>: the Settings > API Keys page as one custom element.
// Built on the package's own client and pure functions (imported from the
// browser entry, shared with the app: one copy of the WebAssembly), so every
// rule of the SDK holds here too. build.sh bundles Lit into panel.js.
import { LitElement, html, nothing } from 'lit';
import {
  NarrativeKeys, audit, catalog, explain, keyStatus, parseExpiration, presets, validateNewKey,
} from './browser.js';
import { styles } from './panel-styles.js';

const STATUS = {
  expired: ['✕', 'expired'],
  expiring_soon: ['!', 'expiring soon'],
  no_expiration: ['∞', 'never expires'],
  active: ['✓', 'active'],
};
const STATUS_ORDER = ['expired', 'expiring_soon', 'no_expiration', 'active'];
// The SDK's default lifetime is 90 days; '90d' is listed first as the default.
const EXPIRY = [['30d', 'In 30 days'], ['60d', 'In 60 days'], ['90d', 'In 90 days (recommended)'], ['180d', 'In 180 days'], ['365d', 'In 365 days'], ['date', 'On a date'], ['never', 'Never (not recommended)']];
// How a rotation treats the old key: revoked by default, as on every
// surface; or kept working for an overlap, then expired (never later than its
// own expiration); or kept. The value is the overlap, or 'revoke' or 'keep'.
// Whatever the choice, it is applied only once the new secret is delivered.
const ROTATE = [
  ['revoke', 'Revoke the old key now'],
  ['1h', 'Keep the old key for 1 hour, then it expires'],
  ['24h', 'Keep the old key for 24 hours, then it expires'],
  ['7d', 'Keep the old key for 7 days, then it expires'],
  ['keep', 'Keep the old key working (delete it yourself later)'],
];
const EVENT = 'narrative-keys:';

// Characters that hide or reorder text: controls, bidirectional controls and
// zero-width characters. Shown escaped (as the CLI and the terminal UI show
// them), so "admin\u202Etxt.exe" or "bootstrap\u200B admin" cannot pass for
// another name.
const HIDDEN = /[\p{Cc}\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/u;
const escaped = (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\u{${c.codePointAt(0).toString(16)}}`;
/** A name as plain text, hidden characters escaped: for labels and messages. */
const shown = (name) => name.replace(new RegExp(HIDDEN, 'gu'), escaped);
/** A name in markup: isolated from the text around it, hidden characters escaped and marked. */
const named = (name) => html`<bdi>${name.split(new RegExp(`(${HIDDEN.source})`, 'u')).map((part, i) => (i % 2 ? html`<span class="escaped" part="escaped">${escaped(part)}</span>` : part))}</bdi>`;
const hiddenNote = (...names) => (names.some((n) => HIDDEN.test(n))
  ? html`<p class="warn" part="warning">This name holds characters that are invisible or reorder text, shown as \\u{…}: make sure it is the key you mean.</p>`
  : nothing);

// A request making a key whose answer never came back (the connection broke,
// the server failed with 5xx, or the answer could not be read) may still have
// made it.
const answerLost = (e) => e?.code === 'network' || e?.code === 'decode' || (e?.code === 'server' && [500, 502, 503, 504].includes(e.status));

const perm = (p) => `${p.access}:${p.resource}`;
const parsePerm = (s) => { const i = s.indexOf(':'); return { access: s.slice(0, i), resource: s.slice(i + 1) }; };
const compact = (ps) => ps.map(perm).join(', ') || 'none';
const day = (iso) => new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

function relative(iso) {
  const ms = new Date(iso).getTime() - Date.now();
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const days = ms / 864e5;
  const a = Math.abs(days);
  if (a < 1) return rtf.format(Math.round(ms / 36e5), 'hour');
  if (a < 60) return rtf.format(Math.round(days), 'day');
  if (a < 730) return rtf.format(Math.round(days / 30.4), 'month');
  return rtf.format(Math.round(days / 365), 'year');
}

function expiryInput(f) {
  return f.expiry === 'date' ? f.date : f.expiry;
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export class NarrativeKeysPanel extends LitElement {
  static properties = {
    environment: { type: String, reflect: true },
    readonly: { type: Boolean, reflect: true },
    _keys: { state: true },
    _filter: { state: true },
    _sort: { state: true },
    _selected: { state: true },
    _menu: { state: true },
    _dialog: { state: true },
    _busy: { state: true },
    _note: { state: true },
    _error: { state: true },
  };

  static styles = styles;

  #client = null;
  #returnFocus = null;

  connectedCallback() {
    super.connectedCallback();
    addEventListener('beforeunload', this.#beforeUnload);
    addEventListener('pagehide', this.#pageHide);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('beforeunload', this.#beforeUnload);
    removeEventListener('pagehide', this.#pageHide);
  }

  // While a secret is shown, leaving the page (reload, a link, closing the
  // tab) asks first.
  #beforeUnload = (event) => {
    if (this._dialog?.secrets?.length) {
      event.preventDefault();
      event.returnValue = '';
    }
  };

  // The page is going anyway: a new key whose secret was neither copied nor
  // stored is revoked, in a request that outlives the page (the SDK sends
  // DELETE with keepalive); a rotation's old key, not retired yet, keeps
  // working. Where the browser drops that request, the key lives until it expires.
  #pageHide = () => {
    const d = this._dialog;
    const lost = d?.secrets?.filter((x) => !x.delivered && !x.revoked) ?? [];
    if (!lost.length || !this.#client) return;
    for (const x of lost) this.#client.revokeKey(x.id).catch(() => {});
    this._dialog = { ...d, retire: null, secrets: d.secrets.map((x) => (lost.includes(x) ? { ...x, revoked: true } : x)) };
  };

  constructor() {
    super();
    this.readonly = false;
    this._keys = null;
    this._filter = '';
    this._sort = 'name';
    this._selected = new Set();
    this._menu = null;
    this._dialog = null;
    this._busy = '';
    this._note = '';
    this._error = null;
  }

  /** A client the app already built. The credentials stay inside it. */
  set client(value) {
    this.#client = value ?? null;
    this._keys = null;
    this._selected = new Set();
    if (this.#client) this.refresh();
    else this.requestUpdate();
  }

  get client() {
    return this.#client;
  }

  /** Builds a client from credentials held in memory only; resolves once the list is loaded. */
  async connect({ apiKey, environment } = {}) {
    // The client replaces the current one only once its list has loaded:
    // until then the paste form stays as typed (the environment never
    // changes by itself), and credentials that do not work are dropped.
    const client = await this.#work('Connecting…', async () => {
      const candidate = new NarrativeKeys({ apiKey, environment: environment || this.environment || 'prod' });
      this._keys = await candidate.listKeys();
      return candidate;
    });
    if (!client) return false;
    this.#client = client;
    this._selected = new Set();
    this._note = '';
    return true;
  }

  disconnect() {
    this.client = null;
    this._note = 'Disconnected: the key is forgotten.';
  }

  async refresh() {
    if (!this.#client) return false;
    this._busy = 'Loading keys…';
    try {
      this._keys = await this.#client.listKeys();
      const ids = new Set(this._keys.map((k) => k.id));
      this._selected = new Set([...this._selected].filter((id) => ids.has(id)));
      this._error = null;
      return true;
    } catch (e) {
      this.#fail(e);
      return false;
    } finally {
      this._busy = '';
    }
  }

  // --- events and errors ------------------------------------------------------

  #emit(name, detail) {
    this.dispatchEvent(new CustomEvent(EVENT + name, { detail, bubbles: true, composed: true }));
  }

  #fail(e, message = e?.description ?? e?.message ?? String(e)) {
    // The server's error_description first; SDK messages never hold a secret.
    this._error = { message, problems: (e?.problems ?? []).filter((p) => p.severity === 'error').map((p) => p.message) };
    this.#emit('error', { code: e?.code ?? 'internal', message });
  }

  // --- dialogs ------------------------------------------------------------------

  #open(dialog) {
    if (!this._dialog) {
      // A menu item disappears with its menu: focus goes back to the menu's button.
      const active = this.shadowRoot.activeElement;
      this.#returnFocus = active?.closest('.menu')?.querySelector('[aria-controls]') ?? active;
    }
    this._menu = null;
    this._error = null;
    this._dialog = dialog;
    this.#focusDialog = true;
  }

  #focusDialog = false;

  #close() {
    this._dialog = null;
    this._error = null;
  }

  // A modal <dialog> makes the page inert, but Tab from its last control
  // would go on to the browser's own controls: it wraps round instead.
  #onDialogKey(event) {
    // Escape on a secret is not even a close request to the browser.
    if (event.key === 'Escape' && this._dialog?.kind === 'secret') event.preventDefault();
    if (event.key !== 'Tab') return;
    const dlg = event.currentTarget;
    const all = [...dlg.querySelectorAll('button, input, select, textarea, summary, a[href]')]
      .filter((el) => !el.disabled && el.getClientRects().length);
    const edge = event.shiftKey ? all[0] : all.at(-1);
    const active = this.shadowRoot.activeElement;
    if (all.length && (active === edge || !dlg.contains(active))) {
      event.preventDefault();
      (event.shiftKey ? all.at(-1) : all[0]).focus();
    }
  }

  #onCancel(event) {
    // Escape closes a dialog, except one showing a secret: it needs "I have stored it".
    event.preventDefault();
    if (!this._busy && this._dialog?.kind !== 'secret') this.#close();
  }

  // Whatever closed it (the browser closes a dialog on a repeated Escape,
  // whatever the cancel handler says), a dialog the panel still shows opens again.
  #onClose(event) {
    if (this._dialog && !event.currentTarget.open) event.currentTarget.showModal();
  }

  updated() {
    const dlg = this.shadowRoot.querySelector('dialog');
    if (!dlg) return;
    if (this._dialog && !dlg.open) dlg.showModal();
    if (!this._dialog && dlg.open) {
      dlg.close();
      const back = this.#returnFocus?.isConnected ? this.#returnFocus : this.shadowRoot.querySelector('[data-home]');
      back?.focus();
      this.#returnFocus = null;
    }
    if (this.#focusDialog && this._dialog) {
      this.#focusDialog = false;
      (dlg.querySelector('[data-autofocus]') ?? dlg.querySelector('h2'))?.focus();
    }
  }

  #step(changes) {
    this._dialog = { ...this._dialog, ...changes };
    this.#focusDialog = true;
  }

  // `handled(error)` is true for an error the caller reports itself.
  async #work(label, fn, handled = () => false) {
    this._busy = label;
    this._error = null;
    try {
      return await fn();
    } catch (e) {
      if (!handled(e)) this.#fail(e);
      return undefined;
    } finally {
      this._busy = '';
    }
  }

  // --- actions --------------------------------------------------------------------

  #newKey() {
    this.#open({ kind: 'create', step: 'form', name: '', preset: '', perms: new Set(), expiry: '90d', date: '', problems: [] });
  }

  #review() {
    const d = this._dialog;
    const input = { name: d.name, permissions: [...d.perms], expiresAt: expiryInput(d) };
    const report = validateNewKey(input);
    if (!report.valid) {
      this.#step({ problems: report.problems });
      return;
    }
    this.#step({ step: 'review', problems: report.problems, input });
  }

  async #create() {
    const input = this._dialog.input;
    let lost;
    const created = await this.#work('Creating the key…', () => this.#client.createKey(input), (e) => (lost = answerLost(e) && e));
    if (lost) return this.#lost(lost, input.name);
    if (!created) return;
    this.#emit('created', { key: created.key });
    this.#step({ kind: 'secret', title: 'Your new API key', secrets: [{ name: created.key.name, id: created.key.id, secret: created.secret }], lines: [] });
    await this.refresh();
  }

  // A request that makes a key went out but its answer was lost: the key may
  // exist, with a secret nobody holds. The list is refreshed before the
  // dialog closes, so the next try starts from what the server has; nothing
  // offers to send the same request again.
  async #lost(e, name) {
    await this.refresh();
    this.#close();
    const same = (this._keys ?? []).filter((k) => k.name === name).length;
    const why = e.code === 'server' ? `the server failed: ${e.description ?? e.message}` : e.code === 'decode' ? 'its answer could not be read' : 'the connection failed after the request was sent';
    this.#fail(e, `The key “${shown(name)}” may have been created even though its answer was lost (${why}). `
      + `The list, loaded again just now, holds ${same} key(s) of that name. A key made this way has a secret nobody holds: delete it, or rotate it to get a secret, rather than creating it again.`);
  }

  #edit(key) {
    this.#open({ kind: 'edit', step: 'form', key, name: key.name, perms: new Set(key.permissions.map(perm)), expiry: 'keep', date: '' });
  }

  #diff() {
    const d = this._dialog;
    const before = new Set(d.key.permissions.map(perm));
    const added = [...d.perms].filter((p) => !before.has(p));
    const removed = [...before].filter((p) => !d.perms.has(p));
    const changes = {};
    if (d.name !== d.key.name) changes.name = d.name;
    if (added.length || removed.length) {
      // What the server sent goes back as it came; only added permissions are typed.
      const kept = d.key.permissions.filter((p) => d.perms.has(perm(p)));
      changes.permissions = [...kept, ...added];
    }
    if (d.expiry !== 'keep') changes.expiresAt = expiryInput(d);
    let newExpiry = null;
    if (changes.expiresAt !== undefined) {
      try {
        newExpiry = parseExpiration(changes.expiresAt);
      } catch (e) {
        this._error = { message: e.message, problems: [] };
        return;
      }
    }
    this.#step({ step: 'diff', changes, added, removed, newExpiry });
  }

  async #save() {
    const d = this._dialog;
    const key = await this.#work('Saving…', () => this.#client.updateKey(d.key.id, d.changes));
    if (!key) return;
    this.#emit('updated', { key });
    this._note = `Saved “${shown(key.name)}”.`;
    this.#close();
    await this.refresh();
  }

  #rotate(key) {
    this.#open({ kind: 'rotate', key, mode: ROTATE[0][0], expiry: '90d', date: '' });
  }

  // Deliver before revoke: the rotation's first step makes the successor,
  // the old key untouched, and its second step retires the old key as chosen
  // only once the new secret is copied or stored (#deliver). If the page goes
  // first, the new key is revoked instead.
  async #doRotate() {
    const d = this._dialog;
    let lost;
    const options = { expiresAt: expiryInput(d) };
    const r = await this.#work('Rotating…', () => this.#client.createSuccessor(d.key.id, options), (e) => (lost = answerLost(e) && e));
    if (lost) return this.#lost(lost, d.key.name);
    if (!r) return;
    const line = d.mode === 'keep' ? 'The old key still works: delete it once nothing uses it.'
      : `The old key still works until you copy the new secret or press “I have stored it”; then ${d.mode === 'revoke' ? 'it is revoked' : `it expires ${d.mode} later`}.`;
    this.#step({
      kind: 'secret', title: html`“${named(r.old.name)}” rotated`, lines: [line], retire: { old: r.old, key: r.new.key, mode: d.mode },
      secrets: [{ name: r.new.key.name, id: r.new.key.id, secret: r.new.secret }],
    });
    await this.refresh();
  }

  // A rotation's old key, once the new secret is delivered: the package's
  // second step (revoked; or expiring after the overlap, never later than its
  // own expiration, and renamed as retiring; or kept). Resolves to the
  // sentence saying which, or to '' when that failed and the error says so.
  async #retire({ old, key, mode }) {
    const options = mode === 'keep' ? { keepOld: true } : mode === 'revoke' ? {} : { overlap: mode };
    let r;
    try {
      r = await this.#client.retireOldKey(old.id, key.id, options);
    } catch (e) {
      // Nothing was changed (a successor that could not be read, a bug): kept
      // is kept all the same; otherwise the old key still works, and says why.
      r = mode === 'keep' ? { oldKey: 'kept' } : { oldKey: `${mode === 'revoke' ? 'revoke' : 'expire'}_failed`, error: e };
    }
    this.#emit('rotated', { old, new: key, oldKey: r.oldKey });
    await this.refresh();
    const failed = r.error;
    if (failed) {
      this.#fail(failed, r.oldKey === 'revoke_failed' ? `The old key could not be revoked and still works: ${failed.description ?? failed.message}. Delete it from the list.`
        : `The old key's expiration and name could not be set, so it still works: ${failed.description ?? failed.message}. Edit its expiration or delete it from the list.`);
      return '';
    }
    if (r.oldKey === 'revoked') return 'The old key is revoked.';
    if (r.oldKey === 'expires') return `The old key works until ${new Date(r.oldKeyStops).toLocaleString()}, then expires: move its users to the new key before then.`;
    return 'The old key still works: delete it once nothing uses it.';
  }

  #delete(key) {
    this.#open({ kind: 'delete', key });
  }

  async #doDelete() {
    const { key } = this._dialog;
    const ok = await this.#work('Deleting…', async () => { await this.#client.revokeKey(key.id); return true; });
    if (!ok) return;
    this.#emit('revoked', { key });
    this._note = `Deleted “${shown(key.name)}”: it no longer works.`;
    this.#close();
    await this.refresh();
  }

  async #incident() {
    const ids = [...this._selected];
    const result = await this.#work('Planning…', () => this.#client.incident({ ids }, { dryRun: true }));
    if (!result) return;
    this.#open({ kind: 'incident', step: 'plan', ids, plan: result.plan, replace: false, note: '' });
  }

  async #runIncident() {
    const d = this._dialog;
    const options = { replace: d.replace, ...(d.note.trim() ? { note: d.note.trim() } : {}) };
    const result = await this.#work('Revoking…', () => this.#client.incident({ ids: d.ids }, options));
    if (!result) return;
    const { markdown, ...report } = result.report;
    this.#emit('incident', { report });
    const names = new Map(result.report.revoked.map((k) => [k.id, k.name]));
    this._selected = new Set();
    this.#step({
      kind: 'secret',
      title: 'Incident response',
      report: { markdown, json: JSON.stringify(report, null, 2), contact: markdown.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/)?.[0] },
      lines: [
        `${result.report.revoked.length} key(s) revoked.`,
        ...result.report.failures.map((f) => `Not done (${f.step}) for “${shown(f.name)}”: ${f.error}`),
      ],
      secrets: result.replacements.map((r) => ({ name: `${r.created.key.name} (replaces ${names.get(r.replaces) ?? r.replaces})`, id: r.created.key.id, secret: r.created.secret })),
    });
    await this.refresh();
  }

  async #copy(i) {
    const s = this._dialog.secrets[i];
    try {
      await navigator.clipboard.writeText(s.secret);
    } catch {
      this._error = { message: 'Copying failed: select the secret and copy it by hand.', problems: [] };
      return;
    }
    this._dialog = { ...this._dialog, copied: i };
    await this.#deliver((j) => j === i);
  }

  // The secret dialog's own button: it closes the dialog once every secret
  // was copied, or after a confirmation that what was not copied will be gone.
  #stored() {
    if (!this._dialog.confirming && this._dialog.secrets.some((x) => !x.delivered && !x.revoked)) {
      this.#step({ confirming: true });
      return;
    }
    this.#deliver(() => true);
    this.#close();
  }

  /** Marks secrets delivered; once all are, a rotation's old key is retired as chosen. */
  async #deliver(which) {
    const d = this._dialog;
    const secrets = d.secrets.map((x, i) => (which(i) ? { ...x, delivered: true } : x));
    const retire = secrets.every((x) => x.delivered) && d.retire;
    this._dialog = { ...d, secrets, retire: retire ? null : d.retire };
    if (!retire) return;
    const line = await this.#retire(retire);
    if (this._dialog?.kind === 'secret') this._dialog = { ...this._dialog, lines: line ? [line] : [] };
    else this._note = line;
  }

  // --- rendering ------------------------------------------------------------------

  render() {
    return html`
      <section part="panel" aria-labelledby="nk-title">
        <header part="header">
          <h2 id="nk-title">API Keys</h2>
          ${this.#client ? this.#toolbar() : nothing}
        </header>
        <p role="status" class="note" part="status">${this._busy || this._note}</p>
        ${this._error && !this._dialog ? this.#errorBox() : nothing}
        ${this.#client ? this.#list() : this.#connectForm()}
        <dialog part="dialog" aria-labelledby="nk-dialog-title" closedby=${this._dialog?.kind === 'secret' ? 'none' : 'closerequest'}
          @cancel=${this.#onCancel} @close=${this.#onClose} @keydown=${this.#onDialogKey}>${this._dialog ? this.#dialogBody() : nothing}</dialog>
      </section>`;
  }

  #errorBox() {
    return html`<div role="alert" class="error" part="error"><p>${this._error.message}</p>
      ${this._error.problems.length ? html`<ul>${this._error.problems.map((p) => html`<li>${p}</li>`)}</ul>` : nothing}</div>`;
  }

  #connectForm() {
    const submit = (e) => {
      e.preventDefault();
      const f = e.target;
      const apiKey = f.apiKey.value.trim();
      f.apiKey.value = '';
      this.connect({ apiKey, environment: f.environment.value.trim() });
    };
    return html`<form part="connect-form" class="connect" autocomplete="off" @submit=${submit}>
      <label>Your API key <input name="apiKey" type="password" required spellcheck="false"></label>
      <label>Environment <input name="environment" .value=${this.environment || 'prod'} required spellcheck="false"></label>
      <button part="button primary" type="submit">Connect</button>
      <p class="hint">The key stays in this tab's memory only: it is never stored and is sent only to the environment above.</p>
    </form>`;
  }

  #toolbar() {
    const n = this._selected.size;
    return html`<div class="toolbar" part="toolbar">
      ${this.readonly ? nothing : html`<button part="button primary" data-home @click=${this.#newKey}>New API Key</button>`}
      ${this.readonly || !n ? nothing : html`<button part="button danger" @click=${this.#incident}>Respond to a leak (${n} selected)</button>`}
      <button part="button" @click=${() => this.refresh()}>Refresh</button>
      <button part="button" @click=${this.disconnect}>Disconnect</button>
    </div>`;
  }

  #visible() {
    const q = this._filter.trim().toLowerCase();
    const rows = (this._keys ?? []).map((k) => ({ k, status: keyStatus(k), perms: compact(k.permissions) }))
      .filter((r) => !q || r.k.name.toLowerCase().includes(q) || r.perms.includes(q) || STATUS[r.status][1].includes(q));
    const by = {
      name: (a, b) => a.k.name.localeCompare(b.k.name),
      expiry: (a, b) => (a.k.expiresAt ?? '9999').localeCompare(b.k.expiresAt ?? '9999'),
      status: (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || a.k.name.localeCompare(b.k.name),
    }[this._sort];
    return rows.sort(by);
  }

  #list() {
    if (!this._keys) return nothing;
    const rows = this.#visible();
    const select = !this.readonly;
    const toggle = (id) => {
      const s = new Set(this._selected);
      if (!s.delete(id)) s.add(id);
      this._selected = s;
    };
    return html`
      <div class="controls">
        <label>Filter <input type="search" part="filter" .value=${this._filter} @input=${(e) => { this._filter = e.target.value; }}></label>
        <label>Sort by <select part="sort" @change=${(e) => { this._sort = e.target.value; }}>
          ${[['name', 'Name'], ['expiry', 'Expiration'], ['status', 'Status']].map(([v, t]) => html`<option value=${v} ?selected=${this._sort === v}>${t}</option>`)}
        </select></label>
      </div>
      <div class="scroll" part="table-wrap" role="region" aria-label="Key list" tabindex="0">
      <table part="table">
        <caption class="sr">${rows.length} of ${this._keys.length} API keys</caption>
        <thead><tr>
          ${select ? html`<th scope="col"><span class="sr">Select</span></th>` : nothing}
          <th scope="col">Name</th><th scope="col">Status</th><th scope="col">Permissions</th><th scope="col">Expires</th>
          ${this.readonly ? nothing : html`<th scope="col"><span class="sr">Actions</span></th>`}
        </tr></thead>
        <tbody>${rows.map(({ k, status, perms }) => html`<tr part="row">
          ${select ? html`<td><input type="checkbox" aria-label=${`Select ${shown(k.name)}`} .checked=${this._selected.has(k.id)} @change=${() => toggle(k.id)}></td>` : nothing}
          <th scope="row"><button class="link" aria-haspopup="dialog" @click=${() => this.#open({ kind: 'detail', key: k })}>${named(k.name)}</button></th>
          <td><span class="status ${status}" part="status-${status}"><span aria-hidden="true">${STATUS[status][0]}</span> ${STATUS[status][1]}</span></td>
          <td class="perms">${perms}</td>
          <td>${k.expiresAt ? html`${day(k.expiresAt)} <span class="muted">(${relative(k.expiresAt)})</span>` : 'never'}</td>
          ${this.readonly ? nothing : html`<td class="actions">${this.#menu(k)}</td>`}
        </tr>`)}</tbody>
      </table></div>
      ${rows.length ? nothing : html`<p class="muted">${this._keys.length ? 'No key matches the filter.' : 'No API keys yet.'}</p>`}`;
  }

  #menu(k) {
    const open = this._menu === k.id;
    const id = `nk-menu-${k.id}`;
    const close = (focus) => {
      this._menu = null;
      if (focus) this.updateComplete.then(() => this.shadowRoot.querySelector(`[aria-controls="${id}"]`)?.focus());
    };
    const keys = (e) => {
      if (e.key === 'Escape') { e.stopPropagation(); close(true); }
    };
    const out = (e) => { if (!e.currentTarget.contains(e.relatedTarget)) close(false); };
    const item = (label, fn) => html`<li><button part="menu-item" @click=${() => fn.call(this, k)}>${label}</button></li>`;
    return html`<div class="menu" @keydown=${keys} @focusout=${out}>
      <button part="button menu-button" aria-label=${`Actions for ${shown(k.name)}`} aria-expanded=${open ? 'true' : 'false'} aria-controls=${id}
        @click=${() => { this._menu = open ? null : k.id; }}>⋯</button>
      <ul id=${id} part="menu" ?hidden=${!open}>
        ${item('Rotate', this.#rotate)}${item('Edit', this.#edit)}${item('Delete', this.#delete)}
      </ul></div>`;
  }

  #dialogBody() {
    const d = this._dialog;
    const body = {
      detail: () => this.#detail(d),
      create: () => this.#createBody(d),
      edit: () => this.#editBody(d),
      rotate: () => this.#rotateBody(d),
      delete: () => this.#deleteBody(d),
      incident: () => this.#incidentBody(d),
      secret: () => this.#secretBody(d),
    }[d.kind]();
    return html`${body}${this._error ? this.#errorBox() : nothing}
      ${this._busy ? html`<p role="status" class="note">${this._busy}</p>` : nothing}`;
  }

  #title(text) {
    return html`<h2 id="nk-dialog-title" tabindex="-1">${text}</h2>`;
  }

  #buttons(...items) {
    return html`<div class="buttons">${items}</div>`;
  }

  #cancel(label = 'Cancel') {
    return html`<button part="button" ?disabled=${!!this._busy} @click=${this.#close}>${label}</button>`;
  }

  #grouped(permissions) {
    const cat = new Map(catalog().map((c) => [c.resource, c]));
    const groups = new Map();
    for (const p of permissions) {
      const c = cat.get(p.resource);
      const g = c?.groupTitle ?? 'Not in the catalog (kept as the server sent it)';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(`${p.access} ${c?.displayName ?? p.resource}`);
    }
    return html`<dl class="groups">${[...groups].map(([g, ps]) => html`<dt>${g}</dt><dd>${ps.join(', ')}</dd>`)}</dl>`;
  }

  #detail({ key }) {
    const status = keyStatus(key);
    const explanation = explain(key.permissions);
    const findings = audit([key]);
    // The next dialog replaces this one; focus still returns to the row afterwards.
    const act = (label, fn) => html`<button part="button" @click=${() => fn.call(this, key)}>${label}</button>`;
    return html`${this.#title(named(key.name))}
      <p><span class="status ${status}"><span aria-hidden="true">${STATUS[status][0]}</span> ${STATUS[status][1]}</span>
        · ${key.expiresAt ? `expires ${day(key.expiresAt)} (${relative(key.expiresAt)})` : 'never expires'}</p>
      <h3>Permissions</h3>${this.#grouped(key.permissions)}
      <h3>What it allows</h3><p>${explanation.summary}</p>
      ${explanation.sections.map((s) => html`<h4>${s.title}</h4><ul>${s.lines.map((l) => html`<li>${l}</li>`)}</ul>`)}
      <h3>Audit</h3>
      ${findings.length ? html`<ul>${findings.map((f) => html`<li><strong>${f.severity}:</strong> ${f.message}</li>`)}</ul>` : html`<p>Nothing to point out.</p>`}
      <p class="muted">Id: <code>${key.id}</code></p>
      ${this.#buttons(this.readonly ? nothing : [act('Rotate', this.#rotate), act('Edit', this.#edit), act('Delete', this.#delete)], html`<button part="button" data-autofocus @click=${this.#close}>Close</button>`)}`;
  }

  #expiryField(d, { keep } = {}) {
    const choices = keep ? [['keep', keep], ...EXPIRY.filter(([v]) => v !== 'never')] : EXPIRY;
    return html`<label>Expiration <select @change=${(e) => { this._dialog = { ...this._dialog, expiry: e.target.value }; }}>
        ${choices.map(([v, t]) => html`<option value=${v} ?selected=${d.expiry === v}>${t}</option>`)}</select></label>
      ${d.expiry === 'date' ? html`<label>Expiration date <input type="date" required .value=${d.date} @input=${(e) => { this._dialog = { ...this._dialog, date: e.target.value }; }}></label>` : nothing}
      ${d.expiry === 'never' ? html`<p class="warn" part="warning">A key that never expires works until someone deletes it. Set an expiration and rotate instead.</p>` : nothing}`;
  }

  #matrix(d) {
    const set = (p, on) => {
      const perms = new Set(this._dialog.perms);
      if (on) perms.add(p); else perms.delete(p);
      // A change leaves a fixed preset behind; SDK development is chosen this way.
      const open = presets().find((x) => x.name === this._dialog.preset)?.takesResources;
      this._dialog = { ...this._dialog, perms, preset: open ? this._dialog.preset : '' };
    };
    const groups = new Map();
    for (const c of catalog()) {
      if (!groups.has(c.groupTitle)) groups.set(c.groupTitle, []);
      groups.get(c.groupTitle).push(c);
    }
    const known = new Set(catalog().flatMap((c) => [`read:${c.resource}`, `write:${c.resource}`]));
    const others = [...d.perms].filter((p) => !known.has(p));
    const box = (c, level) => {
      const p = `${level}:${c.resource}`;
      return c[level] || d.perms.has(p)
        ? html`<label class="level"><input type="checkbox" .checked=${d.perms.has(p)} @change=${(e) => set(p, e.target.checked)}
            aria-label=${`${level === 'read' ? 'Read' : 'Write'} ${c.displayName}`}><span aria-hidden="true">${level === 'read' ? 'Read' : 'Write'}</span></label>`
        : html`<span class="muted level">—</span>`;
    };
    return html`<details class="matrix" part="matrix" open><summary>Permissions (${d.perms.size} chosen)</summary>
      <p class="hint">Grant only what the key needs. <span aria-hidden="true">?</span> marks a resource name no published source confirms.</p>
      ${[...groups].map(([g, entries]) => html`<fieldset><legend>${g}</legend>
        ${entries.map((c) => html`<div class="resource">
          <span><strong>${c.displayName}</strong>${c.evidence === 'derived' ? html`<abbr title="unconfirmed name">?</abbr><span class="sr">(unconfirmed name)</span>` : nothing}
            <small class="muted">${c.covers}${c.singleLevel ? ` (${c.read ? 'read' : 'write'} only)` : ''}</small></span>
          ${box(c, 'read')}${box(c, 'write')}</div>`)}
      </fieldset>`)}
      ${others.length ? html`<p>Also held, as the server sent them: <code>${others.join(', ')}</code>.</p>` : nothing}
    </details>`;
  }

  #problems(problems) {
    return problems?.length ? html`<ul class="problems" part="problems">${problems.map((p) => html`<li class=${p.severity}>${p.severity === 'error' ? '' : 'Note: '}${p.message}</li>`)}</ul>` : nothing;
  }

  #createBody(d) {
    if (d.step === 'review') {
      const expires = parseExpiration(d.input.expiresAt);
      return html`${this.#title('Review the new key')}
        <dl class="review"><dt>Name</dt><dd>${named(d.input.name)}${hiddenNote(d.input.name)}</dd>
          <dt>Permissions</dt><dd>${this.#grouped(d.input.permissions.map(parsePerm))}</dd>
          <dt>Expires</dt><dd>${expires ? `${day(expires)} (${relative(expires)})` : 'never'}</dd></dl>
        <p>${explain(d.input.permissions.map(parsePerm)).summary}</p>
        ${this.#problems(d.problems)}
        ${this.#buttons(html`<button part="button" @click=${() => this.#step({ step: 'form' })}>Back</button>`, this.#cancel(),
          html`<button part="button primary" data-autofocus ?disabled=${!!this._busy} @click=${this.#create}>Create key</button>`)}`;
    }
    const choose = (e) => {
      const p = presets().find((x) => x.name === e.target.value);
      // SDK development has no fixed permissions: the person picks resources in the matrix.
      const perms = p && !p.takesResources ? new Set(p.permissions.map(perm)) : this._dialog.perms;
      this._dialog = { ...this._dialog, preset: e.target.value, perms };
    };
    const submit = (e) => { e.preventDefault(); this.#review(); };
    return html`<form @submit=${submit}>${this.#title('New API Key')}
      <label>Name <input data-autofocus maxlength="128" .value=${d.name} @input=${(e) => { this._dialog = { ...this._dialog, name: e.target.value }; }}></label>
      <label>Use case <select @change=${choose}>
        <option value="" ?selected=${!d.preset}>Choose permissions yourself</option>
        ${presets().map((p) => html`<option value=${p.name} ?selected=${d.preset === p.name}>${p.title}: ${p.description}</option>`)}
      </select></label>
      ${presets().find((p) => p.name === d.preset)?.takesResources ? html`<p class="hint">Tick Read and Write below on each resource your application uses.</p>` : nothing}
      ${this.#matrix(d)}
      ${this.#expiryField(d)}
      ${this.#problems(d.problems)}
      ${this.#buttons(this.#cancel(), html`<button part="button primary" type="submit">Review</button>`)}</form>`;
  }

  #editBody(d) {
    if (d.step === 'diff') {
      const c = d.changes;
      const none = !Object.keys(c).length;
      return html`${this.#title(html`Changes to “${named(d.key.name)}”`)}
        ${none ? html`<p>Nothing changed.</p>` : html`<ul class="diff" part="diff">
          ${c.name !== undefined ? html`<li>Name: “${named(d.key.name)}” → “${named(c.name)}”</li>` : nothing}
          ${d.added.map((p) => html`<li class="add"><span aria-hidden="true">+</span> adds ${p}</li>`)}
          ${d.removed.map((p) => html`<li class="remove"><span aria-hidden="true">−</span> removes ${p}</li>`)}
          ${c.expiresAt !== undefined ? html`<li>Expires: ${d.key.expiresAt ? day(d.key.expiresAt) : 'never'} → ${day(d.newExpiry)}</li>` : nothing}
        </ul>${hiddenNote(d.key.name, c.name ?? '')}`}
        ${this.#buttons(html`<button part="button" @click=${() => this.#step({ step: 'form' })}>Back</button>`, this.#cancel(),
          html`<button part="button primary" data-autofocus ?disabled=${none || !!this._busy} @click=${this.#save}>Save changes</button>`)}`;
    }
    const submit = (e) => { e.preventDefault(); this.#diff(); };
    const keep = d.key.expiresAt ? `Keep: ${day(d.key.expiresAt)}` : 'Keep: never expires';
    return html`<form @submit=${submit}>${this.#title(html`Edit “${named(d.key.name)}”`)}
      <label>Name <input data-autofocus maxlength="128" .value=${d.name} @input=${(e) => { this._dialog = { ...this._dialog, name: e.target.value }; }}></label>
      ${this.#matrix(d)}
      ${this.#expiryField(d, { keep })}
      ${this.#buttons(this.#cancel(), html`<button part="button primary" type="submit">Review changes</button>`)}</form>`;
  }

  #rotateBody(d) {
    return html`${this.#title(html`Rotate “${named(d.key.name)}”`)}${hiddenNote(d.key.name)}
      <p>A new key with the same permissions is created first, and its secret shown once. The old key is left as chosen below only once you have copied or stored that secret.</p>
      <fieldset><legend>The old key</legend>
        ${ROTATE.map(([v, t]) => html`<label class="choice"><input type="radio" name="mode" value=${v} .checked=${d.mode === v}
          @change=${() => { this._dialog = { ...this._dialog, mode: v }; }}> ${t}</label>`)}
      </fieldset>
      ${this.#expiryField(d)}
      ${this.#buttons(this.#cancel(), html`<button part="button primary" ?disabled=${!!this._busy} @click=${this.#doRotate}>Rotate</button>`)}`;
  }

  #deleteBody({ key }) {
    return html`${this.#title(html`Delete “${named(key.name)}”?`)}${hiddenNote(key.name)}
      <p>The key is revoked at once: anything using it stops working. This cannot be undone.</p>
      ${this.#buttons(html`<button part="button" data-autofocus ?disabled=${!!this._busy} @click=${this.#close}>Cancel</button>`,
        html`<button part="button danger" ?disabled=${!!this._busy} @click=${this.#doDelete}>Delete</button>`)}`;
  }

  #incidentBody(d) {
    const p = d.plan;
    return html`${this.#title('Respond to a leak')}
      <p>These ${p.keys.length} key(s) will be revoked at once:</p>
      ${hiddenNote(...p.keys.map(({ key }) => key.name))}
      <ul>${p.keys.map(({ key, status }) => html`<li>${named(key.name)} <span class="muted">(${STATUS[status][1]}; ${compact(key.permissions)})</span></li>`)}</ul>
      ${p.missingIds.length ? html`<p class="warn">${p.missingIds.length} selected key(s) no longer exist.</p>` : nothing}
      ${p.lookAlikes.length ? html`<p class="warn">${p.lookAlikes.length} other key(s) have the same name and permissions as a planned key: check whether they leaked too.</p>` : nothing}
      <label class="choice"><input type="checkbox" .checked=${d.replace} @change=${(e) => { this._dialog = { ...this._dialog, replace: e.target.checked }; }}>
        Create a replacement for each key (same permissions, expires in 90 days)</label>
      <label>What happened (goes into the report) <textarea rows="2" .value=${d.note} @input=${(e) => { this._dialog = { ...this._dialog, note: e.target.value }; }}></textarea></label>
      ${this.#buttons(this.#cancel(), html`<button part="button danger" ?disabled=${!!this._busy} @click=${this.#runIncident}>Revoke ${p.keys.length} key(s) now</button>`)}`;
  }

  #secretBody(d) {
    const many = d.secrets.length > 1;
    const unsaved = d.secrets.filter((x) => !x.delivered && !x.revoked).length;
    const close = (label, autofocus) => html`<button part="button primary" ?data-autofocus=${autofocus} @click=${this.#stored}>${label}</button>`;
    return html`${this.#title(d.title)}
      ${d.lines.map((l) => html`<p>${l}</p>`)}
      ${d.secrets.length ? html`<p class="warn">Copy and store ${many ? 'each secret' : 'the secret'} now (a secret manager, an environment variable): it is shown only once.</p>` : nothing}
      ${d.secrets.map((x, i) => html`<div class="secret">
        <p>${named(x.name)}</p>
        ${x.revoked ? html`<p class="warn">The page was left before this secret was stored, so its key was revoked on the way out.</p>` : html`<code part="secret">${x.secret}</code>
        <button part="button" ?data-autofocus=${i === 0 && !d.confirming} @click=${() => this.#copy(i)}>Copy${many ? html`<span class="sr"> the secret of ${shown(x.name)}</span>` : nothing}</button>`}
        ${d.copied === i ? html`<span aria-hidden="true">Copied</span>` : nothing}</div>`)}
      ${d.report ? html`<div part="report"><h3>Report it to Narrative security</h3>
        <p>Download the report (it holds no secret) and send it to ${d.report.contact ? html`<a href=${`mailto:${d.report.contact}`}>${d.report.contact}</a>` : 'Narrative security'}, saying how the keys leaked.</p>
        ${this.#buttons(
          html`<button part="button" @click=${() => download('incident-report.md', 'text/markdown', d.report.markdown)}>Download report (Markdown)</button>`,
          html`<button part="button" @click=${() => download('incident-report.json', 'application/json', d.report.json)}>Download report (JSON)</button>`)}
      </div>` : nothing}
      <p role="status" class="sr">${d.copied !== undefined ? 'Copied to the clipboard.' : ''}</p>
      ${!d.secrets.length ? this.#buttons(close('Close', true))
        : d.confirming && unsaved ? html`<div role="alert" class="warn" part="warning"><p>${unsaved === 1 ? 'A secret was not copied' : `${unsaved} secrets were not copied`}: once this closes, ${unsaved === 1 ? 'it is' : 'they are'} gone for good and nobody can show ${unsaved === 1 ? 'it' : 'them'} again.
            A key whose secret is lost must be deleted.</p></div>
          ${this.#buttons(html`<button part="button" data-autofocus @click=${() => this.#step({ confirming: false })}>Back to the secret</button>`, close('Yes, I have stored it'))}`
        : this.#buttons(close('I have stored it'))}`;
  }
}

if (!customElements.get('narrative-keys-panel')) customElements.define('narrative-keys-panel', NarrativeKeysPanel);
