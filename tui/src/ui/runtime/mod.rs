//! The terminal and the event loop: input, ticks and effect results become
//! actions; `App::update` turns them into effects, which run here as tasks.
//! The terminal is restored on every way out, the panic hook first.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event, EventStream};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::StreamExt;
use narrative_keys::Client;
use narrative_keys::revoke::RevokeManyOptions;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::action::{Action, Effect, RevokeOutcome, RevokedKey};
use super::app::App;
use super::components::dialog::secret::UnstoredKey;
use super::job::Job;
use super::screen;
use super::theme::Theme;

mod executor;

pub use executor::Executor;
use executor::revoke_keys;

/// Set once the way out has counted the secrets nobody stored: a file
/// write still in flight then gives up rather than write a secret whose key
/// is being revoked.
static CLOSING: AtomicBool = AtomicBool::new(false);

static PANICKED: AtomicBool = AtomicBool::new(false);

/// Stops mouse capture, leaves the alternate screen, shows the cursor,
/// turns raw mode off.
pub fn restore() -> io::Result<()> {
    let raw = disable_raw_mode();
    execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    )?;
    raw
}

/// Restores the terminal when dropped: on return, on error, on unwinding.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = restore();
    }
}

/// The hook the UI installs before touching the terminal: it restores the
/// terminal, logs the panic (message and place) through `tracing`, then runs
/// the hook that was there before (the standard one prints to stderr).
/// Public so a test can install this very hook and check that a panic
/// message carries no secret to stderr or the log.
pub fn install_panic_hook() {
    let original = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // The terminal first, so the message is readable.
        let _ = restore();
        PANICKED.store(true, Ordering::SeqCst);
        tracing::error!(%info, "panic");
        original(info);
    }));
}

type Term = Terminal<CrosstermBackend<Stdout>>;

fn draw(terminal: &mut Term, app: &App, theme: Theme) -> io::Result<()> {
    terminal.draw(|f| screen::render(app, theme, f)).map(|_| ())
}

/// How the UI was asked to run (`--readonly`, `--refresh`), and what is
/// known of the session's own key.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--readonly`: no change is made from this session.
    pub readonly: bool,
    /// `--refresh`: how often to load the keys again; `None`: only when asked (`R`).
    pub refresh: Option<Duration>,
    /// The id of the key this session signs in with, when known (the demo).
    pub own_key_id: Option<String>,
    /// The keys file (`--file`, or one in the current directory), read.
    pub keys_as_code: Option<crate::ui::app::KeysAsCode>,
}

/// How the UI ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The user quit (q, `:q`, Ctrl-C outside a dialog, SIGINT), or the
    /// terminal's input ended.
    Quit,
    /// A signal asked the program to stop.
    Signal(StopSignal),
}

impl Ended {
    /// The process's exit status: 0 after a quit, as a shell reports a
    /// process the signal ended (128 + its number) after a signal.
    pub fn exit_status(self) -> u8 {
        match self {
            Ended::Quit => 0,
            Ended::Signal(StopSignal::Hangup) => 128 + 1,
            Ended::Signal(StopSignal::Terminate) => 128 + 15,
        }
    }
}

/// The signals that stop the UI (each still restores the terminal and
/// revokes the new keys nobody stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopSignal {
    /// SIGHUP: the terminal went away (its window or tmux session closed).
    Hangup,
    /// SIGTERM: asked to terminate.
    Terminate,
}

impl StopSignal {
    /// Its name, as `kill -l` prints it.
    pub fn name(self) -> &'static str {
        match self {
            StopSignal::Hangup => "SIGHUP",
            StopSignal::Terminate => "SIGTERM",
        }
    }
}

/// How long the way out waits for the new keys' revocation, and for the
/// answers in flight that may make a key: a process asked to stop must
/// stop soon.
const WAY_OUT_LIMIT: Duration = Duration::from_secs(5);

/// How long the way out waits for the terminal to take the restore
/// sequence, and stderr its message: a live terminal takes them at once.
const TERMINAL_WRITE_LIMIT: Duration = Duration::from_secs(2);

