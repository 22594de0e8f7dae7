//! Keys as code through the binary: `plan`'s exit statuses and output,
//! `apply`'s confirmation, `import`, and an apply killed (`kill -9`) after
//! its delivery and before its retirement, which the next apply finishes.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::{Path, PathBuf};
use std::process::Output;

use narrative_keys_emulator::RunningEmulator;
use narrative_keys_testkit::emulator::{emulator, seed_days};

mod cli_support;
use cli_support::{json, run_as, stderr, stdout};

const ADMIN: &str = "cli-keys-as-code-admin-secret";

/// A folder holding the keys file.
struct Repo(tempfile::TempDir);

impl Repo {
    fn new(text: &str) -> Self {
        let repo = Self(tempfile::tempdir().unwrap());
        repo.write(text);
        repo
    }

    fn write(&self, text: &str) {
        std::fs::write(self.file(), text).unwrap();
    }

    fn file(&self) -> PathBuf {
        self.0.path().join("narrative-keys.toml")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    /// Runs `narrative-keys COMMAND --file FILE ARGS...`.
    async fn run(&self, emu: &RunningEmulator, command: &str, args: &[&str]) -> Output {
        let file = self.file();
        let mut all = vec![command, "--file", file.to_str().unwrap()];
        all.extend(args);
        run_as(emu, ADMIN, &all).await
    }
}

impl Repo {
    /// `plan` exits 0: the account matches the file.
    async fn plans_no_change(&self, emu: &RunningEmulator) {
        let out = self.run(emu, "plan", &[]).await;
        let said = format!("{}\n{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(0), "{said}");
    }
}

/// A key named ci-ingest with data-ingestion's permissions, never
/// expiring: (id, secret).
fn seed_ingest(emu: &RunningEmulator) -> (String, String) {
    let permissions = [("write", "datasets"), ("write", "data_streams")];
    let (id, secret) = emu
        .store()
        .insert_key("ci-ingest", &permissions, None)
        .unwrap();
    (id.to_string(), secret)
}

/// A file whose one key, ci-ingest, delivers to `command`.
fn ingest_delivered_to(command: &str) -> String {
    format!(
        "[[key]]\nname = \"ci-ingest\"\npresets = [\"data-ingestion\"]\nsecret_to = [{command:?}]\n"
    )
}

fn secret_in(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.trim_end().split_once('=').unwrap().1.to_owned()
}

async fn works(emu: &RunningEmulator, secret: &str) -> bool {
    narrative_keys_testkit::client(emu, secret)
        .whoami()
        .await
        .is_ok()
}

fn names(emu: &RunningEmulator) -> Vec<String> {
    let mut names = emu.store().key_names().unwrap();
    names.retain(|n| n != narrative_keys_emulator::BOOTSTRAP_KEY_NAME);
    names.sort();
    names
}

/// Starts `apply --yes` on `repo`'s file, whose one key delivers to a
/// command that marks its start, sleeps 30 s, then runs `then` (the secret
/// on its input); returns once the delivery has started.
async fn apply_stuck_in_delivery(
    emu: &RunningEmulator,
    repo: &Repo,
    marker: &Path,
    then: &str,
) -> cli_support::Started {
    let started = marker.join("started");
    let slow = format!("touch {}; sleep 30; {then}", started.display());
    repo.write(&ingest_delivered_to(&slow));
    let file = repo.file();
    let run = cli_support::Started::new(
        cli_support::process(emu.url(), ADMIN),
        &["apply", "--yes", "--file", file.to_str().unwrap()],
        marker,
        "apply",
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !started.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the delivery never started"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    run
}

const TWO_KEYS: &str = r#"
[defaults]
managed = "ci-*"

[[key]]
name = "ci-ingest"
presets = ["data-ingestion"]
secret_out = "ingest.env"

[[key]]
name = "ci-report"
grant = ["read:queries"]
secret_out = "report.env"
"#;

#[tokio::test(flavor = "multi_thread")]
async fn plan_exits_1_with_changes_apply_makes_them_and_plan_then_exits_0() {
    let emu = emulator(ADMIN).await;
    let repo = Repo::new(TWO_KEYS);
    seed_days(&emu, "ci-report", &[("read", "datasets")], Some(60));
    seed_days(&emu, "ci-stray", &[("read", "datasets")], Some(60));
    let out = repo.run(&emu, "plan", &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].starts_with("~  ci-report"), "{text}");
    assert!(
        lines[1].contains("permissions: read:datasets → read:queries"),
        "{text}"
    );
    assert!(lines[2].starts_with("+  ci-ingest"), "{text}");
    assert!(lines[3].starts_with("?  ci-stray"), "{text}");
    // Aligned: the third column starts at the same place on every line.
    let at = |line: &str| line.find("create").or_else(|| line.find("permissions"));
    assert!(at(lines[1]).is_some() && at(lines[2]).is_some(), "{text}");
    assert!(
        stderr(&out).contains("Plan: 1 to create, 1 to update in place."),
        "{}",
        stderr(&out)
    );
    let md = stdout(&repo.run(&emu, "plan", &["--format", "md"]).await);
    assert!(
        md.starts_with("| | name | id | what |\n|---|---|---|---|\n| ~ | ci-report |"),
        "{md}"
    );
    let v = json(&repo.run(&emu, "plan", &["--json"]).await);
    assert_eq!(v["actions"][0]["action"], "update");
    assert_eq!(v["actions"][0]["changes"][0]["field"], "permissions");
    assert_eq!(v["actions"][1]["action"], "create");
    assert_eq!(v["unmanaged"][0]["name"], "ci-stray");
    assert_eq!(names(&emu), ["ci-report", "ci-stray"], "plan sends nothing");

    let out = repo.run(&emu, "apply", &["--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(works(&emu, &secret_in(&repo.path("ingest.env"))).await);
    let out = repo.run(&emu, "plan", &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("No changes"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_file_exits_2_naming_each_problem_and_sends_nothing() {
    let emu = emulator(ADMIN).await;
    let repo = Repo::new(
        "[[key]]\nname = \"ci-a\"\ngrant = [\"read:datasets\"]\nsecret_out = \"a.env\"\nexpire = \"30d\"\n",
    );
    for command in ["plan", "apply"] {
        let out = repo
            .run(&emu, command, &["--yes"][..usize::from(command == "apply")])
            .await;
        assert_eq!(out.status.code(), Some(2), "{command}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("line 5: unknown field `expire`; did you mean `expires`?"),
            "{}",
            stderr(&out)
        );
    }
    repo.write("[[key]]\nname = \"ci-a\"\ngrant = [\"read:dataset\"]\n[[key]]\nname = \"ci-b\"\ngrant = [\"read:datasets\"]\nrotate_before = \"1.5d\"\n");
    let out = repo.run(&emu, "apply", &["--yes"]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("did you mean read:datasets?") && err.contains("36h"),
        "{err}"
    );
    // A key to create without a target, and no --secrets-out: refused before any request.
    repo.write("[[key]]\nname = \"ci-a\"\ngrant = [\"read:datasets\"]\n");
    let out = repo.run(&emu, "apply", &["--yes"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--secrets-out"), "{}", stderr(&out));
    assert!(names(&emu).is_empty(), "nothing was sent");
    let bundle = repo.path("new.env");
    let out = repo
        .run(
            &emu,
            "apply",
            &["--yes", "--secrets-out", bundle.to_str().unwrap()],
        )
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(&bundle).unwrap();
    assert!(written.contains("\nCI_A="), "{written}");
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_off_a_terminal_without_yes_refuses_and_changes_nothing() {
    let emu = emulator(ADMIN).await;
    let repo = Repo::new(TWO_KEYS);
    let out = repo.run(&emu, "apply", &[]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert!(names(&emu).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn import_then_plan_exits_0() {
    let emu = emulator(ADMIN).await;
    seed_days(
        &emu,
        "ci-etl",
        &[
            ("read", "jobs"),
            ("write", "jobs"),
            ("read", "workflows"),
            ("write", "workflows"),
            ("read", "views"),
        ],
        Some(60),
    );
    seed_days(&emu, "prod-app", &[("read", "queries")], Some(60));
    let out = run_as(&emu, ADMIN, &["import", "--name-matches", "ci-*"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("#:schema ./narrative-keys.schema.json\n[[key]]\n"),
        "editors find the schema from the first line: {text}"
    );
    assert!(
        text.contains("presets = [\"workflow-automation\"]\ngrant = [\"read:views\"]"),
        "{text}"
    );
    assert!(!text.contains("prod-app"));
    let repo = Repo::new(&text);
    repo.plans_no_change(&emu).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_apply_killed_between_delivery_and_retirement_is_finished_by_the_next() {
    let emu = emulator(ADMIN).await;
    let (_, old_secret) = seed_ingest(&emu);
    let target = tempfile::tempdir().unwrap();
    let held = target.path().join("held");
    // The command takes the secret, then kills the apply: delivered, and
    // nothing retired.
    let killer = format!("cat > {}; kill -9 $PPID", held.display());
    let repo = Repo::new(&ingest_delivered_to(&killer));
    let out = repo.run(&emu, "apply", &["--yes"]).await;
    assert_eq!(out.status.code(), None, "killed: {}", stderr(&out));
    let delivered = std::fs::read_to_string(&held).unwrap();
    assert!(
        works(&emu, &delivered).await,
        "the target holds the successor's secret"
    );
    assert!(
        works(&emu, &old_secret).await,
        "the old key was not retired"
    );
    let [old, new] = &names(&emu)[..] else {
        panic!("two keys")
    };
    assert_eq!(old, "ci-ingest");
    assert!(
        new.starts_with("ci-ingest (pending "),
        "named pending until every target holds it: {new}"
    );
    let out = repo.run(&emu, "plan", &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("↻  ci-ingest"), "{}", stdout(&out));
    // The rerun, with a target that stays.
    let fine = format!("cat > {}", held.display());
    repo.write(&ingest_delivered_to(&fine));
    let out = repo.run(&emu, "apply", &["--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let now_held = std::fs::read_to_string(&held).unwrap();
    assert_ne!(now_held, delivered);
    assert!(works(&emu, &now_held).await);
    // Both older keys keep their overlap: neither secret dies before it ends.
    assert!(works(&emu, &old_secret).await && works(&emu, &delivered).await);
    repo.plans_no_change(&emu).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_apply_interrupted_during_a_delivery_revokes_the_successor_and_keeps_the_old_key() {
    let emu = emulator(ADMIN).await;
    let (old_id, old_secret) = seed_ingest(&emu);
    let marker = tempfile::tempdir().unwrap();
    let repo = Repo::new("");
    let run = apply_stuck_in_delivery(&emu, &repo, marker.path(), "cat > /dev/null").await;
    run.signal("TERM", false);
    let (code, said, err) = run.finish().await;
    assert_eq!(code, Some(143), "{err}");
    assert!(said.contains("revoked again"), "{said}");
    let ids: Vec<String> = emu
        .store()
        .list_keys()
        .unwrap()
        .into_iter()
        .filter(|k| k.name == "ci-ingest")
        .map(|k| k.id.to_string())
        .collect();
    assert_eq!(ids, [old_id], "the successor was revoked again");
    assert!(works(&emu, &old_secret).await, "the old key keeps working");
    repo.write("[[key]]\nname = \"ci-ingest\"\npresets = [\"data-ingestion\"]\nsecret_out = \"ingest.env\"\n");
    let out = repo.run(&emu, "apply", &["--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    repo.plans_no_change(&emu).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn jobs_outside_1_to_64_is_a_usage_error_naming_the_range_and_sends_nothing() {
    let emu = emulator(ADMIN).await;
    let repo = Repo::new(TWO_KEYS);
    for bad in ["0", "65", "many"] {
        let out = repo.run(&emu, "apply", &["--yes", "--jobs", bad]).await;
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("from 1 to 64"), "{}", stderr(&out));
    }
    assert!(names(&emu).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pin_that_cannot_be_rewritten_says_what_plan_shows_until_it_is_set() {
    let emu = emulator(ADMIN).await;
    let (old_id, _) = seed_ingest(&emu);
    // The keys file is a symlink, which the pin rewrite refuses.
    let real = tempfile::tempdir().unwrap();
    let real_file = real.path().join("keys.toml");
    std::fs::write(
        &real_file,
        format!("[[key]]\nname = \"ci-ingest\"\nid = \"{old_id}\"\npresets = [\"data-ingestion\"]\nsecret_out = \"ingest.env\"\n"),
    )
    .unwrap();
    let repo = Repo::new("");
    std::fs::remove_file(repo.file()).unwrap();
    std::os::unix::fs::symlink(&real_file, repo.file()).unwrap();
    let out = repo.run(&emu, "apply", &["--yes"]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("until then plan shows `~ id: OLD → NEW` for these keys"),
        "{err}"
    );
    let new_id = id_to_pin_by_hand(&err);
    let out = repo.run(&emu, "plan", &[]).await;
    let plan = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{plan}");
    assert!(plan.contains(&format!("id: {old_id} → {new_id}")), "{plan}");
    assert!(!plan.contains('!'), "no key is made again: {plan}");
}

/// The id the apply's message asks to set by hand.
fn id_to_pin_by_hand(err: &str) -> String {
    let line = err
        .lines()
        .find(|l| l.contains("id = \""))
        .unwrap_or_else(|| panic!("no id to set in: {err}"));
    line.rsplit_once("id = \"")
        .unwrap()
        .1
        .trim_end_matches('"')
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_apply_of_one_file_while_the_first_runs_refuses_naming_its_pid() {
    let emu = emulator(ADMIN).await;
    let (_, old_secret) = seed_ingest(&emu);
    let marker = tempfile::tempdir().unwrap();
    let repo = Repo::new("");
    let file = repo.file();
    let first = apply_stuck_in_delivery(&emu, &repo, marker.path(), "cat > /dev/null").await;
    let refusal = format!(
        "another apply of {} is running (pid {})",
        file.display(),
        first.id()
    );
    let second = repo.run(&emu, "apply", &["--yes"]).await;
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    assert!(stderr(&second).contains(&refusal), "{}", stderr(&second));
    let plan = repo.run(&emu, "plan", &[]).await;
    assert_eq!(plan.status.code(), Some(2), "{}", stderr(&plan));
    assert!(stderr(&plan).contains(&refusal), "{}", stderr(&plan));
    let live = names(&emu);
    assert!(
        live.len() == 2 && live[0] == "ci-ingest" && live[1].starts_with("ci-ingest (pending "),
        "the old key and the first apply's successor: the second made nothing: {live:?}"
    );
    first.signal("TERM", false);
    let (code, _, err) = first.finish().await;
    assert_eq!(code, Some(143), "{err}");
    assert!(works(&emu, &old_secret).await, "the old key keeps working");
    // The lock went with the first apply: the next one runs.
    repo.write(&ingest_delivered_to("cat > /dev/null"));
    let out = repo.run(&emu, "apply", &["--yes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn each_keys_line_is_printed_as_it_finishes_so_a_killed_apply_leaves_the_new_ids() {
    let emu = emulator(ADMIN).await;
    let repo = Repo::new("");
    let held = repo.path("b.held");
    // ci-a is done first; ci-b's command then kills the apply (kill -9).
    repo.write(&format!(
        "[[key]]\nname = \"ci-a\"\ngrant = [\"read:datasets\"]\nsecret_out = \"a.env\"\n\n[[key]]\nname = \"ci-b\"\ngrant = [\"read:datasets\"]\nsecret_to = [\"cat > {}; kill -9 $PPID\"]\n",
        held.display()
    ));
    // One key at a time, so ci-a is done before ci-b's command runs.
    let out = repo.run(&emu, "apply", &["--yes", "--jobs", "1"]).await;
    assert_eq!(out.status.code(), None, "killed: {}", stderr(&out));
    let a_id = emu
        .store()
        .list_keys()
        .unwrap()
        .into_iter()
        .find(|k| k.name == "ci-a")
        .unwrap()
        .id
        .to_string();
    let said = stdout(&out);
    assert!(
        said.contains(&format!(
            "+ ci-a done: {a_id} made, its secret checked and delivered"
        )),
        "{said}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_refuses_a_target_apply_would_refuse_and_exits_2() {
    let emu = emulator(ADMIN).await;
    let repo = Repo::new(
        "[[key]]\nname = \"ci-ingest\"\npresets = [\"data-ingestion\"]\nsecret_out = \"ingest.env\"\n",
    );
    let elsewhere = repo.path("elsewhere.env");
    type Make<'a> = Box<dyn Fn(&Path) + 'a>;
    let cases: [(&str, Make<'_>); 3] = [
        ("a directory", Box::new(|p| std::fs::create_dir(p).unwrap())),
        (
            "a symlink",
            Box::new(|p| std::os::unix::fs::symlink(&elsewhere, p).unwrap()),
        ),
        (
            "a file with other content",
            Box::new(|p| std::fs::write(p, "# notes\nnot a secret line\n").unwrap()),
        ),
    ];
    for (case, make) in cases {
        let target = repo.path("ingest.env");
        let _ = std::fs::remove_dir(&target);
        let _ = std::fs::remove_file(&target);
        make(&target);
        let apply = repo.run(&emu, "apply", &["--yes"]).await;
        let plan = repo.run(&emu, "plan", &[]).await;
        assert_eq!(apply.status.code(), Some(2), "{case}: {}", stderr(&apply));
        assert_eq!(plan.status.code(), Some(2), "{case}: {}", stderr(&plan));
        let said = stderr(&plan);
        assert!(
            said.contains(&target.display().to_string()) && said.contains("nothing was sent"),
            "{case}: {said}"
        );
        assert_eq!(
            stderr(&apply).lines().find(|l| l.starts_with("error:")),
            said.lines().find(|l| l.starts_with("error:")),
            "{case}: plan says what apply says"
        );
    }
    assert!(names(&emu).is_empty(), "nothing was made");
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_kill_during_a_delivery_a_plan_without_the_journal_shows_the_work_left() {
    let emu = emulator(ADMIN).await;
    let marker = tempfile::tempdir().unwrap();
    let got = marker.path().join("got.txt");
    let repo = Repo::new("");
    let file = repo.file();
    let into_got = format!("cat > {}", got.display());
    let run = apply_stuck_in_delivery(&emu, &repo, marker.path(), &into_got).await;
    run.signal("KILL", true);
    let (code, said, _) = run.finish().await;
    assert_eq!(code, None, "killed");
    assert!(!got.exists(), "the target never got the secret");
    let [pending] = &names(&emu)[..] else {
        panic!("the key made: {:?}", names(&emu))
    };
    assert!(
        pending.starts_with("ci-ingest (pending "),
        "{pending}: {said}"
    );
    // A CI runner: another machine, no journal.
    let fresh = tempfile::tempdir().unwrap();
    let on_fresh_home = |args: &[&str]| {
        let mut cmd = cli_support::binary(emu.url(), ADMIN);
        cmd.env("XDG_STATE_HOME", fresh.path())
            .env("HOME", fresh.path());
        cmd.args(args);
        cmd.args(["--file", file.to_str().unwrap()]);
        cli_support::spawn(cmd)
    };
    let out = on_fresh_home(&["plan"]).await.unwrap();
    let plan = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{plan}{}", stderr(&out));
    assert!(
        plan.contains("↻  ci-ingest") && plan.contains("made by an interrupted apply"),
        "{plan}"
    );
    // The next apply there makes a successor and retires the pending key
    // with the overlap (its secret might have reached a target).
    repo.write(&ingest_delivered_to(&format!("cat > {}", got.display())));
    let out = on_fresh_home(&["apply", "--yes"]).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let delivered = std::fs::read_to_string(&got).unwrap();
    assert!(works(&emu, delivered.trim()).await);
    let live = names(&emu);
    assert!(live.contains(&"ci-ingest".to_owned()), "{live:?}");
    assert!(
        live.iter().any(|n| n.starts_with("ci-ingest (retiring ")),
        "{live:?}"
    );
    let out = on_fresh_home(&["plan"]).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// A step that fails says so on stderr too, where messages go: with
/// standard output sent away (a CI log that keeps only stderr, `>&-`, which
/// the runtime turns into /dev/null), exit status 1 alone said nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_step_is_said_on_stderr_whatever_standard_output_is() {
    let emu = emulator(ADMIN).await;
    let repo = Repo::new(
        "[[key]]\nname = \"ci-noread\"\ngrant = [\"read:jobs\"]\nsecret_to = [\"exit 3\"]\n",
    );
    let out = repo.run(&emu, "apply", &["--yes"]).await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: 1 of 1 step not done (ci-noread: the new key")
            && err.contains("it was revoked again"),
        "{err}"
    );
    assert!(err.contains("run `narrative-keys apply` again"), "{err}");
    assert!(
        stdout(&out).contains("+ ci-noread FAILED:"),
        "{}",
        stdout(&out)
    );
    assert!(
        !names(&emu).iter().any(|n| n.starts_with("ci-noread")),
        "revoked again"
    );
}
