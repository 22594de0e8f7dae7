//! Secret files: one secret written as `NAME=<secret>` to a file of its
//! own, and how the line such a file already holds is read; many secrets in
//! one file ([`SecretsFile`]); and the checked, atomic writing both use
//! (`output`), which reports and journals use too.

mod output;
mod secrets_file;
#[cfg(test)]
mod tests;

use std::io::Read;
use std::path::{Path, PathBuf};

use zeroize::{Zeroize, Zeroizing};

pub use self::output::{OutputKind, check_output, write_new_file};
pub(super) use self::output::{create_owner_only, parent_dir, sync_dir};
use self::output::{inspect, open_no_follow, write_atomic};
pub use self::secrets_file::{SecretsFile, SecretsFormat};
use super::kept::Probed;
use super::{DeliveryError, KeptSecret, NewSecret, SecretSink, is_env_name};
use crate::client::Client;
use crate::secret::Secret;

/// Largest file taken for a secret file: anything bigger holds more than a key.
const MAX_SECRET_FILE: u64 = 16 * 1024;

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
