//! The create / edit form, one step at a time.

use narrative_keys::validation::{Field, Severity};
use narrative_keys::{CATALOG, Preset, ValidationReport};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::detail::{audit_lines, explanation_lines};
use crate::output::{clean, expiry_text, relative};
use crate::ui::app::App;
use crate::ui::form::{ExpiryChoice, Form, Mode, PermFocus, Step};
use crate::ui::matrix::{self, Column};
use crate::ui::text::{compact_permissions, truncate};
use crate::ui::theme::Theme;

pub fn render(form: &Form, app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let now = app.now;
    let title = match &form.mode {
        Mode::Create => match &form.cloned_from {
            Some(name) => format!(" New key: a clone of \"{}\" ", truncate(&clean(name), 40)),
            None => " New key ".to_owned(),
        },
        Mode::Edit(k) => format!(" Edit \"{}\" ", truncate(&clean(&k.name), 40)),
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme.bold()))
        .border_style(theme.focused_border());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let report = form.report(now);
    let [tabs, _, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    let mut spans = Vec::new();
    for (i, step) in Step::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.dim()));
        }
        let bad = form.step_has_errors(*step, &report);
        let label = format!("{} {}{}", i + 1, step.title(), if bad { " ✖" } else { "" });
        let style = if *step == form.step {
            theme
                .selected()
                .add_modifier(ratatui::style::Modifier::BOLD)
        } else if bad {
            theme.error()
        } else {
            Style::new()
        };
        spans.push(Span::styled(format!(" {label} "), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), tabs);
    match form.step {
        Step::Name => name_step(form, &report, theme, frame, body),
        Step::Permissions => permissions_step(form, &report, theme, frame, body),
        Step::Expiration => expiration_step(form, app, &report, theme, frame, body),
        Step::Review => review_step(form, app, &report, theme, frame, body),
    }
}

/// The problems for one field, next to it: errors first, then warnings.
fn problems(report: &ValidationReport, field: Field, theme: Theme) -> Vec<Line<'static>> {
    let mut v: Vec<_> = report.for_field(field).collect();
    v.sort_by_key(|p| std::cmp::Reverse(p.severity));
    v.into_iter()
        .map(|p| match p.severity {
            Severity::Error => Line::from(Span::styled(
                format!("✖ {}", clean(&p.message)),
                theme.error(),
            )),
            Severity::Warning => Line::from(Span::styled(
                format!("▲ {}", clean(&p.message)),
                theme.warning(),
            )),
        })
        .collect()
}

