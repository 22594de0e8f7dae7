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
