//! Keys as code against the emulator: each behaviour a user of `plan` and
//! `apply` would notice, faults at every step, and 50 keys under 30% faults.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{Timelike, Utc};
use common::*;
use narrative_keys::journal::JournalFile;
use narrative_keys::keys_as_code::{
    ActionKind, ApplyJournal, ApplyOptions, ApplyReport, KeysFile, Plan, apply, import, plan,
};
use narrative_keys::{ApiKey, Client};
use narrative_keys_emulator::{Db, FaultConfig, FaultKind, RunningEmulator};

/// A keys file in a temporary folder, its journal beside it.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, text: &str) {
        std::fs::write(self.path("narrative-keys.toml"), text).unwrap();
    }

    fn text(&self) -> String {
        std::fs::read_to_string(self.path("narrative-keys.toml")).unwrap()
    }

    fn file(&self) -> KeysFile {
        KeysFile::read(&self.path("narrative-keys.toml"), Utc::now()).unwrap()
    }

    fn journal(&self) -> Option<ApplyJournal> {
        let text = std::fs::read_to_string(self.path("journal.json")).ok()?;
        ApplyJournal::from_json(&text)
    }

    async fn plan(&self, client: &Client) -> Plan {
        let keys = client.list_keys().await.unwrap();
        plan(&self.file(), &keys, self.journal().as_ref(), Utc::now())
    }

    async fn apply(&self, client: &Client) -> ApplyReport {
        self.apply_with(client, &ApplyOptions::default()).await
    }

    async fn apply_with(&self, client: &Client, options: &ApplyOptions) -> ApplyReport {
        let planned = self.plan(client).await;
        let mut journal = JournalFile::replacing(self.path("journal.json"));
        apply(client, &self.file(), &planned, options, &mut journal)
            .await
            .unwrap()
    }

    /// Plans through `planner`, applies through `applier` (another
    /// emulator on the same store, with faults).
    async fn apply_through(&self, planner: &Client, applier: &Client) -> ApplyReport {
        let planned = self.plan(planner).await;
        let mut journal = JournalFile::replacing(self.path("journal.json"));
        apply(
            applier,
            &self.file(),
            &planned,
            &ApplyOptions::default(),
            &mut journal,
        )
        .await
        .unwrap()
    }

    /// The secret a target file holds.
    fn secret(&self, name: &str) -> String {
        let text = std::fs::read_to_string(self.path(name)).unwrap();
        text.trim_end().split_once('=').unwrap().1.to_owned()
    }
}

/// The key `ONE_KEY` names, seeded with its permissions: (id, secret).
fn seed_ingest(
    emu: &RunningEmulator,
    expires_at: Option<chrono::DateTime<Utc>>,
) -> (String, String) {
    let (id, secret) = emu
        .store()
        .insert_key(
            "ci-ingest",
            &[("write", "datasets"), ("write", "data_streams")],
            expires_at,
        )
        .unwrap();
    (id.to_string(), secret)
}

fn ids(keys: &[ApiKey]) -> Vec<String> {
    keys.iter().map(|k| k.id.clone()).collect()
}

fn kinds(plan: &Plan) -> Vec<(ActionKind, String)> {
    plan.actions
        .iter()
        .map(|a| (a.action, a.name.clone()))
        .collect()
}

async fn works(emu: &RunningEmulator, secret: &str) -> bool {
    client_for(emu, secret).whoami().await.is_ok()
}

async fn live(client: &Client, name: &str) -> Vec<ApiKey> {
    client
        .list_keys()
        .await
        .unwrap()
        .into_iter()
        .filter(|k| k.name == name)
        .collect()
}

const ONE_KEY: &str = r#"
[[key]]
name = "ci-ingest"
presets = ["data-ingestion"]
secret_out = "ingest.env"
"#;

#[tokio::test]
async fn create_from_nothing_delivers_a_working_secret_then_plans_no_change() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let repo = Repo::new();
    repo.write(ONE_KEY);
    let planned = repo.plan(&admin).await;
    assert_eq!(kinds(&planned), [(ActionKind::Create, "ci-ingest".into())]);
    let report = repo.apply(&admin).await;
    assert!(report.is_complete(), "{report:?}");
    let keys = live(&admin, "ci-ingest").await;
    assert_eq!(keys.len(), 1);
    assert_eq!(
        keys[0].permissions.to_string(),
        "write:data_streams,write:datasets"
    );
    assert!(works(&emu, &repo.secret("ingest.env")).await);
    assert!(repo.plan(&admin).await.is_empty());
}

#[tokio::test]
async fn drift_from_an_out_of_band_update_is_fixed_in_place() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let id = seed_days(
        &emu,
        "ci-ingest",
        &[("read", "datasets"), ("write", "datasets")],
        Some(60),
    );
    let repo = Repo::new();
    repo.write(ONE_KEY);
    let planned = repo.plan(&admin).await;
    assert_eq!(kinds(&planned), [(ActionKind::Update, "ci-ingest".into())]);
    let change = &planned.actions[0].changes[0];
    assert_eq!(
        (change.field, change.from.as_str(), change.to.as_str()),
        (
            "permissions",
            "read:datasets,write:datasets",
            "write:data_streams,write:datasets"
        )
    );
    assert!(repo.apply(&admin).await.is_complete());
    assert_eq!(
        stored_permissions(&emu, &id),
        ["write:data_streams", "write:datasets"],
        "same id, permissions fixed"
    );
    assert!(
        !repo.path("ingest.env").exists(),
        "an update delivers nothing"
    );
    assert!(repo.plan(&admin).await.is_empty());
}

