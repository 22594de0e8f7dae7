//! Delivering a secret to a command: `/bin/sh -c CMD` with the secret on its
//! standard input, never in its arguments or environment.
//!
//! The command runs in a process group of its own, so that it and whatever
//! it starts are stopped together: at the limit, when it fails, and when the
//! run is interrupted. A watcher (a second small `sh`, in its own group,
//! deaf to INT, TERM and HUP) holds the only other end of a pipe from this
//! process: if this process dies before the delivery ended (`kill -9`), the
//! pipe closes and the watcher kills the command's group, so a command cannot
//! deliver a secret whose key nobody will revoke again.

use std::io::{PipeReader, PipeWriter, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, WaitId, WaitIdOptions, WaitIdStatus};

use super::command_output::{CapturedOutput, CommandOutput};
use super::{DeliveryError, NewSecret, SecretSink};
use crate::interrupt::Interrupt;
use crate::key::ApiKey;
use crate::retry::duration_text;

/// Runs a shell command once per secret, such as
/// `gh secret set NARRATIVE_API_KEY`, with the secret (no trailing newline)
/// on its standard input. Its environment names the key, never the secret:
/// `NARRATIVE_KEY_ID`, `NARRATIVE_KEY_NAME`, `NARRATIVE_KEY_ENV_NAME` (a
/// variable name made from the key's name) and, for a replacement,
/// `NARRATIVE_KEY_REPLACES`. Its standard output and error come through a
/// pipe of ours to our standard error, so they never mix with data on
/// standard output, with the secret replaced by `[redacted]` on every line:
/// a command that prints what it reads (`cat`, or `sh: 1: SECRET: not
/// found`) never shows the secret in a terminal or a CI log.
///
/// A delivery succeeds only when the command exits 0 **and** read the whole
/// secret: `true` or `head -c 0` exit 0 without taking it, and fail. Anything
/// else (another status, a signal, the limit, an interrupt) is a failure, and
/// the command's whole process group is stopped (SIGTERM, a short grace, then
/// SIGKILL), so nothing it started outlives a failed delivery. Processes that
/// leave the group on purpose (`setsid`, daemons) are beyond reach.
#[derive(Clone)]
pub struct SecretCommand {
    command: String,
    limit: Duration,
    interrupt: Interrupt,
    waiting: Option<(Duration, WaitingHook)>,
    kept_output: Option<CapturedOutput>,
}

/// Called once when a delivery has waited a while for its command.
type WaitingHook = Arc<dyn Fn(&Waiting<'_>) + Send + Sync>;

/// What a delivery in progress is waiting for, handed to the hook given with
/// [`SecretCommand::on_waiting`] (the SDK itself never prints).
#[derive(Debug, Clone, Copy)]
pub struct Waiting<'a> {
    /// The command as given.
    pub command: &'a str,
    /// The key whose secret the command was handed (never the secret).
    pub key: &'a ApiKey,
    /// How long the command has run.
    pub waited: Duration,
    /// How long until it is stopped, unless it finishes first.
    pub stops_in: Duration,
}

impl std::fmt::Debug for SecretCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretCommand")
            .field("command", &self.command)
            .field("limit", &self.limit)
            .field("interrupt", &self.interrupt)
            .field(
                "waiting_after",
                &self.waiting.as_ref().map(|(after, _)| after),
            )
            .field("output_kept", &self.kept_output.is_some())
            .finish()
    }
}

/// How long a delivery command may run (`gh secret set` takes seconds).
pub const DEFAULT_COMMAND_LIMIT: Duration = Duration::from_secs(120);

/// How long a stopped command's group has between SIGTERM and SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(1);

/// How often a running command is looked at.
const POLL: Duration = Duration::from_millis(20);

/// The watcher: kills the group `$1` unless this process says `done` first.
/// Its standard input is a pipe only this process writes to, so it reads
/// end-of-file the moment this process dies, however it dies.
const WATCHER: &str =
    "trap '' INT TERM HUP\nread -r line\n[ \"$line\" = done ] || kill -s KILL -- \"-$1\"\n";

