//! The executor: each effect run as a tokio task (or, for the terminal's
//! copy sequences, here), its result sent back as an action.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use chrono::Utc;
use narrative_keys::Client;
use narrative_keys::deliver::{
    self, DeliveryError, NewSecret, SecretFile, SecretSink, SecretsFile,
};
use narrative_keys::incident::{self, IncidentOptions};
use narrative_keys::revoke::{RevokeManyOptions, RevokeManyReport, RevokeResult, revoke_many};
use narrative_keys::rotate::{
    OldKeyOutcome, OldKeyPolicy, RotateOptions, create_successor, retire_old_key,
};
use tokio::sync::mpsc::UnboundedSender;

use crate::ui::action::{
    Action, Effect, IncidentDone, OldKeyFate, OldKeyRetired, Refusal, RevokeOutcome, RevokedKey,
    Rotated, SecretsWritten,
};
use crate::ui::components::dialog::secret::SecretEntry;
use crate::ui::osc52;
use crate::ui::text::describe_error;

use super::CLOSING;

/// Runs effects: network calls as tasks whose results come back as actions.
pub struct Executor {
    /// The SDK client every network effect calls through.
    pub client: Client,
    /// Where the effects' results go back to the event loop, as actions.
    pub tx: UnboundedSender<Action>,
    /// The environment's label, written into incident reports.
    pub environment: String,
    /// The stop flag of the keys file's apply alone, requested on the way
    /// out: no key is made after it and a delivery command is stopped,
    /// while the way out's own revocations (through `client`) still run.
    pub apply_stop: narrative_keys::Interrupt,
}

impl Executor {
    fn spawn(&self, work: impl std::future::Future<Output = Action> + Send + 'static) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(work.await);
        });
    }

    /// Like `spawn`, for work that may be refused for want of permission:
    /// the refusal follows the work's own result as [`Action::Refused`].
    fn spawn_refusable(
        &self,
        write: bool,
        work: impl std::future::Future<Output = (Action, Option<(Refusal, String)>)> + Send + 'static,
    ) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let (action, refused) = work.await;
            let _ = tx.send(action);
            if let Some((refusal, message)) = refused {
                let _ = tx.send(Action::Refused {
                    refusal,
                    write,
                    message,
                });
            }
        });
    }

    /// Starts `effect`: a network call (a secrets file's write too, which
    /// asks first) as a spawned task, a terminal or report write at once
    /// (to `terminal` for the clipboard); either way the result comes back
    /// on `tx`.
    // long: one arm per effect, most of them a line or two.
    pub fn run(&self, effect: Effect, terminal: &mut impl Write) {
        tracing::debug!(?effect, "effect");
        let client = self.client.clone();
        match effect {
            Effect::Many(all) => {
                for e in all {
                    self.run(e, terminal);
                }
            }
            Effect::LoadKeys => self.spawn_refusable(false, async move {
                answer(client.list_keys().await, "list keys", Action::KeysLoaded)
            }),
            Effect::Create(new) => self.spawn_refusable(true, async move {
                answer(client.create_key(&new).await, "create key", Action::Created)
            }),
            Effect::Update { id, update } => self.spawn_refusable(true, async move {
                let result = client.update_key(&id, &update).await;
                answer(result, "update key", Action::Updated)
            }),
            Effect::Rotate { id, old_key } => {
                self.spawn_refusable(true, rotate(client, id, old_key))
            }
            Effect::RetireOldKey {
                old,
                new_id,
                policy,
            } => self.spawn_refusable(true, retire(client, old, new_id, policy)),
            Effect::WriteSecrets { path, secrets } => self.spawn(async move {
                Action::SecretsWritten(write_secrets(client, path, secrets).await)
            }),
            Effect::CheckKept(kept) => {
                self.spawn(async move { Action::KeptSecretChecked(kept.check(&client).await) });
            }
            Effect::Revoke(keys) => self.spawn_refusable(true, async move {
                let (results, refused) =
                    revoke_keys(&client, keys, &RevokeManyOptions::default()).await;
                (Action::Revoked(results), refused)
            }),
            Effect::RevokeUnstored(keys) => self.spawn_refusable(true, async move {
                let (results, refused) =
                    revoke_keys(&client, keys, &RevokeManyOptions::default()).await;
                (Action::UnstoredRevoked(results), refused)
            }),
            Effect::ApplyKeysFile(work) => {
                let client = client.with_interrupt(self.apply_stop.clone());
                let tx = self.tx.clone();
                self.spawn(async move {
                    let (file, plan) = *work;
                    Action::KeysFileApplied(apply_keys_file(&client, &file, &plan, tx).await)
                })
            }
            Effect::AnswerHandOff { id, answer, stored } => {
                if stored {
                    // The apply reads the key again before it goes on.
                    let check = answer.stored();
                    self.spawn(async move {
                        Action::HandOffChecked {
                            id,
                            result: check.outcome().await,
                        }
                    });
                } else {
                    answer.refused();
                }
            }
            Effect::Incident(plan) => {
                let options = IncidentOptions {
                    environment: self.environment.clone(),
                    ..IncidentOptions::default()
                };
                self.spawn(async move {
                    let outcome = incident::execute(&client, &plan, &options).await;
                    Action::IncidentDone(Box::new(IncidentDone {
                        report: outcome.report,
                        replacements: outcome.replacements,
                    }))
                })
            }
            local @ (Effect::Copy { .. } | Effect::CopyId { .. } | Effect::SaveReport { .. }) => {
                self.run_here(local, terminal)
            }
        }
    }

    /// The effects done in place: terminal and file writes.
    fn run_here(&self, effect: Effect, terminal: &mut impl Write) {
        match effect {
            Effect::Copy { id, secret } => {
                let result = osc52::copy(terminal, secret.expose()).map_err(|e| e.to_string());
                let _ = self.tx.send(Action::Copied { id, result });
            }
            Effect::CopyId { id } => {
                let result = osc52::copy(terminal, &id).map_err(|e| e.to_string());
                let _ = self.tx.send(Action::IdCopied { id, result });
            }
            Effect::SaveReport { path, markdown } => {
                // A report is only ever a new file: one already there is
                // left as it is, and the message says so.
                let result = deliver::write_new_file(&path, &markdown, false)
                    .map(|()| path)
                    .map_err(|e| describe_delivery(&e));
                let _ = self.tx.send(Action::ReportSaved(result));
            }
            // Network calls are spawned by `run`, which sends none here.
            other => tracing::warn!(?other, "not an effect done in place"),
        }
    }
}

