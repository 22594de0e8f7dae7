//! Drawing: a pure function of the app's state onto a frame. The header
//! (with DEMO when it is one), the screen, the status line and the hint bar.

mod detail;
mod form;
mod list;
mod modal;

use narrative_keys::KeyStatus;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::app::{App, Pane, Status};
use super::theme::Theme;
use crate::output::{clean, status_symbol};

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Below this width the list and the detail pane are stacked, not side by side.
const SIDE_BY_SIDE: u16 = 150;

pub fn render(app: &App, theme: Theme, frame: &mut Frame) {
    // An error that does not fit on one line gets up to three.
    let status_h = status(app)
        .as_ref()
        .filter(|s| s.error && !app.filtering && app.command.is_none())
        .map_or(1, |s| {
            let busy = app.busy.first().map_or(0, |b| b.width() + 4);
            let text = format!("{}✖ {}", " ".repeat(busy), s.text);
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
    let visible = app.visible_keys();
    match &app.form {
        Some(f) => form::render(f, app, theme, frame, body),
        None => {
            let (list_area, detail_area) = if body.width >= SIDE_BY_SIDE {
                let [l, d] = Layout::horizontal([Constraint::Percentage(58), Constraint::Fill(1)])
                    .areas(body);
                (l, d)
            } else {
                let [l, d] =
                    Layout::vertical([Constraint::Percentage(52), Constraint::Fill(1)]).areas(body);
                (l, d)
            };
            list::render(
                app,
                visible,
                theme,
                frame,
                list_area,
                app.focus == Pane::List,
            );
            let selected = visible.get(app.selected);
            detail::render(
                app,
                selected,
                theme,
                frame,
                detail_area,
                app.focus == Pane::Detail,
            );
        }
    }
    render_status(app, visible.len(), theme, frame, status);
    render_hints(app, theme, frame, hints);
    if let Some(m) = &app.modal {
        modal::render(m, app, theme, frame, body);
    }
}

fn render_header(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut left = vec![Span::styled(" narrative-keys ", theme.bold())];
    if app.demo {
        left.push(Span::styled(" DEMO ", theme.badge()));
        left.push(Span::raw(" local emulator, sample keys "));
    } else {
        left.push(Span::raw(format!(" {} ", clean(&app.env_label))));
    }
    if app.readonly {
        left.push(Span::styled(" READ-ONLY ", theme.badge()));
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
    if !fits(&left, &right) && app.demo {
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
    match &app.session_ended {
        Some(text) => Some(Status {
            text: text.clone(),
            error: true,
        }),
        None => app.status.clone(),
    }
}

fn render_status(app: &App, matches: usize, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    if let Some(line) = &app.command {
        spans.push(Span::styled(":", theme.key()));
        spans.push(Span::raw(clean(&line.input.value)));
        spans.push(Span::styled("▏", theme.accent()));
    } else if app.filtering {
        spans.push(Span::styled("/", theme.key()));
        spans.push(Span::raw(clean(&app.filter.value)));
        spans.push(Span::styled("▏", theme.accent()));
        spans.push(Span::styled(
            format!("  {matches} match{}", if matches == 1 { "" } else { "es" }),
            theme.dim(),
        ));
    } else {
        if let Some(what) = app.busy.first() {
            let frame_char = SPINNER[app.spinner % SPINNER.len()];
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

fn render_hints(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (k, what) in app.hints() {
        let w = k.width() + what.width() + 3;
        if used + w > area.width as usize {
            break;
        }
        used += w;
        spans.push(Span::styled(format!(" {k}"), theme.key()));
        spans.push(Span::styled(format!(" {what} "), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A rectangle of at most `w` x `h` centred in `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// How many lines `text` takes when wrapped at word boundaries to `width`.
fn wrapped_lines(text: &str, width: usize) -> usize {
    let width = width.max(1);
    let mut lines = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let w = word.width();
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= width {
            used = need;
        } else {
            lines += 1 + w.saturating_sub(1) / width;
            used = w % width;
        }
    }
    lines
}
