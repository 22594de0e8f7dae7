//! `create`: a new key from presets and grants, and its dry run.

use crate::output::{msgln, outln};
use chrono::{DateTime, Utc};
use narrative_keys::deliver::SecretSink;
use narrative_keys::{ApiKey, Expiration, NewKey, PermissionSet, Preset, Resource};
use serde::Serialize;

use super::{
    DestinationJson, KeptJson, NewKeyJson, UNKNOWN_HINT, check_kept_secret, expiration_text,
    maybe_created, parse_expiration, parse_permission, prepare_target, print_warnings,
    secret_target,
};
use crate::cli::CreateArgs;
use crate::delivery::{SecretJson, Target};
use crate::error::CliError;
use crate::output::{KeyJson, Sorted, escape_controls, print_json};

/// `create --json`: the key, and its secret or where it went (and where
/// the secret the file held before was kept).
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct CreatedJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    kept_previous_secret: Option<KeptJson<'a>>,
    key: Sorted<KeyJson<'a>>,
    #[serde(flatten)]
    secret: Option<SecretJson<'a>>,
}

/// `create --dry-run --json`: the key that would be made, and where its
/// secret would go.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct CreateDryRunJson<'a> {
    create: NewKeyJson<'a>,
    dry_run: bool,
    #[serde(flatten)]
    destination: DestinationJson<'a>,
    /// `clone --dry-run`: the key whose permissions are copied.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Sorted<KeyJson<'a>>>,
}
use crate::session::Session;

/// Permissions from `--preset` and `--grant`; with `sdk-development`, a
/// `--grant` may name a bare resource, and every grant's resource counts.
fn requested_permissions(args: &CreateArgs) -> Result<PermissionSet, CliError> {
    let presets = args
        .preset
        .iter()
        .map(|p| p.parse::<Preset>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CliError::usage(format!("--preset: {e}")))?;
    let sdk = presets.contains(&Preset::SdkDevelopment);
    let mut set = PermissionSet::new();
    let mut sdk_resources = Vec::new();
    for grant in &args.grant {
        if sdk && !grant.contains(':') {
            let resource = Resource::from_input(grant);
            if !args.allow_unknown && !resource.is_known() {
                let meant = resource
                    .suggestion()
                    .map(|r| format!("; did you mean {r}?"))
                    .unwrap_or_default();
                let typed = escape_controls(grant.trim());
                return Err(CliError::usage(format!(
                    "--grant {typed}: unknown resource `{typed}`{meant}"
                ))
                .hint(UNKNOWN_HINT));
            }
            sdk_resources.push(resource);
            continue;
        }
        // An access level given is exactly what is granted: `read:views`
        // never becomes write too.
        let p = parse_permission("--grant", grant, args.allow_unknown)?;
        set.insert(p);
    }
    if sdk && sdk_resources.is_empty() {
        return Err(CliError::usage(
            "--preset sdk-development needs the resources your application uses, by name",
        )
        .hint("add them with --grant, e.g. --grant datasets --grant data_streams (a --grant with an access level, such as read:views, grants just that)"));
    }
    for preset in presets {
        set.extend(preset.permissions(&sdk_resources).iter().cloned());
    }
    Ok(set)
}

pub(super) async fn create(
    s: &Session,
    args: CreateArgs,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let permissions = requested_permissions(&args)?;
    let expiration = match args.expires.as_deref() {
        Some(text) => parse_expiration(text, now)?,
        None => Expiration::default_at(now),
    };
    let new = NewKey::builder(&args.name)
        .permissions(permissions.iter().cloned())
        .allow_unknown(args.allow_unknown)
        .expires(expiration)
        .build_at(now)
        .map_err(narrative_keys::Error::from)?;
    print_warnings(new.warnings());
    let mut target = secret_target(&args.delivery, args.json);
    if args.dry_run {
        // The same check the real run makes before its first request.
        target.check().map_err(narrative_keys::Error::Output)?;
        return create_dry_run(&new, None, &target, args.json, now);
    }
    prepare_target(s, &mut target).await?;
    let created = narrative_keys::create::create_delivered(&s.client, &new, &mut target)
        .await
        .map_err(|e| maybe_created(e, &format!("named \"{}\"", escape_controls(new.name()))))?;
    msgln!(
        "Created {} ({}) with {}.",
        escape_controls(&created.key.name),
        created.key.id,
        escape_controls(&created.key.permissions.to_string())
    );
    if let Some(note) = target.delivered_note(1) {
        msgln!("{note}");
    }
    let kept = check_kept_secret(s, &mut target).await;
    if args.json {
        target.print_document(&CreatedJson {
            kept_previous_secret: KeptJson::new(kept.as_ref()),
            key: Sorted(KeyJson::new(&created.key, now)),
            secret: target.json_note(true),
        })?;
    }
    Ok(0)
}

/// What `create --dry-run` (and `clone --dry-run`, with the `source` key)
/// prints: the key that would be made and where its secret would go.
pub(super) fn create_dry_run(
    new: &NewKey,
    source: Option<&ApiKey>,
    target: &Target,
    json: bool,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    if json {
        print_json(&CreateDryRunJson {
            create: NewKeyJson::new(new),
            dry_run: true,
            destination: DestinationJson(target),
            source: source.map(|k| Sorted(KeyJson::new(k, now))),
        })?;
    } else {
        if let Some(source) = source {
            outln!(
                "Copying the permissions of {} ({})",
                escape_controls(&source.name),
                source.id
            )?;
        }
        outln!("Would create \"{}\"", escape_controls(new.name()))?;
        outln!(
            "  permissions: {}",
            escape_controls(&new.permissions().to_string())
        )?;
        outln!("  expires:     {}", expiration_text(&new.expiration(), now))?;
        outln!("  secret:      {}", target.describe())?;
    }
    msgln!("Dry run: nothing was sent.");
    Ok(0)
}
