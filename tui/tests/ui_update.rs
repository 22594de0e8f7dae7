//! `App::update` on its own: actions in, state and effects out. File and
//! terminal effects run through the UI's own executor, and what they send
//! back is fed to the app.

// The helpers panic on failure, as tests do.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use narrative_keys::Span;
use narrative_keys::rotate::OldKeyPolicy;
use narrative_keys::{ApiKey, Expiration, PermissionSet, Preset};
use narrative_keys_tui::ui::action::OldKeyFate;
use narrative_keys_tui::ui::action::{IncidentDone, RevokeOutcome, RevokedKey, SecretsWritten};
use narrative_keys_tui::ui::components::dialog::{Modal, incident::IncidentModal};
use narrative_keys_tui::ui::components::form::{ExpiryChoice, WizardStep};
use narrative_keys_tui::ui::components::list::{Pane, SortBy};
use narrative_keys_tui::ui::job::Job;
use narrative_keys_tui::ui::{Action, App, Effect};

fn names(app: &App) -> Vec<String> {
    app.visible().iter().map(|k| k.name.clone()).collect()
}

#[test]
fn counts_sort_and_filter() {
    let mut app = loaded_app();
    assert_eq!(app.counts(), [6, 2, 2, 2]);
    assert_eq!(names(&app)[0], "Airflow workflows");
    ch(&mut app, 's');
    assert_eq!(app.list.sort, SortBy::Expiry);
    assert_eq!(names(&app)[0], "Old prototype");
    assert_eq!(names(&app).last().unwrap(), "Webhook relay");
    ch(&mut app, 's');
    assert_eq!(app.list.sort, SortBy::Status);
    assert_eq!(names(&app)[..2], ["Old prototype", "Legacy export job"]);
    ch(&mut app, 's');
    assert_eq!(app.list.sort, SortBy::Name);

    ch(&mut app, '/');
    typed(&mut app, "night");
    assert!(app.list.filtering);
    assert_eq!(names(&app), ["Nightly ingestion", "Nightly ingestion"]);
    press(&mut app, KeyCode::Esc);
    assert!(!app.list.filtering);
    assert_eq!(app.visible().len(), 12);

    // By permission and by id.
    ch(&mut app, '/');
    typed(&mut app, "write:access_tokens");
    press(&mut app, KeyCode::Enter);
    assert!(
        !app.list.filtering,
        "Enter keeps the filter and leaves typing"
    );
    assert_eq!(names(&app), ["Key admin (CI)"]);
    press(&mut app, KeyCode::Esc);
    ch(&mut app, '/');
    typed(&mut app, &id(10));
    assert_eq!(names(&app), ["Webhook relay"]);
}

#[test]
fn navigation_and_focus() {
    let mut app = loaded_app();
    ch(&mut app, 'j');
    press(&mut app, KeyCode::Down);
    assert_eq!(app.list.selected, 2);
    ch(&mut app, 'G');
    assert_eq!(app.list.selected, 11);
    ch(&mut app, 'g');
    assert_eq!(app.list.selected, 0);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.list.selected, 10);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.list.focus, Pane::Detail);
    ch(&mut app, 'j');
    assert_eq!(app.detail.scroll, 1, "j scrolls the focused detail pane");
    assert_eq!(app.list.selected, 10);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.list.focus, Pane::List);
    ch(&mut app, '?');
    assert!(matches!(app.modal, Some(Modal::Help)));
    ch(&mut app, 'q');
    assert!(
        app.modal.is_none() && !app.should_quit,
        "q closes help first"
    );
    ch(&mut app, 'q');
    assert!(app.should_quit);
}

#[test]
fn ctrl_c_quits() {
    let mut app = loaded_app();
    ctrl(&mut app, 'c');
    assert!(app.should_quit);
}

#[test]
fn create_from_a_preset_sends_a_validated_key() {
    let mut app = loaded_app();
    ch(&mut app, 'n');
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.step, WizardStep::Name);
    assert!(
        form.report(now()).has_errors(),
        "empty name and no permissions"
    );
    typed(&mut app, "Batch loader ?q");
    assert!(
        !app.should_quit && app.modal.is_none(),
        "? and q are text here"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.form.as_ref().unwrap().step, WizardStep::Permissions);
    ch(&mut app, 'j'); // Data ingestion
    press(&mut app, KeyCode::Enter);
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.step, WizardStep::Expiration);
    assert_eq!(form.permissions(), &Preset::DataIngestion.permissions(&[]));
    press(&mut app, KeyCode::Enter); // 90 days, the default
    assert_eq!(app.form.as_ref().unwrap().step, WizardStep::Review);
    let effect = press(&mut app, KeyCode::Enter);
    let Some(Effect::Create(new)) = effect else {
        panic!("expected a create, got {effect:?}");
    };
    assert_eq!(new.name(), "Batch loader ?q");
    assert_eq!(new.permissions(), &Preset::DataIngestion.permissions(&[]));
    assert_eq!(new.expiration(), Expiration::in_days(90, now()));
    assert_eq!(
        app.feedback.busy.len(),
        1,
        "the spinner turns while it is sent"
    );
    assert!(
        press(&mut app, KeyCode::Enter).is_none(),
        "no second submit"
    );

    let effect = app.update(Action::Created(Ok(created("Batch loader", FAKE_SECRET))));
    assert!(matches!(effect, Some(Effect::LoadKeys)));
    assert!(app.form.is_none());
    assert!(app.holds_secret());
}

#[test]
fn a_server_error_keeps_the_form_and_shows_the_description() {
    let mut app = loaded_app();
    ch(&mut app, 'n');
    app.update(Action::Created(Err(
        "name already taken (400 invalid_request)".into(),
    )));
    let status = app.feedback.status.clone().unwrap();
    assert!(status.error);
    assert!(status.text.contains("name already taken"));
    assert!(app.form.is_some(), "nothing is lost");
}

#[test]
fn no_expiration_asks_for_confirmation() {
    let mut app = new_form("forever");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter); // read-only analytics
    // The arrows: j would be typed on the "type it" choice on the way.
    for _ in 0..6 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    let form = app.form.as_ref().unwrap();
    assert!(form.confirm_never);
    assert_eq!(form.step, WizardStep::Expiration);
    ch(&mut app, 'n');
    assert!(!app.form.as_ref().unwrap().confirm_never);
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'y');
    let form = app.form.as_ref().unwrap();
    assert!(form.never_confirmed);
    assert_eq!(form.step, WizardStep::Review);
    let Some(Effect::Create(new)) = press(&mut app, KeyCode::Enter) else {
        panic!("expected a create");
    };
    assert_eq!(new.expiration(), Expiration::Never);
    assert_eq!(new.warnings().warnings().count(), 1, "and it is flagged");
}

#[test]
fn validation_blocks_sending() {
    let mut app = loaded_app();
    ch(&mut app, 'n');
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.form.as_ref().unwrap().step, WizardStep::Review);
    // The review says only what is true: Enter cannot create it yet.
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("Nothing can be sent yet: fix the name"),
        "{screen}"
    );
    assert!(!screen.contains("press Enter to create"), "{screen}");
    assert!(!app.hints().contains(&("Enter", "send")));
    assert!(press(&mut app, KeyCode::Enter).is_none());
    // A date in the past is an error next to the field.
    press(&mut app, KeyCode::BackTab);
    for _ in 0..3 {
        ch(&mut app, 'j');
    }
    typed(&mut app, "2020-01-01");
    let report = app.form.as_ref().unwrap().report(now());
    assert!(
        report
            .errors()
            .any(|p| p.field.as_str() == "expiration" && p.message.contains("not in the future")),
        "{report:?}"
    );
}

#[test]
fn custom_permissions_on_the_matrix() {
    let mut app = new_form("custom");
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'G'); // Custom
    press(&mut app, KeyCode::Enter);
    ch(&mut app, ' '); // read:datasets
    ch(&mut app, 'l');
    ch(&mut app, ' '); // write:datasets
    ch(&mut app, 'j');
    ch(&mut app, ' '); // write:data_streams
    let form = app.form.as_ref().unwrap();
    assert_eq!(
        form.permissions().to_string(),
        "read:data_streams,write:data_streams,read:datasets,write:datasets"
            .split(',')
            .filter(|p| *p != "read:data_streams")
            .collect::<Vec<_>>()
            .join(",")
    );
    assert!(form.preset.is_none());
}

