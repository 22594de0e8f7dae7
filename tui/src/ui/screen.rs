//! Drawing: a pure function of the app's state onto a frame. The header
//! (with DEMO when it is one), the screen, the status line and the hint bar.

use narrative_keys::KeyStatus;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::app::{App, Status};
use super::components::Ctx;
use super::components::detail::DetailProps;
use super::components::dialog::Modal;
use super::components::dialog::frame::Canvas;
use super::components::dialog::help::HelpProps;
use super::components::form;
use super::components::list::Pane;
use super::hit::Regions;
use super::text::{tail, wrapped_lines};
use super::theme::{self, Theme};
use crate::output::{escape_controls, status_symbol};

/// Below this width the list and the detail pane are stacked, not side by side.
const SIDE_BY_SIDE: u16 = 150;

/// The smallest terminal the screens are laid out for; below it the UI
/// asks for more room rather than draw clipped screens.
pub const MIN_WIDTH: u16 = 60;
/// The smallest height, as [`MIN_WIDTH`].
pub const MIN_HEIGHT: u16 = 16;

/// Draws one frame: the header, the list and detail pane or the form, the
/// status line, the hints, and the open dialog over them. What a mouse can
/// point at is collected from the components as they draw and stored in
/// the app once the frame is drawn.
pub fn render(app: &App, theme: Theme, frame: &mut Frame) {
    let regions = draw(app, theme, frame);
    app.store_regions(regions);
}

/// Draws one frame; returns where it drew what a mouse can point at.
fn draw(app: &App, theme: Theme, frame: &mut Frame) -> Regions {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(theme, frame, area);
        return Regions::default();
    }
    // An error that does not fit on one line gets up to three; it takes
    // the line alone (no spinner beside it).
    let status_h = status(app)
        .as_ref()
        .filter(|s| s.error && !app.list.filtering && app.command.is_none())
        .map_or(1, |s| {
            let text = format!("✖ {}", s.text);
            wrapped_lines(&text, frame.area().width as usize).clamp(1, 3) as u16
        });
    let [header, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(status_h),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    render_header(app, theme, frame, header);
    // Filtered and sorted by `update`, not here: a frame reads only the rows it shows.
    let ctx = app.ctx();
    let mut regions = match &app.form {
        Some(f) => form::render(f, app.now, theme, frame, body),
        None => render_panes(app, &ctx, theme, frame, body),
    };
    render_status(app, app.list.len(), theme, frame, status);
    render_hints(app, theme, frame, hints);
    if let Some(m) = &app.modal {
        // Only the help shows the bindings of the screen under it.
        let rows = match m {
            Modal::Help => app.bindings(),
            _ => Vec::new(),
        };
        let help = HelpProps {
            rows: &rows,
            context: if app.form.is_some() {
                "the form"
            } else {
                "the key list"
            },
            scroll: app.help_scroll,
        };
        let cx = Canvas {
            ctx,
            theme,
            area: body,
            // The plan is a table: as wide as the screen allows.
            w: match m {
                Modal::Plan(_) => body.width.saturating_sub(4),
                _ => body.width.saturating_sub(4).min(76),
            },
        };
        regions.extend(m.render(help, &cx, frame));
    }
    regions
}

/// The list and the detail pane: side by side when wide, else stacked.
fn render_panes(app: &App, ctx: &Ctx, theme: Theme, frame: &mut Frame, body: Rect) -> Regions {
    let (list_area, detail_area) = if body.width >= SIDE_BY_SIDE {
        let [l, d] =
            Layout::horizontal([Constraint::Percentage(58), Constraint::Fill(1)]).areas(body);
        (l, d)
    } else {
        let [l, d] =
            Layout::vertical([Constraint::Percentage(52), Constraint::Fill(1)]).areas(body);
        (l, d)
    };
    let focus = app.list.focus;
    let mut regions = app
        .list
        .render(ctx, theme, frame, list_area, focus == Pane::List);
    let detail = DetailProps {
        key: app.selected_key(),
        focused: focus == Pane::Detail,
    };
    regions.extend(app.detail.render(detail, ctx, theme, frame, detail_area));
    regions
}

/// One centred line: how big the terminal must be, and how big it is.
fn render_too_small(theme: Theme, frame: &mut Frame, area: Rect) {
    let text = format!(
        "narrative-keys needs at least {MIN_WIDTH}x{MIN_HEIGHT}; this terminal is {}x{}",
        area.width, area.height
    );
    let rows = wrapped_lines(&text, usize::from(area.width)).min(usize::from(area.height)) as u16;
    let at = Rect {
        y: area.y + area.height.saturating_sub(rows) / 2,
        height: rows,
        ..area
    };
    frame.render_widget(
        Paragraph::new(Span::styled(text, theme.bold()))
            .alignment(ratatui::layout::Alignment::Center)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        at,
    );
}

