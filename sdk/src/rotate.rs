//! Rotation: replace a key with a new one holding the same permissions, and
//! cloning a key's permissions into a new key.
//!
//! The successor always exists, and its secret has been delivered, before
//! anything happens to the old key: it is then revoked (the default), kept,
//! or left to expire after an overlap ([`OldKeyPolicy`]), renamed so that
//! its name is left to the successor ([`crate::retiring`]). If delivery fails,
//! the successor is revoked again and the old key is left working (see
//! [`crate::create`]). Once the run is interrupted ([`Client::interrupt`]),
//! no successor is created ([`Error::Interrupted`]), and the old key is never
//! revoked or expired, even after a delivery ([`OldKeyOutcome::Interrupted`]).

use chrono::{DateTime, Utc};

use crate::client::Client;
use crate::create::{deliver_or_revoke, stop_if_interrupted};
use crate::deliver::{SecretSink, ToCaller};
use crate::error::{Error, Result};
use crate::expiration::{Expiration, Span};
use crate::key::{ApiKey, CreatedKey, KeyUpdate, NewKey};
use crate::permission::PermissionSet;

/// Days a successor lives when no expiration is given. The API does not say
/// when a key was created, so the old key's lifetime cannot be copied.
pub const DEFAULT_ROTATION_DAYS: i64 = crate::expiration::DEFAULT_EXPIRATION_DAYS;

/// How a rotation goes.
#[derive(Debug, Clone, Default)]
pub struct RotateOptions {
    /// The successor's expiration; default 90 days from now.
    pub expiration: Option<Expiration>,
    /// The successor's name; default the old key's name (without a
    /// retiring mark, when the old key is itself retiring).
    pub name: Option<String>,
    /// What happens to the old key once the successor's secret is delivered;
    /// default: it is revoked.
    pub old_key: OldKeyPolicy,
}

impl RotateOptions {
    /// The name the successor of `old` takes: the one given, or the old
    /// key's own without a retiring mark.
    pub fn successor_name(&self, old: &ApiKey) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => crate::retiring::base_name(&old.name).to_owned(),
        }
    }
}

/// What happens to the old key once its successor exists and the
/// successor's secret was delivered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OldKeyPolicy {
    /// Revoke it at once.
    #[default]
    Revoke,
    /// Leave it working; the caller revokes it later.
    Keep,
    /// Zero-downtime rotation: both keys work for this overlap, counted from
    /// the successor's delivery, then the old one expires. Its expiration is
    /// set to the end of the overlap, and never moved later: an old key that
    /// expires sooner keeps its own expiration. In the same update it is
    /// renamed `NAME (retiring 2026-12-08 10:00 UTC)`
    /// ([`retiring_name`](crate::retiring::retiring_name)), leaving its name
    /// to the successor.
    ExpireAfter(Span),
}

/// What became of the old key after its successor was created.
#[derive(Debug)]
pub enum OldKeyOutcome {
    /// The old key was revoked.
    Revoked,
    /// Kept on purpose ([`OldKeyPolicy::Keep`]).
    Kept,
    /// It works until `at`, then expires ([`OldKeyPolicy::ExpireAfter`]).
    /// `changed` is false when its own expiration came sooner and was left
    /// as it was.
    Expires {
        /// When the old key stops working.
        at: DateTime<Utc>,
        /// Whether its expiration was moved (false when its own came sooner).
        changed: bool,
        /// The old key's name now: marked as retiring, or as it was when
        /// it had already expired (nothing was sent then).
        name: String,
    },
    /// The revocation failed: the old key still works. Revoke it again.
    RevokeFailed(Error),
    /// The run was interrupted ([`Client::interrupt`]) once the successor's
    /// secret was delivered, so the old key was left as it was: both keys
    /// work. Revoke the old one once nothing uses it.
    Interrupted,
    /// Setting its expiration to `wanted` and its name to `name` (one
    /// update) failed: the old key still works, until its own expiration if
    /// it has one, under its old name. Set both again (or revoke it).
    ExpireFailed {
        /// Why the update failed.
        error: Error,
        /// The expiration that was asked for.
        wanted: DateTime<Utc>,
        /// The retiring name that was asked for.
        name: String,
    },
}

