//! `apply` works on independent keys at once (`ApplyOptions::jobs`): their
//! delivery commands run at the same time, each key's steps stay in order,
//! and the journal, written by one writer, ends with every create resolved.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::num::NonZeroUsize;
use std::path::Path;

use chrono::Utc;
use common::*;
use narrative_keys::Client;
use narrative_keys::journal::JournalFile;
use narrative_keys::keys_as_code::{
    ApplyJournal, ApplyOptions, ApplyReport, KeysFile, Stage, apply, plan,
};

/// A delivery command that takes the secret, then waits (up to 3 s) until
/// `count` deliveries have started: it succeeds only when that many ran at
/// the same time. It also checks the secret it was given authenticates.
fn rendezvous(dir: &Path, name: &str, count: usize) -> String {
    let d = dir.display();
    format!(
        "cat > {d}/{name}.secret; touch {d}/{name}.started; \
         i=0; while [ $(ls {d} | grep -c '\\.started$') -lt {count} ]; do \
         i=$((i+1)); [ $i -gt 30 ] && exit 4; sleep 0.1; done"
    )
}

fn file_of(dir: &Path, names: &[&str], count: usize) -> KeysFile {
    let mut text = String::new();
    for name in names {
        text.push_str(&format!(
            "[[key]]\nname = {name:?}\ngrant = [\"read:datasets\"]\nsecret_to = [{:?}]\n",
            rendezvous(dir, name, count)
        ));
    }
    let path = dir.join("narrative-keys.toml");
    std::fs::write(&path, text).unwrap();
    KeysFile::read(&path, Utc::now()).unwrap()
}

async fn run(admin: &Client, file: &KeysFile, jobs: usize, journal: &Path) -> ApplyReport {
    let keys = admin.list_keys().await.unwrap();
    let planned = plan(file, &keys, None, Utc::now());
    let options = ApplyOptions {
        jobs: NonZeroUsize::new(jobs),
        ..ApplyOptions::default()
    };
    apply(
        admin,
        file,
        &planned,
        &options,
        &mut JournalFile::replacing(journal),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_delivery_commands_of_independent_keys_run_at_the_same_time() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets");
    std::fs::create_dir(&targets).unwrap();
    let names = ["ci-a", "ci-b", "ci-c", "ci-d"];
    let file = file_of(&targets, &names, names.len());
    let journal = dir.path().join("journal.json");
    let report = run(&admin, &file, 4, &journal).await;
    assert!(report.is_complete(), "{report:#?}");
    // The report keeps the plan's order, whatever order the keys finished in.
    let done: Vec<&str> = report.outcomes.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(done, names);
    for name in names {
        let secret = std::fs::read_to_string(targets.join(format!("{name}.secret"))).unwrap();
        let key = emu.store().find_by_secret(&secret).unwrap().unwrap();
        assert_eq!(key.name, name, "each command got its own key's secret");
    }
    let state = ApplyJournal::from_json(&std::fs::read_to_string(&journal).unwrap()).unwrap();
    assert_eq!(state.creates.len(), names.len(), "{state:?}");
    assert!(
        state
            .creates
            .iter()
            .all(|c| c.stage == Stage::Delivered && c.id.is_some()),
        "every create recorded whole: {state:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_job_delivers_one_key_at_a_time_and_a_failed_delivery_revokes_only_its_key() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets");
    std::fs::create_dir(&targets).unwrap();
    // Each command waits for the other's start: one at a time, the first
    // waits in vain (the second then finds the first's mark and goes on).
    let file = file_of(&targets, &["ci-a", "ci-b"], 2);
    let report = run(&admin, &file, 1, &dir.path().join("journal.json")).await;
    let ok: Vec<(&str, bool)> = report
        .outcomes
        .iter()
        .map(|o| (o.name.as_str(), o.ok))
        .collect();
    assert_eq!(ok, [("ci-a", false), ("ci-b", true)], "{report:#?}");
    // The undelivered key was revoked: none is left whose secret nobody holds.
    let left: Vec<String> = admin
        .list_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .filter(|n| n.starts_with("ci-"))
        .collect();
    assert_eq!(left, ["ci-b"]);
}
