//! `listKeys`' answer: the one that grows to hundreds of kilobytes, so it
//! takes the shortest road to a JavaScript value.
//!
//! When the server's JSON already reads as the package would write it
//! (each key's permissions in the set's order without repeats, instants
//! written as [`written_instant`] writes them), the server's own text goes
//! to JavaScript, which parses it once and keeps the four fields under
//! their camelCase names (`core.js`, `listed`): no decoding into keys and
//! writing them out again. Otherwise the SDK decodes the keys and
//! [`keys_to_json`] writes them. Both roads give the same value (tests
//! here and in `tests/client.test.mjs` hold them equal), and the check
//! reads the body as strictly as the SDK's decoder, which gives the error
//! when it does not pass.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use narrative_keys::client::decode;
use narrative_keys::instant::parse_rfc3339;
use narrative_keys::json_object::{self, Object};
use narrative_keys::{ApiKey, Permission};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use crate::error::ErrorInfo;

/// The task result of `listKeys` for a successful listing:
/// `{"listed":<the server's body>}` when the body passes, else the keys
/// written out (an array).
pub fn answer(status: u16, body: Vec<u8>) -> Result<String, ErrorInfo> {
    if !reads_as_written(&body) {
        return Ok(keys_to_json(&decode::list(status, &body)?));
    }
    // serde_json checked every string as UTF-8; outside them it takes ASCII only.
    match String::from_utf8(body) {
        Ok(text) => {
            let mut out = String::with_capacity(text.len() + 12);
            out.push_str("{\"listed\":");
            out.push_str(&text);
            out.push('}');
            Ok(out)
        }
        Err(e) => Ok(keys_to_json(&decode::list(status, e.as_bytes())?)),
    }
}

/// An instant as the package writes it: RFC 3339 in UTC with `Z`, and as
/// many fractional digits (0, 3, 6 or 9) as it needs.
pub fn written_instant(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Whether `body` is a listing the SDK's decoder accepts, and whose every
/// key [`keys_to_json`] would write with the same values.
fn reads_as_written(body: &[u8]) -> bool {
    // As the SDK reads: one copy of serde_json's reader in the package. Read
    // from objects only (`json_object`): serde's derived readers also take an
    // array of the field values, which JavaScript would find no fields in.
    json_object::from_slice::<Listing>(body).is_ok_and(|l| l.records.0)
}

/// `ListResponse` as the SDK reads it (`records` required, other fields ignored).
#[derive(Deserialize)]
struct Listing {
    records: AllAsWritten,
}

/// `wire::Key` as the SDK reads it, keeping only whether it reads as written.
#[derive(Deserialize)]
struct ListedKey {
    #[allow(dead_code)] // read for its type, as the SDK reads it
    id: AnyString,
    #[allow(dead_code)]
    name: AnyString,
    permissions: InSetOrder,
    #[serde(default)]
    expires_at: Option<InstantAsWritten>,
}

/// A JSON array of keys: `true` when every key reads as written.
struct AllAsWritten(bool);

impl<'de> Deserialize<'de> for AllAsWritten {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = AllAsWritten;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of keys")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AllAsWritten, A::Error> {
                let mut all = true;
                while let Some(Object(key)) = seq.next_element::<Object<ListedKey>>()? {
                    all &= key.permissions.0 && key.expires_at.is_none_or(|e| e.0);
                }
                Ok(AllAsWritten(all))
            }
        }
        d.deserialize_seq(Keys)
    }
}

/// Any JSON string, not kept.
struct AnyString;

impl<'de> Deserialize<'de> for AnyString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = AnyString;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<AnyString, E> {
                Ok(AnyString)
            }
        }
        d.deserialize_str(Text)
    }
}

/// A JSON array of permissions: `true` when each comes after the one
/// before in the set's order, so the set keeps them all, in this order.
struct InSetOrder(bool);

