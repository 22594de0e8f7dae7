//! Fixtures for the UI tests: a fixed clock, keys with fixed ids, and
//! helpers to drive the app with keys and draw it on a `TestBackend`.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use narrative_keys::incident::IncidentReport;
use narrative_keys::{ApiKey, CreatedKey, PermissionSet, Preset, Secret};
use narrative_keys_tui::ui::action::{Refusal, RevokeOutcome, RevokedKey};
use narrative_keys_tui::ui::theme::Theme;
use narrative_keys_tui::ui::{Action, App, Effect, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// An obviously fake secret: no snapshot may ever hold a real one.
pub const FAKE_SECRET: &str = "FAKE-SECRET-0123456789-not-a-real-key";

pub fn now() -> DateTime<Utc> {
    "2026-11-26T10:00:00Z".parse().unwrap()
}

pub fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn key(n: u32, name: &str, perms: &str, days: Option<i64>) -> ApiKey {
    ApiKey {
        id: id(n),
        name: name.to_owned(),
        permissions: PermissionSet::parse_compact(perms).unwrap(),
        expires_at: days.map(|d| now() + Duration::days(d)),
    }
}

/// A dozen keys covering every status, like the demo's.
pub fn keys() -> Vec<ApiKey> {
    vec![
        key(
            1,
            "Analytics dashboard",
            "read:datasets read:queries read:subscriptions",
            Some(75),
        ),
        key(
            2,
            "Nightly ingestion",
            "write:datasets write:data_streams",
            Some(9),
        ),
        key(
            3,
            "Nightly ingestion",
            "write:datasets write:data_streams",
            Some(45),
        ),
        key(
            4,
            "Airflow workflows",
            "read:workflows write:workflows read:jobs write:jobs",
            Some(180),
        ),
        key(
            5,
            "S3 delivery connector",
            "read:connections write:connections read:destinations write:destinations",
            Some(3),
        ),
        key(
            6,
            "Mobile SDK (staging)",
            "read:datasets write:datasets read:data_streams write:data_streams write:app_events",
            Some(60),
        ),
        key(
            7,
            "Legacy export job",
            "read:datasets write:destinations",
            Some(-20),
        ),
        key(8, "Old prototype", "read:datasets read:queries", Some(-200)),
        key(
            9,
            "Partner upload bot",
            "write:data_streams read:uploads",
            None,
        ),
        key(10, "Webhook relay", "read:webhooks write:webhooks", None),
        key(
            11,
            "Key admin (CI)",
            "read:access_tokens write:access_tokens",
            Some(30),
        ),
        key(
            12,
            "Data science notebook",
            "read:datasets read:queries write:queries read:models",
            Some(500),
        ),
    ]
}

/// A key just created (id 99, the data ingestion preset, 90 days) with
/// `secret`.
pub fn created(name: &str, secret: &str) -> CreatedKey {
    CreatedKey {
        key: ApiKey {
            id: id(99),
            name: name.to_owned(),
            permissions: Preset::DataIngestion.permissions(&[]),
            expires_at: Some(now() + Duration::days(90)),
        },
        secret: Secret::new(secret),
    }
}

/// The `n`th of [`keys`] (from 1) and its replacement: the same key with id
/// `100 + n` and `secret`, as an incident's replacements list them.
pub fn replacement(n: u32, secret: &str) -> (String, CreatedKey) {
    let old = keys()[n as usize - 1].clone();
    let new = CreatedKey {
        key: ApiKey {
            id: id(100 + n),
            ..old.clone()
        },
        secret: Secret::new(secret),
    };
    (old.id, new)
}

/// An incident's report in the demo environment at [`now`] with nothing in
/// it.
pub fn empty_report() -> IncidentReport {
    IncidentReport {
        environment: "DEMO".into(),
        started_at: now(),
        finished_at: now(),
        note: None,
        revoked: vec![],
        replacements: vec![],
        already_present: vec![],
        failures: vec![],
        missing_ids: vec![],
        replacement_expiration: None,
        resumed_at: vec![],
        look_alikes: vec![],
        expired_not_replaced: vec![],
    }
}

/// A client for a port nothing listens on, with a fake key: for effects
/// that must not reach a server.
pub fn offline_client() -> narrative_keys::Client {
    narrative_keys::Client::builder()
        .api_key("fake-caller-key-not-real")
        .environment("http://127.0.0.1:9".parse().unwrap())
        .build()
        .unwrap()
}

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
        .draw(|f| view::render(app, Theme::MONO, f))
        .unwrap();
    terminal.backend().to_string()
}