impl SecretCommand {
    /// A command run with `/bin/sh -c`, the secret on its standard input.
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            limit: DEFAULT_COMMAND_LIMIT,
            interrupt: Interrupt::default(),
            waiting: None,
            kept_output: None,
        }
    }

    /// Keeps the command's output (redacted) in `kept` instead of
    /// forwarding it to standard error: for a caller that owns the terminal.
    #[must_use]
    pub fn keep_output(mut self, kept: CapturedOutput) -> Self {
        self.kept_output = Some(kept);
        self
    }

    /// How long the command may run before it is stopped and the delivery
    /// counted as failed (default 2 minutes).
    #[must_use]
    pub fn limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// The stop flag to look at while the command runs: once it is
    /// requested, a command in progress is stopped (its whole group) and the
    /// delivery fails, and no further command is started.
    #[must_use]
    pub fn interrupt(mut self, interrupt: Interrupt) -> Self {
        self.interrupt = interrupt;
        self
    }

    /// Calls `hook` once per delivery whose command is still running after
    /// `after`, so the caller can say what it is waiting for.
    #[must_use]
    pub fn on_waiting(
        mut self,
        after: Duration,
        hook: impl Fn(&Waiting<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.waiting = Some((after, Arc::new(hook)));
        self
    }

    /// The command as given.
    pub fn command(&self) -> &str {
        &self.command
    }

    fn error(&self, message: impl Into<String>) -> DeliveryError {
        DeliveryError::new(format!("`{}`", self.command), message)
    }

    /// The command, its secret on a pipe, in a process group of its own.
    fn spawn(
        &self,
        item: &NewSecret<'_>,
        stdin: PipeReader,
        output: PipeWriter,
    ) -> std::io::Result<Child> {
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
            .stdin(stdin)
            // Both through one pipe of ours, forwarded redacted; its write
            // ends go with `cmd`, so the pipe closes when the command's
            // processes are done.
            .stdout(output.try_clone()?)
            .stderr(output)
            // Its own group: stopped as one, and out of reach of the
            // terminal's Ctrl-C, which this process turns into a stop.
            .process_group(0);
        if let Some(old) = item.replaces {
            cmd.env("NARRATIVE_KEY_REPLACES", old);
        }
        cmd.spawn()
    }

    /// Hands the secret over and waits for the command: the secret is
    /// written as the pipe takes it, the command's end is watched, and the
    /// limit, the interrupt and the waiting hook are looked at in between.
    // long: one loop over the four things a running delivery waits on.
    fn run(
        &self,
        item: &NewSecret<'_>,
        mut running: Running,
        writer: PipeWriter,
    ) -> Result<(), DeliveryError> {
        let secret = item.secret.expose().as_bytes();
        let mut writer = Some(writer);
        let mut written = 0;
        let started = Instant::now();
        let mut told = false;
        let status = loop {
            if let Some(w) = writer.as_mut() {
                match w.write(&secret[written..]) {
                    Ok(n) => written += n,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        running.stop();
                        return Err(self.error(format!(
                            "could not be handed the secret on its standard input: {e}"
                        )));
                    }
                }
                if written == secret.len() {
                    // Closed once written, so the command reads end-of-file.
                    writer = None;
                }
            }
            running.output.forward();
            match running.exited() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => {
                    running.stop();
                    return Err(self.error(format!("could not wait for it: {e}")));
                }
            }
            let waited = started.elapsed();
            if self.interrupt.is_requested() {
                running.stop();
                return Err(self
                    .error("was stopped: the run was interrupted")
                    .hint("run again to make a new key; nothing is left that needs its secret"));
            }
            if waited >= self.limit {
                running.stop();
                return Err(self
                    .error(format!(
                        "did not finish within {} and was stopped, with everything it started",
                        duration_text(self.limit)
                    ))
                    .hint(
                        "check that the command runs without asking anything, or give it longer with --delivery-timeout, then run again",
                    ));
            }
            if let Some((after, hook)) = &self.waiting
                && !told
                && waited >= *after
            {
                told = true;
                hook(&Waiting {
                    command: &self.command,
                    key: item.key,
                    waited,
                    stops_in: self.limit - waited,
                });
            }
            std::thread::sleep(POLL);
        };
        if !(status.exited() && status.exit_status() == Some(0)) {
            running.stop();
            let how = match (status.exit_status(), status.terminating_signal()) {
                (Some(code), _) if status.exited() => format!("exited with status {code}"),
                (_, Some(signal)) => format!("was killed by signal {signal}"),
                _ => "ended without an exit status".to_owned(),
            };
            return Err(self
                .error(how)
                .hint("fix the command (it gets the secret on its standard input) and run again"));
        }
        // Exit status 0 without having taken the secret is no delivery: what
        // is left in the pipe, or was never written to it, was not read.
        let never_written = (secret.len() - written) as u64;
        let unread = running.unread().map(|in_pipe| in_pipe + never_written);
        match unread {
            Ok(0) => {
                running.finish();
                Ok(())
            }
            Ok(n) => {
                running.stop();
                Err(self
                    .error(format!(
                        "exited 0 but did not read the secret ({n} of {} bytes unread)",
                        secret.len()
                    ))
                    .hint("the command must read its standard input to the end, e.g. 'gh secret set NAME' or 'cat > FILE'"))
            }
            Err(e) => {
                running.stop();
                Err(self.error(format!("could not tell whether it read the secret: {e}")))
            }
        }
    }
}

