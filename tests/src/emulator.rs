//! An in-process emulator on a loopback port, seeded keys and clients for it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use narrative_keys::{Client, ClientBuilder, Environment, RetryPolicy};
use narrative_keys_emulator::{Db, Emulator, EmulatorBuilder, RunningEmulator};

/// An emulator's builder: an in-memory store, any loopback port, and `admin`
/// as the secret of its bootstrap (admin) key. Add latency, faults or a file
/// store before starting it with [`start`].
pub fn emulator_builder(admin: &str) -> EmulatorBuilder {
    Emulator::builder()
        .db(Db::Memory)
        .bootstrap_key(Some(admin.to_owned()))
}

/// Starts the emulator `builder` describes; panics if it does not start.
pub async fn start(builder: EmulatorBuilder) -> RunningEmulator {
    builder.start().await.expect("emulator starts")
}

/// An emulator with an in-memory store whose admin key is `admin`, started.
pub async fn emulator(admin: &str) -> RunningEmulator {
    start(emulator_builder(admin)).await
}

/// Puts a key named `name` with `permissions` (`(access, resource)` pairs)
/// and `expires_at` straight into the emulator's store, unvalidated, and
/// returns its id.
pub fn seed(
    emu: &RunningEmulator,
    name: &str,
    permissions: &[(&str, &str)],
    expires_at: Option<DateTime<Utc>>,
) -> String {
    emu.store()
        .insert_key(name, permissions, expires_at)
        .expect("the store takes the key")
        .0
        .to_string()
}

/// As [`seed`], the key expiring `days` days from now (`None`: never).
pub fn seed_days(
    emu: &RunningEmulator,
    name: &str,
    permissions: &[(&str, &str)],
    days: Option<i64>,
) -> String {
    let expires = days.map(|d| Utc::now() + chrono::Duration::days(d));
    seed(emu, name, permissions, expires)
}

/// Seeds `count` keys named `{prefix} 0`, `{prefix} 1`, ... with `read:datasets`
/// that never expire, and returns their ids in that order.
pub fn seed_many(emu: &RunningEmulator, prefix: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| seed(emu, &format!("{prefix} {i}"), &[("read", "datasets")], None))
        .collect()
}

/// A client builder for the emulator's URL with `secret` as its API key;
/// retries, timeout and the rest are the SDK's defaults until set.
pub fn client_builder(emu: &RunningEmulator, secret: &str) -> ClientBuilder {
    Client::builder()
        .api_key(secret)
        .environment(emu.url().parse::<Environment>().expect("emulator URL"))
}

/// Retries that do not slow a suite down: 6 of them, 2 to 20 ms apart, a
/// `Retry-After` of up to 2 s honoured.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 6,
        initial_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(2),
    }
}

/// The tests' client for the emulator with `secret`: [`fast_retries`] and a
/// 5 s timeout.
pub fn client(emu: &RunningEmulator, secret: &str) -> Client {
    client_builder(emu, secret)
        .retry(fast_retries())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

/// A client for the emulator with `secret` that makes up to `max_retries`
/// retries [`fast_retries`] apart; the SDK's default timeout.
pub fn retrying_client(emu: &RunningEmulator, secret: &str, max_retries: u32) -> Client {
    client_builder(emu, secret)
        .retry(RetryPolicy {
            max_retries,
            ..fast_retries()
        })
        .build()
        .expect("client")
}

/// A key's stored permissions as sorted `access:resource` strings, read
/// straight from the emulator's store (the key must exist).
pub fn stored_permissions(emu: &RunningEmulator, id: &str) -> Vec<String> {
    let mut v: Vec<String> = emu
        .store()
        .get(id.parse().expect("a UUID"))
        .expect("the store answers")
        .expect("the key exists")
        .permissions
        .iter()
        .map(|(a, r)| format!("{a}:{r}"))
        .collect();
    v.sort();
    v
}

/// For a synchronous test: a multi-threaded tokio runtime with
/// `worker_threads` workers and, serving on it, an emulator as [`emulator`]
/// starts it. Keep the runtime alive as long as the emulator is used.
pub fn emulator_on_runtime(
    admin: &str,
    worker_threads: usize,
) -> (tokio::runtime::Runtime, RunningEmulator) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let emu = rt.block_on(emulator(admin));
    (rt, emu)
}
