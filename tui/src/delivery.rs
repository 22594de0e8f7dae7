//! Where the command line delivers new secrets: a 0600 file, a command, or
//! standard output. Each target is checked before the first request (the
//! SDK's workflows call `check`), and a secret that cannot be delivered gets
//! its key revoked again (see `narrative_keys::deliver`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use narrative_keys::deliver::{
    DeliveryError, KeptSecret, NewSecret, SecretCommand, SecretFile, SecretSink, SecretsFile,
    Waiting,
};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::cli::IncidentArgs;
use crate::error::CliError;
use crate::output::{escape_controls, msgln, pretty_json};

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
    /// line per replacement naming it; or in the `--json` document.
    Stdout {
        /// With `--json`: the secret goes into the JSON document, written
        /// as its delivery, so a standard output that cannot take it fails
        /// the delivery before anything else changes. For one secret
        /// (`create`, `clone`, `rotate`) that is the document's first entry,
        /// `"secret"`, and [`Target::print_document`] writes the rest; for an
        /// incident, each replacement's entry of `"secrets"`, and
        /// [`Target::print_incident_document`] the rest.
        json: bool,
        /// One line per secret naming its key and the key it replaces (an incident).
        labelled: bool,
        /// Whether secrets may come at all (an incident without replacements
        /// makes none), so standard output must be able to take them.
        expects_secrets: bool,
        /// How many secrets were printed so far.
        printed: usize,
    },
}

/// After this long, a delivery command still running is named on stderr.
const WAITING_NOTICE_AFTER: Duration = Duration::from_secs(2);

/// `--secret-to CMD`: stopped after `limit`, or when the process is
/// interrupted, and named on stderr once it has kept the run waiting.
fn secret_command(command: &str, limit: Duration) -> SecretCommand {
    SecretCommand::new(command)
        .limit(limit)
        .interrupt(crate::signals::interrupt().clone())
        .on_waiting(WAITING_NOTICE_AFTER, say_waiting)
}

