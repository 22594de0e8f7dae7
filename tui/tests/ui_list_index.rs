//! The list's index is kept up to date by `App::update` rather than worked
//! out on every frame. Whatever happens (a new list, a filter typed and
//! erased, the sort changed and reversed, keys marked, revoked and gone,
//! the clock passing an expiration), the rows shown must be exactly what
//! filtering and sorting every key from scratch gives.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use chrono::Duration;
use common::*;
use crossterm::event::KeyCode;
use narrative_keys::{ApiKey, KeyStatus, PermissionSet};
use narrative_keys_tui::output::display_order;
use narrative_keys_tui::ui::action::{RevokeOutcome, RevokedKey};
use narrative_keys_tui::ui::components::list::SortBy;
use narrative_keys_tui::ui::{Action, App, Effect};

/// Keys with ties everywhere: names that differ only in case or repeat,
/// expirations shared by several keys, keys without one. Ids are unique.
fn many_keys(n: u32, seed: u32) -> Vec<ApiKey> {
    const NAMES: [&str; 8] = [
        "Nightly ingestion",
        "nightly INGESTION",
        "Partner upload bot",
        "Analytics dashboard",
        "CI deploy (prod)",
        "ci deploy (staging)",
        "Webhook relay",
        "Σ reports",
    ];
    const PERMS: [&str; 5] = [
        "read:datasets",
        "write:datasets write:data_streams",
        "read:workflows write:jobs",
        "read:access_tokens write:access_tokens",
        "read:webhooks read:uploads",
    ];
    (0..n)
        .map(|i| {
            let m = i.wrapping_mul(2_654_435_761).wrapping_add(seed) >> 7;
            let expires_at = match m % 7 {
                0 => None,
                // Hours, so some keys change status as the clock moves on.
                d => Some(now() + Duration::hours(i64::from(m % 50) * 9 - 100 + i64::from(d))),
            };
            ApiKey {
                id: id(seed * 100_000 + i),
                name: format!("{} {}", NAMES[(m % 8) as usize], m % 4),
                permissions: PermissionSet::parse_compact(PERMS[(m % 5) as usize]).unwrap(),
                expires_at,
            }
        })
        .collect()
}

/// The rows the list should show, worked out from scratch: every key,
/// filtered, then sorted (stably) and maybe reversed.
fn expected(app: &App, keys: &[ApiKey]) -> Vec<String> {
    let needle = app.list.filter.value.trim().to_lowercase();
    let mut rows: Vec<&ApiKey> = keys
        .iter()
        .filter(|k| {
            needle.is_empty()
                || k.name.to_lowercase().contains(&needle)
                || k.id.to_lowercase().contains(&needle)
                || k.permissions.iter().any(|p| {
                    p.to_string().to_lowercase().contains(&needle)
                        || p.resource.display_name().to_lowercase().contains(&needle)
                })
        })
        .collect();
    match app.list.sort {
        SortBy::Name => rows.sort_by_key(|k| display_order(k)),
        SortBy::Expiry => {
            rows.sort_by_key(|k| (k.expires_at.is_none(), k.expires_at, display_order(k)))
        }
        SortBy::Status => rows.sort_by_key(|k| {
            (
                k.status(app.now, &app.policy),
                k.expires_at,
                display_order(k),
            )
        }),
    }
    if app.list.sort_reversed {
        rows.reverse();
    }
    rows.iter().map(|k| k.id.clone()).collect()
}

fn expected_counts(app: &App, keys: &[ApiKey]) -> [usize; 4] {
    KeyStatus::ALL.map(|s| {
        keys.iter()
            .filter(|k| k.status(app.now, &app.policy) == s)
            .count()
    })
}

#[track_caller]
fn check(app: &App, keys: &[ApiKey], when: &str) {
    let shown: Vec<String> = app.visible().iter().map(|k| k.id.clone()).collect();
    let want = expected(app, keys);
    assert_eq!(shown.len(), want.len(), "{when}: how many rows");
    assert_eq!(shown, want, "{when}: the rows and their order");
    assert_eq!(
        app.counts(),
        expected_counts(app, keys),
        "{when}: the counts"
    );
    let selected = app.selected_key().map(|k| k.id.clone());
    assert_eq!(
        selected,
        want.get(app.list.selected).cloned(),
        "{when}: the selection"
    );
    // What the list draws is what it holds.
    let screen = draw(app, 120, 40);
    let title = if want.len() == keys.len() {
        format!("Keys ({})", keys.len())
    } else {
        format!("Keys ({} of {})", want.len(), keys.len())
    };
    assert!(screen.contains(&title), "{when}: {title} in\n{screen}");
}

fn load(app: &mut App, keys: &[ApiKey]) {
    assert!(app.update(Action::KeysLoaded(Ok(keys.to_vec()))).is_none());
}

