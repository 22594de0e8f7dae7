//! One function per subcommand. Data goes to stdout, messages to stderr.

use std::io::IsTerminal;
use std::path::Path;

use anstream::{eprint, eprintln, print, println};
use chrono::{DateTime, Utc};
use narrative_keys::audit::{self, AuditOptions, FindingSeverity};
use narrative_keys::deliver::{OutputKind, SecretSink};
use narrative_keys::incident::{
    self, IncidentOptions, IncidentOutcome, IncidentPlan, IncidentReport, ReportReadError,
    ResumeOptions, Selection, Step,
};
use narrative_keys::revoke::{RevokeManyOptions, revoke_many};
use narrative_keys::rotate::{OldKey, OldKeyPolicy, OldKeyStops, RotateOptions};
use narrative_keys::{
    ApiKey, CATALOG, CreatedKey, Expiration, KeyRef, KeyStatus, KeyUpdate, NewKey, Permission,
    PermissionSet, Preset, Resource, Span, StatusPolicy, ValidationReport, explain, key_ref,
};
use serde_json::json;

use crate::cli::{
    CloneArgs, Command, CreateArgs, Format, GlobalArgs, IncidentArgs, SecretDelivery, StatusFilter,
    UpdateArgs,
};
use crate::delivery::Target;
use crate::error::{CliError, EXIT_FINDING};
use crate::output::{
    self, BOLD, DIM, KeyJson, Table, clean, print_json, status_style, status_symbol,
};
use crate::session::{self, Session};

/// Runs one subcommand; `Ok(exit status)`.
pub async fn run(command: Command, global: &GlobalArgs) -> Result<u8, CliError> {
    let now = Utc::now();
    let json = command.json();
    if let Command::Incident(args) = &command
        && let Some(path) = &args.resume
    {
        // The files are checked before connecting: a wrong one sends nothing.
        let report = read_incident_report(path)?;
        let mut target = incident_target(args)?;
        let session = connect(global, json).await?;
        return resume_incident(&session, &report, args, &mut target).await;
    }
    match command {
        Command::Catalog { json } => catalog(json),
        Command::Presets { json } => presets(json),
        Command::Explain {
            id: None,
            grant,
            allow_unknown,
            json,
        } => {
            let set = parse_permissions("--grant", &grant, allow_unknown)?;
            print_explanation(&set, json)
        }
        Command::Completions { shell } => {
            print!("{}", completions(shell));
            Ok(0)
        }
        command => {
            let session = connect(global, json).await?;
            run_connected(command, &session, now).await
        }
    }
}

/// The completion script for `shell`.
///
/// clap_complete's bash script names its states inconsistently for a
/// program whose name holds a hyphen (`narrative__keys__subcmd__create` is
/// built, `narrative__subcmd__keys__subcmd__create` matched; clap-rs/clap
/// issue 6421), so nothing after a subcommand would complete: the one
/// spelling is made the other.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut cmd = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "narrative-keys", &mut out);
    let script = String::from_utf8_lossy(&out).into_owned();
    match shell {
        clap_complete::Shell::Bash => script.replace("narrative__subcmd__keys", "narrative__keys"),
        _ => script,
    }
}

/// With `--json` the demo banner is left out, so that stderr holds only a
/// failure's JSON document.
async fn connect(global: &GlobalArgs, json: bool) -> Result<Session, CliError> {
    let session = session::connect(global).await?;
    if session.is_demo() && !json {
        eprintln!(
            "{DIM}DEMO: a local emulator with sample keys; nothing here touches Narrative.{DIM:#}"
        );
    }
    Ok(session)
}

async fn run_connected(command: Command, s: &Session, now: DateTime<Utc>) -> Result<u8, CliError> {
    match command {
        Command::List { status, json } => list(s, status, json, now).await,
        Command::Show { id, json } => {
            let id = resolve_id(s, &id).await?;
            show(s, &id, json, now).await
        }
        Command::Create(args) => create(s, args, now).await,
        Command::Update(args) => update(s, args, now).await,
        Command::Revoke {
            ids,
            yes,
            deadline,
            dry_run,
            json,
        } => revoke(s, &ids, yes, deadline, dry_run, json).await,
        Command::Rotate {
            id,
            expires,
            keep_old,
            overlap,
            delivery,
            dry_run,
            json,
        } => {
            // Input is checked before any request, the reference's list included.
            let old_key = match (keep_old, overlap.as_deref()) {
                (true, _) => OldKeyPolicy::Keep,
                (false, Some(text)) => OldKeyPolicy::ExpireAfter(parse_overlap(text)?),
                (false, None) => OldKeyPolicy::Revoke,
            };
            let options = RotateOptions {
                expiration: expires
                    .as_deref()
                    .map(|e| parse_expiration(e, now))
                    .transpose()?,
                name: None,
                old_key,
            };
            let id = resolve_id(s, &id).await?;
            let mut target = secret_target(&delivery, json, true);
            if dry_run {
                return rotate_dry_run(s, &id, &options, &mut target, json, now).await;
            }
            rotate(s, &id, &options, &mut target, json, now).await
        }
        Command::Clone(args) => clone(s, args, now).await,
        Command::Incident(args) => incident(s, args, now).await,
        Command::Audit {
            expiring_within,
            format,
            json,
        } => audit(s, &expiring_within, format, json, now).await,
        Command::Explain {
            id: Some(id), json, ..
        } => {
            let id = resolve_id(s, &id).await?;
            let key = s.client.get_key(&id).await?;
            print_explanation(&key.permissions, json)
        }
        Command::Whoami { json } => whoami(s, json).await,
        Command::Catalog { .. }
        | Command::Presets { .. }
        | Command::Explain { .. }
        | Command::Completions { .. } => Ok(0),
    }
}

/// Permissions given with a repeatable flag (`--grant`, `--drop`, `--holding`).
/// Unless `allow_unknown`, each must be one the catalog knows: a miss is
/// most likely a typo, refused with what was probably meant.
fn parse_permissions(
    flag: &str,
    values: &[String],
    allow_unknown: bool,
) -> Result<PermissionSet, CliError> {
    values
        .iter()
        .map(|v| parse_permission(flag, v, allow_unknown))
        .collect()
}

fn parse_permission(flag: &str, text: &str, allow_unknown: bool) -> Result<Permission, CliError> {
    let p: Permission = text
        .parse()
        .map_err(|e| CliError::usage(format!("{flag} {e}")))?;
    if !allow_unknown && let Err(miss) = p.check_known() {
        return Err(
            CliError::usage(format!("{flag} {}: {miss}", clean(text.trim()))).hint(UNKNOWN_HINT),
        );
    }
    Ok(p)
}

