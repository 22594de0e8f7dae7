//! The fault suite: every SDK call and workflow against an emulator that fails
//! 30% of requests (500, 503, 429, slow, dropped). After each operation the
//! store is checked: no key lost, none revoked that should not be, no
//! replacement created twice, and every created key's secret in the caller's
//! hands. Prints a table (run with `--nocapture` to see it).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::Utc;
use common::*;
use narrative_keys::incident::{self, IncidentOptions, Selection};
use narrative_keys::revoke::{RevokeManyOptions, revoke_many};
use narrative_keys::rotate::{OldKeyOutcome, RotateOptions, rotate};
use narrative_keys::{Expiration, KeyUpdate, NewKey, Permission};
use narrative_keys_emulator::{Db, FaultConfig, RunningEmulator};
use narrative_keys_testkit::lost::LostWrites;
use tracing_subscriber::layer::SubscriberExt;

/// Counts the client's "retrying" events.
#[derive(Clone, Default)]
struct RetryCounter(Arc<AtomicU64>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for RetryCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event
            .metadata()
            .target()
            .starts_with("narrative_keys::client")
            && *event.metadata().level() == tracing::Level::DEBUG
        {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[derive(Default)]
struct Row {
    tried: u64,
    clear_errors: u64,
    lost: u64,
}

/// What the store must hold: ids the caller knows about, by name.
struct Ledger {
    alive: BTreeMap<String, String>,
}

impl Ledger {
    fn check(&self, emu: &RunningEmulator) -> u64 {
        let lost = LostWrites::check(emu, &self.alive);
        // A key in the store that the caller does not know of is a secret
        // nobody holds: as lost as a missing key.
        (lost.missing + lost.unexpected) as u64
    }
}

fn clear(e: &narrative_keys::Error) -> bool {
    let text = e.to_string();
    !text.is_empty() && !text.contains("panicked")
}

#[tokio::test(flavor = "multi_thread")]
async fn thirty_percent_faults_lose_nothing() {
    // The process-wide subscriber, not a thread's: with a thread-local one,
    // the other test of this file, hitting the same event first on its own
    // thread, can make tracing cache "nobody listens" for it (0 retries seen).
    static RETRIES: std::sync::OnceLock<RetryCounter> = std::sync::OnceLock::new();
    let retries = RETRIES
        .get_or_init(|| {
            let counter = RetryCounter::default();
            let subscriber = tracing_subscriber::registry()
                .with(tracing_subscriber::filter::LevelFilter::DEBUG)
                .with(counter.clone());
            let _ = tracing::subscriber::set_global_default(subscriber);
            counter
        })
        .clone();
    let counted_before = retries.0.load(Ordering::Relaxed);

    let faults = FaultConfig {
        rate: 0.3,
        retry_after_secs: 0,
        slow: Duration::from_millis(150),
        seed: Some(2026),
        ..FaultConfig::default()
    };
    let emu = emulator_with(Db::Memory, faults).await;
    let client = admin(&emu);
    let mut ledger = Ledger {
        alive: BTreeMap::new(),
    };
    let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
    let rounds = 25;

    for i in 0..rounds {
        // create: never retried; on error nothing may have been created.
        let row = rows.entry("create_key").or_default();
        row.tried += 1;
        let new = NewKey::builder(format!("k{i}"))
            .permission(Permission::read("datasets"))
            .expires(Expiration::in_days(30, Utc::now()))
            .build()
            .unwrap();
        match client.create_key(&new).await {
            Ok(c) => {
                assert!(
                    emu.store().secret_present(c.secret.expose()).unwrap(),
                    "secret delivered is the stored one"
                );
                ledger.alive.insert(c.key.id.clone(), c.key.name.clone());
            }
            Err(e) => row.clear_errors += u64::from(clear(&e)),
        }
        row.lost += ledger.check(&emu);

        let row = rows.entry("list_keys").or_default();
        row.tried += 1;
        if let Err(e) = client.list_keys().await {
            row.clear_errors += u64::from(clear(&e));
        }

        let Some(id) = ledger.alive.keys().next().cloned() else {
            continue;
        };
        let row = rows.entry("get_key").or_default();
        row.tried += 1;
        if let Err(e) = client.get_key(&id).await {
            row.clear_errors += u64::from(clear(&e));
        }

        let row = rows.entry("update_key").or_default();
        row.tried += 1;
        let name = format!("k{i} renamed");
        match client.update_key(&id, &KeyUpdate::new().name(&name)).await {
            Ok(_) => {
                ledger.alive.insert(id.clone(), name);
            }
            Err(e) => row.clear_errors += u64::from(clear(&e)),
        }
        row.lost += ledger.check(&emu);

        if i % 3 == 0 {
            let row = rows.entry("rotate").or_default();
            row.tried += 1;
            match rotate(&client, &id, &RotateOptions::default()).await {
                Ok(r) => {
                    assert!(emu.store().secret_present(r.new.secret.expose()).unwrap());
                    ledger
                        .alive
                        .insert(r.new.key.id.clone(), r.new.key.name.clone());
                    match r.old_key {
                        OldKeyOutcome::Revoked => {
                            ledger.alive.remove(&id);
                        }
                        OldKeyOutcome::RevokeFailed(e)
                        | OldKeyOutcome::ExpireFailed { error: e, .. } => {
                            row.clear_errors += u64::from(clear(&e))
                        }
                        OldKeyOutcome::Kept
                        | OldKeyOutcome::Interrupted
                        | OldKeyOutcome::Expires { .. } => {}
                    }
                }
                Err(e) => row.clear_errors += u64::from(clear(&e)),
            }
            row.lost += ledger.check(&emu);
        }

        if i % 4 == 3 {
            let row = rows.entry("revoke_key").or_default();
            row.tried += 1;
            let id = ledger.alive.keys().last().cloned().unwrap();
            match client.revoke_key(&id).await {
                Ok(()) => {
                    ledger.alive.remove(&id);
                }
                Err(e) => row.clear_errors += u64::from(clear(&e)),
            }
            row.lost += ledger.check(&emu);
        }
    }

    // revoke many: half of what is left.
    let row = rows.entry("revoke_many").or_default();
    let half: Vec<String> = ledger.alive.keys().step_by(2).cloned().collect();
    row.tried += half.len() as u64;
    let report = revoke_many(&client, &half, &RevokeManyOptions::default()).await;
    for o in &report.outcomes {
        if o.result.is_revoked() {
            ledger.alive.remove(&o.id);
        } else {
            row.clear_errors += 1;
        }
    }
    row.lost += ledger.check(&emu);

    // incident with replacements on everything left.
    let row = rows.entry("incident").or_default();
    let mut keys = None;
    for _ in 0..20 {
        if let Ok(k) = client.list_keys().await {
            keys = Some(k);
            break;
        }
    }
    let keys = keys.expect("a list gets through within 20 tries");
    let selection = Selection {
        name_matches: Some("k*".into()),
        ..Selection::default()
    };
    let plan = incident::plan(&keys, &selection, true, Utc::now()).unwrap();
    row.tried += plan.keys.len() as u64;
    let outcome = incident::execute(&client, &plan, &IncidentOptions::default()).await;
    for k in &outcome.report.revoked {
        ledger.alive.remove(&k.id);
    }
    let mut replaced = BTreeSet::new();
    for (old, created) in &outcome.replacements {
        assert!(
            replaced.insert(old.clone()),
            "one replacement per revoked key"
        );
        assert!(emu.store().secret_present(created.secret.expose()).unwrap());
        ledger
            .alive
            .insert(created.key.id.clone(), created.key.name.clone());
    }
    row.clear_errors += outcome.report.failures.len() as u64;
    row.lost += ledger.check(&emu);

    let stats = emu.fault_stats();
    let retried = retries.0.load(Ordering::Relaxed) - counted_before;
    eprintln!(
        "\nfault suite: 30% of requests faulted ({} injected: {} x500, {} x503, {} x429, {} slow, {} dropped); {retried} retries",
        stats.total(),
        stats.internal_error,
        stats.unavailable,
        stats.rate_limited,
        stats.slow,
        stats.dropped
    );
    eprintln!(
        "{:<12} {:>6} {:>14} {:>10}",
        "operation", "tried", "clear errors", "data lost"
    );
    let mut lost = 0;
    for (name, r) in &rows {
        eprintln!(
            "{name:<12} {:>6} {:>14} {:>10}",
            r.tried, r.clear_errors, r.lost
        );
        lost += r.lost;
    }
    assert!(stats.total() > 20, "faults were injected");
    assert!(retried > 0, "the client retried");
    assert_eq!(lost, 0, "no data lost");
}

/// The figure in small: one run of `revoke_many` over 100 keys, at
/// 30% faults of every kind and the client's default number of retries,
/// revokes every key (the passes after each key's own retries make it so).
#[tokio::test(flavor = "multi_thread")]
async fn one_run_of_revoke_many_revokes_every_key_under_thirty_percent_faults() {
    let faults = FaultConfig {
        rate: 0.3,
        retry_after_secs: 0,
        slow: Duration::from_millis(150),
        ..FaultConfig::default()
    };
    let emu = emulator_with(Db::Memory, faults).await;
    let keys = 100;
    let ids: Vec<String> = (0..keys)
        .map(|i| seed(&emu, &format!("r{i}"), &[("read", "jobs")], None))
        .collect();
    let client = retrying_admin(&emu, narrative_keys::RetryPolicy::default().max_retries);
    let report = revoke_many(&client, &ids, &RevokeManyOptions::default()).await;
    let left = emu.store().count().unwrap() - 1;
    eprintln!(
        "one-run revoke under 30% faults: {} of {keys} keys revoked in one run ({} pass(es)), {left} left in the store",
        report.revoked().count(),
        report.passes
    );
    assert!(
        report.all_revoked(),
        "{:?}",
        report.failed().collect::<Vec<_>>()
    );
    assert_eq!(left, 0, "every key is gone from the store");
    assert!(emu.fault_stats().total() > 20, "faults were injected");
}
