//! `App::update` for the list's newer keys and modes: `y`, `S`, `c`, the `:`
//! command line, `--refresh`, the typed count of a bulk revoke, read-only
//! mode, and a session whose own key is revoked. The refusals are also
//! checked through the UI's executor against the emulator.

// The helpers panic on failure, as tests do.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use crossterm::event::KeyCode;
use narrative_keys::{ApiKey, CreatedKey, Expiration, PermissionSet, Secret};
use narrative_keys_testkit::emulator::{client_builder, emulator_on_runtime};
use narrative_keys_tui::ui::action::{Refusal, RevokeOutcome, RevokedKey};
use narrative_keys_tui::ui::components::dialog::Modal;
use narrative_keys_tui::ui::components::list::SortBy;
use narrative_keys_tui::ui::{Action, App, Effect};

fn names(app: &App) -> Vec<String> {
    app.visible().iter().map(|k| k.name.clone()).collect()
}

fn status(app: &App) -> String {
    app.feedback
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn selected_id(app: &App) -> String {
    app.selected_key().unwrap().id.clone()
}

#[test]
fn y_copies_the_selected_id_with_osc_52() {
    let mut app = loaded_app();
    let Some(Effect::CopyId { id }) = ch(&mut app, 'y') else {
        panic!("y copies the id");
    };
    assert_eq!(id, selected_id(&app));
    let (actions, terminal) = run_effect_with(offline_client(), Effect::CopyId { id: id.clone() });
    let written = String::from_utf8(terminal).unwrap();
    assert_eq!(
        written,
        narrative_keys_tui::ui::osc52::sequence(&id),
        "the OSC 52 sequence of the id"
    );
    for a in actions {
        app.update(a);
    }
    assert_eq!(status(&app), format!("Copied id {id} (OSC 52)."));
    // Whole on an 80-column status line.
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains(&format!("Copied id {id} (OSC 52).")),
        "{screen}"
    );
    // The help says what a terminal without OSC 52 does.
    ch(&mut app, '?');
    assert!(
        app.bindings()
            .iter()
            .any(|(k, what)| *k == "y" && what.contains("if the terminal allows OSC 52"))
    );
}

#[test]
fn capital_s_reverses_the_sort_and_keeps_the_selection() {
    let mut app = loaded_app();
    let first = names(&app);
    ch(&mut app, 'j');
    let id = selected_id(&app);
    ch(&mut app, 'S');
    assert!(app.list.sort_reversed);
    let mut reversed = first.clone();
    reversed.reverse();
    assert_eq!(names(&app), reversed);
    assert_eq!(selected_id(&app), id, "the same key stays selected");
    assert_eq!(status(&app), "Sorted by name, reversed.");
    ch(&mut app, 's');
    assert_eq!(app.list.sort, SortBy::Expiry);
    assert_eq!(
        names(&app)[0],
        "Webhook relay",
        "still reversed: never-expiring first"
    );
    ch(&mut app, 'S');
    assert_eq!(names(&app)[0], "Old prototype");
}

/// `s` and `:sort` both keep a reversed order reversed, and the help says so.
#[test]
fn sort_command_keeps_the_reversal_as_s_does() {
    let mut app = loaded_app();
    ch(&mut app, 'S');
    ch(&mut app, ':');
    typed(&mut app, "sort name");
    press(&mut app, KeyCode::Enter);
    assert!(app.list.sort_reversed);
    assert_eq!(status(&app), "Sorted by name, reversed.");
    assert_eq!(names(&app)[0], "Webhook relay");
    ch(&mut app, 's');
    assert!(app.list.sort_reversed && app.list.sort == SortBy::Expiry);
    ch(&mut app, 'S');
    ch(&mut app, ':');
    typed(&mut app, "sort expiry");
    press(&mut app, KeyCode::Enter);
    assert!(!app.list.sort_reversed, "and a plain order stays plain");
    assert!(
        app.bindings()
            .iter()
            .any(|(k, what)| *k == "S" && what.contains("s and :sort keep it"))
    );
}