fn name_step(form: &Form, report: &ValidationReport, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![
        Line::from(Span::styled("What is this key for?", theme.bold())),
        Line::raw(""),
        Line::from(vec![
            Span::styled("Name: ", theme.accent()),
            Span::raw(clean(&form.name.value)),
            Span::styled("▏", theme.accent()),
        ]),
        Line::raw(""),
        Line::from(Span::styled(
            "Say what uses it and where, e.g. \"Nightly ingestion (Airflow prod)\": a clear name makes it safe to revoke the right key later. At most 128 characters.",
            theme.dim(),
        )),
        Line::raw(""),
    ];
    lines.extend(problems(report, Field::Name, theme));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn permissions_step(
    form: &Form,
    report: &ValidationReport,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let probs = problems(report, Field::Permissions, theme);
    let [main, summary] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1 + probs.len().min(3) as u16),
    ])
    .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Length(28), Constraint::Fill(1)]).areas(main);

    // Presets.
    let on_presets = form.perm_focus == PermFocus::Presets;
    let mut lines = vec![Line::from(Span::styled(
        "Start from a preset",
        if on_presets {
            theme.accent()
        } else {
            theme.bold()
        },
    ))];
    let labels: Vec<String> = Preset::ALL
        .iter()
        .map(|p| p.title().to_owned())
        .chain(["Custom (the matrix)".to_owned()])
        .collect();
    for (i, label) in labels.iter().enumerate() {
        let chosen = match Preset::ALL.get(i) {
            Some(p) => form.preset == Some(*p),
            None => form.preset.is_none() && !form.matrix.perms.is_empty(),
        };
        let cursor = i == form.preset_cursor;
        let style = if cursor && on_presets {
            theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(
            format!(
                "{}{} {label}",
                if cursor { "▸" } else { " " },
                if chosen { "●" } else { "○" }
            ),
            style,
        )));
    }
    lines.push(Line::raw(""));
    if let Some(p) = Preset::ALL.get(form.preset_cursor) {
        lines.push(Line::from(Span::styled(
            p.description().to_owned(),
            theme.dim(),
        )));
    } else {
        lines.push(Line::from(Span::styled(
            "Pick each permission yourself.",
            theme.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), left);

    // The matrix.
    let on_matrix = form.perm_focus == PermFocus::Matrix;
    let [head, grid, about] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(right);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            format!("{:<22}{:^7}{:^7}", "Resource", "Read", "Write"),
            if on_matrix {
                theme.accent()
            } else {
                theme.bold()
            },
        ))),
        head,
    );
    let all = matrix::lines();
    let height = grid.height as usize;
    let cursor_line = form.matrix.cursor_line();
    let offset = (cursor_line + 2).saturating_sub(height);
    let offset = offset.min(all.len().saturating_sub(height));
    let mut rows = Vec::new();
    for line in all.iter().skip(offset).take(height) {
        match line {
            matrix::Line::Heading(g) => {
                rows.push(Line::from(Span::styled(g.title(), theme.bold())))
            }
            matrix::Line::Resource(i) => {
                let entry = &CATALOG[*i];
                let here = *i == form.matrix.row;
                let mut spans = vec![Span::raw(format!(
                    "{}{:<20}",
                    if here && on_matrix { "▸ " } else { "  " },
                    entry.display
                ))];
                for col in [Column::Read, Column::Write] {
                    // `?`: a level the documentation does not confirm.
                    let mark = if matrix::supports(entry, col) {
                        ' '
                    } else {
                        '?'
                    };
                    let text = if form.matrix.is_set(*i, col) {
                        format!("  [x]{mark} ")
                    } else {
                        format!("  [ ]{mark} ")
                    };
                    let style = if here && on_matrix && form.matrix.col == col {
                        theme.selected()
                    } else if !matrix::supports(entry, col) {
                        theme.dim()
                    } else {
                        Style::new()
                    };
                    spans.push(Span::styled(text, style));
                }
                rows.push(Line::from(spans));
            }
        }
    }
    frame.render_widget(Paragraph::new(rows), grid);
    let entry = form.matrix.entry();
    let only = match (entry.read, entry.write) {
        (true, false) => " (documented: read; write? unverified)",
        (false, true) => " (documented: write; read? unverified)",
        _ => "",
    };
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            truncate(
                &format!("{}{only}: {}", entry.display, entry.covers),
                about.width as usize,
            ),
            theme.dim(),
        ))),
        about,
    );

    let mut bottom = vec![Line::from(vec![
        Span::styled("Selected: ", theme.accent()),
        Span::raw(if form.matrix.perms.is_empty() {
            "nothing yet".to_owned()
        } else {
            compact_permissions(&form.matrix.perms)
        }),
    ])];
    bottom.extend(probs.into_iter().take(3));
    frame.render_widget(Paragraph::new(bottom), summary);
}

