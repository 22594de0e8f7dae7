//! Resuming an incident cut off before every replacement was made.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

#[cfg(all(doc, not(target_arch = "wasm32")))]
use super::execute_delivering;
use super::{
    Failure, IncidentOutcome, IncidentReport, IncidentStep, ReportedKey, Run, SentReplacement,
};
#[cfg(doc)]
use super::{IncidentOptions, execute};
use crate::client::Client;
use crate::deliver::{SecretSink, ToCaller};
use crate::error::Error;
use crate::expiration::Expiration;
use crate::journal::{Journal, NoJournal};
use crate::key::ApiKey;
use crate::revoke::RevokeManyOptions;
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

/// Finishes an incident that was cut off at any point (a signal, `kill -9`,
/// the server restarting, the network failing), from its report, and
/// returns the whole incident's report again, with this run added:
///
/// 1. it revokes the selected keys not revoked yet
///    ([`IncidentReport::to_revoke`]), those that can manage keys last;
/// 2. for each create sent whose secret was not delivered
///    ([`IncidentReport::undelivered`]) it revokes the key it made: the id
///    answered, or when the answer was lost, every visible key with exactly
///    the name, permissions and expiration sent that the report does not
///    name otherwise (never a replacement it lists, a key it did not
///    revoke, nor one of its [`IncidentReport::look_alikes`], keys that
///    looked the same before the incident). That revoked key then gets a
///    new replacement like any other;
/// 3. it creates a replacement, with the same name and permissions, for
///    every key [`IncidentReport::unreplaced`] lists, each recorded before
///    it is sent as [`execute_delivering`] does.
///
/// So no selected key is left working, no replacement is made twice, and
/// no key is left whose secret nobody holds. A report from an earlier
/// version, which did not record its creates, has its lost replacements
/// looked for as they were then: a visible key with the same name and
/// permissions made at or after `started_at`, the expiration standing in
/// for the creation time the API does not give (at least
/// [`DEFAULT_ROTATION_DAYS`] after `started_at`, or exactly the expiration
/// recorded for the report's attempts or this run's); they, and the
/// report's `already_present` keys, are revoked and replaced too.
///
/// Secrets of the replacements created now are in
/// [`IncidentOutcome::replacements`], as with [`execute`]. A key the report
/// lists as revoked that is still visible gets no replacement and is
/// reported as a `replace` failure. The client's
/// [`Interrupt`](crate::Interrupt) stops it between steps, as it stops
/// [`execute`].
///
/// `Err` means nothing was sent: the environment does not match, or the
/// journal could not be written.
pub async fn resume(
    client: &Client,
    report: &IncidentReport,
    options: &ResumeOptions,
) -> Result<IncidentOutcome, Error> {
    let next = start(report, options, &mut NoJournal)?;
    Ok(resume_with(
        Run::new(client, &mut ToCaller, &mut NoJournal),
        report,
        next,
        options,
    )
    .await)
}

/// As [`resume`], delivering each replacement's secret to `sink` (checked
/// before anything is sent) before the next is made, and keeping the
/// report in `journal` after every step, as [`execute_delivering`] does.
#[cfg(not(target_arch = "wasm32"))]
pub async fn resume_delivering<S, J>(
    client: &Client,
    report: &IncidentReport,
    options: &ResumeOptions,
    sink: &mut S,
    journal: &mut J,
) -> Result<IncidentOutcome, Error>
where
    S: SecretSink + ?Sized,
    J: Journal<IncidentReport> + ?Sized,
{
    sink.check().map_err(crate::Error::Output)?;
    let next = start(report, options, journal)?;
    Ok(resume_with(Run::new(client, sink, journal), report, next, options).await)
}

