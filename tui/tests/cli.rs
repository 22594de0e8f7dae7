//! Every subcommand, run as the built binary against a real emulator.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use chrono::{Duration, Utc};
use narrative_keys_emulator::{Db, RunningEmulator};
use serde_json::Value;

mod cli_support;
use cli_support::{assert_mode_0600, binary, json, run_as, spawn, stderr, stdout};
use narrative_keys_testkit::{emulator, emulator_builder, seed_days as seed};

const ADMIN: &str = "cli-test-admin-secret";

/// Runs the binary on a blocking thread so the in-process emulator keeps serving.
async fn run(emu: &RunningEmulator, args: &[&str]) -> Output {
    run_as(emu, ADMIN, args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn list_shows_every_key_with_status_and_filters() {
    let emu = emulator(ADMIN).await;
    seed(&emu, "soon", &[("read", "datasets")], Some(3));
    seed(&emu, "gone", &[("read", "datasets")], Some(-3));
    let out = run(&emu, &["list", "--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let keys = json(&out);
    let keys = keys.as_array().unwrap();
    assert_eq!(keys.len(), 3);
    let soon = keys.iter().find(|k| k["name"] == "soon").unwrap();
    assert_eq!(soon["status"], "expiring_soon");
    assert_eq!(soon["permissions"][0]["access"], "read");
    assert!(soon["id"].as_str().unwrap().len() == 36 && soon["expires_at"].is_string());
    let admin = keys
        .iter()
        .find(|k| k["name"] == "bootstrap admin")
        .unwrap();
    assert!(admin["expires_at"].is_null());
    assert_eq!(admin["status"], "no_expiration");

    let out = run(&emu, &["list", "--status", "expired", "--json"]).await;
    let names: Vec<_> = json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].clone())
        .collect();
    assert_eq!(names, ["gone"]);

    let out = run(&emu, &["list"]).await;
    let text = stdout(&out);
    assert!(
        text.contains("▲ expiring soon") && text.contains("✖ expired"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "NO_COLOR means no escape codes");
    assert!(stderr(&out).contains("3 keys"), "{}", stderr(&out));
    // One key is "1 key", not "1 keys".
    let out = run(&emu, &["list", "--status", "expired"]).await;
    assert!(stderr(&out).contains("1 key ("), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn create_prints_the_secret_once_or_writes_it_to_a_0600_file() {
    let emu = emulator(ADMIN).await;
    let out = run(
        &emu,
        &[
            "create",
            "--name",
            "dash",
            "--preset",
            "read-only-analytics",
            "--expires",
            "30d",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["key"]["name"], "dash");
    assert_eq!(v["key"]["status"], "active");
    let secret = v["secret"].as_str().unwrap();
    assert!(emu.store().secret_present(secret).unwrap());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dash.env");
    let out = run(
        &emu,
        &[
            "create",
            "--name",
            "sdk",
            "--preset",
            "sdk-development",
            "--grant",
            "datasets",
            "--grant",
            "write:app_events",
            "--secret-out",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let content = std::fs::read_to_string(&file).unwrap();
    let secret = content
        .strip_prefix("NARRATIVE_API_KEY=")
        .unwrap()
        .trim_end();
    assert!(emu.store().secret_present(secret).unwrap());
    assert!(!stdout(&out).contains(secret) && !stderr(&out).contains(secret));
    assert_mode_0600(&file);
    let created = emu
        .store()
        .list_keys()
        .unwrap()
        .into_iter()
        .find(|k| k.name == "sdk")
        .unwrap();
    let perms: Vec<String> = created
        .permissions
        .iter()
        .map(|(a, r)| format!("{a}:{r}"))
        .collect();
    // The preset gives both levels on the named resource; a grant with a
    // level is exactly that level (write:app_events never becomes read too).
    assert_eq!(
        perms,
        ["write:app_events", "read:datasets", "write:datasets"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_without_expires_makes_a_key_that_expires_in_90_days() {
    let emu = emulator(ADMIN).await;
    let before = Utc::now();
    let out = run(
        &emu,
        &[
            "create",
            "--name",
            "plain",
            "--grant",
            "read:views",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("no expiration"),
        "no warning: {}",
        stderr(&out)
    );
    let v = json(&out);
    let at: chrono::DateTime<Utc> = v["key"]["expires_at"].as_str().unwrap().parse().unwrap();
    let days = (at - before).num_seconds() as f64 / 86_400.0;
    assert!((days - 90.0).abs() < 0.01, "expires in {days} days");

    let out = run(
        &emu,
        &[
            "create",
            "--name",
            "forever",
            "--grant",
            "read:views",
            "--expires",
            "never",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        json(&out)["key"]["expires_at"],
        Value::Null,
        "only when asked"
    );
    assert!(stderr(&out).contains("no expiration"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_typo_in_a_permission_is_refused_with_a_suggestion_and_nothing_is_sent() {
    let emu = emulator(ADMIN).await;
    let id = seed(&emu, "keep", &[("read", "datasets")], Some(30));
    let before = emu.store().list_keys().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["create", "--name", "x", "--grant", "read:dataset"],
            "error: --grant read:dataset: unknown resource `dataset`; did you mean read:datasets?",
        ),
        (
            &["create", "--name", "x", "--grant", "datasets:read"],
            "did you mean read:datasets?",
        ),
        (
            &["create", "--name", "x", "--grant", "raed:views"],
            "unknown access level `raed` (use read or write); did you mean read:views?",
        ),
        (
            &["create", "--name", "x", "--grant", "admin:datasets"],
            "does not offer",
        ),
        (
            &[
                "create",
                "--name",
                "x",
                "--preset",
                "sdk-development",
                "--grant",
                "dataset",
            ],
            "--grant dataset: unknown resource `dataset`; did you mean datasets?",
        ),
        (
            &["update", &id, "--grant", "write:dataset"],
            "did you mean write:datasets?",
        ),
        (
            &["incident", "--holding", "read:dataset", "--dry-run"],
            "--holding read:dataset: unknown resource `dataset`; did you mean read:datasets?",
        ),
        (
            &["explain", "--grant", "read:dataset"],
            "did you mean read:datasets?",
        ),
    ];
    for (args, expected) in cases {
        let out = run(&emu, args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("--allow-unknown"),
            "{args:?} says how to send it anyway: {}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty(), "{args:?}: {}", stdout(&out));
    }
    assert_eq!(emu.store().list_keys().unwrap(), before, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn allow_unknown_sends_a_permission_the_catalog_does_not_know() {
    let emu = emulator(ADMIN).await;
    let out = run(
        &emu,
        &[
            "create",
            "--name",
            "newer",
            "--grant",
            "read:uploads",
            "--grant",
            "admin:datasets",
            "--allow-unknown",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`uploads` is not in the permission catalog"),
        "still flagged: {}",
        stderr(&out)
    );
    let id = json(&out)["key"]["id"].as_str().unwrap().to_owned();
    let stored = emu.store().get(id.parse().unwrap()).unwrap().unwrap();
    assert!(stored.has("read", "uploads") && stored.has("admin", "datasets"));

    // Its own unknown permissions need no flag to survive an edit; a new one does.
    let out = run(&emu, &["update", &id, "--grant", "read:views"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&emu, &["update", &id, "--grant", "write:uploads"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = run(
        &emu,
        &["update", &id, "--grant", "write:uploads", "--allow-unknown"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let stored = emu.store().get(id.parse().unwrap()).unwrap().unwrap();
    assert_eq!(stored.permissions.len(), 4, "{:?}", stored.permissions);
    assert!(stored.has("admin", "datasets") && stored.has("write", "uploads"));

    let out = run(
        &emu,
        &[
            "incident",
            "--holding",
            "admin:datasets",
            "--allow-unknown",
            "--dry-run",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("newer"), "{}", stdout(&out));
    let out = run(
        &emu,
        &["explain", "--grant", "read:uploads", "--allow-unknown"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Not in the catalog:"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_existing_log_file_is_kept_and_made_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let emu = emulator(ADMIN).await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("shared.log");
    std::fs::write(&log, "an earlier line\n").unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&emu, &["list", "--log-file", log.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.starts_with("an earlier line\n"),
        "appended to, not replaced"
    );
    assert_mode_0600(&log);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_explained_and_changes_nothing() {
    let emu = emulator(ADMIN).await;
    let id = seed(&emu, "keep", &[("read", "datasets")], Some(30));
    let before = emu.store().list_keys().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["create", "--name", "x", "--preset", "superuser"],
            "unknown preset `superuser`",
        ),
        (
            &["create", "--name", "x", "--grant", "readdatasets"],
            "write it as access:resource",
        ),
        (
            &[
                "create",
                "--name",
                "x",
                "--grant",
                "read:datasets",
                "--expires",
                "2020-01-01",
            ],
            "not in the future",
        ),
        (
            &["create", "--name", "", "--grant", "read:datasets"],
            "the name is empty",
        ),
        (
            &[
                "create",
                "--name",
                "x",
                "--grant",
                "read:datasets",
                "--expires",
                "soon",
            ],
            "is not an expiration",
        ),
        (
            &[
                "create",
                "--name",
                "x",
                "--grant",
                "read:datasets",
                "--expires",
                "1.5d",
            ],
            "fractions are not accepted: 1.5d is 36h",
        ),
        (&["audit", "--expiring-within", "2.5w"], "2.5w is 420h"),
        (&["show", "not-an-id"], "no key is named `not-an-id`"),
        (&["update", &id, "--drop", "write:jobs"], "does not hold it"),
        (&["update", &id], "nothing to change"),
        (&["revoke", &id], "without confirmation"),
        (
            &["audit", "--expiring-within", "2027-01-01"],
            "is not a span",
        ),
        (&["incident"], "nothing selected"),
        (&["list", "--timeout", "30"], "`30` is not a duration"),
        (&["list", "--timeout", "0s"], "more than zero"),
        (&["list", "--timeout", "48h"], "longer than the 24h"),
        (
            &["revoke", &id, "--yes", "--deadline", "soon"],
            "`soon` is not a duration",
        ),
        (
            &["incident", &id, "--yes", "--deadline", "1.5s"],
            "e.g. 30s, 2m, 500ms",
        ),
    ];
    for (args, expected) in cases {
        let out = run(&emu, args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = run(&emu, &["show", "8d0c1bfe-5d1b-4d7c-9f0e-3c8f3f1c0a11"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("No API key with id"),
        "the server's words: {}",
        stderr(&out)
    );
    assert_eq!(
        emu.store().list_keys().unwrap(),
        before,
        "no key was touched"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn update_prints_what_changed() {
    let emu = emulator(ADMIN).await;
    let id = seed(
        &emu,
        "etl",
        &[("read", "datasets"), ("revise", "uploads")],
        Some(10),
    );
    let out = run(
        &emu,
        &[
            "update",
            &id,
            "--name",
            "etl v2",
            "--grant",
            "write:datasets",
            "--drop",
            "read:datasets",
            "--expires",
            "2099-01-31",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["changes"]["name"]["to"], "etl v2");
    assert_eq!(v["changes"]["added"], serde_json::json!(["write:datasets"]));
    assert_eq!(
        v["changes"]["removed"],
        serde_json::json!(["read:datasets"])
    );
    assert_eq!(v["changes"]["expires_at"]["to"], "2099-01-31T00:00:00Z");
    let stored = emu.store().get(id.parse().unwrap()).unwrap().unwrap();
    assert!(
        stored.has("revise", "uploads"),
        "unknown levels survive an edit"
    );
    let out = run(&emu, &["update", &id, "--name", "etl v3"]).await;
    assert!(
        stdout(&out).contains("name:    etl v2 → etl v3"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn revoke_and_rotate() {
    let emu = emulator(ADMIN).await;
    let a = seed(&emu, "a", &[("read", "datasets")], Some(10));
    let b = seed(&emu, "b", &[("read", "jobs"), ("write", "jobs")], Some(10));
    let out = run(&emu, &["revoke", &a, "--yes", "--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["results"][0]["result"], "revoked");
    assert!(emu.store().get(a.parse().unwrap()).unwrap().is_none());
    let out = run(&emu, &["revoke", &a, "--yes"]).await;
    assert_eq!(out.status.code(), Some(1), "an unknown id is reported");
    assert!(stdout(&out).contains("not found"), "{}", stdout(&out));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.env");
    let out = run(
        &emu,
        &[
            "rotate",
            &b,
            "--secret-out",
            file.to_str().unwrap(),
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["old_key"], "revoked");
    assert_eq!(v["old_key_stops"], "now");
    assert_eq!(v["new"]["permissions"], v["old"]["permissions"]);
    assert!(v.get("secret").is_none());
    assert_mode_0600(&file);
    assert!(emu.store().get(b.parse().unwrap()).unwrap().is_none());
    let new_id = v["new"]["id"].as_str().unwrap();
    let out = run(
        &emu,
        &["rotate", new_id, "--keep-old", "--expires", "7d", "--json"],
    )
    .await;
    let v = json(&out);
    assert_eq!(v["old_key"], "kept");
    assert!(v["old_key_stops"].is_null(), "keeping it sets no end");
    assert!(
        emu.store()
            .secret_present(v["secret"].as_str().unwrap())
            .unwrap()
    );
    assert!(emu.store().get(new_id.parse().unwrap()).unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn rotate_with_an_overlap_keeps_the_old_key_working_until_it_expires() {
    let emu = emulator(ADMIN).await;
    let (old_id, old_secret) = emu
        .store()
        .insert_key(
            "etl",
            &[("read", "datasets"), ("revise", "uploads")],
            Some(Utc::now() + Duration::days(30)),
        )
        .unwrap();
    let old = old_id.to_string();
    let out = run(&emu, &["rotate", &old, "--overlap", "24h", "--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["old_key"], "expires");
    let stops: chrono::DateTime<Utc> = v["old_key_stops"].as_str().unwrap().parse().unwrap();
    let hours = (stops - Utc::now()).num_minutes() as f64 / 60.0;
    assert!((23.9..=24.0).contains(&hours), "{hours}");
    // The old key still works, and now expires at the end of the overlap.
    let stored = emu.store().get(old_id).unwrap().unwrap();
    assert_eq!(stored.expires_at, Some(stops));
    assert!(stored.has("revise", "uploads"), "its permissions untouched");
    assert!(emu.store().secret_present(&old_secret).unwrap());
    assert!(
        emu.store()
            .secret_present(v["secret"].as_str().unwrap())
            .unwrap()
    );

    // Never later than its own expiration; the text says when it stops.
    let soon = seed(&emu, "soon", &[("read", "jobs")], Some(2));
    let own = emu
        .store()
        .get(soon.parse().unwrap())
        .unwrap()
        .unwrap()
        .expires_at;
    let out = run(
        &emu,
        &["rotate", &soon, "--overlap", "1w", "--secret-out", "-"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("already expires sooner than the overlap"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        emu.store()
            .get(soon.parse().unwrap())
            .unwrap()
            .unwrap()
            .expires_at,
        own
    );

    let gone = seed(&emu, "gone", &[("read", "jobs")], Some(-1));
    let out = run(
        &emu,
        &["rotate", &gone, "--overlap", "1d", "--secret-out", "-"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("had already expired"),
        "{}",
        stderr(&out)
    );

    let forever = seed(&emu, "forever", &[("read", "jobs")], None);
    let out = run(
        &emu,
        &["rotate", &forever, "--overlap", "2d", "--secret-out", "-"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("keeps working until"),
        "{}",
        stderr(&out)
    );
    let set = emu
        .store()
        .get(forever.parse().unwrap())
        .unwrap()
        .unwrap()
        .expires_at;
    assert_eq!((set.unwrap() - Utc::now()).num_hours(), 47);

    // Bad or conflicting overlaps are refused before anything is sent.
    let before = emu.store().list_keys().unwrap();
    for (args, says) in [
        (vec!["rotate", &old, "--overlap", "1.5d"], "1.5d is 36h"),
        (
            vec!["rotate", &old, "--overlap", "soon"],
            "--overlap `soon` is not a span",
        ),
        (
            vec!["rotate", &old, "--overlap", "1d", "--keep-old"],
            "cannot be used with",
        ),
    ] {
        let out = run(&emu, &args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(emu.store().list_keys().unwrap(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn clone_copies_permissions_under_a_new_name_and_delivers_like_create() {
    let emu = emulator(ADMIN).await;
    let source = seed(
        &emu,
        "etl",
        &[("read", "datasets"), ("revise", "uploads")],
        Some(5),
    );
    let out = run(&emu, &["clone", &source, "--name", "etl copy", "--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["key"]["name"], "etl copy");
    assert_eq!(v["source"]["id"], source.as_str());
    assert_eq!(
        v["key"]["permissions"], v["source"]["permissions"],
        "unknown levels carried over"
    );
    let expires: chrono::DateTime<Utc> = v["key"]["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        (expires - Utc::now()).num_days(),
        89,
        "90 days by default, as create"
    );
    assert!(
        emu.store()
            .secret_present(v["secret"].as_str().unwrap())
            .unwrap()
    );
    assert!(
        emu.store().get(source.parse().unwrap()).unwrap().is_some(),
        "the source stays"
    );

    // --secret-out and --expires, as for create.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.env");
    let out = run(
        &emu,
        &[
            "clone",
            &source,
            "--name",
            "copy two",
            "--expires",
            "7d",
            "--secret-out",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("with the permissions of etl"),
        "{}",
        stderr(&out)
    );
    let content = std::fs::read_to_string(&file).unwrap();
    let secret = content
        .strip_prefix("NARRATIVE_API_KEY=")
        .unwrap()
        .trim_end();
    let copy = emu.store().find_by_secret(secret).unwrap().unwrap();
    assert_eq!(copy.name, "copy two");
    assert_eq!((copy.expires_at.unwrap() - Utc::now()).num_days(), 6);
    assert_mode_0600(&file);

    // By default the secret alone on stdout.
    let out = run(&emu, &["clone", &source, "--name", "three"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(emu.store().secret_present(stdout(&out).trim()).unwrap());

    // Outputs, names and ids are checked before anything is sent.
    let before = emu.store().list_keys().unwrap();
    std::fs::write(dir.path().join("taken.env"), "other content\n").unwrap();
    let taken = dir.path().join("taken.env");
    for (args, code, says) in [
        (
            vec![
                "clone",
                &source,
                "--name",
                "x",
                "--secret-out",
                taken.to_str().unwrap(),
            ],
            2,
            "taken.env",
        ),
        (
            vec!["clone", &source, "--name", " "],
            2,
            "the name is empty",
        ),
        (
            vec!["clone", &source, "--name", "x", "--expires", "1.5d"],
            2,
            "36h",
        ),
        (
            vec!["clone", "not-an-id", "--name", "x"],
            2,
            "no key is named `not-an-id`",
        ),
        (
            vec![
                "clone",
                "546c65d6-e589-4d3c-b1fe-7e61711cc418",
                "--name",
                "x",
            ],
            1,
            "not found",
        ),
    ] {
        let out = run(&emu, &args).await;
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(emu.store().list_keys().unwrap(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn incident_dry_run_then_revoke_replace_and_report() {
    let emu = emulator(ADMIN).await;
    for i in 0..3 {
        seed(
            &emu,
            &format!("leaked-{i}"),
            &[("read", "datasets")],
            Some(10),
        );
    }
    seed(&emu, "safe", &[("read", "datasets")], Some(10));
    let before = emu.store().list_keys().unwrap();
    let out = run(
        &emu,
        &["incident", "--name-matches", "leaked-*", "--dry-run"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("3 key(s) will be revoked"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        emu.store().list_keys().unwrap(),
        before,
        "a dry run changes nothing"
    );
    // A dry run that selects nothing ends as the real run would: status 1,
    // code nothing_selected, after the (empty) plan.
    for dry in [true, false] {
        let mut args = vec!["incident", "--name-matches", "nobody-*", "--yes", "--json"];
        if dry {
            args.push("--dry-run");
        }
        let out = run(&emu, &args).await;
        assert_eq!(
            out.status.code(),
            Some(1),
            "dry run {dry}: {}",
            stderr(&out)
        );
        let last = stderr(&out).lines().last().unwrap_or_default().to_owned();
        let err: serde_json::Value = serde_json::from_str(&last).unwrap();
        assert_eq!(err["error"]["code"], "nothing_selected", "{last}");
    }

    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("incident.json");
    let secrets = dir.path().join("replacements.env");
    let out = run(
        &emu,
        &[
            "incident",
            "--name-matches",
            "leaked-*",
            "--replace",
            "--yes",
            "--note",
            "laptop stolen",
            "--report",
            report.to_str().unwrap(),
            "--secrets-out",
            secrets.to_str().unwrap(),
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["revoked"].as_array().unwrap().len(), 3);
    assert_eq!(r["replacements"].as_array().unwrap().len(), 3);
    assert_eq!(r["note"], "laptop stolen");
    assert_mode_0600(&secrets);
    let secret_lines = std::fs::read_to_string(&secrets).unwrap();
    for line in secret_lines
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (_, secret) = line.split_once('=').unwrap();
        assert!(emu.store().secret_present(secret).unwrap());
        assert!(!std::fs::read_to_string(&report).unwrap().contains(secret));
    }
    let md = dir.path().join("incident.md");
    let out = run(
        &emu,
        &[
            "incident",
            "--holding",
            "read:datasets",
            "--name-matches",
            "safe",
            "--yes",
            "--report",
            md.to_str().unwrap(),
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .starts_with("# API key incident report")
    );
    let names: Vec<String> = emu.store().key_names().unwrap();
    assert!(!names.contains(&"safe".to_owned()));
}

/// The display column at which `needle` starts in each line of the table
/// (the lines from its header, `header`, to the first empty line) holding it.
fn columns_of(text: &str, header: &str, needle: &str) -> Vec<usize> {
    use unicode_width::UnicodeWidthStr;
    text.lines()
        .skip_while(|l| !l.starts_with(header))
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.find(needle).map(|i| l[..i].width()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn incident_plans_print_aligned_tables_and_expired_keys_are_not_replaced() {
    let emu = emulator(ADMIN).await;
    let names = [
        "鍵のローテーション",
        "café ☕ ops",
        "a-very-long-key-name-for-the-nightly-ingestion-pipeline",
    ];
    let mut ids: Vec<String> = names
        .iter()
        .map(|n| seed(&emu, n, &[("read", "datasets")], Some(30)))
        .collect();
    let expired = seed(&emu, "stale", &[("read", "views")], Some(-3));
    ids.push(expired.clone());
    let args = |extra: &[&str]| {
        let mut a = vec!["incident"];
        a.extend(ids.iter().map(String::as_str));
        a.extend_from_slice(extra);
        a.into_iter().map(str::to_owned).collect::<Vec<String>>()
    };
    let run_with = |extra: &[&str]| {
        let a = args(extra);
        let emu = &emu;
        async move {
            let refs: Vec<&str> = a.iter().map(String::as_str).collect();
            run(emu, &refs).await
        }
    };

    // A terminal table by default: every id starts at the same column,
    // whatever the width of the names before it.
    let out = run_with(&["--replace", "--dry-run"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("Incident plan (dry run"), "{text}");
    assert!(!text.contains("| "), "no Markdown by default: {text}");
    let mut columns: Vec<usize> = ids
        .iter()
        .flat_map(|id| columns_of(&text, "NAME", id))
        .collect();
    columns.extend(columns_of(&text, "NAME", "ID  "));
    columns.dedup();
    assert_eq!(
        columns.len(),
        1,
        "ids aligned under ID: {columns:?}\n{text}"
    );
    let status = columns_of(&text, "NAME", "STATUS");
    let statuses: Vec<usize> = ["● active", "✖ expired"]
        .iter()
        .flat_map(|s| columns_of(&text, "NAME", s))
        .collect();
    assert!(
        statuses.iter().all(|c| [*c] == status[..]),
        "{statuses:?} {status:?}\n{text}"
    );
    assert!(text.contains("3 replaced with new keys holding the same permissions (1 already expired: not replaced)"), "{text}");
    let stale_row = text.lines().find(|l| l.contains(&expired)).unwrap();
    assert!(stale_row.ends_with("no (expired)"), "{stale_row}");
    assert!(text.contains(&format!("Already expired, so revoked but not replaced (include expired keys to replace them too): stale ({expired})")), "{text}");
    assert!(text.contains("--include-expired"), "{text}");

    // Markdown only when asked.
    let out = run_with(&["--replace", "--dry-run", "--format", "md"]).await;
    let md = stdout(&out);
    assert!(md.starts_with("# Incident plan (dry run)\n"), "{md}");
    assert!(
        md.contains("| name | id | permissions | expires | status |"),
        "{md}"
    );
    let out = run_with(&["--dry-run", "--format", "text"]).await;
    assert!(
        stdout(&out).starts_with("Incident plan (dry run"),
        "{}",
        stdout(&out)
    );
    let out = run_with(&["--dry-run", "--format", "md", "--json"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = run_with(&["--include-expired", "--dry-run"]).await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "--include-expired needs --replace"
    );

    // Executed: the plan is no dry run; the expired key is revoked, not replaced.
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = run_with(&[
        "--replace",
        "--yes",
        "--report",
        report.to_str().unwrap(),
        "--secrets-out",
        dir.path().join("s.env").to_str().unwrap(),
    ])
    .await;
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("Incident plan\n") || err.contains("\nIncident plan\n"),
        "{err}"
    );
    assert!(
        !err.contains("dry run") && !stdout(&out).contains("dry run"),
        "{err}"
    );
    assert!(
        stdout(&out).starts_with("API key incident report"),
        "{}",
        stdout(&out)
    );
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["revoked"].as_array().unwrap().len(), 4);
    assert_eq!(r["replacements"].as_array().unwrap().len(), 3);
    assert_eq!(r["expired_not_replaced"], serde_json::json!([expired]));
    assert!(
        emu.store()
            .key_names()
            .unwrap()
            .iter()
            .all(|n| n != "stale")
    );
    // A resume does not make the replacement left out on purpose.
    let out = run(&emu, &["incident", "--resume", report.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Nothing to resume"),
        "{}",
        stderr(&out)
    );

    // --include-expired replaces it all the same.
    let stale = seed(&emu, "stale two", &[("read", "views")], Some(-1));
    let out = run(
        &emu,
        &[
            "incident",
            &stale,
            "--replace",
            "--include-expired",
            "--yes",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Already expired, and replaced all the same as asked"),
        "{}",
        stderr(&out)
    );
    let v = json(&out);
    assert_eq!(v["report"]["replacements"][0]["replaces"], stale.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_name_with_a_zero_width_character_cannot_pass_for_another() {
    let emu = emulator(ADMIN).await;
    // Beside the real "bootstrap admin", one that would look the same.
    let lookalike = seed(
        &emu,
        "bootstrap\u{200b} admin",
        &[("read", "datasets")],
        None,
    );
    let out = run(&emu, &["list"]).await;
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.contains("bootstrap\\u{200b} admin"), "{text}");
    assert!(!text.contains('\u{200b}'), "{text}");
    let out = run(&emu, &["show", &lookalike]).await;
    let text = stdout(&out);
    assert!(text.contains("bootstrap\\u{200b} admin"), "{text}");
    // The JSON keeps the name as the server sent it.
    let out = run(&emu, &["show", &lookalike, "--json"]).await;
    assert_eq!(json(&out)["key"]["name"], "bootstrap\u{200b} admin");
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_prints_an_aligned_table_or_markdown() {
    let emu = emulator(ADMIN).await;
    seed(
        &emu,
        "鍵のローテーション",
        &[("write", "access_tokens")],
        None,
    );
    seed(&emu, "pipe | name", &[("read", "datasets")], Some(-2));
    seed(&emu, "evil\u{1b}[2Jname", &[("read", "datasets")], None);
    let out = run(&emu, &["audit"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("SEVERITY"), "{text}");
    assert!(
        text.contains("evil\\u{1b}[2Jname") && !text.contains('\u{1b}'),
        "control characters are shown escaped: {text}"
    );
    let ids: Vec<String> = emu
        .store()
        .list_keys()
        .unwrap()
        .iter()
        .map(|k| k.id.to_string())
        .collect();
    let mut columns: Vec<usize> = ids
        .iter()
        .flat_map(|id| columns_of(&text, "SEVERITY", id))
        .collect();
    columns.extend(columns_of(&text, "SEVERITY", "ID  "));
    columns.sort_unstable();
    columns.dedup();
    assert_eq!(columns.len(), 1, "{columns:?}\n{text}");

    let out = run(&emu, &["audit", "--format", "md"]).await;
    let md = stdout(&out);
    assert!(
        md.starts_with("| severity | name | id | finding |\n|---|---|---|---|\n"),
        "{md}"
    );
    assert!(
        md.contains("evil\\u{1b}[2Jname") && !md.contains('\u{1b}'),
        "{md}"
    );
    assert!(
        md.contains("| pipe \\| name |"),
        "a | in a name does not break the table: {md}"
    );
    let out = run(&emu, &["audit", "--format", "md", "--json"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_gates_ci_on_warnings() {
    let emu = emulator(ADMIN).await;
    let out = run(&emu, &["audit", "--json"]).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "the admin key never expires and can mint keys"
    );
    let v = json(&out);
    assert_eq!(v["counts"]["critical"], 1);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "can_mint_keys")
    );

    // A clean set: one narrow key with an expiration, and no admin key.
    let (_, auditor) = emu
        .store()
        .insert_key(
            "auditor",
            &[("read", "access_tokens")],
            Some(Utc::now() + Duration::days(60)),
        )
        .unwrap();
    let admin_id = emu
        .store()
        .list_keys()
        .unwrap()
        .into_iter()
        .find(|k| k.name == "bootstrap admin")
        .unwrap()
        .id;
    emu.store().delete(admin_id).unwrap();
    let out = run_as(&emu, &auditor, &["audit"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = run_as(&emu, &auditor, &["audit", "--expiring-within", "90d"]).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "60 days is soon when soon is 90 days"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn show_explain_catalog_presets_whoami_and_completions() {
    let emu = emulator(ADMIN).await;
    let id = seed(
        &emu,
        "ops",
        &[("read", "workflows"), ("write", "access_tokens")],
        None,
    );
    let v = json(&run(&emu, &["show", &id, "--json"]).await);
    assert_eq!(v["key"]["name"], "ops");
    assert!(
        v["explanation"]["summary"]
            .as_str()
            .unwrap()
            .contains("create further API keys")
    );
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "no_expiration")
    );
    let text = stdout(&run(&emu, &["show", &id]).await);
    assert!(!text.contains("\\n"), "no escaped line breaks: {text}");
    assert!(
        text.lines().any(|l| l == "Automation:")
            && text
                .lines()
                .any(|l| l.starts_with("  - Workflows: can read automated pipeline definitions")),
        "the explanation on lines of its own: {text}"
    );
    let text = stdout(&run(&emu, &["explain", &id]).await);
    assert!(
        text.lines().any(|l| l == "Automation:") && text.contains("Workflows: can read"),
        "{text}"
    );
    // A line break the server puts in a resource name is shown escaped.
    let odd = seed(&emu, "odd", &[("read", "x\nForged: line")], Some(30));
    let text = stdout(&run(&emu, &["show", &odd]).await);
    assert!(text.contains("x\\nForged: line"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("Forged")), "{text}");
    let text = stdout(&run(&emu, &["explain", "--grant", "write:data_streams"]).await);
    assert!(
        text.contains(
            "DataStreams: can create and change data streams, ingest into them and publish them, without read access."
        ),
        "{text}"
    );
    let catalog = json(&run(&emu, &["catalog", "--json"]).await);
    assert_eq!(catalog.as_array().unwrap().len(), 27);
    let presets = json(&run(&emu, &["presets", "--json"]).await);
    assert_eq!(presets[1]["name"], "data-ingestion");
    let me = json(&run(&emu, &["whoami", "--json"]).await);
    assert_eq!(me["name"], "Emulator User");
    let bash = stdout(&run(&emu, &["completions", "bash"]).await);
    assert!(bash.contains("narrative-keys") && bash.contains("--secret-out"));
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_credentials_and_unreachable_servers_say_what_to_do() {
    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    let out = cmd.env_clear().args(["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("NARRATIVE_API_KEY") && stderr(&out).contains("--demo"));

    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    let out = cmd
        .env_clear()
        .args([
            "list",
            "--api-key",
            "k",
            "--environment",
            "http://127.0.0.1:9",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("could not connect"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("hint: check --environment"),
        "{}",
        stderr(&out)
    );

    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    let out = cmd
        .env_clear()
        .args(["list", "--api-key", "k", "--environment", "staging"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`staging` is not an environment"));

    // Plain HTTP to another machine would send the key in clear: refused
    // before any request, saying what is allowed.
    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    let out = cmd
        .env_clear()
        .args(["list", "--api-key", "clear-text-key", "--environment"])
        .arg("http://attacker.test")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "`http://attacker.test` is refused: plain http:// would send the API key unencrypted"
        ) && stderr(&out).contains("localhost, 127.0.0.1 or [::1]")
            && !stderr(&out).contains("clear-text-key"),
        "{}",
        stderr(&out)
    );
}

/// An incident whose replacements all failed (every POST answered 500, so
/// each may have made its key), then `--resume` on the restarted emulator:
/// the key one attempt did make (its answer "lost") is found by exactly what
/// was sent and revoked, every replacement is made once with its secret
/// delivered, a resume from the same report or an older copy creates
/// nothing, and a wrong file is refused with exit status 2.
#[tokio::test(flavor = "multi_thread")]
async fn incident_resume_creates_the_missing_replacements_once() {
    use narrative_keys_emulator::{FaultConfig, FaultKind};
    let dir = tempfile::tempdir().unwrap();
    let db = Db::Path(dir.path().join("keys.db"));
    let start = |faults: FaultConfig, listen: std::net::SocketAddr| {
        narrative_keys_testkit::emulator::start(
            emulator_builder(ADMIN)
                .db(db.clone())
                .faults(faults)
                .listen(listen),
        )
    };
    let refuse_posts = FaultConfig {
        rate: 1.0,
        kinds: vec![FaultKind::InternalError],
        methods: vec!["POST".into()],
        retry_after_secs: 0,
        seed: Some(3),
        ..FaultConfig::default()
    };
    let emu = start(refuse_posts, "127.0.0.1:0".parse().unwrap()).await;
    for i in 0..3 {
        seed(&emu, &format!("leaked-{i}"), &[("read", "jobs")], Some(10));
    }
    seed(
        &emu,
        "leaked-future",
        &[("admin", "datasets"), ("read", "uploads_v2")],
        Some(10),
    );
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let (report, markdown) = (path("incident.json"), path("incident.md"));
    let out = run(
        &emu,
        &[
            "incident",
            "--name-matches",
            "leaked-*",
            "--replace",
            "--yes",
            "--report",
            &report,
            "--format",
            "md",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "Left to do: 4 replacement(s) sent whose answer was lost (a key made by one is found and revoked), 4 revoked key(s) without a replacement: run `narrative-keys incident --resume {report}` to finish."
        )),
        "{}",
        stderr(&out)
    );
    std::fs::write(&markdown, stdout(&out)).unwrap();
    let first: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(first["failures"].as_array().unwrap().len(), 4);
    assert!(
        first["failures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["step"] == "replace")
    );
    let port = emu.addr();
    emu.shutdown().await;

    let emu = start(FaultConfig::default(), port).await;
    // The first replacement was made but its answer lost: it exists with the
    // name, permissions and expiration that attempt asked for.
    let lost_name = first["failures"][0]["name"].as_str().unwrap().to_owned();
    let lost_perms: Vec<(String, String)> = first["revoked"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == lost_name.as_str())
        .unwrap()["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["access"].as_str().unwrap().to_owned(),
                p["resource"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let lost_perms: Vec<(&str, &str)> = lost_perms
        .iter()
        .map(|(a, r)| (a.as_str(), r.as_str()))
        .collect();
    let sent = first["undelivered"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == lost_name.as_str())
        .unwrap();
    assert!(sent.get("created").is_none(), "no answer came: {sent}");
    let asked: chrono::DateTime<Utc> = sent["expires_at"].as_str().unwrap().parse().unwrap();
    let (orphan, _) = emu
        .store()
        .insert_key(&lost_name, &lost_perms, Some(asked))
        .unwrap();

    // Files that are not the JSON report: refused, exit 2, nothing sent.
    let before = emu.store().list_keys().unwrap();
    let not_json = path("notes.txt");
    std::fs::write(&not_json, "replacements: pending\n").unwrap();
    let other_json = path("keys.json");
    std::fs::write(&other_json, r#"[{"id": "x"}]"#).unwrap();
    let missing = path("nowhere.json");
    for (file, says) in [
        (&missing, "there is no such file"),
        (&not_json, "it is not JSON (line 1, column 1)"),
        (&other_json, "it is JSON but not an incident report"),
        (
            &markdown,
            "it is the Markdown report, which cannot be read back",
        ),
    ] {
        let out = run(&emu, &["incident", "--resume", file]).await;
        assert_eq!(out.status.code(), Some(2), "{file}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("error: --resume {file}: {says}")),
            "{file}: {err}"
        );
        assert!(
            err.contains("hint: --resume needs the incident's JSON report: the file saved with `--report FILE.json`"),
            "{file}: {err}"
        );
    }
    let out = run(&emu, &["incident", "--resume", &markdown]).await;
    assert!(stderr(&out).contains("create the missing replacements by hand"));
    let out = run(&emu, &["incident", "--resume", &report, "--replace"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
    assert_eq!(emu.store().list_keys().unwrap(), before, "nothing was sent");

    let (resumed, secrets) = (path("resumed.json"), path("replacements.env"));
    let out = run(
        &emu,
        &[
            "incident",
            "--resume",
            &report,
            "--report",
            &resumed,
            "--secrets-out",
            &secrets,
            "--json",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["secrets"]["secrets_file"], secrets.as_str());
    let r = &v["report"];
    assert_eq!(r["replacements"].as_array().unwrap().len(), 4);
    assert_eq!(r["failures"], serde_json::json!([]));
    assert!(
        r.get("undelivered").is_none() && r.get("already_present").is_none(),
        "{r}"
    );
    assert!(
        emu.store().get(orphan).unwrap().is_none(),
        "the key whose secret nobody held is revoked"
    );
    assert_eq!(r["started_at"], first["started_at"]);
    assert_eq!(r["resumed_at"].as_array().unwrap().len(), 1);
    let future = r["replacements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"]["name"] == "leaked-future")
        .unwrap();
    assert_eq!(
        future["key"]["permissions"],
        serde_json::json!([
            {"access": "admin", "resource": "datasets"},
            {"access": "read", "resource": "uploads_v2"}
        ])
    );
    assert_mode_0600(Path::new(&secrets));
    let secret_lines = std::fs::read_to_string(&secrets).unwrap();
    let delivered: Vec<&str> = secret_lines
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split_once('=').unwrap().1)
        .collect();
    assert_eq!(delivered.len(), 4);
    let saved = std::fs::read_to_string(&resumed).unwrap();
    for secret in delivered {
        assert!(emu.store().secret_present(secret).unwrap());
        assert!(!saved.contains(secret) && !stdout(&out).contains(secret));
    }
    assert_eq!(serde_json::from_str::<Value>(&saved).unwrap(), *r);

    // The secrets file is never overwritten: it holds the only copy.
    let out = run(
        &emu,
        &["incident", "--resume", &resumed, "--secrets-out", &secrets],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("already exists; it was left untouched"),
        "{}",
        stderr(&out)
    );

    // Again, from the resumed report: nothing to do. From the first one, an
    // older copy that does not know the replacements: nothing is made, and
    // each failure says to resume from the latest report.
    let out = run(&emu, &["incident", "--resume", &resumed, "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["secrets"], serde_json::json!([]));
    assert_eq!(v["report"]["failures"], serde_json::json!([]));
    let out = run(&emu, &["incident", "--resume", &report, "--json"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["secrets"], serde_json::json!([]));
    let failures = v["report"]["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 4, "{failures:?}");
    assert!(
        failures.iter().all(|f| f["error"]
            .as_str()
            .unwrap()
            .contains("resume from the latest report")),
        "{failures:?}"
    );
    let out = run(&emu, &["incident", "--resume", &resumed]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\nresumed:     "), "{}", stdout(&out));
    let out = run(&emu, &["incident", "--resume", &resumed, "--format", "md"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("- Resumed: "));

    let names: Vec<String> = emu.store().key_names().unwrap();
    for name in ["leaked-0", "leaked-1", "leaked-2", "leaked-future"] {
        assert_eq!(
            names.iter().filter(|n| *n == name).count(),
            1,
            "one replacement of {name}: {names:?}"
        );
    }
    assert_eq!(names.len(), 5, "the admin key and four replacements");
}

/// A server that accepts connections and never answers.
async fn silent_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_answers_fails_within_the_timeout() {
    let url = silent_server().await;
    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    cmd.env_clear().env("NO_COLOR", "1").args([
        "list",
        "--environment",
        &url,
        "--api-key",
        "x",
        "--timeout",
        "1s",
    ]);
    let started = std::time::Instant::now();
    let out = spawn(cmd).await.unwrap();
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(15), "{took:?}");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "GET {url}/access-tokens/tokens: no answer within 1s"
        )),
        "{err}"
    );
    assert!(
        err.contains("hint: if the server is only slow, raise --timeout"),
        "{err}"
    );
    assert!(stdout(&out).is_empty());

    // A revocation that times out is listed with its error, not tried again.
    let id = "8d0c1bfe-5d1b-4d7c-9f0e-3c8f3f1c0a11";
    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    cmd.env_clear().env("NO_COLOR", "1").args([
        "revoke",
        id,
        "--yes",
        "--environment",
        &url,
        "--api-key",
        "x",
        "--timeout",
        "500ms",
    ]);
    let started = std::time::Instant::now();
    let out = spawn(cmd).await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("FAILED        {id}: the request timed out")),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("1 of 1 key could NOT be revoked and still work")
            && stderr(&out).contains("run the command again"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mcp_servers_variables_are_read_when_the_sdks_are_unset() {
    let emu = emulator(ADMIN).await;
    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    cmd.env_clear()
        .env("NO_COLOR", "1")
        .env("NARRATIVE_API_TOKEN", ADMIN)
        .env("NARRATIVE_API_URL", emu.url())
        .args(["whoami", "--json"]);
    let out = spawn(cmd).await.unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["credential_source"], "NARRATIVE_API_TOKEN");
    assert_eq!(v["environment_source"], "NARRATIVE_API_URL");
    // The SDK's own names win when both are set.
    let mut cmd = binary(emu.url(), ADMIN);
    cmd.env("NARRATIVE_API_TOKEN", "not-this-one")
        .env("NARRATIVE_API_URL", "http://127.0.0.1:9")
        .args(["whoami"]);
    let out = spawn(cmd).await.unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "API key …cret from NARRATIVE_API_KEY, environment from NARRATIVE_ENVIRONMENT"
        ),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_incident_with_json_says_not_to_send_its_secrets() {
    // With --json and no --report, stdout carries the replacements' secrets
    // beside the report: the advice must not call it a report without secrets.
    let emu = emulator(ADMIN).await;
    seed(&emu, "leaked-0", &[("read", "datasets")], Some(10));
    let out = run(
        &emu,
        &[
            "incident",
            "--name-matches",
            "leaked-*",
            "--replace",
            "--yes",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert!(v["secrets"][0]["secret"].is_string(), "{v}");
    let err = stderr(&out);
    // The report goes to the journal, which holds no secret: that is what
    // to send.
    let journal = err
        .lines()
        .find_map(|l| l.strip_prefix("Journal: "))
        .and_then(|l| l.split(' ').next())
        .unwrap();
    assert!(
        err.contains(&format!("attach {journal} (it holds no secret)"))
            && !err.contains("report above"),
        "{err}"
    );
    // An emulator is practice: nobody at Narrative is to be told.
    assert!(
        err.contains("not Narrative's API: there is nothing to report"),
        "{err}"
    );
    let saved = std::fs::read_to_string(journal).unwrap();
    assert!(!saved.contains(v["secrets"][0]["secret"].as_str().unwrap()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_audit_span_is_told_what_a_span_is() {
    // An expiration takes dates and `never`; a span does not, so the message
    // must not offer them.
    let emu = emulator(ADMIN).await;
    let out = run(&emu, &["audit", "--expiring-within", "xx"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("a whole number and a unit") && !err.contains("a date like"),
        "{err}"
    );
}
