//! Errors as the command line reports them: a message, a hint, an exit status.

use std::process::ExitCode;

use narrative_keys::{ErrorInfo, KeyRefError};

/// Exit statuses: 0 success, 1 a finding or a refused/failed operation,
/// 2 bad usage or input.
pub const EXIT_FINDING: u8 = 1;
/// Exit status of a usage error: bad input, nothing sent.
pub const EXIT_USAGE: u8 = 2;
/// Exit status of a run stopped by SIGINT (as a shell reports it); a run
/// another signal stopped exits 128 + its number ([`exit_for_signal`]).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Every exit status the command line returns, with what it means: the list
/// the generated reference (`docs/src/reference/exit-codes.md`) prints.
pub const EXIT_STATUSES: &[(&str, &str)] = &[
    (
        "0",
        "success; for `plan`, nothing to apply; for `audit`, nothing at warning level or above",
    ),
    (
        "1",
        "a finding (`audit` found a warning, `plan` has something to apply) or a refused or failed operation: what was done and what is left are said on stderr",
    ),
    (
        "2",
        "bad usage or input (an unknown flag, an ambiguous key, an unusable secret destination): nothing was sent",
    ),
    (
        "128 + N",
        "a run signal N stopped, as a shell reports it: 130 for Ctrl-C (SIGINT), 143 for SIGTERM, 129 for SIGHUP; it says what is left and how to finish it",
    ),
];

/// The error codes of the command line's own, beside the SDK's
/// ([`narrative_keys::ERROR_CODES`], [`narrative_keys::KEY_REF_CODES`]),
/// with what each means.
pub const CLI_CODES: &[(&str, &str)] = &[
    (
        "usage",
        "bad usage or input, found before anything was sent (exit status 2)",
    ),
    ("failed", "a refused or failed operation (exit status 1)"),
    (
        "cancelled",
        "the question was answered no; nothing was changed",
    ),
    (
        "nothing_selected",
        "`incident`'s selection matches no key; nothing was changed",
    ),
    (
        "not_revoked",
        "`revoke`: some keys could not be revoked and still work; the message lists them",
    ),
    (
        "journal_failed",
        "`revoke`'s journal could not be written; the run stopped before its next key",
    ),
];

/// The exit status of a run `signal` stopped, as a shell reports it:
/// 128 + the signal's number (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
pub fn exit_for_signal(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(EXIT_INTERRUPTED)
}

/// The document `--json` prints on stderr for a failure: `{"error": ...}`.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct ErrorDocument {
    /// What failed: its code, message, hint, HTTP status and the server's
    /// own description.
    pub error: ErrorInfo,
}

#[derive(Debug)]
/// A failure as the CLI reports it: message, hint, exit status and the SDK's error fields.
pub struct CliError {
    /// The exit status.
    pub exit: u8,
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// Stable snake_case, for `--json` errors: the SDK's `Error::code`, or
    /// the command line's own (`usage`, `failed`, `ambiguous_key`, ...).
    pub code: &'static str,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    /// The server's `error_description`, when it sent one.
    pub server_description: Option<String>,
}

impl CliError {
    fn new(exit: u8, code: &'static str, message: String) -> Self {
        Self {
            exit,
            message,
            hint: None,
            code,
            status: None,
            server_description: None,
        }
    }

    /// Bad usage or input, found before anything was sent: exit status 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(EXIT_USAGE, "usage", message.into())
    }

    /// A refused or failed operation: exit status 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(EXIT_FINDING, "failed", message.into())
    }

    /// A run stopped between two steps by a signal: code `interrupted`,
    /// exit status 130 until [`CliError::stopped_by`] names the signal.
    pub fn interrupted(message: impl Into<String>) -> Self {
        Self::new(EXIT_INTERRUPTED, "interrupted", message.into())
    }

    /// The failure of a run `signal` stopped, whatever failed once it was
    /// asked to stop (the step in progress, a delivery command stopped with
    /// it): code `interrupted` and exit status 128 + the signal's number, so
    /// every command a signal stopped ends alike. The message and hint stay.
    pub fn stopped_by(mut self, signal: i32) -> Self {
        self.exit = exit_for_signal(signal);
        self.code = "interrupted";
        self
    }

    /// Adds what to do about it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The message and its hint in one line, for a status line.
    pub fn one_line(&self) -> String {
        match &self.hint {
            Some(hint) => format!("{}: {hint}", self.message),
            None => self.message.clone(),
        }
    }

    /// A more precise code than `usage` or `failed`.
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// The error as `--json` prints it (inside `{"error": ...}`).
    pub fn info(&self) -> ErrorInfo {
        ErrorInfo {
            code: self.code.to_owned(),
            message: self.message.clone(),
            hint: self.hint.clone(),
            status: self.status,
            server_description: self.server_description.clone(),
        }
    }

    /// The one JSON document `--json` prints on stderr for a failure.
    pub fn to_json(&self) -> String {
        // Sorted: its keys in alphabetical order, as the document always was.
        let document = crate::output::Sorted(ErrorDocument { error: self.info() });
        serde_json::to_string(&document).unwrap_or_else(|e| {
            format!(
                r#"{{"error":{{"code":"failed","message":"the error could not be encoded: {e}"}}}}"#
            )
        })
    }

    /// The exit status as the process returns it.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.exit)
    }
}