/// The report as this resume starts, recorded in the journal before
/// anything is sent: an older report's found replacements become
/// undelivered creates, to be revoked and made again.
fn start<J: Journal<IncidentReport> + ?Sized>(
    report: &IncidentReport,
    options: &ResumeOptions,
    journal: &mut J,
) -> Result<IncidentReport, Error> {
    check_environment(report, options)?;
    let mut next = report.clone();
    next.resumed_at.push(Utc::now());
    for found in std::mem::take(&mut next.already_present) {
        next.undelivered
            .push(SentReplacement::found(&found.replaces, &found.key));
    }
    journal.record(&next).map_err(crate::Error::Output)?;
    Ok(next)
}

/// The resume itself, `sink` checked and the journal started.
// long: the three steps in order, each stopping at an interrupt
async fn resume_with<S, J>(
    mut run: Run<'_, S, J>,
    report: &IncidentReport,
    mut next: IncidentReport,
    options: &ResumeOptions,
) -> IncidentOutcome
where
    S: SecretSink + ?Sized,
    J: Journal<IncidentReport> + ?Sized,
{
    run.revoke(&mut next, RevokeManyOptions::default()).await;
    let work_left = !next.undelivered.is_empty() || !next.unreplaced().is_empty();
    if !work_left || run.must_stop() {
        return run.finish(next);
    }
    let visible = match run.client.list_keys().await {
        Ok(keys) => keys,
        Err(e) => {
            for old in next.unreplaced().into_iter().cloned().collect::<Vec<_>>() {
                set_replace_failure(
                    &mut next,
                    &old.id,
                    format!("not attempted: the keys could not be listed ({e}); resume again"),
                );
            }
            return run.finish(next);
        }
    };
    let expiration = distinct_expiration(
        options
            .replacement_expiration
            .unwrap_or_else(|| Expiration::in_days(DEFAULT_ROTATION_DAYS, Utc::now())),
        &next.undelivered,
    );
    if !report.creates_recorded {
        find_lost_replacements(&mut next, report, &visible, &expiration);
    }
    next.creates_recorded = true;
    // Keys made whose secrets nobody holds: revoked before anything is
    // made. An entry whose key could not be revoked stays, at the front,
    // for the next resume, and its old key waits for it.
    let mut kept = 0;
    let mut revoked_now = Vec::new();
    while next.undelivered.len() > kept {
        if run.must_stop() {
            return run.finish(next);
        }
        let sent = next.undelivered[kept].clone();
        let mut failed = None;
        for id in orphans_of(&sent, &next, &visible) {
            match run.client.revoke_key(&id).await {
                Ok(()) | Err(Error::NotFound(_)) => revoked_now.push(id),
                Err(e) => failed = Some(format!("{id}: {e}")),
            }
        }
        match failed {
            None => drop(next.undelivered.remove(kept)),
            Some(error) => {
                kept += 1;
                set_replace_failure(
                    &mut next,
                    &sent.replaces,
                    format!(
                        "a key made for it whose secret was not delivered could not be revoked ({error}); resume again"
                    ),
                );
            }
        }
        run.record(&next);
    }
    let blocked: Vec<String> = next
        .undelivered
        .iter()
        .map(|s| s.replaces.clone())
        .collect();
    next.replacement_expiration = Some(expiration);
    for old in next.unreplaced().into_iter().cloned().collect::<Vec<_>>() {
        if run.must_stop() {
            break;
        }
        if blocked.contains(&old.id) {
            continue;
        }
        next.failures
            .retain(|f| !(f.step == IncidentStep::Replace && f.id == old.id));
        if visible.iter().any(|k| k.id == old.id) {
            set_replace_failure(&mut next, &old.id, "the key is still visible, so it was not revoked: no replacement was made; run the incident again for it".to_owned());
            run.record(&next);
            continue;
        }
        // A key like its replacement, made since the incident began, that
        // this report does not know: a run recorded in another copy of the
        // report may have made it. Making another could mint a duplicate.
        let named = claimed_ids(&next);
        let unknown = visible.iter().find(|k| {
            !named.contains(&k.id)
                && !revoked_now.contains(&k.id)
                && report.made_for(&old, k, &expiration)
        });
        if let Some(unknown) = unknown {
            set_replace_failure(
                &mut next,
                &old.id,
                format!(
                    "not made: a key with its name and permissions made since the incident began exists ({}) that this report does not record, perhaps made by a resume recorded in another copy of the report; resume from the latest report, or revoke {} if nobody holds its secret and resume again",
                    unknown.id, unknown.id
                ),
            );
            run.record(&next);
            continue;
        }
        run.replace(&mut next, &old, expiration).await;
    }
    run.finish(next)
}

