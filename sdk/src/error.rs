//! The one error type of the SDK, and the delivery errors it carries. No
//! variant ever holds a secret.

use std::time::Duration;

use crate::key::ApiKey;
use crate::validation::ValidationReport;

/// What the server said when it refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The server's `error` (e.g. `Unauthorized`).
    pub error: String,
    /// The server's `error_description`: a sentence meant for the user.
    pub description: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.description.is_empty() {
            write!(f, "{} {}", self.status, self.error)
        } else {
            write!(f, "{} ({} {})", self.description, self.status, self.error)
        }
    }
}

/// How a request failed to reach the server or come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// The connection could not be opened.
    Connect,
    /// No complete answer came within the timeout.
    Timeout,
    /// The connection broke before a complete answer came.
    Interrupted,
}

/// Everything that can go wrong. Each variant keeps what the server said;
/// none holds a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Refused before sending: the request is not valid.
    #[error("invalid input: {0}")]
    InvalidInput(ValidationReport),
    /// The server refused the request as malformed (400).
    #[error("the server refused the request: {0}")]
    BadRequest(ApiError),
    /// 401: a missing, wrong, expired or under-privileged API key.
    #[error("unauthorized: {0}")]
    Unauthorized(ApiError),
    /// 403: the credentials may not do this.
    #[error("forbidden: {0}")]
    Forbidden(ApiError),
    /// 404: no such key, or not visible to these credentials.
    #[error("not found: {0}")]
    NotFound(ApiError),
    /// 429: too many requests; `retry_after` is the server's `Retry-After`.
    #[error("rate limited: {api}{}", retry_after_text(.retry_after))]
    RateLimited {
        /// What the server said.
        api: ApiError,
        /// How long the server asked to wait, when it said.
        retry_after: Option<Duration>,
    },
    /// 5xx.
    #[error("server error: {0}")]
    Server(ApiError),
    /// Any other status the contract does not name.
    #[error("unexpected response: {0}")]
    UnexpectedStatus(ApiError),
    /// The request did not complete (connection refused, timeout, dropped).
    #[error("{}", transport_text(*.kind, .message))]
    Transport {
        /// Which way the request failed.
        kind: TransportKind,
        /// What happened, without the request's credentials.
        message: String,
    },
    /// The response did not have the shape the contract promises.
    #[error("could not read the server's response (HTTP {status}) at `{path}`: {message}")]
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// Where in the JSON the shape broke (`records[3].expires_at`).
        path: String,
        /// What was wrong there, without the value (it may be a secret).
        message: String,
    },
    /// The client was set up wrongly (no API key, a bad environment URL).
    #[error("configuration: {0}")]
    Config(String),
    /// The run was interrupted ([`crate::Client::interrupt`]) before a step
    /// that would have changed something: nothing was created or revoked.
    #[error("interrupted before anything was changed: no key was created or revoked")]
    Interrupted,
    /// Refused before sending: a new secret could not be delivered where it
    /// was to go (a file that exists, a missing directory, a link). Not in
    /// the browser, where secrets always go to the caller.
    #[error("{0}")]
    Output(DeliveryError),
    /// A key was created but its secret could not be delivered; it was
    /// revoked again (or, if that failed too, must be revoked by hand).
    /// Not in the browser, as `Output`.
    #[error("{0}")]
    Undelivered(Box<Undelivered>),
}

/// Why a secret could not be delivered, or a target was refused. It names
/// the target (a path or a command) and never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{target}: {message}")]
pub struct DeliveryError {
    /// The path or command the secret was going to.
    pub target: String,
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl DeliveryError {
    /// A failure at `target` (a path or a command), saying what went wrong.
    pub fn new(target: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            target: target.into(),
            message: message.into(),
            hint: None,
        }
    }

    #[must_use]
    /// Adds what to do about the failure.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// A key created whose secret could not be delivered. The workflow revoked
/// it again (`revoked_again` is `Ok`), or tried to and failed: then the key
/// still works and nobody holds its secret, so it must be revoked by hand.
#[derive(Debug)]
pub struct Undelivered {
    /// The new key (never its secret).
    pub key: ApiKey,
    /// Why the secret could not be delivered.
    pub error: DeliveryError,
    /// Whether revoking the undelivered key again worked; when it did not, the key still works and must be revoked by hand.
    pub revoked_again: std::result::Result<(), Error>,
    /// For a rotation: the old key, which was left working.
    pub kept: Option<ApiKey>,
}

impl std::fmt::Display for Undelivered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the new key {} was created, but its secret could not be delivered ({})",
            self.key.id, self.error
        )?;
        match &self.revoked_again {
            Ok(()) => write!(
                f,
                "; it was revoked again, so no key is left that nobody holds"
            )?,
            Err(e) => write!(
                f,
                "; revoking it again failed too ({e}): it still works and nobody holds its secret, so revoke it"
            )?,
        }
        if let Some(old) = &self.kept {
            write!(
                f,
                "; the old key {} was not revoked and still works",
                old.id
            )?;
        }
        Ok(())
    }
}