/// Runs the UI until the user quits or a signal stops it. `started` is
/// when the process began, for the start-to-first-frame figure in the log;
/// `label` names the environment in the header, and `demo` marks the
/// `--demo` session.
///
/// On every way out, a new key whose secret the once-only dialog still
/// showed, neither written nor marked stored, is revoked (nobody
/// else holds it) after the terminal is restored, and stderr says which.
// long: set-up, the loop, and the way out in the order the promise needs
// (answers in flight, the keys nobody holds, the terminal, the revocation).
pub async fn run(
    client: Client,
    label: String,
    demo: bool,
    options: Options,
    started: Instant,
) -> io::Result<Ended> {
    let theme = Theme::from_env();
    install_panic_hook();
    enable_raw_mode()?;
    let guard = Guard;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    // Not `Terminal::clear`: since ratatui 0.30 it first asks the terminal
    // where the cursor is, and fails where no answer comes. A new terminal's
    // buffers are empty, so clearing the screen is all it did here.
    Backend::clear_region(terminal.backend_mut(), ClearType::All)?;

    let (tx, mut rx) = unbounded_channel();
    let mut app = App::new(label.clone(), demo, Utc::now());
    app.session.readonly = options.readonly;
    app.loading.refresh_every = options.refresh;
    app.session.own_key_id = options.own_key_id;
    app.keys_as_code = options.keys_as_code;
    let exec = Executor {
        client,
        tx,
        environment: label,
        apply_stop: narrative_keys::Interrupt::new(),
    };
    draw(&mut terminal, &app, theme)?;
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "first frame drawn"
    );
    if let Some(effect) = app.init() {
        exec.run(effect, terminal.backend_mut());
    }

    let ended = event_loop(&mut app, &exec, &mut terminal, (theme, &mut rx)).await;
    if let Ok(Ended::Signal(signal)) = &ended {
        tracing::warn!(signal = signal.name(), "stopped by a signal");
    }
    let how = match &ended {
        Ok(Ended::Signal(signal)) => format!("was stopped by {}", signal.name()),
        Ok(Ended::Quit) => "ended".to_owned(),
        Err(_) => "failed".to_owned(),
    };
    settle_key_making(&mut app, &exec, &mut rx).await;
    let applied = settle_apply(&mut app, &exec, &mut rx, &how).await;
    CLOSING.store(true, Ordering::SeqCst);
    let unstored = app.unstored_keys();
    // Any secret still on screen is dropped (and zeroed) with the app.
    drop(app);
    leave_terminal(terminal, guard);
    if let Some(text) = applied {
        say_on_stderr(text);
    }
    if !unstored.is_empty() {
        let text = revoke_unstored(&exec.client, unstored, &how).await;
        say_on_stderr(text);
    }
    let ended = ended?;
    if PANICKED.load(Ordering::SeqCst) {
        return Err(io::Error::other(
            "an internal error stopped the UI; see the log file",
        ));
    }
    tracing::info!(?ended, "quit");
    Ok(ended)
}

/// Waits, within [`WAY_OUT_LIMIT`], for the answers of the work in flight
/// that makes keys (a create, a rotation, an incident's replacements) or
/// writes their secrets to a file, and folds them into the app: a key made
/// as the program stops lands in the dialog, so it is counted among those
/// nobody holds, and a secret written is not. An incident's report
/// is still saved; nothing else the answers ask for (a reload) is run.
async fn settle_key_making(app: &mut App, exec: &Executor, rx: &mut UnboundedReceiver<Action>) {
    let makes_keys = |app: &App| {
        app.feedback.busy.iter().any(|job| {
            matches!(
                job,
                Job::Creating | Job::Rotating | Job::Incident | Job::Writing
            )
        })
    };
    let deadline = tokio::time::Instant::now() + WAY_OUT_LIMIT;
    while makes_keys(app) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(action)) => {
                let next = app.update(action).map(Effect::flatten);
                for report in next.into_iter().flatten() {
                    if matches!(report, Effect::SaveReport { .. }) {
                        exec.run(report, &mut io::sink());
                    }
                }
            }
            Ok(None) | Err(_) => {
                tracing::warn!(jobs = ?app.feedback.busy, "stopped before the work in flight answered");
                break;
            }
        }
    }
}

