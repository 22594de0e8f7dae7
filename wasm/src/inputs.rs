//! What JavaScript passes in: camelCase objects made JSON by the wrapper
//! (`Date`s become ISO-8601 strings there), read into the SDK's types.

use chrono::{DateTime, Utc};
use narrative_keys as sdk;
use narrative_keys::{AccessLevel, KeyStatus, Permission, Resource};
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use tsify::Tsify;

use crate::error::ErrorInfo;

#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_INPUTS: &str = r#"
/** A stable machine-readable error code (`internal` is a bug in the package: please report it). */
export type ErrorCode = "invalid_input" | "unauthorized" | "forbidden" | "not_found" | "rate_limited" | "server" | "network" | "decode" | "internal";
/** An instant: an ISO-8601 string or a `Date`. */
export type DateInput = string | Date;
/** A permission object, or its compact form `"read:datasets"`. */
export type PermissionInput = Permission | `${string}:${string}`;
/**
 * When a new key stops working: a span from now (`"30d"`, `"12w"`, `"36h"`, `"1y"`),
 * a date (`"2027-01-31"`, midnight UTC), an ISO-8601 instant, a `Date`,
 * or `"never"` for no expiration (allowed, but reported as a warning).
 * Left out, a new key expires in 90 days.
 */
export type ExpirationInput = string | Date;
/** The use-case presets of Narrative's documentation. */
export type PresetName = "read-only-analytics" | "data-ingestion" | "workflow-automation" | "connector-delivery" | "sdk-development";
"#;

/// A number of milliseconds from an option named `name`: finite, and more
/// than zero unless `zero_ok`.
pub fn millis(name: &str, ms: f64, zero_ok: bool) -> Result<std::time::Duration, ErrorInfo> {
    let least = if zero_ok {
        "zero or more"
    } else {
        "more than zero"
    };
    let bad = || ErrorInfo::invalid(format!("{name} must be a number of milliseconds, {least}"));
    // Not `Duration::try_from_secs_f64`, whose float arithmetic costs the
    // package more than this check.
    if !ms.is_finite() || ms < 0.0 || (ms == 0.0 && !zero_ok) {
        return Err(bad());
    }
    // A float-to-integer cast saturates: more than 584 million years is that.
    Ok(std::time::Duration::from_millis(ms.ceil() as u64))
}

/// Reads an argument the wrapper encoded with `JSON.stringify`; a value of
/// the wrong shape, or an option the call does not have, is `invalid_input`
/// in a sentence about the field (see [`decode_error`]).
pub fn from_json<T: for<'de> Deserialize<'de>>(json: &str, what: &str) -> Result<T, ErrorInfo> {
    // As the SDK decodes responses: one reader type, one copy of serde_json's code.
    narrative_keys::json_object::from_slice(json.as_bytes())
        .map_err(|e| ErrorInfo::invalid(decode_error(json, &e, what)))
}

/// A sentence for a serde error: the option that does not exist (with the
/// one most likely meant), the field that is missing, or the field of the
/// wrong type and what it takes. Never a value: a misplaced API key or header
/// value would otherwise come back in the error.
pub fn decode_error(json: &str, e: &narrative_keys::json_reader::Error, what: &str) -> String {
    let message = e.to_string();
    // serde's words, then the names in backticks: "unknown field `expires`,
    // expected one of `name`, `permissions`, ..." or "missing field `name`".
    let mut parts = message.split('`');
    let words = parts.next().unwrap_or_default();
    let name = parts.next().unwrap_or_default();
    // A name the caller wrote is shown only when it is short and printable.
    let name = if (1..=64).contains(&name.len()) && !name.contains(char::is_control) {
        name
    } else {
        "…"
    };
    let mut out = format!("{what}: `");
    if words == "unknown field " {
        out.push_str(name);
        out.push_str("` is not an option");
        // The options: names the package chose.
        let options = parts.skip(1).step_by(2);
        match sdk::suggest::did_you_mean(name, options.clone()) {
            Some(meant) => {
                out.push_str("; did you mean `");
                out.push_str(meant);
                out.push_str("`?");
            }
            None => {
                out.push_str(" (the options are");
                for (i, option) in options.enumerate() {
                    out.push_str(if i == 0 { " " } else { ", " });
                    out.push_str(option);
                }
                out.push(')');
            }
        }
        return out;
    }
    if words == "missing field " {
        out.push_str(name);
        out.push_str("` is required");
        return out;
    }
    let path = narrative_keys::json_path::of_error(json.as_bytes(), e);
    // The option at the top of the argument (`[0].permissions[2]` → `permissions`).
    let start = path
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(path.len());
    let field = path[start..].split(['.', '[']).next().unwrap_or_default();
    if field.is_empty() {
        return format!("{what}: an argument has the wrong type");
    }
    out.push_str(field);
    out.push_str(&what_is_wrong(&message, field));
    out
}

