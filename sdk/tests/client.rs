//! The SDK against a real emulator over loopback HTTP: no mocks of our own code.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{Duration as Days, Utc};
use common::*;
use narrative_keys::{
    AccessLevel, Client, Environment, Error, Expiration, Field, KeyUpdate, NewKey, Permission,
    PermissionSet, Preset, RetryPolicy, TransportKind,
};
use narrative_keys_emulator::{Db, FaultConfig, FaultKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn whole_lifecycle() {
    let emu = emulator().await;
    let client = admin(&emu);
    let created = client
        .create_key(&preset_key("  analytics  "))
        .await
        .unwrap();
    assert_eq!(created.key.name, "analytics", "the name is sent trimmed");
    assert_eq!(
        created.key.permissions.to_string(),
        "read:datasets,read:queries,read:subscriptions"
    );
    assert!(!created.secret.expose().is_empty());
    assert!(emu.store().secret_present(created.secret.expose()).unwrap());
    let id = created.key.id.clone();

    let listed = client.list_keys().await.unwrap();
    assert!(listed.iter().any(|k| k.id == id && k.name == "analytics"));
    assert_eq!(client.get_key(&id).await.unwrap(), created.key);

    let at = Utc::now() + Days::days(60);
    let change = KeyUpdate::new()
        .name("analytics v2")
        .permissions(PermissionSet::parse_compact("read:datasets write:datasets").unwrap())
        .expires(Expiration::At(at));
    let updated = client.update_key(&id, &change).await.unwrap();
    assert_eq!(updated.name, "analytics v2");
    assert_eq!(
        updated.permissions.to_string(),
        "read:datasets,write:datasets"
    );
    assert_eq!(
        updated.expires_at.map(|t| t.timestamp()),
        Some(at.timestamp())
    );
    assert_eq!(client.get_key(&id).await.unwrap(), updated);

    client.revoke_key(&id).await.unwrap();
    assert!(matches!(client.get_key(&id).await, Err(Error::NotFound(_))));
    assert!(!client.list_keys().await.unwrap().iter().any(|k| k.id == id));
    assert!(!emu.store().secret_present(created.secret.expose()).unwrap());
}

#[tokio::test]
async fn the_secret_is_returned_only_by_create() {
    let emu = emulator().await;
    let created = admin(&emu).create_key(&preset_key("once")).await.unwrap();
    let secret = created.secret.expose().to_owned();
    let http = reqwest::Client::new();
    for path in [
        "/access-tokens/tokens".to_owned(),
        format!("/access-tokens/tokens/{}", created.key.id),
    ] {
        let body = http
            .get(format!("{}{path}", emu.url()))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(body.contains(&created.key.id));
        assert!(!body.contains(&secret), "{path} leaked the secret");
        assert!(!body.contains("access_token\""), "{path}: {body}");
    }
}

#[tokio::test]
async fn keys_survive_an_emulator_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::Path(dir.path().join("keys.db"));
    let emu = emulator_with(db.clone(), FaultConfig::default()).await;
    let created = admin(&emu)
        .create_key(&preset_key("durable"))
        .await
        .unwrap();
    emu.shutdown().await;

    let emu = emulator_with(db, FaultConfig::default()).await;
    let got = admin(&emu).get_key(&created.key.id).await.unwrap();
    assert_eq!(got, created.key);
    // The new key's secret still authenticates after the restart.
    let own = client_for(&emu, created.secret.expose());
    assert!(own.whoami().await.is_ok());
}

