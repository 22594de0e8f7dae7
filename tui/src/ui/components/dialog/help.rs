//! The help dialog: the current screen's bindings, scrolled when taller
//! than the terminal.

use crossterm::event::KeyCode::{self, Char, Down, Enter, Esc, F, Up};

use super::Reply;
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
