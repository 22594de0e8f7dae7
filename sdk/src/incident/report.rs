//! The incident report, and reading it back from its JSON.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(doc)]
use super::{IncidentPlan, resume};
use crate::expiration::Expiration;
use crate::key::{ApiKey, CreatedKey};
use crate::permission::PermissionSet;

/// A key as the report records it: never a secret. Read from a report as
/// keys are read from the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(from = "ApiKey")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct ReportedKey {
    /// The key's id.
    pub id: String,
    /// The key's name.
    pub name: String,
    /// Its permissions, as the server sent them.
    pub permissions: PermissionSet,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    /// Its expiration, `None` for never.
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ReportedKey {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id,
            name: k.name,
            permissions: k.permissions,
            expires_at: k.expires_at,
        }
    }
}

impl From<&ApiKey> for ReportedKey {
    fn from(k: &ApiKey) -> Self {
        k.clone().into()
    }
}

/// A replacement made by an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Replacement {
    /// The revoked key this one replaces.
    pub replaces: String,
    /// The replacement, never its secret.
    pub key: ReportedKey,
}

/// A replacement's create as it was sent, recorded in the report before it
/// is sent and kept there until its secret is delivered (or the key revoked
/// again): while it is listed, a key may exist whose secret nobody holds.
/// A resume revokes that key ([`created`](Self::created), or when the
/// answer was lost, a key with exactly this name, these permissions and this
/// expiration that the report does not name otherwise) and makes a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct SentReplacement {
    /// The revoked key it replaces.
    pub replaces: String,
    /// The name sent.
    pub name: String,
    /// The permissions sent.
    pub permissions: PermissionSet,
    /// The expiration sent, `None` for never.
    #[serde(deserialize_with = "crate::instant::serde_rfc3339::option")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub expires_at: Option<DateTime<Utc>>,
    /// The id the server answered with; absent while no answer came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

/// The step of the incident that failed for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum IncidentStep {
    /// Revoking it: the key still works.
    Revoke,
    /// Creating its replacement: the key is revoked and has no successor yet
    /// ([`resume`] creates it).
    Replace,
}

impl IncidentStep {
    /// `revoke` or `replace`.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStep::Revoke => "revoke",
            IncidentStep::Replace => "replace",
        }
    }
}

impl fmt::Display for IncidentStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A key the incident could not revoke or replace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Failure {
    /// The key's id.
    pub id: String,
    /// The key's name.
    pub name: String,
    /// `revoke` or `replace`.
    pub step: IncidentStep,
    /// What went wrong.
    pub error: String,
}

/// The incident report: what was done, when, and what failed. Holds no secret.
///
/// It reads back from its JSON ([`IncidentReport::from_json`]), so an
/// incident cut off before every replacement was made can be [`resume`]d;
/// the report of a resume is the whole incident's report again, and
/// resumable in turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct IncidentReport {
    /// The environment the incident ran against.
    pub environment: String,
    /// When the incident began: kept by every resume.
    #[serde(deserialize_with = "crate::instant::serde_rfc3339::one")]
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub started_at: DateTime<Utc>,
    /// When the last run (the incident or its latest resume) ended.
    #[serde(deserialize_with = "crate::instant::serde_rfc3339::one")]
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub finished_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// What happened, as the caller wrote it.
    pub note: Option<String>,
    /// The keys revoked.
    pub revoked: Vec<ReportedKey>,
    /// The replacements made, each with the key it replaces.
    pub replacements: Vec<Replacement>,
    /// In reports of earlier versions only: replacements a resume found
    /// already created, whose secrets were lost with the answer. A resume
    /// now revokes each and makes a new one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub already_present: Vec<Replacement>,
    /// Selected keys not revoked yet: the run was cut off or stopped before
    /// their revocation ended, or it failed (see `failures`). A resume
    /// revokes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to_revoke: Vec<ReportedKey>,
    /// Replacements sent whose secrets are not known to be delivered (see
    /// [`SentReplacement`]); a resume revokes the keys they made and makes
    /// new ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undelivered: Vec<SentReplacement>,
    /// Whether every create is recorded in `undelivered` before it is sent,
    /// as from this version on; an older report's lost replacements are
    /// looked for by name, permissions and expiration instead.
    #[serde(default)]
    pub creates_recorded: bool,
    /// Keys whose revocation or replacement failed.
    pub failures: Vec<Failure>,
    /// Ids asked for that no visible key had.
    pub missing_ids: Vec<String>,
    /// The expiration the last replacement attempts asked for, written as
    /// `never`, a date or an RFC 3339 instant; absent when no replacement was
    /// asked for. A resume uses it to recognise a replacement whose answer
    /// was lost, since the API does not say when a key was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "recorded_expiration"
    )]
    #[cfg_attr(not(target_arch = "wasm32"), schemars(with = "Option<String>"))]
    #[cfg_attr(feature = "wasm", tsify(type = "string"))]
    pub replacement_expiration: Option<Expiration>,
    /// When each resume of this incident started.
    #[serde(default, deserialize_with = "crate::instant::serde_rfc3339::many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string[]"))]
    pub resumed_at: Vec<DateTime<Utc>>,
    /// Keys that looked like the revoked ones before the incident began (see
    /// [`IncidentPlan::look_alikes`]); a resume never counts them as
    /// replacements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub look_alikes: Vec<String>,
    /// Revoked keys that had already expired and were, as planned, not
    /// replaced (see [`IncidentPlan::expired`]); a resume does not replace
    /// them either.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired_not_replaced: Vec<String>,
}

