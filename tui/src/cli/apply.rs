//! `apply`'s arguments.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueHint};

use super::duration::{parse_duration, parse_timeout};
use super::plan::KeysFileArg;
use super::{JSON_HELP, JSON_LONG_HELP};

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
    /// How many keys are worked on at once (each key's steps stay in order: create, check, deliver, retire).
    #[arg(long, value_name = "N", default_value_t = NonZeroUsize::new(narrative_keys::keys_as_code::DEFAULT_JOBS).unwrap_or(NonZeroUsize::MIN), value_parser = parse_jobs)]
    pub jobs: NonZeroUsize,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}

/// The most keys one apply works on at once: beyond it the server's rate
/// limit, not the run, sets the pace.
const MAX_JOBS: usize = 64;

fn parse_jobs(text: &str) -> Result<NonZeroUsize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n <= MAX_JOBS => NonZeroUsize::new(n).ok_or_else(jobs_wanted),
        _ => Err(jobs_wanted()),
    }
}

fn jobs_wanted() -> String {
    format!("give a whole number from 1 to {MAX_JOBS} (1 applies one key at a time)")
}