impl OldKeyOutcome {
    /// The outcome's name in JSON output: `revoked`, `kept`, `expires`,
    /// `interrupted`, `revoke_failed` or `expire_failed`.
    pub fn code(&self) -> &'static str {
        match self {
            OldKeyOutcome::Revoked => "revoked",
            OldKeyOutcome::Kept => "kept",
            OldKeyOutcome::Expires { .. } => "expires",
            OldKeyOutcome::Interrupted => "interrupted",
            OldKeyOutcome::RevokeFailed(_) => "revoke_failed",
            OldKeyOutcome::ExpireFailed { .. } => "expire_failed",
        }
    }

    /// Why the old key still works: the revocation's or the update's error.
    pub fn error(&self) -> Option<&Error> {
        match self {
            OldKeyOutcome::RevokeFailed(error) | OldKeyOutcome::ExpireFailed { error, .. } => {
                Some(error)
            }
            _ => None,
        }
    }

    /// True when the old key no longer works, expires as asked, or was kept
    /// on purpose.
    pub fn is_complete(&self) -> bool {
        !matches!(
            self,
            OldKeyOutcome::RevokeFailed(_)
                | OldKeyOutcome::ExpireFailed { .. }
                | OldKeyOutcome::Interrupted
        )
    }

    /// When the old key stops working: now, at an instant, or `None` when
    /// nothing set an end (it was kept, or revoking or expiring it failed),
    /// so it works until its own expiration, if any.
    pub fn stops(&self) -> Option<OldKeyStops> {
        match self {
            OldKeyOutcome::Revoked => Some(OldKeyStops::Now),
            OldKeyOutcome::Expires { at, .. } => Some(OldKeyStops::At(*at)),
            OldKeyOutcome::Kept
            | OldKeyOutcome::Interrupted
            | OldKeyOutcome::RevokeFailed(_)
            | OldKeyOutcome::ExpireFailed { .. } => None,
        }
    }
}

/// When the old key stops working, as the rotation decided. Serialised as
/// `"now"` or the instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OldKeyStops {
    /// It was revoked.
    Now,
    /// It expires then.
    At(DateTime<Utc>),
}

impl serde::Serialize for OldKeyStops {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            OldKeyStops::Now => s.serialize_str("now"),
            OldKeyStops::At(at) => at.serialize(s),
        }
    }
}

/// The outcome of a rotation that created a successor.
#[derive(Debug)]
pub struct Rotation {
    /// The old key as it was read.
    pub old: ApiKey,
    /// The successor and its secret, shown only now.
    pub new: CreatedKey,
    /// What became of the old key.
    pub old_key: OldKeyOutcome,
}

impl Rotation {
    /// True when the old key no longer works, expires as asked, or was kept
    /// on purpose.
    pub fn is_complete(&self) -> bool {
        self.old_key.is_complete()
    }

