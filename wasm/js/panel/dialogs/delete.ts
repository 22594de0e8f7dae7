// Delete: confirmed in a dialog naming the key.
import { html, type TemplateResult } from 'lit';
import type { ApiKey } from 'narrative-keys';
import { hiddenNote, named } from '../format.js';
import { button, buttons, title } from './common.js';

export interface DeleteDialog { kind: 'delete'; key: ApiKey }

export interface DeleteProps { d: DeleteDialog; busy: boolean; remove: () => void; cancel: () => void }

export function confirmDelete({ d: { key }, busy, remove, cancel }: DeleteProps): TemplateResult {
  return html`${title(html`Delete “${named(key.name)}”?`)}${hiddenNote(key.name)}
    <p>The key is revoked at once: anything using it stops working. This cannot be undone.</p>
    ${buttons(button('Cancel', cancel, { disabled: busy, autofocus: true }), button('Delete', remove, { part: 'button danger', disabled: busy }))}`;
}
