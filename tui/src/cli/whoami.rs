//! `whoami`'s arguments.

use clap::Args;

use super::{JSON_HELP, JSON_LONG_HELP};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys whoami\n  narrative-keys whoami --json\n  NARRATIVE_ENVIRONMENT=dev narrative-keys whoami"
)]
/// `whoami`'s arguments.
pub struct WhoamiArgs {
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
