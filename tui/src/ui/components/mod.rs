//! The UI's components: each owns its keys (a keymap table that also
//! feeds the help and the hint bar) and answers an event as consumed or
//! not; `App::update` routes events to them and turns what they ask for
//! into effects.
//!
//! - [`keymap`]: `Binding` tables, `EventState`, lookup, help and hints.
//! - [`list`]: the key list and the detail pane beside it.
//! - [`dialog`]: each dialog: help, revoke, rotate, secrets, incident, notices.
//! - [`form`]: the create/edit wizard: its keys, clicks, help and hints.

pub mod dialog;
pub mod form;
pub mod keymap;
pub mod list;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The key a turn of the wheel stands for: up or down.
pub(in crate::ui) fn wheel_key(up: bool) -> KeyEvent {
    KeyEvent::new(
        if up { KeyCode::Up } else { KeyCode::Down },
        KeyModifiers::NONE,
    )
}
