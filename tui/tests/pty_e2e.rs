//! The real binary in a pseudo-terminal, read back through a vt100 screen:
//! create a key from a preset, see its secret once, revoke it, quit, and
//! check both the emulator's state and that the terminal was restored.
//! The demo's start-to-first-frame time is measured and printed (not asserted).

// The harness's helpers panic on failure, as tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use narrative_keys_emulator::RunningEmulator;
use narrative_keys_testkit::emulator::emulator_on_runtime;
use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

const BOOTSTRAP: &str = "pty-e2e-bootstrap-secret-not-real";
const ROWS: u16 = 24;
const COLS: u16 = 80;

struct Screen {
    parser: vt100::Parser,
    raw: Vec<u8>,
}

struct Tui {
    screen: Arc<Mutex<Screen>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    started: Instant,
}

impl Tui {
    fn spawn(args: &[&str], cwd: &std::path::Path) -> Tui {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_narrative-keys"));
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", cwd);
        cmd.env_remove("NARRATIVE_API_KEY");
        cmd.env_remove("NARRATIVE_ENVIRONMENT");
        let started = Instant::now();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(Screen {
            parser: vt100::Parser::new(ROWS, COLS, 0),
            raw: Vec::new(),
        }));
        let feed = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut s = feed.lock().unwrap();
                        s.parser.process(&buf[..n]);
                        s.raw.extend_from_slice(&buf[..n]);
                    }
                }
            }
        });
        Tui {
            screen,
            writer,
            child,
            master: pair.master,
            started,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().parser.screen().contents()
    }

    /// Waits until the screen shows `text`; returns when it first did.
    fn wait_for(&self, text: &str) -> Duration {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if self.contents().contains(text) {
                return self.started.elapsed();
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {text:?}; the screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn wait_gone(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.contents().contains(text) {
            assert!(
                Instant::now() < deadline,
                "{text:?} stayed on screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the app draw before the next key, as a person would.
        std::thread::sleep(Duration::from_millis(60));
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread take the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            assert!(Instant::now() < deadline, "the UI did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The terminal as the program left it: alternate screen left, cursor
    /// shown, raw mode off.
    fn assert_restored(&self) {
        let s = self.screen.lock().unwrap();
        let raw = String::from_utf8_lossy(&s.raw).into_owned();
        let entered = raw
            .rfind("\x1b[?1049h")
            .expect("entered the alternate screen");
        let left = raw.rfind("\x1b[?1049l").expect("left the alternate screen");
        assert!(
            left > entered,
            "left the alternate screen after entering it"
        );
        let shown = raw.rfind("\x1b[?25h").expect("showed the cursor");
        assert!(shown > entered, "the cursor is shown at exit");
        assert!(
            !s.parser.screen().alternate_screen(),
            "back on the main screen"
        );
        assert!(!s.parser.screen().hide_cursor(), "the cursor is visible");
        drop(s);
        let termios = self.master.get_termios().expect("termios of the pty");
        use nix::sys::termios::LocalFlags;
        assert!(
            termios
                .local_flags
                .contains(LocalFlags::ICANON | LocalFlags::ECHO),
            "raw mode is off: {:?}",
            termios.local_flags
        );
    }
}

#[test]
fn create_see_the_secret_once_revoke_quit() {
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("tui.log");
    let args = emulator_args(&emu, &["--log-file", log.to_str().unwrap()]);
    let mut tui = Tui::spawn(&args_ref(&args), dir.path());
    let first = tui.wait_for("narrative-keys");
    tui.wait_for("Keys (1)");
    eprintln!(
        "real credentials: start to first frame {} ms",
        first.as_millis()
    );

    let secret = create_e2e_key(&mut tui);
    let secret = secret.as_str();
    let stored = emu.store().find_by_secret(secret).unwrap();
    assert_eq!(stored.map(|k| k.name), Some("e2e key".to_owned()));

    // Stray keys do not dismiss it; D then y does, once the secret is
    // marked stored (unstored, its key would be revoked on dismissal).
    tui.send("q");
    tui.send("\x1b");
    tui.send("\r");
    assert!(tui.contents().contains("will not be shown again"));
    tui.send("s");
    tui.send("D");
    tui.wait_for("Dismiss?");
    tui.send("y");
    tui.wait_gone("will not be shown again");
    assert!(!tui.contents().contains(secret));
    tui.wait_for("Keys (2)");

    // The new key is selected; revoke it.
    tui.send("d");
    tui.wait_for("Revoke \"e2e key\"?");
    tui.send("y");
    tui.wait_for("Revoked \"e2e key\".");
    tui.wait_for("Keys (1)");
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
    tui.assert_restored();

    let names: Vec<String> = emu.store().key_names().unwrap();
    assert_eq!(names, ["bootstrap admin"], "the new key is gone");
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("first frame drawn"), "{log}");
    assert!(!log.contains(secret), "no secret in the log");
    rt.block_on(emu.shutdown());
}

/// Creates "e2e key" through the wizard (Read-only analytics, 90 days)
/// and returns its secret as the once-only dialog shows it.
fn create_e2e_key(tui: &mut Tui) -> String {
    review_e2e_key(tui);
    tui.send("\r");
    tui.wait_for("will not be shown again");
    shown_secret(tui, "\"e2e key\"  id ")
}

/// Fills the wizard for "e2e key" up to its review, nothing sent yet.
fn review_e2e_key(tui: &mut Tui) {
    tui.send("n");
    tui.wait_for("What is this key for?");
    tui.send("e2e key");
    tui.send("\r");
    tui.wait_for("Start from a preset");
    tui.send("\r"); // Read-only analytics
    tui.wait_for("When should the key stop working?");
    tui.send("\r"); // 90 days
    tui.wait_for("Nothing has been sent yet");
}

/// The secret on the line below the one containing `key_line` in the
/// once-only dialog.
fn shown_secret(tui: &Tui, key_line: &str) -> String {
    let screen = tui.contents();
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(key_line))
        .expect("the key's line in the modal");
    lines[at + 1]
        .trim_matches(|c: char| c == '│' || c.is_whitespace())
        .to_owned()
}

impl Tui {
    fn signal(&self, signal: nix::sys::signal::Signal) {
        let pid = self.child.process_id().expect("the UI's pid");
        let pid = nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap());
        nix::sys::signal::kill(pid, signal).unwrap();
    }

    /// Everything the program wrote, stderr included, as text.
    fn raw(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap().raw).into_owned()
    }
}

/// A signal while a new key's secret is on screen, neither copied nor
/// written: the terminal is restored, the key revoked, stderr and the log
/// say so, and the exit status is the signal's (128 + its number).
fn signal_with_a_new_secret_on_screen(signal: nix::sys::signal::Signal) {
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("tui.log");
    let args = emulator_args(&emu, &["--log-file", log.to_str().unwrap()]);
    let mut tui = Tui::spawn(&args_ref(&args), dir.path());
    tui.wait_for("Keys (1)");
    let secret = create_e2e_key(&mut tui);
    assert!(emu.store().secret_present(&secret).unwrap(), "created");

    tui.signal(signal);
    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 128 + signal as u32, "{status:?}");
    assert!(
        !emu.store().secret_present(&secret).unwrap(),
        "the key nobody holds is revoked"
    );
    assert_eq!(emu.store().key_names().unwrap(), ["bootstrap admin"]);
    tui.assert_restored();
    let out = tui.raw();
    let said = out.rfind("\x1b[?1049l").map_or("", |left| &out[left..]);
    assert!(
        said.contains(&format!("was stopped by {}", signal.as_str()))
            && said.contains("revoked: \"e2e key\""),
        "stderr, after the terminal was restored: {said:?}"
    );
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("stopped by a signal"), "{log}");
    assert!(log.contains("revoked a new key nobody holds"), "{log}");
    assert!(!log.contains(&secret), "no secret in the log");
    assert!(!said.contains(&secret), "no secret on stderr");
    rt.block_on(emu.shutdown());
}

