//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use narrative_keys::Secret;

fn parse_secret(s: &str) -> Result<Secret, String> {
    Ok(Secret::new(s))
}

/// Manage Narrative API keys: list, create, rotate, revoke, audit, and respond to incidents.
///
/// Run with no command to open the terminal UI. `--demo` uses a local emulator
/// with sample keys, so nothing needs an account.
#[derive(Debug, Parser)]
#[command(name = "narrative-keys", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// API key to authenticate with [env: NARRATIVE_API_KEY]
    #[arg(long, global = true, value_parser = parse_secret)]
    pub api_key: Option<Secret>,
    /// prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT; default: prod]
    #[arg(long, global = true)]
    pub environment: Option<String>,
    /// Use a local emulator with sample keys instead of Narrative's API.
    #[arg(long, global = true)]
    pub demo: bool,
    /// Where --demo keeps its keys [default: the user's data directory]
    #[arg(long, global = true, value_name = "PATH")]
    pub demo_db: Option<PathBuf>,
    /// Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List keys: name, id, permissions, expiry and status.
    List {
        #[arg(long, value_enum)]
        status: Option<StatusFilter>,
        #[arg(long)]
        json: bool,
    },
    /// Show one key and what it can do.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Create a key. Its secret is shown once.
    Create(CreateArgs),
    /// Change a key's name, permissions or expiration.
    Update(UpdateArgs),
    /// Revoke keys. They stop working at once.
    Revoke {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Replace a key with a new one holding the same permissions, then revoke the old one.
    Rotate {
        id: String,
        /// The new key's expiration: 90d, 2027-01-31, an RFC 3339 instant [default: 90d]
        #[arg(long, value_name = "WHEN")]
        expires: Option<String>,
        /// Keep the old key working; revoke it yourself later.
        #[arg(long)]
        keep_old: bool,
        #[command(flatten)]
        delivery: SecretDelivery,
        #[arg(long)]
        json: bool,
    },
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
    Audit {
        /// How near an expiration counts as soon, e.g. 14d or 30d.
        #[arg(long, default_value = "14d", value_name = "SPAN")]
        expiring_within: String,
        #[arg(long)]
        json: bool,
    },
    /// Describe in plain words what a key, or a set of permissions, allows.
    Explain {
        #[arg(conflicts_with = "grant", required_unless_present = "grant")]
        id: Option<String>,
        /// Permissions to describe, e.g. read:datasets (repeatable).
        #[arg(long, value_name = "PERMISSION")]
        grant: Vec<String>,
        /// Describe --grant permissions the catalog does not know instead of
        /// refusing them as typos.
        #[arg(long, requires = "grant")]
        allow_unknown: bool,
        #[arg(long)]
        json: bool,
    },
    /// The permission catalog: every resource and the levels it supports.
    Catalog {
        #[arg(long)]
        json: bool,
    },
    /// The use-case presets and their permissions.
    Presets {
        #[arg(long)]
        json: bool,
    },
    /// Who the credentials belong to.
    Whoami {
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script.
    Completions { shell: clap_complete::Shell },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    Active,
    Expiring,
    Expired,
    NoExpiry,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long)]
    pub name: String,
    /// read-only-analytics, data-ingestion, workflow-automation, connector-delivery,
    /// or sdk-development (which grants read and write on the --grant resources).
    #[arg(long, value_name = "PRESET")]
    pub preset: Vec<String>,
    /// A permission such as read:datasets (repeatable).
    #[arg(long, value_name = "PERMISSION")]
    pub grant: Vec<String>,
    /// 90d, 12w, 2027-01-31, an RFC 3339 instant, or never [default: 90d]
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
    #[command(flatten)]
    pub delivery: SecretDelivery,
    /// Send permissions the catalog does not know as written (a resource the
    /// platform added since, a wire-only level such as admin); without it they
    /// are refused as typos, with a suggestion.
    #[arg(long)]
    pub allow_unknown: bool,
    #[arg(long)]
    pub json: bool,
}

