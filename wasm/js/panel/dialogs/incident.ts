// Respond to a leak: the plan (a dry run, nothing revoked yet) and its options.
import { html, nothing, type TemplateResult } from 'lit';
import type { IncidentPlan } from 'narrative-keys';
import { STATUS, compact, hiddenNote, named } from '../format.js';
import { button, buttons, title } from './common.js';

export interface IncidentDialog { kind: 'incident'; ids: string[]; plan: IncidentPlan; replace: boolean; note: string }

export interface IncidentProps {
  d: IncidentDialog;
  busy: boolean;
  change: (changes: Partial<Pick<IncidentDialog, 'replace' | 'note'>>) => void;
  run: () => void;
  cancel: () => void;
}

/** How many planned keys are listed by name; the rest are counted (a select-all can plan thousands). */
const LISTED = 200;

export function incident({ d, busy, change, run, cancel }: IncidentProps): TemplateResult {
  const p = d.plan;
  const more = p.keys.length - LISTED;
  return html`${title('Respond to a leak')}
    <p>These ${p.keys.length} key(s) will be revoked at once:</p>
    ${hiddenNote(...p.keys.map(({ key }) => key.name))}
    <ul class="planned">${p.keys.slice(0, LISTED).map(({ key, status }) => html`<li>${named(key.name)} <span class="muted">(${STATUS[status][1]}; ${compact(key.permissions)})</span></li>`)}</ul>
    ${more > 0 ? html`<p>…and ${more} more.</p>` : nothing}
    ${p.missingIds.length ? html`<p class="warn">${p.missingIds.length} selected key(s) no longer exist.</p>` : nothing}
    ${p.lookAlikes.length ? html`<p class="warn">${p.lookAlikes.length} other key(s) have the same name and permissions as a planned key: check whether they leaked too.</p>` : nothing}
    <label class="choice"><input type="checkbox" .checked=${d.replace} ?disabled=${busy} @change=${(e: Event) => change({ replace: (e.target as HTMLInputElement).checked })}>
      Create a replacement for each key (same permissions, expires in 90 days)</label>
    <label>What happened (goes into the report) <textarea rows="2" .value=${d.note} ?disabled=${busy} @input=${(e: Event) => change({ note: (e.target as HTMLTextAreaElement).value })}></textarea></label>
    ${buttons(button('Cancel', cancel, { disabled: busy }), button(`Revoke ${p.keys.length} key(s) now`, run, { part: 'button danger', disabled: busy }))}`;
}