/// `expiration`, a second later when an earlier create recorded in
/// `undelivered` asked for the same one: a resume from an older copy of the
/// report then never takes this run's replacements for that create's keys.
fn distinct_expiration(expiration: Expiration, undelivered: &[SentReplacement]) -> Expiration {
    let mut expiration = expiration;
    while let Expiration::At(at) = expiration
        && undelivered
            .iter()
            .any(|s| same_second(s.expires_at, Some(at)))
    {
        expiration = Expiration::At(at + Duration::seconds(1));
    }
    expiration
}

/// Records a `replace` failure for the revoked key `id`, replacing any earlier one.
fn set_replace_failure(report: &mut IncidentReport, id: &str, error: String) {
    report
        .failures
        .retain(|f| !(f.step == IncidentStep::Replace && f.id == id));
    let name = report
        .revoked
        .iter()
        .find(|k| k.id == id)
        .map(|k| k.name.clone())
        .unwrap_or_default();
    report.failures.push(Failure {
        id: id.to_owned(),
        name,
        step: IncidentStep::Replace,
        error,
    });
}

/// The keys `sent` made: the id answered, or when the answer was lost,
/// every visible key with exactly its name, permissions and expiration that
/// the report does not name as anything else.
fn orphans_of(sent: &SentReplacement, report: &IncidentReport, visible: &[ApiKey]) -> Vec<String> {
    if let Some(id) = &sent.created {
        return vec![id.clone()];
    }
    let named = claimed_ids(report);
    visible
        .iter()
        .filter(|k| {
            !named.contains(&k.id)
                && k.name == sent.name
                && k.permissions == sent.permissions
                && same_second(k.expires_at, sent.expires_at)
        })
        .map(|k| k.id.clone())
        .collect()
}

/// For a report of an earlier version: each unreplaced key's replacement
/// made by an attempt whose answer was lost, found as that version found
/// it, becomes an undelivered create to revoke.
fn find_lost_replacements(
    next: &mut IncidentReport,
    report: &IncidentReport,
    visible: &[ApiKey],
    this_run: &Expiration,
) {
    let mut claimed = claimed_ids(next);
    for old in next.unreplaced().into_iter().cloned().collect::<Vec<_>>() {
        let found = visible
            .iter()
            .find(|k| !claimed.contains(&k.id) && report.made_for(&old, k, this_run));
        if let Some(found) = found {
            claimed.insert(found.id.clone());
            next.undelivered
                .push(SentReplacement::found(&old.id, &ReportedKey::from(found)));
        }
    }
}

impl SentReplacement {
    /// A key found made for `replaces` without its secret, as an
    /// undelivered create whose answer is known.
    fn found(replaces: &str, key: &ReportedKey) -> Self {
        Self {
            replaces: replaces.to_owned(),
            name: key.name.clone(),
            permissions: key.permissions.clone(),
            expires_at: key.expires_at,
            created: Some(key.id.clone()),
        }
    }
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
/// before the incident (look-alikes, and selected keys not revoked, which
/// may have leaked).
fn claimed_ids(report: &IncidentReport) -> HashSet<String> {
    report
        .replacements
        .iter()
        .chain(&report.already_present)
        .map(|r| r.key.id.clone())
        .chain(report.look_alikes.iter().cloned())
        .chain(report.to_revoke.iter().map(|k| k.id.clone()))
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
