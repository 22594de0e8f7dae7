//! Incident response: revoke every affected key at once, create replacements,
//! and write the report for Narrative security; resume an incident that was
//! cut off before every replacement was made.

use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::deliver::{SecretSink, ToCaller, deliver_or_revoke};
use crate::error::Error;
use crate::expiration::Expiration;
use crate::key::{ApiKey, CreatedKey, KeyStatus, StatusPolicy};
use crate::permission::{Permission, PermissionSet};
use crate::revoke::{RevokeManyOptions, RevokeResult, revoke_many};
use crate::rotate::{DEFAULT_ROTATION_DAYS, create_like};
use crate::validation::{Field, Severity, ValidationReport};

/// Which keys an incident affects: the listed ids, plus every key matching
/// all the filters given (if any filter is given).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Keys named by id.
    pub ids: Vec<String>,
    /// A glob on the name: `*` any run, `?` one character; ASCII letters
    /// match either case (other characters exactly).
    pub name_matches: Option<String>,
    /// Keys holding every one of these permissions.
    pub holding: Vec<Permission>,
    /// Keys in any of these states.
    pub statuses: Vec<KeyStatus>,
}

impl Selection {
    fn has_filter(&self) -> bool {
        self.name_matches.is_some() || !self.holding.is_empty() || !self.statuses.is_empty()
    }

    /// Whether nothing is selected (no id and no filter).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty() && !self.has_filter()
    }

    fn matches_filter(&self, key: &ApiKey, now: DateTime<Utc>) -> bool {
        self.has_filter()
            && self
                .name_matches
                .as_ref()
                .is_none_or(|g| glob_matches(g, &key.name))
            && self.holding.iter().all(|p| key.permissions.contains(p))
            && (self.statuses.is_empty()
                || self
                    .statuses
                    .contains(&key.status(now, &StatusPolicy::default())))
    }
}

/// A key the plan will revoke, with what it can do.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedKey {
    /// The key as listed.
    pub key: ApiKey,
    /// Its status when the plan was made.
    pub status: KeyStatus,
}

/// What executing the incident will do. Show it as a dry run first.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentPlan {
    /// When the plan was made.
    pub planned_at: DateTime<Utc>,
    /// The keys the plan revokes.
    pub keys: Vec<PlannedKey>,
    /// Ids asked for that no visible key has (already revoked, or mistyped).
    pub missing_ids: Vec<String>,
    /// Whether each revoked key gets a replacement.
    pub replace: bool,
    /// Keys left alone that have the name and permissions of a planned key.
    /// The API does not say when a key was made, so the report keeps these
    /// ids: a [`resume`] must never take one for a lost replacement.
    pub look_alikes: Vec<String>,
    /// Planned keys that had already expired: revoked like the others, but
    /// with `replace` not replaced (a key nobody could use needs no
    /// successor) unless `replace_expired`.
    pub expired: Vec<String>,
    /// Replace the expired keys too; default false.
    pub replace_expired: bool,
}

impl IncidentPlan {
    /// Whether the key `id` gets a replacement when the plan is executed.
    pub fn replaces(&self, id: &str) -> bool {
        self.replace && (self.replace_expired || !self.expired.iter().any(|e| e == id))
    }

    /// The expired keys that will be revoked but not replaced.
    pub fn expired_not_replaced(&self) -> Vec<&PlannedKey> {
        self.keys
            .iter()
            .filter(|p| self.replace && !self.replaces(&p.key.id))
            .collect()
    }
}

/// Builds the plan from the keys the credentials can see.
pub fn plan(
    keys: &[ApiKey],
    selection: &Selection,
    replace: bool,
    now: DateTime<Utc>,
) -> Result<IncidentPlan, Error> {
    if selection.is_empty() {
        let mut report = ValidationReport::default();
        report.push(
            Field::Update,
            Severity::Error,
            "nothing selected: give key ids, a name pattern, a permission or a status",
        );
        return Err(Error::InvalidInput(report));
    }
    let (chosen, others): (Vec<&ApiKey>, Vec<&ApiKey>) = keys
        .iter()
        .partition(|k| selection.ids.contains(&k.id) || selection.matches_filter(k, now));
    let missing_ids = selection
        .ids
        .iter()
        .filter(|id| !keys.iter().any(|k| &k.id == *id))
        .cloned()
        .collect();
    let look_alikes = others
        .iter()
        .filter(|k| {
            chosen
                .iter()
                .any(|c| c.name.trim() == k.name.trim() && c.permissions == k.permissions)
        })
        .map(|k| k.id.clone())
        .collect();
    let selected: Vec<PlannedKey> = chosen
        .into_iter()
        .map(|k| PlannedKey {
            key: k.clone(),
            status: k.status(now, &StatusPolicy::default()),
        })
        .collect();
    let expired = selected
        .iter()
        .filter(|p| p.status == KeyStatus::Expired)
        .map(|p| p.key.id.clone())
        .collect();
    Ok(IncidentPlan {
        planned_at: now,
        keys: selected,
        missing_ids,
        replace,
        look_alikes,
        expired,
        replace_expired: false,
    })
}

