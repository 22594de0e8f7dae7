//! The SDK's JSON reader against serde_json's, on documents of any shape:
//! the same value, or the same error (message, line and column; an
//! unexpected float is worded without its digits).
#![no_main]

use std::fmt::Debug;

use libfuzzer_sys::fuzz_target;
use narrative_keys::json_reader::Reader;
use narrative_keys::{ApiKey, KeyStatus, Whoami};
use serde::Deserialize;
use serde::de::DeserializeOwned;

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
        .map_err(|e| match e.to_string().split_once("floating point `") {
            Some((before, after)) => {
                let rest = after.split_once('`').map_or("", |(_, rest)| rest);
                format!("{before}floating point number{rest}")
            }
            None => e.to_string(),
        })
}

/// Integers and strings only: beyond 10^22 the two readers' floats may
/// differ in the last digit (see the reader's tests).
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Options {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    retries: Option<u32>,
    #[serde(default)]
    headers: Option<Vec<(String, String)>>,
    #[serde(default)]
    statuses: Option<Vec<KeyStatus>>,
    #[serde(default)]
    allow_unknown: Option<bool>,
}

fn same<T: DeserializeOwned + Debug>(data: &[u8]) {
    assert_eq!(ours::<T>(data), theirs::<T>(data));
}

fuzz_target!(|data: &[u8]| {
    same::<Vec<ApiKey>>(data);
    same::<Whoami>(data);
    same::<Options>(data);
});
