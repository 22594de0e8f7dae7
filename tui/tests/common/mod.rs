//! Fixtures for the UI tests: a fixed clock, keys with fixed ids (from the
//! test kit's `fixtures`), and helpers to drive the app with keys and draw it
//! on a `TestBackend`.
#![allow(dead_code, unused_imports, clippy::unwrap_used)] // each test file uses some of it

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use narrative_keys_testkit::fixtures::{
    FAKE_SECRET, created, empty_report, id, keys, now, offline_client, replacement,
};
use narrative_keys_tui::ui::action::{Refusal, RevokeOutcome, RevokedKey};
use narrative_keys_tui::ui::theme::Theme;
use narrative_keys_tui::ui::{Action, App, Effect, screen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The answer to revoking key 11 ("Key admin (CI)", the key a session
/// signs in with when `own_key_id` is `id(11)`): revoked. Returns the effect
/// `update` made of it.
pub fn revoke_own_key(app: &mut App) -> Option<Effect> {
    app.update(Action::Revoked(vec![RevokedKey::new(
        id(11),
        "Key admin (CI)",
        RevokeOutcome::Revoked,
    )]))
}

/// The reload after that refused: the list fails with 401, and the refusal
/// follows.
pub fn reload_refused_401(app: &mut App) {
    app.update(Action::KeysLoaded(Err(
        "invalid token (401 unauthorized)".into()
    )));
    app.update(Action::Refused {
        refusal: Refusal::Unauthorized,
        write: false,
        message: "invalid token (401 unauthorized)".into(),
    });
}

/// An app with the keys loaded, as after the first `list_keys`.
pub fn loaded_app() -> App {
    let mut app = App::new("DEMO", true, now());
    let effect = app.init();
    assert!(matches!(effect, Some(Effect::LoadKeys)));
    assert!(app.update(Action::KeysLoaded(Ok(keys()))).is_none());
    app
}

/// A loaded app with the create form open (`n`) and `name` typed.
pub fn new_form(name: &str) -> App {
    let mut app = loaded_app();
    ch(&mut app, 'n');
    typed(&mut app, name);
    app
}

pub fn press(app: &mut App, code: KeyCode) -> Option<Effect> {
    app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ch(app: &mut App, c: char) -> Option<Effect> {
    let modifiers = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    app.update(Action::Key(KeyEvent::new(KeyCode::Char(c), modifiers)))
}

pub fn ctrl(app: &mut App, c: char) -> Option<Effect> {
    app.update(Action::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

pub fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        assert!(ch(app, c).is_none(), "typing {c:?} made an effect");
    }
}

/// The whole app drawn at `w` x `h`, without colour.
pub fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| screen::render(app, Theme::MONO, f))
        .unwrap();
    terminal.backend().to_string()
}

/// Runs an effect through the UI's executor with `client`, on a runtime of
/// its own: the actions it sends back (until its last task ends, or 5 s
/// pass without one) and what it wrote to the terminal.
pub fn run_effect_with(client: narrative_keys::Client, effect: Effect) -> (Vec<Action>, Vec<u8>) {
    use narrative_keys_tui::ui::runtime::Executor;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let exec = Executor {
            client,
            tx,
            environment: "test".into(),
            apply_stop: narrative_keys::Interrupt::new(),
        };
        let mut terminal = Vec::new();
        exec.run(effect, &mut terminal);
        drop(exec);
        let mut actions = Vec::new();
        while let Ok(Some(a)) =
            tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await
        {
            actions.push(a);
        }
        (actions, terminal)
    })
}