fn render_header(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut left = vec![Span::styled(" narrative-keys ", theme.bold())];
    if app.session.demo {
        left.push(Span::styled(" DEMO ", theme.badge()));
        left.push(Span::raw(" local emulator, sample keys "));
    } else {
        left.push(Span::raw(format!(
            " {} ",
            escape_controls(&app.session.env_label)
        )));
    }
    if app.session.readonly {
        left.push(Span::styled(" READ-ONLY ", theme.badge()));
    }
    if let Some(k) = &app.keys_as_code {
        left.push(Span::styled(
            format!(" keys file {} ", escape_controls(&k.label())),
            theme.accent(),
        ));
    }
    let counts = app.counts();
    let long = ["active", "expiring soon", "expired", "no expiration"];
    let short = ["active", "soon", "expired", "never"];
    let width = |v: &[Span]| v.iter().map(|s| s.content.width()).sum::<usize>();
    let fits = |l: &[Span], r: &[Span]| width(l) + width(r) <= area.width as usize;
    let build = |labels: [&str; 4], sep: &str| -> Vec<Span<'static>> {
        let mut v = Vec::new();
        for (i, st) in KeyStatus::ALL.iter().enumerate() {
            v.push(Span::styled(
                format!("{} {} {}", status_symbol(*st), counts[i], labels[i]),
                theme.status(*st),
            ));
            v.push(Span::raw(sep.to_owned()));
        }
        v
    };
    let mut right = build(long, "  ");
    if !fits(&left, &right) && app.session.demo {
        // Drop the demo's description, keep its badge (and READ-ONLY).
        left.remove(2);
    }
    if !fits(&left, &right) {
        right = build(short, " ");
    }
    if !fits(&left, &right) {
        right.clear();
    }
    let left_w = width(&left);
    let pad = (area.width as usize).saturating_sub(left_w + width(&right));
    let mut spans = left;
    spans.push(Span::raw(" ".repeat(pad)));
    spans.extend(right);
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.header()),
        area,
    );
}

/// The status line's message: once the session's key is gone, that, above
/// anything said later.
fn status(app: &App) -> Option<Status> {
    match &app.session.session_ended {
        Some(text) => Some(Status {
            text: text.clone(),
            error: true,
            shown_at: app.now,
        }),
        None => app.feedback.status.clone(),
    }
}

fn render_status(app: &App, matches: usize, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    // Typed text longer than the line shows its end, where the cursor is:
    // the room left by the prompt's sign, the cursor and what follows.
    let typed_room = |after: usize| usize::from(area.width).saturating_sub(2 + after);
    if let Some(line) = &app.command {
        let note = line.note.as_ref().map(|n| format!("  {n}"));
        let after = note.as_ref().map_or(0, |n| n.width());
        spans.push(Span::styled(":", theme.key()));
        spans.push(Span::raw(tail(
            &escape_controls(&line.input.value),
            typed_room(after),
        )));
        spans.push(Span::styled("▏", theme.accent()));
        if let Some(note) = note {
            spans.push(Span::styled(note, theme.dim()));
        }
    } else if app.list.filtering {
        let count = format!("  {matches} match{}", if matches == 1 { "" } else { "es" });
        spans.push(Span::styled("/", theme.key()));
        spans.push(Span::raw(tail(
            &escape_controls(&app.list.filter.value),
            typed_room(count.width()),
        )));
        spans.push(Span::styled("▏", theme.accent()));
        spans.push(Span::styled(count, theme.dim()));
    } else {
        let error = app.feedback.status.as_ref().is_some_and(|s| s.error);
        if let Some(what) = app.feedback.busy.first().filter(|_| !error) {
            let frame_char = theme::SPINNER[app.feedback.spinner % theme::SPINNER.len()];
            spans.push(Span::styled(
                format!("{frame_char} {what}… "),
                theme.accent(),
            ));
        }
        if let Some(s) = &status(app) {
            if s.error {
                spans.push(Span::styled(format!("✖ {}", s.text), theme.error()));
            } else {
                spans.push(Span::raw(s.text.clone()));
            }
        }
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)).wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
}

/// Hints the bar keeps to the last: marking and the incident response,
/// which a newcomer finds nowhere else on screen, and help.
const KEPT_HINTS: [&str; 3] = ["space", "i", "?"];

/// The hint bar: every hint if they fit; else closer together; else the
/// others dropped from the end until they fit, `KEPT_HINTS` last of all.
fn render_hints(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let width = usize::from(area.width);
    let mut hints = app.hints();
    let used = |hints: &[(&str, &str)], gap: usize| -> usize {
        hints
            .iter()
            .map(|(k, w)| k.width() + w.width() + 1 + gap)
            .sum()
    };
    let gap = if used(&hints, 2) <= width { 2 } else { 1 };
    while used(&hints, gap) > width {
        let drop = hints
            .iter()
            .rposition(|(k, _)| !KEPT_HINTS.contains(k))
            .unwrap_or(hints.len() - 1);
        hints.remove(drop);
    }
    let mut spans = Vec::new();
    for (k, what) in hints {
        spans.push(Span::styled(format!(" {k}"), theme.key()));
        spans.push(Span::styled(
            format!(" {what}{}", " ".repeat(gap - 1)),
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