/// A delivery command in progress: the command, its group, the pipe its
/// secret goes through, and its watcher. Dropped without [`Running::finish`]
/// (an error, a panic), it stops the group.
struct Running {
    child: Child,
    /// The command's standard output and error, forwarded redacted.
    output: CommandOutput,
    group: Pid,
    /// A read end of the same pipe, kept to count what the command left unread.
    unread_probe: PipeReader,
    /// The watcher and its standard input, until released.
    watcher: Option<(Child, std::process::ChildStdin)>,
    /// Set once the command was reaped and the watcher released.
    done: bool,
}

impl Running {
    /// The command's exit, seen without reaping it: while it is an unreaped
    /// zombie its process id, which is the group's, cannot be reused, so the
    /// group can still be signalled safely.
    fn exited(&self) -> rustix::io::Result<Option<WaitIdStatus>> {
        rustix::process::waitid(
            WaitId::Pid(self.group),
            WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT,
        )
    }

    /// Bytes still in the pipe: written, and not read by the command.
    fn unread(&self) -> rustix::io::Result<u64> {
        rustix::io::ioctl_fionread(&self.unread_probe)
    }

    /// Stops the whole group: SIGTERM, up to [`STOP_GRACE`] for the command
    /// to end, then SIGKILL for anything left; then reaps the command and
    /// releases the watcher.
    fn stop(&mut self) {
        if self.done {
            return;
        }
        // A group already gone (ESRCH) is what stopping wants.
        let _ = rustix::process::kill_process_group(self.group, Signal::TERM);
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline && matches!(self.exited(), Ok(None)) {
            std::thread::sleep(POLL);
        }
        let _ = rustix::process::kill_process_group(self.group, Signal::KILL);
        self.finish();
    }

