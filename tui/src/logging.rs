//! Logs go to a file, never the screen: `--log-file FILE` or
//! `NARRATIVE_KEYS_LOG=FILE`, filtered by `RUST_LOG` (default `info`).

use std::path::Path;

use crate::error::CliError;

/// Starts logging to `path` (appending) when one is given; otherwise logs are off.
pub fn init(path: Option<&Path>) -> Result<(), CliError> {
    let env_path = std::env::var_os("NARRATIVE_KEYS_LOG");
    let Some(path) = path.or(env_path.as_deref().map(Path::new)) else {
        return Ok(());
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| {
            CliError::usage(format!("cannot open the log file {}: {e}", path.display()))
                .hint("choose a file you can write to with --log-file")
        })?;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .map_err(|e| CliError::failed(format!("could not start logging: {e}")))
}
