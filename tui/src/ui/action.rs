//! Everything that can happen to the app (`Action`) and everything the app
//! asks the outside world to do (`Effect`). `App::update` turns one into the
//! other without doing any I/O itself.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};
use narrative_keys::deliver::KeptCheck;
use narrative_keys::incident::{IncidentPlan, IncidentReport};
use narrative_keys::{ApiKey, CreatedKey, KeyUpdate, NewKey, Secret};

use super::components::dialog::secret::SecretEntry;

/// An input, a clock tick, or the result of an effect.
#[derive(Debug)]
pub enum Action {
    /// A key pressed, repeated or released; routed to the dialog, form,
    /// command line, filter or list on top.
    Key(KeyEvent),
    /// A click or a turn of the wheel, hit-tested against the last frame.
    Mouse(MouseEvent),
    /// The terminal was resized; the next frame lays itself out anew.
    Resize(u16, u16),
    /// Advances the spinner and the clock used for relative dates.
    Tick(DateTime<Utc>),
    /// Ctrl-C from outside the terminal (SIGINT), or the event stream ended.
    Quit,
    /// The answer to `Effect::LoadKeys`: every key, or why they could not be listed.
    KeysLoaded(Result<Vec<ApiKey>, String>),
    /// The answer to `Effect::Create`: the new key with its one-time secret, or the failure.
    Created(Result<CreatedKey, String>),
    /// The answer to `Effect::Update`: the key as the server now has it, or the failure.
    Updated(Result<ApiKey, String>),
    /// The answer to `Effect::Rotate`: the old key, untouched, and its
    /// successor; or the failure.
    Rotated(Result<Rotated, String>),
    /// The answer to `Effect::RetireOldKey`: what became of a rotation's
    /// old key once its successor's secret was stored.
    OldKeyRetired(OldKeyRetired),
    /// The answer to `Effect::RevokeUnstored`: one entry per new key whose
    /// secret was not stored.
    UnstoredRevoked(Vec<RevokedKey>),
    /// One entry per key asked for.
    Revoked(Vec<RevokedKey>),
    /// The answer to `Effect::Incident`: the report and the replacements' secrets.
    IncidentDone(Box<IncidentDone>),
    /// The keys file's apply made a key naming no target: its secret for
    /// the once-only dialog, and the answer the apply waits for (stored, or
    /// not: the key revoked again, the key it replaces kept).
    SecretHandedOver(Box<narrative_keys::deliver::HandedSecret>),
    /// What the keys file's apply made of a secret marked stored: `Err`
    /// says why it does not go on with key `id` (revoked or taken over
    /// elsewhere while its secret was on screen).
    HandOffChecked {
        /// The key whose secret was stored.
        id: String,
        /// Whether the apply goes on with it.
        result: Result<(), String>,
    },
    /// The answer to `Effect::ApplyKeysFile`: what each step did (one line
    /// each), or why nothing was sent.
    KeysFileApplied(Result<narrative_keys::keys_as_code::ApplyReport, String>),
    /// Whether the OSC 52 sequence for the secret of key `id` could be
    /// written to the terminal.
    Copied {
        /// The key whose secret was to be copied.
        id: String,
        /// `Err` with why the sequence could not be written to the terminal.
        result: Result<(), String>,
    },
    /// The answer to `Effect::WriteSecrets`: which secrets reached the file.
    SecretsWritten(SecretsWritten),
    /// After `SecretsWritten` with a `kept` copy: whether the secret the
    /// file held before still works, and whether its copy stays.
    KeptSecretChecked(KeptCheck),
    /// The answer to `Effect::SaveReport`: the path of the report written, or why not.
    ReportSaved(Result<PathBuf, String>),
    /// Whether the OSC 52 sequence for key `id`'s id could be written.
    IdCopied {
        /// The key whose id was to be copied.
        id: String,
        /// `Err` with why the sequence could not be written to the terminal.
        result: Result<(), String>,
    },
    /// The server refused a call for want of permission, sent after the
    /// call's own result. `write` tells a change from a read.
    Refused {
        /// 401 or 403: a read refused with 401 ends the session.
        refusal: Refusal,
        /// Whether the refused call would have changed something (create, update,
        /// rotate, revoke): that offers read-only mode.
        write: bool,
        /// The server's words.
        message: String,
    },
}

