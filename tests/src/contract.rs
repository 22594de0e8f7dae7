//! The contract's OpenAPI document, for the tests of the SDK (requests) and
//! of the emulator (responses). It lives outside the repository
//! (`../shared/narrative-api/` beside the checkout, or the path in
//! `NARRATIVE_API_OPENAPI`); without it the tests fail and say where they
//! looked, rather than pass without checking anything.

use serde_json::{Value, json};

/// The whole document.
pub fn document() -> Value {
    let path = std::env::var_os("NARRATIVE_API_OPENAPI")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/narrative-api/access-tokens.openapi.json")
        });
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "the OpenAPI contract is absent at {} ({e}): check out beside shared/ or set NARRATIVE_API_OPENAPI to its path",
            path.display()
        )
    });
    serde_json::from_slice(&bytes).expect("the OpenAPI document is JSON")
}

/// Fails, listing every violation, unless `instance` is valid against the
/// document's schema `schema` (formats such as `date-time` included).
pub fn assert_valid(doc: &Value, schema: &str, instance: &Value) {
    let root = json!({
        "$ref": format!("#/components/schemas/{schema}"),
        "components": doc["components"],
    });
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| e.to_string())
        .collect();
    if !errors.is_empty() {
        // A create response's secret is not printed, even a test key's.
        let mut shown = instance.clone();
        if let Some(secret) = shown.get_mut("access_token") {
            *secret = json!("…");
        }
        panic!("{schema}: {errors:?}\n{shown:#}");
    }
}
