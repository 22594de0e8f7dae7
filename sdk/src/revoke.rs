//! Revoking many keys at once, with a bounded number of requests in flight,
//! and further passes over the keys that failed until a deadline.

use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use serde::Serialize;

use crate::client::Client;
use crate::error::Error;
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
    /// One outcome per key.
    pub outcomes: Vec<RevokeOutcome>,
    /// Passes made: 1 when every key was settled by the first, more when
    /// failed keys were tried again.
    pub passes: u32,
}

impl RevokeManyReport {
    /// The keys that no longer work.
    pub fn revoked(&self) -> impl Iterator<Item = &RevokeOutcome> {
        self.outcomes.iter().filter(|o| o.result.is_revoked())
    }

    /// The keys that may still work.
    pub fn failed(&self) -> impl Iterator<Item = &RevokeOutcome> {
        self.outcomes.iter().filter(|o| !o.result.is_revoked())
    }

    /// Whether every key was revoked (or already gone).
    pub fn all_revoked(&self) -> bool {
        self.failed().next().is_none()
    }
}

/// A serialisable line per key, for reports and `revoke --json`:
/// `{"error"?, "id", "result"}`. The fields are declared in alphabetical
/// order, the order the CLI has always printed them in.
#[derive(Debug, Clone, Serialize)]
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
pub async fn revoke_many(
    client: &Client,
    ids: &[String],
    options: &RevokeManyOptions,
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
    let first = unique.into_iter().map(|id| (id, false)).collect();
    let (mut outcomes, mut maybe_applied): (Vec<_>, Vec<_>) =
        pass(client, first, concurrency).await.into_iter().unzip();
    let mut passes = 1;
    loop {
        let again: Vec<usize> = (0..outcomes.len())
            .filter(|&i| outcomes[i].result.worth_another_pass())
            .collect();
        if again.is_empty() {
            break;
        }
        let wait = pass_delay(client, passes - 1, again.iter().map(|&i| &outcomes[i]));
        if elapsed().saturating_add(wait) > options.deadline {
            break;
        }
        tracing::debug!(
            pass = passes + 1,
            keys = again.len(),
            ?wait,
            "revoking failed keys again"
        );
        retry::sleep(wait).await;
        let keys = again
            .iter()
            .map(|&i| (outcomes[i].id.clone(), maybe_applied[i]))
            .collect();
        let results = pass(client, keys, concurrency).await;
        for (i, (outcome, applied)) in again.into_iter().zip(results) {
            outcomes[i] = outcome;
            maybe_applied[i] |= applied;
        }
        passes += 1;
    }
    RevokeManyReport { outcomes, passes }
}

/// One pass: every id once (with the client's own retries), in order, with
/// whether an earlier pass may have revoked it; each outcome with whether
/// this pass may have.
async fn pass(
    client: &Client,
    keys: Vec<(String, bool)>,
    concurrency: usize,
) -> Vec<(RevokeOutcome, bool)> {
    futures::stream::iter(keys)
        .map(|(id, applied_before)| revoke_one(client, id, applied_before))
        .buffered(concurrency)
        .collect()
        .await
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
