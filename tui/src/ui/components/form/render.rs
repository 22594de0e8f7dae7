//! The form's drawing: step tabs; name; presets and matrix; expiration;
//! review with the diff, the audit and the explanation.

use crate::output::{escape_controls, expiry_text, relative};
use crate::ui::components::detail::{audit_lines, explanation_lines};
use crate::ui::components::form::matrix::{self, Column};
use crate::ui::components::form::{ExpiryChoice, Form, Mode, PermFocus, WizardStep};
use crate::ui::hit::Regions;
use crate::ui::text::{compact_permissions, truncate};
use crate::ui::theme::Theme;
use chrono::{DateTime, Utc};
use narrative_keys::validation::{Field, Severity};
use narrative_keys::{ApiKey, CATALOG, Preset, ValidationReport};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// Draws the form over `area`: its title, the step tabs and the step.
/// Returns where it drew what a click can press.
pub fn render(
    form: &Form,
    now: DateTime<Utc>,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) -> Regions {
    let mut regions = Regions::default();
    let title = match &form.mode {
        Mode::Create => match &form.cloned_from {
            Some(name) => format!(
                " New key: a clone of \"{}\" ",
                truncate(&escape_controls(name), 40)
            ),
            None => " New key ".to_owned(),
        },
        Mode::Edit(k) => format!(" Edit \"{}\" ", truncate(&escape_controls(&k.name), 40)),
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
    step_tabs(form, &mut regions, &report, theme, frame, tabs);
    let view = StepView {
        form,
        now,
        report: &report,
        theme,
    };
    match form.step {
        WizardStep::Name => name_step(form, &report, theme, frame, body),
        WizardStep::Permissions => permissions_step(&view, &mut regions, frame, body),
        WizardStep::Expiration => expiration_step(&view, &mut regions, frame, body),
        WizardStep::Review => review_step(&view, frame, body),
    }
    regions
}

/// The problems for one field, next to it: errors first, then warnings.
fn problems(report: &ValidationReport, field: Field, theme: Theme) -> Vec<Line<'static>> {
    let mut v: Vec<_> = report.for_field(field).collect();
    v.sort_by_key(|p| std::cmp::Reverse(p.severity));
    v.into_iter()
        .map(|p| match p.severity {
            Severity::Error => Line::from(Span::styled(
                format!("✖ {}", escape_controls(&p.message)),
                theme.error(),
            )),
            Severity::Warning => Line::from(Span::styled(
                format!("▲ {}", escape_controls(&p.message)),
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
            Span::raw(escape_controls(&form.name.value)),
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

/// The step tabs, each recorded for the mouse; the current one
/// highlighted, one with an error marked.
fn step_tabs(
    form: &Form,
    regions: &mut Regions,
    report: &ValidationReport,
    theme: Theme,
    frame: &mut Frame,
    tabs: Rect,
) {
    let mut spans = Vec::new();
    let mut x = tabs.x;
    for (i, step) in WizardStep::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.dim()));
            x = x.saturating_add(3);
        }
        let bad = form.step_has_errors(*step, report);
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
        let text = format!(" {label} ");
        let w = text.width() as u16;
        let tab = Rect {
            x,
            width: w,
            ..tabs
        }
        .intersection(tabs);
        regions.steps.push((tab, i));
        x = x.saturating_add(w);
        spans.push(Span::styled(text, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), tabs);
}

/// What a step draws from: the form, the clock, the form's validation
/// and the colours.
#[derive(Clone, Copy)]
struct StepView<'a> {
    form: &'a Form,
    now: DateTime<Utc>,
    report: &'a ValidationReport,
    theme: Theme,
}

fn permissions_step(v: &StepView, regions: &mut Regions, frame: &mut Frame, area: Rect) {
    let (form, report, theme) = (v.form, v.report, v.theme);
    let probs = problems(report, Field::Permissions, theme);
    let [main, summary] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1 + probs.len().min(3) as u16),
    ])
    .areas(area);
    // The matrix needs 36 columns for its Read and Write cells; the
    // presets give way on a narrow terminal.
    let presets_w = main.width.saturating_sub(36).clamp(16, 28);
    let [left, right] =
        Layout::horizontal([Constraint::Length(presets_w), Constraint::Fill(1)]).areas(main);

    presets(form, regions, theme, frame, left);
    matrix_grid(form, regions, theme, frame, right);
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

