//! The reader against serde_json: the same values, and the same errors
//! (message, line and column), over hand-picked documents and every
//! one-byte change to realistic ones.

use std::fmt::Debug;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Reader;
use crate::KeyStatus;
use crate::whoami::Whoami;
use crate::wire::ListResponse;

/// What a reader made of a document: the value's `Debug`, or the error.
fn ours<T: DeserializeOwned + Debug>(json: &[u8]) -> Result<String, String> {
    let mut reader = Reader::new(json);
    T::deserialize(&mut reader)
        .and_then(|v| reader.end().map(|()| v))
        .map(|v| format!("{v:?}"))
        .map_err(|e| e.to_string())
}

fn theirs<T: DeserializeOwned + Debug>(json: &[u8]) -> Result<String, String> {
    serde_json::from_slice::<T>(json)
        .map(|v| format!("{v:?}"))
        .map_err(|e| without_float_digits(&e.to_string()))
}

/// serde_json's words for a float found, as this reader says them.
fn without_float_digits(message: &str) -> String {
    match message.split_once("floating point `") {
        Some((before, after)) => {
            let rest = after.split_once('`').map_or("", |(_, rest)| rest);
            format!("{before}floating point number{rest}")
        }
        None => message.to_owned(),
    }
}

fn same<T: DeserializeOwned + Debug>(json: &[u8]) {
    assert_eq!(
        ours::<T>(json),
        theirs::<T>(json),
        "{}",
        String::from_utf8_lossy(json)
    );
}

/// Every kind of value the SDK and the npm package read.
#[allow(dead_code)] // read for its `Debug`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Everything {
    text: String,
    #[serde(default)]
    small: Option<u32>,
    #[serde(default)]
    signed: Option<i64>,
    #[serde(default)]
    float: Option<f64>,
    #[serde(default)]
    flag: Option<bool>,
    #[serde(default)]
    pairs: Option<Vec<(String, String)>>,
    #[serde(default)]
    statuses: Option<Vec<KeyStatus>>,
    #[serde(default)]
    nested: Option<Box<Everything>>,
    #[serde(default)]
    letter: Option<char>,
    #[serde(default)]
    tagged: Option<Tagged>,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
enum Tagged {
    Unit,
    Newtype(u8),
    Tuple(u8, String),
    Struct { a: u8 },
}

/// Realistic documents: a listing, a `/whoami` answer, and options.
const LISTING: &str = r#"{"records":[{"id":"k1","name":"ingest \"prod\"","permissions":[{"access":"read","resource":"datasets"},{"access":"write","resource":"data-planes"}],"expires_at":"2027-01-31T12:30:05.400Z","created_at":{"by":[1,-2.5e3,true,null]}},{"id":"k2","name":"n\u00e9\ud83d\ude00","permissions":[],"expires_at":null}],"next":null}"#;
const WHOAMI: &str = r#"{"user_id": 12, "name": "Ada", "company_access_list": [1, 2],
 "current_company_scope": {"company_id": 1, "slug": "acme", "name": "Acme", "status": "active"},
 "permissions": [{"resource": "datasets", "access": ["read", "write"]}]}"#;
const OPTIONS: &str = r#"{"text":"a","small":7,"signed":-9,"float":1.5,"flag":false,"pairs":[["x-a","b"]],"statuses":["expired","active"],"nested":{"text":"b","tagged":{"Tuple":[1,"t"]}},"letter":"z","tagged":"Unit"}"#;

/// Every deletion, truncation and insertion of a byte that matters to JSON.
fn variants(doc: &str) -> Vec<Vec<u8>> {
    let bytes = doc.as_bytes();
    let mut out = vec![bytes.to_vec()];
    for i in 0..bytes.len() {
        out.push(bytes[..i].to_vec());
        let mut without = bytes.to_vec();
        without.remove(i);
        out.push(without);
        for b in *b"\"\\,:}]{[0-.eE+ nt\x01\xff/u" {
            let mut with = bytes.to_vec();
            with.insert(i, b);
            out.push(with);
            let mut replaced = bytes.to_vec();
            replaced[i] = b;
            out.push(replaced);
        }
    }
    out
}

