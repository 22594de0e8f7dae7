//! Revoking many keys at once, with a bounded number of requests in flight.

use futures::StreamExt;
use serde::Serialize;

use crate::client::Client;
use crate::error::Error;

pub const DEFAULT_CONCURRENCY: usize = 8;

#[derive(Debug, Clone, Copy)]
pub struct RevokeManyOptions {
    /// Requests in flight at once (at least 1; default 8).
    pub concurrency: usize,
}

impl Default for RevokeManyOptions {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

/// How one revocation ended.
#[derive(Debug)]
pub enum RevokeResult {
    Revoked,
    /// The key did not exist (404): someone revoked it already. It counts as revoked.
    AlreadyGone,
    Failed(Error),
}

impl RevokeResult {
    pub fn is_revoked(&self) -> bool {
        !matches!(self, RevokeResult::Failed(_))
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

#[derive(Debug)]
pub struct RevokeOutcome {
    pub id: String,
    pub result: RevokeResult,
}

/// Outcomes in the order the ids were given (duplicates removed).
#[derive(Debug, Default)]
pub struct RevokeManyReport {
    pub outcomes: Vec<RevokeOutcome>,
}

impl RevokeManyReport {
    pub fn revoked(&self) -> impl Iterator<Item = &RevokeOutcome> {
        self.outcomes.iter().filter(|o| o.result.is_revoked())
    }

    pub fn failed(&self) -> impl Iterator<Item = &RevokeOutcome> {
        self.outcomes.iter().filter(|o| !o.result.is_revoked())
    }

    pub fn all_revoked(&self) -> bool {
        self.failed().next().is_none()
    }
}

/// A serialisable line per key, for reports and `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct RevokeOutcomeSummary {
    pub id: String,
    pub result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl RevokeOutcome {
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
    let outcomes = futures::stream::iter(unique)
        .map(|id| revoke_one(client, id))
        .buffered(options.concurrency.max(1))
        .collect()
        .await;
    RevokeManyReport { outcomes }
}

async fn revoke_one(client: &Client, id: String) -> RevokeOutcome {
    let result = match client.revoke_key(&id).await {
        Ok(()) => RevokeResult::Revoked,
        Err(Error::NotFound(_)) => RevokeResult::AlreadyGone,
        Err(e) => RevokeResult::Failed(e),
    };
    RevokeOutcome { id, result }
}