const UNKNOWN_HINT: &str = "`narrative-keys catalog` lists the resources and their levels; --allow-unknown uses a permission the catalog does not know as written";

/// The key `text` names: a full id as it is (a missing one is the server's
/// 404), else the one key whose exact name it is or whose id it begins
/// (after one list). Ambiguous or unmatched: exit status 2, nothing sent.
async fn resolve_id(s: &Session, text: &str) -> Result<String, CliError> {
    let r = KeyRef::parse(text);
    let keys = if r.needs_list() {
        s.client.list_keys().await?
    } else {
        Vec::new()
    };
    Ok(r.resolve(&keys)?)
}

/// The ids several references name, each once, in the order given; `keys`
/// is the key list when it was read already.
fn resolve_ids(refs: &[String], keys: &[ApiKey]) -> Result<Vec<String>, CliError> {
    let mut ids = key_ref::resolve_all(refs, keys)?;
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    Ok(ids)
}

fn parse_expiration(text: &str, now: DateTime<Utc>) -> Result<Expiration, CliError> {
    Expiration::parse(text, now).map_err(|e| CliError::usage(format!("--expires {e}")))
}

fn parse_overlap(text: &str) -> Result<Span, CliError> {
    Span::parse(text).map_err(|reason| {
        // The parser's general advice also offers dates and `never`, which
        // an expiration takes and an overlap does not.
        let reason = if reason.contains("a date like") {
            "write a whole number and a unit: h, d, w, mo or y".to_owned()
        } else {
            reason
        };
        CliError::usage(format!(
            "--overlap `{}` is not a span: {reason}",
            clean(text)
        ))
        .hint("use e.g. 24h, 7d or 2w: how long the old key keeps working beside the new one")
    })
}

fn print_warnings(report: &ValidationReport) {
    let warn = output::status_style(KeyStatus::ExpiringSoon);
    for p in report.warnings() {
        eprintln!("{warn}warning{warn:#}: {}: {}", p.field.as_str(), p.message);
    }
}

/// The target `--secret-out`/`--secret-to` chose. The SDK's workflow
/// checks it before its first request.
fn secret_target(d: &SecretDelivery, json: bool, rotation: bool) -> Target {
    Target::one(
        d.secret_out.as_deref(),
        d.secret_to.as_deref(),
        d.secret_env_name.as_deref(),
        json,
        rotation,
    )
}

/// A create whose answer was lost (the connection broke, a timeout, a
/// gateway error) may have made the key anyway, whose secret nobody has: say
/// so, rather than only "try again".
fn maybe_created(e: narrative_keys::Error, which: &str) -> CliError {
    use narrative_keys::{Error as E, TransportKind};
    let unknown = match &e {
        E::Transport { kind, .. } => *kind != TransportKind::Connect,
        E::Server(api) => matches!(api.status, 500 | 502 | 504),
        _ => false,
    };
    let err = CliError::from(e);
    if unknown {
        err.hint(format!(
            "the server may have created the key before its answer was lost: run `narrative-keys list`, and revoke any new key {which} that you did not get a secret for"
        ))
    } else {
        err
    }
}

/// The secret, or where it went, for a `--json` document.
fn secret_json(target: &Target, created: &CreatedKey) -> serde_json::Value {
    if target.in_json() {
        json!({ "secret": created.secret.expose() })
    } else {
        target.json_note(true)
    }
}

async fn list(
    s: &Session,
    status: Option<StatusFilter>,
    json: bool,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let mut keys = s.client.list_keys().await?;
    let policy = StatusPolicy::default();
    if let Some(filter) = status {
        let wanted = match filter {
            StatusFilter::Active => KeyStatus::Active,
            StatusFilter::Expiring => KeyStatus::ExpiringSoon,
            StatusFilter::Expired => KeyStatus::Expired,
            StatusFilter::NoExpiry => KeyStatus::NoExpiration,
        };
        keys.retain(|k| k.status(now, &policy) == wanted);
    }
    keys.sort_by_cached_key(crate::output::display_order);
    if json {
        let out: Vec<KeyJson> = keys.iter().map(|k| KeyJson::new(k, now)).collect();
        print_json(&out)?;
        return Ok(0);
    }
    let mut table = Table::new(&["STATUS", "NAME", "ID", "PERMISSIONS", "EXPIRES"]);
    let plain = anstyle::Style::new();
    for k in &keys {
        let st = k.status(now, &policy);
        table.row(vec![
            (
                format!("{} {}", status_symbol(st), st.label()),
                status_style(st),
            ),
            (clean(&k.name), plain),
            (k.id.clone(), DIM),
            (clean(&k.permissions.to_string()), plain),
            (output::expiry_text(k, now), plain),
        ]);
    }
    print!("{}", table.render());
    let count = |st: KeyStatus| keys.iter().filter(|k| k.status(now, &policy) == st).count();
    eprintln!(
        "{} keys ({}): {} active, {} expiring soon, {} expired, {} without expiration",
        keys.len(),
        s.label,
        count(KeyStatus::Active),
        count(KeyStatus::ExpiringSoon),
        count(KeyStatus::Expired),
        count(KeyStatus::NoExpiration)
    );
    Ok(0)
}

async fn show(s: &Session, id: &str, json: bool, now: DateTime<Utc>) -> Result<u8, CliError> {
    let key = s.client.get_key(id).await?;
    let explanation = explain(&key.permissions);
    let findings = audit::audit_one(&key, &AuditOptions::at(now));
    if json {
        print_json(&json!({
            "key": KeyJson::new(&key, now),
            "explanation": explanation,
            "findings": findings,
        }))?;
        return Ok(0);
    }
    let st = key.status(now, &StatusPolicy::default());
    let style = status_style(st);
    println!("{BOLD}{}{BOLD:#}", clean(&key.name));
    println!("  id:          {}", key.id);
    println!(
        "  status:      {style}{} {}{style:#}",
        status_symbol(st),
        st.label()
    );
    println!("  expires:     {}", output::expiry_text(&key, now));
    println!("  permissions: {}", clean(&key.permissions.to_string()));
    println!();
    for line in explanation.lines() {
        println!("{}", clean(&line));
    }
    if !findings.is_empty() {
        println!();
        println!("{BOLD}Findings{BOLD:#}");
        for f in &findings {
            println!("  [{}] {}", severity_label(f.severity), clean(&f.message));
        }
    }
    Ok(0)
}

