// A key's detail: status, grouped permissions, what they allow, the audit.
import { html, nothing, type TemplateResult } from 'lit';
import { audit, explain, keyStatus, type ApiKey } from 'narrative-keys';
import { STATUS, expires, named } from '../format.js';
import { button, buttons, grouped, title } from './common.js';

export interface DetailDialog { kind: 'detail'; key: ApiKey }

export interface DetailProps {
  d: DetailDialog;
  readonly: boolean;
  /** Rotate, Edit and Delete: each opens its own dialog in place of this one. */
  actions: readonly (readonly [label: string, act: (key: ApiKey) => void])[];
  close: () => void;
}

export function detail({ d: { key }, readonly, actions, close }: DetailProps): TemplateResult {
  const status = keyStatus(key);
  const explanation = explain(key.permissions);
  const findings = audit([key]);
  return html`${title(named(key.name))}
    <p><span class="status ${status}"><span aria-hidden="true">${STATUS[status][0]}</span> ${STATUS[status][1]}</span>
      · ${key.expiresAt ? `expires ${expires(key)}` : 'never expires'}</p>
    <h3>Permissions</h3>${grouped(key.permissions)}
    <h3>What it allows</h3><p>${explanation.summary}</p>
    ${explanation.sections.map((s) => html`<h4>${s.title}</h4><ul>${s.lines.map((l) => html`<li>${l}</li>`)}</ul>`)}
    <h3>Audit</h3>
    ${findings.length ? html`<ul>${findings.map((f) => html`<li><strong>${f.severity}:</strong> ${f.message}</li>`)}</ul>` : html`<p>Nothing to point out.</p>`}
    <p class="muted">Id: <code>${key.id}</code></p>
    ${buttons(readonly ? nothing : actions.map(([label, act]) => button(label, () => act(key))), button('Close', close, { autofocus: true }))}`;
}
