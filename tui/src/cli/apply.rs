//! `apply`'s arguments.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueHint};

use super::JSON_HELP;
use super::duration::{parse_duration, parse_timeout};
use super::plan::KeysFileArg;

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when everything was done (or nothing was to do), 1 when a step failed (rerun apply: it finishes the job), 2 for a bad file or a target that cannot work (nothing sent).\n\nExamples:\n  narrative-keys apply\n  narrative-keys apply --yes --secrets-out new-secrets.env   # CI, keys without targets"
)]
/// `apply`'s arguments.
pub struct ApplyArgs {
    #[command(flatten)]
    /// The keys file.
    pub file: KeysFileArg,
    /// Do not ask for confirmation (needed without a terminal).
    #[arg(long, short)]
    pub yes: bool,
    /// Write the secrets of new keys whose entry names no target (secret_to, secret_out) to FILE, a new dotenv or JSON file (by its extension), 0600.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub secrets_out: Option<PathBuf>,
    /// Start no step after this long, e.g. 10m (a CI job's limit); what is left is reported, for the next apply.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub deadline: Option<Duration>,
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_timeout, help = super::secret_delivery::DELIVERY_TIMEOUT_HELP)]
    /// How long a secret_to command may run.
    pub delivery_timeout: Duration,
    #[arg(long, help = JSON_HELP)]
    /// Print JSON.
    pub json: bool,
}