/// After "`field": what is wrong with its value, from the reader's `message`.
fn what_is_wrong(message: &str, field: &str) -> String {
    // What JSON.stringify writes and the reader refuses, though of the right
    // type: a lone UTF-16 surrogate (`'\uD800'`), a number beyond 1.7e308.
    if message.contains("surrogate") || message.contains("hex escape") {
        "` holds half of a UTF-16 surrogate pair (\\uD800 to \\uDFFF) alone; remove it".into()
    } else if message.starts_with("number out of range") {
        "` is too large a number".into()
    } else {
        format!("` must be {}", takes(field))
    }
}

/// What an option takes, in words.
fn takes(field: &str) -> &'static str {
    const TAKES: [(&str, &str); 9] = [
        (
            "expiresAt replacementExpiresAt",
            "an ISO date, a Date, a span such as '90d', or 'never'",
        ),
        ("now", "an ISO date or a Date"),
        (
            "permissions holding",
            "an array of 'read:datasets' or { access, resource }",
        ),
        ("resources ids statuses", "an array of strings"),
        ("allowUnknown keepOld dryRun replace", "true or false"),
        ("concurrency retries", "a whole number, 0 or more"),
        ("timeoutMs soonDays farFutureDays broadShare", "a number"),
        ("headers", "an object of strings"),
        (
            "name preset nameMatches note apiKey environment id access resource",
            "a string",
        ),
    ];
    TAKES
        .iter()
        .find(|(names, _)| names.split(' ').any(|n| n == field))
        .map_or("of another type", |(_, takes)| takes)
}

/// An instant from an ISO-8601 string (a bare date is midnight UTC).
pub fn instant(value: Option<&str>, what: &str) -> Result<Option<DateTime<Utc>>, ErrorInfo> {
    let Some(text) = value.map(str::trim) else {
        return Ok(None);
    };
    if let Some(at) = narrative_keys::instant::parse_rfc3339(text) {
        return Ok(Some(at));
    }
    if let Some(at) = narrative_keys::instant::parse_date(text).and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        return Ok(Some(at.and_utc()));
    }
    Err(ErrorInfo::invalid(format!(
        "{what}: `{text}` is not an ISO-8601 instant such as 2027-01-31T12:00:00Z"
    )))
}

pub fn now_or(now: Option<&str>) -> Result<DateTime<Utc>, ErrorInfo> {
    Ok(instant(now, "now")?.unwrap_or_else(Utc::now))
}

/// An expiration: absent or `null` is never; otherwise any text
/// `Expiration::parse` reads (`30d`, `2027-01-31`, an instant, `never`).
/// (A new key's `expiresAt` is read by [`NewKeyInput::check`]: absent is the
/// default lifetime there.)
pub fn expiration(
    value: Option<&str>,
    what: &str,
    now: DateTime<Utc>,
) -> Result<sdk::Expiration, ErrorInfo> {
    let Some(text) = value else {
        return Ok(sdk::Expiration::Never);
    };
    sdk::Expiration::parse(text, now)
        .map_err(|e| ErrorInfo::problem(sdk::Field::Expiration, format!("{what}: {e}")))
}

