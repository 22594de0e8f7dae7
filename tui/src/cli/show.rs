//! `show`'s arguments.

use clap::Args;

use super::{JSON_HELP, JSON_LONG_HELP, KEY_HELP, KEY_LONG_HELP};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys show \"Analytics dashboard\"\n  narrative-keys show 546c65d6\n  narrative-keys show 546c65d6-e589-4d3c-b1fe-7e61711cc418 --json"
)]
/// `show`'s arguments.
pub struct ShowArgs {
    #[arg(value_name = "KEY", help = KEY_HELP, long_help = KEY_LONG_HELP)]
    /// The key: id, id prefix or exact name.
    pub id: String,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
