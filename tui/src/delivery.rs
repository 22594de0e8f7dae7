//! Where the command line delivers new secrets: a 0600 file, a command, or
//! standard output. Each target is checked before the first request (the
//! SDK's workflows call `check`), and a secret that cannot be delivered gets
//! its key revoked again (see `narrative_keys::deliver`).

use std::io::Write;
use std::path::{Path, PathBuf};

use narrative_keys::deliver::{
    DeliveryError, KeptSecret, NewSecret, SecretCommand, SecretFile, SecretSink, SecretsFile,
};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::output::escape_controls;

/// A new secret's destination, as the flags chose it.
#[derive(Debug)]
pub enum Target {
    /// `--secret-out FILE`: `NAME=<secret>` in a file of its own.
    File(SecretFile),
    /// `--secrets-out FILE`: every replacement of an incident in one new file.
    Files(SecretsFile),
    /// `--secret-to CMD`: the command, once per secret.
    Command(SecretCommand),
    /// Standard output: alone on a line, or (`labelled`, for an incident) one
    /// line per replacement naming it; or in the `--json` document printed
    /// at the end.
    Stdout {
        /// With `--json`: the secret goes into the JSON document.
        json: bool,
        /// One line per secret naming its key and the key it replaces (an incident).
        labelled: bool,
        /// How many secrets were printed so far.
        printed: usize,
    },
}

impl Target {
    /// For `create`, `clone`, `rotate`: `--secret-out FILE|-`,
    /// `--secret-to CMD`, or stdout. A file holding one key line is
    /// replaced, its secret first kept beside it ([`Target::take_kept`]).
    pub fn one(
        secret_out: Option<&str>,
        secret_to: Option<&str>,
        env_name: Option<&str>,
        json: bool,
    ) -> Self {
        match (secret_out, secret_to) {
            (_, Some(cmd)) => Target::Command(SecretCommand::new(cmd)),
            (Some(path), None) if path != "-" => {
                let file = SecretFile::new(path);
                Target::File(match env_name {
                    Some(name) => file.env_name(name),
                    None => file,
                })
            }
            _ => Target::Stdout {
                json,
                labelled: false,
                printed: 0,
            },
        }
    }

    /// For `incident`: `--secrets-out FILE`, `--secret-to CMD`, or stdout.
    pub fn many(secrets_out: Option<&Path>, secret_to: Option<&str>, json: bool) -> Self {
        match (secrets_out, secret_to) {
            (_, Some(cmd)) => Target::Command(SecretCommand::new(cmd)),
            (Some(path), None) => Target::Files(SecretsFile::new(PathBuf::from(path))),
            (None, None) => Target::Stdout {
                json,
                labelled: true,
                printed: 0,
            },
        }
    }

    /// The secret a `--secret-out` file held before, kept beside it, to be
    /// checked once the run is over.
    pub fn take_kept(&mut self) -> Option<KeptSecret> {
        match self {
            Target::File(f) => f.take_kept(),
            _ => None,
        }
    }

    /// Whether the `--json` document must carry the secrets itself.
    pub fn in_json(&self) -> bool {
        matches!(self, Target::Stdout { json: true, .. })
    }

    /// `file`, `command` or `stdout`: where a secret goes, for a dry run's JSON.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Target::File(_) | Target::Files(_) => "file",
            Target::Command(_) => "command",
            Target::Stdout { .. } => "stdout",
        }
    }

    /// Where a secret would go, in words, for a dry run.
    pub fn describe(&self) -> String {
        match self {
            Target::File(f) if f.holds_secret() => format!(
                "written to {} (mode 0600), the secret it holds now first kept beside it",
                f.path().display()
            ),
            Target::File(f) => format!("written to {} (mode 0600)", f.path().display()),
            Target::Files(f) => format!("written to {} (mode 0600)", f.path().display()),
            Target::Command(c) => format!("handed to `{}` on its standard input", c.command()),
            Target::Stdout { json: true, .. } => "shown once, in the --json output".to_owned(),
            Target::Stdout { .. } => "shown once, alone on standard output".to_owned(),
        }
    }

    /// What the `--json` document says instead of a secret delivered
    /// elsewhere: where it went, or nothing (standard output).
    pub fn json_note(&self, one: bool) -> Option<SecretJson<'_>> {
        match self {
            Target::File(f) => Some(SecretJson::File(f.path())),
            Target::Files(f) => Some(SecretJson::Files(f.path())),
            Target::Command(c) if one => Some(SecretJson::Command(c.command())),
            Target::Command(c) => Some(SecretJson::Commands(c.command())),
            Target::Stdout { .. } => None,
        }
    }

    /// A sentence for stderr once the secrets were delivered.
    pub fn delivered_note(&self, count: usize) -> Option<String> {
        let what = if count == 1 {
            "The secret was"
        } else {
            "The secrets were"
        };
        match self {
            _ if count == 0 => None,
            Target::File(f) => Some(format!(
                "{what} written to {} (mode 0600); it will not be shown again.",
                f.path().display()
            )),
            Target::Files(f) => Some(format!(
                "{what} written to {} (mode 0600, one NAME=secret line each); they will not be shown again.",
                f.path().display()
            )),
            Target::Command(c) => Some(format!(
                "{what} handed to `{}` on its standard input.",
                c.command()
            )),
            Target::Stdout { .. } => None,
        }
    }
}

