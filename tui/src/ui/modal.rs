//! The dialogs that sit over a screen. A modal takes every key while it is
//! open, so nothing underneath acts by accident.

use narrative_keys::Secret;
use narrative_keys::incident::{IncidentPlan, IncidentReport};

use super::input::TextInput;

#[derive(Debug)]
pub enum Modal {
    Help,
    /// Keys to revoke, as (id, name).
    ConfirmRevoke(Vec<(String, String)>),
    ConfirmRotate {
        id: String,
        name: String,
    },
    Secret(SecretModal),
    Incident(IncidentModal),
}

/// One secret shown once.
#[derive(Debug)]
pub struct SecretEntry {
    pub name: String,
    pub id: String,
    pub secret: Secret,
}

/// The once-only display of new secrets. Only `D` then `y` closes it.
#[derive(Debug)]
pub struct SecretModal {
    pub title: String,
    pub entries: Vec<SecretEntry>,
    pub cursor: usize,
    /// What happened to the last copy: `Ok(message)` or `Err(message)`.
    pub copy_note: Option<Result<String, String>>,
    /// Open while a file name is being typed.
    pub file_input: Option<TextInput>,
    pub file_note: Option<Result<String, String>>,
    pub confirm_dismiss: bool,
    /// Something else worth knowing (an old key that could not be revoked).
    pub note: Option<String>,
    /// What to show once this is dismissed (the incident report).
    pub then: Option<Box<Modal>>,
}

impl SecretModal {
    pub fn new(title: impl Into<String>, entries: Vec<SecretEntry>) -> Self {
        Self {
            title: title.into(),
            entries,
            cursor: 0,
            copy_note: None,
            file_input: None,
            file_note: None,
            confirm_dismiss: false,
            note: None,
            then: None,
        }
    }

    pub fn current(&self) -> Option<&SecretEntry> {
        self.entries.get(self.cursor)
    }
}

#[derive(Debug)]
pub enum IncidentModal {
    /// The dry run: what would happen, before anything does.
    Plan {
        plan: Box<IncidentPlan>,
        scroll: u16,
    },
    Running {
        count: usize,
    },
    Done {
        report: Box<IncidentReport>,
        markdown: String,
        path: TextInput,
        editing: bool,
        saved: Option<Result<String, String>>,
    },
}

/// `e2e-key.env` for "E2E key": a file name made from a key's name.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "key".to_owned()
    } else {
        out
    }
}
