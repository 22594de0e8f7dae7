//! `apply`: the plan carried out, every new secret checked and delivered
//! before anything is retired.
//!
//! Order: updates in place; then each create and rotation (create the
//! successor, ask `/whoami` with its secret, deliver it to every target,
//! and only then retire the keys it replaces: renamed retiring with their
//! expiration at the overlap's end, never later than they had, or revoked
//! at once with `overlap = "0s"`); revocations (`prune`) last. Within each
//! of these three phases, independent keys are worked on at once (at most
//! [`ApplyOptions::jobs`]), each key's own steps still in that order; the
//! journal has one writer, a lock held only while the state changes and is
//! written. A step that fails leaves the old key working, and the run goes
//! on with the others.

mod delivery;
mod recorder;

pub use self::delivery::check_targets;

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::Serialize;

use self::delivery::{Delivery, Made, prepare_targets};
use self::recorder::Recorder;
use super::file::{FileSpan, KeySpec, KeysFile};
use super::journal::{ApplyJournal, Stage};
use super::plan::{Action, ActionKind, Plan};
use crate::client::Client;
use crate::create::deliver_or_revoke;
use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::key::{ApiKey, CreatedKey, KeyUpdate};
use crate::rotate::{OldKeyOutcome, OldKeyStops};

/// How `apply` delivers.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// `--secrets-out`: a new dotenv or JSON file taking the secrets of
    /// keys that name no target.
    pub secrets_out: Option<PathBuf>,
    /// How long a `secret_to` command may run (default 2 minutes).
    pub delivery_limit: Option<Duration>,
    /// No step starts after this instant (a CI job's time limit): the
    /// actions left are reported as not started, for the next apply.
    pub deadline: Option<std::time::Instant>,
    /// How many keys are worked on at once (`--jobs`); `None`: [`DEFAULT_JOBS`].
    pub jobs: Option<NonZeroUsize>,
    /// Told each action's outcome as soon as it is done, so a run killed
    /// later still leaves a record of the keys it made (a CI log).
    pub on_outcome: Option<OnOutcome>,
    /// Without `secrets_out`: the secrets of keys that name no target are
    /// handed to the caller (a dialog), and each key waits for the answer
    /// that its secret is stored before it takes its name and retires the
    /// key it replaces; refused, it is revoked again and the old key kept.
    pub to_caller: Option<crate::deliver::HandOff>,
    /// Keeps the `secret_to` commands' output (redacted) in each
    /// [`Outcome::output`] instead of forwarding it to standard error: for
    /// a caller that owns the terminal's screen.
    pub keep_command_output: bool,
}

/// A callback for each [`Outcome`] as it happens.
#[derive(Clone)]
pub struct OnOutcome(pub std::sync::Arc<dyn Fn(&Outcome) + Send + Sync>);

impl std::fmt::Debug for OnOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnOutcome")
    }
}

/// How many keys `apply` works on at once unless told otherwise.
pub const DEFAULT_JOBS: usize = 8;

impl ApplyOptions {
    /// The bound on keys worked on at once.
    pub fn jobs(&self) -> usize {
        self.jobs.map_or(DEFAULT_JOBS, NonZeroUsize::get)
    }

    fn tell(&self, outcome: &Outcome) {
        if let Some(OnOutcome(told)) = &self.on_outcome {
            told(outcome);
        }
    }

    fn past_deadline(&self) -> bool {
        self.deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
    }
}

/// What became of one key replaced by a successor.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct Retired {
    /// The old key.
    pub id: String,
    /// `revoked`, `expires`, `interrupted`, `revoke_failed` or `expire_failed`.
    pub outcome: &'static str,
    /// When it stops working, if that was set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stops: Option<OldKeyStops>,
    /// Why it could not be retired (it still works).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What one action did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct Outcome {
    /// The plan's action.
    pub action: ActionKind,
    /// The key's name.
    pub name: String,
    /// The key acted on (updated, revoked), if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The key made (create, rotation), whose secret was delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_id: Option<String>,
    /// Whether it was done whole.
    pub ok: bool,
    /// What happened, one sentence (a failure says what still works).
    pub message: String,
    /// The keys a successor replaced.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<Retired>,
    /// What its `secret_to` commands printed, the secret redacted, when
    /// [`ApplyOptions::keep_command_output`] kept it (otherwise it went to
    /// standard error as they ran).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub output: String,
}

