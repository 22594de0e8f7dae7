//! `rotate`: a key replaced by a new one with its permissions, and its dry run.

use crate::output::{msgln, outln};
use chrono::{DateTime, Utc};
use narrative_keys::deliver::{KeptCheck, SecretSink};
use narrative_keys::rotate::OldKeyStops;
use narrative_keys::rotate::{OldKeyOutcome, OldKeyPolicy, RotateOptions, Rotation};
use narrative_keys::{ApiKey, NewKey, Span};
use serde::Serialize;

use super::{
    DestinationJson, KeptJson, NewKeyJson, check_kept_secret, expiration_text, maybe_created,
    parse_expiration, prepare_target, print_warnings,
};
use crate::cli::RotateArgs;
use crate::delivery::{SecretJson, Target};
use crate::error::{CliError, EXIT_FINDING};
use crate::output::{self, KeyJson, Sorted, escape_controls, print_json};
use crate::session::Session;

/// `rotate --json`: both keys, the old key's outcome (`error` only when it
/// still works), and the secret or where it went (and where the secret the
/// file held before was kept).
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct RotationJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kept_previous_secret: Option<KeptJson<'a>>,
    new: Sorted<KeyJson<'a>>,
    old: Sorted<KeyJson<'a>>,
    old_key: &'static str,
    old_key_stops: Option<OldKeyStops>,
    #[serde(flatten)]
    secret: Option<SecretJson<'a>>,
}

/// `rotate --dry-run --json`: the old key, its successor, what would become
/// of the old key, and where the secret would go.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct RotateDryRunJson<'a> {
    dry_run: bool,
    new: NewKeyJson<'a>,
    old: Sorted<KeyJson<'a>>,
    old_key: &'static str,
    #[serde(flatten)]
    destination: DestinationJson<'a>,
}

pub(super) fn parse_overlap(text: &str) -> Result<Span, CliError> {
    Span::parse(text).map_err(|reason| {
        CliError::usage(format!(
            "--overlap `{}` is not a span: {}",
            escape_controls(text),
            super::span_reason(reason)
        ))
        .hint("use e.g. 24h, 7d or 2w: how long the old key keeps working beside the new one")
    })
}

/// `rotate`: input checked before any request (the reference's list
/// included), then a dry run or the rotation.
pub(super) async fn rotate(
    s: &Session,
    args: &RotateArgs,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let options = rotate_options(
        args.expires.as_deref(),
        args.keep_old,
        args.overlap.as_deref(),
        now,
    )?;
    let id = super::resolve_id(s, &args.id).await?;
    let mut target = super::secret_target(&args.delivery, args.json);
    if args.dry_run {
        return rotate_dry_run(s, &id, &options, &mut target, args.json, now).await;
    }
    run_rotation(s, &id, &options, &mut target, args.json, now).await
}

/// `rotate`'s options from its flags: `--expires`, `--keep-old`, `--overlap`.
fn rotate_options(
    expires: Option<&str>,
    keep_old: bool,
    overlap: Option<&str>,
    now: DateTime<Utc>,
) -> Result<RotateOptions, CliError> {
    let old_key = match (keep_old, overlap) {
        (true, _) => OldKeyPolicy::Keep,
        (false, Some(text)) => OldKeyPolicy::ExpireAfter(parse_overlap(text)?),
        (false, None) => OldKeyPolicy::Revoke,
    };
    Ok(RotateOptions {
        expiration: expires.map(|e| parse_expiration(e, now)).transpose()?,
        name: None,
        old_key,
    })
}

/// Reads the key (the one request), then says what a rotation would do.
async fn rotate_dry_run(
    s: &Session,
    id: &str,
    options: &RotateOptions,
    target: &mut Target,
    json: bool,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    target.check().map_err(narrative_keys::Error::Output)?;
    let old = s.client.get_key(id).await?;
    let successor = narrative_keys::rotate::successor(
        &old.permissions,
        &options.successor_name(&old),
        options.expiration,
        now,
    )?;
    print_warnings(successor.warnings());
    let old_key = match options.old_key {
        OldKeyPolicy::Revoke => "revoke",
        OldKeyPolicy::Keep => "keep",
        OldKeyPolicy::ExpireAfter(_) => "expires",
    };
    if json {
        print_json(&RotateDryRunJson {
            dry_run: true,
            new: NewKeyJson::new(&successor),
            old: Sorted(KeyJson::new(&old, now)),
            old_key,
            destination: DestinationJson(target),
        })?;
    } else {
        print_dry_run_text(&old, &successor, options.old_key, target, now)?;
    }
    msgln!("Dry run: nothing was sent.");
    Ok(0)
}

async fn run_rotation(
    s: &Session,
    id: &str,
    options: &RotateOptions,
    target: &mut Target,
    json: bool,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    // While the old key still works: a file holding its secret is asked about now.
    prepare_target(s, target).await?;
    let rotation = narrative_keys::rotate::rotate_delivering(&s.client, id, options, target, now)
        .await
        .map_err(|e| maybe_created(e, "with the old key's name"))?;
    msgln!(
        "Created {} ({}) to replace {}.",
        escape_controls(&rotation.new.key.name),
        rotation.new.key.id,
        rotation.old.id
    );
    if let Some(note) = target.delivered_note(1) {
        msgln!("{note}");
    }
    say_old_key(&rotation, now);
    // After the old key was retired: a secret the file held is checked now.
    let kept = check_kept_secret(s, target).await;
    if json {
        print_rotation_json(&rotation, target, kept.as_ref(), now)?;
    }
    Ok(if rotation.is_complete() {
        0
    } else {
        EXIT_FINDING
    })
}