/// Where a new key's secret goes; checked before anything is sent. If it
/// cannot be delivered once the key exists, the key is revoked again (and a
/// rotated key's predecessor is kept).
#[derive(Debug, Args)]
pub struct SecretDelivery {
    /// Write the secret to FILE as NAME=<secret> (mode 0600, atomically);
    /// `-` prints it alone on stdout. FILE must be new, empty, or hold only
    /// such a line.
    #[arg(long, value_name = "FILE")]
    pub secret_out: Option<String>,
    /// Run CMD with `sh -c`, the secret on its standard input (never in its
    /// arguments or environment), e.g. 'gh secret set NARRATIVE_API_KEY'.
    /// A non-zero exit is a failed delivery.
    #[arg(long, value_name = "CMD", conflicts_with = "secret_out")]
    pub secret_to: Option<String>,
    /// The variable name --secret-out writes [default: NARRATIVE_API_KEY]
    #[arg(long, value_name = "NAME", requires = "secret_out")]
    pub secret_env_name: Option<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    pub id: String,
    #[arg(long)]
    pub name: Option<String>,
    /// Add a permission (repeatable).
    #[arg(long, value_name = "PERMISSION")]
    pub grant: Vec<String>,
    /// Remove a permission (repeatable).
    #[arg(long, value_name = "PERMISSION")]
    pub drop: Vec<String>,
    /// New expiration: 90d, 2027-01-31 or an RFC 3339 instant.
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
    /// Send permissions the catalog does not know as written (a resource the
    /// platform added since, a wire-only level such as admin); without it they
    /// are refused as typos, with a suggestion.
    #[arg(long)]
    pub allow_unknown: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IncidentArgs {
    /// Keys to revoke by id.
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Also every key whose name matches this glob (`*`, `?`; ASCII letters in either case).
    #[arg(long, value_name = "GLOB")]
    pub name_matches: Option<String>,
    /// Also every key holding this permission (repeatable: all must be held).
    #[arg(long, value_name = "PERMISSION")]
    pub holding: Vec<String>,
    /// Match --holding permissions the catalog does not know instead of
    /// refusing them as typos.
    #[arg(long, requires = "holding")]
    pub allow_unknown: bool,
    /// Create a replacement with the same permissions for each revoked key.
    #[arg(long)]
    pub replace: bool,
    /// Show the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Finish the incident whose JSON report (saved with --report FILE.json,
    /// or its --json output) is REPORT: create each replacement it lists as
    /// missing. A replacement made by an earlier attempt whose answer was lost
    /// is found and reported, not made again. Revokes nothing and does not ask.
    #[arg(
        long,
        value_name = "REPORT",
        conflicts_with_all = ["ids", "name_matches", "holding", "replace", "dry_run", "note"]
    )]
    pub resume: Option<PathBuf>,
    /// Save the report: Markdown, or JSON when FILE ends in .json (which
    /// --resume can read).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write replacement secrets to a new FILE (mode 0600) as each is made:
    /// a dotenv file (NAME=<secret> lines, names made from the keys' names,
    /// ids in comments), or JSON when FILE ends in .json.
    #[arg(long, value_name = "FILE")]
    pub secrets_out: Option<PathBuf>,
    /// Hand each replacement's secret to CMD (`sh -c`, secret on standard
    /// input; NARRATIVE_KEY_ID, NARRATIVE_KEY_NAME, NARRATIVE_KEY_ENV_NAME and
    /// NARRATIVE_KEY_REPLACES in its environment) as each is made.
    #[arg(long, value_name = "CMD", conflicts_with = "secrets_out")]
    pub secret_to: Option<String>,
    /// Let --report replace an existing file.
    #[arg(long, requires = "report")]
    pub force: bool,
    /// What happened, for the report.
    #[arg(long)]
    pub note: Option<String>,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
    #[arg(long)]
    pub json: bool,
}