impl From<DeliveryError> for Error {
    fn from(e: DeliveryError) -> Self {
        Error::Output(e)
    }
}

impl From<Undelivered> for Error {
    fn from(u: Undelivered) -> Self {
        Error::Undelivered(Box::new(u))
    }
}

fn retry_after_text(retry_after: &Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |d| {
        format!("; the server asks to retry after {}s", d.as_secs())
    })
}

fn transport_text(kind: TransportKind, message: &str) -> String {
    match kind {
        TransportKind::Connect => format!(
            "could not connect to the Narrative API: {message}; check the environment URL and your network"
        ),
        TransportKind::Timeout => format!(
            "the request timed out: {message}; if the server is slow rather than gone, raise the client's timeout"
        ),
        TransportKind::Interrupted => {
            format!("the connection broke before the server answered: {message}; try again")
        }
    }
}

/// Every code [`Error::code`] returns, with what it means: the list the
/// generated reference (`docs/src/reference/exit-codes.md`) prints.
pub const ERROR_CODES: &[(&str, &str)] = &[
    (
        "invalid_input",
        "the request was refused as invalid, by this library's checks or by the server (400): fix the input",
    ),
    (
        "invalid_output",
        "a secret could not be delivered where it was asked to go (a file, a command); the key was not kept",
    ),
    (
        "undelivered",
        "a key was created but its secret could not be delivered, so it was revoked again (the message says whether that worked)",
    ),
    (
        "unauthorized",
        "the API key was refused (401): it is wrong, revoked or expired",
    ),
    (
        "forbidden",
        "the API key lacks a permission the request needs (403)",
    ),
    ("not_found", "no such key on the server (404)"),
    (
        "rate_limited",
        "the server asked to slow down (429) and retries ran out",
    ),
    (
        "server",
        "the server failed (5xx) or answered an unexpected status",
    ),
    (
        "network",
        "no answer: the connection failed, broke or timed out",
    ),
    ("decode", "the server's answer could not be read"),
    (
        "interrupted",
        "the caller asked to stop (a signal) between two steps",
    ),
];

impl Error {
    /// A stable machine-readable code, the same one the npm package uses;
    /// each is in [`ERROR_CODES`] with its meaning.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidInput(_) | Error::BadRequest(_) | Error::Config(_) => "invalid_input",
            Error::Output(_) => "invalid_output",
            Error::Undelivered(_) => "undelivered",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::RateLimited { .. } => "rate_limited",
            Error::Server(_) | Error::UnexpectedStatus(_) => "server",
            Error::Transport { .. } => "network",
            Error::Decode { .. } => "decode",
            Error::Interrupted => "interrupted",
        }
    }

    /// The error as data: code, message, status and the server's own
    /// description, for a JSON error document. No hint: the caller knows
    /// what to suggest (`ErrorInfo::hint`).
    pub fn info(&self) -> ErrorInfo {
        ErrorInfo {
            code: self.code().to_owned(),
            message: self.to_string(),
            hint: None,
            status: self.status(),
            server_description: self
                .api()
                .map(|a| a.description.clone())
                .filter(|d| !d.is_empty()),
        }
    }

    /// The HTTP status, when there was a response.
    pub fn status(&self) -> Option<u16> {
        self.api().map(|a| a.status).or(match self {
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        })
    }

    /// The server's error body, when there was one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::BadRequest(a)
            | Error::Unauthorized(a)
            | Error::Forbidden(a)
            | Error::NotFound(a)
            | Error::Server(a)
            | Error::UnexpectedStatus(a)
            | Error::RateLimited { api: a, .. } => Some(a),
            _ => None,
        }
    }

    /// The validation report, for `InvalidInput`.
    pub fn report(&self) -> Option<&ValidationReport> {
        match self {
            Error::InvalidInput(r) => Some(r),
            _ => None,
        }
    }

    /// Whether an idempotent request (GET, PUT, DELETE) is worth sending
    /// again: on 429, 500, 502, 503, 504 and a connection that could not be
    /// opened or broke. Not after a timeout: a server that did not answer
    /// within it will not answer the next time either, and the call must end
    /// within about the timeout.
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } => true,
            Error::Server(a) => matches!(a.status, 500 | 502..=504),
            Error::Transport { kind, .. } => *kind != TransportKind::Timeout,
            _ => false,
        }
    }
}

/// An error as a program reads it, e.g. `{"code": "not_found", "message":
/// "...", "status": 404}`. The message carries the server's description too;
/// `server_description` is that description alone. Never holds a secret, as
/// [`Error`] does not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct ErrorInfo {
    /// Stable snake_case: [`Error::code`], or one of the caller's own (the
    /// CLI adds `usage`, `ambiguous_key`, ...).
    pub code: String,
    /// What went wrong, in a sentence.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// What to do about it.
    pub hint: Option<String>,
    /// The HTTP status, when there was a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The server's `error_description`, when it sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_description: Option<String>,
}

