//! The one-run revoke figure: `revoke_many` of N keys (default 200), as
//! `narrative-keys revoke ID... --yes` runs it (default client, default
//! options: 30 s timeout, 3 retries per key, further passes for 60 s),
//! against an emulator started as with `--faults 0.3` (every fault kind;
//! 429s ask for 1 s, slow answers take 1.5 s). Each of R runs (default 10)
//! uses a fresh emulator. Prints how many keys one run revoked, min, median
//! and max over the runs, checked against the store, and fails if any run
//! left a key live.
//!
//! ```sh
//! cargo bench -p narrative-keys --bench revoke_faults                      # 200 keys, 10 runs
//! BENCH_KEYS=50 BENCH_RUNS=3 cargo bench -p narrative-keys --bench revoke_faults
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may unwrap

use std::time::{Duration, Instant};

use narrative_keys::revoke::{RevokeManyOptions, revoke_many};
use narrative_keys_emulator::FaultConfig;
use narrative_keys_testkit::emulator::{client_builder, emulator_builder, seed_many, start};

const ADMIN: &str = "bench-admin";

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Run {
    revoked: usize,
    passes: u32,
    took: Duration,
    faults: u64,
}

async fn one_run(keys: usize) -> Run {
    let emu = start(emulator_builder(ADMIN).faults(FaultConfig {
        rate: 0.3,
        ..FaultConfig::default()
    }))
    .await;
    let ids = seed_many(&emu, "bench", keys);
    let client = client_builder(&emu, ADMIN).build().unwrap();
    let started = Instant::now();
    let report = revoke_many(&client, &ids, &RevokeManyOptions::default()).await;
    let took = started.elapsed();
    // What the store says, not only what the report says.
    let left = emu.store().count().unwrap() - 1;
    assert_eq!(
        keys - left,
        report.revoked().count(),
        "the report agrees with the store"
    );
    let run = Run {
        revoked: keys - left,
        passes: report.passes,
        took,
        faults: emu.fault_stats().total(),
    };
    emu.shutdown().await;
    run
}

#[tokio::main]
async fn main() {
    let keys = env_number("BENCH_KEYS", 200);
    let runs = env_number("BENCH_RUNS", 10).max(1);
    let mut results = Vec::with_capacity(runs);
    for i in 0..runs {
        let run = one_run(keys).await;
        println!(
            "run {}: {} of {keys} revoked, {} pass(es), {} faults injected, {:.1} s",
            i + 1,
            run.revoked,
            run.passes,
            run.faults,
            run.took.as_secs_f64()
        );
        results.push(run);
    }
    let mut revoked: Vec<usize> = results.iter().map(|r| r.revoked).collect();
    revoked.sort_unstable();
    let mut took: Vec<f64> = results.iter().map(|r| r.took.as_secs_f64()).collect();
    took.sort_by(f64::total_cmp);
    let max_passes = results.iter().map(|r| r.passes).max().unwrap_or(1);
    println!(
        "keys revoked in one run of revoke ({keys} keys, --faults 0.3): min {} / median {} / max {} over {runs} runs (up to {max_passes} passes; a run took {:.1} s median, {:.1} s max)",
        revoked[0],
        revoked[runs / 2],
        revoked[runs - 1],
        took[runs / 2],
        took[runs - 1]
    );
    if revoked[0] < keys {
        eprintln!("a run left {} key(s) live", keys - revoked[0]);
        std::process::exit(1);
    }
}