/// The report, and the replacements' secrets, which go to the caller only.
#[derive(Debug)]
pub struct IncidentOutcome {
    /// The report: no secret in it.
    pub report: IncidentReport,
    /// Each replacement's key and secret, by the id of the key it replaces.
    pub replacements: Vec<(String, CreatedKey)>,
    /// Whether the client's [`Interrupt`](crate::Interrupt) stopped the run
    /// before its work was done: the report says what is left.
    pub interrupted: bool,
    /// The journal could not be written, so the run stopped before its next
    /// step: the report in memory is more recent than the journal.
    pub journal_error: Option<crate::error::DeliveryError>,
}

impl IncidentOutcome {
    /// Whether work is left for a resume: keys to revoke, replacements to
    /// make, or keys made whose secrets were not delivered.
    pub fn unfinished(&self) -> bool {
        self.report.unfinished()
    }

    /// The replacements' secrets, exposed on purpose for a caller that
    /// prints them (the CLI's `incident --json` with the secrets on stdout).
    pub fn shown_secrets(&self) -> Vec<ShownReplacement<'_>> {
        self.replacements
            .iter()
            .map(|(replaces, created)| ShownReplacement {
                id: &created.key.id,
                replaces,
                secret: created.secret.expose(),
            })
            .collect()
    }
}

/// A replacement and its secret, shown: `{"id", "replaces", "secret"}`.
/// Made only by [`IncidentOutcome::shown_secrets`]; it holds the secret in
/// plain text, so it has no `Debug`.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct ShownReplacement<'a> {
    /// The replacement's id.
    pub id: &'a str,
    /// The id of the revoked key it replaces.
    pub replaces: &'a str,
    /// The secret itself.
    pub secret: &'a str,
}

/// Why a saved report could not be read back. No variant repeats a value
/// from the text (it may be the `--json` output, which holds secrets).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportReadError {
    /// The Markdown report was given, not the JSON one.
    #[error("it is the Markdown report, which cannot be read back; the JSON report is needed")]
    Markdown,
    /// The text is not JSON.
    #[error("it is not JSON (line {line}, column {column})")]
    NotJson {
        /// Where the JSON broke: its line,
        line: usize,
        /// and its column.
        column: usize,
    },
    /// JSON, but not the shape of a report.
    #[error("it is JSON but not an incident report: at `{path}`: {message}")]
    NotAReport {
        /// Where in the JSON the shape broke.
        path: String,
        /// What was wrong there, without the value.
        message: String,
    },
}

impl IncidentReport {
    /// Reads a report saved as JSON (as it serialises: what `--report
    /// FILE.json` writes). A front end that wraps the report in output of its
    /// own unwraps it first. Unknown resources and access levels are kept.
    pub fn from_json(text: &str) -> Result<Self, ReportReadError> {
        let body = text.trim_start_matches('\u{feff}').trim_start();
        if body.starts_with('#') {
            return Err(ReportReadError::Markdown);
        }
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(body) {
            return Err(ReportReadError::NotJson {
                line: e.line(),
                column: e.column(),
            });
        }
        let not_a_report = |e: serde_json::Error| ReportReadError::NotAReport {
            path: crate::json_path::of_error(body.as_bytes(), &e),
            message: crate::error::without_values(&e.to_string()),
        };
        serde_json::from_str(body).map_err(not_a_report)
    }

    /// Whether a resume has work to do: selected keys not revoked, revoked
    /// keys without a replacement, or replacements sent but not delivered.
    pub fn unfinished(&self) -> bool {
        !self.to_revoke.is_empty() || !self.undelivered.is_empty() || !self.unreplaced().is_empty()
    }

    /// What a run cut off left half done, a sentence each: selected keys not
    /// revoked yet, and replacements sent whose secrets were not delivered.
    pub fn unfinished_notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.to_revoke.is_empty() {
            let keys: Vec<String> = self
                .to_revoke
                .iter()
                .map(|k| format!("{} ({})", k.name, k.id))
                .collect();
            notes.push(format!(
                "Not revoked yet, so still working (resuming the incident revokes them): {}",
                keys.join(", ")
            ));
        }
        if !self.undelivered.is_empty() {
            let sent: Vec<String> = self
                .undelivered
                .iter()
                .map(|s| match &s.created {
                    Some(id) => format!("{id}, replacing {}", s.replaces),
                    None => format!("answer lost, replacing {}", s.replaces),
                })
                .collect();
            notes.push(format!(
                "Replacements made whose secrets were not delivered (resuming the incident revokes them and makes new ones): {}",
                sent.join("; ")
            ));
        }
        notes
    }

    /// Revoked keys still without a replacement, when replacement was asked
    /// for: those with a `replace` failure, and any other revoked key with no
    /// replacement entry. A report asked for replacement when it records a
    /// replacement expiration, or has a replacement or a `replace` failure
    /// (reports written before the expiration was recorded).
    pub fn unreplaced(&self) -> Vec<&ReportedKey> {
        let requested = self.replacement_expiration.is_some()
            || !self.replacements.is_empty()
            || !self.already_present.is_empty()
            || self
                .failures
                .iter()
                .any(|f| f.step == IncidentStep::Replace);
        if !requested {
            return Vec::new();
        }
        self.revoked
            .iter()
            .filter(|k| !self.expired_not_replaced.contains(&k.id))
            .filter(|k| {
                !self
                    .replacements
                    .iter()
                    .chain(&self.already_present)
                    .any(|r| r.replaces == k.id)
            })
            .collect()
    }
}

/// An expiration in a report: `never`, a date, or an RFC 3339 instant.
mod recorded_expiration {
    use super::*;

    pub fn serialize<S: serde::Serializer>(
        value: &Option<Expiration>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(e) => s.serialize_str(&e.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Expiration>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        Expiration::from_written(&text).map(Some).ok_or_else(|| {
            serde::de::Error::custom("expected never, a date or an RFC 3339 instant")
        })
    }
}