/// Tab on a prefix several commands share lists them after the line;
/// the next key clears the list.
#[test]
fn tab_on_an_ambiguous_prefix_lists_the_candidates() {
    let mut app = loaded_app();
    for prefix in ["r", "re"] {
        ch(&mut app, ':');
        typed(&mut app, prefix);
        assert!(press(&mut app, KeyCode::Tab).is_none());
        assert_eq!(app.command.as_ref().unwrap().input.value, prefix);
        let screen = draw(&app, 80, 24);
        assert!(
            screen.contains(&format!(":{prefix}▏  revoke, refresh")),
            "{screen}"
        );
        press(&mut app, KeyCode::Esc);
    }
    ch(&mut app, ':');
    typed(&mut app, "re");
    press(&mut app, KeyCode::Tab);
    ch(&mut app, 'f');
    assert!(app.command.as_ref().unwrap().note.is_none());
    assert!(!draw(&app, 80, 24).contains("revoke, refresh"));
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.command.as_ref().unwrap().input.value, "refresh ");
}

#[test]
fn the_command_line_filters_sorts_and_quits() {
    let mut app = loaded_app();
    ch(&mut app, ':');
    assert!(app.command.is_some());
    typed(&mut app, "filter night");
    assert!(draw(&app, 80, 24).contains(":filter night"));
    press(&mut app, KeyCode::Enter);
    assert!(app.command.is_none());
    assert_eq!(names(&app), ["Nightly ingestion", "Nightly ingestion"]);
    assert_eq!(status(&app), "Filtered: 2 matches.");

    ch(&mut app, ':');
    typed(&mut app, "filter");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.visible().len(), 12, ":filter alone clears it");

    ch(&mut app, ':');
    typed(&mut app, "sort status");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.list.sort, SortBy::Status);
    assert_eq!(names(&app)[0], "Old prototype");

    // Tab completes a unique command name.
    ch(&mut app, ':');
    typed(&mut app, "so");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.command.as_ref().unwrap().input.value, "sort ");
    typed(&mut app, "expiry");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.list.sort, SortBy::Expiry);

    // Esc cancels without running anything.
    ch(&mut app, ':');
    typed(&mut app, "q");
    press(&mut app, KeyCode::Esc);
    assert!(app.command.is_none());
    assert!(!app.should_quit);

    // R and :refresh reload, and say so when the list is back.
    assert!(matches!(ch(&mut app, 'R'), Some(Effect::LoadKeys)));
    app.update(Action::KeysLoaded(Ok(keys())));
    assert_eq!(
        app.feedback.status.as_ref().unwrap().text,
        "Refreshed: 12 keys."
    );
    ch(&mut app, ':');
    typed(&mut app, "refresh");
    assert!(matches!(
        press(&mut app, KeyCode::Enter),
        Some(Effect::LoadKeys)
    ));
    app.update(Action::KeysLoaded(Ok(keys()[..1].to_vec())));
    assert!(draw(&app, 80, 24).contains("Refreshed: 1 key."));
    app.update(Action::KeysLoaded(Ok(keys())));
    assert_eq!(
        app.feedback.status.as_ref().unwrap().text,
        "Refreshed: 1 key.",
        "a later reload says nothing more"
    );
    // A failed refresh says only that it failed.
    ch(&mut app, 'R');
    app.update(Action::KeysLoaded(Err("the server failed (500)".into())));
    app.update(Action::KeysLoaded(Ok(keys())));
    assert!(
        app.feedback
            .status
            .as_ref()
            .unwrap()
            .text
            .starts_with("Could not load")
    );

    ch(&mut app, ':');
    typed(&mut app, "q");
    press(&mut app, KeyCode::Enter);
    assert!(app.should_quit);
}

#[test]
fn an_unknown_command_is_an_error_line_and_changes_nothing() {
    let mut app = loaded_app();
    let before = names(&app);
    for (line, says) in [
        ("frobnicate", "unknown command :frobnicate"),
        ("sort size", "name, expiry or status"),
        ("revoke now", "takes no argument"),
    ] {
        ch(&mut app, ':');
        typed(&mut app, line);
        assert!(press(&mut app, KeyCode::Enter).is_none());
        let st = app.feedback.status.clone().unwrap();
        assert!(st.error && st.text.contains(says), "{line}: {}", st.text);
        assert!(draw(&app, 80, 24).contains(says));
    }
    assert_eq!(names(&app), before);
    assert!(app.modal.is_none());
}

