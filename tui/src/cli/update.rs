//! `update`'s arguments.

use clap::Args;

use super::values::{expiration_values, permission_values, suggest};
use super::{ALLOW_UNKNOWN_HELP, JSON_HELP, KEY_HELP};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys update \"Airflow workflows\" --grant read:datasets --drop write:jobs --dry-run\n  narrative-keys update 546c65d6 --expires 90d\n  narrative-keys update \"Analytics dashboard\" --name \"Analytics dashboard (prod)\""
)]
/// `update`'s arguments.
pub struct UpdateArgs {
    #[arg(value_name = "KEY", help = KEY_HELP)]
    /// The key: id, id prefix or exact name.
    pub id: String,
    /// The key's new name.
    #[arg(long)]
    pub name: Option<String>,
    /// Add a permission (repeatable).
    #[arg(long, value_name = "PERMISSION", value_parser = suggest(permission_values), hide_possible_values = true)]
    pub grant: Vec<String>,
    /// Remove a permission the key holds (repeatable).
    #[arg(long, value_name = "PERMISSION", value_parser = suggest(permission_values), hide_possible_values = true)]
    pub drop: Vec<String>,
    /// New expiration: 90d, 2027-01-31 or an RFC 3339 instant.
    #[arg(long, value_name = "WHEN", value_parser = suggest(expiration_values), hide_possible_values = true, allow_hyphen_values = true)]
    pub expires: Option<String>,
    #[arg(long, help = ALLOW_UNKNOWN_HELP)]
    /// Send permissions the catalog does not know.
    pub allow_unknown: bool,
    /// Print the changes that would be made, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, help = JSON_HELP)]
    /// Print JSON.
    pub json: bool,
}
