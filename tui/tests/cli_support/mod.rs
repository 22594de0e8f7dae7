//! Running the built `narrative-keys` binary from tests.
#![allow(dead_code, unused_imports, clippy::unwrap_used)] // each test file uses some of it

use std::process::Output;

use assert_cmd::Command;
use narrative_keys_emulator::RunningEmulator;
pub use narrative_keys_testkit::fixtures::{assert_mode_0600, json, mode, stderr, stdout};

/// The binary, pointed at `url` with `key`, without colour and without
/// inheriting the caller's environment; its default journals go under the
/// target directory's scratch space, never the user's home.
pub fn binary(url: &str, key: &str) -> Command {
    let mut cmd = Command::cargo_bin("narrative-keys").unwrap();
    cmd.env_clear()
        .env("NARRATIVE_API_KEY", key)
        .env("NARRATIVE_ENVIRONMENT", url)
        .env("NO_COLOR", "1")
        .env("XDG_STATE_HOME", state_home());
    cmd
}

/// Where the binary's state directory is in tests: `CARGO_TARGET_TMPDIR/state`.
pub fn state_home() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("state")
}

/// Runs `cmd` on a blocking thread, so an emulator on the test's runtime
/// keeps serving while the binary talks to it.
pub fn spawn(mut cmd: Command) -> tokio::task::JoinHandle<Output> {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
}

/// Runs the binary with `args` against `emu` as `key` (see [`spawn`]).
pub async fn run_as(emu: &RunningEmulator, key: &str, args: &[&str]) -> Output {
    let mut cmd = binary(emu.url(), key);
    cmd.args(args);
    spawn(cmd).await.unwrap()
}