fn severity_label(s: FindingSeverity) -> &'static str {
    match s {
        FindingSeverity::Info => "info",
        FindingSeverity::Warning => "warning",
        FindingSeverity::Critical => "critical",
    }
}

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
                let typed = clean(grant.trim());
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

async fn create(s: &Session, args: CreateArgs, now: DateTime<Utc>) -> Result<u8, CliError> {
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
    let mut target = secret_target(&args.delivery, args.json, false);
    if args.dry_run {
        // The same check the real run makes before its first request.
        target.check().map_err(narrative_keys::Error::Output)?;
        return create_dry_run(&new, &target, args.json, now);
    }
    let created = narrative_keys::deliver::create_delivered(&s.client, &new, &mut target)
        .await
        .map_err(|e| maybe_created(e, &format!("named \"{}\"", clean(new.name()))))?;
    eprintln!(
        "Created {} ({}) with {}.",
        clean(&created.key.name),
        created.key.id,
        clean(&created.key.permissions.to_string())
    );
    if let Some(note) = target.delivered_note(1) {
        eprintln!("{note}");
    }
    if args.json {
        let mut out = json!({ "key": KeyJson::new(&created.key, now) });
        merge(&mut out, secret_json(&target, &created));
        print_json(&out)?;
    }
    Ok(0)
}

/// `clone ID --name N`: a new key with ID's permissions, its secret
/// delivered exactly as `create` delivers one.
async fn clone(s: &Session, args: CloneArgs, now: DateTime<Utc>) -> Result<u8, CliError> {
    let expiration = match args.expires.as_deref() {
        Some(text) => parse_expiration(text, now)?,
        None => Expiration::default_at(now),
    };
    let id = resolve_id(s, &args.id).await?;
    let mut target = secret_target(&args.delivery, args.json, false);
    let cloned = narrative_keys::rotate::clone_key_delivering(
        &s.client,
        &id,
        &args.name,
        Some(expiration),
        &mut target,
        now,
    )
    .await
    .map_err(|e| maybe_created(e, &format!("named \"{}\"", clean(args.name.trim()))))?;
    let created = &cloned.new;
    eprintln!(
        "Created {} ({}) with the permissions of {} ({}): {}.",
        clean(&created.key.name),
        created.key.id,
        clean(&cloned.source.name),
        cloned.source.id,
        clean(&created.key.permissions.to_string())
    );
    if let Some(note) = target.delivered_note(1) {
        eprintln!("{note}");
    }
    if args.json {
        let mut out = json!({
            "source": KeyJson::new(&cloned.source, now),
            "key": KeyJson::new(&created.key, now),
        });
        merge(&mut out, secret_json(&target, created));
        print_json(&out)?;
    }
    Ok(0)
}

fn merge(into: &mut serde_json::Value, from: serde_json::Value) {
    if let (Some(a), serde_json::Value::Object(b)) = (into.as_object_mut(), from) {
        a.extend(b);
    }
}

