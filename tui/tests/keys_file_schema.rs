//! The keys file's JSON Schema (`docs/narrative-keys.schema.json`), which
//! editors reading a `#:schema` line (taplo, Even Better TOML) complete and
//! check the file with: checked in as `narrative-keys schema` prints it, and
//! accepting the files the CLI accepts and refusing what it refuses.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::{Path, PathBuf};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn printed_schema() -> String {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("narrative-keys"))
        .arg("schema")
        .env_clear()
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_checked_in_schema_is_the_one_the_binary_prints() {
    let checked_in =
        std::fs::read_to_string(repo("docs/narrative-keys.schema.json")).unwrap_or_default();
    assert!(
        checked_in == printed_schema(),
        "docs/narrative-keys.schema.json is out of date with the keys file's types; regenerate it with:\n  cargo run -p narrative-keys-tui -- schema > docs/narrative-keys.schema.json"
    );
}

/// Problems the schema finds in `toml_text`, each as its JSON path.
fn problems(toml_text: &str) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(&printed_schema()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let value: toml::Value = toml::from_str(toml_text).unwrap();
    let instance = serde_json::to_value(value).unwrap();
    validator
        .iter_errors(&instance)
        .map(|e| format!("{} {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_schema_accepts_the_ci_example_and_an_imported_entry() {
    let example = std::fs::read_to_string(repo("examples/ci/narrative-keys.toml")).unwrap();
    assert_eq!(problems(&example), Vec::<String>::new());
    let imported = "#:schema ./narrative-keys.schema.json\n[[key]]\nname = \"ci-etl\"\nid = \"0b6f6f6e-2a39-4c4e-9d6c-2f1d3c7f8a10\"\npresets = [\"workflow-automation\"]\ngrant = [\"read:views\"]\nexpires = \"never\"\noverlap = \"0s\"\n";
    assert_eq!(problems(imported), Vec::<String>::new());
}

#[test]
fn the_schema_refuses_a_misspelled_field_an_unknown_preset_and_a_bad_span() {
    let found = problems(
        "[defaults]\noverlap = \"1 day\"\n\n[[key]]\nname = \"ci\"\npresets = [\"read-only\"]\nsecret_too = [\"gh secret set X\"]\n",
    );
    let joined = found.join("\n");
    assert!(joined.contains("/defaults/overlap"), "{joined}");
    assert!(joined.contains("/key/0/presets/0"), "{joined}");
    assert!(joined.contains("secret_too"), "{joined}");
    assert!(
        !problems("[[key]]\npresets = [\"data-ingestion\"]\n").is_empty(),
        "name is required"
    );
}

#[test]
fn the_ci_examples_schema_line_names_the_checked_in_schema() {
    let example = std::fs::read_to_string(repo("examples/ci/narrative-keys.toml")).unwrap();
    let first = example.lines().next().unwrap();
    let path = first.strip_prefix("#:schema ").unwrap();
    assert!(repo("examples/ci").join(path).is_file(), "{first}");
}
