//! Errors as JavaScript sees them: a plain object the wrapper turns into a
//! `NarrativeKeysError`. Serialised snake_case like every other value, and
//! renamed with them (`server_error` → `serverError`).

use narrative_keys::{Error, Field, Problem, Severity, ValidationReport};
use serde::Serialize;
use tsify::Tsify;

use crate::outputs::to_json;

/// The data of a `NarrativeKeysError`.
#[derive(Debug, Clone, Serialize, Tsify)]
pub struct ErrorInfo {
    /// A stable machine-readable code.
    #[tsify(type = "ErrorCode")]
    pub code: String,
    /// What went wrong, as a sentence.
    pub message: String,
    /// The HTTP status, when there was a response.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub status: Option<u16>,
    /// The server's `error` field (for example `Forbidden`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub server_error: Option<String>,
    /// The server's `error_description`: a sentence meant for the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub description: Option<String>,
    /// For `invalid_input`: every problem found, errors and warnings.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub problems: Option<Vec<Problem>>,
    /// For `rate_limited`: the server's `Retry-After`, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub retry_after_ms: Option<u64>,
}

impl ErrorInfo {
    /// An error with `code` and `message` and nothing else.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            status: None,
            server_error: None,
            description: None,
            problems: None,
            retry_after_ms: None,
        }
    }

    /// An `invalid_input` error about one field.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new("invalid_input", message)
    }

    /// An `invalid_input` error about one field, listed as its only problem.
    pub fn problem(field: Field, message: String) -> Self {
        let mut info = Self::invalid(message.clone());
        info.problems = Some(vec![Problem {
            field,
            severity: Severity::Error,
            message,
        }]);
        info
    }

    /// An `invalid_input` error listing every problem of `report`.
    pub fn from_report(report: &ValidationReport) -> Self {
        let mut info = Self::new("invalid_input", format!("invalid input: {report}"));
        info.problems = Some(report.problems.clone());
        info
    }

    /// The SDK's error as the package reports it: code, message, and the
    /// server's status and description when there was an answer.
    pub fn from_sdk(error: &Error) -> Self {
        let mut info = Self::new(error.code(), error.to_string());
        info.status = error.status();
        if let Some(api) = error.api() {
            info.server_error = Some(api.error.clone()).filter(|s| !s.is_empty());
            info.description = Some(api.description.clone()).filter(|s| !s.is_empty());
        }
        if let Some(report) = error.report() {
            info.problems = Some(report.problems.clone());
        }
        if let Error::RateLimited {
            retry_after: Some(d),
            ..
        } = error
        {
            info.retry_after_ms = Some(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        }
        info
    }
}

impl From<Error> for ErrorInfo {
    fn from(e: Error) -> Self {
        Self::from_sdk(&e)
    }
}

/// What every raw call returns to JavaScript: `{"ok":true,"value":...}` or
/// `{"ok":false,"error":{...ErrorInfo}}`, as JSON text.
pub fn envelope(result: Result<String, ErrorInfo>) -> String {
    match result {
        Ok(json) => format!("{{\"ok\":true,\"value\":{json}}}"),
        Err(info) => match to_json(&info) {
            Ok(json) => format!("{{\"ok\":false,\"error\":{json}}}"),
            Err(_) => {
                r#"{"ok":false,"error":{"code":"internal","message":"could not encode an error"}}"#
                    .to_owned()
            }
        },
    }
}
