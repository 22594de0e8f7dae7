//! The dialogs: help, confirmations, the once-only secret, the incident flow.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{SPINNER, centered};
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
    let rect = centered(area, w, h.min(u16::MAX as usize) as u16);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(Span::styled(title, theme.bold()))
        .border_style(theme.focused_border());
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
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
        Modal::ConfirmRevoke(keys) => {
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
            lines.push(keys_line(theme, &[("y", "revoke"), ("n / Esc", "keep it")]));
            dialog(frame, area, " Revoke? ".to_owned(), lines, theme, w);
        }
        Modal::ConfirmRotate { id, name } => {
            let lines = vec![
                Line::from(vec![
                    Span::raw("Rotate "),
                    Span::styled(format!("\"{}\"", clean(name)), theme.bold()),
                    Span::raw("?"),
                ]),
                Line::from(Span::styled(format!("id {}", clean(id)), theme.dim())),
                Line::from(
                    "A new key with the same name and permissions is created, expiring in 90 days; its secret is shown once. Then this key is revoked.",
                ),
                Line::raw(""),
                keys_line(theme, &[("y", "rotate"), ("n / Esc", "cancel")]),
            ];
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
    let admin = narrative_keys::Resource::new("access_tokens");
    let names: Vec<String> = ids
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

fn secret(m: &SecretModal, theme: Theme, frame: &mut Frame, area: Rect, w: u16) {
    let mut lines = Vec::new();
    for (i, e) in m.entries.iter().enumerate() {
        let here = i == m.cursor;
        lines.push(Line::from(vec![
            Span::styled(
                if here && m.entries.len() > 1 {
                    "▸ "
                } else {
                    ""
                },
                theme.accent(),
            ),
            Span::styled(
                format!("\"{}\"", truncate(&clean(&e.name), 40)),
                theme.bold(),
            ),
            Span::styled(format!("  id {}", clean(&e.id)), theme.dim()),
        ]));
        if here {
            // The one place the UI shows a secret: on purpose, once.
            lines.push(Line::from(Span::styled(
                format!("  {}", clean(e.secret.expose())),
                theme.accent(),
            )));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "This secret will not be shown again. Store it now: copy it or write it to a file.",
        theme.warning().add_modifier(ratatui::style::Modifier::BOLD),
    )));
    if let Some(n) = &m.note {
        lines.push(Line::from(Span::styled(
            format!("✖ {}", clean(n)),
            theme.error(),
        )));
    }
    if let Some(n) = &m.copy_note {
        lines.push(note_line(theme, n));
    }
    if let Some(n) = &m.file_note {
        lines.push(note_line(theme, n));
    }
    lines.push(Line::raw(""));
    if let Some(input) = &m.file_input {
        lines.push(Line::from(vec![
            Span::styled("Write to file: ", theme.accent()),
            Span::raw(clean(&input.value)),
            Span::styled("▏", theme.accent()),
        ]));
        lines.push(keys_line(
            theme,
            &[("Enter", "write (mode 0600)"), ("Esc", "cancel")],
        ));
    } else if m.confirm_dismiss {
        lines.push(Line::from(Span::styled(
            "Dismiss? The secret will be gone for good.",
            theme.bold(),
        )));
        lines.push(keys_line(
            theme,
            &[("y", "dismiss"), ("any other key", "keep it on screen")],
        ));
    } else {
        lines.push(keys_line(
            theme,
            &[
                ("c", "copy"),
                ("w", "write to a 0600 file"),
                ("D", "dismiss"),
            ],
        ));
    }
    dialog(
        frame,
        area,
        format!(" {}: shown once ", m.title),
        lines,
        theme,
        w,
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
