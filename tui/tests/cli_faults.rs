//! Every CLI command against an emulator failing 30% of requests: each run
//! either succeeds with its effect in the store, or fails with a clear
//! message (never a panic); no key is lost and every secret printed is real.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::collections::BTreeSet;
use std::time::Duration;

use narrative_keys_emulator::{FaultConfig, RunningEmulator};
use serde_json::Value;

mod cli_support;
use cli_support::{binary, spawn};
use narrative_keys_testkit::emulator::{emulator_builder, start};

const ADMIN: &str = "cli-faults-admin";

fn ids(emu: &RunningEmulator) -> BTreeSet<String> {
    emu.store()
        .list_keys()
        .unwrap()
        .into_iter()
        .map(|k| k.id.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn commands_under_faults_fail_clearly_and_lose_nothing() {
    let emu = start(emulator_builder(ADMIN).faults(FaultConfig {
        rate: 0.3,
        retry_after_secs: 0,
        slow: Duration::from_millis(100),
        seed: Some(7),
        ..FaultConfig::default()
    }))
    .await;
    let url = emu.url().to_owned();
    let run = |args: Vec<String>| {
        let mut cmd = binary(&url, ADMIN);
        cmd.args(args);
        spawn(cmd)
    };
    let (mut ok, mut failed) = (0, 0);
    let check_failure = |out: &std::process::Output, failed: &mut u32| {
        let err = String::from_utf8_lossy(&out.stderr);
        // With --json, the failure is one JSON document, the last line.
        let json_error = err
            .lines()
            .last()
            .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .is_some_and(|v| v["error"]["code"].is_string());
        assert!(
            (err.contains("error: ") || json_error) && !err.contains("panicked"),
            "{err}"
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "a server or network failure exits 1: {err}"
        );
        *failed += 1;
    };
    for round in 0..12 {
        let before = ids(&emu);
        let out = run(vec![
            "create".into(),
            "--name".into(),
            format!("f{round}"),
            "--grant".into(),
            "read:datasets".into(),
            "--json".into(),
        ])
        .await
        .unwrap();
        let after = ids(&emu);
        if out.status.success() {
            ok += 1;
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(
                emu.store()
                    .secret_present(v["secret"].as_str().unwrap())
                    .unwrap()
            );
            assert_eq!(after.len(), before.len() + 1);
        } else {
            check_failure(&out, &mut failed);
            assert_eq!(after, before, "a failed create created nothing");
        }

        let Some(id) = emu
            .store()
            .list_keys()
            .unwrap()
            .into_iter()
            .find(|k| k.name.starts_with('f'))
            .map(|k| k.id.to_string())
        else {
            continue;
        };
        for args in [
            vec!["list".to_owned(), "--json".to_owned()],
            vec!["show".to_owned(), id.clone(), "--json".to_owned()],
            vec!["audit".to_owned(), "--json".to_owned()],
            vec![
                "update".to_owned(),
                id.clone(),
                "--name".to_owned(),
                format!("f{round} renamed"),
            ],
        ] {
            let before = emu.store().list_keys().unwrap();
            let out = run(args.clone()).await.unwrap();
            match out.status.code() {
                Some(0) => ok += 1,
                Some(1) if args[0] == "audit" && out.stdout.starts_with(b"{") => ok += 1, // findings
                _ => {
                    check_failure(&out, &mut failed);
                    assert_eq!(
                        emu.store().list_keys().unwrap(),
                        before,
                        "{args:?} failed and changed nothing"
                    );
                }
            }
        }

        let before = ids(&emu);
        let out = run(vec!["rotate".into(), id.clone(), "--json".into()])
            .await
            .unwrap();
        if out.stdout.starts_with(b"{") {
            // The successor exists: its secret was delivered, whatever became of the old key.
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(
                emu.store()
                    .secret_present(v["secret"].as_str().unwrap())
                    .unwrap()
            );
            let old_alive = ids(&emu).contains(&id);
            assert_eq!(old_alive, v["old_key"] == "revoke_failed", "{v}");
            if out.status.success() {
                ok += 1
            } else {
                failed += 1
            }
        } else {
            check_failure(&out, &mut failed);
            assert_eq!(
                ids(&emu),
                before,
                "a rotation that failed before creating changed nothing"
            );
        }
    }
    let out = run(vec![
        "incident".into(),
        "--name-matches".into(),
        "f*".into(),
        "--replace".into(),
        "--yes".into(),
        "--json".into(),
    ])
    .await
    .unwrap();
    if let Ok(v) = serde_json::from_slice::<Value>(&out.stdout) {
        for s in v["secrets"].as_array().unwrap() {
            assert!(
                emu.store()
                    .secret_present(s["secret"].as_str().unwrap())
                    .unwrap()
            );
        }
        let now = ids(&emu);
        for r in v["report"]["revoked"].as_array().unwrap() {
            assert!(
                !now.contains(r["id"].as_str().unwrap()),
                "reported revoked, and gone"
            );
        }
        for f in v["report"]["failures"].as_array().unwrap() {
            let still_there = now.contains(f["id"].as_str().unwrap());
            match f["step"].as_str().unwrap() {
                "revoke" => assert!(still_there, "a failed revocation leaves the key: {f}"),
                _ => assert!(
                    !still_there,
                    "a failed replacement follows a revocation: {f}"
                ),
            }
        }
        let replaced: Vec<&str> = v["report"]["replacements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["replaces"].as_str().unwrap())
            .collect();
        let unique: BTreeSet<&str> = replaced.iter().copied().collect();
        assert_eq!(unique.len(), replaced.len(), "no key replaced twice");
    } else {
        check_failure(&out, &mut failed);
    }
    let stats = emu.fault_stats();
    eprintln!(
        "cli under 30% faults: {ok} runs succeeded, {failed} failed with a clear message; {} faults injected",
        stats.total()
    );
    assert!(stats.total() > 10 && ok > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_overlap_that_cannot_be_set_still_delivers_and_says_how_to_retry() {
    let emu = start(emulator_builder(ADMIN).faults(FaultConfig {
        rate: 1.0,
        kinds: vec![narrative_keys_emulator::FaultKind::InternalError],
        methods: vec!["PUT".into()],
        retry_after_secs: 0,
        ..FaultConfig::default()
    }))
    .await;
    let own = chrono::Utc::now() + chrono::Duration::days(20);
    let (old_id, old_secret) = emu
        .store()
        .insert_key("svc", &[("read", "jobs")], Some(own))
        .unwrap();
    let old = old_id.to_string();
    let mut cmd = binary(emu.url(), ADMIN);
    cmd.args(["rotate", &old, "--overlap", "24h", "--json"]);
    let out = spawn(cmd).await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["old_key"], "expire_failed");
    assert!(v["old_key_stops"].is_null());
    // The successor's secret was delivered and works; the old key too.
    assert!(
        emu.store()
            .secret_present(v["secret"].as_str().unwrap())
            .unwrap()
    );
    assert!(emu.store().secret_present(&old_secret).unwrap());
    assert!(
        err.contains("could NOT be set, so it still works until"),
        "{err}"
    );
    assert!(
        err.contains(&format!("narrative-keys update {old} --expires 20")),
        "{err}"
    );
    // The name it was to take, in the same command, quoted for a shell.
    assert!(err.contains(" --name 'svc (retiring 20"), "{err}");
    assert_eq!(emu.store().get(old_id).unwrap().unwrap().name, "svc");
    assert!(v["error"].as_str().unwrap().contains("500"), "{v}");
}

/// An emulator failing every POST (every create) with `kind`.
async fn creates_fail(kind: narrative_keys_emulator::FaultKind) -> RunningEmulator {
    start(emulator_builder(ADMIN).faults(FaultConfig {
        rate: 1.0,
        kinds: vec![kind],
        methods: vec!["POST".into()],
        retry_after_secs: 0,
        slow: Duration::from_secs(3),
        ..FaultConfig::default()
    }))
    .await
}

/// The `--json` error document's hint, after checking the exit status.
async fn failed_hint(emu: &RunningEmulator, args: &[&str]) -> String {
    let mut cmd = binary(emu.url(), ADMIN);
    cmd.args(args);
    let out = spawn(cmd).await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    let v: Value = serde_json::from_str(err.lines().last().unwrap()).unwrap();
    v["error"]["hint"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_whose_answer_is_lost_says_the_key_may_exist_and_how_to_find_it() {
    use narrative_keys_emulator::FaultKind;
    // 500, 503 (the contract does not say a 503 did nothing) and a dropped
    // connection, for create, clone and rotate alike.
    for kind in [
        FaultKind::InternalError,
        FaultKind::Unavailable,
        FaultKind::Drop,
    ] {
        let emu = creates_fail(kind).await;
        let (source, source_secret) = emu
            .store()
            .insert_key("svc", &[("read", "jobs")], None)
            .unwrap();
        let source = source.to_string();
        for (args, which) in [
            (
                vec!["create", "--name", "ci", "--grant", "read:jobs", "--json"],
                "a key named \"ci\"",
            ),
            (
                vec!["clone", &source, "--name", "svc 2", "--json"],
                "a key named \"svc 2\"",
            ),
            (
                vec!["rotate", &source, "--json"],
                "a key with the old key's name",
            ),
        ] {
            let hint = failed_hint(&emu, &args).await;
            assert!(
                hint.starts_with("the key may exist: the server may have created it")
                    && hint.contains(&format!("Find it with `narrative-keys list` ({which})"))
                    && hint.contains("narrative-keys revoke ID"),
                "{kind:?} {args:?}: {hint}"
            );
        }
        // The rotation stopped before touching the old key.
        assert!(emu.store().secret_present(&source_secret).unwrap());
        assert_eq!(
            emu.store()
                .get(source.parse().unwrap())
                .unwrap()
                .unwrap()
                .name,
            "svc"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_that_times_out_says_the_key_may_exist() {
    let emu = creates_fail(narrative_keys_emulator::FaultKind::Slow).await;
    let hint = failed_hint(
        &emu,
        &[
            "create",
            "--name",
            "late",
            "--grant",
            "read:jobs",
            "--timeout",
            "1s",
            "--json",
        ],
    )
    .await;
    assert!(
        hint.starts_with("the key may exist")
            && hint.contains("(a key named \"late\")")
            && hint.contains("Then: if the server is only slow, raise --timeout"),
        "{hint}"
    );
}

/// A gateway on loopback that answers every request with `status` and the
/// contract's error body, after reading the request whole.
async fn gateway(status: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // Headers, then as much body as they announce.
            while let Ok(n @ 1..) = stream.read(&mut buf).await {
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
                let Some(end) = text.find("\r\n\r\n") else {
                    continue;
                };
                let length = text
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if request.len() >= end + 4 + length {
                    break;
                }
            }
            let body = r#"{"error":"Gateway","error_description":"the upstream did not answer"}"#;
            let reply = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes()).await;
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_behind_a_failing_gateway_says_the_key_may_exist() {
    for status in ["502 Bad Gateway", "504 Gateway Timeout"] {
        let url = gateway(status).await;
        let mut cmd = binary(&url, ADMIN);
        cmd.args(["create", "--name", "ci", "--grant", "read:jobs"]);
        let out = spawn(cmd).await.unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("the upstream did not answer"),
            "{status}: {err}"
        );
        assert!(
            err.contains("hint: the key may exist")
                && err.contains("Find it with `narrative-keys list` (a key named \"ci\")")
                && !err.contains("Then:"),
            "{status}: {err}"
        );
    }
    // A connection that could not be opened sent nothing: no such hint.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let mut cmd = binary(&closed, ADMIN);
    cmd.args([
        "create",
        "--name",
        "ci",
        "--grant",
        "read:jobs",
        "--timeout",
        "2s",
    ]);
    let out = spawn(cmd).await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("may exist"), "{err}");
}