#[test]
fn the_secret_modal_needs_a_deliberate_dismissal() {
    let mut app = loaded_app();
    app.update(Action::Created(Ok(created("Batch loader", FAKE_SECRET))));
    for code in [
        KeyCode::Esc,
        KeyCode::Enter,
        KeyCode::Char('q'),
        KeyCode::Char(' '),
        KeyCode::Char('d'),
    ] {
        press(&mut app, code);
        assert!(app.holds_secret(), "{code:?} must not dismiss");
        assert!(!app.should_quit);
    }
    ctrl(&mut app, 'c');
    assert!(
        app.holds_secret() && !app.should_quit,
        "Ctrl-C asks first here"
    );
    ch(&mut app, 'n');
    assert!(app.holds_secret());
    let copy = ch(&mut app, 'c');
    let Some(Effect::Copy { id: copied, secret }) = copy else {
        panic!("c copies");
    };
    assert_eq!(secret.expose(), FAKE_SECRET);
    drop(secret);
    app.update(Action::Copied {
        id: copied,
        result: Ok(()),
    });
    assert!(draw(&app, 80, 24).contains("OSC 52"));
    ch(&mut app, 'w');
    let Some(Effect::WriteSecrets { path, .. }) = press(&mut app, KeyCode::Enter) else {
        panic!("Enter writes");
    };
    // The write itself is the runtime's; its result comes back as an action.
    app.update(Action::SecretsWritten(SecretsWritten {
        path,
        written: Vec::new(),
        error: Some("refused".into()),
        kept: None,
    }));
    ch(&mut app, 'D');
    assert!(app.holds_secret());
    ch(&mut app, 'y');
    assert!(!app.holds_secret());
    assert!(app.modal.is_none());
    assert!(!draw(&app, 80, 24).contains(FAKE_SECRET));
    assert!(!format!("{app:?}").contains(FAKE_SECRET));
}

#[test]
fn revoke_names_the_key_and_asks() {
    let mut app = loaded_app();
    ch(&mut app, 'd');
    let Some(Modal::ConfirmRevoke(keys)) = &app.modal else {
        panic!("d asks first");
    };
    assert_eq!(keys.keys, &[(id(4), "Airflow workflows".to_owned())]);
    assert!(draw(&app, 80, 24).contains("\"Airflow workflows\""));
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
    ch(&mut app, 'd');
    let Some(Effect::Revoke(keys)) = ch(&mut app, 'y') else {
        panic!("y revokes");
    };
    assert_eq!(keys.len(), 1);
    let effect = app.update(Action::Revoked(vec![RevokedKey::new(
        id(4),
        "Airflow workflows",
        RevokeOutcome::Revoked,
    )]));
    assert!(matches!(effect, Some(Effect::LoadKeys)));
    assert_eq!(
        app.feedback.status.as_ref().unwrap().text,
        "Revoked \"Airflow workflows\"."
    );
}

#[test]
fn bulk_revoke_and_failures() {
    let mut app = loaded_app();
    ch(&mut app, ' ');
    ch(&mut app, ' ');
    assert_eq!(app.list.marked.len(), 2);
    ch(&mut app, 'd');
    assert!(ch(&mut app, 'y').is_none(), "y does not revoke two keys");
    typed(&mut app, "2");
    let Some(Effect::Revoke(keys)) = press(&mut app, KeyCode::Enter) else {
        panic!("typing the count revokes");
    };
    assert_eq!(keys.len(), 2);
    app.update(Action::Revoked(vec![
        RevokedKey::new(&keys[0].0, &keys[0].1, RevokeOutcome::Revoked),
        RevokedKey::new(
            &keys[1].0,
            &keys[1].1,
            RevokeOutcome::Failed("the server failed (500 server_error)".into()),
        ),
    ]));
    let status = app.feedback.status.clone().unwrap();
    assert!(status.error && status.text.contains("still work"));
    assert_eq!(app.list.marked.len(), 1, "the one that failed stays marked");
}

/// A key someone else revoked meanwhile is counted as already gone, not
/// as revoked from here; the words follow the counts.
#[test]
fn bulk_revoke_counts_keys_already_gone() {
    let summary = |outcomes: &[RevokeOutcome]| {
        let mut app = loaded_app();
        let results = outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| RevokedKey::new(id(i as u32 + 1), format!("k{i}"), o.clone()))
            .collect();
        app.update(Action::Revoked(results));
        let status = app.feedback.status.unwrap();
        assert!(!status.error, "{}", status.text);
        status.text
    };
    use RevokeOutcome::{AlreadyGone, Revoked};
    assert_eq!(
        summary(&[Revoked, AlreadyGone]),
        "Revoked 1 key; 1 was already gone."
    );
    assert_eq!(
        summary(&[Revoked, Revoked, AlreadyGone, AlreadyGone]),
        "Revoked 2 keys; 2 were already gone."
    );
    assert_eq!(summary(&[Revoked, Revoked]), "Revoked 2 keys.");
    assert_eq!(
        summary(&[AlreadyGone, AlreadyGone]),
        "All 2 keys were already gone."
    );
    assert_eq!(summary(&[AlreadyGone]), "\"k0\" was already gone.");

    // Both leave the marks: neither key works any more.
    let mut app = loaded_app();
    ch(&mut app, ' ');
    ch(&mut app, ' ');
    ch(&mut app, 'd');
    typed(&mut app, "2");
    let Some(Effect::Revoke(keys)) = press(&mut app, KeyCode::Enter) else {
        panic!("typing the count revokes");
    };
    app.update(Action::Revoked(vec![
        RevokedKey::new(&keys[0].0, &keys[0].1, Revoked),
        RevokedKey::new(&keys[1].0, &keys[1].1, AlreadyGone),
    ]));
    assert!(app.list.marked.is_empty());
}

#[test]
fn rotate_asks_then_shows_the_new_secret() {
    let mut app = loaded_app();
    ch(&mut app, 'r');
    assert!(matches!(app.modal, Some(Modal::ConfirmRotate { .. })));
    let Some(Effect::Rotate { id: rid, old_key }) = ch(&mut app, 'y') else {
        panic!("y rotates");
    };
    assert_eq!(rid, id(4));
    // The default, as on every surface: the old key is revoked.
    assert_eq!(old_key, OldKeyPolicy::Revoke);
    let old = keys()[3].clone();
    app.update(Action::Rotated(Ok(
        narrative_keys_tui::ui::action::Rotated {
            old: old.clone(),
            new: created("Airflow workflows", FAKE_SECRET),
            old_key,
        },
    )));
    let Some(Modal::Secret(m)) = &app.modal else {
        panic!("the secret is shown");
    };
    let note = m.note.as_ref().unwrap().as_deref().unwrap();
    assert!(
        note.contains("keeps working until this secret is written (w) or marked stored (s)"),
        "{note}"
    );
    // Stored: the old key's revocation is sent; it fails, and the dialog says so.
    let Some(Effect::RetireOldKey { old: sent, .. }) = ch(&mut app, 's') else {
        panic!("s retires the old key");
    };
    assert_eq!(sent.id, old.id);
    app.update(Action::OldKeyRetired(
        narrative_keys_tui::ui::action::OldKeyRetired {
            old,
            new_id: id(99),
            fate: Err("the server failed (503)".into()),
        },
    ));
    let Some(Modal::Secret(m)) = &app.modal else {
        panic!("the secret is still shown");
    };
    let note = m.note.as_ref().unwrap().as_ref();
    assert!(
        note.unwrap_err().contains("still works"),
        "a failure: {note:?}"
    );
}

#[test]
fn rotate_can_keep_the_old_key_for_an_overlap() {
    let mut app = loaded_app();
    ch(&mut app, 'r');
    let screen = draw(&app, 80, 24);
    for choice in [
        "revoke it now",
        "keep it 24h, then it expires",
        "keep it (revoke it later)",
    ] {
        assert!(screen.contains(choice), "{screen}");
    }
    // 3: keep it 24h. Arrows and j/k move the choice too.
    ch(&mut app, '3');
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Up);
    let Some(Effect::Rotate { old_key, .. }) = ch(&mut app, 'y') else {
        panic!("y rotates");
    };
    assert_eq!(old_key, OldKeyPolicy::ExpireAfter(Span::Hours(24)));
    app.update(Action::Rotated(Ok(
        narrative_keys_tui::ui::action::Rotated {
            old: keys()[3].clone(),
            new: created("Airflow workflows", FAKE_SECRET),
            old_key,
        },
    )));
    let until = now() + chrono::Duration::hours(24);
    let Some(Effect::RetireOldKey { policy, .. }) = ch(&mut app, 's') else {
        panic!("s retires the old key");
    };
    assert_eq!(policy, old_key);
    app.update(Action::OldKeyRetired(
        narrative_keys_tui::ui::action::OldKeyRetired {
            old: keys()[3].clone(),
            new_id: id(99),
            fate: Ok(OldKeyFate::Expires(until)),
        },
    ));
    let Some(Modal::Secret(m)) = &app.modal else {
        panic!("the secret is shown");
    };
    let note = m.note.as_ref().unwrap().as_deref();
    let note = note.expect("a caution, not a failure");
    assert!(
        note.contains("works until") && note.contains(&until.format("%Y-%m-%d %H:%M").to_string()),
        "{note}"
    );
    // Drawn as a caution: the error mark is for failures.
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("▲ Rotated") && !screen.contains("✖ Rotated"),
        "{screen}"
    );
    assert!(
        !app.session.revoked_possible_own_key,
        "the old key was not revoked"
    );
}

