//! The terminal UI with a keys file (`--file`, or `narrative-keys.toml` in
//! the current directory): each key's plan mark in the list, the header
//! naming the file, `p` showing the plan as `plan` prints it, and
//! `:filter drift` keeping the keys with a pending action. Snapshots at
//! 80x24 and 120x40, the clock fixed.

// The fixtures panic on failure, as tests do.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::*;
use crossterm::event::KeyCode;
use narrative_keys::keys_as_code::KeysFile;
use narrative_keys_tui::ui::app::KeysAsCode;
use narrative_keys_tui::ui::{Action, App, Effect};

/// Against the fixture's dozen keys: one in line, one due (3 days left),
/// one whose permissions drifted, a name two keys hold, one to create;
/// `managed = "*"` makes every other key unmanaged.
const FILE: &str = r#"
[defaults]
managed = "*"

[[key]]
name = "Analytics dashboard"
grant = ["read:datasets", "read:queries", "read:subscriptions"]
secret_out = "analytics.env"

[[key]]
name = "S3 delivery connector"
presets = ["connector-delivery"]
secret_to = ["gh secret set S3_DELIVERY_KEY"]

[[key]]
name = "Airflow workflows"
grant = ["read:workflows", "write:workflows"]
secret_to = ["gh secret set AIRFLOW_KEY"]

[[key]]
name = "Nightly ingestion"
presets = ["data-ingestion"]
secret_out = "ingestion.env"

[[key]]
name = "New exporter"
grant = ["read:datasets"]
secret_out = "exporter.env"
"#;

fn planned_app() -> App {
    let mut app = App::new("DEMO", true, now());
    let file = KeysFile::parse(
        Path::new("/srv/keys/narrative-keys.toml"),
        FILE.to_owned(),
        now(),
    )
    .unwrap();
    app.keys_as_code = Some(KeysAsCode::new(file, None, true));
    app.init();
    app.update(Action::KeysLoaded(Ok(keys())));
    app
}

/// The row of the key named `name`.
fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("{name} not shown:\n{screen}"))
}

#[test]
fn the_list_shows_each_keys_plan_mark_and_the_header_names_the_file() {
    let app = planned_app();
    let screen = draw(&app, 120, 40);
    let header = screen.lines().next().unwrap();
    assert!(
        header.contains("keys file narrative-keys.toml (found in the current directory)"),
        "{header}"
    );
    assert!(
        row(&screen, "S3 delivery connector").contains("↻ S3 delivery connector"),
        "{screen}"
    );
    assert!(
        row(&screen, "Airflow workflows").contains("~ Airflow workflows"),
        "{screen}"
    );
    assert!(
        row(&screen, "Webhook relay").contains("? Webhook relay"),
        "{screen}"
    );
    assert!(
        row(&screen, "Analytics dashboard").contains("  Analytics dashboard"),
        "{screen}"
    );
    insta::assert_snapshot!("keys_file_list@120x40", screen);
    insta::assert_snapshot!("keys_file_list@80x24", draw(&app, 80, 24));
}

#[test]
fn p_shows_the_plan_as_plan_prints_it() {
    let mut app = planned_app();
    ch(&mut app, 'p');
    let screen = draw(&app, 120, 40);
    for line in [
        "Plan: what apply would do",
        "~  Airflow workflows",
        "read:jobs,write:jobs,read:workflows,write:workflows → read:workflows,write:workflows",
        "↻  S3 delivery connector",
        "rotate: expires in 3 days, within rotate_before",
        "+  New exporter",
        "?  Webhook relay",
        "Plan: 1 to create, 1 to update in place, 2 to rotate.",
    ] {
        assert!(screen.contains(line), "{line:?} missing:\n{screen}");
    }
    insta::assert_snapshot!("keys_file_plan@120x40", screen);
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
}

