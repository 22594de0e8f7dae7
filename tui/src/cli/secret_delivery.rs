//! The delivery flags of the commands that make keys (create, clone, rotate).

use std::time::Duration;

use clap::{Args, ValueHint};

use super::duration::parse_timeout;

/// Where a new key's secret goes; checked before anything is sent. If it
/// cannot be delivered once the key exists, the key is revoked again (and a
/// rotated key's predecessor is kept).
#[derive(Debug, Args)]
pub struct SecretDelivery {
    /// Write the secret to FILE as `NAME=<secret>` (0600, atomically; new, empty, or holding only such a line, whose secret is kept beside it as FILE.replaced-TIME, deleted only if it worked before the run and not after); `-` prints it on stdout.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub secret_out: Option<String>,
    /// Run CMD with `sh -c`, the secret on its standard input (never in its arguments or environment); it delivers only by reading its input to the end and exiting 0.
    #[arg(long, value_name = "CMD", conflicts_with = "secret_out", value_hint = ValueHint::CommandString)]
    pub secret_to: Option<String>,
    /// The variable name --secret-out writes [default: NARRATIVE_API_KEY]
    #[arg(long, value_name = "NAME", requires = "secret_out")]
    pub secret_env_name: Option<String>,
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_timeout, requires = "secret_to", help = DELIVERY_TIMEOUT_HELP)]
    /// How long --secret-to's command may run.
    pub delivery_timeout: Duration,
}

/// Help text of a `--delivery-timeout` flag (here and in `incident`).
pub(super) const DELIVERY_TIMEOUT_HELP: &str = "How long --secret-to's command may run, e.g. 30s or 5m; then it is stopped with everything it started, the delivery fails and the new key is revoked again";
