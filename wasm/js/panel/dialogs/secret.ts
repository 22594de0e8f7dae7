// A secret, shown once: copy it, or confirm it is stored; an incident's
// report to download. Closing without copying asks first.
import { html, nothing, type TemplateResult } from 'lit';
import type { ApiKey } from 'narrative-keys';
import { download, named, shown, type RotateMode } from '../format.js';
import { buttons, title } from './common.js';

export interface ShownSecret { name: string; id: string; secret: string; delivered?: boolean; revoked?: boolean }

/** A rotation's old key, retired as chosen once the new secret is delivered. */
export interface Retire { old: ApiKey; key: ApiKey; mode: RotateMode }

export interface SecretDialog {
  kind: 'secret';
  title: string | TemplateResult;
  lines: string[];
  secrets: ShownSecret[];
  retire: Retire | null;
  report?: { markdown: string; json: string; contact: string | undefined };
  copied?: number;
  confirming?: boolean;
}

export interface SecretProps {
  d: SecretDialog;
  copy: (index: number) => void;
  stored: () => void;
  back: () => void;
}

export function secretDialog({ d, copy, stored, back }: SecretProps): TemplateResult {
  const many = d.secrets.length > 1;
  const unsaved = d.secrets.filter((x) => !x.delivered && !x.revoked).length;
  const close = (label: string, autofocus = false) => html`<button part="button primary" ?data-autofocus=${autofocus} @click=${stored}>${label}</button>`;
  return html`${title(d.title)}
    ${d.lines.map((l) => html`<p>${l}</p>`)}
    ${d.secrets.length ? html`<p class="warn">Copy and store ${many ? 'each secret' : 'the secret'} now (a secret manager, an environment variable): it is shown only once.</p>` : nothing}
    ${d.secrets.map((x, i) => html`<div class="secret">
      <p>${named(x.name)}</p>
      ${x.revoked ? html`<p class="warn">The page was left before this secret was stored, so its key was revoked on the way out.</p>` : html`<code part="secret">${x.secret}</code>
      <button part="button" ?data-autofocus=${i === 0 && !d.confirming} @click=${() => copy(i)}>Copy${many ? html`<span class="sr"> the secret of ${shown(x.name)}</span>` : nothing}</button>`}
      ${d.copied === i ? html`<span aria-hidden="true">Copied</span>` : nothing}</div>`)}
    ${d.report ? report(d.report) : nothing}
    <p role="status" class="sr">${d.copied !== undefined ? 'Copied to the clipboard.' : ''}</p>
    ${!d.secrets.length ? buttons(close('Close', true))
      : d.confirming && unsaved ? html`<div role="alert" class="warn" part="warning"><p>${unsaved === 1 ? 'A secret was not copied' : `${unsaved} secrets were not copied`}: once this closes, ${unsaved === 1 ? 'it is' : 'they are'} gone for good and nobody can show ${unsaved === 1 ? 'it' : 'them'} again.
          A key whose secret is lost must be deleted.</p></div>
        ${buttons(html`<button part="button" data-autofocus @click=${back}>Back to the secret</button>`, close('Yes, I have stored it'))}`
      : buttons(close('I have stored it'))}`;
}

function report(r: NonNullable<SecretDialog['report']>): TemplateResult {
  return html`<div part="report"><h3>Report it to Narrative security</h3>
    <p>Download the report (it holds no secret) and send it to ${r.contact ? html`<a href=${`mailto:${r.contact}`}>${r.contact}</a>` : 'Narrative security'}, saying how the keys leaked.</p>
    ${buttons(
      html`<button part="button" @click=${() => download('incident-report.md', 'text/markdown', r.markdown)}>Download report (Markdown)</button>`,
      html`<button part="button" @click=${() => download('incident-report.json', 'application/json', r.json)}>Download report (JSON)</button>`)}
  </div>`;
}
