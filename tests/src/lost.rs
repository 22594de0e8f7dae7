//! The lost-writes check: what the emulator's store holds against what the
//! callers believe it holds.

use std::collections::BTreeMap;

use narrative_keys_emulator::{BOOTSTRAP_KEY_NAME, RunningEmulator};

/// The keys in the emulator's store, the bootstrap key left out: id to name.
pub fn stored_keys(emu: &RunningEmulator) -> BTreeMap<String, String> {
    emu.store()
        .list_keys()
        .expect("the store lists its keys")
        .into_iter()
        .filter(|k| k.name != BOOTSTRAP_KEY_NAME)
        .map(|k| (k.id.to_string(), k.name))
        .collect()
}

/// How the store differs from what the callers expect it to hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LostWrites {
    /// Expected keys the store does not hold.
    pub missing: usize,
    /// Expected keys the store holds under another name than the last one
    /// given.
    pub renamed: usize,
    /// Keys in the store nobody expects: a secret nobody holds.
    pub unexpected: usize,
}

impl LostWrites {
    /// Compares the store of `emu` with `expected` (id to name).
    pub fn check(emu: &RunningEmulator, expected: &BTreeMap<String, String>) -> Self {
        Self::between(expected, &stored_keys(emu))
    }

    /// Compares `stored` with `expected` (both id to name).
    pub fn between(expected: &BTreeMap<String, String>, stored: &BTreeMap<String, String>) -> Self {
        let mut lost = Self::default();
        for (id, name) in expected {
            match stored.get(id) {
                None => lost.missing += 1,
                Some(stored) if stored != name => lost.renamed += 1,
                Some(_) => {}
            }
        }
        lost.unexpected = stored
            .keys()
            .filter(|id| !expected.contains_key(*id))
            .count();
        lost
    }
}