/// Says on stderr what became of the old key, and what to do when it still works.
fn say_old_key(rotation: &Rotation, now: DateTime<Utc>) {
    let old_id = &rotation.old.id;
    let until = || match rotation.old.expires_at {
        Some(at) => format!("until {}", output::when_text(at, now)),
        None => "with no expiration".to_owned(),
    };
    match &rotation.old_key {
        OldKeyOutcome::Revoked => msgln!("The old key {old_id} was revoked."),
        OldKeyOutcome::Kept => msgln!(
            "The old key {old_id} still works; revoke it once nothing uses it: narrative-keys revoke {old_id}"
        ),
        OldKeyOutcome::Expires {
            at,
            changed: true,
            name,
        } => msgln!(
            "The old key {old_id} keeps working until {}, then expires; it is now named \"{}\". Revoke it sooner once nothing uses it: narrative-keys revoke {old_id}",
            output::when_text(*at, now),
            escape_controls(name)
        ),
        OldKeyOutcome::Expires {
            at, changed: false, ..
        } if *at <= Utc::now() => msgln!(
            "The old key {old_id} had already expired, at {}; it was left as it was.",
            output::when_text(*at, now)
        ),
        OldKeyOutcome::Expires {
            at,
            changed: false,
            name,
        } => msgln!(
            "The old key {old_id} already expires sooner than the overlap, at {}; its expiration was left as it was, and it is now named \"{}\".",
            output::when_text(*at, now),
            escape_controls(name)
        ),
        OldKeyOutcome::Interrupted => msgln!(
            "Interrupted after the new key's secret was delivered, so the old key was left working: both keys work now, the new {} ({}) and the old {} ({old_id}). Revoke the old one once nothing uses it: narrative-keys revoke {old_id}",
            escape_controls(&rotation.new.key.name),
            rotation.new.key.id,
            escape_controls(&rotation.old.name),
        ),
        OldKeyOutcome::RevokeFailed(e) => msgln!(
            "The old key {old_id} could NOT be revoked and still works: {e}\nThe new key is ready. Revoke the old one with: narrative-keys revoke {old_id}"
        ),
        OldKeyOutcome::ExpireFailed {
            error,
            wanted,
            name,
        } => msgln!(
            "The old key {old_id}'s expiration and name could NOT be set, so it still works {}, under its old name: {error}\nThe new key is ready. Set the old key's expiration and retiring name again with: narrative-keys update {old_id} --expires {} --name {}\n(or revoke it at once: narrative-keys revoke {old_id})",
            until(),
            wanted.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            shell_word(name)
        ),
    }
}

/// `text` quoted for a shell, control characters shown escaped (a name
/// holding a NUL, which no shell word can, is shown escaped in quotes).
fn shell_word(text: &str) -> String {
    let text = escape_controls(text);
    shlex::try_quote(&text).map_or_else(|_| format!("'{text}'"), |q| q.into_owned())
}

/// Prints [`RotationJson`].
fn print_rotation_json(
    rotation: &Rotation,
    target: &Target,
    kept: Option<&KeptCheck>,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    target.print_document(&RotationJson {
        error: rotation.old_key.error().map(ToString::to_string),
        kept_previous_secret: KeptJson::new(kept),
        new: Sorted(KeyJson::new(&rotation.new.key, now)),
        old: Sorted(KeyJson::new(&rotation.old, now)),
        old_key: rotation.old_key.code(),
        old_key_stops: rotation.old_key_stops(),
        secret: target.json_note(true),
    })
}

/// The steps a rotation would take, as text.
fn print_dry_run_text(
    old: &ApiKey,
    successor: &NewKey,
    policy: OldKeyPolicy,
    target: &Target,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    outln!(
        "Would rotate \"{}\" ({}):",
        escape_controls(&old.name),
        old.id
    )?;
    outln!(
        "  1. create \"{}\" with {}, expiring {}",
        escape_controls(successor.name()),
        escape_controls(&successor.permissions().to_string()),
        expiration_text(&successor.expiration(), now)
    )?;
    outln!("  2. deliver its secret: {}", target.describe())?;
    match policy {
        OldKeyPolicy::Revoke => outln!("  3. revoke the old key {}", old.id)?,
        OldKeyPolicy::Keep => outln!("  3. keep the old key {} working (--keep-old)", old.id)?,
        // As the rotation will decide: an overlap never extends a key.
        OldKeyPolicy::ExpireAfter(overlap) => match (old.expires_at, overlap.after(now)) {
            (Some(at), _) if at <= now => outln!(
                "  3. leave the old key {} as it is: it already expired, {}",
                old.id,
                output::when_text(at, now)
            )?,
            (Some(at), Some(end)) if at <= end => outln!(
                "  3. leave the old key {}'s expiration as it is, {}: it comes before the {overlap} overlap ends; rename it \"{}\"",
                old.id,
                output::when_text(at, now),
                escape_controls(&narrative_keys::retiring::retiring_name(&old.name, at))
            )?,
            (_, Some(end)) => outln!(
                "  3. let the old key {} work until {}, then expire, renamed \"{}\"",
                old.id,
                output::when_text(end, now),
                escape_controls(&narrative_keys::retiring::retiring_name(&old.name, end))
            )?,
            (_, None) => outln!(
                "  3. let the old key {} work for {overlap} more, then expire",
                old.id
            )?,
        },
    }
    Ok(())
}