#[test]
fn filter_drift_keeps_the_keys_with_a_pending_action() {
    let mut app = planned_app();
    ch(&mut app, ':');
    typed(&mut app, "filter drift");
    press(&mut app, KeyCode::Enter);
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("Keys (4 of 12)"), "{screen}");
    for name in [
        "S3 delivery connector",
        "Airflow workflows",
        "Nightly ingestion",
    ] {
        assert!(screen.contains(name), "{name}:\n{screen}");
    }
    for name in ["Analytics dashboard", "Webhook relay"] {
        assert!(!screen.contains(name), "{name}:\n{screen}");
    }
}

#[test]
fn without_a_keys_file_p_does_nothing_and_drift_is_plain_text() {
    let mut app = loaded_app();
    ch(&mut app, 'p');
    assert!(app.modal.is_none());
    ch(&mut app, ':');
    typed(&mut app, "filter drift");
    press(&mut app, KeyCode::Enter);
    assert!(draw(&app, 120, 40).contains("Keys (0 of 12)"));
}

#[test]
fn a_shows_the_plan_and_applies_only_after_y() {
    let mut app = planned_app();
    assert!(ch(&mut app, 'A').is_none());
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("Apply this plan?"), "{screen}");
    assert!(
        screen.contains("Plan: 1 to create, 1 to update in place, 2 to rotate."),
        "{screen}"
    );
    assert!(ch(&mut app, 'n').is_none(), "n applies nothing");
    assert!(app.modal.is_none());
    ch(&mut app, 'A');
    let effect = ch(&mut app, 'y');
    let Some(Effect::ApplyKeysFile(work)) = effect else {
        panic!("y applies: {effect:?}");
    };
    assert_eq!(work.1.actions.len(), 4);
    assert!(draw(&app, 120, 40).contains("Applying…"));
    assert!(
        ch(&mut app, 'y').is_none(),
        "a second y applies nothing more"
    );
    // The answer closes the plan, says what was done and loads the list again.
    let effect = app.update(Action::KeysFileApplied(Err(
        "[[key]] \"New exporter\": cannot write exporter.env".to_owned(),
    )));
    assert!(matches!(effect, Some(Effect::LoadKeys)), "{effect:?}");
    assert!(app.modal.is_none());
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("Nothing was applied: [[key]]"), "{screen}");
}

#[test]
fn a_is_refused_in_read_only_mode() {
    let mut app = planned_app();
    app.session.readonly = true;
    assert!(ch(&mut app, 'A').is_none());
    assert!(app.modal.is_none());
}

/// A hand-off as the SDK's apply makes one: the secret of `name` (id `id`)
/// handed to the app, and the apply's wait for the answer, running on `rt`.
fn handed_over(
    rt: &tokio::runtime::Runtime,
    id: &str,
    name: &str,
    replaces: Option<&str>,
) -> (
    narrative_keys::deliver::HandedSecret,
    tokio::task::JoinHandle<Result<(), String>>,
) {
    use narrative_keys::deliver::{HandOff, NewSecret};
    let (tx, rx) = std::sync::mpsc::channel();
    let hand_off = HandOff::new(move |handed| tx.send(handed).unwrap());
    let key = narrative_keys::ApiKey {
        id: id.to_owned(),
        name: name.to_owned(),
        permissions: narrative_keys::PermissionSet::default(),
        expires_at: None,
    };
    let replaces = replaces.map(str::to_owned);
    let secret = narrative_keys::Secret::from(format!("nk_secret_of_{id}"));
    let waiting = rt.spawn(async move {
        let item = NewSecret {
            key: &key,
            secret: &secret,
            replaces: replaces.as_deref(),
        };
        // The apply found the key still its own.
        (hand_off.hand_over(&item).await)
            .map(|goes_on| goes_on.tell(Ok(())))
            .map_err(|e| e.to_string())
    });
    (rx.recv().unwrap(), waiting)
}