#[test]
fn a_hang_up_revokes_the_new_key_whose_secret_is_on_screen() {
    signal_with_a_new_secret_on_screen(nix::sys::signal::Signal::SIGHUP);
}

#[test]
fn a_termination_revokes_the_new_key_whose_secret_is_on_screen() {
    signal_with_a_new_secret_on_screen(nix::sys::signal::Signal::SIGTERM);
}

#[test]
fn a_termination_while_a_key_is_being_created_revokes_it_once_it_exists() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Every answer takes 1.5 s: the signal comes before the key exists.
    let builder = narrative_keys_testkit::emulator::emulator_builder(BOOTSTRAP)
        .latency(Duration::from_millis(1500));
    let emu = rt.block_on(narrative_keys_testkit::emulator::start(builder));
    let dir = tempfile::tempdir().unwrap();
    let args = emulator_args(&emu, &[]);
    let mut tui = Tui::spawn(&args_ref(&args), dir.path());
    tui.wait_for("Keys (1)");
    review_e2e_key(&mut tui);
    tui.send("\r");
    tui.wait_for("Creating the key");
    tui.signal(nix::sys::signal::Signal::SIGTERM);

    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 143, "{status:?}");
    assert_eq!(
        emu.store().key_names().unwrap(),
        ["bootstrap admin"],
        "the key created as the program stopped is revoked"
    );
    let out = tui.raw();
    let said = out.rfind("\x1b[?1049l").map_or("", |left| &out[left..]);
    assert!(said.contains("revoked: \"e2e key\""), "stderr: {said:?}");
    tui.assert_restored();
    rt.block_on(emu.shutdown());
}