#[test]
fn edit_sends_only_what_changed() {
    let mut app = loaded_app();
    ch(&mut app, 'e');
    press(&mut app, KeyCode::Backspace);
    typed(&mut app, "Z");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let Some(Effect::Update { id: uid, update }) = press(&mut app, KeyCode::Enter) else {
        panic!("Enter saves");
    };
    assert_eq!(uid, id(4));
    assert_eq!(update.name.as_deref(), Some("Airflow workflowZ"));
    assert!(update.permissions.is_none() && update.expiration.is_none());
}

#[test]
fn incident_flow_plans_then_runs_then_saves_the_report() {
    let mut app = loaded_app();
    ch(&mut app, 'j');
    ch(&mut app, ' ');
    ch(&mut app, ' ');
    ch(&mut app, 'i');
    let Some(Modal::Incident(IncidentModal::Plan { plan, .. })) = &app.modal else {
        panic!("i shows the dry run");
    };
    assert_eq!(plan.keys.len(), 2);
    assert!(!plan.replace);
    ch(&mut app, 'r');
    let Some(Effect::Incident(plan)) = ch(&mut app, 'y') else {
        panic!("y runs it");
    };
    assert!(plan.replace);
    assert!(matches!(
        app.modal,
        Some(Modal::Incident(IncidentModal::Running { .. }))
    ));
    let report = empty_report();
    let effect = app.update(Action::IncidentDone(Box::new(IncidentDone {
        report,
        replacements: vec![(id(1), created("Analytics dashboard", FAKE_SECRET))],
    })));
    let effects = effect.unwrap().flatten();
    assert!(matches!(&effects[0], Effect::SaveReport { path, markdown }
        if path.to_str() == Some("incident-report-20261126-100000.md") && markdown.contains("# API key incident report")));
    assert!(matches!(effects[1], Effect::LoadKeys));
    assert!(app.holds_secret(), "the replacements' secrets come first");
    ch(&mut app, 'D');
    ch(&mut app, 'y');
    assert!(!app.holds_secret());
    assert!(matches!(
        app.modal,
        Some(Modal::Incident(IncidentModal::Done { .. }))
    ));
    app.update(Action::ReportSaved(Ok(
        "incident-report-20261126-100000.md".into(),
    )));
    assert!(draw(&app, 80, 24).contains("Report saved to incident-report"));
}

#[test]
fn a_failed_load_keeps_the_ui_usable() {
    let mut app = App::new("prod", false, now());
    app.init();
    app.update(Action::KeysLoaded(Err(
        "invalid api key (401 unauthorized)".into(),
    )));
    assert!(app.feedback.busy.is_empty());
    assert!(app.feedback.status.as_ref().unwrap().error);
    assert!(draw(&app, 80, 24).contains("invalid api key"));
    let effect = ch(&mut app, 'R');
    assert!(matches!(effect, Some(Effect::LoadKeys)));
}

#[test]
fn a_failed_load_does_not_leave_loading_keys_on_screen() {
    let mut app = App::new("prod", false, now());
    app.init();
    assert!(draw(&app, 80, 24).contains("Loading keys…"));
    app.update(Action::KeysLoaded(Err(
        "invalid api key (401 unauthorized)".into(),
    )));
    let screen = draw(&app, 80, 24);
    assert!(!screen.contains("Loading keys"), "{screen}");
    assert!(
        screen.contains("The keys could not be loaded. Press R to try again."),
        "{screen}"
    );
    // Trying again says it is loading again, and a success lists the keys.
    ch(&mut app, 'R');
    assert!(draw(&app, 80, 24).contains("Loading keys…"));
    app.update(Action::KeysLoaded(Ok(keys())));
    let screen = draw(&app, 80, 24);
    assert!(!screen.contains("could not be loaded"), "{screen}");
    assert!(screen.contains("Airflow workflows"), "{screen}");
}

#[test]
fn an_empty_expiration_means_the_90_day_default() {
    let mut app = new_form("default lifetime");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter); // read-only analytics
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.step, WizardStep::Expiration);
    assert_eq!(
        form.expiration(now()),
        Ok(Some(Expiration::in_days(90, now()))),
        "the cursor starts on the default"
    );
    // "On a date", left empty: the default too, and said so.
    for _ in 0..3 {
        ch(&mut app, 'j');
    }
    assert!(
        draw(&app, 80, 24).contains("empty: 90 days, the default"),
        "{}",
        draw(&app, 80, 24)
    );
    let report = app.form.as_ref().unwrap().report(now());
    assert!(!report.has_errors(), "{report:?}");
    assert_eq!(
        report.warnings().count(),
        0,
        "no 'no expiration' warning: {report:?}"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.form.as_ref().unwrap().step, WizardStep::Review);
    let Some(Effect::Create(new)) = press(&mut app, KeyCode::Enter) else {
        panic!("expected a create");
    };
    assert_eq!(new.expiration(), Expiration::in_days(90, now()));

    // In an edit, an empty date keeps the key's own expiration.
    let mut app = loaded_app();
    ch(&mut app, 'e');
    let form = app.form.as_mut().unwrap();
    form.expiry_cursor = form
        .choices()
        .iter()
        .position(|c| *c == ExpiryChoice::Typed)
        .unwrap();
    assert_eq!(form.expiration(now()), Ok(None));
    assert_eq!(form.update(now()).unwrap().expiration, None);
}

#[test]
fn names_from_the_server_are_escaped() {
    let mut app = App::new("prod", false, now());
    let mut evil = keys()[0].clone();
    evil.name = "evil\u{1b}]52;c;AAAA\u{7}\u{1b}[2Jname".into();
    evil.permissions = PermissionSet::parse_compact("read:datasets").unwrap();
    app.update(Action::KeysLoaded(Ok(vec![evil])));
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = draw(&app, w, h);
        assert!(
            !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
            "{screen}"
        );
        assert!(screen.contains("evil\\u{1b}"), "{screen}");
    }
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut app = loaded_app();
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10), (80, 24)] {
        draw(&app, w, h);
        ch(&mut app, 'n');
        draw(&app, w, h);
        press(&mut app, KeyCode::Esc);
        app.update(Action::Resize(w, h));
    }
}

#[test]
fn revoking_a_key_manager_warns_about_the_session() {
    let mut app = loaded_app();
    ch(&mut app, '/');
    typed(&mut app, "Key admin");
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'd');
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("can manage keys"), "{screen}");
    press(&mut app, KeyCode::Esc);
    ch(&mut app, 'i');
    assert!(draw(&app, 120, 40).contains("can manage keys"));
}

#[test]
fn no_color_draws_without_colour() {
    use narrative_keys_tui::ui::screen;
    use narrative_keys_tui::ui::theme::Theme;
    use ratatui::style::Color;
    let mut app = loaded_app();
    ch(&mut app, 'd');
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|f| screen::render(&app, Theme::MONO, f))
        .unwrap();
    let buffer = terminal.backend().buffer();
    assert!(
        buffer
            .content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
        "NO_COLOR: no cell has a colour"
    );
    // The status still reads: every status has its own symbol.
    press(&mut app, KeyCode::Esc);
    let screen = draw(&app, 80, 24);
    for symbol in ["●", "▲", "✖"] {
        assert!(screen.contains(symbol), "{symbol}");
    }
}

