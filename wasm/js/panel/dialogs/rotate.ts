// Rotate: how the old key is treated, and the new key's expiration.
import { html, type TemplateResult } from 'lit';
import type { ApiKey } from 'narrative-keys';
import { ROTATE, hiddenNote, named, type RotateMode } from '../format.js';
import { button, buttons, expiryField, title, type KeyForm } from './common.js';

export interface RotateDialog { kind: 'rotate'; key: ApiKey; mode: RotateMode; form: KeyForm }

export interface RotateProps {
  d: RotateDialog;
  busy: boolean;
  mode: (mode: RotateMode) => void;
  change: (changes: Partial<KeyForm>) => void;
  rotate: () => void;
  cancel: () => void;
}

export function rotate({ d, busy, mode, change, rotate: go, cancel }: RotateProps): TemplateResult {
  return html`${title(html`Rotate “${named(d.key.name)}”`)}${hiddenNote(d.key.name)}
    <p>A new key with the same permissions is created first, and its secret shown once. The old key is left as chosen below only once you have copied or stored that secret.</p>
    <fieldset ?disabled=${busy}><legend>The old key</legend>
      ${ROTATE.map(([v, t]) => html`<label class="choice"><input type="radio" name="mode" value=${v} .checked=${d.mode === v}
        @change=${() => mode(v)}> ${t}</label>`)}
    </fieldset>
    ${expiryField({ form: d.form, disabled: busy, change })}
    ${buttons(button('Cancel', cancel, { disabled: busy }), button('Rotate', go, { part: 'button primary', disabled: busy }))}`;
}
