//! Load: 64 concurrent clients mixing create, list, update and revoke against
//! one emulator for 30 s (LOAD_SECONDS to change). Prints requests per second
//! and p50/p99 latency, and fails on any error (nothing is injected, so every
//! error is real: a 5xx, or SQLite's "database is locked" reaching a client)
//! or on any lost write (the store must hold exactly the keys the clients
//! created and did not revoke, under the names they last gave them).
//!
//! ```sh
//! cargo bench -p narrative-keys-emulator --bench load                 # 30 s
//! LOAD_SECONDS=5 cargo bench -p narrative-keys-emulator --bench load
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may unwrap

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use narrative_keys::{Client, KeyUpdate, NewKey, Permission, RetryPolicy};
use narrative_keys_emulator::Db;
use narrative_keys_testkit::emulator::{client_builder, emulator_builder, start};
use narrative_keys_testkit::lost::LostWrites;

const CLIENTS: usize = 64;
const ADMIN: &str = "load-admin";

#[derive(Default)]
struct Worker {
    latencies: Vec<Duration>,
    errors: Vec<String>,
    /// Keys this worker created and has not revoked, with their current names.
    alive: BTreeMap<String, String>,
}

async fn timed<T>(
    w: &mut Worker,
    what: &str,
    f: impl std::future::Future<Output = narrative_keys::Result<T>>,
) -> Option<T> {
    let started = Instant::now();
    let result = f.await;
    w.latencies.push(started.elapsed());
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            w.errors.push(format!("{what}: {e}"));
            None
        }
    }
}

async fn work(client: Client, n: usize, until: Instant) -> Worker {
    let mut w = Worker::default();
    let mut round = 0u64;
    while Instant::now() < until {
        round += 1;
        let new = NewKey::builder(format!("load {n}-{round}"))
            .permission(Permission::read("datasets"))
            .build()
            .unwrap();
        if let Some(created) = timed(&mut w, "create", client.create_key(&new)).await {
            w.alive
                .insert(created.key.id.clone(), created.key.name.clone());
        }
        timed(&mut w, "list", client.list_keys()).await;
        if let Some(id) = w.alive.keys().next().cloned() {
            let name = format!("load {n}-{round} renamed");
            if timed(
                &mut w,
                "update",
                client.update_key(&id, &KeyUpdate::new().name(&name)),
            )
            .await
            .is_some()
            {
                w.alive.insert(id, name);
            }
        }
        if round.is_multiple_of(2)
            && let Some(id) = w.alive.keys().last().cloned()
            && timed(&mut w, "revoke", client.revoke_key(&id))
                .await
                .is_some()
        {
            w.alive.remove(&id);
        }
    }
    w
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

#[tokio::main]
async fn main() {
    let seconds: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().unwrap();
    // A file store, as in real use: WAL mode and a real fsync per write.
    let emu = start(emulator_builder(ADMIN).db(Db::Path(dir.path().join("load.db")))).await;
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|n| {
            // One client (one connection pool) per simulated user; no retries,
            // so every server error is seen.
            let client = client_builder(&emu, ADMIN)
                .retry(RetryPolicy::none())
                .build()
                .unwrap();
            tokio::spawn(work(client, n, until))
        })
        .collect();
    let mut workers = Vec::new();
    for t in tasks {
        workers.push(t.await.unwrap());
    }
    let elapsed = started.elapsed();

    let mut latencies: Vec<Duration> = workers
        .iter()
        .flat_map(|w| w.latencies.iter().copied())
        .collect();
    latencies.sort_unstable();
    let errors: Vec<&String> = workers.iter().flat_map(|w| &w.errors).collect();
    let expected: BTreeMap<String, String> = workers.iter().flat_map(|w| w.alive.clone()).collect();
    // A write is lost when its key is missing or has not the name last given.
    let check = LostWrites::check(&emu, &expected);
    let lost = check.missing + check.renamed;
    let extra = check.unexpected;

    println!(
        "load: {CLIENTS} clients for {:.1} s: {} requests, {:.0} req/s, p50 {:.1} ms, p99 {:.1} ms; errors {}, lost writes {lost}, unexpected keys {extra}",
        elapsed.as_secs_f64(),
        latencies.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        errors.len(),
    );
    for e in errors.iter().take(5) {
        eprintln!("  {e}");
    }
    emu.shutdown().await;
    if !errors.is_empty() || lost > 0 || extra > 0 {
        std::process::exit(1);
    }
}