/// An SDK call's result as the action `to` makes of it, a failure
/// described (and logged as `what`), with the refusal it is, if one.
fn answer<T>(
    result: Result<T, narrative_keys::Error>,
    what: &str,
    to: impl FnOnce(Result<T, String>) -> Action,
) -> (Action, Option<(Refusal, String)>) {
    let refused = refusal(result.as_ref().err());
    let action = to(result.map_err(|e| {
        tracing::warn!(error = %e, "{what}");
        describe_error(&e)
    }));
    (action, refused)
}

/// A rotation's first step: the successor and its secret. The old key is
/// left alone: it is retired (`Effect::RetireOldKey`) once the successor's
/// secret is stored from the dialog.
async fn rotate(
    client: Client,
    id: String,
    old_key: OldKeyPolicy,
) -> (Action, Option<(Refusal, String)>) {
    let options = RotateOptions {
        old_key,
        ..RotateOptions::default()
    };
    let result = create_successor(&client, &id, &options, Utc::now()).await;
    let result = result.map(|s| Rotated {
        old: s.old,
        new: s.new,
        old_key,
    });
    answer(result, "rotate key", Action::Rotated)
}

/// A rotation's second step, once the successor `new_id`'s secret is stored.
async fn retire(
    client: Client,
    old: narrative_keys::ApiKey,
    new_id: String,
    policy: OldKeyPolicy,
) -> (Action, Option<(Refusal, String)>) {
    let outcome = retire_old_key(&client, &old, &new_id, policy).await;
    let refused = refusal(outcome.error());
    let fate = old_key_fate(outcome);
    (
        Action::OldKeyRetired(OldKeyRetired { old, new_id, fate }),
        refused,
    )
}

/// What became of a rotation's old key, as the UI says it.
fn old_key_fate(outcome: OldKeyOutcome) -> Result<OldKeyFate, String> {
    match outcome {
        OldKeyOutcome::RevokeFailed(e) | OldKeyOutcome::ExpireFailed { error: e, .. } => {
            Err(describe_error(&e))
        }
        OldKeyOutcome::Revoked => Ok(OldKeyFate::Revoked),
        OldKeyOutcome::Expires { at, .. } => Ok(OldKeyFate::Expires(at)),
        // Interrupted: the old key was left working, as when kept.
        OldKeyOutcome::Kept | OldKeyOutcome::Interrupted => Ok(OldKeyFate::Kept),
    }
}

/// Revokes `keys`, each as (id, name), in one bulk call: each key's
/// outcome, and the first refusal among the failures, if any.
pub(super) async fn revoke_keys(
    client: &Client,
    keys: Vec<(String, String)>,
    options: &RevokeManyOptions,
) -> (Vec<RevokedKey>, Option<(Refusal, String)>) {
    let ids: Vec<String> = keys.iter().map(|(id, _)| id.clone()).collect();
    let report = revoke_many(client, &ids, options).await;
    let refused = report.outcomes.iter().find_map(|o| match &o.result {
        RevokeResult::Failed(e) => refusal(Some(e)),
        _ => None,
    });
    (revoked(keys, &report), refused)
}

/// What a bulk revoke did to each key asked for, as (id, name).
fn revoked(keys: Vec<(String, String)>, report: &RevokeManyReport) -> Vec<RevokedKey> {
    keys.into_iter()
        .map(|(id, name)| {
            let outcome = report.outcomes.iter().find(|o| o.id == id);
            let outcome = match outcome.map(|o| &o.result) {
                Some(RevokeResult::Revoked) => RevokeOutcome::Revoked,
                Some(RevokeResult::AlreadyGone) => RevokeOutcome::AlreadyGone,
                Some(RevokeResult::Failed(e)) => RevokeOutcome::Failed(describe_error(e)),
                None => RevokeOutcome::Failed("not attempted".to_owned()),
            };
            RevokedKey::new(id, name, outcome)
        })
        .collect()
}

