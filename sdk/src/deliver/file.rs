//! Secret and report files: checked before anything is sent, written
//! atomically with owner-only permissions, never through a link, never over
//! something else.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use zeroize::{Zeroize, Zeroizing};

use super::kept::Probed;
use super::{DeliveryError, KeptSecret, NewSecret, SecretSink, is_env_name};
use crate::client::Client;
use crate::secret::Secret;

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

/// Largest file taken for a secret file: anything bigger holds more than a key.
const MAX_SECRET_FILE: u64 = 16 * 1024;

/// Checks that `path` can take an output of this kind, before anything is
/// sent: its directory exists and can be written to, and the path is absent
/// or (by `kind`) a file that may be replaced. A link, a directory, a device,
/// a FIFO or a socket is always refused. Returns whether a file is there now.
pub fn check_output(path: &Path, kind: &OutputKind) -> Result<bool, DeliveryError> {
    inspect(path, kind, true)
}

/// [`check_output`]; `probe` writes a probe file to test the directory. A
/// write repeats the checks without it: its own temporary file is the test.
fn inspect(path: &Path, kind: &OutputKind, probe: bool) -> Result<bool, DeliveryError> {
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

/// The secret a secret file holds: its whole text, and the value of its one
/// `NAME=value` line as dotenv reads it ([`dotenv_value`]).
struct Held {
    text: Zeroizing<String>,
    value: Secret,
}

/// What a secret file holds: `Ok(None)` nothing (empty or blank, or an
/// empty value), `Ok(Some)` one `NAME=value` line (blank lines aside) and
/// nothing else, `Err` anything else (a value that is not one secret
/// included), or a file that cannot be read.
fn read_held(path: &Path, env_name: &str) -> Result<Option<Held>, ()> {
    let file = open_no_follow(path).map_err(drop)?;
    let mut text = Zeroizing::new(String::new());
    if file
        .take(MAX_SECRET_FILE + 1)
        .read_to_string(&mut text)
        .is_err()
        || text.len() as u64 > MAX_SECRET_FILE
    {
        return Err(());
    }
    let prefix = format!("{env_name}=");
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let value = match (lines.next(), lines.next()) {
        (None, _) => return Ok(None),
        (Some(line), None) => dotenv_value(line.strip_prefix(&prefix).ok_or(())?).ok_or(())?,
        (Some(_), Some(_)) => return Err(()),
    };
    let value = Secret::new(value);
    Ok(Some(Held { text, value }))
}

/// The value after `NAME=` as dotenv reads it, or `None` when it is not one
/// secret. Quoted (`"…"` or `'…'`): the text between the quotes, which may
/// be followed by blanks and a comment; failing that, a value quoted whole
/// as it stands. Unquoted: up to a comment (a space or tab, then `#`),
/// surrounding blanks off; whitespace left inside is no secret (`None`), so
/// trailing junk is never sent as part of one.
fn dotenv_value(rest: &str) -> Option<&str> {
    let start = rest.trim_start();
    if let Some(quote) = start.chars().next().filter(|c| matches!(c, '"' | '\'')) {
        let inner = &start[1..];
        if let Some(end) = inner.find(quote) {
            let after = &inner[end + 1..];
            let trailing = after.trim_start();
            if trailing.is_empty() || (trailing.starts_with('#') && after != trailing) {
                return Some(&inner[..end]);
            }
        }
        let whole = start.trim_end();
        return (whole.len() >= 2 && whole.ends_with(quote)).then(|| &whole[1..whole.len() - 1]);
    }
    let comment = rest
        .as_bytes()
        .windows(2)
        .position(|w| matches!(w, [b' ' | b'\t', b'#']));
    let value = comment.map_or(rest, |i| &rest[..i]).trim();
    (!value.contains(char::is_whitespace)).then_some(value)
}

fn open_no_follow(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

pub(super) fn parent_dir(path: &Path) -> &Path {
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
pub(super) fn create_owner_only(path: &Path) -> std::io::Result<File> {
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
fn write_atomic(path: &Path, bytes: &[u8], replace: bool) -> Result<(), DeliveryError> {
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
pub(super) fn sync_dir(dir: &Path) {
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

/// One secret written as `NAME=<secret>` to a file of its own, mode 0600.
/// The file may already hold one such line: that secret is first kept in a
/// new file beside it ([`KeptSecret`], from [`SecretFile::take_kept`]), to
/// be checked once the run is over, so it is never lost while it may still
/// work.
#[derive(Debug)]
pub struct SecretFile {
    path: PathBuf,
    env_name: String,
    delivered: bool,
    /// What the file held before, kept beside it.
    kept: Option<KeptSecret>,
    /// The secret the file held when [`SecretFile::probe_held`] asked
    /// `/whoami` with it, and the answer.
    probed: Option<Probed>,
}

impl SecretFile {
    /// A secret file writing `NARRATIVE_API_KEY=<secret>`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            env_name: "NARRATIVE_API_KEY".to_owned(),
            delivered: false,
            kept: None,
            probed: None,
        }
    }

    /// The variable name to write (default `NARRATIVE_API_KEY`).
    pub fn env_name(mut self, name: impl Into<String>) -> Self {
        self.env_name = name.into();
        self
    }

    /// Where the secret is written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file holds a secret now, which delivering would keep
    /// beside it first (for a dry run).
    pub fn holds_secret(&self) -> bool {
        matches!(read_held(&self.path, &self.env_name), Ok(Some(held)) if !held.value.is_empty())
    }

    /// Asks `/whoami` with the secret the file holds now (nothing when it
    /// holds none), in `session`'s environment, before anything replaces
    /// it: after [`SecretSink::check`], before the workflow's first write.
    /// Once the run is over, [`KeptSecret::check`] deletes the kept copy
    /// only of a secret that worked here then and is refused after: one
    /// that died in this run. Without this call a kept copy always stays.
    pub async fn probe_held(&mut self, session: &Client) {
        self.probed = match read_held(&self.path, &self.env_name) {
            Ok(Some(held)) if !held.value.is_empty() => {
                Some(Probed::ask(held.value, session).await)
            }
            _ => None,
        };
    }

    /// The secret the file held before the new one replaced it, kept
    /// beside it; `None` when it held none (or nothing was written). Check
    /// it with [`KeptSecret::check`] once the run is over.
    pub fn take_kept(&mut self) -> Option<KeptSecret> {
        self.kept.take()
    }

    fn kind(&self) -> OutputKind {
        OutputKind::SecretLine {
            env_name: self.env_name.clone(),
        }
    }

    /// Copies the secret the file holds now to a new file beside it, before
    /// the file is replaced; `None` when it holds none.
    fn keep_held(&mut self) -> Result<Option<KeptSecret>, DeliveryError> {
        match read_held(&self.path, &self.env_name) {
            Ok(Some(held)) if !held.value.is_empty() => {
                let before = Probed::of(self.probed.take(), &held.value);
                KeptSecret::keep(
                    &self.path,
                    held.text.as_bytes(),
                    held.value,
                    before,
                    chrono::Utc::now(),
                )
                .map(Some)
            }
            Ok(_) => Ok(None),
            Err(()) => Err(DeliveryError::new(
                self.path.display().to_string(),
                format!(
                    "changed while the key was being made: it now holds something other than one {}= line; it was left untouched",
                    self.env_name
                ),
            )
            .hint("choose a new file for the secret")),
        }
    }
}

impl SecretSink for SecretFile {
    fn check(&mut self) -> Result<(), DeliveryError> {
        if !is_env_name(&self.env_name) {
            return Err(DeliveryError::new(
                self.path.display().to_string(),
                format!("`{}` is not a variable name", self.env_name),
            )
            .hint("use letters, digits and _, not starting with a digit, e.g. NARRATIVE_API_KEY"));
        }
        check_output(&self.path, &self.kind()).map(drop)
    }

    fn deliver(&mut self, item: &NewSecret<'_>) -> Result<(), DeliveryError> {
        if self.delivered {
            return Err(DeliveryError::new(
                self.path.display().to_string(),
                "holds one secret, and one was written already",
            )
            .hint("use a file of many secrets (SecretsFile) for several keys"));
        }
        let exists = inspect(&self.path, &self.kind(), false)?;
        // Kept and synced before the file is replaced: never the only copy lost.
        let kept = if exists { self.keep_held()? } else { None };
        let mut line = format!("{}={}\n", self.env_name, item.secret.expose());
        let written = write_atomic(&self.path, line.as_bytes(), exists);
        line.zeroize();
        match written {
            Ok(()) => {
                self.delivered = true;
                self.kept = kept;
                Ok(())
            }
            Err(e) => {
                // The file was not replaced: it still holds its secret.
                if let Some(kept) = kept {
                    kept.discard();
                }
                Err(e)
            }
        }
    }
}

/// How a file of many secrets is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretsFormat {
    /// `NAME=<secret>` lines, loadable as a dotenv file; a comment above each
    /// names the key, its id and the key it replaces.
    Dotenv,
    /// A JSON array of `{"id", "name", "replaces", "env_name", "secret"}`.
    Json,
}

impl SecretsFormat {
    /// JSON for a path ending in `.json`, dotenv otherwise.
    pub fn for_path(path: &Path) -> Self {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            Self::Json
        } else {
            Self::Dotenv
        }
    }
}

struct Entry {
    id: String,
    name: String,
    replaces: Option<String>,
    env_name: String,
    secret: Zeroizing<String>,
}

/// Many secrets in one new file, mode 0600 (an incident's replacements). The
/// file is rewritten atomically after each secret, so a crash loses none that
/// was delivered; it must not exist before the first.
pub struct SecretsFile {
    path: PathBuf,
    format: SecretsFormat,
    entries: Vec<Entry>,
}

impl std::fmt::Debug for SecretsFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsFile")
            .field("path", &self.path)
            .field("format", &self.format)
            .field("secrets", &self.entries.len())
            .finish()
    }
}

