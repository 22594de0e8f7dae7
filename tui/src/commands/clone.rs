//! `clone`: a new key with an existing key's permissions.

use crate::output::msgln;
use chrono::{DateTime, Utc};
use narrative_keys::Expiration;
use narrative_keys::deliver::SecretSink;
use serde::Serialize;

use super::create::create_dry_run;
use super::{
    KeptJson, check_kept_secret, maybe_created, parse_expiration, prepare_target, resolve_id,
    secret_target,
};
use crate::cli::CloneArgs;
use crate::delivery::{SecretJson, Target};
use crate::error::CliError;
use crate::output::{KeyJson, Sorted, escape_controls};
use crate::session::Session;

/// `clone --json`: the new key, its secret or where it went (and where the
/// secret the file held before was kept), and the key it copies.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct CloneJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    kept_previous_secret: Option<KeptJson<'a>>,
    key: Sorted<KeyJson<'a>>,
    #[serde(flatten)]
    secret: Option<SecretJson<'a>>,
    source: Sorted<KeyJson<'a>>,
}

/// `clone ID --name N`: a new key with ID's permissions, its secret
/// delivered exactly as `create` delivers one.
pub(super) async fn clone(
    s: &Session,
    args: CloneArgs,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let expiration = match args.expires.as_deref() {
        Some(text) => parse_expiration(text, now)?,
        None => Expiration::default_at(now),
    };
    let id = resolve_id(s, &args.id).await?;
    let mut target = secret_target(&args.delivery, args.json);
    if args.dry_run {
        return clone_dry_run(s, &id, &args, expiration, &mut target, now).await;
    }
    prepare_target(s, &mut target).await?;
    let cloned = narrative_keys::rotate::clone_key_delivering(
        &s.client,
        &id,
        &args.name,
        Some(expiration),
        &mut target,
        now,
    )
    .await
    .map_err(|e| {
        maybe_created(
            e,
            &format!("named \"{}\"", escape_controls(args.name.trim())),
        )
    })?;
    let created = &cloned.new;
    msgln!(
        "Created {} ({}) with the permissions of {} ({}): {}.",
        escape_controls(&created.key.name),
        created.key.id,
        escape_controls(&cloned.source.name),
        cloned.source.id,
        escape_controls(&created.key.permissions.to_string())
    );
    if let Some(note) = target.delivered_note(1) {
        msgln!("{note}");
    }
    let kept = check_kept_secret(s, &mut target).await;
    if args.json {
        target.print_document(&CloneJson {
            kept_previous_secret: KeptJson::new(kept.as_ref()),
            key: Sorted(KeyJson::new(&created.key, now)),
            secret: target.json_note(true),
            source: Sorted(KeyJson::new(&cloned.source, now)),
        })?;
    }
    Ok(0)
}

/// Reads the key (the one request), then says what a clone would create,
/// as `create --dry-run` says it.
async fn clone_dry_run(
    s: &Session,
    id: &str,
    args: &CloneArgs,
    expiration: Expiration,
    target: &mut Target,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    // The same check the real run makes before its first request.
    target.check().map_err(narrative_keys::Error::Output)?;
    let source = s.client.get_key(id).await?;
    let new =
        narrative_keys::rotate::successor(&source.permissions, &args.name, Some(expiration), now)?;
    create_dry_run(&new, Some(&source), target, args.json, now)
}
