// The key list: an index of its rows (filtered and sorted, kept for the
// current filter and sort as the terminal UI's list_index does), and a
// virtualized table that renders only the rows on screen plus an overscan, so
// 10,000 keys cost what 30 do.
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { keyStatus, type ApiKey, type KeyStatus } from 'narrative-keys';
import { STATUS, STATUS_ORDER, compact, day, named, relative, shown } from './format.js';

export type SortBy = 'name' | 'expiry' | 'status';
export const SORTS: readonly (readonly [SortBy, string])[] = [['name', 'Name'], ['expiry', 'Expiration'], ['status', 'Status']];

export interface Row {
  readonly key: ApiKey;
  readonly status: KeyStatus;
  readonly perms: string;
  /** What a filter looks in: the name (lower case), the permissions and the status, one per line. */
  readonly haystack: string;
}

const collator = new Intl.Collator(undefined);
const byName = (a: Row, b: Row): number => collator.compare(a.key.name, b.key.name);
const ORDER: Record<SortBy, (a: Row, b: Row) => number> = {
  name: byName,
  // ISO-8601 instants in UTC sort as text; never-expiring keys last.
  expiry: (a, b) => {
    const x = a.key.expiresAt ?? '9999';
    const y = b.key.expiresAt ?? '9999';
    return x < y ? -1 : x > y ? 1 : 0;
  },
  status: (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || byName(a, b),
};

/** The rows of one list load: each sort computed once, each filter over the last one when it narrows it. */
export class KeyIndex {
  readonly size: number;
  readonly #rows: readonly Row[];
  readonly #sorted = new Map<SortBy, readonly Row[]>();
  #last: { query: string; sort: SortBy; rows: readonly Row[] } | null = null;

  constructor(keys: readonly ApiKey[]) {
    this.#rows = keys.map((key) => {
      const status = keyStatus(key);
      const perms = compact(key.permissions);
      return { key, status, perms, haystack: `${key.name.toLowerCase()}\n${perms}\n${STATUS[status][1]}` };
    });
    this.size = this.#rows.length;
  }

  /** The rows a filter keeps, in the order of `sort`. */
  view(filter: string, sort: SortBy): readonly Row[] {
    const query = filter.trim().toLowerCase();
    const last = this.#last;
    if (last && last.query === query && last.sort === sort) return last.rows;
    // A longer query keeps a subset of what a shorter one kept, in the same order.
    const base = last && last.sort === sort && last.query && query.includes(last.query) ? last.rows : this.#inOrder(sort);
    const rows = query ? base.filter((r) => r.haystack.includes(query)) : base;
    this.#last = { query, sort, rows };
    return rows;
  }

  #inOrder(sort: SortBy): readonly Row[] {
    let rows = this.#sorted.get(sort);
    if (!rows) {
      rows = [...this.#rows].sort(ORDER[sort]);
      this.#sorted.set(sort, rows);
    }
    return rows;
  }
}

/** The rows to render: those in the scrolled view, plus an overscan either side. */
export interface Window { start: number; end: number }
const OVERSCAN = 6;
export function windowOf(count: number, scrollTop: number, viewport: number, rowHeight: number): Window {
  const first = Math.floor(scrollTop / rowHeight);
  const start = Math.max(0, Math.min(first, count) - OVERSCAN);
  const end = Math.min(count, first + Math.ceil(viewport / rowHeight) + OVERSCAN);
  return { start, end: Math.max(start, end) };
}

export interface ListProps {
  rows: readonly Row[];
  total: number;
  window: Window;
  rowHeight: number;
  filter: string;
  sort: SortBy;
  readonly: boolean;
  selected: ReadonlySet<string>;
  menu: string | null;
  onFilter: (value: string) => void;
  onSort: (value: SortBy) => void;
  onScroll: (event: Event) => void;
  onToggle: (id: string) => void;
  onToggleAll: (select: boolean) => void;
  onOpen: (key: ApiKey) => void;
  onMenu: (id: string | null) => void;
  actions: readonly (readonly [label: string, act: (key: ApiKey) => void])[];
}

