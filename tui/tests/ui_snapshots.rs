//! Whole-app render snapshots on ratatui's `TestBackend`: every screen and
//! dialog at 80x24 and 120x40, with the clock fixed and fixed key ids.

// The fixtures panic on failure, as tests do.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use crossterm::event::KeyCode;
use narrative_keys::CreatedKey;
use narrative_keys::incident::{Failure, IncidentReport, IncidentStep, Replacement, ReportedKey};
use narrative_keys_tui::ui::action::{IncidentDone, Refusal};
use narrative_keys_tui::ui::{Action, App};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn created(name: &str) -> CreatedKey {
    common::created(name, FAKE_SECRET)
}

/// An incident that revoked keys 1, 2 and 3 and replaced each (ids 101 to
/// 103): the once-only dialog of the three secrets, before the report.
fn three_replacements() -> App {
    let mut app = loaded_app();
    let replacements: Vec<(String, CreatedKey)> =
        (1..=3).map(|n| replacement(n, FAKE_SECRET)).collect();
    let reported = replacements
        .iter()
        .map(|(old, new)| Replacement {
            replaces: old.clone(),
            key: ReportedKey::from(&new.key),
        })
        .collect();
    app.update(Action::IncidentDone(Box::new(IncidentDone {
        report: IncidentReport {
            revoked: keys()[..3].iter().map(ReportedKey::from).collect(),
            replacements: reported,
            ..empty_report()
        },
        replacements,
    })));
    app
}

fn scenarios() -> Vec<(&'static str, App)> {
    let mut out = Vec::new();

    let mut app = App::new("DEMO", true, now());
    app.init();
    out.push(("loading", app));

    out.push(("list", loaded_app()));

    let mut app = loaded_app();
    ch(&mut app, 'j');
    ch(&mut app, ' ');
    ch(&mut app, ' ');
    ch(&mut app, 's');
    ch(&mut app, 's');
    press(&mut app, KeyCode::Tab);
    out.push(("list_marked_sorted_detail_focus", app));

    let mut app = loaded_app();
    ch(&mut app, '/');
    typed(&mut app, "data");
    out.push(("list_filtering", app));

    let mut app = App::new("https://api.narrative.io", false, now());
    app.init();
    app.update(Action::KeysLoaded(Err(
        "the API key is not valid (401 unauthorized)".into(),
    )));
    out.push(("load_error", app));

    let mut app = App::new("prod", false, now());
    app.update(Action::KeysLoaded(Ok(vec![])));
    out.push(("list_empty", app));

    let mut app = loaded_app();
    ch(&mut app, '?');
    out.push(("help_list", app));

    out.push(("form_name_empty", new_form("")));

    let mut app = new_form("Batch loader");
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'j');
    out.push(("form_presets", app));

    let mut app = new_form("Custom job");
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'G');
    press(&mut app, KeyCode::Enter);
    ch(&mut app, ' ');
    for _ in 0..8 {
        ch(&mut app, 'j');
    }
    out.push(("form_matrix", app));

    let mut app = new_form("Batch loader");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    out.push(("form_expiration", app));

    let mut app = new_form("Batch loader");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    for _ in 0..4 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    out.push(("form_never_confirm", app));

    let mut app = new_form("Batch loader");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    typed(&mut app, "1y");
    out.push(("form_expiration_typed", app));

    let mut app = new_form("Batch loader");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    out.push(("form_review", app));

    let mut app = new_form("Batch loader");
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'j');
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(1));
    out.push(("help_form", app));

    let mut app = loaded_app();
    app.update(Action::Created(Ok(created("Batch loader"))));
    out.push(("secret_modal", app));

    let mut app = loaded_app();
    app.update(Action::Created(Ok(created("Batch loader"))));
    ch(&mut app, 'c');
    app.update(Action::Copied {
        id: id(99),
        result: Ok(()),
    });
    ch(&mut app, 'D');
    out.push(("secret_confirm_dismiss", app));

    let mut app = loaded_app();
    app.update(Action::Created(Ok(created("Batch loader"))));
    ch(&mut app, 'w');
    out.push(("secret_write_file", app));

    out.push(("secret_three", three_replacements()));

    let mut app = three_replacements();
    ch(&mut app, 'j');
    ch(&mut app, 'c');
    app.update(Action::Copied {
        id: id(102),
        result: Ok(()),
    });
    ch(&mut app, 'D');
    out.push(("secret_three_confirm_dismiss", app));

    let mut app = three_replacements();
    ch(&mut app, 'w');
    out.push(("secret_three_write_file", app));

    let mut app = loaded_app();
    ch(&mut app, 'd');
    out.push(("confirm_revoke", app));

    let mut app = loaded_app();
    ch(&mut app, ' ');
    ch(&mut app, ' ');
    ch(&mut app, ' ');
    ch(&mut app, 'd');
    out.push(("confirm_revoke_many", app));

    let mut app = loaded_app();
    ch(&mut app, 'r');
    out.push(("confirm_rotate", app));

    let mut app = loaded_app();
    ch(&mut app, 'e');
    typed(&mut app, " (prod)");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter); // the matrix: toggle read:datasets? no: Enter continues
    ch(&mut app, 'k');
    press(&mut app, KeyCode::Enter);
    out.push(("edit_review_diff", app));

    let mut app = loaded_app();
    ch(&mut app, 'e');
    press(&mut app, KeyCode::Tab);
    out.push(("edit_matrix", app));

    // "Partner upload bot" holds read:uploads, no cell of the catalog.
    let mut app = loaded_app();
    app.list.selected = app
        .visible()
        .iter()
        .position(|k| k.name == "Partner upload bot")
        .unwrap();
    ch(&mut app, 'e');
    press(&mut app, KeyCode::Tab);
    ch(&mut app, 'G');
    out.push(("edit_matrix_unknown_permission", app));

    let mut app = loaded_app();
    ch(&mut app, 'j');
    ch(&mut app, ' ');
    ch(&mut app, ' ');
    ch(&mut app, 'i');
    ch(&mut app, 'r');
    out.push(("incident_plan", app));

    let mut app = loaded_app();
    ch(&mut app, 'i');
    ch(&mut app, 'y');
    out.push(("incident_running", app));

    let mut app = loaded_app();
    ch(&mut app, 'i');
    ch(&mut app, 'y');
    let k = &keys()[3];
    app.update(Action::IncidentDone(Box::new(IncidentDone {
        report: IncidentReport {
            revoked: vec![ReportedKey::from(k)],
            failures: vec![Failure {
                id: id(5),
                name: "S3 delivery connector".into(),
                step: IncidentStep::Revoke,
                error: "the server failed (500 server_error)".into(),
            }],
            ..empty_report()
        },
        replacements: vec![],
    })));
    app.update(Action::ReportSaved(Ok(
        "incident-report-20261126-100000.md".into(),
    )));
    out.push(("incident_done", app));

    let mut app = loaded_app();
    ch(&mut app, ':');
    typed(&mut app, "sort exp");
    out.push(("command_line", app));

    let mut app = loaded_app();
    ch(&mut app, ':');
    typed(&mut app, "frobnicate");
    press(&mut app, KeyCode::Enter);
    out.push(("command_unknown", app));

    let mut app = loaded_app();
    app.session.readonly = true;
    out.push(("readonly_list", app));

    let mut app = loaded_app();
    app.session.readonly = true;
    ch(&mut app, '?');
    out.push(("readonly_help", app));

    let mut app = loaded_app();
    for _ in 0..3 {
        ch(&mut app, ' ');
    }
    ch(&mut app, 'd');
    typed(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    out.push(("confirm_revoke_many_wrong_count", app));

    let mut app = loaded_app();
    app.update(Action::Refused {
        refusal: Refusal::Forbidden,
        write: true,
        message: "this key may not change keys (403 forbidden)".into(),
    });
    out.push(("offer_readonly", app));

    let mut app = loaded_app();
    app.session.own_key_id = Some(id(11));
    revoke_own_key(&mut app);
    reload_refused_401(&mut app);
    out.push(("session_ended", app));

    let mut app = loaded_app();
    ch(&mut app, 'c');
    out.push(("clone_form", app));

    out
}

