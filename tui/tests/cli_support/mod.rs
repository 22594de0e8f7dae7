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
    Command::from_std(process(url, key))
}

/// [`binary`] as a `std::process::Command`, for a test that starts the
/// binary and signals it while it runs (see [`Started`]).
pub fn process(url: &str, key: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("narrative-keys"));
    // `PATH` only for the delivery commands it runs.
    cmd.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("NARRATIVE_API_KEY", key)
        .env("NARRATIVE_ENVIRONMENT", url)
        .env("NO_COLOR", "1")
        .env("XDG_STATE_HOME", state_home());
    cmd
}

/// The binary with no credentials at all, its settings (`auth login`'s
/// profiles) under `home`: `HOME` and `XDG_CONFIG_HOME` there, `CI` set so
/// no desktop keyring is asked.
pub fn signed_out(home: &std::path::Path) -> Command {
    Command::from_std(signed_out_process(home))
}

/// [`signed_out`] as a `std::process::Command`, for a test that chooses
/// where its output goes.
pub fn signed_out_process(home: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("narrative-keys"));
    cmd.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", state_home())
        .env("CI", "true");
    cmd
}

/// The binary started in a process group of its own, its output going to
/// files in `dir`; dropped, the whole group is killed, so a failing test
/// leaves no process behind.
pub struct Started {
    child: std::process::Child,
    stdout: std::path::PathBuf,
    stderr: std::path::PathBuf,
}

impl Started {
    /// Starts `cmd` (from [`process`]) with `args`; `name` names its output files in `dir`.
    pub fn new(
        mut cmd: std::process::Command,
        args: &[&str],
        dir: &std::path::Path,
        name: &str,
    ) -> Self {
        use std::os::unix::process::CommandExt;
        let stdout = dir.join(format!("{name}.stdout"));
        let stderr = dir.join(format!("{name}.stderr"));
        let child = cmd
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .process_group(0)
            .spawn()
            .unwrap();
        Self {
            child,
            stdout,
            stderr,
        }
    }

    /// The binary's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` (`KILL`, `TERM`, ...) to the binary alone, or with
    /// `group` to its whole process group (a delivery command included).
    pub fn signal(&self, signal: &str, group: bool) {
        let pid = self.child.id().to_string();
        let target = if group { format!("-{pid}") } else { pid };
        let sent = std::process::Command::new("kill")
            .args(["-s", signal, "--", &target])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -s {signal} {target}");
    }

    /// Waits for the binary to end (within 60 s), and returns its exit
    /// status (`None` when a signal ended it), stdout and stderr.
    pub async fn finish(mut self) -> (Option<i32>, String, String) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the binary did not end"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        };
        let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap();
        (status.code(), read(&self.stdout), read(&self.stderr))
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.signal("KILL", true);
            let _ = self.child.wait();
        }
    }
}

/// Waits (within 30 s) until the JSON file at `path` exists and `ready`
/// holds for it, and returns it: a journal, rewritten whole after every step.
pub async fn wait_for_json(
    path: &std::path::Path,
    what: &str,
    ready: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let read = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
        if let Some(v) = read.filter(|v| ready(v)) {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} never showed {what}: {:?}",
            path.display(),
            std::fs::read_to_string(path)
        );
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
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