/// The presets, and the one under the cursor described.
fn presets(form: &Form, regions: &mut Regions, theme: Theme, frame: &mut Frame, left: Rect) {
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
        let row = Rect {
            y: left.y + 1 + i as u16,
            height: 1,
            ..left
        };
        if row.bottom() <= left.bottom() {
            regions.presets.push((row, i));
        }
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
        // One row each, never wrapped: a click hits the row it is drawn on.
        let text = format!(
            "{}{} {label}",
            if cursor { "▸" } else { " " },
            if chosen { "●" } else { "○" }
        );
        lines.push(Line::from(Span::styled(
            truncate(&text, usize::from(left.width)),
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
}

/// The permission matrix: its head, the rows that fit around the cursor,
/// and a line about the resource under it.
fn matrix_grid(form: &Form, regions: &mut Regions, theme: Theme, frame: &mut Frame, right: Rect) {
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
    let all = form.matrix.lines();
    let height = grid.height as usize;
    let cursor_line = form.matrix.cursor_line();
    let offset = (cursor_line + 2).saturating_sub(height);
    let offset = offset.min(all.len().saturating_sub(height));
    let mut rows = Vec::new();
    regions.matrix = Some(grid);
    for (n, line) in all.iter().skip(offset).take(height).enumerate() {
        let y = grid.y + n as u16;
        match line {
            matrix::Line::Heading(g) => {
                rows.push(Line::from(Span::styled(g.title(), theme.bold())))
            }
            matrix::Line::ExtrasHeading => rows.push(Line::from(Span::styled(
                "Not in the catalog (kept as the server sent them)",
                theme.bold(),
            ))),
            matrix::Line::Resource(i) => {
                let at = (grid, y, on_matrix);
                rows.push(matrix_row(form, *i, at, theme, regions));
            }
        }
    }
    frame.render_widget(Paragraph::new(rows), grid);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            truncate(&matrix_about(form), about.width as usize),
            theme.dim(),
        ))),
        about,
    );
}

