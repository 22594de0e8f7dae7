//! Delivery commands, signals and standard output, through the binary: a
//! delivery counts only when the command exited 0 having read the whole
//! secret; a command that overruns, or whose run is interrupted (SIGTERM,
//! SIGHUP) or killed (`kill -9`), is stopped with everything it started and
//! never delivers afterwards; a standard output that would lose the secret is
//! refused before anything is sent, and one that fails later fails the
//! delivery. Each command writes its PIDs to a file, and the test checks that
//! none of them is left running.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use narrative_keys_emulator::RunningEmulator;
use narrative_keys_testkit::emulator::{emulator, seed_days};
use narrative_keys_testkit::fixtures::still_running;

mod cli_support;
use cli_support::{process, stderr, stdout};

const ADMIN: &str = "cli-delivery-commands-admin-secret";

/// A key with read and write on datasets, expiring in 20 days.
fn seed(emu: &RunningEmulator, name: &str) -> String {
    seed_days(
        emu,
        name,
        &[("read", "datasets"), ("write", "datasets")],
        Some(20),
    )
}

/// Runs the binary with `args` to its end, standard output piped.
async fn run(emu: &RunningEmulator, args: &[&str]) -> Output {
    let mut cmd = process(emu.url(), ADMIN);
    cmd.args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// Starts `cmd`, standard output and error piped: its id, and its output
/// once it ends.
fn start(mut cmd: std::process::Command) -> (u32, tokio::task::JoinHandle<Output>) {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap());
    (pid, output)
}

