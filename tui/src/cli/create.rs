//! `create`'s arguments.

use clap::Args;

use super::values::{expiration_values, permission_values, preset_values, suggest};
use super::{
    ALLOW_UNKNOWN_HELP, ALLOW_UNKNOWN_LONG_HELP, JSON_HELP, JSON_LONG_HELP, NEW_EXPIRES_HELP,
    NEW_EXPIRES_LONG_HELP, SecretDelivery,
};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys create --name \"nightly ingestion\" --preset data-ingestion --secret-out ingest.env\n  narrative-keys create --name dashboard --grant read:datasets --expires 30d --dry-run\n  narrative-keys create --name ci --preset sdk-development --grant datasets --json"
)]
/// `create`'s arguments.
pub struct CreateArgs {
    /// The new key's name, e.g. after its owner or use ("ci-deploy").
    #[arg(long)]
    pub name: String,
    /// read-only-analytics, data-ingestion, workflow-automation, connector-delivery, or sdk-development (read and write on the --grant resources).
    ///
    /// Repeatable; `narrative-keys presets` lists each one's permissions.
    /// sdk-development grants read and write on the resources you name with
    /// --grant (--preset sdk-development --grant datasets --grant
    /// data_streams).
    #[arg(long, value_name = "PRESET", value_parser = suggest(preset_values), hide_possible_values = true)]
    pub preset: Vec<String>,
    /// A permission such as read:datasets (repeatable).
    #[arg(long, value_name = "PERMISSION",
        help = "A permission such as read:datasets (repeatable)",
        long_help = concat!("A permission such as read:datasets (repeatable)\n\n", super::permission_note!()), value_parser = suggest(permission_values), hide_possible_values = true)]
    pub grant: Vec<String>,
    #[arg(long, value_name = "WHEN", help = NEW_EXPIRES_HELP, long_help = NEW_EXPIRES_LONG_HELP, value_parser = suggest(expiration_values), hide_possible_values = true, allow_hyphen_values = true)]
    /// The expiration as typed.
    pub expires: Option<String>,
    #[command(flatten)]
    /// Where the new secret goes.
    pub delivery: SecretDelivery,
    #[arg(long, help = ALLOW_UNKNOWN_HELP, long_help = ALLOW_UNKNOWN_LONG_HELP)]
    /// Send permissions the catalog does not know.
    pub allow_unknown: bool,
    #[arg(
        long,
        help = "Print the key that would be created, and create nothing",
        long_help = concat!("Print the name, permissions (read:datasets form) and expiration of the key that would be created, and where its secret would go; create nothing.\n\n", super::dry_run_note!())
    )]
    /// Print what would be created.
    pub dry_run: bool,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
