//! The UI fed what a broken or hostile server could send: nothing, garbage,
//! 100,000 keys, names with control characters, right-to-left text, emoji and
//! very long words. It keeps drawing at every size and stays usable.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use chrono::Duration;
use common::*;
use crossterm::event::KeyCode;
use narrative_keys::{ApiKey, Error, PermissionSet};
use narrative_keys_tui::ui::{Action, App, Effect};

fn app_with(keys: Vec<ApiKey>) -> App {
    let mut app = App::new("prod", false, now());
    assert!(matches!(app.init(), Some(Effect::LoadKeys)));
    app.update(Action::KeysLoaded(Ok(keys)));
    app
}

fn key(n: u32, name: &str) -> ApiKey {
    ApiKey {
        id: id(n),
        name: name.to_owned(),
        permissions: PermissionSet::parse_compact(
            "read:datasets write:uploads admin:something_new",
        )
        .unwrap(),
        expires_at: Some(now() + Duration::days(i64::from(n % 40) - 10)),
    }
}

#[test]
fn an_empty_list_draws_and_offers_to_create() {
    let mut app = app_with(Vec::new());
    for (w, h) in [(80, 24), (120, 40), (20, 5)] {
        draw(&app, w, h);
    }
    assert!(draw(&app, 80, 24).contains("Keys (0)"));
    ch(&mut app, 'j');
    ch(&mut app, 'G');
    ch(&mut app, 'd');
    ch(&mut app, 'e');
    ch(&mut app, 'r');
    assert!(matches!(ch(&mut app, 'R'), Some(Effect::LoadKeys)));
}

#[test]
fn a_garbage_response_is_an_error_in_the_status_bar() {
    let mut app = loaded_app();
    // What the client makes of a body that is not the contract's JSON.
    let garbage =
        narrative_keys::client::decode::list(200, b"<html>502 Bad Gateway</html>").unwrap_err();
    assert!(matches!(garbage, Error::Decode { .. }));
    app.update(Action::KeysLoaded(Err(
        narrative_keys_tui::ui::text::describe_error(&garbage),
    )));
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("could not read the server"), "{screen}");
    // The keys already shown stay, and the UI still answers.
    assert!(screen.contains("Analytics dashboard"));
    assert!(matches!(ch(&mut app, 'R'), Some(Effect::LoadKeys)));
}

#[test]
fn hostile_names_are_escaped_and_never_break_the_layout() {
    let names = [
        "evil\u{1b}[2J\u{1b}[31mred\u{7}bell",
        "right-to-left \u{202e}txet\u{202c} and \u{5e9}\u{5dc}\u{5d5}\u{5dd} \u{645}\u{631}\u{62d}\u{628}\u{627}",
        "emoji 🔑🔥👩‍💻🏳️‍🌈 keys",
        &"averyveryverylongwordwithoutanyspaces".repeat(20),
        "tab\tnew\nline\r",
        "bootstrap\u{200b} admin\u{feff}",
        "",
    ];
    let keys: Vec<ApiKey> = names
        .iter()
        .enumerate()
        .map(|(i, n)| key(i as u32, n))
        .collect();
    let mut app = app_with(keys);
    for (w, h) in [(80, 24), (120, 40), (40, 12), (200, 60)] {
        let screen = draw(&app, w, h);
        assert!(
            !screen.contains('\u{1b}'),
            "no escape character reaches the terminal"
        );
        assert!(!screen.contains('\u{7}') && !screen.contains('\u{202e}'));
        assert!(!screen.contains('\u{200b}') && !screen.contains('\u{feff}'));
        // Every row of the grid is drawn (the buffer cannot overflow; what
        // matters is that nothing panics and no control character gets out).
        assert_eq!(
            screen.lines().filter(|l| l.starts_with('"')).count(),
            usize::from(h)
        );
    }
    assert!(
        draw(&app, 120, 40).contains("evil\\u{1b}[2J"),
        "shown escaped"
    );
    assert!(
        draw(&app, 120, 40).contains("bootstrap\\u{200b} admin\\u{feff}"),
        "a zero-width character is shown escaped, so the name cannot pass for another"
    );
    for _ in 0..names.len() {
        press(&mut app, KeyCode::Down);
        draw(&app, 80, 24);
    }
    ch(&mut app, '/');
    typed(&mut app, "🔑");
    press(&mut app, KeyCode::Enter);
    draw(&app, 80, 24);
}

#[test]
fn a_hundred_thousand_keys_scroll_filter_and_sort() {
    let keys: Vec<ApiKey> = (0..100_000)
        .map(|i| key(i, &format!("service {i:06}")))
        .collect();
    let mut app = app_with(keys);
    assert!(draw(&app, 80, 24).contains("Keys (100000)"));
    ch(&mut app, 'G');
    assert!(draw(&app, 120, 40).contains("service 099999"));
    press(&mut app, KeyCode::PageUp);
    ch(&mut app, 'g');
    assert!(draw(&app, 80, 24).contains("service 000000"));
    ch(&mut app, 's');
    draw(&app, 80, 24);
    ch(&mut app, '/');
    typed(&mut app, "099999");
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("Keys (1 of 100000)") && screen.contains("service 099999"),
        "{screen}"
    );
}