#[test]
fn a_termination_during_an_incident_saves_its_report_and_revokes_the_unheld_replacement() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Every answer takes 0.8 s: the signal comes while the incident runs.
    let builder = narrative_keys_testkit::emulator::emulator_builder(BOOTSTRAP)
        .latency(Duration::from_millis(800));
    let emu = rt.block_on(narrative_keys_testkit::emulator::start(builder));
    let old = narrative_keys_testkit::emulator::seed_days(
        &emu,
        "Airflow etl",
        &[("write", "jobs")],
        Some(30),
    );
    let dir = tempfile::tempdir().unwrap();
    let args = emulator_args(&emu, &[]);
    let mut tui = Tui::spawn(&args_ref(&args), dir.path());
    tui.wait_for("Keys (2)");
    tui.send("i");
    tui.send("r"); // replace the key
    tui.send("y");
    tui.wait_for("Running the incident response");
    tui.signal(nix::sys::signal::Signal::SIGTERM);

    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 143, "{status:?}");
    assert!(emu.store().get(old.parse().unwrap()).unwrap().is_none());
    assert_eq!(
        emu.store().key_names().unwrap(),
        ["bootstrap admin"],
        "the replacement nobody holds is revoked"
    );
    let reports: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("incident-report-"))
        .collect();
    assert_eq!(reports.len(), 1, "the report is saved: {reports:?}");
    let out = tui.raw();
    let said = out.rfind("\x1b[?1049l").map_or("", |left| &out[left..]);
    assert!(
        said.contains("revoked: \"Airflow etl\""),
        "stderr: {said:?}"
    );
    tui.assert_restored();
    rt.block_on(emu.shutdown());
}

#[test]
fn a_hang_up_during_a_rotation_revokes_the_successor_and_keeps_the_old_key() {
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    let old = narrative_keys_testkit::emulator::seed_days(
        &emu,
        "Airflow etl",
        &[("write", "jobs")],
        Some(30),
    );
    let dir = tempfile::tempdir().unwrap();
    let args = emulator_args(&emu, &[]);
    let mut tui = Tui::spawn(&args_ref(&args), dir.path());
    tui.wait_for("Keys (2)");
    tui.send("r");
    tui.wait_for("Rotate \"Airflow etl\"?");
    tui.send("y");
    tui.wait_for("will not be shown again");
    tui.wait_for("Keys (3)");
    let secret = shown_secret(&tui, "\"Airflow etl\"  id ");
    assert!(emu.store().secret_present(&secret).unwrap(), "created");
    assert!(emu.store().get(old.parse().unwrap()).unwrap().is_some());

    tui.signal(nix::sys::signal::Signal::SIGHUP);
    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 129, "{status:?}");
    assert!(
        !emu.store().secret_present(&secret).unwrap(),
        "the successor is revoked"
    );
    assert!(
        emu.store().get(old.parse().unwrap()).unwrap().is_some(),
        "the old key still works"
    );
    assert_eq!(emu.store().count().unwrap(), 2);
    let out = tui.raw();
    assert!(
        out.contains(&format!(
            "the key it was to replace, {old}, was left working"
        )),
        "{out:?}"
    );
    tui.assert_restored();
    rt.block_on(emu.shutdown());
}

#[test]
fn demo_start_to_first_frame_and_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let args = demo_args(dir.path());
    let args = args_ref(&args);
    for run in ["first run, seeding the store", "second run"] {
        let mut tui = Tui::spawn(&args, dir.path());
        let first = tui.wait_for("DEMO");
        // Printed as a figure for the report; not a timed assertion.
        eprintln!(
            "--demo ({run}): start to first frame {} ms",
            first.as_millis()
        );
        tui.wait_for("Keys (13)");
        tui.send("\x03");
        let status = tui.wait_exit();
        assert!(status.success(), "{status:?}");
        tui.assert_restored();
    }
}

/// The demo's arguments with its store in `dir`.
fn demo_args(dir: &std::path::Path) -> Vec<String> {
    vec![
        "--demo".into(),
        "--demo-db".into(),
        dir.join("demo.db").to_str().unwrap().into(),
        "--log-file".into(),
        dir.join("tui.log").to_str().unwrap().into(),
    ]
}

/// The arguments that point the UI at `emu` with the bootstrap key, then
/// `more`.
fn emulator_args(emu: &RunningEmulator, more: &[&str]) -> Vec<String> {
    ["--environment", emu.url(), "--api-key", BOOTSTRAP]
        .iter()
        .chain(more)
        .map(|a| (*a).to_owned())
        .collect()
}

