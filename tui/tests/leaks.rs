//! No secret in any log, stderr, report or database file: keys are created,
//! rotated and replaced through the CLI with `RUST_LOG=trace` and a log file,
//! then every file and capture is searched for every secret. (The terminal
//! UI's log is checked the same way by `pty_e2e`.) A panic's message, through
//! the UI's panic hook, reaches stderr and the log redacted; the committed UI
//! snapshots show the snapshot tests' fake secret only on the once-only dialog.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::Path;

use narrative_keys::{ApiKey, CreatedKey, PermissionSet, Secret};
use narrative_keys_emulator::Db;
use serde_json::Value;

mod cli_support;
mod common;
use cli_support::{assert_mode_0600, binary, signed_out, spawn};
use narrative_keys_testkit::emulator::{emulator_builder, start};

const ADMIN: &str = "leak-test-admin-secret-0123456789";

#[tokio::test(flavor = "multi_thread")]
async fn secrets_reach_only_stdout_and_0600_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emulator.db");
    let emu = start(emulator_builder(ADMIN).db(Db::Path(db.clone()))).await;
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
    let rotated = v["secret"].as_str().unwrap().to_owned();
    secrets.push(rotated.clone());
    stderr.push_str(&String::from_utf8_lossy(&out.stderr));

    // Rotated into a file holding its secret, the old key kept: that secret
    // is kept beside the file and checked with /whoami, logged at trace.
    let secret_file = dir.path().join("leaky.env");
    std::fs::write(&secret_file, format!("NARRATIVE_API_KEY={rotated}\n")).unwrap();
    let out = run(vec![
        "rotate".into(),
        v["new"]["id"].as_str().unwrap().into(),
        "--keep-old".into(),
        "--secret-out".into(),
        secret_file.to_str().unwrap().into(),
        "--json".into(),
    ])
    .await
    .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kept_previous_secret"]["still_works"], true, "{v}");
    let written = std::fs::read_to_string(&secret_file).unwrap();
    secrets.push(written.trim_end().replace("NARRATIVE_API_KEY=", ""));
    assert_mode_0600(Path::new(
        v["kept_previous_secret"]["path"].as_str().unwrap(),
    ));
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

/// `auth login` and everything after it, with trace logging to a file:
/// the caller's own keys appear only in the owner-only `credentials.toml`
/// and on `auth token`'s standard output, never in `config.toml`, the log,
/// any other output (`--json` included) or an error.
#[tokio::test(flavor = "multi_thread")]
async fn a_signed_in_key_stays_in_its_store_and_auth_token() {
    const OTHER: &str = "leak-test-dev-admin-secret-98765432";
    const WRONG: &str = "leak-test-never-a-key-0123456789ab";
    let home = tempfile::tempdir().unwrap();
    let (a, b) = (
        start(emulator_builder(ADMIN)).await,
        start(emulator_builder(OTHER)).await,
    );
    let log = home.path().join("cli.log");
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = signed_out(home.path());
        cmd.env("RUST_LOG", "trace")
            .arg("--log-file")
            .arg(&log)
            .args(args);
        if let Some(text) = stdin {
            cmd.write_stdin(text.to_owned());
        }
        spawn(cmd)
    };
    let mut outputs = Vec::new();
    for (args, stdin) in [
        (
            vec!["auth", "login", "--with-token", "--environment", a.url()],
            Some(ADMIN),
        ),
        (
            vec![
                "auth",
                "login",
                "--with-token",
                "--profile",
                "dev",
                "--environment",
                b.url(),
            ],
            Some(OTHER),
        ),
        (
            vec![
                "auth",
                "login",
                "--with-token",
                "--profile",
                "x",
                "--environment",
                b.url(),
            ],
            Some(WRONG),
        ),
        (vec!["whoami"], None),
        (vec!["--profile", "dev", "whoami", "--json"], None),
        (vec!["auth", "status"], None),
        (vec!["auth", "status", "--json"], None),
        (vec!["auth", "list", "--json"], None),
        (vec!["auth", "switch", "dev"], None),
        (vec!["auth", "logout", "--profile", "dev"], None),
        (vec!["--profile", "dev", "list"], None),
    ] {
        let out = run(&args, stdin).await.unwrap();
        outputs.push((args.join(" "), out.stdout, out.stderr));
    }
    let token = run(&["--profile", "default", "auth", "token"], None)
        .await
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&token.stdout), format!("{ADMIN}\n"));
    let dir = home.path().join("config/narrative-keys");
    let credentials = std::fs::read_to_string(dir.join("credentials.toml")).unwrap();
    assert!(credentials.contains(ADMIN) && !credentials.contains(OTHER));
    assert_mode_0600(&dir.join("credentials.toml"));
    let log_text = std::fs::read(&log).unwrap();
    assert!(
        String::from_utf8_lossy(&log_text).contains("TRACE"),
        "trace logging was on"
    );
    let mut places = vec![
        ("log".to_owned(), log_text),
        (
            "config.toml".to_owned(),
            std::fs::read(dir.join("config.toml")).unwrap(),
        ),
        ("auth token's stderr".to_owned(), token.stderr),
    ];
    for (args, stdout, stderr) in outputs {
        places.push((format!("stdout of {args}"), stdout));
        places.push((format!("stderr of {args}"), stderr));
    }
    for (what, bytes) in &places {
        for key in [ADMIN, OTHER, WRONG] {
            let found = bytes.windows(key.len()).any(|w| w == key.as_bytes());
            assert!(!found, "a key appears in the {what}");
        }
    }
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

