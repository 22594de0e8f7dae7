//! The dialogs: help, confirmations, the once-only secret, the incident flow.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::{SPINNER, centered, wrapped_lines};
use crate::output::{clean, status_symbol};
use crate::ui::app::App;
use crate::ui::hit::button_key;
use crate::ui::modal::{IncidentModal, Modal, SecretModal};
use crate::ui::text::{count_of, truncate};
use crate::ui::theme::Theme;

/// A dialog's buttons: `(key, what)`, drawn on its last rows; clicking one
/// presses its key.
type Buttons<'a> = &'a [(&'a str, &'a str)];

/// Where each button goes in rows `width` wide: (row, x, width).
fn button_places(buttons: Buttons, width: u16) -> Vec<(u16, u16, u16)> {
    let mut out = Vec::new();
    let (mut row, mut x) = (0u16, 0u16);
    for (k, what) in buttons {
        let w = (k.width() + 1 + what.width()).min(usize::from(width)) as u16;
        if x > 0 && x + w > width {
            row += 1;
            x = 0;
        }
        out.push((row, x, w));
        x = x.saturating_add(w + 3);
    }
    out
}

/// Draws a bordered box of the given size with `lines`, wrapped, and the
/// buttons below them.
fn dialog(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    (title, lines, buttons): (String, Vec<Line<'static>>, Buttons),
    theme: Theme,
    w: u16,
) {
    // Height: the wrapped lines, plus the borders.
    let inner_w = w.min(area.width).saturating_sub(2).max(1) as usize;
    let h: usize = lines
        .iter()
        .map(|l| (l.width().max(1)).div_ceil(inner_w))
        .sum::<usize>()
        + 2;
    dialog_sized(
        frame,
        app,
        area,
        (title, lines, buttons),
        theme,
        (w, h),
        Show::Start,
    );
}

/// Which lines a dialog taller than the screen shows.
#[derive(Clone, Copy)]
enum Show {
    Start,
    /// The last lines, where the questions are.
    End,
    /// From this line on (the help, scrolled).
    From(u16),
}

/// A dialog sized by its word-wrapped lines (server text wraps where
/// `dialog`'s count by characters would fall short) and kept to its end,
/// so its keys line always shows.
fn wrapped_dialog(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    (title, lines, buttons): (String, Vec<Line<'static>>, Buttons),
    theme: Theme,
    w: u16,
) {
    let inner = usize::from(w.min(area.width).saturating_sub(2).max(1));
    let h = lines.iter().map(|l| line_height(l, inner)).sum::<usize>() + 2;
    dialog_sized(
        frame,
        app,
        area,
        (title, lines, buttons),
        theme,
        (w, h),
        Show::End,
    );
}

/// How many rows `line` takes wrapped at word boundaries to `width`.
fn line_height(line: &Line, width: usize) -> usize {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let by_chars = line.width().max(1).div_ceil(width.max(1));
    wrapped_lines(&text, width).max(by_chars)
}

/// Draws a bordered box `w` wide and `h` high (borders included), plus the
/// rows of its buttons. When that is taller than `area`, `show` says which
/// lines are seen; the buttons always are. The rows it could not show are
/// recorded, so scrolling stops at the last line.
fn dialog_sized(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    (title, lines, buttons): (String, Vec<Line<'static>>, Buttons),
    theme: Theme,
    (w, h): (u16, usize),
    show: Show,
) {
    let inner_w = w.min(area.width).saturating_sub(2);
    let places = button_places(buttons, inner_w);
    let button_rows = places.last().map_or(0, |(row, _, _)| row + 1);
    let h = h + usize::from(button_rows);
    let rect = centered(area, w, h.min(u16::MAX as usize) as u16);
    let overflow = h.saturating_sub(usize::from(rect.height));
    let overflow = overflow.min(u16::MAX as usize) as u16;
    let scroll = match show {
        Show::Start => 0,
        Show::End => overflow,
        Show::From(n) => n.min(overflow),
    };
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(Span::styled(title, theme.bold()))
        .border_style(theme.focused_border());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let rows = button_rows.min(inner.height);
    let [text_area, button_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(rows)]).areas(inner);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        text_area,
    );
    let mut regions = app.regions.borrow_mut();
    regions.dialog_overflow = overflow;
    for ((k, what), (row, x, bw)) in buttons.iter().zip(places) {
        if row >= button_area.height {
            break;
        }
        let at = Rect {
            x: button_area.x + x,
            y: button_area.y + row,
            width: bw,
            height: 1,
        }
        .intersection(button_area);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled((*k).to_owned(), theme.key()),
                Span::raw(format!(" {what}")),
            ])),
            at,
        );
        if let Some(key) = button_key(k) {
            regions.buttons.push((at, key));
        }
    }
}