fn args_ref(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn y_sends_the_id_with_osc_52_and_colon_q_quits() {
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    let id = emu
        .store()
        .find_by_secret(BOOTSTRAP)
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let args = emulator_args(&emu, &[]);
    let mut tui = Tui::spawn(&args_ref(&args), dir.path());
    tui.wait_for("Keys (1)");
    tui.send("y");
    tui.wait_for("Copied id");
    let raw = String::from_utf8_lossy(&tui.screen.lock().unwrap().raw).into_owned();
    let start = raw.find("\x1b]52;c;").expect("an OSC 52 sequence") + "\x1b]52;c;".len();
    let end = start + raw[start..].find('\x07').expect("ended by BEL");
    let copied =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &raw[start..end])
            .unwrap();
    assert_eq!(String::from_utf8(copied).unwrap(), id);

    tui.send(":");
    tui.send("q");
    tui.wait_for(":q");
    tui.send("\r");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
    tui.assert_restored();
    rt.block_on(emu.shutdown());
}

#[test]
fn revoking_the_demo_sessions_own_key_ends_the_session_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let args = demo_args(dir.path());
    let mut tui = Tui::spawn(&args_ref(&args), dir.path());
    tui.wait_for("Keys (13)");
    tui.send("/");
    tui.send("bootstrap");
    tui.send("\r");
    tui.wait_for("Keys (1 of 13)");
    tui.send("d");
    tui.wait_for("This session signs in with this key");
    tui.send("y");
    tui.wait_for("This session's key was revoked");
    tui.wait_for("run narrative-keys --demo again");
    // R sends nothing more and says why.
    tui.send("\x1b");
    tui.send("R");
    assert!(!tui.contents().contains("Loading keys"));
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
    tui.assert_restored();

    // The next demo run has its key again (the emulator restores it).
    let mut tui = Tui::spawn(&args_ref(&args), dir.path());
    tui.wait_for("Keys (13)");
    tui.send("\x03");
    assert!(tui.wait_exit().success());
}

#[test]
fn readonly_hides_and_refuses_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = demo_args(dir.path());
    args.push("--readonly".into());
    let mut tui = Tui::spawn(&args_ref(&args), dir.path());
    tui.wait_for("READ-ONLY");
    tui.wait_for("Keys (13)");
    assert!(!tui.contents().contains("n new"), "{}", tui.contents());
    tui.send("n");
    tui.wait_for("Read-only: creating a key is not offered");
    tui.send("q");
    assert!(tui.wait_exit().success());
    tui.assert_restored();
}

/// Runs a subcommand of the binary (no terminal needed).
fn command(args: &[&str], home: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_narrative-keys"))
        .args(args)
        .env("HOME", home)
        .env_remove("NARRATIVE_API_KEY")
        .env_remove("NARRATIVE_ENVIRONMENT")
        .env_remove("NARRATIVE_API_TOKEN")
        .env_remove("NARRATIVE_API_URL")
        .output()
        .unwrap()
}

