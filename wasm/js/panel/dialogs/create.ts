// New API Key: the form, then a review of what will be sent.
import { html, nothing, type TemplateResult } from 'lit';
import { explain, parseExpiration, presets, type NewKeyInput, type Problem } from 'narrative-keys';
import { day, hiddenNote, named, parsePerm, perm, relative, type PermText } from '../format.js';
import { button, buttons, expiryField, grouped, matrix, nameField, problems, title, type KeyForm } from './common.js';

/** What Review checked and Create key sends. */
export type NewKey = NewKeyInput & { name: string; permissions: PermText[]; expiresAt: string };

export type CreateDialog =
  | { kind: 'create'; step: 'form'; form: KeyForm; problems: readonly Problem[] }
  | { kind: 'create'; step: 'review'; form: KeyForm; problems: readonly Problem[]; input: NewKey };

export interface CreateProps {
  d: CreateDialog;
  busy: boolean;
  change: (changes: Partial<KeyForm>) => void;
  review: () => void;
  back: () => void;
  create: () => void;
  cancel: () => void;
}

export function create(p: CreateProps): TemplateResult {
  const { d, busy } = p;
  const cancel = button('Cancel', p.cancel, { disabled: busy });
  if (d.step === 'review') {
    const expires = parseExpiration(d.input.expiresAt);
    return html`${title('Review the new key')}
      <dl class="review"><dt>Name</dt><dd>${named(d.input.name)}${hiddenNote(d.input.name)}</dd>
        <dt>Permissions</dt><dd>${grouped(d.input.permissions.map(parsePerm))}</dd>
        <dt>Expires</dt><dd>${expires ? `${day(expires)} (${relative(expires)})` : 'never'}</dd></dl>
      <p>${explain(d.input.permissions.map(parsePerm)).summary}</p>
      ${problems(d.problems)}
      ${buttons(button('Back', p.back, { disabled: busy }), cancel, button('Create key', p.create, { part: 'button primary', disabled: busy, autofocus: true }))}`;
  }
  const choose = (e: Event) => {
    const name = (e.target as HTMLSelectElement).value;
    const preset = presets().find((x) => x.name === name);
    // SDK development has no fixed permissions: the person picks resources in the matrix.
    p.change(preset && !preset.takesResources ? { preset: name, perms: new Set(preset.permissions.map(perm)) } : { preset: name });
  };
  const submit = (e: Event) => { e.preventDefault(); p.review(); };
  const fields = { form: d.form, problems: d.problems, disabled: busy, change: p.change };
  return html`<form @submit=${submit}>${title('New API Key')}
    ${nameField(fields)}
    <label>Use case <select @change=${choose}>
      <option value="" ?selected=${!d.form.preset}>Choose permissions yourself</option>
      ${presets().map((x) => html`<option value=${x.name} ?selected=${d.form.preset === x.name}>${x.title}: ${x.description}</option>`)}
    </select></label>
    ${presets().find((x) => x.name === d.form.preset)?.takesResources ? html`<p class="hint">Tick Read and Write below on each resource your application uses.</p>` : nothing}
    ${matrix(fields)}
    ${expiryField(fields)}
    ${problems(d.problems)}
    ${buttons(cancel, html`<button part="button primary" type="submit">Review</button>`)}</form>`;
}
