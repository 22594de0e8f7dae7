//! What goes back to JavaScript: the SDK's own types wherever they serialise
//! as the package promises, and a few small shapes of the package's own.
//!
//! Everything is serialised as the SDK serialises for the CLI's `--json`,
//! except that [`CamelCaseKeys`] writes object keys in camelCase, so no type
//! is mirrored just to rename its fields. The
//! TypeScript side (`index.d.ts`) applies the same renaming to these `tsify`
//! declarations.

use narrative_keys as sdk;
use narrative_keys::{ApiKey, KeyStatus, Problem};
use serde::Serialize;
use tsify::Tsify;

use crate::error::ErrorInfo;

/// One resource of the permission catalog.
#[derive(Serialize, Tsify)]
pub struct CatalogEntry {
    /// The wire name, e.g. `data_streams`.
    pub resource: &'static str,
    /// The documentation's name, e.g. `DataStreams`.
    pub display_name: &'static str,
    #[tsify(
        type = "\"core_data\" | \"infrastructure\" | \"applications\" | \"identity_and_access\" | \"automation\" | \"schema_and_mapping\""
    )]
    /// The documentation's group the resource is listed under.
    pub group: &'static str,
    /// The group's heading, e.g. `Core Data`.
    pub group_title: &'static str,
    /// What the resource covers.
    pub covers: &'static str,
    /// Whether the catalog's reading lists `read` for this resource.
    pub read: bool,
    /// Whether the catalog's reading lists `write` for this resource.
    pub write: bool,
    /// `openapi`: the wire name appears in Narrative's OpenAPI document;
    /// `derived`: made from the display name, unconfirmed.
    #[tsify(type = "\"openapi\" | \"derived\"")]
    pub evidence: &'static str,
    /// The documentation lists one level without saying which: the other is
    /// allowed, with a warning (the API may refuse it).
    pub single_level: bool,
}

/// Everything a new key has wrong, errors and warnings together.
#[derive(Serialize, Tsify)]
pub struct ValidationReport {
    /// `true` when no problem is an error (warnings allowed).
    pub valid: bool,
    /// Every problem found, errors and warnings.
    pub problems: Vec<Problem>,
}

/// What a set of permissions allows, in plain words.
#[derive(Serialize, Tsify)]
pub struct Explanation<'a> {
    /// The whole set in one sentence.
    pub summary: &'a str,
    /// What each resource allows, grouped.
    pub sections: &'a [sdk::explain::Section],
    /// The summary and sections as plain text.
    pub text: String,
}

/// How revoking one key ended.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum RevokeResult {
    /// Revoked now.
    Revoked,
    /// The key did not exist (404): revoked already. Counts as revoked.
    AlreadyGone,
    /// Not revoked: the outcome's `error` says why.
    Failed,
}

// `RevokeOutcome`, `RevokeReport`, `Rotation` and `Retired` are declared by hand in
// `js/index.d.ts`: the wrapper turns their `error` into a `NarrativeKeysError`.
/// One key of a bulk revocation and how it ended.
#[derive(Serialize)]
pub struct RevokeOutcome {
    /// The key's id, as given.
    pub id: String,
    /// How it ended.
    pub result: RevokeResult,
    /// Set when `result` is `failed`.
    pub error: Option<ErrorInfo>,
}

/// A bulk revocation's outcomes.
#[derive(Serialize)]
pub struct RevokeReport {
    /// In the order the ids were given, duplicates removed.
    pub outcomes: Vec<RevokeOutcome>,
    /// `true` when every key is gone (revoked now, or already).
    pub all_revoked: bool,
}

/// What became of a rotation's old key.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum OldKeyOutcome {
    /// Revoked: it no longer works.
    Revoked,
    /// Kept working, as asked.
    Kept,
    /// It keeps working until `oldKeyStops`, then expires (`overlap`).
    Expires,
    /// The old key still works: revoke it again.
    RevokeFailed,
    /// Its expiration and retiring name could not be set: it still works. Set them again.
    ExpireFailed,
}

/// A rotation's result: the old key, its successor with the secret, and what
/// became of the old key.
#[derive(Serialize)]
pub struct Rotation<'a> {
    /// The old key, as it was before the rotation.
    pub old: &'a ApiKey,
    /// The successor and its secret, shown only now.
    pub new: sdk::ShownKey<'a>,
    /// What became of the old key.
    pub old_key: OldKeyOutcome,
    /// As [`Retired::old_key_stops`].
    pub old_key_stops: Option<sdk::OldKeyStops>,
    /// As [`Retired::error`].
    pub error: Option<ErrorInfo>,
    /// As [`Retired::complete`].
    pub complete: bool,
}

/// What became of a rotation's old key: `rotateKey`'s last fields, and the
/// whole result of `retireOldKey`.
#[derive(Serialize)]
pub struct Retired {
    /// What became of the old key.
    pub old_key: OldKeyOutcome,
    /// When the old key stops working: `"now"` (revoked), an instant
    /// (expires), or `None` when the rotation set no end (kept, or a failure).
    pub old_key_stops: Option<sdk::OldKeyStops>,
    /// Why the old key could not be revoked or given its expiration: it still works.
    pub error: Option<ErrorInfo>,
    /// `true` when the old key no longer works or was kept on purpose.
    pub complete: bool,
}

/// A rotation's first step (`createSuccessor`): the old key, untouched, and
/// its successor with the secret.
#[derive(Serialize, Tsify)]
pub struct Successor<'a> {
    /// The old key as it was read; it still works.
    pub old: &'a ApiKey,
    /// The successor and its secret, shown only now.
    pub new: sdk::ShownKey<'a>,
}

