//! Deliver before you revoke: for create, rotate and an incident with
//! replacements, every way delivery can fail ends in one of two states only:
//! the new secret delivered, or the old key live and no new key left whose
//! secret nobody holds. The failures are real: real files and directories,
//! a real command exiting 1.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::path::{Path, PathBuf};

use chrono::{Duration as Days, Utc};
use common::*;
use narrative_keys::create::create_delivered;
use narrative_keys::deliver::{
    DeliveryError, NewSecret, SecretCommand, SecretFile, SecretSink, SecretsFile,
};
use narrative_keys::incident::{self, IncidentOptions, IncidentStep, Selection};
use narrative_keys::rotate::{RotateOptions, rotate_delivering};
use narrative_keys::{Error, NewKey, NoJournal};
use narrative_keys_emulator::RunningEmulator;

fn seed(emu: &RunningEmulator, name: &str) -> String {
    seed_days(
        emu,
        name,
        &[("read", "datasets"), ("read", "data-planes")],
        Some(20),
    )
}

/// The real file writer, whose directory is removed between the check
/// (before anything is sent) and the write (after the key exists).
struct DirVanishes<S> {
    inner: S,
    dir: PathBuf,
}

impl<S: SecretSink> SecretSink for DirVanishes<S> {
    fn check(&mut self) -> Result<(), DeliveryError> {
        self.inner.check()
    }
    fn deliver(&mut self, item: &NewSecret<'_>) -> Result<(), DeliveryError> {
        std::fs::remove_dir_all(&self.dir).unwrap();
        self.inner.deliver(item)
    }
}

enum Failing {
    /// A file with other content: refused at the check.
    Refused,
    /// The directory disappears after the key exists.
    WriteFails,
    /// A delivery command exiting 1.
    CommandFails,
}

const ALL: [Failing; 3] = [Failing::Refused, Failing::WriteFails, Failing::CommandFails];

fn failing_sink(how: &Failing, dir: &Path, many: bool) -> Box<dyn SecretSink> {
    let sub = dir.join("out");
    std::fs::create_dir_all(&sub).unwrap();
    let file = sub.join("secret.env");
    match how {
        Failing::Refused => {
            std::fs::write(&file, "DATABASE_URL=postgres://x\n").unwrap();
            if many {
                Box::new(SecretsFile::new(file))
            } else {
                Box::new(SecretFile::new(file))
            }
        }
        Failing::WriteFails if many => Box::new(DirVanishes {
            inner: SecretsFile::new(file),
            dir: sub,
        }),
        Failing::WriteFails => Box::new(DirVanishes {
            inner: SecretFile::new(file),
            dir: sub,
        }),
        Failing::CommandFails => Box::new(SecretCommand::new("cat >/dev/null; exit 1")),
    }
}

#[tokio::test]
async fn create_delivers_the_secret_or_leaves_no_key() {
    let emu = emulator().await;
    let client = admin(&emu);
    let dir = tempfile::tempdir().unwrap();
    let before = emu.store().count().unwrap();
    for how in &ALL {
        let mut sink = failing_sink(how, &dir.path().join("c"), false);
        let err = create_delivered(&client, &preset_key("dashboard"), sink.as_mut())
            .await
            .unwrap_err();
        match (how, &err) {
            (Failing::Refused, Error::Output(e)) => {
                assert!(e.message.contains("holds something other"), "{e}");
            }
            (Failing::WriteFails | Failing::CommandFails, Error::Undelivered(u)) => {
                assert!(u.revoked_again.is_ok(), "{err}");
                assert!(
                    emu.store()
                        .get(u.key.id.parse().unwrap())
                        .unwrap()
                        .is_none()
                );
                assert!(err.to_string().contains("revoked again"), "{err}");
            }
            _ => panic!("unexpected: {err}"),
        }
        assert_eq!(
            emu.store().count().unwrap(),
            before,
            "no key is left behind"
        );
        std::fs::remove_dir_all(dir.path().join("c")).ok();
    }
    // And when delivery works, the file holds the working secret.
    let path = dir.path().join("key.env");
    let created = create_delivered(
        &client,
        &preset_key("dashboard"),
        &mut SecretFile::new(&path),
    )
    .await
    .unwrap();
    let line = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        line,
        format!("NARRATIVE_API_KEY={}\n", created.secret.expose())
    );
    assert!(emu.store().secret_present(created.secret.expose()).unwrap());
}

