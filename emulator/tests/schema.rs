//! Responses validated against the schemas of the contract's OpenAPI document.
//!
//! The document is read by `tests/contract/openapi.rs`, shared with the SDK's
//! request test; without it these tests fail and say where they looked.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use narrative_keys_emulator::Emulator;
use serde_json::{Value, json};

#[path = "../../tests/contract/openapi.rs"]
mod contract;
use contract::assert_valid as check;

#[tokio::test]
async fn responses_match_the_contract() {
    let doc = contract::document();
    let emu = Emulator::builder().start().await.unwrap();
    let admin = emu.admin_key().unwrap().to_owned();
    let client = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", emu.url());

    let whoami: Value = client
        .get(url("/whoami"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check(&doc, "WhoamiResponse", &whoami);

    let request = json!({
        "name": "schema check",
        "permissions": [{"access": "read", "resource": "datasets"}, {"access": "revise", "resource": "uploads"}],
        "expires_at": "2099-12-31T23:59:59.5Z",
    });
    let created: Value = client
        .post(url("/access-tokens/tokens"))
        .bearer_auth(&admin)
        .json(&request)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check(&doc, "tokens_AccessToken", &created);
    let id = created["id"].as_str().unwrap();

    let got: Value = client
        .get(url(&format!("/access-tokens/tokens/{id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check(&doc, "get_response", &got);

    // The bootstrap key never expires and is sent with `"expires_at": null`,
    // which the document's `type: string` does not allow (a documented
    // deviation); keys with an expiration match the list schema exactly.
    let list: Value = client
        .get(url("/access-tokens/tokens"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    let updated: Value = client
        .put(url(&format!("/access-tokens/tokens/{id}")))
        .bearer_auth(&admin)
        .json(&update)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check(&doc, "AccessTokenWithoutCredentials", &updated);

    let err: Value = client
        .get(url("/access-tokens/tokens"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check(&doc, "Error", &err);
    emu.shutdown().await;
}
