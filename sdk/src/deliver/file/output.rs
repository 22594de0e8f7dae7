//! Output files: checked before anything is sent (what may already stand at
//! the path), written atomically with owner-only permissions, never through
//! a link, never over something else. The secret files and the reports and
//! journals write through these.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::read_held;
use crate::error::DeliveryError;

/// What may already stand at an output path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputKind {
    /// Nothing: the file must not exist (reports, files of many secrets).
    New,
    /// Nothing, or a regular file (a report written with `--force`).
    ReplaceFile,
    /// Nothing, an empty regular file, or one holding nothing but a single
    /// `NAME=` line: an older secret of the same kind, which is kept beside
    /// it before it is replaced ([`KeptSecret`](super::KeptSecret)).
    /// `env_name` is the variable the line must name.
    SecretLine {
        /// The variable the line must name.
        env_name: String,
    },
}

/// Checks that `path` can take an output of this kind, before anything is
/// sent: its directory exists and can be written to, and the path is absent
/// or (by `kind`) a file that may be replaced. A link, a directory, a device,
/// a FIFO or a socket is always refused. Returns whether a file is there now.
pub fn check_output(path: &Path, kind: &OutputKind) -> Result<bool, DeliveryError> {
    inspect(path, kind, true)
}

/// [`check_output`]; `probe` writes a probe file to test the directory. A
/// write repeats the checks without it: its own temporary file is the test.
pub(super) fn inspect(path: &Path, kind: &OutputKind, probe: bool) -> Result<bool, DeliveryError> {
    let shown = path.display().to_string();
    let refuse = |message: String, hint: &str| DeliveryError::new(&shown, message).hint(hint);
    // `dir/` names a directory even when `dir` does not exist yet.
    let ends_in_slash = path.as_os_str().as_encoded_bytes().ends_with(b"/");
    if path.as_os_str().is_empty() || path.file_name().is_none() || ends_in_slash {
        return Err(refuse(
            "is not a file name".into(),
            "give the path of a file, e.g. ./key.env",
        ));
    }
    let dir = parent_dir(path);
    check_dir(dir, &refuse)?;
    // The one sure test of writability is writing: a probe file, removed at once.
    if probe {
        let probe = create_temp(dir).map_err(|e| {
            refuse(
                format!("cannot write in the directory {}: {e}", dir.display()),
                "choose a path in a directory you can write to",
            )
        })?;
        drop(probe.file);
        let _ = fs::remove_file(&probe.path);
    }
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => {
            return Err(refuse(
                format!("cannot inspect it: {e}"),
                "choose another path",
            ));
        }
    };
    if let Some(what) = not_a_file(meta.file_type()) {
        return Err(refuse(
            format!("is {what}; it was left untouched"),
            "give the path of a new file",
        ));
    }
    may_replace(path, &meta, kind, &refuse)
}

/// Refuses a parent that is not an existing directory.
fn check_dir(
    dir: &Path,
    refuse: &dyn Fn(String, &str) -> DeliveryError,
) -> Result<(), DeliveryError> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(refuse(
            format!("{} is not a directory", dir.display()),
            "choose a path in an existing directory",
        )),
        Err(e) if e.kind() == ErrorKind::NotFound => Err(refuse(
            format!("the directory {} does not exist", dir.display()),
            "create the directory first, or choose a path in an existing one",
        )),
        Err(e) => Err(refuse(
            format!("cannot reach the directory {}: {e}", dir.display()),
            "choose a path in a directory you can write to",
        )),
    }
}

/// What the path is when it is not a regular file.
fn not_a_file(file_type: fs::FileType) -> Option<&'static str> {
    if file_type.is_symlink() {
        Some("a symbolic link; files are never written through a link")
    } else if file_type.is_dir() {
        Some("a directory")
    } else if file_type.is_fifo() {
        Some("a FIFO")
    } else if file_type.is_block_device() || file_type.is_char_device() {
        Some("a device")
    } else if file_type.is_socket() {
        Some("a socket")
    } else if !file_type.is_file() {
        Some("not a regular file")
    } else {
        None
    }
}