/// The one line saying what the run waits for, and how to stop it.
fn say_waiting(w: &Waiting<'_>) {
    // Whole seconds, rounded up: "in 0s" would be wrong until it is over.
    let stops_in =
        Duration::from_secs(w.stops_in.as_secs() + u64::from(w.stops_in.subsec_nanos() > 0));
    let stops_at = chrono::Utc::now()
        + chrono::Duration::from_std(stops_in).unwrap_or(chrono::Duration::zero());
    msgln!(
        "Waiting for `{}` to take the secret of {} ({}); it will be stopped at {} (in {}) unless it finishes first, and the key revoked again. Ctrl-C stops it now.",
        escape_controls(w.command),
        escape_controls(&w.key.name),
        escape_controls(&w.key.id),
        stops_at.format("%H:%M:%S UTC"),
        narrative_keys::retry::duration_text(stops_in),
    );
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
        delivery_timeout: Duration,
    ) -> Self {
        match (secret_out, secret_to) {
            (_, Some(cmd)) => Target::Command(secret_command(cmd, delivery_timeout)),
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
                expects_secrets: true,
                printed: 0,
            },
        }
    }

    /// For `incident` and its `--resume`: `--secrets-out FILE`,
    /// `--secret-to CMD`, or stdout.
    pub fn many(args: &IncidentArgs) -> Self {
        match (&args.secrets_out, &args.secret_to) {
            (_, Some(cmd)) => Target::Command(secret_command(cmd, args.delivery_timeout)),
            (Some(path), None) => Target::Files(SecretsFile::new(PathBuf::from(path))),
            (None, None) => Target::Stdout {
                json: args.json,
                labelled: true,
                expects_secrets: args.replace || args.resume.is_some(),
                printed: 0,
            },
        }
    }

    /// Asks `/whoami` with the secret a `--secret-out` file holds now,
    /// before the run replaces it ([`SecretFile::probe_held`]): only a secret
    /// that worked then and is refused once the run is over has its kept
    /// copy deleted. Other targets hold no secret.
    pub async fn probe_held(&mut self, client: &narrative_keys::Client) {
        if let Target::File(f) = self {
            f.probe_held(client).await;
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

    /// Prints the `--json` document of a command that made one secret
    /// (`create`, `clone`, `rotate`). When the secret went to standard
    /// output, delivering it wrote the document's start (`{"secret": ...`),
    /// and `document`, which must not hold the secret again, is its rest.
    pub fn print_document<T: Serialize>(&self, document: &T) -> Result<(), CliError> {
        if !self.wrote_json_secrets(false) {
            return crate::output::print_json(document);
        }
        let text = pretty_json(document)?;
        // `{...}` without its opening brace, after the secret's entry.
        let rest = match text.strip_prefix('{') {
            Some("}") | None => "\n}".to_owned(),
            Some(fields) => format!(",{fields}"),
        };
        let mut out = std::io::stdout().lock();
        writeln!(out, "{rest}").and_then(|()| out.flush()).map_err(|e| {
            CliError::failed(format!(
                "the secret was written to standard output, but the rest of the JSON document could not be: {e}"
            ))
            .hint("the key works and its secret is the document's \"secret\"; `narrative-keys list --json` shows the rest")
        })
    }

    /// Whether delivering wrote secrets into a `--json` document on
    /// standard output: one command's (`labelled` false) or an incident's.
    fn wrote_json_secrets(&self, labelled: bool) -> bool {
        matches!(self, Target::Stdout { json: true, labelled: l, printed: 1.., .. } if *l == labelled)
    }

    /// Prints an incident's `--json` document, `{"secrets": [...], "report"}`
    /// (`report` as given): when the replacements' secrets went to standard
    /// output, delivering them wrote the document up to the last one, and
    /// this writes the rest; otherwise `whole`, the whole document.
    pub fn print_incident_document<R: Serialize, W: Serialize>(
        &self,
        report: &R,
        whole: &W,
    ) -> Result<(), CliError> {
        if !self.wrote_json_secrets(true) {
            return crate::output::print_json(whole);
        }
        let report = pretty_json(report)?;
        let mut out = std::io::stdout().lock();
        write_secrets_end(&mut out, &report)
            .and_then(|()| out.flush())
            .map_err(|e| {
                CliError::failed(format!(
                    "the replacements' secrets were written to standard output, but the rest of the JSON document could not be: {e}"
                ))
            })
    }
}

/// One replacement's entry of an incident's `--json` document, as
/// `serde_json`'s pretty printer writes it there; the first opens the
/// document and its `"secrets"` list. The secret goes straight to `out`.
pub(crate) fn write_secrets_entry(
    out: &mut impl Write,
    item: &NewSecret<'_>,
    first: bool,
) -> std::io::Result<()> {
    out.write_all(if first {
        b"{\n  \"secrets\": [\n    {\n      \"id\": "
    } else {
        b",\n    {\n      \"id\": "
    })?;
    serde_json::to_writer(&mut *out, &item.key.id)?;
    out.write_all(b",\n      \"replaces\": ")?;
    serde_json::to_writer(&mut *out, item.replaces.unwrap_or_default())?;
    out.write_all(b",\n      \"secret\": ")?;
    serde_json::to_writer(&mut *out, item.secret.expose())?;
    out.write_all(b"\n    }")
}

/// The end of an incident's `--json` document after its last secret: the
/// list closed, then `"report"`, `report_json` being its pretty JSON.
pub(crate) fn write_secrets_end(out: &mut impl Write, report_json: &str) -> std::io::Result<()> {
    // Nested one level: each line after the first indented by two spaces
    // (a JSON string holds no raw line break, so this touches no value).
    let nested = report_json.replace('\n', "\n  ");
    writeln!(out, "\n  ],\n  \"report\": {nested}\n}}")
}

/// Refuses a standard output that would lose a secret: `/dev/null`, or
/// closed (`>&-`: the Rust runtime reopens a closed standard output on
/// `/dev/null` before `main`, so both look the same).
fn check_stdout(flag: &str) -> Result<(), DeliveryError> {
    match stdout_problem() {
        None => Ok(()),
        Some(problem) => Err(DeliveryError::new(
            "standard output",
            format!("{problem}, so the new secret would be lost"),
        )
        .hint(format!(
            "give {flag} FILE or --secret-to CMD, or send standard output to a file or a program that keeps it"
        ))),
    }
}

/// [`check_stdout`] for a secret that already exists (`auth token`'s key):
/// `what` names it.
pub(crate) fn check_stdout_keeps(what: &str) -> Result<(), DeliveryError> {
    match stdout_problem() {
        None => Ok(()),
        Some(problem) => Err(DeliveryError::new(
            "standard output",
            format!("{problem}, so {what} would be lost"),
        )
        .hint("send standard output to a file or a program that keeps it")),
    }
}

/// Why standard output cannot keep what is written to it, if it cannot.
fn stdout_problem() -> Option<&'static str> {
    const LOST: &str = "is /dev/null or closed";
    let Ok(out) = rustix::fs::fstat(std::io::stdout()) else {
        return Some(LOST);
    };
    // Open for reading only (`1</etc/hostname`): Rust's standard output
    // takes a write that fails with EBADF for a success, so it must be
    // refused here, before anything is sent.
    let writable = rustix::fs::fcntl_getfl(std::io::stdout()).is_ok_and(|flags| {
        let mode = flags & rustix::fs::OFlags::RWMODE;
        mode == rustix::fs::OFlags::WRONLY || mode == rustix::fs::OFlags::RDWR
    });
    if !writable {
        return Some("is not open for writing");
    }
    let Ok(null) = rustix::fs::stat("/dev/null") else {
        return None;
    };
    let is_char_device =
        rustix::fs::FileType::from_raw_mode(out.st_mode) == rustix::fs::FileType::CharacterDevice;
    (is_char_device && out.st_rdev == null.st_rdev).then_some(LOST)
}

