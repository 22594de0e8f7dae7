//! The command line, as clap reads it: here the top level (the global
//! options, the terminal UI's options and the list of subcommands), and each
//! subcommand's arguments in a file of its own, as in `commands/`.

mod apply;
mod audit;
mod auth;
mod catalog;
mod clone;
mod completions;
mod create;
mod duration;
mod explain;
mod import;
mod incident;
mod list;
mod plan;
mod presets;
mod revoke;
mod rotate;
mod secret_delivery;
mod show;
mod update;
mod values;
mod whoami;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use narrative_keys::Secret;

pub use self::apply::ApplyArgs;
pub use self::audit::AuditArgs;
pub use self::auth::{
    AuthArgs, AuthCommand, ListProfilesArgs, LoginArgs, LogoutArgs, StatusArgs, SwitchArgs,
    TokenArgs,
};
pub use self::catalog::CatalogArgs;
pub use self::clone::CloneArgs;
pub use self::completions::CompletionsArgs;
pub use self::create::CreateArgs;
pub use self::duration::parse_duration;
use self::duration::parse_timeout;
pub use self::explain::ExplainArgs;
pub use self::import::{ImportArgs, SchemaArgs};
pub use self::incident::IncidentArgs;
pub use self::list::{ListArgs, StatusFilter};
pub use self::plan::{KeysFileArg, PlanArgs};
pub use self::presets::PresetsArgs;
pub use self::revoke::RevokeArgs;
pub use self::rotate::RotateArgs;
pub use self::secret_delivery::SecretDelivery;
pub use self::show::ShowArgs;
pub use self::update::UpdateArgs;
pub use self::values::{
    Suggested, expiration_values, permission_values, preset_values, span_values,
};
pub use self::whoami::WhoamiArgs;

/// The command tree as clap builds it from [`Cli`]: what `--help`, the
/// completions, the man pages and the generated CLI reference all read.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

fn parse_secret(s: &str) -> Result<Secret, String> {
    Ok(Secret::new(s))
}

/// Manage Narrative API keys: list, create, rotate, revoke, audit, and respond to incidents.
///
/// Run with no command to open the terminal UI. `--demo` uses a local emulator
/// with sample keys, so nothing needs an account.
#[derive(Debug, Parser)]
#[command(
    name = "narrative-keys",
    version,
    propagate_version = true,
    after_help = "Examples:\n  narrative-keys --demo                  # the terminal UI, on sample keys\n  narrative-keys list --status expiring\n  narrative-keys show \"Analytics dashboard\""
)]
pub struct Cli {
    #[command(flatten)]
    /// Options every subcommand takes.
    pub global: GlobalArgs,
    #[command(flatten)]
    /// Options of the terminal UI.
    pub ui: UiArgs,
    #[command(subcommand)]
    /// The subcommand; none starts the terminal UI.
    pub command: Option<Command>,
}

/// Options of the terminal UI (no subcommand).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Terminal UI options")]
pub struct UiArgs {
    /// Browse only: hide and refuse every change (create, edit, clone,
    /// rotate, revoke, incident), e.g. with a key that holds only
    /// read:access_tokens. Terminal UI only.
    #[arg(long)]
    pub readonly: bool,
    /// Reload the list this often, e.g. 30s or 5m, keeping the selected
    /// key and the marks. Terminal UI only.
    // Hyphen values too, so `--refresh -5s` reaches the parser's message
    // rather than clap's "unexpected argument".
    #[arg(long, value_name = "DURATION", value_parser = parse_refresh, allow_hyphen_values = true)]
    pub refresh: Option<Duration>,
    /// A keys file whose plan the list shows (each key's mark; p shows the
    /// plan) [default: narrative-keys.toml in the current directory, if
    /// there is one]. Terminal UI only; plan and apply take their own.
    #[arg(long = "file", value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub file: Option<std::path::PathBuf>,
}

