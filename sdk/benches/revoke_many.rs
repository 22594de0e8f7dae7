//! Revoking N keys (default 1,000) against a local emulator that adds 50 ms
//! to every response, as a real network would: `revoke_many` with 8 in
//! flight, then the same revocations one after another. Prints both times and
//! their ratio, and fails if the ratio exceeds the target of 0.20.
//!
//! ```sh
//! cargo bench -p narrative-keys --bench revoke_many            # 1,000 keys
//! BENCH_KEYS=200 cargo bench -p narrative-keys --bench revoke_many
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may unwrap

use std::time::{Duration, Instant};

use narrative_keys::revoke::{RevokeManyOptions, revoke_many};
use narrative_keys::{Client, RetryPolicy};
use narrative_keys_emulator::RunningEmulator;
use narrative_keys_testkit::emulator::{client_builder, emulator_builder, seed_many, start};

const ADMIN: &str = "bench-admin";
const TARGET_RATIO: f64 = 0.20;

async fn seeded(latency: Duration, keys: usize) -> (RunningEmulator, Client, Vec<String>) {
    let emu = start(emulator_builder(ADMIN).latency(latency)).await;
    let ids = seed_many(&emu, "bench", keys);
    let client = client_builder(&emu, ADMIN)
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    (emu, client, ids)
}

#[tokio::main]
async fn main() {
    let keys: usize = std::env::var("BENCH_KEYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let latency = Duration::from_millis(50);

    let (emu, client, ids) = seeded(latency, keys).await;
    let started = Instant::now();
    let report = revoke_many(&client, &ids, &RevokeManyOptions::default()).await;
    let concurrent = started.elapsed();
    assert!(report.all_revoked(), "every key revoked");
    assert_eq!(emu.store().count().unwrap(), 1);
    emu.shutdown().await;

    let (emu, client, ids) = seeded(latency, keys).await;
    let started = Instant::now();
    for id in &ids {
        client.revoke_key(id).await.unwrap();
    }
    let sequential = started.elapsed();
    assert_eq!(emu.store().count().unwrap(), 1);
    emu.shutdown().await;

    let ratio = concurrent.as_secs_f64() / sequential.as_secs_f64();
    println!(
        "revoke {keys} keys with {} ms latency: one by one {:.2} s, revoke_many (8 in flight) {:.2} s, ratio {ratio:.3} (target <= {TARGET_RATIO})",
        latency.as_millis(),
        sequential.as_secs_f64(),
        concurrent.as_secs_f64()
    );
    if ratio > TARGET_RATIO {
        eprintln!("ratio {ratio:.3} is above the target {TARGET_RATIO}");
        std::process::exit(1);
    }
}