#[test]
fn an_idle_tick_redraws_only_when_the_second_changes() {
    let mut app = loaded_app();
    let tick = |app: &mut App, millis: i64| {
        app.update(Action::Tick(now() + chrono::Duration::milliseconds(millis)));
        app.screen_changed
    };
    // Idle, same second: nothing on screen can change (no spinner; statuses
    // and times change at whole seconds at the finest).
    assert!(!tick(&mut app, 100));
    assert!(!tick(&mut app, 900));
    let spinner = app.feedback.spinner;
    // A new second can turn a key expired.
    assert!(tick(&mut app, 1_000));
    assert!(!tick(&mut app, 1_100));
    assert_eq!(
        app.feedback.spinner, spinner,
        "the spinner only turns while busy"
    );
    // A key press always redraws.
    ch(&mut app, 's');
    assert!(app.screen_changed);
    // While keys load, the spinner turns on every tick.
    assert!(matches!(ch(&mut app, 'R'), Some(Effect::LoadKeys)));
    assert!(!app.feedback.busy.is_empty(), "R reloads the keys");
    assert!(tick(&mut app, 1_200));
    assert!(tick(&mut app, 1_300));
    assert_eq!(app.feedback.spinner, spinner + 2);
}

#[test]
fn an_incident_plan_points_out_keys_alike_to_the_planned_one() {
    let mut app = App::new("DEMO", true, now());
    app.init();
    // Every key has a twin: the same name and permissions, another id.
    let originals = keys();
    let twins = originals.iter().zip(100..).map(|(k, n)| ApiKey {
        id: id(n),
        ..k.clone()
    });
    let all: Vec<ApiKey> = originals.iter().cloned().chain(twins).collect();
    app.update(Action::KeysLoaded(Ok(all.clone())));
    ch(&mut app, 'i');
    let Some(Modal::Incident(IncidentModal::Plan { plan, .. })) = &app.modal else {
        panic!("i shows the dry run");
    };
    let [planned] = plan.keys.as_slice() else {
        panic!("one key planned: {:?}", plan.keys);
    };
    let twin = all
        .iter()
        .find(|k| k.name == planned.key.name && k.id != planned.key.id)
        .unwrap();
    assert_eq!(plan.look_alikes, std::slice::from_ref(&twin.id));
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("Alike but not selected: 1 key with a planned name and permissions"),
        "{screen}"
    );
}

/// The fake secret of the `n`th replacement: each one different, so a file
/// can be checked line by line.
fn fake_secret(n: u32) -> String {
    format!("{FAKE_SECRET}-{n}")
}

/// After an incident on keys 1, 2 and 3 that replaced all three (ids 101,
/// 102, 103): the once-only dialog, with the report's dialog behind it.
fn app_with_three_replacements() -> App {
    let mut app = loaded_app();
    let replacements = (1..=3).map(|n| replacement(n, &fake_secret(n))).collect();
    let effect = app.update(Action::IncidentDone(Box::new(IncidentDone {
        report: empty_report(),
        replacements,
    })));
    assert!(
        effect.is_some(),
        "the report is saved and the keys reloaded"
    );
    app
}

fn secret_modal(app: &App) -> &narrative_keys_tui::ui::components::dialog::secret::SecretModal {
    match &app.modal {
        Some(Modal::Secret(m)) => m,
        other => panic!("expected the secret dialog, got {other:?}"),
    }
}

/// Runs an effect through the UI's own executor (file and terminal effects
/// run in place) and returns the actions it sent back.
fn run_effect(effect: Effect) -> Vec<Action> {
    run_effect_with(offline_client(), effect).0
}

/// `w`, the path typed over the proposed one, Enter: the write effect.
fn write_to(app: &mut App, path: &std::path::Path) -> Effect {
    ch(app, 'w');
    assert!(secret_modal(app).file_input.is_some(), "w asks for a path");
    ctrl(app, 'u');
    typed(app, path.to_str().unwrap());
    let effect = press(app, KeyCode::Enter);
    assert!(
        matches!(effect, Some(Effect::WriteSecrets { .. })),
        "{effect:?}"
    );
    effect.unwrap()
}

/// Writes through the executor and feeds the result back to the app.
fn write_and_update(app: &mut App, path: &std::path::Path) {
    let effect = write_to(app, path);
    for action in run_effect(effect) {
        assert!(app.update(action).is_none());
    }
}