impl ErrorInfo {
    /// An error with a `code` and a `message`, no hint or status.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            hint: None,
            status: None,
            server_description: None,
        }
    }

    /// Adds what to do about the error.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl From<&Error> for ErrorInfo {
    fn from(e: &Error) -> Self {
        e.info()
    }
}

impl From<ValidationReport> for Error {
    fn from(report: ValidationReport) -> Self {
        Error::InvalidInput(report)
    }
}

/// The SDK's result: an [`Error`] unless said otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A serde message without the values it quotes: a value in a response, a
/// report or a caller's argument may be a secret. serde writes strings in
/// double quotes (escaping quotes inside with `\`) and numbers, booleans,
/// characters and unknown variants in backticks; all of those become `…`.
/// Names the program chose stay: `missing field `id``, `expected `revoke``.
pub fn without_values(message: &str) -> String {
    const VALUE_BEFORE_BACKTICK: [&str; 5] = [
        "integer ",
        "floating point ",
        "boolean ",
        "character ",
        "unknown variant ",
    ];
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        let value = match c {
            '"' => true,
            '`' => VALUE_BEFORE_BACKTICK.iter().any(|w| out.ends_with(w)),
            _ => false,
        };
        out.push(c);
        if !value {
            continue;
        }
        out.push('…');
        if out.ends_with("unknown variant `…") {
            // serde does not escape the variant, which may hold backticks:
            // it ends where serde's own words resume.
            let rest = chars.as_str();
            if let Some(end) = crate::search::rfind(rest, "`, expected ")
                .or_else(|| crate::search::rfind(rest, "`, there are no variants"))
            {
                out.push('`');
                chars = rest[end + 1..].chars();
                continue;
            }
        }
        // Skip to the closing mark; a backslash escapes the next character.
        while let Some(inner) = chars.next() {
            match inner {
                '\\' => {
                    chars.next();
                }
                inner if inner == c => {
                    out.push(c);
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{ApiError, DeliveryError, Error, ErrorInfo, Undelivered, without_values};
    use crate::key::ApiKey;
    use crate::permission::PermissionSet;

    #[test]
    fn a_delivery_failure_is_an_error_naming_the_target_and_the_keys() {
        let refused = DeliveryError::new("key.env", "is a symbolic link").hint("give a file");
        let e = Error::from(refused.clone());
        assert_eq!(e.code(), "invalid_output");
        assert_eq!(e.to_string(), "key.env: is a symbolic link");
        let key = |id: &str| ApiKey {
            id: id.into(),
            name: "ci".into(),
            permissions: PermissionSet::new(),
            expires_at: None,
        };
        let e = Error::from(Undelivered {
            key: key("new-id"),
            error: refused,
            revoked_again: Ok(()),
            kept: Some(key("old-id")),
        });
        assert_eq!(e.code(), "undelivered");
        let message = e.to_string();
        for part in [
            "new key new-id",
            "key.env",
            "revoked again",
            "old key old-id",
        ] {
            assert!(message.contains(part), "{part}: {message}");
        }
    }

    #[test]
    fn error_info_carries_the_code_status_and_server_description() {
        let e = Error::NotFound(ApiError {
            status: 404,
            error: "Not Found".into(),
            description: "No API key with that id.".into(),
        });
        let info = e.info();
        assert_eq!(info.code, "not_found");
        assert_eq!(info.status, Some(404));
        assert_eq!(
            info.server_description.as_deref(),
            Some("No API key with that id.")
        );
        assert!(
            info.message.contains("No API key with that id."),
            "{}",
            info.message
        );
        let json = serde_json::to_value(info.with_hint("run list")).unwrap();
        assert_eq!(json["hint"], "run list");
        let info = Error::Config("no API key".into()).info();
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["code"], "invalid_input");
        assert!(json.get("status").is_none() && json.get("hint").is_none());
        assert_eq!(ErrorInfo::from(&Error::Config("no API key".into())), info);
    }

    #[test]
    fn values_are_dropped_names_are_kept() {
        assert_eq!(
            without_values(r#"invalid type: string "ab\"cd_SECRET", expected a tuple"#),
            r#"invalid type: string "…", expected a tuple"#
        );
        assert_eq!(
            without_values("invalid type: integer `1234567890123`, expected a string"),
            "invalid type: integer `…`, expected a string"
        );
        assert_eq!(
            without_values("unknown variant `s3cr3t`, expected `revoke` or `replace`"),
            "unknown variant `…`, expected `revoke` or `replace`"
        );
        assert_eq!(
            without_values("unknown variant `x`TOP-SECRET`, expected `revoke` or `replace`"),
            "unknown variant `…`, expected `revoke` or `replace`"
        );
        assert_eq!(
            without_values("unknown variant `a`b`, there are no variants"),
            "unknown variant `…`, there are no variants"
        );
        assert_eq!(without_values("missing field `id`"), "missing field `id`");
        assert_eq!(without_values("truncated \"abc"), "truncated \"…");
    }
}