async fn update(s: &Session, args: UpdateArgs, now: DateTime<Utc>) -> Result<u8, CliError> {
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
    if let Some(missing) = drops.iter().find(|p| !current.permissions.contains(p)) {
        return Err(CliError::usage(format!(
            "--drop {missing}: the key does not hold it; nothing was changed"
        ))
        .hint(format!("it holds {}", current.permissions)));
    }
    let mut permissions = current.permissions.clone();
    permissions.extend(grants.iter().cloned());
    for p in &drops {
        permissions.remove(p);
    }
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

/// What an update changed or, in a dry run, would change.
fn print_update(
    current: &ApiKey,
    updated: &ApiKey,
    json: bool,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let added: Vec<String> = updated
        .permissions
        .difference(&current.permissions)
        .map(ToString::to_string)
        .collect();
    let removed: Vec<String> = current
        .permissions
        .difference(&updated.permissions)
        .map(ToString::to_string)
        .collect();
    if json {
        let mut changes = json!({ "added": added, "removed": removed });
        if updated.name != current.name {
            merge(
                &mut changes,
                json!({ "name": { "from": current.name, "to": updated.name } }),
            );
        }
        if updated.expires_at != current.expires_at {
            merge(
                &mut changes,
                json!({ "expires_at": { "from": current.expires_at, "to": updated.expires_at } }),
            );
        }
        if dry_run {
            print_json(&json!({
                "dry_run": true,
                "key": KeyJson::new(current, now),
                "changes": changes,
            }))?;
            eprintln!("Dry run: nothing was sent.");
        } else {
            print_json(&json!({ "key": KeyJson::new(updated, now), "changes": changes }))?;
        }
        return Ok(0);
    }
    if dry_run {
        println!("Would update {} ({})", clean(&current.name), current.id);
    } else {
        println!("Updated {} ({})", clean(&updated.name), updated.id);
    }
    if updated.name != current.name {
        println!(
            "  name:    {} → {}",
            clean(&current.name),
            clean(&updated.name)
        );
    }
    for p in &added {
        println!("  + {}", clean(p));
    }
    for p in &removed {
        println!("  - {}", clean(p));
    }
    if updated.expires_at != current.expires_at {
        println!(
            "  expires: {} → {}",
            output::expiry_text(current, now),
            output::expiry_text(updated, now)
        );
    }
    if dry_run {
        eprintln!("Dry run: nothing was sent.");
    }
    Ok(0)
}

/// A permission set in compact form, one string each, for JSON.
fn compact(set: &PermissionSet) -> Vec<String> {
    set.iter().map(ToString::to_string).collect()
}

/// "2027-02-25 (in 90 days)", or "never".
fn expiration_text(e: &Expiration, now: DateTime<Utc>) -> String {
    match e.instant() {
        None => "never".to_owned(),
        Some(at) => format!("{} ({})", at.format("%Y-%m-%d"), output::relative(at, now)),
    }
}

/// The key a create or rotation would make, as its dry run prints it.
fn new_key_json(new: &NewKey) -> serde_json::Value {
    json!({
        "name": new.name(),
        "permissions": compact(new.permissions()),
        "expires_at": new.expiration().instant(),
    })
}

/// Where a new secret would go, for a dry run (never the secret: there is none yet).
fn destination_json(target: &Target) -> serde_json::Value {
    let mut out = json!({ "secret_destination": target.kind_name() });
    merge(&mut out, target.json_note(true));
    out
}

fn create_dry_run(
    new: &NewKey,
    target: &Target,
    json: bool,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    if json {
        let mut out = json!({ "dry_run": true, "create": new_key_json(new) });
        merge(&mut out, destination_json(target));
        print_json(&out)?;
    } else {
        println!("Would create \"{}\"", clean(new.name()));
        println!("  permissions: {}", clean(&new.permissions().to_string()));
        println!("  expires:     {}", expiration_text(&new.expiration(), now));
        println!("  secret:      {}", target.describe());
    }
    eprintln!("Dry run: nothing was sent.");
    Ok(0)
}

fn revoke_dry_run(ids: &[String], keys: &[ApiKey], json: bool) -> Result<u8, CliError> {
    let found = |id: &String| keys.iter().find(|k| &k.id == id);
    if json {
        let rows: Vec<_> = ids
            .iter()
            .map(|id| json!({ "id": id, "name": found(id).map(|k| &k.name), "found": found(id).is_some() }))
            .collect();
        print_json(&json!({ "dry_run": true, "revoke": rows }))?;
    } else {
        println!(
            "Would revoke {} key(s); each would stop working at once:",
            ids.len()
        );
        for id in ids {
            match found(id) {
                Some(k) => println!("  \"{}\" ({id})", clean(&k.name)),
                None => println!(
                    "  {id} (not found: already revoked, or not visible to these credentials)"
                ),
            }
        }
    }
    eprintln!("Dry run: nothing was sent.");
    Ok(0)
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
    // Built as the rotation builds it: the server's permissions carried
    // over exactly, the default lifetime unless --expires.
    let successor = NewKey::builder(options.name.as_deref().unwrap_or(&old.name))
        .permissions(old.permissions.iter().cloned())
        .allow_unknown(true)
        .expires(
            options
                .expiration
                .unwrap_or_else(|| Expiration::default_at(now)),
        )
        .build_at(now)
        .map_err(narrative_keys::Error::from)?;
    print_warnings(successor.warnings());
    let old_key = match options.old_key {
        OldKeyPolicy::Revoke => "revoke",
        OldKeyPolicy::Keep => "keep",
        OldKeyPolicy::ExpireAfter(_) => "expires",
    };
    if json {
        let mut out = json!({
            "dry_run": true,
            "old": KeyJson::new(&old, now),
            "new": new_key_json(&successor),
            "old_key": old_key,
        });
        merge(&mut out, destination_json(target));
        print_json(&out)?;
    } else {
        println!("Would rotate \"{}\" ({}):", clean(&old.name), old.id);
        println!(
            "  1. create \"{}\" with {}, expiring {}",
            clean(successor.name()),
            clean(&successor.permissions().to_string()),
            expiration_text(&successor.expiration(), now)
        );
        println!("  2. deliver its secret: {}", target.describe());
        match options.old_key {
            OldKeyPolicy::Revoke => println!("  3. revoke the old key {}", old.id),
            OldKeyPolicy::Keep => {
                println!("  3. keep the old key {} working (--keep-old)", old.id)
            }
            // As the rotation will decide: an overlap never extends a key.
            OldKeyPolicy::ExpireAfter(overlap) => match (old.expires_at, overlap.after(now)) {
                (Some(at), _) if at <= now => println!(
                    "  3. leave the old key {} as it is: it already expired, {}",
                    old.id,
                    output::when_text(at, now)
                ),
                (Some(at), Some(end)) if at <= end => println!(
                    "  3. leave the old key {}'s expiration as it is, {}: it comes before the {overlap} overlap ends",
                    old.id,
                    output::when_text(at, now)
                ),
                (_, Some(end)) => println!(
                    "  3. let the old key {} work until {}, then expire",
                    old.id,
                    output::when_text(end, now)
                ),
                (_, None) => println!(
                    "  3. let the old key {} work for {overlap} more, then expire",
                    old.id
                ),
            },
        }
    }
    eprintln!("Dry run: nothing was sent.");
    Ok(0)
}

/// Asks on a terminal; refuses without `--yes` anywhere else.
fn confirm(question: &str, yes: bool) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(
            CliError::usage("refusing to change keys without confirmation")
                .hint("pass --yes when running without a terminal"),
        );
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(CliError::failed("cancelled; nothing was changed").code("cancelled"))
    }
}

async fn revoke(
    s: &Session,
    refs: &[String],
    yes: bool,
    deadline: std::time::Duration,
    dry_run: bool,
    json: bool,
) -> Result<u8, CliError> {
    // One list serves the references, the confirmation and the dry run.
    let keys = if !yes || dry_run || key_ref::any_needs_list(refs) {
        s.client.list_keys().await?
    } else {
        Vec::new()
    };
    let ids = &resolve_ids(refs, &keys)?;
    if dry_run {
        return revoke_dry_run(ids, &keys, json);
    }
    if !yes {
        let names: Vec<String> = ids
            .iter()
            .map(|id| match keys.iter().find(|k| &k.id == id) {
                Some(k) => format!("\"{}\" ({id})", clean(&k.name)),
                None => format!("{id} (not found)"),
            })
            .collect();
        confirm(
            &format!("Revoke {}? It stops working at once.", names.join(", ")),
            false,
        )?;
    }
    let options = RevokeManyOptions {
        deadline,
        ..RevokeManyOptions::default()
    };
    let report = revoke_many(&s.client, ids, &options).await;
    if json {
        let results: Vec<_> = report.outcomes.iter().map(|o| o.summary()).collect();
        print_json(&json!({ "results": results }))?;
    } else {
        for o in &report.outcomes {
            match &o.result {
                narrative_keys::RevokeResult::Revoked => println!("revoked       {}", o.id),
                narrative_keys::RevokeResult::AlreadyGone => {
                    println!(
                        "not found     {} (already revoked, or not visible to these credentials)",
                        o.id
                    )
                }
                narrative_keys::RevokeResult::Failed(e) => println!("FAILED        {}: {e}", o.id),
            }
        }
    }
    let failed: Vec<&narrative_keys::Error> = report
        .outcomes
        .iter()
        .filter_map(|o| match &o.result {
            narrative_keys::RevokeResult::Failed(e) => Some(e),
            _ => None,
        })
        .collect();
    if !failed.is_empty() {
        // A refusal (400, 401, 403) fails again however often it is tried;
        // anything else (a timeout, a 5xx) is worth running the command again for.
        let refused = failed.iter().any(|e| {
            matches!(
                e,
                narrative_keys::Error::BadRequest(_)
                    | narrative_keys::Error::Unauthorized(_)
                    | narrative_keys::Error::Forbidden(_)
            )
        });
        let hint = if !refused {
            format!(
                "run the command again for them (temporary failures were retried for up to {}; --deadline sets how long)",
                narrative_keys::retry::duration_text(deadline)
            )
        } else {
            "the server refused them (see each key's error): revoking needs a key holding write:access_tokens; temporary failures, if any, are worth running again".to_owned()
        };
        let total = report.outcomes.len();
        return Err(CliError::failed(format!(
            "{} of {total} {} could NOT be revoked and still work",
            failed.len(),
            if total == 1 { "key" } else { "keys" }
        ))
        .hint(hint)
        .code("not_revoked"));
    }
    // Scripts learn of a mistyped id; revoking it again is harmless.
    let all_found = report
        .outcomes
        .iter()
        .all(|o| matches!(o.result, narrative_keys::RevokeResult::Revoked));
    Ok(if all_found { 0 } else { EXIT_FINDING })
}