impl SecretsFile {
    /// The format follows the path: JSON for `.json`, dotenv otherwise.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        Self {
            format: SecretsFormat::for_path(&path),
            path,
            entries: Vec::new(),
        }
    }

    /// Where the secrets are written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many secrets the file holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no secret has been written yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The file's bytes, written straight into one buffer reserved up front,
    /// so no copy of a secret is left in freed memory.
    fn render(&self) -> Zeroizing<Vec<u8>> {
        let size: usize = self
            .entries
            .iter()
            .map(|e| 128 + e.name.len() + e.id.len() + e.env_name.len() + e.secret.len())
            .sum();
        let mut out = Zeroizing::new(Vec::with_capacity(size + 128));
        // Writing to a Vec cannot fail.
        let _ = match self.format {
            SecretsFormat::Dotenv => self.write_dotenv(&mut out),
            SecretsFormat::Json => self.write_json(&mut out),
        };
        out
    }

    fn write_dotenv(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        out.write_all(b"# Secrets of new Narrative API keys, written by narrative-keys.\n")?;
        for e in &self.entries {
            write!(out, "\n# {} (id {}", one_line(&e.name), one_line(&e.id))?;
            if let Some(old) = &e.replaces {
                write!(out, ", replaces {}", one_line(old))?;
            }
            writeln!(out, ")\n{}={}", e.env_name, e.secret.as_str())?;
        }
        Ok(())
    }

    fn write_json(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            id: &'a str,
            name: &'a str,
            replaces: Option<&'a str>,
            env_name: &'a str,
            secret: &'a str,
        }
        let rows: Vec<Row<'_>> = self
            .entries
            .iter()
            .map(|e| Row {
                id: &e.id,
                name: &e.name,
                replaces: e.replaces.as_deref(),
                env_name: &e.env_name,
                secret: &e.secret,
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        out.push(b'\n');
        Ok(())
    }

    /// A name not used yet in this file: `NAME`, then `NAME_2`, `NAME_3`, ...
    fn unique_env_name(&self, base: String) -> String {
        let taken = |n: &str| self.entries.iter().any(|e| e.env_name == n);
        if !taken(&base) {
            return base;
        }
        (2..)
            .map(|i| format!("{base}_{i}"))
            .find(|n| !taken(n))
            .unwrap_or(base)
    }
}

