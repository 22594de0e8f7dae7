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

pub mod command_line;
pub mod detail;
pub mod dialog;
pub mod form;
pub mod input;
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
}

/// The key a turn of the wheel stands for: up or down.
pub(in crate::ui) fn wheel_key(up: bool) -> KeyEvent {
    KeyEvent::new(
        if up { KeyCode::Up } else { KeyCode::Down },
        KeyModifiers::NONE,
    )
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use chrono::{TimeZone, Utc};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::dialog::revoke::RevokeConfirm;
    use super::dialog::secret::SecretModal;
    use super::dialog::{Reply, help, incident, notice, revoke, rotate, secret};
    use super::keymap::{self, Binding, EventState};
    use super::{command_line, form, list};
    use crate::ui::components::input::TextInput;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn codes<C>(table: &'static [Binding<C>]) -> impl Iterator<Item = KeyCode> {
        table
            .iter()
            .flat_map(|row| row.keys.iter().map(|(code, _)| *code))
    }

    /// Each key is in one row of its table, and finds that row's command.
    fn maps_each_key_once<C: Copy + PartialEq + Debug>(table: &'static [Binding<C>]) {
        let mut seen = Vec::new();
        for row in table {
            for (code, cmd) in row.keys {
                assert!(!seen.contains(code), "{code:?} twice in {}", row.label);
                seen.push(*code);
                assert_eq!(keymap::lookup(table, *code).map(|(_, c)| c), Some(*cmd));
            }
        }
    }

    fn handled(reply: &Reply) -> bool {
        !matches!(reply, Reply::Stay(EventState::NotConsumed))
    }

    #[test]
    fn every_table_maps_each_key_once() {
        maps_each_key_once(list::LIST_KEYS);
        maps_each_key_once(list::FILTER_KEYS);
        maps_each_key_once(command_line::COMMAND_KEYS);
        for table in [
            form::keys::FORM_HEAD_KEYS,
            form::keys::FORM_TAIL_KEYS,
            form::keys::NAME_KEYS,
            form::keys::PRESET_KEYS,
            form::keys::MATRIX_KEYS,
            form::keys::EXPIRATION_KEYS,
            form::keys::REVIEW_KEYS,
        ] {
            maps_each_key_once(table);
        }
        maps_each_key_once(help::HELP_KEYS);
        maps_each_key_once(notice::OFFER_KEYS);
        maps_each_key_once(notice::ENDED_KEYS);
        maps_each_key_once(rotate::ROTATE_KEYS);
        maps_each_key_once(revoke::REVOKE_ONE_KEYS);
        maps_each_key_once(revoke::REVOKE_COUNT_KEYS);
        for table in [
            secret::SECRET_ONE_KEYS,
            secret::SECRET_MANY_KEYS,
            secret::FILE_ONE_KEYS,
            secret::FILE_MANY_KEYS,
            secret::DISMISS_ONE_KEYS,
            secret::DISMISS_MANY_KEYS,
        ] {
            maps_each_key_once(table);
        }
        for table in [
            incident::PLAN_KEYS,
            incident::RUNNING_KEYS,
            incident::DONE_KEYS,
            incident::EDITING_KEYS,
        ] {
            maps_each_key_once(table);
        }
    }

    #[test]
    fn every_list_key_is_consumed() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let policy = narrative_keys::StatusPolicy::default();
        let ctx = super::Ctx {
            now,
            policy: &policy,
            keys: &[],
            loaded: true,
            load_failed: false,
            readonly: false,
            session_ended: false,
            own_key_id: None,
            spinner: 0,
        };
        for code in codes(list::LIST_KEYS) {
            let msg = list::KeyList::new(now).handle_key(key(code), &ctx);
            assert!(!matches!(msg, list::ListMsg::Ignored), "{code:?}");
        }
    }

    #[test]
    fn every_dialog_key_is_handled() {
        for code in codes(help::HELP_KEYS) {
            assert!(handled(&help::on_key(code, false, &mut 0, 0)), "{code:?}");
        }
        for code in codes(notice::OFFER_KEYS) {
            assert!(handled(&notice::on_offer_key(code, false)), "{code:?}");
        }
        for code in codes(notice::ENDED_KEYS) {
            assert!(handled(&notice::on_ended_key(code, false)), "{code:?}");
        }
        for code in codes(rotate::ROTATE_KEYS) {
            let reply = rotate::on_key(code, false, &mut "id".to_owned(), &mut 0);
            assert!(handled(&reply), "{code:?}");
        }
        let one = vec![("a".to_owned(), "A".to_owned())];
        let two = vec![one[0].clone(), ("b".to_owned(), "B".to_owned())];
        for keys in [one, two] {
            let table = RevokeConfirm::new(keys.clone()).keymap();
            for code in codes(table) {
                let reply = RevokeConfirm::new(keys.clone()).on_key(key(code), false);
                assert!(handled(&reply), "{code:?}");
            }
        }
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let secrets = |file: bool, dismiss: bool| {
            let mut m = SecretModal::new("test", Vec::new());
            m.file_input = file.then(TextInput::default);
            m.confirm_dismiss = dismiss;
            m
        };
        for (file, dismiss) in [(false, false), (true, false), (false, true)] {
            for code in codes(secrets(file, dismiss).keymap()) {
                let reply = secrets(file, dismiss).on_key(key(code), false, now);
                assert!(handled(&reply), "{code:?}");
            }
        }
    }
}