impl<'de> Deserialize<'de> for InSetOrder {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Permissions;
        impl<'de> Visitor<'de> for Permissions {
            type Value = InSetOrder;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of permissions")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<InSetOrder, A::Error> {
                let mut in_order = true;
                let mut previous: Option<Permission> = None;
                while let Some(Object(p)) = seq.next_element::<Object<Permission>>()? {
                    in_order &= previous.is_none_or(|q| q < p);
                    previous = Some(p);
                }
                Ok(InSetOrder(in_order))
            }
        }
        d.deserialize_seq(Permissions)
    }
}

/// An RFC 3339 instant (refused otherwise, as the SDK refuses it): `true`
/// when written exactly as [`written_instant`] writes it.
struct InstantAsWritten(bool);

impl<'de> Deserialize<'de> for InstantAsWritten {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Instant;
        impl Visitor<'_> for Instant {
            type Value = InstantAsWritten;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an RFC 3339 instant")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<InstantAsWritten, E> {
                let at = parse_rfc3339(v).ok_or_else(|| E::custom("not an RFC 3339 instant"))?;
                Ok(InstantAsWritten(written_instant(&at) == v))
            }
        }
        d.deserialize_str(Instant)
    }
}

/// `listKeys`' answer, written out directly: the bytes [`to_json`] writes
/// for the same keys (a test holds them equal), in a third of the time. It
/// is the one answer that grows to hundreds of kilobytes, and serde's
/// general path, at the package's size-first optimisation level, was half
/// the time `listKeys` spent in WebAssembly.
pub fn keys_to_json(keys: &[ApiKey]) -> String {
    // Each literal carries the quotes around the strings next to it, so a
    // key is a dozen appends rather than thirty.
    let mut out = String::with_capacity(keys.len() * 192 + 2);
    out.push('[');
    for (i, key) in keys.iter().enumerate() {
        out.push_str(if i > 0 { ",{\"id\":\"" } else { "{\"id\":\"" });
        push_escaped(&mut out, &key.id);
        out.push_str("\",\"name\":\"");
        push_escaped(&mut out, &key.name);
        out.push_str("\",\"permissions\":[");
        for (j, p) in key.permissions.iter().enumerate() {
            out.push_str(if j > 0 {
                ",{\"access\":\""
            } else {
                "{\"access\":\""
            });
            push_escaped(&mut out, p.access.as_wire());
            out.push_str("\",\"resource\":\"");
            push_escaped(&mut out, p.resource.as_wire());
            out.push_str("\"}");
        }
        match key.expires_at {
            Some(at) => {
                out.push_str("],\"expiresAt\":\"");
                out.push_str(&written_instant(&at));
                out.push_str("\"}");
            }
            None => out.push_str("],\"expiresAt\":null}"),
        }
    }
    out.push(']');
    out
}