/// A number of days, 0 or more.
pub fn days(d: Option<f64>, what: &str) -> Result<Option<chrono::Duration>, ErrorInfo> {
    match d {
        None => Ok(None),
        Some(d) if d.is_finite() && d >= 0.0 => Ok(Some(chrono::Duration::milliseconds(
            (d * 86_400_000.0) as i64,
        ))),
        Some(_) => Err(ErrorInfo::invalid(format!(
            "{what} must be a number of days, 0 or more"
        ))),
    }
}

/// `{ access, resource }`, or the compact `"read:datasets"`.
#[derive(Debug, Clone)]
pub enum PermissionInput {
    Compact(String),
    Object { access: String, resource: String },
}

/// Read by hand rather than as serde's `untagged` enum, which buffers the
/// value to try each variant in turn: that buffering was 4 KB of the
/// package's code. Fields other than `access` and `resource` are ignored;
/// anything else is refused as one wrong type, whatever was wrong with it.
impl<'de> Deserialize<'de> for PermissionInput {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Input;
        impl<'de> Visitor<'de> for Input {
            type Value = PermissionInput;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("'read:datasets' or { access, resource }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PermissionInput, E> {
                Ok(PermissionInput::Compact(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PermissionInput, A::Error> {
                let (mut access, mut resource) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "access" => access = Some(map.next_value()?),
                        "resource" => resource = Some(map.next_value()?),
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                match (access, resource) {
                    (Some(access), Some(resource)) => {
                        Ok(PermissionInput::Object { access, resource })
                    }
                    _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
                }
            }
        }
        d.deserialize_any(Input)
    }
}

impl PermissionInput {
    pub fn parse(&self) -> Result<Permission, ErrorInfo> {
        match self {
            PermissionInput::Compact(s) => s
                .parse::<Permission>()
                .map_err(|e| ErrorInfo::problem(sdk::Field::Permissions, e.to_string())),
            PermissionInput::Object { access, resource } => Ok(Permission::new(
                AccessLevel::from_input(access),
                Resource::from_input(resource),
            )),
        }
    }
}

pub fn permission_set(list: &[PermissionInput]) -> Result<sdk::PermissionSet, ErrorInfo> {
    list.iter().map(PermissionInput::parse).collect()
}

/// `invalid_input` for typed permissions the catalog does not know, unless
/// `allow_unknown`.
pub fn check_typed(permissions: &[sdk::Permission], allow_unknown: bool) -> Result<(), ErrorInfo> {
    let report = sdk::validation::check_typed(permissions);
    if allow_unknown || !report.has_errors() {
        return Ok(());
    }
    Err(ErrorInfo::from_report(&report))
}

/// `Some(None)` for an explicit `null`, `None` for a field left out.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// The client's options, as the JavaScript object holds them. No `Debug`:
/// they hold the API key.
#[derive(Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClientOptions {
    /// Your API key. In Node it defaults to `NARRATIVE_API_KEY`. Never embed one in a web page's source.
    #[tsify(optional)]
    pub api_key: Option<String>,
    /// `"prod"` (default), `"dev"`, or an absolute `https://` base URL; plain
    /// `http://` only to this machine (`localhost`, `127.0.0.0/8`, `[::1]`),
    /// such as a local emulator. Anything else is refused before a request.
    /// In Node it defaults to `NARRATIVE_ENVIRONMENT`.
    #[tsify(optional, type = "\"prod\" | \"dev\" | (string & {})")]
    pub environment: Option<String>,
    /// Headers sent with every request. (The wrapper passes them on as
    /// `[name, value]` pairs.)
    #[tsify(optional, type = "Record<string, string>")]
    pub headers: Option<Vec<(String, String)>>,
    /// The limit for each attempt of a request, in milliseconds (default 30000). An attempt that
    /// times out is not retried, so a server that never answers fails a call after about this long.
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
    /// Retries of reads, updates and revocations on 429, 500, 502-504 and dropped connections
    /// (default 3; 0 turns them off). Creating a key is retried only on 429, when the server
    /// provably did nothing.
    #[tsify(optional)]
    pub retries: Option<u32>,
}

/// A key given to a pure function: only `permissions` is required, and
/// `expiresAt` may be a `Date`. Every `ApiKey` is one.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct KeyInput {
    #[serde(default)]
    #[tsify(optional)]
    pub id: Option<String>,
    #[serde(default)]
    #[tsify(optional)]
    pub name: Option<String>,
    pub permissions: Vec<PermissionInput>,
    /// Also read as `expires_at`, as `narrative-keys list --json` writes
    /// it: left unread, an expired key would be audited as never expiring.
    #[serde(default, alias = "expires_at")]
    #[tsify(optional, type = "DateInput | null")]
    pub expires_at: Option<String>,
}

