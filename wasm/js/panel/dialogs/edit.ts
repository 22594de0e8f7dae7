// Edit: the form, then the changes before anything is sent.
import { html, nothing, type TemplateResult } from 'lit';
import type { ApiKey, KeyChanges, Problem } from 'narrative-keys';
import { day, hiddenNote, named, type PermText } from '../format.js';
import { button, buttons, expiryField, matrix, nameField, problems, title, type KeyForm } from './common.js';

export type EditDialog =
  | { kind: 'edit'; step: 'form'; key: ApiKey; form: KeyForm; problems?: readonly Problem[] }
  | { kind: 'edit'; step: 'diff'; key: ApiKey; form: KeyForm; changes: KeyChanges; added: PermText[]; removed: PermText[]; newExpiry: string | null };

export interface EditProps {
  d: EditDialog;
  busy: boolean;
  change: (changes: Partial<KeyForm>) => void;
  diff: () => void;
  back: () => void;
  save: () => void;
  cancel: () => void;
}

export function edit(p: EditProps): TemplateResult {
  const { d, busy } = p;
  const cancel = button('Cancel', p.cancel, { disabled: busy });
  if (d.step === 'diff') {
    const c = d.changes;
    const none = !Object.keys(c).length;
    return html`${title(html`Changes to “${named(d.key.name)}”`)}
      ${none ? html`<p>Nothing changed.</p>` : html`<ul class="diff" part="diff">
        ${c.name !== undefined ? html`<li>Name: “${named(d.key.name)}” → “${named(c.name)}”</li>` : nothing}
        ${d.added.map((x) => html`<li class="add"><span aria-hidden="true">+</span> adds ${x}</li>`)}
        ${d.removed.map((x) => html`<li class="remove"><span aria-hidden="true">−</span> removes ${x}</li>`)}
        ${c.expiresAt !== undefined && d.newExpiry ? html`<li>Expires: ${d.key.expiresAt ? day(d.key.expiresAt) : 'never'} → ${day(d.newExpiry)}</li>` : nothing}
      </ul>${hiddenNote(d.key.name, c.name ?? '')}`}
      ${buttons(button('Back', p.back, { disabled: busy }), cancel, button('Save changes', p.save, { part: 'button primary', disabled: none || busy, autofocus: true }))}`;
  }
  const submit = (e: Event) => { e.preventDefault(); p.diff(); };
  const keep = d.key.expiresAt ? `Keep: ${day(d.key.expiresAt)}` : 'Keep: never expires';
  const fields = { form: d.form, problems: d.problems, disabled: busy, change: p.change };
  return html`<form @submit=${submit}>${title(html`Edit “${named(d.key.name)}”`)}
    ${nameField(fields)}
    ${matrix(fields)}
    ${expiryField(fields, keep)}
    ${problems(d.problems)}
    ${buttons(cancel, html`<button part="button primary" type="submit">Review changes</button>`)}</form>`;
}
