//! `revoke`'s arguments.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueHint};

use super::duration::parse_duration;
use super::{JSON_HELP, JSON_LONG_HELP, KEYS_HELP, KEYS_LONG_HELP};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys revoke \"Legacy export job\" --dry-run\n  narrative-keys revoke 546c65d6 39f485cc --yes --ignore-missing --journal revoke.json\n  narrative-keys revoke --resume revoke.json   # after that run was cut off"
)]
/// `revoke`'s arguments.
pub struct RevokeArgs {
    #[arg(required_unless_present = "resume", value_name = "KEY", help = KEYS_HELP, long_help = KEYS_LONG_HELP)]
    /// The keys: ids, id prefixes or exact names.
    pub ids: Vec<String>,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
    /// How long to keep trying keys whose revocation failed (429, 5xx, a broken connection), e.g. 60s or 5m; 0s for one try each.
    ///
    /// Keys that failed that way get further passes, with a backoff between
    /// them, as long as a pass can start within DURATION of the start.
    /// Keys still failing at the end are listed with their errors, how many
    /// passes were made and whether the deadline stopped another; the exit
    /// status is 1. Refusals (401, 403) and timeouts are not tried again.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub deadline: Duration,
    #[arg(
        long,
        help = "Print the keys that would be revoked, and revoke nothing",
        long_help = concat!("Print the keys that would be revoked, and revoke nothing.\n\n", super::dry_run_note!()),
        conflicts_with = "resume"
    )]
    /// Print what would be revoked.
    pub dry_run: bool,
    /// Exit 0 when a key is not found (already revoked, or never visible), so that rerunning a script is harmless.
    ///
    /// Without it, a key the server does not have is said on stderr, code
    /// not_found, exit status 1.
    #[arg(long)]
    pub ignore_missing: bool,
    /// Keep the journal of a revocation of several keys in FILE, a new file (default: a new file under ~/.local/state/narrative-keys/journals/).
    ///
    /// The journal is named on stderr as the run starts and rewritten
    /// atomically after each key's answer; a run cut off is finished by
    /// --resume. Without a home or state directory, --journal is required.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with_all = ["dry_run", "resume"])]
    pub journal: Option<PathBuf>,
    /// Finish the revocation whose journal is JOURNAL: revoke the keys it lists as not revoked yet, keeping the journal there.
    ///
    /// A key already gone then counts as revoked.
    #[arg(long, value_name = "JOURNAL", value_hint = ValueHint::FilePath, conflicts_with = "ids")]
    pub resume: Option<PathBuf>,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
