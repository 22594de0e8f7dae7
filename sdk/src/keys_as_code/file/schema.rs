//! The keys file's JSON Schema, made from the types it is read with
//! ([`super::RawFile`]), for editors that read a `#:schema` line.

use crate::preset::Preset;

/// A span as [`FileSpan::parse`] reads it.
const SPAN_PATTERN: &str = r"^\s*([0-9]+([sShHdDwWyY]|[mM][oO])|0)\s*$";

pub(super) fn span_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "pattern": SPAN_PATTERN,
        "examples": ["0s", "30s", "36h", "14d", "2w", "6mo", "1y"],
    })
}

pub(super) fn lifetime_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "anyOf": [{ "pattern": SPAN_PATTERN }, { "pattern": "^\\s*[Nn][Ee][Vv][Ee][Rr]\\s*$" }],
        "examples": ["90d", "6mo", "1y", "never"],
    })
}

pub(super) fn presets_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = Preset::ALL.iter().map(|p| p.name()).collect();
    schemars::json_schema!({
        "type": "array",
        "items": { "type": "string", "enum": names },
    })
}

/// The file's JSON Schema (draft 2020-12), for editors that read a
/// `#:schema` line (taplo, Even Better TOML): made from the types the file
/// is read with, so it cannot drift from them.
pub fn json_schema() -> String {
    // TOML has no null: a field left out takes its default, never `null`.
    let drop_null_default = |schema: &mut schemars::Schema| {
        if schema
            .get("default")
            .is_some_and(serde_json::Value::is_null)
        {
            schema.remove("default");
        }
    };
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .with_transform(schemars::transform::RecursiveTransform(drop_null_default))
        .into_generator()
        .into_root_schema_for::<super::RawFile>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
