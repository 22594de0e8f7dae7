//! `explain`'s arguments.

use clap::Args;

use super::values::{permission_values, suggest};
use super::{JSON_HELP, JSON_LONG_HELP, KEY_HELP};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys explain \"Key admin (CI)\"\n  narrative-keys explain --grant write:access_tokens\n  narrative-keys explain --grant read:datasets --grant write:data_streams --json"
)]
/// `explain`'s arguments.
pub struct ExplainArgs {
    #[arg(value_name = "KEY", help = KEY_HELP, conflicts_with = "grant", required_unless_present = "grant")]
    /// The key: id, id prefix or exact name.
    pub id: Option<String>,
    /// Permissions to describe, e.g. read:datasets (repeatable).
    #[arg(long, value_name = "PERMISSION", value_parser = suggest(permission_values), hide_possible_values = true)]
    pub grant: Vec<String>,
    /// Describe --grant permissions the catalog does not know instead of refusing them as typos.
    #[arg(long, requires = "grant")]
    pub allow_unknown: bool,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