/// Runs the app's answers to the apply through the UI's executor, and
/// folds what the apply said back into `app`.
fn answer(app: &mut App, effect: Option<Effect>) -> Vec<bool> {
    let mut said = Vec::new();
    for effect in effect.map(Effect::flatten).unwrap_or_default() {
        assert!(
            !matches!(effect, Effect::RevokeUnstored(_)),
            "the apply revokes its own keys: {effect:?}"
        );
        if let Effect::AnswerHandOff { stored, .. } = &effect {
            said.push(*stored);
            let client = narrative_keys_testkit::fixtures::offline_client();
            for action in run_effect_with(client, effect).0 {
                app.update(action);
            }
        }
    }
    said
}

#[test]
fn an_applys_secrets_show_one_dialog_after_the_other_and_each_answer_reaches_the_apply() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut app = planned_app();
    ch(&mut app, 'A');
    assert!(matches!(ch(&mut app, 'y'), Some(Effect::ApplyKeysFile(_))));
    let (first, first_waits) = handed_over(&rt, "new-1", "Dashboard", Some("old-1"));
    let (second, second_waits) = handed_over(&rt, "new-2", "Reporter", None);
    app.update(Action::SecretHandedOver(Box::new(first)));
    app.update(Action::SecretHandedOver(Box::new(second)));
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("Keys file: new key: shown once"),
        "{screen}"
    );
    assert!(screen.contains("nk_secret_of_new-1"), "{screen}");
    assert!(
        screen.contains("The old key old-1 keeps working until"),
        "{screen}"
    );
    assert!(
        !screen.contains("nk_secret_of_new-2"),
        "one dialog at a time"
    );
    assert!(
        !screen.contains("Applying…"),
        "the secret replaces the plan"
    );
    assert_eq!(
        app.unstored_keys().len(),
        2,
        "the waiting one counts as unstored too"
    );

    // Stored: the apply goes on with it (and retires old-1 itself).
    let stored = ch(&mut app, 's');
    assert_eq!(answer(&mut app, stored), [true]);
    assert_eq!(rt.block_on(first_waits).unwrap(), Ok(()));
    assert!(draw(&app, 120, 40).contains("Stored: the apply goes on"));
    ch(&mut app, 'D');
    let dismissed = ch(&mut app, 'y');
    assert_eq!(answer(&mut app, dismissed), Vec::<bool>::new());
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("nk_secret_of_new-2"),
        "the next one: {screen}"
    );
    assert!(
        screen.contains("The apply waits until this secret is written"),
        "{screen}"
    );

    // Dismissed unstored: the apply is told, and revokes it again itself.
    ch(&mut app, 'D');
    assert!(draw(&app, 120, 40).contains("The new key is revoked again"));
    let dismissed = ch(&mut app, 'y');
    assert_eq!(answer(&mut app, dismissed), [false]);
    let refused = rt.block_on(second_waits).unwrap().unwrap_err();
    assert!(
        refused.contains("was dismissed without being stored"),
        "{refused}"
    );
    assert!(app.modal.is_none());
    assert!(!app.holds_secret());
}

#[test]
fn what_the_delivery_commands_printed_is_shown_in_the_apply_results() {
    use narrative_keys::keys_as_code::{ActionKind, ApplyReport, Outcome};
    let mut app = planned_app();
    ch(&mut app, 'A');
    ch(&mut app, 'y');
    let outcome = Outcome {
        action: ActionKind::Rotate,
        name: "S3 delivery connector".to_owned(),
        id: None,
        new_id: Some("new-1".to_owned()),
        ok: true,
        message: "new-1 made, its secret checked and delivered".to_owned(),
        retired: Vec::new(),
        output: "✓ Set Actions secret S3_DELIVERY_KEY\n\u{1b}[31mwarning\u{1b}[0m: [redacted]\n"
            .to_owned(),
    };
    let report = ApplyReport {
        outcomes: vec![outcome],
        ..ApplyReport::default()
    };
    app.update(Action::KeysFileApplied(Ok(report)));
    let screen = draw(&app, 120, 40);
    for line in [
        "Applied: what apply did",
        "✓ ↻  S3 delivery connector: new-1 made, its secret checked and delivered",
        "    its secret_to commands printed:",
        "      ✓ Set Actions secret S3_DELIVERY_KEY",
        // Escaped, never sent to the terminal.
        "      \\u{1b}[31mwarning\\u{1b}[0m: [redacted]",
        "Applied: 1 step; every new secret went to its targets",
    ] {
        assert!(screen.contains(line), "{line:?} missing:\n{screen}");
    }
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
}