impl SecretSink for Target {
    fn check(&mut self) -> Result<(), DeliveryError> {
        match self {
            Target::File(f) => f.check(),
            Target::Files(f) => f.check(),
            Target::Command(c) => c.check(),
            Target::Stdout { .. } => Ok(()),
        }
    }

    fn deliver(&mut self, item: &NewSecret<'_>) -> Result<(), DeliveryError> {
        match self {
            Target::File(f) => f.deliver(item),
            Target::Files(f) => f.deliver(item),
            Target::Command(c) => c.deliver(item),
            Target::Stdout { json: true, .. } => Ok(()),
            Target::Stdout {
                json: false,
                labelled,
                printed,
            } => {
                if *printed == 0 {
                    anstream::eprintln!(
                        "The new secret follows on standard output. Store it now: it will not be shown again."
                    );
                }
                let mut out = std::io::stdout().lock();
                let written = if *labelled {
                    writeln!(
                        out,
                        "{} (replaces {}): {}",
                        escape_controls(&item.key.id),
                        escape_controls(item.replaces.unwrap_or("-")),
                        item.secret.expose()
                    )
                } else {
                    // Alone on its line, so `> file` captures only the secret.
                    writeln!(out, "{}", item.secret.expose())
                }
                .and_then(|()| out.flush());
                written.map_err(|e| {
                    DeliveryError::new("standard output", format!("could not be written: {e}"))
                        .hint("run again with --secret-out FILE or --secret-to CMD")
                })?;
                *printed += 1;
                Ok(())
            }
        }
    }
}

/// The one entry a `--json` document holds about a new secret: the secret
/// itself (`secret`), or where it went instead (`secret_file`,
/// `secrets_file`, `secret_command`, `secrets_command`). Serialised as a map
/// of that one entry, to be flattened into the document.
pub enum SecretJson<'a> {
    /// The secret, shown on purpose (`--json` with the secret on stdout).
    Shown(&'a str),
    /// `secret_file`: the file `--secret-out` wrote.
    File(&'a Path),
    /// `secrets_file`: the file `--secrets-out` wrote.
    Files(&'a Path),
    /// `secret_command`: the command `--secret-to` handed the secret to.
    Command(&'a str),
    /// `secrets_command`: the command `--secret-to` handed each secret to.
    Commands(&'a str),
}

impl SecretJson<'_> {
    /// The entry's name in the document.
    pub fn key(&self) -> &'static str {
        match self {
            SecretJson::Shown(_) => "secret",
            SecretJson::File(_) => "secret_file",
            SecretJson::Files(_) => "secrets_file",
            SecretJson::Command(_) => "secret_command",
            SecretJson::Commands(_) => "secrets_command",
        }
    }

    /// Writes the entry into a map being serialised.
    pub fn write<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match self {
            SecretJson::Shown(text) | SecretJson::Command(text) | SecretJson::Commands(text) => {
                map.serialize_entry(self.key(), text)
            }
            SecretJson::File(path) | SecretJson::Files(path) => {
                map.serialize_entry(self.key(), path)
            }
        }
    }
}

impl Serialize for SecretJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        self.write(&mut map)?;
        map.end()
    }
}