#[test]
fn every_change_to_a_listing_reads_as_serde_json_reads_it() {
    for doc in variants(LISTING) {
        same::<ListResponse>(&doc);
    }
}

#[test]
fn every_change_to_a_whoami_answer_reads_as_serde_json_reads_it() {
    for doc in variants(WHOAMI) {
        same::<Whoami>(&doc);
    }
}

#[test]
fn every_change_to_options_reads_as_serde_json_reads_it() {
    for doc in variants(OPTIONS) {
        same::<Everything>(&doc);
    }
}

#[test]
fn numbers_read_as_serde_json_reads_them() {
    for n in [
        "0",
        "-0",
        "7",
        "-7",
        "0.5",
        "1.5",
        "-2.25",
        "1e3",
        "1E+3",
        "25e-1",
        "0.1",
        "0.3",
        "123.456e7",
        "1e22",
        "4.5e-21",
        "1e309",
        "1e-400",
        "-1e-400",
        "1e99999999999",
        "0e99999999999",
        "1e-99999999999",
        "18446744073709551615",
        "18446744073709551616",
        "184467440737095516150",
        "-9223372036854775808",
        "-9223372036854775809",
        "4294967296",
        "1.",
        "1.e3",
        "-",
        "01",
        "1e",
        "1e+",
        "-a",
        ".5",
        "+1",
        "1.5x",
        "NaN",
        "Infinity",
        "12345678901234567890.5",
    ] {
        for doc in [
            format!(r#"{{"text":"a","float":{n}}}"#),
            format!(r#"{{"text":"a","small":{n}}}"#),
            format!(r#"{{"text":"a","signed":{n}}}"#),
            format!(r#"{{"text":"a","unknown":{n}}}"#),
            format!(r#"{{"text":{n}}}"#),
            format!("{{\"text\":\"a\",\"float\":{n}"),
            n.to_owned(),
        ] {
            same::<Everything>(doc.as_bytes());
            same::<serde::de::IgnoredAny>(doc.as_bytes());
        }
    }
}

/// Beyond 10^22, where serde_json multiplies by a power of ten from a table
/// of them and this reader by one it computes, the two may differ in the
/// last digits, and a number within a few units of the largest double is
/// out of range (no answer or option of the API holds such a number).
#[test]
fn large_exponents_read_within_a_unit_in_the_last_place() {
    for n in [
        "1e23",
        "4.5e-22",
        "1.7e308",
        "1e308",
        "5e-324",
        "123e-300",
        "9.99e200",
        "2.2250738585072014e-308",
        "6.02214076e23",
        "1.6e-35",
        "3e100",
        "7.1e-200",
    ] {
        let doc = format!(r#"{{"text":"a","float":{n}}}"#);
        let read = |json: &[u8]| {
            let mut reader = Reader::new(json);
            Everything::deserialize(&mut reader).unwrap().float.unwrap()
        };
        let theirs = serde_json::from_slice::<Everything>(doc.as_bytes())
            .unwrap()
            .float
            .unwrap();
        let ulps = read(doc.as_bytes()).to_bits().abs_diff(theirs.to_bits());
        assert!(ulps <= 4, "{n}: {ulps} units apart");
    }
}

#[test]
fn strings_read_as_serde_json_reads_them() {
    for s in [
        r#""""#,
        r#""plain""#,
        r#""\"\\\/\b\f\n\r\t""#,
        r#""\u00e9\u20ac""#,
        r#""\ud83d\ude00""#,
        r#""\ud83d""#,
        r#""\ud83dx""#,
        r#""\ud83d\u0041""#,
        r#""\ude00""#,
        r#""\ud83d\n""#,
        r#""\u12""#,
        r#""\u12G4""#,
        r#""\x""#,
        "\"a\u{1}b\"",
        "\"tab\there\"",
        "\"\\",
        "\"ab",
        "\"\u{e9}\"",
        "\"caf\u{e9}\\n\"",
    ] {
        for doc in [
            format!(r#"{{"text":{s}}}"#),
            format!(r#"{{"text":"a","unknown":{s}}}"#),
            format!(r#"{{{s}:1,"text":"a"}}"#),
            format!(r#"{{"text":"a","letter":{s}}}"#),
            format!(r#"{{"text":"a","statuses":[{s}]}}"#),
        ] {
            same::<Everything>(doc.as_bytes());
        }
    }
    for bytes in [
        &b"{\"text\":\"\xff\"}"[..],
        b"{\"text\":\"a\",\"unknown\":\"\xff\"}",
        b"{\"text\":\"\xe9\\n\"}",
    ] {
        same::<Everything>(bytes);
    }
}

#[test]
fn shapes_read_as_serde_json_reads_them() {
    for doc in [
        "",
        " ",
        "null",
        "[]",
        "{}",
        "[\"a\"]",
        r#"{"text":"a"} x"#,
        r#"{"text":"a"}   "#,
        r#"{"text":"a",}"#,
        r#"{"text":"a" "small":1}"#,
        r#"{"text" "a"}"#,
        r#"{text:"a"}"#,
        r#"{"text":"a","pairs":[["a","b"],]}"#,
        r#"{"text":"a","pairs":[["a","b"] ["c","d"]]}"#,
        r#"{"text":"a","pairs":{"a":"b"}}"#,
        r#"{"text":["a"]}"#,
        r#"{"text":{"a":1}}"#,
        r#"{"text":"a","nested":["b"]}"#,
        r#"{"text":"a","statuses":"active"}"#,
        r#"{"text":"a","statuses":["sleeping"]}"#,
        r#"{"text":"a","statuses":[{"active":null}]}"#,
        r#"{"text":"a","tagged":{"Struct":{"a":1}}}"#,
        r#"{"text":"a","tagged":{"Newtype":300}}"#,
        r#"{"text":"a","tagged":{"Unit":null,"x":1}}"#,
        r#"{"text":"a","tagged":{}}"#,
        r#"{"text":"a","tagged":{"Unit"}}"#,
        r#"{"text":"a","tagged":"Newtype"}"#,
        r#"{"text":"a","tagged":7}"#,
        r#"{"text":"a","letter":"ab"}"#,
        r#"{"text":"a","flag":1}"#,
        r#"{"text":"a","flag":tru}"#,
        r#"{"text":"a","flag":nul}"#,
        r#"{"text":"a","wrong":1}"#,
        r#"{"small":1}"#,
        r#"{"text":"a","text":"b"}"#,
        "{\"text\":\"a\",\n \"small\": -1\n}",
        "{\"text\":\"a\" ,\n\"wrong\" :1}",
        r#"{"text":"a","small":"1"}"#,
        r#"{"text":null}"#,
    ] {
        same::<Everything>(doc.as_bytes());
    }
}

#[test]
fn nesting_is_limited_as_serde_json_limits_it() {
    for depth in [126, 127, 128, 129, 5000] {
        let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        same::<serde::de::IgnoredAny>(deep.as_bytes());
        // A value nobody reads is skipped without a limit.
        same::<Everything>(format!(r#"{{"text":"a","unknown":{deep}}}"#).as_bytes());
        let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        same::<Everything>(format!(r#"{{"text":"a","unknown":{objects}}}"#).as_bytes());
        let nested = format!(
            "{}\"a\"{}",
            r#"{"text":"a","nested":"#.repeat(depth),
            "}".repeat(depth)
        );
        same::<Everything>(nested.as_bytes());
    }
}
