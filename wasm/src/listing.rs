//! `listKeys`' answer: the one that grows to hundreds of kilobytes, so it
//! takes the shortest road to a JavaScript value.
//!
//! When the server's JSON already reads as the package would write it
//! (each key's permissions in the set's order without repeats, instants
//! written as [`written_instant`] writes them), the server's own text goes
//! to JavaScript, which parses it once and keeps the four fields under
//! their camelCase names (`core.js`, `keys`): no decoding into keys and
//! writing them out again. Otherwise the SDK decodes the keys and
//! [`keys_to_json`] writes them. Both roads give the same value (tests
//! here and in `tests/client.test.mjs` hold them equal). The check
//! (`listing_check`) is a byte scanner that says yes only when sure; the
//! SDK's decoder reads whatever it is not sure of, and gives the error.

use chrono::{DateTime, SecondsFormat, Utc};
use narrative_keys::ApiKey;
use narrative_keys::client::decode;

use crate::error::ErrorInfo;
use crate::listing_check::reads_as_written;

/// The task result of `listKeys` for a successful listing: the server's
/// body itself (an object) when it passes, else the keys written out (an
/// array). The body is passed on without a copy.
pub fn answer(status: u16, body: Vec<u8>) -> Result<String, ErrorInfo> {
    match String::from_utf8(body) {
        Ok(text) if reads_as_written(&text) => Ok(text),
        Ok(text) => Ok(keys_to_json(&decode::list(status, text.as_bytes())?)),
        Err(e) => Ok(keys_to_json(&decode::list(status, e.as_bytes())?)),
    }
}

