//! The two notices about the session's key: the offer of read-only mode
//! after a refused change, and the message that the key is gone.

use crossterm::event::KeyCode::{self, Char, Enter, Esc};

use super::Reply;
use crate::ui::hit::Regions;
use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::output::escape_controls;
use crate::ui::components::dialog::frame::Canvas;
use crate::ui::components::dialog::frame::{Show, dialog};
use crate::ui::components::keymap::{self, Binding};

/// What a key does in a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeCmd {
    /// Yes: switch to read-only.
    Yes,
    /// Close the notice.
    Close,
    /// Quit the program.
    Quit,
}

/// The offer of read-only mode.
pub const OFFER_KEYS: &[Binding<NoticeCmd>] = &[
    Binding::new(
        "y",
        "switch to read-only",
        &[(Char('y'), NoticeCmd::Yes), (Char('Y'), NoticeCmd::Yes)],
    ),
    Binding::new(
        "n / Esc",
        "keep offering changes",
        &[
            (Char('n'), NoticeCmd::Close),
            (Char('N'), NoticeCmd::Close),
            (Esc, NoticeCmd::Close),
            (Char('q'), NoticeCmd::Close),
        ],
    ),
];

/// The message that the session's key is gone.
pub const ENDED_KEYS: &[Binding<NoticeCmd>] = &[
    Binding::new("q", "quit", &[(Char('q'), NoticeCmd::Quit)]),
    // The list stays readable; the status line keeps the message.
    Binding::new(
        "Esc",
        "close (the list stays as last loaded)",
        &[(Esc, NoticeCmd::Close), (Enter, NoticeCmd::Close)],
    ),
];

/// A key in the offer of read-only mode.
pub fn on_offer_key(code: KeyCode, ctrl_c: bool) -> Reply {
    if ctrl_c {
        return Reply::Quit;
    }
    match keymap::lookup(OFFER_KEYS, code) {
        Some((_, NoticeCmd::Yes)) => Reply::ReadOnly,
        Some(_) => Reply::Close(Some(
            "Changes are still offered; the server may refuse them again.".to_owned(),
        )),
        None => Reply::IGNORED,
    }
}

/// A key in the message that the session's key is gone.
pub fn on_ended_key(code: KeyCode, ctrl_c: bool) -> Reply {
    if ctrl_c {
        return Reply::Quit;
    }
    match keymap::lookup(ENDED_KEYS, code) {
        Some((_, NoticeCmd::Quit)) => Reply::Quit,
        Some(_) => Reply::Close(None),
        None => Reply::IGNORED,
    }
}

/// Draws the offer of read-only mode, with the server's `message`.
pub(in crate::ui) fn draw_offer(message: &str, cx: &Canvas, frame: &mut Frame) -> Regions {
    let theme = cx.theme;
    let lines = vec![
        Line::from(Span::styled(
            format!("The server refused a change: {}", escape_controls(message)),
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
    dialog(frame, cx, (title, lines, &buttons), Show::End)
}

/// Draws the message that the session's key is gone: `text`.
pub(in crate::ui) fn draw_ended(text: &str, cx: &Canvas, frame: &mut Frame) -> Regions {
    let theme = cx.theme;
    let lines = vec![Line::from(Span::styled(
        escape_controls(text),
        theme.error(),
    ))];
    let buttons = [
        ("q", "quit"),
        ("Esc", "close (the list stays as last loaded)"),
    ];
    let title = " This session's key no longer works ".to_owned();
    dialog(frame, cx, (title, lines, &buttons), Show::End)
}