/// What a delivery command wrote to `path` (its PID), once it has.
async fn written(path: &Path) -> String {
    for _ in 0..400 {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{} was never written", path.display());
}

fn signal(pid: u32, name: &str) {
    let sent = std::process::Command::new("kill")
        .args(["-s", name, &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Whether the watcher of the delivery command `command_pid` (its group)
/// still runs a second from now.
fn watcher_running(command_pid: &str) -> bool {
    let marker = format!("narrative-keys-delivery-watcher\0{}\0", command_pid.trim());
    let watchers = || -> Vec<String> {
        std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|entry| {
                let pid = entry.ok()?.file_name().into_string().ok()?;
                let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
                String::from_utf8_lossy(&cmdline)
                    .contains(&marker)
                    .then_some(pid)
            })
            .collect()
    };
    watchers().iter().any(|pid| still_running(pid))
}

fn old_key_works(emu: &RunningEmulator, id: &str) -> bool {
    emu.store().get(id.parse().unwrap()).unwrap().is_some()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_overrunning_command_is_named_then_stopped_with_all_it_started_and_never_delivers_late()
{
    let emu = emulator(ADMIN).await;
    let old = seed(&emu, "etl");
    let before = emu.store().count().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (pids, late) = (dir.path().join("pids"), dir.path().join("late"));
    // Reads the secret, then a child deaf to SIGTERM writes it 4 s later:
    // `python3 late.py` overwriting the working secret with a revoked one.
    let script = format!(
        "s=$(cat); echo $$ > '{p}'; (trap '' TERM; sleep 4; printf %s \"$s\" > '{l}') & echo $! >> '{p}'; wait",
        p = pids.display(),
        l = late.display()
    );
    let started = Instant::now();
    let out = run(
        &emu,
        &[
            "rotate",
            &old,
            "--secret-to",
            &script,
            "--delivery-timeout",
            "2500ms",
        ],
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("did not finish within 2500ms and was stopped, with everything it started"),
        "{err}"
    );
    assert!(err.contains("--delivery-timeout"), "{err}");
    // After 2 s, once: what it waits for, when it stops, how to stop it now.
    assert_eq!(err.matches("Waiting for `s=$(cat)").count(), 1, "{err}");
    assert!(err.contains("to take the secret of etl ("), "{err}");
    assert!(err.contains("it will be stopped at "), "{err}");
    assert!(
        err.contains("(in 1s)") || err.contains("(in 500ms)"),
        "{err}"
    );
    assert!(err.contains("Ctrl-C stops it now"), "{err}");
    assert!(err.contains("revoked again"), "{err}");
    assert!(old_key_works(&emu, &old));
    assert_eq!(emu.store().count().unwrap(), before, "no successor left");
    let pids = std::fs::read_to_string(&pids).unwrap();
    assert_eq!(pids.split_whitespace().count(), 2);
    for pid in pids.split_whitespace() {
        assert!(!still_running(pid), "{pid} outlived the failed delivery");
    }
    tokio::time::sleep(Duration::from_secs(5).saturating_sub(started.elapsed())).await;
    assert!(!late.exists(), "the stopped command wrote the secret late");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_that_exits_0_without_reading_the_secret_has_not_delivered_it() {
    let emu = emulator(ADMIN).await;
    let old = seed(&emu, "etl");
    let before = emu.store().count().unwrap();
    for command in ["true", "head -c 0", "head -c 3 >/dev/null"] {
        let out = run(&emu, &["rotate", &old, "--secret-to", command]).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {err}");
        assert!(
            err.contains(&format!(
                "`{command}`: exited 0 but did not read the secret ("
            )),
            "{command}: {err}"
        );
        assert!(err.contains("bytes unread)"), "{command}: {err}");
        assert!(
            err.contains("hint: the command must read its standard input to the end"),
            "{command}: {err}"
        );
        assert!(
            err.contains(&format!(
                "the old key {old} was not revoked and still works"
            )),
            "{command}: {err}"
        );
        assert!(old_key_works(&emu, &old), "{command}");
        assert_eq!(emu.store().count().unwrap(), before, "{command}");
    }
    let out = run(
        &emu,
        &[
            "create",
            "--name",
            "t",
            "--preset",
            "read-only-analytics",
            "--secret-to",
            "true",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("revoked again"));
    assert_eq!(emu.store().count().unwrap(), before, "no key nobody holds");
    // Reading it all is a delivery.
    let out = run(&emu, &["rotate", &old, "--secret-to", "cat >/dev/null"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!old_key_works(&emu, &old));
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_or_sighup_during_a_delivery_revokes_the_new_key_and_keeps_the_old() {
    let emu = emulator(ADMIN).await;
    let old = seed(&emu, "etl");
    let before = emu.store().count().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for name in ["TERM", "HUP"] {
        for rotate in [false, true] {
            let pid_file = dir.path().join(format!("{name}-{rotate}"));
            let script = format!(
                "cat >/dev/null; echo $$ > '{}'; exec sleep 30",
                pid_file.display()
            );
            let mut cmd = process(emu.url(), ADMIN);
            if rotate {
                cmd.args(["rotate", &old]);
            } else {
                cmd.args(["create", "--name", "sig", "--preset", "read-only-analytics"]);
            }
            cmd.args(["--secret-to", &script]);
            if rotate {
                cmd.arg("--json");
            }
            let (pid, output) = start(cmd);
            let command_pid = written(&pid_file).await;
            let sent = Instant::now();
            signal(pid, name);
            let out = output.await.unwrap();
            let err = stderr(&out);
            let case = format!("SIG{name}, rotate: {rotate}");
            assert!(
                sent.elapsed() < Duration::from_secs(5),
                "{case}: took {:?}",
                sent.elapsed()
            );
            // 128 + the signal's number: 143 SIGTERM, 129 SIGHUP.
            let number = if name == "TERM" { 15 } else { 1 };
            assert_eq!(out.status.code(), Some(128 + number), "{case}: {err}");
            assert!(
                err.contains(&format!("interrupted (SIG{name})")),
                "{case}: {err}"
            );
            assert!(
                err.contains("was stopped: the run was interrupted"),
                "{case}: {err}"
            );
            assert!(err.contains("revoked again"), "{case}: {err}");
            if rotate {
                assert!(
                    err.contains(&format!(
                        "the old key {old} was not revoked and still works"
                    )),
                    "{case}: {err}"
                );
                // The `--json` error says what stopped it.
                let last = err.lines().last().unwrap();
                let error: serde_json::Value = serde_json::from_str(last).unwrap();
                assert_eq!(error["error"]["code"], "interrupted", "{case}: {err}");
            }
            assert!(old_key_works(&emu, &old), "{case}");
            assert_eq!(emu.store().count().unwrap(), before, "{case}");
            assert!(stdout(&out).is_empty(), "{case}: no secret printed");
            assert!(
                !still_running(&command_pid),
                "{case}: the command outlived the run"
            );
            assert!(
                !watcher_running(&command_pid),
                "{case}: its watcher outlived it"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_whose_run_was_killed_never_delivers_afterwards() {
    let emu = emulator(ADMIN).await;
    let dir = tempfile::tempdir().unwrap();
    let (pid_file, late) = (dir.path().join("pid"), dir.path().join("late"));
    let script = format!(
        "s=$(cat); echo $$ > '{}'; sleep 3; printf %s \"$s\" > '{}'",
        pid_file.display(),
        late.display()
    );
    let mut cmd = process(emu.url(), ADMIN);
    cmd.args(["create", "--name", "k9", "--preset", "read-only-analytics"])
        .args(["--secret-to", &script]);
    let (pid, output) = start(cmd);
    let command_pid = written(&pid_file).await;
    let started = Instant::now();
    assert!(
        watcher_running(&command_pid),
        "a watcher guards the delivery"
    );
    signal(pid, "KILL");
    let out = output.await.unwrap();
    assert_eq!(out.status.code(), None, "killed: {}", stderr(&out));
    assert!(!still_running(&command_pid), "the command outlived the run");
    assert!(!watcher_running(&command_pid), "its watcher outlived it");
    tokio::time::sleep(Duration::from_millis(3500).saturating_sub(started.elapsed())).await;
    assert!(
        !late.exists(),
        "the command delivered a secret after its run was killed"
    );
}

/// The binary with `args`, its standard output closed (`>&-`), or with
/// `closing` `2>&-` its standard error.
fn with_closed(emu: &RunningEmulator, args: &[&str], closing: &str) -> std::process::Command {
    let binary = process(emu.url(), ADMIN);
    let mut cmd = std::process::Command::new("/bin/sh");
    cmd.env_clear()
        .envs(binary.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .arg("-c")
        .arg(format!("exec \"$0\" \"$@\" {closing}"))
        .arg(binary.get_program())
        .args(args);
    cmd
}

/// A create and a rotation of `old` with the secret on standard output:
/// alone on its line, and in the `--json` document.
fn secret_to_stdout(old: &str) -> Vec<Vec<&str>> {
    let create = ["create", "--name", "c", "--grant", "read:datasets"];
    let rotate = ["rotate", old];
    let mut all = Vec::new();
    for args in [&create[..], &rotate[..]] {
        all.push(args.to_vec());
        all.push([args, &["--json"]].concat());
    }
    all
}

#[tokio::test(flavor = "multi_thread")]
async fn a_standard_output_that_would_lose_the_secret_is_refused_before_anything_is_sent() {
    let emu = emulator(ADMIN).await;
    let old = seed(&emu, "etl");
    let before = emu.store().count().unwrap();
    for args in secret_to_stdout(&old) {
        for closed in [false, true] {
            let cmd = if closed {
                with_closed(&emu, &args, ">&-")
            } else {
                let mut cmd = process(emu.url(), ADMIN);
                cmd.args(&args).stdout(Stdio::null());
                cmd
            };
            let out = tokio::task::spawn_blocking({
                let mut cmd = cmd;
                move || cmd.stderr(Stdio::piped()).output().unwrap()
            })
            .await
            .unwrap();
            let err = stderr(&out);
            let case = format!("{args:?}, closed: {closed}");
            assert_eq!(out.status.code(), Some(2), "{case}: {err}");
            assert!(
                    err.contains("standard output: is /dev/null or closed, so the new secret would be lost; nothing was sent"),
                    "{case}: {err}"
                );
            assert!(
                err.contains("--secret-out FILE or --secret-to CMD"),
                "{case}: {err}"
            );
            assert_eq!(emu.store().count().unwrap(), before, "{case}");
            assert!(old_key_works(&emu, &old), "{case}");
        }
        // Open for reading only (`1</etc/hostname`): a write would fail
        // with EBADF, which Rust's standard output takes for a success.
        let readonly = tempfile::NamedTempFile::new().unwrap();
        let mut cmd = process(emu.url(), ADMIN);
        cmd.args(&args)
            .stdout(std::fs::File::open(readonly.path()).unwrap())
            .stderr(Stdio::piped());
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}, read-only: {err}");
        assert!(
            err.contains("standard output: is not open for writing, so the new secret would be lost; nothing was sent"),
            "{args:?}: {err}"
        );
        assert_eq!(emu.store().count().unwrap(), before, "{args:?}");
        assert!(old_key_works(&emu, &old), "{args:?}");
    }
}

/// Runs `cmd` to its end, standard error piped, its standard output
/// failing: `/dev/full` (`full_disk`), or a pipe whose reader went away, so
/// a write gets a broken pipe.
async fn run_with_stdout_failing(mut cmd: std::process::Command, full_disk: bool) -> Output {
    cmd.stderr(Stdio::piped());
    if full_disk {
        cmd.stdout(dev_full());
    } else {
        cmd.stdout(Stdio::piped());
    }
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take());
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_standard_output_that_fails_is_a_failed_delivery() {
    let emu = emulator(ADMIN).await;
    let old = seed(&emu, "etl");
    let before = emu.store().count().unwrap();
    for args in secret_to_stdout(&old) {
        for full_disk in [false, true] {
            let mut cmd = process(emu.url(), ADMIN);
            cmd.args(&args);
            let out = run_with_stdout_failing(cmd, full_disk).await;
            let err = stderr(&out);
            let case = format!("{args:?}, /dev/full: {full_disk}");
            assert_eq!(out.status.code(), Some(1), "{case}: {err}");
            assert!(
                err.contains("standard output: could not be written"),
                "{case}: {err}"
            );
            assert!(err.contains("revoked again"), "{case}: {err}");
            assert_eq!(emu.store().count().unwrap(), before, "{case}");
            assert!(old_key_works(&emu, &old), "{case}: the old key was retired");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_incident_whose_json_cannot_be_written_revokes_the_replacement_and_resume_makes_it() {
    let emu = emulator(ADMIN).await;
    for full_disk in [false, true] {
        let leaked = seed(&emu, &format!("leaked {full_disk}"));
        let before = emu.store().count().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("incident.json");
        let report_arg = report.to_str().unwrap();
        let mut cmd = process(emu.url(), ADMIN);
        cmd.args([
            "incident",
            &leaked,
            "--replace",
            "--json",
            "--yes",
            "--report",
            report_arg,
        ]);
        let out = run_with_stdout_failing(cmd, full_disk).await;
        let err = stderr(&out);
        let case = format!("/dev/full: {full_disk}");
        assert_eq!(out.status.code(), Some(1), "{case}: {err}");
        assert!(!err.contains("panicked"), "{case}: {err}");
        assert!(
            err.contains("standard output: could not be written"),
            "{case}: {err}"
        );
        assert!(err.contains("revoked again"), "{case}: {err}");
        assert!(err.contains("--resume"), "{case}: {err}");
        assert!(
            !old_key_works(&emu, &leaked),
            "{case}: the leaked key works"
        );
        assert_eq!(
            emu.store().count().unwrap(),
            before - 1,
            "{case}: no replacement left that nobody holds"
        );
        // The journal lists the replacement still to make.
        let journal: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        let failures = journal["failures"].as_array().unwrap();
        assert_eq!(failures.len(), 1, "{case}: {journal}");
        assert_eq!(failures[0]["step"], "replace", "{case}: {journal}");
        assert_eq!(failures[0]["id"], leaked.as_str(), "{case}: {journal}");
        // With a target that works, the resume makes it.
        let secrets = dir.path().join("replacements.env");
        let out = run(
            &emu,
            &[
                "incident",
                "--resume",
                report_arg,
                "--secrets-out",
                secrets.to_str().unwrap(),
            ],
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{case}: {}", stderr(&out));
        assert_eq!(emu.store().count().unwrap(), before, "{case}");
        let written = std::fs::read_to_string(&secrets).unwrap();
        assert_eq!(written.matches("LEAKED_").count(), 1, "{case}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_incident_json_with_its_secrets_is_one_valid_document() {
    let emu = emulator(ADMIN).await;
    let (a, b) = (seed(&emu, "leaked-a"), seed(&emu, "leaked-b"));
    let out = run(&emu, &["incident", &a, &b, "--replace", "--json", "--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let secrets = v["secrets"].as_array().unwrap();
    assert_eq!(secrets.len(), 2, "{v}");
    let replacements = v["report"]["replacements"].as_array().unwrap();
    for shown in secrets {
        let made = replacements
            .iter()
            .find(|r| r["key"]["id"] == shown["id"])
            .unwrap();
        assert_eq!(made["replaces"], shown["replaces"]);
        let secret = shown["secret"].as_str().unwrap();
        assert!(emu.store().secret_present(secret).unwrap(), "{v}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_incident_checks_standard_output_only_for_replacements_and_limits_its_command() {
    let emu = emulator(ADMIN).await;
    let (a, b) = (seed(&emu, "leaked-a"), seed(&emu, "leaked-b"));
    let before = emu.store().count().unwrap();
    let quiet = |args: &[&str]| {
        let mut cmd = process(emu.url(), ADMIN);
        cmd.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
    };
    // No replacement, no secret: standard output may be /dev/null.
    let out = quiet(&["incident", &a, "--yes"]).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!old_key_works(&emu, &a));
    let out = quiet(&["incident", &b, "--replace", "--yes"])
        .await
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("give --secrets-out FILE or --secret-to CMD"),
        "{err}"
    );
    assert!(old_key_works(&emu, &b), "nothing was sent");
    let out = run(
        &emu,
        &[
            "incident",
            &b,
            "--replace",
            "--yes",
            "--secret-to",
            "cat >/dev/null; exec sleep 30",
            "--delivery-timeout",
            "500ms",
        ],
    )
    .await;
    // The report (standard output) names the failed replacement and why.
    let text = stdout(&out) + &stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("did not finish within 500ms"), "{text}");
    assert_eq!(
        emu.store().count().unwrap(),
        before - 2,
        "both revoked, the replacement nobody holds revoked again"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_signal_exits_at_once_and_still_stops_the_command() {
    let emu = emulator(ADMIN).await;
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    // Deaf to SIGTERM, so the first signal's stop waits out its grace.
    let script = format!(
        "trap '' TERM; cat >/dev/null; echo $$ > '{}'; sleep 30",
        pid_file.display()
    );
    let mut cmd = process(emu.url(), ADMIN);
    cmd.args([
        "create",
        "--name",
        "twice",
        "--preset",
        "read-only-analytics",
    ])
    .args(["--secret-to", &script]);
    let (pid, output) = start(cmd);
    let command_pid = written(&pid_file).await;
    signal(pid, "TERM");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let second = Instant::now();
    signal(pid, "TERM");
    let out = output.await.unwrap();
    assert!(
        second.elapsed() < Duration::from_millis(700),
        "{:?}",
        second.elapsed()
    );
    assert_eq!(out.status.code(), Some(128 + 15), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "To stop at once, send it again (a key made and not yet delivered then stays working"
        ),
        "{err}"
    );
    // Stopped at once, the key made may be left: said, with how to find it.
    assert!(
        err.contains(
            "stopped at once: a key this run created whose secret was not delivered yet still works"
        ),
        "{err}"
    );
    assert!(!still_running(&command_pid), "the command outlived the run");
    assert!(!watcher_running(&command_pid), "its watcher outlived it");
}

/// Rotates a new key of a server answering after 1.5 s, to `--secret-out`,
/// and sends SIGTERM `after` the start: the output, the old key's id, the
/// number of keys before, and the secret file.
async fn rotation_interrupted_after(
    after: Duration,
) -> (Output, RunningEmulator, String, usize, tempfile::TempDir) {
    let emu = narrative_keys_testkit::emulator::start(
        narrative_keys_testkit::emulator::emulator_builder(ADMIN)
            .latency(Duration::from_millis(1500)),
    )
    .await;
    let old = seed(&emu, "etl");
    let before = emu.store().count().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = process(emu.url(), ADMIN);
    cmd.args(["rotate", &old, "--secret-out"])
        .arg(dir.path().join("etl.env"));
    let (pid, output) = start(cmd);
    tokio::time::sleep(after).await;
    signal(pid, "TERM");
    (output.await.unwrap(), emu, old, before, dir)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotation_interrupted_while_reading_the_old_key_creates_nothing() {
    let (out, emu, old, before, dir) = rotation_interrupted_after(Duration::from_millis(800)).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(128 + 15), "{err}");
    assert!(
        err.contains("interrupted before anything was changed: no key was created or revoked"),
        "{err}"
    );
    assert_eq!(emu.store().count().unwrap(), before, "no successor");
    assert!(old_key_works(&emu, &old));
    assert!(!dir.path().join("etl.env").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotation_interrupted_while_creating_the_successor_leaves_both_keys_working() {
    let (out, emu, old, before, dir) =
        rotation_interrupted_after(Duration::from_millis(2350)).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(128 + 15), "{err}");
    assert!(
        err.contains("Interrupted after the new key's secret was delivered, so the old key was left working: both keys work now"),
        "{err}"
    );
    assert!(
        err.contains(&format!("narrative-keys revoke {old}")),
        "{err}"
    );
    assert_eq!(
        emu.store().count().unwrap(),
        before + 1,
        "the successor exists"
    );
    assert!(old_key_works(&emu, &old), "never revoked once interrupted");
    let written = std::fs::read_to_string(dir.path().join("etl.env")).unwrap();
    let secret = written.trim().strip_prefix("NARRATIVE_API_KEY=").unwrap();
    assert!(
        emu.store().secret_present(secret).unwrap(),
        "its secret was delivered"
    );
}

/// `/dev/full`, opened for writing: every write fails with ENOSPC.
fn dev_full() -> std::fs::File {
    std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_standard_error_that_cannot_be_written_is_no_panic_and_changes_nothing() {
    let emu = emulator(ADMIN).await;
    let dir = tempfile::tempdir().unwrap();
    for (i, how) in ["closed", "/dev/full", "broken pipe"]
        .into_iter()
        .enumerate()
    {
        let file = dir.path().join(format!("{i}.env"));
        let name = format!("quiet {i}");
        let args = [
            "create",
            "--name",
            &name,
            "--grant",
            "read:datasets",
            "--secret-out",
            file.to_str().unwrap(),
        ];
        let mut cmd = if how == "closed" {
            with_closed(&emu, &args, "2>&-")
        } else {
            let mut cmd = process(emu.url(), ADMIN);
            cmd.args(args);
            cmd
        };
        cmd.stdout(Stdio::piped());
        match how {
            "/dev/full" => cmd.stderr(dev_full()),
            _ => cmd.stderr(Stdio::piped()),
        };
        let mut child = cmd.spawn().unwrap();
        drop(child.stderr.take());
        let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
            .await
            .unwrap();
        // A panic exits 101; its message would be lost with stderr.
        assert_eq!(out.status.code(), Some(0), "{how}");
        let written = std::fs::read_to_string(&file).unwrap();
        let secret = written.trim().split_once('=').unwrap().1;
        assert!(emu.store().secret_present(secret).unwrap(), "{how}");
        // A failure, reported on a standard error that cannot take it,
        // keeps its exit status.
        let mut cmd = process(emu.url(), ADMIN);
        cmd.args(["show", "00000000-0000-4000-8000-000000000000"])
            .stdout(Stdio::piped())
            .stderr(dev_full());
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{how}: show of a missing key");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn data_that_standard_output_cannot_take_is_an_error_not_a_panic() {
    let emu = emulator(ADMIN).await;
    // More than a pipe holds (64 KiB), so the list is still being written
    // when its reader goes away.
    narrative_keys_testkit::emulator::seed_many(&emu, &"a long name ".repeat(20), 300);
    // `list | head -c 1`: the reader takes one byte and leaves.
    let mut cmd = process(emu.url(), ADMIN);
    cmd.arg("list")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut reader = child.stdout.take().unwrap();
    let out = tokio::task::spawn_blocking(move || {
        let mut first = [0u8; 1];
        std::io::Read::read_exact(&mut reader, &mut first).unwrap();
        drop(reader);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("error: standard output could not be written: Broken pipe"),
        "{err}"
    );
    // `list >/dev/full`, and `list --json`: the same.
    for args in [&["list"][..], &["list", "--json"]] {
        let mut cmd = process(emu.url(), ADMIN);
        cmd.args(args);
        let out = run_with_stdout_failing(cmd, true).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            err.contains("standard output could not be written"),
            "{args:?}: {err}"
        );
    }
}

/// F6: a delivery command's output reaches our standard error with the
/// secret replaced, whether it echoes what it read (`tee`) or runs the
/// secret as a command (`sh: 2: SECRET: not found`, a list mistaken for
/// argv); F19: a process that escaped the group (`setsid`) holds only our
/// pipe, so the run ends without waiting for it.
#[tokio::test(flavor = "multi_thread")]
async fn a_commands_output_never_shows_the_secret_nor_holds_the_callers_stderr() {
    let emu = emulator(ADMIN).await;
    let dir = tempfile::tempdir().unwrap();
    let got = dir.path().join("got");
    let old = seed(&emu, "etl");
    // Echoes the secret on its standard output and error: delivered.
    let echo = format!("tee '{}'; printf 'err ' >&2; cat '{0}' >&2", got.display());
    let out = run(&emu, &["rotate", &old, "--secret-to", &echo]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let secret = std::fs::read_to_string(&got).unwrap();
    assert!(secret.len() > 8, "{secret}");
    assert!(!err.contains(&secret), "the secret was shown: {err}");
    assert!(!stdout(&out).contains(&secret));
    assert!(
        err.contains("[redacted]\n") && err.contains("err [redacted]\n"),
        "{err}"
    );
    // Runs the secret as a command: the shell's complaint names it.
    let old = seed(&emu, "etl2");
    let run_it = format!("s=$(tee '{}'); \"$s\"", got.display());
    let out = run(&emu, &["rotate", &old, "--secret-to", &run_it]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let secret = std::fs::read_to_string(&got).unwrap();
    assert!(!err.contains(&secret), "the secret was shown: {err}");
    assert!(err.contains("[redacted]: not found"), "{err}");
    assert!(old_key_works(&emu, &old));
    // A process that left the group keeps our pipe, not the caller's.
    let pid = dir.path().join("escaped");
    let escape = format!(
        "cat >/dev/null; setsid sh -c 'echo $$ > \"{}\"; exec sleep 30' &",
        pid.display()
    );
    let started = Instant::now();
    let out = run(&emu, &["rotate", &old, "--secret-to", &escape]).await;
    let took = started.elapsed();
    let escaped = written(&pid).await;
    let _ = std::process::Command::new("kill")
        .arg(escaped.trim())
        .status();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(took < Duration::from_secs(15), "held for {took:?}");
}