/// How an incident is executed.
#[derive(Debug, Clone)]
pub struct IncidentOptions {
    /// Revocations in flight at once (default 8).
    pub concurrency: usize,
    /// How long the revocation keeps making passes over keys that failed
    /// (default 60 s): [`RevokeManyOptions::deadline`].
    pub revoke_deadline: std::time::Duration,
    /// Expiration of replacements; default 90 days from now.
    pub replacement_expiration: Option<Expiration>,
    /// Free text for the report: what happened, who noticed.
    pub note: Option<String>,
    /// The environment's name, for the report.
    pub environment: String,
}

impl Default for IncidentOptions {
    fn default() -> Self {
        Self {
            concurrency: crate::revoke::DEFAULT_CONCURRENCY,
            revoke_deadline: crate::revoke::DEFAULT_DEADLINE,
            replacement_expiration: None,
            note: None,
            environment: String::new(),
        }
    }
}

/// A key as the report records it: never a secret. Read from a report as
/// keys are read from the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Replacement {
    /// The revoked key this one replaces.
    pub replaces: String,
    /// The replacement, never its secret.
    pub key: ReportedKey,
}

/// The step of the incident that failed for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum Step {
    /// Revoking it: the key still works.
    Revoke,
    /// Creating its replacement: the key is revoked and has no successor yet
    /// ([`resume`] creates it).
    Replace,
}