export function list(p: ListProps): TemplateResult {
  const { rows, window: w } = p;
  const select = !p.readonly;
  const chosen = select ? rows.reduce((n, r) => n + (p.selected.has(r.key.id) ? 1 : 0), 0) : 0;
  const all = rows.length > 0 && chosen === rows.length;
  // The rows not rendered keep their place, so the scroll bar is the list's.
  // (The height attribute, not a style: a strict style-src allows it.)
  const spacer = (n: number) => (n > 0 ? html`<tr class="spacer" aria-hidden="true"><td colspan="6" height=${n * p.rowHeight}></td></tr>` : nothing);
  return html`
    <div class="controls">
      <label>Filter <input type="search" part="filter" .value=${p.filter} @input=${(e: Event) => p.onFilter((e.target as HTMLInputElement).value)}></label>
      <label>Sort by <select part="sort" @change=${(e: Event) => p.onSort((e.target as HTMLSelectElement).value as SortBy)}>
        ${SORTS.map(([v, t]) => html`<option value=${v} ?selected=${p.sort === v}>${t}</option>`)}
      </select></label>
    </div>
    <div class="scroll" part="table-wrap" role="region" aria-label="Key list" tabindex="0" @scroll=${p.onScroll}>
    <table part="table" aria-rowcount=${rows.length + 1}>
      <caption class="sr">${rows.length} of ${p.total} API keys</caption>
      <colgroup>${select ? html`<col class="pick">` : nothing}<col class="name"><col class="status"><col class="perms"><col class="expires">${p.readonly ? nothing : html`<col class="actions">`}</colgroup>
      <thead><tr aria-rowindex="1">
        ${select ? html`<th scope="col"><input type="checkbox" part="select-all" .checked=${all} .indeterminate=${chosen > 0 && !all} ?disabled=${!rows.length}
          aria-label=${`Select all ${rows.length} ${p.filter.trim() ? 'matching ' : ''}keys`} @change=${() => p.onToggleAll(!all)}></th>` : nothing}
        <th scope="col">Name</th><th scope="col">Status</th><th scope="col">Permissions</th><th scope="col">Expires</th>
        ${p.readonly ? nothing : html`<th scope="col"><span class="sr">Actions</span></th>`}
      </tr></thead>
      <tbody>${spacer(w.start)}${repeat(rows.slice(w.start, w.end), (r) => r.key.id, (r, i) => row(p, r, w.start + i))}${spacer(rows.length - w.end)}</tbody>
    </table></div>
    ${rows.length ? nothing : html`<p class="muted">${p.total ? 'No key matches the filter.' : 'No API keys yet.'}</p>`}`;
}

function row(p: ListProps, { key, status, perms }: Row, index: number): TemplateResult {
  const name = shown(key.name);
  return html`<tr part="row" aria-rowindex=${index + 2}>
    ${p.readonly ? nothing : html`<td><input type="checkbox" aria-label=${`Select ${name}`} .checked=${p.selected.has(key.id)} @change=${() => p.onToggle(key.id)}></td>`}
    <th scope="row"><button class="link" aria-haspopup="dialog" title=${name} @click=${() => p.onOpen(key)}>${named(key.name)}</button></th>
    <td><span class="status ${status}" part="status-${status}"><span aria-hidden="true">${STATUS[status][0]}</span> ${STATUS[status][1]}</span></td>
    <td class="perms" title=${perms}>${perms}</td>
    <td>${key.expiresAt ? html`${day(key.expiresAt)} <span class="muted">(${relative(key.expiresAt)})</span>` : 'never'}</td>
    ${p.readonly ? nothing : html`<td class="actions">${menu(p, key)}</td>`}
  </tr>`;
}

function menu(p: ListProps, key: ApiKey): TemplateResult {
  const open = p.menu === key.id;
  const id = `nk-menu-${key.id}`;
  // Escape closes the menu, focus back on its button.
  const keys = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    ((e.currentTarget as Element).firstElementChild as HTMLElement).focus();
    p.onMenu(null);
  };
  const out = (e: FocusEvent) => {
    if (!(e.currentTarget as Element).contains(e.relatedTarget as Node | null)) p.onMenu(null);
  };
  // Only the open menu is in the DOM: rows are made and dropped as the list
  // scrolls and filters, and three items each would be most of their weight.
  return html`<div class="menu" @keydown=${keys} @focusout=${out}>
    <button part="button menu-button" aria-label=${`Actions for ${shown(key.name)}`} aria-expanded=${open ? 'true' : 'false'} aria-controls=${open ? id : nothing}
      @click=${() => p.onMenu(open ? null : key.id)}>⋯</button>
    ${open ? html`<ul id=${id} part="menu" popover="manual">
      ${p.actions.map(([label, act]) => html`<li><button part="menu-item" @click=${() => act(key)}>${label}</button></li>`)}
    </ul>` : nothing}</div>`;
}

/** Shows the open menu in the top layer under its button, or above it when there is no room below; hides the others. */
export function placeMenus(root: ShadowRoot, open: string | null): void {
  for (const ul of root.querySelectorAll<HTMLElement>('ul[popover]')) {
    const want = open !== null && ul.id === `nk-menu-${open}`;
    const shownNow = ul.matches(':popover-open');
    if (!want) {
      if (shownNow) ul.hidePopover();
      continue;
    }
    if (!shownNow) ul.showPopover();
    const button = ul.previousElementSibling;
    if (!button) continue;
    const b = button.getBoundingClientRect();
    const m = ul.getBoundingClientRect();
    const below = b.bottom + 4 + m.height <= innerHeight;
    ul.style.top = `${below ? b.bottom + 4 : Math.max(4, b.top - 4 - m.height)}px`;
    ul.style.left = `${Math.max(4, b.right - m.width)}px`;
  }
}