#[tokio::test]
async fn rotation_never_revokes_before_the_successor_is_delivered() {
    let emu = emulator().await;
    let client = admin(&emu);
    let dir = tempfile::tempdir().unwrap();
    let old = seed(&emu, "etl");
    let before = emu.store().count().unwrap();
    for how in &ALL {
        let mut sink = failing_sink(how, &dir.path().join("r"), false);
        let err = rotate_delivering(
            &client,
            &old,
            &RotateOptions::default(),
            sink.as_mut(),
            Utc::now(),
        )
        .await
        .unwrap_err();
        match (how, &err) {
            (Failing::Refused, Error::Output(_)) => {}
            (Failing::WriteFails | Failing::CommandFails, Error::Undelivered(u)) => {
                assert_eq!(u.kept.as_ref().unwrap().id, old);
                assert!(u.revoked_again.is_ok());
                assert!(
                    err.to_string().contains("was not revoked and still works"),
                    "{err}"
                );
            }
            _ => panic!("unexpected: {err}"),
        }
        assert!(
            emu.store().get(old.parse().unwrap()).unwrap().is_some(),
            "the old key still works"
        );
        assert_eq!(
            emu.store().count().unwrap(),
            before,
            "no orphaned successor"
        );
        std::fs::remove_dir_all(dir.path().join("r")).ok();
    }
    // Delivered: now the old key goes, and the file holds the successor's secret.
    let path = dir.path().join("etl.env");
    let mut file = SecretFile::new(&path).env_name("ETL_KEY");
    let rotation = rotate_delivering(
        &client,
        &old,
        &RotateOptions::default(),
        &mut file,
        Utc::now(),
    )
    .await
    .unwrap();
    assert!(emu.store().get(old.parse().unwrap()).unwrap().is_none());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("ETL_KEY={}\n", rotation.new.secret.expose())
    );
    assert_eq!(
        rotation.new.key.permissions.to_string(),
        rotation.old.permissions.to_string(),
        "the successor holds exactly what the old key held"
    );
}

/// A file sink during whose write the run is interrupted (a signal
/// arriving as the secret is written).
struct InterruptedWhileWriting {
    file: SecretFile,
    interrupt: narrative_keys::Interrupt,
}

impl SecretSink for InterruptedWhileWriting {
    fn check(&mut self) -> Result<(), DeliveryError> {
        self.file.check()
    }
    fn deliver(&mut self, item: &NewSecret<'_>) -> Result<(), DeliveryError> {
        self.interrupt.request();
        self.file.deliver(item)
    }
}

#[tokio::test]
async fn once_interrupted_no_key_is_made() {
    let emu = emulator().await;
    let interrupt = narrative_keys::Interrupt::new();
    let client = client_builder(&emu, ADMIN)
        .interrupt(interrupt.clone())
        .build()
        .unwrap();
    let old = seed(&emu, "etl");
    let before = emu.store().count().unwrap();
    interrupt.request();
    let dir = tempfile::tempdir().unwrap();
    let mut file = SecretFile::new(dir.path().join("k.env"));
    let errors = [
        create_delivered(&client, &preset_key("new"), &mut file)
            .await
            .unwrap_err(),
        rotate_delivering(
            &client,
            &old,
            &RotateOptions::default(),
            &mut file,
            Utc::now(),
        )
        .await
        .unwrap_err(),
        narrative_keys::rotate::clone_key_delivering(
            &client,
            &old,
            "copy",
            None,
            &mut file,
            Utc::now(),
        )
        .await
        .unwrap_err(),
    ];
    for err in errors {
        assert!(matches!(err, Error::Interrupted), "{err}");
        assert_eq!(err.code(), "interrupted");
    }
    assert_eq!(emu.store().count().unwrap(), before, "nothing made");
    assert!(emu.store().get(old.parse().unwrap()).unwrap().is_some());
    assert!(!dir.path().join("k.env").exists());
}