/// How the server refused a call (the contract: 401 is a missing, wrong,
/// expired or under-privileged key; 403 a refusal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 401.
    Unauthorized,
    /// 403.
    Forbidden,
}

impl Refusal {
    /// The refusal an SDK error stands for, if it is one.
    pub fn of(e: &narrative_keys::Error) -> Option<Refusal> {
        match e {
            narrative_keys::Error::Unauthorized(_) => Some(Refusal::Unauthorized),
            narrative_keys::Error::Forbidden(_) => Some(Refusal::Forbidden),
            _ => None,
        }
    }
}

/// What a revoke did to one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedKey {
    /// The id of the key asked for.
    pub id: String,
    /// Its name when the revoke was asked for, for the messages.
    pub name: String,
    /// Revoked, already gone, or failed and still working.
    pub outcome: RevokeOutcome,
}

impl RevokedKey {
    /// One key's outcome, `id` and `name` as the request named the key.
    pub fn new(id: impl Into<String>, name: impl Into<String>, outcome: RevokeOutcome) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            outcome,
        }
    }
}

/// What a revoke did to one key, or why it did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevokeOutcome {
    /// Revoked by this request: it no longer works.
    Revoked,
    /// Someone revoked it already (the server no longer knows it).
    AlreadyGone,
    /// It may still work; why it failed.
    Failed(String),
}

impl RevokeOutcome {
    /// Whether the key no longer works, revoked now or before.
    pub fn is_gone(&self) -> bool {
        !matches!(self, RevokeOutcome::Failed(_))
    }
}

/// A rotation's first step as the UI needs it: the successor exists, the
/// old key is untouched until the successor's secret is stored.
#[derive(Debug)]
pub struct Rotated {
    /// The key that was rotated, as it was before.
    pub old: ApiKey,
    /// Its successor, with the secret the server shows only once.
    pub new: CreatedKey,
    /// What becomes of the old key once the secret is stored.
    pub old_key: narrative_keys::rotate::OldKeyPolicy,
}

/// What became of a rotation's old key.
#[derive(Debug)]
pub struct OldKeyRetired {
    /// The old key, as the rotation read it.
    pub old: ApiKey,
    /// The id of its successor, whose secret was stored.
    pub new_id: String,
    /// `Err` when it could not be revoked or given its end, and still works.
    pub fate: Result<OldKeyFate, String>,
}

/// The old key after a rotation that went as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OldKeyFate {
    /// It no longer works.
    Revoked,
    /// It works until then, then expires.
    Expires(chrono::DateTime<chrono::Utc>),
    /// It works until revoked (or its own expiration).
    Kept,
}

/// What an incident response did: the answer to `Effect::Incident`.
#[derive(Debug)]
pub struct IncidentDone {
    /// The keys revoked, replaced and failed; saved as a Markdown report.
    pub report: IncidentReport,
    /// The replacements' secrets, by the id of the key each replaces.
    pub replacements: Vec<(String, CreatedKey)>,
}

/// What writing the secrets to a file did. Each secret is written as it
/// comes, so a failure part way leaves the ones before it in the file.
#[derive(Debug)]
pub struct SecretsWritten {
    /// The file asked for.
    pub path: PathBuf,
    /// The ids of the keys whose secrets are in the file.
    pub written: Vec<String>,
    /// Why the rest were not written: the path, what went wrong, what to do.
    pub error: Option<String>,
    /// The secret the file held before, kept beside it; whether it still
    /// works is asked with `Effect::CheckKept` once the run is over (after a
    /// rotation's old key was retired) and answered by
    /// `Action::KeptSecretChecked`.
    pub kept: Option<narrative_keys::deliver::KeptSecret>,
}

