//! The question before a rotation: what becomes of the old key.

use crossterm::event::KeyCode::{self, BackTab, Char, Down, Esc, Tab, Up};

use super::Reply;
use crate::ui::hit::Regions;
use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::output::escape_controls;
use crate::ui::components::dialog::frame::Canvas;
use crate::ui::components::dialog::frame::{Show, dialog, key_manager_warning};
use crate::ui::components::keymap::{self, Binding};

/// What a rotation does with the old key once the new key's secret is
/// shown: revoke it (the default, as on every surface), let it work for an
/// overlap and then expire (zero-downtime, never later than its own
/// expiration), or keep it.
pub const ROTATE_CHOICES: [(&str, narrative_keys::rotate::OldKeyPolicy); 5] = {
    use narrative_keys::Span;
    use narrative_keys::rotate::OldKeyPolicy;
    [
        ("revoke it now", OldKeyPolicy::Revoke),
        (
            "keep it 1h, then it expires",
            OldKeyPolicy::ExpireAfter(Span::Hours(1)),
        ),
        (
            "keep it 24h, then it expires",
            OldKeyPolicy::ExpireAfter(Span::Hours(24)),
        ),
        (
            "keep it 7d, then it expires",
            OldKeyPolicy::ExpireAfter(Span::Hours(24 * 7)),
        ),
        ("keep it (revoke it later)", OldKeyPolicy::Keep),
    ]
};

/// What a key does in the rotation question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotateCmd {
    /// The next choice.
    Next,
    /// The previous choice.
    Prev,
    /// Choice `n` (from 0).
    Pick(usize),
    /// Rotate.
    Yes,
    /// Cancel.
    No,
}

/// The rotation question's keymap.
pub const ROTATE_KEYS: &[Binding<RotateCmd>] = &[
    Binding::new(
        "↑ ↓ / 1-5",
        "old key",
        &[
            (Down, RotateCmd::Next),
            (Char('j'), RotateCmd::Next),
            (Tab, RotateCmd::Next),
            (Up, RotateCmd::Prev),
            (Char('k'), RotateCmd::Prev),
            (BackTab, RotateCmd::Prev),
            (Char('1'), RotateCmd::Pick(0)),
            (Char('2'), RotateCmd::Pick(1)),
            (Char('3'), RotateCmd::Pick(2)),
            (Char('4'), RotateCmd::Pick(3)),
            (Char('5'), RotateCmd::Pick(4)),
        ],
    ),
    Binding::new(
        "y",
        "rotate",
        &[(Char('y'), RotateCmd::Yes), (Char('Y'), RotateCmd::Yes)],
    ),
    Binding::new(
        "n / Esc",
        "cancel",
        &[
            (Char('n'), RotateCmd::No),
            (Char('N'), RotateCmd::No),
            (Esc, RotateCmd::No),
            (Char('q'), RotateCmd::No),
        ],
    ),
];

/// A key in the rotation question for key `id`, with `choice` picked.
pub fn on_key(code: KeyCode, ctrl_c: bool, id: &mut String, choice: &mut usize) -> Reply {
    if ctrl_c {
        return Reply::Quit;
    }
    let last = ROTATE_CHOICES.len() - 1;
    match keymap::lookup(ROTATE_KEYS, code) {
        Some((_, RotateCmd::Yes)) => {
            return Reply::Rotate {
                id: std::mem::take(id),
                old_key: ROTATE_CHOICES[*choice].1,
            };
        }
        Some((_, RotateCmd::No)) => return Reply::Close(Some("Nothing was rotated.".to_owned())),
        Some((_, RotateCmd::Next)) => *choice = (*choice + 1).min(last),
        Some((_, RotateCmd::Prev)) => *choice = choice.saturating_sub(1),
        Some((_, RotateCmd::Pick(n))) => *choice = n.min(last),
        None => return Reply::IGNORED,
    }
    Reply::CONSUMED
}

/// Draws the rotation question for key (id, name), `choice` picked.
pub(in crate::ui) fn draw(
    (id, name, choice): (&str, &str, usize),
    cx: &Canvas,
    frame: &mut Frame,
) -> Regions {
    let (ctx, theme) = (cx.ctx, cx.theme);
    let mut lines = vec![
        Line::from(vec![
            Span::raw("Rotate "),
            Span::styled(format!("\"{}\"", escape_controls(name)), theme.bold()),
            Span::raw("?"),
        ]),
        Line::from(Span::styled(
            format!("id {}", escape_controls(id)),
            theme.dim(),
        )),
        Line::from(
            "A new key with the same name and permissions is created, expiring in 90 days; its secret is shown once. Then the old key:",
        ),
    ];
    for (i, (label, _)) in ROTATE_CHOICES.iter().enumerate() {
        let picked = i == choice;
        let mark = if picked { "(•)" } else { "( )" };
        let text = format!(" {mark} {} {label}", i + 1);
        lines.push(Line::from(Span::styled(
            text,
            if picked { theme.bold() } else { theme.dim() },
        )));
    }
    if choice == 0 {
        lines.extend(key_manager_warning(&ctx, std::iter::once(id), theme));
    }
    lines.push(Line::raw(""));
    let buttons = [("y", "rotate"), ("n / Esc", "cancel")];
    let title = " Rotate? ".to_owned();
    dialog(frame, cx, (title, lines, &buttons), Show::End)
}