#[test]
fn command_revoke_asks_as_d_does() {
    let mut app = loaded_app();
    ch(&mut app, ':');
    typed(&mut app, "revoke");
    assert!(
        press(&mut app, KeyCode::Enter).is_none(),
        "nothing before y"
    );
    let Some(Modal::ConfirmRevoke(c)) = &app.modal else {
        panic!(":revoke asks first");
    };
    assert_eq!(c.keys, [(id(4), "Airflow workflows".to_owned())]);
    assert!(matches!(ch(&mut app, 'y'), Some(Effect::Revoke(_))));
}

#[test]
fn bulk_revoke_needs_the_count_typed() {
    let mut app = loaded_app();
    for _ in 0..3 {
        ch(&mut app, ' ');
    }
    ch(&mut app, 'd');
    assert!(draw(&app, 80, 24).contains("Type 3 to revoke all 3"));
    assert!(
        ch(&mut app, 'y').is_none(),
        "y is not enough for three keys"
    );
    typed(&mut app, "2");
    assert!(
        press(&mut app, KeyCode::Enter).is_none(),
        "a wrong count revokes nothing"
    );
    assert!(
        matches!(app.modal, Some(Modal::ConfirmRevoke(_))),
        "the question stays"
    );
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("2 is not 3: nothing was revoked"),
        "{screen}"
    );
    assert!(
        press(&mut app, KeyCode::Enter).is_none(),
        "an empty count neither"
    );
    typed(&mut app, "3");
    let Some(Effect::Revoke(keys)) = press(&mut app, KeyCode::Enter) else {
        panic!("the right count revokes");
    };
    assert_eq!(keys.len(), 3);
    assert_eq!(app.list.marked.len(), 3, "marked until the answer comes");
}

#[test]
fn a_periodic_refresh_keeps_the_selection_and_the_marks() {
    let mut app = loaded_app();
    app.loading.refresh_every = Some(Duration::from_secs(30));
    // Select a key and mark two.
    ch(&mut app, 'j');
    ch(&mut app, ' ');
    ch(&mut app, ' ');
    let selected = selected_id(&app);
    let marked = app.list.marked.clone();
    assert!(
        app.update(Action::Tick(now() + chrono::Duration::seconds(10)))
            .is_none()
    );
    let Some(Effect::LoadKeys) = app.update(Action::Tick(now() + chrono::Duration::seconds(31)))
    else {
        panic!("a reload after 30 s");
    };
    assert!(
        app.update(Action::Tick(now() + chrono::Duration::seconds(45)))
            .is_none(),
        "not while one is in flight"
    );
    // The new list has one more key, sorted before the selected one, and
    // lost one of the marked keys.
    let gone = marked.iter().next().unwrap().clone();
    let mut fresh: Vec<ApiKey> = keys().into_iter().filter(|k| k.id != gone).collect();
    fresh.push(ApiKey {
        id: id(50),
        name: "AAA first".into(),
        permissions: PermissionSet::new(),
        expires_at: None,
    });
    ch(&mut app, 'j');
    ch(&mut app, 'k');
    app.update(Action::KeysLoaded(Ok(fresh)));
    assert!(app.feedback.status.is_none(), "the timer's reload is quiet");
    assert_eq!(selected_id(&app), selected, "the selection follows its key");
    assert_eq!(app.list.marked.len(), 1);
    assert!(
        !app.list.marked.contains(&gone)
            && marked
                .iter()
                .all(|m| m == &gone || app.list.marked.contains(m))
    );
    assert!(matches!(
        app.update(Action::Tick(now() + chrono::Duration::seconds(62))),
        Some(Effect::LoadKeys)
    ));
}

