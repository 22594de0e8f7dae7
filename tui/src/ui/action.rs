//! Everything that can happen to the app (`Action`) and everything the app
//! asks the outside world to do (`Effect`). `App::update` turns one into the
//! other without doing any I/O itself.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};
use narrative_keys::incident::{IncidentPlan, IncidentReport};
use narrative_keys::{ApiKey, CreatedKey, KeyUpdate, NewKey, Secret};

use super::modal::SecretEntry;

/// An input, a clock tick, or the result of an effect.
#[derive(Debug)]
pub enum Action {
    Key(KeyEvent),
    /// A click or a turn of the wheel, hit-tested against the last frame.
    Mouse(MouseEvent),
    /// The terminal was resized; the next frame lays itself out anew.
    Resize(u16, u16),
    /// Advances the spinner and the clock used for relative dates.
    Tick(DateTime<Utc>),
    /// Ctrl-C from outside the terminal (SIGINT), or the event stream ended.
    Quit,
    KeysLoaded(Result<Vec<ApiKey>, String>),
    Created(Result<CreatedKey, String>),
    Updated(Result<ApiKey, String>),
    Rotated(Result<Rotated, String>),
    /// One entry per key asked for.
    Revoked(Vec<RevokedKey>),
    IncidentDone(Box<IncidentDone>),
    /// Whether the OSC 52 sequence for the secret of key `id` could be
    /// written to the terminal.
    Copied {
        id: String,
        result: Result<(), String>,
    },
    SecretsWritten(SecretsWritten),
    ReportSaved(Result<PathBuf, String>),
    /// Whether the OSC 52 sequence for key `id`'s id could be written.
    IdCopied {
        id: String,
        result: Result<(), String>,
    },
    /// The server refused a call for want of permission, sent after the
    /// call's own result. `write` tells a change from a read.
    Refused {
        refusal: Refusal,
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
    pub id: String,
    pub name: String,
    pub outcome: RevokeOutcome,
}

impl RevokedKey {
    pub fn new(id: impl Into<String>, name: impl Into<String>, outcome: RevokeOutcome) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            outcome,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevokeOutcome {
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

/// A rotation as the UI needs it.
#[derive(Debug)]
pub struct Rotated {
    pub old: ApiKey,
    pub new: CreatedKey,
    /// What became of the old key: `Err` when the new key exists but the
    /// old one could not be revoked or given its end, and still works.
    pub old_key: Result<OldKeyFate, String>,
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

#[derive(Debug)]
pub struct IncidentDone {
    pub report: IncidentReport,
    /// The replacements' secrets, by the id of the key each replaces.
    pub replacements: Vec<(String, CreatedKey)>,
}

/// What writing the secrets to a file did. Each secret is written as it
/// comes, so a failure part way leaves the ones before it in the file.
#[derive(Debug)]
pub struct SecretsWritten {
    pub path: PathBuf,
    /// The ids of the keys whose secrets are in the file.
    pub written: Vec<String>,
    /// Why the rest were not written: the path, what went wrong, what to do.
    pub error: Option<String>,
}

/// Work for the runtime: network calls run as tasks, whose results come
/// back as actions; terminal and file writes are done in place.
#[derive(Debug)]
pub enum Effect {
    LoadKeys,
    Create(NewKey),
    Update {
        id: String,
        update: KeyUpdate,
    },
    Rotate {
        id: String,
        /// What becomes of the old key.
        old_key: narrative_keys::rotate::OldKeyPolicy,
    },
    Revoke(Vec<(String, String)>),
    Incident(Box<IncidentPlan>),
    /// Sends the secret of key `id` to the terminal's clipboard with OSC 52.
    Copy {
        id: String,
        secret: Secret,
    },
    /// Writes every secret to one 0600 file: `NARRATIVE_API_KEY=<secret>`
    /// for one, a file of many (dotenv, or JSON for `.json`) for several.
    WriteSecrets {
        path: PathBuf,
        secrets: Vec<SecretEntry>,
    },
    SaveReport {
        path: PathBuf,
        markdown: String,
    },
    /// Sends a key's id (not a secret) to the terminal's clipboard.
    CopyId {
        id: String,
    },
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
}