/// The dialog's text at 80x24 with its wrapped lines joined again (the box
/// is 76 columns wide, centred, so its text runs from column 3 to 76).
fn dialog_text(app: &App) -> String {
    draw(app, 80, 24)
        .lines()
        .map(|row| {
            let cells: Vec<char> = row.trim_matches('"').chars().collect();
            cells
                .get(3..77)
                .map(|inner| inner.iter().collect::<String>().trim_end().to_owned())
                .unwrap_or_default()
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn an_incident_with_three_replacements_shows_all_three_in_one_dialog() {
    let mut app = app_with_three_replacements();
    let m = secret_modal(&app);
    assert_eq!(m.entries.len(), 3);
    for n in 1..=3 {
        let e = &m.entries[n - 1];
        assert_eq!(e.key.id, id(100 + n as u32));
        assert_eq!(e.replaces.as_deref(), Some(id(n as u32).as_str()));
    }
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = draw(&app, w, h);
        assert!(
            screen.contains("3 new secrets: 0 written or stored, 3 not yet."),
            "{screen}"
        );
        for n in 1..=3 {
            assert!(screen.contains(&id(100 + n)), "{w}x{h}: {screen}");
            assert!(
                screen.contains(&format!("replaces {}", id(n))),
                "{w}x{h}: {screen}"
            );
        }
        assert!(screen.contains("\"Analytics dashboard\""), "{screen}");
        // Only the selected secret is on screen.
        assert!(screen.contains(&fake_secret(1)), "{screen}");
        assert!(!screen.contains(&fake_secret(2)), "{screen}");
    }
    // The selection moves, and c copies the selected one.
    ch(&mut app, 'j');
    ch(&mut app, 'j');
    ch(&mut app, 'j');
    assert_eq!(secret_modal(&app).cursor, 2, "stops at the last");
    assert!(draw(&app, 80, 24).contains(&fake_secret(3)));
    let Some(Effect::Copy { id: copied, secret }) = ch(&mut app, 'c') else {
        panic!("c copies");
    };
    assert_eq!(
        (copied.as_str(), secret.expose()),
        (id(103).as_str(), fake_secret(3).as_str())
    );
    press(&mut app, KeyCode::Up);
    assert_eq!(secret_modal(&app).cursor, 1);
}

#[test]
fn dismissing_states_how_many_secrets_were_not_saved() {
    let mut app = app_with_three_replacements();
    ch(&mut app, 'D');
    assert!(
        dialog_text(&app).contains(
            "3 of 3 secrets have not been written or marked stored (s); they cannot be shown again. Those new keys are revoked again, so that no key is left that nobody holds. Dismiss? y/n"
        ),
        "{}",
        draw(&app, 80, 24)
    );
    ch(&mut app, 'n');
    assert!(app.holds_secret(), "n keeps the dialog");
    assert!(!secret_modal(&app).confirm_dismiss);

    // c on one, and its copy reaches the terminal: still 3 of 3 unstored
    // (a copy cannot be confirmed) until s says it is stored: then 2 of 3.
    let Some(effect @ Effect::Copy { .. }) = ch(&mut app, 'c') else {
        panic!("c copies");
    };
    for action in run_effect(effect) {
        app.update(action);
    }
    assert!(secret_modal(&app).entries[0].copied);
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("copied, not stored (s)"), "{screen}");
    assert_eq!(secret_modal(&app).unsaved(), 3);
    ch(&mut app, 's');
    ch(&mut app, 'D');
    let screen = dialog_text(&app);
    assert!(
        screen.contains(
            "2 of 3 secrets have not been written or marked stored (s); they cannot be shown again. Those new keys are revoked again, so that no key is left that nobody holds. Dismiss? y/n"
        ),
        "{screen}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(app.holds_secret(), "Esc keeps the dialog");
    assert!(!secret_modal(&app).confirm_dismiss);

    // A copy that failed saves nothing.
    ch(&mut app, 'j');
    app.update(Action::Copied {
        id: id(102),
        result: Err("broken pipe".into()),
    });
    ch(&mut app, 'D');
    assert!(draw(&app, 80, 24).contains("2 of 3 secrets have not been"));
    ch(&mut app, 'x');
    assert!(app.holds_secret(), "a stray key keeps the dialog");
    app.update(Action::Copied {
        id: id(102),
        result: Ok(()),
    });
    ch(&mut app, 's');
    ch(&mut app, 'D');
    assert!(dialog_text(&app).contains(
        "1 of 3 secrets has not been written or marked stored (s); it cannot be shown again. The new key is revoked again, so that no key is left that nobody holds. Dismiss? y/n"
    ));
    ctrl(&mut app, 'c');
    assert!(app.holds_secret() && !app.should_quit);

    // Only y dismisses, and every secret goes with the dialog.
    ch(&mut app, 'D');
    ch(&mut app, 'y');
    assert!(!app.holds_secret());
    assert!(matches!(
        app.modal,
        Some(Modal::Incident(IncidentModal::Done { .. }))
    ));
    assert_eq!(
        app.feedback.status.as_ref().unwrap().text,
        "The 3 secrets are gone from this program's memory."
    );
    let screen = draw(&app, 120, 40);
    for n in 1..=3 {
        assert!(!screen.contains(&fake_secret(n)));
        assert!(!format!("{app:?}").contains(&fake_secret(n)));
    }
}

#[test]
fn one_secret_dismissal_speaks_of_one() {
    let mut app = loaded_app();
    app.update(Action::Created(Ok(created("Batch loader", FAKE_SECRET))));
    ch(&mut app, 'D');
    let screen = dialog_text(&app);
    assert!(
        screen.contains(
            "The secret has not been written or marked stored (s); it cannot be shown again. The new key is revoked again, so that no key is left that nobody holds. Dismiss? y/n"
        ),
        "{screen}"
    );
    press(&mut app, KeyCode::Esc);
    app.update(Action::Copied {
        id: id(99),
        result: Ok(()),
    });
    ch(&mut app, 's');
    ch(&mut app, 'D');
    assert!(dialog_text(&app).contains("The secret was written or marked stored. Dismiss? y/n"));
    ch(&mut app, 'y');
    assert!(app.modal.is_none());
    assert_eq!(
        app.feedback.status.as_ref().unwrap().text,
        "The secret is gone from this program's memory."
    );
}

#[test]
fn writing_all_secrets_makes_one_0600_dotenv_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replacements.env");
    let mut app = app_with_three_replacements();
    let effect = write_to(&mut app, &path);
    let Effect::WriteSecrets { secrets, .. } = &effect else {
        unreachable!()
    };
    assert_eq!(
        secrets.len(),
        3,
        "w writes all of them, whichever is selected"
    );
    for action in run_effect(effect) {
        app.update(action);
    }
    assert_eq!(mode(&path), 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    let assignments: Vec<&str> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(
        assignments,
        [
            format!("ANALYTICS_DASHBOARD={}", fake_secret(1)),
            format!("NIGHTLY_INGESTION={}", fake_secret(2)),
            format!("NIGHTLY_INGESTION_2={}", fake_secret(3)),
        ],
        "{text}"
    );
    assert!(
        text.contains(&format!("(id {}, replaces {})", id(101), id(1))),
        "{text}"
    );
    let m = secret_modal(&app);
    assert!(m.entries.iter().all(|e| e.written));
    let Some(Ok(note)) = &m.file_note else {
        panic!("{:?}", m.file_note);
    };
    assert!(note.starts_with("Wrote 3 secrets to "), "{note}");
    assert!(note.contains("replacements.env"), "{note}");
    ch(&mut app, 'D');
    assert!(
        dialog_text(&app).contains("All 3 secrets were written or marked stored. Dismiss? y/n")
    );
    // The same path again: the file of many secrets is only ever new.
    press(&mut app, KeyCode::Esc);
    write_and_update(&mut app, &path);
    let Some(Err(note)) = &secret_modal(&app).file_note else {
        panic!("a second write to the same file is refused");
    };
    assert!(note.contains("already exists"), "{note}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn one_secret_is_written_as_narrative_api_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.env");
    let mut app = loaded_app();
    app.update(Action::Created(Ok(created("Batch loader", FAKE_SECRET))));
    ch(&mut app, 'w');
    assert_eq!(
        secret_modal(&app).file_input.as_ref().unwrap().value,
        "batch-loader.env",
        "the key's name proposes the file"
    );
    press(&mut app, KeyCode::Esc);
    write_and_update(&mut app, &path);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("NARRATIVE_API_KEY={FAKE_SECRET}\n")
    );
    assert_eq!(mode(&path), 0o600);
    assert!(secret_modal(&app).entries[0].written);
    assert!(draw(&app, 80, 24).contains("✓ written"));
}

/// The write asks the server first, so its answer comes later: until it
/// does, the dialog cannot be dismissed (the secret would be counted as
/// stored nowhere, and a rotation's successor revoked, while it lands in
/// the file), and the spinner says what it waits for.
#[test]
fn the_dialog_waits_for_a_write_in_flight_before_it_can_be_dismissed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.env");
    let mut app = loaded_app();
    app.update(Action::Created(Ok(created("Batch loader", FAKE_SECRET))));
    let effect = write_to(&mut app, &path);
    assert!(
        app.feedback.busy.contains(&Job::Writing),
        "{:?}",
        app.feedback.busy
    );
    for key in ['D', 'w'] {
        assert!(ch(&mut app, key).is_none(), "{key}");
        let m = secret_modal(&app);
        assert!(!m.confirm_dismiss && m.file_input.is_none(), "{key}");
        let Some(Err(note)) = &m.file_note else {
            panic!("{:?}", m.file_note);
        };
        assert!(note.contains("Still writing the file"), "{note}");
    }
    for action in run_effect(effect) {
        assert!(app.update(action).is_none());
    }
    assert!(secret_modal(&app).entries[0].written);
    assert!(!app.feedback.busy.contains(&Job::Writing));
    ch(&mut app, 'D');
    assert!(
        secret_modal(&app).confirm_dismiss,
        "now it may be dismissed"
    );
}

#[test]
fn a_refused_write_names_the_path_and_keeps_every_secret() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("link.env");
    let target = dir.path().join("target.env");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let other = dir.path().join("settings.env");
    std::fs::write(&other, "DATABASE_URL=postgres://x\n").unwrap();

    let cases = [
        (link.clone(), "symbolic link"),
        (other.clone(), "already exists"),
        (dir.path().to_path_buf(), "a directory"),
        (dir.path().join("missing/keys.env"), "does not exist"),
    ];
    let mut app = app_with_three_replacements();
    for (path, expected) in &cases {
        write_and_update(&mut app, path);
        let m = secret_modal(&app);
        assert_eq!(m.entries.len(), 3, "every secret is kept");
        assert!(m.entries.iter().all(|e| !e.written));
        let Some(Err(note)) = &m.file_note else {
            panic!("{}: {:?}", path.display(), m.file_note);
        };
        assert!(note.starts_with("Nothing was written: "), "{note}");
        assert!(note.contains(&path.display().to_string()), "{note}");
        assert!(note.contains(expected), "{note}");
        assert!(
            note.contains("choose") || note.contains("give") || note.contains("create"),
            "says what to do: {note}"
        );
    }
    assert!(draw(&app, 120, 40).contains("Nothing was written"));
    assert!(!target.exists(), "nothing written through the link");
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        "DATABASE_URL=postgres://x\n"
    );
    ch(&mut app, 'D');
    assert!(draw(&app, 80, 24).contains("3 of 3 secrets have not been"));

    // One secret: a file holding anything but one NARRATIVE_API_KEY= line.
    let mut app = loaded_app();
    app.update(Action::Created(Ok(created("Batch loader", FAKE_SECRET))));
    for path in [&other, &link] {
        write_and_update(&mut app, path);
        let m = secret_modal(&app);
        assert!(!m.entries[0].written);
        let Some(Err(note)) = &m.file_note else {
            panic!("{:?}", m.file_note);
        };
        assert!(note.contains(&path.display().to_string()), "{note}");
    }
    let Some(Err(note)) = &secret_modal(&app).file_note else {
        unreachable!()
    };
    assert!(note.contains("symbolic link"), "{note}");
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        "DATABASE_URL=postgres://x\n"
    );
    assert!(!target.exists());
    // An empty path writes nothing and says so.
    ch(&mut app, 'w');
    ctrl(&mut app, 'u');
    assert!(press(&mut app, KeyCode::Enter).is_none());
    assert!(app.holds_secret());
}

