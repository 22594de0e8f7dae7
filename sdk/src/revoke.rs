//! Revoking many keys at once, with a bounded number of requests in flight,
//! and further passes over the keys that failed until a deadline.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::DeliveryError;
use crate::error::Error;
use crate::journal::Journal;
use crate::retry;

/// Revocations [`revoke_many`] keeps in flight at once unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// How long [`revoke_many`] keeps making passes over failed keys unless told otherwise.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// How [`revoke_many`] works through its keys.
#[derive(Debug, Clone, Copy)]
pub struct RevokeManyOptions {
    /// Requests in flight at once (at least 1; default 8).
    pub concurrency: usize,
    /// How long after the call began a further pass over the keys that
    /// failed may start (default 60 s). Every key is tried once whatever
    /// this is; `Duration::ZERO` means no further pass.
    pub deadline: Duration,
}

impl Default for RevokeManyOptions {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            deadline: DEFAULT_DEADLINE,
        }
    }
}

/// How one revocation ended.
#[derive(Debug)]
pub enum RevokeResult {
    /// The key was revoked.
    Revoked,
    /// The key did not exist (404): someone revoked it already. It counts as revoked.
    AlreadyGone,
    /// The revocation failed; the key may still work.
    Failed(Error),
}

impl RevokeResult {
    /// Whether the key no longer works (revoked now or already gone).
    pub fn is_revoked(&self) -> bool {
        !matches!(self, RevokeResult::Failed(_))
    }

    /// A failure that another pass may overcome: the kind the client
    /// retries (429, 500, 502-504, a connection not opened or broken). Not
    /// a refusal (400, 401, 403) nor a timeout.
    fn worth_another_pass(&self) -> bool {
        matches!(self, RevokeResult::Failed(e) if e.is_retryable())
    }

    /// `revoked`, `already_gone` or `failed`.
    pub fn code(&self) -> &'static str {
        match self {
            RevokeResult::Revoked => "revoked",
            RevokeResult::AlreadyGone => "already_gone",
            RevokeResult::Failed(_) => "failed",
        }
    }
}

/// How the revocation of one key ended.
#[derive(Debug)]
pub struct RevokeOutcome {
    /// The key's id.
    pub id: String,
    /// How its revocation ended.
    pub result: RevokeResult,
}

/// Outcomes in the order the ids were given (duplicates removed).
#[derive(Debug, Default)]
pub struct RevokeManyReport {
    /// One outcome per key tried.
    pub outcomes: Vec<RevokeOutcome>,
    /// Keys never tried: the run was asked to stop (the client's
    /// [`Interrupt`](crate::Interrupt), or its journal could not be written)
    /// before their turn. They still work.
    pub not_attempted: Vec<String>,
    /// Passes made: 1 when every key was settled by the first, more when
    /// failed keys were tried again.
    pub passes: u32,
    /// How long the revocation took, passes and waits included.
    pub elapsed: Duration,
    /// Whether keys worth another pass were left because that pass could
    /// not have started before the deadline.
    pub deadline_reached: bool,
    /// Whether the run was asked to stop before its work was done: no new
    /// revocation or pass was started after that.
    pub stopped: bool,
}

impl RevokeManyReport {
    /// The keys that no longer work.
    pub fn revoked(&self) -> impl Iterator<Item = &RevokeOutcome> {
        self.outcomes.iter().filter(|o| o.result.is_revoked())
    }

    /// The keys that may still work (those never tried aside).
    pub fn failed(&self) -> impl Iterator<Item = &RevokeOutcome> {
        self.outcomes.iter().filter(|o| !o.result.is_revoked())
    }

    /// Whether every key was revoked (or already gone).
    pub fn all_revoked(&self) -> bool {
        self.failed().next().is_none() && self.not_attempted.is_empty()
    }
}

/// A serialisable line per key, for reports and `revoke --json`:
/// `{"error"?, "id", "result"}`. The fields are declared in alphabetical
/// order, the order the CLI has always printed them in.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct RevokeOutcomeSummary {
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Why the revocation failed, if it did.
    pub error: Option<String>,
    /// The key's id.
    pub id: String,
    /// `revoked`, `already_gone` or `failed`.
    pub result: &'static str,
}

impl RevokeOutcome {
    /// The outcome as a line of a report.
    pub fn summary(&self) -> RevokeOutcomeSummary {
        RevokeOutcomeSummary {
            id: self.id.clone(),
            result: self.result.code(),
            error: match &self.result {
                RevokeResult::Failed(e) => Some(e.to_string()),
                _ => None,
            },
        }
    }
}

/// Revokes every key in `ids`, `options.concurrency` at a time, each retried
/// as the client retries. One failure does not stop the others.
///
/// Then, while keys have failed in a way worth trying again (see
/// [`RevokeResult`]: 429, 5xx, broken connections; not a refusal or a
/// timeout), it waits a backoff (at least any `Retry-After` they got) and
/// makes another pass over them, as long as the pass can start before
/// `options.deadline` after the call began. A pass in progress finishes
/// (each request is bounded by the client's timeout). Keys still failing
/// keep their last error.
///
/// Once the client's [`Interrupt`](crate::Interrupt) is requested, no new
/// revocation and no new pass starts: the requests in flight finish, and
/// keys not tried yet are [`RevokeManyReport::not_attempted`].
pub async fn revoke_many(
    client: &Client,
    ids: &[String],
    options: &RevokeManyOptions,
) -> RevokeManyReport {
    revoke_many_observed(client, ids, options, &mut |_| true).await
}

