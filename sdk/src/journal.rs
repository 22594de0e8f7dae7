//! A multi-step workflow's journal: what it has done and what is left, written
//! at its start and after every step, so that a run cut off at any point (a
//! signal, `kill -9`, a crash) can be finished from it. An incident's
//! journal is its report ([`crate::incident::IncidentReport`]); a bulk
//! revocation's is a [`crate::revoke::RevokeJournal`].

use crate::error::DeliveryError;

/// Where a workflow records its progress. `record` is called at the start
/// and after every step with the whole state; a failure stops the workflow
/// before its next step (a run that cannot record what it does must not go
/// on doing it).
pub trait Journal<State: ?Sized>: Send {
    /// Records `state`, durably, before the workflow takes its next step.
    fn record(&mut self, state: &State) -> Result<(), DeliveryError>;
}

/// No journal: the caller keeps the result (the terminal UI, the npm package).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoJournal;

impl<State: ?Sized> Journal<State> for NoJournal {
    #[inline]
    fn record(&mut self, _: &State) -> Result<(), DeliveryError> {
        Ok(())
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub use file::JournalFile;

#[cfg(not(target_arch = "wasm32"))]
mod file {
    use std::path::{Path, PathBuf};

    use super::Journal;
    use crate::deliver::{DeliveryError, OutputKind, check_output, write_new_file};

    /// A journal kept as one JSON file (mode 0600), rewritten whole after
    /// every step through [`write_new_file`]: a temporary file beside it,
    /// synced, moved into place, the directory synced; `kill -9` leaves
    /// either the previous state or the new one, never half of one.
    #[derive(Debug, Clone)]
    pub struct JournalFile {
        path: PathBuf,
        /// Whether the first write may replace a regular file there.
        replace: bool,
        written: bool,
    }

    impl JournalFile {
        /// A journal in a new file: it is never written over an existing one.
        pub fn new(path: impl Into<PathBuf>) -> Self {
            Self {
                path: path.into(),
                replace: false,
                written: false,
            }
        }

        /// A journal that takes over the regular file at `path` (the report
        /// being resumed, or a report given with `--force`).
        pub fn replacing(path: impl Into<PathBuf>) -> Self {
            Self {
                replace: true,
                ..Self::new(path)
            }
        }

        /// Where the journal is written.
        pub fn path(&self) -> &Path {
            &self.path
        }

        /// Refuses a path that cannot take the journal, before anything is sent.
        pub fn check(&self) -> Result<(), DeliveryError> {
            let kind = if self.replace {
                OutputKind::ReplaceFile
            } else {
                OutputKind::New
            };
            check_output(&self.path, &kind).map(drop)
        }
    }

    impl<State: serde::Serialize + ?Sized> Journal<State> for JournalFile {
        fn record(&mut self, state: &State) -> Result<(), DeliveryError> {
            let mut text = serde_json::to_string_pretty(state).map_err(|e| {
                DeliveryError::new(
                    self.path.display().to_string(),
                    format!("could not encode the journal: {e}"),
                )
            })?;
            text.push('\n');
            write_new_file(&self.path, &text, self.replace || self.written)?;
            self.written = true;
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_journal_is_a_new_file_then_rewritten_whole() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("j.json");
            let mut journal = JournalFile::new(&path);
            journal.check().unwrap();
            journal.record(&vec!["one"]).unwrap();
            journal.record(&vec!["one", "two"]).unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            assert_eq!(
                serde_json::from_str::<Vec<String>>(&text).unwrap(),
                ["one", "two"]
            );
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            // A second journal never takes over the first one's file...
            let again = JournalFile::new(&path);
            let refused = again.check().unwrap_err();
            assert!(refused.message.contains("already exists"), "{refused}");
            assert!(JournalFile::new(&path).record(&1).is_err());
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
            // ...unless it is the one being resumed.
            let mut resumed = JournalFile::replacing(&path);
            resumed.check().unwrap();
            resumed.record(&vec!["three"]).unwrap();
            assert!(std::fs::read_to_string(&path).unwrap().contains("three"));
        }
    }
}
