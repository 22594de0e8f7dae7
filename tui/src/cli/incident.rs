//! `incident`'s arguments.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueHint};

use super::duration::{parse_duration, parse_timeout};
use super::secret_delivery::DELIVERY_TIMEOUT_HELP;
use super::values::{permission_values, suggest};
use super::{Format, JSON_HELP, JSON_LONG_HELP};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys incident --name-matches 'laptop-*' --replace --dry-run\n  narrative-keys incident \"Old prototype\" 546c65d6 --replace --report incident.json --yes\n  narrative-keys incident --resume incident.json --secrets-out replacements.env"
)]
/// `incident`'s arguments.
pub struct IncidentArgs {
    /// Keys to revoke: each an id, an id prefix of at least 4 characters, or an exact name.
    #[arg(value_name = "KEY")]
    pub ids: Vec<String>,
    /// Also every key whose name matches this glob (`*`, `?`; ASCII letters in either case).
    #[arg(long, value_name = "GLOB")]
    pub name_matches: Option<String>,
    /// Also every key holding this permission (repeatable: all must be held).
    #[arg(long, value_name = "PERMISSION", value_parser = suggest(permission_values), hide_possible_values = true)]
    pub holding: Vec<String>,
    /// Match --holding permissions the catalog does not know instead of refusing them as typos.
    #[arg(long, requires = "holding")]
    pub allow_unknown: bool,
    /// Create a replacement with the same permissions for each revoked key
    /// (keys that had already expired are revoked but not replaced).
    #[arg(long)]
    pub replace: bool,
    /// With --replace, replace keys that had already expired too.
    ///
    /// Without it they are revoked but not replaced (the plan names them;
    /// nobody could use them), and a resume does not replace them either.
    #[arg(long, requires = "replace")]
    pub include_expired: bool,
    /// Show the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Finish the incident whose JSON report is REPORT (--report FILE.json, or its --json output): create the replacements it lists as missing, never twice.
    ///
    /// It revokes every selected key not yet revoked; for each create that
    /// was sent but whose secret was not delivered it revokes the key that
    /// create made (the id answered, or a key with exactly the name,
    /// permissions and expiration sent); then it makes every missing
    /// replacement, delivering its secret. It keeps its journal in the
    /// report it resumes (or --report FILE.json), does not ask, and refuses
    /// a report from another environment. A Markdown report cannot be
    /// resumed from (exit status 2).
    #[arg(
        long,
        value_name = "REPORT",
        value_hint = ValueHint::FilePath,
        conflicts_with_all = ["ids", "name_matches", "holding", "replace", "include_expired", "dry_run", "note"]
    )]
    pub resume: Option<PathBuf>,
    /// Save the report: Markdown, or JSON when FILE ends in .json (which --resume reads).
    ///
    /// Every real incident keeps its report as its journal: this file, or
    /// else a new file under ~/.local/state/narrative-keys/journals/, named
    /// on stderr before anything is sent and rewritten after every step.
    /// The report lists what was revoked and created, never a secret. It
    /// never replaces a file unless --force is given.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub report: Option<PathBuf>,
    /// Write replacement secrets to a new FILE (0600) as each is made: `NAME=<secret>` lines, or JSON when FILE ends in .json.
    ///
    /// Rewritten atomically and synced after each secret, so a crash loses
    /// none already made. As dotenv, each name is made from the key's name
    /// (NIGHTLY_INGESTION=...), with the key's id and the key it replaces in
    /// a comment above (`set -a; . FILE` loads it); as JSON, [{"id",
    /// "name", "replaces", "env_name", "secret"}].
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub secrets_out: Option<PathBuf>,
    /// Hand each replacement's secret to CMD (`sh -c`, secret on standard input, to be read to the end before exiting 0; NARRATIVE_KEY_ID, _NAME, _ENV_NAME and _REPLACES in its environment).
    #[arg(long, value_name = "CMD", conflicts_with = "secrets_out", value_hint = ValueHint::CommandString)]
    pub secret_to: Option<String>,
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_timeout, requires = "secret_to", help = DELIVERY_TIMEOUT_HELP)]
    /// How long --secret-to's command may run for each replacement.
    pub delivery_timeout: Duration,
    /// Let --report replace an existing file.
    #[arg(long, requires = "report")]
    pub force: bool,
    /// What happened, for the report.
    #[arg(long)]
    pub note: Option<String>,
    /// How long to keep trying keys whose revocation failed (429, 5xx, a broken connection), e.g. 60s or 5m; 0s for one try each.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, conflicts_with = "resume")]
    pub deadline: Duration,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
    /// How the plan and the report are printed: text (aligned tables) or md
    /// (Markdown). The --report file is Markdown, or JSON, whatever this says.
    #[arg(long, value_enum, default_value_t = Format::Text, conflicts_with = "json")]
    pub format: Format,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