const MANY_STOP_WORKING: &str =
    "They stop working at once, for everything that uses them. This cannot be undone.";

pub fn render(modal: &Modal, app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let w = area.width.saturating_sub(4).min(76);
    match modal {
        Modal::Help => {
            let bindings = app.bindings();
            let key_w = bindings
                .iter()
                .map(|(k, _)| unicode_width::UnicodeWidthStr::width(*k))
                .max()
                .unwrap_or(0);
            let lines: Vec<Line> = bindings
                .iter()
                .map(|(k, what)| {
                    Line::from(vec![
                        Span::styled(format!(" {k:<key_w$}  "), theme.key()),
                        Span::raw((*what).to_owned()),
                    ])
                })
                .collect();
            let context = if app.form.is_some() {
                "the form"
            } else {
                "the key list"
            };
            let title = format!(" Help: {context} ");
            // Word-wrapped heights, so scrolling reaches the very last line.
            let inner_w = usize::from(w.min(area.width).saturating_sub(2).max(1));
            let h = lines.iter().map(|l| line_height(l, inner_w)).sum::<usize>() + 2;
            let buttons = [("Esc / ?", "close"), ("↑ ↓", "scroll")];
            dialog_sized(
                frame,
                app,
                area,
                (title, lines, &buttons),
                theme,
                (w, h),
                Show::From(app.help_scroll),
            );
        }
        Modal::ConfirmRevoke(confirm) => {
            let keys = &confirm.keys;
            let mut lines = Vec::new();
            match keys.as_slice() {
                [(id, name)] => {
                    lines.push(Line::from(vec![
                        Span::raw("Revoke "),
                        Span::styled(format!("\"{}\"", clean(name)), theme.bold()),
                        Span::raw("?"),
                    ]));
                    lines.push(Line::from(Span::styled(
                        format!("id {}", clean(id)),
                        theme.dim(),
                    )));
                }
                many => {
                    lines.push(Line::from(Span::styled(
                        format!("Revoke these {} keys?", many.len()),
                        theme.bold(),
                    )));
                    // The list gives way to the prompt below it: the rows
                    // the other lines leave, never more than eight.
                    let inner = usize::from(w.min(area.width).saturating_sub(2).max(1));
                    let rows = |text: &str| line_height(&Line::raw(text.to_owned()), inner);
                    let warning_rows =
                        key_manager_warning(app, keys.iter().map(|(id, _)| id.as_str()), theme)
                            .map_or(0, |l| line_height(&l, inner));
                    let note_rows = confirm
                        .note
                        .as_ref()
                        .map_or(0, |n| rows(&format!("✖ {}", clean(n))));
                    // Title, the warnings, blank, prompt, note, buttons, borders.
                    let fixed =
                        1 + rows(MANY_STOP_WORKING) + warning_rows + 1 + 1 + note_rows + 1 + 2;
                    let room = usize::from(area.height).saturating_sub(fixed).clamp(1, 8);
                    // One row goes to "… and N more" when not all fit.
                    let shown = if many.len() > room {
                        room - 1
                    } else {
                        many.len()
                    };
                    for (id, name) in many.iter().take(shown) {
                        let id = clean(id);
                        // The name gives way, so each key takes one row.
                        let name_room = inner.saturating_sub(8 + id.width()).clamp(8, 30);
                        lines.push(Line::from(format!(
                            "  • \"{}\"  {id}",
                            truncate(&clean(name), name_room),
                        )));
                    }
                    if shown == 0 {
                        lines.push(Line::from("  (the keys marked ◆ in the list)"));
                    } else if many.len() > shown {
                        lines.push(Line::from(format!("  … and {} more", many.len() - shown)));
                    }
                }
            }
            lines.push(Line::from(Span::styled(
                if keys.len() == 1 {
                    "It stops working at once, for everything that uses it. This cannot be undone."
                } else {
                    MANY_STOP_WORKING
                },
                theme.warning(),
            )));
            lines.extend(key_manager_warning(
                app,
                keys.iter().map(|(id, _)| id.as_str()),
                theme,
            ));
            lines.push(Line::raw(""));
            let title = " Revoke? ".to_owned();
            if confirm.needs_count() {
                let n = keys.len();
                lines.push(Line::from(vec![
                    Span::raw(format!("Type {n} to revoke all {n}: ")),
                    Span::styled(clean(&confirm.typed.value), theme.bold()),
                    Span::styled("▏", theme.accent()),
                ]));
                if let Some(note) = &confirm.note {
                    lines.push(Line::from(Span::styled(
                        format!("✖ {}", clean(note)),
                        theme.error(),
                    )));
                }
                let buttons = [("Enter", "revoke"), ("Esc", "keep them")];
                // Kept to its end: the prompt and its note always show.
                wrapped_dialog(frame, app, area, (title, lines, &buttons), theme, w);
            } else {
                let buttons = [("y", "revoke"), ("n / Esc", "keep it")];
                dialog(frame, app, area, (title, lines, &buttons), theme, w);
            }
        }
        Modal::OfferReadOnly { message } => {
            let lines = vec![
                Line::from(Span::styled(
                    format!("The server refused a change: {}", clean(message)),
                    theme.error(),
                )),
                Line::from(
                    "This key may hold only read:access_tokens. In read-only mode the list stays, and changes are no longer offered.",
                ),
            ];
            let buttons = [
                ("y", "switch to read-only"),
                ("n / Esc", "keep offering changes"),
            ];
            let title = " Switch to read-only? ".to_owned();
            wrapped_dialog(frame, app, area, (title, lines, &buttons), theme, w);
        }
        Modal::SessionEnded(text) => {
            let lines = vec![Line::from(Span::styled(clean(text), theme.error()))];
            let buttons = [
                ("q", "quit"),
                ("Esc", "close (the list stays as last loaded)"),
            ];
            let title = " This session's key no longer works ".to_owned();
            wrapped_dialog(frame, app, area, (title, lines, &buttons), theme, w);
        }
        Modal::ConfirmRotate { id, name, choice } => {
            let mut lines = vec![
                Line::from(vec![
                    Span::raw("Rotate "),
                    Span::styled(format!("\"{}\"", clean(name)), theme.bold()),
                    Span::raw("?"),
                ]),
                Line::from(Span::styled(format!("id {}", clean(id)), theme.dim())),
                Line::from(
                    "A new key with the same name and permissions is created, expiring in 90 days; its secret is shown once. Then the old key:",
                ),
            ];
            for (i, (label, _)) in crate::ui::modal::ROTATE_CHOICES.iter().enumerate() {
                let picked = i == *choice;
                let mark = if picked { "(•)" } else { "( )" };
                let text = format!(" {mark} {} {label}", i + 1);
                lines.push(Line::from(Span::styled(
                    text,
                    if picked { theme.bold() } else { theme.dim() },
                )));
            }
            if *choice == 0 {
                lines.extend(key_manager_warning(
                    app,
                    std::iter::once(id.as_str()),
                    theme,
                ));
            }
            lines.push(Line::raw(""));
            let buttons = [("y", "rotate"), ("n / Esc", "cancel")];
            let title = " Rotate? ".to_owned();
            wrapped_dialog(frame, app, area, (title, lines, &buttons), theme, w);
        }
        Modal::Secret(m) => secret(m, app, theme, frame, area, w),
        Modal::Incident(stage) => incident(stage, app, theme, frame, area, w),
    }
}

