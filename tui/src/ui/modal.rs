//! The dialogs that sit over a screen. A modal takes every key while it is
//! open, so nothing underneath acts by accident.

use chrono::{DateTime, Utc};
use narrative_keys::incident::{IncidentPlan, IncidentReport};
use narrative_keys::{ApiKey, CreatedKey, Secret};

use super::input::TextInput;

#[derive(Debug)]
pub enum Modal {
    Help,
    ConfirmRevoke(RevokeConfirm),
    ConfirmRotate {
        id: String,
        name: String,
        /// Which of [`ROTATE_CHOICES`] is picked: what becomes of the old key.
        choice: usize,
    },
    Secret(SecretModal),
    Incident(IncidentModal),
    /// The server refused a change as not permitted: switch to read-only?
    OfferReadOnly {
        /// What the server said.
        message: String,
    },
    /// The server no longer accepts this session's key; nothing more is sent.
    SessionEnded(String),
}

/// What a rotation does with the old key once the new key's secret is
/// shown: revoke it (the default, as on every surface), let it work for an
/// overlap and then expire (zero-downtime, never later than its own
/// expiration), or keep it.
pub const ROTATE_CHOICES: [(&str, narrative_keys::rotate::OldKeyPolicy); 5] = {
    use narrative_keys::Span;
    use narrative_keys::rotate::OldKeyPolicy;
    [
        ("revoke it now", OldKeyPolicy::Revoke),
        (
            "keep it 1h, then it expires",
            OldKeyPolicy::ExpireAfter(Span::Hours(1)),
        ),
        (
            "keep it 24h, then it expires",
            OldKeyPolicy::ExpireAfter(Span::Hours(24)),
        ),
        (
            "keep it 7d, then it expires",
            OldKeyPolicy::ExpireAfter(Span::Hours(24 * 7)),
        ),
        ("keep it (revoke it later)", OldKeyPolicy::Keep),
    ]
};

/// The question before a revoke. One key: y or n. Several: the number of
/// keys must be typed, so that a stray `y` cannot revoke a whole selection.
#[derive(Debug, Clone, Default)]
pub struct RevokeConfirm {
    /// Keys to revoke, as (id, name).
    pub keys: Vec<(String, String)>,
    /// The number typed so far (several keys only).
    pub typed: TextInput,
    /// Why the last Enter did nothing.
    pub note: Option<String>,
}

impl RevokeConfirm {
    pub fn new(keys: Vec<(String, String)>) -> Self {
        Self {
            keys,
            ..Self::default()
        }
    }

    /// Whether the count must be typed rather than answered with y.
    pub fn needs_count(&self) -> bool {
        self.keys.len() > 1
    }
}

/// One new secret, shown once.
#[derive(Debug, Clone)]
pub struct SecretEntry {
    /// The key just created.
    pub key: ApiKey,
    /// The id of the key it replaces (rotation, incident), if any.
    pub replaces: Option<String>,
    pub secret: Secret,
    /// Sent to the terminal's clipboard from the dialog.
    pub copied: bool,
    /// Written to a file from the dialog.
    pub written: bool,
}

impl SecretEntry {
    pub fn new(created: CreatedKey, replaces: Option<String>) -> Self {
        Self {
            key: created.key,
            replaces,
            secret: created.secret,
            copied: false,
            written: false,
        }
    }

    /// Copied or written: stored somewhere outside this program.
    pub fn saved(&self) -> bool {
        self.copied || self.written
    }
}

/// The once-only display of every new secret of one operation (a create, a
/// rotation, an incident's replacements). Only `D` then `y` closes it.
#[derive(Debug)]
pub struct SecretModal {
    pub title: String,
    pub entries: Vec<SecretEntry>,
    pub cursor: usize,
    /// What happened to the last copy: `Ok(message)` or `Err(message)`.
    pub copy_note: Option<Result<String, String>>,
    /// Open while the path of the file for all the secrets is being typed.
    pub file_input: Option<TextInput>,
    pub file_note: Option<Result<String, String>>,
    pub confirm_dismiss: bool,
    /// Something else worth knowing (an old key that could not be revoked).
    pub note: Option<String>,
    /// What to show once this is dismissed (the incident report).
    pub then: Option<Box<Modal>>,
}

impl SecretModal {
    pub fn new(title: impl Into<String>, entries: Vec<SecretEntry>) -> Self {
        Self {
            title: title.into(),
            entries,
            cursor: 0,
            copy_note: None,
            file_input: None,
            file_note: None,
            confirm_dismiss: false,
            note: None,
            then: None,
        }
    }

    pub fn current(&self) -> Option<&SecretEntry> {
        self.entries.get(self.cursor)
    }

    /// How many secrets were neither copied nor written.
    pub fn unsaved(&self) -> usize {
        self.entries.iter().filter(|e| !e.saved()).count()
    }

    /// The secret of key `id`, if it is in this dialog.
    pub fn entry_mut(&mut self, id: &str) -> Option<&mut SecretEntry> {
        self.entries.iter_mut().find(|e| e.key.id == id)
    }

    /// The question `D` asks: how many secrets would be lost.
    pub fn dismiss_question(&self) -> String {
        let total = self.entries.len();
        let unsaved = self.unsaved();
        match (total, unsaved) {
            (1, 0) => "The secret was copied or written. Dismiss? y/n".to_owned(),
            (1, _) => {
                "The secret has not been copied or written; it cannot be shown again. Dismiss? y/n"
                    .to_owned()
            }
            (_, 0) => format!("All {total} secrets were copied or written. Dismiss? y/n"),
            (_, 1) => format!(
                "1 of {total} secrets has not been copied or written; it cannot be shown again. Dismiss? y/n"
            ),
            (_, n) => format!(
                "{n} of {total} secrets have not been copied or written; they cannot be shown again. Dismiss? y/n"
            ),
        }
    }

    /// The file name `w` proposes: the key's name for one secret, a new
    /// name with the time for several (their file must be new).
    pub fn default_file(&self, now: DateTime<Utc>) -> String {
        match self.entries.as_slice() {
            [one] => format!("{}.env", slug(&one.key.name)),
            _ => format!("new-secrets-{}.env", now.format("%Y%m%d-%H%M%S")),
        }
    }
}

#[derive(Debug)]
pub enum IncidentModal {
    /// The dry run: what would happen, before anything does.
    Plan {
        plan: Box<IncidentPlan>,
        scroll: u16,
    },
    Running {
        count: usize,
    },
    Done {
        report: Box<IncidentReport>,
        markdown: String,
        path: TextInput,
        editing: bool,
        saved: Option<Result<String, String>>,
    },
}

/// `e2e-key.env` for "E2E key": a file name made from a key's name.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "key".to_owned()
    } else {
        out
    }
}
