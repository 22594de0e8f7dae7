//! A delivery command's standard output and error: read through a pipe of
//! ours and forwarded to this process's standard error line by line, with
//! the secret it was handed replaced by `[redacted]`.
//!
//! Straight to the terminal or a CI log, a command's output could print the
//! secret (`cat` without a file, or `sh: 1: SECRET: not found` from a list
//! of words each run as a command). Through our pipe, a process that left
//! the command's group (`setsid`) holds only that pipe, not the user's
//! standard error, so it cannot keep a `| grep` waiting after we end.

use std::io::{ErrorKind, PipeReader, Read, Write};
use std::time::{Duration, Instant};

use zeroize::Zeroize;

use crate::secret::Secret;

/// What replaces the secret in forwarded output.
pub(super) const REDACTED: &[u8] = b"[redacted]";

/// A line longer than this is forwarded in parts, so a command that never
/// writes a newline cannot make this process hold its output without end.
const MAX_LINE: usize = 64 * 1024;

/// How long output is still read once the command is done: what it wrote
/// just before it ended, but never long enough for an escaped process to
/// hold the delivery.
pub(super) const DRAIN_GRACE: Duration = Duration::from_millis(200);

/// How often the pipe is looked at while draining.
const DRAIN_POLL: Duration = Duration::from_millis(10);

/// The read end of the command's output pipe, and a line not yet complete.
pub(super) struct CommandOutput {
    reader: Option<PipeReader>,
    secret: Secret,
    pending: Vec<u8>,
}

impl CommandOutput {
    /// Forwards what `reader` (set non-blocking here) gives, without
    /// `secret`.
    pub(super) fn new(reader: PipeReader, secret: Secret) -> std::io::Result<Self> {
        rustix::io::ioctl_fionbio(&reader, true)?;
        Ok(Self {
            reader: Some(reader),
            secret,
            pending: Vec::new(),
        })
    }

    /// Reads what the pipe holds now and forwards every complete line.
    /// Returns `false` once the pipe is closed (every writer gone).
    pub(super) fn forward(&mut self) -> bool {
        let Some(reader) = self.reader.as_mut() else {
            return false;
        };
        let mut buf = [0u8; 8192];
        let open = loop {
            match reader.read(&mut buf) {
                Ok(0) => break false,
                Ok(n) => self.pending.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break true,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => break false,
            }
        };
        buf.zeroize();
        self.emit_lines();
        if !open {
            self.close();
        }
        open
    }

    /// Forwards what is left: reads until every writer closed the pipe or
    /// [`DRAIN_GRACE`] passed, then forwards the incomplete last line and
    /// closes the pipe (a process still writing then gets `EPIPE`).
    pub(super) fn drain(&mut self) {
        let deadline = Instant::now() + DRAIN_GRACE;
        while self.forward() && Instant::now() < deadline {
            std::thread::sleep(DRAIN_POLL);
        }
        self.close();
    }

    fn close(&mut self) {
        self.reader = None;
        if !self.pending.is_empty() {
            let mut rest = std::mem::take(&mut self.pending);
            rest.push(b'\n');
            write_redacted(&rest, self.secret.expose().as_bytes());
            rest.zeroize();
        }
    }

    /// Writes out every complete line, and a part of an overlong one (all
    /// but a tail that could hold the start of the secret).
    fn emit_lines(&mut self) {
        let secret = self.secret.expose().as_bytes();
        let cut = match self.pending.iter().rposition(|&b| b == b'\n') {
            Some(newline) => newline + 1,
            None if self.pending.len() > MAX_LINE => {
                let redacted = redact(&self.pending, secret);
                self.pending.zeroize();
                // Redacted first, so no whole secret is left; the tail kept
                // is shorter than the secret, so none spans the cut.
                let keep = secret.len().saturating_sub(1).min(redacted.len());
                let (out, tail) = redacted.split_at(redacted.len() - keep);
                write_all(out);
                self.pending = tail.to_vec();
                return;
            }
            None => return,
        };
        let rest = self.pending.split_off(cut);
        write_redacted(&self.pending, secret);
        self.pending.zeroize();
        self.pending = rest;
    }
}

impl Drop for CommandOutput {
    fn drop(&mut self) {
        self.pending.zeroize();
    }
}

/// `text` with every occurrence of `secret` replaced by [`REDACTED`].
pub(super) fn redact(text: &[u8], secret: &[u8]) -> Vec<u8> {
    if secret.is_empty() {
        return text.to_vec();
    }
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.windows(secret.len()).position(|w| w == secret) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(REDACTED);
        rest = &rest[at + secret.len()..];
    }
    out.extend_from_slice(rest);
    out
}

fn write_redacted(text: &[u8], secret: &[u8]) {
    let mut redacted = redact(text, secret);
    write_all(&redacted);
    redacted.zeroize();
}

/// To standard error; a standard error that cannot take it (closed, full)
/// loses the command's output, never the delivery.
fn write_all(text: &[u8]) {
    let _ = std::io::stderr().lock().write_all(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_occurrence_of_the_secret_is_redacted() {
        assert_eq!(
            redact(
                b"sh: 1: nk_s3cr3t: not found; nk_s3cr3tnk_s3cr3t\n",
                b"nk_s3cr3t"
            ),
            b"sh: 1: [redacted]: not found; [redacted][redacted]\n"
        );
        assert_eq!(redact(b"nothing here\n", b"nk_s3cr3t"), b"nothing here\n");
        assert_eq!(redact(b"nk_s3cr", b"nk_s3cr3t"), b"nk_s3cr");
    }
}
