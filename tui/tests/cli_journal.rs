//! Multi-step runs cut off at any point, by `kill -9` or a signal, then
//! finished from their journal: every selected key revoked, exactly one
//! replacement per revoked key, each one's secret delivered, and no key
//! left whose secret nobody holds. Reruns of `revoke` and its messages.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use narrative_keys_emulator::{FaultConfig, FaultKind, RunningEmulator};
use narrative_keys_testkit::emulator::{emulator, emulator_builder, seed, start};
use serde_json::Value;

mod cli_support;
use cli_support::{Started, json, process, run_as, stderr, wait_for_json};

const ADMIN: &str = "cli-journal-admin-key";
/// Each request takes this long: long enough to cut a run between two steps.
const LATENCY: Duration = Duration::from_millis(80);

/// Four leaked keys, `term-0` to `term-3`, with their ids.
fn seed_leaked(emu: &RunningEmulator) -> Vec<(String, String)> {
    (0..4)
        .map(|i| {
            let name = format!("term-{i}");
            let expires = chrono::Utc::now() + chrono::Duration::days(30);
            (seed(emu, &name, &[("read", "jobs")], Some(expires)), name)
        })
        .collect()
}

/// A delivery command writing each secret to `dir/<id>`, then waiting until
/// `dir/release` exists: a test holds a run between a create and its
/// delivery by removing that file.
fn delivery_to(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "cat > '{d}'/\"$NARRATIVE_KEY_ID\" && while [ ! -e '{d}/release' ]; do sleep 0.01; done"
    )
}

/// Every secret delivered in `dir`: the delivery command's files and the
/// resumes' `NAME=<secret>` files.
fn delivered_secrets(dir: &Path) -> Vec<String> {
    let mut secrets = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if name.ends_with(".env") {
            secrets.extend(
                text.lines()
                    .filter(|l| !l.starts_with('#') && l.contains('='))
                    .map(|l| l.split_once('=').unwrap().1.to_owned()),
            );
        } else if uuid_like(&name) && !text.trim().is_empty() {
            secrets.push(text.trim().to_owned());
        }
    }
    secrets
}

fn uuid_like(name: &str) -> bool {
    name.len() == 36 && name.chars().filter(|c| *c == '-').count() == 4
}

/// The end state every finished incident must reach: no selected key left;
/// one key per selected key's name, whose secret was delivered; nothing
/// else but the admin key.
fn assert_finished(emu: &RunningEmulator, leaked: &[(String, String)], secrets_dir: &Path) {
    let stored = emu.store().list_keys().unwrap();
    let ids: BTreeSet<String> = stored.iter().map(|k| k.id.to_string()).collect();
    for (id, name) in leaked {
        assert!(!ids.contains(id), "{name} ({id}) is still working");
        let named = stored.iter().filter(|k| &k.name == name).count();
        assert_eq!(named, 1, "one replacement of {name}: {stored:?}");
    }
    assert_eq!(stored.len(), 1 + leaked.len(), "{stored:?}");
    let held: BTreeSet<String> = delivered_secrets(secrets_dir)
        .iter()
        .filter_map(|s| emu.store().find_by_secret(s).unwrap())
        .map(|k| k.id.to_string())
        .collect();
    for k in stored.iter().filter(|k| k.name.starts_with("term-")) {
        assert!(
            held.contains(&k.id.to_string()),
            "{} ({}) is a key whose secret nobody holds",
            k.name,
            k.id
        );
    }
}

/// An emulator answering every request after [`LATENCY`], the four leaked
/// keys, and a temporary directory with `secrets/` for what is delivered.
struct Scene {
    emu: RunningEmulator,
    leaked: Vec<(String, String)>,
    dir: tempfile::TempDir,
    secrets: PathBuf,
    journal: PathBuf,
}

impl Scene {
    async fn new() -> Self {
        let emu = start(emulator_builder(ADMIN).latency(LATENCY)).await;
        let leaked = seed_leaked(&emu);
        let dir = tempfile::tempdir().unwrap();
        let secrets = dir.path().join("secrets");
        std::fs::create_dir(&secrets).unwrap();
        let journal = dir.path().join("incident.json");
        Self {
            emu,
            leaked,
            dir,
            secrets,
            journal,
        }
    }

    /// The incident on `term-*` with replacements, its report (the journal)
    /// at `self.journal`, each secret delivered as `delivery` says.
    fn start_incident(&self, delivery: &[&str]) -> Started {
        let mut args = vec![
            "incident",
            "--name-matches",
            "term-*",
            "--replace",
            "--yes",
            "--report",
            self.journal.to_str().unwrap(),
        ];
        args.extend(delivery);
        Started::new(
            process(self.emu.url(), ADMIN),
            &args,
            self.dir.path(),
            "incident",
        )
    }

    /// `incident --resume` from the journal, the secrets to `secrets/<name>`.
    async fn resume(&self, name: &str) -> std::process::Output {
        let secrets = self.secrets.join(name);
        run_as(
            &self.emu,
            ADMIN,
            &[
                "incident",
                "--resume",
                self.journal.to_str().unwrap(),
                "--secrets-out",
                secrets.to_str().unwrap(),
            ],
        )
        .await
    }
}

