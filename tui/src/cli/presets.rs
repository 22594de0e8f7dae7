//! `presets`'s arguments.

use clap::Args;

use super::{JSON_HELP, JSON_LONG_HELP};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  narrative-keys presets\n  narrative-keys presets --json")]
/// `presets`'s arguments.
pub struct PresetsArgs {
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
