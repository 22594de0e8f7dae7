//! A rotation from the terminal UI against an emulator: `App::update` and
//! the UI's own executor, every effect run for real. The old key keeps
//! working while its successor's secret is on screen, and is retired only
//! once that secret is copied, written or acknowledged; dismissed unstored,
//! the successor is revoked again and the old key stays.

// The helpers panic on failure, as tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use chrono::Utc;
use common::{ch, ctrl, press, typed};
use crossterm::event::KeyCode;
use narrative_keys_emulator::RunningEmulator;
use narrative_keys_testkit::emulator::{client, emulator, seed_days};
use narrative_keys_tui::ui::components::dialog::{Modal, secret::SecretModal};
use narrative_keys_tui::ui::runtime::Executor;
use narrative_keys_tui::ui::{Action, App, Effect};
use tokio::sync::mpsc::UnboundedReceiver;

const ADMIN: &str = "ui-rotation-admin-secret-not-real";

/// An app on an emulator holding the bootstrap key and "Airflow etl" (the
/// first row, selected), with the keys loaded.
struct Live {
    emu: RunningEmulator,
    app: App,
    exec: Executor,
    rx: UnboundedReceiver<Action>,
    old_id: String,
}

impl Live {
    async fn start() -> Live {
        let emu = emulator(ADMIN).await;
        let old_id = seed_days(&emu, "Airflow etl", &[("write", "jobs")], Some(30));
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let exec = Executor {
            client: client(&emu, ADMIN),
            tx,
            environment: "test".into(),
            apply_stop: narrative_keys::Interrupt::new(),
        };
        let mut live = Live {
            emu,
            app: App::new("test", false, Utc::now()),
            exec,
            rx,
            old_id,
        };
        let init = live.app.init();
        live.settle(init).await;
        assert_eq!(live.app.selected_key().unwrap().id, live.old_id);
        live
    }

    /// Runs `effect` and every effect the answers ask for, feeding each
    /// answer to the app, until nothing is in flight.
    async fn settle(&mut self, effect: Option<Effect>) {
        let mut in_flight = 0;
        let mut next = effect;
        loop {
            for effect in next.take().map(Effect::flatten).unwrap_or_default() {
                in_flight += 1;
                let mut terminal = Vec::new();
                self.exec.run(effect, &mut terminal);
            }
            if in_flight == 0 {
                return;
            }
            let action = tokio::time::timeout(Duration::from_secs(20), self.rx.recv())
                .await
                .expect("an answer within 20 s")
                .unwrap();
            assert!(
                !matches!(action, Action::Refused { .. }),
                "refused: {action:?}"
            );
            in_flight -= 1;
            next = self.app.update(action);
        }
    }

    /// `r` with the choice `choice` (1-5), then `y`: the successor is
    /// created and its secret shown.
    async fn rotate(&mut self, choice: char) {
        ch(&mut self.app, 'r');
        ch(&mut self.app, choice);
        let effect = ch(&mut self.app, 'y');
        assert!(matches!(effect, Some(Effect::Rotate { .. })), "{effect:?}");
        self.settle(effect).await;
    }

    fn dialog(&self) -> &SecretModal {
        match &self.app.modal {
            Some(Modal::Secret(m)) => m,
            other => panic!("expected the secret dialog, got {other:?}"),
        }
    }

    /// The successor's id and whether its secret works on the server.
    fn successor(&self) -> (String, bool) {
        let entry = &self.dialog().entries[0];
        let works = self
            .emu
            .store()
            .secret_present(entry.secret.expose())
            .unwrap();
        (entry.key.id.clone(), works)
    }

    fn on_server(&self, id: &str) -> Option<narrative_keys_emulator::StoredKey> {
        self.emu.store().get(id.parse().unwrap()).unwrap()
    }

    fn status(&self) -> String {
        self.app.feedback.status.as_ref().unwrap().text.clone()
    }

    /// While the secret is on screen, both keys work and the list shows both.
    fn assert_both_work(&self) {
        let (new_id, works) = self.successor();
        assert!(works, "the successor exists");
        assert!(
            self.on_server(&self.old_id).is_some(),
            "the old key still works"
        );
        let listed: Vec<&str> = self.app.keys.iter().map(|k| k.id.as_str()).collect();
        assert!(
            listed.contains(&new_id.as_str()) && listed.contains(&self.old_id.as_str()),
            "{listed:?}"
        );
    }
}

/// How the secret is stored in the dialog.
#[derive(Debug, Clone, Copy)]
enum Store {
    Copy,
    Write,
    Acknowledge,
}

