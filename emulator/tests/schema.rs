//! Responses validated against the schemas of the contract's OpenAPI document.
//!
//! The document lives outside the repository (`../shared/narrative-api/` beside
//! the checkout, or the path in `NARRATIVE_API_OPENAPI`); without it these tests
//! fail and say where they looked, rather than pass without checking anything.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::PathBuf;

use narrative_keys_emulator::Emulator;
use serde_json::{Value, json};

fn openapi() -> Value {
    let path = std::env::var_os("NARRATIVE_API_OPENAPI")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/narrative-api/access-tokens.openapi.json")
        });
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap(),
        Err(e) => panic!(
            "the OpenAPI contract is absent at {} ({e}): check out beside shared/ or set NARRATIVE_API_OPENAPI to its path",
            path.display()
        ),
    }
}

fn check(doc: &Value, schema: &str, instance: &Value) {
    let root = json!({
        "$ref": format!("#/components/schemas/{schema}"),
        "components": doc["components"],
    });
    let validator = jsonschema::validator_for(&root).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{schema}: {errors:?}\n{instance:#}");
}

#[tokio::test]
async fn responses_match_the_contract() {
    let doc = openapi();
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
