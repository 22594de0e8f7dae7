//! The question before a revoke. One key: y or n. Several: the number of
//! keys must be typed, so that a stray `y` cannot revoke a whole selection.

use crossterm::event::KeyCode::{Backspace, Char, Enter, Esc};
use crossterm::event::KeyEvent;

use super::Reply;
use crate::output::clean;
use crate::ui::components::keymap::{self, Binding};
use crate::ui::modal::RevokeConfirm;

/// What a key does in the revoke question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeCmd {
    /// Revoke (one key), or check the number typed (several).
    Go,
    /// A digit of the number, or Backspace.
    Type,
    /// Cancel.
    Cancel,
}

const CANCEL: [(crossterm::event::KeyCode, RevokeCmd); 4] = [
    (Char('n'), RevokeCmd::Cancel),
    (Char('N'), RevokeCmd::Cancel),
    (Esc, RevokeCmd::Cancel),
    (Char('q'), RevokeCmd::Cancel),
];

/// The question for one key.
pub const REVOKE_ONE_KEYS: &[Binding<RevokeCmd>] = &[
    Binding::new(
        "y",
        "revoke",
        &[(Char('y'), RevokeCmd::Go), (Char('Y'), RevokeCmd::Go)],
    ),
    Binding::new("n / Esc", "cancel", &CANCEL),
];

/// The question for several keys: their number typed.
pub const REVOKE_COUNT_KEYS: &[Binding<RevokeCmd>] = &[
    Binding::new(
        "0-9",
        "type the number of keys",
        &[
            (Char('0'), RevokeCmd::Type),
            (Char('1'), RevokeCmd::Type),
            (Char('2'), RevokeCmd::Type),
            (Char('3'), RevokeCmd::Type),
            (Char('4'), RevokeCmd::Type),
            (Char('5'), RevokeCmd::Type),
            (Char('6'), RevokeCmd::Type),
            (Char('7'), RevokeCmd::Type),
            (Char('8'), RevokeCmd::Type),
            (Char('9'), RevokeCmd::Type),
            (Backspace, RevokeCmd::Type),
        ],
    ),
    Binding::new("Enter", "revoke", &[(Enter, RevokeCmd::Go)]),
    Binding::new("Esc", "cancel", &CANCEL),
];

impl RevokeConfirm {
    /// This question's keymap.
    pub fn keymap(&self) -> &'static [Binding<RevokeCmd>] {
        if self.needs_count() {
            REVOKE_COUNT_KEYS
        } else {
            REVOKE_ONE_KEYS
        }
    }

    /// A key in the question.
    pub fn on_key(&mut self, key: KeyEvent, ctrl_c: bool) -> Reply {
        if ctrl_c {
            return Reply::Quit;
        }
        match keymap::lookup(self.keymap(), key.code) {
            Some((_, RevokeCmd::Cancel)) => Reply::Close(Some("Nothing was revoked.".to_owned())),
            Some((_, RevokeCmd::Type)) => {
                self.typed.handle_key(key);
                Reply::CONSUMED
            }
            Some((_, RevokeCmd::Go)) if self.needs_count() && !self.count_typed() => {
                Reply::CONSUMED
            }
            Some((_, RevokeCmd::Go)) => Reply::Revoke(std::mem::take(&mut self.keys)),
            None => Reply::IGNORED,
        }
    }

    /// Enter with several keys: whether their number was typed; if not,
    /// the note says what to do. The typing starts afresh either way.
    fn count_typed(&mut self) -> bool {
        let n = self.keys.len();
        let typed = std::mem::take(&mut self.typed.value);
        let ok = typed.trim() == n.to_string();
        if !ok {
            self.note = Some(if typed.trim().is_empty() {
                format!("Type {n}, the number of keys, then Enter.")
            } else {
                format!(
                    "{} is not {n}: nothing was revoked. Type {n} and Enter, or Esc to cancel.",
                    clean(typed.trim())
                )
            });
        }
        ok
    }
}
