//! The SDK against a real emulator over loopback HTTP: no mocks of our own code.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::time::Duration;

use chrono::{Duration as Days, Utc};
use common::*;
use narrative_keys::{
    AccessLevel, Client, Environment, Error, Expiration, Field, KeyUpdate, NewKey, Permission,
    PermissionSet, Preset, RetryPolicy,
};
use narrative_keys_emulator::{Db, FaultConfig, FaultKind};

fn preset_key(name: &str) -> NewKey {
    NewKey::builder(name)
        .preset(Preset::ReadOnlyAnalytics, &[])
        .expires(Expiration::in_days(30, Utc::now()))
        .build()
        .unwrap()
}

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
        [
            Field::Name,
            Field::Permissions,
            Field::Permissions,
            Field::Expiration
        ]
    );
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
    let no_retry = Client::builder()
        .api_key(ADMIN)
        .environment(emu.url().parse::<Environment>().unwrap())
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
    let client = Client::builder()
        .api_key(ADMIN)
        .environment(emu.url().parse::<Environment>().unwrap())
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
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "two 200 ms attempts, not the 3 s answer"
    );
    assert_eq!(
        emu.fault_stats().slow,
        2,
        "one retry after the first timeout"
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