/// A key an incident will revoke, with its status when planned.
#[derive(Serialize, Tsify)]
pub struct PlannedKey<'a> {
    /// The key.
    pub key: &'a ApiKey,
    /// Its status at the plan's time.
    pub status: KeyStatus,
}

/// What the incident will do, or did: the plan, with a Markdown rendering.
#[derive(Serialize, Tsify)]
pub struct IncidentPlan<'a> {
    /// Serialised as every instant is (chrono's RFC 3339, `Z`).
    #[tsify(type = "string")]
    pub planned_at: chrono::DateTime<chrono::Utc>,
    /// The keys that will be revoked.
    pub keys: Vec<PlannedKey<'a>>,
    /// Ids asked for that no visible key has.
    pub missing_ids: &'a [String],
    /// Whether each revoked key gets a replacement.
    pub replace: bool,
    /// Ids of keys left alone that have a planned key's name and permissions.
    pub look_alikes: &'a [String],
    /// Ids of planned keys that had already expired: with `replace`, revoked
    /// but not replaced unless `replaceExpired` (`includeExpired: true`).
    pub expired: &'a [String],
    /// Whether keys already expired are replaced too.
    pub replace_expired: bool,
    /// The plan as Markdown ("Incident plan", "(dry run)" with `dryRun`).
    pub markdown: String,
}

/// The report for Narrative security, with a Markdown rendering. Holds no
/// secret. (Declared in TypeScript as the SDK's `IncidentReport` and `markdown`.)
#[derive(Serialize)]
pub struct MarkdownReport<'a> {
    /// The SDK's report, its fields at the top level.
    #[serde(flatten)]
    pub report: &'a sdk::incident::IncidentReport,
    /// The report as Markdown.
    pub markdown: String,
}

/// A replacement an incident made, with its secret.
#[derive(Serialize, Tsify)]
pub struct ReplacementSecret<'a> {
    /// The id of the revoked key this one replaces.
    pub replaces: &'a str,
    /// The new key and its secret: shown now only.
    pub created: sdk::ShownKey<'a>,
}

/// An incident's result: its plan, and unless a dry run, its report and the
/// replacements' secrets.
#[derive(Serialize, Tsify)]
pub struct IncidentResult<'a> {
    /// Whether nothing was sent (the plan only).
    pub dry_run: bool,
    /// What the incident planned.
    pub plan: IncidentPlan<'a>,
    /// `null` on a dry run.
    #[tsify(type = "(IncidentReport & { markdown: string }) | null")]
    pub report: Option<MarkdownReport<'a>>,
    /// The replacements and their secrets (none on a dry run).
    pub replacements: Vec<ReplacementSecret<'a>>,
}

/// Serialises a value for JavaScript, which reads it with `JSON.parse`,
/// object keys in camelCase.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, ErrorInfo> {
    let mut out = Vec::with_capacity(128);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, CamelCaseKeys::default());
    let written = value.serialize(&mut serializer);
    finish_json(out, written)
}

/// The part of [`to_json`] that does not depend on the type: one copy for
/// the eighteen types the package encodes, not eighteen.
#[inline(never)]
fn finish_json(out: Vec<u8>, written: Result<(), serde_json::Error>) -> Result<String, ErrorInfo> {
    written.map_err(|e| ErrorInfo::new("internal", format!("could not encode a value: {e}")))?;
    String::from_utf8(out)
        .map_err(|_| ErrorInfo::new("internal", "could not encode a value as UTF-8"))
}

/// serde_json's compact output, with each object key renamed from snake_case
/// to camelCase (`expires_at` → `expiresAt`) as it is written; values are
/// untouched. Renaming while writing needs no mirror type per shape and no
/// second pass over long lists.
#[derive(Default)]
pub struct CamelCaseKeys {
    in_key: bool,
}

impl serde_json::ser::Formatter for CamelCaseKeys {
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.in_key = true;
        if first {
            Ok(())
        } else {
            writer.write_all(b",")
        }
    }

    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.in_key = false;
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if !self.in_key || !fragment.contains('_') {
            return writer.write_all(fragment.as_bytes());
        }
        let mut parts = fragment.split('_');
        if let Some(first) = parts.next() {
            writer.write_all(first.as_bytes())?;
        }
        for part in parts {
            match part.as_bytes().first() {
                Some(b) if b.is_ascii_lowercase() => {
                    writer.write_all(&[b.to_ascii_uppercase()])?;
                    writer.write_all(&part.as_bytes()[1..])?;
                }
                // `y_2`, `a__b`, `z_`: nothing to capitalise, keep the underscore.
                _ => {
                    writer.write_all(b"_")?;
                    writer.write_all(part.as_bytes())?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::to_json;

    #[test]
    fn object_keys_are_camel_case_values_are_not() {
        let mut map = BTreeMap::new();
        map.insert("expires_at", serde_json::Value::Null);
        map.insert("status", "expiring_soon".into());
        map.insert("a_b_c", serde_json::json!([{"x_y": "q\"_r\":"}]));
        map.insert("y_2", 2.into());
        map.insert("z_", 3.into());
        map.insert("naïve_key", "é".into());
        assert_eq!(
            to_json(&map).unwrap(),
            r#"{"aBC":[{"xY":"q\"_r\":"}],"expiresAt":null,"naïveKey":"é","status":"expiring_soon","y_2":2,"z_":3}"#
        );
    }
}
