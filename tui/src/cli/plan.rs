//! `plan`'s arguments.

use std::path::PathBuf;

use clap::{Args, ValueHint};

use super::{Format, JSON_HELP, JSON_LONG_HELP};

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when apply would change nothing, 1 when it would, 2 for a bad file.\n\nExamples:\n  narrative-keys plan\n  narrative-keys plan --file infra/narrative-keys.toml --format md"
)]
/// `plan`'s arguments.
pub struct PlanArgs {
    #[command(flatten)]
    /// The keys file.
    pub file: KeysFileArg,
    /// text: aligned lines; md: a Markdown table.
    #[arg(long, value_enum, default_value_t = Format::Text, conflicts_with = "json")]
    pub format: Format,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}

/// `--file`, shared by `plan` and `apply`.
#[derive(Debug, Args)]
pub struct KeysFileArg {
    /// The keys file [default: narrative-keys.toml in the current directory]
    #[arg(long = "file", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub path: Option<PathBuf>,
}

impl KeysFileArg {
    /// The file named, or the default one.
    pub fn path(&self) -> PathBuf {
        self.path
            .clone()
            .unwrap_or_else(|| PathBuf::from(narrative_keys::keys_as_code::DEFAULT_FILE))
    }
}