fn names(out: &std::process::Output) -> Vec<String> {
    assert!(out.status.success(), "{out:?}");
    let keys: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut names: Vec<String> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn demo_reset_starts_from_the_sample_keys_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let home = dir.path();
    let fresh = names(&command(
        &["--demo", "--demo-db", db, "list", "--json"],
        home,
    ));
    assert_eq!(fresh.len(), 13);

    // Change the store: one key revoked, one made.
    let list = command(&["--demo", "--demo-db", db, "list", "--json"], home);
    let keys: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let old = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "Old prototype")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = command(&["--demo", "--demo-db", db, "revoke", &old, "--yes"], home);
    assert!(out.status.success(), "{out:?}");
    let out = command(
        &[
            "--demo",
            "--demo-db",
            db,
            "create",
            "--name",
            "scratch",
            "--grant",
            "read:datasets",
            "--json",
        ],
        home,
    );
    assert!(out.status.success(), "{out:?}");
    let changed = names(&command(
        &["--demo", "--demo-db", db, "list", "--json"],
        home,
    ));
    assert!(
        changed.contains(&"scratch".to_owned()) && !changed.contains(&"Old prototype".to_owned())
    );

    let reset = names(&command(
        &["--demo", "--reset", "--demo-db", db, "list", "--json"],
        home,
    ));
    assert_eq!(reset, fresh, "the sample keys, and only they, again");
    // A later run without --reset keeps the store as it is.
    let again = names(&command(
        &["--demo", "--demo-db", db, "list", "--json"],
        home,
    ));
    assert_eq!(again, fresh);

    // --reset is for the demo only; --readonly and --refresh for the UI only.
    for (args, says) in [
        (vec!["--reset", "list"], "--demo"),
        (
            vec!["--demo", "--readonly", "list"],
            "--readonly is for the terminal UI",
        ),
        (
            vec!["--demo", "--refresh", "30s", "list"],
            "--refresh is for the terminal UI",
        ),
        (vec!["--demo", "--refresh", "0s"], "at least 1s"),
        // A negative value after a space is the value, not an unknown flag.
        (
            vec!["--demo", "--refresh", "-5s"],
            "`-5s` is not a duration",
        ),
        (vec!["--demo", "--refresh=-5s"], "`-5s` is not a duration"),
    ] {
        let out = command(&args, home);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("unexpected argument"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn refresh_on_a_timer_keeps_the_selected_key() {
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    emu.store()
        .insert_key("zeta reporting", &[("read", "datasets")], None)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let args = emulator_args(&emu, &["--refresh", "1s"]);
    let mut tui = Tui::spawn(&args_ref(&args), dir.path());
    tui.wait_for("Keys (2)");
    tui.send("j");
    tui.wait_for("┌ zeta reporting");
    // A key made elsewhere, sorted first: the timer finds it, and the
    // selection stays on its key rather than its row.
    emu.store()
        .insert_key("alpha ingest", &[("write", "datasets")], None)
        .unwrap();
    tui.wait_for("Keys (3)");
    assert!(
        tui.contents().contains("┌ zeta reporting"),
        "{}",
        tui.contents()
    );
    tui.send("q");
    assert!(tui.wait_exit().success());
    tui.assert_restored();
    rt.block_on(emu.shutdown());
}

#[test]
fn demo_with_api_key_uses_that_key_of_the_demo_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let home = dir.path();
    // A read-only key made in the demo's store, its secret on stdout.
    let out = command(
        &[
            "--demo",
            "--demo-db",
            db,
            "create",
            "--name",
            "reader",
            "--grant",
            "read:access_tokens",
        ],
        home,
    );
    assert!(out.status.success(), "{out:?}");
    let secret = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(!secret.is_empty());

    let who = command(
        &["--demo", "--demo-db", db, "--api-key", &secret, "whoami"],
        home,
    );
    let text = String::from_utf8_lossy(&who.stdout);
    assert!(who.status.success(), "{who:?}");
    assert!(text.contains("from --api-key"), "{text}");
    // That key can read but not revoke: the demo used it, not its admin key.
    let list = command(&["--demo", "--demo-db", db, "list", "--json"], home);
    let keys: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let some_id = keys[0]["id"].as_str().unwrap().to_owned();
    let out = command(
        &[
            "--demo",
            "--demo-db",
            db,
            "--api-key",
            &secret,
            "revoke",
            &some_id,
            "--yes",
        ],
        home,
    );
    assert!(
        !out.status.success(),
        "a read-only key revoked a key: {out:?}"
    );

    // The demo's environment is its own: --environment is refused with it.
    let out = command(&["--demo", "--environment", "dev", "list"], home);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--environment"));
}

/// Where `text` first shows on the screen: 1-based column and row, as SGR
/// mouse reports count them.
fn sgr_position(screen: &str, text: &str) -> (usize, usize) {
    for (row, line) in screen.lines().enumerate() {
        if let Some(at) = line.find(text) {
            return (line[..at].chars().count() + 1, row + 1);
        }
    }
    panic!("{text:?} is not on the screen:\n{screen}");
}

/// A left click as an xterm reports it with SGR encoding: press, release.
fn sgr_click(column: usize, row: usize) -> String {
    format!("\x1b[<0;{column};{row}M\x1b[<0;{column};{row}m")
}

#[test]
fn the_mouse_selects_a_row_presses_a_button_and_turns_the_wheel() {
    let dir = tempfile::tempdir().unwrap();
    let args = demo_args(dir.path());
    let args = args_ref(&args);
    let mut tui = Tui::spawn(&args, dir.path());
    tui.wait_for("Keys (13)");

    // The third key row of the list (rows: header, border, titles, keys).
    let screen = tui.contents();
    let row = screen.lines().nth(5).unwrap();
    let name: String = row.chars().skip(5).collect::<String>();
    let name = name
        .split("  ")
        .next()
        .unwrap()
        .trim_end_matches('…')
        .to_owned();
    assert!(!name.is_empty(), "{screen}");
    tui.send(&sgr_click(12, 6));
    tui.send("d");
    tui.wait_for(&format!("Revoke \"{name}"));

    // The dialog's button, clicked where it is drawn.
    let (column, row) = sgr_position(&tui.contents(), "n / Esc keep it");
    tui.send(&sgr_click(column + 2, row));
    tui.wait_for("Nothing was revoked.");
    tui.wait_gone("Revoke \"");

    // The wheel over the list moves the selection three rows down.
    tui.send("\x1b[<65;12;6M");
    tui.send("d");
    tui.wait_for("Revoke \"");
    let dialog = tui.contents();
    assert!(
        !dialog.contains(&format!("Revoke \"{name}")),
        "another key is selected: {dialog}"
    );
    tui.send("\x1b");
    tui.wait_gone("Revoke \"");
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
    tui.assert_restored();
    let raw = String::from_utf8_lossy(&tui.screen.lock().unwrap().raw).into_owned();
    let on = raw.rfind("\x1b[?1000h").expect("mouse capture turned on");
    let off = raw.rfind("\x1b[?1000l").expect("mouse capture turned off");
    assert!(off > on, "mouse capture is off at exit");
}

/// A keys file beside the UI: "Exporter" rotates to a file target,
/// "Dashboard" names no target, so its secret goes to the once-only
/// dialog; both are due (3 days left) and their old keys are revoked once
/// replaced (`overlap = "0s"`).
const KEYS_FILE: &str = r#"
[defaults]
overlap = "0s"

[[key]]
name = "Exporter"
grant = ["read:datasets"]
secret_out = "exporter.env"

[[key]]
name = "Dashboard"
grant = ["read:datasets"]
"#;

/// The UI on `KEYS_FILE` in `dir` against `emu`, whose two keys are due:
/// (the UI, Exporter's old id, Dashboard's old id).
fn keys_file_tui(emu: &RunningEmulator, dir: &std::path::Path) -> (Tui, String, String) {
    let due = |name| {
        narrative_keys_testkit::emulator::seed_days(emu, name, &[("read", "datasets")], Some(3))
    };
    let (exporter, dashboard) = (due("Exporter"), due("Dashboard"));
    std::fs::write(dir.join("narrative-keys.toml"), KEYS_FILE).unwrap();
    let log = dir.join("tui.log");
    let args = emulator_args(emu, &["--log-file", log.to_str().unwrap()]);
    let tui = Tui::spawn(&args_ref(&args), dir);
    tui.wait_for("Keys (3)");
    (tui, exporter, dashboard)
}

/// Presses `A`, confirms, and waits for Dashboard's secret on screen.
fn apply_until_the_dialog(tui: &mut Tui) -> String {
    tui.send("A");
    tui.wait_for("Apply this plan?");
    tui.send("y");
    tui.wait_for("Keys file: new key: shown once");
    shown_secret(tui, "\"Dashboard\"  id ")
}

/// Whether `emu` still has the key `id`.
fn alive(emu: &RunningEmulator, id: &str) -> bool {
    emu.store().get(id.parse().unwrap()).unwrap().is_some()
}

/// Waits (10 s at most) until `done` holds.
fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_applies_the_keys_file_a_keys_secret_without_target_shown_once_its_old_key_retired_once_stored()
{
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, exporter, dashboard) = keys_file_tui(&emu, dir.path());
    let secret = apply_until_the_dialog(&mut tui);
    // The file target took its secret, which authenticates; the old key is retired.
    eventually("the exporter's old key is retired", || {
        !alive(&emu, &exporter)
    });
    let written = std::fs::read_to_string(dir.path().join("exporter.env")).unwrap();
    let written = written.trim_end().split_once('=').unwrap().1.to_owned();
    let whoami = |s: &str| rt.block_on(narrative_keys_testkit::emulator::client(&emu, s).whoami());
    assert!(whoami(&written).is_ok(), "the file's secret authenticates");
    // The dialog's secret works; its old key waits for it to be stored.
    assert!(whoami(&secret).is_ok(), "the dialog's secret authenticates");
    std::thread::sleep(Duration::from_millis(300));
    assert!(alive(&emu, &dashboard), "not retired before it is stored");
    tui.send("s");
    eventually("Dashboard's old key is retired", || {
        !alive(&emu, &dashboard)
    });
    tui.wait_for("Applied: 2 steps");
    tui.send("D");
    tui.wait_for("Dismiss?");
    tui.send("y");
    tui.wait_gone("shown once");
    assert!(whoami(&secret).is_ok(), "the stored secret still works");
    tui.send("q");
    assert!(tui.wait_exit().success());
    tui.assert_restored();
    let log = std::fs::read_to_string(dir.path().join("tui.log")).unwrap();
    assert!(
        !log.contains(&secret) && !log.contains(&written),
        "no secret in the log"
    );
    rt.block_on(emu.shutdown());
}