#[tokio::test]
async fn a_due_key_is_rotated_and_the_old_secret_works_until_the_overlap_ends() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let (old_id, old_secret) = seed_ingest(&emu, Some(Utc::now() + chrono::Duration::days(3)));
    let repo = Repo::new();
    repo.write(&format!("[defaults]\noverlap = \"3s\"\n{ONE_KEY}"));
    std::fs::write(
        repo.path("ingest.env"),
        format!("NARRATIVE_API_KEY={old_secret}\n"),
    )
    .unwrap();
    let planned = repo.plan(&admin).await;
    assert_eq!(kinds(&planned), [(ActionKind::Rotate, "ci-ingest".into())]);
    assert_eq!(
        planned.actions[0].reason.as_deref(),
        Some("expires in 3 days, within rotate_before (2w)")
    );
    let report = repo.apply(&admin).await;
    assert!(report.is_complete(), "{report:?}");
    let new_id = report.outcomes[0].new_id.clone().unwrap();
    assert_ne!(new_id, old_id);
    let new_secret = repo.secret("ingest.env");
    assert!(
        works(&emu, &new_secret).await,
        "the target holds a working secret"
    );
    assert!(
        works(&emu, &old_secret).await,
        "the old key works during the overlap"
    );
    assert_eq!(report.outcomes[0].retired[0].outcome, "expires");
    let entries: Vec<_> = std::fs::read_dir(repo.dir.path()).unwrap().collect();
    assert_eq!(
        entries.len(),
        3,
        "the target's old secret is replaced, not kept: {entries:?}"
    );
    // The old key, renamed retiring, is not drift, a duplicate or the file's key.
    let planned = repo.plan(&admin).await;
    assert!(planned.is_empty(), "{planned:?}");
    assert_eq!(planned.retiring.len(), 1);
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert!(!works(&emu, &old_secret).await, "expired after the overlap");
    assert!(works(&emu, &new_secret).await);
    assert!(repo.plan(&admin).await.is_empty());
}

#[tokio::test]
async fn a_rotation_that_changes_the_keys_permissions_shows_the_change_in_the_plan() {
    let emu = emulator().await;
    let admin = admin(&emu);
    // Due, and given more outside the file than the file grants.
    let (id, _) = emu
        .store()
        .insert_key(
            "ci-ingest",
            &[
                ("write", "datasets"),
                ("write", "data_streams"),
                ("admin", "datasets"),
            ],
            Some(Utc::now() + chrono::Duration::days(3)),
        )
        .unwrap();
    let repo = Repo::new();
    repo.write(ONE_KEY);
    let planned = repo.plan(&admin).await;
    assert_eq!(kinds(&planned), [(ActionKind::Rotate, "ci-ingest".into())]);
    let change = &planned.actions[0].changes;
    assert_eq!(change.len(), 1, "{change:?}");
    assert_eq!(change[0].field, "permissions");
    assert!(
        change[0].from.contains("admin:datasets") && !change[0].to.contains("admin:datasets"),
        "{change:?}"
    );
    // The rotation still does what it says: the successor has the file's permissions.
    let report = repo.apply(&admin).await;
    assert!(report.is_complete(), "{report:?}");
    let new = live(&admin, "ci-ingest").await;
    assert_eq!(new.len(), 1);
    assert_ne!(new[0].id, id.to_string());
    assert_eq!(new[0].permissions.to_string(), change[0].to);
}

#[tokio::test]
async fn a_pending_key_of_an_entry_naming_no_target_is_revoked_at_once_not_kept_for_the_overlap() {
    let emu = emulator().await;
    let admin = admin(&emu);
    // Left by an apply killed while the secrets of "ci-dash" (no target)
    // and "ci-ingest" (a file target) were being delivered.
    let at = Utc::now() - chrono::Duration::minutes(5);
    let later = Some(Utc::now() + chrono::Duration::days(90));
    let pending = |name: &str, perms: &[(&str, &str)]| {
        let name = narrative_keys::retiring::pending_name(name, at);
        emu.store().insert_key(&name, perms, later).unwrap().1
    };
    let dash = pending("ci-dash", &[("read", "datasets")]);
    let ingest = pending(
        "ci-ingest",
        &[("write", "datasets"), ("write", "data_streams")],
    );
    let repo = Repo::new();
    repo.write(&format!(
        "[defaults]\noverlap = \"1h\"\n[[key]]\nname = \"ci-dash\"\ngrant = [\"read:datasets\"]\n{ONE_KEY}"
    ));
    let planned = repo.plan(&admin).await;
    let reason = |name: &str| {
        let a = planned.actions.iter().find(|a| a.name == name).unwrap();
        a.reason.clone().unwrap_or_default()
    };
    assert!(reason("ci-dash").contains("revoked at once"), "{planned:?}");
    assert!(
        reason("ci-ingest").contains("retired with the overlap"),
        "{planned:?}"
    );
    let options = ApplyOptions {
        secrets_out: Some(repo.path("new.env")),
        ..ApplyOptions::default()
    };
    let report = repo.apply_with(&admin, &options).await;
    assert!(report.is_complete(), "{report:?}");
    assert!(
        !works(&emu, &dash).await,
        "nobody was known to hold it: revoked"
    );
    assert!(
        works(&emu, &ingest).await,
        "its target may hold it: kept for the overlap"
    );
    assert!(repo.plan(&admin).await.is_empty());
}

