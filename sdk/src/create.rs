//! Creating a key and delivering its secret, or revoking the key again: the
//! step every workflow that makes a key takes (create, rotate, clone,
//! incident replacements).
//!
//! A secret is delivered right after its key is created, before anything
//! else changes; a key whose secret could not be delivered is revoked again
//! ([`Error::Undelivered`]), so no key is left that nobody holds the secret
//! of. The sinks themselves are in [`crate::deliver`].

use crate::client::Client;
use crate::deliver::{NewSecret, SecretSink, Undelivered};
use crate::error::{Error, Result};
use crate::key::CreatedKey;

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
    sink.check()?;
    stop_if_interrupted(client)?;
    let created = client.create_key(new).await?;
    Ok(deliver_or_revoke(client, created, None, sink).await?)
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

/// Delivers `created`'s secret, or revokes the key again when that fails.
/// In the browser the only sink is [`crate::deliver::ToCaller`], which
/// takes every secret, so the revocation is never reached there.
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
