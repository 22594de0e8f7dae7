//! `update`'s arguments.

use clap::Args;

use super::values::{expiration_values, permission_values, suggest};
use super::{
    ALLOW_UNKNOWN_HELP, ALLOW_UNKNOWN_LONG_HELP, JSON_HELP, JSON_LONG_HELP, KEY_HELP, KEY_LONG_HELP,
};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys update \"Airflow workflows\" --grant read:datasets --drop write:jobs --dry-run\n  narrative-keys update 546c65d6 --expires 90d\n  narrative-keys update \"Analytics dashboard\" --name \"Analytics dashboard (prod)\""
)]
/// `update`'s arguments.
pub struct UpdateArgs {
    #[arg(value_name = "KEY", help = KEY_HELP, long_help = KEY_LONG_HELP)]
    /// The key: id, id prefix or exact name.
    pub id: String,
    /// The key's new name.
    #[arg(long)]
    pub name: Option<String>,
    /// Add a permission (repeatable).
    #[arg(long, value_name = "PERMISSION",
        help = "Add a permission (repeatable)",
        long_help = concat!("Add a permission (repeatable)\n\n", super::permission_note!()), value_parser = suggest(permission_values), hide_possible_values = true)]
    pub grant: Vec<String>,
    /// Remove a permission the key holds (repeatable).
    ///
    /// Any permission the key holds is taken, known to the catalog or not.
    #[arg(long, value_name = "PERMISSION", value_parser = suggest(permission_values), hide_possible_values = true)]
    pub drop: Vec<String>,
    /// New expiration.
    #[arg(long, value_name = "WHEN",
        help = "New expiration: 90d, 2027-01-31 or an RFC 3339 instant",
        long_help = concat!("New expiration: 90d, 2027-01-31 or an RFC 3339 instant\n\n", super::expires_forms!()), value_parser = suggest(expiration_values), hide_possible_values = true, allow_hyphen_values = true)]
    pub expires: Option<String>,
    #[arg(long, help = ALLOW_UNKNOWN_HELP, long_help = ALLOW_UNKNOWN_LONG_HELP)]
    /// Send permissions the catalog does not know.
    pub allow_unknown: bool,
    #[arg(
        long,
        help = "Print the changes that would be made, and change nothing",
        long_help = concat!("Print the grants, drops, name and expiration the update would change, and change nothing.\n\n", super::dry_run_note!())
    )]
    /// Print what would change.
    pub dry_run: bool,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