#[tokio::test]
async fn revoked_and_expired_keys_get_401() {
    let emu = emulator().await;
    let client = admin(&emu);
    let manager = client
        .create_key(
            &NewKey::builder("manager")
                .permissions(PermissionSet::parse_compact("read:access_tokens").unwrap())
                .expires(Expiration::in_days(1, Utc::now()))
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let as_manager = client_for(&emu, manager.secret.expose());
    assert_eq!(as_manager.list_keys().await.unwrap().len(), 2);
    client.revoke_key(&manager.key.id).await.unwrap();
    let err = as_manager.list_keys().await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err}");
    assert!(!err.api().unwrap().description.is_empty());

    let (_, expired) = emu
        .store()
        .insert_key(
            "expired",
            &[("read", "access_tokens")],
            Some(Utc::now() - Days::days(1)),
        )
        .unwrap();
    let err = client_for(&emu, &expired).list_keys().await.unwrap_err();
    assert_eq!(err.code(), "unauthorized");
    assert!(err.to_string().contains("expired"), "{err}");
    assert!(
        !err.to_string().contains(&expired),
        "the error names no secret"
    );
}

#[tokio::test]
async fn keys_without_access_token_permissions_are_refused() {
    let emu = emulator().await;
    let (_, reader) = emu
        .store()
        .insert_key("datasets only", &[("read", "datasets")], None)
        .unwrap();
    let (_, write_only) = emu
        .store()
        .insert_key("write only", &[("write", "access_tokens")], None)
        .unwrap();
    let as_reader = client_for(&emu, &reader);
    let err = as_reader.list_keys().await.unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
    assert!(err.to_string().contains("read:access_tokens"), "{err}");
    let err = as_reader.create_key(&preset_key("nope")).await.unwrap_err();
    assert!(err.to_string().contains("write:access_tokens"), "{err}");
    // Write does not imply read.
    let err = client_for(&emu, &write_only).list_keys().await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(emu.store().count().unwrap(), 3, "nothing was created");
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let emu = emulator().await;
    let client = admin(&emu);
    let now = Utc::now();
    let builder_errors = NewKey::builder("")
        .permission("read:encryption_materials".parse().unwrap())
        .permission("grant:datasets".parse().unwrap())
        .expires(Expiration::At(now - Days::hours(1)))
        .build_at(now)
        .unwrap_err();
    let fields: Vec<Field> = builder_errors.errors().map(|p| p.field).collect();
    assert_eq!(
        fields,
        [Field::Name, Field::Permissions, Field::Expiration],
        "the unverified level of a single-level resource is a warning, not an error"
    );
    assert_eq!(builder_errors.warnings().count(), 1);
    for (name, expected) in [
        ("x".repeat(129), "at most 128"),
        ("tab\there".to_owned(), "control character"),
    ] {
        let report = NewKey::builder(name)
            .permission(Permission::read("datasets"))
            .build_at(now)
            .unwrap_err();
        assert!(report.to_string().contains(expected), "{report}");
    }
    let report = NewKey::builder("empty").build_at(now).unwrap_err();
    assert!(report.to_string().contains("no permissions"), "{report}");

    // A key valid when built but whose expiration has passed since.
    let stale = NewKey::builder("stale")
        .permission(Permission::read("datasets"))
        .expires(Expiration::At(now + Days::milliseconds(1)))
        .build_at(now)
        .unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let err = client.create_key(&stale).await.unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert_eq!(
        err.report().unwrap().errors().next().unwrap().field,
        Field::Expiration
    );

    let id = client.list_keys().await.unwrap()[0].id.clone();
    for (update, field) in [
        (KeyUpdate::new(), Field::Update),
        (
            KeyUpdate::new().expires(Expiration::Never),
            Field::Expiration,
        ),
        (KeyUpdate::new().name(" "), Field::Name),
        (
            KeyUpdate::new().permissions(PermissionSet::new()),
            Field::Permissions,
        ),
    ] {
        let err = client.update_key(&id, &update).await.unwrap_err();
        assert_eq!(
            err.report().unwrap().errors().next().unwrap().field,
            field,
            "{err}"
        );
    }
    let err = client.get_key("../../whoami").await.unwrap_err();
    assert_eq!(
        err.report().unwrap().errors().next().unwrap().field,
        Field::Id
    );
    assert_eq!(emu.store().count().unwrap(), 1, "nothing reached the store");
}

