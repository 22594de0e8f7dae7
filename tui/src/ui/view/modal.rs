//! The dialogs: help, confirmations, the once-only secret, the incident flow.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::{SPINNER, centered, wrapped_lines};
use crate::output::{clean, status_symbol};
use crate::ui::app::App;
use crate::ui::modal::{IncidentModal, Modal, SecretModal};
use crate::ui::text::truncate;
use crate::ui::theme::Theme;

fn keys_line(theme: Theme, pairs: &[(&str, &str)]) -> Line<'static> {
    let mut spans = Vec::new();
    for (k, what) in pairs {
        spans.push(Span::styled((*k).to_owned(), theme.key()));
        spans.push(Span::raw(format!(" {what}   ")));
    }
    Line::from(spans)
}

/// Draws a bordered box of the given size with `lines`, wrapped.
fn dialog(
    frame: &mut Frame,
    area: Rect,
    title: String,
    lines: Vec<Line<'static>>,
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
    dialog_sized(frame, area, title, lines, theme, (w, h), false);
}

/// A dialog sized by its word-wrapped lines (server text wraps where
/// `dialog`'s count by characters would fall short) and kept to its end,
/// so its keys line always shows.
fn wrapped_dialog(
    frame: &mut Frame,
    area: Rect,
    title: String,
    lines: Vec<Line<'static>>,
    theme: Theme,
    w: u16,
) {
    let inner = usize::from(w.min(area.width).saturating_sub(2).max(1));
    let h = lines.iter().map(|l| line_height(l, inner)).sum::<usize>() + 2;
    dialog_sized(frame, area, title, lines, theme, (w, h), true);
}

/// How many rows `line` takes wrapped at word boundaries to `width`.
fn line_height(line: &Line, width: usize) -> usize {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let by_chars = line.width().max(1).div_ceil(width.max(1));
    wrapped_lines(&text, width).max(by_chars)
}

/// Draws a bordered box `w` wide and `h` high (borders included). When
/// that is taller than `area`, `keep_end` shows the last lines (where the
/// keys and questions are) rather than the first.
fn dialog_sized(
    frame: &mut Frame,
    area: Rect,
    title: String,
    lines: Vec<Line<'static>>,
    theme: Theme,
    (w, h): (u16, usize),
    keep_end: bool,
) {
    let rect = centered(area, w, h.min(u16::MAX as usize) as u16);
    let overflow = h.saturating_sub(usize::from(rect.height));
    let scroll = if keep_end {
        overflow.min(u16::MAX as usize) as u16
    } else {
        0
    };
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(Span::styled(title, theme.bold()))
        .border_style(theme.focused_border());
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        rect,
    );
}

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
            let mut lines: Vec<Line> = bindings
                .iter()
                .map(|(k, what)| {
                    Line::from(vec![
                        Span::styled(format!(" {k:<key_w$}  "), theme.key()),
                        Span::raw((*what).to_owned()),
                    ])
                })
                .collect();
            lines.push(Line::from(Span::styled(
                " Esc or ? closes this help.",
                theme.dim(),
            )));
            let context = if app.form.is_some() {
                "the form"
            } else {
                "the key list"
            };
            dialog(frame, area, format!(" Help: {context} "), lines, theme, w);
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
                    for (id, name) in many.iter().take(8) {
                        lines.push(Line::from(format!(
                            "  • \"{}\"  {}",
                            truncate(&clean(name), 30),
                            clean(id)
                        )));
                    }
                    if many.len() > 8 {
                        lines.push(Line::from(format!("  … and {} more", many.len() - 8)));
                    }
                }
            }
            lines.push(Line::from(Span::styled(
                "It stops working at once, for everything that uses it. This cannot be undone.",
                theme.warning(),
            )));
            lines.extend(key_manager_warning(
                app,
                keys.iter().map(|(id, _)| id.as_str()),
                theme,
            ));
            lines.push(Line::raw(""));
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
                lines.push(keys_line(
                    theme,
                    &[("Enter", "revoke"), ("Esc", "keep them")],
                ));
            } else {
                lines.push(keys_line(theme, &[("y", "revoke"), ("n / Esc", "keep it")]));
            }
            dialog(frame, area, " Revoke? ".to_owned(), lines, theme, w);
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
                Line::raw(""),
                keys_line(
                    theme,
                    &[
                        ("y", "switch to read-only"),
                        ("n / Esc", "keep offering changes"),
                    ],
                ),
            ];
            wrapped_dialog(
                frame,
                area,
                " Switch to read-only? ".to_owned(),
                lines,
                theme,
                w,
            );
        }
        Modal::SessionEnded(text) => {
            let lines = vec![
                Line::from(Span::styled(clean(text), theme.error())),
                Line::raw(""),
                keys_line(
                    theme,
                    &[
                        ("q", "quit"),
                        ("Esc", "close (the list stays as last loaded)"),
                    ],
                ),
            ];
            wrapped_dialog(
                frame,
                area,
                " This session's key no longer works ".to_owned(),
                lines,
                theme,
                w,
            );
        }
        Modal::ConfirmRotate { id, name } => {
            let mut lines = vec![
                Line::from(vec![
                    Span::raw("Rotate "),
                    Span::styled(format!("\"{}\"", clean(name)), theme.bold()),
                    Span::raw("?"),
                ]),
                Line::from(Span::styled(format!("id {}", clean(id)), theme.dim())),
                Line::from(
                    "A new key with the same name and permissions is created, expiring in 90 days; its secret is shown once. Then this key is revoked.",
                ),
            ];
            lines.extend(key_manager_warning(
                app,
                std::iter::once(id.as_str()),
                theme,
            ));
            lines.push(Line::raw(""));
            lines.push(keys_line(theme, &[("y", "rotate"), ("n / Esc", "cancel")]));
            dialog(frame, area, " Rotate? ".to_owned(), lines, theme, w);
        }
        Modal::Secret(m) => secret(m, theme, frame, area, w),
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