/// A key with the longest name allowed (128 characters, here of two bytes
/// each) clones to a name the form accepts: the base cut, "(copy)" kept.
#[test]
fn clone_of_a_128_character_name_fits_the_limit() {
    let mut app = loaded_app();
    let mut list = keys();
    let long = "é".repeat(narrative_keys::validation::MAX_NAME_CHARS);
    list[3].name = long.clone();
    app.update(Action::KeysLoaded(Ok(list)));
    app.list.selected = app.visible().iter().position(|k| k.name == long).unwrap();
    ch(&mut app, 'c');
    let name = app.form.as_ref().unwrap().name.value.clone();
    assert_eq!(name.chars().count(), 128);
    assert_eq!(name, format!("{} (copy)", "é".repeat(121)));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let Some(Effect::Create(new)) = press(&mut app, KeyCode::Enter) else {
        panic!(
            "the form takes it: {:?}",
            app.form.as_ref().map(|f| f.report(now()))
        );
    };
    assert_eq!(new.name(), name);
}

#[test]
fn clone_prefills_the_form_and_creates_through_the_secret_dialog() {
    let mut app = loaded_app();
    // A key with a permission the catalog does not know: kept as it is.
    let mut list = keys();
    let perms = PermissionSet::parse_compact("read:workflows admin:charges").unwrap();
    list[3].permissions = perms.clone();
    app.update(Action::KeysLoaded(Ok(list)));
    ch(&mut app, 'c');
    let form = app.form.as_ref().expect("c opens the form");
    assert_eq!(form.name.value, "Airflow workflows (copy)");
    assert_eq!(form.permissions(), &perms);
    assert!(draw(&app, 80, 24).contains("clone of \"Airflow workflows\""));
    press(&mut app, KeyCode::Enter); // name
    press(&mut app, KeyCode::Enter); // the matrix: next step
    press(&mut app, KeyCode::Enter); // the default expiration
    let Some(Effect::Create(new)) = press(&mut app, KeyCode::Enter) else {
        panic!(
            "the review sends it: {:?}",
            app.form.as_ref().map(|f| f.report(now()))
        );
    };
    assert_eq!(new.name(), "Airflow workflows (copy)");
    assert_eq!(
        new.permissions(),
        &perms,
        "unknown levels and resources kept"
    );
    assert_eq!(new.expiration(), Expiration::in_days(90, now()));
    app.update(Action::Created(Ok(CreatedKey {
        key: ApiKey {
            id: id(77),
            name: "Airflow workflows (copy)".into(),
            permissions: new.permissions().clone(),
            expires_at: Expiration::in_days(90, now()).instant(),
        },
        secret: Secret::new(FAKE_SECRET),
    })));
    assert!(
        matches!(app.modal, Some(Modal::Secret(_))),
        "shown once, as for n"
    );
}

#[test]
fn readonly_hides_and_refuses_every_write() {
    let mut app = loaded_app();
    app.session.readonly = true;
    let hints: Vec<&str> = app.hints().iter().map(|(k, _)| *k).collect();
    let help: Vec<&str> = app.bindings().iter().map(|(k, _)| *k).collect();
    // Marking is only for revoke and incident: gone with them.
    for key in ["n", "e", "r", "d", "i", "c", "space"] {
        assert!(!hints.contains(&key), "hint {key} in {hints:?}");
        assert!(!help.contains(&key), "help {key} in {help:?}");
    }
    assert!(hints.contains(&"/") && help.contains(&"y"));
    let command_help = app
        .bindings()
        .into_iter()
        .find(|(k, _)| *k == ":")
        .unwrap()
        .1;
    assert!(!command_help.contains("revoke"), "{command_help}");
    assert!(draw(&app, 80, 24).contains("READ-ONLY"));
    for key in ['n', 'e', 'r', 'd', 'i', 'c'] {
        assert!(ch(&mut app, key).is_none());
        assert!(
            app.form.is_none() && app.modal.is_none(),
            "{key} opened something"
        );
        let st = app.feedback.status.clone().unwrap();
        assert!(
            st.error && st.text.starts_with("Read-only"),
            "{key}: {}",
            st.text
        );
    }
    assert!(!draw(&app, 80, 24).contains("space mark"));
    ch(&mut app, ' ');
    assert!(app.list.marked.is_empty());
    assert_eq!(
        status(&app),
        "Read-only: marking is for revoke and incident, which are off in this session."
    );
    ch(&mut app, ':');
    typed(&mut app, "revoke");
    assert!(press(&mut app, KeyCode::Enter).is_none());
    assert!(app.modal.is_none() && status(&app).starts_with("Read-only"));
    // Tab does not complete a write command, and completes the rest.
    ch(&mut app, ':');
    typed(&mut app, "rev");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.command.as_ref().unwrap().input.value, "rev");
    assert!(draw(&app, 80, 24).contains(":rev▏  no command starts with rev"));
    press(&mut app, KeyCode::Esc);
    ch(&mut app, ':');
    typed(&mut app, "r");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.command.as_ref().unwrap().input.value, "refresh ");
    press(&mut app, KeyCode::Esc);
    // Reading still works.
    assert!(matches!(ch(&mut app, 'R'), Some(Effect::LoadKeys)));
}

