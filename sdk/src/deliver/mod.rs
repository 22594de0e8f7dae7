//! Where a new secret goes: the sinks ([`SecretSink`]: the caller, a file, a
//! command) and the copy of a secret a file held (`KeptSecret`).
//!
//! The rule every workflow follows ([`crate::create`]): a secret is delivered
//! right after its key is created, before anything else changes. An old key
//! is revoked only once its successor's secret was delivered, and a key
//! whose secret could not be delivered is revoked again, so no key is left
//! that nobody holds the secret of. Every [`SecretSink`] is checked before
//! the first request, so a target that cannot work is refused while nothing
//! has been sent.
//!
//! Nor is a secret that may still work ever destroyed: a secret file that
//! already holds one keeps it in a new file beside it before it is replaced
//! (`KeptSecret`), and once the run is over `KeptSecret::check` asks
//! `/whoami` with it: a dead one's copy is deleted, one that still works (or
//! could not be checked) stays, with a message saying where and what to do.

use crate::error::Result;
use crate::key::ApiKey;
use crate::secret::Secret;

// The delivery errors are the error module's, so that it names no workflow.
pub use crate::error::{DeliveryError, Undelivered};

#[cfg(not(target_arch = "wasm32"))]
mod command;
#[cfg(not(target_arch = "wasm32"))]
mod command_output;
#[cfg(not(target_arch = "wasm32"))]
mod file;
#[cfg(not(target_arch = "wasm32"))]
mod hand_off;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod kept;

#[cfg(not(target_arch = "wasm32"))]
pub use command::{SecretCommand, Waiting};
#[cfg(not(target_arch = "wasm32"))]
pub use command_output::CapturedOutput;
#[cfg(not(target_arch = "wasm32"))]
pub use file::{OutputKind, SecretFile, SecretsFile, SecretsFormat, check_output, write_new_file};
#[cfg(not(target_arch = "wasm32"))]
pub use hand_off::{GoesOn, HandOff, HandOffAnswer, HandedSecret, StoredCheck};
#[cfg(not(target_arch = "wasm32"))]
pub use kept::{KeptCheck, KeptSecret, KeptState};

/// One new secret to hand over.
#[derive(Debug, Clone, Copy)]
pub struct NewSecret<'a> {
    /// The key just created.
    pub key: &'a ApiKey,
    /// Its secret, shown once by the server.
    pub secret: &'a Secret,
    /// The id of the key it replaces (rotation, incident), if any.
    pub replaces: Option<&'a str>,
}

impl NewSecret<'_> {
    /// A variable name for this secret, made from the key's name (see
    /// [`env_name`]).
    pub fn env_name(&self) -> String {
        env_name(&self.key.name)
    }
}

/// Where new secrets go: a file, a command, the terminal, or the caller.
///
/// `check` runs before any request is sent; `deliver` right after each key
/// is created. A `deliver` error means the secret did not reach its target,
/// and the workflow revokes that key again.
pub trait SecretSink: Send {
    /// Refuses a target that cannot work, before anything is sent.
    fn check(&mut self) -> Result<(), DeliveryError>;
    /// Hands one secret over. Called once per new key, in creation order.
    fn deliver(&mut self, secret: &NewSecret<'_>) -> Result<(), DeliveryError>;
}

/// The caller takes the secrets from the workflow's result: always delivered.
/// For a program that holds them itself (a dialog on screen, a JS caller).
#[derive(Debug, Clone, Copy, Default)]
pub struct ToCaller;

impl SecretSink for ToCaller {
    #[inline]
    fn check(&mut self) -> Result<(), DeliveryError> {
        Ok(())
    }

    #[inline]
    fn deliver(&mut self, _: &NewSecret<'_>) -> Result<(), DeliveryError> {
        Ok(())
    }
}

/// A shell variable name made from a key's name: `Nightly ingestion` →
/// `NIGHTLY_INGESTION`. ASCII letters and digits are kept (upper-cased),
/// everything else becomes one `_`; a name that would start with a digit or
/// be empty gets the prefix `KEY_`.
pub fn env_name(key_name: &str) -> String {
    let mut out = String::with_capacity(key_name.len());
    for c in key_name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "KEY_");
    }
    if out.ends_with('_') {
        out.pop();
    }
    out
}

/// Whether `name` is a valid shell variable name (`[A-Za-z_][A-Za-z0-9_]*`).
pub fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_are_valid_shell_names() {
        assert_eq!(env_name("Nightly ingestion"), "NIGHTLY_INGESTION");
        assert_eq!(env_name("  key-admin (CI)  "), "KEY_ADMIN_CI");
        assert_eq!(env_name("2024 export"), "KEY_2024_EXPORT");
        assert_eq!(env_name("émoji 🚀"), "MOJI");
        assert_eq!(env_name("——"), "KEY");
        for name in ["Nightly ingestion", "2024 export", "——", "a\nb=c", "_x"] {
            assert!(is_env_name(&env_name(name)), "{name:?}");
        }
        assert!(!is_env_name("1A"));
        assert!(!is_env_name("A-B"));
        assert!(!is_env_name(""));
        assert!(is_env_name("NARRATIVE_API_KEY"));
    }
}