#[test]
fn the_report_is_saved_only_to_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("incident-report.md");
    std::fs::write(&existing, "an older report\n").unwrap();
    let mut app = loaded_app();
    app.update(Action::IncidentDone(Box::new(IncidentDone {
        report: empty_report(),
        replacements: vec![],
    })));
    let markdown = empty_report().to_markdown();
    for action in run_effect(Effect::SaveReport {
        path: existing.clone(),
        markdown: markdown.clone(),
    }) {
        app.update(action);
    }
    assert_eq!(
        std::fs::read_to_string(&existing).unwrap(),
        "an older report\n"
    );
    let status = app.feedback.status.clone().unwrap();
    assert!(status.error);
    assert!(
        status.text.starts_with("The report was not saved: "),
        "{}",
        status.text
    );
    assert!(status.text.contains(&existing.display().to_string()));
    assert!(status.text.contains("already exists"), "{}", status.text);
    assert!(status.text.contains("choose a new file"), "{}", status.text);
    let Some(Modal::Incident(IncidentModal::Done {
        saved: Some(Err(_)),
        ..
    })) = &app.modal
    else {
        panic!("the report dialog shows the refusal: {:?}", app.modal);
    };

    let fresh = dir.path().join("fresh.md");
    for action in run_effect(Effect::SaveReport {
        path: fresh.clone(),
        markdown: markdown.clone(),
    }) {
        app.update(action);
    }
    assert_eq!(std::fs::read_to_string(&fresh).unwrap(), markdown);
    assert_eq!(mode(&fresh), 0o600);
    assert!(!app.feedback.status.as_ref().unwrap().error);
}

// ---- The mouse: hit-tested against what the last frame drew. ----

fn mouse(app: &mut App, kind: MouseEventKind, column: u16, row: u16) -> Option<Effect> {
    app.update(Action::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }))
}

fn click(app: &mut App, column: u16, row: u16) -> Option<Effect> {
    mouse(app, MouseEventKind::Down(MouseButton::Left), column, row)
}

/// Where `text` is drawn on `screen` (`TestBackend`'s text, one quoted
/// line a row): column and row of its first character, in cells.
fn find(screen: &str, text: &str) -> (u16, u16) {
    for (row, line) in screen.lines().enumerate() {
        let line = line.trim_start_matches('"');
        if let Some(at) = line.find(text) {
            let column = line[..at].chars().count();
            return (column as u16, row as u16);
        }
    }
    panic!("{text:?} is not on the screen:\n{screen}");
}

#[test]
fn a_click_selects_a_row_and_focuses_its_pane_and_the_wheel_scrolls() {
    let mut app = loaded_app();
    let screen = draw(&app, 80, 24);
    let (x, y) = find(&screen, "Key admin (CI)");
    assert!(click(&mut app, x, y).is_none());
    assert_eq!(app.selected_key().unwrap().name, "Key admin (CI)");
    assert_eq!(app.list.focus, Pane::List);

    // The detail pane, below the list at 80 columns: focus, then scroll.
    let screen = draw(&app, 80, 24);
    let (x, y) = find(&screen, "Status   ");
    click(&mut app, x, y);
    assert_eq!(app.list.focus, Pane::Detail);
    mouse(&mut app, MouseEventKind::ScrollDown, x, y);
    assert_eq!(app.detail.scroll, 3);
    mouse(&mut app, MouseEventKind::ScrollUp, x, y);
    assert_eq!(app.detail.scroll, 0);

    // The wheel over the list moves the selection.
    let screen = draw(&app, 80, 24);
    let (x, y) = find(&screen, "Key admin (CI)");
    let before = app.list.selected;
    mouse(&mut app, MouseEventKind::ScrollDown, x, y);
    assert_eq!(app.list.selected, before + 3);
    assert_eq!(app.list.focus, Pane::List);

    // A move of the mouse changes nothing and draws nothing.
    mouse(&mut app, MouseEventKind::Moved, 1, 1);
    assert!(!app.screen_changed);
    assert_eq!(app.list.selected, before + 3);
}

#[test]
fn a_click_below_the_last_row_or_before_any_frame_does_nothing() {
    let mut app = loaded_app();
    ch(&mut app, '/');
    typed(&mut app, "webhook");
    press(&mut app, KeyCode::Enter);
    let screen = draw(&app, 80, 24);
    let (x, y) = find(&screen, "Webhook relay");
    click(&mut app, x, y + 2);
    assert_eq!(app.list.selected, 0, "no row there");
    assert_eq!(app.selected_key().unwrap().name, "Webhook relay");
    let mut fresh = loaded_app();
    click(&mut fresh, 10, 5);
    assert_eq!(fresh.list.selected, 0, "nothing drawn yet: nothing to hit");
}

#[test]
fn clicking_a_dialog_button_presses_it() {
    let mut app = loaded_app();
    ch(&mut app, 'd');
    let screen = draw(&app, 80, 24);
    let (x, y) = find(&screen, "n / Esc keep it");
    assert!(click(&mut app, x + 3, y).is_none());
    assert!(app.modal.is_none(), "kept");
    assert_eq!(
        app.feedback.status.as_ref().unwrap().text,
        "Nothing was revoked."
    );

    ch(&mut app, 'd');
    let screen = draw(&app, 80, 24);
    let (x, y) = find(&screen, "y revoke");
    let Some(Effect::Revoke(keys)) = click(&mut app, x, y) else {
        panic!("a click on y revokes");
    };
    assert_eq!(keys.len(), 1);
}

#[test]
fn the_wheel_never_answers_the_dismiss_question() {
    let mut app = loaded_app();
    app.update(Action::Created(Ok(created("Batch loader", FAKE_SECRET))));
    ch(&mut app, 'D');
    draw(&app, 80, 24);
    mouse(&mut app, MouseEventKind::ScrollDown, 40, 12);
    let Some(Modal::Secret(m)) = &app.modal else {
        panic!("the secret dialog stays");
    };
    assert!(m.confirm_dismiss, "still asking");
    let screen = draw(&app, 80, 24);
    let (x, y) = find(&screen, "y dismiss");
    click(&mut app, x, y);
    assert!(app.modal.is_none() && !app.holds_secret());
}

#[test]
fn clicking_a_matrix_cell_toggles_it() {
    let mut app = new_form("clicked");
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'G');
    press(&mut app, KeyCode::Enter); // Custom: the matrix
    let screen = draw(&app, 80, 24);
    let (x, y) = find(&screen, "Views");
    let line = screen.lines().nth(usize::from(y)).unwrap();
    let line = line.trim_start_matches('"');
    let cells: Vec<usize> = line.match_indices("[ ]").map(|(i, _)| i).collect();
    let col = |byte: usize| line[..byte].chars().count() as u16;
    click(&mut app, col(cells[1]) + 1, y);
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.permissions().to_string(), "write:views");
    assert!(x < col(cells[0]));
    let screen = draw(&app, 80, 24);
    click(&mut app, col(cells[0]), y);
    click(&mut app, col(cells[1]), y);
    assert_eq!(
        app.form.as_ref().unwrap().permissions().to_string(),
        "read:views",
        "{screen}"
    );
}

#[test]
fn the_sdk_development_preset_grants_read_and_write_as_on_the_cli() {
    let mut app = new_form("my app");
    press(&mut app, KeyCode::Enter);
    for _ in 0..4 {
        ch(&mut app, 'j');
    }
    press(&mut app, KeyCode::Enter); // SDK development: to the matrix
    ch(&mut app, ' '); // Datasets
    let cli = Preset::SdkDevelopment.permissions(&[narrative_keys::Resource::new("datasets")]);
    assert_eq!(app.form.as_ref().unwrap().permissions(), &cli);
    assert_eq!(cli.to_string(), "read:datasets,write:datasets");
    ch(&mut app, ' ');
    assert!(app.form.as_ref().unwrap().permissions().is_empty());
}

#[test]
fn unknown_permissions_are_matrix_rows_kept_unless_cleared() {
    // "Partner upload bot" holds read:uploads, which the catalog does not know.
    let mut app = loaded_app();
    let at = app
        .visible()
        .iter()
        .position(|k| k.name == "Partner upload bot")
        .unwrap();
    app.list.selected = at;
    ch(&mut app, 'e');
    press(&mut app, KeyCode::Tab);
    let screen = draw(&app, 120, 60);
    assert!(screen.contains("Not in the catalog"), "{screen}");
    // Untouched, the set is not even sent.
    let form = app.form.as_ref().unwrap();
    assert!(form.update(now()).unwrap().permissions.is_none());
    let (_, y) = find(&screen, "read:uploads ");
    let line = screen
        .lines()
        .nth(usize::from(y))
        .unwrap()
        .trim_start_matches('"');
    let cell = line.find("[x]").unwrap();
    click(&mut app, line[..cell].chars().count() as u16, y);
    let update = app.form.as_ref().unwrap().update(now()).unwrap();
    assert_eq!(
        update.permissions.unwrap().to_string(),
        "write:data_streams",
        "only the cleared one is gone"
    );
}

