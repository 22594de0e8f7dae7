//! Small helpers several test files share: a process's output, a file's mode.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

/// A process's standard output, lossily decoded.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A process's standard error, lossily decoded.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A process's standard output as one JSON document; panics showing the
/// output if it is not one.
pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// A file's permission bits (`0o600` for owner read and write only).
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("the file exists")
        .permissions()
        .mode()
        & 0o777
}

/// Fails unless only the file's owner can read and write it (mode 0600).
pub fn assert_mode_0600(path: &Path) {
    assert_eq!(mode(path), 0o600, "{}", path.display());
}
