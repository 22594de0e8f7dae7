//! Delivering a new secret to where it will live.
//!
//! The rule every workflow follows: a secret is delivered right after its key
//! is created, before anything else changes. An old key is revoked only once
//! its successor's secret was delivered, and a key whose secret could not be
//! delivered is revoked again, so no key is left that nobody holds the secret
//! of. Every [`SecretSink`] is checked before the first request, so a target
//! that cannot work is refused while nothing has been sent.
//!
//! Nor is a secret that may still work ever destroyed: a secret file that
//! already holds one keeps it in a new file beside it before it is replaced
//! (`KeptSecret`), and once the run is over `KeptSecret::check` asks
//! `/whoami` with it: a dead one's copy is deleted, one that still works (or
//! could not be checked) stays, with a message saying where and what to do.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::key::{ApiKey, CreatedKey};
use crate::secret::Secret;

#[cfg(not(target_arch = "wasm32"))]
mod command;
#[cfg(not(target_arch = "wasm32"))]
mod file;
#[cfg(not(target_arch = "wasm32"))]
mod kept;

#[cfg(not(target_arch = "wasm32"))]
pub use command::{SecretCommand, Waiting};
#[cfg(not(target_arch = "wasm32"))]
pub use file::{OutputKind, SecretFile, SecretsFile, SecretsFormat, check_output, write_new_file};
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

/// Why a secret could not be delivered, or a target was refused. It names
/// the target (a path or a command) and never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{target}: {message}")]
pub struct DeliveryError {
    /// The path or command the secret was going to.
    pub target: String,
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl DeliveryError {
    /// A failure at `target` (a path or a command), saying what went wrong.
    pub fn new(target: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            target: target.into(),
            message: message.into(),
            hint: None,
        }
    }

    #[must_use]
    /// Adds what to do about the failure.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// A key created whose secret could not be delivered. The workflow revoked
/// it again (`revoked_again` is `Ok`), or tried to and failed: then the key
/// still works and nobody holds its secret, so it must be revoked by hand.
#[derive(Debug)]
pub struct Undelivered {
    /// The new key (never its secret).
    pub key: ApiKey,
    /// Why the secret could not be delivered.
    pub error: DeliveryError,
    /// Whether revoking the undelivered key again worked; when it did not, the key still works and must be revoked by hand.
    pub revoked_again: std::result::Result<(), Error>,
    /// For a rotation: the old key, which was left working.
    pub kept: Option<ApiKey>,
}

impl std::fmt::Display for Undelivered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the new key {} was created, but its secret could not be delivered ({})",
            self.key.id, self.error
        )?;
        match &self.revoked_again {
            Ok(()) => write!(
                f,
                "; it was revoked again, so no key is left that nobody holds"
            )?,
            Err(e) => write!(
                f,
                "; revoking it again failed too ({e}): it still works and nobody holds its secret, so revoke it"
            )?,
        }
        if let Some(old) = &self.kept {
            write!(
                f,
                "; the old key {} was not revoked and still works",
                old.id
            )?;
        }
        Ok(())
    }
}

/// Creates `new` and delivers its secret to `sink`, which is checked first.
/// Native only, as every function that takes a sink: in the browser the
/// workflows hand secrets to the caller.
/// If delivery fails the key is revoked again and the error is
/// [`Error::Undelivered`]; the secret is then dropped (and zeroed).
#[cfg(not(target_arch = "wasm32"))]
pub async fn create_delivered<S: SecretSink + ?Sized>(
    client: &Client,
    new: &crate::key::NewKey,
    sink: &mut S,
) -> Result<CreatedKey> {
    sink.check().map_err(output_error)?;
    stop_if_interrupted(client)?;
    let created = client.create_key(new).await?;
    deliver_or_revoke(client, created, None, sink)
        .await
        .map_err(undelivered_error)
}

/// [`Error::Interrupted`] once the client's run was interrupted: asked
/// before each step that would make a key, so that none is made after a stop
/// was asked for.
pub(crate) fn stop_if_interrupted(client: &Client) -> Result<()> {
    if client.interrupt().is_requested() {
        Err(Error::Interrupted)
    } else {
        Ok(())
    }
}

/// [`Error::Output`]. In the browser, where the workflows deliver to the
/// caller ([`ToCaller`], never refused) and the variant does not exist to
/// keep the package small, the sentence as a configuration error.
pub(crate) fn output_error(e: DeliveryError) -> Error {
    #[cfg(not(target_arch = "wasm32"))]
    return Error::Output(e);
    #[cfg(target_arch = "wasm32")]
    return Error::Config(e.message);
}

/// [`Error::Undelivered`]. In the browser, where that variant does not
/// exist and [`deliver_or_revoke`] cannot fail, the sentence as a
/// configuration error (the code is compiled away).
pub(crate) fn undelivered_error(u: Undelivered) -> Error {
    #[cfg(not(target_arch = "wasm32"))]
    return Error::Undelivered(Box::new(u));
    #[cfg(target_arch = "wasm32")]
    return Error::Config(u.error.message);
}

/// Delivers `created`'s secret, or revokes the key again when that fails.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) async fn deliver_or_revoke<S: SecretSink + ?Sized>(
    client: &Client,
    created: CreatedKey,
    replaces: Option<&str>,
    sink: &mut S,
) -> std::result::Result<CreatedKey, Undelivered> {
    let item = NewSecret {
        key: &created.key,
        secret: &created.secret,
        replaces,
    };
    match sink.deliver(&item) {
        Ok(()) => Ok(created),
        Err(error) => {
            tracing::warn!(id = %created.key.id, target = %error.target, "the new secret could not be delivered; revoking the key again");
            let revoked_again = match client.revoke_key(&created.key.id).await {
                Ok(()) | Err(Error::NotFound(_)) => Ok(()),
                Err(e) => Err(e),
            };
            Err(Undelivered {
                key: created.key.clone(),
                error,
                revoked_again,
                kept: None,
            })
        }
    }
}

/// In the browser the only sink the workflows get is [`ToCaller`] (every
/// function that takes a sink is native only), which takes every secret: the
/// package carries no delivery-failure code.
#[cfg(target_arch = "wasm32")]
pub(crate) async fn deliver_or_revoke<S: SecretSink + ?Sized>(
    _: &Client,
    created: CreatedKey,
    _: Option<&str>,
    _: &mut S,
) -> std::result::Result<CreatedKey, Undelivered> {
    Ok(created)
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