fn array_len(v: &Value, field: &str) -> usize {
    v.get(field).and_then(Value::as_array).map_or(0, Vec::len)
}

/// Where `kill -9` lands in an incident with replacements.
#[derive(Debug, Clone, Copy)]
enum KillPoint {
    /// As the journal is first written: no key revoked yet, the revocations in flight.
    AtStart,
    /// Once some keys are revoked.
    AfterRevocations,
    /// A create recorded as sent, its answer not yet come.
    CreateInFlight,
    /// A key created, its delivery not done.
    CreatedNotDelivered,
    /// Two replacements made and delivered.
    AfterReplacements,
}

impl KillPoint {
    fn reached(self, journal: &Value) -> bool {
        let undelivered = journal["undelivered"].as_array();
        let sent = |answered: bool| {
            undelivered.is_some_and(|u| u.iter().any(|s| s.get("created").is_some() == answered))
        };
        match self {
            KillPoint::AtStart => array_len(journal, "to_revoke") == 4,
            KillPoint::AfterRevocations => array_len(journal, "revoked") >= 1,
            KillPoint::CreateInFlight => sent(false),
            KillPoint::CreatedNotDelivered => sent(true),
            KillPoint::AfterReplacements => array_len(journal, "replacements") >= 2,
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_incident_killed_at_any_point_is_finished_by_resume() {
    for point in [
        KillPoint::AtStart,
        KillPoint::AfterRevocations,
        KillPoint::CreateInFlight,
        KillPoint::CreatedNotDelivered,
        KillPoint::AfterReplacements,
    ] {
        let scene = Scene::new().await;
        let (emu, leaked, secrets, journal) =
            (&scene.emu, &scene.leaked, &scene.secrets, &scene.journal);
        if !matches!(point, KillPoint::CreatedNotDelivered) {
            std::fs::write(secrets.join("release"), "").unwrap();
        }
        let journal_arg = journal.to_str().unwrap();
        let delivery = delivery_to(secrets);
        let run = scene.start_incident(&["--secret-to", &delivery]);
        let seen = wait_for_json(journal, &format!("{point:?}"), |j| point.reached(j)).await;
        run.signal("KILL", true);
        let (status, _, err) = run.finish().await;
        assert_eq!(status, None, "{point:?}: killed: {err}");
        std::fs::write(secrets.join("release"), "").unwrap();
        if let KillPoint::CreatedNotDelivered = point {
            // That key exists, and nobody was told its secret.
            let made = seen["undelivered"][0]["created"].as_str().unwrap();
            assert!(emu.store().get(made.parse().unwrap()).unwrap().is_some());
        }

        let out = scene.resume("resumed.env").await;
        assert_eq!(out.status.code(), Some(0), "{point:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("Resuming the incident of "),
            "{point:?}: {}",
            stderr(&out)
        );
        assert_finished(emu, leaked, secrets);
        // The journal, kept in place, says the incident is done.
        let done: Value = serde_json::from_str(&std::fs::read_to_string(journal).unwrap()).unwrap();
        assert_eq!(array_len(&done, "replacements"), 4, "{point:?}: {done}");
        assert_eq!(array_len(&done, "revoked"), 4, "{point:?}: {done}");
        for field in ["to_revoke", "undelivered", "failures"] {
            assert_eq!(array_len(&done, field), 0, "{point:?}: {field}: {done}");
        }
        // A second resume has nothing to do.
        let out = run_as(emu, ADMIN, &["incident", "--resume", journal_arg]).await;
        assert_eq!(out.status.code(), Some(0), "{point:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("Nothing to resume"),
            "{}",
            stderr(&out)
        );
        assert_finished(emu, leaked, secrets);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_during_replacements_stops_between_steps_and_resume_finishes() {
    let scene = Scene::new().await;
    let (emu, leaked, secrets, journal) =
        (&scene.emu, &scene.leaked, &scene.secrets, &scene.journal);
    let journal_arg = journal.to_str().unwrap();
    let first = secrets.join("first.env");
    let run = scene.start_incident(&["--secrets-out", first.to_str().unwrap()]);
    let seen = wait_for_json(journal, "a replacement", |j| {
        array_len(j, "replacements") >= 1
    })
    .await;
    run.signal("TERM", false);
    let (status, _, err) = run.finish().await;
    assert_eq!(status, Some(128 + 15), "SIGTERM: {err}");
    assert!(
        err.contains("error: interrupted: the step in progress finished and no other was started")
            && err.contains(&format!(
                "hint: run `narrative-keys incident --resume {journal_arg} --secrets-out NEW-FILE` to finish it"
            )),
        "{err}"
    );
    let stopped: Value = serde_json::from_str(&std::fs::read_to_string(journal).unwrap()).unwrap();
    let made = array_len(&stopped, "replacements");
    assert!(
        made <= array_len(&seen, "replacements") + 1 && made < 4,
        "no replacement starts after the signal: {made} made"
    );
    assert_eq!(array_len(&stopped, "undelivered"), 0, "{stopped}");

    let out = scene.resume("resumed.env").await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_finished(emu, leaked, secrets);
}

#[tokio::test(flavor = "multi_thread")]
async fn sighup_during_replacements_exits_129_with_an_interrupted_json_error() {
    let scene = Scene::new().await;
    let first = scene.secrets.join("first.env");
    let run = scene.start_incident(&["--secrets-out", first.to_str().unwrap(), "--json"]);
    wait_for_json(&scene.journal, "a replacement", |j| {
        array_len(j, "replacements") >= 1
    })
    .await;
    run.signal("HUP", false);
    let (status, _, err) = run.finish().await;
    // 128 + SIGHUP, as the terminal UI and a second signal exit.
    assert_eq!(status, Some(128 + 1), "{err}");
    let last = err.lines().last().unwrap();
    let error: Value = serde_json::from_str(last).unwrap();
    assert_eq!(error["error"]["code"], "interrupted", "{err}");
    assert!(
        error["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("narrative-keys incident --resume"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bulk_revoke_killed_is_finished_by_resume() {
    let emu = start(emulator_builder(ADMIN).latency(LATENCY)).await;
    let ids: Vec<String> = seed_leaked(&emu).into_iter().map(|(id, _)| id).collect();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("revoke.json");
    let journal_arg = journal.to_str().unwrap();
    let mut args = vec!["revoke", "--yes", "--journal", journal_arg];
    args.extend(ids.iter().map(String::as_str));
    let run = Started::new(process(emu.url(), ADMIN), &args, dir.path(), "revoke");
    // Killed as soon as the journal exists: the requests are in flight.
    let seen = wait_for_json(&journal, "the keys", |j| array_len(j, "keys") == 4).await;
    run.signal("KILL", true);
    let (status, _, _) = run.finish().await;
    assert_eq!(status, None);
    assert!(
        seen["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["state"] == "pending"),
        "{seen}"
    );

    let out = run_as(&emu, ADMIN, &["revoke", "--resume", journal_arg, "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let results = json(&out)["results"].as_array().unwrap().clone();
    assert!(
        results
            .iter()
            .all(|r| r["result"] == "revoked" || r["result"] == "already_gone"),
        "a key the killed run revoked is not an error now: {results:?}"
    );
    assert_eq!(
        emu.store().count().unwrap(),
        1,
        "only the admin key is left"
    );
    let done: Value = serde_json::from_str(&std::fs::read_to_string(&journal).unwrap()).unwrap();
    assert!(
        done["keys"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["state"] == "revoked" || k["state"] == "already_gone"),
        "{done}"
    );
    assert_eq!(array_len(&done, "resumed_at"), 1);
    let out = run_as(&emu, ADMIN, &["revoke", "--resume", journal_arg]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(": 0 not revoked yet."),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rerun_of_revoke_says_the_key_is_gone_and_ignore_missing_makes_it_harmless() {
    let emu = emulator(ADMIN).await;
    let id = seed(&emu, "old-export", &[("read", "jobs")], None);
    let out = run_as(&emu, ADMIN, &["revoke", &id, "--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let out = run_as(&emu, ADMIN, &["revoke", &id, "--yes"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "error: 1 of 1 key not found: {id} (already revoked, a mistyped id, or not visible to these credentials)"
        )) && stderr(&out).contains("add --ignore-missing"),
        "{}",
        stderr(&out)
    );
    let out = run_as(&emu, ADMIN, &["revoke", &id, "--yes", "--json"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["results"][0]["result"], "already_gone");
    let err: Value = serde_json::from_str(stderr(&out).lines().last().unwrap()).unwrap();
    assert_eq!(err["error"]["code"], "not_found", "{err}");

    let out = run_as(&emu, ADMIN, &["revoke", &id, "--yes", "--ignore-missing"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("--ignore-missing counts them as revoked"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoke_stopped_by_its_deadline_says_what_it_did() {
    let emu = start(emulator_builder(ADMIN).faults(FaultConfig {
        rate: 1.0,
        kinds: vec![FaultKind::Unavailable],
        methods: vec!["DELETE".into()],
        retry_after_secs: 0,
        seed: Some(1),
        ..FaultConfig::default()
    }))
    .await;
    let ids: Vec<String> = seed_leaked(&emu)
        .into_iter()
        .take(2)
        .map(|(id, _)| id)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let journal: PathBuf = dir.path().join("revoke.json");
    let out = run_as(
        &emu,
        ADMIN,
        &[
            "revoke",
            &ids[0],
            &ids[1],
            "--yes",
            "--deadline",
            "0s",
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error: 2 of 2 keys could NOT be revoked and still work")
            && err.contains("hint: tried in 1 pass over ")
            && err.contains("another pass would have started after --deadline 0s")
            && !err.contains("for up to"),
        "{err}"
    );
    assert!(err.contains("narrative-keys revoke --resume"), "{err}");
}