/// Revoking a key that can manage keys may revoke the one this session signs
/// in with; the API cannot say which that is, so say it plainly.
fn key_manager_warning<'a>(
    app: &App,
    ids: impl Iterator<Item = &'a str>,
    theme: Theme,
) -> Option<Line<'static>> {
    let ids: Vec<&str> = ids.collect();
    if let Some(own) = &app.own_key_id {
        // Known (the demo): say it for that key, and only for it.
        if !ids.contains(&own.as_str()) {
            return None;
        }
        return Some(Line::from(Span::styled(
            "▲ This session signs in with this key: once it is revoked, the session can do nothing more.",
            theme.error(),
        )));
    }
    let admin = narrative_keys::Resource::new("access_tokens");
    let names: Vec<String> = ids
        .into_iter()
        .filter_map(|id| app.keys.iter().find(|k| k.id == id))
        .filter(|k| {
            k.permissions
                .grants(&narrative_keys::AccessLevel::Write, &admin)
        })
        .map(|k| format!("\"{}\"", truncate(&clean(&k.name), 30)))
        .collect();
    if names.is_empty() {
        return None;
    }
    Some(Line::from(Span::styled(
        format!(
            "▲ {} can manage keys: if it is the key this session signs in with, nothing here will work afterwards.",
            names.join(", ")
        ),
        theme.error(),
    )))
}