#[test]
fn the_rows_shown_are_always_a_fresh_filter_and_sort_of_every_key() {
    let mut app = App::new("prod", false, now());
    assert!(matches!(app.init(), Some(Effect::LoadKeys)));
    let mut keys = many_keys(400, 1);
    load(&mut app, &keys);
    check(&app, &keys, "loaded");

    // A filter typed one character at a time narrows what was shown; erasing
    // widens it again; a filter that does not contain the last is looked up anew.
    ch(&mut app, '/');
    for (i, c) in "nightly".chars().enumerate() {
        ch(&mut app, c);
        check(&app, &keys, &format!("typed {} characters", i + 1));
    }
    assert!(app.visible().len() < keys.len());
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    check(&app, &keys, "two erased");
    typed(&mut app, " 3");
    check(&app, &keys, "a space and a digit");
    for _ in 0..3 {
        press(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "DEPLOY");
    check(&app, &keys, "another word, in capitals");
    press(&mut app, KeyCode::Enter);

    // Every sort, each reversed, with the filter kept.
    for _ in 0..3 {
        ch(&mut app, 's');
        check(&app, &keys, &format!("sorted by {}", app.list.sort.label()));
        ch(&mut app, 'S');
        check(
            &app,
            &keys,
            &format!("sorted by {} reversed", app.list.sort.label()),
        );
        ch(&mut app, 'S');
    }
    ch(&mut app, 'S');
    check(&app, &keys, "reversed again");

    // Narrowing and widening while reversed; by id and by permission too.
    ch(&mut app, '/');
    typed(&mut app, "-0000");
    check(&app, &keys, "part of an id, reversed");
    press(&mut app, KeyCode::Esc);
    check(&app, &keys, "filter cleared with Esc");
    ch(&mut app, '/');
    typed(&mut app, "write:jobs");
    check(&app, &keys, "a permission");
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'S');

    // Marks survive a new list; a key gone from it loses its mark.
    press(&mut app, KeyCode::Esc);
    ch(&mut app, 'G');
    ch(&mut app, 'k');
    ch(&mut app, ' ');
    ch(&mut app, ' ');
    ch(&mut app, 'g');
    ch(&mut app, ' ');
    let marked: Vec<String> = app.list.marked.iter().cloned().collect();
    assert_eq!(marked.len(), 3);
    let gone = marked[0].clone();
    keys.retain(|k| k.id != gone);
    keys.extend(many_keys(150, 7));
    load(&mut app, &keys);
    check(&app, &keys, "refreshed with keys added and one gone");
    assert_eq!(app.list.marked.len(), 2);
    assert!(!app.list.marked.contains(&gone));

    // The filter stays through a refresh, and keeps narrowing from there.
    ch(&mut app, '/');
    typed(&mut app, "ci");
    load(&mut app, &keys[..keys.len() - 20]);
    keys.truncate(keys.len() - 20);
    check(&app, &keys, "refreshed while filtering");
    typed(&mut app, " d");
    check(&app, &keys, "narrowed after the refresh");
    press(&mut app, KeyCode::Esc);

    // The marked keys revoked, then the list without them.
    let marked: Vec<String> = app.list.marked.iter().cloned().collect();
    ch(&mut app, 'd');
    typed(&mut app, &marked.len().to_string());
    let Some(Effect::Revoke(revoking)) = press(&mut app, KeyCode::Enter) else {
        panic!("typing the count revokes");
    };
    let results = revoking
        .into_iter()
        .map(|(id, name)| RevokedKey::new(id, name, RevokeOutcome::Revoked))
        .collect();
    assert!(matches!(
        app.update(Action::Revoked(results)),
        Some(Effect::LoadKeys)
    ));
    assert!(app.list.marked.is_empty());
    keys.retain(|k| !marked.contains(&k.id));
    load(&mut app, &keys);
    check(&app, &keys, "the revoked keys gone");

    // The clock moves past expirations: counts and the status order follow.
    while app.list.sort != SortBy::Status {
        ch(&mut app, 's');
    }
    let before = app.counts();
    for hours in [1, 5, 24, 200] {
        app.update(Action::Tick(now() + Duration::hours(hours)));
        check(&app, &keys, &format!("{hours} hours later"));
    }
    assert_ne!(app.counts(), before, "keys changed status as time passed");
    // A clock set back is followed too.
    app.update(Action::Tick(now()));
    check(&app, &keys, "the clock set back");

    // The `:filter` command, then an empty list.
    ch(&mut app, ':');
    typed(&mut app, "filter upload");
    press(&mut app, KeyCode::Enter);
    check(&app, &keys, ":filter");
    load(&mut app, &[]);
    check(&app, &[], "no keys at all");
}
