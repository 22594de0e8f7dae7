//! Logs go to a file, never to the screen: `--log-file`, `NARRATIVE_KEYS_LOG`,
//! or `narrative-keys/tui.log` under the user's state (or data) directory.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub fn default_path() -> Option<PathBuf> {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("narrative-keys").join("tui.log"))
}

/// Starts logging to the file; `None` (and no logging) when it cannot be
/// opened, since the screen is no place for it.
pub fn init(path: Option<&Path>) -> Option<PathBuf> {
    let path = path
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("NARRATIVE_KEYS_LOG").map(PathBuf::from))
        .or_else(default_path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).ok()?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path).ok()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("NARRATIVE_KEYS_LOG_LEVEL")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(path)
}
