// The panel's look: every colour, the font and the radius come from --nk-*
// custom properties, with light and dark defaults.
import { css } from 'lit';

export const styles = css`
:host {
  --_accent: var(--nk-accent, #1d4ed8);
  --_on-accent: var(--nk-on-accent, #fff);
  --_bg: var(--nk-background, #fff);
  --_fg: var(--nk-foreground, #1a1a1a);
  --_muted: var(--nk-muted, #595959);
  --_border: var(--nk-border, #c8c8c8);
  --_surface: var(--nk-surface, #f4f5f7);
  --_danger: var(--nk-danger, #b91c1c);
  --_warn: var(--nk-warning, #8a4b00);
  --_ok: var(--nk-success, #166534);
  --_radius: var(--nk-radius, 6px);
  display: block;
  color: var(--_fg);
  background: var(--_bg);
  color-scheme: light dark;
}
/* Text properties of the host page do not get in, even set on the element
   itself (which outranks :host): every one the panel relies on is set on its
   own root. The font shorthand resets line-height and font-variant. */
section {
  font: var(--nk-font-size, 0.95rem)/1.45 var(--nk-font, system-ui, sans-serif);
  text-transform: none;
  letter-spacing: normal;
  word-spacing: normal;
  white-space: normal;
  text-indent: 0;
  text-align: start;
  text-shadow: none;
}
@media (prefers-color-scheme: dark) {
  :host {
    --_accent: var(--nk-accent, #8ab4ff);
    --_on-accent: var(--nk-on-accent, #0b1020);
    --_bg: var(--nk-background, #16181d);
    --_fg: var(--nk-foreground, #ececec);
    --_muted: var(--nk-muted, #a8a8a8);
    --_border: var(--nk-border, #4a4d55);
    --_surface: var(--nk-surface, #22252c);
    --_danger: var(--nk-danger, #ff8a8a);
    --_warn: var(--nk-warning, #f5c26b);
    --_ok: var(--nk-success, #7ddc9a);
  }
}
section { padding: 0.75rem; }
header { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; justify-content: space-between; }
h2 { margin: 0.25rem 0; font-size: 1.3em; }
h3 { margin: 1rem 0 0.25rem; font-size: 1.05em; }
h4 { margin: 0.5rem 0 0; font-size: 1em; }
.toolbar, .controls, .buttons { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; }
.buttons { margin-top: 1rem; justify-content: flex-end; }
label { display: flex; flex-direction: column; gap: 0.2rem; margin: 0.4rem 0; }
.controls label { flex: 1 1 10rem; }
label.choice, label.level { flex-direction: row; align-items: center; gap: 0.4rem; margin: 0.2rem 0; }
input, select, textarea, button { font: inherit; color: inherit; }
input:not([type=checkbox]):not([type=radio]), select, textarea {
  background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius); padding: 0.4rem 0.5rem; min-width: 0;
}
button {
  background: var(--_surface); border: 1px solid var(--_border); border-radius: var(--_radius);
  padding: 0.4rem 0.8rem; cursor: pointer; min-height: 2.25rem;
}
button[part~=primary] { background: var(--_accent); border-color: var(--_accent); color: var(--_on-accent); }
button[part~=danger] { background: var(--_danger); border-color: var(--_danger); color: var(--_bg); }
button:disabled { opacity: 0.6; cursor: default; }
button.link { background: none; border: 0; padding: 0; min-height: 0; color: var(--_accent); text-decoration: underline; text-align: start; font-weight: 600; }
:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
.scroll { overflow: auto; margin-top: 0.5rem; position: relative; max-height: min(70vh, 40rem); overscroll-behavior: contain; }
/* Fixed columns and one-line rows: a long name or permission list is cut with
   an ellipsis (the whole text in its title and accessible name), and the rows
   of a virtualized list all have the height the window is computed with. */
table { border-collapse: collapse; width: 100%; table-layout: fixed; min-width: 36rem; }
th, td { text-align: start; padding: 0.45rem 0.5rem; border-bottom: 1px solid var(--_border); vertical-align: middle;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
thead th { font-size: 0.85em; color: var(--_muted); text-transform: uppercase; letter-spacing: 0.03em; position: sticky; top: 0; background: var(--_bg); z-index: 1; }
tbody tr[part~=row] { height: 2.75rem; }
tbody th { font-weight: normal; }
tr.spacer td { padding: 0; border: 0; }
col.pick { width: 2.75rem; }
col.name { width: 30%; }
col.status { width: 9.5rem; }
col.expires { width: 13rem; }
col.actions { width: 3.5rem; }
tbody th button.link { display: block; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.perms { font-family: ui-monospace, monospace; font-size: 0.85em; }
.muted { color: var(--_muted); }
.note { min-height: 1.2em; margin: 0.25rem 0; color: var(--_muted); }
.status { white-space: nowrap; font-weight: 600; }
.status.active { color: var(--_ok); }
.status.expiring_soon, .warn { color: var(--_warn); }
.status.expired, .status.no_expiration, .error, .problems .error { color: var(--_danger); }
.error { border: 1px solid var(--_danger); border-radius: var(--_radius); padding: 0.25rem 0.75rem; }
/* The menu is a popover: in the top layer, never clipped by the table; placed
   under its button, or above it when there is no room below. */
.menu ul { position: fixed; inset: auto; margin: 0; list-style: none; padding: 0.25rem; color: var(--_fg);
  background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius); box-shadow: 0 4px 16px #0004; min-width: 8rem; }
.menu li button { width: 100%; text-align: start; background: none; border: 0; }
.menu li button:hover { background: var(--_surface); }
.connect { max-width: 28rem; }
.hint { color: var(--_muted); font-size: 0.9em; }
dialog {
  color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius);
  width: min(44rem, calc(100vw - 1.5rem)); max-height: calc(100dvh - 1.5rem); padding: 1rem; box-sizing: border-box;
}
dialog::backdrop { background: #0008; }
dialog h2:focus { outline: none; }
fieldset { border: 1px solid var(--_border); border-radius: var(--_radius); margin: 0.5rem 0; padding: 0.25rem 0.75rem; }
legend { font-weight: 600; }
.matrix summary { cursor: pointer; font-weight: 600; margin: 0.5rem 0; }
.resource { display: grid; grid-template-columns: 1fr auto auto; gap: 0.1rem 0.75rem; align-items: center; padding: 0.2rem 0; border-bottom: 1px dashed var(--_border); }
.resource small { display: block; }
abbr { text-decoration: none; margin-inline-start: 0.2rem; color: var(--_warn); font-weight: 700; }
.secret { position: relative; border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_surface); padding: 0.5rem; margin: 0.5rem 0; }
.secret p { margin: 0 0 0.25rem; font-weight: 600; }
.secret code {
  /* The secret reads exactly as it copies: nothing inherited (case, spacing,
     ligatures, wrapping) changes how it looks. */
  all: initial; display: block; font-family: ui-monospace, monospace; font-size: 0.95em; line-height: 1.4;
  color: var(--_fg); white-space: pre-wrap; word-break: break-all; margin-bottom: 0.5rem; user-select: all;
}
.diff .add { color: var(--_ok); }
.diff .remove { color: var(--_danger); }
dl.review dt, dl.groups dt { font-weight: 600; }
dl.review dd, dl.groups dd { margin: 0 0 0.4rem 0; }
.escaped { font-family: ui-monospace, monospace; font-size: 0.9em; color: var(--_warn); border: 1px dashed currentColor; border-radius: 3px; padding: 0 0.15em; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
[aria-invalid=true] { border-color: var(--_danger) !important; outline-color: var(--_danger); }
.problems-summary { margin: 0.5rem 0 0; font-weight: 600; color: var(--_danger); }
@media (max-width: 600px) {
  section { padding: 0.5rem 0.25rem; }
  th, td { padding: 0.4rem 0.3rem; }
}
@media (prefers-reduced-motion: no-preference) {
  button { transition: background-color 120ms, box-shadow 120ms; }
}
`;
