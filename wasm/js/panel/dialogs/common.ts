// Parts every dialog shares: its title, buttons, the permission matrix, the
// expiration field and the problems of a form, tied to the fields they are about.
import { html, nothing, type TemplateResult } from 'lit';
import { catalog, presets, type CatalogEntry, type Field, type Permission, type Problem } from 'narrative-keys';
import { EXPIRY, type PermText } from '../format.js';

/** What a key form holds while it is filled in. */
export interface KeyForm {
  name: string;
  preset: string;
  /** Permissions as `access:resource`. */
  perms: ReadonlySet<PermText>;
  /** A choice of EXPIRY, 'date', or 'keep' (an edit). */
  expiry: string;
  date: string;
}

/** What a form's expiration field means to the SDK. */
export const expiryInput = (f: Pick<KeyForm, 'expiry' | 'date'>): string => (f.expiry === 'date' ? f.date : f.expiry);

/** The element a field's problems are tied to, and focus goes to. */
export const FIELD_IDS: Partial<Record<Field, string>> = { name: 'nk-name', permissions: 'nk-perms', expiration: 'nk-expiry' };

export const title = (text: string | TemplateResult): TemplateResult => html`<h2 id="nk-dialog-title" tabindex="-1">${text}</h2>`;
export const buttons = (...items: unknown[]): TemplateResult => html`<div class="buttons">${items}</div>`;
export const button = (label: string | TemplateResult, onClick: () => void, { part = 'button', disabled = false, autofocus = false } = {}): TemplateResult =>
  html`<button part=${part} ?disabled=${disabled} ?data-autofocus=${autofocus} @click=${onClick}>${label}</button>`;

/** The problems of a form, summarised in a live region; each field names those about it in aria-describedby. */
export function problems(list: readonly Problem[] | undefined): TemplateResult {
  const errors = (list ?? []).filter((p) => p.severity === 'error').length;
  return html`<div role="alert" part="problems-region">
    ${errors ? html`<p class="problems-summary">${errors === 1 ? 'One problem stops this key' : `${errors} problems stop this key`}:</p>` : nothing}
    ${list?.length ? html`<ul class="problems" part="problems">${list.map((p, i) => html`<li id=${`nk-problem-${i}`} class=${p.severity}>${p.severity === 'error' ? '' : 'Note: '}${p.message}</li>`)}</ul>` : nothing}
  </div>`;
}

/** The aria-invalid and aria-describedby values of a control without errors. */
const VALID = { invalid: 'false', describedBy: nothing } as const;

/** The aria-invalid and aria-describedby values of the control of `field`. */
export function invalid(list: readonly Problem[] | undefined, field: Field): { invalid: 'true' | 'false'; describedBy: string | typeof nothing } {
  const ids = (list ?? []).flatMap((p, i) => (p.field === field && p.severity === 'error' ? [`nk-problem-${i}`] : []));
  return ids.length ? { invalid: 'true', describedBy: ids.join(' ') } : VALID;
}

/** The first field with an error, in the order of the form. */
export const firstInvalid = (list: readonly Problem[]): Field | undefined =>
  (['name', 'permissions', 'expiration'] as const).find((f) => list.some((p) => p.field === f && p.severity === 'error'));

export function grouped(permissions: readonly Permission[]): TemplateResult {
  const cat = new Map(catalog().map((c) => [c.resource, c]));
  const groups = new Map<string, string[]>();
  for (const p of permissions) {
    const c = cat.get(p.resource);
    const g = c?.groupTitle ?? 'Not in the catalog (kept as the server sent it)';
    groups.set(g, [...(groups.get(g) ?? []), `${p.access} ${c?.displayName ?? p.resource}`]);
  }
  return html`<dl class="groups">${[...groups].map(([g, ps]) => html`<dt>${g}</dt><dd>${ps.join(', ')}</dd>`)}</dl>`;
}

export interface FieldProps {
  form: KeyForm;
  problems?: readonly Problem[] | undefined;
  disabled: boolean;
  change: (changes: Partial<KeyForm>) => void;
}

export function nameField({ form, problems: list, disabled, change }: FieldProps): TemplateResult {
  const v = invalid(list, 'name');
  return html`<label>Name <input id="nk-name" data-autofocus maxlength="128" .value=${form.name} ?disabled=${disabled}
    aria-invalid=${v.invalid} aria-describedby=${v.describedBy}
    @input=${(e: Event) => change({ name: (e.target as HTMLInputElement).value })}></label>`;
}

export function expiryField({ form, problems: list, disabled, change }: FieldProps, keep?: string): TemplateResult {
  const choices = keep ? [['keep', keep] as const, ...EXPIRY.filter(([v]) => v !== 'never')] : EXPIRY;
  const v = invalid(list, 'expiration');
  const date = form.expiry === 'date';
  // Of the select and the date input, only the one named nk-expiry carries the errors.
  const select = date ? VALID : v;
  return html`<label>Expiration <select id=${date ? nothing : 'nk-expiry'} ?disabled=${disabled} aria-invalid=${select.invalid} aria-describedby=${select.describedBy}
      @change=${(e: Event) => change({ expiry: (e.target as HTMLSelectElement).value })}>
      ${choices.map(([value, text]) => html`<option value=${value} ?selected=${form.expiry === value}>${text}</option>`)}</select></label>
    ${date ? html`<label>Expiration date <input id="nk-expiry" type="date" required .value=${form.date} ?disabled=${disabled}
      aria-invalid=${v.invalid} aria-describedby=${v.describedBy}
      @input=${(e: Event) => change({ date: (e.target as HTMLInputElement).value })}></label>` : nothing}
    ${form.expiry === 'never' ? html`<p class="warn" part="warning">A key that never expires works until someone deletes it. Set an expiration and rotate instead.</p>` : nothing}`;
}

export function matrix({ form, problems: list, disabled, change }: FieldProps): TemplateResult {
  const set = (p: PermText, on: boolean) => {
    const perms = new Set(form.perms);
    if (on) perms.add(p); else perms.delete(p);
    // A change leaves a fixed preset behind; SDK development is chosen this way.
    const open = presets().find((x) => x.name === form.preset)?.takesResources;
    change({ perms, preset: open ? form.preset : '' });
  };
  const groups = new Map<string, CatalogEntry[]>();
  for (const c of catalog()) groups.set(c.groupTitle, [...(groups.get(c.groupTitle) ?? []), c]);
  const known = new Set(catalog().flatMap((c) => [`read:${c.resource}`, `write:${c.resource}`]));
  const others = [...form.perms].filter((p) => !known.has(p));
  const box = (c: CatalogEntry, level: 'read' | 'write') => {
    const p: PermText = `${level}:${c.resource}`;
    const word = level === 'read' ? 'Read' : 'Write';
    return c[level] || form.perms.has(p)
      ? html`<label class="level"><input type="checkbox" .checked=${form.perms.has(p)} ?disabled=${disabled} @change=${(e: Event) => set(p, (e.target as HTMLInputElement).checked)}
          aria-label=${`${word} ${c.displayName}`}><span aria-hidden="true">${word}</span></label>`
      : html`<span class="muted level">—</span>`;
  };
  const v = invalid(list, 'permissions');
  return html`<details class="matrix" part="matrix" open><summary id="nk-perms" aria-invalid=${v.invalid} aria-describedby=${v.describedBy}>Permissions (${form.perms.size} chosen)</summary>
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