#[test]
fn the_wizard_reads_expirations_as_the_cli_does_and_shows_the_date() {
    let mut app = new_form("typed expiry");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter); // read-only analytics
    let form = app.form.as_ref().unwrap();
    let typed_at = form
        .choices()
        .iter()
        .position(|c| *c == ExpiryChoice::Typed)
        .unwrap();
    for _ in form.expiry_cursor..typed_at {
        press(&mut app, KeyCode::Down);
    }
    for (text, expected, shown) in [
        (
            "12w",
            Expiration::parse("12w", now()).unwrap(),
            "→ 2027-02-18 10:00 UTC",
        ),
        (
            "1y",
            Expiration::parse("1y", now()).unwrap(),
            "→ 2027-11-26 10:00 UTC",
        ),
        (
            "2027-01-31",
            Expiration::parse("2027-01-31", now()).unwrap(),
            "→ 2027-01-31 00:00 UTC",
        ),
    ] {
        ctrl(&mut app, 'u');
        typed(&mut app, text);
        assert_eq!(
            app.form.as_ref().unwrap().expiration(now()),
            Ok(Some(expected))
        );
        let screen = draw(&app, 80, 24);
        assert!(screen.contains(shown), "{text}: {screen}");
    }
    // A mistake is named as the CLI names it.
    ctrl(&mut app, 'u');
    typed(&mut app, "90");
    assert!(draw(&app, 80, 24).contains("the number needs a unit"));
    // Empty: the default, not never.
    ctrl(&mut app, 'u');
    assert_eq!(
        app.form.as_ref().unwrap().expiration(now()),
        Ok(Some(Expiration::in_days(90, now())))
    );
    // "never" typed asks, as the choice does.
    typed(&mut app, "never");
    press(&mut app, KeyCode::Enter);
    assert!(app.form.as_ref().unwrap().confirm_never);
    ch(&mut app, 'y');
    let Some(Effect::Create(new)) = press(&mut app, KeyCode::Enter) else {
        panic!("expected a create");
    };
    assert_eq!(new.expiration(), Expiration::Never);
}

// ---- Status messages and sizes. ----

#[test]
fn a_status_fades_after_five_seconds_or_at_the_next_key() {
    let mut app = loaded_app();
    ch(&mut app, 's');
    assert_eq!(
        app.feedback.status.as_ref().unwrap().text,
        "Sorted by expiry."
    );
    app.update(Action::Tick(now() + chrono::Duration::milliseconds(4900)));
    assert!(app.feedback.status.is_some(), "still there at 4.9 s");
    app.update(Action::Tick(now() + chrono::Duration::seconds(5)));
    assert!(app.feedback.status.is_none(), "gone at 5 s");
    assert!(!draw(&app, 80, 24).contains("Sorted by"));

    ch(&mut app, 's');
    assert!(app.feedback.status.is_some());
    ch(&mut app, 'j');
    assert!(app.feedback.status.is_none(), "the next key clears it");

    // An error waits for the user: it says something did not happen.
    app.update(Action::Revoked(vec![RevokedKey::new(
        id(1),
        "Analytics dashboard",
        RevokeOutcome::Failed("the server failed (500 server_error)".into()),
    )]));
    app.update(Action::Tick(now() + chrono::Duration::seconds(60)));
    assert!(
        app.feedback.status.as_ref().is_some_and(|s| s.error),
        "still shown"
    );
    ch(&mut app, 'j');
    assert!(app.feedback.status.is_none(), "gone at the next key");
}

#[test]
fn an_error_replaces_the_loading_spinner() {
    let mut app = loaded_app();
    ch(&mut app, 'R');
    assert!(draw(&app, 80, 24).contains("Loading keys…"));
    app.update(Action::Revoked(vec![RevokedKey::new(
        id(1),
        "Analytics dashboard",
        RevokeOutcome::Failed("the server failed (500 server_error)".into()),
    )]));
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("✖ 1 of 1 key not revoked (it still works)"),
        "{screen}"
    );
    assert!(!screen.contains("Loading"), "the error alone: {screen}");
}

#[test]
fn below_60x16_one_line_asks_for_a_larger_terminal() {
    let app = loaded_app();
    for (w, h) in [(59, 16), (60, 15), (50, 12), (20, 5)] {
        let screen = draw(&app, w, h);
        let text: String = screen
            .lines()
            .map(|l| l.trim_matches('"').trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            text,
            format!("narrative-keys needs at least 60x16; this terminal is {w}x{h}"),
            "{w}x{h}: {screen}"
        );
    }
    let screen = draw(&app, 60, 16);
    assert!(screen.contains("Keys (12)"), "{screen}");
    let hints = draw(&app, 80, 24).lines().last().unwrap().to_owned();
    assert!(
        hints.contains("space mark") && hints.contains("i incident"),
        "{hints}"
    );
}

#[test]
fn clicks_pick_a_step_a_preset_and_an_expiration() {
    let mut app = new_form("clicked");
    let screen = draw(&app, 80, 24);
    let (x, y) = find(&screen, "2 Permissions");
    click(&mut app, x, y);
    assert_eq!(app.form.as_ref().unwrap().step, WizardStep::Permissions);

    let screen = draw(&app, 80, 24);
    let (x, y) = find(&screen, "Connector delivery");
    click(&mut app, x, y);
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.preset, Some(Preset::ConnectorDelivery));
    assert_eq!(form.step, WizardStep::Expiration, "applied, as Enter does");

    let screen = draw(&app, 80, 24);
    let (x, y) = find(&screen, "180 days");
    click(&mut app, x, y);
    assert_eq!(
        app.form.as_ref().unwrap().expiration(now()),
        Ok(Some(Expiration::in_days(180, now())))
    );
    // The wheel on the review scrolls it.
    press(&mut app, KeyCode::Enter);
    draw(&app, 80, 24);
    mouse(&mut app, MouseEventKind::ScrollDown, 10, 10);
    assert_eq!(app.form.as_ref().unwrap().review_scroll, 3);
}

#[test]
fn the_help_scrolls_to_its_last_line_on_a_small_terminal() {
    let mut app = loaded_app();
    ch(&mut app, '?');
    let screen = draw(&app, 60, 16);
    assert!(!screen.contains("q / Ctrl-C"), "{screen}");
    for _ in 0..40 {
        press(&mut app, KeyCode::Down);
        draw(&app, 60, 16);
    }
    let screen = draw(&app, 60, 16);
    assert!(screen.contains("q / Ctrl-C"), "the last line: {screen}");
    let most = app.help_scroll;
    assert!(most < 40, "it stops at the last line");
    // The wheel scrolls it back up.
    mouse(&mut app, MouseEventKind::ScrollUp, 30, 8);
    assert_eq!(app.help_scroll, most - 1);
    assert!(matches!(app.modal, Some(Modal::Help)));
}

/// Runs `effect` through the executor and every effect its answers lead to
/// (but reloads), feeding each answer to `app`; returns the answers in
/// order, as `Debug` text.
fn run_follow_ups(app: &mut App, client: &narrative_keys::Client, effect: Effect) -> Vec<String> {
    let mut queue = vec![effect];
    let mut seen = Vec::new();
    while let Some(effect) = queue.pop() {
        let (actions, _) = run_effect_with(client.clone(), effect);
        for action in actions {
            seen.push(format!("{action:?}"));
            let next = app.update(action);
            queue.extend(
                next.into_iter()
                    .flat_map(Effect::flatten)
                    .filter(|e| !matches!(e, Effect::LoadKeys)),
            );
        }
    }
    seen
}

/// `w` over a file holding another key's live secret, after a key made
/// through the executor: the file takes the new secret, the old one is
/// kept beside it (owner-only), and the status line and the dialog say
/// where, and that it still works. Returns the app for more checks.
fn write_over_a_live_secret(
    client: &narrative_keys::Client,
    made: Action,
    file: &std::path::Path,
    live: &str,
) -> App {
    let mut app = loaded_app();
    assert!(app.update(made).is_some(), "the keys are reloaded");
    let new_secret = secret_modal(&app).entries[0].secret.expose().to_owned();
    std::fs::write(file, format!("NARRATIVE_API_KEY={live}\n")).unwrap();
    let effect = write_to(&mut app, file);
    let seen = run_follow_ups(&mut app, client, effect);
    assert!(
        seen.last()
            .is_some_and(|a| a.starts_with("KeptSecretChecked")),
        "the kept secret is checked last, after any old key's retirement: {seen:?}"
    );
    assert_eq!(
        std::fs::read_to_string(file).unwrap(),
        format!("NARRATIVE_API_KEY={new_secret}\n")
    );
    let name = file.file_name().unwrap().to_str().unwrap();
    let kept: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_str().unwrap();
            n.starts_with(&format!("{name}.replaced-"))
        })
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        std::fs::read_to_string(&kept[0]).unwrap(),
        format!("NARRATIVE_API_KEY={live}\n"),
        "the old content, kept"
    );
    assert_eq!(mode(&kept[0]), 0o600);
    let status = app.feedback.status.as_ref().unwrap();
    let kept_path = kept[0].display().to_string();
    assert!(status.error, "it stays until the next key: {status:?}");
    assert!(status.text.contains(&kept_path), "{}", status.text);
    assert!(status.text.contains("STILL WORKS"), "{}", status.text);
    assert!(!status.text.contains(live) && !status.text.contains(&new_secret));
    let m = secret_modal(&app);
    assert!(m.entries[0].written);
    let Some(Err(note)) = &m.kept_note else {
        panic!("{:?}", m.kept_note);
    };
    assert!(note.contains(&kept_path), "{note}");
    app
}