/// The refusal an error is, with the server's words, if it is one.
fn refusal(e: Option<&narrative_keys::Error>) -> Option<(Refusal, String)> {
    let e = e?;
    Refusal::of(e).map(|r| (r, describe_error(e)))
}

/// A refused or failed write in one line: the path, what went wrong, and
/// what to do.
fn describe_delivery(e: &DeliveryError) -> String {
    match &e.hint {
        Some(hint) => format!("{e}; {hint}"),
        None => e.to_string(),
    }
}

/// Writes the secrets to `path`, mode 0600, as the command line does: one
/// secret as `NARRATIVE_API_KEY=<secret>` (`--secret-out`: a secret the file
/// holds is first asked about with `/whoami` through `client`'s environment,
/// while a rotation's old key still works, then kept beside it and returned
/// to be checked once any old key is retired), several in one new file
/// (`--secrets-out`: dotenv, or JSON for `.json`). The path is checked
/// first: a link, a device, a FIFO, a directory or a file holding anything
/// else is refused and left untouched, and nothing is sent.
async fn write_secrets(client: Client, path: PathBuf, secrets: Vec<SecretEntry>) -> SecretsWritten {
    let mut one = (secrets.len() == 1).then(|| SecretFile::new(&path));
    let mut many = SecretsFile::new(&path);
    let mut error = match one.as_mut() {
        Some(file) => match file.check() {
            Ok(()) => {
                file.probe_held(&client).await;
                // The way out stopped waiting for this write and counts its
                // secret as unstored (its key is being revoked): writing it
                // now would put a revoked secret in the file.
                CLOSING.load(Ordering::SeqCst).then(|| {
                    DeliveryError::new(
                        path.display().to_string(),
                        "was not written: the program was closing",
                    )
                })
            }
            Err(e) => Some(e),
        },
        None => many.check().err(),
    };
    let sink: &mut dyn SecretSink = match one.as_mut() {
        Some(file) => file,
        None => &mut many,
    };
    let mut written = Vec::new();
    if error.is_none() {
        for entry in &secrets {
            let item = NewSecret {
                key: &entry.key,
                secret: &entry.secret,
                replaces: entry.replaces.as_deref(),
            };
            match sink.deliver(&item) {
                Ok(()) => written.push(entry.key.id.clone()),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
    }
    if let Some(e) = &error {
        tracing::warn!(target_path = %e.target, written = written.len(), "the secrets were not all written");
    }
    SecretsWritten {
        path,
        written,
        error: error.as_ref().map(describe_delivery),
        kept: one.as_mut().and_then(SecretFile::take_kept),
    }
}

/// Carries out a keys file's plan as `apply --yes` does, journal included,
/// except that a key naming no target has its secret handed to the app
/// (`Action::SecretHandedOver`, on `tx`) and waits for the answer, and that
/// the delivery commands' output is kept for the results, never written
/// over the screen. `Err` says why nothing was sent (a target refused).
async fn apply_keys_file(
    client: &narrative_keys::Client,
    file: &narrative_keys::keys_as_code::KeysFile,
    plan: &narrative_keys::keys_as_code::Plan,
    tx: UnboundedSender<Action>,
) -> Result<narrative_keys::keys_as_code::ApplyReport, String> {
    use crate::cli::Format;
    use crate::commands::plan::{apply_journal, lock_journal, plan_text, read_journal};
    use narrative_keys::deliver::HandOff;
    use narrative_keys::keys_as_code::{ApplyOptions, apply};
    let said = |e: crate::error::CliError| e.one_line();
    // As `apply` does: one apply of a file at a time (held until this
    // returns), and the plan made again under the lock. Another apply, or
    // any change since the plan was shown, makes it differ: then nothing is
    // done, rather than something the person did not confirm.
    let _lock = lock_journal(file, true).map_err(said)?;
    let journal = read_journal(file).map_err(said)?;
    let keys = client
        .list_keys()
        .await
        .map_err(|e| crate::ui::text::describe_error(&e))?;
    let now = chrono::Utc::now();
    let plan_now = narrative_keys::keys_as_code::plan(file, &keys, journal.as_ref(), now);
    if plan_text(&plan_now, Format::Text, now) != plan_text(plan, Format::Text, now) {
        return Err("the account changed since the plan was shown (another apply, or a change elsewhere); nothing was sent. Press p to see the plan as it is now, then A again".to_owned());
    }
    let mut journal = apply_journal(file).map_err(said)?;
    let options = ApplyOptions {
        // An app gone drops the hand-off with its answer: a refusal.
        to_caller: Some(HandOff::new(move |handed| {
            let _ = tx.send(Action::SecretHandedOver(Box::new(handed)));
        })),
        keep_command_output: true,
        ..ApplyOptions::default()
    };
    apply(client, file, &plan_now, &options, journal.as_mut())
        .await
        .map_err(|e| e.to_string())
}