fn note_line(theme: Theme, note: &Result<String, String>) -> Line<'static> {
    match note {
        Ok(t) => Line::from(Span::styled(format!("✓ {}", clean(t)), theme.ok())),
        Err(t) => Line::from(Span::styled(format!("✖ {}", clean(t)), theme.error())),
    }
}

/// One secret's lines: its key, the secret itself when selected, and what
/// it replaces and whether it was copied or written.
fn secret_entry(m: &SecretModal, i: usize, theme: Theme, width: usize) -> Vec<Line<'static>> {
    let e = &m.entries[i];
    let many = m.entries.len() > 1;
    let here = i == m.cursor;
    let indent = if many { "    " } else { "  " };
    let marker = match (many, here) {
        (false, _) => "",
        (true, true) => "▸ ",
        (true, false) => "  ",
    };
    let id = format!("  id {}", clean(&e.key.id));
    // The name gives way, so the key's line fits on one row.
    let room = width
        .saturating_sub(marker.width() + id.width() + 2)
        .max(12);
    let mut lines = vec![Line::from(vec![
        Span::styled(marker, theme.accent()),
        Span::styled(
            format!("\"{}\"", truncate(&clean(&e.key.name), room.min(40))),
            theme.bold(),
        ),
        Span::styled(id, theme.dim()),
    ])];
    if here {
        // The one place the UI shows a secret: on purpose, once.
        lines.push(Line::from(Span::styled(
            format!("{indent}{}", clean(e.secret.expose())),
            theme.accent(),
        )));
    }
    let state = match (e.copied, e.written) {
        (false, false) => Span::styled("not copied or written", theme.warning()),
        (true, false) => Span::styled("✓ copied", theme.ok()),
        (false, true) => Span::styled("✓ written", theme.ok()),
        (true, true) => Span::styled("✓ copied, written", theme.ok()),
    };
    let mut info = vec![Span::raw(indent)];
    if let Some(old) = &e.replaces {
        info.push(Span::styled(
            format!("replaces {} · ", clean(old)),
            theme.dim(),
        ));
    }
    info.push(state);
    lines.push(Line::from(info));
    lines
}

