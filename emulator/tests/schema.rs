//! Responses validated against the schemas of the contract's OpenAPI document.
//!
//! The document is read by the test kit's `contract` module, shared with the
//! SDK's request test; without it these tests fail and say where they looked.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use narrative_keys_emulator::{Emulator, RunningEmulator};
use reqwest::Method;
use serde_json::{Value, json};

use narrative_keys_testkit::contract;
use narrative_keys_testkit::contract::assert_valid as check;

const TOKENS: &str = "/access-tokens/tokens";

/// The JSON answer to one request, authenticated with `key` if given.
async fn call(
    emu: &RunningEmulator,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<&Value>,
) -> Value {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", emu.url()));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    req.send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn responses_match_the_contract() {
    let doc = contract::document();
    let emu = Emulator::builder().start().await.unwrap();
    let admin = emu.admin_key().unwrap().to_owned();
    let admin = Some(admin.as_str());

    let whoami = call(&emu, Method::GET, "/whoami", admin, None).await;
    check(&doc, "WhoamiResponse", &whoami);

    let request = json!({
        "name": "schema check",
        "permissions": [{"access": "read", "resource": "datasets"}, {"access": "revise", "resource": "uploads"}],
        "expires_at": "2099-12-31T23:59:59.5Z",
    });
    let created = call(&emu, Method::POST, TOKENS, admin, Some(&request)).await;
    check(&doc, "tokens_AccessToken", &created);
    let id = created["id"].as_str().unwrap();

    let one = format!("{TOKENS}/{id}");
    let got = call(&emu, Method::GET, &one, admin, None).await;
    check(&doc, "get_response", &got);

    // The bootstrap key never expires and is sent with `"expires_at": null`,
    // which the document's `type: string` does not allow: the one deviation,
    // which the contract's README documents (a missing or null value means
    // "never expires") and the conformance run's hooks allow in the same one
    // place. Keys with an expiration match the list schema exactly.
    let list = call(&emu, Method::GET, TOKENS, admin, None).await;
    let expiring: Vec<Value> = list["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| !k["expires_at"].is_null())
        .cloned()
        .collect();
    assert_eq!(expiring.len(), 1);
    check(&doc, "response", &json!({ "records": expiring }));

    let update = json!({"name": "renamed"});
    let updated = call(&emu, Method::PUT, &one, admin, Some(&update)).await;
    check(&doc, "AccessTokenWithoutCredentials", &updated);

    let err = call(&emu, Method::GET, TOKENS, None, None).await;
    check(&doc, "Error", &err);
    // What the conformance run found refused, refused with the Error body.
    let null_expiry = json!({"name": "n", "expires_at": null});
    let err = call(&emu, Method::POST, TOKENS, admin, Some(&null_expiry)).await;
    check(&doc, "Error", &err);
    let err = call(&emu, Method::PUT, &one, admin, Some(&null_expiry)).await;
    check(&doc, "Error", &err);
    let err = call(
        &emu,
        Method::GET,
        &format!("{TOKENS}/not-a-uuid"),
        admin,
        None,
    )
    .await;
    check(&doc, "Error", &err);
    emu.shutdown().await;
}
