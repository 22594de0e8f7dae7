//! What several test files share: a process's output, whether a process
//! still runs, a file's mode, and keys at a fixed instant (a dozen covering every status, created keys, an
//! empty incident report, a client that reaches no server).

use std::path::Path;
use std::process::Output;

use chrono::{DateTime, Duration, Utc};
use narrative_keys::incident::IncidentReport;
use narrative_keys::{ApiKey, CreatedKey, PermissionSet, Preset, Secret};
use serde_json::Value;

/// A process's standard output, lossily decoded.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A process's standard error, lossily decoded.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A process's standard output as one JSON document; panics showing the
/// output if it is not one.
pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// Whether the process `pid` (as a script wrote it, spaces allowed) still
/// runs a second from now: signals take effect asynchronously, so a process
/// just killed gets that long to go. One that is gone, or a zombie that no
/// parent reaped yet (a container's init may never reap), does not run.
pub fn still_running(pid: &str) -> bool {
    let running = || {
        std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).is_ok_and(|stat| {
            // The state follows the command name, which is in parentheses.
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
    };
    for _ in 0..50 {
        if !running() {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    true
}

/// A file's permission bits (`0o600` for owner read and write only).
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("the file exists")
        .permissions()
        .mode()
        & 0o777
}

/// Fails unless only the file's owner can read and write it (mode 0600).
pub fn assert_mode_0600(path: &Path) {
    assert_eq!(mode(path), 0o600, "{}", path.display());
}

// Keys at a fixed instant, for tests that draw or compare them.

/// An obviously fake secret: no snapshot may ever hold a real one.
pub const FAKE_SECRET: &str = "FAKE-SECRET-0123456789-not-a-real-key";

/// The fixed instant the fixtures are made at: 2026-11-26 10:00 UTC.
pub fn now() -> DateTime<Utc> {
    "2026-11-26T10:00:00Z".parse().unwrap()
}

/// The fixed id of fixture key `n`.
pub fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn key(n: u32, name: &str, perms: &str, days: Option<i64>) -> ApiKey {
    ApiKey {
        id: id(n),
        name: name.to_owned(),
        permissions: PermissionSet::parse_compact(perms).unwrap(),
        expires_at: days.map(|d| now() + Duration::days(d)),
    }
}

// long: a data table, one entry per key.
/// A dozen keys covering every status, like the demo's.
pub fn keys() -> Vec<ApiKey> {
    vec![
        key(
            1,
            "Analytics dashboard",
            "read:datasets read:queries read:subscriptions",
            Some(75),
        ),
        key(
            2,
            "Nightly ingestion",
            "write:datasets write:data_streams",
            Some(9),
        ),
        key(
            3,
            "Nightly ingestion",
            "write:datasets write:data_streams",
            Some(45),
        ),
        key(
            4,
            "Airflow workflows",
            "read:workflows write:workflows read:jobs write:jobs",
            Some(180),
        ),
        key(
            5,
            "S3 delivery connector",
            "read:connections write:connections read:destinations write:destinations",
            Some(3),
        ),
        key(
            6,
            "Mobile SDK (staging)",
            "read:datasets write:datasets read:data_streams write:data_streams write:app_events",
            Some(60),
        ),
        key(
            7,
            "Legacy export job",
            "read:datasets write:destinations",
            Some(-20),
        ),
        key(8, "Old prototype", "read:datasets read:queries", Some(-200)),
        key(
            9,
            "Partner upload bot",
            "write:data_streams read:uploads",
            None,
        ),
        key(10, "Webhook relay", "read:webhooks write:webhooks", None),
        key(
            11,
            "Key admin (CI)",
            "read:access_tokens write:access_tokens",
            Some(30),
        ),
        key(
            12,
            "Data science notebook",
            "read:datasets read:queries write:queries read:models",
            Some(500),
        ),
    ]
}

/// A key just created (id 99, the data ingestion preset, 90 days) with
/// `secret`.
pub fn created(name: &str, secret: &str) -> CreatedKey {
    CreatedKey {
        key: ApiKey {
            id: id(99),
            name: name.to_owned(),
            permissions: Preset::DataIngestion.permissions(&[]),
            expires_at: Some(now() + Duration::days(90)),
        },
        secret: Secret::new(secret),
    }
}

/// The `n`th of [`keys`] (from 1) and its replacement: the same key with id
/// `100 + n` and `secret`, as an incident's replacements list them.
pub fn replacement(n: u32, secret: &str) -> (String, CreatedKey) {
    let old = keys()[n as usize - 1].clone();
    let new = CreatedKey {
        key: ApiKey {
            id: id(100 + n),
            ..old.clone()
        },
        secret: Secret::new(secret),
    };
    (old.id, new)
}

/// An incident's report in the demo environment at [`now`] with nothing in
/// it.
pub fn empty_report() -> IncidentReport {
    IncidentReport {
        environment: "DEMO".into(),
        started_at: now(),
        finished_at: now(),
        note: None,
        revoked: vec![],
        replacements: vec![],
        already_present: vec![],
        to_revoke: vec![],
        undelivered: vec![],
        creates_recorded: true,
        failures: vec![],
        missing_ids: vec![],
        replacement_expiration: None,
        resumed_at: vec![],
        look_alikes: vec![],
        expired_not_replaced: vec![],
    }
}

/// A client for a port nothing listens on, with a fake key: for effects
/// that must not reach a server.
pub fn offline_client() -> narrative_keys::Client {
    narrative_keys::Client::builder()
        .api_key("fake-caller-key-not-real")
        .environment("http://127.0.0.1:9".parse().unwrap())
        .build()
        .unwrap()
}
