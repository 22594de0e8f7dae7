//! `create`'s arguments.

use clap::Args;

use super::values::{expiration_values, permission_values, preset_values, suggest};
use super::{ALLOW_UNKNOWN_HELP, JSON_HELP, NEW_EXPIRES_HELP, SecretDelivery};

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
    #[arg(long, value_name = "PRESET", value_parser = suggest(preset_values), hide_possible_values = true)]
    pub preset: Vec<String>,
    /// A permission such as read:datasets (repeatable).
    #[arg(long, value_name = "PERMISSION", value_parser = suggest(permission_values), hide_possible_values = true)]
    pub grant: Vec<String>,
    #[arg(long, value_name = "WHEN", help = NEW_EXPIRES_HELP, value_parser = suggest(expiration_values), hide_possible_values = true, allow_hyphen_values = true)]
    /// The expiration as typed.
    pub expires: Option<String>,
    #[command(flatten)]
    /// Where the new secret goes.
    pub delivery: SecretDelivery,
    #[arg(long, help = ALLOW_UNKNOWN_HELP)]
    /// Send permissions the catalog does not know.
    pub allow_unknown: bool,
    /// Print the key that would be created, and create nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, help = JSON_HELP)]
    /// Print JSON.
    pub json: bool,
}
