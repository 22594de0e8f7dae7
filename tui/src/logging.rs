//! Logs go to a file, never the screen: `--log-file FILE`, else
//! `NARRATIVE_KEYS_LOG=FILE`, else (for the terminal UI only)
//! `narrative-keys/tui.log` under the user's state or data directory.
//! `RUST_LOG` filters them (default `info`). The file is created with mode 0600.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::CliError;

/// Where logs go without `--log-file`: the user's state directory.
pub fn default_path() -> Option<PathBuf> {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("narrative-keys").join("tui.log"))
}

/// Starts logging; returns the file's path, or `None` when logging is off
/// (no file asked for and `use_default` false).
pub fn init(path: Option<&Path>, use_default: bool) -> Result<Option<PathBuf>, CliError> {
    let path = path
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("NARRATIVE_KEYS_LOG").map(PathBuf::from))
        .or_else(|| use_default.then(default_path).flatten());
    let Some(path) = path else {
        return Ok(None);
    };
    let fail = |e: std::io::Error| {
        CliError::usage(format!("cannot open the log file {}: {e}", path.display()))
            .hint("choose a file you can write to with --log-file")
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never through a link, and never blocking on a FIFO.
        options
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(&path).map_err(fail)?;
    if !file.metadata().map_err(fail)?.is_file() {
        return Err(CliError::usage(format!(
            "the log file {} is not a regular file (a FIFO, a device or a socket)",
            path.display()
        ))
        .hint("choose a plain file with --log-file"));
    }
    // `mode` applies only to a file it creates: an existing log is made
    // owner-only too. Should that be refused (another user's file), logging
    // goes on: the log never holds a secret.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if file
            .metadata()
            .is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
        {
            let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
        }
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .map_err(|e| CliError::failed(format!("could not start logging: {e}")))?;
    Ok(Some(path))
}