#[tokio::test]
async fn an_interrupted_rotation_leaves_the_old_key_working_beside_the_delivered_one() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("etl.env");
    for policy in [
        narrative_keys::rotate::OldKeyPolicy::Revoke,
        narrative_keys::rotate::OldKeyPolicy::ExpireAfter(
            narrative_keys::Span::parse("1h").unwrap(),
        ),
    ] {
        let interrupt = narrative_keys::Interrupt::new();
        let client = client_builder(&emu, ADMIN)
            .interrupt(interrupt.clone())
            .build()
            .unwrap();
        let old = seed(&emu, "etl");
        let old_expiry = emu.store().get(old.parse().unwrap()).unwrap().unwrap();
        let mut sink = InterruptedWhileWriting {
            file: SecretFile::new(&path),
            interrupt: interrupt.clone(),
        };
        let options = RotateOptions {
            old_key: policy,
            ..RotateOptions::default()
        };
        let rotation = rotate_delivering(&client, &old, &options, &mut sink, Utc::now())
            .await
            .unwrap();
        assert_eq!(rotation.old_key.code(), "interrupted", "{policy:?}");
        assert!(!rotation.is_complete());
        assert_eq!(rotation.old_key_stops(), None);
        assert_eq!(
            emu.store().get(old.parse().unwrap()).unwrap(),
            Some(old_expiry),
            "{policy:?}: the old key works, its expiration untouched"
        );
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains(rotation.new.secret.expose()),
            "the successor's secret was delivered"
        );
        std::fs::remove_file(&path).unwrap();
    }
}

#[tokio::test]
async fn an_incident_delivers_each_replacement_before_the_next() {
    let dir = tempfile::tempdir().unwrap();
    for (round, how) in ALL.iter().enumerate() {
        let emu = emulator().await;
        let client = admin(&emu);
        let ids = [seed(&emu, "laptop-a"), seed(&emu, "laptop-b")];
        let before = emu.store().count().unwrap();
        let keys = client.list_keys().await.unwrap();
        let selection = Selection {
            name_matches: Some("laptop-*".into()),
            ..Selection::default()
        };
        let plan = incident::plan(&keys, &selection, true, Utc::now()).unwrap();
        let mut sink = failing_sink(how, &dir.path().join("i"), true);
        let result = incident::execute_delivering(
            &client,
            &plan,
            &IncidentOptions::default(),
            sink.as_mut(),
            &mut NoJournal,
        )
        .await;
        match how {
            Failing::Refused => {
                assert!(matches!(result, Err(Error::Output(_))));
                assert_eq!(emu.store().count().unwrap(), before, "nothing was revoked");
            }
            Failing::WriteFails | Failing::CommandFails => {
                let outcome = result.unwrap();
                let report = &outcome.report;
                assert_eq!(report.revoked.len(), 2, "the leaked keys are revoked");
                assert!(outcome.replacements.is_empty());
                assert!(report.replacements.is_empty());
                assert_eq!(report.failures.len(), 2);
                assert!(
                    report
                        .failures
                        .iter()
                        .all(|f| f.step == IncidentStep::Replace)
                );
                assert!(
                    report.failures[0].error.contains("revoked again"),
                    "{:?}",
                    report.failures
                );
                assert!(
                    report.failures[1].error.contains("not attempted"),
                    "{:?}",
                    report.failures
                );
                // No key left whose secret nobody holds: only the admin key remains.
                assert_eq!(emu.store().count().unwrap(), before - 2);
                // Once the target is fixed, a resume makes both, delivered.
                let path = dir.path().join(format!("fixed-{round}.env"));
                let mut fixed = SecretsFile::new(&path);
                let resumed = incident::resume_delivering(
                    &client,
                    report,
                    &incident::ResumeOptions::default(),
                    &mut fixed,
                    &mut NoJournal,
                )
                .await
                .unwrap();
                assert_eq!(resumed.report.replacements.len(), 2);
                assert!(
                    resumed.report.failures.is_empty(),
                    "{:?}",
                    resumed.report.failures
                );
                let text = std::fs::read_to_string(&path).unwrap();
                for (old, created) in &resumed.replacements {
                    assert!(ids.contains(old));
                    assert!(text.contains(created.secret.expose()));
                    assert!(emu.store().secret_present(created.secret.expose()).unwrap());
                }
            }
        }
        std::fs::remove_dir_all(dir.path().join("i")).ok();
    }
}

#[tokio::test]
async fn an_incident_revokes_the_keys_that_manage_keys_last() {
    // The caller's own key is among the leaked ones: revoked first, it would
    // leave every other selected key working.
    let emu = emulator().await;
    let own = NewKey::builder("laptop-admin")
        .permission("read:access_tokens".parse().unwrap())
        .permission("write:access_tokens".parse().unwrap())
        .build()
        .unwrap();
    let own = admin(&emu).create_key(&own).await.unwrap();
    let others = [seed(&emu, "laptop-etl"), seed(&emu, "laptop-bi")];
    let client = client_for(&emu, own.secret.expose());
    let keys = client.list_keys().await.unwrap();
    let selection = Selection {
        name_matches: Some("laptop-*".into()),
        ..Selection::default()
    };
    let plan = incident::plan(&keys, &selection, false, Utc::now()).unwrap();
    assert_eq!(plan.keys.len(), 3);
    let outcome = incident::execute(&client, &plan, &IncidentOptions::default()).await;
    assert!(
        outcome.report.failures.is_empty(),
        "{:?}",
        outcome.report.failures
    );
    for id in others.iter().chain([&own.key.id]) {
        assert!(
            emu.store().get(id.parse().unwrap()).unwrap().is_none(),
            "{id} still works"
        );
    }
}