impl Step {
    /// `revoke` or `replace`.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Revoke => "revoke",
            Step::Replace => "replace",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A key the incident could not revoke or replace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Failure {
    /// The key's id.
    pub id: String,
    /// The key's name.
    pub name: String,
    /// `revoke` or `replace`.
    pub step: Step,
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
    /// Replacements a resume found already created: an earlier attempt made
    /// them but its answer, and with it the secret, was lost. No secret was
    /// delivered for them and none can be shown; rotate them to get one.
    #[serde(default)]
    pub already_present: Vec<Replacement>,
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
}

/// Revokes every planned key first, all at once; then, if the plan says so,
/// creates a replacement for each revoked key with the same permissions.
/// The replacements' secrets go to the caller in the outcome.
pub async fn execute(
    client: &Client,
    plan: &IncidentPlan,
    options: &IncidentOptions,
) -> IncidentOutcome {
    run(client, plan, options, &mut ToCaller).await
}

/// As [`execute`], delivering each replacement's secret to `sink` before the
/// next replacement is made. `sink` is checked before anything is sent.
///
/// A replacement whose secret could not be delivered is revoked again and
/// recorded as a `replace` failure, and no further replacement is attempted
/// (the same target would fail again): [`resume`] makes them once the
/// target is fixed.
#[cfg(not(target_arch = "wasm32"))]
pub async fn execute_delivering<S: SecretSink + ?Sized>(
    client: &Client,
    plan: &IncidentPlan,
    options: &IncidentOptions,
    sink: &mut S,
) -> Result<IncidentOutcome, Error> {
    sink.check().map_err(crate::deliver::output_error)?;
    Ok(run(client, plan, options, sink).await)
}

async fn run<S: SecretSink + ?Sized>(
    client: &Client,
    plan: &IncidentPlan,
    options: &IncidentOptions,
    sink: &mut S,
) -> IncidentOutcome {
    let started_at = Utc::now();
    // Keys that can manage keys go last: the caller's own key may be among
    // them, and once it is revoked nothing else can be.
    let manages_keys = |p: &&PlannedKey| {
        p.key
            .permissions
            .contains(&Permission::write("access_tokens"))
    };
    let revoke_options = RevokeManyOptions {
        concurrency: options.concurrency,
        deadline: options.revoke_deadline,
    };
    let mut outcomes = Vec::with_capacity(plan.keys.len());
    for admins in [false, true] {
        let ids: Vec<String> = plan
            .keys
            .iter()
            .filter(|p| manages_keys(p) == admins)
            .map(|p| p.key.id.clone())
            .collect();
        if !ids.is_empty() {
            outcomes.extend(revoke_many(client, &ids, &revoke_options).await.outcomes);
        }
    }
    let mut report = IncidentReport {
        environment: options.environment.clone(),
        started_at,
        finished_at: started_at,
        note: options.note.clone(),
        revoked: Vec::new(),
        replacements: Vec::new(),
        already_present: Vec::new(),
        failures: Vec::new(),
        missing_ids: plan.missing_ids.clone(),
        replacement_expiration: None,
        resumed_at: Vec::new(),
        look_alikes: plan.look_alikes.clone(),
        expired_not_replaced: Vec::new(),
    };
    for planned in &plan.keys {
        let Some(outcome) = outcomes.iter().find(|o| o.id == planned.key.id) else {
            continue;
        };
        match &outcome.result {
            RevokeResult::Failed(e) => report.failures.push(Failure {
                id: planned.key.id.clone(),
                name: planned.key.name.clone(),
                step: Step::Revoke,
                error: e.to_string(),
            }),
            RevokeResult::Revoked | RevokeResult::AlreadyGone => {
                report.revoked.push(ReportedKey::from(&planned.key))
            }
        }
    }
    let mut secrets = Vec::new();
    if plan.replace {
        let expiration = options
            .replacement_expiration
            .unwrap_or_else(|| Expiration::in_days(DEFAULT_ROTATION_DAYS, Utc::now()));
        report.replacement_expiration = Some(expiration);
        // One at a time: creation is retried only when the server provably did nothing, so each failure is reported
        // exactly and rerunning the incident cannot mint duplicates.
        let mut halted = None;
        for old in report.revoked.clone() {
            if !plan.replaces(&old.id) {
                report.expired_not_replaced.push(old.id.clone());
                continue;
            }
            report
                .replace(client, &old, expiration, &mut secrets, sink, &mut halted)
                .await;
        }
    }
    report.finished_at = Utc::now();
    IncidentOutcome {
        report,
        replacements: secrets,
    }
}

/// How to resume an incident.
#[derive(Debug, Clone, Default)]
pub struct ResumeOptions {
    /// Expiration of the replacements created now; default 90 days from now.
    pub replacement_expiration: Option<Expiration>,
    /// The environment the client talks to, named as
    /// [`IncidentOptions::environment`] names it. When both this and the
    /// report's are set they must be the same: a report is never resumed
    /// against another environment.
    pub environment: String,
}

/// Finishes an incident that was cut off after revoking keys but before
/// replacing them all (the server restarted, the network failed): creates a
/// replacement, with the same name and permissions, for every key
/// [`IncidentReport::unreplaced`] lists, and returns the whole incident's
/// report again, with this run added.
///
/// It never creates a replacement twice. Creation is retried only when the server provably did nothing (a 429, a connection never opened), so a
/// replacement may exist although the answer carrying it was lost. Before
/// creating anything it lists the keys, and a visible key counts as the
/// replacement already made when it has the same name and permissions, is
/// not a replacement the report already names, nor a key the incident failed
/// to revoke, nor one of the report's [`IncidentReport::look_alikes`] (keys
/// that looked the same before the incident; reports written before they
/// were recorded have none), and was made at or after the report's
/// `started_at`. The API does not say when a key was created, so
/// its expiration stands in: a replacement made since `started_at` expires
/// at least [`DEFAULT_ROTATION_DAYS`] after it (the default lifetime), or
/// exactly at the expiration the report records for its last attempts, or
/// the one this run would give. Those keys go to
/// [`IncidentReport::already_present`]: their secrets were lost with the
/// answer, and none is available here.
///
/// Secrets of the replacements created now are in
/// [`IncidentOutcome::replacements`], as with [`execute`]. Failures to
/// revoke are carried over unchanged: a resume creates keys, it never
/// revokes. A key the report lists as revoked that is still visible gets no
/// replacement and is reported as a `replace` failure.
///
/// `Err` means nothing was created: the environment does not match, or the
/// keys could not be listed.
pub async fn resume(
    client: &Client,
    report: &IncidentReport,
    options: &ResumeOptions,
) -> Result<IncidentOutcome, Error> {
    resume_with(client, report, options, &mut ToCaller).await
}

/// As [`resume`], delivering each replacement's secret to `sink` (checked
/// before anything is sent) before the next is made, as
/// [`execute_delivering`] does.
#[cfg(not(target_arch = "wasm32"))]
pub async fn resume_delivering<S: SecretSink + ?Sized>(
    client: &Client,
    report: &IncidentReport,
    options: &ResumeOptions,
    sink: &mut S,
) -> Result<IncidentOutcome, Error> {
    sink.check().map_err(crate::deliver::output_error)?;
    resume_with(client, report, options, sink).await
}

/// The resume itself, `sink` already checked.
async fn resume_with<S: SecretSink + ?Sized>(
    client: &Client,
    report: &IncidentReport,
    options: &ResumeOptions,
    sink: &mut S,
) -> Result<IncidentOutcome, Error> {
    if !options.environment.is_empty()
        && !report.environment.is_empty()
        && options.environment != report.environment
    {
        return Err(Error::Config(format!(
            "the report is from the environment `{}`, but the client is for `{}`; resume with credentials for `{}`",
            report.environment, options.environment, report.environment
        )));
    }
    let mut next = report.clone();
    next.resumed_at.push(Utc::now());
    let pending = report.unreplaced();
    let mut secrets = Vec::new();
    if !pending.is_empty() {
        let visible = client.list_keys().await?;
        let expiration = options
            .replacement_expiration
            .unwrap_or_else(|| Expiration::in_days(DEFAULT_ROTATION_DAYS, Utc::now()));
        let pending_ids: HashSet<&str> = pending.iter().map(|k| k.id.as_str()).collect();
        next.failures
            .retain(|f| !(f.step == Step::Replace && pending_ids.contains(f.id.as_str())));
        // Never taken for a lost replacement, even when they look the same:
        // keys the report names as other keys' replacements, keys that were
        // there before the incident (look-alikes, and selected keys it failed
        // to revoke, which may have leaked).
        let mut claimed: HashSet<String> = report
            .replacements
            .iter()
            .chain(&report.already_present)
            .map(|r| r.key.id.clone())
            .chain(report.look_alikes.iter().cloned())
            .chain(
                report
                    .failures
                    .iter()
                    .filter(|f| f.step == Step::Revoke)
                    .map(|f| f.id.clone()),
            )
            .collect();
        let mut halted = None;
        for old in pending {
            if visible.iter().any(|k| k.id == old.id) {
                next.failures.push(Failure {
                    id: old.id.clone(),
                    name: old.name.clone(),
                    step: Step::Replace,
                    error: "the key is still visible, so it was not revoked: no replacement was made; run the incident again for it".to_owned(),
                });
                continue;
            }
            let found = visible
                .iter()
                .find(|k| !claimed.contains(&k.id) && report.made_for(old, k, &expiration));
            if let Some(found) = found {
                tracing::warn!(replaces = %old.id, id = %found.id, "resume: the replacement already exists; its secret was lost with the answer");
                claimed.insert(found.id.clone());
                next.already_present.push(Replacement {
                    replaces: old.id.clone(),
                    key: ReportedKey::from(found),
                });
                continue;
            }
            next.replace(client, old, expiration, &mut secrets, sink, &mut halted)
                .await;
        }
        next.replacement_expiration = Some(expiration);
    }
    next.finished_at = Utc::now();
    Ok(IncidentOutcome {
        report: next,
        replacements: secrets,
    })
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

/// The `--json` output of the command line: `{"report", "secrets"}`. Only
/// the report is read; the secrets are skipped without being kept.
#[derive(Deserialize)]
struct WithSecrets {
    report: IncidentReport,
}

#[derive(Deserialize)]
struct Shape {
    report: Option<serde::de::IgnoredAny>,
    revoked: Option<serde::de::IgnoredAny>,
}

impl IncidentReport {
    /// Reads a report saved as JSON: the report itself, or an object holding
    /// it under `report` (the command line's `--json` output), whose other
    /// fields are skipped. Unknown resources and access levels are kept.
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
        let wrapped = matches!(
            serde_json::from_str::<Shape>(body),
            Ok(Shape {
                report: Some(_),
                revoked: None
            })
        );
        if wrapped {
            serde_json::from_str::<WithSecrets>(body)
                .map(|w| w.report)
                .map_err(not_a_report)
        } else {
            serde_json::from_str(body).map_err(not_a_report)
        }
    }

    /// Creates the replacement of revoked key `old`, expiring at
    /// `expiration`, delivers its secret to `sink`, and records it or its
    /// failure. The new key's secret goes to `secrets`, never into the
    /// report. Once a delivery has failed (`halted`), no further replacement
    /// is made: each is recorded as a `replace` failure for a resume.
    async fn replace<S: SecretSink + ?Sized>(
        &mut self,
        client: &Client,
        old: &ReportedKey,
        expiration: Expiration,
        secrets: &mut Vec<(String, CreatedKey)>,
        sink: &mut S,
        halted: &mut Option<String>,
    ) {
        if let Some(why) = halted {
            self.failures.push(Failure {
                id: old.id.clone(),
                name: old.name.clone(),
                step: Step::Replace,
                error: format!(
                    "not attempted: an earlier replacement's secret could not be delivered ({why}); fix that and resume"
                ),
            });
            return;
        }
        let created = create_like(
            client,
            &old.permissions,
            &old.name,
            Some(expiration),
            Utc::now(),
        )
        .await;
        let delivered = match created {
            Ok(created) => deliver_or_revoke(client, created, Some(&old.id), sink)
                .await
                .map_err(|undelivered| {
                    *halted = Some(undelivered.error.to_string());
                    undelivered.to_string()
                }),
            Err(e) => Err(e.to_string()),
        };
        match delivered {
            Ok(created) => {
                self.replacements.push(Replacement {
                    replaces: old.id.clone(),
                    key: ReportedKey::from(&created.key),
                });
                secrets.push((old.id.clone(), created));
            }
            Err(e) => self.failures.push(Failure {
                id: old.id.clone(),
                name: old.name.clone(),
                step: Step::Replace,
                error: e.to_string(),
            }),
        }
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
            || self.failures.iter().any(|f| f.step == Step::Replace);
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

    /// Whether `key` looks like a replacement of `old` made by this incident
    /// at or after `started_at` (see [`resume`]); `this_run` is the
    /// expiration the current resume would give.
    fn made_for(&self, old: &ReportedKey, key: &ApiKey, this_run: &Expiration) -> bool {
        if key.name.trim() != old.name.trim() || key.permissions != old.permissions {
            return false;
        }
        let same = |e: &Expiration| same_second(key.expires_at, e.instant());
        let default_lifetime =
            crate::instant::to_second(self.started_at) + Duration::days(DEFAULT_ROTATION_DAYS);
        key.expires_at.is_some_and(|at| at >= default_lifetime)
            || self.replacement_expiration.as_ref().is_some_and(same)
            || same(this_run)
    }
}

/// `*` matches any run of characters, `?` exactly one; ASCII letters match
/// either case. Written out rather than taken from a glob crate: their
/// Unicode case folding adds a 14 KB table to the npm package.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // After a `*`: where the pattern resumes, and the text position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p + 1, t));
                p += 1;
            }
            Some(&c) if c == '?' || c.eq_ignore_ascii_case(&text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // Let the last `*` swallow one more character, and retry.
                Some((resume, tried)) => {
                    star = Some((resume, tried + 1));
                    p = resume;
                    t = tried + 1;
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

fn same_second(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> bool {
    a.map(crate::instant::to_second) == b.map(crate::instant::to_second)
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

fn when(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A section listing replacement keys, or nothing when there are none.
/// `heading` ends with the table's header row.
fn replacement_table(md: &mut String, heading: &str, rows: &[Replacement]) {
    if rows.is_empty() {
        return;
    }
    md.push_str(heading);
    md.push_str("|---|---|---|---|---|\n");
    for r in rows {
        md.push_str(&format!(
            "| {} | `{}` | `{}` | {} | {} |\n",
            cell(&r.key.name),
            r.key.id,
            r.replaces,
            cell(&r.key.permissions.to_string()),
            expiry(r.key.expires_at)
        ));
    }
}

fn expiry(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "never".to_owned(), when)
}

/// Markdown table cells must not break the table.
fn cell(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|")
}

impl IncidentPlan {
    /// The plan, as Markdown, titled "Incident plan".
    pub fn to_markdown(&self) -> String {
        self.markdown("Incident plan")
    }

    /// The plan as a dry run shows it: titled "Incident plan (dry run)".
    pub fn to_markdown_dry_run(&self) -> String {
        self.markdown("Incident plan (dry run)")
    }

    fn markdown(&self, title: &str) -> String {
        let mut md = format!("# {title}\n\n{}\n\n", self.summary());
        md.push_str("| name | id | permissions | expires | status |\n|---|---|---|---|---|\n");
        for p in &self.keys {
            md.push_str(&format!(
                "| {} | `{}` | {} | {} | {} |\n",
                cell(&p.key.name),
                p.key.id,
                cell(&p.key.permissions.to_string()),
                expiry(p.key.expires_at),
                p.status.label()
            ));
        }
        for note in self.notes() {
            md.push_str(&format!("\n{}\n", cell(&note)));
        }
        md
    }

    /// One sentence: when it was planned and what it will do.
    pub fn summary(&self) -> String {
        let not_replaced = self.expired_not_replaced().len();
        format!(
            "Planned {}. {} key(s) will be revoked{}.",
            when(self.planned_at),
            self.keys.len(),
            match (self.replace, not_replaced) {
                (false, _) => String::new(),
                (true, 0) =>
                    ", then replaced with new keys holding the same permissions".to_owned(),
                (true, n) => format!(
                    ", then {} replaced with new keys holding the same permissions ({n} already expired: not replaced)",
                    self.keys.len() - n
                ),
            }
        )
    }

    /// What else the plan should say, as sentences: keys not found,
    /// look-alikes left alone, expired keys not replaced.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.missing_ids.is_empty() {
            notes.push(format!(
                "Not found (already revoked, or not visible to these credentials): {}",
                self.missing_ids.join(", ")
            ));
        }
        if !self.look_alikes.is_empty() {
            notes.push(format!(
                "Not selected, though they have the name and permissions of a planned key (select them too if they leaked): {}",
                self.look_alikes.join(", ")
            ));
        }
        let named = |keys: Vec<&PlannedKey>| {
            keys.iter()
                .map(|p| format!("{} ({})", p.key.name, p.key.id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let not_replaced = self.expired_not_replaced();
        if !not_replaced.is_empty() {
            notes.push(format!(
                "Already expired, so revoked but not replaced (include expired keys to replace them too): {}",
                named(not_replaced)
            ));
        } else if self.replace && !self.expired.is_empty() {
            let expired = self
                .keys
                .iter()
                .filter(|p| self.expired.contains(&p.key.id))
                .collect();
            notes.push(format!(
                "Already expired, and replaced all the same as asked: {}",
                named(expired)
            ));
        }
        notes
    }
}

impl IncidentReport {
    /// The report as Markdown, ready to send to Narrative security.
    pub fn to_markdown(&self) -> String {
        let mut md = String::from("# API key incident report\n\n");
        if !self.environment.is_empty() {
            md.push_str(&format!("- Environment: {}\n", cell(&self.environment)));
        }
        md.push_str(&format!(
            "- Started: {}\n- Finished: {}\n- Keys revoked: {}\n- Replacements created: {}\n- Failures: {}\n",
            when(self.started_at),
            when(self.finished_at),
            self.revoked.len(),
            self.replacements.len(),
            self.failures.len()
        ));
        if !self.already_present.is_empty() {
            md.push_str(&format!(
                "- Replacements found already created: {}\n",
                self.already_present.len()
            ));
        }
        if !self.resumed_at.is_empty() {
            let runs: Vec<String> = self.resumed_at.iter().map(|t| when(*t)).collect();
            md.push_str(&format!("- Resumed: {}\n", runs.join(", ")));
        }
        if let Some(note) = &self.note {
            md.push_str(&format!("\n## What happened\n\n{}\n", note.trim()));
        }
        md.push_str("\n## Revoked keys\n\n");
        if self.revoked.is_empty() {
            md.push_str("None.\n");
        } else {
            md.push_str("| name | id | permissions | expired / expires |\n|---|---|---|---|\n");
            for k in &self.revoked {
                md.push_str(&format!(
                    "| {} | `{}` | {} | {} |\n",
                    cell(&k.name),
                    k.id,
                    cell(&k.permissions.to_string()),
                    expiry(k.expires_at)
                ));
            }
        }
        replacement_table(
            &mut md,
            "\n## Replacement keys\n\nTheir secrets were given to the operator only.\n\n| name | new id | replaces | permissions | expires |\n",
            &self.replacements,
        );
        replacement_table(
            &mut md,
            "\n## Replacements found already created\n\nAn earlier attempt created these, but its answer was lost: their secrets were never delivered and cannot be shown. Rotate each to get a secret. (The API does not say when a key was created: each was recognised by its name, permissions and expiration.)\n\n| name | id | replaces | permissions | expires |\n",
            &self.already_present,
        );
        if !self.failures.is_empty() {
            md.push_str("\n## Failures\n\nThese need attention: a key that failed to revoke still works; a key that failed to be replaced is revoked and has no successor yet (resuming the incident from its JSON report creates it).\n\n| name | id | step | error |\n|---|---|---|---|\n");
            for f in &self.failures {
                md.push_str(&format!(
                    "| {} | `{}` | {} | {} |\n",
                    cell(&f.name),
                    f.id,
                    f.step,
                    cell(&f.error)
                ));
            }
        }
        if !self.expired_not_replaced.is_empty() {
            md.push_str(&format!(
                "\nAlready expired before the incident, so revoked but not replaced: {}\n",
                self.expired_not_replaced.join(", ")
            ));
        }
        if !self.missing_ids.is_empty() {
            md.push_str(&format!(
                "\nIds not found (already revoked, or not visible): {}\n",
                self.missing_ids.join(", ")
            ));
        }
        md.push_str(&format!(
            "\n## Report it to Narrative security\n\nSend this report to {SECURITY_CONTACT} (the address in Narrative's published security policy). It holds no secret, so it can be attached as it is. Say in the message how the keys leaked, when it was noticed, where they were used, and anything seen done with them; Narrative's account audit logs show what the keys were used for.\n"
        ));
        md
    }
}

/// Where incidents are reported: the address in Narrative's published
/// security policy, and step 3 of the documentation's response to a leak.
pub const SECURITY_CONTACT: &str = "security@narrative.io";

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-26T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn name_globs() {
        let yes = [
            ("ci-*", "ci-deploy"),
            ("CI-*", "ci-deploy"),
            ("*", ""),
            ("*", "anything at all"),
            ("*-prod", "billing-prod"),
            ("a?c", "abc"),
            ("a*b*c", "aXXbYYc"),
            ("*a*", "banana"),
            ("a*a", "aa"),
            ("Café *", "café au lait"),
            ("*ö?", "Köln-ö1"),
            ("literal", "LITERAL"),
        ];
        for (pattern, name) in yes {
            assert!(glob_matches(pattern, name), "{pattern} should match {name}");
        }
        let no = [
            ("ci-*", "prod-ci-deploy"),
            ("a?c", "ac"),
            ("a?c", "abbc"),
            ("*-prod", "billing-prod-2"),
            ("a*b*c", "aXXbYY"),
            ("", "x"),
            ("x", ""),
            // Non-ASCII letters compare exactly.
            ("ÄRGER", "ärger"),
        ];
        for (pattern, name) in no {
            assert!(
                !glob_matches(pattern, name),
                "{pattern} should not match {name}"
            );
        }
    }

    fn key(id: &str, name: &str, perms: &str) -> ApiKey {
        ApiKey {
            id: id.into(),
            name: name.into(),
            permissions: PermissionSet::parse_compact(perms).unwrap(),
            expires_at: None,
        }
    }

    #[test]
    fn selection_by_ids_and_filters() {
        let keys = [
            key("1", "ci-deploy", "read:datasets"),
            key("2", "CI-nightly", "read:datasets write:datasets"),
            key("3", "laptop", "write:datasets"),
        ];
        let by_glob = Selection {
            name_matches: Some("ci-*".into()),
            ..Default::default()
        };
        let ids = |p: IncidentPlan| p.keys.iter().map(|k| k.key.id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(plan(&keys, &by_glob, false, now()).unwrap()),
            ["1", "2"]
        );
        let holding = Selection {
            holding: vec!["write:datasets".parse().unwrap()],
            ids: vec!["1".into(), "gone".into()],
            ..Default::default()
        };
        let p = plan(&keys, &holding, true, now()).unwrap();
        assert_eq!(p.missing_ids, ["gone"]);
        assert_eq!(ids(p), ["1", "2", "3"]);
        assert!(plan(&keys, &Selection::default(), false, now()).is_err());
    }

    fn reported(id: &str, name: &str, perms: &str) -> ReportedKey {
        ReportedKey::from(&key(id, name, perms))
    }

    #[test]
    fn expired_keys_are_revoked_but_replaced_only_when_asked() {
        let mut stale = key("2", "stale", "read:views");
        stale.expires_at = Some(now() - Duration::days(3));
        let keys = [key("1", "ci", "read:datasets"), stale];
        let by_ids = Selection {
            ids: vec!["1".into(), "2".into()],
            ..Selection::default()
        };
        let mut p = plan(&keys, &by_ids, true, now()).unwrap();
        assert_eq!(p.keys.len(), 2, "both are revoked");
        assert_eq!(p.expired, ["2"]);
        assert!(p.replaces("1") && !p.replaces("2"));
        assert_eq!(p.expired_not_replaced().len(), 1);
        assert!(
            p.summary().contains("then 1 replaced with new keys holding the same permissions (1 already expired: not replaced)"),
            "{}",
            p.summary()
        );
        let md = p.to_markdown();
        assert!(
            md.starts_with("# Incident plan\n") && !md.contains("dry run"),
            "{md}"
        );
        assert!(md.contains("Already expired, so revoked but not replaced (include expired keys to replace them too): stale (2)"), "{md}");
        assert!(
            p.to_markdown_dry_run()
                .starts_with("# Incident plan (dry run)\n")
        );

        p.replace_expired = true;
        assert!(p.replaces("2") && p.expired_not_replaced().is_empty());
        assert!(
            p.to_markdown()
                .contains("Already expired, and replaced all the same as asked: stale (2)")
        );
        // Without replacement there is nothing to say about it.
        let p = plan(&keys, &by_ids, false, now()).unwrap();
        assert!(!p.replaces("1") && p.expired_not_replaced().is_empty() && p.notes().is_empty());
    }

    #[test]
    fn a_resume_does_not_replace_an_expired_key_left_out_on_purpose() {
        let mut report = cut_off_report();
        let pending: Vec<String> = report.unreplaced().iter().map(|k| k.id.clone()).collect();
        assert!(!pending.is_empty());
        report.expired_not_replaced = vec![pending[0].clone()];
        assert!(report.unreplaced().iter().all(|k| k.id != pending[0]));
        assert_eq!(report.unreplaced().len(), pending.len() - 1);
        let json = serde_json::to_string(&report).unwrap();
        assert_eq!(
            IncidentReport::from_json(&json).unwrap(),
            report,
            "it reads back"
        );
        assert!(
            report
                .to_markdown()
                .contains("Already expired before the incident, so revoked but not replaced")
        );
    }

    fn cut_off_report() -> IncidentReport {
        IncidentReport {
            environment: "prod".into(),
            started_at: now(),
            finished_at: now(),
            note: None,
            revoked: vec![
                reported("1", "ci", "read:datasets"),
                reported("2", "ci", "read:datasets"),
                reported("3", "future", "admin:datasets read:uploads_v2"),
            ],
            replacements: vec![Replacement {
                replaces: "1".into(),
                key: reported("r1", "ci", "read:datasets"),
            }],
            already_present: vec![],
            failures: vec![
                Failure {
                    id: "2".into(),
                    name: "ci".into(),
                    step: Step::Replace,
                    error: "could not connect".into(),
                },
                Failure {
                    id: "4".into(),
                    name: "stuck".into(),
                    step: Step::Revoke,
                    error: "server error".into(),
                },
            ],
            missing_ids: vec![],
            replacement_expiration: Some(Expiration::in_days(90, now())),
            resumed_at: vec![],
            look_alikes: vec![],
            expired_not_replaced: vec![],
        }
    }

    #[test]
    fn a_report_reads_back_from_its_json_unknown_permissions_included() {
        let report = cut_off_report();
        let json = serde_json::to_string_pretty(&report).unwrap();
        assert!(json.contains("\"step\": \"replace\""), "{json}");
        assert!(json.contains("\"access\": \"admin\""), "{json}");
        assert!(json.contains("\"resource\": \"uploads_v2\""), "{json}");
        assert!(
            json.contains("\"replacement_expiration\": \"2027-02-24T10:00:00Z\""),
            "{json}"
        );
        let back = IncidentReport::from_json(&json).unwrap();
        assert_eq!(back, report);
        assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json);
        let ids: Vec<&str> = back.unreplaced().iter().map(|k| k.id.as_str()).collect();
        assert_eq!(
            ids,
            ["2", "3"],
            "a replace failure, and a key with no entry"
        );
    }

    #[test]
    fn a_report_from_before_resume_existed_still_reads() {
        let json = r#"{"environment":"prod","started_at":"2026-11-26T10:00:00Z",
            "finished_at":"2026-11-26T10:00:05Z","revoked":[{"id":"1","name":"a",
            "permissions":[{"access":"read","resource":"jobs"}],"expires_at":null}],
            "replacements":[],"failures":[{"id":"1","name":"a","step":"replace",
            "error":"x"}],"missing_ids":[]}"#;
        let report = IncidentReport::from_json(json).unwrap();
        assert!(report.already_present.is_empty() && report.resumed_at.is_empty());
        assert_eq!(report.replacement_expiration, None);
        assert_eq!(report.unreplaced().len(), 1);
        // Without replacement asked for, nothing is pending.
        let no_replace = json.replace("\"step\":\"replace\"", "\"step\":\"revoke\"");
        assert!(
            IncidentReport::from_json(&no_replace)
                .unwrap()
                .unreplaced()
                .is_empty()
        );
    }

    #[test]
    fn the_json_output_reads_as_its_report_and_bad_files_are_named() {
        let report = cut_off_report();
        let output = serde_json::json!({
            "report": report,
            "secrets": [{"id": "r1", "replaces": "1", "secret": "TOP-SECRET-VALUE"}],
        })
        .to_string();
        assert_eq!(IncidentReport::from_json(&output).unwrap(), report);

        assert_eq!(
            IncidentReport::from_json(&report.to_markdown()),
            Err(ReportReadError::Markdown)
        );
        assert!(matches!(
            IncidentReport::from_json("{\"revoked\": ["),
            Err(ReportReadError::NotJson { line: 1, .. })
        ));
        // A value that does not fit is not repeated: it may be a secret.
        let bad_step = output.replace("\"replace\"", "\"TOP-SECRET-VALUE\"");
        let err = IncidentReport::from_json(&bad_step).unwrap_err();
        assert!(
            matches!(&err, ReportReadError::NotAReport { path, message }
                if path == "report.failures[0].step" && message.starts_with("unknown variant `…`, expected `revoke`")),
            "{err:?}"
        );
        let bad_name = output.replace("\"name\":\"ci\"", "\"name\":[\"TOP-SECRET-VALUE\"]");
        let mut errors = vec![err, IncidentReport::from_json(&bad_name).unwrap_err()];
        errors.push(IncidentReport::from_json(r#"{"secret": "TOP-SECRET-VALUE"}"#).unwrap_err());
        assert!(
            errors[2].to_string().contains("missing field"),
            "{}",
            errors[2]
        );
        errors.push(IncidentReport::from_json("\"TOP-SECRET-VALUE\"").unwrap_err());
        errors.push(IncidentReport::from_json(r#"{"revoked": "TOP-SECRET-VALUE"}"#).unwrap_err());
        for e in errors {
            assert!(!e.to_string().contains("TOP-SECRET"), "{e}");
        }
    }

    #[test]
    fn a_replacement_is_recognised_by_name_permissions_and_expiration() {
        let report = cut_off_report();
        let old = &report.revoked[1];
        let this_run = Expiration::in_days(90, now() + Duration::days(2));
        let candidate = |name: &str, perms: &str, expires_at| ApiKey {
            expires_at,
            ..key("x", name, perms)
        };
        let recorded = report.replacement_expiration.and_then(|e| e.instant());
        let made = |k: &ApiKey| report.made_for(old, k, &this_run);
        assert!(made(&candidate("ci", "read:datasets", recorded)));
        assert!(made(&candidate(
            " ci ",
            "read:datasets",
            this_run.instant()
        )));
        // Made before the incident: 30 days left on a 90-day key.
        let earlier = Some(now() + Duration::days(30));
        assert!(!made(&candidate("ci", "read:datasets", earlier)));
        assert!(!made(&candidate("ci", "read:datasets", None)));
        assert!(!made(&candidate("ci-2", "read:datasets", recorded)));
        assert!(!made(&candidate(
            "ci",
            "read:datasets write:datasets",
            recorded
        )));
    }

    #[test]
    fn markdown_escapes_table_breakers() {
        let keys = [key("1", "a|b\nc", "read:datasets")];
        let sel = Selection {
            ids: vec!["1".into()],
            ..Default::default()
        };
        let md = plan(&keys, &sel, false, now()).unwrap().to_markdown();
        assert!(md.contains("| a\\|b c |"), "{md}");
    }
}