/// Set in the copy of this test binary that panics: the log file to use.
const PANIC_CHILD_LOG: &str = "NARRATIVE_KEYS_TEST_PANIC_CHILD_LOG";
const PANIC_SECRET: &str = "panic-secret-7c1e9a0b4d2f6e83-do-not-print";

/// The UI's own panic hook is installed in a child process (this test binary
/// run again, so its real stderr can be read), with logging to a file as the
/// UI starts it; a thread then panics with a message formatting a
/// `CreatedKey` and its `Secret` with `{:?}` and `{}`. Stderr and the log
/// carry the message, redacted, and never the secret.
#[test]
fn a_panic_message_carries_no_secret_to_stderr_or_the_log() {
    if let Some(log) = std::env::var_os(PANIC_CHILD_LOG) {
        panic_holding_a_secret(Path::new(&log));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("tui.log");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_panic_message_carries_no_secret_to_stderr_or_the_log",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(PANIC_CHILD_LOG, &log)
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "the child failed:\n{stdout}\n{stderr}"
    );
    let log_text = std::fs::read_to_string(&log).unwrap();
    // The panic happened and both the standard hook (stderr) and the UI's
    // hook (the log) wrote its message, in which the secret is redacted.
    for (what, text) in [("stderr", &stderr), ("stdout", &stdout), ("log", &log_text)] {
        assert!(!text.contains(PANIC_SECRET), "the secret is in the {what}");
    }
    assert!(stderr.contains("panicked at"), "{stderr}");
    assert!(
        log_text.contains("ERROR narrative_keys_tui::ui::runtime: panic"),
        "the UI's hook logged it: {log_text}"
    );
    for (what, text) in [("stderr", &stderr), ("log", &log_text)] {
        assert!(
            text.contains("secret: Secret([REDACTED])")
                && text.contains("display [REDACTED]")
                && text.contains("debug Secret([REDACTED])"),
            "the message reached the {what}: {text}"
        );
    }
}

/// In the child: the UI's logging and panic hook, then a panic whose message
/// formats a secret.
fn panic_holding_a_secret(log: &Path) {
    narrative_keys_tui::logging::init(Some(log), false).unwrap();
    narrative_keys_tui::ui::runtime::install_panic_hook();
    let created = CreatedKey {
        key: ApiKey {
            id: "00000000-0000-4000-8000-000000000001".into(),
            name: "panicky".into(),
            permissions: PermissionSet::parse_compact("read:datasets").unwrap(),
            expires_at: None,
        },
        secret: Secret::new(PANIC_SECRET),
    };
    let joined = std::thread::spawn(move || {
        panic!(
            "while holding {created:?}; display {}; debug {:?}",
            created.secret, created.secret
        );
    })
    .join();
    assert!(joined.is_err(), "the thread panicked");
}

/// The committed insta snapshots of the UI: the snapshot tests hand the app
/// one fixed fake secret (and the demo's admin key is the one other key the
/// UI tests know). The fake secret may appear only in the snapshots of the
/// once-only secret dialog (`secret_*` scenarios), on exactly one line (the
/// dialog shows only the selected secret, however many it holds); nothing
/// else may hold either.
#[test]
fn committed_snapshots_show_a_secret_only_on_the_once_only_dialog() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let (mut files, mut dialogs) = (0, 0);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.ends_with(".snap") || name.ends_with(".snap.new")) {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(narrative_keys_tui::demo::DEMO_ADMIN_KEY),
            "{name} holds the demo's admin key"
        );
        let lines = text
            .lines()
            .filter(|l| l.contains(common::FAKE_SECRET))
            .count();
        if name.starts_with("ui_snapshots__secret_") {
            dialogs += 1;
            assert!(text.contains("shown once"), "{name} is the secret dialog");
            assert_eq!(lines, 1, "{name}: the secret is shown once");
        } else {
            assert_eq!(lines, 0, "{name} shows the secret outside its dialog");
        }
    }
    assert!(files >= 50, "found {files} snapshots in {}", dir.display());
    assert_eq!(
        dialogs, 12,
        "secret_modal, _confirm_dismiss, _write_file, and _three, _three_confirm_dismiss, _three_write_file, at two sizes"
    );
}
