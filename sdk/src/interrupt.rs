//! A request from outside a workflow to stop: a signal in the CLI, the
//! terminal UI closing. Workflows look at it between steps, never in the
//! middle of one: a request in flight finishes (its answer decides what
//! exists), a delivery command in progress is stopped as a group, a key
//! whose secret was not delivered is revoked again, and the rest is left for
//! the caller to report (an incident's journal says what is left to do).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A shared stop flag. Clones share it; [`Interrupt::default`] is one that
/// nothing has asked to stop yet.
#[derive(Clone, Debug, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// A flag nothing has asked to stop yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every workflow sharing this flag to stop after its step in progress.
    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn is_requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_request() {
        let flag = Interrupt::new();
        let seen_by_workflow = flag.clone();
        assert!(!seen_by_workflow.is_requested());
        flag.request();
        assert!(seen_by_workflow.is_requested());
        assert!(!Interrupt::new().is_requested(), "a new flag is its own");
    }
}
