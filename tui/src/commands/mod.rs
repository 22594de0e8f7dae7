//! One function per subcommand, one file each; here the dispatch and the
//! helpers several subcommands share. Data goes to stdout, messages to stderr.

mod apply;
mod audit;
mod auth;
mod catalog;
mod clone;
mod completions;
mod create;
mod explain;
mod import;
mod incident;
mod list;
pub(crate) mod plan;
mod presets;
mod revoke;
mod rotate;
pub mod schemas;
mod show;
mod update;
mod whoami;

use crate::output::{msg, msgln, out};
use std::io::IsTerminal;

use chrono::{DateTime, Utc};
use narrative_keys::audit::FindingSeverity;
use narrative_keys::deliver::KeptCheck;
use narrative_keys::{
    ApiKey, Expiration, KeyRef, KeyStatus, NewKey, Permission, PermissionSet, ValidationReport,
    key_ref,
};
use serde::Serialize;

use self::apply::apply;
use self::audit::audit;
use self::catalog::catalog;
use self::clone::clone;
pub use self::completions::completions;
use self::create::create;
use self::explain::{explain_grants, explain_key};
use self::import::import;
use self::incident::{
    incident, incident_journal, incident_target, read_incident_report, resume_incident,
};
use self::list::list;
use self::plan::plan;
use self::presets::presets;
use self::revoke::revoke;
use self::rotate::rotate;
use self::show::show;
use self::update::update;
use self::whoami::whoami;
use crate::cli::{Command, GlobalArgs, SecretDelivery};
use crate::delivery::Target;
use crate::error::CliError;
use crate::output::{self, DIM, escape_controls};
use crate::session::{self, Session};
use narrative_keys::journal::JournalFile;

/// Runs one subcommand; `Ok(exit status)`.
pub async fn run(command: Command, global: &GlobalArgs) -> Result<u8, CliError> {
    let now = Utc::now();
    let json = command.json();
    if let Command::Incident(args) = &command
        && let Some(path) = &args.resume
    {
        // The files are checked before connecting: a wrong one sends nothing.
        let (report, bare) = read_incident_report(path)?;
        let mut target = incident_target(args)?;
        let mut journal = incident_journal(args, Some((path, bare)), now)?;
        let session = connect(global, json).await?;
        return resume_incident(&session, &report, args, &mut target, &mut journal).await;
    }
    match command {
        Command::Catalog(args) => catalog(&args),
        Command::Presets(args) => presets(&args),
        Command::Schema(_) => {
            out!("{}", narrative_keys::keys_as_code::json_schema())?;
            Ok(0)
        }
        Command::Explain(args) if args.id.is_none() => explain_grants(&args),
        Command::Completions(args) => {
            out!("{}", completions(args.shell))?;
            Ok(0)
        }
        Command::Auth(a) => auth::auth(a, global).await,
        command => {
            let session = connect(global, json).await?;
            run_connected(command, &session, now).await
        }
    }
}

/// With `--json` the demo banner is left out, so that stderr holds only a
/// failure's JSON document.
async fn connect(global: &GlobalArgs, json: bool) -> Result<Session, CliError> {
    let session = session::connect(global).await?;
    if session.is_demo() && !json {
        msgln!(
            "{DIM}DEMO: a local emulator with sample keys; nothing here touches Narrative.{DIM:#}"
        );
    }
    Ok(session)
}

