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
    ///
    /// Without --secret-out or --secret-to the secret goes alone on
    /// standard output (the rest to stderr), so `> key.txt` captures only
    /// the secret; a standard output that would lose it (> /dev/null, or
    /// closed) is refused with exit status 2 before anything is sent, and a
    /// write that fails later is a failed delivery: the key is revoked
    /// again, exit status 1. With --json the secret is the document's
    /// first entry, written as it is delivered.
    ///
    /// FILE must be new, empty, or hold nothing but one `NAME=` line; a
    /// link, a directory, a device or a file with other content is refused
    /// with exit status 2 before anything is sent. A line's secret is first
    /// kept beside it as FILE.replaced-TIME (a new 0600 file). /whoami is
    /// asked with it before the run changes anything and again at its end:
    /// only if it worked before and is refused after (it died in this run)
    /// is the copy deleted. If it was refused before too (another
    /// environment's secret), or still works (another key's, or the old key
    /// of --overlap or --keep-old), or could not be checked, the copy stays
    /// and stderr says where and what to do. The line is read as dotenv
    /// reads it: `NAME=<secret> # comment` is the secret alone.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub secret_out: Option<String>,
    /// Run CMD with `sh -c`, the secret on its standard input (never in its arguments or environment); it delivers only by reading its input to the end and exiting 0.
    ///
    /// A command that exits 0 without reading the whole secret
    /// (`true`, `head -c 0`) fails, and so do a non-zero status and a
    /// command still running after --delivery-timeout; the new key is then
    /// revoked again. After 2 seconds stderr says once what it is waiting
    /// for. The command runs in a process group of its own, stopped whole
    /// (SIGTERM, then SIGKILL after 1 s) when it fails, overruns or the run
    /// is interrupted, and killed at once by a watcher if the CLI itself is
    /// killed. It runs with umask 077; neither the secret nor your
    /// NARRATIVE_API_KEY or NARRATIVE_API_TOKEN is in its environment; its
    /// output goes to stderr with the secret redacted. Examples: 'gh
    /// secret set NARRATIVE_API_KEY', 'vault kv put secret/etl key=-'.
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