/// Issue 12: what the server sent is kept byte for byte through every
/// workflow, spellings the catalog would write otherwise included.
#[tokio::test]
async fn wire_spellings_survive_update_rotate_clone_and_replacement() {
    let emu = emulator().await;
    let client = admin(&emu);
    let odd = [
        ("read", "data-planes"),
        ("write", "uploads"),
        ("admin", "datasets"),
    ];
    let expires = Some(Utc::now() + Days::days(20));
    let stored = |id: &str| stored_permissions(&emu, id);
    let want = vec!["admin:datasets", "read:data-planes", "write:uploads"];
    let id = narrative_keys_testkit::seed(&emu, "odd", &odd, expires);
    let read = client.get_key(&id).await.unwrap();
    assert!(read.permissions.to_string().contains("read:data-planes"));
    // Update of the name only.
    client
        .update_key(&id, &narrative_keys::KeyUpdate::new().name("odd renamed"))
        .await
        .unwrap();
    assert_eq!(stored(&id), want);
    // Clone and rotate.
    let cloned = narrative_keys::rotate::clone_key(&client, &id, "odd clone", None)
        .await
        .unwrap();
    assert_eq!(stored(&cloned.key.id), want);
    let rotation = narrative_keys::rotate::rotate(&client, &id, &RotateOptions::default())
        .await
        .unwrap();
    assert_eq!(stored(&rotation.new.key.id), want);
    // Incident replacement.
    let keys = client.list_keys().await.unwrap();
    let selection = Selection {
        ids: vec![cloned.key.id.clone()],
        ..Selection::default()
    };
    let plan = incident::plan(&keys, &selection, true, Utc::now()).unwrap();
    let outcome = incident::execute(&client, &plan, &IncidentOptions::default()).await;
    let (_, replacement) = &outcome.replacements[0];
    assert_eq!(stored(&replacement.key.id), want);
}

/// Rotating a key into the file that holds its own secret: the secret it
/// held is asked about before (`probe_held`: it works), kept beside it and
/// checked after. Revoked, it answers 401 and the copy is deleted; kept
/// working (`Keep`), the copy stays; and when nobody can tell (no answer),
/// it stays too.
#[tokio::test]
async fn a_replaced_secret_is_kept_until_it_is_known_to_be_dead() {
    use narrative_keys::deliver::KeptState;
    use narrative_keys::rotate::OldKeyPolicy;
    let emu = emulator().await;
    let client = admin(&emu);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ci.env");
    let (old, old_secret) = emu
        .store()
        .insert_key("ci", &[("read", "datasets")], None)
        .unwrap();
    std::fs::write(&path, format!("NARRATIVE_API_KEY={old_secret}\n")).unwrap();
    let rotate = |policy| RotateOptions {
        old_key: policy,
        ..RotateOptions::default()
    };
    let mut file = SecretFile::new(&path);
    file.probe_held(&client).await;
    let rotation = rotate_delivering(
        &client,
        &old.to_string(),
        &rotate(OldKeyPolicy::Revoke),
        &mut file,
        Utc::now(),
    )
    .await
    .unwrap();
    let kept = file.take_kept().expect("the old secret was kept");
    let copy = kept.path().to_path_buf();
    assert_eq!(
        std::fs::read_to_string(&copy).unwrap(),
        format!("NARRATIVE_API_KEY={old_secret}\n")
    );
    let check = kept.check(&client).await;
    assert!(
        matches!(check.state, KeptState::NoLongerWorks(Ok(()))),
        "{check:?}"
    );
    assert!(!copy.exists(), "a dead secret's copy is deleted");

    // Kept working: the copy stays, and says so.
    let mut file = SecretFile::new(&path);
    file.probe_held(&client).await;
    rotate_delivering(
        &client,
        &rotation.new.key.id,
        &rotate(OldKeyPolicy::Keep),
        &mut file,
        Utc::now(),
    )
    .await
    .unwrap();
    let kept = file.take_kept().unwrap();
    let copy = kept.path().to_path_buf();
    let check = kept.check(&client).await;
    assert_eq!(check.still_works(), Some(true), "{check:?}");
    assert!(check.is_kept() && copy.exists());
    assert_eq!(
        std::fs::read_to_string(&copy).unwrap(),
        format!("NARRATIVE_API_KEY={}\n", rotation.new.secret.expose())
    );
    assert!(!check.message().contains(rotation.new.secret.expose()));

    // No answer: kept, and the message says it could not be checked.
    std::fs::write(&path, format!("NARRATIVE_API_KEY={old_secret}\n")).unwrap();
    let mut file = SecretFile::new(&path);
    file.check().unwrap();
    let key = rotation.new.key.clone();
    let fresh = narrative_keys::Secret::new("a-fresh-secret");
    file.deliver(&NewSecret {
        key: &key,
        secret: &fresh,
        replaces: None,
    })
    .unwrap();
    let offline = narrative_keys::Client::builder()
        .api_key(ADMIN)
        .environment("http://127.0.0.1:9".parse().unwrap())
        .retry(narrative_keys::RetryPolicy {
            max_retries: 0,
            ..fast_retries()
        })
        .build()
        .unwrap();
    let check = file.take_kept().unwrap().check(&offline).await;
    assert_eq!(check.still_works(), None, "{check:?}");
    assert!(check.path.exists());
    assert!(check.message().contains("could not be checked"));
}