#[test]
fn an_applys_secret_waits_while_a_rotation_whose_answer_opens_a_dialog_is_in_flight() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut app = planned_app();
    ch(&mut app, 'r');
    let effect = ch(&mut app, 'y');
    assert!(matches!(effect, Some(Effect::Rotate { .. })), "{effect:?}");
    let (handed, _waits) = handed_over(&rt, "new-1", "Dashboard", None);
    app.update(Action::SecretHandedOver(Box::new(handed)));
    assert!(app.modal.is_none(), "not over the rotation's coming secret");
    assert!(app.holds_secret());
    app.update(Action::Rotated(Err(
        "server error: 502 Bad Gateway".to_owned()
    )));
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("nk_secret_of_new-1"), "{screen}");
}

/// "Stored" for a key another apply (or a person) took over or revoked
/// meanwhile: the dialog and the status line say the apply does not go on
/// with it, when its secret stops working, and to run `plan`; never
/// "Stored: the apply goes on".
#[test]
fn stored_for_a_key_taken_over_elsewhere_says_the_apply_does_not_go_on() {
    let mut app = planned_app();
    ch(&mut app, 'A');
    ch(&mut app, 'y');
    let (tx, rx) = std::sync::mpsc::channel();
    let hand_off = narrative_keys::deliver::HandOff::new(move |handed| tx.send(handed).unwrap());
    let key = narrative_keys::ApiKey {
        id: "new-1".to_owned(),
        name: "Dashboard (pending 2026-12-06 08:57 UTC)".to_owned(),
        permissions: narrative_keys::PermissionSet::default(),
        expires_at: None,
    };
    let secret = narrative_keys::Secret::from("nk_secret_of_new-1");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let why = "the new key new-1 was taken over while its secret was on screen: another apply or a change elsewhere renamed it \"Dashboard (retiring 2026-12-06 09:57 UTC)\" or changed its expiration; the secret shown stops working at 2026-12-06 09:57 UTC. This apply does not go on with it, and leaves the key it was to replace as it is: run `narrative-keys plan` to see where the keys stand";
    let apply = rt.spawn(async move {
        let item = narrative_keys::deliver::NewSecret {
            key: &key,
            secret: &secret,
            replaces: Some("old-1"),
        };
        // The apply read the key again and found it taken over.
        if let Ok(goes_on) = hand_off.hand_over(&item).await {
            goes_on.tell(Err(why.to_owned()));
        }
    });
    app.update(Action::SecretHandedOver(Box::new(rx.recv().unwrap())));
    let stored = ch(&mut app, 's');
    assert_eq!(answer(&mut app, stored), [true]);
    rt.block_on(apply).unwrap();
    let screen = draw(&app, 120, 40);
    assert!(!screen.contains("the apply goes on"), "{screen}");
    let said = app.feedback.status.as_ref().unwrap().text.clone();
    assert!(
        said.contains("The apply does not go on with this key")
            && said.contains("stops working at 2026-12-06 09:57 UTC")
            && said.contains("run `narrative-keys plan`"),
        "{said}"
    );
    assert!(
        screen.contains("✖ The apply does not go on with this key"),
        "in the dialog too: {screen}"
    );
}