/// The pins `apply` rewrote in the file, or could not.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct Pins {
    /// `(name, id)`: the entries whose `id = ` now names a new key.
    pub changed: Vec<(String, String)>,
    /// Why the file could not be rewritten: set each `id = ` by hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What `apply` did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct ApplyReport {
    /// One per action, in the order done.
    pub outcomes: Vec<Outcome>,
    /// The pins rewritten.
    pub pins: Pins,
}

impl ApplyReport {
    /// Whether every action was done and every pin written: then `plan`
    /// shows no change.
    pub fn is_complete(&self) -> bool {
        self.outcomes.iter().all(|o| o.ok) && self.pins.error.is_none()
    }
}

/// Carries out `plan` (made from `file` with one listing). `Err` only when
/// nothing was sent: a target or the journal refused before the first
/// request. Otherwise the report says what each action did, in the plan's
/// order; failures leave the old key working.
pub async fn apply<J: Journal<ApplyJournal> + ?Sized>(
    client: &Client,
    file: &KeysFile,
    plan: &Plan,
    options: &ApplyOptions,
    journal: &mut J,
) -> Result<ApplyReport> {
    let mut targets = prepare_targets(client, file, plan, options)?;
    let mut state = ApplyJournal::new(&file.path);
    // Creates of an earlier run not yet resolved stay until they are.
    state.creates.clone_from(&plan.carried);
    journal.record(&state).map_err(Error::Output)?;
    let recorder = Recorder::new(state, journal);
    let mut report = ApplyReport::default();
    let mut repins = Vec::new();
    // Updates, then creates and rotations, then revocations: each phase
    // done before the next starts, its keys at once.
    let phases: [fn(ActionKind) -> bool; 3] = [
        |k| k == ActionKind::Update,
        ActionKind::creates,
        |k| k == ActionKind::Revoke,
    ];
    for in_phase in phases {
        // Collected first: a lazy iterator's closures held across the
        // await would keep the future from being `Send`.
        let mut steps = Vec::new();
        for (action, delivery) in plan.actions.iter().zip(targets.iter_mut()) {
            if in_phase(action.action) {
                let step = step(client, file, action, delivery.take(), options, &recorder);
                // Told as each key finishes, not in the plan's order.
                steps.push(async {
                    let done = step.await;
                    if let Some((outcome, _)) = &done {
                        options.tell(outcome);
                    }
                    done
                });
            }
        }
        let done: Vec<_> = futures::stream::iter(steps)
            .buffered(options.jobs())
            .collect()
            .await;
        for (outcome, repin) in done.into_iter().flatten() {
            report.outcomes.push(outcome);
            repins.extend(repin);
        }
    }
    report.pins = write_pins(file, &repins);
    Ok(report)
}

