//! Shared set-up: a real emulator on loopback and a client for it.
#![allow(dead_code)]

use std::time::Duration;

use narrative_keys::{Client, Environment, RetryPolicy};
use narrative_keys_emulator::{Db, Emulator, FaultConfig, RunningEmulator};

pub const ADMIN: &str = "integration-admin-secret";

/// Retries that do not slow the suite down.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 6,
        initial_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(2),
    }
}

pub async fn emulator_with(db: Db, faults: FaultConfig) -> RunningEmulator {
    Emulator::builder()
        .db(db)
        .bootstrap_key(Some(ADMIN.to_owned()))
        .faults(faults)
        .start()
        .await
        .expect("emulator starts")
}

pub async fn emulator() -> RunningEmulator {
    emulator_with(Db::Memory, FaultConfig::default()).await
}

pub fn client_for(emu: &RunningEmulator, secret: &str) -> Client {
    Client::builder()
        .api_key(secret)
        .environment(emu.url().parse::<Environment>().expect("emulator URL"))
        .retry(fast_retries())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

pub fn admin(emu: &RunningEmulator) -> Client {
    client_for(emu, ADMIN)
}

/// A restart test's first emulator: its store a file in `dir`, 20 ms added
/// to every answer (so a run can be cut off midway), any port. The test
/// reopens `db` with [`emulator_at`] on the same port.
pub async fn restartable_emulator(dir: &tempfile::TempDir) -> (Db, RunningEmulator) {
    let db = Db::Path(dir.path().join("keys.db"));
    let listen = "127.0.0.1:0".parse().expect("an address");
    let emu = emulator_at(db.clone(), Duration::from_millis(20), listen).await;
    (db, emu)
}

/// An emulator on `db` that adds `latency` to every answer, listening on
/// `listen` (port 0 for any): restart tests reopen the same store on the same port.
pub async fn emulator_at(
    db: Db,
    latency: Duration,
    listen: std::net::SocketAddr,
) -> RunningEmulator {
    Emulator::builder()
        .db(db)
        .bootstrap_key(Some(ADMIN.to_owned()))
        .latency(latency)
        .listen(listen)
        .start()
        .await
        .expect("emulator starts")
}
