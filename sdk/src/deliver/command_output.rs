//! A delivery command's standard output and error: read through a pipe of
//! ours and forwarded to this process's standard error line by line (or
//! kept for the caller, [`CapturedOutput`]: a terminal UI, whose screen
//! standard error would write over), with the secret it was handed
//! replaced by `[redacted]`.
//!
//! Straight to the terminal or a CI log, a command's output could print the
//! secret (`cat` without a file, or `sh: 1: SECRET: not found` from a list
//! of words each run as a command). Through our pipe, a process that left
//! the command's group (`setsid`) holds only that pipe, not the user's
//! standard error, so it cannot keep a `| grep` waiting after we end.

use std::io::{ErrorKind, PipeReader, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};
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

/// How much of its commands' output a [`CapturedOutput`] keeps: enough for
/// any message, never a chatty command's whole log in memory.
const MAX_CAPTURED: usize = 16 * 1024;

/// Delivery commands' output kept for the caller, redacted, instead of
/// forwarded to standard error. Clones share it.
#[derive(Debug, Clone, Default)]
pub struct CapturedOutput(Arc<Mutex<Vec<u8>>>);

impl CapturedOutput {
    /// Nothing kept yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// What the commands wrote so far (redacted), as text; empty if nothing.
    pub fn text(&self) -> String {
        let kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&kept).into_owned()
    }

    fn push(&self, text: &[u8]) {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let room = MAX_CAPTURED.saturating_sub(kept.len());
        if room == 0 {
            return;
        }
        if text.len() <= room {
            kept.extend_from_slice(text);
        } else {
            kept.extend_from_slice(&text[..room]);
            kept.extend_from_slice(b"\n[the rest of the output was cut]\n");
        }
    }
}

/// The read end of the command's output pipe, a line not yet complete,
/// and where the lines go (standard error unless kept).
pub(super) struct CommandOutput {
    reader: Option<PipeReader>,
    secret: Secret,
    pending: Vec<u8>,
    kept: Option<CapturedOutput>,
}

impl CommandOutput {
    /// Forwards what `reader` (set non-blocking here) gives, without
    /// `secret`, to standard error, or into `kept`.
    pub(super) fn new(
        reader: PipeReader,
        secret: Secret,
        kept: Option<CapturedOutput>,
    ) -> std::io::Result<Self> {
        rustix::io::ioctl_fionbio(&reader, true)?;
        Ok(Self {
            reader: Some(reader),
            secret,
            pending: Vec::new(),
            kept,
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
            self.write_redacted(&rest);
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
                self.write(out);
                self.pending = tail.to_vec();
                return;
            }
            None => return,
        };
        let mut rest = self.pending.split_off(cut);
        std::mem::swap(&mut rest, &mut self.pending);
        self.write_redacted(&rest);
        rest.zeroize();
    }

    fn write_redacted(&self, text: &[u8]) {
        let mut redacted = redact(text, self.secret.expose().as_bytes());
        self.write(&redacted);
        redacted.zeroize();
    }

    /// To the caller's buffer, or standard error; a standard error that
    /// cannot take it (closed, full) loses the command's output, never the
    /// delivery.
    fn write(&self, text: &[u8]) {
        match &self.kept {
            Some(kept) => kept.push(text),
            None => {
                let _ = std::io::stderr().lock().write_all(text);
            }
        }
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