#[test]
fn every_screen_and_dialog() {
    for (name, app) in scenarios() {
        for (w, h) in SIZES {
            let screen = draw(&app, w, h);
            if name.starts_with("secret_") {
                assert!(app.holds_secret());
            } else {
                assert!(!screen.contains(FAKE_SECRET), "{name}");
            }
            insta::assert_snapshot!(format!("{name}@{w}x{h}"), screen);
        }
    }
}

#[test]
fn demo_is_in_the_header_on_every_screen() {
    for (name, app) in scenarios() {
        if !app.session.demo {
            continue;
        }
        for (w, h) in SIZES {
            let screen = draw(&app, w, h);
            let header = screen.lines().next().unwrap_or_default();
            assert!(header.contains("DEMO"), "{name}@{w}x{h}: {header}");
        }
    }
}

/// The smallest size laid out, one column and one row short of it, and
/// the common 80x24: a line asking for room, never a clipped screen.
#[test]
fn every_size() {
    let list = loaded_app();
    let mut matrix = new_form("Custom job");
    press(&mut matrix, KeyCode::Enter);
    ch(&mut matrix, 'G');
    press(&mut matrix, KeyCode::Enter);
    let mut revoke = loaded_app();
    ch(&mut revoke, 'd');
    let mut help = loaded_app();
    ch(&mut help, '?');
    for (name, app) in [
        ("list", list),
        ("form_matrix", matrix),
        ("confirm_revoke", revoke),
        ("help", help),
    ] {
        for (w, h) in [(59, 16), (60, 16), (80, 24)] {
            insta::assert_snapshot!(format!("size_{name}@{w}x{h}"), draw(&app, w, h));
        }
    }
}

/// Three marked keys, then `d`: the bulk revoke's question.
fn revoke_three() -> App {
    let mut app = loaded_app();
    for _ in 0..3 {
        ch(&mut app, ' ');
    }
    ch(&mut app, 'd');
    app
}