#[test]
fn a_refused_write_offers_read_only() {
    let mut app = loaded_app();
    ch(&mut app, 'd');
    ch(&mut app, 'y');
    app.update(Action::Revoked(vec![RevokedKey::new(
        id(4),
        "Airflow workflows",
        RevokeOutcome::Failed("not allowed (403 forbidden)".into()),
    )]));
    app.update(Action::Refused {
        refusal: Refusal::Forbidden,
        write: true,
        message: "the key lacks write:access_tokens (403 forbidden)".into(),
    });
    assert!(matches!(app.modal, Some(Modal::OfferReadOnly { .. })));
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("the key lacks write:access_tokens"),
        "{screen}"
    );
    assert!(screen.contains("switch to read-only"), "{screen}");
    ch(&mut app, 'y');
    assert!(app.session.readonly && app.modal.is_none());
    assert!(ch(&mut app, 'n').is_none() && app.form.is_none());

    // n keeps offering changes.
    let mut app = loaded_app();
    app.update(Action::Refused {
        refusal: Refusal::Unauthorized,
        write: true,
        message: "no".into(),
    });
    ch(&mut app, 'n');
    assert!(!app.session.readonly && app.modal.is_none());
}

#[test]
fn revoking_the_sessions_own_key_ends_the_session_clearly() {
    let mut app = loaded_app();
    app.session.own_key_id = Some(id(11));
    ch(&mut app, '/');
    typed(&mut app, "Key admin");
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'd');
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("This session signs in with this key"),
        "{screen}"
    );
    let Some(Effect::Revoke(_)) = ch(&mut app, 'y') else {
        panic!("y revokes");
    };
    let reload = revoke_own_key(&mut app);
    assert!(matches!(reload, Some(Effect::LoadKeys)));
    reload_refused_401(&mut app);
    let ended = app
        .session
        .session_ended
        .clone()
        .expect("the session ended");
    assert!(ended.contains("This session's key was revoked"), "{ended}");
    // A demo session starts afresh with --demo; a real one needs another key.
    assert!(ended.contains("run narrative-keys --demo again"), "{ended}");
    assert!(matches!(app.modal, Some(Modal::SessionEnded(_))));
    assert!(app.feedback.busy.is_empty(), "no spinner left turning");
    // Nothing more is sent: not by R, not by the timer, not by a write.
    press(&mut app, KeyCode::Esc);
    app.loading.refresh_every = Some(Duration::from_secs(1));
    assert!(ch(&mut app, 'R').is_none());
    assert!(
        app.update(Action::Tick(now() + chrono::Duration::hours(1)))
            .is_none()
    );
    assert!(ch(&mut app, 'n').is_none() && app.form.is_none());
    ch(&mut app, 's');
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("This session's key was revoked"),
        "the message outlasts later ones: {screen}"
    );
    ch(&mut app, 'q');
    assert!(app.should_quit);
}

