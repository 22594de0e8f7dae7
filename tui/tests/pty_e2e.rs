//! The real binary in a pseudo-terminal, read back through a vt100 screen:
//! create a key from a preset, see its secret once, revoke it, quit, and
//! check both the emulator's state and that the terminal was restored.
//! The demo's start-to-first-frame time is measured and printed (not asserted).

// The harness's helpers panic on failure, as tests do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use narrative_keys_emulator::{Db, Emulator};
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
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt
        .block_on(
            Emulator::builder()
                .db(Db::Memory)
                .bootstrap_key(Some(BOOTSTRAP.to_owned()))
                .listen(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
                .start(),
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("tui.log");
    let url = emu.url().to_owned();
    let mut tui = Tui::spawn(
        &[
            "--environment",
            &url,
            "--api-key",
            BOOTSTRAP,
            "--log-file",
            log.to_str().unwrap(),
        ],
        dir.path(),
    );
    let first = tui.wait_for("narrative-keys");
    tui.wait_for("Keys (1)");
    eprintln!(
        "real credentials: start to first frame {} ms",
        first.as_millis()
    );

    tui.send("n");
    tui.wait_for("What is this key for?");
    tui.send("e2e key");
    tui.send("\r");
    tui.wait_for("Start from a preset");
    tui.send("\r"); // Read-only analytics
    tui.wait_for("When should the key stop working?");
    tui.send("\r"); // 90 days
    tui.wait_for("Nothing has been sent yet");
    tui.send("\r");
    tui.wait_for("will not be shown again");

    // The secret on screen is the one the server stored.
    let screen = tui.contents();
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("\"e2e key\"  id "))
        .expect("the key's line in the modal");
    let secret = lines[at + 1].trim_matches(|c: char| c == '│' || c.is_whitespace());
    let stored = emu.store().find_by_secret(secret).unwrap();
    assert_eq!(stored.map(|k| k.name), Some("e2e key".to_owned()));

    // Stray keys do not dismiss it; D then y does.
    tui.send("q");
    tui.send("\x1b");
    tui.send("\r");
    assert!(tui.contents().contains("will not be shown again"));
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

#[test]
fn demo_start_to_first_frame_and_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let log = dir.path().join("tui.log");
    let args = [
        "--demo",
        "--demo-db",
        db.to_str().unwrap(),
        "--log-file",
        log.to_str().unwrap(),
    ];
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
    let db = dir.path().join("demo.db");
    let log = dir.path().join("tui.log");
    let args = [
        "--demo",
        "--demo-db",
        db.to_str().unwrap(),
        "--log-file",
        log.to_str().unwrap(),
    ];
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