/// At the smallest size the bulk revoke's prompt, the number typed and the
/// note after a wrong one stay on screen; the key list gives way.
#[test]
fn bulk_revoke_prompt_at_60x16() {
    let app = revoke_three();
    let screen = draw(&app, 60, 16);
    assert!(screen.contains("Type 3 to revoke all 3"), "{screen}");
    insta::assert_snapshot!("bulk_revoke_prompt@60x16", screen);

    let mut app = revoke_three();
    typed(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    let screen = draw(&app, 60, 16);
    assert!(screen.contains("Type 3 to revoke all 3"), "{screen}");
    assert!(screen.contains("✖ 2 is not 3"), "{screen}");
    insta::assert_snapshot!("bulk_revoke_wrong_count@60x16", screen);

    // With the session's own key among them, as in the demo: its warning
    // too, and still the prompt and the note.
    let mut app = loaded_app();
    app.session.own_key_id = Some(app.visible()[1].id.clone());
    for _ in 0..3 {
        ch(&mut app, ' ');
    }
    ch(&mut app, 'd');
    typed(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    let screen = draw(&app, 60, 16);
    assert!(screen.contains("This session signs in"), "{screen}");
    assert!(screen.contains("Type 3 to revoke all 3"), "{screen}");
    assert!(screen.contains("✖ 2 is not 3"), "{screen}");
    insta::assert_snapshot!("bulk_revoke_own_key_wrong_count@60x16", screen);
}

/// The help at the smallest size scrolls down to its last entry, and no
/// further.
#[test]
fn help_scrolls_to_its_end_at_60x16() {
    let mut app = loaded_app();
    ch(&mut app, '?');
    let first = draw(&app, 60, 16);
    assert!(!first.contains("q / Ctrl-C"), "{first}");
    for _ in 0..60 {
        draw(&app, 60, 16);
        ch(&mut app, 'j');
    }
    let screen = draw(&app, 60, 16);
    assert!(screen.contains("q / Ctrl-C"), "{screen}");
    assert!(screen.contains("quit"), "{screen}");
    insta::assert_snapshot!("help_scrolled_to_end@60x16", screen);
}

/// A 200-character filter, typed after `/` or `:filter`: the line shows
/// its end and the cursor, the start cut to `…`.
#[test]
fn long_typed_text_shows_its_end() {
    let long: String = (0..20).map(|i| format!("word{i:02}xyz ")).collect();
    let long = long.trim_end();
    assert_eq!(long.chars().count(), 199);
    let long = format!("{long}!");

    let mut app = loaded_app();
    ch(&mut app, '/');
    typed(&mut app, &long);
    let screen = draw(&app, 80, 24);
    let line = screen.lines().nth(22).unwrap();
    assert!(
        line.contains("/…") && line.contains("word19xyz!▏"),
        "{line}"
    );
    assert!(line.contains("0 matches"), "{line}");
    insta::assert_snapshot!("filter_200_chars@80x24", screen);

    let mut app = loaded_app();
    ch(&mut app, ':');
    typed(&mut app, &format!("filter {long}"));
    let screen = draw(&app, 80, 24);
    let line = screen.lines().nth(22).unwrap();
    assert!(
        line.contains(":…") && line.contains("word19xyz!▏"),
        "{line}"
    );
    insta::assert_snapshot!("command_200_chars@80x24", screen);
}

/// The review of a form that cannot be sent says what to fix, not to
/// press Enter.
#[test]
fn review_with_an_error_says_what_to_fix() {
    let mut app = new_form("");
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    let screen = draw(&app, 80, 24);
    assert!(!screen.contains("press Enter"), "{screen}");
    insta::assert_snapshot!("form_review_blocked@80x24", screen);
}

/// A key an overlap rotation retired (key 2, renamed in the same update
/// that set its expiration a day ahead) beside its successor (key 1): the
/// list marks it ↻, the detail says "retiring" and until when.
#[test]
fn a_retiring_key_is_marked_in_the_list_and_the_detail() {
    use narrative_keys::{ApiKey, PermissionSet};
    let stops = now() + chrono::Duration::hours(24);
    let key = |n: u32, name: String, expires_at| ApiKey {
        id: id(n),
        name,
        permissions: PermissionSet::parse_compact("write:datasets").unwrap(),
        expires_at: Some(expires_at),
    };
    let mut app = App::new("DEMO", true, now());
    app.init();
    app.update(Action::KeysLoaded(Ok(vec![
        key(1, "etl".to_owned(), now() + chrono::Duration::days(90)),
        key(
            2,
            narrative_keys::retiring::retiring_name("etl", stops),
            stops,
        ),
    ])));
    ch(&mut app, 'j');
    let screen = draw(&app, 120, 24);
    let row = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        row("etl (retiring 2026-11-27 10:00 UTC)").contains("↻ etl (retiring"),
        "{screen}"
    );
    assert!(!row("● etl ").is_empty(), "the successor: {screen}");
    assert!(screen.contains("Status   ↻ retiring"), "{screen}");
    assert!(
        screen.contains("Retiring until 2026-11-27 10:00 UTC (tomorrow): replaced by a rotation"),
        "{screen}"
    );
    insta::assert_snapshot!("retiring_key@120x24", screen);
}
