//! `clone`'s arguments.

use clap::Args;

use super::values::{expiration_values, suggest};
use super::{JSON_HELP, JSON_LONG_HELP, NEW_EXPIRES_HELP, NEW_EXPIRES_LONG_HELP, SecretDelivery};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys clone \"Airflow workflows\" --name \"Airflow staging\" --secret-out staging.env\n  narrative-keys clone 546c65d6 --name ci-deploy --expires 30d --json\n  narrative-keys clone \"Airflow workflows\" --name \"Airflow staging\" --dry-run"
)]
/// `clone`'s arguments.
pub struct CloneArgs {
    /// The key whose permissions are copied (exactly, unknown ones
    /// included): its id, an id prefix of at least 4 characters, or its exact name.
    #[arg(value_name = "KEY")]
    pub id: String,
    /// The new key's name.
    #[arg(long)]
    pub name: String,
    #[arg(long, value_name = "WHEN", help = NEW_EXPIRES_HELP, long_help = NEW_EXPIRES_LONG_HELP, value_parser = suggest(expiration_values), hide_possible_values = true, allow_hyphen_values = true)]
    /// The expiration as typed.
    pub expires: Option<String>,
    #[command(flatten)]
    /// Where the new secret goes.
    pub delivery: SecretDelivery,
    #[arg(
        long,
        help = "Read the key and say what would be created; send nothing else",
        long_help = concat!("Read the key and print what would be created: the source key's permissions exactly, after the line naming it.\n\n", super::dry_run_note!())
    )]
    /// Print what would be created.
    pub dry_run: bool,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
