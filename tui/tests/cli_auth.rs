//! `auth login` and named profiles, through the binary, against two
//! emulators standing for two environments, with a temporary `HOME` and
//! `XDG_CONFIG_HOME` and `CI` set (no desktop keyring): login with
//! `--with-token`, two profiles, `--profile` and `NARRATIVE_PROFILE`, every
//! precedence rule, the file's 0600 mode and the refusal of 0644, masking in
//! text and JSON, logout twice, and the key where it belongs only.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use narrative_keys_emulator::RunningEmulator;
use serde_json::Value;

mod cli_support;
use cli_support::{
    assert_mode_0600, json, mode, signed_out, signed_out_process, spawn, stderr, stdout,
};
use narrative_keys_testkit::emulator::emulator;

const KEY_A: &str = "nk-auth-prod-admin-secret-0123456789AAAA";
const KEY_B: &str = "nk-auth-dev-admin-secret-0123456789BBBB";

/// Two environments and a home for the binary's settings.
struct World {
    a: RunningEmulator,
    b: RunningEmulator,
    home: tempfile::TempDir,
}

impl World {
    async fn new() -> Self {
        Self {
            a: emulator(KEY_A).await,
            b: emulator(KEY_B).await,
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = signed_out(self.home.path());
        cmd.args(args);
        cmd
    }

    /// Runs with `env` set, off the test's runtime so the emulators serve.
    async fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = self.cmd(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        spawn(cmd).await.unwrap()
    }

    async fn login(&self, args: &[&str], key: &str) -> Output {
        let mut cmd = self.cmd(&[&["auth", "login", "--with-token"], args].concat());
        cmd.write_stdin(format!("{key}\n"));
        spawn(cmd).await.unwrap()
    }

    /// [`World::login`] with `CI` unset: the OS keyring is tried first.
    async fn login_without_ci(&self, args: &[&str], key: &str) -> Output {
        let mut cmd = self.cmd(&[&["auth", "login", "--with-token"], args].concat());
        cmd.env_remove("CI").write_stdin(key);
        spawn(cmd).await.unwrap()
    }

    /// Both profiles: `default` on A (the default), `dev` on B.
    async fn two_profiles(&self) {
        let out = self.login(&["--environment", self.a.url()], KEY_A).await;
        assert!(out.status.success(), "{}", stderr(&out));
        let out = self
            .login(&["--profile", "dev", "--environment", self.b.url()], KEY_B)
            .await;
        assert!(out.status.success(), "{}", stderr(&out));
    }

    fn dir(&self) -> std::path::PathBuf {
        self.home.path().join("config").join("narrative-keys")
    }

    /// `whoami --json`'s sources, with `env` set and `args` before it.
    async fn sources(&self, args: &[&str], env: &[(&str, &str)]) -> (String, String, Value) {
        let out = self.run(&[args, &["whoami", "--json"]].concat(), env).await;
        assert!(out.status.success(), "{args:?} {env:?}: {}", stderr(&out));
        let v = json(&out);
        (
            v["credential_source"].as_str().unwrap().to_owned(),
            v["environment_source"].as_str().unwrap().to_owned(),
            v,
        )
    }

    /// `auth status --json`'s winning sources: read without connecting, so
    /// a combination that sends a key to another environment is seen too.
    async fn active(&self, args: &[&str], env: &[(&str, &str)]) -> (Value, Value) {
        let out = self
            .run(&[args, &["auth", "status", "--json"]].concat(), env)
            .await;
        let v = json(&out);
        (
            v["active"]["credential_source"].clone(),
            v["active"]["environment_source"].clone(),
        )
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn login_with_token_checks_the_key_and_keeps_it_in_a_private_file() {
    let w = World::new().await;
    let out = w.login(&["--environment", w.a.url()], KEY_A).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("Signed in to {}", w.a.url())),
        "{err}"
    );
    assert!(err.contains("company"), "names the company: {err}");
    assert!(err.contains("Profile default: key …AAAA"), "{err}");
    assert!(err.contains("the default profile"), "{err}");
    assert!(
        !err.contains("warning"),
        "CI chose the file on purpose: {err}"
    );
    let creds = w.dir().join("credentials.toml");
    assert_mode_0600(&creds);
    assert_eq!(mode(&w.dir()), 0o700);
    let config = std::fs::read_to_string(w.dir().join("config.toml")).unwrap();
    assert!(!config.contains(KEY_A), "{config}");
    assert!(config.contains("storage = \"file\""), "{config}");
    assert!(std::fs::read_to_string(&creds).unwrap().contains(KEY_A));
    assert!(!stdout(&out).contains(KEY_A));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_key_is_not_saved_and_off_a_terminal_the_key_must_come_with_with_token() {
    let w = World::new().await;
    let out = w.login(&["--environment", w.a.url()], KEY_B).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was saved"),
        "{}",
        stderr(&out)
    );
    assert!(!w.dir().join("config.toml").exists());
    assert!(!w.dir().join("credentials.toml").exists());

    let out = w
        .run(&["auth", "login", "--environment", w.a.url()], &[])
        .await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("not a terminal"), "{err}");
    assert!(err.contains("--with-token"), "{err}");

