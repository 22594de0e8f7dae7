//! What one frame of the key list costs, and what a filter keystroke and a
//! sort cost, at 10,000 and 100,000 keys: the list screen drawn on a
//! `TestBackend` of 120x40, keys typed through `App::update` as the terminal
//! would send them.
//!
//! `cargo bench -p narrative-keys-tui --bench frame`; `NK_BENCH_SHORT=1` for
//! CI's short mode (few samples, well under a minute in all).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may unwrap

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use narrative_keys::{ApiKey, PermissionSet};
use narrative_keys_testkit::fixtures::now;
use narrative_keys_tui::ui::theme::Theme;
use narrative_keys_tui::ui::{Action, App, Effect, screen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const COUNTS: [usize; 2] = [10_000, 100_000];

/// A fixed sequence (xorshift), so every run measures the same keys.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// Keys as an account of many teams has them: names of a team, a use and an
/// environment, a few permissions each, expirations past, near, far and none.
fn keys(n: usize) -> Vec<ApiKey> {
    const TEAMS: [&str; 10] = [
        "Analytics",
        "Data science",
        "Growth",
        "Platform",
        "Partner",
        "Mobile",
        "Finance",
        "Marketing",
        "Ingestion",
        "Security",
    ];
    const USES: [&str; 12] = [
        "dashboard",
        "nightly ingestion",
        "S3 delivery connector",
        "Airflow workflows",
        "webhook relay",
        "upload bot",
        "export job",
        "notebook",
        "CI deploy",
        "SDK",
        "key admin",
        "audit",
    ];
    const ENVS: [&str; 4] = ["prod", "staging", "dev", "sandbox"];
    const RESOURCES: [&str; 13] = [
        "datasets",
        "queries",
        "subscriptions",
        "data_streams",
        "workflows",
        "jobs",
        "connections",
        "destinations",
        "app_events",
        "uploads",
        "webhooks",
        "models",
        "access_tokens",
    ];
    let mut draw = Draw(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|i| {
            let name = format!(
                "{} {} ({}) #{}",
                draw.pick(&TEAMS),
                draw.pick(&USES),
                draw.pick(&ENVS),
                draw.next() % 1000
            );
            let perms: Vec<String> = (0..1 + draw.next() % 5)
                .map(|_| {
                    let level = if draw.next().is_multiple_of(3) {
                        "write"
                    } else {
                        "read"
                    };
                    format!("{level}:{}", draw.pick(&RESOURCES))
                })
                .collect();
            let expires_at = match draw.next() % 10 {
                0 => None,
                _ => Some(now() + chrono::Duration::hours((draw.next() % 16_800) as i64 - 4_800)),
            };
            ApiKey {
                id: format!("{:08x}-0000-4000-8000-{i:012}", draw.next() as u32),
                name,
                permissions: PermissionSet::parse_compact(&perms.join(" ")).unwrap(),
                expires_at,
            }
        })
        .collect()
}

fn loaded(n: usize) -> App {
    let mut app = App::new("prod", false, now());
    assert!(matches!(app.init(), Some(Effect::LoadKeys)));
    app.update(Action::KeysLoaded(Ok(keys(n))));
    app
}

fn press(app: &mut App, code: KeyCode) {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    app.update(Action::Key(KeyEvent::new(code, modifiers)));
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).unwrap()
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal
        .draw(|f| screen::render(black_box(app), Theme::COLOR, f))
        .unwrap();
}

fn frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    for n in COUNTS {
        let mut app = loaded(n);
        let mut terminal = terminal();
        // The last key selected: the drawn rows are the list's end, not its start.
        press(&mut app, KeyCode::Char('G'));
        group.bench_with_input(BenchmarkId::from_parameter(n), &app, |b, app| {
            b.iter(|| draw(&mut terminal, app));
        });
    }
    group.finish();
}

/// `/` opened, then one character typed on the empty filter (every key is
/// looked at: the hardest keystroke) and the frame that shows it; the
/// character is erased again outside the timing.
fn filter_keystroke(c: &mut Criterion) {
    let mut group = c.benchmark_group("filter_keystroke");
    for n in COUNTS {
        let mut app = loaded(n);
        let mut terminal = terminal();
        press(&mut app, KeyCode::Char('/'));
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    press(&mut app, KeyCode::Char('p'));
                    draw(&mut terminal, &app);
                    spent += start.elapsed();
                    press(&mut app, KeyCode::Backspace);
                }
                spent
            });
        });
        // Still filtering, and the filter did narrow the list.
        press(&mut app, KeyCode::Char('p'));
        assert!(app.list.filtering);
        let shown = app.visible().len();
        assert!(shown > 0 && shown < n, "{shown} of {n} keys match \"p\"");
    }
    group.finish();
}

/// `s`: the next sort column (name, expiry, status in turn), through
/// `App::update`; each measurement is one change of column.
fn sort(c: &mut Criterion) {
    let mut group = c.benchmark_group("sort");
    for n in COUNTS {
        let mut app = loaded(n);
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| press(&mut app, KeyCode::Char('s')));
        });
    }
    group.finish();
}

fn config() -> Criterion {
    let short = std::env::var_os("NK_BENCH_SHORT").is_some_and(|v| v != "0");
    let c = Criterion::default();
    if short {
        c.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
    } else {
        c.sample_size(30).measurement_time(Duration::from_secs(5))
    }
}

// A private module, so the `pub fn` the macro makes is not exported (and
// needs no documentation).
mod group {
    use super::{config, filter_keystroke, frame, sort};
    use criterion::criterion_group;

    criterion_group! {
        name = benches;
        config = config();
        targets = frame, filter_keystroke, sort
    }
}
criterion_main!(group::benches);
