//! `revoke`'s arguments.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueHint};

use super::duration::parse_duration;
use super::{JSON_HELP, KEYS_HELP};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys revoke \"Legacy export job\" --dry-run\n  narrative-keys revoke 546c65d6 39f485cc --yes --ignore-missing --journal revoke.json\n  narrative-keys revoke --resume revoke.json   # after that run was cut off"
)]
/// `revoke`'s arguments.
pub struct RevokeArgs {
    #[arg(required_unless_present = "resume", value_name = "KEY", help = KEYS_HELP)]
    /// The keys: ids, id prefixes or exact names.
    pub ids: Vec<String>,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
    /// How long to keep trying keys whose revocation failed (429, 5xx, a broken connection), e.g. 60s or 5m; 0s for one try each.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub deadline: Duration,
    /// Print the keys that would be revoked, and revoke nothing.
    #[arg(long, conflicts_with = "resume")]
    pub dry_run: bool,
    /// Exit 0 when a key is not found (already revoked, or never visible), so that rerunning a script is harmless.
    #[arg(long)]
    pub ignore_missing: bool,
    /// Keep the journal of a revocation of several keys in FILE, a new file (default: a new file under ~/.local/state/narrative-keys/journals/).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with_all = ["dry_run", "resume"])]
    pub journal: Option<PathBuf>,
    /// Finish the revocation whose journal is JOURNAL: revoke the keys it lists as not revoked yet, keeping the journal there.
    #[arg(long, value_name = "JOURNAL", value_hint = ValueHint::FilePath, conflicts_with = "ids")]
    pub resume: Option<PathBuf>,
    #[arg(long, help = JSON_HELP)]
    /// Print JSON.
    pub json: bool,
}