#[tokio::test]
async fn the_old_key_is_revoked_only_once_the_new_secret_is_written_or_acknowledged_never_on_a_copy_alone()
 {
    let dir = tempfile::tempdir().unwrap();
    for how in [Store::Copy, Store::Write, Store::Acknowledge] {
        let mut live = Live::start().await;
        live.rotate('1').await;
        live.assert_both_work();
        let status = live.status();
        assert!(
            status.contains("the old key works until the new secret is stored"),
            "{how:?}: {status}"
        );
        // Moving around the dialog changes nothing.
        assert!(press(&mut live.app, KeyCode::Down).is_none());
        live.assert_both_work();

        let effect = match how {
            Store::Copy => {
                // A copy cannot be confirmed (OSC 52): the old key stays
                // until the secret is said to be stored.
                let copy = ch(&mut live.app, 'c');
                live.settle(copy).await;
                live.assert_both_work();
                let note = format!("{:?}", live.dialog().copy_note);
                assert!(note.contains("press s"), "{how:?}: {note}");
                ch(&mut live.app, 's')
            }
            Store::Write => {
                ch(&mut live.app, 'w');
                ctrl(&mut live.app, 'u');
                typed(&mut live.app, dir.path().join("etl.env").to_str().unwrap());
                press(&mut live.app, KeyCode::Enter)
            }
            Store::Acknowledge => ch(&mut live.app, 's'),
        };
        live.settle(effect).await;
        let (new_id, works) = live.successor();
        assert!(works, "{how:?}: the successor works");
        assert!(
            live.on_server(&live.old_id).is_none(),
            "{how:?}: the old key is revoked"
        );
        let status = live.status();
        assert!(
            status.contains(&format!("the old key {} is revoked", live.old_id)),
            "{how:?}: {status}"
        );
        // Dismissing now revokes nothing more.
        ch(&mut live.app, 'D');
        let effect = ch(&mut live.app, 'y');
        assert!(effect.is_none(), "{how:?}: {effect:?}");
        assert!(live.on_server(&new_id).is_some(), "{how:?}");
        live.emu.shutdown().await;
    }
}

#[tokio::test]
async fn with_an_overlap_the_old_key_expires_from_when_the_secret_is_stored() {
    let mut live = Live::start().await;
    // 3: keep it 24h, then it expires.
    live.rotate('3').await;
    live.assert_both_work();
    let before = live.on_server(&live.old_id).unwrap().expires_at.unwrap();
    assert!(
        before > Utc::now() + chrono::Duration::days(29),
        "untouched"
    );

    let stored_at = Utc::now();
    let effect = ch(&mut live.app, 's');
    live.settle(effect).await;
    let after = live.on_server(&live.old_id).unwrap().expires_at.unwrap();
    let overlap = after - stored_at;
    assert!(
        overlap >= chrono::Duration::hours(24) - chrono::Duration::seconds(5)
            && overlap <= chrono::Duration::hours(24) + chrono::Duration::seconds(60),
        "{after} is 24h after the secret was stored"
    );
    assert!(live.status().contains("then expires"), "{}", live.status());
    live.emu.shutdown().await;
}

#[tokio::test]
async fn dismissed_unstored_the_successor_is_revoked_and_the_old_key_stays() {
    let mut live = Live::start().await;
    live.rotate('1').await;
    live.assert_both_work();
    let (new_id, _) = live.successor();

    assert!(ch(&mut live.app, 'D').is_none());
    let question = live.dialog().dismiss_question();
    assert!(
        question.contains("The new key is revoked again and the old key keeps working"),
        "{question}"
    );
    let effect = ch(&mut live.app, 'y');
    assert!(
        matches!(&effect, Some(Effect::RevokeUnstored(keys)) if keys[0].0 == new_id),
        "{effect:?}"
    );
    live.settle(effect).await;
    assert!(
        live.on_server(&new_id).is_none(),
        "the successor is revoked"
    );
    assert!(live.on_server(&live.old_id).is_some(), "the old key works");
    let status = live.status();
    assert!(
        status.contains(&format!("The new key {new_id}"))
            && status.contains("revoked again")
            && status.contains("nothing else changed"),
        "{status}"
    );
    let listed: Vec<&str> = live.app.keys.iter().map(|k| k.id.as_str()).collect();
    assert!(
        listed.contains(&live.old_id.as_str()) && !listed.contains(&new_id.as_str()),
        "{listed:?}"
    );
    live.emu.shutdown().await;
}

#[tokio::test]
async fn the_acknowledgement_is_a_key_a_button_and_a_row_of_the_help() {
    let mut live = Live::start().await;
    live.rotate('5').await;
    assert!(
        live.app.hints().contains(&("s", "I have stored it")),
        "{:?}",
        live.app.hints()
    );
    let screen = common::draw(&live.app, 100, 30);
    let (column, row) = screen
        .lines()
        .enumerate()
        .find_map(|(row, line)| {
            line.find("s I have stored it")
                .map(|at| (line[..at].chars().count() - 1, row))
        })
        .expect("the button is drawn");
    // A click on the button presses s: the old key (kept, as chosen) is
    // retired as that choice says, and the dialog shows the secret stored.
    let click = crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: column as u16,
        row: row as u16,
        modifiers: crossterm::event::KeyModifiers::NONE,
    };
    let effect = live.app.update(Action::Mouse(click));
    assert!(
        matches!(effect, Some(Effect::RetireOldKey { .. })),
        "{effect:?}"
    );
    live.settle(effect).await;
    assert!(live.dialog().entries[0].acknowledged);
    assert!(live.on_server(&live.old_id).is_some(), "kept, as chosen");
    assert!(live.status().contains("still works"), "{}", live.status());
    assert!(common::draw(&live.app, 100, 30).contains("✓ stored, you said"));
    live.emu.shutdown().await;
}