async fn run_connected(command: Command, s: &Session, now: DateTime<Utc>) -> Result<u8, CliError> {
    match command {
        Command::List(args) => list(s, &args, now).await,
        Command::Show(args) => show(s, &args, now).await,
        Command::Create(args) => create(s, args, now).await,
        Command::Update(args) => update(s, args, now).await,
        Command::Revoke(args) => revoke(s, &args, now).await,
        Command::Rotate(args) => rotate(s, &args, now).await,
        Command::Clone(args) => clone(s, args, now).await,
        Command::Incident(args) => incident(s, args, now).await,
        Command::Audit(args) => audit(s, &args, now).await,
        Command::Explain(args) => explain_key(s, &args).await,
        Command::Whoami(args) => whoami(s, &args).await,
        Command::Plan(args) => plan(s, &args, now).await,
        Command::Apply(args) => apply(s, &args, now).await,
        Command::Import(args) => import(s, &args).await,
        Command::Catalog(_)
        | Command::Presets(_)
        | Command::Schema(_)
        | Command::Auth(_)
        | Command::Completions(_) => Ok(0),
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
            CliError::usage(format!("{flag} {}: {miss}", escape_controls(text.trim())))
                .hint(UNKNOWN_HINT),
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

fn print_warnings(report: &ValidationReport) {
    let warn = output::status_style(KeyStatus::ExpiringSoon);
    for p in report.warnings() {
        msgln!("{warn}warning{warn:#}: {}: {}", p.field.as_str(), p.message);
    }
}

/// The target `--secret-out`/`--secret-to` chose. The SDK's workflow
/// checks it before its first request.
fn secret_target(d: &SecretDelivery, json: bool) -> Target {
    Target::one(
        d.secret_out.as_deref(),
        d.secret_to.as_deref(),
        d.secret_env_name.as_deref(),
        json,
        d.delivery_timeout,
    )
}

/// Before the workflow's first write: the target checked as the workflow
/// will check it (so a refused one sends nothing, not even the question
/// below), then the secret a `--secret-out` file holds asked about with
/// `/whoami`, a harmless read. Only a secret that works now and not once
/// the run is over died in it, and has its kept copy deleted.
async fn prepare_target(s: &Session, target: &mut Target) -> Result<(), CliError> {
    use narrative_keys::deliver::SecretSink;
    target.check().map_err(narrative_keys::Error::Output)?;
    target.probe_held(&s.client).await;
    Ok(())
}

/// Once the run is over (a rotation's old key retired): whether the secret
/// a `--secret-out` file held before still works, said on stderr. One that
/// died in this run has its copy deleted with a short note; one that works,
/// never worked here or could not be checked stays, and the note says
/// where and what to do.
async fn check_kept_secret(s: &Session, target: &mut Target) -> Option<KeptCheck> {
    let check = target.take_kept()?.check(&s.client).await;
    let warn = output::status_style(KeyStatus::ExpiringSoon);
    if check.is_kept() {
        msgln!("{warn}{}{warn:#}", escape_controls(&check.message()));
    } else {
        msgln!("{}", escape_controls(&check.message()));
    }
    Some(check)
}

/// `kept_previous_secret` in a `--json` document: where the secret a
/// `--secret-out` file held before was kept, and whether it still works
/// (`null`: not known: it could not be checked, or it never worked in this
/// environment, so whether it works where it belongs is unknown). Absent
/// when nothing was kept, or the copy was deleted because the secret died
/// in this run.
#[derive(Serialize, schemars::JsonSchema)]
struct KeptJson<'a> {
    path: &'a std::path::Path,
    still_works: Option<bool>,
}

impl<'a> KeptJson<'a> {
    fn new(check: Option<&'a KeptCheck>) -> Option<Self> {
        check.filter(|c| c.is_kept()).map(|c| Self {
            path: &c.path,
            still_works: c.still_works(),
        })
    }
}

/// A create whose answer was lost may have made the key anyway, whose
/// secret nobody has: say so, and how to find it, rather than only "try
/// again". That is any 5xx (the contract does not say that any of them,
/// 503 included, means the server did nothing, so the SDK retries none of
/// them), a connection that broke or timed out after the request left, and
/// a success whose body could not be read. With `--json` the hint is in the
/// error document.
fn maybe_created(e: narrative_keys::Error, which: &str) -> CliError {
    use narrative_keys::{Error as E, TransportKind};
    let (unknown, network) = match &e {
        E::Transport { kind, .. } => (*kind != TransportKind::Connect, true),
        E::Server(_) => (true, false),
        E::Decode { status, .. } => ((200..300).contains(status), false),
        _ => (false, false),
    };
    let err = CliError::from(e);
    if !unknown {
        return err;
    }
    let may_exist = format!(
        "the key may exist: the server may have created it before failing or losing its answer. Find it with `narrative-keys list` (a key {which}); if you did not get its secret, revoke it with `narrative-keys revoke ID` before trying again"
    );
    // The advice about the network or --timeout still holds; "try again
    // later" is what the hint above already qualifies.
    let hint = match &err.hint {
        Some(own) if network => format!("{may_exist}. Then: {own}"),
        _ => may_exist,
    };
    err.hint(hint)
}

fn severity_label(s: FindingSeverity) -> &'static str {
    match s {
        FindingSeverity::Info => "info",
        FindingSeverity::Warning => "warning",
        FindingSeverity::Critical => "critical",
    }
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
#[derive(Serialize, schemars::JsonSchema)]
struct NewKeyJson<'a> {
    expires_at: Option<DateTime<Utc>>,
    name: &'a str,
    permissions: Vec<String>,
}

