//! Errors as the command line reports them: a message, a hint, an exit status.

use std::process::ExitCode;

/// Exit statuses: 0 success, 1 a finding or a refused/failed operation,
/// 2 bad usage or input.
pub const EXIT_FINDING: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug)]
pub struct CliError {
    pub exit: u8,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            exit: EXIT_USAGE,
            message: message.into(),
            hint: None,
        }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            exit: EXIT_FINDING,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.exit)
    }
}

impl From<narrative_keys::Error> for CliError {
    fn from(e: narrative_keys::Error) -> Self {
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
                    Ok(()) => "fix the target and run the command again".to_owned(),
                    Err(_) => format!("revoke it now: narrative-keys revoke {}", u.key.id),
                };
                return CliError::failed(format!("{u}")).hint(hint);
            }
            other => other.to_string(),
        };
        let (exit, hint) = match &e {
            E::InvalidInput(_) | E::BadRequest(_) | E::Config(_) => (EXIT_USAGE, None),
            E::Unauthorized(_) => (
                EXIT_FINDING,
                Some(
                    "check --api-key or NARRATIVE_API_KEY: the key may be wrong, revoked or expired",
                ),
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
                Some(
                    "check --environment (or NARRATIVE_ENVIRONMENT) and your network, then try again",
                ),
            ),
            E::Server(_) | E::UnexpectedStatus(_) | E::Decode { .. } => {
                (EXIT_FINDING, Some("the API failed; try again later"))
            }
            _ => (EXIT_FINDING, None),
        };
        Self {
            exit,
            message,
            hint: hint.map(str::to_owned),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::failed(e.to_string())
    }
}
