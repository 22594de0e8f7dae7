//! The UI's components. Each owns its state, its keys (a keymap table
//! that also feeds the help and the hint bar), its clicks and its drawing.
//! None knows the app: a component reads the [`Ctx`] it is lent, answers a
//! key or a click with its own message (`ListMsg`, `FormMsg`, `LineMsg`,
//! the dialogs' `Reply`) for what only the app can do, and draws from what
//! it is given, returning where it drew what a mouse can press
//! (`hit::Regions`). The app routes events to them and turns their
//! answers into state and effects (`app::route`).
//!
//! - [`keymap`]: `Binding` tables, `EventState`, lookup, help and hints.
//! - [`input`]: the one-line text input the others type into.
//! - [`list`]: the key list: its state (`KeyList`), keys, clicks, filter
//!   and index; drawing in `list/render.rs`.
//! - [`detail`]: the detail pane beside it, and its state (`DetailPane`).
//! - [`form`]: the create/edit wizard: state and steps, key tables, the
//!   permission matrix, drawing.
//! - [`command_line`]: the `:` command line: its keys; parsing and completion.
//! - [`dialog`]: the `Modal` enum and one file per dialog: help, revoke,
//!   rotate, secrets, incident, notices; the frame they draw in.
//! - [`key_reference`]: every table above named by where it applies, for
//!   the generated key reference.

pub mod command_line;
pub mod detail;
pub mod dialog;
pub mod form;
pub mod input;
pub mod key_reference;
pub mod keymap;
pub mod list;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use narrative_keys::{ApiKey, StatusPolicy};

/// What every component may read and none may change: the clock, the
/// keys, and what the session allows. The app lends it (`App::ctx`) to
/// the component it routes a key or a click to, and to each it draws.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The clock every relative date and status is read against.
    pub now: DateTime<Utc>,
    /// When a key counts as expiring soon.
    pub policy: &'a StatusPolicy,
    /// Every key the last load returned, in the server's order.
    pub keys: &'a [ApiKey],
    /// Whether a load has succeeded yet.
    pub loaded: bool,
    /// Whether the last load failed and no other is in flight.
    pub load_failed: bool,
    /// Whether changes are off in this session.
    pub readonly: bool,
    /// Whether the server no longer accepts this session's key.
    pub session_ended: bool,
    /// The id of the key this session signs in with, when it is known.
    pub own_key_id: Option<&'a str>,
    /// The spinner's frame, for work in flight.
    pub spinner: usize,
    /// Each key's mark in the keys file's plan, by id, when a file is loaded.
    pub plan_marks: Option<&'a std::collections::HashMap<String, &'static str>>,
}

/// The key a turn of the wheel stands for: up or down.
pub(in crate::ui) fn wheel_key(up: bool) -> KeyEvent {
    KeyEvent::new(
        if up { KeyCode::Up } else { KeyCode::Down },
        KeyModifiers::NONE,
    )
}

#[cfg(test)]
mod tests;