fn expiration_step(
    form: &Form,
    app: &App,
    report: &ValidationReport,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let now = app.now;
    let mut lines = vec![Line::from(Span::styled(
        "When should the key stop working?",
        theme.bold(),
    ))];
    if let Some(k) = form.original() {
        lines.push(Line::from(Span::styled(
            format!("Currently: {}", expiry_text(k, now)),
            theme.dim(),
        )));
    }
    lines.push(Line::raw(""));
    for (i, choice) in form.choices().iter().enumerate() {
        let here = i == form.expiry_cursor;
        let mut spans = vec![Span::styled(
            format!(
                "{}{} {}",
                if here { "▸" } else { " " },
                if here { "(•)" } else { "( )" },
                choice.label()
            ),
            if here { theme.selected() } else { Style::new() },
        )];
        match choice {
            ExpiryChoice::Days(d) => {
                let at = narrative_keys::Expiration::in_days(*d, now).instant();
                if let Some(at) = at {
                    spans.push(Span::styled(
                        format!("  {}", at.format("%Y-%m-%d")),
                        theme.dim(),
                    ));
                }
            }
            ExpiryChoice::Date if here => {
                spans.push(Span::raw("  "));
                spans.push(Span::raw(clean(&form.date.value)));
                spans.push(Span::styled("▏", theme.accent()));
                if form.date.value.trim().is_empty() {
                    let default = match form.original() {
                        None => format!(
                            "  empty: {} days, the default",
                            narrative_keys::DEFAULT_EXPIRATION_DAYS
                        ),
                        Some(_) => "  empty: keep the current expiration".to_owned(),
                    };
                    spans.push(Span::styled(default, theme.dim()));
                } else if let Ok(Some(e)) = form.expiration(now) {
                    if let Some(at) = e.instant() {
                        spans.push(Span::styled(
                            format!("  {}", relative(at, now)),
                            theme.dim(),
                        ));
                    }
                }
            }
            _ => {}
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    if form.confirm_never {
        lines.push(Line::from(Span::styled(
            "A key that never expires works until someone revokes it: a leak stays open for good.",
            theme.warning(),
        )));
        lines.push(Line::from(vec![
            Span::styled("Really no expiration? ", theme.bold()),
            Span::styled("y", theme.key()),
            Span::raw(" confirm   "),
            Span::styled("n", theme.key()),
            Span::raw(" choose an expiration"),
        ]));
    }
    lines.extend(problems(report, Field::Expiration, theme));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn review_step(
    form: &Form,
    app: &App,
    report: &ValidationReport,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let now = app.now;
    let preview = form.preview(now);
    let mut lines = Vec::new();
    let errors: Vec<_> = report.errors().collect();
    let field_line = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<13}"), theme.dim()),
            Span::raw(value),
        ])
    };
    match form.original() {
        None => {
            lines.push(Line::from(Span::styled(
                "Nothing has been sent yet. Check, then press Enter to create the key.",
                theme.bold(),
            )));
            lines.push(field_line("Name", clean(preview.name.as_str())));
            lines.push(field_line(
                "Permissions",
                compact_permissions(&preview.permissions),
            ));
            lines.push(field_line("Expires", expiry_text(&preview, now)));
        }
        Some(orig) => {
            lines.push(Line::from(Span::styled(
                "Nothing has been sent yet. These changes are sent on Enter:",
                theme.bold(),
            )));
            let mut any = false;
            if preview.name != orig.name {
                any = true;
                lines.push(field_line(
                    "Name",
                    format!("{} → {}", clean(&orig.name), clean(&preview.name)),
                ));
            }
            for p in preview.permissions.difference(&orig.permissions) {
                any = true;
                lines.push(Line::from(Span::styled(
                    format!("  + {}", clean(&p.to_string())),
                    theme.ok(),
                )));
            }
            for p in orig.permissions.difference(&preview.permissions) {
                any = true;
                lines.push(Line::from(Span::styled(
                    format!("  - {}", clean(&p.to_string())),
                    theme.error(),
                )));
            }
            if form.choice() != ExpiryChoice::Keep {
                any = true;
                lines.push(field_line(
                    "Expires",
                    format!(
                        "{} → {}",
                        expiry_text(orig, now),
                        expiry_text(&preview, now)
                    ),
                ));
            }
            if !any {
                lines.push(Line::from(Span::styled("  (no changes)", theme.dim())));
            }
        }
    }
    if form.choice() == ExpiryChoice::Never {
        lines.push(Line::from(Span::styled(
            if form.never_confirmed {
                "▲ No expiration (confirmed): the key works until revoked."
            } else {
                "✖ No expiration is not confirmed: go back to Expiration and confirm it."
            },
            if form.never_confirmed {
                theme.warning()
            } else {
                theme.error()
            },
        )));
    }
    for p in &errors {
        lines.push(Line::from(Span::styled(
            format!("✖ {}: {}", p.field.as_str(), clean(&p.message)),
            theme.error(),
        )));
    }
    for p in report.warnings() {
        if p.field == Field::Expiration && form.choice() == ExpiryChoice::Never {
            continue;
        }
        lines.push(Line::from(Span::styled(
            format!("▲ {}: {}", p.field.as_str(), clean(&p.message)),
            theme.warning(),
        )));
    }
    if !errors.is_empty() {
        lines.push(Line::from(Span::styled(
            "Fix the problems above first: nothing can be sent yet.",
            theme.error(),
        )));
    }
    lines.push(Line::raw(""));
    lines.extend(audit_lines(&preview, theme, now));
    lines.push(Line::raw(""));
    lines.extend(explanation_lines(&preview, theme));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((form.review_scroll, 0)),
        area,
    );
}
