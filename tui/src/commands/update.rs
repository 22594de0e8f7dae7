//! `update`: a key's name, permissions or expiration changed in place.

use crate::output::{msgln, outln};
use chrono::{DateTime, Utc};
use narrative_keys::{ApiKey, KeyDiff, KeyUpdate, PermissionSet};
use serde::Serialize;

use super::{parse_expiration, parse_permissions, print_warnings, resolve_id};
use crate::cli::UpdateArgs;
use crate::error::CliError;
use crate::output::{self, KeyJson, escape_controls, print_json};
use crate::session::Session;

pub(super) async fn update(
    s: &Session,
    args: UpdateArgs,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let grants = parse_permissions("--grant", &args.grant, args.allow_unknown)?;
    // Only what the key holds can be dropped, known to the catalog or not.
    let drops = parse_permissions("--drop", &args.drop, true)?;
    let expiration = args
        .expires
        .as_deref()
        .map(|e| parse_expiration(e, now))
        .transpose()?;
    let id = resolve_id(s, &args.id).await?;
    let current = s.client.get_key(&id).await?;
    let permissions = granted_and_dropped(&current.permissions, grants, &drops)?;
    let mut change = KeyUpdate::new();
    if let Some(name) = args.name.as_deref().filter(|n| n.trim() != current.name) {
        change = change.name(name);
    }
    if permissions != current.permissions {
        change = change.permissions(permissions.clone());
    }
    if let Some(e) = expiration.filter(|e| e.instant() != current.expires_at) {
        change = change.expires(e);
    }
    if change.is_empty() {
        return Err(
            CliError::usage("nothing to change: the key already looks like that")
                .hint("give --name, --grant, --drop or --expires with a new value"),
        );
    }
    let report = change.validate(now);
    if report.has_errors() {
        return Err(narrative_keys::Error::from(report).into());
    }
    print_warnings(&report);
    if args.dry_run {
        // What the key would look like: the server keeps what is not sent.
        let planned = ApiKey {
            id: current.id.clone(),
            name: args
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| *n != current.name)
                .map_or_else(|| current.name.clone(), str::to_owned),
            permissions,
            expires_at: expiration.map_or(current.expires_at, |e| e.instant()),
        };
        return print_update(&current, &planned, args.json, true, now);
    }
    let updated = s.client.update_key(&current.id, &change).await?;
    print_update(&current, &updated, args.json, false, now)
}

/// The key's permissions with `grants` added and `drops` removed; dropping
/// one the key does not hold is refused.
fn granted_and_dropped(
    held: &PermissionSet,
    grants: PermissionSet,
    drops: &PermissionSet,
) -> Result<PermissionSet, CliError> {
    if let Some(missing) = drops.iter().find(|p| !held.contains(p)) {
        return Err(CliError::usage(format!(
            "--drop {missing}: the key does not hold it; nothing was changed"
        ))
        .hint(format!("it holds {held}")));
    }
    let mut permissions = held.clone();
    permissions.extend(grants);
    for p in drops {
        permissions.remove(p);
    }
    Ok(permissions)
}

/// What an update changed or, in a dry run, would change.
fn print_update(
    current: &ApiKey,
    updated: &ApiKey,
    json: bool,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let changes = KeyDiff::between(current, updated);
    if json {
        print_json(&UpdateJson {
            changes: &changes,
            dry_run: dry_run.then_some(true),
            key: KeyJson::new(if dry_run { current } else { updated }, now),
        })?;
    } else {
        print_update_text(current, updated, &changes, dry_run, now)?;
    }
    if dry_run {
        msgln!("Dry run: nothing was sent.");
    }
    Ok(0)
}

/// The text form of [`print_update`]: the key, then each change.
fn print_update_text(
    current: &ApiKey,
    updated: &ApiKey,
    changes: &KeyDiff,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let (verb, key) = if dry_run {
        ("Would update", current)
    } else {
        ("Updated", updated)
    };
    outln!("{verb} {} ({})", escape_controls(&key.name), key.id)?;
    if let Some(name) = &changes.name {
        outln!(
            "  name:    {} → {}",
            escape_controls(&name.from),
            escape_controls(&name.to)
        )?;
    }
    for p in &changes.permissions.granted {
        outln!("  + {}", escape_controls(&p.to_string()))?;
    }
    for p in &changes.permissions.dropped {
        outln!("  - {}", escape_controls(&p.to_string()))?;
    }
    if changes.expires_at.is_some() {
        outln!(
            "  expires: {} → {}",
            output::expiry_text(current, now),
            output::expiry_text(updated, now)
        )?;
    }
    Ok(())
}

/// `update --json`: the key (as it is, or before a dry run) and what changed.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct UpdateJson<'a> {
    changes: &'a KeyDiff,
    #[serde(skip_serializing_if = "Option::is_none")]
    dry_run: Option<bool>,
    key: KeyJson<'a>,
}