/// One resource's row of the matrix at row `y` of `grid`: its name and its
/// cells, each recorded for the mouse.
fn matrix_row(
    form: &Form,
    i: usize,
    (grid, y, on_matrix): (Rect, u16, bool),
    theme: Theme,
    regions: &mut Regions,
) -> Line<'static> {
    let entry = CATALOG.get(i);
    let here = i == form.matrix.row;
    let label = match (entry, form.matrix.extra(i)) {
        (Some(e), _) => e.display.to_owned(),
        (None, Some(p)) => truncate(&escape_controls(&p.to_string()), 20),
        (None, None) => String::new(),
    };
    let mut spans = vec![Span::raw(format!(
        "{}{:<20}",
        if here && on_matrix { "▸ " } else { "  " },
        label
    ))];
    // An extra row is one cell: the permission as it is.
    let columns: &[Column] = if entry.is_some() {
        &[Column::Read, Column::Write]
    } else {
        &[Column::Read]
    };
    let mut x = grid.x + 22;
    for &col in columns {
        // `?`: a level the documentation does not confirm.
        let confirmed = entry.is_none_or(|e| matrix::supports(e, col));
        let mark = if confirmed { ' ' } else { '?' };
        let text = if form.matrix.is_set(i, col) {
            format!("  [x]{mark} ")
        } else {
            format!("  [ ]{mark} ")
        };
        let style = if here && on_matrix && (entry.is_none() || form.matrix.col == col) {
            theme.selected()
        } else if !confirmed {
            theme.dim()
        } else {
            Style::new()
        };
        let cell = Rect {
            x,
            y,
            width: 7,
            height: 1,
        }
        .intersection(grid);
        if !cell.is_empty() {
            regions.matrix_cells.push((cell, i, col));
        }
        x = x.saturating_add(7);
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

/// What the resource under the matrix's cursor covers.
fn matrix_about(form: &Form) -> String {
    match (form.matrix.entry(), form.matrix.extra(form.matrix.row)) {
        (Some(entry), _) => {
            let only = match (entry.read, entry.write) {
                (true, false) => " (documented: read; write? unverified)",
                (false, true) => " (documented: write; read? unverified)",
                _ => "",
            };
            format!("{}{only}: {}", entry.display, entry.covers)
        }
        (None, Some(p)) => format!(
            "{}: not in the catalog; kept exactly as the server sent it unless you clear it",
            escape_controls(&p.to_string())
        ),
        (None, None) => String::new(),
    }
}

fn expiration_step(v: &StepView, regions: &mut Regions, frame: &mut Frame, area: Rect) {
    let (form, now, report, theme) = (v.form, v.now, v.report, v.theme);
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
        // Choices are one row each, right after the lines above them.
        let row = Rect {
            y: area.y + lines.len() as u16,
            height: 1,
            ..area
        };
        if row.bottom() <= area.bottom() {
            regions.expiry_choices.push((row, i));
        }
        let here = i == form.expiry_cursor;
        let mut spans = choice_spans(*choice, here, theme, now);
        if *choice == ExpiryChoice::Typed && here {
            // What is typed, and what it comes to, on a line of its own.
            lines.push(Line::from(std::mem::take(&mut spans)));
            spans = typed_expiry(form, theme, now);
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

/// One expiration choice's line: the cursor, the radio, the label and,
/// for a number of days, the date it comes to.
fn choice_spans(
    choice: ExpiryChoice,
    here: bool,
    theme: Theme,
    now: DateTime<Utc>,
) -> Vec<Span<'static>> {
    let mut spans = vec![Span::styled(
        format!(
            "{}{} {}",
            if here { "▸" } else { " " },
            if here { "(•)" } else { "( )" },
            choice.label()
        ),
        if here { theme.selected() } else { Style::new() },
    )];
    if let ExpiryChoice::Days(d) = choice {
        let at = narrative_keys::Expiration::in_days(d, now).instant();
        if let Some(at) = at {
            spans.push(Span::styled(
                format!("  {}", at.format("%Y-%m-%d")),
                theme.dim(),
            ));
        }
    }
    spans
}

/// The typed expiration's line: what is typed, and what it comes to.
fn typed_expiry(form: &Form, theme: Theme, now: DateTime<Utc>) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    spans.push(Span::raw("      "));
    spans.push(Span::raw(escape_controls(&form.typed_expiry.value)));
    spans.push(Span::styled("▏", theme.accent()));
    if form.typed_expiry.value.trim().is_empty() {
        let default = match form.original() {
            None => format!(
                "  empty: {} days, the default",
                narrative_keys::DEFAULT_EXPIRATION_DAYS
            ),
            Some(_) => "  empty: keep the current expiration".to_owned(),
        };
        spans.push(Span::styled(default, theme.dim()));
    } else if let Ok(Some(e)) = form.expiration(now) {
        // The date it comes to, as it is typed.
        let reads = match e.instant() {
            Some(at) => format!(
                "  → {} ({})",
                at.format("%Y-%m-%d %H:%M UTC"),
                relative(at, now)
            ),
            None => "  → never expires (asks to confirm)".to_owned(),
        };
        spans.push(Span::styled(reads, theme.dim()));
    }
    spans
}

/// "Nothing can be sent yet: fix the name to continue (Esc goes back).",
/// naming each field with an error; `None` when there is none.
fn blocked_headline(errors: &[&narrative_keys::Problem]) -> Option<String> {
    let mut fields: Vec<&str> = Vec::new();
    for p in errors {
        let what = match p.field {
            Field::Name => "the name",
            Field::Permissions => "the permissions",
            Field::Expiration => "the expiration",
            Field::Id => "the id",
            Field::Update => "the changes",
        };
        if !fields.contains(&what) {
            fields.push(what);
        }
    }
    let list = match fields.as_slice() {
        [] => return None,
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    Some(format!(
        "Nothing can be sent yet: fix {list} to continue (Esc goes back)."
    ))
}

fn review_step(v: &StepView, frame: &mut Frame, area: Rect) {
    let (form, now, report, theme) = (v.form, v.now, v.report, v.theme);
    let preview = form.preview(now);
    let mut lines = Vec::new();
    let errors: Vec<_> = report.errors().collect();
    // With errors, Enter sends nothing: the headline says what to fix.
    let blocked = blocked_headline(&errors);
    let view_lines = ReviewLines {
        form,
        preview: &preview,
        theme,
        now,
    };
    match form.original() {
        None => lines.extend(review_create(&view_lines, blocked)),
        Some(orig) => lines.extend(review_edit(&view_lines, orig, blocked)),
    }
    lines.extend(review_problems(form, &errors, report, theme, now));
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

/// What the review's lines are made from: the form, the key it would
/// send, the colours and the clock.
struct ReviewLines<'a> {
    form: &'a Form,
    preview: &'a ApiKey,
    theme: Theme,
    now: DateTime<Utc>,
}

impl ReviewLines<'_> {
    /// The review's first line: `Ok` what blocks sending (an error), or
    /// `Err` what Enter sends.
    fn headline(&self, text: Result<String, String>) -> Line<'static> {
        match text {
            Ok(blocked) => Line::from(Span::styled(blocked, self.theme.error())),
            Err(ready) => Line::from(Span::styled(ready, self.theme.bold())),
        }
    }

    /// A field's line: its label, then its value.
    fn field(&self, label: &str, value: String) -> Line<'static> {
        Line::from(vec![
            Span::styled(format!("{label:<13}"), self.theme.dim()),
            Span::raw(value),
        ])
    }
}

