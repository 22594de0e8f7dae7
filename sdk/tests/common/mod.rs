//! Shared set-up: a real emulator on loopback and a client for it, from the
//! test kit, with this suite's admin key.
#![allow(dead_code, unused_imports)] // each test file uses some of it

use std::time::Duration;

use chrono::Utc;
use narrative_keys::{Client, Expiration, NewKey, Preset};
use narrative_keys_emulator::{Db, FaultConfig, RunningEmulator};
pub use narrative_keys_testkit::emulator::{
    client_builder, fast_retries, retrying_client, seed, seed_days, stored_permissions,
};
use narrative_keys_testkit::emulator::{emulator_builder, start};

pub const ADMIN: &str = "integration-admin-secret";

pub async fn emulator_with(db: Db, faults: FaultConfig) -> RunningEmulator {
    start(emulator_builder(ADMIN).db(db).faults(faults)).await
}

pub async fn emulator() -> RunningEmulator {
    narrative_keys_testkit::emulator(ADMIN).await
}

pub fn client_for(emu: &RunningEmulator, secret: &str) -> Client {
    narrative_keys_testkit::client(emu, secret)
}

pub fn admin(emu: &RunningEmulator) -> Client {
    client_for(emu, ADMIN)
}

/// A client with the admin key making up to `max_retries` fast retries.
pub fn retrying_admin(emu: &RunningEmulator, max_retries: u32) -> Client {
    retrying_client(emu, ADMIN, max_retries)
}

/// A new key from the read-only analytics preset, expiring in 30 days.
pub fn preset_key(name: &str) -> NewKey {
    NewKey::builder(name)
        .preset(Preset::ReadOnlyAnalytics, &[])
        .expires(Expiration::in_days(30, Utc::now()))
        .build()
        .unwrap()
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
    start(
        emulator_builder(ADMIN)
            .db(db)
            .latency(latency)
            .listen(listen),
    )
    .await
}
