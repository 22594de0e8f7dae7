//! Rotation: replace a key with a new one holding the same permissions, and
//! cloning a key's permissions into a new key.
//!
//! The successor always exists, and its secret has been delivered, before
//! the old key is revoked. If delivery fails, the successor is revoked again
//! and the old key is left working (see [`crate::deliver`]).

use chrono::{DateTime, Utc};

use crate::client::Client;
use crate::deliver::{SecretSink, ToCaller, deliver_or_revoke, undelivered_error};
use crate::error::{Error, Result};
use crate::expiration::Expiration;
use crate::key::{ApiKey, CreatedKey, NewKey};
use crate::permission::PermissionSet;

/// Days a successor lives when no expiration is given. The API does not say
/// when a key was created, so the old key's lifetime cannot be copied.
pub const DEFAULT_ROTATION_DAYS: i64 = crate::expiration::DEFAULT_EXPIRATION_DAYS;

#[derive(Debug, Clone, Default)]
pub struct RotateOptions {
    /// The successor's expiration; default 90 days from now.
    pub expiration: Option<Expiration>,
    /// The successor's name; default the old key's name.
    pub name: Option<String>,
    /// Leave the old key working; the caller revokes it later.
    pub keep_old: bool,
}

/// What became of the old key after its successor was created.
#[derive(Debug)]
pub enum OldKey {
    Revoked,
    /// Kept on purpose (`keep_old`).
    Kept,
    /// The revocation failed: the old key still works. Revoke it again.
    RevokeFailed(Error),
}

/// The outcome of a rotation that created a successor.
#[derive(Debug)]
pub struct Rotation {
    pub old: ApiKey,
    /// The successor and its secret, shown only now.
    pub new: CreatedKey,
    pub old_key: OldKey,
}

impl Rotation {
    /// True when the old key no longer works or was kept on purpose.
    pub fn is_complete(&self) -> bool {
        !matches!(self.old_key, OldKey::RevokeFailed(_))
    }
}

/// Rotates the key `id`, handing the new secret to the caller in the result.
///
/// An `Err` means nothing changed on the server that the caller cannot see:
/// reading the old key, validating its successor, or creating it failed, and
/// the old key is untouched. Once the successor exists the result is `Ok`,
/// carrying its secret, and [`Rotation::old_key`] says whether the old key
/// was revoked.
pub async fn rotate(client: &Client, id: &str, options: &RotateOptions) -> Result<Rotation> {
    rotate_at(client, id, options, Utc::now()).await
}

pub async fn rotate_at(
    client: &Client,
    id: &str,
    options: &RotateOptions,
    now: DateTime<Utc>,
) -> Result<Rotation> {
    rotate_with(client, id, options, &mut ToCaller, now).await
}

/// Rotates the key `id`, delivering the new secret to `sink` before the old
/// key is revoked.
///
/// `sink` is checked before anything is sent ([`Error::Output`]). If the
/// delivery fails once the successor exists, the successor is revoked again,
/// the old key keeps working, and the error is [`Error::Undelivered`]
/// (naming both keys). Otherwise as [`rotate`].
#[cfg(not(target_arch = "wasm32"))]
pub async fn rotate_delivering<S: SecretSink + ?Sized>(
    client: &Client,
    id: &str,
    options: &RotateOptions,
    sink: &mut S,
    now: DateTime<Utc>,
) -> Result<Rotation> {
    sink.check().map_err(crate::deliver::output_error)?;
    rotate_with(client, id, options, sink, now).await
}

/// The rotation itself, `sink` already checked.
async fn rotate_with<S: SecretSink + ?Sized>(
    client: &Client,
    id: &str,
    options: &RotateOptions,
    sink: &mut S,
    now: DateTime<Utc>,
) -> Result<Rotation> {
    let old = client.get_key(id).await?;
    let name = options.name.clone().unwrap_or_else(|| old.name.clone());
    let new = create_like(client, &old.permissions, &name, options.expiration, now).await?;
    let new = match deliver_or_revoke(client, new, Some(&old.id), sink).await {
        Ok(new) => new,
        Err(mut undelivered) => {
            undelivered.kept = Some(old);
            return Err(undelivered_error(undelivered));
        }
    };
    let old_key = if options.keep_old {
        OldKey::Kept
    } else {
        match client.revoke_key(&old.id).await {
            Ok(()) | Err(Error::NotFound(_)) => OldKey::Revoked,
            Err(e) => {
                tracing::warn!(old = %old.id, new = %new.key.id, error = %e, "rotation: the old key could not be revoked");
                OldKey::RevokeFailed(e)
            }
        }
    };
    Ok(Rotation { old, new, old_key })
}

/// Creates a new key named `name` with the permissions of key `id`.
pub async fn clone_key(
    client: &Client,
    id: &str,
    name: &str,
    expiration: Option<Expiration>,
) -> Result<CreatedKey> {
    let source = client.get_key(id).await?;
    create_like(client, &source.permissions, name, expiration, Utc::now()).await
}

/// Creates a new key named `name` with the permissions of key `id` and
/// delivers its secret to `sink` (checked first); a key whose secret could
/// not be delivered is revoked again ([`Error::Undelivered`]).
#[cfg(not(target_arch = "wasm32"))]
pub async fn clone_key_delivering<S: SecretSink + ?Sized>(
    client: &Client,
    id: &str,
    name: &str,
    expiration: Option<Expiration>,
    sink: &mut S,
) -> Result<CreatedKey> {
    sink.check().map_err(crate::deliver::output_error)?;
    let source = client.get_key(id).await?;
    let created = create_like(client, &source.permissions, name, expiration, Utc::now()).await?;
    deliver_or_revoke(client, created, None, sink)
        .await
        .map_err(undelivered_error)
}

/// A new key with these permissions, carried over exactly, unknown resources
/// and levels included.
pub(crate) async fn create_like(
    client: &Client,
    permissions: &PermissionSet,
    name: &str,
    expiration: Option<Expiration>,
    now: DateTime<Utc>,
) -> Result<CreatedKey> {
    let expiration = expiration.unwrap_or_else(|| Expiration::in_days(DEFAULT_ROTATION_DAYS, now));
    let new = NewKey::builder(name)
        .permissions(permissions.iter().cloned())
        // The server's own permissions: those the catalog does not know are
        // carried over, not refused as typos.
        .allow_unknown(true)
        .expires(expiration)
        .build_at(now)
        .map_err(Error::InvalidInput)?;
    client.create_key(&new).await
}