impl SecretSink for Target {
    fn check(&mut self) -> Result<(), DeliveryError> {
        match self {
            Target::File(f) => f.check(),
            Target::Files(f) => f.check(),
            Target::Command(c) => c.check(),
            Target::Stdout {
                expects_secrets: false,
                ..
            } => Ok(()),
            Target::Stdout { labelled, .. } => check_stdout(if *labelled {
                "--secrets-out"
            } else {
                "--secret-out"
            }),
        }
    }

    fn deliver(&mut self, item: &NewSecret<'_>) -> Result<(), DeliveryError> {
        match self {
            Target::File(f) => f.deliver(item),
            Target::Files(f) => f.deliver(item),
            Target::Command(c) => c.deliver(item),
            // An incident's `--json` document, written as it goes.
            Target::Stdout {
                json: true,
                labelled: true,
                printed,
                ..
            } => {
                let mut out = std::io::stdout().lock();
                write_secrets_entry(&mut out, item, *printed == 0)
                    .and_then(|()| out.flush())
                    .map_err(stdout_failed)?;
                *printed += 1;
                Ok(())
            }
            Target::Stdout {
                json: true,
                printed,
                ..
            } => {
                print_json_start(item)?;
                *printed += 1;
                Ok(())
            }
            Target::Stdout {
                json: false,
                labelled,
                printed,
                ..
            } => {
                print_secret_line(item, *labelled, *printed == 0)?;
                *printed += 1;
                Ok(())
            }
        }
    }
}

/// The `--json` document's first entry, `"secret"`, so that a standard
/// output that cannot take it fails the delivery (see
/// [`Target::print_document`], which writes the rest).
fn print_json_start(item: &NewSecret<'_>) -> Result<(), DeliveryError> {
    let mut out = std::io::stdout().lock();
    out.write_all(b"{\n  \"secret\": ")
        .and_then(|()| {
            serde_json::to_writer(&mut out, item.secret.expose()).map_err(std::io::Error::from)
        })
        .and_then(|()| out.flush())
        .map_err(stdout_failed)
}

/// The secret alone on its line, or (`labelled`, an incident) after the
/// key it belongs to and the key it replaces; the `first` announced on stderr.
fn print_secret_line(
    item: &NewSecret<'_>,
    labelled: bool,
    first: bool,
) -> Result<(), DeliveryError> {
    if first {
        msgln!(
            "The new secret follows on standard output. Store it now: it will not be shown again."
        );
    }
    let mut out = std::io::stdout().lock();
    if labelled {
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
    .and_then(|()| out.flush())
    .map_err(stdout_failed)
}

/// A secret standard output did not take (a closed pipe, a full disk).
fn stdout_failed(e: std::io::Error) -> DeliveryError {
    DeliveryError::new("standard output", format!("could not be written: {e}"))
        .hint("run again with --secret-out FILE or --secret-to CMD")
}

/// The one entry a `--json` document holds about where a new secret went
/// (`secret_file`, `secrets_file`, `secret_command`, `secrets_command`),
/// when not into the document itself (see [`Target::print_document`]).
/// Serialised as a map of that one entry, to be flattened into the document.
pub enum SecretJson<'a> {
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
            SecretJson::File(_) => "secret_file",
            SecretJson::Files(_) => "secrets_file",
            SecretJson::Command(_) => "secret_command",
            SecretJson::Commands(_) => "secrets_command",
        }
    }

    /// Writes the entry into a map being serialised.
    pub fn write<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match self {
            SecretJson::Command(text) | SecretJson::Commands(text) => {
                map.serialize_entry(self.key(), text)
            }
            SecretJson::File(path) | SecretJson::Files(path) => {
                map.serialize_entry(self.key(), path)
            }
        }
    }
}

/// Where the secret went, flattened into a document: the secret itself
/// (first, on standard output), or the file or command that took it.
impl schemars::JsonSchema for SecretJson<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SecretDelivered".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "properties": {
                "secret": { "type": "string", "description": "The new secret, when it went to standard output: the document's first entry." },
                "secret_file": { "type": "string", "description": "The file --secret-out wrote it to." },
                "secret_command": { "type": "string", "description": "The --secret-to command it was handed to." },
                "secrets_file": { "type": "string", "description": "The file --secrets-out wrote the secrets to." },
                "secrets_command": { "type": "string", "description": "The --secret-to command each secret was handed to." }
            }
        })
    }
}

impl Serialize for SecretJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        self.write(&mut map)?;
        map.end()
    }
}