/// One action from start to end: its outcome, and the pin to rewrite
/// (entry, new id) if it changed one. `None` for an action the file no
/// longer backs.
async fn step<J: Journal<ApplyJournal> + ?Sized>(
    client: &Client,
    file: &KeysFile,
    action: &Action,
    delivery: Option<Delivery>,
    options: &ApplyOptions,
    recorder: &Recorder<'_, J>,
) -> Option<(Outcome, Option<(usize, String)>)> {
    let spec = action.entry.and_then(|e| file.keys.get(e).map(|s| (e, s)));
    // Checked as the step starts: with keys worked on at once, a step
    // waiting for a free slot may start after the deadline.
    if options.past_deadline() {
        return Some((
            Outcome {
                action: action.action,
                name: action.name.clone(),
                id: action.id.clone(),
                new_id: None,
                ok: false,
                message: "not started: the deadline passed; the next apply does it".to_owned(),
                retired: Vec::new(),
                output: String::new(),
            },
            None,
        ));
    }
    match (action.action, spec, delivery) {
        (ActionKind::Update, Some((entry, spec)), _) => {
            let outcome = update(client, action, spec).await;
            let repin = action
                .changes
                .iter()
                .find(|c| c.field == "id")
                .filter(|_| outcome.ok)
                .map(|change| (entry, change.to.clone()));
            Some((outcome, repin))
        }
        (kind, Some((entry, spec)), Some(delivery)) if kind.creates() => {
            let outcome = make(client, action, spec, delivery, recorder).await;
            let repin = match (outcome.ok, &outcome.new_id, &spec.id) {
                (true, Some(new_id), Some(_)) => Some((entry, new_id.clone())),
                _ => None,
            };
            Some((outcome, repin))
        }
        (ActionKind::Revoke, _, _) => {
            let outcome = revoke(client, action).await;
            if outcome.ok {
                // A failed write loses only this refinement: the next
                // plan finds the key gone.
                let _ = recorder
                    .record(|s| action.keys.iter().for_each(|k| s.resolve(k)))
                    .await;
            }
            Some((outcome, None))
        }
        _ => None,
    }
}

/// An update in place: name and permissions in one request (a change of
/// the pin alone sends nothing).
async fn update(client: &Client, action: &Action, spec: &KeySpec) -> Outcome {
    let id = action.id.clone().unwrap_or_default();
    let mut outcome = Outcome {
        action: action.action,
        name: action.name.clone(),
        id: Some(id.clone()),
        new_id: None,
        ok: true,
        message: String::new(),
        retired: Vec::new(),
        output: String::new(),
    };
    let mut update = KeyUpdate::new();
    let mut said = Vec::new();
    for change in &action.changes {
        match change.field {
            "name" => update = update.name(spec.name.clone()),
            "permissions" => update = update.permissions(spec.permissions.clone()),
            _ => {}
        }
        said.push(format!("{} {} → {}", change.field, change.from, change.to));
    }
    if !update.is_empty()
        && let Err(e) = client.update_key(&id, &update).await
    {
        outcome.ok = false;
        outcome.message = format!("the update failed ({e}); the key is as it was; run apply again");
        return outcome;
    }
    outcome.message = format!("updated in place: {}", said.join("; "));
    outcome
}

async fn revoke(client: &Client, action: &Action) -> Outcome {
    let id = action.id.clone().unwrap_or_default();
    let (ok, message) = if client.interrupt().is_requested() {
        (false, "not revoked: the run was interrupted".to_owned())
    } else {
        match client.revoke_key(&id).await {
            // The plan's reason: prune, or a key nobody holds.
            Ok(()) | Err(Error::NotFound(_)) => (
                true,
                match &action.reason {
                    Some(reason) => format!("revoked: {reason}"),
                    None => "revoked".to_owned(),
                },
            ),
            Err(e) => (
                false,
                format!("could not be revoked ({e}); it still works; run apply again"),
            ),
        }
    };
    Outcome {
        action: action.action,
        name: action.name.clone(),
        id: Some(id),
        new_id: None,
        ok,
        message,
        retired: Vec::new(),
        output: String::new(),
    }
}

/// How many times a create is tried when the listing after a failure shows
/// the server made no key.
const CREATE_TRIES: usize = 4;