#[tokio::test]
async fn an_expired_key_is_rotated_once_and_then_left_alone() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let (old_id, _) = seed_ingest(&emu, Some(Utc::now() - chrono::Duration::days(1)));
    let repo = Repo::new();
    repo.write(&format!(
        "[defaults]\nmanaged = \"ci-*\"\nprune = true\n{ONE_KEY}"
    ));
    let planned = repo.plan(&admin).await;
    assert_eq!(kinds(&planned), [(ActionKind::Rotate, "ci-ingest".into())]);
    assert_eq!(planned.actions[0].reason.as_deref(), Some("expired"));
    let report = repo.apply(&admin).await;
    assert!(report.is_complete(), "{report:?}");
    // Expired, it keeps its name (nothing is sent to a dead key), and is
    // neither a duplicate nor unmanaged.
    assert_eq!(live(&admin, "ci-ingest").await.len(), 2);
    let planned = repo.plan(&admin).await;
    assert!(
        planned.is_empty() && planned.unmanaged.is_empty(),
        "{planned:?}"
    );
    assert!(works(&emu, &repo.secret("ingest.env")).await);
    assert_ne!(report.outcomes[0].new_id.as_deref(), Some(old_id.as_str()));
}

#[tokio::test]
async fn every_key_without_a_target_goes_to_the_secrets_out_file() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let repo = Repo::new();
    repo.write(
        "[[key]]\nname = \"ci-a\"\ngrant = [\"read:datasets\"]\n[[key]]\nname = \"ci-b\"\ngrant = [\"read:queries\"]\n",
    );
    let options = ApplyOptions {
        secrets_out: Some(repo.path("new.env")),
        ..ApplyOptions::default()
    };
    let report = repo.apply_with(&admin, &options).await;
    assert!(report.is_complete(), "{report:?}");
    let bundle = std::fs::read_to_string(repo.path("new.env")).unwrap();
    for (var, name) in [("CI_A", "ci-a"), ("CI_B", "ci-b")] {
        let line = bundle
            .lines()
            .find(|l| l.starts_with(&format!("{var}=")))
            .unwrap_or_else(|| panic!("{var} missing: {bundle}"));
        let secret = line.split_once('=').unwrap().1;
        let key = emu.store().find_by_secret(secret).unwrap().unwrap();
        assert_eq!(key.name, name);
    }
    assert!(repo.plan(&admin).await.is_empty());
}

#[tokio::test]
async fn a_pinned_key_renamed_out_of_band_gets_its_name_back_in_place() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let (id, secret) = seed_ingest(&emu, Some(Utc::now() + chrono::Duration::days(60)));
    let renamed = narrative_keys::KeyUpdate::new().name("ingest (renamed by hand)");
    admin.update_key(&id, &renamed).await.unwrap();
    let repo = Repo::new();
    repo.write(&format!("{ONE_KEY}id = \"{id}\"\n"));
    let planned = repo.plan(&admin).await;
    assert_eq!(kinds(&planned), [(ActionKind::Update, "ci-ingest".into())]);
    let change = &planned.actions[0].changes[0];
    assert_eq!(
        (change.field, change.from.as_str()),
        ("name", "ingest (renamed by hand)")
    );
    assert!(repo.apply(&admin).await.is_complete());
    assert_eq!(ids(&live(&admin, "ci-ingest").await), [id]);
    assert!(works(&emu, &secret).await, "same key, same secret");
    assert!(repo.plan(&admin).await.is_empty());
}

#[tokio::test]
async fn a_pinned_key_deleted_out_of_band_is_made_again_and_its_pin_rewritten() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let gone = "0b8a4f2e-58c1-4d6e-9a53-2f1c7a0e9b11";
    let repo = Repo::new();
    let text = format!("# the ingestion key\n{ONE_KEY}id = \"{gone}\" # pinned by import\n");
    repo.write(&text);
    let planned = repo.plan(&admin).await;
    assert_eq!(
        kinds(&planned),
        [(ActionKind::Recreate, "ci-ingest".into())]
    );
    let report = repo.apply(&admin).await;
    assert!(report.is_complete(), "{report:?}");
    let new_id = report.outcomes[0].new_id.clone().unwrap();
    assert_eq!(
        repo.text(),
        text.replace(gone, &new_id),
        "only the pin changed"
    );
    assert!(works(&emu, &repo.secret("ingest.env")).await);
    assert!(repo.plan(&admin).await.is_empty());
    // Without a pin nothing tells a deleted key from a new one: `+`.
    admin.revoke_key(&new_id).await.unwrap();
    repo.write(ONE_KEY);
    assert_eq!(
        kinds(&repo.plan(&admin).await),
        [(ActionKind::Create, "ci-ingest".into())]
    );
}

#[tokio::test]
async fn unmanaged_keys_are_listed_and_revoked_only_with_prune() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let stray = seed_days(&emu, "ci-stray", &[("read", "datasets")], Some(60));
    let outside = seed_days(&emu, "prod-app", &[("read", "datasets")], Some(60));
    let repo = Repo::new();
    repo.write(&format!("[defaults]\nmanaged = \"ci-*\"\n{ONE_KEY}"));
    let planned = repo.plan(&admin).await;
    assert_eq!(kinds(&planned), [(ActionKind::Create, "ci-ingest".into())]);
    let unmanaged: Vec<_> = planned.unmanaged.iter().map(|k| k.id.clone()).collect();
    assert_eq!(unmanaged, std::slice::from_ref(&stray));
    assert!(repo.apply(&admin).await.is_complete());
    assert!(
        repo.plan(&admin).await.is_empty(),
        "unmanaged keys are information"
    );
    repo.write(&format!(
        "[defaults]\nmanaged = \"ci-*\"\nprune = true\n{ONE_KEY}"
    ));
    let planned = repo.plan(&admin).await;
    assert_eq!(kinds(&planned), [(ActionKind::Revoke, "ci-stray".into())]);
    assert!(repo.apply(&admin).await.is_complete());
    let ids: Vec<_> = admin
        .list_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.id)
        .collect();
    assert!(!ids.contains(&stray) && ids.contains(&outside));
    assert!(repo.plan(&admin).await.is_empty());
}

