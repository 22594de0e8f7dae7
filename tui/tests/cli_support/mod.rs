//! Running the built `narrative-keys` binary from tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::process::Output;

use assert_cmd::Command;

/// The binary, pointed at `url` with `key`, without colour and without
/// inheriting the caller's environment.
pub fn binary(url: &str, key: &str) -> Command {
    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    cmd.env_clear()
        .env("NARRATIVE_API_KEY", key)
        .env("NARRATIVE_ENVIRONMENT", url)
        .env("NO_COLOR", "1");
    cmd
}

/// Runs `cmd` on a blocking thread, so an emulator on the test's runtime
/// keeps serving while the binary talks to it.
pub fn spawn(mut cmd: Command) -> tokio::task::JoinHandle<Output> {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
}
