//! A request from outside a workflow to stop: a signal in the CLI, the
//! terminal UI closing. Workflows look at it between steps, never in the
//! middle of one: a request in flight finishes (its answer decides what
//! exists), a delivery command in progress is stopped as a group, a key
//! whose secret was not delivered is revoked again, and the rest is left for
//! the caller to report (an incident's journal says what is left to do).

#[cfg(not(target_arch = "wasm32"))]
use std::sync::Arc;
#[cfg(not(target_arch = "wasm32"))]
use std::sync::atomic::{AtomicBool, Ordering};

/// A shared stop flag. Clones share it; [`Interrupt::default`] is one that
/// nothing has asked to stop yet.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Debug, Default)]
pub struct Interrupt(Arc<AtomicBool>);

/// On wasm32 nothing can ask to stop (the flag is set only by the native
/// CLI's and UI's signal handlers), so every workflow's checks of it
/// compile away, and their code stays out of the npm package.
#[cfg(target_arch = "wasm32")]
#[derive(Clone, Copy, Debug, Default)]
pub struct Interrupt;

impl Interrupt {
    /// A flag nothing has asked to stop yet.
    #[cfg_attr(
        target_arch = "wasm32",
        allow(clippy::default_constructed_unit_structs)
    )]
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every workflow sharing this flag to stop after its step in progress.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn is_requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Whether a stop was asked for: never, on wasm32.
    #[cfg(target_arch = "wasm32")]
    #[inline(always)]
    pub fn is_requested(&self) -> bool {
        false
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
