//! The terminal and the event loop: input, ticks and effect results become
//! actions; `App::update` turns them into effects, which run here as tasks.
//! The terminal is restored on every way out, the panic hook first.

use std::io::{self, Stdout, Write};
use std::path::PathBuf;
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
use narrative_keys::deliver::{
    self, DeliveryError, NewSecret, SecretFile, SecretSink, SecretsFile,
};
use narrative_keys::incident::{self, IncidentOptions};
use narrative_keys::revoke::{RevokeManyOptions, RevokeManyReport, RevokeResult, revoke_many};
use narrative_keys::rotate::{
    OldKeyOutcome, OldKeyPolicy, RotateOptions, create_successor, retire_old_key,
};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::action::{
    Action, Effect, IncidentDone, OldKeyFate, OldKeyRetired, Refusal, RevokeOutcome, RevokedKey,
    Rotated, SecretsWritten,
};
use super::app::App;
use super::components::dialog::secret::{SecretEntry, UnstoredKey};
use super::job::Job;
use super::text::describe_error;
use super::theme::Theme;
use super::{osc52, screen};

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

/// Runs effects: network calls as tasks whose results come back as actions.
pub struct Executor {
    /// The SDK client every network effect calls through.
    pub client: Client,
    /// Where the effects' results go back to the event loop, as actions.
    pub tx: UnboundedSender<Action>,
    /// The environment's label, written into incident reports.
    pub environment: String,
}

impl Executor {
    fn spawn(&self, work: impl std::future::Future<Output = Action> + Send + 'static) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(work.await);
        });
    }

    /// Like `spawn`, for work that may be refused for want of permission:
    /// the refusal follows the work's own result as [`Action::Refused`].
    fn spawn_refusable(
        &self,
        write: bool,
        work: impl std::future::Future<Output = (Action, Option<(Refusal, String)>)> + Send + 'static,
    ) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let (action, refused) = work.await;
            let _ = tx.send(action);
            if let Some((refusal, message)) = refused {
                let _ = tx.send(Action::Refused {
                    refusal,
                    write,
                    message,
                });
            }
        });
    }

    /// Starts `effect`: a network call (a secrets file's write too, which
    /// asks first) as a spawned task, a terminal or report write at once
    /// (to `terminal` for the clipboard); either way the result comes back
    /// on `tx`.
    // long: one arm per effect, most of them a line or two.
    pub fn run(&self, effect: Effect, terminal: &mut impl Write) {
        tracing::debug!(?effect, "effect");
        let client = self.client.clone();
        match effect {
            Effect::Many(all) => {
                for e in all {
                    self.run(e, terminal);
                }
            }
            Effect::LoadKeys => self.spawn_refusable(false, async move {
                answer(client.list_keys().await, "list keys", Action::KeysLoaded)
            }),
            Effect::Create(new) => self.spawn_refusable(true, async move {
                answer(client.create_key(&new).await, "create key", Action::Created)
            }),
            Effect::Update { id, update } => self.spawn_refusable(true, async move {
                let result = client.update_key(&id, &update).await;
                answer(result, "update key", Action::Updated)
            }),
            Effect::Rotate { id, old_key } => {
                self.spawn_refusable(true, rotate(client, id, old_key))
            }
            Effect::RetireOldKey {
                old,
                new_id,
                policy,
            } => self.spawn_refusable(true, retire(client, old, new_id, policy)),
            Effect::WriteSecrets { path, secrets } => self.spawn(async move {
                Action::SecretsWritten(write_secrets(client, path, secrets).await)
            }),
            Effect::CheckKept(kept) => {
                self.spawn(async move { Action::KeptSecretChecked(kept.check(&client).await) });
            }
            Effect::Revoke(keys) => self.spawn_refusable(true, async move {
                let (results, refused) =
                    revoke_keys(&client, keys, &RevokeManyOptions::default()).await;
                (Action::Revoked(results), refused)
            }),
            Effect::RevokeUnstored(keys) => self.spawn_refusable(true, async move {
                let (results, refused) =
                    revoke_keys(&client, keys, &RevokeManyOptions::default()).await;
                (Action::UnstoredRevoked(results), refused)
            }),
            Effect::Incident(plan) => {
                let options = IncidentOptions {
                    environment: self.environment.clone(),
                    ..IncidentOptions::default()
                };
                self.spawn(async move {
                    let outcome = incident::execute(&client, &plan, &options).await;
                    Action::IncidentDone(Box::new(IncidentDone {
                        report: outcome.report,
                        replacements: outcome.replacements,
                    }))
                })
            }
            local @ (Effect::Copy { .. } | Effect::CopyId { .. } | Effect::SaveReport { .. }) => {
                self.run_here(local, terminal)
            }
        }
    }

    /// The effects done in place: terminal and file writes.
    fn run_here(&self, effect: Effect, terminal: &mut impl Write) {
        match effect {
            Effect::Copy { id, secret } => {
                let result = osc52::copy(terminal, secret.expose()).map_err(|e| e.to_string());
                let _ = self.tx.send(Action::Copied { id, result });
            }
            Effect::CopyId { id } => {
                let result = osc52::copy(terminal, &id).map_err(|e| e.to_string());
                let _ = self.tx.send(Action::IdCopied { id, result });
            }
            Effect::SaveReport { path, markdown } => {
                // A report is only ever a new file: one already there is
                // left as it is, and the message says so.
                let result = deliver::write_new_file(&path, &markdown, false)
                    .map(|()| path)
                    .map_err(|e| describe_delivery(&e));
                let _ = self.tx.send(Action::ReportSaved(result));
            }
            // Network calls are spawned by `run`, which sends none here.
            other => tracing::warn!(?other, "not an effect done in place"),
        }
    }
}

