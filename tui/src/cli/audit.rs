//! `audit`'s arguments.

use clap::Args;

use super::values::{span_values, suggest};
use super::{Format, JSON_HELP, JSON_LONG_HELP};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys audit\n  narrative-keys audit --expiring-within 30d\n  narrative-keys audit --json"
)]
/// `audit`'s arguments.
pub struct AuditArgs {
    /// How near an expiration counts as soon, e.g. 14d or 30d.
    #[arg(long, default_value = "14d", value_name = "SPAN", value_parser = suggest(span_values), hide_possible_values = true)]
    pub expiring_within: String,
    /// text: an aligned table; md: a Markdown table.
    #[arg(long, value_enum, default_value_t = Format::Text, conflicts_with = "json")]
    pub format: Format,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
