//! `--demo`: the emulator in-process, on a loopback port, with a store of
//! realistic sample keys under the user's data directory. Only with the
//! `demo` feature (on by default); without it, `unavailable` says so.

#[cfg(feature = "demo")]
use std::path::{Path, PathBuf};

#[cfg(feature = "demo")]
use chrono::{DateTime, Duration, Utc};
#[cfg(feature = "demo")]
use narrative_keys::Preset;
#[cfg(feature = "demo")]
use narrative_keys_emulator::{Db, Emulator, RunningEmulator};

use crate::error::CliError;

/// The demo's own admin key. It opens only the local demo store, which holds
/// sample data; it is fixed so that the store can be reopened across runs.
pub const DEMO_ADMIN_KEY: &str = "narrative-keys-demo-admin";

/// What `--demo`, `--demo-db` or `--reset` (`flag`) ends in when this build
/// has no demo mode: bad usage, exit status 2.
#[cfg(not(feature = "demo"))]
pub fn unavailable(flag: &str) -> CliError {
    CliError::usage(format!(
        "{flag}: this build of narrative-keys has no demo mode (it was built without the `demo` feature)"
    ))
    .hint("rebuild with `--features demo` (a default feature, left out by --no-default-features), or use real keys with --api-key")
}

/// Where `--demo` keeps its store without `--demo-db`: the user's data directory.
#[cfg(feature = "demo")]
pub fn default_db_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("narrative-keys").join("demo.db"))
}

/// Starts the demo emulator; seeds the store when it is new, or when
/// `reset` asks to start from the sample keys again.
#[cfg(feature = "demo")]
pub async fn start(db: Option<&Path>, reset: bool) -> Result<RunningEmulator, CliError> {
    let path = match db {
        Some(p) => p.to_path_buf(),
        None => default_db_path().ok_or_else(|| {
            CliError::usage("no data directory is known for this user").hint("pass --demo-db PATH")
        })?,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::failed(format!("could not create {}: {e}", dir.display()))
                .hint("pass --demo-db PATH to keep the demo elsewhere")
        })?;
    }
    let is_new = !path.exists();
    let emulator = Emulator::builder()
        .db(Db::Path(path.clone()))
        .bootstrap_key(Some(DEMO_ADMIN_KEY.to_owned()))
        .listen(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .start()
        .await
        .map_err(|e| {
            CliError::failed(format!("could not start the demo emulator: {e}")).hint(format!(
                "remove {} to start the demo afresh",
                path.display()
            ))
        })?;
    if reset && !is_new {
        clear(&emulator)?;
    }
    if is_new || reset {
        seed(&emulator, Utc::now())?;
    }
    Ok(emulator)
}

/// Removes every key from the demo's store but its admin key, through the
/// emulator's own store (no file is deleted), so the sample keys can be
/// seeded afresh.
#[cfg(feature = "demo")]
fn clear(emulator: &RunningEmulator) -> Result<(), CliError> {
    let failed = |e: narrative_keys_emulator::StoreError| {
        CliError::failed(format!("could not reset the demo store: {e}"))
    };
    let store = emulator.store();
    let admin = store.find_by_secret(DEMO_ADMIN_KEY).map_err(failed)?;
    for key in store.list_keys().map_err(failed)? {
        if admin.as_ref().is_some_and(|a| a.id == key.id) {
            continue;
        }
        store.delete(key.id).map_err(failed)?;
    }
    Ok(())
}

/// A dozen keys covering every status and every preset.
#[cfg(feature = "demo")]
pub fn seed(emulator: &RunningEmulator, now: DateTime<Utc>) -> Result<(), CliError> {
    let keys = demo_keys(now);
    let store = emulator.store();
    for (name, perms, expires) in keys {
        let perms: Vec<(&str, &str)> = perms
            .iter()
            .map(|(a, r)| (a.as_str(), r.as_str()))
            .collect();
        // The sample keys' secrets are not needed: the demo uses its admin key.
        let (_id, mut secret) = store
            .insert_key(name, &perms, expires)
            .map_err(|e| CliError::failed(format!("could not seed the demo store: {e}")))?;
        zeroize::Zeroize::zeroize(&mut secret);
    }
    Ok(())
}

/// A demo key: name, permissions as (access, resource), expiration.
#[cfg(feature = "demo")]
type Seed = (&'static str, Vec<(String, String)>, Option<DateTime<Utc>>);

// long: a data table, one entry per demo key.
/// The demo's keys, expirations counted from `now`.
#[cfg(feature = "demo")]
fn demo_keys(now: DateTime<Utc>) -> Vec<Seed> {
    let days = |d: i64| Some(now + Duration::days(d));
    let preset = |p: Preset, resources: &[&str]| -> Vec<(String, String)> {
        let resources: Vec<_> = resources
            .iter()
            .map(|r| narrative_keys::Resource::new(*r))
            .collect();
        p.permissions(&resources)
            .iter()
            .map(|p| (p.access.to_string(), p.resource.to_string()))
            .collect()
    };
    let list = |s: &str| -> Vec<(String, String)> {
        s.split_whitespace()
            .filter_map(|p| p.split_once(':'))
            .map(|(a, r)| (a.to_owned(), r.to_owned()))
            .collect()
    };
    vec![
        (
            "Analytics dashboard",
            preset(Preset::ReadOnlyAnalytics, &[]),
            days(75),
        ),
        (
            "Nightly ingestion",
            preset(Preset::DataIngestion, &[]),
            days(9),
        ),
        (
            "Nightly ingestion",
            preset(Preset::DataIngestion, &[]),
            days(45),
        ),
        (
            "Airflow workflows",
            preset(Preset::WorkflowAutomation, &[]),
            days(180),
        ),
        (
            "S3 delivery connector",
            preset(Preset::ConnectorDelivery, &[]),
            days(3),
        ),
        (
            "Mobile SDK (staging)",
            preset(
                Preset::SdkDevelopment,
                &["datasets", "data_streams", "app_events"],
            ),
            days(60),
        ),
        (
            "Legacy export job",
            list("read:datasets write:destinations"),
            days(-20),
        ),
        (
            "Old prototype",
            list("read:datasets read:queries"),
            days(-200),
        ),
        (
            "Partner upload bot",
            list("write:data_streams read:uploads"),
            None,
        ),
        ("Webhook relay", list("read:webhooks write:webhooks"), None),
        (
            "Key admin (CI)",
            list("read:access_tokens write:access_tokens"),
            days(30),
        ),
        (
            "Data science notebook",
            list("read:datasets read:queries write:queries read:models"),
            days(500),
        ),
    ]
}