async fn rotate(
    s: &Session,
    id: &str,
    options: &RotateOptions,
    target: &mut Target,
    json: bool,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let rotation = narrative_keys::rotate::rotate_delivering(&s.client, id, options, target, now)
        .await
        .map_err(|e| maybe_created(e, "with the old key's name"))?;
    let target = &*target;
    eprintln!(
        "Created {} ({}) to replace {}.",
        clean(&rotation.new.key.name),
        rotation.new.key.id,
        rotation.old.id
    );
    if let Some(note) = target.delivered_note(1) {
        eprintln!("{note}");
    }
    let old_id = &rotation.old.id;
    let (state, error) = match &rotation.old_key {
        OldKey::Revoked => ("revoked", None),
        OldKey::Kept => ("kept", None),
        OldKey::Expires { .. } => ("expires", None),
        OldKey::RevokeFailed(e) => ("revoke_failed", Some(e.to_string())),
        OldKey::ExpireFailed { error, .. } => ("expire_failed", Some(error.to_string())),
    };
    let until = || match rotation.old.expires_at {
        Some(at) => format!("until {}", output::when_text(at, now)),
        None => "with no expiration".to_owned(),
    };
    match &rotation.old_key {
        OldKey::Revoked => eprintln!("The old key {old_id} was revoked."),
        OldKey::Kept => eprintln!(
            "The old key {old_id} still works; revoke it once nothing uses it: narrative-keys revoke {old_id}"
        ),
        OldKey::Expires { at, changed: true } => eprintln!(
            "The old key {old_id} keeps working until {}, then expires; revoke it sooner once nothing uses it: narrative-keys revoke {old_id}",
            output::when_text(*at, now)
        ),
        OldKey::Expires { at, changed: false } if *at <= Utc::now() => eprintln!(
            "The old key {old_id} had already expired, at {}; it was left as it was.",
            output::when_text(*at, now)
        ),
        OldKey::Expires { at, changed: false } => eprintln!(
            "The old key {old_id} already expires sooner than the overlap, at {}; its expiration was left as it was.",
            output::when_text(*at, now)
        ),
        OldKey::RevokeFailed(e) => eprintln!(
            "The old key {old_id} could NOT be revoked and still works: {e}\nThe new key is ready. Revoke the old one with: narrative-keys revoke {old_id}"
        ),
        OldKey::ExpireFailed { error, wanted } => eprintln!(
            "The old key {old_id}'s expiration could NOT be set, so it still works {}: {error}\nThe new key is ready. Set the old key's expiration again with: narrative-keys update {old_id} --expires {}\n(or revoke it at once: narrative-keys revoke {old_id})",
            until(),
            wanted.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
    }
    if json {
        let stops = match rotation.old_key_stops() {
            Some(OldKeyStops::Now) => json!("now"),
            Some(OldKeyStops::At(at)) => json!(at),
            None => serde_json::Value::Null,
        };
        let mut out = json!({
            "old": KeyJson::new(&rotation.old, now),
            "new": KeyJson::new(&rotation.new.key, now),
            "old_key": state,
            "old_key_stops": stops,
        });
        if let Some(error) = error {
            merge(&mut out, json!({ "error": error }));
        }
        merge(&mut out, secret_json(target, &rotation.new));
        print_json(&out)?;
    }
    Ok(if rotation.is_complete() {
        0
    } else {
        EXIT_FINDING
    })
}

async fn incident(s: &Session, args: IncidentArgs, now: DateTime<Utc>) -> Result<u8, CliError> {
    let holding: Vec<Permission> =
        parse_permissions("--holding", &args.holding, args.allow_unknown)?
            .into_iter()
            .collect();
    let mut selection = Selection {
        ids: args.ids.clone(),
        name_matches: args.name_matches.clone(),
        holding,
        statuses: Vec::new(),
    };
    if selection.is_empty() {
        return Err(CliError::usage("nothing selected")
            .hint("give key ids, --name-matches GLOB or --holding PERMISSION"));
    }
    // Every output is checked before the first request.
    let mut target = incident_target(&args)?;
    let keys = s.client.list_keys().await?;
    // A full id stays as given (the plan reports it missing if no key has
    // it); prefixes and names must each name one listed key.
    selection.ids = resolve_ids(&args.ids, &keys)?;
    let mut plan = incident::plan(&keys, &selection, args.replace, now)?;
    plan.replace_expired = args.include_expired;
    if args.dry_run {
        if args.json {
            print_json(&plan)?;
        } else {
            print!("{}", plan_text(&plan, args.format, true, now));
        }
        return Ok(0);
    }
    if plan.keys.is_empty() {
        eprint!("{}", plan_text(&plan, args.format, false, now));
        return Err(
            CliError::failed("no key matches the selection; nothing was changed")
                .code("nothing_selected"),
        );
    }
    eprint!("{}", plan_text(&plan, args.format, false, now));
    confirm(
        &format!(
            "Revoke these {} key(s){}?",
            plan.keys.len(),
            if plan.replace {
                " and create replacements"
            } else {
                ""
            }
        ),
        args.yes,
    )?;
    let options = IncidentOptions {
        note: args.note.clone(),
        environment: s.label.clone(),
        revoke_deadline: args.deadline,
        ..IncidentOptions::default()
    };
    let outcome = incident::execute_delivering(&s.client, &plan, &options, &mut target).await?;
    finish_incident(&outcome, &args, &target, 0)
}

/// `incident --resume REPORT`: creates the replacements the report lists as
/// missing (the SDK's `incident::resume` makes sure none is made twice).
async fn resume_incident(
    s: &Session,
    report: &IncidentReport,
    args: &IncidentArgs,
    target: &mut Target,
) -> Result<u8, CliError> {
    let started = report
        .started_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let environment = clean(&report.environment);
    match report.unreplaced().len() {
        0 => eprintln!(
            "Nothing to resume: every key revoked by the incident of {started} ({environment}) has a replacement."
        ),
        n => eprintln!(
            "Resuming the incident of {started} ({environment}): {n} revoked key(s) without a replacement."
        ),
    }
    let options = ResumeOptions {
        environment: s.label.clone(),
        ..ResumeOptions::default()
    };
    let outcome = incident::resume_delivering(&s.client, report, &options, target).await?;
    finish_incident(&outcome, args, target, report.already_present.len())
}

/// Where an incident's replacement secrets go, and its report: both checked
/// before the first request. The report is never written over an existing
/// file without `--force`.
fn incident_target(args: &IncidentArgs) -> Result<Target, CliError> {
    if let Some(path) = &args.report {
        let kind = if args.force {
            OutputKind::ReplaceFile
        } else {
            OutputKind::New
        };
        narrative_keys::deliver::check_output(path, &kind).map_err(|e| {
            // Only a regular file may be replaced, and only with --force.
            let e = if !args.force && e.message.starts_with("already exists") {
                e.hint("choose a new file for the report, or add --force to replace it")
            } else {
                e
            };
            CliError::from(narrative_keys::Error::Output(e))
        })?;
        if args.secrets_out.as_deref() == Some(path.as_path()) {
            return Err(CliError::usage(format!(
                "--report and --secrets-out both name {}; nothing was sent",
                path.display()
            ))
            .hint("give the report and the secrets a file each"));
        }
    }
    let mut target = Target::many(
        args.secrets_out.as_deref(),
        args.secret_to.as_deref(),
        args.json,
    );
    target.check().map_err(narrative_keys::Error::Output)?;
    Ok(target)
}

/// Reads the JSON report `--resume` names, refusing anything else with a
/// message saying what the file is and what is needed instead.
fn read_incident_report(path: &Path) -> Result<IncidentReport, CliError> {
    const NEEDED: &str = "--resume needs the incident's JSON report: the file saved with `--report FILE.json`, or the incident's `--json` output";
    let shown = path.display();
    let mut text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(
                CliError::usage(format!("--resume {shown}: there is no such file")).hint(NEEDED),
            );
        }
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(CliError::usage(format!(
                "--resume {shown}: the file is not text, so not a JSON report"
            ))
            .hint(NEEDED));
        }
        Err(e) => {
            return Err(
                CliError::usage(format!("--resume {shown}: cannot read it: {e}"))
                    .hint("check the path and that you may read the file"),
            );
        }
    };
    let read = IncidentReport::from_json(&text);
    // It may be the `--json` output, which holds the replacements' secrets.
    zeroize::Zeroize::zeroize(&mut text);
    read.map_err(|e| {
        let hint = match e {
            ReportReadError::Markdown => format!(
                "{NEEDED}. With the Markdown report only, create the missing replacements by hand (`narrative-keys create --name N --grant P ...`, using the permissions it lists)"
            ),
            _ => NEEDED.to_owned(),
        };
        CliError::usage(format!("--resume {shown}: {e}")).hint(hint)
    })
}