#[tokio::test]
async fn unknown_resources_and_wire_only_levels_survive_a_rename() {
    let emu = emulator().await;
    let perms = [
        ("revise", "uploads"),
        ("admin", "datasets"),
        ("create", "charges"),
        ("read", "queries"),
    ];
    let (id, _) = emu.store().insert_key("odd", &perms, None).unwrap();
    let client = admin(&emu);
    let before = client.get_key(&id.to_string()).await.unwrap();
    assert!(
        before
            .permissions
            .contains(&Permission::new(AccessLevel::Revise, "uploads"))
    );
    let after = client
        .update_key(&id.to_string(), &KeyUpdate::new().name("renamed"))
        .await
        .unwrap();
    assert_eq!(after.permissions, before.permissions);
    let stored = emu.store().get(id).unwrap().unwrap();
    assert_eq!(stored.permissions.len(), 4);
    // Sending the set back whole (as an edit does) keeps them too.
    let mut grown = before.permissions.clone();
    grown.insert(Permission::write("queries"));
    let after = client
        .update_key(
            &id.to_string(),
            &KeyUpdate::new().permissions(grown.clone()),
        )
        .await
        .unwrap();
    assert_eq!(after.permissions, grown);
}

#[tokio::test]
async fn a_key_built_without_an_expiration_expires_in_90_days() {
    let emu = emulator().await;
    let client = admin(&emu);
    let before = Utc::now();
    let new = NewKey::builder("default lifetime")
        .preset(Preset::ReadOnlyAnalytics, &[])
        .build()
        .unwrap();
    assert!(new.warnings().problems.is_empty(), "{:?}", new.warnings());
    let created = client.create_key(&new).await.unwrap();
    let expires = created.key.expires_at.expect("the key expires");
    let days = (expires - before).num_seconds() as f64 / 86_400.0;
    assert!((days - 90.0).abs() < 0.01, "expires in {days} days");
    let stored = emu.store().get(created.key.id.parse().unwrap()).unwrap();
    assert!(
        stored.unwrap().expires_at.is_some(),
        "the emulator holds it"
    );

    let forever = NewKey::builder("on purpose")
        .preset(Preset::ReadOnlyAnalytics, &[])
        .expires(Expiration::Never)
        .build()
        .unwrap();
    let created = client.create_key(&forever).await.unwrap();
    assert_eq!(created.key.expires_at, None, "only when asked");
}

#[tokio::test]
async fn a_typed_permission_outside_the_catalog_is_refused_unless_allowed() {
    let emu = emulator().await;
    let client = admin(&emu);
    for (typed, meant) in [
        ("read:dataset", "did you mean read:datasets?"),
        ("datasets:read", "did you mean read:datasets?"),
        ("read:uploads", "unknown resource `uploads`"),
        ("admin:datasets", "does not offer"),
    ] {
        let report = NewKey::builder("typo")
            .permission(typed.parse().unwrap())
            .build()
            .unwrap_err();
        assert!(report.to_string().contains(meant), "{typed}: {report}");
    }
    assert_eq!(emu.store().count().unwrap(), 1, "nothing was sent");

    // Allowed on purpose, the platform's newer resources and wire-only
    // levels are created as written, and survive a rename untouched.
    let odd = PermissionSet::parse_compact("read:uploads admin:datasets read:views").unwrap();
    let new = NewKey::builder("newer resources")
        .permissions(odd.clone())
        .allow_unknown(true)
        .build()
        .unwrap();
    assert_eq!(new.warnings().warnings().count(), 2, "{:?}", new.warnings());
    let created = client.create_key(&new).await.unwrap();
    assert_eq!(created.key.permissions, odd);
    let renamed = client
        .update_key(&created.key.id, &KeyUpdate::new().name("renamed"))
        .await
        .unwrap();
    assert_eq!(renamed.name, "renamed");
    assert_eq!(renamed.permissions, odd);
    assert_eq!(client.get_key(&created.key.id).await.unwrap(), renamed);
}