/// Whether an existing regular file may be replaced, as `kind` allows.
fn may_replace(
    path: &Path,
    meta: &fs::Metadata,
    kind: &OutputKind,
    refuse: &dyn Fn(String, &str) -> DeliveryError,
) -> Result<bool, DeliveryError> {
    match kind {
        OutputKind::New => Err(refuse(
            "already exists; it was left untouched".into(),
            "choose a new file (it is never written over)",
        )),
        OutputKind::ReplaceFile => Ok(true),
        OutputKind::SecretLine { env_name } => {
            if meta.len() == 0 || read_held(path, env_name).is_ok() {
                Ok(true)
            } else {
                Err(refuse(
                    format!(
                        "already exists and holds something other than one {env_name}= line; it was left untouched"
                    ),
                    "choose a new file for the secret",
                ))
            }
        }
    }
}

pub(super) fn open_no_follow(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

pub(in crate::deliver) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

struct TempFile {
    file: File,
    path: PathBuf,
}

/// A new, owner-only file: created exclusively, never over anything and
/// never through a link (`O_EXCL` and `O_NOFOLLOW`), mode 0600.
pub(in crate::deliver) fn create_owner_only(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
}

/// A new, owner-only temporary file beside the target ([`create_owner_only`]).
fn create_temp(dir: &Path) -> std::io::Result<TempFile> {
    let mut last = None;
    for _ in 0..16 {
        let path = dir.join(format!(".narrative-keys-{:016x}.tmp", fastrand::u64(..)));
        match create_owner_only(&path) {
            Ok(file) => return Ok(TempFile { file, path }),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// Writes `bytes` to `path` atomically with mode 0600: a temporary file in
/// the same directory, synced, then moved into place. With `replace` false
/// the move never replaces anything (a file that appeared meanwhile is left
/// as it is and the write refused); with `replace` true it replaces only a
/// regular file.
pub(super) fn write_atomic(path: &Path, bytes: &[u8], replace: bool) -> Result<(), DeliveryError> {
    let shown = path.display().to_string();
    let fail = |what: &str, e: std::io::Error| {
        DeliveryError::new(&shown, format!("could not {what}: {e}"))
            .hint("check the disk and the directory, then run again")
    };
    let dir = parent_dir(path);
    let mut tmp = create_temp(dir).map_err(|e| fail("create a temporary file beside it", e))?;
    let written = tmp.file.write_all(bytes).and_then(|()| tmp.file.sync_all());
    let placed = written.map_err(|e| fail("write", e)).and_then(|()| {
        if replace {
            match fs::symlink_metadata(path) {
                Ok(m) if !m.file_type().is_file() => Err(DeliveryError::new(
                    &shown,
                    "is no longer a regular file; it was left untouched",
                )
                .hint("give the path of a new file")),
                _ => fs::rename(&tmp.path, path).map_err(|e| fail("move the file into place", e)),
            }
        } else {
            // A hard link fails if anything is at `path`: a rename that never replaces.
            fs::hard_link(&tmp.path, path)
                .map_err(|e| {
                    if e.kind() == ErrorKind::AlreadyExists {
                        DeliveryError::new(
                            &shown,
                            "appeared while it was being written; it was left untouched",
                        )
                        .hint("choose a new file")
                    } else {
                        fail("move the file into place", e)
                    }
                })
                .map(|()| {
                    let _ = fs::remove_file(&tmp.path);
                })
        }
    });
    if placed.is_err() {
        let _ = fs::remove_file(&tmp.path);
        return placed;
    }
    sync_dir(dir);
    Ok(())
}

/// Makes a new directory entry durable too; some file systems refuse, harmlessly.
pub(in crate::deliver) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes a new file (a report) atomically with mode 0600, or replaces a
/// regular file there when `replace` is true. Check the path with
/// [`check_output`] before sending anything.
pub fn write_new_file(path: &Path, text: &str, replace: bool) -> Result<(), DeliveryError> {
    let kind = if replace {
        OutputKind::ReplaceFile
    } else {
        OutputKind::New
    };
    inspect(path, &kind, false)?;
    write_atomic(path, text.as_bytes(), replace)
}
