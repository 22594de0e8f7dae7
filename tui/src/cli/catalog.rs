//! `catalog`'s arguments.

use clap::Args;

use super::{JSON_HELP, JSON_LONG_HELP};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  narrative-keys catalog\n  narrative-keys catalog --json")]
/// `catalog`'s arguments.
pub struct CatalogArgs {
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