/// A new key's review: the headline (what to fix, or Enter), and its fields.
fn review_create(v: &ReviewLines, blocked: Option<String>) -> Vec<Line<'static>> {
    let (preview, now) = (v.preview, v.now);
    let field_line = |label: &str, value: String| v.field(label, value);
    let headline = blocked.ok_or_else(|| {
        "Nothing has been sent yet. Check, then press Enter to create the key.".to_owned()
    });
    let mut lines = vec![v.headline(headline)];
    lines.push(field_line("Name", escape_controls(preview.name.as_str())));
    lines.push(field_line(
        "Permissions",
        compact_permissions(&preview.permissions),
    ));
    lines.push(field_line("Expires", expiry_text(preview, now)));
    lines
}

/// An edit's review: the headline, and each change (or none).
fn review_edit(v: &ReviewLines, orig: &ApiKey, blocked: Option<String>) -> Vec<Line<'static>> {
    let (form, preview, theme, now) = (v.form, v.preview, v.theme, v.now);
    let field_line = |label: &str, value: String| v.field(label, value);
    let headline = match blocked {
        Some(b) => Ok(format!("{b} The changes:")),
        None => Err("Nothing has been sent yet. These changes are sent on Enter:".to_owned()),
    };
    let mut lines = vec![v.headline(headline)];
    // The same diff the CLI's `update` prints; the expiration line follows
    // the form's choice instead, since a date picked to equal the old one
    // is still an edit the user made.
    let diff = narrative_keys::KeyDiff::between(orig, preview);
    let mut any = diff.name.is_some() || !diff.permissions.is_empty();
    if let Some(name) = &diff.name {
        lines.push(field_line(
            "Name",
            format!(
                "{} → {}",
                escape_controls(&name.from),
                escape_controls(&name.to)
            ),
        ));
    }
    let signed = [
        ("+", &diff.permissions.granted, theme.ok()),
        ("-", &diff.permissions.dropped, theme.error()),
    ];
    for (sign, list, style) in signed {
        for p in list {
            lines.push(Line::from(Span::styled(
                format!("  {sign} {}", escape_controls(&p.to_string())),
                style,
            )));
        }
    }
    if form.choice() != ExpiryChoice::Keep {
        any = true;
        lines.push(field_line(
            "Expires",
            format!("{} → {}", expiry_text(orig, now), expiry_text(preview, now)),
        ));
    }
    if !any {
        lines.push(Line::from(Span::styled("  (no changes)", theme.dim())));
    }
    lines
}

/// The review's problems: no expiration, errors, then warnings.
fn review_problems(
    form: &Form,
    errors: &[&narrative_keys::Problem],
    report: &ValidationReport,
    theme: Theme,
    now: DateTime<Utc>,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if form.is_never(now) {
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
    for p in errors {
        lines.push(Line::from(Span::styled(
            format!("✖ {}: {}", p.field.as_str(), escape_controls(&p.message)),
            theme.error(),
        )));
    }
    for p in report.warnings() {
        if p.field == Field::Expiration && form.is_never(now) {
            continue;
        }
        lines.push(Line::from(Span::styled(
            format!("▲ {}: {}", p.field.as_str(), escape_controls(&p.message)),
            theme.warning(),
        )));
    }
    lines
}