/// Stops a keys file's apply in flight and waits, within [`WAY_OUT_LIMIT`],
/// for it to end: no key is made after this, a delivery command running is
/// stopped, and every secret it handed over that is not stored yet (on
/// screen or waiting) is refused, so the apply revokes that key again and
/// keeps the key it was to replace (the way out revokes it too, in case the
/// apply cannot finish in time). What the apply did, for stderr (`how`
/// names the way out), when one was running.
async fn settle_apply(
    app: &mut App,
    exec: &Executor,
    rx: &mut UnboundedReceiver<Action>,
    how: &str,
) -> Option<String> {
    if !app.feedback.busy.contains(&Job::Applying) {
        return None;
    }
    exec.apply_stop.request();
    app.hand_offs.take_all().into_iter().for_each(drop);
    let deadline = tokio::time::Instant::now() + WAY_OUT_LIMIT;
    let mut said = format!(
        "narrative-keys {how} while the keys file's apply was running, so the apply was stopped and did not end within {} seconds: run `narrative-keys plan` to see what is left, and `narrative-keys apply` to finish it.",
        WAY_OUT_LIMIT.as_secs()
    );
    while app.feedback.busy.contains(&Job::Applying) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            // Refused at once: nobody will see it.
            Ok(Some(Action::SecretHandedOver(handed))) => handed.answer.refused(),
            // Only folded in: nothing more is run on the way out.
            Ok(Some(Action::KeysFileApplied(result))) => {
                said = stopped_apply_text(&result, how);
                drop(app.update(Action::KeysFileApplied(result)));
            }
            Ok(Some(action)) => drop(app.update(action)),
            Ok(None) | Err(_) => {
                tracing::warn!("stopped before the keys file's apply ended");
                break;
            }
        }
    }
    Some(said)
}

/// What a keys file's apply stopped on the way out did, key by key: a
/// delivery cut short names its new key, revoked again, and the old key,
/// left working.
fn stopped_apply_text(
    result: &Result<narrative_keys::keys_as_code::ApplyReport, String>,
    how: &str,
) -> String {
    let escape = crate::output::escape_controls;
    let report = match result {
        Err(e) => {
            return format!(
                "narrative-keys {how} while the keys file's apply was starting: nothing was applied ({}).",
                escape(e)
            );
        }
        Ok(report) => report,
    };
    let mut lines = vec![format!(
        "narrative-keys {how} while the keys file's apply was running, so the apply was stopped:"
    )];
    for o in &report.outcomes {
        let done = if o.ok { "done" } else { "not done" };
        tracing::warn!(key = %o.name, ok = o.ok, "the apply stopped on the way out");
        lines.push(format!(
            "  {done}: \"{}\": {}",
            escape(&o.name),
            escape(&o.message)
        ));
    }
    if !report.is_complete() {
        lines.push("Run `narrative-keys plan` to see what is left, and `narrative-keys apply` to finish it.".to_owned());
    }
    lines.join("\n")
}

/// Restores the terminal (mouse capture off, alternate screen left, cursor
/// shown, raw mode off) in a thread waited for at most [`TERMINAL_WRITE_LIMIT`]:
/// after a hang-up the terminal may be gone, and a write to it must hold
/// up neither the revocation nor the exit.
fn leave_terminal(terminal: Term, guard: Guard) {
    off_the_main_thread("restoring the terminal", move || {
        let mut terminal = terminal;
        if terminal.show_cursor().is_ok() {
            drop(terminal);
        } else {
            // Its drop would try again and print the failure with
            // `eprintln!`, which panics when stderr is gone too.
            std::mem::forget(terminal);
        }
        drop(guard);
    });
}

/// Prints `text` on stderr, never blocking the exit nor panicking where
/// the terminal is gone (the log has it too).
fn say_on_stderr(text: String) {
    off_the_main_thread("writing to stderr", move || {
        let mut err = io::stderr().lock();
        let _ = writeln!(err, "{text}");
        let _ = err.flush();
    });
}

/// Runs `work` in a thread and waits for it at most [`TERMINAL_WRITE_LIMIT`]; one
/// still blocked then is left behind (the process is on its way out).
fn off_the_main_thread(what: &'static str, work: impl FnOnce() + Send + 'static) {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        work();
        let _ = done.send(());
    });
    if finished.recv_timeout(TERMINAL_WRITE_LIMIT).is_err() {
        tracing::warn!(
            what,
            "the terminal did not take the output in time; it may be gone"
        );
    }
}