#[tokio::test]
async fn prune_never_revokes_a_key_that_can_manage_keys_such_as_the_one_apply_runs_with() {
    let emu = emulator().await;
    // The key this run uses, inside `managed = "*"`: /whoami does not say
    // which key is calling, so prune must not take it.
    let (runner_id, runner_secret) = emu
        .store()
        .insert_key(
            "ci-deployer",
            &[("read", "access_tokens"), ("write", "access_tokens")],
            Some(Utc::now() + chrono::Duration::days(60)),
        )
        .unwrap();
    let runner = client_for(&emu, &runner_secret);
    let stray = seed_days(&emu, "ci-stray", &[("read", "datasets")], Some(60));
    let repo = Repo::new();
    repo.write(&format!(
        "[defaults]\nmanaged = \"*\"\nprune = true\n{ONE_KEY}"
    ));
    let planned = repo.plan(&runner).await;
    let revoked: Vec<_> = planned
        .actions
        .iter()
        .filter(|a| a.action == ActionKind::Revoke)
        .map(|a| a.id.clone().unwrap())
        .collect();
    assert_eq!(revoked, std::slice::from_ref(&stray));
    // The emulator's bootstrap key can manage keys too.
    assert!(ids(&planned.not_pruned).contains(&runner_id.to_string()));
    assert!(repo.apply(&runner).await.is_complete());
    assert!(
        works(&emu, &runner_secret).await,
        "the key apply ran with still works: the account is not locked out"
    );
    let after = repo.plan(&runner).await;
    assert!(after.is_empty(), "{:?}", kinds(&after));
    assert!(ids(&after.not_pruned).contains(&runner_id.to_string()));
}

#[tokio::test]
async fn a_secrets_out_file_named_for_another_format_is_refused_before_any_request() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let repo = Repo::new();
    repo.write("[[key]]\nname = \"ci-bare\"\ngrant = [\"read:datasets\"]\n");
    let planned = repo.plan(&admin).await;
    let mut journal = JournalFile::replacing(repo.path("journal.json"));
    for name in ["s.yaml", "s.toml"] {
        let options = ApplyOptions {
            secrets_out: Some(repo.path(name)),
            ..ApplyOptions::default()
        };
        let e = apply(&admin, &repo.file(), &planned, &options, &mut journal)
            .await
            .unwrap_err()
            .to_string();
        let ext = name.rsplit_once('.').unwrap().1;
        assert!(
            e.contains(&format!("its extension .{ext} names neither format")),
            "{e}"
        );
        assert!(!repo.path(name).exists());
    }
    assert!(live(&admin, "ci-bare").await.is_empty(), "nothing was sent");
    for name in ["s.env", "s.json"] {
        let options = ApplyOptions {
            secrets_out: Some(repo.path(name)),
            ..ApplyOptions::default()
        };
        let planned = repo.plan(&admin).await;
        assert!(repo.apply_with(&admin, &options).await.is_complete());
        assert!(repo.path(name).exists());
        let [key] = &live(&admin, "ci-bare").await[..] else {
            panic!("one key")
        };
        assert!(!planned.is_empty());
        admin.revoke_key(&key.id).await.unwrap();
    }
}

#[tokio::test]
async fn a_new_keys_secret_out_holding_another_live_keys_secret_keeps_that_secret_beside_it() {
    let emu = emulator().await;
    let admin = admin(&emu);
    // The file a new key's secret goes to holds another key's live secret.
    let (_, other_secret) = emu
        .store()
        .insert_key("app-other", &[("read", "datasets")], None)
        .unwrap();
    let repo = Repo::new();
    repo.write(ONE_KEY);
    std::fs::write(
        repo.path("ingest.env"),
        format!("NARRATIVE_API_KEY={other_secret}\n"),
    )
    .unwrap();
    let report = repo.apply(&admin).await;
    assert!(report.is_complete(), "{report:?}");
    let new_secret = repo.secret("ingest.env");
    assert_ne!(new_secret, other_secret);
    assert!(works(&emu, &new_secret).await);
    let copies: Vec<PathBuf> = std::fs::read_dir(repo.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("ingest.env.replaced-"))
        .collect();
    let [copy] = &copies[..] else {
        panic!("one copy of the other key's secret: {copies:?}")
    };
    let kept = std::fs::read_to_string(copy).unwrap();
    assert!(
        kept.contains(&other_secret),
        "the other key's secret is kept"
    );
    assert!(works(&emu, &other_secret).await);
    assert!(
        report.outcomes[0].message.contains("STILL WORKS"),
        "{}",
        report.outcomes[0].message
    );
}

#[tokio::test]
async fn an_import_plans_no_change_unless_a_key_is_due() {
    let emu = emulator().await;
    let admin = admin(&emu);
    seed_days(
        &emu,
        "ci-etl \"nightly\"",
        &[
            ("write", "datasets"),
            ("write", "data_streams"),
            ("read", "views"),
            ("admin", "everything"),
        ],
        Some(60),
    );
    seed_days(&emu, "ci-report", &[("read", "queries")], Some(3));
    seed_days(&emu, "prod-app", &[("read", "queries")], Some(60));
    let keys = admin.list_keys().await.unwrap();
    let text = import(&keys, Some("ci-*"));
    assert!(text.contains("presets = [\"data-ingestion\"]"), "{text}");
    assert!(
        text.contains("allow_unknown = true") && !text.contains("prod-app"),
        "{text}"
    );
    let repo = Repo::new();
    repo.write(&text);
    let planned = repo.plan(&admin).await;
    assert_eq!(
        kinds(&planned),
        [(ActionKind::Rotate, "ci-report".into())],
        "{text}"
    );
}

