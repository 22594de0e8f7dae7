//! SIGINT, SIGTERM and SIGHUP, for the commands that make or revoke keys:
//! one thing, whichever arrives (Ctrl-C, CI cancelling a job, a terminal
//! closing). The first asks the work to stop through the process's one
//! [`interrupt`] flag, which the session's client carries and a delivery
//! command polls: the request in flight finishes, a delivery in progress is
//! stopped and its key revoked again, a rotation's old key is left working.
//! A second one exits at once.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicI32, Ordering};

use narrative_keys::Interrupt;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use crate::output::msgln;

/// The first of SIGINT, SIGTERM and SIGHUP caught, 0 before one was.
static FIRST_SIGNAL: AtomicI32 = AtomicI32::new(0);

/// The signal that asked the run to stop, if one did: a command it stopped
/// exits 128 + its number, as the second one and the terminal UI do.
pub fn first_signal() -> Option<i32> {
    match FIRST_SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// The process's stop flag: signals are process-wide, so there is one.
/// Sessions build their client with it, and `--secret-to`'s command polls it.
pub fn interrupt() -> &'static Interrupt {
    static FLAG: OnceLock<Interrupt> = OnceLock::new();
    FLAG.get_or_init(Interrupt::new)
}

/// Catches SIGINT, SIGTERM and SIGHUP on a thread of their own (a delivery
/// command is waited for on a runtime worker, which must not keep a signal
/// from being seen). A signal ignored when the process started (`nohup`, a
/// shell's background job) stays ignored.
pub fn stop_on_signals() -> std::io::Result<()> {
    let caught: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|&signal| !ignored_at_start(signal))
        .collect();
    let mut signals = signal_hook::iterator::Signals::new(&caught)?;
    std::thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || {
            let mut arriving = signals.forever();
            if let Some(first) = arriving.next() {
                FIRST_SIGNAL.store(first, Ordering::SeqCst);
                interrupt().request();
                // After SIGHUP the terminal may be gone: dropped, never a panic.
                msgln!("{}", first_notice(first));
            }
            if let Some(second) = arriving.next() {
                msgln!(
                    "stopped at once: a key this run created whose secret was not delivered yet still works and nobody holds it; find it with `narrative-keys list` and revoke it"
                );
                std::process::exit(128 + second);
            }
        })?;
    Ok(())
}

/// What the first signal does, in words.
fn first_notice(signal: i32) -> String {
    let (name, again) = match signal {
        SIGINT => ("Ctrl-C", "press Ctrl-C again"),
        SIGTERM => ("SIGTERM", "send it again"),
        _ => ("SIGHUP", "send it again"),
    };
    format!(
        "interrupted ({name}): finishing the request in flight, then stopping; a delivery command still running is stopped and its key revoked again, and an old key being rotated is left working. To stop at once, {again} (a key made and not yet delivered then stays working with nobody holding its secret)."
    )
}

/// Whether `signal` was ignored when the process started, as `nohup` and
/// non-interactive shells' background jobs arrange (Linux, where
/// `/proc/self/status` says; elsewhere taken as not ignored).
fn ignored_at_start(signal: i32) -> bool {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return false;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| {
            u32::try_from(signal - 1).is_ok_and(|bit| bit < 64 && mask & (1 << bit) != 0)
        })
}