/// Revokes new keys whose secret nobody holds within [`WAY_OUT_LIMIT`];
/// what was done, for stderr (the log has each key too). `how` ("was
/// stopped by SIGHUP") names the way out.
async fn revoke_unstored(client: &Client, keys: Vec<UnstoredKey>, how: &str) -> String {
    tracing::warn!(
        count = keys.len(),
        "revoking the new keys whose secret was neither written nor marked stored"
    );
    let options = RevokeManyOptions {
        deadline: WAY_OUT_LIMIT / 2,
        ..RevokeManyOptions::default()
    };
    let named = keys
        .iter()
        .map(|k| (k.id.clone(), k.name.clone()))
        .collect();
    let results =
        match tokio::time::timeout(WAY_OUT_LIMIT, revoke_keys(client, named, &options)).await {
            Ok((results, _)) => results,
            Err(_) => {
                let why = format!(
                    "no answer within {} seconds; it may still work",
                    WAY_OUT_LIMIT.as_secs()
                );
                let failed = |k: &UnstoredKey| {
                    RevokedKey::new(&k.id, &k.name, RevokeOutcome::Failed(why.clone()))
                };
                keys.iter().map(failed).collect()
            }
        };
    let mut lines = vec![format!(
        "narrative-keys {how} while the secret of {} was on screen, neither written nor marked stored. Nobody else holds it, so:",
        super::text::count_of(results.len(), "new key", "new keys")
    )];
    for (r, key) in results.iter().zip(&keys) {
        let (id, name) = (&r.id, crate::output::escape_controls(&r.name));
        let old = match &key.old_key {
            Some(old) => format!(" (the key it was to replace, {old}, was left working)"),
            None => String::new(),
        };
        match &r.outcome {
            RevokeOutcome::Failed(e) => {
                tracing::error!(key = %id, error = %e, "a new key nobody holds could not be revoked");
                lines.push(format!(
                    "  NOT revoked: \"{name}\" {id}: {e}. Revoke it by hand: narrative-keys revoke {id}{old}"
                ));
            }
            _ => {
                tracing::warn!(key = %id, "revoked a new key nobody holds");
                lines.push(format!("  revoked: \"{name}\" {id}{old}"));
            }
        }
    }
    lines.join("\n")
}

/// Events, effects' results and ticks into `app.update`, effects out to
/// `exec`, a frame when the screen changed; until the app quits, a signal
/// arrives or a panic is caught.
async fn event_loop(
    app: &mut App,
    exec: &Executor,
    terminal: &mut Term,
    (theme, rx): (Theme, &mut UnboundedReceiver<Action>),
) -> io::Result<Ended> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    loop {
        #[cfg(unix)]
        let (term_signal, hup_signal) = (terminate.recv(), hangup.recv());
        #[cfg(not(unix))]
        let (term_signal, hup_signal) = (
            std::future::pending::<Option<()>>(),
            std::future::pending::<Option<()>>(),
        );
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => Action::Key(key),
                Some(Ok(Event::Mouse(mouse))) => Action::Mouse(mouse),
                Some(Ok(Event::Resize(w, h))) => Action::Resize(w, h),
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    tracing::error!(error = %e, "reading terminal events");
                    Action::Quit
                }
                None => Action::Quit,
            },
            Some(action) = rx.recv() => action,
            _ = tick.tick() => Action::Tick(Utc::now()),
            _ = tokio::signal::ctrl_c() => Action::Quit,
            _ = term_signal => return Ok(Ended::Signal(StopSignal::Terminate)),
            _ = hup_signal => return Ok(Ended::Signal(StopSignal::Hangup)),
        };
        if let Some(effect) = app.update(action) {
            exec.run(effect, terminal.backend_mut());
        }
        if app.should_quit || PANICKED.load(Ordering::SeqCst) {
            break;
        }
        if app.screen_changed {
            draw(terminal, app, theme)?;
        }
    }
    Ok(Ended::Quit)
}
