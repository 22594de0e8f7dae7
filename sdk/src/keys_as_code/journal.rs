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
        if let Some(i) = self.unfinished_index(key) {
            self.set_stage(i, Stage::Revoked);
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

    /// The create that made `key`, when it was left unfinished: its
    /// delivery never started (`sent`: revoke the key at once) or was cut
    /// off (`delivering`: replace it). A key whose create was answered is
    /// known by its id alone, so a create sent again in the same second,
    /// alike in every field, is never mistaken for it.
    pub fn unfinished(&self, key: &ApiKey) -> Option<&CreateRecord> {
        self.unfinished_index(key).and_then(|i| self.creates.get(i))
    }

    fn unfinished_index(&self, key: &ApiKey) -> Option<usize> {
        let unfinished = |r: &CreateRecord| matches!(r.stage, Stage::Sent | Stage::Delivering);
        let answered = self
            .creates
            .iter()
            .position(|r| r.id.as_deref() == Some(key.id.as_str()));
        match answered {
            Some(i) => Some(i).filter(|i| unfinished(&self.creates[*i])),
            None => self
                .creates
                .iter()
                .position(|r| r.id.is_none() && r.stage == Stage::Sent && r.made(key)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> ApiKey {
        ApiKey {
            id: id.to_owned(),
            name: "ci".to_owned(),
            permissions: PermissionSet::parse_compact("read:datasets").unwrap(),
            expires_at: Some("2027-03-01T10:00:00Z".parse().unwrap()),
        }
    }

    fn record(id: Option<&str>, stage: Stage) -> CreateRecord {
        let k = key("x");
        CreateRecord {
            name: k.name,
            permissions: k.permissions,
            expires_at: k.expires_at,
            id: id.map(str::to_owned),
            stage,
        }
    }

    #[test]
    fn an_answered_create_is_known_by_its_id_alone() {
        // A create whose answer was lost, then one sent again in the same
        // second and delivered: alike in every field.
        let journal = ApplyJournal {
            file: PathBuf::from("/k.toml"),
            creates: vec![
                record(None, Stage::Sent),
                record(Some("b"), Stage::Delivered),
            ],
        };
        assert!(
            journal.unfinished(&key("b")).is_none(),
            "the delivered key is kept"
        );
        let lost = journal.unfinished(&key("a")).map(|r| r.stage);
        assert_eq!(
            lost,
            Some(Stage::Sent),
            "the key whose answer was lost is revoked"
        );
        let cut_off = ApplyJournal {
            file: PathBuf::from("/k.toml"),
            creates: vec![record(Some("c"), Stage::Delivering)],
        };
        assert_eq!(
            cut_off.unfinished(&key("c")).map(|r| r.stage),
            Some(Stage::Delivering)
        );
        assert!(cut_off.unfinished(&key("d")).is_none());
    }
}