#[test]
fn w_over_another_live_secret_keeps_it_beside_and_says_where() {
    let admin = "ui-update-admin-secret-not-real";
    let (_rt, emu) = narrative_keys_testkit::emulator::emulator_on_runtime(admin, 1);
    let client = narrative_keys_testkit::emulator::client(&emu, admin);
    let (_, live) = emu
        .store()
        .insert_key("elsewhere", &[("read", "datasets")], None)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();

    // After a new key.
    let new = narrative_keys::NewKey::builder("batch loader")
        .permissions(Preset::DataIngestion.permissions(&[]))
        .build_at(chrono::Utc::now())
        .unwrap();
    let (mut made, _) = run_effect_with(client.clone(), Effect::Create(new));
    assert!(matches!(made[..], [Action::Created(Ok(_))]), "{made:?}");
    let app = write_over_a_live_secret(&client, made.remove(0), &dir.path().join("a.env"), &live);
    assert!(draw(&app, 120, 40).contains("STILL WORKS"));

    // After a rotation (its old key retired once the secret is written).
    let old = narrative_keys_testkit::emulator::seed_days(
        &emu,
        "nightly",
        &[("read", "datasets")],
        Some(20),
    );
    let rotate = Effect::Rotate {
        id: old,
        old_key: OldKeyPolicy::Revoke,
    };
    let (mut made, _) = run_effect_with(client.clone(), rotate);
    assert!(matches!(made[..], [Action::Rotated(Ok(_))]), "{made:?}");
    write_over_a_live_secret(&client, made.remove(0), &dir.path().join("b.env"), &live);
    assert!(
        emu.store().secret_present(&live).unwrap(),
        "the other key was never touched"
    );
}

/// `w` over a file holding another environment's live secret (emulator A,
/// say prod, while the UI runs against B): it is refused here before the
/// write and after it, which proves nothing, so its copy stays, and the
/// dialog and the status line say it does not work here.
#[test]
fn w_over_another_environments_secret_keeps_it_and_says_it_does_not_work_here() {
    let admin = "ui-update-admin-secret-not-real";
    let (_rt_a, prod) = narrative_keys_testkit::emulator::emulator_on_runtime(admin, 1);
    let (_, live) = prod
        .store()
        .insert_key("prod app", &[("read", "datasets")], None)
        .unwrap();
    let (_rt_b, dev) = narrative_keys_testkit::emulator::emulator_on_runtime(admin, 1);
    let client = narrative_keys_testkit::emulator::client(&dev, admin);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.env");
    std::fs::write(&path, format!("NARRATIVE_API_KEY={live}\n")).unwrap();
    let mut app = loaded_app();
    app.update(Action::Created(Ok(created("Batch loader", FAKE_SECRET))));
    let effect = write_to(&mut app, &path);
    run_follow_ups(&mut app, &client, effect);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("NARRATIVE_API_KEY={FAKE_SECRET}\n")
    );
    let copies: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p != &path)
        .collect();
    assert_eq!(copies.len(), 1, "the copy stays: {copies:?}");
    assert_eq!(
        std::fs::read_to_string(&copies[0]).unwrap(),
        format!("NARRATIVE_API_KEY={live}\n")
    );
    assert_eq!(mode(&copies[0]), 0o600);
    let Some(Err(note)) = &secret_modal(&app).kept_note else {
        panic!("{:?}", secret_modal(&app).kept_note);
    };
    let said = format!(
        "does not work against {} (not before this run either): it may belong to another environment or be mistyped; kept in {}",
        dev.url().trim_end_matches('/'),
        copies[0].display()
    );
    assert!(note.contains(&said), "{note}");
    assert!(!note.contains(&live), "{note}");
    let status = app.feedback.status.as_ref().unwrap();
    assert!(status.error && status.text.contains(&said), "{status:?}");
    assert!(
        prod.store().secret_present(&live).unwrap(),
        "the prod key was never touched"
    );
}

#[test]
fn the_keys_nobody_holds_are_those_neither_written_nor_acknowledged_a_copy_is_not_enough() {
    let mut app = app_with_three_replacements();
    let ids =
        |app: &App| -> Vec<String> { app.unstored_keys().into_iter().map(|k| k.id).collect() };
    assert_eq!(ids(&app), [id(101), id(102), id(103)]);
    // The first acknowledged ("I have stored it"), the second copied: a
    // copy through OSC 52 cannot be confirmed, so it still counts as unstored.
    assert!(
        ch(&mut app, 's').is_none(),
        "an incident has no old key to retire"
    );
    ch(&mut app, 'j');
    let Some(Effect::Copy { .. }) = ch(&mut app, 'c') else {
        panic!("c copies");
    };
    app.update(Action::Copied {
        id: id(102),
        result: Ok(()),
    });
    assert_eq!(ids(&app), [id(102), id(103)]);
    assert!(app.unstored_keys()[0].old_key.is_none());
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("✓ stored, you said"), "{screen}");
    assert!(
        screen.contains("1 written or stored, 2 not yet"),
        "{screen}"
    );
    // A failed copy stores nothing.
    ch(&mut app, 'j');
    app.update(Action::Copied {
        id: id(103),
        result: Err("the terminal is gone".into()),
    });
    assert_eq!(ids(&app), [id(102), id(103)]);
    // Dismissed: the replacements nobody holds are revoked again, so that
    // no key is left whose secret nobody has.
    ch(&mut app, 'D');
    let Some(Effect::RevokeUnstored(revoked)) = ch(&mut app, 'y') else {
        panic!("the unstored replacements are revoked");
    };
    let revoked: Vec<String> = revoked.into_iter().map(|(id, _)| id).collect();
    assert_eq!(revoked, [id(102), id(103)]);
    assert!(app.unstored_keys().is_empty(), "the dialog is gone");
}

/// A rotation written over the file holding the old key's own secret (the
/// usual way to rotate in place): the kept copy is checked only after the
/// old key was retired, so it is found dead and deleted, not kept as live.
#[test]
fn w_after_a_rotation_over_its_own_secret_checks_it_after_the_old_key_is_revoked() {
    let admin = "ui-update-admin-secret-not-real";
    let (_rt, emu) = narrative_keys_testkit::emulator::emulator_on_runtime(admin, 1);
    let client = narrative_keys_testkit::emulator::client(&emu, admin);
    let (old, old_secret) = emu
        .store()
        .insert_key("nightly", &[("read", "datasets")], None)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nightly.env");
    std::fs::write(&path, format!("NARRATIVE_API_KEY={old_secret}\n")).unwrap();
    let mut app = loaded_app();
    let rotate = Effect::Rotate {
        id: old.to_string(),
        old_key: OldKeyPolicy::Revoke,
    };
    let (mut made, _) = run_effect_with(client.clone(), rotate);
    assert!(matches!(made[..], [Action::Rotated(Ok(_))]), "{made:?}");
    app.update(made.remove(0));
    let effect = write_to(&mut app, &path);
    let seen = run_follow_ups(&mut app, &client, effect);
    assert!(
        seen.iter().any(|a| a.starts_with("OldKeyRetired"))
            && seen
                .last()
                .is_some_and(|a| a.starts_with("KeptSecretChecked")),
        "{seen:?}"
    );
    assert!(!emu.store().secret_present(&old_secret).unwrap());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "the rotated-out secret was checked dead and its copy deleted"
    );
    let Some(Ok(note)) = &secret_modal(&app).kept_note else {
        panic!("{:?}", secret_modal(&app).kept_note);
    };
    assert!(note.contains("no longer works"), "{note}");
}
