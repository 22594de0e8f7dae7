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
use narrative_keys::rotate::{OldKeyOutcome, RotateOptions, rotate_at};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::action::{
    Action, Effect, IncidentDone, OldKeyFate, Refusal, RevokeOutcome, RevokedKey, Rotated,
    SecretsWritten,
};
use super::app::App;
use super::modal::SecretEntry;
use super::text::describe_error;
use super::theme::Theme;
use super::{osc52, view};

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

    /// Starts `effect`: a network call as a spawned task, a terminal or
    /// file write at once (to `terminal` for the clipboard); either way the
    /// result comes back on `tx`.
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
            Effect::Rotate { id, old_key } => self.spawn_refusable(true, async move {
                let options = RotateOptions {
                    old_key,
                    ..RotateOptions::default()
                };
                let result = rotate_at(&client, &id, &options, Utc::now()).await;
                answer(result.map(rotated), "rotate key", Action::Rotated)
            }),
            Effect::Revoke(keys) => self.spawn_refusable(true, async move {
                let ids: Vec<String> = keys.iter().map(|(id, _)| id.clone()).collect();
                let report = revoke_many(&client, &ids, &RevokeManyOptions::default()).await;
                let refused = report.outcomes.iter().find_map(|o| match &o.result {
                    RevokeResult::Failed(e) => refusal(Some(e)),
                    _ => None,
                });
                (Action::Revoked(revoked(keys, &report)), refused)
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
            local @ (Effect::Copy { .. }
            | Effect::WriteSecrets { .. }
            | Effect::CopyId { .. }
            | Effect::SaveReport { .. }) => self.run_here(local, terminal),
        }
    }

    /// The effects done in place: terminal and file writes.
    fn run_here(&self, effect: Effect, terminal: &mut impl Write) {
        match effect {
            Effect::Copy { id, secret } => {
                let result = osc52::copy(terminal, secret.expose()).map_err(|e| e.to_string());
                let _ = self.tx.send(Action::Copied { id, result });
            }
            Effect::WriteSecrets { path, secrets } => {
                let written = write_secrets(path, &secrets);
                let _ = self.tx.send(Action::SecretsWritten(written));
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

/// A rotation as the UI needs it.
fn rotated(r: narrative_keys::rotate::Rotation) -> Rotated {
    Rotated {
        old: r.old,
        new: r.new,
        old_key: match r.old_key {
            OldKeyOutcome::RevokeFailed(e) | OldKeyOutcome::ExpireFailed { error: e, .. } => {
                Err(describe_error(&e))
            }
            OldKeyOutcome::Revoked => Ok(OldKeyFate::Revoked),
            OldKeyOutcome::Expires { at, .. } => Ok(OldKeyFate::Expires(at)),
            // Interrupted: the old key was left working, as when kept.
            OldKeyOutcome::Kept | OldKeyOutcome::Interrupted => Ok(OldKeyFate::Kept),
        },
    }
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
/// secret as `NARRATIVE_API_KEY=<secret>` (`--secret-out`), several in one
/// new file (`--secrets-out`: dotenv, or JSON for `.json`). The path is
/// checked first: a link, a device, a FIFO, a directory or a file holding
/// anything else is refused and left untouched.
fn write_secrets(path: PathBuf, secrets: &[SecretEntry]) -> SecretsWritten {
    let mut sink: Box<dyn SecretSink> = match secrets {
        [_] => Box::new(SecretFile::new(&path)),
        _ => Box::new(SecretsFile::new(&path)),
    };
    let mut written = Vec::new();
    let mut error = sink.check().err();
    if error.is_none() {
        for entry in secrets {
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
    }
}

type Term = Terminal<CrosstermBackend<Stdout>>;

fn draw(terminal: &mut Term, app: &App, theme: Theme) -> io::Result<()> {
    terminal.draw(|f| view::render(app, theme, f)).map(|_| ())
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

/// Runs the UI until the user quits. `started` is when the process began,
/// for the start-to-first-frame figure in the log; `label` names the
/// environment in the header, and `demo` marks the `--demo` session.
pub async fn run(
    client: Client,
    label: String,
    demo: bool,
    options: Options,
    started: Instant,
) -> io::Result<()> {
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
    // Any secret still on screen is dropped (and zeroed) with the app.
    drop(app);
    drop(terminal);
    drop(guard);
    ended?;
    if PANICKED.load(Ordering::SeqCst) {
        return Err(io::Error::other(
            "an internal error stopped the UI; see the log file",
        ));
    }
    tracing::info!("quit");
    Ok(())
}

/// Events, effects' results and ticks into `app.update`, effects out to
/// `exec`, a frame when the screen changed; until the app quits, a signal
/// arrives or a panic is caught.
async fn event_loop(
    app: &mut App,
    exec: &Executor,
    terminal: &mut Term,
    (theme, rx): (Theme, &mut UnboundedReceiver<Action>),
) -> io::Result<()> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    loop {
        #[cfg(unix)]
        let term_signal = terminate.recv();
        #[cfg(not(unix))]
        let term_signal = std::future::pending::<Option<()>>();
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
            _ = term_signal => Action::Quit,
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
    Ok(())
}