/// A create or rotation: the successor made, checked, delivered, and only
/// then the keys it replaces retired.
// long: the steps in their one safe order, each recorded in the journal.
async fn make<J: Journal<ApplyJournal> + ?Sized>(
    client: &Client,
    action: &Action,
    spec: &KeySpec,
    delivery: Delivery,
    recorder: &Recorder<'_, J>,
) -> Outcome {
    let mut outcome = Outcome {
        action: action.action,
        name: action.name.clone(),
        id: action.id.clone(),
        new_id: None,
        ok: false,
        message: String::new(),
        retired: Vec::new(),
        output: String::new(),
    };
    let keeps = match action.keys.first() {
        None => String::new(),
        Some(old) => format!("; the old key {} keeps working", old.id),
    };
    let created = match create(client, spec, recorder).await {
        Ok(created) => created,
        Err(message) => {
            outcome.message = format!("{message}{keeps}");
            return outcome;
        }
    };
    let new_id = created.key.id.clone();
    if let Err(e) = authenticates(client, &created).await {
        let again = revoke_again(client, &new_id).await;
        let _ = recorder.record(|s| s.set(&new_id, Stage::Revoked)).await;
        outcome.message =
            format!("the new key {new_id} was made but {e}; {again}{keeps}; run apply again");
        return outcome;
    }
    if let ((), Err(e)) = recorder.record(|s| s.set(&new_id, Stage::Delivering)).await {
        let again = revoke_again(client, &new_id).await;
        outcome.message = format!(
            "the journal could not be written ({e}), so the new key {new_id} was not delivered; {again}{keeps}"
        );
        return outcome;
    }
    let replaces = action.keys.first().map(|k| k.id.as_str());
    // Targets (a secrets file's variable and comment) know the key by the
    // name it takes once delivered, not its pending one.
    let pending = created.key.clone();
    let mut created = created;
    created.key.name.clone_from(&spec.name);
    let mut delivery = delivery;
    if delivery.keeps_held
        && let Some(f) = delivery.file.as_mut()
    {
        // Asked before the write: only a secret that worked then and is
        // refused after the run is proven dead, and its copy deleted.
        f.probe_held(client).await;
    }
    let output = delivery.output.clone();
    let delivered = delivery.run(client, &created, &pending, replaces).await;
    outcome.output = output.map(|o| o.text()).unwrap_or_default();
    if let Some(why) = delivered.taken_over {
        // Not ours any more: whoever took it over decides its fate.
        outcome.message = why;
        return outcome;
    }
    let (given, kept) = (delivered.given, delivered.kept);
    if let Err(undelivered) =
        deliver_or_revoke(client, created, replaces, &mut Made(Some(delivered.result))).await
    {
        let _ = recorder.record(|s| s.set(&new_id, Stage::Revoked)).await;
        let given = &spec.targets.secret_to[..given.min(spec.targets.secret_to.len())];
        let told = if given.is_empty() {
            String::new()
        } else {
            format!(
                "; these commands were given its secret, now revoked: {}; the next apply gives them a working one",
                given
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        outcome.message = format!("{undelivered}{told}{keeps}; run apply again");
        return outcome;
    }
    let _ = recorder.record(|s| s.set(&new_id, Stage::Delivered)).await;
    outcome.new_id = Some(new_id.clone());
    // Every target holds it: the name is the file's now, before any old
    // key is retired (until then, a run cut off leaves two keys of the name).
    if let Err(e) = name_delivered(client, &new_id, spec).await {
        outcome.message = format!(
            "{new_id} made, its secret checked and delivered, but it could not take its name ({e}), so it keeps its pending name{keeps}; run apply again: it replaces that key"
        );
        return outcome;
    }
    outcome.retired = retire(client, &action.keys, spec).await;
    let _ = recorder
        .record(|s| {
            for (key, retired) in action.keys.iter().zip(&outcome.retired) {
                if retired.error.is_none() && retired.outcome != "interrupted" {
                    s.resolve(key);
                }
            }
        })
        .await;
    outcome.ok = outcome
        .retired
        .iter()
        .all(|r| r.error.is_none() && r.outcome != "interrupted");
    outcome.message = if outcome.ok {
        format!("{new_id} made, its secret checked and delivered")
    } else {
        format!(
            "{new_id} made, its secret checked and delivered; an old key could not be retired and still works: run apply again"
        )
    };
    if let Some(kept) = kept {
        let check = kept.check(client).await;
        outcome.message = format!("{}; {}", outcome.message, check.message());
    }
    outcome
}

/// Gives a delivered key the file's name, in place of its pending one
/// (even in a run being interrupted: the key is done, only its name is left).
async fn name_delivered(client: &Client, id: &str, spec: &KeySpec) -> Result<()> {
    client
        .update_key(id, &KeyUpdate::new().name(spec.name.clone()))
        .await
        .map(drop)
}

/// Creates the entry's key, named pending, recorded in the journal before it is sent.
/// After a failure that may have made a key (a 5xx, a broken connection,
/// an unreadable answer), the list is read: a key made whose answer was
/// lost is revoked at once (its secret never reached anyone), and when the
/// list shows no key was made the create is tried again.
async fn create<J: Journal<ApplyJournal> + ?Sized>(
    client: &Client,
    spec: &KeySpec,
    recorder: &Recorder<'_, J>,
) -> std::result::Result<CreatedKey, String> {
    let mut last = String::new();
    for _ in 0..CREATE_TRIES {
        if client.interrupt().is_requested() {
            return Err("not made: the run was interrupted".to_owned());
        }
        let now = Utc::now();
        let new = spec.new_pending_key(now).map_err(|e| e.to_string())?;
        let (record, written) = recorder.record(|s| s.sent(&new)).await;
        written.map_err(|e| format!("the journal could not be written ({e}); nothing was sent"))?;
        let error = match client.create_key(&new).await {
            Ok(created) => {
                recorder.change(|s| s.set_id(record, &created.key.id));
                return Ok(created);
            }
            Err(e) => e,
        };
        last = error.to_string();
        if !may_have_made(&error) {
            let _ = recorder
                .record(|s| s.set_stage(record, Stage::Revoked))
                .await;
            return Err(format!("not made: {error}"));
        }
        // A timed-out create may still be at work on the server: its record
        // stays `sent`, so the next apply revokes what it made; not tried again.
        if matches!(
            error,
            Error::Transport {
                kind: crate::error::TransportKind::Timeout,
                ..
            }
        ) {
            return Err(format!(
                "the create timed out ({error}); the next apply revokes any key it made"
            ));
        }
        let revoked = revoke_lost(client, &error, &new, spec).await?;
        // Found nothing: the record stays `sent`, in case the server makes
        // the key after all.
        let _ = recorder
            .record(|s| {
                if revoked {
                    s.set_stage(record, Stage::Revoked);
                }
            })
            .await;
    }
    Err(format!("not made after {CREATE_TRIES} tries: {last}"))
}

/// After `error`, a failure that may have made `new`: revokes what the
/// list shows it made (its secret reached nobody). `Ok(true)` when it made a
/// key, now revoked; `Ok(false)` when it made none (yet); `Err` when the
/// list or a revocation failed, for the next apply to finish.
async fn revoke_lost(
    client: &Client,
    error: &Error,
    new: &crate::key::NewKey,
    spec: &KeySpec,
) -> std::result::Result<bool, String> {
    let found = lost_keys(client, new.name(), new.expiration().instant(), spec)
        .await
        .map_err(|e| format!("the create failed ({error}) and may have made a key; the list to find it failed too ({e}): the next apply revokes it"))?;
    for key in &found {
        if let Err(e) = client.revoke_key(&key.id).await.or_else(gone_is_revoked) {
            return Err(format!(
                "the create failed ({error}) but made {}, whose secret nobody holds; revoking it failed ({e}): the next apply revokes it",
                key.id
            ));
        }
    }
    Ok(!found.is_empty())
}

/// A 404 on revoking: the key is gone already, as asked.
fn gone_is_revoked(e: Error) -> Result<()> {
    match e {
        Error::NotFound(_) => Ok(()),
        e => Err(e),
    }
}

/// Whether a failed create may have made a key.
fn may_have_made(e: &Error) -> bool {
    match e {
        Error::Transport { kind, .. } => *kind != crate::error::TransportKind::Connect,
        Error::Server(_) => true,
        Error::Decode { status, .. } => (200..300).contains(status),
        _ => false,
    }
}

/// Keys a lost create made: exactly the name, permissions and expiration sent.
async fn lost_keys(
    client: &Client,
    name: &str,
    expires_at: Option<DateTime<Utc>>,
    spec: &KeySpec,
) -> Result<Vec<ApiKey>> {
    Ok(client
        .list_keys()
        .await?
        .into_iter()
        .filter(|k| {
            k.name == name && k.permissions == spec.permissions && k.expires_at == expires_at
        })
        .collect())
}

/// Asks `/whoami` with the new secret, with the session's retries: only a
/// 401 or 403 means the secret does not authenticate; any other failure
/// (a 429 after every retry, the network) means it could not be checked.
async fn authenticates(client: &Client, created: &CreatedKey) -> std::result::Result<(), String> {
    match crate::deliver::kept::whoami_with(&created.secret, client).await {
        Ok(_) => Ok(()),
        Err(e @ (Error::Unauthorized(_) | Error::Forbidden(_))) => {
            Err(format!("its secret did not authenticate ({e})"))
        }
        Err(e) => Err(format!("its secret could not be checked ({e})")),
    }
}

async fn revoke_again(client: &Client, id: &str) -> String {
    match client.revoke_key(id).await {
        Ok(()) | Err(Error::NotFound(_)) => format!("{id} was revoked again"),
        Err(e) => format!(
            "revoking {id} again failed too ({e}): it works and nobody holds its secret, so revoke it by hand"
        ),
    }
}

/// Retires every key a successor replaces: renamed retiring, expiring at
/// the overlap's end (never later than it had), or revoked at once with
/// `0s`, and so is a key an interrupted apply left pending for an entry
/// naming no target (its secret was handed to the caller, never confirmed
/// stored). Once interrupted, none is touched.
async fn retire(client: &Client, old: &[ApiKey], spec: &KeySpec) -> Vec<Retired> {
    let overlap = spec.overlap;
    let mut retired = Vec::new();
    for key in old {
        let now = Utc::now();
        let outcome = if client.interrupt().is_requested() {
            OldKeyOutcome::Interrupted
        } else if overlap == FileSpan::Zero || spec.pending_unheld(key) {
            match client.revoke_key(&key.id).await {
                Ok(()) | Err(Error::NotFound(_)) => OldKeyOutcome::Revoked,
                Err(e) => OldKeyOutcome::RevokeFailed(e),
            }
        } else {
            crate::rotate::expire_until(client, key, overlap.after(now), now).await
        };
        retired.push(Retired {
            id: key.id.clone(),
            outcome: outcome.code(),
            stops: outcome.stops(),
            error: outcome.error().map(ToString::to_string),
        });
    }
    retired
}

/// Rewrites the pins that changed, keeping the file's comments and layout;
/// written atomically, its mode kept.
fn write_pins(file: &KeysFile, repins: &[(usize, String)]) -> Pins {
    let changed: Vec<(String, String)> = repins
        .iter()
        .filter_map(|(i, id)| Some((file.keys.get(*i)?.name.clone(), id.clone())))
        .collect();
    if changed.is_empty() {
        return Pins::default();
    }
    let text = file.with_pins(repins);
    let mode = std::fs::metadata(&file.path).map(|m| m.permissions());
    let written = crate::deliver::write_new_file(&file.path, &text, true)
        .map_err(|e| e.to_string())
        .and_then(|()| match mode {
            Ok(mode) => std::fs::set_permissions(&file.path, mode).map_err(|e| e.to_string()),
            Err(_) => Ok(()),
        });
    Pins {
        changed,
        error: written.err(),
    }
}
