//! JSON Schemas of the types whose serde form is written by hand, for the
//! schemas of the command line's `--json` documents (the others derive
//! `schemars::JsonSchema` beside `Serialize`). Native only, as `schemars` is.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::access::AccessLevel;
use crate::key::KeyDiff;
use crate::resource::Resource;
use crate::rotate::OldKeyStops;

impl JsonSchema for AccessLevel {
    fn schema_name() -> Cow<'static, str> {
        "AccessLevel".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An access level: read or write, or another kept as the server sent it."
        })
    }
}

impl JsonSchema for Resource {
    fn schema_name() -> Cow<'static, str> {
        "Resource".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A resource as the server spells it, such as datasets."
        })
    }
}

impl JsonSchema for OldKeyStops {
    fn schema_name() -> Cow<'static, str> {
        "OldKeyStops".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "When the old key stops working: now (it was revoked), or the instant it expires.",
            "anyOf": [
                { "const": "now" },
                { "type": "string", "format": "date-time" }
            ]
        })
    }
}

impl JsonSchema for KeyDiff {
    fn schema_name() -> Cow<'static, str> {
        "KeyDiff".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let name = generator.subschema_for::<crate::key::Change<String>>();
        let expires =
            generator.subschema_for::<crate::key::Change<Option<chrono::DateTime<chrono::Utc>>>>();
        json_schema!({
            "description": "What an update changes: the permissions added and removed (read:datasets form), and the name and expiration when they change.",
            "type": "object",
            "properties": {
                "added": { "type": "array", "items": { "type": "string" } },
                "removed": { "type": "array", "items": { "type": "string" } },
                "name": name,
                "expires_at": expires
            },
            "required": ["added", "removed"]
        })
    }
}