impl UiArgs {
    /// The first UI-only flag given, to refuse it with a subcommand.
    pub fn given(&self) -> Option<&'static str> {
        if self.readonly {
            Some("--readonly")
        } else if self.refresh.is_some() {
            Some("--refresh")
        } else if self.file.is_some() {
            Some("--file")
        } else {
            None
        }
    }
}

/// The shortest `--refresh`: more often would only load the server.
const SHORTEST_REFRESH: Duration = Duration::from_secs(1);

fn parse_refresh(text: &str) -> Result<Duration, String> {
    match parse_duration(text)? {
        d if d < SHORTEST_REFRESH => {
            Err("the refresh interval must be at least 1s, e.g. 30s".to_owned())
        }
        d => Ok(d),
    }
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
/// Options every subcommand takes: credentials, environment, demo, logs, timeout.
pub struct GlobalArgs {
    /// API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN];
    /// with --demo, a key of the demo's store (e.g. to try a read-only key)
    #[arg(long, global = true, value_name = "KEY", value_parser = parse_secret)]
    pub api_key: Option<Secret>,
    /// prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]
    ///
    /// Without it: --profile's environment, else NARRATIVE_ENVIRONMENT (or
    /// NARRATIVE_API_URL), else the default profile's, else prod. A URL is https://, or http:// only to localhost,
    /// 127.0.0.0/8 or [::1]: any other http:// would send the key
    /// unencrypted and is refused with exit status 2 before any request.
    #[arg(long, global = true, value_name = "ENV", conflicts_with = "demo")]
    pub environment: Option<String>,
    /// Use this signed-in profile's key and environment (see `auth login`);
    /// NARRATIVE_PROFILE names one that a key variable overrides [default: the default profile]
    #[arg(long, global = true, value_name = "NAME", conflicts_with = "demo")]
    pub profile: Option<String>,
    /// Use a local emulator with sample keys instead of Narrative's API.
    #[arg(long, global = true)]
    #[cfg_attr(
        not(feature = "demo"),
        arg(
            help = "Use a local emulator with sample keys instead of Narrative's API (not in this build: rebuild with --features demo)"
        )
    )]
    pub demo: bool,
    /// Where --demo keeps its keys [default: the user's data directory]
    #[arg(long, global = true, value_name = "PATH")]
    pub demo_db: Option<PathBuf>,
    /// With --demo: start from the sample keys again (every key made or
    /// changed in the demo's store is removed).
    #[arg(long, global = true, requires = "demo")]
    pub reset: bool,
    /// Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]
    ///
    /// A connection must also open within 10 s. A request that gets no
    /// answer in time fails with an error naming the URL and is not sent
    /// again. Reads, updates and revocations are retried on 429, 500, 502,
    /// 503, 504 and broken connections; a create only when the server
    /// provably did nothing (429, or a connection refused before the
    /// request was sent). Durations are written 500ms, 30s, 2m, 1h or
    /// 1m30s, up to 24h.
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
}

impl GlobalArgs {
    /// The first of `--demo`, `--demo-db`, `--reset` given, if any: what a
    /// build without the `demo` feature refuses.
    pub fn demo_flag(&self) -> Option<&'static str> {
        if self.demo {
            Some("--demo")
        } else if self.demo_db.is_some() {
            Some("--demo-db")
        } else if self.reset {
            Some("--reset")
        } else {
            None
        }
    }
}

