//! The components alone, with no app: every key of every table reaches
//! its command, and what a component draws it returns for the mouse.

use std::fmt::Debug;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::Ctx;
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
    maps_each_key_once(list::PLAN_LIST_KEYS);
    maps_each_key_once(super::dialog::plan::PLAN_KEYS);
    // A keys file's keys are looked up after the list's: none may be taken.
    let list_codes: Vec<KeyCode> = codes(list::LIST_KEYS).collect();
    assert!(codes(list::PLAN_LIST_KEYS).all(|c| !list_codes.contains(&c)));
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
        secret::DISMISS_STORED_KEYS,
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
    let ctx = ctx(now, &policy, &[]);
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
    for code in codes(super::dialog::plan::PLAN_KEYS) {
        let mut plan = super::dialog::plan::PlanDialog {
            text: "a\nb".to_owned(),
            scroll: 0,
            apply: None,
            applied: false,
        };
        assert!(handled(&plan.on_key(code, false)), "{code:?}");
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

/// A context as the app lends it: loaded, changes allowed.
fn ctx<'a>(
    now: chrono::DateTime<Utc>,
    policy: &'a narrative_keys::StatusPolicy,
    keys: &'a [narrative_keys::ApiKey],
) -> Ctx<'a> {
    Ctx {
        now,
        policy,
        keys,
        loaded: true,
        load_failed: false,
        readonly: false,
        session_ended: false,
        own_key_id: None,
        spinner: 0,
        plan_marks: None,
    }
}

#[test]
fn the_list_drawn_alone_returns_where_each_row_is() {
    use narrative_keys_testkit::fixtures;
    use ratatui::layout::{Position, Rect};
    let keys = fixtures::keys();
    let policy = narrative_keys::StatusPolicy::default();
    let ctx = ctx(fixtures::now(), &policy, &keys);
    let mut list = list::KeyList::new(ctx.now);
    list.sync(ctx.keys, ctx.now, ctx.policy, (true, None));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 8)).unwrap();
    let mut regions = None;
    terminal
        .draw(|f| {
            let area = f.area();
            regions = Some(list.render(&ctx, crate::ui::theme::Theme::MONO, f, area, true));
        })
        .unwrap();
    let regions = regions.unwrap();
    assert_eq!(regions.list, Some(Rect::new(0, 0, 80, 8)));
    // Inside the border, under the column heads: six rows of keys.
    assert_eq!(regions.list_row_at(Position::new(5, 2)), Some(0));
    assert_eq!(regions.list_row_at(Position::new(5, 7)), None);
    let second = list.visible(&keys).get(1).unwrap().name.clone();
    let screen = terminal.backend().to_string();
    let drawn_on = screen.lines().position(|l| l.contains(&second));
    assert_eq!(
        drawn_on,
        Some(3),
        "the second row is where a click selects it"
    );
    assert_eq!(regions.list_row_at(Position::new(5, 3)), Some(1));
}

#[test]
fn a_dialog_drawn_alone_returns_its_buttons() {
    use ratatui::layout::Rect;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let policy = narrative_keys::StatusPolicy::default();
    let modal = super::dialog::Modal::ConfirmRevoke(RevokeConfirm::new(vec![(
        "id".to_owned(),
        "A key".to_owned(),
    )]));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    let mut regions = None;
    terminal
        .draw(|f| {
            let cx = super::dialog::frame::Canvas {
                ctx: ctx(now, &policy, &[]),
                theme: crate::ui::theme::Theme::MONO,
                area: f.area(),
                w: 76,
            };
            let help = super::dialog::help::HelpProps {
                rows: &[],
                context: "the key list",
                scroll: 0,
            };
            regions = Some(modal.render(help, &cx, f));
        })
        .unwrap();
    let buffer = terminal.backend().buffer();
    let pressed: Vec<KeyCode> = regions
        .unwrap()
        .buttons
        .iter()
        .map(|(at, key)| {
            let label: String = (at.x..at.right())
                .map(|x| buffer[(x, at.y)].symbol())
                .collect();
            assert!(
                label.starts_with('y') || label.starts_with('n'),
                "{label:?}"
            );
            assert!(Rect::new(0, 0, 80, 24).contains(at.as_position()));
            key.code
        })
        .collect();
    assert_eq!(pressed, [KeyCode::Char('y'), KeyCode::Char('n')]);
}