impl From<narrative_keys::Error> for CliError {
    fn from(e: narrative_keys::Error) -> Self {
        let (code, status) = (e.code(), e.status());
        let server_description = e.info().server_description;
        let mut err = from_sdk(e);
        err.code = code;
        err.status = status;
        err.server_description = server_description;
        err
    }
}

/// A reference that names no single key: usage, exit status 2, nothing sent.
/// Names are the server's text, escaped for the terminal.
impl From<KeyRefError> for CliError {
    fn from(e: KeyRefError) -> Self {
        let message = crate::output::escape_controls(&e.to_string());
        CliError::usage(message).code(e.code()).hint(e.hint())
    }
}

fn from_sdk(e: narrative_keys::Error) -> CliError {
    use narrative_keys::Error as E;
    let message = match &e {
        E::InvalidInput(report) => {
            let mut m = String::from("the request is not valid:");
            for p in report.errors() {
                m.push_str(&format!("\n  {}: {}", p.field.as_str(), p.message));
            }
            m
        }
        E::Output(refused) => {
            return CliError::usage(format!("{refused}; nothing was sent")).hint(
                refused
                    .hint
                    .clone()
                    .unwrap_or_else(|| "choose another target".into()),
            );
        }
        E::Undelivered(u) => {
            let hint = match &u.revoked_again {
                // The target's own advice, when it has some (a command that
                // must read its input, a file to choose).
                Ok(()) => u
                    .error
                    .hint
                    .clone()
                    .unwrap_or_else(|| "fix the target and run the command again".to_owned()),
                Err(_) => format!("revoke it now: narrative-keys revoke {}", u.key.id),
            };
            return CliError::failed(format!("{u}")).hint(hint);
        }
        other => other.to_string(),
    };
    let (exit, hint) = exit_and_hint(&e);
    let mut err = CliError::new(exit, "failed", message);
    err.hint = hint.map(str::to_owned);
    err
}

/// The exit status for an SDK error, and the hint that helps with it.
fn exit_and_hint(e: &narrative_keys::Error) -> (u8, Option<&'static str>) {
    use narrative_keys::Error as E;
    match e {
        E::InvalidInput(_) | E::BadRequest(_) | E::Config(_) => (EXIT_USAGE, None),
        E::Unauthorized(_) => (
            EXIT_FINDING,
            Some("check --api-key or NARRATIVE_API_KEY: the key may be wrong, revoked or expired"),
        ),
        E::Forbidden(_) => (
            EXIT_FINDING,
            Some(
                "listing keys needs read:access_tokens and changing them needs write:access_tokens",
            ),
        ),
        E::NotFound(_) => (
            EXIT_FINDING,
            Some("run `narrative-keys list` to see the ids you can use"),
        ),
        E::RateLimited { .. } => (
            EXIT_FINDING,
            Some("wait a little and run the command again"),
        ),
        E::Transport {
            kind: narrative_keys::TransportKind::Timeout,
            ..
        } => (
            EXIT_FINDING,
            Some(
                "if the server is only slow, raise --timeout (default 30s), e.g. --timeout 2m; otherwise check --environment (or NARRATIVE_ENVIRONMENT) and your network",
            ),
        ),
        E::Transport { .. } => (
            EXIT_FINDING,
            Some("check --environment (or NARRATIVE_ENVIRONMENT) and your network, then try again"),
        ),
        E::Server(_) | E::UnexpectedStatus(_) => {
            (EXIT_FINDING, Some("the API failed; try again later"))
        }
        // A malformed answer is not cured by waiting (a hostile trial).
        E::Decode { .. } => (
            EXIT_FINDING,
            Some(
                "the server's answer is not what the API document describes: check that --environment (or NARRATIVE_ENVIRONMENT) is the Narrative API, and report it if it is",
            ),
        ),
        E::Interrupted => (EXIT_FINDING, Some("run the command again to do it")),
        _ => (EXIT_FINDING, None),
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::failed(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_answer_is_not_told_to_wait() {
        let decode = narrative_keys::Error::Decode {
            status: 200,
            path: ".".into(),
            message: "trailing characters at line 1 column 9".into(),
        };
        let (code, hint) = exit_and_hint(&decode);
        assert_eq!(code, EXIT_FINDING);
        let hint = hint.unwrap();
        assert!(!hint.contains("try again later"), "{hint}");
        assert!(hint.contains("--environment"), "{hint}");
    }
}