/// A 401 after the run proves nothing alone: a secret refused before the
/// file was replaced too (another environment's, or mistyped), one never
/// asked about, and one asked about before the file changed under it all
/// keep their copy, and say why.
#[tokio::test]
async fn a_refused_secret_keeps_its_copy_unless_it_worked_before_the_run() {
    use narrative_keys::deliver::KeptState;
    let (prod, dev) = (emulator().await, emulator().await);
    let (_, prod_secret) = prod
        .store()
        .insert_key("prod app", &[("read", "datasets")], None)
        .unwrap();
    let client = admin(&dev);
    let dir = tempfile::tempdir().unwrap();
    let key = narrative_keys::ApiKey {
        id: "k1".into(),
        name: "app".into(),
        permissions: narrative_keys::PermissionSet::new(),
        expires_at: None,
    };
    let fresh = narrative_keys::Secret::new("a-fresh-secret");
    // Writes over `name` holding `held`; `probe` asks about it first, and
    // `then` changes the file between the question and the write.
    let replace = async |name: &str, held: &str, probe: bool, then: Option<&str>| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("NARRATIVE_API_KEY={held}\n")).unwrap();
        let mut file = SecretFile::new(&path);
        file.check().unwrap();
        if probe {
            file.probe_held(&client).await;
        }
        if let Some(other) = then {
            std::fs::write(&path, format!("NARRATIVE_API_KEY={other}\n")).unwrap();
        }
        file.deliver(&NewSecret {
            key: &key,
            secret: &fresh,
            replaces: None,
        })
        .unwrap();
        file.take_kept().unwrap().check(&client).await
    };

    let elsewhere = replace("prod.env", &prod_secret, true, None).await;
    assert!(
        matches!(&elsewhere.state, KeptState::NeverWorkedHere { environment } if environment == dev.url().trim_end_matches('/')),
        "{elsewhere:?}"
    );
    assert!(elsewhere.is_kept() && elsewhere.path.exists());
    assert_eq!(elsewhere.still_works(), None);
    let text = elsewhere.message();
    assert!(text.contains("(not before this run either)"), "{text}");
    assert!(!text.contains(&prod_secret), "{text}");
    assert!(prod.store().secret_present(&prod_secret).unwrap());

    let unasked = replace("unasked.env", "a-dead-secret", false, None).await;
    assert!(
        matches!(unasked.state, KeptState::Unchecked(_)),
        "{unasked:?}"
    );
    assert!(unasked.is_kept() && unasked.path.exists());
    assert!(
        unasked
            .message()
            .contains("could not be checked (it was not asked before this run)"),
        "{}",
        unasked.message()
    );

    let (_, live) = dev
        .store()
        .insert_key("live", &[("read", "datasets")], None)
        .unwrap();
    let changed = replace("changed.env", &live, true, Some("another-secret")).await;
    assert!(
        matches!(changed.state, KeptState::Unchecked(_)),
        "{changed:?}"
    );
    assert!(changed.path.exists());
    assert!(
        changed
            .message()
            .contains("the file changed after it was asked"),
        "{}",
        changed.message()
    );
}
