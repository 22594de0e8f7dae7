//! The CI recipes in `examples/ci/` run as written: their command lines are
//! read from the workflow files and the crontab (so a test cannot drift from
//! them) and run through `sh` against the emulator, with a stand-in `gh` on
//! `PATH` that records what it was given and checks that each secret
//! authenticates before it "stores" it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use narrative_keys_emulator::RunningEmulator;
use narrative_keys_testkit::emulator::{emulator, seed_days};

mod cli_support;
use cli_support::{spawn, state_home, stderr, stdout};

const ADMIN: &str = "ci-recipes-admin-secret";

fn recipe(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/ci")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `run:` line of the step called `step` in a workflow.
fn run_line(workflow: &str, step: &str) -> String {
    let text = recipe(workflow);
    let mut lines = text
        .lines()
        .skip_while(|l| l.trim() != format!("- name: {step}"));
    assert!(lines.next().is_some(), "{workflow} has no step {step:?}");
    let run = lines
        .take_while(|l| !l.trim_start().starts_with("- "))
        .find_map(|l| l.trim().strip_prefix("run: "))
        .unwrap_or_else(|| panic!("step {step:?} of {workflow} has no one-line run:"));
    run.to_owned()
}

/// A checkout holding the keys file where the workflows expect it, a `bin`
/// folder with the stand-in `gh`, and what `gh` was given.
struct Checkout {
    dir: tempfile::TempDir,
}

impl Checkout {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("examples/ci")).unwrap();
        std::fs::write(
            dir.path().join("examples/ci/narrative-keys.toml"),
            recipe("narrative-keys.toml"),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        let gh = dir.path().join("bin/gh");
        // Stand-in for `gh secret set NAME`: the secret on stdin must work
        // (`narrative-keys whoami` with it) before it is recorded.
        std::fs::write(
            &gh,
            r#"#!/bin/sh
[ "$1 $2" = "secret set" ] && [ $# -eq 3 ] || { echo "gh stand-in: unexpected arguments: $*" >&2; exit 2; }
secret=$(cat)
NARRATIVE_API_KEY="$secret" narrative-keys whoami >/dev/null || { echo "gh stand-in: the secret for $3 does not authenticate" >&2; exit 3; }
printf '%s\n' "$*" >> "$GH_CALLS"
printf '%s=%s\n' "$3" "$secret" >> "$GH_SECRETS"
"#,
        )
        .unwrap();
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `line` with `sh -c` in the checkout, as the workflow's runner
    /// would: the API key from the environment (the repository secret), the
    /// binary and `gh` on `PATH`.
    async fn run(&self, emu: &RunningEmulator, line: &str) -> Output {
        let binary = assert_cmd::cargo::cargo_bin("narrative-keys");
        let path = format!(
            "{}:{}:/usr/bin:/bin",
            self.path("bin").display(),
            binary.parent().unwrap().display()
        );
        let mut cmd = assert_cmd::Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(line)
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", path)
            .env("NARRATIVE_API_KEY", ADMIN)
            .env("NARRATIVE_ENVIRONMENT", emu.url())
            .env("NO_COLOR", "1")
            .env("XDG_STATE_HOME", state_home())
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            .env("GH_CALLS", self.path("gh-calls"))
            .env("GH_SECRETS", self.path("gh-secrets"));
        spawn(cmd).await.unwrap()
    }

    /// The secrets `gh secret set` stored, last value of each name.
    fn stored(&self) -> std::collections::BTreeMap<String, String> {
        std::fs::read_to_string(self.path("gh-secrets"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

fn said(out: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", stdout(out), stderr(out))
}

/// Live keys by name, as the emulator lists them.
fn names(emu: &RunningEmulator) -> Vec<String> {
    let mut names = emu.store().key_names().unwrap();
    names.retain(|n| n != narrative_keys_emulator::BOOTSTRAP_KEY_NAME);
    names.sort();
    names
}

#[test]
fn the_nightly_workflow_has_one_concurrency_group_that_never_cancels_and_the_key_from_a_secret() {
    let text = recipe("narrative-keys-nightly.yml");
    assert_eq!(text.matches("concurrency:").count(), 1, "{text}");
    assert!(text.contains("cancel-in-progress: false"), "{text}");
    assert!(
        text.contains("NARRATIVE_API_KEY: ${{ secrets.NARRATIVE_API_KEY }}"),
        "{text}"
    );
    assert!(text.contains("schedule:"), "{text}");
    let apply = run_line("narrative-keys-nightly.yml", "Apply");
    assert!(apply.starts_with("narrative-keys apply --yes"), "{apply}");
    let plan = recipe("narrative-keys-plan.yml");
    assert!(plan.contains("pull_request:"), "{plan}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pull_request_gate_fails_on_drift_and_the_nightly_apply_clears_it() {
    let emu = emulator(ADMIN).await;
    let checkout = Checkout::new();
    let gate = run_line("narrative-keys-plan.yml", "Plan");
    let out = checkout.run(&emu, &gate).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "drift fails the check: {}",
        said(&out)
    );
    let summary = std::fs::read_to_string(checkout.path("summary.md")).unwrap();
    assert!(summary.contains("| + | ci-ingest |"), "{summary}");

    let nightly = run_line("narrative-keys-nightly.yml", "Apply");
    let out = checkout.run(&emu, &nightly).await;
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let stored = checkout.stored();
    assert_eq!(
        stored.keys().collect::<Vec<_>>(),
        [
            "NARRATIVE_ANALYTICS_KEY",
            "NARRATIVE_INGEST_KEY",
            "NARRATIVE_WORKFLOWS_KEY"
        ],
        "{}",
        said(&out)
    );
    let calls = std::fs::read_to_string(checkout.path("gh-calls")).unwrap();
    assert!(
        calls.contains("secret set NARRATIVE_INGEST_KEY\n"),
        "{calls}"
    );
    for secret in stored.values() {
        assert!(!stdout(&out).contains(secret.as_str()) && !stderr(&out).contains(secret.as_str()));
    }
    assert_eq!(names(&emu), ["ci-analytics", "ci-ingest", "ci-workflows"]);

    let out = checkout.run(&emu, &gate).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "no drift passes: {}",
        said(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cron_line_rotates_a_due_key_into_its_repository_secret() {
    let emu = emulator(ADMIN).await;
    // Expiring in 3 days: within rotate_before (14d).
    seed_days(
        &emu,
        "ci-ingest",
        &[("write", "datasets"), ("write", "data_streams")],
        Some(3),
    );
    let checkout = Checkout::new();
    let cron = recipe("crontab");
    let line = cron
        .lines()
        .find(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .unwrap();
    // The five schedule fields, then the command as cron runs it, moved to
    // the test's folders.
    let command = line
        .split_whitespace()
        .skip(5)
        .collect::<Vec<_>>()
        .join(" ");
    let dir = checkout.dir.path().display().to_string();
    let command = command
        .replace("/srv/keys", &dir)
        .replace(
            "/tmp/narrative-keys-apply.lock",
            &format!("{dir}/apply.lock"),
        )
        .replace(
            "/var/log/narrative-keys-apply.log",
            &format!("{dir}/apply.log"),
        );
    let out = checkout.run(&emu, &command).await;
    let log = std::fs::read_to_string(checkout.path("apply.log")).unwrap_or_default();
    assert_eq!(out.status.code(), Some(0), "{}\nlog:\n{log}", said(&out));
    assert!(log.contains("↻ ci-ingest done"), "{log}");
    let stored = checkout.stored();
    assert_eq!(stored.len(), 3, "{log}");
    // The old ci-ingest is retiring, its successor is the one stored.
    let names = names(&emu);
    assert!(
        names.iter().any(|n| n.starts_with("ci-ingest (retiring ")),
        "{names:?}"
    );
}
