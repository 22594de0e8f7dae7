//! Addressing keys by id prefix or name, dry runs, JSON errors, `whoami`'s
//! credential source, help examples and completions: the built binary
//! against a real emulator.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::process::Output;

use assert_cmd::Command;
use narrative_keys_emulator::RunningEmulator;
use serde_json::Value;

mod cli_support;
use cli_support::{binary, json, run_as, spawn, stderr, stdout};
use narrative_keys_testkit::emulator::start;
use narrative_keys_testkit::{emulator, emulator_builder, seed_days as seed};

const ADMIN: &str = "cli-addressing-admin-secret-Zq7w";

async fn run(emu: &RunningEmulator, args: &[&str]) -> Output {
    run_as(emu, ADMIN, args).await
}

/// The `--json` error document: the last line of stderr, and one JSON
/// document on its own.
fn json_error(o: &Output) -> Value {
    let err = stderr(o);
    let line = err.lines().last().unwrap_or_default();
    let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {err}"));
    assert!(
        v["error"]["code"].is_string() && v["error"]["message"].is_string(),
        "{v}"
    );
    v["error"].clone()
}

/// A prefix of `id` that no other of `others` shares.
fn unique_prefix(id: &str, others: &[&str]) -> String {
    (4..id.len())
        .map(|n| id[..n].to_owned())
        .find(|p| others.iter().all(|o| !o.starts_with(p.as_str())))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_is_named_by_id_prefix_or_exact_name() {
    let emu = emulator(ADMIN).await;
    let nightly = seed(
        &emu,
        "nightly ingestion",
        &[("write", "datasets")],
        Some(30),
    );
    let other = seed(&emu, "dashboard", &[("read", "datasets")], Some(30));
    let ids: Vec<String> = emu
        .store()
        .list_keys()
        .unwrap()
        .iter()
        .map(|k| k.id.to_string())
        .collect();
    let others: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|i| *i != nightly)
        .collect();

    let v = json(&run(&emu, &["show", "nightly ingestion", "--json"]).await);
    assert_eq!(v["key"]["id"], nightly.as_str());
    let prefix = unique_prefix(&nightly, &others);
    let v = json(&run(&emu, &["show", &prefix.to_uppercase(), "--json"]).await);
    assert_eq!(v["key"]["id"], nightly.as_str(), "a prefix in any case");
    let text = stdout(&run(&emu, &["explain", "dashboard"]).await);
    assert!(text.contains("Datasets"), "{text}");

    // update, rotate and revoke take names too.
    let out = run(
        &emu,
        &["update", "dashboard", "--grant", "read:queries", "--json"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["key"]["id"], other.as_str());
    let out = run(&emu, &["rotate", "nightly ingestion", "--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["old"]["id"], nightly.as_str());
    assert_eq!(v["old_key"], "revoked");
    let successor = v["new"]["id"].as_str().unwrap().to_owned();
    let out = run(
        &emu,
        &[
            "revoke",
            "nightly ingestion",
            "dashboard",
            "--yes",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let revoked: Vec<&str> = json(&out)["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect::<Vec<_>>()
        .into_iter()
        .map(|s| {
            if s == successor {
                "successor"
            } else if s == other {
                "dashboard"
            } else {
                "?"
            }
        })
        .collect();
    assert_eq!(revoked, ["successor", "dashboard"]);
    let left: Vec<String> = emu
        .store()
        .list_keys()
        .unwrap()
        .iter()
        .map(|k| k.name.clone())
        .collect();
    assert_eq!(left, ["bootstrap admin"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn ambiguous_short_or_unmatched_references_send_nothing() {
    let emu = emulator(ADMIN).await;
    let a = seed(&emu, "twin", &[("read", "datasets")], Some(30));
    let b = seed(&emu, "twin", &[("read", "queries")], Some(30));
    let before = emu.store().list_keys().unwrap();

    for args in [
        &["revoke", "twin", "--yes"][..],
        &["update", "twin", "--name", "renamed"],
        &["rotate", "twin"],
        &["show", "twin"],
    ] {
        let out = run(&emu, args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("matches 2 keys") && err.contains(&a) && err.contains(&b),
            "{args:?}: {err}"
        );
        assert!(err.contains("nothing was sent"), "{err}");
    }
    let out = run(&emu, &["revoke", "twin", "--yes", "--json"]).await;
    assert_eq!(out.status.code(), Some(2));
    let e = json_error(&out);
    assert_eq!(e["code"], "ambiguous_key");
    assert!(
        out.stdout.is_empty(),
        "no results printed: {}",
        stdout(&out)
    );

    // Too short a prefix, and no match at all.
    let out = run(&emu, &["revoke", &a[..3], "--yes"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("at least 4 characters"),
        "{}",
        stderr(&out)
    );
    let out = run(&emu, &["update", "no such key", "--name", "x", "--json"]).await;
    assert_eq!(out.status.code(), Some(2));
    let e = json_error(&out);
    assert_eq!(e["code"], "no_matching_key");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("no key is named `no such key`"),
        "{e}"
    );
    // In an incident too.
    let out = run(&emu, &["incident", "twin", "--yes"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    assert_eq!(
        emu.store().list_keys().unwrap(),
        before,
        "nothing was written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_incident_selects_keys_by_name_and_prefix() {
    let emu = emulator(ADMIN).await;
    let a = seed(&emu, "laptop alice", &[("read", "datasets")], Some(30));
    let b = seed(&emu, "laptop bob", &[("read", "queries")], Some(30));
    let ids: Vec<String> = emu
        .store()
        .list_keys()
        .unwrap()
        .iter()
        .map(|k| k.id.to_string())
        .collect();
    let others: Vec<&str> = ids.iter().map(String::as_str).filter(|i| *i != b).collect();
    let prefix = unique_prefix(&b, &others);
    let out = run(
        &emu,
        &["incident", "laptop alice", &prefix, "--dry-run", "--json"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = json(&out);
    let mut planned: Vec<&str> = plan["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"]["id"].as_str().unwrap())
        .collect();
    planned.sort_unstable();
    let mut expected = [a.as_str(), b.as_str()];
    expected.sort_unstable();
    assert_eq!(planned, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_runs_say_what_would_happen_and_write_nothing() {
    let emu = emulator(ADMIN).await;
    let id = seed(
        &emu,
        "nightly ingestion",
        &[("write", "datasets"), ("write", "views")],
        Some(30),
    );
    let before = emu.store().list_keys().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("ingest.env");

    let out = run(
        &emu,
        &[
            "create",
            "--name",
            "new one",
            "--preset",
            "data-ingestion",
            "--expires",
            "30d",
            "--dry-run",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Would create \"new one\"")
            && text.contains("write:data_streams,write:datasets")
            && text.contains("(in 30 days)"),
        "{text}"
    );
    assert!(stderr(&out).contains("nothing was sent"));
    let out = run(
        &emu,
        &[
            "create",
            "--name",
            "new one",
            "--grant",
            "read:datasets",
            "--secret-out",
            env_file.to_str().unwrap(),
            "--dry-run",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["dry_run"], true);
    assert_eq!(
        v["create"]["permissions"],
        serde_json::json!(["read:datasets"])
    );
    assert!(
        v["create"]["expires_at"].is_string(),
        "the 90-day default: {v}"
    );
    assert_eq!(v["secret_destination"], "file");
    assert!(v.get("secret").is_none());
    // An invalid create is still refused, as the real run would be.
    let out = run(
        &emu,
        &[
            "create",
            "--name",
            "x",
            "--grant",
            "read:dataset",
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));

    let out = run(
        &emu,
        &[
            "update",
            "nightly ingestion",
            "--grant",
            "read:datasets",
            "--drop",
            "write:views",
            "--dry-run",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Would update nightly ingestion")
            && text.contains("+ read:datasets")
            && text.contains("- write:views"),
        "{text}"
    );
    let v = json(
        &run(
            &emu,
            &[
                "update",
                &id,
                "--name",
                "renamed",
                "--expires",
                "60d",
                "--dry-run",
                "--json",
            ],
        )
        .await,
    );
    assert_eq!(v["changes"]["name"]["to"], "renamed");
    assert!(v["changes"]["expires_at"]["to"].is_string(), "{v}");
    assert_eq!(
        v["key"]["name"], "nightly ingestion",
        "the key as it is now"
    );

    let out = run(&emu, &["revoke", &id[..8], "--dry-run"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("\"nightly ingestion\" ({id})")),
        "{}",
        stdout(&out)
    );
    let v = json(&run(&emu, &["revoke", &id, "--dry-run", "--json"]).await);
    assert_eq!(v["revoke"][0]["name"], "nightly ingestion");

    let out = run(
        &emu,
        &[
            "rotate",
            "nightly ingestion",
            "--secret-out",
            env_file.to_str().unwrap(),
            "--dry-run",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("create \"nightly ingestion\" with write:datasets,write:views")
            && text.contains(&format!("revoke the old key {id}")),
        "{text}"
    );
    assert!(text.contains("ingest.env"), "{text}");
    let v = json(&run(&emu, &["rotate", &id, "--keep-old", "--dry-run", "--json"]).await);
    assert_eq!(v["old_key"], "keep");
    assert_eq!(
        v["new"]["permissions"],
        serde_json::json!(["write:datasets", "write:views"])
    );

    assert_eq!(
        emu.store().list_keys().unwrap(),
        before,
        "nothing was written"
    );
    assert!(!env_file.exists(), "no secret file was made");
}

#[tokio::test(flavor = "multi_thread")]
async fn json_errors_are_one_document_with_the_documented_exit_status() {
    let emu = emulator(ADMIN).await;
    // The server's 404, its description kept.
    let out = run(
        &emu,
        &["show", "8d0c1bfe-5d1b-4d7c-9f0e-3c8f3f1c0a11", "--json"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let e = json_error(&out);
    assert_eq!(e["code"], "not_found");
    assert_eq!(e["status"], 404);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("No API key with id"),
        "{e}"
    );
    assert!(
        e["server_description"]
            .as_str()
            .unwrap()
            .contains("No API key with id"),
        "{e}"
    );
    assert!(e["hint"].is_string());
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    // A usage error of the CLI's own.
    let out = run(
        &emu,
        &["create", "--name", "x", "--grant", "read:dataset", "--json"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let e = json_error(&out);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("did you mean read:datasets"),
        "{e}"
    );
    // A wrong credential: 401.
    let mut cmd = binary(emu.url(), "not-the-admin-key-at-all");
    cmd.args(["list", "--json"]);
    let out = spawn(cmd).await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e = json_error(&out);
    assert_eq!(e["code"], "unauthorized");
    assert_eq!(e["status"], 401);
    assert!(!stderr(&out).contains("not-the-admin-key-at-all"));
    // clap's own usage errors, with --json, as the same document.
    let out = run(&emu, &["list", "--status", "soon", "--json"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json_error(&out)["code"], "usage");
    // Without --json, the human message as before.
    let out = run(&emu, &["show", "8d0c1bfe-5d1b-4d7c-9f0e-3c8f3f1c0a11"]).await;
    assert!(
        stderr(&out).starts_with("error: not found"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn whoami_names_the_source_and_only_the_last_four_characters() {
    let emu = emulator(ADMIN).await;
    let out = run(&emu, &["whoami"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "API key …Zq7w from NARRATIVE_API_KEY, environment from NARRATIVE_ENVIRONMENT"
        ),
        "{text}"
    );
    let out = run(&emu, &["whoami", "--json"]).await;
    let v = json(&out);
    assert_eq!(v["credential_last_four"], "Zq7w");
    assert_eq!(v["credential_source"], "NARRATIVE_API_KEY");
    for o in [&out, &run(&emu, &["whoami"]).await] {
        for s in [stdout(o), stderr(o)] {
            assert!(
                !s.contains(ADMIN) && !s.contains(&ADMIN[ADMIN.len() - 5..]),
                "more than four characters: {s}"
            );
        }
    }
    // From the flag, and from the MCP servers' variable.
    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    cmd.env_clear().env("NO_COLOR", "1").args([
        "whoami",
        "--api-key",
        ADMIN,
        "--environment",
        emu.url(),
    ]);
    let text = stdout(&spawn(cmd).await.unwrap());
    assert!(
        text.contains("API key …Zq7w from --api-key, environment from --environment"),
        "{text}"
    );
    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    cmd.env_clear()
        .env("NO_COLOR", "1")
        .env("NARRATIVE_API_TOKEN", ADMIN)
        .env("NARRATIVE_API_URL", emu.url())
        .args(["whoami"]);
    let text = stdout(&spawn(cmd).await.unwrap());
    assert!(
        text.contains("API key …Zq7w from NARRATIVE_API_TOKEN, environment from NARRATIVE_API_URL"),
        "{text}"
    );
}

fn cli(args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    cmd.env_clear()
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn every_subcommand_help_ends_with_examples_and_has_global_options() {
    for sub in [
        "list",
        "show",
        "create",
        "update",
        "revoke",
        "rotate",
        "incident",
        "audit",
        "explain",
        "catalog",
        "presets",
        "whoami",
        "completions",
    ] {
        let help = stdout(&cli(&[sub, "--help"]));
        let examples = help
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{sub}: {help}"));
        let lines: Vec<&str> = examples.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!((2..=3).contains(&lines.len()), "{sub}: {examples}");
        assert!(
            lines.iter().all(|l| l.contains("narrative-keys ")),
            "{sub}: {examples}"
        );
        assert!(
            help.contains("Global options:\n") && help.contains("--api-key <KEY>"),
            "{sub}: {help}"
        );
        // Every flag and argument says what it is.
        let options: Vec<&str> = help.split("Examples:").next().unwrap().lines().collect();
        for (i, line) in options.iter().enumerate() {
            let flag = line.trim_start();
            if line.len() - flag.len() > 6 {
                continue; // a wrapped description
            }
            if !(flag.starts_with("--")
                || flag.starts_with("-y")
                || flag.starts_with('<')
                || flag.starts_with('['))
            {
                continue;
            }
            // On the same line, or (clap's long form) indented on the next.
            let same_line = line
                .trim()
                .split("  ")
                .filter(|p| !p.trim().is_empty())
                .count()
                >= 2;
            let next_line = options
                .get(i + 1)
                .is_some_and(|n| n.starts_with("          ") && !n.trim().is_empty());
            assert!(same_line || next_line, "{sub}: `{line}` has no description");
        }
    }
}

#[test]
fn completions_offer_presets_permissions_statuses_and_expirations() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&cli(&["completions", shell]));
        for want in [
            "data-ingestion",
            "sdk-development",
            "datasets",
            "access_tokens",
            "no-expiry",
            "180d",
            "never",
        ] {
            assert!(script.contains(want), "{shell}: no {want}");
        }
        let every_permission = narrative_keys::CATALOG
            .iter()
            .all(|e| script.contains(e.wire));
        assert!(every_permission, "{shell}: every catalog resource");
    }
    let bash = stdout(&cli(&["completions", "bash"]));
    assert!(
        bash.contains("read:datasets") && bash.contains("write:access_tokens"),
        "access:resource form"
    );
    let fish = stdout(&cli(&["completions", "fish"]));
    assert!(fish.contains("write:data_streams"), "access:resource form");
    // Still accepted: a value outside the suggestions.
    let out = cli(&["explain", "--grant", "read:brand_new", "--allow-unknown"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Every GET counted (a 1 ms "slow" fault on each): a full id is used
/// without listing; a prefix or name costs exactly one list.
#[tokio::test(flavor = "multi_thread")]
async fn the_keys_are_listed_only_for_a_reference_that_is_not_a_full_id() {
    use narrative_keys_emulator::{FaultConfig, FaultKind};
    let emu = start(emulator_builder(ADMIN).faults(FaultConfig {
        rate: 1.0,
        slow: std::time::Duration::from_millis(1),
        kinds: vec![FaultKind::Slow],
        methods: vec!["GET".to_owned()],
        ..FaultConfig::default()
    }))
    .await;
    let first = seed(&emu, "first", &[("read", "datasets")], Some(30));
    seed(&emu, "second", &[("read", "datasets")], Some(30));
    let gets = || emu.fault_stats().total();

    let out = run(&emu, &["revoke", &first, "--yes"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(gets(), 0, "a full id needs no list");
    let out = run(&emu, &["revoke", "second", "--yes"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(gets(), 1, "a name costs one list");
    let out = run(&emu, &["show", &first, "--json"]).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "a revoked full id is the server's 404"
    );
    assert_eq!(json_error(&out)["code"], "not_found");
    assert_eq!(gets(), 2, "the GET of the key, no list");
}

/// Runs the bash completion function as bash would for `words`, the cursor
/// on the last one; what it offers.
fn bash_offers(script_path: &std::path::Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.last().unwrap();
    let previous = words[words.len() - 2];
    let probe = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; _narrative__keys narrative-keys '{current}' '{previous}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script_path.display(),
        quoted.join(" "),
        words.len() - 1
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(probe)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_options_and_values_after_a_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("narrative-keys.bash");
    std::fs::write(&path, stdout(&cli(&["completions", "bash"]))).unwrap();
    let offers = bash_offers(&path, &["narrative-keys", "create", "--pre"]);
    assert_eq!(offers, ["--preset"], "a subcommand's options");
    let offers = bash_offers(&path, &["narrative-keys", "list", "--status", ""]);
    assert!(offers.contains(&"expiring".to_owned()), "{offers:?}");
    let offers = bash_offers(&path, &["narrative-keys", "create", "--grant", "read:da"]);
    assert!(offers.contains(&"read:datasets".to_owned()), "{offers:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_revoke_ends_in_a_json_error_that_does_not_say_run_it_again() {
    let emu = emulator(ADMIN).await;
    let target = seed(&emu, "keep me", &[("read", "datasets")], Some(30));
    let (_, reader) = emu
        .store()
        .insert_key("reader", &[("read", "access_tokens")], None)
        .unwrap();
    let mut cmd = binary(emu.url(), &reader);
    cmd.args(["revoke", &target, "--yes", "--json"]);
    let out = spawn(cmd).await.unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // The per-key results on stdout, then the failure as the last line of stderr.
    assert_eq!(json(&out)["results"][0]["result"], "failed");
    let e = json_error(&out);
    assert_eq!(e["code"], "not_revoked");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("1 of 1 key could NOT be revoked"),
        "{e}"
    );
    let hint = e["hint"].as_str().unwrap();
    assert!(
        hint.contains("write:access_tokens") && !hint.contains("run the command again"),
        "{hint}"
    );
    assert!(
        emu.store()
            .list_keys()
            .unwrap()
            .iter()
            .any(|k| k.id.to_string() == target)
    );
}

#[test]
fn a_missing_argument_is_named_in_the_json_error_message() {
    let out = cli(&["clone", "a4c5", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let e = json_error(&out);
    assert_eq!(e["code"], "usage");
    assert!(
        e["message"].as_str().unwrap().ends_with("--name <NAME>"),
        "{e}"
    );
}

#[test]
fn a_negative_span_is_refused_in_words_not_as_an_unknown_flag() {
    for args in [
        &[
            "create",
            "--name",
            "x",
            "--grant",
            "read:datasets",
            "--expires",
            "-1d",
        ][..],
        &["rotate", "a4c5", "--overlap", "-1h"][..],
    ] {
        // Nothing is sent: the port is closed, and the span is read first.
        let creds = ["--api-key", "x", "--environment", "http://127.0.0.1:9"];
        let out = cli(&[args, &creds[..]].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(!err.contains("unexpected argument"), "{args:?}: {err}");
        assert!(err.contains("is not a"), "{args:?}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clone_dry_run_reads_the_key_and_writes_nothing() {
    let emu = emulator(ADMIN).await;
    // A permission the catalog does not know: a dry run shows it as the
    // clone would send it, verbatim.
    let id = seed(
        &emu,
        "airflow",
        &[("read", "jobs"), ("revise", "Uploads")],
        Some(30),
    );
    let before = emu.store().list_keys().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("staging.env");

    let out = run(
        &emu,
        &["clone", "airflow", "--name", "staging", "--dry-run"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("permissions of airflow ({id})"))
            && text.contains("Would create \"staging\"")
            && text.contains("read:jobs")
            && text.contains("revise:Uploads")
            && text.contains("(in 90 days)"),
        "{text}"
    );
    assert!(stderr(&out).contains("nothing was sent"));

    let out = run(
        &emu,
        &[
            "clone",
            &id[..8],
            "--name",
            "staging",
            "--expires",
            "30d",
            "--secret-out",
            env_file.to_str().unwrap(),
            "--dry-run",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["dry_run"], true);
    let mut sent: Vec<&str> = v["create"]["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    sent.sort();
    assert_eq!(sent, ["read:jobs", "revise:Uploads"]);
    assert_eq!(v["source"]["id"], id.as_str(), "the key it copies: {v}");
    assert_eq!(v["secret_destination"], "file");
    assert!(v.get("secret").is_none());
    assert!(!env_file.exists(), "a dry run writes no secret file");
    assert_eq!(emu.store().list_keys().unwrap(), before, "nothing created");
}

/// The keys `list --json` prints, by id.
async fn listed(emu: &RunningEmulator) -> std::collections::HashMap<String, Value> {
    let v = json(&run(emu, &["list", "--json"]).await);
    v.as_array()
        .unwrap()
        .iter()
        .map(|k| (k["id"].as_str().unwrap().to_owned(), k.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn after_an_overlap_rotation_the_name_addresses_the_successor() {
    let emu = emulator(ADMIN).await;
    let old = seed(&emu, "etl", &[("write", "datasets")], Some(20));
    let text = stdout(&run(&emu, &["rotate", "etl", "--overlap", "24h", "--dry-run"]).await);
    assert!(
        text.contains("then expire, renamed \"etl (retiring "),
        "the dry run says so: {text}"
    );
    let out = run(&emu, &["rotate", "etl", "--overlap", "24h", "--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    let new = v["new"]["id"].as_str().unwrap().to_owned();
    let stops = v["old_key_stops"].as_str().unwrap().to_owned();
    assert!(
        stderr(&out).contains("it is now named \"etl (retiring "),
        "{}",
        stderr(&out)
    );

    // show, update and the next rotate take the name as the successor's.
    let v = json(&run(&emu, &["show", "etl", "--json"]).await);
    assert_eq!(v["key"]["id"], new.as_str());
    assert!(v["key"].get("retiring_at").is_none(), "{v}");
    let out = run(
        &emu,
        &["update", "etl", "--grant", "read:datasets", "--json"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let stored = emu.store().get(new.parse().unwrap()).unwrap().unwrap();
    assert!(stored.has("read", "datasets"), "the successor was updated");

    // The old key: listed as retiring, in JSON and text, and in show.
    let keys = listed(&emu).await;
    let old_listed = &keys[&old];
    assert!(
        old_listed["name"]
            .as_str()
            .unwrap()
            .starts_with("etl (retiring "),
        "{old_listed}"
    );
    let retiring_at: chrono::DateTime<chrono::Utc> =
        old_listed["retiring_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        retiring_at,
        stops.parse::<chrono::DateTime<chrono::Utc>>().unwrap()
    );
    // The existing fields first, in their order, as printed.
    let text = stdout(&run(&emu, &["list", "--json"]).await);
    let object = text.split("\n  {").find(|o| o.contains(&old)).unwrap();
    let fields: Vec<&str> = object
        .lines()
        .filter_map(|l| l.strip_prefix("    \"")?.split('"').next())
        .collect();
    assert_eq!(
        fields,
        [
            "id",
            "name",
            "permissions",
            "expires_at",
            "status",
            "retiring_at"
        ],
        "{object}"
    );
    assert!(keys[&new].get("retiring_at").is_none());
    let text = stdout(&run(&emu, &["list"]).await);
    let line = text.lines().find(|l| l.contains(&old)).unwrap();
    assert!(line.starts_with("↻ retiring"), "{line}");
    let line = text.lines().find(|l| l.contains(&new)).unwrap();
    assert!(!line.contains("retiring"), "{line}");
    let text = stdout(&run(&emu, &["show", &old]).await);
    assert!(text.contains("status:      ↻ retiring"), "{text}");
    assert!(text.contains("works beside its successor until"), "{text}");
    let v = json(&run(&emu, &["show", &old, "--json"]).await);
    assert_eq!(v["key"]["retiring_at"], old_listed["retiring_at"]);

    // Rotating the name again rotates the successor, with no ambiguity.
    let out = run(&emu, &["rotate", "etl", "--overlap", "1h", "--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["old"]["id"], new.as_str());
    let newest = v["new"]["id"].as_str().unwrap().to_owned();
    assert_eq!(v["new"]["name"], "etl");

    // And a rename by name reaches the newest key only.
    let out = run(&emu, &["update", "etl", "--name", "etl v2", "--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let names: Vec<(String, String)> = listed(&emu)
        .await
        .into_iter()
        .map(|(id, k)| (id, k["name"].as_str().unwrap().to_owned()))
        .collect();
    let name_of = |id: &str| names.iter().find(|(i, _)| i == id).unwrap().1.clone();
    assert_eq!(name_of(&newest), "etl v2");
    assert!(name_of(&new).starts_with("etl (retiring "), "{names:?}");
    assert!(name_of(&old).starts_with("etl (retiring "), "{names:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_does_not_ask_to_rotate_a_key_an_overlap_retired() {
    let emu = emulator(ADMIN).await;
    let old = seed(&emu, "etl", &[("read", "datasets")], Some(20));
    let out = run(&emu, &["rotate", &old, "--overlap", "2d", "--json"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&emu, &["audit", "--json"]).await;
    let v = json(&out);
    let about_old: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["key_id"] == old.as_str())
        .collect();
    assert_eq!(about_old.len(), 1, "{about_old:?}");
    let finding = about_old[0];
    assert_eq!(finding["kind"], "retiring");
    assert_eq!(finding["severity"], "info");
    let message = finding["message"].as_str().unwrap();
    assert!(!message.contains("rotate it"), "{message}");
    assert!(message.contains("UTC (in 2 days)"), "{message}");
    // No duplicate-name finding either: the name went to the successor.
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "duplicate_name"),
        "{v}"
    );
    let text = stdout(&run(&emu, &["audit"]).await);
    let line = text
        .lines()
        .find(|l| l.contains("retiring"))
        .unwrap_or_default();
    assert!(line.contains("info"), "{text}");
}