    let out = w.login(&["--environment", w.a.url()], "  \n").await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no key was given"),
        "{}",
        stderr(&out)
    );

    let out = w.login(&["--profile", "two words"], KEY_A).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not allowed"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_ci_and_no_keyring_the_key_falls_back_to_the_file_with_one_warning() {
    let w = World::new().await;
    // No D-Bus session here: the Secret Service cannot answer.
    let out = w
        .login_without_ci(&["--environment", w.a.url()], KEY_A)
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let creds = w.dir().join("credentials.toml");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].contains("no OS keyring answered"), "{err}");
    assert!(warnings[0].contains(&creds.display().to_string()), "{err}");
    assert_mode_0600(&creds);

    // --insecure-storage chooses the file without a warning.
    let out = w
        .login_without_ci(
            &[
                "--insecure-storage",
                "--profile",
                "dev",
                "--environment",
                w.b.url(),
            ],
            KEY_B,
        )
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_precedence_rule_for_the_key_and_the_environment() {
    let w = World::new().await;
    w.two_profiles().await;
    let (a, b) = (w.a.url(), w.b.url());

    // The default profile: its key and its environment.
    let (key, env, v) = w.sources(&[], &[]).await;
    assert_eq!(
        (key.as_str(), env.as_str()),
        ("profile default (file)", "profile default")
    );
    assert_eq!(v["credential_last_four"], "AAAA");
    // NARRATIVE_PROFILE names another.
    let (key, env, v) = w.sources(&[], &[("NARRATIVE_PROFILE", "dev")]).await;
    assert_eq!(
        (key.as_str(), env.as_str()),
        ("profile dev (file)", "profile dev")
    );
    assert_eq!(v["credential_last_four"], "BBBB");
    // --profile wins over NARRATIVE_PROFILE and over the key variables.
    let (key, env, _) = w
        .sources(
            &["--profile", "dev"],
            &[
                ("NARRATIVE_PROFILE", "default"),
                ("NARRATIVE_API_KEY", KEY_A),
                ("NARRATIVE_ENVIRONMENT", a),
            ],
        )
        .await;
    assert_eq!(
        (key.as_str(), env.as_str()),
        ("profile dev (file)", "profile dev")
    );
    // --api-key wins over --profile, which still gives the environment.
    let (key, env) = w
        .active(&["--api-key", KEY_A, "--profile", "dev"], &[])
        .await;
    assert_eq!((key, env), ("--api-key".into(), "profile dev".into()));
    // --environment wins over --profile's.
    let (key, env, _) = w
        .sources(&["--profile", "default", "--environment", a], &[])
        .await;
    assert_eq!(
        (key.as_str(), env.as_str()),
        ("profile default (file)", "--environment")
    );
    // NARRATIVE_API_KEY wins over NARRATIVE_PROFILE and the default profile;
    // the profile's environment is not used for a key from elsewhere.
    let (key, env, _) = w
        .sources(
            &[],
            &[
                ("NARRATIVE_API_KEY", KEY_B),
                ("NARRATIVE_ENVIRONMENT", b),
                ("NARRATIVE_PROFILE", "default"),
            ],
        )
        .await;
    assert_eq!(
        (key.as_str(), env.as_str()),
        ("NARRATIVE_API_KEY", "NARRATIVE_ENVIRONMENT")
    );
    // F8: a key from a variable or --api-key, no environment named: the
    // environment of NARRATIVE_PROFILE's profile, else of the default
    // profile (as aws takes the profile's region), never prod unasked.
    let (key, env, v) = w
        .sources(
            &[],
            &[("NARRATIVE_API_KEY", KEY_B), ("NARRATIVE_PROFILE", "dev")],
        )
        .await;
    assert_eq!(
        (key.as_str(), env.as_str()),
        ("NARRATIVE_API_KEY", "profile dev (NARRATIVE_PROFILE)")
    );
    // KEY_B works only on B: whoami succeeding shows where it went.
    assert_eq!(v["credential_last_four"], "BBBB");
    // The default profile is on A; KEY_A works only there.
    let (key, env, v) = w.sources(&["--api-key", KEY_A], &[]).await;
    assert_eq!(
        (key.as_str(), env.as_str()),
        ("--api-key", "profile default (the default profile)")
    );
    assert_eq!(v["credential_last_four"], "AAAA");
    let out = w
        .run(
            &["whoami"],
            &[("NARRATIVE_API_KEY", KEY_B), ("NARRATIVE_PROFILE", "dev")],
        )
        .await;
    assert!(
        stdout(&out)
            .contains("from NARRATIVE_API_KEY, environment from profile dev (NARRATIVE_PROFILE)"),
        "{}",
        stdout(&out)
    );
    let (_, env) = w
        .active(
            &[],
            &[("NARRATIVE_API_KEY", KEY_B), ("NARRATIVE_PROFILE", "dev")],
        )
        .await;
    assert_eq!(env, "profile dev (NARRATIVE_PROFILE)");
    // Without profiles, such a key goes to prod, the default.
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = signed_out(empty.path());
    cmd.args(["auth", "status", "--json"])
        .env("NARRATIVE_API_KEY", KEY_B);
    let v = json(&spawn(cmd).await.unwrap());
    assert_eq!(v["active"]["environment_source"], "default", "{v}");
    // NARRATIVE_API_TOKEN likewise, after NARRATIVE_API_KEY.
    let (key, _, _) = w
        .sources(
            &[],
            &[("NARRATIVE_API_TOKEN", KEY_B), ("NARRATIVE_API_URL", b)],
        )
        .await;
    assert_eq!(key, "NARRATIVE_API_TOKEN");
    let (key, _) = w
        .active(
            &[],
            &[("NARRATIVE_API_TOKEN", KEY_B), ("NARRATIVE_API_KEY", KEY_A)],
        )
        .await;
    assert_eq!(key, "NARRATIVE_API_KEY");
    // With the profile's key: the environment variables win over its
    // environment, NARRATIVE_ENVIRONMENT before NARRATIVE_API_URL.
    let (_, env, _) = w.sources(&[], &[("NARRATIVE_API_URL", a)]).await;
    assert_eq!(env, "NARRATIVE_API_URL");
    let (_, env) = w
        .active(
            &[],
            &[("NARRATIVE_ENVIRONMENT", b), ("NARRATIVE_API_URL", a)],
        )
        .await;
    assert_eq!(env, "NARRATIVE_ENVIRONMENT");
    // The profile's key sent to B, the default's own environment is A: refused.
    let out = w.run(&["whoami"], &[("NARRATIVE_ENVIRONMENT", b)]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // whoami's text names the sources too.
    let out = w.run(&["--profile", "dev", "whoami"], &[]).await;
    assert!(
        stdout(&out).contains("from profile dev (file), environment from profile dev"),
        "{}",
        stdout(&out)
    );
    // Every command reads them: list works through the profile.
    let out = w.run(&["--profile", "dev", "list", "--json"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_profile_is_an_error_naming_the_ones_there_are() {
    let w = World::new().await;
    let out = w.run(&["--profile", "work", "list"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("auth login --profile work"),
        "{}",
        stderr(&out)
    );
    w.two_profiles().await;
    let out = w.run(&["list"], &[("NARRATIVE_PROFILE", "work")]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("NARRATIVE_PROFILE names profile work"),
        "{err}"
    );
    assert!(err.contains("default, dev"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_masks_the_keys_in_text_and_json_and_fails_for_a_dead_key() {
    let w = World::new().await;
    w.two_profiles().await;
    let out = w.run(&["auth", "status"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("* default (default)"), "{text}");
    assert!(text.contains("key: …AAAA in"), "{text}");
    assert!(text.contains("key: …BBBB in"), "{text}");
    assert!(text.contains("signed in as"), "{text}");
    assert!(
        text.contains("Commands use: key from profile default (file)"),
        "{text}"
    );
    assert!(!text.contains(KEY_A) && !text.contains(KEY_B), "{text}");

    let out = w.run(&["auth", "status", "--json"], &[]).await;
    let raw = stdout(&out);
    assert!(!raw.contains(KEY_A) && !raw.contains(KEY_B), "{raw}");
    let v = json(&out);
    assert_eq!(v["active"]["profile"], "default");
    assert_eq!(v["profiles"][0]["credential_last_four"], "AAAA");
    assert_eq!(v["profiles"][0]["works"], true);
    assert_eq!(v["profiles"][1]["name"], "dev");
    assert_eq!(v["profiles"][1]["storage"], "file");

    let out = w.run(&["auth", "status", "--show-token"], &[]).await;
    assert!(stdout(&out).contains(KEY_A), "revealed on request");
    let out = w
        .run(&["auth", "status", "--show-token", "--json"], &[])
        .await;
    assert_eq!(out.status.code(), Some(2), "--json never holds the key");

    // Revoke dev's own key on B: its profile no longer authenticates.
    let out = w.run(&["--profile", "dev", "list", "--json"], &[]).await;
    let id = json(&out)[0]["id"].as_str().unwrap().to_owned();
    let out = w
        .run(&["--profile", "dev", "revoke", &id, "--yes"], &[])
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = w.run(&["auth", "status", "--json"], &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["profiles"][1]["works"], false);
    let out = w.run(&["auth", "status"], &[]).await;
    assert!(stdout(&out).contains("NOT WORKING"), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn switch_changes_the_default_and_list_marks_it() {
    let w = World::new().await;
    w.two_profiles().await;
    let out = w.run(&["auth", "switch", "dev"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Default profile: dev"),
        "{}",
        stderr(&out)
    );
    let (key, _, _) = w.sources(&[], &[]).await;
    assert_eq!(key, "profile dev (file)");
    let out = w.run(&["auth", "list"], &[]).await;
    let text = stdout(&out);
    let dev = text.lines().find(|l| l.contains(" dev ")).unwrap();
    assert!(dev.starts_with("* (default)"), "{text}");
    let out = w.run(&["auth", "list", "--json"], &[]).await;
    let v = json(&out);
    assert_eq!(v[1]["name"], "dev");
    assert_eq!(v[1]["default"], true);
    let out = w.run(&["auth", "switch", "nope"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    let out = w
        .run(
            &["auth", "switch", "default"],
            &[("NARRATIVE_PROFILE", "dev")],
        )
        .await;
    assert!(
        stderr(&out).contains("NARRATIVE_PROFILE is set to dev"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_credentials_file_others_can_read_is_refused_with_its_chmod() {
    let w = World::new().await;
    w.two_profiles().await;
    let creds = w.dir().join("credentials.toml");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = w.run(&["whoami"], &[]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("readable by others (mode 0644)"), "{err}");
    assert!(
        err.contains(&format!("chmod 600 {}", creds.display())),
        "{err}"
    );
    assert!(!err.contains(KEY_A));
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_forgets_the_key_says_it_still_works_and_is_harmless_twice() {
    let w = World::new().await;
    w.two_profiles().await;
    let out = w.run(&["auth", "logout", "--profile", "dev"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Signed out of profile dev"), "{err}");
    assert!(err.contains("…BBBB still works on the server"), "{err}");
    assert!(err.contains("narrative-keys revoke ID"), "{err}");
    let creds = std::fs::read_to_string(w.dir().join("credentials.toml")).unwrap();
    assert!(!creds.contains(KEY_B) && creds.contains(KEY_A));
    let out = w.run(&["auth", "logout", "--profile", "dev"], &[]).await;
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("nothing to remove"),
        "{}",
        stderr(&out)
    );
    let out = w.run(&["--profile", "dev", "list"], &[]).await;
    assert_eq!(out.status.code(), Some(2));

    // The default: logged out, no default is left and no key in any file.
    let out = w.run(&["auth", "logout"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!w.dir().join("credentials.toml").exists());
    let out = w.run(&["auth", "logout", "--all"], &[]).await;
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("nothing to remove"),
        "{}",
        stderr(&out)
    );
    let out = w.run(&["list"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("auth login"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn token_prints_the_bare_key_only_where_it_is_kept() {
    let w = World::new().await;
    w.two_profiles().await;
    let out = w.run(&["auth", "token"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{KEY_A}\n"));
    let out = w.run(&["--profile", "dev", "auth", "token"], &[]).await;
    assert_eq!(stdout(&out), format!("{KEY_B}\n"));
    let mut cmd = signed_out_process(w.home.path());
    cmd.args(["auth", "token"])
        .stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/null")
                .unwrap(),
        )
        .stderr(std::process::Stdio::piped());
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("so the key would be lost"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains(KEY_A));
}

#[tokio::test(flavor = "multi_thread")]
async fn login_warns_when_a_key_variable_will_win() {
    let w = World::new().await;
    let mut cmd = w.cmd(&["auth", "login", "--with-token", "--environment", w.a.url()]);
    cmd.env("NARRATIVE_API_KEY", KEY_B).write_stdin(KEY_A);
    let out = spawn(cmd).await.unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: NARRATIVE_API_KEY is set and wins over the default profile"),
        "{err}"
    );
    assert!(!err.contains(KEY_B) && !err.contains(KEY_A));
}

#[tokio::test(flavor = "multi_thread")]
async fn auth_refuses_demo_and_api_key() {
    let w = World::new().await;
    let out = w.run(&["--demo", "auth", "status"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    let out = w
        .login(&["--api-key", KEY_A, "--environment", w.a.url()], KEY_A)
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("shell history"), "{}", stderr(&out));
    let out = w.run(&["--demo", "--profile", "dev", "list"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(!Path::new(&w.dir()).join("config.toml").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_without_a_default_removes_nothing_and_names_the_profiles() {
    let w = World::new().await;
    w.two_profiles().await;
    let out = w.run(&["auth", "logout"], &[]).await;
    assert!(
        stderr(&out).contains("Signed out of profile default"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("auth switch NAME (dev)"),
        "{}",
        stderr(&out)
    );
    let out = w.run(&["auth", "logout"], &[]).await;
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(err.contains("nothing was removed. Signed in: dev"), "{err}");
    let out = w.run(&["--profile", "dev", "whoami"], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_terminal_ui_takes_its_key_from_the_profiles_too() {
    let w = World::new().await;
    // Signed out: the welcome, as before.
    let out = w.run(&[], &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("--demo"), "{}", stdout(&out));
    w.two_profiles().await;
    // Signed in: credentials found, so only the missing terminal stops it.
    let out = w.run(&[], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("needs a terminal"),
        "{}",
        stderr(&out)
    );
    let out = w.run(&["--profile", "nope"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--profile names profile nope"),
        "{}",
        stderr(&out)
    );
}

/// F10: an empty `--api-key` (`"$(cat missing-file)"`) or a key variable
/// set but empty is a usage error naming it, never a quiet fall back to
/// another key.
#[tokio::test(flavor = "multi_thread")]
async fn an_empty_key_is_an_error_not_a_fall_back_to_another_key() {
    let w = World::new().await;
    w.two_profiles().await;
    for (args, env, named) in [
        (&["--api-key", ""][..], &[][..], "--api-key is empty"),
        (
            &["--api-key", "  "][..],
            &[("NARRATIVE_API_KEY", KEY_A)][..],
            "--api-key is empty",
        ),
        (
            &[][..],
            &[("NARRATIVE_API_KEY", "")][..],
            "NARRATIVE_API_KEY is set but empty",
        ),
        (
            &[][..],
            &[("NARRATIVE_API_TOKEN", " "), ("NARRATIVE_PROFILE", "dev")][..],
            "NARRATIVE_API_TOKEN is set but empty",
        ),
    ] {
        let out = w.run(&[args, &["whoami"]].concat(), env).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}: {err}");
        assert!(err.contains(named), "{args:?} {env:?}: {err}");
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    }
    // Where the flag wins, the variable is not consulted.
    let (key, _, _) = w
        .sources(&["--profile", "dev"], &[("NARRATIVE_API_KEY", "")])
        .await;
    assert_eq!(key, "profile dev (file)");
}

/// F7: with `config.toml` moved away, `auth list` and `auth status` name
/// the keys `credentials.toml` still holds, and `auth logout --all`
/// removes them whatever `config.toml` says.
#[tokio::test(flavor = "multi_thread")]
async fn keys_the_credentials_file_holds_for_no_profile_are_named_and_logout_all_removes_them() {
    let w = World::new().await;
    w.two_profiles().await;
    let creds = w.dir().join("credentials.toml");
    std::fs::rename(
        w.dir().join("config.toml"),
        w.home.path().join("moved.toml"),
    )
    .unwrap();
    for args in [&["auth", "list"][..], &["auth", "status"][..]] {
        let out = w.run(args, &[]).await;
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{} also holds keys", creds.display())),
            "{args:?}: {err}"
        );
        assert!(err.contains("(orphaned): default, dev"), "{args:?}: {err}");
        assert!(err.contains("auth logout --all"), "{args:?}: {err}");
        assert!(!err.contains(KEY_A) && !err.contains(KEY_B));
    }
    let v = json(&w.run(&["auth", "status", "--json"], &[]).await);
    assert_eq!(v["orphaned_keys"], serde_json::json!(["default", "dev"]));
    let out = w.run(&["auth", "logout", "--all"], &[]).await;
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("Removed the keys"), "{err}");
    assert!(!err.contains("nothing to remove"), "{err}");
    assert!(!creds.exists(), "the keys are gone");
    let out = w.run(&["auth", "logout", "--all"], &[]).await;
    assert!(
        stderr(&out).contains("nothing to remove"),
        "{}",
        stderr(&out)
    );
}

/// F18: each auth message says what is wrong and what to do about it.
#[tokio::test(flavor = "multi_thread")]
async fn auth_messages_name_the_real_cause_and_the_fix() {
    let w = World::new().await;
    // A wrong key given to login: the hint speaks of that key.
    let out = w.login(&["--environment", w.a.url()], KEY_B).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the key given to auth login was refused"),
        "{err}"
    );
    assert!(
        !err.contains("check --api-key or NARRATIVE_API_KEY"),
        "{err}"
    );
    w.two_profiles().await;
    // auth token for a profile that does not exist.
    let out = w.run(&["--profile", "nope", "auth", "token"], &[]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--profile names profile nope, which does not exist"),
        "{err}"
    );
    let out = w
        .run(&["auth", "token"], &[("NARRATIVE_PROFILE", "nope")])
        .await;
    assert!(
        stderr(&out).contains("NARRATIVE_PROFILE names profile nope"),
        "{}",
        stderr(&out)
    );
    // A folder others may write to: the credentials in it are not used.
    use std::os::unix::fs::PermissionsExt;
    let dir = w.dir();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = w.run(&["whoami"], &[]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("can be written by others (mode 0777)"),
        "{err}"
    );
    assert!(
        err.contains(&format!("chmod 700 {}", dir.display())),
        "{err}"
    );
    assert!(!err.contains(KEY_A), "{err}");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    // A symlinked config.toml: say to replace the link, not to give a path.
    let config = dir.join("config.toml");
    let real = w.home.path().join("dotfiles-config.toml");
    std::fs::rename(&config, &real).unwrap();
    std::os::unix::fs::symlink(&real, &config).unwrap();
    let out = w.run(&["auth", "switch", "dev"], &[]).await;
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("replace the link with a regular file"),
        "{err}"
    );
    assert!(!err.contains("give the path of a new file"), "{err}");
}