#[test]
fn a_after_the_account_changed_since_the_plan_sends_nothing() {
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, exporter, dashboard) = keys_file_tui(&emu, dir.path());
    // Someone else revokes Exporter's key after the plan was shown.
    let admin = narrative_keys_testkit::emulator::client(&emu, BOOTSTRAP);
    rt.block_on(admin.revoke_key(&exporter)).unwrap();
    tui.send("A");
    tui.wait_for("Apply this plan?");
    tui.send("y");
    tui.wait_for("the account changed since the plan was shown");
    let keys = rt.block_on(admin.list_keys()).unwrap();
    assert_eq!(keys.len(), 2, "no key was made: {keys:?}");
    assert!(alive(&emu, &dashboard), "nothing was retired");
    assert!(
        !dir.path().join("exporter.env").exists(),
        "nothing was delivered"
    );
    tui.send("q");
    assert!(tui.wait_exit().success());
    rt.block_on(emu.shutdown());
}

#[test]
fn a_dialog_dismissed_unstored_revokes_the_new_key_and_keeps_the_old() {
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, _, dashboard) = keys_file_tui(&emu, dir.path());
    let secret = apply_until_the_dialog(&mut tui);
    assert!(emu.store().secret_present(&secret).unwrap(), "created");
    tui.send("D");
    tui.wait_for("The new key is revoked again and the old key keeps working.");
    tui.send("y");
    tui.wait_for("1 of 2 steps not done (Dashboard:");
    assert!(
        !emu.store().secret_present(&secret).unwrap(),
        "the new key is revoked again"
    );
    assert!(alive(&emu, &dashboard), "the old key keeps working");
    tui.send("q");
    assert!(tui.wait_exit().success());
    rt.block_on(emu.shutdown());
}

