//! The incident plan: which keys will be revoked, and which replaced.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Selection;
#[cfg(doc)]
use super::resume;
use crate::error::Error;
use crate::key::{ApiKey, KeyStatus, StatusPolicy};
use crate::validation::{Field, Severity, ValidationReport};

/// A key the plan will revoke, with what it can do.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct PlannedKey {
    /// The key as listed.
    pub key: ApiKey,
    /// Its status when the plan was made.
    pub status: KeyStatus,
}

/// What executing the incident will do. Show it as a dry run first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
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
