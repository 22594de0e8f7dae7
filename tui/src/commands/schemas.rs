//! The JSON Schema of each command's `--json` document, and of the error
//! document, generated from the types the commands serialise: checked in
//! under `docs/src/reference/schemas/` by `cargo xtask docs`, and every real
//! output validated against them (`tests/json_schemas.rs`).

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value};

use super::{apply, audit, auth, catalog, clone, create, incident, revoke, rotate, show};
use super::{update, whoami};
use crate::output::KeyJson;

/// One document: the file name's stem (`rotate`), what it is, and its schema.
#[derive(Debug)]
pub struct DocumentSchema {
    /// The command it is printed by, as the schema file is named:
    /// `rotate`, `auth-status`, `error`.
    pub name: &'static str,
    /// The schema, ready to print.
    pub schema: Value,
}

/// A document that is one of `variants`, each a schema of `generator`'s.
fn document(
    name: &'static str,
    description: &str,
    generator: SchemaGenerator,
    variants: Vec<Schema>,
) -> DocumentSchema {
    let mut generator = generator;
    let mut root = Map::new();
    root.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    root.insert(
        "title".into(),
        format!("narrative-keys {name} --json").into(),
    );
    root.insert("description".into(), description.into());
    let mut variants: Vec<Value> = variants.into_iter().map(Value::from).collect();
    match (variants.len(), variants.first_mut()) {
        // One type: its schema (or the reference to it) is the document's.
        (1, Some(Value::Object(only))) => root.append(only),
        _ => {
            root.insert("anyOf".into(), Value::Array(variants));
        }
    }
    let definitions = generator.take_definitions(true);
    if !definitions.is_empty() {
        root.insert("$defs".into(), Value::Object(definitions));
    }
    let mut schema = Value::Object(root);
    close_objects(&mut schema, false);
    DocumentSchema { name, schema }
}

/// Every object schema with `properties` refuses other properties: the
/// shapes are a promise, and a field added without its type fails the
/// check of real outputs. Schemas combined by `allOf` are left open, as
/// each holds only part of the object.
fn close_objects(value: &mut Value, in_all_of: bool) {
    match value {
        Value::Object(map) => {
            if !in_all_of
                && map.contains_key("properties")
                && !map.contains_key("additionalProperties")
                && !["allOf", "anyOf", "oneOf"]
                    .iter()
                    .any(|k| map.contains_key(*k))
            {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (key, child) in map.iter_mut() {
                close_objects(child, key == "allOf");
            }
        }
        Value::Array(items) => {
            for item in items {
                close_objects(item, in_all_of);
            }
        }
        _ => {}
    }
}

fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
}

/// One document of one type.
fn one<T: JsonSchema>(name: &'static str, description: &str) -> DocumentSchema {
    let mut g = generator();
    let schema = g.subschema_for::<T>();
    document(name, description, g, vec![schema])
}

/// A document that is one of two types (a run's, and its dry run's).
fn either<A: JsonSchema, B: JsonSchema>(name: &'static str, description: &str) -> DocumentSchema {
    let mut g = generator();
    let variants = vec![g.subschema_for::<A>(), g.subschema_for::<B>()];
    document(name, description, g, variants)
}

/// Every document's schema, in the order of `narrative-keys --help`.
pub fn json_schemas() -> Vec<DocumentSchema> {
    vec![
        one::<Vec<KeyJson>>("list", "The keys."),
        one::<show::ShowJson>("show", "One key, what it allows, and its findings."),
        either::<create::CreatedJson, create::CreateDryRunJson>(
            "create",
            "The key created and where its secret went; or, with --dry-run, the key that would be created.",
        ),
        one::<update::UpdateJson>(
            "update",
            "The key and what changed (with --dry-run, as it is now and what would change).",
        ),
        either::<revoke::RevokeJson, revoke::RevokeDryRunJson>(
            "revoke",
            "Each key's outcome; or, with --dry-run, the keys that would be revoked.",
        ),
        either::<rotate::RotationJson, rotate::RotateDryRunJson>(
            "rotate",
            "The old and the new key and what became of the old one; or, with --dry-run, what would happen.",
        ),
        either::<clone::CloneJson, create::CreateDryRunJson>(
            "clone",
            "The source key, the new key and where its secret went; or, with --dry-run, the key that would be created.",
        ),
        either::<incident::IncidentJson, narrative_keys::incident::IncidentPlan>(
            "incident",
            "The replacements' secrets (or where they went) and the report; or, with --dry-run, the plan.",
        ),
        one::<audit::AuditJson>("audit", "The findings, and their counts by severity."),
        one::<narrative_keys::keys_as_code::Plan>(
            "plan",
            "What apply would do to make the account match the keys file.",
        ),
        one::<apply::ApplyJson>("apply", "The plan, and what each of its steps did."),
        one::<narrative_keys::Explanation>("explain", "What the permissions allow, in words."),
        one::<Vec<catalog::CatalogJson>>("catalog", "Every resource of the permission catalog."),
        one::<Vec<narrative_keys::preset::PresetInfo>>("presets", "The use-case presets."),
        one::<whoami::WhoamiJson>(
            "whoami",
            "Who the credentials belong to, and where the key and the environment came from.",
        ),
        one::<auth::StatusJson>(
            "auth-status",
            "The credentials commands use now, and every profile; never a key.",
        ),
        one::<Vec<auth::ProfileJson>>("auth-list", "The profiles."),
        one::<crate::error::ErrorDocument>(
            "error",
            "A failure with --json: one document on one line, the last line of stderr.",
        ),
    ]
}