/// Delivers the replacements' secrets, saves and prints the report, and says
/// what is left to do. `known_present`: how many replacements the report
/// already listed as found before this run.
fn finish_incident(
    outcome: &IncidentOutcome,
    args: &IncidentArgs,
    target: &Target,
    known_present: usize,
) -> Result<u8, CliError> {
    let report = &outcome.report;
    // Each secret was delivered as its key was made; say where they went.
    if let Some(note) = target.delivered_note(outcome.replacements.len()) {
        eprintln!("{note}");
    }
    let secrets_json = if target.in_json() {
        outcome
            .replacements
            .iter()
            .map(|(old, c)| json!({ "id": c.key.id, "replaces": old, "secret": c.secret.expose() }))
            .collect()
    } else if outcome.replacements.is_empty() {
        json!([])
    } else {
        target.json_note(false)
    };
    let mut saved_json = None;
    let mut report_lost = false;
    if let Some(path) = &args.report {
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let text = if is_json {
            serde_json::to_string_pretty(report)
                .map_err(|e| CliError::failed(format!("could not encode the report: {e}")))?
        } else {
            report.to_markdown()
        };
        // The path was checked before the incident; this fails only if the
        // disk or directory changed since. The report is printed below anyway.
        match narrative_keys::deliver::write_new_file(path, &text, args.force) {
            Ok(()) => {
                eprintln!("The report was saved to {}.", path.display());
                if is_json {
                    saved_json = Some(path);
                }
            }
            Err(e) => {
                report_lost = true;
                eprintln!(
                    "error: the report could not be saved: {e}; it is printed on standard output instead (add --json for the form --resume reads)"
                );
            }
        }
    }
    if args.json {
        print_json(&json!({ "report": report, "secrets": secrets_json }))?;
    } else {
        print!("{}", report_text(report, args.format));
    }
    let attach = match (&args.report, report_lost) {
        (Some(path), false) => format!("attach {} (it holds no secret)", path.display()),
        _ => "send the report above (it holds no secret)".to_owned(),
    };
    eprintln!(
        "Next: report the incident to Narrative security at {}: {attach}.",
        incident::SECURITY_CONTACT
    );
    let warn = output::status_style(KeyStatus::ExpiringSoon);
    for found in report.already_present.iter().skip(known_present) {
        eprintln!(
            "{warn}warning{warn:#}: the replacement of {} already existed ({}, made by an earlier attempt whose answer was lost): its secret was never delivered and cannot be shown; to get one, run `narrative-keys rotate {}`",
            clean(&found.replaces),
            clean(&found.key.id),
            clean(&found.key.id)
        );
    }
    let unreplaced = report.unreplaced().len();
    if unreplaced > 0 {
        match saved_json {
            Some(path) => eprintln!(
                "{unreplaced} revoked key(s) have no replacement yet: run `narrative-keys incident --resume {}` to create them.",
                path.display()
            ),
            None if args.json => eprintln!(
                "{unreplaced} revoked key(s) have no replacement yet: save this --json output to a file and run `narrative-keys incident --resume FILE` to create them."
            ),
            None => eprintln!(
                "{unreplaced} revoked key(s) have no replacement yet. `narrative-keys incident --resume` needs the JSON report, which was not saved (`--report FILE.json`): create them by hand with `narrative-keys create`, using the permissions listed above."
            ),
        }
    }
    let unrevoked = report
        .failures
        .iter()
        .filter(|f| f.step == Step::Revoke)
        .count();
    if unrevoked > 0 && args.resume.is_some() {
        eprintln!(
            "{unrevoked} key(s) could not be revoked and still work; --resume only creates replacements: run `narrative-keys incident ID... --replace` for them."
        );
    }
    Ok(if report.failures.is_empty() && !report_lost {
        0
    } else {
        EXIT_FINDING
    })
}