    /// When the old key stops working: [`OldKeyOutcome::stops`].
    pub fn old_key_stops(&self) -> Option<OldKeyStops> {
        self.old_key.stops()
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

/// As [`rotate`], with the clock given (tests, and callers that plan with one `now`).
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
    sink.check()?;
    rotate_with(client, id, options, sink, now).await
}

/// The rotation itself, `sink` already checked: its two steps in a row.
async fn rotate_with<S: SecretSink + ?Sized>(
    client: &Client,
    id: &str,
    options: &RotateOptions,
    sink: &mut S,
    now: DateTime<Utc>,
) -> Result<Rotation> {
    let Successor { old, new } = successor_with(client, id, options, sink, now).await?;
    let old_key = retire_old_key(client, &old, &new.key.id, options.old_key).await;
    Ok(Rotation { old, new, old_key })
}

/// A rotation's first step done: the successor exists, its secret is in
/// the caller's hands, and the old key is untouched.
#[derive(Debug)]
pub struct Successor {
    /// The old key as it was read.
    pub old: ApiKey,
    /// The successor and its secret, shown only now.
    pub new: CreatedKey,
}

/// The first step of a rotation, for a caller that stores the secret
/// itself (the terminal UI's once-only dialog) and retires the old key
/// only then, with [`retire_old_key`]: reads the key `id` and creates its
/// successor, handing its secret to the caller. The old key is untouched.
///
/// An `Err` means nothing changed on the server that the caller cannot
/// see, as for [`rotate`]. The overlap of `options.old_key` is checked
/// here, before anything is sent.
pub async fn create_successor(
    client: &Client,
    id: &str,
    options: &RotateOptions,
    now: DateTime<Utc>,
) -> Result<Successor> {
    successor_with(client, id, options, &mut ToCaller, now).await
}

/// Creates the successor of key `id` and delivers its secret to `sink`
/// (already checked); one whose delivery fails is revoked again.
async fn successor_with<S: SecretSink + ?Sized>(
    client: &Client,
    id: &str,
    options: &RotateOptions,
    sink: &mut S,
    now: DateTime<Utc>,
) -> Result<Successor> {
    check_overlap(options.old_key, now)?;
    let old = client.get_key(id).await?;
    let name = options.successor_name(&old);
    stop_if_interrupted(client)?;
    let new = create_like(client, &old.permissions, &name, options.expiration, now).await?;
    match deliver_or_revoke(client, new, Some(&old.id), sink).await {
        Ok(new) => Ok(Successor { old, new }),
        Err(mut undelivered) => {
            undelivered.kept = Some(old);
            Err(undelivered.into())
        }
    }
}

/// The second step of a rotation, once the successor `new_id`'s secret is
/// stored: does to the old key what `policy` says (an overlap counted from
/// now). Never fails: a failure is the outcome, and the old key still works.
pub async fn retire_old_key(
    client: &Client,
    old: &ApiKey,
    new_id: &str,
    policy: OldKeyPolicy,
) -> OldKeyOutcome {
    match policy {
        // Once interrupted nothing more changes: the old key stays working
        // beside its delivered successor, and the caller says so.
        _ if client.interrupt().is_requested() => OldKeyOutcome::Interrupted,
        OldKeyPolicy::Keep => OldKeyOutcome::Kept,
        OldKeyPolicy::Revoke => match client.revoke_key(&old.id).await {
            Ok(()) | Err(Error::NotFound(_)) => OldKeyOutcome::Revoked,
            Err(e) => {
                tracing::warn!(old = %old.id, new = %new_id, error = %e, "rotation: the old key could not be revoked");
                OldKeyOutcome::RevokeFailed(e)
            }
        },
        // Counted from now, when the successor's secret has been delivered.
        OldKeyPolicy::ExpireAfter(overlap) => expire_after(client, old, overlap, Utc::now()).await,
    }
}

/// An overlap must end after `now`, within the calendar: checked before
/// anything is sent ([`create_successor`] checks it; a caller that learns
/// the policy only at [`retire_old_key`] checks it first with this).
pub fn check_overlap(policy: OldKeyPolicy, now: DateTime<Utc>) -> Result<()> {
    let OldKeyPolicy::ExpireAfter(overlap) = policy else {
        return Ok(());
    };
    if overlap.after(now).is_some_and(|end| end > now) {
        return Ok(());
    }
    let mut report = crate::validation::ValidationReport::default();
    report.push(
        crate::validation::Field::Expiration,
        crate::validation::Severity::Error,
        format!("an overlap of {overlap} does not end in the future; give a positive span such as 24h or 7d"),
    );
    Err(Error::InvalidInput(report))
}

/// Sets the old key's expiration to `now + overlap`, unless it expires
/// sooner (an overlap never extends a key's life), and renames it as
/// retiring then, in one update: the name and the expiration change
/// together or not at all. An old key that has already expired is left as
/// it is.
async fn expire_after(
    client: &Client,
    old: &ApiKey,
    overlap: Span,
    now: DateTime<Utc>,
) -> OldKeyOutcome {
    expire_until(client, old, overlap.after(now), now).await
}

/// As [`expire_after`], the overlap's end given (`None`: past the
/// calendar's end): keys as code counts overlaps in seconds too.
pub(crate) async fn expire_until(
    client: &Client,
    old: &ApiKey,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> OldKeyOutcome {
    let stops = match (end, old.expires_at) {
        (_, Some(own)) if own <= now => {
            return OldKeyOutcome::Expires {
                at: own,
                changed: false,
                name: old.name.clone(),
            };
        }
        (_, Some(own)) if end.is_none_or(|end| own <= end) => own,
        (Some(end), _) => end,
        // Past the calendar's end, and the key never expires: it is kept.
        (None, _) => return OldKeyOutcome::Kept,
    };
    let name = crate::retiring::retiring_name(&old.name, stops);
    let update = KeyUpdate::new()
        .name(name.clone())
        .expires(Expiration::At(stops));
    match client.update_key(&old.id, &update).await {
        Ok(updated) => OldKeyOutcome::Expires {
            // As the server recorded it.
            at: updated.expires_at.unwrap_or(stops),
            changed: old.expires_at != Some(stops),
            name: updated.name,
        },
        // Gone already: it has stopped working, as revoked.
        Err(Error::NotFound(_)) => OldKeyOutcome::Revoked,
        Err(error) => {
            tracing::warn!(old = %old.id, error = %error, "rotation: the old key's expiration and name could not be set");
            OldKeyOutcome::ExpireFailed {
                error,
                wanted: stops,
                name,
            }
        }
    }
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

/// A key cloned from another: the source as read, and the new key with its
/// secret, shown only now.
#[derive(Debug)]
pub struct Cloned {
    /// The key cloned, as it was read.
    pub source: ApiKey,
    /// The new key and its secret.
    pub new: CreatedKey,
}

/// Creates a new key named `name` with the permissions of key `id` and
/// delivers its secret to `sink`; a key whose secret could not be delivered
/// is revoked again ([`Error::Undelivered`]).
///
/// `sink`, the name and the expiration are checked before anything is sent
/// ([`Error::Output`], [`Error::InvalidInput`]).
#[cfg(not(target_arch = "wasm32"))]
pub async fn clone_key_delivering<S: SecretSink + ?Sized>(
    client: &Client,
    id: &str,
    name: &str,
    expiration: Option<Expiration>,
    sink: &mut S,
    now: DateTime<Utc>,
) -> Result<Cloned> {
    sink.check()?;
    let mut report = crate::validation::ValidationReport::default();
    crate::validation::check_name(&mut report, name);
    if let Some(expiration) = &expiration {
        crate::validation::check_expiration(&mut report, expiration, now);
    }
    if report.has_errors() {
        return Err(Error::InvalidInput(report));
    }
    let source = client.get_key(id).await?;
    stop_if_interrupted(client)?;
    let created = create_like(client, &source.permissions, name, expiration, now).await?;
    let new = deliver_or_revoke(client, created, None, sink).await?;
    Ok(Cloned { source, new })
}

/// The key a rotation, a clone or an incident replacement creates: these
/// permissions carried over exactly, unknown resources and levels included,
/// with `expiration` or the default lifetime. Their dry runs show this key.
pub fn successor(
    permissions: &PermissionSet,
    name: &str,
    expiration: Option<Expiration>,
    now: DateTime<Utc>,
) -> Result<NewKey> {
    let expiration = expiration.unwrap_or_else(|| Expiration::in_days(DEFAULT_ROTATION_DAYS, now));
    NewKey::builder(name)
        .permissions(permissions.iter().cloned())
        // The server's own permissions: those the catalog does not know are
        // carried over, not refused as typos.
        .allow_unknown(true)
        .expires(expiration)
        .build_at(now)
        .map_err(Error::InvalidInput)
}

/// Creates the [`successor`] of a key with these permissions.
pub(crate) async fn create_like(
    client: &Client,
    permissions: &PermissionSet,
    name: &str,
    expiration: Option<Expiration>,
    now: DateTime<Utc>,
) -> Result<CreatedKey> {
    let new = successor(permissions, name, expiration, now)?;
    client.create_key(&new).await
}