fn secret(m: &SecretModal, theme: Theme, frame: &mut Frame, area: Rect, w: u16) {
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
        tail.push(keys_line(
            theme,
            &[
                ("Enter", "write (mode 0600)"),
                ("Ctrl-U", "clear"),
                ("Esc", "cancel"),
            ],
        ));
    } else if m.confirm_dismiss {
        tail.push(Line::from(Span::styled(m.dismiss_question(), theme.bold())));
        tail.push(keys_line(
            theme,
            &[("y", "dismiss"), ("n / any other key", "keep the dialog")],
        ));
    } else if total == 1 {
        tail.push(keys_line(
            theme,
            &[
                ("c", "copy"),
                ("w", "write to a 0600 file"),
                ("D", "dismiss"),
            ],
        ));
    } else {
        tail.push(keys_line(
            theme,
            &[
                ("↑ ↓", "choose"),
                ("c", "copy it"),
                ("w", "write all to a 0600 file"),
                ("D", "dismiss"),
            ],
        ));
    }

    // The list takes the room left; past that, a window around the cursor.
    let blocks: Vec<Vec<Line<'static>>> = (0..total)
        .map(|i| secret_entry(m, i, theme, inner_w))
        .collect();
    let heights: Vec<usize> = blocks.iter().map(|b| height(b)).collect();
    let room = usize::from(area.height).saturating_sub(2 + height(&head) + height(&tail));
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
    dialog_sized(
        frame,
        area,
        format!(" {}: shown once ", m.title),
        lines,
        theme,
        (w, h),
        true,
    );
}

fn incident(stage: &IncidentModal, app: &App, theme: Theme, frame: &mut Frame, area: Rect, w: u16) {
    match stage {
        IncidentModal::Plan { plan, scroll } => {
            let mut lines = vec![Line::from(Span::styled(
                format!(
                    "Dry run: nothing has changed yet. Running it revokes {} key(s) at once:",
                    plan.keys.len()
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
                    "Alike but not selected: {} key(s) with a planned name and permissions",
                    plan.look_alikes.len()
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
            lines.push(keys_line(
                theme,
                &[
                    ("y", "run it"),
                    ("r", "toggle replacements"),
                    ("Esc", "cancel"),
                ],
            ));
            dialog(
                frame,
                area,
                " Incident response ".to_owned(),
                lines,
                theme,
                w,
            );
        }
        IncidentModal::Running { count } => {
            let s = SPINNER[app.spinner % SPINNER.len()];
            let lines = vec![Line::from(Span::styled(
                format!("{s} Revoking {count} key(s)…"),
                theme.accent(),
            ))];
            dialog(
                frame,
                area,
                " Incident response ".to_owned(),
                lines,
                theme,
                w,
            );
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
                lines.push(keys_line(theme, &[("Enter", "save"), ("Esc", "cancel")]));
            } else {
                lines.push(keys_line(
                    theme,
                    &[("w", "save elsewhere"), ("Enter / Esc", "close")],
                ));
            }
            dialog(
                frame,
                area,
                " Incident response: report ".to_owned(),
                lines,
                theme,
                w,
            );
        }
    }
}