    /// Tells the watcher the delivery ended, then reaps the command: in
    /// that order, so the watcher never signals a group id that reaping
    /// freed for reuse.
    fn finish(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        // What the command wrote before it ended, for a short grace only: a
        // process that escaped the group may hold the pipe open for ever.
        self.output.drain();
        if let Some((mut watcher, mut stdin)) = self.watcher.take() {
            let _ = stdin.write_all(b"done\n");
            drop(stdin);
            let _ = watcher.wait();
        }
        let _ = self.child.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts the watcher of `group`, in a process group of its own.
fn watch(group: Pid) -> std::io::Result<(Child, std::process::ChildStdin)> {
    let mut watcher = Command::new("/bin/sh")
        .arg("-c")
        .arg(WATCHER)
        .arg("narrative-keys-delivery-watcher")
        .arg(group.as_raw_nonzero().to_string())
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()?;
    let stdin = watcher
        .stdin
        .take()
        .ok_or_else(|| std::io::Error::other("the watcher has no standard input"))?;
    Ok((watcher, stdin))
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
        if self.interrupt.is_requested() {
            return Err(self
                .error("was not run: the run was interrupted")
                .hint("run again to make a new key; nothing is left that needs its secret"));
        }
        let piped = std::io::pipe().and_then(|(reader, writer)| {
            let probe = reader.try_clone()?;
            // Written as the pipe takes it, so a command that never reads
            // cannot hold this process past the limit.
            rustix::io::ioctl_fionbio(&writer, true)?;
            Ok((reader, writer, probe))
        });
        let (reader, writer, unread_probe) =
            piped.map_err(|e| self.error(format!("could not make a pipe for it: {e}")))?;
        let (output_reader, output_writer) = std::io::pipe()
            .map_err(|e| self.error(format!("could not make a pipe for its output: {e}")))?;
        let output =
            CommandOutput::new(output_reader, item.secret.clone(), self.kept_output.clone())
                .map_err(|e| self.error(format!("could not read its output: {e}")))?;
        let child = self
            .spawn(item, reader, output_writer)
            .map_err(|e| self.error(format!("could not start it: {e}")))?;
        let group = Pid::from_child(&child);
        let mut running = Running {
            child,
            output,
            group,
            unread_probe,
            watcher: None,
            done: false,
        };
        // The watcher starts before the secret is written: a command that
        // has not been given the secret has nothing to deliver.
        match watch(group) {
            Ok(watcher) => running.watcher = Some(watcher),
            Err(e) => {
                running.stop();
                return Err(self.error(format!(
                    "was not handed the secret: the watcher that stops it if this process dies could not start: {e}"
                )));
            }
        }
        self.run(item, running, writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::ApiKey;
    use crate::permission::PermissionSet;
    use narrative_keys_testkit::fixtures::still_running;

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
    fn key() -> ApiKey {
        ApiKey {
            id: "id-2".into(),
            name: "ci deploy".into(),
            permissions: PermissionSet::new(),
            expires_at: None,
        }
    }

    #[test]
    fn exit_0_without_reading_the_whole_secret_is_no_delivery() {
        let key = key();
        let secret = crate::Secret::new("0123456789abcdef");
        let item = NewSecret {
            key: &key,
            secret: &secret,
            replaces: None,
        };
        for (command, unread) in [
            ("true", 16),
            ("head -c 0", 16),
            ("head -c 3 >/dev/null", 13),
        ] {
            let err = SecretCommand::new(command).deliver(&item).unwrap_err();
            assert!(
                err.message.contains(&format!(
                    "exited 0 but did not read the secret ({unread} of 16 bytes unread)"
                )),
                "{command}: {err}"
            );
            assert!(err.hint.unwrap().contains("standard input to the end"));
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key");
        SecretCommand::new("cat >/dev/null").deliver(&item).unwrap();
        SecretCommand::new(format!("cat > '{}'", file.display()))
            .deliver(&item)
            .unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "0123456789abcdef");
        // Larger than any pipe holds, and never read: no hang, no delivery.
        let big = crate::Secret::new("x".repeat(300_000));
        let item = NewSecret {
            key: &key,
            secret: &big,
            replaces: None,
        };
        let err = SecretCommand::new("sleep 0.2")
            .limit(Duration::from_secs(20))
            .deliver(&item)
            .unwrap_err();
        assert!(err.message.contains("of 300000 bytes unread"), "{err}");
    }

    #[test]
    fn an_overrun_stops_the_whole_group_and_nothing_delivers_late() {
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        let late = dir.path().join("late");
        let key = key();
        let secret = crate::Secret::new("s3cr3t-late");
        let item = NewSecret {
            key: &key,
            secret: &secret,
            replaces: None,
        };
        // Reads the secret, then a child of its own (ignoring TERM) waits
        // and writes it: the limit must stop the child too.
        let command = format!(
            "s=$(cat); (trap '' TERM; sleep 2; echo \"$s\" > '{late}') & echo $$ $! > '{pids}'; wait",
            late = late.display(),
            pids = pids.display()
        );
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let told = Arc::clone(&seen);
        let started = Instant::now();
        let err = SecretCommand::new(command)
            .limit(Duration::from_millis(700))
            .on_waiting(Duration::from_millis(200), move |w| {
                told.lock().unwrap().push((w.key.id.clone(), w.stops_in));
            })
            .deliver(&item)
            .unwrap_err();
        assert!(err.message.contains("did not finish within 700ms"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
        let told = seen.lock().unwrap().clone();
        assert_eq!(told.len(), 1, "the hook is called once: {told:?}");
        assert_eq!(told[0].0, "id-2");
        assert!(told[0].1 <= Duration::from_millis(500));
        let pids = std::fs::read_to_string(&pids).unwrap();
        for pid in pids.split_whitespace() {
            assert!(!still_running(pid), "{pid} outlived the failed delivery");
        }
        std::thread::sleep(Duration::from_millis(2500));
        assert!(!late.exists(), "the stopped command delivered late");
    }

    #[test]
    fn an_interrupt_stops_the_command_or_keeps_it_from_starting() {
        let dir = tempfile::tempdir().unwrap();
        let pid = dir.path().join("pid");
        let key = key();
        let secret = crate::Secret::new("s3cr3t");
        let item = NewSecret {
            key: &key,
            secret: &secret,
            replaces: None,
        };
        let flag = Interrupt::new();
        let mut sink = SecretCommand::new(format!(
            "cat >/dev/null; echo $$ > '{}'; exec sleep 30",
            pid.display()
        ))
        .interrupt(flag.clone());
        let stopper = std::thread::spawn({
            let flag = flag.clone();
            move || {
                std::thread::sleep(Duration::from_millis(400));
                flag.request();
            }
        });
        let started = Instant::now();
        let err = sink.deliver(&item).unwrap_err();
        stopper.join().unwrap();
        assert!(err.message.contains("the run was interrupted"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(!still_running(&std::fs::read_to_string(&pid).unwrap()));
        // Once interrupted, no command starts.
        std::fs::remove_file(&pid).unwrap();
        let err = sink.deliver(&item).unwrap_err();
        assert!(err.message.contains("was not run"), "{err}");
        assert!(!pid.exists());
    }
}
