//! No secret in any log, stderr, report or database file: keys are created,
//! rotated and replaced through the CLI with `RUST_LOG=trace` and a log file,
//! then every file and capture is searched for every secret. (The terminal
//! UI's log is checked the same way by `pty_e2e`.)
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::Path;

use narrative_keys_emulator::{Db, Emulator};
use serde_json::Value;

mod cli_support;
use cli_support::{binary, spawn};

const ADMIN: &str = "leak-test-admin-secret-0123456789";

#[tokio::test(flavor = "multi_thread")]
async fn secrets_reach_only_stdout_and_0600_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emulator.db");
    let emu = Emulator::builder()
        .db(Db::Path(db.clone()))
        .bootstrap_key(Some(ADMIN.to_owned()))
        .start()
        .await
        .unwrap();
    let log = dir.path().join("cli.log");
    let report = dir.path().join("incident.md");
    let url = emu.url().to_owned();
    let run = |args: Vec<String>| {
        let mut cmd = binary(&url, ADMIN);
        cmd.env("RUST_LOG", "trace")
            .arg("--log-file")
            .arg(&log)
            .args(args);
        spawn(cmd)
    };
    let mut secrets = vec![ADMIN.to_owned()];
    let mut stderr = String::new();

    let out = run(vec![
        "create".into(),
        "--name".into(),
        "leaky".into(),
        "--preset".into(),
        "data-ingestion".into(),
        "--json".into(),
    ])
    .await
    .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    secrets.push(v["secret"].as_str().unwrap().to_owned());
    let id = v["key"]["id"].as_str().unwrap().to_owned();
    stderr.push_str(&String::from_utf8_lossy(&out.stderr));

    let out = run(vec!["rotate".into(), id, "--json".into()])
        .await
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    secrets.push(v["secret"].as_str().unwrap().to_owned());
    stderr.push_str(&String::from_utf8_lossy(&out.stderr));

    let out = run(vec![
        "incident".into(),
        "--name-matches".into(),
        "leaky".into(),
        "--replace".into(),
        "--yes".into(),
        "--report".into(),
        report.to_str().unwrap().into(),
    ])
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let replacement = stdout
        .lines()
        .find_map(|l| l.split_once("): ").map(|(_, s)| s.to_owned()))
        .expect("the replacement's secret is printed on stdout");
    secrets.push(replacement);
    stderr.push_str(&String::from_utf8_lossy(&out.stderr));
    emu.shutdown().await;

    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(log_text.contains("TRACE"), "trace logging was on");
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("log", log_text.into_bytes()),
        ("stderr", stderr.into_bytes()),
        ("report", std::fs::read(&report).unwrap()),
        ("database", read_all(&db)),
    ];
    for (what, bytes) in &files {
        for secret in &secrets {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "a secret appears in the {what}");
        }
    }
    assert_mode_0600(&log);
}

/// The SQLite file and its WAL, which may hold recent pages.
fn read_all(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    for suffix in ["-wal", "-shm"] {
        let side = db.with_file_name(format!(
            "{}{suffix}",
            db.file_name().unwrap().to_string_lossy()
        ));
        if let Ok(more) = std::fs::read(side) {
            bytes.extend(more);
        }
    }
    bytes
}

fn assert_mode_0600(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}