/// An instant as the package writes it: RFC 3339 in UTC with `Z`, and as
/// many fractional digits (0, 3, 6 or 9) as it needs.
pub fn written_instant(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
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

    /// What `core.js` makes of `listKeys`' task result: the server's object read as it does.
    fn as_javascript_reads(result: &str) -> (&'static str, serde_json::Value) {
        let v: serde_json::Value = serde_json::from_str(result).unwrap();
        if let Some(listed) = v.as_object() {
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
        // Names with escapes are the same names, which the check leaves to
        // the SDK's decoder (it is not sure of an escaped name): same value.
        let escaped =
            r#"{"i\u0064":"b","name":"n","permissions":[{"\u0061ccess":"read","resource":"x"}]}"#;
        assert_eq!(road(&listing(escaped)), "written");
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
                assert_eq!(reads_as_written(&body), set_keeps_order, "{body}");
            }
        }
    }

    /// A listing as the API and the emulator send it, with a little of
    /// everything the check reads: escapes, `null`, an ignored field
    /// holding every kind of value, whitespace.
    const REALISTIC: &str = r#"{"records":[{"expires_at":"2027-03-06T11:05:14Z","id":"d8e0ca7c-760f-4d6d-a496-d5ccd72c7569","name":"bench key 1","permissions":[{"access":"write","resource":"data_streams"},{"access":"read","resource":"datasets"}]},
 {"expires_at":null,"id":"c1f16722","name":"admin \u00e9 \"q\"","permissions":[{"access":"read","resource":"access_tokens"}]},
 {"id":"b","name":"n","permissions":[],"expires_at":"2023-10-31T11:19:13.400498Z","note":{"a":[1,-2.5e3,true,false,null,"x"]}}],"next":null}"#;

    /// When the check says yes to `body`, the SDK reads it and JavaScript's
    /// value is the written one. Whether it said yes.
    fn agrees(body: &[u8]) -> bool {
        // Not UTF-8: `answer` hands it to the SDK without asking the check.
        let Ok(text) = std::str::from_utf8(body) else {
            return false;
        };
        if !reads_as_written(text) {
            return false;
        }
        let keys = decode::list(200, body).unwrap_or_else(|e| panic!("{e}: {text}"));
        let written: serde_json::Value = serde_json::from_str(&keys_to_json(&keys)).unwrap();
        let (road, value) = as_javascript_reads(&answer(200, body.to_vec()).unwrap());
        assert_eq!((road, value), ("listed", written), "{text}");
        true
    }

    #[test]
    fn a_listing_mutated_anywhere_passes_only_when_both_roads_agree() {
        assert!(agrees(REALISTIC.as_bytes()));
        let bytes = REALISTIC.as_bytes();
        let pieces: [&[u8]; 14] = [
            b"\"", b"\\", b",", b"}", b"]", b"{", b"[", b"0", b"-", b".", b"e", b" ", b"\x01",
            b"\xff",
        ];
        let (mut tried, mut passed) = (0, 0);
        for at in 0..bytes.len() {
            let mut bodies = vec![[&bytes[..at], &bytes[at + 1..]].concat()];
            for piece in pieces {
                bodies.push([&bytes[..at], piece, &bytes[at..]].concat());
                bodies.push([&bytes[..at], piece, &bytes[at + 1..]].concat());
            }
            for body in bodies {
                tried += 1;
                passed += usize::from(agrees(&body));
            }
        }
        // Changes inside names and ids, spaces between tokens, digits in the
        // ignored numbers still pass; most others break the JSON or the listing.
        assert!(passed > 1000 && passed < tried / 2, "{passed} of {tried}");
    }

    // long: one table of bodies per rule of JSON, each short.
    #[test]
    fn the_check_reads_json_as_serde_json_and_javascript_do() {
        let with_note = |note: &str| {
            format!(r#"{{"records":[{{"id":"b","name":"n","permissions":[],"note":{note}}}]}}"#)
        };
        // Values serde_json and JSON.parse both read, in a field both ignore.
        let deep = format!("{}1{}", "[".repeat(60), "]".repeat(60));
        for note in [
            "0",
            "-0",
            "12",
            "1.5",
            "-0.25e+10",
            "1E-2",
            "2e3",
            "true",
            "false",
            "null",
            r#""a\"\\\/\b\f\n\r\tz \u00e9 \uFFFF""#,
            r#"{"x":[{},[],"",{"y":null}]}"#,
            &deep,
        ] {
            assert!(agrees(with_note(note).as_bytes()), "{note}");
        }
        let spaced = " \t\n\r{ \"records\" :\n[ { \"id\" : \"b\" ,\"name\":\"n\", \"permissions\" : [ ] } ] }\r\n";
        assert!(agrees(spaced.as_bytes()));
        // Not JSON: the SDK refuses each, and the check says no.
        for note in [
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "1e+",
            "+1",
            "0x10",
            "NaN",
            "Infinity",
            "tru",
            "nul",
            "True",
            "'a'",
            r#""\x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            "\"tab\there\"",
            "[1,]",
            r#"{"a":1,}"#,
            r#"{"a"}"#,
            "[1 2]",
            "",
        ] {
            let body = with_note(note);
            assert!(decode::list(200, body.as_bytes()).is_err(), "{note}");
            assert!(!reads_as_written(&body), "{note}");
        }
        for body in [
            // Whitespace JSON does not have: form feed, no-break space.
            format!("\u{c}{}", with_note("1")),
            format!("{}\u{a0}", with_note("1")),
            format!("{} x", with_note("1")),
            format!("{}{{}}", with_note("1")),
        ] {
            assert!(decode::list(200, body.as_bytes()).is_err(), "{body}");
            assert!(!reads_as_written(&body), "{body}");
        }
    }

    #[test]
    fn what_the_check_is_not_sure_of_takes_the_written_road() {
        let too_deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        for key in [
            // Surrogates, paired or not: serde_json refuses a lone one in a
            // name, JSON.parse reads it; a pair both read alike, but the
            // check does not pair them.
            r#"{"id":"b","name":"\ud83d\ude00","permissions":[]}"#,
            r#"{"id":"b","name":"n","permissions":[],"note":"\udc00"}"#,
            // Escapes in an access level, a resource or a field's name.
            r#"{"id":"b","name":"n","permissions":[{"access":"re\u0061d","resource":"x"}]}"#,
            r#"{"id":"b","name":"n","permissions":[{"access":"read","resource":"a\/b"}]}"#,
            r#"{"id":"b","name":"n","permissions":[],"n\u0061me2":1}"#,
            // Nesting deeper than the check reads, in an ignored field.
            &format!(r#"{{"id":"b","name":"n","permissions":[],"note":{too_deep}}}"#),
            // A leap second.
            r#"{"id":"b","name":"n","permissions":[],"expires_at":"2016-12-31T23:59:60Z"}"#,
        ] {
            let body = listing(key);
            assert!(!reads_as_written(&body), "{key}");
            assert_eq!(road(&body), "written", "{key}");
        }
        let lone = listing(r#"{"id":"b","name":"\ud800","permissions":[]}"#);
        assert!(!reads_as_written(&lone));
        assert!(answer(200, lone.into_bytes()).is_err());
    }

    #[test]
    fn a_value_of_another_type_is_refused() {
        for body in [
            r#"{"records":{}}"#.to_owned(),
            r#"{"records":null}"#.to_owned(),
            r#"[]"#.to_owned(),
            r#""records""#.to_owned(),
            listing("null"),
            listing(r#""b""#),
            listing(r#"{"id":"b","name":null,"permissions":[]}"#),
            listing(r#"{"id":"b","name":"n","permissions":null}"#),
            listing(r#"{"id":"b","name":"n","permissions":{}}"#),
            listing(r#"{"id":"b","name":"n","permissions":["read:x"]}"#),
            listing(r#"{"id":"b","name":"n","permissions":[{"access":null,"resource":"x"}]}"#),
            listing(r#"{"id":"b","name":"n","permissions":[],"expires_at":5}"#),
            listing(r#"{"id":"b","name":"n","permissions":[],"expires_at":{}}"#),
            listing(r#"{"id":"b","name":"n","permissions":[{"resource":"x"}]}"#),
            listing(r#"{"name":"n","permissions":[]}"#),
            listing(r#"{"id":"b","permissions":[]}"#),
            listing(r#"{"id":"b","name":"n","permissions":[],"name":"m"}"#),
            listing(
                r#"{"id":"b","name":"n","permissions":[{"access":"read","resource":"x","resource":"y"}]}"#,
            ),
        ] {
            assert!(decode::list(200, body.as_bytes()).is_err(), "{body}");
            assert!(!reads_as_written(&body), "{body}");
        }
        // Fields the SDK ignores may repeat, as may an ignored field's own.
        let repeated = listing(
            r#"{"id":"b","note":1,"name":"n","note":[2],"permissions":[{"x":1,"x":2,"access":"read","resource":"r"}]}"#,
        );
        assert_eq!(road(&repeated), "listed");
    }
}
