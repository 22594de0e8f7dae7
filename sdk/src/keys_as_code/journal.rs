//! An apply's journal: each create recorded before it is sent, then its id
//! and how far its delivery went. No secret. The next `apply` (and `plan`)
//! reads it to revoke at once a key whose delivery never started, and to
//! replace one whose delivery was cut off, whose secret may or may not have
//! reached its target. Without it the server alone still keeps every rule:
//! such keys are then retired after the overlap.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::key::{ApiKey, NewKey};
use crate::permission::PermissionSet;

/// How far one create went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Recorded before it was sent; no answer yet.
    Sent,
    /// Made, its secret checked, its delivery about to start or under way.
    Delivering,
    /// Delivered to every target.
    Delivered,
    /// Not made, or revoked again.
    Revoked,
}

/// One create.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateRecord {
    /// The name sent.
    pub name: String,
    /// The permissions sent.
    pub permissions: PermissionSet,
    /// The expiration sent, to the second (`None`: never).
    pub expires_at: Option<DateTime<Utc>>,
    /// The key's id, once answered.
    pub id: Option<String>,
    /// How far it went.
    pub stage: Stage,
}

impl CreateRecord {
    /// Whether `key` is the one this create made: its id, or before an
    /// answer exactly the name, permissions and expiration sent.
    pub fn made(&self, key: &ApiKey) -> bool {
        match &self.id {
            Some(id) => *id == key.id,
            None => {
                key.name == self.name
                    && key.permissions == self.permissions
                    && key.expires_at == self.expires_at
            }
        }
    }
}

/// The journal of one `apply` of one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApplyJournal {
    /// The keys file, absolute.
    pub file: PathBuf,
    /// Every create of the run, in order.
    pub creates: Vec<CreateRecord>,
}

impl ApplyJournal {
    /// An empty journal for the file at `path`.
    pub fn new(path: &Path) -> Self {
        Self {
            file: path.to_owned(),
            creates: Vec::new(),
        }
    }

    /// Reads a journal back; `None` for text that is not one.
    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

    /// Records a create about to be sent; its index.
    pub(crate) fn sent(&mut self, new: &NewKey) -> usize {
        self.creates.push(CreateRecord {
            name: new.name().to_owned(),
            permissions: new.permissions().clone(),
            expires_at: new.expiration().instant(),
            id: None,
            stage: Stage::Sent,
        });
        self.creates.len() - 1
    }

    pub(crate) fn set_id(&mut self, record: usize, id: &str) {
        if let Some(r) = self.creates.get_mut(record) {
            r.id = Some(id.to_owned());
        }
    }

    pub(crate) fn set_stage(&mut self, record: usize, stage: Stage) {
        if let Some(r) = self.creates.get_mut(record) {
            r.stage = stage;
        }
    }

    /// Sets the stage of the create that made key `id`.
    pub(crate) fn set(&mut self, id: &str, stage: Stage) {
        if let Some(r) = self
            .creates
            .iter_mut()
            .find(|r| r.id.as_deref() == Some(id))
        {
            r.stage = stage;
        }
    }

    /// Marks the unfinished create that made `key` as done with: the key
    /// was revoked or retired.
    pub(crate) fn resolve(&mut self, key: &ApiKey) {
        for r in &mut self.creates {
            if matches!(r.stage, Stage::Sent | Stage::Delivering) && r.made(key) {
                r.stage = Stage::Revoked;
            }
        }
    }

    /// The journal's file name for the keys file at `path` (absolute):
    /// `apply-<hash of the path>.json`, one per file.
    pub fn file_name(path: &Path) -> String {
        // FNV-1a: stable across Rust versions and builds, unlike std's hasher.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in path.as_os_str().as_encoded_bytes() {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        format!("apply-{hash:016x}.json")
    }

    /// The creates of this journal not yet resolved.
    pub fn unresolved(&self) -> impl Iterator<Item = &CreateRecord> {
        self.creates
            .iter()
            .filter(|r| matches!(r.stage, Stage::Sent | Stage::Delivering))
    }

    /// The create whose delivery never started that made `key` (revoke it
    /// at once), or whose delivery was cut off (replace it).
    pub fn unfinished(&self, key: &ApiKey) -> Option<Stage> {
        self.creates
            .iter()
            .find(|r| matches!(r.stage, Stage::Sent | Stage::Delivering) && r.made(key))
            .map(|r| r.stage)
    }
}
