//! The journal's one writer for an apply whose keys are worked on at once.

use std::sync::{Mutex, PoisonError};

use crate::deliver::DeliveryError;
use crate::journal::Journal;
use crate::keys_as_code::journal::ApplyJournal;

/// The run's journal state and where it is written: one writer, whose lock
/// is held only while the state changes or is written, never across a
/// request. A step goes on only once a write holding its change succeeded;
/// the keys worked on at once share writes (a group commit): the writer
/// first lets the other steps that are ready make their changes.
pub(super) struct Recorder<'j, J: ?Sized> {
    shared: Mutex<Recorded<'j, J>>,
    /// Told after every write.
    wrote: tokio::sync::watch::Sender<()>,
}

struct Recorded<'j, J: ?Sized> {
    state: ApplyJournal,
    journal: &'j mut J,
    /// Changes made so far, and how many the last successful write held.
    changes: u64,
    durable: u64,
    /// Whether a step is about to write.
    writing: bool,
}

impl<'j, J: Journal<ApplyJournal> + ?Sized> Recorder<'j, J> {
    pub(super) fn new(state: ApplyJournal, journal: &'j mut J) -> Self {
        Self {
            shared: Mutex::new(Recorded {
                state,
                journal,
                changes: 0,
                durable: 0,
                writing: false,
            }),
            wrote: tokio::sync::watch::Sender::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recorded<'j, J>> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the state and returns once it is written.
    pub(super) async fn record<R>(
        &self,
        change: impl FnOnce(&mut ApplyJournal) -> R,
    ) -> (R, std::result::Result<(), DeliveryError>) {
        let (result, mine) = {
            let mut shared = self.lock();
            let result = change(&mut shared.state);
            shared.changes += 1;
            (result, shared.changes)
        };
        loop {
            let mut wrote = self.wrote.subscribe();
            {
                let mut shared = self.lock();
                if shared.durable >= mine {
                    return (result, Ok(()));
                }
                if !shared.writing {
                    shared.writing = true;
                    break;
                }
            }
            // The writer's sender lives as long as `self`.
            let _ = wrote.changed().await;
        }
        // The other steps that are ready make their changes first.
        tokio::task::yield_now().await;
        let written = {
            let mut shared = self.lock();
            let Recorded {
                state,
                journal,
                changes,
                ..
            } = &mut *shared;
            let upto = *changes;
            let written = journal.record(state);
            if written.is_ok() {
                shared.durable = upto;
            }
            shared.writing = false;
            written
        };
        self.wrote.send_replace(());
        (result, written)
    }

    /// Changes the state; the next write holds it.
    pub(super) fn change<R>(&self, change: impl FnOnce(&mut ApplyJournal) -> R) -> R {
        change(&mut self.lock().state)
    }
}