/// Markdown built from server text: escape control characters but keep lines.
fn clean_markdown(md: &str) -> String {
    md.lines().map(clean).collect::<Vec<_>>().join("\n") + "\n"
}

/// An incident's plan as `--format` asks. Its title says "dry run" only
/// when it is one.
fn plan_text(plan: &IncidentPlan, format: Format, dry_run: bool, now: DateTime<Utc>) -> String {
    if format == Format::Md {
        return clean_markdown(&if dry_run {
            plan.to_markdown_dry_run()
        } else {
            plan.to_markdown()
        });
    }
    let title = if dry_run {
        "Incident plan (dry run: nothing is changed)"
    } else {
        "Incident plan"
    };
    let mut out = format!("{BOLD}{title}{BOLD:#}\n{}\n\n", clean(&plan.summary()));
    let mut headers = vec!["NAME", "ID", "PERMISSIONS", "EXPIRES", "STATUS"];
    if plan.replace {
        headers.push("REPLACED");
    }
    let mut table = Table::new(&headers);
    let plain = anstyle::Style::new();
    for p in &plan.keys {
        let mut row = vec![
            (clean(&p.key.name), plain),
            (p.key.id.clone(), DIM),
            (clean(&p.key.permissions.to_string()), plain),
            (output::expiry_text(&p.key, now), plain),
            (
                format!("{} {}", status_symbol(p.status), p.status.label()),
                status_style(p.status),
            ),
        ];
        if plan.replace {
            let replaced = if plan.replaces(&p.key.id) {
                "yes"
            } else {
                "no (expired)"
            };
            row.push((replaced.to_owned(), plain));
        }
        table.row(row);
    }
    if plan.keys.is_empty() {
        out.push_str("No key matches the selection.\n");
    } else {
        out.push_str(&table.render());
    }
    for note in plan.notes() {
        out.push_str(&format!("\n{}\n", clean(&note)));
    }
    if !plan.expired_not_replaced().is_empty() {
        out.push_str("hint: --include-expired replaces them too\n");
    }
    out
}