/// An SDK call's result as the action `to` makes of it, a failure
/// described (and logged as `what`), with the refusal it is, if one.
fn answer<T>(
    result: Result<T, narrative_keys::Error>,
    what: &str,
    to: impl FnOnce(Result<T, String>) -> Action,
) -> (Action, Option<(Refusal, String)>) {
    let refused = refusal(result.as_ref().err());
    let action = to(result.map_err(|e| {
        tracing::warn!(error = %e, "{what}");
        describe_error(&e)
    }));
    (action, refused)
}

/// A rotation's first step: the successor and its secret. The old key is
/// left alone: it is retired (`Effect::RetireOldKey`) once the successor's
/// secret is stored from the dialog.
async fn rotate(
    client: Client,
    id: String,
    old_key: OldKeyPolicy,
) -> (Action, Option<(Refusal, String)>) {
    let options = RotateOptions {
        old_key,
        ..RotateOptions::default()
    };
    let result = create_successor(&client, &id, &options, Utc::now()).await;
    let result = result.map(|s| Rotated {
        old: s.old,
        new: s.new,
        old_key,
    });
    answer(result, "rotate key", Action::Rotated)
}

/// A rotation's second step, once the successor `new_id`'s secret is stored.
async fn retire(
    client: Client,
    old: narrative_keys::ApiKey,
    new_id: String,
    policy: OldKeyPolicy,
) -> (Action, Option<(Refusal, String)>) {
    let outcome = retire_old_key(&client, &old, &new_id, policy).await;
    let refused = refusal(outcome.error());
    let fate = old_key_fate(outcome);
    (
        Action::OldKeyRetired(OldKeyRetired { old, new_id, fate }),
        refused,
    )
}

/// What became of a rotation's old key, as the UI says it.
fn old_key_fate(outcome: OldKeyOutcome) -> Result<OldKeyFate, String> {
    match outcome {
        OldKeyOutcome::RevokeFailed(e) | OldKeyOutcome::ExpireFailed { error: e, .. } => {
            Err(describe_error(&e))
        }
        OldKeyOutcome::Revoked => Ok(OldKeyFate::Revoked),
        OldKeyOutcome::Expires { at, .. } => Ok(OldKeyFate::Expires(at)),
        // Interrupted: the old key was left working, as when kept.
        OldKeyOutcome::Kept | OldKeyOutcome::Interrupted => Ok(OldKeyFate::Kept),
    }
}

/// Revokes `keys`, each as (id, name), in one bulk call: each key's
/// outcome, and the first refusal among the failures, if any.
async fn revoke_keys(
    client: &Client,
    keys: Vec<(String, String)>,
    options: &RevokeManyOptions,
) -> (Vec<RevokedKey>, Option<(Refusal, String)>) {
    let ids: Vec<String> = keys.iter().map(|(id, _)| id.clone()).collect();
    let report = revoke_many(client, &ids, options).await;
    let refused = report.outcomes.iter().find_map(|o| match &o.result {
        RevokeResult::Failed(e) => refusal(Some(e)),
        _ => None,
    });
    (revoked(keys, &report), refused)
}