impl KeyInput {
    pub fn to_sdk(&self) -> Result<sdk::ApiKey, ErrorInfo> {
        Ok(sdk::ApiKey {
            id: self.id.clone().unwrap_or_default(),
            name: self.name.clone().unwrap_or_default(),
            permissions: permission_set(&self.permissions)?,
            expires_at: instant(self.expires_at.as_deref(), "expiresAt")?,
        })
    }
}

/// A preset by name; unknown names are `invalid_input`, listing the five.
pub fn preset(name: &str) -> Result<sdk::Preset, ErrorInfo> {
    name.parse::<sdk::Preset>()
        .map_err(|e| ErrorInfo::problem(sdk::Field::Permissions, e.to_string()))
}

/// A new key: a name, permissions (listed, from a preset, or both), and an expiration.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewKeyInput {
    /// What the key is for; 1 to 128 printable characters.
    pub name: String,
    #[serde(default)]
    #[tsify(optional)]
    pub permissions: Option<Vec<PermissionInput>>,
    /// Adds the preset's permissions to `permissions`.
    #[serde(default)]
    #[tsify(optional, type = "PresetName")]
    pub preset: Option<String>,
    /// For the `sdk-development` preset: the resources your application uses.
    #[serde(default)]
    #[tsify(optional)]
    pub resources: Option<Vec<String>>,
    /// Omit it for the default: the key expires in 90 days. `'never'` for a
    /// key that never expires: allowed, but reported as a warning.
    #[serde(default, deserialize_with = "present")]
    #[tsify(optional, type = "ExpirationInput")]
    pub expires_at: Option<Option<String>>,
    /// Send permissions the catalog does not know (a resource the platform
    /// added since, a wire-only level such as `admin`) as written, with a
    /// warning. Without it they are refused as typos, with a suggestion.
    #[serde(default)]
    #[tsify(optional)]
    pub allow_unknown: Option<bool>,
}

impl NewKeyInput {
    /// Every problem at once: those of the inputs' text (a malformed
    /// permission or expiration) and those the SDK's validation finds.
    pub fn check(&self, now: DateTime<Utc>) -> (Option<sdk::NewKey>, Vec<sdk::Problem>) {
        let mut problems = Vec::new();
        let mut builder = sdk::NewKey::builder(self.name.clone())
            .allow_unknown(self.allow_unknown.unwrap_or(false));
        for p in self.permissions.iter().flatten() {
            match p.parse() {
                Ok(p) => builder = builder.permission(p),
                Err(e) => problems.extend(e.problems.unwrap_or_default()),
            }
        }
        match self.preset.as_deref().map(preset) {
            Some(Ok(preset)) => {
                let resources: Vec<Resource> = self
                    .resources
                    .iter()
                    .flatten()
                    .map(|r| Resource::from_input(r))
                    .collect();
                builder = builder.preset(preset, &resources);
            }
            Some(Err(e)) => problems.extend(e.problems.unwrap_or_default()),
            None => {}
        }
        match &self.expires_at {
            // Left out: the SDK's default lifetime.
            None => {}
            Some(None) => problems.push(sdk::Problem {
                field: sdk::Field::Expiration,
                severity: sdk::Severity::Error,
                message: "expiresAt: null is not an expiration: pass 'never' for none, \
                          or leave expiresAt out for 90 days"
                    .to_owned(),
            }),
            Some(Some(text)) => match expiration(Some(text), "expiresAt", now) {
                Ok(e) => builder = builder.expires(e),
                Err(e) => problems.extend(e.problems.unwrap_or_default()),
            },
        }
        let (key, found) = match builder.build_at(now) {
            Ok(key) => {
                let warnings = key.warnings().problems.clone();
                (Some(key), warnings)
            }
            Err(report) => (None, report.problems),
        };
        problems.extend(found);
        (key, problems)
    }
}