/// The inside of a JSON string literal, escaped as serde_json escapes.
fn push_escaped(out: &mut String, text: &str) {
    if !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let b = u32::from(c) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[b >> 4]));
                out.push(char::from(HEX[b & 0xf]));
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Timelike, Utc};
    use narrative_keys::{AccessLevel, ApiKey, Permission, PermissionSet, Resource};

    use super::*;
    use crate::outputs::to_json;

    #[test]
    fn the_key_list_writer_writes_what_serde_writes() {
        let key = |name: &str, permissions: Vec<Permission>, nanos: Option<u32>| ApiKey {
            id: format!("id-{name}"),
            name: name.to_owned(),
            permissions: PermissionSet::from_iter(permissions),
            expires_at: nanos.map(|n| {
                Utc.with_ymd_and_hms(2027, 1, 31, 12, 30, 5)
                    .unwrap()
                    .with_nanosecond(n)
                    .unwrap()
            }),
        };
        let read = |r: &str| Permission::new(AccessLevel::Read, Resource::new(r));
        let keys = vec![
            key("plain", vec![read("datasets")], Some(0)),
            key("no permissions, no expiry", vec![], None),
            key(
                "quotes \" back\\slash \n\r\t\u{8}\u{c}\u{1}\u{1f} ünï €",
                vec![
                    read("data-planes"),
                    Permission::new(
                        AccessLevel::Other("revise\"".into()),
                        Resource::new("new_thing"),
                    ),
                    Permission::new(AccessLevel::Write, Resource::new("jobs")),
                ],
                Some(123_000_000),
            ),
            key("micro", vec![read("jobs")], Some(123_456_000)),
            key("nano", vec![read("jobs")], Some(123_456_789)),
        ];
        assert_eq!(keys_to_json(&keys), to_json(&keys).unwrap());
        assert_eq!(keys_to_json(&[]), to_json(&Vec::<ApiKey>::new()).unwrap());
    }

    /// What `core.js` makes of `listKeys`' task result: `listed` read as it does.
    fn as_javascript_reads(result: &str) -> (&'static str, serde_json::Value) {
        let v: serde_json::Value = serde_json::from_str(result).unwrap();
        if let Some(listed) = v.get("listed") {
            let keys =
                listed["records"].as_array().unwrap().iter().map(|k| {
                    let permissions: Vec<_> = k["permissions"].as_array().unwrap().iter().map(|p| {
                    serde_json::json!({ "access": p["access"], "resource": p["resource"] })
                }).collect();
                    serde_json::json!({
                        "id": k["id"], "name": k["name"], "permissions": permissions,
                        "expiresAt": k.get("expires_at").cloned().unwrap_or_default(),
                    })
                });
            return ("listed", keys.collect());
        }
        ("written", v)
    }

    /// The road `body` takes, after checking it gives the written value.
    fn road(body: &str) -> &'static str {
        let written = keys_to_json(&decode::list(200, body.as_bytes()).unwrap());
        let written: serde_json::Value = serde_json::from_str(&written).unwrap();
        let (road, value) = as_javascript_reads(&answer(200, body.as_bytes().to_vec()).unwrap());
        assert_eq!(value, written, "{body}");
        road
    }

    fn listing(key: &str) -> String {
        format!(
            r#"{{"records":[{{"id":"a","name":"first","permissions":[],"expires_at":null}},{key}]}}"#
        )
    }

    #[test]
    fn a_body_that_reads_as_written_goes_to_javascript_as_it_came() {
        let key = r#"{"expires_at":"2027-01-31T12:30:05.400498Z","id":"b","name":"quote \" \u00e9 \n",
            "permissions":[{"access":"Read","resource":"data-planes"},{"resource":"datasets","access":"read","extra":1},
            {"access":"write","resource":"datasets"},{"access":"revise","resource":"zz_new"}],"created":{"by":[1,2]}}"#;
        assert_eq!(road(&listing(key)), "listed");
        assert_eq!(road(r#"{"records":[],"next":null}"#), "listed");
        assert_eq!(
            road(&listing(r#"{"id":"b","name":"n","permissions":[]}"#)),
            "listed"
        );
        // Names with escapes are the same names.
        let escaped =
            r#"{"i\u0064":"b","name":"n","permissions":[{"\u0061ccess":"read","resource":"x"}]}"#;
        assert_eq!(road(&listing(escaped)), "listed");
        for at in [
            "2016-12-31T23:59:60Z",
            "9999-12-31T23:59:59.123456789Z",
            "2027-01-01T00:00:00.100Z",
        ] {
            let key = format!(r#"{{"id":"b","name":"n","permissions":[],"expires_at":"{at}"}}"#);
            road(&listing(&key));
        }
        assert_eq!(
            road(&listing(
                r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-01-31T12:30:05Z"}"#
            )),
            "listed"
        );
    }

    #[test]
    fn a_body_the_sdk_would_change_is_decoded_and_written() {
        for key in [
            // Out of the set's order, and repeated: the set sorts and drops repeats.
            r#"{"id":"b","name":"n","permissions":[{"access":"read","resource":"jobs"},{"access":"read","resource":"datasets"}]}"#,
            r#"{"id":"b","name":"n","permissions":[{"access":"read","resource":"jobs"},{"access":"read","resource":"jobs"}]}"#,
            // Instants the package writes otherwise.
            r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-01-31T12:30:05.000Z"}"#,
            r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-01-31T14:30:05+02:00"}"#,
            r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-01-31t12:30:05z"}"#,
            r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-01-01T00:00:00+00:00"}"#,
            r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-01-01T05:30:00+05:30"}"#,
            r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-01-01 00:00:00Z"}"#,
            r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-01-01T00:00:00.100000Z"}"#,
        ] {
            assert_eq!(road(&listing(key)), "written", "{key}");
        }
    }

    #[test]
    fn a_body_the_sdk_refuses_gives_its_error() {
        for body in [
            listing(r#"{"id":5,"name":"n","permissions":[]}"#),
            listing(r#"{"id":"b","name":"n","permissions":[],"expires_at":"tomorrow"}"#),
            // Found by a trial against a server of its own: none is an instant.
            listing(r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-01-01T00:00:00"}"#),
            listing(r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-01-01"}"#),
            listing(
                r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-02-30T00:00:00Z"}"#,
            ),
            listing(
                r#"{"id":"b","name":"n","permissions":[],"expires_at":"+10000-01-01T00:00:00Z"}"#,
            ),
            listing(
                r#"{"id":"b","name":"n","permissions":[],"expires_at":"-0001-01-01T00:00:00Z"}"#,
            ),
            listing(r#"{"id":"b","name":"n","permissions":[],"expires_at":""}"#),
            listing(r#"{"id":"b","id":"c","name":"n","permissions":[]}"#),
            listing(r#"{"id":"b","name":"n"}"#),
            listing(r#"{"id":"b","name":"n","permissions":[{"access":"read"}]}"#),
            listing(
                r#"{"id":"b","name":"n","permissions":[{"access":"read","access":"write","resource":"x"}]}"#,
            ),
            listing(r#"{"id":"b","name":"n","permissions":[{"access":"read","resource":7}]}"#),
            listing(
                r#"{"id":"b","name":"n","permissions":[],"expires_at":"2027-01-31T12:30:05Z","expires_at":null}"#,
            ),
            r#"{"next":null}"#.to_owned(),
            r#"{"records":[]} trailing"#.to_owned(),
            r#"{"records":[],"records":[]}"#.to_owned(),
            // The body, its keys and their permissions are read from
            // objects only (`json_object`), not from arrays of field values.
            r#"[[{"id":"b","name":"n","permissions":[]}]]"#.to_owned(),
            listing(r#"["b","n",[],null]"#),
            listing(r#"{"id":"b","name":"n","permissions":[["read","datasets"]]}"#),
        ] {
            let sdk = ErrorInfo::from(decode::list(200, body.as_bytes()).unwrap_err());
            let ours = answer(200, body.clone().into_bytes()).unwrap_err();
            assert_eq!(to_json(&ours).unwrap(), to_json(&sdk).unwrap(), "{body}");
        }
        let not_utf8 = b"{\"records\":[{\"id\":\"\xff\"}]}".to_vec();
        let sdk = ErrorInfo::from(decode::list(200, &not_utf8).unwrap_err());
        let ours = answer(200, not_utf8).unwrap_err();
        assert_eq!(to_json(&ours).unwrap(), to_json(&sdk).unwrap());
    }

    #[test]
    fn the_permission_order_checked_is_the_sets_order() {
        let texts = [
            "datasets",
            "data-planes",
            "data_planes",
            "Datasets",
            "jobs",
            "zz",
        ];
        let levels = ["read", "write", "admin", "Read", "revise", "zzz", ""];
        let mut all = Vec::new();
        for r in texts {
            for a in levels {
                all.push((r, a));
            }
        }
        for &(r1, a1) in &all {
            for &(r2, a2) in &all {
                let body = format!(
                    r#"{{"records":[{{"id":"b","name":"n","permissions":[{{"access":"{a1}","resource":"{r1}"}},{{"access":"{a2}","resource":"{r2}"}}]}}]}}"#
                );
                let set_keeps_order =
                    Permission::new(AccessLevel::from_wire(a1), Resource::new(r1))
                        < Permission::new(AccessLevel::from_wire(a2), Resource::new(r2));
                assert_eq!(reads_as_written(body.as_bytes()), set_keeps_order, "{body}");
            }
        }
    }
}