#[tokio::test]
async fn reads_retry_through_injected_503s_and_429s() {
    let faults = FaultConfig {
        rate: 0.5,
        retry_after_secs: 0,
        seed: Some(11),
        kinds: vec![FaultKind::Unavailable, FaultKind::RateLimited],
        ..FaultConfig::default()
    };
    let emu = emulator_with(Db::Memory, faults).await;
    let client = admin(&emu);
    for _ in 0..20 {
        client.list_keys().await.unwrap();
    }
    let stats = emu.fault_stats();
    assert!(stats.unavailable > 0 && stats.rate_limited > 0, "{stats:?}");

    // With retries off the same faults surface as typed errors.
    let no_retry = client_builder(&emu, ADMIN)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut codes = std::collections::BTreeSet::new();
    for _ in 0..30 {
        if let Err(e) = no_retry.list_keys().await {
            codes.insert(e.code());
        }
    }
    assert_eq!(
        codes.into_iter().collect::<Vec<_>>(),
        ["rate_limited", "server"]
    );
}

#[tokio::test]
async fn create_is_never_retried() {
    let faults = FaultConfig {
        rate: 1.0,
        kinds: vec![FaultKind::Unavailable],
        ..FaultConfig::default()
    };
    let emu = emulator_with(Db::Memory, faults).await;
    let err = admin(&emu)
        .create_key(&preset_key("once only"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        emu.fault_stats().unavailable,
        1,
        "exactly one attempt was made"
    );
    assert_eq!(emu.store().count().unwrap(), 1);
}

#[tokio::test]
async fn dropped_connections_are_retried_for_reads() {
    let faults = FaultConfig {
        rate: 0.5,
        seed: Some(3),
        kinds: vec![FaultKind::Drop],
        ..FaultConfig::default()
    };
    let emu = emulator_with(Db::Memory, faults).await;
    let client = admin(&emu);
    for _ in 0..10 {
        client.list_keys().await.unwrap();
    }
    assert!(emu.fault_stats().dropped > 0);
}

#[tokio::test]
async fn a_timeout_ends_with_a_clear_error() {
    let faults = FaultConfig {
        rate: 1.0,
        slow: Duration::from_secs(3),
        kinds: vec![FaultKind::Slow],
        ..FaultConfig::default()
    };
    let emu = emulator_with(Db::Memory, faults).await;
    let client = client_builder(&emu, ADMIN)
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy {
            max_retries: 1,
            ..fast_retries()
        })
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.list_keys().await.unwrap_err();
    assert_eq!(err.code(), "network");
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(err.to_string().contains("no answer within 200ms"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "one 200 ms attempt, not the 3 s answer"
    );
    assert_eq!(
        emu.fault_stats().slow,
        1,
        "a timed-out attempt is not retried"
    );
}

#[tokio::test]
async fn whoami_describes_the_emulator_identity() {
    let emu = emulator().await;
    let me = admin(&emu).whoami().await.unwrap();
    assert_eq!(me.name.as_deref(), Some("Emulator User"));
    assert_eq!(
        me.current_company_scope.unwrap().slug.as_deref(),
        Some("local-emulator")
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder()
        .api_key("k")
        .environment(url.parse().unwrap())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.list_keys().await.unwrap_err();
    assert_eq!(err.code(), "network");
    assert!(err.to_string().contains("could not connect"), "{err}");
}

/// A server that accepts connections and never answers; counts them.
async fn silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn a_server_that_never_answers_fails_within_the_timeout() {
    let (url, accepted) = silent_server().await;
    let client = Client::builder()
        .api_key("k")
        .environment(url.parse().unwrap())
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.list_keys().await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(3),
        "{took:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "GET {url}/access-tokens/tokens: no answer within 1s"
        )),
        "{text}"
    );
    assert!(text.contains("raise the client's timeout"), "{text}");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "the timed-out request was not sent again"
    );
}

#[test]
fn a_zero_timeout_is_refused_when_building() {
    let err = Client::builder()
        .api_key("k")
        .timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("more than zero"), "{err}");
}