impl<'a> NewKeyJson<'a> {
    fn new(new: &'a NewKey) -> Self {
        Self {
            expires_at: new.expiration().instant(),
            name: new.name(),
            permissions: compact(new.permissions()),
        }
    }
}

/// Where a new secret would go, for a dry run (never the secret: there is
/// none yet): `secret_destination`, and the file or command, flattened into
/// the document.
pub(super) struct DestinationJson<'a>(&'a Target);

impl schemars::JsonSchema for DestinationJson<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SecretDestination".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "properties": {
                "secret_destination": { "enum": ["stdout", "file", "command"] },
                "secret_file": { "type": "string" },
                "secret_command": { "type": "string" }
            },
            "required": ["secret_destination"]
        })
    }
}

impl Serialize for DestinationJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        const KEY: &str = "secret_destination";
        // In alphabetical order, as the document always was: a
        // `secret_command` before `secret_destination`, a file after.
        let note = self.0.json_note(true);
        let mut map = s.serialize_map(None)?;
        if let Some(n) = note.as_ref().filter(|n| n.key() < KEY) {
            n.write(&mut map)?;
        }
        map.serialize_entry(KEY, self.0.kind_name())?;
        if let Some(n) = note.as_ref().filter(|n| n.key() > KEY) {
            n.write(&mut map)?;
        }
        map.end()
    }
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
    msg!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(CliError::failed("cancelled; nothing was changed").code("cancelled"))
    }
}
/// Why a span (`--overlap`, `--expiring-within`) was refused. The parser's
/// general advice also offers dates and `never`, which an expiration takes
/// and a span does not.
fn span_reason(reason: String) -> String {
    if reason.contains("a date like") {
        "write a whole number and a unit: h, d, w, mo or y".to_owned()
    } else {
        reason
    }
}

/// A multi-step run's journal (`kind`: `incident` or `revoke`) where the
/// user named none: a new file in the user's state directory
/// (`~/.local/state/narrative-keys/journals/`, owner-only), named by the
/// run's start. `None` when there is no home or state directory.
fn default_journal(kind: &str, now: DateTime<Utc>) -> Result<Option<JournalFile>, CliError> {
    let Some(dir) = journal_dir()? else {
        return Ok(None);
    };
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    let path = dir.join(format!("{kind}-{stamp}-{}.json", std::process::id()));
    Ok(Some(JournalFile::new(path)))
}

/// The user's journal directory, `~/.local/state/narrative-keys/journals/`
/// (owner-only), made if missing; `None` without a home or state directory.
fn journal_dir() -> Result<Option<std::path::PathBuf>, CliError> {
    let Some(dir) = dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("narrative-keys").join("journals"))
    else {
        return Ok(None);
    };
    std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
        .create(&dir)
        .map_err(|e| {
            CliError::usage(format!(
                "cannot create the journal directory {}: {e}",
                dir.display()
            ))
            .hint("give the journal a file of your choice (see --help)")
        })?;
    Ok(Some(dir))
}

/// Checks a journal's path before anything is sent.
fn check_journal(journal: &JournalFile) -> Result<(), CliError> {
    journal
        .check()
        .map_err(|e| CliError::from(narrative_keys::Error::Output(e)))
}

/// Says where the journal goes and how to finish the run from it, at the
/// start: a run killed before it ends prints nothing else.
fn announce_journal(journal: &JournalFile, resume: &str) {
    msgln!(
        "Journal: {} (rewritten after every step; if this run is cut off, `{resume} {}` finishes it)",
        journal.path().display(),
        shell_quoted(journal.path())
    );
}

/// A path as a shell word: quoted when it holds anything but plain characters.
fn shell_quoted(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,=".contains(c))
    {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// A run stopped by a signal (SIGINT, SIGTERM, SIGHUP) between two steps,
/// saying how to finish it (exit status 128 + the signal's number: `main`).
fn interrupted(what_is_left: String, resume: String) -> CliError {
    CliError::interrupted(format!(
        "interrupted: the step in progress finished and no other was started; {what_is_left}"
    ))
    .hint(format!("run `{resume}` to finish it"))
}
