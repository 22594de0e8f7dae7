//! Executing an incident: revoke every planned key, then replace them.

use chrono::{DateTime, Utc};

#[cfg(doc)]
use super::resume;
use super::{IncidentOutcome, IncidentPlan, IncidentReport, ReportedKey, Run};
use crate::client::Client;
use crate::deliver::{SecretSink, ToCaller};
#[cfg(not(target_arch = "wasm32"))]
use crate::error::Error;
use crate::expiration::Expiration;
use crate::journal::{Journal, NoJournal};
use crate::revoke::RevokeManyOptions;
use crate::rotate::DEFAULT_ROTATION_DAYS;

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

/// Revokes every planned key first, all at once; then, if the plan says so,
/// creates a replacement for each revoked key with the same permissions.
/// The replacements' secrets go to the caller in the outcome.
///
/// Once the client's [`Interrupt`](crate::Interrupt) is requested, no new
/// revocation, pass or replacement starts; the report says what is left,
/// for [`resume`].
pub async fn execute(
    client: &Client,
    plan: &IncidentPlan,
    options: &IncidentOptions,
) -> IncidentOutcome {
    let report = empty_report(plan, options, Utc::now());
    run(
        Run::new(client, &mut ToCaller, &mut NoJournal),
        plan,
        options,
        report,
    )
    .await
}

/// As [`execute`], delivering each replacement's secret to `sink` before the
/// next replacement is made, and keeping the report in `journal`: written
/// before the first request and after every step (each revocation's answer;
/// each create before it is sent, its answer, and its delivery), so a run
/// cut off at any point, `kill -9` included, can be finished by [`resume`]
/// from what the journal holds. `sink` is checked, and the journal first
/// written, before anything is sent: an `Err` means nothing was.
///
/// A replacement whose secret could not be delivered is revoked again and
/// recorded as a `replace` failure, and no further replacement is attempted
/// (the same target would fail again): [`resume`] makes them once the
/// target is fixed.
#[cfg(not(target_arch = "wasm32"))]
pub async fn execute_delivering<S, J>(
    client: &Client,
    plan: &IncidentPlan,
    options: &IncidentOptions,
    sink: &mut S,
    journal: &mut J,
) -> Result<IncidentOutcome, Error>
where
    S: SecretSink + ?Sized,
    J: Journal<IncidentReport> + ?Sized,
{
    sink.check().map_err(crate::Error::Output)?;
    let report = empty_report(plan, options, Utc::now());
    journal.record(&report).map_err(crate::Error::Output)?;
    Ok(run(Run::new(client, sink, journal), plan, options, report).await)
}

async fn run<S, J>(
    mut run: Run<'_, S, J>,
    plan: &IncidentPlan,
    options: &IncidentOptions,
    mut report: IncidentReport,
) -> IncidentOutcome
where
    S: SecretSink + ?Sized,
    J: Journal<IncidentReport> + ?Sized,
{
    let revoke_options = RevokeManyOptions {
        concurrency: options.concurrency,
        deadline: options.revoke_deadline,
    };
    run.revoke(&mut report, revoke_options).await;
    // The report lists the revoked keys in the plan's order, as they are replaced.
    let place = |id: &str| plan.keys.iter().position(|p| p.key.id == id);
    crate::order::sort_by(&mut report.revoked, |a, b| place(&a.id).cmp(&place(&b.id)));
    run.record(&report);
    if let Some(expiration) = report.replacement_expiration {
        // One at a time: creation is retried only when the server provably did nothing, so each failure is reported
        // exactly and rerunning the incident cannot mint duplicates.
        for old in report.unreplaced().into_iter().cloned().collect::<Vec<_>>() {
            if run.must_stop() {
                break;
            }
            run.replace(&mut report, &old, expiration).await;
        }
    }
    run.finish(report)
}

/// The report as the incident starts: every planned key still to revoke
/// (and, with replacement, the expiration every replacement will have, and
/// the expired keys that will not be replaced), nothing done yet.
fn empty_report(
    plan: &IncidentPlan,
    options: &IncidentOptions,
    started_at: DateTime<Utc>,
) -> IncidentReport {
    let replacement_expiration = plan.replace.then(|| {
        options
            .replacement_expiration
            .unwrap_or_else(|| Expiration::in_days(DEFAULT_ROTATION_DAYS, started_at))
    });
    IncidentReport {
        environment: options.environment.clone(),
        started_at,
        finished_at: started_at,
        note: options.note.clone(),
        revoked: Vec::new(),
        replacements: Vec::new(),
        already_present: Vec::new(),
        to_revoke: plan
            .keys
            .iter()
            .map(|p| ReportedKey::from(&p.key))
            .collect(),
        undelivered: Vec::new(),
        creates_recorded: true,
        failures: Vec::new(),
        missing_ids: plan.missing_ids.clone(),
        replacement_expiration,
        resumed_at: Vec::new(),
        look_alikes: plan.look_alikes.clone(),
        expired_not_replaced: plan
            .expired_not_replaced()
            .iter()
            .map(|p| p.key.id.clone())
            .collect(),
    }
}
