//! Keys as code at scale, through the binary against a local emulator;
//! prints figures and exits 1 when a target is missed (never a timed test).
//!
//! - `plan` of a 1,000-key file against an account of 10,000 keys, against
//!   `list --json` of the same account: target at most 1.2x (the median of
//!   5 runs each).
//! - `apply` of 100 rotations (each key due, its secret to its own file)
//!   with 20 ms added to every response, against 100 `rotate --overlap 24h
//!   --secret-out` commands one after another (the same work by hand):
//!   target at most 0.25.
//!
//! ```sh
//! cargo bench -p narrative-keys-tui --bench keys_as_code                 # the figures above
//! BENCH_KEYS=1000 BENCH_FILE_KEYS=100 BENCH_ROTATIONS=20 cargo bench -p narrative-keys-tui --bench keys_as_code   # CI's short mode
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may unwrap

use std::fmt::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::Utc;
use narrative_keys_emulator::RunningEmulator;
use narrative_keys_testkit::emulator::{emulator_builder, seed, start};

const ADMIN: &str = "bench-keys-as-code-admin";
const PLAN_TARGET: f64 = 1.2;
const APPLY_TARGET: f64 = 0.25;
const LATENCY: Duration = Duration::from_millis(20);

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The binary pointed at `emu`, its state (journals) under `state`.
fn binary(emu: &RunningEmulator, state: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_narrative-keys"));
    cmd.args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("NARRATIVE_API_KEY", ADMIN)
        .env("NARRATIVE_ENVIRONMENT", emu.url())
        .env("NO_COLOR", "1")
        .env("XDG_STATE_HOME", state);
    cmd
}

/// Runs `cmd` to its end on a blocking thread (the emulator serves on this
/// runtime meanwhile): how long it took, and its exit status.
async fn timed(mut cmd: Command) -> (Duration, Option<i32>, String) {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let out = cmd.output().unwrap();
        let took = started.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (took, out.status.code(), stderr)
    })
    .await
    .unwrap()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

/// `plan` of a `file_keys`-key file against `keys` keys, and `list --json`.
async fn plan_against_list(keys: usize, file_keys: usize) -> f64 {
    let emu = start(emulator_builder(ADMIN)).await;
    let expires = Some(Utc::now() + chrono::Duration::days(60));
    for i in 0..keys {
        seed(
            &emu,
            &format!("svc-{i:05}"),
            &[("read", "datasets")],
            expires,
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..file_keys {
        let _ = write!(
            text,
            "[[key]]\nname = \"svc-{i:05}\"\ngrant = [\"read:datasets\"]\nsecret_out = \"secrets/svc-{i:05}.env\"\n\n"
        );
    }
    let file = dir.path().join("narrative-keys.toml");
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();
    let (mut plans, mut lists) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let (took, code, stderr) = timed(binary(&emu, dir.path(), &["list", "--json"])).await;
        assert_eq!(code, Some(0), "{stderr}");
        lists.push(took);
        let (took, code, stderr) = timed(binary(&emu, dir.path(), &["plan", "--file", file])).await;
        assert_eq!(code, Some(0), "the file matches the account: {stderr}");
        plans.push(took);
    }
    emu.shutdown().await;
    let (plan, list) = (median(plans), median(lists));
    let ratio = plan.as_secs_f64() / list.as_secs_f64();
    println!(
        "plan of a {file_keys}-key file against {keys} keys: {:.0} ms; list --json: {:.0} ms; ratio {ratio:.2} (target <= {PLAN_TARGET})",
        plan.as_secs_f64() * 1000.0,
        list.as_secs_f64() * 1000.0
    );
    ratio
}

/// An emulator with 20 ms latency and `count` keys due for rotation.
async fn due_keys(count: usize) -> RunningEmulator {
    let emu = start(emulator_builder(ADMIN).latency(LATENCY)).await;
    let expires = Some(Utc::now() + chrono::Duration::days(3));
    for i in 0..count {
        seed(
            &emu,
            &format!("rot-{i:03}"),
            &[("read", "datasets")],
            expires,
        );
    }
    emu
}

/// One `apply` of `count` rotations, against `count` `rotate` commands.
async fn apply_against_rotate(count: usize) -> f64 {
    let emu = due_keys(count).await;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("[defaults]\noverlap = \"24h\"\n\n");
    for i in 0..count {
        let _ = write!(
            text,
            "[[key]]\nname = \"rot-{i:03}\"\ngrant = [\"read:datasets\"]\nsecret_out = \"rot-{i:03}.env\"\n\n"
        );
    }
    let file = dir.path().join("narrative-keys.toml");
    std::fs::write(&file, text).unwrap();
    let apply = binary(
        &emu,
        dir.path(),
        &["apply", "--yes", "--file", file.to_str().unwrap()],
    );
    let (applied, code, stderr) = timed(apply).await;
    assert_eq!(code, Some(0), "{stderr}");
    let (_, code, stderr) = timed(binary(
        &emu,
        dir.path(),
        &["plan", "--file", file.to_str().unwrap()],
    ))
    .await;
    assert_eq!(code, Some(0), "one apply did every rotation: {stderr}");
    emu.shutdown().await;

    let emu = due_keys(count).await;
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    for i in 0..count {
        let name = format!("rot-{i:03}");
        let out = dir.path().join(format!("{name}.env"));
        let rotate = binary(
            &emu,
            dir.path(),
            &[
                "rotate",
                &name,
                "--overlap",
                "24h",
                "--secret-out",
                out.to_str().unwrap(),
            ],
        );
        let (_, code, stderr) = timed(rotate).await;
        assert_eq!(code, Some(0), "{stderr}");
    }
    let rotated = started.elapsed();
    emu.shutdown().await;
    let ratio = applied.as_secs_f64() / rotated.as_secs_f64();
    println!(
        "{count} rotations at {} ms latency: apply {:.2} s; {count} rotate commands {:.2} s; ratio {ratio:.3} (target <= {APPLY_TARGET})",
        LATENCY.as_millis(),
        applied.as_secs_f64(),
        rotated.as_secs_f64()
    );
    ratio
}

#[tokio::main]
async fn main() {
    let keys = setting("BENCH_KEYS", 10_000);
    let file_keys = setting("BENCH_FILE_KEYS", 1_000).min(keys);
    let rotations = setting("BENCH_ROTATIONS", 100);
    let plan = plan_against_list(keys, file_keys).await;
    let apply = apply_against_rotate(rotations).await;
    let mut missed = false;
    if plan > PLAN_TARGET {
        eprintln!("plan/list ratio {plan:.2} is above the target {PLAN_TARGET}");
        missed = true;
    }
    if apply > APPLY_TARGET {
        eprintln!("apply/rotate ratio {apply:.3} is above the target {APPLY_TARGET}");
        missed = true;
    }
    if missed {
        std::process::exit(1);
    }
}