/// [`revoke_many`], calling `observe` with each outcome as it arrives (of
/// any pass), e.g. to write a journal; when it returns `false` the run
/// stops as it does on an interrupt.
// long: one loop of passes, with the deadline, the stop and the outcomes that each pass replaces
// (A `dyn` observer: one copy of the code, which the npm package carries.)
pub async fn revoke_many_observed(
    client: &Client,
    ids: &[String],
    options: &RevokeManyOptions,
    observe: &mut (dyn FnMut(&RevokeOutcome) -> bool + Send),
) -> RevokeManyReport {
    // Duplicates removed, first occurrence kept: a sorted list of the ids
    // seen, searched by bisection (a set type would add its code to the npm
    // package for this one use).
    let mut seen: Vec<&str> = Vec::with_capacity(ids.len());
    let mut unique: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        if let Err(at) = seen.binary_search(&id.as_str()) {
            seen.insert(at, id);
            // Owned ids and a named async fn keep the future `Send`, so callers
            // can spawn it (closures over borrowed items trip a compiler limitation).
            unique.push(id.clone());
        }
    }
    let started = Utc::now();
    let elapsed = || (Utc::now() - started).to_std().unwrap_or_default();
    let concurrency = options.concurrency.max(1);
    let stop = AtomicBool::new(false);
    let first: Vec<(String, bool)> = unique.iter().map(|id| (id.clone(), false)).collect();
    let (mut outcomes, mut maybe_applied): (Vec<_>, Vec<_>) =
        pass(client, first, concurrency, &stop, observe)
            .await
            .into_iter()
            .unzip();
    let not_attempted = unique.split_off(outcomes.len());
    let mut passes = 1;
    let mut deadline_reached = false;
    loop {
        let again: Vec<usize> = (0..outcomes.len())
            .filter(|&i| outcomes[i].result.worth_another_pass())
            .collect();
        if again.is_empty() || stopping(client, &stop) {
            break;
        }
        let wait = pass_delay(client, passes - 1, again.iter().map(|&i| &outcomes[i]));
        if elapsed().saturating_add(wait) > options.deadline {
            deadline_reached = true;
            break;
        }
        tracing::debug!(
            pass = passes + 1,
            keys = again.len(),
            ?wait,
            "revoking failed keys again"
        );
        retry::sleep(wait).await;
        if stopping(client, &stop) {
            break;
        }
        let keys = again
            .iter()
            .map(|&i| (outcomes[i].id.clone(), maybe_applied[i]))
            .collect();
        let results = pass(client, keys, concurrency, &stop, observe).await;
        for (i, (outcome, applied)) in again.into_iter().zip(results) {
            outcomes[i] = outcome;
            maybe_applied[i] |= applied;
        }
        passes += 1;
    }
    let stopped = stopping(client, &stop)
        && (!not_attempted.is_empty() || outcomes.iter().any(|o| o.result.worth_another_pass()));
    RevokeManyReport {
        outcomes,
        not_attempted,
        passes,
        elapsed: elapsed(),
        deadline_reached,
        stopped,
    }
}

/// Whether the run was asked to stop: by the client's interrupt, or by its observer.
fn stopping(client: &Client, stop: &AtomicBool) -> bool {
    stop.load(Ordering::SeqCst) || client.interrupt().is_requested()
}

/// One pass: every id once (with the client's own retries), in order, with
/// whether an earlier pass may have revoked it; each outcome with whether
/// this pass may have. Once a stop is asked for, no further id is started:
/// the outcomes are then those of the ids started, a prefix of `keys`.
async fn pass(
    client: &Client,
    keys: Vec<(String, bool)>,
    concurrency: usize,
    stop: &AtomicBool,
    observe: &mut (dyn FnMut(&RevokeOutcome) -> bool + Send),
) -> Vec<(RevokeOutcome, bool)> {
    let mut results = futures::stream::iter(keys)
        .take_while(|_| futures::future::ready(!stopping(client, stop)))
        .map(|(id, applied_before)| revoke_one(client, id, applied_before))
        .buffered(concurrency);
    let mut out = Vec::new();
    while let Some(result) = results.next().await {
        if !observe(&result.0) {
            stop.store(true, Ordering::SeqCst);
        }
        out.push(result);
    }
    out
}

/// The wait before another pass: the client's backoff, doubling per pass
/// (the server has just failed through each key's own retries), and at
/// least the longest `Retry-After` a failed key was given.
fn pass_delay<'a>(
    client: &Client,
    done: u32,
    failed: impl Iterator<Item = &'a RevokeOutcome>,
) -> Duration {
    let policy = client.retry_policy();
    let backoff = policy.delay(policy.max_retries.saturating_add(done), None);
    failed
        .filter_map(|o| match &o.result {
            RevokeResult::Failed(Error::RateLimited { retry_after, .. }) => *retry_after,
            _ => None,
        })
        .fold(backoff, Duration::max)
}

