// <narrative-keys-panel>: the Settings > API Keys page as one custom element.
// Its state and actions; the list (list.ts) and each dialog (dialogs/) are
// template functions of typed props. Built on the package's own client and
// pure functions (imported from the browser entry, shared with the app: one
// copy of the WebAssembly), so every rule of the SDK holds here too.
// build.sh bundles Lit in with esbuild and emits this file's types with tsc.
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import {
  NarrativeKeys, parseExpiration, validateNewKey,
  type ApiKey, type IncidentReport, type KeyChanges, type NarrativeKeysError, type OldKeyOutcome, type Problem,
} from 'narrative-keys';
import { FIELD_IDS, expiryInput, firstInvalid, type KeyForm } from './dialogs/common.js';
import { create, type CreateDialog, type NewKey } from './dialogs/create.js';
import { confirmDelete, type DeleteDialog } from './dialogs/delete.js';
import { detail, type DetailDialog } from './dialogs/detail.js';
import { edit, type EditDialog } from './dialogs/edit.js';
import { incident, type IncidentDialog } from './dialogs/incident.js';
import { rotate, type RotateDialog } from './dialogs/rotate.js';
import { secretDialog, type Retire, type SecretDialog } from './dialogs/secret.js';
import { answerLost, named, perm, shown } from './format.js';
import { KeyIndex, list, placeMenus, windowOf, type SortBy } from './list.js';
import { styles } from './styles.js';

/** The API Keys settings page as a custom element. Credentials never go through an attribute. */
export interface NarrativeKeysPanel extends HTMLElement {
  /** `prod` (default), `dev` or a base URL (`https://`, or `http://` only to localhost, 127.0.0.0/8 or [::1]); also the `environment` attribute. Used by `connect` and the paste form. */
  environment: string | undefined;
  /** Hides every write action (the `readonly` attribute). */
  readonly: boolean;
  /** A client the app already built; setting it loads the list. */
  client: NarrativeKeys | null;
  /** Builds a client held in memory only and loads the list; resolves to whether that worked. The current client is replaced only when it did. */
  connect(credentials: { apiKey: string; environment?: string }): Promise<boolean>;
  /** Forgets the client and its credentials. */
  disconnect(): void;
  /** Reloads the list; resolves to whether that worked. */
  refresh(): Promise<boolean>;
}

/** The `detail` of each event; none holds a secret. */
export interface NarrativeKeysPanelEventMap {
  'narrative-keys:created': CustomEvent<{ key: ApiKey }>;
  'narrative-keys:updated': CustomEvent<{ key: ApiKey }>;
  'narrative-keys:revoked': CustomEvent<{ key: ApiKey }>;
  /** Once the new secret is delivered (copied, or stored as confirmed) and the old key dealt with. */
  'narrative-keys:rotated': CustomEvent<{ old: ApiKey; new: ApiKey; oldKey: OldKeyOutcome }>;
  'narrative-keys:incident': CustomEvent<{ report: Omit<IncidentReport, 'markdown'> }>;
  'narrative-keys:error': CustomEvent<{ code: string; message: string }>;
}

