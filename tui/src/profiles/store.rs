//! Where a profile's key is kept: the OS keyring (every call under a short
//! timeout, so a hung D-Bus never hangs the CLI), or an owner-only
//! `credentials.toml` in an owner-only folder, refused when group or others
//! can read it, as ssh refuses a key file.

use std::collections::{BTreeMap, HashMap};
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use narrative_keys::Secret;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::CliError;

/// Where a profile's key is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    /// The OS keyring (service `narrative-keys`, account = the profile).
    Keyring,
    /// The owner-only `credentials.toml`.
    File,
}

impl Storage {
    /// `keyring` or `file`, as `config.toml`, `--json` and the sources name it.
    pub fn name(self) -> &'static str {
        match self {
            Storage::Keyring => "keyring",
            Storage::File => "file",
        }
    }
}

/// Why a store could not do what was asked; never holds a key.
#[derive(Debug)]
pub struct StoreError {
    /// What went wrong, naming the store.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl StoreError {
    /// As the CLI reports it, for profile `name`.
    pub fn into_cli(self, name: &str) -> CliError {
        CliError::failed(format!("profile {name}: {}", self.message)).hint(self.hint)
    }
}

/// A place that keeps one key per profile.
pub trait KeyStore: Send + Sync {
    /// The profile's key; `None` when none is stored.
    fn get(&self, profile: &str) -> Result<Option<Secret>, StoreError>;
    /// Stores the profile's key, replacing any.
    fn set(&self, profile: &str, key: &Secret) -> Result<(), StoreError>;
    /// Removes the profile's key; `false` when there was none.
    fn delete(&self, profile: &str) -> Result<bool, StoreError>;
}

/// How long one keyring call may take: stripe's 3 s.
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(3);

type EntryMaker = dyn Fn(&str) -> keyring::Result<keyring::Entry> + Send + Sync;

/// The OS keyring through the `keyring` crate: macOS Keychain, Windows
/// Credential Manager, the Secret Service (GNOME Keyring, KWallet) over D-Bus.
pub struct KeyringStore {
    make: Box<EntryMaker>,
    /// One entry per profile for the process's life (the mock store keeps
    /// its value in the entry).
    entries: Mutex<HashMap<String, Arc<keyring::Entry>>>,
    timeout: Duration,
}

impl KeyringStore {
    /// The platform's keyring, service [`super::SERVICE`].
    pub fn system() -> Self {
        Self::new(
            Box::new(|profile| keyring::Entry::new(super::SERVICE, profile)),
            KEYRING_TIMEOUT,
        )
    }

    /// A keyring whose entries `make` builds (tests: the crate's mock), each
    /// call given `timeout`.
    pub fn new(make: Box<EntryMaker>, timeout: Duration) -> Self {
        Self {
            make,
            entries: Mutex::new(HashMap::new()),
            timeout,
        }
    }

    fn entry(&self, profile: &str) -> Result<Arc<keyring::Entry>, StoreError> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = entries.get(profile) {
            return Ok(e.clone());
        }
        let entry = Arc::new((self.make)(profile).map_err(keyring_error)?);
        entries.insert(profile.to_owned(), entry.clone());
        Ok(entry)
    }

    /// Runs `call` on the profile's entry in a thread of its own, giving up
    /// after the timeout (the thread is left to finish or hang alone). The
    /// thread also keeps zbus's blocking runtime (the Secret Service) out of
    /// the CLI's tokio runtime: nesting the two would panic.
    fn call<T: Send + 'static>(
        &self,
        profile: &str,
        call: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<keyring::Result<T>, StoreError> {
        let entry = self.entry(profile)?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let _ = tx.send(call(&entry));
            })
            .map_err(|e| StoreError {
                message: format!("could not ask the OS keyring: {e}"),
                hint: "try again, or sign in with --insecure-storage".into(),
            })?;
        rx.recv_timeout(self.timeout).map_err(|_| StoreError {
            message: format!(
                "the OS keyring did not answer within {} s",
                self.timeout.as_secs_f32()
            ),
            hint: "unlock the keyring (or start its service) and try again, or sign in again with --insecure-storage to keep the key in a file".into(),
        })
    }
}