/// Server text on one line of a dotenv comment: control characters (a
/// newline would end the comment) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl SecretSink for SecretsFile {
    fn check(&mut self) -> Result<(), DeliveryError> {
        if self.entries.is_empty() {
            check_output(&self.path, &OutputKind::New).map(drop)
        } else {
            Ok(())
        }
    }

    fn deliver(&mut self, item: &NewSecret<'_>) -> Result<(), DeliveryError> {
        let env_name = self.unique_env_name(item.env_name());
        let first = self.entries.is_empty();
        self.entries.push(Entry {
            id: item.key.id.clone(),
            name: item.key.name.clone(),
            replaces: item.replaces.map(str::to_owned),
            env_name,
            secret: Zeroizing::new(item.secret.expose().to_owned()),
        });
        let text = self.render();
        let written = write_atomic(&self.path, &text, !first);
        if written.is_err() {
            // Not in the file: not delivered.
            self.entries.pop();
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::ApiKey;
    use crate::permission::PermissionSet;

    fn key(id: &str, name: &str) -> ApiKey {
        ApiKey {
            id: id.into(),
            name: name.into(),
            permissions: PermissionSet::new(),
            expires_at: None,
        }
    }

    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_secret_file_is_0600_and_replaces_only_a_key_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.env");
        let k = key("k1", "app");
        let secret = crate::Secret::new("s3cr3t-one");
        let item = NewSecret {
            key: &k,
            secret: &secret,
            replaces: None,
        };
        let mut sink = SecretFile::new(&path);
        sink.check().unwrap();
        sink.deliver(&item).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "NARRATIVE_API_KEY=s3cr3t-one\n"
        );
        assert_eq!(mode(&path), 0o600);
        assert!(sink.take_kept().is_none(), "a new file replaced nothing");
        assert!(SecretFile::new(&path).holds_secret());
        assert!(!SecretFile::new(&path).env_name("OTHER").holds_secret());
        // The next rotation replaces it, keeping the secret it held beside it.
        let secret2 = crate::Secret::new("s3cr3t-two");
        let mut again = SecretFile::new(&path);
        again.check().unwrap();
        again
            .deliver(&NewSecret {
                secret: &secret2,
                ..item
            })
            .unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "NARRATIVE_API_KEY=s3cr3t-two\n"
        );
        let kept = again.take_kept().expect("the old secret was kept");
        assert_eq!(kept.replaced(), path);
        assert_eq!(
            fs::read_to_string(kept.path()).unwrap(),
            "NARRATIVE_API_KEY=s3cr3t-one\n"
        );
        assert_eq!(mode(kept.path()), 0o600);
        let name = kept.path().file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("app.env.replaced-"), "{name}");
        assert!(!format!("{kept:?}").contains("s3cr3t"), "{kept:?}");
        // Another variable name is other content.
        let err = SecretFile::new(&path)
            .env_name("APP_KEY")
            .check()
            .unwrap_err();
        assert!(err.message.contains("one APP_KEY= line"), "{err}");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "the file and its kept secret; no temporary file left"
        );
    }

    #[test]
    fn an_empty_or_blank_file_or_line_takes_a_secret_and_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let k = key("k1", "app");
        let secret = crate::Secret::new("fresh");
        for (name, before) in [
            ("made-by-mktemp", ""),
            ("blank.env", "\n \n"),
            ("empty-value.env", "NARRATIVE_API_KEY=\n"),
        ] {
            let path = dir.path().join(name);
            fs::write(&path, before).unwrap();
            let mut sink = SecretFile::new(&path);
            sink.check().unwrap();
            sink.deliver(&NewSecret {
                key: &k,
                secret: &secret,
                replaces: None,
            })
            .unwrap();
            assert!(sink.take_kept().is_none(), "{name}: no secret to keep");
            assert_eq!(
                fs::read_to_string(&path).unwrap(),
                "NARRATIVE_API_KEY=fresh\n"
            );
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
    }

    #[test]
    fn a_quoted_secret_is_kept_as_its_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.env");
        fs::write(&path, "\nNARRATIVE_API_KEY=\"quoted-value\"\n").unwrap();
        let mut sink = SecretFile::new(&path);
        sink.check().unwrap();
        let k = key("k1", "app");
        let secret = crate::Secret::new("fresh");
        sink.deliver(&NewSecret {
            key: &k,
            secret: &secret,
            replaces: None,
        })
        .unwrap();
        let kept = sink.take_kept().unwrap();
        assert_eq!(kept.secret_value(), "quoted-value");
        assert_eq!(
            fs::read_to_string(kept.path()).unwrap(),
            "\nNARRATIVE_API_KEY=\"quoted-value\"\n",
            "kept byte for byte"
        );
    }

    #[test]
    fn a_line_is_read_as_dotenv_reads_an_unquoted_value() {
        // (after `NAME=`, what dotenv makes of it)
        let cases: [(&str, Option<&str>); 14] = [
            ("live-secret", Some("live-secret")),
            ("  live-secret \t", Some("live-secret")),
            ("live-secret # prod", Some("live-secret")),
            ("live-secret\t# prod", Some("live-secret")),
            ("live-secret #", Some("live-secret")),
            ("live#secret", Some("live#secret")),
            (" # only a comment", Some("")),
            ("live-secret\tx", None),
            ("live-secret x", None),
            ("live secret # prod", None),
            ("\"quoted value\"", Some("quoted value")),
            ("'quoted' # prod", Some("quoted")),
            ("\"a\"b\"", Some("a\"b")),
            ("\"unclosed", None),
        ];
        for (rest, want) in cases {
            assert_eq!(dotenv_value(rest), want, "{rest:?}");
        }
    }

    #[test]
    fn trailing_junk_is_never_taken_as_part_of_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let k = key("k1", "app");
        let fresh = crate::Secret::new("fresh");
        let item = NewSecret {
            key: &k,
            secret: &fresh,
            replaces: None,
        };
        // An inline comment: the secret before it is the one kept.
        let commented = dir.path().join("commented.env");
        fs::write(&commented, "NARRATIVE_API_KEY=live-secret # prod\n").unwrap();
        let mut sink = SecretFile::new(&commented);
        sink.check().unwrap();
        sink.deliver(&item).unwrap();
        let kept = sink.take_kept().unwrap();
        assert_eq!(kept.secret_value(), "live-secret");
        assert_eq!(
            fs::read_to_string(kept.path()).unwrap(),
            "NARRATIVE_API_KEY=live-secret # prod\n",
            "kept byte for byte"
        );
        // Whitespace inside that is no comment: no secret, so refused.
        for (name, text) in [
            ("tab.env", "NARRATIVE_API_KEY=live-secret\tx\n"),
            ("space.env", "NARRATIVE_API_KEY=live secret\n"),
        ] {
            let path = dir.path().join(name);
            fs::write(&path, text).unwrap();
            let err = SecretFile::new(&path).check().unwrap_err();
            assert!(
                err.message
                    .contains("holds something other than one NARRATIVE_API_KEY= line"),
                "{name}: {err}"
            );
            assert!(!SecretFile::new(&path).holds_secret(), "{name}");
            assert_eq!(
                fs::read_to_string(&path).unwrap(),
                text,
                "{name}: untouched"
            );
        }
    }

    #[test]
    fn refusals_name_the_path_and_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("settings.env");
        fs::write(&other, "DATABASE_URL=x\nNARRATIVE_API_KEY=y\n").unwrap();
        let link = dir.path().join("link.env");
        std::os::unix::fs::symlink(dir.path().join("target.env"), &link).unwrap();
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let cases = [
            (
                other.clone(),
                "holds something other than one NARRATIVE_API_KEY= line",
            ),
            (link.clone(), "symbolic link"),
            (fifo.clone(), "a FIFO"),
            (dir.path().to_path_buf(), "a directory"),
            (dir.path().join("missing/key.env"), "does not exist"),
            (PathBuf::from("/dev/null"), "a device"),
        ];
        for (path, expected) in cases {
            let err = SecretFile::new(&path).check().unwrap_err();
            assert!(err.message.contains(expected), "{}: {err}", path.display());
            assert_eq!(err.target, path.display().to_string());
            assert!(err.hint.is_some());
        }
        assert_eq!(
            fs::read_to_string(&other).unwrap(),
            "DATABASE_URL=x\nNARRATIVE_API_KEY=y\n"
        );
        assert!(
            !dir.path().join("target.env").exists(),
            "nothing written through the link"
        );
        let report = dir.path().join("report.md");
        fs::write(&report, "old").unwrap();
        assert!(
            check_output(&report, &OutputKind::New)
                .unwrap_err()
                .message
                .contains("already exists")
        );
        assert!(write_new_file(&report, "new", false).is_err());
        assert_eq!(fs::read_to_string(&report).unwrap(), "old");
        write_new_file(&report, "new", true).unwrap();
        assert_eq!(fs::read_to_string(&report).unwrap(), "new");
        assert!(
            write_new_file(&link, "x", true).is_err(),
            "--force never writes through a link"
        );
    }

    #[test]
    fn a_file_of_many_secrets_grows_one_secret_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("replacements.env");
        let mut sink = SecretsFile::new(&path);
        sink.check().unwrap();
        let a = key("id-a", "Nightly ingestion");
        let b = key("id-b", "nightly\ningestion=x");
        let (sa, sb) = (crate::Secret::new("sec-a"), crate::Secret::new("sec-b"));
        sink.deliver(&NewSecret {
            key: &a,
            secret: &sa,
            replaces: Some("old-a"),
        })
        .unwrap();
        assert!(
            fs::read_to_string(&path)
                .unwrap()
                .contains("NIGHTLY_INGESTION=sec-a\n")
        );
        assert_eq!(mode(&path), 0o600);
        sink.deliver(&NewSecret {
            key: &b,
            secret: &sb,
            replaces: Some("old-b"),
        })
        .unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(
                "# Nightly ingestion (id id-a, replaces old-a)\nNIGHTLY_INGESTION=sec-a\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "# nightly ingestion=x (id id-b, replaces old-b)\nNIGHTLY_INGESTION_X=sec-b\n"
            ),
            "{text}"
        );
        for line in text
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let (name, _) = line.split_once('=').unwrap();
            assert!(is_env_name(name), "{line}");
        }
        // JSON for .json.
        let json_path = dir.path().join("replacements.json");
        let mut sink = SecretsFile::new(&json_path);
        sink.check().unwrap();
        sink.deliver(&NewSecret {
            key: &a,
            secret: &sa,
            replaces: Some("old-a"),
        })
        .unwrap();
        let rows: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&json_path).unwrap()).unwrap();
        assert_eq!(rows[0]["secret"], "sec-a");
        assert_eq!(rows[0]["replaces"], "old-a");
        assert_eq!(rows[0]["env_name"], "NIGHTLY_INGESTION");
        // An existing file is refused before anything is sent.
        assert!(
            SecretsFile::new(&path)
                .check()
                .unwrap_err()
                .message
                .contains("already exists")
        );
    }

    #[test]
    fn a_failed_write_is_not_counted_as_delivered() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        let path = sub.join("replacements.env");
        let mut sink = SecretsFile::new(&path);
        sink.check().unwrap();
        fs::remove_dir(&sub).unwrap();
        let a = key("id-a", "a");
        let s = crate::Secret::new("sec");
        let err = sink
            .deliver(&NewSecret {
                key: &a,
                secret: &s,
                replaces: None,
            })
            .unwrap_err();
        assert!(err.message.contains("could not"), "{err}");
        assert!(sink.is_empty());
    }
}