#[derive(Debug, Subcommand)]
/// The subcommands, one file each in `commands/` and their arguments one file
/// each here; the one-line doc of each is its summary in `--help`.
pub enum Command {
    /// List keys: name, id, permissions, expiry and status.
    List(ListArgs),
    /// Show one key and what it can do.
    Show(ShowArgs),
    /// Create a key. Its secret is shown once.
    Create(CreateArgs),
    /// Change a key's name, permissions or expiration.
    Update(UpdateArgs),
    /// Revoke keys. They stop working at once.
    Revoke(RevokeArgs),
    /// Replace a key with a new one holding the same permissions; then revoke
    /// the old key, keep it, or let it expire after an overlap.
    Rotate(RotateArgs),
    /// Create a key with the same permissions as another, under a new name.
    /// Its secret is shown once, delivered as for create.
    Clone(CloneArgs),
    /// Respond to a leak: revoke every affected key at once, optionally replace them, and report.
    ///
    /// `--resume REPORT.json` finishes an incident that was cut off before every
    /// replacement was made: it creates the missing replacements, never twice.
    Incident(IncidentArgs),
    /// Find risky keys. Exits 1 when anything is at warning level or above.
    ///
    /// What the API cannot tell: keys are not tied to a person, so they are not
    /// revoked when someone leaves or loses single sign-on; and there is no
    /// last-used or creation time. To off-board, revoke and replace the
    /// person's keys (`narrative-keys incident --name-matches 'alice-*'
    /// --replace`); for usage, see Narrative's account audit logs.
    Audit(AuditArgs),
    /// Keys as code: what `apply` would do to make the account match narrative-keys.toml. Sends nothing.
    ///
    /// One line per key: + create, ~ update in place, ↻ rotate (with the
    /// reason), ! made again (a pinned key deleted outside the file), - revoke
    /// (prune), ? unmanaged. Exits 1 when there is something to apply.
    Plan(PlanArgs),
    /// Keys as code: make the account match narrative-keys.toml, delivering every new secret before anything is retired.
    ///
    /// Updates in place first; each create and rotation makes the successor,
    /// checks its secret with /whoami, delivers it to every target, and only
    /// then retires the old key (renamed retiring, expiring after the
    /// overlap); prune's revocations last. Interrupted or failed, the next
    /// apply finishes the job. Run one apply per account at a time (in CI:
    /// one concurrency group).
    Apply(ApplyArgs),
    /// Keys as code: print [[key]] entries (name, presets and grants, pinned id; never a secret) for existing keys.
    Import(ImportArgs),
    /// Keys as code: print the JSON Schema of narrative-keys.toml, for editors (taplo, Even Better TOML).
    Schema(SchemaArgs),
    /// Describe in plain words what a key, or a set of permissions, allows.
    Explain(ExplainArgs),
    /// The permission catalog: every resource and the levels it supports.
    Catalog(CatalogArgs),
    /// The use-case presets and their permissions.
    Presets(PresetsArgs),
    /// Who the credentials belong to, and where they came from.
    Whoami(WhoamiArgs),
    /// Sign in once: keep your API key in the OS keyring under a named profile.
    Auth(AuthArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

impl Command {
    /// Whether `--json` was asked for: errors are then one JSON document.
    pub fn json(&self) -> bool {
        match self {
            Command::List(a) => a.json,
            Command::Show(a) => a.json,
            Command::Create(a) => a.json,
            Command::Update(a) => a.json,
            Command::Revoke(a) => a.json,
            Command::Rotate(a) => a.json,
            Command::Clone(a) => a.json,
            Command::Incident(a) => a.json,
            Command::Audit(a) => a.json,
            Command::Plan(a) => a.json,
            Command::Apply(a) => a.json,
            Command::Import(_) | Command::Schema(_) => false,
            Command::Explain(a) => a.json,
            Command::Catalog(a) => a.json,
            Command::Presets(a) => a.json,
            Command::Whoami(a) => a.json,
            Command::Auth(a) => a.json(),
            Command::Completions(_) => false,
        }
    }
}

/// Help text of an `--allow-unknown` flag that sends unknown permissions.
const ALLOW_UNKNOWN_HELP: &str = "Send permissions the catalog does not know as written (a newer resource, a wire-only level such as admin); without it they are refused as typos";

/// What a typed permission must be: the second paragraph of `--grant`'s,
/// `--holding`'s and `--allow-unknown`'s `--help`.
macro_rules! permission_note {
    () => {
        "A permission is written access:resource (read:datasets, write:data_streams; `narrative-keys catalog` lists every resource and the levels it supports). One you type must be in the catalog, at read or write: anything else is taken for a typo and refused with exit status 2 before anything is sent, naming the likeliest meaning (read:dataset: did you mean read:datasets?); --allow-unknown sends it as written, still flagged."
    };
}
use permission_note;

/// `--allow-unknown`'s `--help`: what a typed permission must be.
const ALLOW_UNKNOWN_LONG_HELP: &str = concat!(
    "Send permissions the catalog does not know as written (a newer resource, a wire-only level such as admin); without it they are refused as typos.\n\n",
    permission_note!(),
    " Permissions a key already holds are never judged: update keeps them, known or not, and --drop takes any the key holds."
);

/// The forms `--expires` takes: the second paragraph of its `--help`.
macro_rules! expires_forms {
    () => {
        "It takes 90d, 12w, 36h, 6mo, 1y, a date (2027-01-31, midnight UTC), an RFC 3339 instant, or never (allowed, and flagged by audit). h, d and w are fixed lengths; mo and y are calendar spans: 1y is the same day next year, 1mo the same day next month, or the month's last day when it is shorter (January 31 + 1mo is February 28, or 29 in a leap year). Fractions are refused with the whole equivalent (1.5d: write 36h)."
    };
}
use expires_forms;

/// Help text of a new key's `--expires`.
const NEW_EXPIRES_HELP: &str =
    "90d, 12w, 6mo, 1y, 2027-01-31, an RFC 3339 instant, or never [default: 90d]";

/// A new key's `--expires` in `--help`.
const NEW_EXPIRES_LONG_HELP: &str = concat!(
    "90d, 12w, 6mo, 1y, 2027-01-31, an RFC 3339 instant, or never [default: 90d]\n\n",
    expires_forms!(),
    "\n\nWithout it a new key expires in 90 days: the one default of the command line, the terminal UI, the Rust builder and the npm package. A key without an expiration is only made on an explicit never."
);

/// What `--dry-run` promises everywhere: the second paragraph of its `--help`.
macro_rules! dry_run_note {
    () => {
        "Sends nothing that changes a key (it may list or read keys to resolve them), and shows no secret: none exists yet. Outputs are checked as for the real run, so an unusable --secret-out still exits 2. Exit status 0."
    };
}
use dry_run_note;

/// Help text of a `--json` flag.
const JSON_HELP: &str = "Print JSON on stdout for scripts; errors as one JSON document on stderr";

/// `--json`'s `--help`: where the shapes are.
const JSON_LONG_HELP: &str = "Print JSON on stdout for scripts; errors as one JSON document on stderr\n\nEach command's document has a JSON Schema in docs/src/reference/schemas/. A failure prints one document on one line, the last line of stderr: {\"error\": {\"code\", \"message\", \"hint\"?, \"status\"?, \"server_description\"?}}, with the exit status unchanged (docs/src/reference/exit-codes.md lists the codes).";

const KEY_HELP: &str = "The key: its id, an id prefix of at least 4 characters, or its exact name";
const KEYS_HELP: &str = "Keys: each an id, an id prefix of at least 4 characters, or an exact name";

/// How a key reference is resolved: the second paragraph of `KEY`'s `--help`.
macro_rules! key_ref_note {
    () => {
        "A unique id prefix is taken in any case (546c65d6); a name must be exact (\"nightly ingestion\"). Only a reference that is not a full id makes the command list the keys first (one request). One that matches several keys is refused with exit status 2, listing each one's id and name; one that matches none, or a prefix shorter than 4 characters, likewise; nothing is sent. A full id that no key has is the server's 404."
    };
}

const KEY_LONG_HELP: &str = concat!(
    "The key: its id, an id prefix of at least 4 characters, or its exact name\n\n",
    key_ref_note!()
);
const KEYS_LONG_HELP: &str = concat!(
    "Keys: each an id, an id prefix of at least 4 characters, or an exact name\n\n",
    key_ref_note!()
);

/// How a plan or a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned plain-text tables, for a terminal.
    Text,
    /// Markdown, to paste into a ticket or a document.
    Md,
}

#[cfg(test)]
mod tests;
