//! The keys file the UI was started with (`--file`, or a
//! `narrative-keys.toml` in the current directory): its plan against the
//! keys loaded, made again with every load, and each key's mark in it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use narrative_keys::ApiKey;
use narrative_keys::keys_as_code::{self, ApplyJournal, KeysFile, Plan};

use crate::cli::Format;
use crate::commands::plan::{plan_text, summary};

/// The keys file and its plan.
#[derive(Debug, Clone)]
pub struct KeysAsCode {
    /// The file, read and checked.
    pub file: KeysFile,
    /// The last apply's journal for it, if any.
    pub journal: Option<ApplyJournal>,
    /// Whether it was found in the current directory (no `--file`).
    pub found_here: bool,
    /// The plan against the keys last loaded.
    pub plan: Plan,
    /// Each key's mark in the plan, by id: `~ ↻ - ` for an action on it,
    /// `?` unmanaged, `·` retiring.
    pub marks: HashMap<String, &'static str>,
}

impl KeysAsCode {
    /// The file as read; planned once the keys are loaded.
    pub fn new(file: KeysFile, journal: Option<ApplyJournal>, found_here: bool) -> Self {
        Self {
            file,
            journal,
            found_here,
            plan: Plan::default(),
            marks: HashMap::new(),
        }
    }

    /// Plans the file against `keys` at `now`, as `plan` does.
    pub fn replan(&mut self, keys: &[ApiKey], now: DateTime<Utc>) {
        self.plan = keys_as_code::plan(&self.file, keys, self.journal.as_ref(), now);
        let mut marks = HashMap::new();
        for key in &self.plan.unmanaged {
            marks.insert(key.id.clone(), "?");
        }
        for key in &self.plan.retiring {
            marks.insert(key.id.clone(), "·");
        }
        for action in &self.plan.actions {
            for key in &action.keys {
                marks.insert(key.id.clone(), action.action.symbol());
            }
        }
        self.marks = marks;
    }

    /// The header's words: which file, and how it was found.
    pub fn label(&self) -> String {
        let name = self.file.path.file_name().map_or_else(
            || self.file.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        if self.found_here {
            format!("{name} (found in the current directory)")
        } else {
            name
        }
    }

    /// The plan's text, the same `plan` prints, then its summary.
    pub fn text(&self, now: DateTime<Utc>) -> String {
        // The table's bold and dim are for a terminal's stdout; a dialog
        // draws its own.
        let table = plan_text(&self.plan, Format::Text, now);
        let table = anstream::adapter::strip_str(&table).to_string();
        format!("{table}\n{}", summary(&self.plan))
    }
}