#[tokio::test]
async fn a_failing_command_target_revokes_the_successor_and_keeps_the_old_key() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let (old_id, old_secret) = seed_ingest(&emu, None);
    let repo = Repo::new();
    let failing = ONE_KEY.replace(
        "secret_out = \"ingest.env\"",
        "secret_to = [\"cat > /dev/null; exit 1\"]",
    );
    repo.write(&failing);
    let report = repo.apply(&admin).await;
    assert!(!report.is_complete());
    assert!(
        report.outcomes[0].message.contains("revoked again"),
        "{report:?}"
    );
    let keys = live(&admin, "ci-ingest").await;
    assert_eq!(ids(&keys), std::slice::from_ref(&old_id));
    assert!(works(&emu, &old_secret).await, "the old key keeps working");
    // Fixed, a rerun converges.
    repo.write(ONE_KEY);
    assert!(repo.apply(&admin).await.is_complete());
    assert!(works(&emu, &repo.secret("ingest.env")).await);
    assert!(repo.plan(&admin).await.is_empty());
}

#[tokio::test]
async fn a_failed_delivery_names_the_commands_given_the_now_revoked_secret() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let (_, old_secret) = seed_ingest(&emu, None);
    let repo = Repo::new();
    let given = repo.path("given.txt");
    let first = format!("cat > {}", given.display());
    repo.write(&ONE_KEY.replace(
        "secret_out = \"ingest.env\"",
        &format!("secret_to = [{first:?}, \"cat > /dev/null; exit 1\"]"),
    ));
    let report = repo.apply(&admin).await;
    assert!(!report.is_complete());
    let message = &report.outcomes[0].message;
    let revoked = std::fs::read_to_string(&given).unwrap().trim().to_owned();
    assert!(
        !works(&emu, &revoked).await,
        "the first target holds a revoked secret"
    );
    assert!(
        message.contains(&format!(
            "these commands were given its secret, now revoked: `{first}`; the next apply gives them a working one"
        )),
        "{message}"
    );
    assert!(works(&emu, &old_secret).await, "the old key keeps working");
    // The next apply gives them a working one.
    repo.write(&ONE_KEY.replace(
        "secret_out = \"ingest.env\"",
        &format!("secret_to = [{first:?}]"),
    ));
    assert!(repo.apply(&admin).await.is_complete());
    assert!(works(&emu, std::fs::read_to_string(&given).unwrap().trim()).await);
}

#[tokio::test]
async fn a_secret_file_refused_after_creation_revokes_the_successor() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let (_, old_secret) = seed_ingest(&emu, None);
    let repo = Repo::new();
    // The first target spoils the second after the check: it now holds
    // something other than a secret line, which is never written over.
    let spoiler = format!(
        "cat > /dev/null; echo 'not a secret' > {}",
        repo.path("ingest.env").display()
    );
    repo.write(&format!("{ONE_KEY}secret_to = [{spoiler:?}]\n"));
    let report = repo.apply(&admin).await;
    assert!(!report.is_complete());
    assert!(
        report.outcomes[0].message.contains("ingest.env"),
        "{report:?}"
    );
    assert_eq!(live(&admin, "ci-ingest").await.len(), 1);
    assert!(works(&emu, &old_secret).await);
    std::fs::remove_file(repo.path("ingest.env")).unwrap();
    repo.write(ONE_KEY);
    assert!(repo.apply(&admin).await.is_complete());
    assert!(repo.plan(&admin).await.is_empty());
}

/// Two emulators on one store (in the folder returned): a sound one, and
/// one with `faults`.
async fn sound_and_faulty(
    faults: FaultConfig,
) -> (tempfile::TempDir, RunningEmulator, RunningEmulator) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::Path(dir.path().join("keys.db"));
    let sound = emulator_with(db.clone(), FaultConfig::default()).await;
    let faulty = emulator_with(db, faults).await;
    (dir, sound, faulty)
}

#[tokio::test]
async fn a_successor_whose_secret_does_not_authenticate_is_revoked_and_the_old_key_kept() {
    // The plan reads through a sound emulator, the apply talks to one
    // whose every GET (the /whoami check) fails.
    let (_dir, sound, broken) = sound_and_faulty(FaultConfig {
        rate: 1.0,
        kinds: vec![FaultKind::Unavailable],
        methods: vec!["GET".into()],
        ..FaultConfig::default()
    })
    .await;
    let (old_id, old_secret) = seed_ingest(&sound, None);
    let repo = Repo::new();
    repo.write(ONE_KEY);
    let report = repo.apply_through(&admin(&sound), &admin(&broken)).await;
    assert!(!report.is_complete());
    // A 503 says nothing about the secret: the message says so truthfully.
    let message = &report.outcomes[0].message;
    assert!(
        message.contains("its secret could not be checked")
            && !message.contains("did not authenticate"),
        "{report:?}"
    );
    assert!(!repo.path("ingest.env").exists(), "nothing delivered");
    let keys = live(&admin(&sound), "ci-ingest").await;
    assert_eq!(ids(&keys), std::slice::from_ref(&old_id));
    assert!(works(&sound, &old_secret).await);
    assert!(
        repo.apply(&admin(&sound)).await.is_complete(),
        "a rerun converges"
    );
    assert!(repo.plan(&admin(&sound)).await.is_empty());
}