fn secret(m: &SecretModal, app: &App, theme: Theme, frame: &mut Frame, area: Rect, w: u16) {
    let total = m.entries.len();
    let inner_w = w.min(area.width).saturating_sub(2).max(1) as usize;
    let height = |lines: &[Line]| -> usize { lines.iter().map(|l| line_height(l, inner_w)).sum() };

    let mut head = Vec::new();
    if total > 1 {
        let unsaved = m.unsaved();
        head.push(Line::from(Span::styled(
            format!(
                "{total} new secrets: {} copied or written, {unsaved} not yet.",
                total - unsaved
            ),
            theme.bold(),
        )));
    }
    // Below the list, always shown: the warning, what happened, and the keys.
    let mut tail = vec![Line::raw("")];
    tail.push(Line::from(Span::styled(
        if total == 1 {
            "This secret will not be shown again. Store it now: copy it or write it to a file."
        } else {
            "These secrets will not be shown again. Store them now: copy each one, or write them all to one file."
        },
        theme.warning().add_modifier(ratatui::style::Modifier::BOLD),
    )));
    if let Some(n) = &m.note {
        tail.push(Line::from(Span::styled(
            format!("✖ {}", clean(n)),
            theme.error(),
        )));
    }
    if let Some(n) = &m.copy_note {
        tail.push(note_line(theme, n));
    }
    if let Some(n) = &m.file_note {
        tail.push(note_line(theme, n));
    }
    tail.push(Line::raw(""));
    if let Some(input) = &m.file_input {
        let prompt = if total == 1 {
            "Write the secret to: "
        } else {
            "Write all secrets to: "
        };
        tail.push(Line::from(vec![
            Span::styled(prompt, theme.accent()),
            Span::raw(clean(&input.value)),
            Span::styled("▏", theme.accent()),
        ]));
    }
    let buttons: Buttons = if m.file_input.is_some() {
        &[
            ("Enter", "write (mode 0600)"),
            ("Ctrl-U", "clear"),
            ("Esc", "cancel"),
        ]
    } else if m.confirm_dismiss {
        tail.push(Line::from(Span::styled(m.dismiss_question(), theme.bold())));
        &[("y", "dismiss"), ("n / any other key", "keep the dialog")]
    } else if total == 1 {
        &[
            ("c", "copy"),
            ("w", "write to a 0600 file"),
            ("D", "dismiss"),
        ]
    } else {
        &[
            ("↑ ↓", "choose"),
            ("c", "copy it"),
            ("w", "write all to a 0600 file"),
            ("D", "dismiss"),
        ]
    };
    let button_rows = button_places(buttons, inner_w as u16)
        .last()
        .map_or(0, |(row, _, _)| usize::from(*row) + 1);

    // The list takes the room left; past that, a window around the cursor.
    let blocks: Vec<Vec<Line<'static>>> = (0..total)
        .map(|i| secret_entry(m, i, theme, inner_w))
        .collect();
    let heights: Vec<usize> = blocks.iter().map(|b| height(b)).collect();
    let room =
        usize::from(area.height).saturating_sub(2 + height(&head) + height(&tail) + button_rows);
    let (mut first, mut end) = (0, total);
    if heights.iter().sum::<usize>() > room && total > 0 {
        let cursor = m.cursor.min(total - 1);
        // Two rows for "… more above / below".
        let room = room.saturating_sub(2);
        (first, end) = (cursor, cursor + 1);
        let mut used = heights[cursor];
        loop {
            let mut grew = false;
            if end < total && used + heights[end] <= room {
                used += heights[end];
                end += 1;
                grew = true;
            }
            if first > 0 && used + heights[first - 1] <= room {
                first -= 1;
                used += heights[first];
                grew = true;
            }
            if !grew {
                break;
            }
        }
    }
    let mut lines = head;
    if first > 0 {
        lines.push(Line::from(Span::styled(
            format!("  … {first} more above (↑)"),
            theme.dim(),
        )));
    }
    for block in blocks.into_iter().take(end).skip(first) {
        lines.extend(block);
    }
    if end < total {
        lines.push(Line::from(Span::styled(
            format!("  … {} more below (↓)", total - end),
            theme.dim(),
        )));
    }
    lines.extend(tail);
    let h = height(&lines) + 2;
    let title = format!(" {}: shown once ", m.title);
    dialog_sized(
        frame,
        app,
        area,
        (title, lines, buttons),
        theme,
        (w, h),
        Show::End,
    );
}

