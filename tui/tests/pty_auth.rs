//! `auth login` on a terminal: the key is asked for with a hidden prompt, in
//! a pseudo-terminal, and never echoed; the profile then works.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use narrative_keys_testkit::emulator::emulator_on_runtime;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

mod cli_support;
use cli_support::{signed_out, stderr};

const KEY: &str = "pty-auth-admin-secret-0123456789abcd";

/// Waits (within 30 s) until what the terminal shows holds `text`.
fn wait_for(seen: &Mutex<Vec<u8>>, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !String::from_utf8_lossy(&seen.lock().unwrap()).contains(text) {
        assert!(
            Instant::now() < deadline,
            "never showed {text:?}: {:?}",
            String::from_utf8_lossy(&seen.lock().unwrap())
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn login_on_a_terminal_asks_for_the_key_without_echoing_it() {
    let (_rt, emu) = emulator_on_runtime(KEY, 1);
    let home = tempfile::tempdir().unwrap();
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_narrative-keys"));
    cmd.args(["auth", "login", "--environment", emu.url()]);
    cmd.env_clear();
    cmd.env("PATH", "/usr/bin:/bin");
    cmd.env("NO_COLOR", "1");
    cmd.env("HOME", home.path());
    cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
    cmd.env("CI", "true");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let feed = Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            feed.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    wait_for(&seen, "Paste your Narrative API key (it is not shown): ");
    // The prompt is written a moment before echo is turned off; a person
    // pastes after both, and so does this test (under load, bytes sent in
    // that moment were echoed by the terminal itself, not by the program).
    let deadline = Instant::now() + Duration::from_secs(10);
    while pair
        .master
        .get_termios()
        .is_some_and(|t| t.local_flags.contains(nix::sys::termios::LocalFlags::ECHO))
    {
        assert!(Instant::now() < deadline, "echo was never turned off");
        std::thread::sleep(Duration::from_millis(5));
    }
    writer.write_all(format!("{KEY}\r").as_bytes()).unwrap();
    writer.flush().unwrap();
    wait_for(&seen, "Profile default: key");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("auth login did not end");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let shown = String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
    assert!(status.success(), "{shown}");
    assert!(!shown.contains(KEY), "the key was echoed: {shown}");
    assert!(shown.contains("…abcd"), "{shown}");

    let mut whoami = signed_out(home.path());
    whoami.arg("whoami");
    let out = whoami.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}
