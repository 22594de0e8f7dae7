//! The dialogs that sit over a screen. A modal takes every key while it is
//! open, so nothing underneath acts by accident.

use chrono::{DateTime, Utc};
use narrative_keys::incident::{IncidentPlan, IncidentReport};
use narrative_keys::{ApiKey, CreatedKey, Secret};

use super::input::TextInput;

/// The dialog open over the screen (`App::modal`); it takes every key until
/// it closes.
#[derive(Debug)]
pub enum Modal {
    /// The key bindings of every context (`?`, F1), scrolled by `App::help_scroll`.
    Help,
    /// The question before revoking the marked keys or the selected one (`d`, `:revoke`).
    ConfirmRevoke(RevokeConfirm),
    /// The question before rotating a key (`r`), with what becomes of the old one.
    ConfirmRotate {
        /// The key to rotate.
        id: String,
        /// Its name, for the question.
        name: String,
        /// Which of [`ROTATE_CHOICES`] is picked: what becomes of the old key.
        choice: usize,
    },
    /// The once-only display of an operation's new secrets.
    Secret(SecretModal),
    /// The incident response (`i`): its dry run, its progress, then its report.
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
    /// The question for revoking `keys`, each as (id, name), nothing typed yet.
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
    /// The secret, shown here once (zeroed when dropped).
    pub secret: Secret,
    /// Sent to the terminal's clipboard from the dialog.
    pub copied: bool,
    /// Written to a file from the dialog.
    pub written: bool,
    /// The user said it is stored ("I have stored it"), elsewhere than by
    /// this dialog's copy or file.
    pub acknowledged: bool,
    /// A rotation's old key, left working until this secret is stored;
    /// taken when its retirement is sent.
    pub old_key: Option<PendingOldKey>,
}

/// A new key whose secret was neither written nor acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnstoredKey {
    /// Its id.
    pub id: String,
    /// Its name, for the messages.
    pub name: String,
    /// The id of the old key it was to replace in a rotation, untouched.
    pub old_key: Option<String>,
}

/// A rotation's old key and what becomes of it once its successor's secret
/// is stored (written or acknowledged); until then it works.
#[derive(Debug, Clone)]
pub struct PendingOldKey {
    /// The old key as the rotation read it.
    pub key: ApiKey,
    /// Revoke it, let it expire after an overlap, or keep it.
    pub policy: narrative_keys::rotate::OldKeyPolicy,
}

impl SecretEntry {
    /// The entry for a key just created, neither copied nor written yet.
    pub fn new(created: CreatedKey, replaces: Option<String>) -> Self {
        Self {
            key: created.key,
            replaces,
            secret: created.secret,
            copied: false,
            written: false,
            acknowledged: false,
            old_key: None,
        }
    }

    /// The entry for a rotation's successor: `old` keeps working until the
    /// secret is stored, then `policy` applies to it.
    pub fn successor(
        created: CreatedKey,
        old: ApiKey,
        policy: narrative_keys::rotate::OldKeyPolicy,
    ) -> Self {
        let replaces = Some(old.id.clone());
        Self {
            old_key: Some(PendingOldKey { key: old, policy }),
            ..Self::new(created, replaces)
        }
    }

    /// Written or acknowledged: stored somewhere outside this program. A
    /// copy alone is not: whether the terminal put it on the clipboard
    /// (OSC 52) cannot be known, so it takes `s` to say so.
    pub fn saved(&self) -> bool {
        self.written || self.acknowledged
    }
}

/// The once-only display of every new secret of one operation (a create, a
/// rotation, an incident's replacements). Only `D` then `y` closes it.
#[derive(Debug)]
pub struct SecretModal {
    /// The dialog's title, naming the operation.
    pub title: String,
    /// Every new secret of the operation, one entry per key.
    pub entries: Vec<SecretEntry>,
    /// Index into `entries` of the selected secret, the one `c` copies.
    pub cursor: usize,
    /// What happened to the last copy: `Ok(message)` or `Err(message)`.
    pub copy_note: Option<Result<String, String>>,
    /// Open while the path of the file for all the secrets is being typed.
    pub file_input: Option<TextInput>,
    /// What the last write to a file did: `Ok(message)` or `Err(message)`.
    pub file_note: Option<Result<String, String>>,
    /// The secret that file held before, kept beside it: `Ok` while it is
    /// checked or once its copy was deleted (it no longer works), `Err`
    /// while the copy stays (it still works, or could not be checked).
    pub kept_note: Option<Result<String, String>>,
    /// That kept secret, waiting to be checked until the old keys the
    /// write retires are retired (a rotated-out secret works until then).
    pub kept_unchecked: Option<Box<narrative_keys::deliver::KeptSecret>>,
    /// A write to a file is in flight (it asks the server about the secret
    /// the file holds first): dismissing, or another write, waits for its
    /// answer, so a secret it writes is never counted as nowhere.
    pub writing: bool,
    /// `D` was pressed: the question of `dismiss_question` is open.
    pub confirm_dismiss: bool,
    /// Something else worth knowing about the old key of a rotation: a
    /// caution (`Ok`: it still works, or works until its new expiration) or
    /// a failure (`Err`: it could not be revoked).
    pub note: Option<Result<String, String>>,
    /// What to show once this is dismissed (the incident report).
    pub then: Option<Box<Modal>>,
}