/// Work for the runtime: network calls run as tasks, whose results come
/// back as actions; terminal and file writes are done in place.
#[derive(Debug)]
pub enum Effect {
    /// Lists every key again (at start, on refresh and after each change);
    /// answered by `Action::KeysLoaded`.
    LoadKeys,
    /// Creates the key the form built; answered by `Action::Created`.
    Create(NewKey),
    /// Saves the edit form's changes to a key; answered by `Action::Updated`.
    Update {
        /// The key to change.
        id: String,
        /// What to change: name, permissions, expiration.
        update: KeyUpdate,
    },
    /// Replaces a key with a new one of the same name and permissions;
    /// answered by `Action::Rotated`.
    Rotate {
        /// The key to rotate.
        id: String,
        /// What becomes of the old key.
        old_key: narrative_keys::rotate::OldKeyPolicy,
    },
    /// Revokes these keys, each as (id, name), in one bulk call; answered by
    /// `Action::Revoked`.
    Revoke(Vec<(String, String)>),
    /// Does to a rotation's old key what the rotation asked, now that its
    /// successor's secret is stored; answered by `Action::OldKeyRetired`.
    RetireOldKey {
        /// The old key, as the rotation read it.
        old: ApiKey,
        /// Its successor's id.
        new_id: String,
        /// Revoke it, let it expire after an overlap, or keep it.
        policy: narrative_keys::rotate::OldKeyPolicy,
    },
    /// Asks `/whoami` with the secret a written file held before (deleting
    /// its copy when it no longer works); answered by
    /// `Action::KeptSecretChecked`.
    CheckKept(narrative_keys::deliver::KeptSecret),
    /// Revokes new keys whose secret nobody stored, each as (id, name)
    /// (a rotation's successor dismissed unstored); answered by
    /// `Action::UnstoredRevoked`.
    RevokeUnstored(Vec<(String, String)>),
    /// Runs an incident response: revokes the plan's keys, replacing each if
    /// the plan says so; answered by `Action::IncidentDone`.
    Incident(Box<IncidentPlan>),
    /// Carries out the keys file's plan, each new secret to the file's
    /// targets (a key naming none handed to the app, `Action::SecretHandedOver`),
    /// its commands' output kept for the results; answered by
    /// `Action::KeysFileApplied`.
    ApplyKeysFile(
        Box<(
            narrative_keys::keys_as_code::KeysFile,
            narrative_keys::keys_as_code::Plan,
        )>,
    ),
    /// Sends the secret of key `id` to the terminal's clipboard with OSC 52.
    Copy {
        /// The key the secret belongs to.
        id: String,
        /// The secret itself (zeroed when dropped).
        secret: Secret,
    },
    /// Writes every secret to one 0600 file: `NARRATIVE_API_KEY=<secret>`
    /// for one, a file of many (dotenv, or JSON for `.json`) for several.
    WriteSecrets {
        /// The file to write, as typed in the secret dialog.
        path: PathBuf,
        /// The new keys with their secrets, and the id of the key each replaces.
        secrets: Vec<SecretEntry>,
    },
    /// Writes an incident report to a new file, never over one already there;
    /// answered by `Action::ReportSaved`.
    SaveReport {
        /// Where, as the incident dialog proposes it or the user edited it.
        path: PathBuf,
        /// The report, as Markdown.
        markdown: String,
    },
    /// Sends a key's id (not a secret) to the terminal's clipboard.
    CopyId {
        /// The id to copy.
        id: String,
    },
    /// Tells the keys file's apply whether a secret it handed over is
    /// stored (it goes on) or not (it revokes that key again).
    AnswerHandOff {
        /// The key whose secret it is.
        id: String,
        /// The answer the apply waits for.
        answer: narrative_keys::deliver::HandOffAnswer,
        /// Written or marked stored.
        stored: bool,
    },
    /// Several effects, run in order; `Effect::flatten` unnests them.
    Many(Vec<Effect>),
}

impl Effect {
    /// Flattens `Many` for callers (and tests) that look at single effects.
    pub fn flatten(self) -> Vec<Effect> {
        match self {
            Effect::Many(v) => v.into_iter().flat_map(Effect::flatten).collect(),
            e => vec![e],
        }
    }

    /// Both effects, either, or none: `first` runs first.
    pub fn join(first: Option<Effect>, then: Option<Effect>) -> Option<Effect> {
        match (first, then) {
            (Some(a), Some(b)) => Some(Effect::Many(vec![a, b])),
            (a, b) => a.or(b),
        }
    }
}