/// What a bulk revoke did to each key asked for, as (id, name).
fn revoked(keys: Vec<(String, String)>, report: &RevokeManyReport) -> Vec<RevokedKey> {
    keys.into_iter()
        .map(|(id, name)| {
            let outcome = report.outcomes.iter().find(|o| o.id == id);
            let outcome = match outcome.map(|o| &o.result) {
                Some(RevokeResult::Revoked) => RevokeOutcome::Revoked,
                Some(RevokeResult::AlreadyGone) => RevokeOutcome::AlreadyGone,
                Some(RevokeResult::Failed(e)) => RevokeOutcome::Failed(describe_error(e)),
                None => RevokeOutcome::Failed("not attempted".to_owned()),
            };
            RevokedKey::new(id, name, outcome)
        })
        .collect()
}

/// The refusal an error is, with the server's words, if it is one.
fn refusal(e: Option<&narrative_keys::Error>) -> Option<(Refusal, String)> {
    let e = e?;
    Refusal::of(e).map(|r| (r, describe_error(e)))
}

/// A refused or failed write in one line: the path, what went wrong, and
/// what to do.
fn describe_delivery(e: &DeliveryError) -> String {
    match &e.hint {
        Some(hint) => format!("{e}; {hint}"),
        None => e.to_string(),
    }
}

/// Writes the secrets to `path`, mode 0600, as the command line does: one
/// secret as `NARRATIVE_API_KEY=<secret>` (`--secret-out`: a secret the file
/// holds is first asked about with `/whoami` through `client`'s environment,
/// while a rotation's old key still works, then kept beside it and returned
/// to be checked once any old key is retired), several in one new file
/// (`--secrets-out`: dotenv, or JSON for `.json`). The path is checked
/// first: a link, a device, a FIFO, a directory or a file holding anything
/// else is refused and left untouched, and nothing is sent.
async fn write_secrets(client: Client, path: PathBuf, secrets: Vec<SecretEntry>) -> SecretsWritten {
    let mut one = (secrets.len() == 1).then(|| SecretFile::new(&path));
    let mut many = SecretsFile::new(&path);
    let mut error = match one.as_mut() {
        Some(file) => match file.check() {
            Ok(()) => {
                file.probe_held(&client).await;
                // The way out stopped waiting for this write and counts its
                // secret as unstored (its key is being revoked): writing it
                // now would put a revoked secret in the file.
                CLOSING.load(Ordering::SeqCst).then(|| {
                    DeliveryError::new(
                        path.display().to_string(),
                        "was not written: the program was closing",
                    )
                })
            }
            Err(e) => Some(e),
        },
        None => many.check().err(),
    };
    let sink: &mut dyn SecretSink = match one.as_mut() {
        Some(file) => file,
        None => &mut many,
    };
    let mut written = Vec::new();
    if error.is_none() {
        for entry in &secrets {
            let item = NewSecret {
                key: &entry.key,
                secret: &entry.secret,
                replaces: entry.replaces.as_deref(),
            };
            match sink.deliver(&item) {
                Ok(()) => written.push(entry.key.id.clone()),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
    }
    if let Some(e) = &error {
        tracing::warn!(target_path = %e.target, written = written.len(), "the secrets were not all written");
    }
    SecretsWritten {
        path,
        written,
        error: error.as_ref().map(describe_delivery),
        kept: one.as_mut().and_then(SecretFile::take_kept),
    }
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
    app.readonly = options.readonly;
    app.refresh_every = options.refresh;
    app.own_key_id = options.own_key_id;
    let exec = Executor {
        client,
        tx,
        environment: label,
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
    settle_key_making(&mut app, &exec, &mut rx).await;
    CLOSING.store(true, Ordering::SeqCst);
    let unstored = app.unstored_keys();
    // Any secret still on screen is dropped (and zeroed) with the app.
    drop(app);
    leave_terminal(terminal, guard);
    if !unstored.is_empty() {
        let how = match &ended {
            Ok(Ended::Signal(signal)) => format!("was stopped by {}", signal.name()),
            Ok(Ended::Quit) => "ended".to_owned(),
            Err(_) => "failed".to_owned(),
        };
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
        app.busy.iter().any(|job| {
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
                tracing::warn!(jobs = ?app.busy, "stopped before the work in flight answered");
                break;
            }
        }
    }
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