/// A change to a key; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct KeyChanges {
    #[tsify(optional)]
    pub name: Option<String>,
    /// The complete new set: it replaces the key's permissions.
    #[tsify(optional)]
    pub permissions: Option<Vec<PermissionInput>>,
    /// A new expiration (the API cannot remove one).
    #[tsify(optional, type = "string | Date")]
    pub expires_at: Option<String>,
    /// Add permissions the catalog does not know; those the key already
    /// holds are kept without it.
    #[tsify(optional)]
    pub allow_unknown: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct StatusOptions {
    /// The clock to judge against (default: now).
    #[tsify(optional, type = "DateInput")]
    pub now: Option<String>,
    /// How near an expiration counts as "expiring soon" (default 14 days).
    #[tsify(optional)]
    pub soon_days: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AuditOptions {
    #[tsify(optional, type = "DateInput")]
    pub now: Option<String>,
    /// "Expiring soon" threshold (default 14 days).
    #[tsify(optional)]
    pub soon_days: Option<f64>,
    /// Expirations further away than this are called out (default 365 days).
    #[tsify(optional)]
    pub far_future_days: Option<f64>,
    /// A key holding permissions on at least this share of the catalog is called broad (default 0.5).
    #[tsify(optional)]
    pub broad_share: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RevokeOptions {
    /// Requests in flight at once (default 8).
    #[tsify(optional)]
    pub concurrency: Option<u32>,
    /// How long, in milliseconds from the start, further passes over keys that failed with a
    /// temporary error (429, 5xx, a dropped connection) may begin (default 60000; 0 for none).
    #[tsify(optional)]
    pub deadline_ms: Option<f64>,
}

impl RevokeOptions {
    pub fn deadline(&self) -> Result<std::time::Duration, ErrorInfo> {
        revoke_deadline("deadlineMs", self.deadline_ms)
    }
}

fn revoke_deadline(name: &str, ms: Option<f64>) -> Result<std::time::Duration, ErrorInfo> {
    ms.map_or(Ok(sdk::revoke::DEFAULT_DEADLINE), |ms| {
        millis(name, ms, true)
    })
}

#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct RotateOptions {
    /// The successor's expiration (default 90 days from now). Not read by `retireOldKey`.
    #[tsify(optional, type = "string | Date")]
    pub expires_at: Option<String>,
    /// The successor's name (default the old key's name, without a retiring
    /// mark). Not read by `retireOldKey`.
    #[tsify(optional)]
    pub name: Option<String>,
    /// Leave the old key working; revoke it yourself later.
    #[tsify(optional)]
    pub keep_old: Option<bool>,
    /// Zero-downtime rotation: the old key keeps working this long after the
    /// successor's secret is in your hands (`'24h'`, `'7d'`, `'2w'`, `'1mo'`),
    /// then expires; never later than its own expiration. It is renamed
    /// `NAME (retiring …)` in the same update. Not with `keepOld`.
    #[tsify(optional)]
    pub overlap: Option<String>,
}

/// Which keys an incident affects: the listed ids, plus every key matching
/// all the filters given (if any).
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct IncidentSelection {
    #[tsify(optional)]
    pub ids: Option<Vec<String>>,
    /// A glob on the name: `*` any run, `?` one character; ASCII letters match either case.
    #[tsify(optional)]
    pub name_matches: Option<String>,
    /// Keys holding every one of these permissions.
    #[tsify(optional)]
    pub holding: Option<Vec<PermissionInput>>,
    /// Keys in any of these states.
    #[tsify(optional)]
    pub statuses: Option<Vec<KeyStatus>>,
    /// Match `holding` permissions the catalog does not know instead of
    /// refusing them as typos.
    #[tsify(optional)]
    pub allow_unknown: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct IncidentOptions {
    /// Only plan: revoke nothing (default false).
    #[tsify(optional)]
    pub dry_run: Option<bool>,
    /// Create a replacement with the same permissions for each revoked key (default false).
    #[tsify(optional)]
    pub replace: Option<bool>,
    /// With `replace`, replace keys that had already expired too (default
    /// false: they are revoked, not replaced).
    #[tsify(optional)]
    pub include_expired: Option<bool>,
    #[tsify(optional)]
    pub concurrency: Option<u32>,
    /// How long, in milliseconds, the revocation keeps trying keys that failed with a temporary
    /// error (default 60000; 0 for one try each), as `revokeKeys`' `deadlineMs`.
    #[tsify(optional)]
    pub revoke_deadline_ms: Option<f64>,
    /// Expiration of replacements (default 90 days from now).
    #[tsify(optional, type = "string | Date")]
    pub replacement_expires_at: Option<String>,
    /// What happened, who noticed: goes into the report.
    #[tsify(optional)]
    pub note: Option<String>,
}

impl IncidentOptions {
    pub fn revoke_deadline(&self) -> Result<std::time::Duration, ErrorInfo> {
        revoke_deadline("revokeDeadlineMs", self.revoke_deadline_ms)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{IncidentOptions, NewKeyInput, PermissionInput, RevokeOptions, from_json, millis};

    #[test]
    fn a_permission_is_compact_text_or_access_and_resource() {
        let read = |json: &str| from_json::<Vec<PermissionInput>>(json, "explain");
        let list =
            read(r#"["read:datasets",{"resource":"views","access":"write","note":[1]}]"#).unwrap();
        assert!(matches!(&list[0], PermissionInput::Compact(s) if s == "read:datasets"));
        assert!(matches!(&list[1],
            PermissionInput::Object { access, resource } if access == "write" && resource == "views"));
        assert_eq!(
            read(r#"[{"access":"read","resource":7}]"#)
                .unwrap_err()
                .message,
            "explain: `resource` must be a string"
        );
        for bad in [
            r#"[5]"#,
            r#"[null]"#,
            r#"[{"access":"read"}]"#,
            r#"[["read","datasets"]]"#,
        ] {
            assert_eq!(
                read(bad).unwrap_err().message,
                "explain: an argument has the wrong type",
                "{bad}"
            );
        }
        // Inside an option: the option is named, never the value.
        let e = from_json::<NewKeyInput>(
            r#"{"name":"ci","permissions":[{"access":"read","resource":"datasets"},{"access":"sk_live_1"}]}"#,
            "createKey",
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "createKey: `permissions` must be an array of 'read:datasets' or { access, resource }"
        );
    }

    #[test]
    fn milliseconds_are_checked() {
        assert_eq!(
            millis("timeoutMs", 1500.0, false).ok(),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(millis("deadlineMs", 0.0, true).ok(), Some(Duration::ZERO));
        for (ms, zero_ok) in [
            (0.0, false),
            (-1.0, true),
            (f64::NAN, true),
            (f64::INFINITY, true),
        ] {
            let err = millis("timeoutMs", ms, zero_ok).unwrap_err();
            assert_eq!(err.code, "invalid_input");
            assert!(
                err.message.starts_with("timeoutMs must be"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn revoke_deadlines_default_to_a_minute() {
        let read = |json: &str| from_json::<RevokeOptions>(json, "the options").unwrap();
        assert_eq!(read("{}").deadline().ok(), Some(Duration::from_secs(60)));
        assert_eq!(
            read(r#"{"deadlineMs":2500}"#).deadline().ok(),
            Some(Duration::from_millis(2500))
        );
        let err = read(r#"{"deadlineMs":-5}"#).deadline().unwrap_err();
        assert!(err.message.contains("deadlineMs"), "{}", err.message);
        let incident: IncidentOptions =
            from_json(r#"{"revokeDeadlineMs":0}"#, "the incident options").unwrap();
        assert_eq!(incident.revoke_deadline().ok(), Some(Duration::ZERO));
    }
}
