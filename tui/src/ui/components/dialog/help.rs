//! The help dialog: the current screen's bindings, scrolled when taller
//! than the terminal.

use crossterm::event::KeyCode::{self, Char, Down, Enter, Esc, F, Up};

use super::Reply;
use crate::ui::hit::Regions;
use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::ui::components::dialog::frame::Canvas;
use crate::ui::components::dialog::frame::{Show, dialog_sized, line_height};
use crate::ui::components::keymap::{self, Binding};

/// What a key does in the help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpCmd {
    /// Close the help.
    Close,
    /// Scroll up a line.
    Up,
    /// Scroll down a line.
    Down,
}

/// The help's keymap; its hint bar.
pub const HELP_KEYS: &[Binding<HelpCmd>] = &[
    Binding::new(
        "Esc",
        "close help",
        &[
            (Esc, HelpCmd::Close),
            (Enter, HelpCmd::Close),
            (Char('?'), HelpCmd::Close),
            (Char('q'), HelpCmd::Close),
            (F(1), HelpCmd::Close),
        ],
    ),
    Binding::new(
        "↑↓",
        "scroll",
        &[
            (Up, HelpCmd::Up),
            (Char('k'), HelpCmd::Up),
            (Down, HelpCmd::Down),
            (Char('j'), HelpCmd::Down),
        ],
    ),
];

/// A key in the help; `scroll` goes no further than `most`.
pub fn on_key(code: KeyCode, ctrl_c: bool, scroll: &mut u16, most: u16) -> Reply {
    if ctrl_c {
        return Reply::Quit;
    }
    match keymap::lookup(HELP_KEYS, code) {
        Some((_, HelpCmd::Close)) => Reply::Close(None),
        Some((_, HelpCmd::Up)) => {
            *scroll = scroll.saturating_sub(1);
            Reply::CONSUMED
        }
        Some((_, HelpCmd::Down)) => {
            *scroll = (*scroll + 1).min(most);
            Reply::CONSUMED
        }
        None => Reply::IGNORED,
    }
}

/// The hint bar while the help is open.
pub fn hints() -> Vec<(&'static str, &'static str)> {
    keymap::help(HELP_KEYS, false)
}

/// What the help shows: the bindings of the screen under it.
#[derive(Debug, Clone, Copy)]
pub struct HelpProps<'a> {
    /// The bindings, `(keys, what they do)`.
    pub rows: &'a [(&'static str, &'static str)],
    /// Which screen they are of: `the form`, `the key list`.
    pub context: &'static str,
    /// How far the help is scrolled.
    pub scroll: u16,
}

/// Draws the help: the bindings of the screen under it, scrolled.
pub(in crate::ui) fn draw(props: HelpProps, cx: &Canvas, frame: &mut Frame) -> Regions {
    let (theme, area, w) = (cx.theme, cx.area, cx.w);
    let bindings = props.rows;
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
    let title = format!(" Help: {} ", props.context);
    // Word-wrapped heights, so scrolling reaches the very last line.
    let inner_w = usize::from(w.min(area.width).saturating_sub(2).max(1));
    let h = lines.iter().map(|l| line_height(l, inner_w)).sum::<usize>() + 2;
    let buttons = [("Esc / ?", "close"), ("↑ ↓", "scroll")];
    dialog_sized(
        frame,
        cx,
        (title, lines, &buttons),
        h,
        Show::From(props.scroll),
    )
}
