//! Resuming an incident cut off before every replacement was made.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

#[cfg(all(doc, not(target_arch = "wasm32")))]
use super::execute_delivering;
use super::{Failure, IncidentOutcome, IncidentReport, IncidentStep, Replacement, ReportedKey};
#[cfg(doc)]
use super::{IncidentOptions, execute};
use crate::client::Client;
use crate::deliver::{SecretSink, ToCaller};
use crate::error::Error;
use crate::expiration::Expiration;
use crate::key::ApiKey;
use crate::rotate::DEFAULT_ROTATION_DAYS;

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
    check_environment(report, options)?;
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
            .retain(|f| !(f.step == IncidentStep::Replace && pending_ids.contains(f.id.as_str())));
        let mut claimed = claimed_ids(report);
        let mut halted = None;
        for old in pending {
            if visible.iter().any(|k| k.id == old.id) {
                next.failures.push(Failure {
                    id: old.id.clone(),
                    name: old.name.clone(),
                    step: IncidentStep::Replace,
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

impl IncidentReport {
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

fn same_second(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> bool {
    a.map(crate::instant::to_second) == b.map(crate::instant::to_second)
}

/// A report is resumed only with credentials for its own environment.
fn check_environment(report: &IncidentReport, options: &ResumeOptions) -> Result<(), Error> {
    if !options.environment.is_empty()
        && !report.environment.is_empty()
        && options.environment != report.environment
    {
        return Err(Error::Config(format!(
            "the report is from the environment `{}`, but the client is for `{}`; resume with credentials for `{}`",
            report.environment, options.environment, report.environment
        )));
    }
    Ok(())
}

/// Keys never taken for a lost replacement, even when they look the same:
/// keys the report names as other keys' replacements, keys that were there
/// before the incident (look-alikes, and selected keys it failed to revoke,
/// which may have leaked).
fn claimed_ids(report: &IncidentReport) -> HashSet<String> {
    report
        .replacements
        .iter()
        .chain(&report.already_present)
        .map(|r| r.key.id.clone())
        .chain(report.look_alikes.iter().cloned())
        .chain(
            report
                .failures
                .iter()
                .filter(|f| f.step == IncidentStep::Revoke)
                .map(|f| f.id.clone()),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::tests::{cut_off_report, key, now};

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
}
