//! Delivering a secret to a command: `/bin/sh -c CMD` with the secret on its
//! standard input, never in its arguments or environment.

use std::io::Write;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::{DeliveryError, NewSecret, SecretSink};

/// Runs a shell command once per secret, such as
/// `gh secret set NARRATIVE_API_KEY`, with the secret (no trailing newline)
/// on its standard input. Its environment names the key, never the secret:
/// `NARRATIVE_KEY_ID`, `NARRATIVE_KEY_NAME`, `NARRATIVE_KEY_ENV_NAME` (a
/// variable name made from the key's name) and, for a replacement,
/// `NARRATIVE_KEY_REPLACES`. Its output goes to standard error, so it never
/// mixes with data on standard output. Exit status 0 is a delivery;
/// anything else is a failure.
#[derive(Debug, Clone)]
pub struct SecretCommand {
    command: String,
    limit: Duration,
}

/// How long a delivery command may run (`gh secret set` takes seconds).
pub const DEFAULT_COMMAND_LIMIT: Duration = Duration::from_secs(120);

impl SecretCommand {
    /// A command run with `/bin/sh -c`, the secret on its standard input.
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            limit: DEFAULT_COMMAND_LIMIT,
        }
    }

    /// How long the command may run before it is stopped and the delivery
    /// counted as failed (default 2 minutes).
    pub fn limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// The command as given.
    pub fn command(&self) -> &str {
        &self.command
    }

    fn error(&self, message: impl Into<String>) -> DeliveryError {
        DeliveryError::new(format!("`{}`", self.command), message)
    }

    /// Waits for the command, stopping it at the limit: a command that
    /// hangs must not keep a key alive that nobody holds the secret of.
    fn wait(&self, child: &mut Child) -> Result<ExitStatus, DeliveryError> {
        let started = Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return Ok(status),
                Ok(None) if started.elapsed() >= self.limit => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(self
                        .error(format!(
                            "did not finish within {}s and was stopped",
                            self.limit.as_secs()
                        ))
                        .hint(
                            "check that the command runs without asking anything, then run again",
                        ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(self.error(format!("could not wait for it: {e}"))),
            }
        }
    }
}

impl SecretSink for SecretCommand {
    fn check(&mut self) -> Result<(), DeliveryError> {
        if self.command.trim().is_empty() {
            return Err(self
                .error("is empty")
                .hint("give a command that reads the secret on its standard input, e.g. 'gh secret set NARRATIVE_API_KEY'"));
        }
        // `sh` itself must be there; the command's own errors show when it runs.
        Command::new("/bin/sh")
            .arg("-c")
            .arg(":")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| self.error(format!("cannot start sh: {e}")))
            .and_then(|s| {
                if s.success() {
                    Ok(())
                } else {
                    Err(self.error("sh does not run"))
                }
            })
    }

    fn deliver(&mut self, item: &NewSecret<'_>) -> Result<(), DeliveryError> {
        let mut cmd = Command::new("/bin/sh");
        // Files the command writes (`cat > key.txt`) are owner-only, as ours are.
        cmd.arg("-c")
            .arg(format!("umask 077\n{}", self.command))
            .env("NARRATIVE_KEY_ID", &item.key.id)
            .env("NARRATIVE_KEY_NAME", &item.key.name)
            .env("NARRATIVE_KEY_ENV_NAME", item.env_name())
            .env_remove("NARRATIVE_KEY_REPLACES")
            // The caller's own credential is not the command's business.
            .env_remove("NARRATIVE_API_KEY")
            .env_remove("NARRATIVE_API_TOKEN")
            .stdin(Stdio::piped())
            .stdout(std::io::stderr())
            .stderr(Stdio::inherit());
        if let Some(old) = item.replaces {
            cmd.env("NARRATIVE_KEY_REPLACES", old);
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| self.error(format!("could not start it: {e}")))?;
        // Written, and the pipe closed, before waiting: a failed write is a failed delivery.
        let written = child
            .stdin
            .take()
            .map(|mut stdin| stdin.write_all(item.secret.expose().as_bytes()));
        let status = self.wait(&mut child)?;
        if !status.success() {
            let how = status.code().map_or_else(
                || "was killed by a signal".to_owned(),
                |c| format!("exited with status {c}"),
            );
            return Err(self
                .error(how)
                .hint("fix the command (it gets the secret on its standard input) and run again"));
        }
        // Exit status 0 without having taken the secret is no delivery.
        if let Some(Err(e)) = written {
            return Err(self
                .error(format!(
                    "did not take the secret on its standard input ({e})"
                ))
                .hint("the command must read the secret from its standard input"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::ApiKey;
    use crate::permission::PermissionSet;

    #[test]
    fn the_secret_goes_to_stdin_only_and_the_status_decides() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("got");
        let key = ApiKey {
            id: "id-1".into(),
            name: "Nightly ingestion".into(),
            permissions: PermissionSet::new(),
            expires_at: None,
        };
        let secret = crate::Secret::new("s3cr3t");
        let item = NewSecret {
            key: &key,
            secret: &secret,
            replaces: Some("old-1"),
        };
        let script = format!(
            "{{ cat; echo; echo \"$NARRATIVE_KEY_ID $NARRATIVE_KEY_ENV_NAME $NARRATIVE_KEY_REPLACES $#\"; env | grep -c s3cr3t || true; }} > '{}'",
            out.display()
        );
        let mut sink = SecretCommand::new(script);
        sink.check().unwrap();
        sink.deliver(&item).unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "s3cr3t\nid-1 NIGHTLY_INGESTION old-1 0\n0\n"
        );
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "what the command writes is owner-only");
        }
        let err = SecretCommand::new("cat >/dev/null; exit 3")
            .deliver(&item)
            .unwrap_err();
        assert!(err.message.contains("status 3"), "{err}");
        assert!(!err.to_string().contains("s3cr3t"));
        assert!(SecretCommand::new("  ").check().is_err());
        let started = std::time::Instant::now();
        let err = SecretCommand::new("cat >/dev/null; exec sleep 30")
            .limit(Duration::from_millis(300))
            .deliver(&item)
            .unwrap_err();
        assert!(err.message.contains("did not finish"), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "stopped, not waited out"
        );
    }
}