impl SecretModal {
    /// The dialog for `entries`, the first selected, nothing copied or written.
    pub fn new(title: impl Into<String>, entries: Vec<SecretEntry>) -> Self {
        Self {
            title: title.into(),
            entries,
            cursor: 0,
            copy_note: None,
            file_input: None,
            file_note: None,
            kept_note: None,
            kept_unchecked: None,
            writing: false,
            confirm_dismiss: false,
            note: None,
            then: None,
        }
    }

    /// The selected entry, if any.
    pub fn current(&self) -> Option<&SecretEntry> {
        self.entries.get(self.cursor)
    }

    /// How many secrets were neither written nor acknowledged.
    pub fn unsaved(&self) -> usize {
        self.entries.iter().filter(|e| !e.saved()).count()
    }

    /// The secret of key `id`, if it is in this dialog.
    pub fn entry_mut(&mut self, id: &str) -> Option<&mut SecretEntry> {
        self.entries.iter_mut().find(|e| e.key.id == id)
    }

    /// The new keys whose secret was not stored, as (id, name): dismissing
    /// the dialog revokes them again, as nobody would hold their secret (a
    /// rotation's old key stays).
    pub fn unstored_pairs(&self) -> Vec<(String, String)> {
        self.unstored()
            .into_iter()
            .map(|k| (k.id, k.name))
            .collect()
    }

    /// Every key whose secret was neither written nor acknowledged:
    /// nobody holds it once this program ends.
    pub fn unstored(&self) -> Vec<UnstoredKey> {
        self.entries
            .iter()
            .filter(|e| !e.saved())
            .map(|e| UnstoredKey {
                id: e.key.id.clone(),
                name: e.key.name.clone(),
                old_key: e.old_key.as_ref().map(|o| o.key.id.clone()),
            })
            .collect()
    }

    /// The question `D` asks: how many secrets would be lost, and that the
    /// new keys nobody would hold are revoked again (a rotation's old key
    /// keeps working).
    pub fn dismiss_question(&self) -> String {
        let question = self.lost_question();
        let unstored = self.unstored();
        let rotated = unstored.iter().any(|k| k.old_key.is_some());
        let revoked = match (unstored.len(), rotated) {
            (0, _) => return question,
            (1, true) => "The new key is revoked again and the old key keeps working.",
            (1, false) => "The new key is revoked again, so that no key is left that nobody holds.",
            (_, true) => "Those new keys are revoked again and the old keys keep working.",
            (_, false) => {
                "Those new keys are revoked again, so that no key is left that nobody holds."
            }
        };
        match question.strip_suffix("Dismiss? y/n") {
            Some(lost) => format!("{lost}{revoked} Dismiss? y/n"),
            None => question,
        }
    }

    /// The question of how many secrets would be lost.
    fn lost_question(&self) -> String {
        let total = self.entries.len();
        let unsaved = self.unsaved();
        match (total, unsaved) {
            (1, 0) => "The secret was written or marked stored. Dismiss? y/n".to_owned(),
            (1, _) => {
                "The secret has not been written or marked stored (s); it cannot be shown again. Dismiss? y/n"
                    .to_owned()
            }
            (_, 0) => format!("All {total} secrets were written or marked stored. Dismiss? y/n"),
            (_, 1) => format!(
                "1 of {total} secrets has not been written or marked stored (s); it cannot be shown again. Dismiss? y/n"
            ),
            (_, n) => format!(
                "{n} of {total} secrets have not been written or marked stored (s); they cannot be shown again. Dismiss? y/n"
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

/// The incident response's dialog, one state per phase.
#[derive(Debug)]
pub enum IncidentModal {
    /// The dry run: what would happen, before anything does.
    Plan {
        /// What would be revoked, and whether each key is replaced.
        plan: Box<IncidentPlan>,
        /// How far the plan is scrolled, in lines.
        scroll: u16,
    },
    /// Sent: the response is running.
    Running {
        /// How many keys the plan revokes.
        count: usize,
    },
    /// Finished: the report, saved to a file at once.
    Done {
        /// What was revoked, replaced and failed.
        report: Box<IncidentReport>,
        /// The report as Markdown, as it is saved.
        markdown: String,
        /// The file to save it to (`incident-report-<time>.md` at first); `w` edits it.
        path: TextInput,
        /// Whether the path is being edited.
        editing: bool,
        /// What the last save did: `Ok(message)` or `Err(message)`; `None` before one ends.
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
