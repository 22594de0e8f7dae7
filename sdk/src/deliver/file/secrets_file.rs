//! Many secrets in one new file (an incident's replacements), as dotenv
//! lines or JSON.

use std::io::Write;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::output::{OutputKind, check_output, write_atomic};
use crate::deliver::{DeliveryError, NewSecret, SecretSink};

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

/// The extension of `path` when it promises a format that is neither
/// dotenv nor JSON (`s.yaml` would be written as dotenv); `.env.local` is
/// dotenv.
fn other_format(path: &Path) -> Option<String> {
    let ext = path.extension()?.to_string_lossy();
    let dotenv_named = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(".env"));
    (!dotenv_named && !ext.eq_ignore_ascii_case("env") && !ext.eq_ignore_ascii_case("json"))
        .then(|| ext.into_owned())
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
        if let Some(other) = other_format(&self.path) {
            return Err(DeliveryError::new(
                self.path.display().to_string(),
                format!("its extension .{other} names neither format this file is written in: dotenv (`.env`, or no extension) or JSON (`.json`)"),
            )
            .hint("name the file with .env or .json"));
        }
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