fn incident(stage: &IncidentModal, app: &App, theme: Theme, frame: &mut Frame, area: Rect, w: u16) {
    match stage {
        IncidentModal::Plan { plan, scroll } => {
            let mut lines = vec![Line::from(Span::styled(
                format!(
                    "Dry run: nothing has changed yet. Running it revokes {} at once:",
                    count_of(plan.keys.len(), "key", "keys")
                ),
                theme.bold(),
            ))];
            // The lines around the list, the look-alike note among them.
            let fixed = 12 + usize::from(!plan.look_alikes.is_empty());
            let room = usize::from(area.height).saturating_sub(fixed);
            for p in plan.keys.iter().skip(*scroll as usize).take(room.max(1)) {
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("  {} ", status_symbol(p.status)),
                        theme.status(p.status),
                    ),
                    Span::raw(format!(
                        "{:<31}",
                        format!("\"{}\"", truncate(&clean(&p.key.name), 28))
                    )),
                    Span::styled(clean(&p.key.id), theme.dim()),
                ]));
            }
            if !plan.missing_ids.is_empty() {
                lines.push(Line::from(format!(
                    "Not found: {}",
                    plan.missing_ids.join(", ")
                )));
            }
            if !plan.look_alikes.is_empty() {
                lines.push(Line::from(format!(
                    "Alike but not selected: {} with a planned name and permissions",
                    count_of(plan.look_alikes.len(), "key", "keys")
                )));
            }
            lines.push(Line::from(vec![
                Span::styled("Replacements: ", theme.accent()),
                Span::raw(if plan.replace {
                    "on: each revoked key gets a new one with the same permissions, expiring in 90 days; secrets shown once."
                } else {
                    "off: the keys are only revoked."
                }),
            ]));
            lines.push(Line::from(Span::styled(
                "Afterwards the report is saved to a Markdown file in the current directory.",
                theme.dim(),
            )));
            lines.extend(key_manager_warning(
                app,
                plan.keys.iter().map(|p| p.key.id.as_str()),
                theme,
            ));
            lines.push(Line::raw(""));
            let buttons = [
                ("y", "run it"),
                ("r", "toggle replacements"),
                ("Esc", "cancel"),
            ];
            let title = " Incident response ".to_owned();
            dialog(frame, app, area, (title, lines, &buttons), theme, w);
        }
        IncidentModal::Running { count } => {
            let s = SPINNER[app.spinner % SPINNER.len()];
            let lines = vec![Line::from(Span::styled(
                format!("{s} Revoking {}…", count_of(*count, "key", "keys")),
                theme.accent(),
            ))];
            let title = " Incident response ".to_owned();
            dialog(frame, app, area, (title, lines, &[]), theme, w);
        }
        IncidentModal::Done {
            report,
            path,
            editing,
            saved,
            ..
        } => {
            let mut lines = vec![Line::from(Span::styled(
                format!(
                    "Done: {} revoked, {} replaced, {} failed.",
                    report.revoked.len(),
                    report.replacements.len(),
                    report.failures.len()
                ),
                theme.bold(),
            ))];
            for f in report.failures.iter().take(5) {
                lines.push(Line::from(Span::styled(
                    format!("✖ \"{}\" ({}): {}", clean(&f.name), f.step, clean(&f.error)),
                    theme.error(),
                )));
            }
            match saved {
                Some(n) => lines.push(note_line(theme, n)),
                None => lines.push(Line::from(Span::styled("Saving the report…", theme.dim()))),
            }
            lines.push(Line::from(vec![
                Span::styled("Next: ", theme.accent()),
                Span::raw(format!(
                    "send the report to Narrative security, {} (it holds no secret).",
                    narrative_keys::incident::SECURITY_CONTACT
                )),
            ]));
            lines.push(Line::raw(""));
            if *editing {
                lines.push(Line::from(vec![
                    Span::styled("Save the report to: ", theme.accent()),
                    Span::raw(clean(&path.value)),
                    Span::styled("▏", theme.accent()),
                ]));
            }
            let buttons: Buttons = if *editing {
                &[("Enter", "save"), ("Esc", "cancel")]
            } else {
                &[("w", "save elsewhere"), ("Enter / Esc", "close")]
            };
            let title = " Incident response: report ".to_owned();
            dialog(frame, app, area, (title, lines, buttons), theme, w);
        }
    }
}