/// A keyring failure as a sentence; the crate's errors hold no secret.
fn keyring_error(e: keyring::Error) -> StoreError {
    StoreError {
        message: format!("the OS keyring failed: {e}"),
        hint: "unlock the keyring (or start its service) and try again, or sign in again with --insecure-storage to keep the key in a file".into(),
    }
}

impl KeyStore for KeyringStore {
    fn get(&self, profile: &str) -> Result<Option<Secret>, StoreError> {
        match self.call(profile, |e| e.get_password())? {
            Ok(key) => Ok(Some(Secret::new(key))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, profile: &str, key: &Secret) -> Result<(), StoreError> {
        let key = key.clone();
        self.call(profile, move |e| e.set_password(key.expose()))?
            .map_err(keyring_error)
    }

    fn delete(&self, profile: &str) -> Result<bool, StoreError> {
        match self.call(profile, |e| e.delete_credential())? {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

/// `credentials.toml`: `[profiles.NAME] api_key = "..."`, mode 0600, in a
/// 0700 folder, rewritten whole and atomically.
pub struct FileStore {
    path: PathBuf,
}

#[derive(Default, Serialize, Deserialize)]
struct CredentialsFile {
    #[serde(default)]
    profiles: BTreeMap<String, FileEntry>,
}

#[derive(Serialize, Deserialize)]
struct FileEntry {
    #[serde(serialize_with = "expose")]
    api_key: Secret,
}

/// The one place a key is written out: into the owner-only file.
fn expose<S: serde::Serializer>(key: &Secret, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(key.expose())
}

impl FileStore {
    /// The store at `path`.
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self) -> Result<CredentialsFile, StoreError> {
        let shown = self.path.display();
        let meta = match std::fs::symlink_metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(CredentialsFile::default());
            }
            Err(e) => {
                return Err(StoreError {
                    message: format!("cannot read {shown}: {e}"),
                    hint: "check the file and its folder".into(),
                });
            }
        };
        check_private(&self.path, &meta)?;
        check_private_dir(parent(&self.path))?;
        let text = Zeroizing::new(std::fs::read_to_string(&self.path).map_err(|e| StoreError {
            message: format!("cannot read {shown}: {e}"),
            hint: "check the file and its folder".into(),
        })?);
        // toml's message quotes the line, which may hold a key: only where.
        toml::from_str(&text).map_err(|e| StoreError {
            message: format!(
                "{shown} is not a valid credentials file (at byte {})",
                e.span().map_or(0, |s| s.start)
            ),
            hint: "remove it and sign in again with narrative-keys auth login".into(),
        })
    }

    fn write(&self, file: &CredentialsFile) -> Result<(), StoreError> {
        let dir = parent(&self.path);
        let to_store_error = |e: CliError| StoreError {
            message: e.message,
            hint: e.hint.unwrap_or_default(),
        };
        if file.profiles.is_empty() {
            return match std::fs::remove_file(&self.path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(StoreError {
                    message: format!("cannot remove {}: {e}", self.path.display()),
                    hint: "remove it by hand".into(),
                }),
            };
        }
        let text = Zeroizing::new(toml::to_string(file).map_err(|e| StoreError {
            message: format!("could not write the credentials: {e}"),
            hint: "report this as a bug".into(),
        })?);
        make_private_dir(dir).map_err(to_store_error)?;
        write_private(&self.path, &text).map_err(to_store_error)
    }
}

impl FileStore {
    /// The profiles the file holds a key for, sorted.
    pub fn profiles(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.read()?.profiles.into_keys().collect())
    }
}

impl KeyStore for FileStore {
    fn get(&self, profile: &str) -> Result<Option<Secret>, StoreError> {
        Ok(self.read()?.profiles.remove(profile).map(|e| e.api_key))
    }

    fn set(&self, profile: &str, key: &Secret) -> Result<(), StoreError> {
        let mut file = self.read()?;
        file.profiles.insert(
            profile.to_owned(),
            FileEntry {
                api_key: key.clone(),
            },
        );
        self.write(&file)
    }