declare global {
  interface HTMLElementTagNameMap {
    'narrative-keys-panel': NarrativeKeysPanel;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface HTMLElementEventMap extends NarrativeKeysPanelEventMap {}
}

/** What the dialog shows: one kind at a time, each with its own fields. */
type Dialog = DetailDialog | CreateDialog | EditDialog | RotateDialog | DeleteDialog | IncidentDialog | SecretDialog;
type Kind = Dialog['kind'];
type Of<K extends Kind> = Extract<Dialog, { kind: K }>;
type Detail<K extends keyof NarrativeKeysPanelEventMap> = NarrativeKeysPanelEventMap[K] extends CustomEvent<infer D> ? D : never;

interface PanelError { message: string; problems: string[] }

const EVENT = 'narrative-keys:';
/** A User Timing mark set when a list arrives from the server: the benchmark measures the first render from it. */
export const KEYS_ARRIVED = 'narrative-keys:keys-arrived';
const FIRST_ROW_HEIGHT = 44;

const newForm = (): KeyForm => ({ name: '', preset: '', perms: new Set(), expiry: '90d', date: '' });

class Panel extends LitElement implements NarrativeKeysPanel {
  static properties = {
    environment: { type: String, reflect: true },
    readonly: { type: Boolean, reflect: true },
    _index: { state: true },
    _filter: { state: true },
    _sort: { state: true },
    _scroll: { state: true },
    _selected: { state: true },
    _menu: { state: true },
    _dialog: { state: true },
    _busy: { state: true },
    _note: { state: true },
    _error: { state: true },
  };

  static styles = styles;

  // Reactive properties are declared, not initialised as class fields, so
  // that Lit's accessors are not shadowed.
  declare environment: string | undefined;
  declare readonly: boolean;
  declare private _index: KeyIndex | null;
  declare private _filter: string;
  declare private _sort: SortBy;
  /** The list's scroll position and height, as far as they decide which rows render. */
  declare private _scroll: { first: number; height: number };
  declare private _selected: ReadonlySet<string>;
  declare private _menu: string | null;
  declare private _dialog: Dialog | null;
  declare private _busy: string;
  declare private _note: string;
  declare private _error: PanelError | null;

  #client: NarrativeKeys | null = null;
  #keys: readonly ApiKey[] = [];
  #rowHeight = FIRST_ROW_HEIGHT;
  /** The list's scrolling region, once rendered. */
  #scroller: HTMLElement | null = null;
  #returnFocus: HTMLElement | null = null;
  /** What gets focus after the next render: an element's selector. */
  #focus: string | null = null;

  constructor() {
    super();
    this.readonly = false;
    this._index = null;
    this._filter = '';
    this._sort = 'name';
    this._scroll = { first: 0, height: innerHeight };
    this._selected = new Set();
    this._menu = null;
    this._dialog = null;
    this._busy = '';
    this._note = '';
    this._error = null;
  }

  connectedCallback(): void {
    super.connectedCallback();
    addEventListener('beforeunload', this.#beforeUnload);
    addEventListener('pagehide', this.#pageHide);
    addEventListener('scroll', this.#closeMenu, true);
    if (this.#scroller) this.#resize.observe(this.#scroller);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('beforeunload', this.#beforeUnload);
    removeEventListener('pagehide', this.#pageHide);
    removeEventListener('scroll', this.#closeMenu, true);
    this.#resize.disconnect();
  }

  // A menu stays by its button: scrolling the page or the list closes it.
  #closeMenu = (): void => {
    if (this._menu) this._menu = null;
  };

  // While a secret is shown, leaving the page (reload, a link, closing the
  // tab) asks first.
  #beforeUnload = (event: BeforeUnloadEvent): void => {
    if (this._dialog?.kind === 'secret' && this._dialog.secrets.length) {
      event.preventDefault();
      event.returnValue = '';
    }
  };

  // The page is going anyway: a new key whose secret was neither copied nor
  // stored is revoked, in a request that outlives the page (the SDK sends
  // DELETE with keepalive); a rotation's old key, not retired yet, keeps
  // working. Where the browser drops that request, the key lives until it expires.
  #pageHide = (): void => {
    const d = this._dialog;
    if (d?.kind !== 'secret' || !this.#client) return;
    const lost = d.secrets.filter((x) => !x.delivered && !x.revoked);
    if (!lost.length) return;
    for (const x of lost) this.#client.revokeKey(x.id).catch(() => {});
    this._dialog = { ...d, retire: null, secrets: d.secrets.map((x) => (lost.includes(x) ? { ...x, revoked: true } : x)) };
  };

  /** A client the app already built. The credentials stay inside it. */
  set client(value: NarrativeKeys | null) {
    this.#client = value ?? null;
    this.#setKeys(null);
    this._selected = new Set();
    // A message about the client before ("Disconnected…") is no longer true.
    this._note = '';
    if (this.#client) void this.refresh();
  }

  get client(): NarrativeKeys | null {
    return this.#client;
  }

  /** Builds a client from credentials held in memory only; resolves once the list is loaded. */
  async connect({ apiKey, environment }: { apiKey: string; environment?: string }): Promise<boolean> {
    // The client replaces the current one only once its list has loaded:
    // until then the paste form stays as typed (the environment never
    // changes by itself), and credentials that do not work are dropped.
    const client = await this.#work('Connecting…', async () => {
      const candidate = new NarrativeKeys({ apiKey, environment: environment || this.environment || 'prod' });
      const keys = await candidate.listKeys();
      performance.mark(KEYS_ARRIVED);
      this.#setKeys(keys);
      return candidate;
    });
    if (!client) return false;
    this.#client = client;
    this._selected = new Set();
    this._note = '';
    // The paste form is gone: focus goes to the heading of what replaced it.
    this.#focus = '#nk-title';
    return true;
  }

  disconnect(): void {
    this.client = null;
    this._note = 'Disconnected: the key is forgotten.';
  }

  async refresh(): Promise<boolean> {
    if (!this.#client) return false;
    this._busy = 'Loading keys…';
    try {
      const keys = await this.#client.listKeys();
      performance.mark(KEYS_ARRIVED);
      this.#setKeys(keys);
      const ids = new Set(keys.map((k) => k.id));
      this._selected = new Set([...this._selected].filter((id) => ids.has(id)));
      this._error = null;
      return true;
    } catch (e) {
      this.#fail(e as NarrativeKeysError);
      return false;
    } finally {
      this._busy = '';
    }
  }

  #setKeys(keys: readonly ApiKey[] | null): void {
    this.#keys = keys ?? [];
    this._index = keys ? new KeyIndex(keys) : null;
  }

  // --- events and errors ------------------------------------------------------

  #emit<K extends keyof NarrativeKeysPanelEventMap>(name: K, detail: Detail<K>): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  #fail(e: NarrativeKeysError | Error | undefined, message: string = (e as NarrativeKeysError | undefined)?.description ?? e?.message ?? String(e)): void {
    // The server's error_description first; SDK messages never hold a secret.
    const problems = ((e as NarrativeKeysError | undefined)?.problems ?? []).filter((p) => p.severity === 'error').map((p) => p.message);
    this._error = { message, problems };
    this.#emit(`${EVENT}error`, { code: (e as NarrativeKeysError | undefined)?.code ?? 'internal', message });
  }

  // --- dialogs ------------------------------------------------------------------

  #open(dialog: Dialog): void {
    if (!this._dialog) {
      // A menu item disappears with its menu: focus goes back to the menu's button.
      const active = this.renderRoot instanceof ShadowRoot ? this.renderRoot.activeElement as HTMLElement | null : null;
      this.#returnFocus = active?.closest('.menu')?.querySelector<HTMLElement>('button') ?? active;
    }
    this._menu = null;
    this._error = null;
    this._dialog = dialog;
    this.#focus = '[data-autofocus]';
  }

  #close = (): void => {
    this._dialog = null;
    this._error = null;
  };

  /** The dialog, when it is of `kind`. */
  #current<K extends Kind>(kind: K): Of<K> | null {
    const d = this._dialog;
    return d?.kind === kind ? d as Of<K> : null;
  }

  /** Moves to another step (or dialog) and focuses it. */
  #step(dialog: Dialog, focus = '[data-autofocus]'): void {
    this._dialog = dialog;
    this.#focus = focus;
  }

  /** A change to the form of the dialog shown, focus staying where it is. */
  #changeForm = (changes: Partial<KeyForm>): void => {
    const d = this._dialog;
    if (d && 'form' in d) this._dialog = { ...d, form: { ...d.form, ...changes } } as Dialog;
  };

  // A modal <dialog> makes the page inert, but Tab from its last control
  // would go on to the browser's own controls: it wraps round instead.
  #onDialogKey(event: KeyboardEvent): void {
    // Escape on a secret is not even a close request to the browser.
    if (event.key === 'Escape' && this._dialog?.kind === 'secret') event.preventDefault();
    if (event.key !== 'Tab') return;
    const dlg = event.currentTarget as HTMLDialogElement;
    const all = [...dlg.querySelectorAll<HTMLElement & { disabled?: boolean }>('button, input, select, textarea, summary, a[href]')]
      .filter((el) => !el.disabled && el.getClientRects().length);
    const edge = event.shiftKey ? all[0] : all.at(-1);
    const active = (this.renderRoot as ShadowRoot).activeElement;
    if (all.length && (active === edge || !dlg.contains(active))) {
      event.preventDefault();
      (event.shiftKey ? all.at(-1) : all[0])?.focus();
    }
  }

  #onCancel(event: Event): void {
    // Escape closes a dialog, except one showing a secret: it needs "I have stored it".
    event.preventDefault();
    if (!this._busy && this._dialog?.kind !== 'secret') this.#close();
  }

  // Whatever closed it (the browser closes a dialog on a repeated Escape,
  // whatever the cancel handler says), a dialog the panel still shows opens again.
  #onClose(event: Event): void {
    const dlg = event.currentTarget as HTMLDialogElement;
    if (this._dialog && !dlg.open) dlg.showModal();
  }

  protected updated(changed: PropertyValues): void {
    super.updated(changed);
    const root = this.renderRoot as ShadowRoot;
    this.#measureRows(root);
    const scroller = root.querySelector<HTMLElement>('.scroll');
    if (scroller !== this.#scroller) {
      this.#resize.disconnect();
      if (scroller) this.#resize.observe(scroller);
      this.#scroller = scroller;
    }
    placeMenus(root, this._menu);
    const dlg = root.querySelector('dialog');
    if (dlg && this._dialog && !dlg.open) dlg.showModal();
    if (dlg && !this._dialog && dlg.open) {
      dlg.close();
      const back = this.#returnFocus?.isConnected ? this.#returnFocus : root.querySelector<HTMLElement>('[data-home]');
      back?.focus();
      this.#returnFocus = null;
    }
    // A control disabled while a request is in flight drops focus to <body>:
    // it goes to what the dialog says meanwhile ("Creating the key…"), or its title.
    const active = root.activeElement as (HTMLElement & { disabled?: boolean }) | null;
    if (!this.#focus && this._dialog && (!active || active.disabled)) this.#focus = this._busy ? '[data-busy]' : 'h2';
    if (this.#focus) {
      const scope = this._dialog ? dlg : root;
      const target = scope?.querySelector<HTMLElement>(this.#focus) ?? (this._dialog ? dlg?.querySelector<HTMLElement>('h2') : null);
      this.#focus = null;
      target?.focus();
    }
  }

  // The rows' height decides which rows are on screen: taken from a rendered
  // row (it follows the font size), so the spacers match what they stand for.
  #measureRows(root: ShadowRoot): void {
    const row = root.querySelector<HTMLElement>('tr[part~=row]');
    const h = row?.getBoundingClientRect().height;
    if (h && Math.abs(h - this.#rowHeight) > 0.5) {
      this.#rowHeight = h;
      this.requestUpdate();
    }
  }

  #onScroll = (): void => {
    // Only the list's own scroll and size call this: it is rendered.
    const el = this.#scroller!;
    const first = Math.floor(el.scrollTop / this.#rowHeight);
    if (first !== this._scroll.first || el.clientHeight !== this._scroll.height) this._scroll = { first, height: el.clientHeight };
    this.#closeMenu();
  };

  // A window made taller or shorter changes which rows are on screen, without a scroll.
  #resize = new ResizeObserver(this.#onScroll);

  // `handled(error)` is true for an error the caller reports itself.
  async #work<T>(label: string, fn: () => Promise<T>, handled: (e: NarrativeKeysError) => boolean = () => false): Promise<T | undefined> {
    this._busy = label;
    this._error = null;
    try {
      return await fn();
    } catch (e) {
      if (!handled(e as NarrativeKeysError)) this.#fail(e as NarrativeKeysError);
      return undefined;
    } finally {
      this._busy = '';
    }
  }

  // --- actions --------------------------------------------------------------------

  #newKey = (): void => this.#open({ kind: 'create', step: 'form', form: newForm(), problems: [] });

  #review = (): void => {
    const d = this.#current('create');
    if (!d) return;
    const input: NewKey = { name: d.form.name, permissions: [...d.form.perms], expiresAt: expiryInput(d.form) };
    const report = validateNewKey(input);
    if (!report.valid) {
      // Focus goes to the first field at fault; its problems are its description.
      const field = firstInvalid(report.problems);
      this.#step({ ...d, step: 'form', problems: report.problems }, `#${(field && FIELD_IDS[field]) ?? 'nk-name'}`);
      return;
    }
    this.#step({ kind: 'create', step: 'review', form: d.form, problems: report.problems, input });
  };

  #create = async (): Promise<void> => {
    const d = this.#current('create');
    if (d?.step !== 'review') return;
    const { input } = d;
    let lost: NarrativeKeysError | undefined;
    const created = await this.#work('Creating the key…', () => this.#client!.createKey(input), (e) => !!(lost = answerLost(e) ? e : undefined));
    if (lost) return this.#lost(lost, input.name);
    if (!created) return;
    this.#emit(`${EVENT}created`, { key: created.key });
    this.#step({ kind: 'secret', title: 'Your new API key', secrets: [{ name: created.key.name, id: created.key.id, secret: created.secret }], lines: [], retire: null });
    await this.refresh();
  };

  // A request that makes a key went out but its answer was lost: the key may
  // exist, with a secret nobody holds. The list is refreshed before the
  // dialog closes, so the next try starts from what the server has; nothing
  // offers to send the same request again.
  async #lost(e: NarrativeKeysError, name: string): Promise<void> {
    await this.refresh();
    this.#close();
    const same = this.#keys.filter((k) => k.name === name).length;
    const why = e.code === 'server' ? `the server failed: ${e.description ?? e.message}` : e.code === 'decode' ? 'its answer could not be read' : 'the connection failed after the request was sent';
    this.#fail(e, `The key “${shown(name)}” may have been created even though its answer was lost (${why}). `
      + `The list, loaded again just now, holds ${same} key(s) of that name. A key made this way has a secret nobody holds: delete it, or rotate it to get a secret, rather than creating it again.`);
  }

  #edit = (key: ApiKey): void => this.#open({ kind: 'edit', step: 'form', key, form: { ...newForm(), name: key.name, perms: new Set(key.permissions.map(perm)), expiry: 'keep' } });

  #diff = (): void => {
    const d = this.#current('edit');
    if (!d) return;
    const before = new Set(d.key.permissions.map(perm));
    const added = [...d.form.perms].filter((p) => !before.has(p));
    const removed = [...before].filter((p) => !d.form.perms.has(p));
    const changes: KeyChanges = {};
    if (d.form.name !== d.key.name) changes.name = d.form.name;
    if (added.length || removed.length) {
      // What the server sent goes back as it came; only added permissions are typed.
      const kept = d.key.permissions.filter((p) => d.form.perms.has(perm(p)));
      changes.permissions = [...kept, ...added];
    }
    if (d.form.expiry !== 'keep') changes.expiresAt = expiryInput(d.form);
    let newExpiry: string | null = null;
    if (changes.expiresAt !== undefined) {
      try {
        newExpiry = parseExpiration(changes.expiresAt);
      } catch (e) {
        // Like a failed Review: the error is the expiration field's description, and focus goes there.
        return this.#step({ kind: 'edit', step: 'form', key: d.key, form: d.form, problems: [{ field: 'expiration', severity: 'error', message: (e as Error).message }] }, '#nk-expiry');
      }
    }
    this.#step({ kind: 'edit', step: 'diff', key: d.key, form: d.form, changes, added, removed, newExpiry });
  };

  #save = async (): Promise<void> => {
    const d = this.#current('edit');
    if (d?.step !== 'diff') return;
    const key = await this.#work('Saving…', () => this.#client!.updateKey(d.key.id, d.changes));
    if (!key) return;
    this.#emit(`${EVENT}updated`, { key });
    this.#close();
    await this.refresh();
  };

  #rotate = (key: ApiKey): void => this.#open({ kind: 'rotate', key, mode: 'revoke', form: newForm() });

  #doRotate = async (): Promise<void> => {
    const d = this.#current('rotate');
    if (!d) return;
    let lost: NarrativeKeysError | undefined;
    const options = { expiresAt: expiryInput(d.form) };
    const r = await this.#work('Rotating…', () => this.#client!.createSuccessor(d.key.id, options), (e) => !!(lost = answerLost(e) ? e : undefined));
    if (lost) return this.#lost(lost, d.key.name);
    if (!r) return;
    const line = d.mode === 'keep' ? 'The old key still works: delete it once nothing uses it.'
      : `The old key still works until you copy the new secret or press “I have stored it”; then ${d.mode === 'revoke' ? 'it is revoked' : `it expires ${d.mode} later`}.`;
    this.#step({
      kind: 'secret', title: html`“${named(r.old.name)}” rotated`, lines: [line], retire: { old: r.old, key: r.new.key, mode: d.mode },
      secrets: [{ name: r.new.key.name, id: r.new.key.id, secret: r.new.secret }],
    });
    await this.refresh();
  };

  // A rotation's old key, once the new secret is delivered: the package's
  // second step (revoked; or expiring after the overlap, never later than its
  // own expiration, and renamed as retiring; or kept). Resolves to the
  // sentence saying which, or to '' when that failed and the error says so.
  async #retire({ old, key, mode }: Retire): Promise<string> {
    const options = mode === 'keep' ? { keepOld: true } : mode === 'revoke' ? {} : { overlap: mode };
    let r: { oldKey: OldKeyOutcome; oldKeyStops?: string | null; error?: NarrativeKeysError | null };
    try {
      r = await this.#client!.retireOldKey(old.id, key.id, options);
    } catch (e) {
      // Nothing was changed (a successor that could not be read, a bug): kept
      // is kept all the same; otherwise the old key still works, and says why.
      r = mode === 'keep' ? { oldKey: 'kept' } : { oldKey: mode === 'revoke' ? 'revoke_failed' : 'expire_failed', error: e as NarrativeKeysError };
    }
    this.#emit(`${EVENT}rotated`, { old, new: key, oldKey: r.oldKey });
    await this.refresh();
    const failed = r.error;
    if (failed) {
      this.#fail(failed, r.oldKey === 'revoke_failed' ? `The old key could not be revoked and still works: ${failed.description ?? failed.message}. Delete it from the list.`
        : `The old key's expiration and name could not be set, so it still works: ${failed.description ?? failed.message}. Edit its expiration or delete it from the list.`);
      return '';
    }
    if (r.oldKey === 'revoked') return 'The old key is revoked.';
    if (r.oldKey === 'expires' && r.oldKeyStops) return `The old key works until ${new Date(r.oldKeyStops).toLocaleString()}, then expires: move its users to the new key before then.`;
    return 'The old key still works: delete it once nothing uses it.';
  }

  #delete = (key: ApiKey): void => this.#open({ kind: 'delete', key });

  #doDelete = async (): Promise<void> => {
    const d = this.#current('delete');
    if (!d) return;
    const { key } = d;
    const ok = await this.#work('Deleting…', async () => { await this.#client!.revokeKey(key.id); return true; });
    if (!ok) return;
    this.#emit(`${EVENT}revoked`, { key });
    this._note = `Deleted “${shown(key.name)}”: it no longer works.`;
    this.#close();
    await this.refresh();
  };

  #incident = async (): Promise<void> => {
    const ids = [...this._selected];
    const result = await this.#work('Planning…', () => this.#client!.incident({ ids }, { dryRun: true }));
    if (!result) return;
    this.#open({ kind: 'incident', ids, plan: result.plan, replace: false, note: '' });
  };

  #runIncident = async (): Promise<void> => {
    const d = this.#current('incident');
    if (!d) return;
    const options = { replace: d.replace, ...(d.note.trim() ? { note: d.note.trim() } : {}) };
    const result = await this.#work('Revoking…', () => this.#client!.incident({ ids: d.ids }, options));
    if (!result) return;
    const { markdown, ...report } = result.report as IncidentReport;
    this.#emit(`${EVENT}incident`, { report });
    const names = new Map(report.revoked.map((k) => [k.id, k.name]));
    this._selected = new Set();
    this.#step({
      kind: 'secret',
      title: 'Incident response',
      retire: null,
      report: { markdown, json: JSON.stringify(report, null, 2), contact: markdown.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/)?.[0] },
      lines: [
        `${report.revoked.length} key(s) revoked.`,
        ...report.failures.map((f) => `Not done (${f.step}) for “${shown(f.name)}”: ${f.error}`),
      ],
      secrets: result.replacements.map((r) => ({ name: `${r.created.key.name} (replaces ${names.get(r.replaces) ?? r.replaces})`, id: r.created.key.id, secret: r.created.secret })),
    });
    await this.refresh();
  };

  #copy = async (i: number): Promise<void> => {
    const d = this.#current('secret');
    const s = d?.secrets[i];
    if (!d || !s) return;
    try {
      await navigator.clipboard.writeText(s.secret);
    } catch {
      this._error = { message: 'Copying failed: select the secret and copy it by hand.', problems: [] };
      return;
    }
    this._dialog = { ...d, copied: i };
    await this.#deliver((j) => j === i);
  };

  // The secret dialog's own button: it closes the dialog once every secret
  // was copied, or after a confirmation that what was not copied will be gone.
  #stored = (): void => {
    const d = this.#current('secret');
    if (!d) return;
    if (!d.confirming && d.secrets.some((x) => !x.delivered && !x.revoked)) {
      this.#step({ ...d, confirming: true });
      return;
    }
    void this.#deliver(() => true);
    this.#close();
  };

  /** Marks secrets delivered; once all are, a rotation's old key is retired as chosen. */
  async #deliver(which: (index: number) => boolean): Promise<void> {
    const d = this.#current('secret');
    if (!d) return;
    const secrets = d.secrets.map((x, i) => (which(i) ? { ...x, delivered: true } : x));
    const retire = secrets.every((x) => x.delivered) ? d.retire : null;
    this._dialog = { ...d, secrets, retire: retire ? null : d.retire };
    if (!retire) return;
    const line = await this.#retire(retire);
    const now = this.#current('secret');
    if (now) this._dialog = { ...now, lines: line ? [line] : [] };
    else this._note = line;
  }

  #toggle = (id: string): void => {
    const s = new Set(this._selected);
    if (!s.delete(id)) s.add(id);
    this._selected = s;
  };

  /** Selects (or clears) every key the filter keeps. */
  #toggleAll = (select: boolean): void => {
    const s = new Set(this._selected);
    for (const { key } of this.#rows()) {
      if (select) s.add(key.id); else s.delete(key.id);
    }
    this._selected = s;
  };

  #rows() {
    return this._index?.view(this._filter, this._sort) ?? [];
  }

  #onFilter = (value: string): void => {
    this._filter = value;
    this.#toTop();
  };

  #onSort = (value: SortBy): void => {
    this._sort = value;
    this.#toTop();
  };

  // A new filter or sort starts from the top of the list.
  #toTop(): void {
    if (this.#scroller) this.#scroller.scrollTop = 0;
    this._scroll = { ...this._scroll, first: 0 };
  }

  #onMenu = (id: string | null): void => {
    this._menu = id;
  };

  // --- rendering ------------------------------------------------------------------

  render(): TemplateResult {
    return html`
      <section part="panel" aria-labelledby="nk-title">
        <header part="header">
          <h2 id="nk-title" tabindex="-1">API Keys</h2>
          ${this.#client ? this.#toolbar() : nothing}
        </header>
        <p role="status" class="note" part="status">${this._busy || this._note}</p>
        ${this._error && !this._dialog ? this.#errorBox(this._error) : nothing}
        ${this.#client ? this.#list() : this.#connectForm()}
        <dialog part="dialog" aria-labelledby="nk-dialog-title" closedby=${this._dialog?.kind === 'secret' ? 'none' : 'closerequest'}
          @cancel=${this.#onCancel} @close=${this.#onClose} @keydown=${this.#onDialogKey}>${this._dialog ? this.#dialogBody(this._dialog) : nothing}</dialog>
      </section>`;
  }

  #errorBox(error: PanelError): TemplateResult {
    return html`<div role="alert" class="error" part="error"><p>${error.message}</p>
      ${error.problems.length ? html`<ul>${error.problems.map((p) => html`<li>${p}</li>`)}</ul>` : nothing}</div>`;
  }

  #connectForm(): TemplateResult {
    const submit = (e: SubmitEvent) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      const key = f.elements.namedItem('apiKey') as HTMLInputElement;
      const environment = (f.elements.namedItem('environment') as HTMLInputElement).value.trim();
      const apiKey = key.value.trim();
      key.value = '';
      void this.connect({ apiKey, environment });
    };
    return html`<form part="connect-form" class="connect" autocomplete="off" @submit=${submit}>
      <label>Your API key <input name="apiKey" type="password" required spellcheck="false"></label>
      <label>Environment <input name="environment" .value=${this.environment || 'prod'} required spellcheck="false"></label>
      <button part="button primary" type="submit">Connect</button>
      <p class="hint">The key stays in this tab's memory only: it is never stored and is sent only to the environment above.</p>
    </form>`;
  }

  #toolbar(): TemplateResult {
    const n = this._selected.size;
    return html`<div class="toolbar" part="toolbar">
      ${this.readonly ? nothing : html`<button part="button primary" data-home @click=${this.#newKey}>New API Key</button>`}
      ${this.readonly || !n ? nothing : html`<button part="button danger" @click=${this.#incident}>Respond to a leak (${n} selected)</button>`}
      <button part="button" @click=${() => this.refresh()}>Refresh</button>
      <button part="button" @click=${() => this.disconnect()}>Disconnect</button>
    </div>`;
  }

  #list(): TemplateResult | typeof nothing {
    if (!this._index) return nothing;
    const rows = this.#rows();
    return list({
      rows,
      total: this._index.size,
      window: windowOf(rows.length, this._scroll.first * this.#rowHeight, this._scroll.height, this.#rowHeight),
      rowHeight: this.#rowHeight,
      filter: this._filter,
      sort: this._sort,
      readonly: this.readonly,
      selected: this._selected,
      menu: this._menu,
      onFilter: this.#onFilter,
      onSort: this.#onSort,
      onScroll: this.#onScroll,
      onToggle: this.#toggle,
      onToggleAll: this.#toggleAll,
      onOpen: (key) => this.#open({ kind: 'detail', key }),
      onMenu: this.#onMenu,
      actions: [['Rotate', this.#rotate], ['Edit', this.#edit], ['Delete', this.#delete]],
    });
  }

  #dialogBody(d: Dialog): TemplateResult {
    const busy = !!this._busy;
    const cancel = this.#close;
    let body: TemplateResult;
    switch (d.kind) {
      case 'detail':
        body = detail({ d, readonly: this.readonly, actions: [['Rotate', this.#rotate], ['Edit', this.#edit], ['Delete', this.#delete]], close: cancel });
        break;
      case 'create':
        body = create({
          d, busy, change: this.#changeForm, review: this.#review, create: this.#create, cancel,
          back: () => this.#step({ ...d, step: 'form' }),
        });
        break;
      case 'edit':
        body = edit({
          d, busy, change: this.#changeForm, diff: this.#diff, save: this.#save, cancel,
          back: () => this.#step({ kind: 'edit', step: 'form', key: d.key, form: d.form }),
        });
        break;
      case 'rotate':
        body = rotate({ d, busy, change: this.#changeForm, mode: (mode) => { this._dialog = { ...d, mode }; }, rotate: this.#doRotate, cancel });
        break;
      case 'delete':
        body = confirmDelete({ d, busy, remove: this.#doDelete, cancel });
        break;
      case 'incident':
        body = incident({ d, busy, change: (changes) => { this._dialog = { ...d, ...changes }; }, run: this.#runIncident, cancel });
        break;
      case 'secret':
        body = secretDialog({ d, copy: this.#copy, stored: this.#stored, back: () => this.#step({ ...d, confirming: false }) });
        break;
    }
    return html`${body}${this._error ? this.#errorBox(this._error) : nothing}
      ${this._busy ? html`<p role="status" class="note" tabindex="-1" data-busy>${this._busy}</p>` : nothing}`;
  }
}

interface NarrativeKeysPanelConstructor {
  readonly prototype: NarrativeKeysPanel;
  new (): NarrativeKeysPanel;
}

/** The element's class (registered as `<narrative-keys-panel>` on import). */
export const NarrativeKeysPanel: NarrativeKeysPanelConstructor = Panel;

if (!customElements.get('narrative-keys-panel')) customElements.define('narrative-keys-panel', Panel);