/// An incident's report as `--format` asks: aligned tables, or the
/// Markdown the `--report` file holds.
fn report_text(report: &IncidentReport, format: Format) -> String {
    if format == Format::Md {
        return clean_markdown(&report.to_markdown());
    }
    let at = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let expires = |t: Option<DateTime<Utc>>| t.map_or_else(|| "never".to_owned(), at);
    let plain = anstyle::Style::new();
    let mut out = format!("{BOLD}API key incident report{BOLD:#}\n");
    if !report.environment.is_empty() {
        out.push_str(&format!("environment: {}\n", clean(&report.environment)));
    }
    out.push_str(&format!(
        "started:     {}\nfinished:    {}\n",
        at(report.started_at),
        at(report.finished_at)
    ));
    if !report.resumed_at.is_empty() {
        let runs: Vec<String> = report.resumed_at.iter().map(|t| at(*t)).collect();
        out.push_str(&format!("resumed:     {}\n", runs.join(", ")));
    }
    if let Some(note) = &report.note {
        out.push_str(&format!("note:        {}\n", clean(note.trim())));
    }
    out.push_str(&format!(
        "\n{BOLD}Revoked{BOLD:#} ({})\n",
        report.revoked.len()
    ));
    if !report.revoked.is_empty() {
        let mut table = Table::new(&["NAME", "ID", "PERMISSIONS", "EXPIRED / EXPIRES"]);
        for k in &report.revoked {
            table.row(vec![
                (clean(&k.name), plain),
                (k.id.clone(), DIM),
                (clean(&k.permissions.to_string()), plain),
                (expires(k.expires_at), plain),
            ]);
        }
        out.push_str(&table.render());
    }
    for (title, rows) in [
        ("Replacements", &report.replacements),
        (
            "Replacements found already created (their secrets were lost: rotate each to get one)",
            &report.already_present,
        ),
    ] {
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{BOLD}{title}{BOLD:#} ({})\n", rows.len()));
        let mut table = Table::new(&["NAME", "NEW ID", "REPLACES", "PERMISSIONS", "EXPIRES"]);
        for r in rows {
            table.row(vec![
                (clean(&r.key.name), plain),
                (r.key.id.clone(), DIM),
                (clean(&r.replaces), DIM),
                (clean(&r.key.permissions.to_string()), plain),
                (expires(r.key.expires_at), plain),
            ]);
        }
        out.push_str(&table.render());
    }
    if !report.failures.is_empty() {
        out.push_str(&format!(
            "\n{BOLD}Failures{BOLD:#} ({}): a key that failed to revoke still works; one that failed to be replaced has no successor yet\n",
            report.failures.len()
        ));
        let mut table = Table::new(&["NAME", "ID", "STEP", "ERROR"]);
        for f in &report.failures {
            table.row(vec![
                (clean(&f.name), plain),
                (clean(&f.id), DIM),
                (f.step.to_string(), plain),
                (clean(&f.error), plain),
            ]);
        }
        out.push_str(&table.render());
    }
    if !report.expired_not_replaced.is_empty() {
        out.push_str(&format!(
            "\nAlready expired before the incident, so revoked but not replaced: {}\n",
            clean(&report.expired_not_replaced.join(", "))
        ));
    }
    if !report.missing_ids.is_empty() {
        out.push_str(&format!(
            "\nIds not found (already revoked, or not visible): {}\n",
            clean(&report.missing_ids.join(", "))
        ));
    }
    out
}

async fn audit(
    s: &Session,
    within: &str,
    format: Format,
    json: bool,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let soon = Span::parse(within)
        .and_then(|span| {
            span.after(now)
                .map(|at| at - now)
                .ok_or_else(|| "that is past the calendar's end".to_owned())
        })
        .map_err(|reason| {
            CliError::usage(format!(
                "--expiring-within `{}` is not a span: {reason}",
                clean(within)
            ))
            .hint("use e.g. 14d, 4w, 36h or 1mo")
        })?;
    let keys = s.client.list_keys().await?;
    let mut options = AuditOptions::at(now);
    options.policy = StatusPolicy {
        expiring_within: soon,
    };
    let findings = audit::audit(&keys, &options);
    let count = |sev: FindingSeverity| findings.iter().filter(|f| f.severity == sev).count();
    let failing = findings
        .iter()
        .any(|f| f.severity >= FindingSeverity::Warning);
    if json {
        print_json(&json!({
            "keys": keys.len(),
            "counts": {
                "critical": count(FindingSeverity::Critical),
                "warning": count(FindingSeverity::Warning),
                "info": count(FindingSeverity::Info),
            },
            "findings": findings,
        }))?;
    } else {
        print!("{}", findings_text(&findings, format));
        eprintln!(
            "{} keys audited: {} critical, {} warning, {} info",
            keys.len(),
            count(FindingSeverity::Critical),
            count(FindingSeverity::Warning),
            count(FindingSeverity::Info)
        );
    }
    Ok(if failing { EXIT_FINDING } else { 0 })
}

/// Audit findings as `--format` asks: an aligned table, or Markdown.
fn findings_text(findings: &[audit::Finding], format: Format) -> String {
    if findings.is_empty() {
        return String::new();
    }
    if format == Format::Md {
        let mut md = String::from("| severity | name | id | finding |\n|---|---|---|---|\n");
        for f in findings {
            md.push_str(&format!(
                "| {} | {} | `{}` | {} |\n",
                severity_label(f.severity),
                output::markdown_cell(&f.key_name),
                output::markdown_cell(&f.key_id),
                output::markdown_cell(&f.message)
            ));
        }
        return md;
    }
    let mut table = Table::new(&["SEVERITY", "NAME", "ID", "FINDING"]);
    for f in findings {
        let style = match f.severity {
            FindingSeverity::Critical => status_style(KeyStatus::Expired),
            FindingSeverity::Warning => status_style(KeyStatus::ExpiringSoon),
            FindingSeverity::Info => DIM,
        };
        table.row(vec![
            (severity_label(f.severity).to_owned(), style),
            (clean(&f.key_name), anstyle::Style::new()),
            (clean(&f.key_id), DIM),
            (clean(&f.message), anstyle::Style::new()),
        ]);
    }
    table.render()
}

fn print_explanation(set: &PermissionSet, json: bool) -> Result<u8, CliError> {
    let e = explain(set);
    if json {
        print_json(&e)?;
    } else {
        for line in e.lines() {
            println!("{}", clean(&line));
        }
    }
    Ok(0)
}

fn catalog(json: bool) -> Result<u8, CliError> {
    if json {
        let rows: Vec<_> = CATALOG
            .iter()
            .map(|e| {
                json!({
                    "resource": e.wire, "display_name": e.display, "group": e.group.title(),
                    "covers": e.covers, "read": e.read, "write": e.write,
                    "evidence": e.evidence.id(), "single_level": e.single_level(),
                })
            })
            .collect();
        print_json(&rows)?;
        return Ok(0);
    }
    let plain = anstyle::Style::new();
    let mut table = Table::new(&["GROUP", "RESOURCE", "WIRE NAME", "READ", "WRITE", "COVERS"]);
    for e in CATALOG.iter() {
        // The single-level reading is guidance: the other level is unverified.
        let level = |b: bool| {
            (match (b, e.single_level()) {
                (true, _) => "yes",
                (false, true) => "unverified",
                (false, false) => "-",
            })
            .to_owned()
        };
        let wire = match e.evidence {
            narrative_keys::catalog::Evidence::OpenApi => e.wire.to_owned(),
            narrative_keys::catalog::Evidence::Derived => format!("{}*", e.wire),
        };
        table.row(vec![
            (e.group.title().to_owned(), DIM),
            (e.display.to_owned(), BOLD),
            (wire, plain),
            (level(e.read), plain),
            (level(e.write), plain),
            (e.covers.to_owned(), plain),
        ]);
    }
    print!("{}", table.render());
    eprintln!(
        "* derived: the wire name follows from the display name, but no published source confirms it; the API may spell it differently.\nunverified: the documentation lists one level for this resource without saying which; the other is allowed, with a warning, and the API may refuse it."
    );
    Ok(0)
}

fn presets(json: bool) -> Result<u8, CliError> {
    if json {
        let rows: Vec<_> = Preset::ALL
            .iter()
            .map(|p| {
                json!({
                    "name": p.name(), "title": p.title(), "description": p.description(),
                    "takes_resources": p.takes_resources(), "permissions": p.permissions(&[]),
                })
            })
            .collect();
        print_json(&rows)?;
        return Ok(0);
    }
    for p in Preset::ALL {
        let perms = if p.takes_resources() {
            "read and write on the resources given with --grant".to_owned()
        } else {
            p.permissions(&[]).to_string()
        };
        println!(
            "{BOLD}{:<21}{BOLD:#} {}\n{:<21} {DIM}{perms}{DIM:#}",
            p.name(),
            p.description(),
            ""
        );
    }
    Ok(0)
}

async fn whoami(s: &Session, json: bool) -> Result<u8, CliError> {
    let me = s.client.whoami().await?;
    if json {
        let mut out = serde_json::to_value(&me)
            .map_err(|e| CliError::failed(format!("could not encode the answer: {e}")))?;
        merge(
            &mut out,
            json!({
                "credential_source": s.key_source,
                "credential_last_four": s.key_last_four,
                "environment_source": s.environment_source,
            }),
        );
        print_json(&out)?;
        return Ok(0);
    }
    let user = me
        .name
        .as_deref()
        .map(clean)
        .unwrap_or_else(|| "unknown user".into());
    let id = me
        .user_id
        .map(|i| format!(" (user {i})"))
        .unwrap_or_default();
    println!("{user}{id} on {}", s.label);
    let ending = match &s.key_last_four {
        Some(end) => format!("…{end}"),
        None => "(too short to show any of it)".to_owned(),
    };
    println!(
        "credentials: API key {ending} from {}, environment from {}",
        s.key_source, s.environment_source
    );
    if let Some(c) = &me.current_company_scope {
        println!(
            "company: {}{}{}",
            c.name.as_deref().map(clean).unwrap_or_default(),
            c.slug
                .as_deref()
                .map(|s| format!(" [{}]", clean(s)))
                .unwrap_or_default(),
            c.company_id
                .map(|i| format!(" (id {i})"))
                .unwrap_or_default()
        );
    }
    Ok(0)
}
