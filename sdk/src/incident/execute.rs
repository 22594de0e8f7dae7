//! Executing an incident: revoke every planned key, then replace them.

use chrono::{DateTime, Utc};

#[cfg(doc)]
use super::resume;
use super::{
    Failure, IncidentOutcome, IncidentPlan, IncidentReport, IncidentStep, PlannedKey, ReportedKey,
};
use crate::client::Client;
use crate::deliver::{SecretSink, ToCaller};
#[cfg(not(target_arch = "wasm32"))]
use crate::error::Error;
use crate::expiration::Expiration;
use crate::permission::Permission;
use crate::revoke::{RevokeManyOptions, RevokeOutcome, RevokeResult, revoke_many};
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
    let outcomes = revoke_admins_last(client, plan, options).await;
    let mut report = empty_report(plan, options, started_at);
    for planned in &plan.keys {
        let Some(outcome) = outcomes.iter().find(|o| o.id == planned.key.id) else {
            continue;
        };
        match &outcome.result {
            RevokeResult::Failed(e) => report.failures.push(Failure {
                id: planned.key.id.clone(),
                name: planned.key.name.clone(),
                step: IncidentStep::Revoke,
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

/// Revokes the planned keys, those that can manage keys last: the caller's
/// own key may be among them, and once it is revoked nothing else can be.
async fn revoke_admins_last(
    client: &Client,
    plan: &IncidentPlan,
    options: &IncidentOptions,
) -> Vec<RevokeOutcome> {
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
    outcomes
}

/// The report as the incident starts: nothing revoked or replaced yet.
fn empty_report(
    plan: &IncidentPlan,
    options: &IncidentOptions,
    started_at: DateTime<Utc>,
) -> IncidentReport {
    IncidentReport {
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
    }
}