#[test]
fn a_termination_while_an_applys_secret_is_on_screen_revokes_it_and_keeps_the_old_key() {
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, _, dashboard) = keys_file_tui(&emu, dir.path());
    let secret = apply_until_the_dialog(&mut tui);
    tui.signal(nix::sys::signal::Signal::SIGTERM);
    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 143, "{status:?}");
    assert!(
        !emu.store().secret_present(&secret).unwrap(),
        "the new key nobody holds is revoked"
    );
    assert!(alive(&emu, &dashboard), "the old key keeps working");
    tui.assert_restored();
    let out = tui.raw();
    let said = out.rfind("\x1b[?1049l").map_or("", |left| &out[left..]);
    assert!(
        said.contains("was stopped by SIGTERM")
            && said.contains("revoked: \"Dashboard\"")
            && said.contains(&format!("{dashboard}, was left working")),
        "stderr, after the terminal was restored: {said:?}"
    );
    assert!(!said.contains("NOT revoked"), "{said:?}");
    assert!(!said.contains(&secret), "no secret on stderr");
    rt.block_on(emu.shutdown());
}

/// The UI in `dir` on a keys file with one key `name`, seeded due in
/// `emu`, whose only target is the delivery `command`; `A` pressed and
/// confirmed. Returns the UI and the old key's id.
fn apply_one_command_key(
    emu: &RunningEmulator,
    dir: &std::path::Path,
    name: &str,
    command: &str,
) -> (Tui, String) {
    let old =
        narrative_keys_testkit::emulator::seed_days(emu, name, &[("read", "datasets")], Some(3));
    let file = format!(
        "[[key]]\nname = {name:?}\ngrant = [\"read:datasets\"]\nsecret_to = [{command:?}]\n"
    );
    std::fs::write(dir.join("narrative-keys.toml"), file).unwrap();
    let args = emulator_args(emu, &[]);
    let mut tui = Tui::spawn(&args_ref(&args), dir);
    tui.wait_for("Keys (2)");
    tui.send("A");
    tui.wait_for("Apply this plan?");
    tui.send("y");
    (tui, old)
}

#[test]
fn a_delivery_commands_output_shows_in_the_apply_results_never_over_the_screen() {
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    let dir = tempfile::tempdir().unwrap();
    // It prints to both streams, the secret among them.
    let (mut tui, _) = apply_one_command_key(
        &emu,
        dir.path(),
        "Exporter",
        "cat >&2; echo ' was the secret'; echo stored-by-the-command >&2",
    );
    tui.wait_for("Applied: what apply did");
    let screen = tui.contents();
    // Within the dialog's borders, on a line of its own.
    let inside = |text: &str| {
        screen.lines().any(|l| {
            l.split_once(text)
                .is_some_and(|(before, after)| before.contains('│') && after.contains('│'))
        })
    };
    assert!(inside("its secret_to commands printed:"), "{screen}");
    assert!(inside("      [redacted] was the secret"), "{screen}");
    assert!(inside("      stored-by-the-command"), "{screen}");
    // Written by the command itself, a line would end in a newline where
    // the screen draws by cursor moves only.
    let raw = tui.raw();
    assert!(
        !raw.contains("stored-by-the-command\n") && !raw.contains("was the secret\n"),
        "the command's output reached the terminal: {raw:?}"
    );
    tui.send("\x1b");
    tui.wait_gone("Applied: what apply did");
    tui.send("q");
    assert!(tui.wait_exit().success());
    rt.block_on(emu.shutdown());
}