#[test]
fn a_refused_read_without_a_revoke_says_the_key_is_no_longer_accepted() {
    let mut app = loaded_app();
    // As the runtime words the emulator's 401.
    let message = "This API key is not recognised: it was revoked or mistyped; check the key you sent (401 Unauthorized)";
    app.update(Action::Refused {
        refusal: Refusal::Unauthorized,
        write: false,
        message: message.into(),
    });
    let ended = app.session.session_ended.clone().unwrap();
    assert!(
        ended.starts_with(&format!(
            "The server no longer accepts this session's key: it was revoked or has expired. It says: {message}. "
        )),
        "{ended}"
    );
    assert_eq!(ended.matches("not recognised").count(), 1, "{ended}");
    assert!(!ended.contains("((") && !ended.contains("))"), "{ended}");
    // A forbidden read is not the end of the session.
    let mut app = loaded_app();
    app.update(Action::Refused {
        refusal: Refusal::Forbidden,
        write: false,
        message: "x".into(),
    });
    assert!(app.session.session_ended.is_none() && app.modal.is_none());
}

#[test]
fn a_new_secret_stays_on_screen_when_the_session_ends() {
    let mut app = loaded_app();
    app.update(Action::Created(Ok(CreatedKey {
        key: keys()[0].clone(),
        secret: Secret::new(FAKE_SECRET),
    })));
    app.update(Action::Refused {
        refusal: Refusal::Unauthorized,
        write: false,
        message: "gone".into(),
    });
    assert!(app.holds_secret(), "the secret dialog is still open");
    ch(&mut app, 'D');
    ch(&mut app, 'y');
    assert!(
        matches!(app.modal, Some(Modal::SessionEnded(_))),
        "then the message"
    );
}

/// The executor turns the emulator's 403 on a write, and its 401 on a read
/// once the session's key is revoked, into the refusals above.
#[test]
fn the_executor_reports_refusals_from_the_server() {
    let admin = "ui-commands-admin-secret-not-real";
    let (rt, emu) = emulator_on_runtime(admin, 1);
    let reader = "ui-commands-reader-secret-not-real";
    emu.store()
        .create(
            "reader",
            vec![("read".into(), "access_tokens".into())],
            None,
            reader,
        )
        .unwrap();
    let client = |key: &str| client_builder(&emu, key).build().unwrap();
    let new = narrative_keys::NewKey::builder("x")
        .permissions(PermissionSet::parse_compact("read:datasets").unwrap())
        .build_at(now())
        .unwrap();
    let (actions, _) = run_effect_with(client(reader), Effect::Create(new));
    assert!(matches!(actions[0], Action::Created(Err(_))), "{actions:?}");
    assert!(
        matches!(
            actions[1],
            Action::Refused {
                refusal: Refusal::Forbidden,
                write: true,
                ..
            }
        ),
        "{actions:?}"
    );
    let (actions, _) = run_effect_with(client(reader), Effect::LoadKeys);
    assert!(
        matches!(actions[..], [Action::KeysLoaded(Ok(_))]),
        "{actions:?}"
    );

    // A key revoked twice: the second time it is already gone, not revoked.
    let spare = emu
        .store()
        .create(
            "spare",
            vec![("read".into(), "datasets".into())],
            None,
            "ui-commands-spare-secret-not-real",
        )
        .unwrap()
        .id
        .to_string();
    let twice = || Effect::Revoke(vec![(spare.clone(), "spare".into())]);
    let (actions, _) = run_effect_with(client(admin), twice());
    assert!(
        matches!(&actions[..], [Action::Revoked(r)] if r[0].outcome == RevokeOutcome::Revoked),
        "{actions:?}"
    );
    let (actions, _) = run_effect_with(client(admin), twice());
    assert!(
        matches!(&actions[..], [Action::Revoked(r)] if r[0].outcome == RevokeOutcome::AlreadyGone),
        "{actions:?}"
    );

    // Revoke the admin key with itself: the next read is refused with 401.
    let own = emu
        .store()
        .find_by_secret(admin)
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let (actions, _) = run_effect_with(client(admin), Effect::Revoke(vec![(own, "admin".into())]));
    assert!(
        matches!(&actions[..], [Action::Revoked(r)] if r[0].outcome == RevokeOutcome::Revoked),
        "{actions:?}"
    );
    let (actions, _) = run_effect_with(client(admin), Effect::LoadKeys);
    assert!(
        matches!(
            actions[..],
            [
                Action::KeysLoaded(Err(_)),
                Action::Refused {
                    refusal: Refusal::Unauthorized,
                    write: false,
                    ..
                }
            ]
        ),
        "{actions:?}"
    );
    rt.block_on(emu.shutdown());
}

