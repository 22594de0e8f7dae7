//! The emulator over real HTTP on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::time::{Duration, Instant};

use chrono::{Duration as ChronoDuration, Utc};
use narrative_keys_emulator::{Db, Emulator, FaultConfig, RunningEmulator};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const TOKENS: &str = "/access-tokens/tokens";

struct Reply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Reply {
    async fn read(resp: reqwest::Response) -> Reply {
        Reply {
            status: resp.status(),
            headers: resp.headers().clone(),
            text: resp.text().await.unwrap(),
        }
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    /// Asserts the JSON error shape and returns the description.
    fn error(&self, status: StatusCode) -> String {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert_eq!(
            self.headers["content-type"].to_str().unwrap(),
            "application/json",
            "{status}"
        );
        let v = self.json();
        assert_eq!(v["error"], status.canonical_reason().unwrap(), "{v}");
        let d = v["error_description"].as_str().expect("error_description");
        assert!(!d.is_empty());
        d.to_owned()
    }
}

async fn start() -> RunningEmulator {
    Emulator::builder().db(Db::Memory).start().await.unwrap()
}

async fn send(
    emu: &RunningEmulator,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", emu.url()));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    Reply::read(req.send().await.unwrap()).await
}

/// A POST to the keys endpoint with this exact body and content type (none
/// when `None`), for what `send`'s JSON body cannot express.
async fn post_raw(
    emu: &RunningEmulator,
    key: &str,
    content_type: Option<&str>,
    body: &'static str,
) -> Reply {
    let mut req = reqwest::Client::new()
        .post(format!("{}{TOKENS}", emu.url()))
        .bearer_auth(key)
        .body(body);
    if let Some(t) = content_type {
        req = req.header("content-type", t);
    }
    Reply::read(req.send().await.unwrap()).await
}

/// A request to one key's path, `/access-tokens/tokens/{id}`, as `key`.
async fn on_key(
    emu: &RunningEmulator,
    method: Method,
    id: &dyn std::fmt::Display,
    key: &str,
    body: Option<Value>,
) -> Reply {
    send(emu, method, &format!("{TOKENS}/{id}"), Some(key), body).await
}

fn admin(emu: &RunningEmulator) -> String {
    emu.admin_key().unwrap().to_owned()
}

async fn create(emu: &RunningEmulator, key: &str, body: Value) -> Reply {
    send(emu, Method::POST, TOKENS, Some(key), Some(body)).await
}

#[tokio::test]
async fn whole_lifecycle() {
    let emu = start().await;
    let admin = admin(&emu);
    assert!(emu.admin_key_is_fresh());
    assert!(!emu.url().ends_with('/'));

    let r = create(
        &emu,
        &admin,
        json!({
            "name": "  nightly export  ",
            "permissions": [
                {"access": "write", "resource": "datasets"},
                {"access": "read", "resource": "datasets"},
                {"access": "read", "resource": "data-planes"},
                {"access": "read", "resource": "datasets"},
            ],
            "expires_at": "2099-01-31",
            "unknown_field": true,
        }),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let created = r.json();
    let id = created["id"].as_str().unwrap().to_owned();
    uuid::Uuid::parse_str(&id).unwrap();
    let secret = created["access_token"].as_str().unwrap().to_owned();
    assert_eq!(created["name"], "nightly export");
    assert_eq!(created["expires_at"], "2099-01-31T00:00:00Z");
    assert_eq!(
        created["permissions"],
        json!([
            {"access": "read", "resource": "data-planes"},
            {"access": "read", "resource": "datasets"},
            {"access": "write", "resource": "datasets"},
        ])
    );

    let r = send(&emu, Method::GET, TOKENS, Some(&admin), None).await;
    assert_eq!(r.status, 200);
    let list = r.json();
    let records = list["records"].as_array().unwrap();
    assert_eq!(records.len(), 2);
    // The bootstrap key has no expiration: serialised as null.
    assert_eq!(records[0]["name"], "bootstrap admin");
    assert!(records[0]["expires_at"].is_null());
    assert!(records.iter().all(|k| k.get("access_token").is_none()));

    let r = on_key(&emu, Method::GET, &id, &admin, None).await;
    assert_eq!(r.status, 200);
    let got = r.json();
    assert_eq!(got["record"]["id"], id);
    assert!(got["record"].get("access_token").is_none());
    assert!(!r.text.contains(&secret));

    let r = on_key(
        &emu,
        Method::PUT,
        &id,
        &admin,
        Some(json!({"name": "renamed", "permissions": [{"access": "read", "resource": "jobs"}]})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let updated = r.json();
    assert_eq!(updated["name"], "renamed");
    assert_eq!(updated["expires_at"], "2099-01-31T00:00:00Z");
    assert_eq!(
        updated["permissions"],
        json!([{"access": "read", "resource": "jobs"}])
    );
    assert!(updated.get("access_token").is_none());

    let r = on_key(
        &emu,
        Method::PUT,
        &id,
        &admin,
        Some(json!({"expires_at": "2098-06-01T12:30:00+02:00"})),
    )
    .await;
    assert_eq!(r.json()["expires_at"], "2098-06-01T10:30:00Z");

    // The new key authenticates.
    let r = send(&emu, Method::GET, "/whoami", Some(&secret), None).await;
    assert_eq!(r.status, 200);

    let r = on_key(&emu, Method::DELETE, &id, &admin, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text, "");

    let r = on_key(&emu, Method::GET, &id, &admin, None).await;
    let d = r.error(StatusCode::NOT_FOUND);
    assert!(d.contains(&id), "{d}");
    let r = on_key(&emu, Method::DELETE, &id, &admin, None).await;
    r.error(StatusCode::NOT_FOUND);
    let r = on_key(&emu, Method::PUT, &id, &admin, Some(json!({"name": "x"}))).await;
    r.error(StatusCode::NOT_FOUND);

    // Revoked: refused at once.
    let r = send(&emu, Method::GET, "/whoami", Some(&secret), None).await;
    r.error(StatusCode::UNAUTHORIZED);
    assert_eq!(emu.store().count().unwrap(), 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn whoami_has_the_schema_shape() {
    let emu = start().await;
    let r = send(&emu, Method::GET, "/whoami", Some(&admin(&emu)), None).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert!(v["user_id"].is_i64());
    assert_eq!(v["name"], "Emulator User");
    assert_eq!(v["company_access_list"], json!([1]));
    let scope = &v["current_company_scope"];
    assert_eq!(scope["company_id"], 1);
    assert_eq!(scope["slug"], "local-emulator");
    assert_eq!(scope["name"], "Local emulator");
    assert_eq!(scope["status"], "active");
    assert_eq!(scope["visibility"], "visible");
    assert!(
        scope.as_object().unwrap().values().all(|x| !x.is_null()),
        "{scope}"
    );
    let perms = v["permissions"].as_array().unwrap();
    assert_eq!(perms.len(), 20);
    assert!(perms.iter().any(|p| p["resource"] == "uploads"));
    assert!(
        perms
            .iter()
            .all(|p| p["access"] == json!(["read", "write"]))
    );
    chrono::DateTime::parse_from_rfc3339(v["created_at"].as_str().unwrap()).unwrap();
    emu.shutdown().await;
}

#[tokio::test]
async fn secret_lives_only_in_the_create_response_and_as_a_hash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.db");
    let emu = Emulator::builder()
        .db(Db::Path(path.clone()))
        .start()
        .await
        .unwrap();
    let admin = admin(&emu);
    let r = create(&emu, &admin, json!({"name": "k"})).await;
    let secret = r.json()["access_token"].as_str().unwrap().to_owned();
    let raw = base64_decode_len(&secret);
    assert_eq!(raw, 32);
    let list = send(&emu, Method::GET, TOKENS, Some(&admin), None).await;
    assert!(!list.text.contains(&secret));
    assert!(emu.store().secret_present(&secret).unwrap());
    emu.shutdown().await;

    let hash = narrative_keys_emulator::hash_secret(&secret);
    let mut found_hash = false;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for s in [&secret, &admin] {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "a secret is stored in plain"
            );
        }
        found_hash |= bytes.windows(hash.len()).any(|w| w == hash.as_bytes());
    }
    assert!(found_hash, "the hash should be stored");
}

fn base64_decode_len(s: &str) -> usize {
    // Standard base64 with padding: 44 chars for 32 bytes.
    assert_eq!(s.len(), 44, "{s}");
    assert!(s.ends_with('='));
    assert!(
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
    );
    32
}

#[tokio::test]
async fn data_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.db");
    let emu = Emulator::builder()
        .db(Db::Path(path.clone()))
        .bootstrap_key(Some("boot-secret".into()))
        .start()
        .await
        .unwrap();
    assert_eq!(emu.admin_key(), Some("boot-secret"));
    assert!(!emu.admin_key_is_fresh());
    let r = create(&emu, "boot-secret", json!({"name": "persisted"})).await;
    let secret = r.json()["access_token"].as_str().unwrap().to_owned();
    emu.shutdown().await;

    // Same file, no bootstrap secret: nothing new is created.
    let emu = Emulator::builder()
        .db(Db::Path(path.clone()))
        .start()
        .await
        .unwrap();
    assert_eq!(emu.admin_key(), None);
    assert_eq!(emu.store().count().unwrap(), 2);
    let r = send(&emu, Method::GET, TOKENS, Some("boot-secret"), None).await;
    let names: Vec<_> = r.json()["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["bootstrap admin", "persisted"]);
    let r = send(&emu, Method::GET, "/whoami", Some(&secret), None).await;
    assert_eq!(r.status, 200);
    emu.shutdown().await;

    // Same bootstrap secret again: not duplicated. Inspect the file directly.
    let emu = Emulator::builder()
        .db(Db::Path(path.clone()))
        .bootstrap_key(Some("boot-secret".into()))
        .start()
        .await
        .unwrap();
    emu.shutdown().await;
    let store = narrative_keys_emulator::Store::open(&path).unwrap();
    assert_eq!(store.count().unwrap(), 2);
}

#[tokio::test]
async fn authentication_failures_are_401() {
    let emu = start().await;
    let admin = admin(&emu);
    let store = emu.store();
    let (_, expired) = store
        .insert_key(
            "old",
            &[("read", "access_tokens")],
            Some(Utc::now() - ChronoDuration::minutes(1)),
        )
        .unwrap();
    let (revoked_id, revoked) = store
        .insert_key("gone", &[("read", "access_tokens")], None)
        .unwrap();
    let r = on_key(&emu, Method::DELETE, &revoked_id, &admin, None).await;
    assert_eq!(r.status, 200);

    let r = send(&emu, Method::GET, TOKENS, None, None).await;
    let d = r.error(StatusCode::UNAUTHORIZED);
    assert!(d.contains("Authorization"), "{d}");
    assert_eq!(r.headers["www-authenticate"], "Bearer");

    let r = reqwest::Client::new()
        .get(format!("{}{TOKENS}", emu.url()))
        .header("authorization", format!("Basic {admin}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("malformed"));

    let r = send(&emu, Method::GET, TOKENS, Some("not-a-key"), None).await;
    assert!(r.error(StatusCode::UNAUTHORIZED).contains("not recognised"));
    let r = send(&emu, Method::GET, TOKENS, Some(&revoked), None).await;
    r.error(StatusCode::UNAUTHORIZED);
    let r = send(&emu, Method::GET, "/whoami", Some(&expired), None).await;
    let d = r.error(StatusCode::UNAUTHORIZED);
    assert!(d.contains("expired"), "{d}");
    emu.shutdown().await;
}

#[tokio::test]
async fn permissions_are_checked_independently() {
    let emu = start().await;
    let store = emu.store();
    let (_, none) = store
        .insert_key("none", &[("read", "datasets")], None)
        .unwrap();
    let (_, read) = store
        .insert_key("read", &[("read", "access_tokens")], None)
        .unwrap();
    let (_, write) = store
        .insert_key("write", &[("write", "access_tokens")], None)
        .unwrap();
    let (_, wire) = store
        .insert_key(
            "wire",
            &[
                ("admin", "access_tokens"),
                ("create", "access_tokens"),
                ("revise", "access_tokens"),
            ],
            None,
        )
        .unwrap();
    let any_id = format!("{TOKENS}/{}", uuid::Uuid::new_v4());

    for key in [&none, &wire] {
        let d = send(&emu, Method::GET, TOKENS, Some(key), None)
            .await
            .error(StatusCode::FORBIDDEN);
        assert!(d.contains("read:access_tokens"), "{d}");
        let d = create(&emu, key, json!({"name": "x"}))
            .await
            .error(StatusCode::FORBIDDEN);
        assert!(d.contains("write:access_tokens"), "{d}");
        // whoami needs only a valid key.
        assert_eq!(
            send(&emu, Method::GET, "/whoami", Some(key), None)
                .await
                .status,
            200
        );
    }
    // Write does not imply read.
    send(&emu, Method::GET, &any_id, Some(&write), None)
        .await
        .error(StatusCode::FORBIDDEN);
    assert_eq!(create(&emu, &write, json!({"name": "w"})).await.status, 200);
    // Read does not allow writing.
    assert_eq!(
        send(&emu, Method::GET, TOKENS, Some(&read), None)
            .await
            .status,
        200
    );
    send(&emu, Method::DELETE, &any_id, Some(&read), None)
        .await
        .error(StatusCode::FORBIDDEN);
    send(
        &emu,
        Method::PUT,
        &any_id,
        Some(&read),
        Some(json!({"name": "n"})),
    )
    .await
    .error(StatusCode::FORBIDDEN);
    emu.shutdown().await;
}

/// Found by the conformance run (.ci/suites/35-conformance.sh): the document
/// gives GET and DELETE on a key no 400, only 404 for an id that names no key.
#[tokio::test]
async fn an_id_that_is_not_a_uuid_is_404_on_every_call_on_a_key() {
    let emu = start().await;
    let admin = admin(&emu);
    let before = emu.store().list_keys().unwrap();
    for id in [
        "not-a-uuid",
        "123",
        "null,null",
        "%C3%A6%F0%9F%94%91",
        "%FF",
    ] {
        let path = format!("{TOKENS}/{id}");
        for (method, body) in [
            (Method::GET, None),
            (Method::PUT, Some(json!({"name": "renamed"}))),
            (Method::DELETE, None),
        ] {
            let d = send(&emu, method.clone(), &path, Some(&admin), body)
                .await
                .error(StatusCode::NOT_FOUND);
            assert!(
                d.contains("UUID") && d.contains("no key"),
                "{method} {id}: {d}"
            );
        }
    }
    // Credentials are still checked first.
    send(&emu, Method::GET, &format!("{TOKENS}/123"), None, None)
        .await
        .error(StatusCode::UNAUTHORIZED);
    assert_eq!(emu.store().list_keys().unwrap(), before);
    emu.shutdown().await;
}

/// Found by the conformance run: the document requires a body on create and
/// update, and its answer to a request that cannot be parsed is 400.
#[tokio::test]
async fn a_missing_body_is_400() {
    let emu = start().await;
    let admin = admin(&emu);
    let id = emu
        .store()
        .insert_key("k", &[("read", "datasets")], None)
        .unwrap()
        .0;
    let http = reqwest::Client::new();
    for (method, path) in [
        (Method::POST, TOKENS.to_owned()),
        (Method::PUT, format!("{TOKENS}/{id}")),
    ] {
        for content_type in [None, Some("application/json"), Some("text/plain")] {
            for body in ["", " \r\n"] {
                let mut req = http
                    .request(method.clone(), format!("{}{path}", emu.url()))
                    .bearer_auth(&admin)
                    .body(body);
                if let Some(t) = content_type {
                    req = req.header("content-type", t);
                }
                let r = Reply::read(req.send().await.unwrap()).await;
                let d = r.error(StatusCode::BAD_REQUEST);
                assert!(
                    d.contains("no body"),
                    "{method} {content_type:?} {body:?}: {d}"
                );
            }
        }
    }
    assert_eq!(emu.store().count().unwrap(), 2);
    emu.shutdown().await;
}

/// Found by the conformance run: the document types `expires_at` (and every
/// other request field) as a string or array, never null. An absent field is
/// how to ask for no expiration on create; no update can remove one.
#[tokio::test]
async fn null_fields_are_400_on_create_and_update() {
    let emu = start().await;
    let admin = admin(&emu);
    let perms = json!([{"access": "read", "resource": "datasets"}]);
    let d = create(
        &emu,
        &admin,
        json!({"name": "k", "permissions": perms, "expires_at": null}),
    )
    .await
    .error(StatusCode::BAD_REQUEST);
    assert!(d.contains("\"expires_at\" is null"), "{d}");
    assert!(d.contains("leave the field out"), "{d}");
    for body in [
        json!({"name": null, "permissions": perms}),
        json!({"name": "k", "permissions": null}),
    ] {
        let d = create(&emu, &admin, body.clone())
            .await
            .error(StatusCode::BAD_REQUEST);
        assert!(d.contains("is null"), "{body}: {d}");
    }
    assert_eq!(emu.store().count().unwrap(), 1, "nothing was created");

    // Leaving the field out is how to ask for no expiration.
    let r = create(&emu, &admin, json!({"name": "k", "permissions": perms})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let created = r.json();
    assert!(created["expires_at"].is_null());
    let path = format!("{TOKENS}/{}", created["id"].as_str().unwrap());
    let with_expiry = send(
        &emu,
        Method::PUT,
        &path,
        Some(&admin),
        Some(json!({"expires_at": "2099-01-31"})),
    )
    .await;
    assert_eq!(with_expiry.status, 200);

    for body in [
        json!({"expires_at": null}),
        json!({"name": "renamed", "expires_at": null}),
        json!({"name": null}),
        json!({"permissions": null, "name": "renamed"}),
    ] {
        let d = send(&emu, Method::PUT, &path, Some(&admin), Some(body.clone()))
            .await
            .error(StatusCode::BAD_REQUEST);
        assert!(d.contains("is null"), "{body}: {d}");
        if body.get("expires_at").is_some() {
            assert!(d.contains("cannot be removed"), "{d}");
        }
    }
    let got = send(&emu, Method::GET, &path, Some(&admin), None)
        .await
        .json();
    assert_eq!(got["record"]["name"], "k", "no rejected update applied");
    assert_eq!(got["record"]["expires_at"], "2099-01-31T00:00:00Z");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_key_may_revoke_itself() {
    let emu = start().await;
    let (id, secret) = emu
        .store()
        .insert_key("self", &[("write", "access_tokens")], None)
        .unwrap();
    let r = on_key(&emu, Method::DELETE, &id, &secret, None).await;
    assert_eq!(r.status, 200);
    send(&emu, Method::GET, "/whoami", Some(&secret), None)
        .await
        .error(StatusCode::UNAUTHORIZED);
    emu.shutdown().await;
}

#[tokio::test]
async fn invalid_requests_are_400_with_a_sentence() {
    let emu = start().await;
    let admin = admin(&emu);
    let p = |a: &str, r: &str| json!({"access": a, "resource": r});
    let many: Vec<Value> = (0..513).map(|i| p("read", &format!("r{i}"))).collect();
    let bad_creates = [
        json!({}),
        json!([]),
        json!("name"),
        json!({"name": 5}),
        json!({"name": ""}),
        json!({"name": "   "}),
        json!({"name": "x".repeat(129)}),
        json!({"name": "tab\there"}),
        json!({"name": "k", "permissions": {}}),
        json!({"name": "k", "permissions": ["read:datasets"]}),
        json!({"name": "k", "permissions": [{"access": "read"}]}),
        json!({"name": "k", "permissions": [{"resource": "datasets"}]}),
        json!({"name": "k", "permissions": [p("owner", "datasets")]}),
        json!({"name": "k", "permissions": [p("READ", "datasets")]}),
        json!({"name": "k", "permissions": [p("read", "")]}),
        json!({"name": "k", "permissions": many}),
        json!({"name": "k", "expires_at": "2020-01-01"}),
        json!({"name": "k", "expires_at": (Utc::now() - ChronoDuration::seconds(5)).to_rfc3339()}),
        json!({"name": "k", "expires_at": "next week"}),
        json!({"name": "k", "expires_at": 1_900_000_000}),
    ];
    for body in bad_creates {
        let r = create(&emu, &admin, body.clone()).await;
        let d = r.error(StatusCode::BAD_REQUEST);
        assert!(
            d.len() > 20 && d.starts_with(char::is_uppercase),
            "{}: {d}",
            body.to_string().chars().take(200).collect::<String>()
        );
    }
    // Unparseable JSON.
    let r = post_raw(&emu, &admin, Some("application/json"), "{\"name\": ").await;
    assert_eq!(r.status, 400);
    // Exactly 128 characters is fine, and is trimmed.
    let long = "y".repeat(128);
    let r = create(&emu, &admin, json!({"name": format!(" {long} ")})).await;
    assert_eq!(r.status, 200);
    let id = r.json()["id"].as_str().unwrap().to_owned();

    let path = format!("{TOKENS}/{id}");
    for body in [
        json!({}),
        json!({"expires_at": null}),
        json!({"irrelevant": 1}),
        json!({"name": ""}),
        json!({"expires_at": "1999-12-31"}),
    ] {
        let r = send(&emu, Method::PUT, &path, Some(&admin), Some(body.clone())).await;
        r.error(StatusCode::BAD_REQUEST);
    }
    let r = send(&emu, Method::PUT, &path, Some(&admin), Some(json!({}))).await;
    assert!(r.error(StatusCode::BAD_REQUEST).contains("Empty update"));
    // Nothing was changed by the rejected requests.
    assert_eq!(emu.store().count().unwrap(), 2);
    let k = emu.store().get(id.parse().unwrap()).unwrap().unwrap();
    assert_eq!(k.name, long);
    emu.shutdown().await;
}

#[tokio::test]
async fn unknown_resources_and_wire_levels_round_trip() {
    let emu = start().await;
    let admin = admin(&emu);
    let perms = json!([
        {"access": "revise", "resource": "datasets"},
        {"access": "admin", "resource": "datasets"},
        {"access": "create", "resource": "uploads"},
        {"access": "read", "resource": "uploads"},
        {"access": "write", "resource": "data-planes"},
        {"access": "admin", "resource": "encryption_materials"},
    ]);
    let r = create(&emu, &admin, json!({"name": "odd", "permissions": perms})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let want = json!([
        {"access": "write", "resource": "data-planes"},
        {"access": "admin", "resource": "datasets"},
        {"access": "revise", "resource": "datasets"},
        {"access": "admin", "resource": "encryption_materials"},
        {"access": "create", "resource": "uploads"},
        {"access": "read", "resource": "uploads"},
    ]);
    assert_eq!(r.json()["permissions"], want);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let got = on_key(&emu, Method::GET, &id, &admin, None).await;
    assert_eq!(got.json()["record"]["permissions"], want);
    emu.shutdown().await;
}

#[tokio::test]
async fn every_error_is_json() {
    let emu = start().await;
    let admin = admin(&emu);

    send(&emu, Method::GET, "/no/such/route", Some(&admin), None)
        .await
        .error(StatusCode::NOT_FOUND);
    send(&emu, Method::GET, "/no/such/route", None, None)
        .await
        .error(StatusCode::NOT_FOUND);
    let d = send(&emu, Method::PATCH, TOKENS, Some(&admin), None)
        .await
        .error(StatusCode::METHOD_NOT_ALLOWED);
    assert!(d.contains("PATCH"), "{d}");
    send(&emu, Method::POST, "/whoami", Some(&admin), None)
        .await
        .error(StatusCode::METHOD_NOT_ALLOWED);

    // Body over 64 KiB.
    let big = json!({"name": "x", "pad": "a".repeat(70 * 1024)});
    create(&emu, &admin, big)
        .await
        .error(StatusCode::PAYLOAD_TOO_LARGE);
    // Chunked (no Content-Length) and too large.
    let raw = raw_chunked_post(&emu, &admin, 80).await;
    assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
    assert!(raw.contains("content-type: application/json"), "{raw}");
    assert!(raw.contains("\"error_description\""), "{raw}");

    // Too large is found before the content type is looked at.
    let r = reqwest::Client::new()
        .post(format!("{}{TOKENS}", emu.url()))
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body("x".repeat(70 * 1024))
        .send()
        .await
        .unwrap();
    Reply::read(r).await.error(StatusCode::PAYLOAD_TOO_LARGE);

    // A body with a missing or wrong content type.
    let body = "{\"name\": \"x\"}";
    post_raw(&emu, &admin, None, body)
        .await
        .error(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    post_raw(&emu, &admin, Some("text/plain"), body)
        .await
        .error(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // JSON with a charset parameter is fine.
    let r = post_raw(&emu, &admin, Some("application/json; charset=utf-8"), body).await;
    assert_eq!(r.status, 200);
    assert_eq!(emu.store().count().unwrap(), 2);
    emu.shutdown().await;
}

/// Posts `kib` KiB of JSON whitespace with chunked encoding over a raw socket
/// and returns the raw response.
async fn raw_chunked_post(emu: &RunningEmulator, key: &str, kib: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let head = format!(
        "POST {TOKENS} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {key}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("400\r\n{}\r\n", " ".repeat(1024));
    for _ in 0..kib {
        if s.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn latency_is_added() {
    let emu = Emulator::builder()
        .latency(Duration::from_millis(150))
        .start()
        .await
        .unwrap();
    let admin = admin(&emu);
    let t = Instant::now();
    let r = send(&emu, Method::GET, "/whoami", Some(&admin), None).await;
    assert_eq!(r.status, 200);
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
    // Not for CORS preflights.
    let t = Instant::now();
    let r = preflight(&emu).await;
    assert_eq!(r.status(), 200);
    assert!(
        t.elapsed() < Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
    emu.shutdown().await;
}

async fn preflight(emu: &RunningEmulator) -> reqwest::Response {
    reqwest::Client::new()
        .request(Method::OPTIONS, format!("{}{TOKENS}", emu.url()))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn cors_preflight_is_answered_without_auth() {
    let emu = start().await;
    let r = preflight(&emu).await;
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    assert!(h.contains_key("access-control-allow-methods"));
    assert!(h.contains_key("access-control-allow-headers"));
    // Actual responses expose Retry-After to pages.
    let r = reqwest::Client::new()
        .get(format!("{}/whoami", emu.url()))
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(exposed.contains("retry-after"), "{exposed}");
    emu.shutdown().await;
}

#[tokio::test]
async fn with_every_request_faulted_nothing_half_applies() {
    let emu = Emulator::builder()
        .faults(FaultConfig {
            rate: 1.0,
            retry_after_secs: 0,
            slow: Duration::from_millis(50),
            seed: Some(1),
            ..FaultConfig::default()
        })
        .start()
        .await
        .unwrap();
    let admin = admin(&emu);
    let before = emu.store().list_keys().unwrap();
    let client = reqwest::Client::new();
    let (mut e500, mut e503, mut e429, mut slow_ok, mut dropped) = (0, 0, 0, 0, 0);
    let n = 40;
    for i in 0..n {
        let r = client
            .post(format!("{}{TOKENS}", emu.url()))
            .bearer_auth(&admin)
            .json(&json!({"name": format!("k{i}")}))
            .send()
            .await;
        match r {
            Err(_) => dropped += 1,
            Ok(r) => {
                let status = r.status();
                let headers = r.headers().clone();
                let text = r.text().await.unwrap();
                match status.as_u16() {
                    500 | 503 => {
                        Reply {
                            status,
                            headers,
                            text,
                        }
                        .error(status);
                        if status == 500 { e500 += 1 } else { e503 += 1 }
                    }
                    429 => {
                        assert_eq!(headers["retry-after"], "0");
                        Reply {
                            status,
                            headers,
                            text,
                        }
                        .error(status);
                        e429 += 1;
                    }
                    200 => slow_ok += 1,
                    other => panic!("unexpected {other}: {text}"),
                }
            }
        }
    }
    let stats = emu.fault_stats();
    assert_eq!(stats.total(), n);
    assert_eq!(stats.internal_error, e500);
    assert_eq!(stats.unavailable, e503);
    assert_eq!(stats.rate_limited, e429);
    assert_eq!(stats.slow, slow_ok);
    assert_eq!(stats.dropped, dropped);
    assert!(dropped > 0 && e500 > 0 && e429 > 0, "{stats:?}");
    // Only the slow answers (processed normally) created keys.
    let after = emu.store().list_keys().unwrap();
    assert_eq!(after.len() as u64, before.len() as u64 + slow_ok);
    assert_eq!(after[..before.len()], before[..]);
    // Preflights are never faulted.
    for _ in 0..10 {
        assert_eq!(preflight(&emu).await.status(), 200);
    }
    assert_eq!(emu.fault_stats().total(), n);
    emu.shutdown().await;
}

#[tokio::test]
async fn shutdown_releases_the_port() {
    let emu = start().await;
    let addr = emu.addr();
    // An idle keep-alive connection must not hold the server open.
    let client = reqwest::Client::new();
    client
        .get(format!("{}/whoami", emu.url()))
        .send()
        .await
        .unwrap();
    emu.shutdown().await;
    assert!(
        client
            .get(format!("http://{addr}/whoami"))
            .send()
            .await
            .is_err()
    );
    let again = Emulator::builder().listen(addr).start().await.unwrap();
    again.shutdown().await;
}

#[tokio::test]
async fn single_level_resources_take_either_level_and_spellings_are_kept() {
    let emu = start().await;
    let admin = admin(&emu);
    let p = |a: &str, r: &str| json!({"access": a, "resource": r});
    // The documentation lists one level for these six without saying which:
    // the emulator, like the SDK, treats its reading as guidance, not a wall.
    for resource in [
        "encryption_materials",
        "app_events",
        "profile_store_data",
        "users",
        "model_training",
        "attributes",
    ] {
        for access in ["read", "write"] {
            let r = create(
                &emu,
                &admin,
                json!({"name": "one", "permissions": [p(access, resource)]}),
            )
            .await;
            assert_eq!(r.status, 200, "{access}:{resource}: {}", r.text);
            assert_eq!(r.json()["permissions"], json!([p(access, resource)]));
        }
    }
    // A spelling is stored and answered exactly as sent.
    for resource in ["data-planes", "data_planes", "Data-Planes"] {
        let r = create(
            &emu,
            &admin,
            json!({"name": "dp", "permissions": [p("read", resource)]}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json()["permissions"][0]["resource"], resource);
    }
    emu.shutdown().await;
}
