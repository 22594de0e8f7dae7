//! Malformed requests get the contract's error body with the right status,
//! and leave the store exactly as it was.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use serde_json::{Value, json};

const ADMIN: &str = "malformed-admin";

#[tokio::test]
async fn malformed_requests_change_nothing() {
    let emu = narrative_keys_testkit::emulator(ADMIN).await;
    let (id, _) = emu
        .store()
        .insert_key("victim", &[("read", "datasets")], None)
        .unwrap();
    let before = emu.store().list_keys().unwrap();
    let http = reqwest::Client::new();
    let tokens = format!("{}/access-tokens/tokens", emu.url());
    let one = format!("{tokens}/{id}");
    let many_permissions: Vec<Value> = (0..10_000)
        .map(|i| json!({"access": "read", "resource": format!("r{i}")}))
        .collect();
    let few_but_too_many: Vec<Value> = (0..600)
        .map(|i| json!({"access": "read", "resource": format!("r{i}")}))
        .collect();

    type Case = (
        reqwest::Method,
        String,
        Option<&'static str>,
        Option<String>,
        Option<&'static str>,
        u16,
    );
    let cases: Vec<Case> = vec![
        (
            reqwest::Method::POST,
            tokens.clone(),
            Some(ADMIN),
            Some("{not json".into()),
            Some("application/json"),
            400,
        ),
        (
            reqwest::Method::POST,
            tokens.clone(),
            Some(ADMIN),
            Some(r#"{"name": 5}"#.into()),
            Some("application/json"),
            400,
        ),
        (
            reqwest::Method::POST,
            tokens.clone(),
            Some(ADMIN),
            Some(r#"{"name":"x"}"#.into()),
            Some("text/plain"),
            415,
        ),
        (
            reqwest::Method::POST,
            tokens.clone(),
            Some(ADMIN),
            Some(json!({"name": "n".repeat(1 << 20)}).to_string()),
            Some("application/json"),
            413,
        ),
        (
            reqwest::Method::POST,
            tokens.clone(),
            Some(ADMIN),
            Some(json!({"name": "n", "permissions": many_permissions}).to_string()),
            Some("application/json"),
            413,
        ),
        (
            reqwest::Method::POST,
            tokens.clone(),
            Some(ADMIN),
            Some(json!({"name": "n", "permissions": few_but_too_many}).to_string()),
            Some("application/json"),
            400,
        ),
        (
            reqwest::Method::POST,
            tokens.clone(),
            Some(ADMIN),
            Some(json!({"name": "n".repeat(129)}).to_string()),
            Some("application/json"),
            400,
        ),
        (
            reqwest::Method::PUT,
            one.clone(),
            Some(ADMIN),
            Some("[]".into()),
            Some("application/json"),
            400,
        ),
        (
            reqwest::Method::PUT,
            one.clone(),
            Some(ADMIN),
            Some("{}".into()),
            Some("application/json"),
            400,
        ),
        (
            reqwest::Method::PUT,
            one.clone(),
            Some(ADMIN),
            Some(r#"{"expires_at":"yesterday"}"#.into()),
            Some("application/json"),
            400,
        ),
        (
            reqwest::Method::PUT,
            one.clone(),
            Some(ADMIN),
            Some(r#"{"expires_at":null}"#.into()),
            Some("application/json"),
            400,
        ),
        (
            reqwest::Method::POST,
            tokens.clone(),
            Some(ADMIN),
            Some(r#"{"name":"n","expires_at":null}"#.into()),
            Some("application/json"),
            400,
        ),
        (
            reqwest::Method::POST,
            tokens.clone(),
            Some(ADMIN),
            None,
            None,
            400,
        ),
        (
            reqwest::Method::PUT,
            one.clone(),
            Some(ADMIN),
            None,
            None,
            400,
        ),
        // An id that is not a UUID names no key.
        (
            reqwest::Method::DELETE,
            format!("{tokens}/not-a-uuid"),
            Some(ADMIN),
            None,
            None,
            404,
        ),
        (
            reqwest::Method::DELETE,
            format!("{tokens}/{id}%00"),
            Some(ADMIN),
            None,
            None,
            404,
        ),
        (reqwest::Method::DELETE, one.clone(), None, None, None, 401),
        (
            reqwest::Method::DELETE,
            one.clone(),
            Some("wrong"),
            None,
            None,
            401,
        ),
    ];
    for (method, url, key, body, content_type, status) in cases {
        let mut req = http.request(method.clone(), &url);
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        if let Some(b) = body {
            req = req.body(b);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(
            resp.status().as_u16(),
            status,
            "{method} {}",
            &url[..url.len().min(90)]
        );
        let body: Value = resp.json().await.unwrap();
        assert!(
            body["error"].is_string()
                && body["error_description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
            "{body}"
        );
    }
    for header in [
        "Basic abc",
        "Bearer",
        "Bearer  ",
        "bearer",
        "Token x",
        "Bearer a b",
        "Bearer \u{7f}",
    ] {
        let resp = http
            .delete(&one)
            .header("authorization", header)
            .send()
            .await;
        let Ok(resp) = resp else { continue }; // a header HTTP cannot carry never leaves the client
        assert_eq!(resp.status(), 401, "{header:?}");
    }
    assert_eq!(
        emu.store().list_keys().unwrap(),
        before,
        "the store is unchanged"
    );
    emu.shutdown().await;
}