#[tokio::test]
async fn the_check_of_a_new_secret_uses_the_sessions_retries_and_a_429_is_not_a_bad_secret() {
    let (_dir, sound, limited) = sound_and_faulty(FaultConfig {
        rate: 1.0,
        retry_after_secs: 0,
        kinds: vec![FaultKind::RateLimited],
        methods: vec!["GET".into()],
        ..FaultConfig::default()
    })
    .await;
    let repo = Repo::new();
    repo.write(ONE_KEY);
    let report = repo
        .apply_through(&admin(&sound), &retrying_admin(&limited, 9))
        .await;
    assert_eq!(
        limited.fault_stats().rate_limited,
        10,
        "the /whoami check was tried as often as the session's policy says (1 + 9 retries)"
    );
    let message = &report.outcomes[0].message;
    assert!(!report.is_complete());
    assert!(
        message.contains("its secret could not be checked")
            && !message.contains("did not authenticate"),
        "{message}"
    );
    assert!(
        live(&admin(&sound), "ci-ingest").await.is_empty(),
        "the unchecked key was revoked again"
    );
}

/// A proxy to `emu` that passes every request on and, for the first
/// `lose` creates, drops the connection instead of passing the answer back:
/// the key exists, its answer (and secret) lost.
async fn losing_proxy(
    emu: &RunningEmulator,
    lose: usize,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = emu
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let left = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(lose));
    let still_to_lose = left.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let upstream = upstream.clone();
            let left = left.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    let n = client.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&chunk[..n]);
                    if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        break at + 4;
                    }
                };
                let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                while request.len() < head_end + length {
                    let n = client.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&chunk[..n]);
                }
                // One request per connection, so the answer ends with it.
                let line_end = request.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
                request.splice(line_end..line_end, b"connection: close\r\n".iter().copied());
                let mut server = tokio::net::TcpStream::connect(&upstream).await.unwrap();
                server.write_all(&request).await.unwrap();
                let mut answer = Vec::new();
                let _ = server.read_to_end(&mut answer).await;
                let lost = head.starts_with("post")
                    && left
                        .fetch_update(
                            std::sync::atomic::Ordering::SeqCst,
                            std::sync::atomic::Ordering::SeqCst,
                            |n| n.checked_sub(1),
                        )
                        .is_ok();
                if !lost {
                    let _ = client.write_all(&answer).await;
                }
            });
        }
    });
    (url, still_to_lose)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_answer_is_lost_is_revoked_at_once_and_made_again() {
    let emu = emulator().await;
    let (proxy, still_to_lose) = losing_proxy(&emu, 1).await;
    let through = Client::builder()
        .api_key(ADMIN)
        .environment(proxy.parse().unwrap())
        .retry(fast_retries())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let repo = Repo::new();
    repo.write(ONE_KEY);
    let report = repo.apply(&through).await;
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(
        still_to_lose.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "an answer was lost"
    );
    let admin = admin(&emu);
    let keys = live(&admin, "ci-ingest").await;
    assert_eq!(
        keys.len(),
        1,
        "the key whose answer was lost was revoked: {keys:?}"
    );
    assert_eq!(Some(&keys[0].id), report.outcomes[0].new_id.as_ref());
    assert_eq!(
        emu.store().list_keys().unwrap().len(),
        2,
        "the admin key and the one delivered"
    );
    assert!(works(&emu, &repo.secret("ingest.env")).await);
    assert!(repo.plan(&admin).await.is_empty());
}

#[tokio::test]
async fn after_a_kill_while_a_create_was_sent_the_next_apply_revokes_that_key_at_once() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let repo = Repo::new();
    repo.write(ONE_KEY);
    // What a run killed right after sending its create leaves: the key made,
    // the journal's record of the create, no answer, no delivery.
    let expires = Utc::now() + chrono::Duration::days(90);
    let expires =
        expires - chrono::Duration::nanoseconds(i64::from(expires.timestamp_subsec_nanos()));
    let (made, _) = seed_ingest(&emu, Some(expires));
    let journal = serde_json::json!({
        "file": repo.path("narrative-keys.toml"),
        "creates": [{
            "name": "ci-ingest",
            "permissions": [
                {"access": "write", "resource": "datasets"},
                {"access": "write", "resource": "data_streams"}
            ],
            "expires_at": expires,
            "id": null,
            "stage": "sent"
        }]
    });
    std::fs::write(repo.path("journal.json"), journal.to_string()).unwrap();
    let planned = repo.plan(&admin).await;
    assert_eq!(
        kinds(&planned),
        [
            (ActionKind::Create, "ci-ingest".into()),
            (ActionKind::Revoke, "ci-ingest".into())
        ]
    );
    // Without the journal the server alone plans no harm: the key is the file's.
    let keys = admin.list_keys().await.unwrap();
    assert!(plan(&repo.file(), &keys, None, Utc::now()).is_empty());
    let report = repo.apply(&admin).await;
    assert!(report.is_complete());
    let revoked = report
        .outcomes
        .iter()
        .find(|o| o.action == ActionKind::Revoke)
        .unwrap();
    assert_eq!(
        revoked.message,
        "revoked: made by an interrupted apply before its delivery started: nobody holds its secret",
        "the real reason, not prune (which the file does not set)"
    );
    let keys = live(&admin, "ci-ingest").await;
    assert_eq!(keys.len(), 1);
    assert_ne!(keys[0].id, made, "the key nobody held was revoked");
    assert!(works(&emu, &repo.secret("ingest.env")).await);
    assert!(repo.plan(&admin).await.is_empty());
}

