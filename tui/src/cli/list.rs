//! `list`'s arguments.

use clap::{Args, ValueEnum};

use super::{JSON_HELP, JSON_LONG_HELP};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys list\n  narrative-keys list --status expiring\n  narrative-keys list --json"
)]
/// `list`'s arguments.
pub struct ListArgs {
    /// Only keys with this status.
    #[arg(long, value_enum)]
    pub status: Option<StatusFilter>,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
/// `list --status`: one status, or `expiring` for soon or already.
pub enum StatusFilter {
    /// Working, and not expiring soon.
    Active,
    /// Expiring within 14 days.
    Expiring,
    /// Past its expiration.
    Expired,
    /// Never expires.
    NoExpiry,
}