    fn delete(&self, profile: &str) -> Result<bool, StoreError> {
        let mut file = self.read()?;
        let had = file.profiles.remove(profile).is_some();
        if had {
            self.write(&file)?;
        }
        Ok(had)
    }
}

/// Refuses a credentials file others could read or that is not the
/// caller's own, with the command that fixes it.
fn check_private(path: &Path, meta: &std::fs::Metadata) -> Result<(), StoreError> {
    let shown = path.display();
    if !meta.file_type().is_file() {
        return Err(StoreError {
            message: format!("{shown} is not a regular file (a link or something else)"),
            hint: format!("remove it (rm {shown}) and sign in again"),
        });
    }
    if meta.uid() != rustix::process::geteuid().as_raw() {
        return Err(StoreError {
            message: format!("{shown} belongs to another user, so its keys are not trusted"),
            hint: format!("remove it (rm {shown}) and sign in again"),
        });
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(StoreError {
            message: format!(
                "{shown} holds API keys and is readable by others (mode {mode:04o}); it is not used"
            ),
            hint: format!("make it private: chmod 600 {shown}"),
        });
    }
    Ok(())
}

/// Refuses a credentials file's folder others may write to, as ssh does:
/// whoever can write there can replace the file with keys of their own.
fn check_private_dir(dir: &Path) -> Result<(), StoreError> {
    let mode = std::fs::metadata(dir).map(|m| m.mode()).unwrap_or(0);
    if mode & 0o022 != 0 {
        return Err(StoreError {
            message: format!(
                "{} can be written by others (mode {:04o}), so the files kept there are not safe and are not used",
                dir.display(),
                mode & 0o777
            ),
            hint: format!("make it private: chmod 700 {}", dir.display()),
        });
    }
    Ok(())
}

/// The folder a path is in (`.` for a bare name).
pub(super) fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Creates `dir` (and its parents) owner-only; refuses one others may write to.
pub fn make_private_dir(dir: &Path) -> Result<(), CliError> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| {
            CliError::failed(format!("cannot create the folder {}: {e}", dir.display()))
                .hint("check HOME or XDG_CONFIG_HOME and the folder's permissions")
        })?;
    check_private_dir(dir).map_err(|e| CliError::failed(e.message).hint(e.hint))
}

/// Writes `text` to `path` atomically, mode 0600, replacing only a regular
/// file: `narrative_keys::deliver`'s writing.
pub fn write_private(path: &Path, text: &str) -> Result<(), CliError> {
    narrative_keys::deliver::write_new_file(path, text, true).map_err(|e| {
        let mut err = CliError::failed(format!("{}: {}", e.target, e.message));
        // The delivery's hint speaks of a path option this file has not:
        // say what to do with a link (a dotfiles manager's) instead.
        let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if link {
            let shown = path.display();
            err = err.hint(format!(
                "this file is never written through a link: replace the link with a regular file (cp --remove-destination \"$(readlink -f {shown})\" {shown}), then run again"
            ));
        } else if let Some(h) = e.hint {
            err = err.hint(h);
        }
        err
    })
}

/// The two stores of a machine: the keyring and the file.
pub struct Vault {
    keyring: Box<dyn KeyStore>,
    file: FileStore,
}

impl Vault {
    /// The stores to use.
    pub fn new(keyring: Box<dyn KeyStore>, file: FileStore) -> Self {
        Self { keyring, file }
    }

    /// The store of this kind.
    pub fn store(&self, storage: Storage) -> &dyn KeyStore {
        match storage {
            Storage::Keyring => self.keyring.as_ref(),
            Storage::File => &self.file,
        }
    }

    /// `the OS keyring`, or the file's path.
    pub fn describe(&self, storage: Storage) -> String {
        match storage {
            Storage::Keyring => "the OS keyring".into(),
            Storage::File => self.file.path().display().to_string(),
        }
    }

    /// Stores a profile's key: in the file when `insecure`, else in the
    /// keyring, falling back to the file when no keyring answers. Returns
    /// where it went and, after a fallback, the one-line warning to print.
    pub fn save(
        &self,
        profile: &str,
        key: &Secret,
        insecure: bool,
    ) -> Result<(Storage, Option<String>), CliError> {
        let file = |warning| {
            self.file
                .set(profile, key)
                .map(|()| (Storage::File, warning))
                .map_err(|e| e.into_cli(profile))
        };
        if insecure {
            return file(None);
        }
        match self.keyring.set(profile, key) {
            Ok(()) => Ok((Storage::Keyring, None)),
            Err(e) => file(Some(format!(
                "no OS keyring answered ({}); the key is stored in {} (owner-only); --insecure-storage chooses the file without trying",
                e.message,
                self.file.path().display()
            ))),
        }
    }
}