#[tokio::test]
async fn two_live_keys_of_one_name_from_a_cut_off_apply_get_one_successor_and_both_retire() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let (_, old_secret) = seed_ingest(&emu, None);
    // The successor an apply made and delivered before it was killed: its
    // secret sits in the target, and no journal says so.
    let later = Some(Utc::now() + chrono::Duration::days(90));
    let (_, delivered) = seed_ingest(&emu, later);
    let repo = Repo::new();
    std::fs::write(
        repo.path("ingest.env"),
        format!("NARRATIVE_API_KEY={delivered}\n"),
    )
    .unwrap();
    repo.write(ONE_KEY);
    let planned = repo.plan(&admin).await;
    assert_eq!(kinds(&planned), [(ActionKind::Rotate, "ci-ingest".into())]);
    assert!(
        planned.actions[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("2 keys named")
    );
    let report = repo.apply(&admin).await;
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.outcomes[0].retired.len(), 2);
    assert!(
        report.outcomes[0]
            .retired
            .iter()
            .all(|r| r.outcome == "expires")
    );
    assert!(works(&emu, &repo.secret("ingest.env")).await);
    assert!(
        works(&emu, &old_secret).await && works(&emu, &delivered).await,
        "both keep their overlap"
    );
    assert!(repo.plan(&admin).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_keys_under_thirty_percent_faults_converge_within_two_applies() {
    let emu = emulator_with(
        Db::Memory,
        FaultConfig {
            rate: 0.3,
            slow: Duration::from_millis(30),
            retry_after_secs: 0,
            seed: Some(22),
            ..FaultConfig::default()
        },
    )
    .await;
    let client = retrying_admin(&emu, 8);
    let repo = Repo::new();
    let mut text = String::from("[defaults]\noverlap = \"1h\"\n");
    for i in 0..50 {
        // Half exist already and are due; half are new.
        if i % 2 == 0 {
            let (_, secret) = emu
                .store()
                .insert_key(&format!("ci-{i}"), &[("read", "datasets")], None)
                .unwrap();
            std::fs::write(
                repo.path(&format!("{i}.env")),
                format!("NARRATIVE_API_KEY={secret}\n"),
            )
            .unwrap();
        }
        text.push_str(&format!(
            "[[key]]\nname = \"ci-{i}\"\ngrant = [\"read:datasets\"]\nsecret_out = \"{i}.env\"\n"
        ));
    }
    repo.write(&text);
    let first = repo.apply(&client).await;
    if !first.is_complete() {
        let second = repo.apply(&client).await;
        assert!(second.is_complete(), "{second:#?}");
    }
    let planned = repo.plan(&client).await;
    assert!(planned.is_empty(), "{planned:#?}");
    let mut held = std::collections::BTreeSet::new();
    for i in 0..50 {
        let secret = repo.secret(&format!("{i}.env"));
        let key = emu
            .store()
            .find_by_secret(&secret)
            .unwrap()
            .expect("the target's key exists");
        assert!(
            !key.expired_at(Utc::now()),
            "ci-{i}: its target's secret authenticates"
        );
        held.insert(key.id.to_string());
    }
    for key in emu.store().list_keys().unwrap() {
        if key.name == narrative_keys_emulator::BOOTSTRAP_KEY_NAME {
            continue;
        }
        let as_api = ApiKey {
            id: key.id.to_string(),
            name: key.name.clone(),
            permissions: Default::default(),
            expires_at: key.expires_at,
        };
        assert!(
            held.contains(&key.id.to_string()) || as_api.retiring().is_some(),
            "{} ({}) is held by no target and not retiring",
            key.name,
            key.id
        );
    }
}

/// `ONE_KEY` naming no target, rotated with the old key revoked at once:
/// its secret can only go to the caller.
fn no_target_rotation(repo: &Repo) {
    repo.write(&format!(
        "[defaults]\noverlap = \"0s\"\n{}",
        ONE_KEY.replace("secret_out = \"ingest.env\"\n", "")
    ));
}

/// Applies with the secrets of keys naming no target handed over here:
/// `answer` is given each one (and whether the old key still worked while
/// it was on screen) and decides what the caller says.
async fn apply_handing_over(
    repo: &Repo,
    emu: &RunningEmulator,
    old_secret: &str,
    answer: fn(narrative_keys::deliver::HandOffAnswer),
) -> (ApplyReport, Vec<(String, bool, bool)>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let options = ApplyOptions {
        to_caller: Some(narrative_keys::deliver::HandOff::new(move |handed| {
            let _ = tx.send(handed);
        })),
        ..ApplyOptions::default()
    };
    let admin = admin(emu);
    let caller = async {
        let mut seen = Vec::new();
        while let Some(handed) = rx.recv().await {
            let secret = handed.created.secret.expose().to_owned();
            let new_works = works(emu, &secret).await;
            let old_works = works(emu, old_secret).await;
            seen.push((secret, new_works, old_works));
            answer(handed.answer);
        }
        seen
    };
    let applying = async {
        let report = repo.apply_with(&admin, &options).await;
        // The hand-off's sender goes with the options: the caller's loop ends.
        drop(options);
        report
    };
    tokio::join!(applying, caller)
}

#[tokio::test]
async fn a_key_naming_no_target_is_handed_to_the_caller_and_its_old_key_retired_once_stored() {
    let emu = emulator().await;
    let (old_id, old_secret) = seed_ingest(&emu, Some(Utc::now() + chrono::Duration::days(3)));
    let repo = Repo::new();
    no_target_rotation(&repo);
    let (report, seen) =
        apply_handing_over(&repo, &emu, &old_secret, |answer| drop(answer.stored())).await;
    assert!(report.is_complete(), "{report:?}");
    let [(secret, new_works, old_works)] = seen.as_slice() else {
        panic!("one hand-off: {seen:?}");
    };
    assert!(new_works, "the secret handed over works");
    assert!(old_works, "the old key works while the secret is on screen");
    assert!(works(&emu, secret).await);
    assert!(!works(&emu, &old_secret).await, "retired once stored");
    assert_eq!(report.outcomes[0].retired[0].id, old_id);
    assert!(repo.plan(&admin(&emu)).await.is_empty());
}

/// "Stored" after another apply (or a person) took the pending key over
/// (renamed it retiring, an hour left) or revoked it: the apply reads the
/// key again and does not go on with it. The caller is told why and when
/// the secret it showed stops working; the key keeps what was done to it,
/// and the old key is not retired.
#[tokio::test]
async fn stored_after_the_pending_key_was_taken_over_or_revoked_elsewhere_does_not_go_on() {
    use narrative_keys::{Expiration, KeyUpdate};
    for revoked in [false, true] {
        let emu = emulator().await;
        let (old_id, old_secret) = seed_ingest(&emu, Some(Utc::now() + chrono::Duration::days(3)));
        let repo = Repo::new();
        no_target_rotation(&repo);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let options = ApplyOptions {
            to_caller: Some(narrative_keys::deliver::HandOff::new(move |handed| {
                let _ = tx.send(handed);
            })),
            ..ApplyOptions::default()
        };
        let admin = admin(&emu);
        let ends = (Utc::now() + chrono::Duration::hours(1))
            .with_nanosecond(0)
            .unwrap();
        let caller = async {
            let handed = rx.recv().await.unwrap();
            let id = handed.created.key.id.clone();
            if revoked {
                admin.revoke_key(&id).await.unwrap();
            } else {
                let other = KeyUpdate::new()
                    .name("ci-ingest (retiring, another apply)")
                    .expires(Expiration::At(ends));
                admin.update_key(&id, &other).await.unwrap();
            }
            (id, handed.answer.stored().outcome().await)
        };
        let applying = async {
            let report = repo.apply_with(&admin, &options).await;
            drop(options);
            report
        };
        let (report, (new_id, said)) = tokio::join!(applying, caller);
        let said = said.unwrap_err();
        let message = &report.outcomes[0].message;
        assert_eq!(&said, message, "the caller hears what the report says");
        assert!(!report.outcomes[0].ok);
        assert!(
            said.contains(&new_id) && said.contains("run `narrative-keys plan`"),
            "{said}"
        );
        if revoked {
            assert!(
                said.contains("was revoked while its secret was on screen")
                    && said.contains("no longer works"),
                "{said}"
            );
        } else {
            let at = ends.format("%Y-%m-%d %H:%M UTC").to_string();
            assert!(
                said.contains("was taken over while its secret was on screen")
                    && said.contains(&format!("the secret shown stops working at {at}")),
                "{said}"
            );
            // Not renamed back, its expiration untouched.
            let key = admin.get_key(&new_id).await.unwrap();
            assert_eq!(key.name, "ci-ingest (retiring, another apply)");
            assert_eq!(key.expires_at, Some(ends));
        }
        assert!(works(&emu, &old_secret).await, "the old key is not retired");
        assert_eq!(ids(&live(&admin, "ci-ingest").await), [old_id]);
    }
}

#[tokio::test]
async fn a_hand_off_refused_or_dropped_revokes_the_new_key_and_keeps_the_old() {
    let emu = emulator().await;
    let (old_id, old_secret) = seed_ingest(&emu, Some(Utc::now() + chrono::Duration::days(3)));
    let repo = Repo::new();
    no_target_rotation(&repo);
    type Answer = fn(narrative_keys::deliver::HandOffAnswer);
    let answers: [(Answer, &str); 2] = [
        (
            narrative_keys::deliver::HandOffAnswer::refused,
            "was dismissed without being stored",
        ),
        (drop, "the program closed before it was"),
    ];
    for (answer, said) in answers {
        let (report, seen) = apply_handing_over(&repo, &emu, &old_secret, answer).await;
        assert!(!report.is_complete());
        let message = &report.outcomes[0].message;
        assert!(
            message.contains(said) && message.contains("revoked again"),
            "{message}"
        );
        assert!(!works(&emu, &seen[0].0).await, "the new key is revoked");
        assert!(works(&emu, &old_secret).await, "the old key keeps working");
        let keys = live(&admin(&emu), "ci-ingest").await;
        assert_eq!(ids(&keys), std::slice::from_ref(&old_id));
    }
}

#[tokio::test]
async fn delivery_command_output_is_kept_redacted_in_the_outcome_when_asked() {
    let emu = emulator().await;
    let admin = admin(&emu);
    let repo = Repo::new();
    repo.write(&ONE_KEY.replace(
        "secret_out = \"ingest.env\"",
        "secret_to = [\"cat >&2; echo ' was read'; echo stored >&2\"]",
    ));
    let options = ApplyOptions {
        keep_command_output: true,
        ..ApplyOptions::default()
    };
    let report = repo.apply_with(&admin, &options).await;
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.outcomes[0].output, "[redacted] was read\nstored\n");
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        json.contains(r#""output":"[redacted] was read\nstored\n""#),
        "{json}"
    );
}