#[test]
fn rotating_the_sessions_own_key_warns_and_explains_the_end() {
    let mut app = loaded_app();
    app.session.own_key_id = Some(id(11));
    ch(&mut app, ':');
    typed(&mut app, "filter Key admin");
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'r');
    let screen = draw(&app, 80, 24);
    assert!(
        screen.contains("This session signs in with this key"),
        "{screen}"
    );
    // Another key: no warning.
    let mut other = loaded_app();
    other.session.own_key_id = Some(id(11));
    ch(&mut other, 'r');
    assert!(!draw(&other, 80, 24).contains("signs in with"));

    let Some(Effect::Rotate { .. }) = ch(&mut app, 'y') else {
        panic!("y rotates");
    };
    app.update(Action::Rotated(Ok(
        narrative_keys_tui::ui::action::Rotated {
            old: keys()[10].clone(),
            new: CreatedKey {
                key: ApiKey {
                    id: id(111),
                    ..keys()[10].clone()
                },
                secret: Secret::new(FAKE_SECRET),
            },
            old_key: narrative_keys::rotate::OldKeyPolicy::Revoke,
        },
    )));
    // The old key is revoked once the new secret is stored.
    let Some(Effect::RetireOldKey { .. }) = ch(&mut app, 's') else {
        panic!("s retires the old key");
    };
    app.update(Action::OldKeyRetired(
        narrative_keys_tui::ui::action::OldKeyRetired {
            old: keys()[10].clone(),
            new_id: id(111),
            fate: Ok(narrative_keys_tui::ui::action::OldKeyFate::Revoked),
        },
    ));
    app.update(Action::Refused {
        refusal: Refusal::Unauthorized,
        write: false,
        message: "invalid token (401 unauthorized)".into(),
    });
    assert!(
        app.holds_secret(),
        "the new key's secret stays until dismissed"
    );
    let ended = app.session.session_ended.clone().unwrap();
    assert!(ended.contains("revoked (or rotated) from here"), "{ended}");
}

#[test]
fn a_key_refused_from_the_start_is_not_said_to_be_revoked() {
    let mut app = App::new("prod", false, now());
    app.init();
    app.update(Action::KeysLoaded(Err(
        "bad token (401 unauthorized)".into()
    )));
    app.update(Action::Refused {
        refusal: Refusal::Unauthorized,
        write: false,
        message: "bad token (401 unauthorized)".into(),
    });
    let ended = app.session.session_ended.clone().unwrap();
    assert!(
        ended.starts_with(
            "The server does not accept this session's key. It says: bad token (401 unauthorized)."
        ),
        "{ended}"
    );
    assert!(ended.contains("another key"), "{ended}");
}

#[test]
fn switching_to_read_only_closes_a_refused_form() {
    let mut app = loaded_app();
    ch(&mut app, 'c');
    for _ in 0..3 {
        press(&mut app, KeyCode::Enter);
    }
    let Some(Effect::Create(_)) = press(&mut app, KeyCode::Enter) else {
        panic!("sent");
    };
    app.update(Action::Created(Err("not allowed (403 forbidden)".into())));
    app.update(Action::Refused {
        refusal: Refusal::Forbidden,
        write: true,
        message: "not allowed (403 forbidden)".into(),
    });
    assert!(app.form.is_some(), "the form stays until the answer");
    ch(&mut app, 'y');
    assert!(app.session.readonly && app.form.is_none());
    assert!(
        status(&app).contains("nothing was sent"),
        "{}",
        status(&app)
    );
}
