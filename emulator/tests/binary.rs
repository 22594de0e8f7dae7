//! The `narrative-keys-emulator` binary: what it prints, and a clean exit on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_narrative-keys-emulator"))
        .args(args)
        .env("RUST_LOG", "trace")
        .env_remove("NARRATIVE_KEYS_EMULATOR_BOOTSTRAP_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Sends SIGTERM (or kills, off Unix) and waits for the exit, returning stderr.
fn stop(mut child: Child) -> (bool, String) {
    #[cfg(unix)]
    {
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
    #[cfg(not(unix))]
    child.kill().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "the emulator did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status.success(), err)
}

#[tokio::test]
async fn prints_url_then_fresh_admin_key_and_exits_on_sigterm() {
    let mut child = spawn(&["--listen", "127.0.0.1:0", "--db", ":memory:"]);
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    out.read_line(&mut url).unwrap();
    let url = url.trim_end().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!url.ends_with('/'));
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let secret = line
        .trim_end()
        .strip_prefix("admin key (shown once): ")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_owned();

    let client = reqwest::Client::new();
    let r = client
        .post(format!("{url}/access-tokens/tokens"))
        .bearer_auth(&secret)
        .json(&serde_json::json!({"name": "from the binary"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let created: serde_json::Value = r.json().await.unwrap();
    let new_secret = created["access_token"].as_str().unwrap().to_owned();
    let r = client
        .get(format!("{url}/whoami"))
        .bearer_auth(&new_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let (ok, stderr) = stop(child);
    assert!(ok, "exit status; stderr: {stderr}");
    assert!(
        !stderr.contains(&secret),
        "the admin secret leaked to the log"
    );
    assert!(!stderr.contains(&new_secret), "a secret leaked to the log");
    assert!(!stderr.to_ascii_lowercase().contains("bearer"), "{stderr}");
}

#[test]
fn bootstrap_key_is_not_printed_and_persists() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emu.db");
    let db = db.to_str().unwrap();
    let mut child = spawn(&[
        "--listen",
        "127.0.0.1:0",
        "--db",
        db,
        "--bootstrap-key",
        "sekrit-bootstrap",
    ]);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.starts_with("http://"), "{first}");
    let (ok, stderr) = stop(child);
    assert!(ok, "{stderr}");
    let mut out = String::new();
    stdout.read_to_string(&mut out).unwrap();
    assert!(out.is_empty(), "nothing after the URL: {out:?}");
    assert!(!stderr.contains("sekrit-bootstrap"));
    let store = narrative_keys_emulator::Store::open(db).unwrap();
    assert!(store.secret_present("sekrit-bootstrap").unwrap());
}

#[test]
fn rejects_a_fault_rate_outside_zero_to_one() {
    let out = Command::new(env!("CARGO_BIN_EXE_narrative-keys-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--db",
            ":memory:",
            "--faults",
            "1.5",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
}
