//! A build without the `demo` feature: the demo's flags end in a usage error
//! that says how to get the demo, never a panic. Only such a build has tests
//! here: `cargo test -p narrative-keys-tui --no-default-features --test
//! cli_no_demo`, as .ci/suites/10-rust.sh runs it.
#![cfg(not(feature = "demo"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use assert_cmd::Command;

fn binary() -> Command {
    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    cmd.env_clear().env("NO_COLOR", "1");
    cmd
}

#[test]
fn demo_flags_say_this_build_has_no_demo_mode() {
    let cases: [&[&str]; 5] = [
        &["--demo"],
        &["--demo", "list"],
        &["--demo", "--reset", "list"],
        &["--demo-db", "demo.db", "catalog"],
        &["--demo", "--api-key", "some-key", "whoami"],
    ];
    for args in cases {
        let out = binary().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("this build of narrative-keys has no demo mode")
                && stderr.contains("--features demo"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn with_json_the_refusal_is_one_json_document() {
    let out = binary()
        .args(["--demo", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["code"], "usage");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no demo mode")
    );
}

#[test]
fn help_says_the_demo_needs_the_feature() {
    let out = binary().arg("--help").output().unwrap();
    assert!(out.status.success());
    // Joined up again: clap wraps help to the terminal's width.
    let help = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(help.contains("--demo"), "{help}");
    assert!(help.contains("rebuild with --features demo"), "{help}");
}

#[test]
fn the_welcome_screen_offers_no_demo() {
    // No credentials: the welcome screen, which must not suggest a flag this
    // build refuses.
    let out = binary().output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("NARRATIVE_API_KEY"), "{stdout}");
    assert!(!stdout.contains("--demo"), "{stdout}");
}