/// Leaving the UI (`how`) while an apply's delivery command hangs after
/// reading the secret: the command is stopped at once, its new key revoked,
/// the old key kept, and stderr says so once the terminal is restored.
fn leave_during_a_hanging_delivery(how: impl FnOnce(&mut Tui), status: u32) {
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    let dir = tempfile::tempdir().unwrap();
    let (mut tui, gamma) =
        apply_one_command_key(&emu, dir.path(), "gamma", "cat > /dev/null; sleep 1000");
    let pending = || {
        (emu.store().key_names().unwrap().into_iter())
            .filter(|n| n.starts_with("gamma (pending"))
            .count()
    };
    eventually("the new key is made", || pending() == 1);
    // The command has its secret and hangs.
    std::thread::sleep(Duration::from_millis(500));
    let asked = Instant::now();
    how(&mut tui);
    let exited = tui.wait_exit();
    assert!(
        asked.elapsed() < Duration::from_secs(8),
        "exited {:?} after being asked",
        asked.elapsed()
    );
    assert_eq!(exited.exit_code(), status, "{exited:?}");
    assert_eq!(pending(), 0, "the key nobody holds is revoked");
    assert!(alive(&emu, &gamma), "the old key keeps working");
    tui.assert_restored();
    let out = tui.raw();
    let said = out.rfind("\x1b[?1049l").map_or("", |left| &out[left..]);
    assert!(
        said.contains("the keys file's apply was running, so the apply was stopped")
            && said.contains("not done: \"gamma\"")
            && said.contains("the run was interrupted")
            && said.contains("it was revoked again")
            && said.contains(&format!("the old key {gamma} keeps working")),
        "stderr, after the terminal was restored: {said:?}"
    );
    rt.block_on(emu.shutdown());
}

#[test]
fn a_quit_during_a_hanging_delivery_command_stops_it_and_revokes_its_key_at_once() {
    leave_during_a_hanging_delivery(
        |tui| {
            // The first closes "Applying…", the second quits.
            tui.send("q");
            tui.send("q");
        },
        0,
    );
}

#[test]
fn a_termination_during_a_hanging_delivery_command_stops_it_and_revokes_its_key_at_once() {
    leave_during_a_hanging_delivery(|tui| tui.signal(nix::sys::signal::Signal::SIGTERM), 143);
}

/// Two keys naming no target: their dialogs one after the other, the
/// status naming the one shown (never the one waiting); once stored, the
/// dismiss question, its keys and the dialog's body agree that nothing is
/// lost; after the last, no dialog is left (nor its keys in the hint bar)
/// and `q` quits.
#[test]
fn a_two_handed_over_secrets_each_dialog_named_and_nothing_left_after_the_last() {
    let (rt, emu) = emulator_on_runtime(BOOTSTRAP, 2);
    let dir = tempfile::tempdir().unwrap();
    let file = "[[key]]\nname = \"alpha\"\ngrant = [\"read:datasets\"]\n\n[[key]]\nname = \"beta\"\ngrant = [\"read:datasets\"]\n";
    std::fs::write(dir.path().join("narrative-keys.toml"), file).unwrap();
    let args = emulator_args(&emu, &[]);
    let mut tui = Tui::spawn(&args_ref(&args), dir.path());
    tui.wait_for("Keys (1)");
    tui.send("A");
    tui.wait_for("Apply this plan?");
    tui.send("y");
    tui.wait_for("Keys file: new key: shown once");
    let last_lines = |tui: &Tui, n: usize| {
        let screen = tui.contents();
        let lines: Vec<&str> = screen.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    };
    for round in 0..2 {
        let shown = if tui.contents().contains("\"alpha\"  id") {
            "alpha"
        } else {
            "beta"
        };
        let other = if shown == "alpha" { "beta" } else { "alpha" };
        // The first time both may have arrived: the status says so.
        if round == 0 {
            tui.wait_for("2 keys name no target");
        }
        let status = last_lines(&tui, 3);
        assert!(
            status.contains(&format!("Applying: \"{shown}\"")) && !status.contains(other),
            "the status names the dialog's key, {shown}:\n{}",
            tui.contents()
        );
        tui.send("s");
        tui.wait_for("the apply goes on with this key");
        tui.send("D");
        tui.wait_for("The secret was written or marked stored. Dismiss? y/n");
        let screen = tui.contents();
        assert!(
            screen.contains("it was written or marked stored.") && !screen.contains("Store it now"),
            "{screen}"
        );
        let hints = last_lines(&tui, 1);
        assert!(
            hints.contains("y dismiss: stored, nothing is lost")
                && !hints.contains("gone for good"),
            "{hints}"
        );
        tui.send("y");
        if round == 0 {
            tui.wait_for(&format!("\"{other}\"  id"));
        }
    }
    tui.wait_gone("shown once");
    eventually("the apply ends", || {
        !tui.contents().contains("Applying the keys file")
    });
    let hints = last_lines(&tui, 1);
    assert!(!hints.contains("Esc close"), "no dialog left: {hints}");
    tui.send("q");
    assert!(tui.wait_exit().success(), "q quits at once");
    let names = emu.store().key_names().unwrap();
    assert!(
        names.contains(&"alpha".to_owned()) && names.contains(&"beta".to_owned()),
        "{names:?}"
    );
    rt.block_on(emu.shutdown());
}