/// A server answering each request with the next of `answers` (the last one
/// repeated), each a status line and headers; counts the requests by method.
async fn scripted_server(answers: Vec<&'static str>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let Some(method) = read_request(&mut stream).await else {
                continue;
            };
            let n = {
                let mut log = log.lock().unwrap();
                log.push(method);
                log.len()
            };
            let head = answers[(n - 1).min(answers.len() - 1)];
            let answer = format!("{head}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = stream.write_all(answer.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    });
    (url, seen)
}

/// Reads one request (head and `content-length` body); its method.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(head.split(' ').next()?.to_ascii_uppercase())
}

fn scripted_client(url: &str) -> Client {
    Client::builder()
        .api_key("k")
        .environment(url.parse().unwrap())
        .retry(RetryPolicy {
            max_retries: 2,
            ..fast_retries()
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn create_is_not_retried_after_a_500_or_502() {
    for status in [
        "HTTP/1.1 500 Internal Server Error",
        "HTTP/1.1 502 Bad Gateway",
    ] {
        let (url, seen) = scripted_server(vec![status]).await;
        let err = scripted_client(&url)
            .create_key(&preset_key("once"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "server", "{err}");
        assert_eq!(
            *seen.lock().unwrap(),
            ["POST"],
            "{status}: the key may exist, so the create was sent once"
        );
    }
}

#[tokio::test]
async fn create_is_retried_after_a_429_and_reads_after_a_500() {
    let (url, seen) = scripted_server(vec![
        "HTTP/1.1 429 Too Many Requests\r\nretry-after: 0",
        "HTTP/1.1 429 Too Many Requests\r\nretry-after: 0",
        "HTTP/1.1 429 Too Many Requests\r\nretry-after: 0",
    ])
    .await;
    let err = scripted_client(&url)
        .create_key(&preset_key("limited"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(*seen.lock().unwrap(), ["POST", "POST", "POST"]);

    let (url, seen) = scripted_server(vec!["HTTP/1.1 500 Internal Server Error"]).await;
    let client = scripted_client(&url);
    let id = "8d0c1bfe-5d1b-4d7c-9f0e-3c8f3f1c0a11";
    assert_eq!(client.list_keys().await.unwrap_err().status(), Some(500));
    assert_eq!(client.revoke_key(id).await.unwrap_err().status(), Some(500));
    assert_eq!(
        *seen.lock().unwrap(),
        ["GET", "GET", "GET", "DELETE", "DELETE", "DELETE"],
        "each tried three times"
    );
}

#[tokio::test]
async fn a_404_after_a_500_is_a_revocation_after_a_503_it_is_not() {
    let id = "8d0c1bfe-5d1b-4d7c-9f0e-3c8f3f1c0a11";
    // A 500 may have revoked the key: the retry's 404 says it did.
    let (url, _) = scripted_server(vec![
        "HTTP/1.1 500 Internal Server Error",
        "HTTP/1.1 404 Not Found",
    ])
    .await;
    scripted_client(&url).revoke_key(id).await.unwrap();
    // A 503 did nothing: the 404 means there was no such key.
    let (url, _) = scripted_server(vec![
        "HTTP/1.1 503 Service Unavailable",
        "HTTP/1.1 404 Not Found",
    ])
    .await;
    let err = scripted_client(&url).revoke_key(id).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[tokio::test]
async fn injected_500s_are_retried_for_reads_and_revocations_not_for_creates() {
    let faults = FaultConfig {
        rate: 0.5,
        seed: Some(17),
        kinds: vec![FaultKind::InternalError],
        ..FaultConfig::default()
    };
    let emu = emulator_with(Db::Memory, faults).await;
    let client = retrying_admin(&emu, 12);
    let ids: Vec<String> = (0..10)
        .map(|i| seed(&emu, &format!("k{i}"), &[("read", "jobs")], None))
        .collect();
    for _ in 0..10 {
        client.list_keys().await.unwrap();
    }
    for id in &ids {
        client.revoke_key(id).await.unwrap();
    }
    assert_eq!(emu.store().count().unwrap(), 1, "every key revoked");
    let before = emu.fault_stats().internal_error;
    assert!(before > 0);
    // Creates: each either made a key or failed on its one 500.
    let mut failed = 0;
    for i in 0..10 {
        match client.create_key(&preset_key(&format!("c{i}"))).await {
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.status(), Some(500));
                failed += 1;
            }
        }
    }
    assert!(failed > 0, "seeded to fail some");
    assert_eq!(emu.fault_stats().internal_error - before, failed);
    assert_eq!(emu.store().count().unwrap(), 1 + 10 - failed as usize);
}

#[tokio::test]
async fn create_is_retried_through_429s() {
    let faults = FaultConfig {
        rate: 0.6,
        retry_after_secs: 0,
        seed: Some(8),
        kinds: vec![FaultKind::RateLimited],
        methods: vec!["POST".into()],
        ..FaultConfig::default()
    };
    let emu = emulator_with(Db::Memory, faults).await;
    let client = retrying_admin(&emu, 12);
    for i in 0..8 {
        let created = client
            .create_key(&preset_key(&format!("c{i}")))
            .await
            .unwrap();
        assert!(emu.store().secret_present(created.secret.expose()).unwrap());
    }
    assert!(emu.fault_stats().rate_limited > 0);
    assert_eq!(emu.store().count().unwrap(), 9, "each key made once");
}

/// A create sent while the server is down (connection refused: nothing was
/// sent) is retried, and succeeds once the server is back.
#[tokio::test]
async fn create_is_retried_while_the_connection_is_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .api_key(ADMIN)
        .environment(format!("http://{addr}").parse::<Environment>().unwrap())
        .retry(RetryPolicy {
            max_retries: 8,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(1),
        })
        .build()
        .unwrap();
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        emulator_at(Db::Memory, Duration::ZERO, addr).await
    });
    let created = client.create_key(&preset_key("after")).await.unwrap();
    let emu = server.await.unwrap();
    assert!(emu.store().secret_present(created.secret.expose()).unwrap());
    assert_eq!(emu.store().count().unwrap(), 2);
}

/// A key whose revocation failed with 500 through its own retries may have
/// been revoked by one of them: the next pass's 404 is that revocation.
#[tokio::test]
async fn revoke_many_counts_a_404_after_a_500_pass_as_revoked() {
    use narrative_keys::revoke::{RevokeManyOptions, RevokeResult, revoke_many};
    let id = "8d0c1bfe-5d1b-4d7c-9f0e-3c8f3f1c0a11".to_owned();
    let (url, seen) = scripted_server(vec![
        "HTTP/1.1 500 Internal Server Error",
        "HTTP/1.1 500 Internal Server Error",
        "HTTP/1.1 500 Internal Server Error",
        "HTTP/1.1 404 Not Found",
    ])
    .await;
    let report = revoke_many(
        &scripted_client(&url),
        std::slice::from_ref(&id),
        &RevokeManyOptions::default(),
    )
    .await;
    assert_eq!(report.passes, 2);
    assert_eq!(seen.lock().unwrap().len(), 4, "three tries, then a pass");
    assert!(
        matches!(report.outcomes[0].result, RevokeResult::Revoked),
        "{:?}",
        report.outcomes[0]
    );

    // After 503s (the server did nothing) a 404 means there was no such key.
    let (url, _) = scripted_server(vec![
        "HTTP/1.1 503 Service Unavailable",
        "HTTP/1.1 503 Service Unavailable",
        "HTTP/1.1 503 Service Unavailable",
        "HTTP/1.1 404 Not Found",
    ])
    .await;
    let report = revoke_many(
        &scripted_client(&url),
        std::slice::from_ref(&id),
        &RevokeManyOptions::default(),
    )
    .await;
    assert!(matches!(
        report.outcomes[0].result,
        RevokeResult::AlreadyGone
    ));
}
