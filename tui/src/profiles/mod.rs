//! Named profiles (`auth login`): their settings in
//! `$XDG_CONFIG_HOME/narrative-keys/config.toml` (an environment and where
//! the key is stored; the default profile), their keys in the OS keyring or,
//! where none answers, an owner-only `credentials.toml` beside it
//! ([`store`]). The key itself never enters `config.toml`.

pub mod store;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use narrative_keys::{Environment, Secret};
use serde::{Deserialize, Serialize};

use crate::error::CliError;
pub use store::{FileStore, KeyStore, KeyringStore, Storage, StoreError, Vault};

/// The keyring's service name: each profile is an account under it.
pub const SERVICE: &str = "narrative-keys";
/// The profile `auth login` makes when none is named and none is the default.
pub const DEFAULT_PROFILE: &str = "default";
/// The variable naming the profile to use when no flag or key variable decides.
pub const PROFILE_VAR: &str = "NARRATIVE_PROFILE";

/// One profile's settings, as `config.toml` holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// `prod`, `dev` or a URL, as `--environment` takes it.
    pub environment: String,
    /// Where its key is.
    pub storage: Storage,
}

impl Profile {
    /// The environment, parsed; `name` says which profile a bad one is in.
    pub fn environment(&self, name: &str, path: &Path) -> Result<Environment, CliError> {
        self.environment.parse::<Environment>().map_err(|e| {
            CliError::usage(format!(
                "profile {name} in {}: environment: {e}",
                path.display()
            ))
            .hint(format!(
                "sign in again: narrative-keys auth login --profile {name} --environment prod|dev|URL"
            ))
        })
    }
}

/// `config.toml`: the profiles and the default one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The profile used when neither a flag nor a variable names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Every profile, by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// The folder of the settings and the fallback credentials, and what they hold.
pub struct Profiles {
    /// `$XDG_CONFIG_HOME/narrative-keys` (else `~/.config/narrative-keys`).
    pub dir: PathBuf,
    /// What `config.toml` holds (empty when there is none yet).
    pub config: Config,
}

/// `$XDG_CONFIG_HOME/narrative-keys`, else `~/.config/narrative-keys`: the
/// same on every Unix, as gh and stripe do, so the path in the docs is the path.
pub fn config_dir() -> Result<PathBuf, CliError> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    xdg.or_else(|| dirs::home_dir().map(|h| h.join(".config")))
        .map(|d| d.join("narrative-keys"))
        .ok_or_else(|| {
            CliError::usage("no folder for the settings: neither XDG_CONFIG_HOME nor HOME is set")
                .hint("set HOME (or XDG_CONFIG_HOME to an absolute path), or pass --api-key")
        })
}

/// Checks a profile name: letters, digits, `-`, `_` and `.`, up to 64, so it
/// is one word in a shell, a TOML key and a keyring account alike.
pub fn check_name(name: &str) -> Result<(), CliError> {
    let fine = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if fine {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "profile name {:?} is not allowed",
            crate::output::escape_controls(name)
        ))
        .hint("use letters, digits, '-', '_' or '.', at most 64 characters, e.g. work or dev-acme"))
    }
}

impl Profiles {
    /// Reads `config.toml` from [`config_dir`]; none there is no profiles.
    pub fn load() -> Result<Self, CliError> {
        Self::load_from(config_dir()?)
    }

    /// Reads `dir/config.toml`; none there is no profiles.
    pub fn load_from(dir: PathBuf) -> Result<Self, CliError> {
        let path = dir.join("config.toml");
        let config = match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| {
                CliError::usage(format!(
                    "{} is not a valid settings file: {}",
                    path.display(),
                    e.message()
                ))
                .hint("fix it, or remove it and sign in again with narrative-keys auth login")
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(e) => {
                return Err(CliError::usage(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        };
        Ok(Self { dir, config })
    }

    /// Where the settings are.
    pub fn config_path(&self) -> PathBuf {
        self.dir.join("config.toml")
    }

    /// The fallback store of keys, in the same folder.
    pub fn file_store(&self) -> FileStore {
        FileStore::new(self.dir.join("credentials.toml"))
    }

    /// The stores of this machine: the OS keyring, and the file.
    pub fn vault(&self) -> Vault {
        Vault::new(Box::new(KeyringStore::system()), self.file_store())
    }

    /// A profile by name, or an error saying which exist.
    pub fn get(&self, name: &str, named_by: &str) -> Result<&Profile, CliError> {
        self.config.profiles.get(name).ok_or_else(|| {
            let known = self.names();
            CliError::usage(format!(
                "{named_by} names profile {name}, which does not exist"
            ))
            .hint(if known.is_empty() {
                format!("sign in first: narrative-keys auth login --profile {name}")
            } else {
                format!(
                    "the profiles are {}; sign in with narrative-keys auth login --profile {name}",
                    known.join(", ")
                )
            })
        })
    }

    /// The profiles `credentials.toml` holds a key for that no profile of
    /// `config.toml` keeps there (a settings file moved away or replaced),
    /// sorted; unreadable, it is said where its keys are used.
    pub fn orphaned_keys(&self) -> Vec<String> {
        let kept_in_file = |name: &String| {
            self.config
                .profiles
                .get(name)
                .is_some_and(|p| p.storage == store::Storage::File)
        };
        let mut names = self.file_store().profiles().unwrap_or_default();
        names.retain(|name| !kept_in_file(name));
        names
    }

    /// The profiles' names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.config.profiles.keys().cloned().collect()
    }

    /// Writes `config.toml` atomically, owner-only, in a 0700 folder.
    pub fn save(&self) -> Result<(), CliError> {
        let text = toml::to_string(&self.config)
            .map_err(|e| CliError::failed(format!("could not write the settings: {e}")))?;
        let text = format!(
            "# narrative-keys profiles: `narrative-keys auth --help`. No key is kept here.\n{text}"
        );
        store::make_private_dir(&self.dir)?;
        store::write_private(&self.config_path(), &text)
    }

    /// The key of profile `name`, from where it is stored.
    pub fn key(&self, vault: &Vault, name: &str) -> Result<Secret, CliError> {
        let profile = self.get(name, "the settings")?;
        vault
            .store(profile.storage)
            .get(name)
            .map_err(|e| e.into_cli(name))?
            .ok_or_else(|| {
                CliError::usage(format!(
                    "profile {name} has no key in {}",
                    vault.describe(profile.storage)
                ))
                .hint(format!(
                    "sign in again: narrative-keys auth login --profile {name}"
                ))
            })
    }
}

#[cfg(test)]
mod tests;
