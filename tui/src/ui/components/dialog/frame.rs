//! The dialogs' frame, which every dialog draws in: a bordered box sized
//! to its lines, its buttons (clicking one presses its key: returned as
//! hit regions), scrolling when it is taller than the screen; the
//! [`Canvas`] a dialog draws on, and lines several dialogs share.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::output::escape_controls;
use crate::ui::components::Ctx;
use crate::ui::hit::{Regions, button_key};
use crate::ui::text::truncate;
use crate::ui::text::wrapped_lines;
use crate::ui::theme::Theme;

/// A dialog's buttons: `(key, what)`, drawn on its last rows; clicking one
/// presses its key.
pub(in crate::ui) type Buttons<'a> = &'a [(&'a str, &'a str)];

/// Where each button goes in rows `width` wide: (row, x, width).
pub(in crate::ui) fn button_places(buttons: Buttons, width: u16) -> Vec<(u16, u16, u16)> {
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

/// Which lines a dialog taller than the screen shows.
#[derive(Clone, Copy)]
pub(in crate::ui) enum Show {
    /// The first lines.
    Start,
    /// The last lines, where the questions are.
    End,
    /// From this line on (the help, scrolled).
    From(u16),
}

/// A dialog's title, lines and buttons.
pub(in crate::ui) type Content<'a> = (String, Vec<Line<'static>>, Buttons<'a>);

/// Draws a bordered box as high as its lines, and the buttons below them.
/// Shown from its start, the height counts characters; kept to its end,
/// it counts word-wrapped lines (server text wraps where a count by
/// characters would fall short), so its keys line always shows.
pub(in crate::ui) fn dialog(
    frame: &mut Frame,
    cx: &Canvas,
    content: Content,
    show: Show,
) -> Regions {
    let inner = usize::from(cx.w.min(cx.area.width).saturating_sub(2).max(1));
    let height = |l: &Line| match show {
        Show::Start => l.width().max(1).div_ceil(inner),
        _ => line_height(l, inner),
    };
    // The lines, plus the borders.
    let h = content.1.iter().map(height).sum::<usize>() + 2;
    dialog_sized(frame, cx, content, h, show)
}

/// How many rows `line` takes wrapped at word boundaries to `width`.
pub(in crate::ui) fn line_height(line: &Line, width: usize) -> usize {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let by_chars = line.width().max(1).div_ceil(width.max(1));
    wrapped_lines(&text, width).max(by_chars)
}

/// Draws a bordered box `cx.w` wide and `h` high (borders included), plus the
/// rows of its buttons. When that is taller than `area`, `show` says which
/// lines are seen; the buttons always are. The rows it could not show are
/// recorded, so scrolling stops at the last line.
pub(in crate::ui) fn dialog_sized(
    frame: &mut Frame,
    cx: &Canvas,
    (title, lines, buttons): Content,
    h: usize,
    show: Show,
) -> Regions {
    let (theme, area, w) = (cx.theme, cx.area, cx.w);
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
    Regions {
        dialog_overflow: overflow,
        buttons: draw_buttons(frame, theme, buttons, places, button_area),
        ..Regions::default()
    }
}

/// Draws the buttons at their places in `area`; returns where each is and
/// the key it presses.
fn draw_buttons(
    frame: &mut Frame,
    theme: Theme,
    buttons: Buttons,
    places: Vec<(u16, u16, u16)>,
    area: Rect,
) -> Vec<(Rect, KeyEvent)> {
    let mut pressed = Vec::new();
    for ((k, what), (row, x, bw)) in buttons.iter().zip(places) {
        if row >= area.height {
            break;
        }
        let at = Rect {
            x: area.x + x,
            y: area.y + row,
            width: bw,
            height: 1,
        }
        .intersection(area);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled((*k).to_owned(), theme.key()),
                Span::raw(format!(" {what}")),
            ])),
            at,
        );
        if let Some(key) = button_key(k) {
            pressed.push((at, key));
        }
    }
    pressed
}

/// Where and how a dialog draws: what components read, the theme, the
/// screen's body it sits over, and its width.
#[derive(Clone, Copy)]
pub struct Canvas<'a> {
    /// What every component may read.
    pub ctx: Ctx<'a>,
    /// The colours.
    pub theme: Theme,
    /// The screen's body.
    pub area: Rect,
    /// The dialog's width.
    pub w: u16,
}

/// Revoking a key that can manage keys may revoke the one this session signs
/// in with; the API cannot say which that is, so say it plainly.
pub(in crate::ui) fn key_manager_warning<'a>(
    ctx: &Ctx,
    ids: impl Iterator<Item = &'a str>,
    theme: Theme,
) -> Option<Line<'static>> {
    let ids: Vec<&str> = ids.collect();
    if let Some(own) = ctx.own_key_id {
        // Known (the demo): say it for that key, and only for it.
        if !ids.contains(&own) {
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
        .filter_map(|id| ctx.keys.iter().find(|k| k.id == id))
        .filter(|k| {
            k.permissions
                .grants(&narrative_keys::AccessLevel::Write, &admin)
        })
        .map(|k| format!("\"{}\"", truncate(&escape_controls(&k.name), 30)))
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

pub(in crate::ui) fn note_line(theme: Theme, note: &Result<String, String>) -> Line<'static> {
    match note {
        Ok(t) => Line::from(Span::styled(
            format!("✓ {}", escape_controls(t)),
            theme.ok(),
        )),
        Err(t) => Line::from(Span::styled(
            format!("✖ {}", escape_controls(t)),
            theme.error(),
        )),
    }
}

/// A rectangle of at most `w` x `h` centred in `area`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