/// A 404 after an earlier pass whose outcome was unknown (a 500, a broken
/// connection) is that pass's revocation, not a key that never existed.
async fn revoke_one(client: &Client, id: String, applied_before: bool) -> (RevokeOutcome, bool) {
    let (result, applied) = match client.revoke_after(&id, applied_before).await {
        Ok(()) => (RevokeResult::Revoked, false),
        Err((Error::NotFound(_), applied)) => (RevokeResult::AlreadyGone, applied),
        Err((e, applied)) => (RevokeResult::Failed(e), applied),
    };
    (RevokeOutcome { id, result }, applied)
}

/// The journal of a bulk revocation (see [`crate::journal`]): every key and
/// where its revocation stands, written before the first request and after
/// each outcome by [`revoke_journaled`], which also finishes one cut off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeJournal {
    /// The environment the keys are in; a journal is resumed only there.
    pub environment: String,
    /// When the revocation began.
    #[serde(deserialize_with = "crate::instant::serde_rfc3339::one")]
    pub started_at: DateTime<Utc>,
    /// When each resume started.
    #[serde(default, deserialize_with = "crate::instant::serde_rfc3339::many")]
    pub resumed_at: Vec<DateTime<Utc>>,
    /// Every key, in the order given.
    pub keys: Vec<JournaledRevocation>,
}

/// One key of a [`RevokeJournal`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournaledRevocation {
    /// The key's id.
    pub id: String,
    /// Where its revocation stands.
    pub state: RevocationState,
    /// The last error, for a key that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Where one key's revocation stands in a journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationState {
    /// Not answered yet: the request may not have been sent, or its answer
    /// was lost when the run was cut off.
    Pending,
    /// Revoked.
    Revoked,
    /// The server did not have it: already revoked, or never visible.
    AlreadyGone,
    /// The revocation failed; the key may still work.
    Failed,
}

impl RevokeJournal {
    /// A journal of `ids` (duplicates removed), every one pending.
    pub fn new(environment: impl Into<String>, ids: &[String], now: DateTime<Utc>) -> Self {
        let mut keys: Vec<JournaledRevocation> = Vec::with_capacity(ids.len());
        for id in ids {
            if !keys.iter().any(|k| &k.id == id) {
                keys.push(JournaledRevocation {
                    id: id.clone(),
                    state: RevocationState::Pending,
                    error: None,
                });
            }
        }
        Self {
            environment: environment.into(),
            started_at: now,
            resumed_at: Vec::new(),
            keys,
        }
    }

    /// Records how one key's revocation ended.
    pub fn record(&mut self, outcome: &RevokeOutcome) {
        let Some(entry) = self.keys.iter_mut().find(|k| k.id == outcome.id) else {
            return;
        };
        (entry.state, entry.error) = match &outcome.result {
            RevokeResult::Revoked => (RevocationState::Revoked, None),
            RevokeResult::AlreadyGone => (RevocationState::AlreadyGone, None),
            RevokeResult::Failed(e) => (RevocationState::Failed, Some(e.to_string())),
        };
    }

    /// The keys that may still work: pending or failed.
    pub fn left(&self) -> Vec<String> {
        self.keys
            .iter()
            .filter(|k| matches!(k.state, RevocationState::Pending | RevocationState::Failed))
            .map(|k| k.id.clone())
            .collect()
    }

    /// Reads a journal back from its JSON. The message names where the
    /// shape broke, never a value.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let body = text.trim_start_matches('\u{feff}').trim_start();
        serde_json::from_str(body).map_err(|e| {
            if e.is_syntax() || e.is_eof() {
                return format!("it is not JSON (line {}, column {})", e.line(), e.column());
            }
            format!(
                "it is not a revoke journal: at `{}`: {}",
                crate::json_path::of_error(body.as_bytes(), &e),
                crate::error::without_values(&e.to_string())
            )
        })
    }
}

/// [`revoke_many`] over the keys `state` lists as [`RevokeJournal::left`],
/// recording `state` in `journal` before the first request (an `Err` then
/// means nothing was sent) and after every outcome. A journal write that
/// fails later stops the run as an interrupt does, and is returned beside
/// the report. Resuming is calling it again with the journal read back.
pub async fn revoke_journaled<J: Journal<RevokeJournal> + ?Sized>(
    client: &Client,
    state: &mut RevokeJournal,
    options: &RevokeManyOptions,
    journal: &mut J,
) -> Result<(RevokeManyReport, Option<DeliveryError>), DeliveryError> {
    journal.record(state)?;
    let ids = state.left();
    let mut failed_write = None;
    let report = revoke_many_observed(client, &ids, options, &mut |outcome| {
        state.record(outcome);
        match journal.record(state) {
            Ok(()) => true,
            Err(e) => {
                failed_write = Some(e);
                false
            }
        }
    })
    .await;
    Ok((report, failed_write))
}
