//! Property tests for every parser: none panics, each bad case is a typed
//! error, and what parses prints back to the same value.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use chrono::{DateTime, Utc};
use narrative_keys::client::decode;
use narrative_keys::{Error, Expiration, Permission, PermissionSet};
use proptest::prelude::*;
use serde_json::{Value, json};

fn now_strategy() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_000_000_000).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("records".to_owned()),
                    Just("record".to_owned()),
                    Just("id".to_owned()),
                    Just("name".to_owned()),
                    Just("permissions".to_owned()),
                    Just("expires_at".to_owned()),
                    Just("access".to_owned()),
                    Just("resource".to_owned()),
                    Just("access_token".to_owned()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn key_json(expires: Value) -> Value {
    json!({"id": "546c65d6-e589-4d3c-b1fe-7e61711cc418", "name": "n",
           "permissions": [{"access": "read", "resource": "datasets"}], "expires_at": expires})
}

proptest! {
    #[test]
    fn compact_permission_never_panics_and_round_trips(input in ".{0,40}") {
        if let Ok(p) = input.parse::<Permission>() {
            prop_assert_eq!(p.to_string().parse::<Permission>().unwrap(), p);
        }
    }

    #[test]
    fn permission_sets_round_trip_through_compact_and_json(
        pairs in prop::collection::vec(("[a-z][a-z_]{0,9}", "[a-z][a-z_-]{0,19}"), 0..20)
    ) {
        let set: PermissionSet = pairs
            .iter()
            .map(|(a, r)| format!("{a}:{r}").parse::<Permission>().unwrap())
            .collect();
        prop_assert_eq!(PermissionSet::parse_compact(&set.to_string()).unwrap(), set.clone());
        let wire = serde_json::to_string(&set).unwrap();
        prop_assert_eq!(serde_json::from_str::<PermissionSet>(&wire).unwrap(), set.clone());
        prop_assert!(set.as_slice().windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
    }

    #[test]
    fn expiration_input_never_panics(input in ".{0,30}", now in now_strategy()) {
        match Expiration::parse(&input, now) {
            Ok(Expiration::At(at)) if input.trim().ends_with(['h', 'd', 'w', 'y']) => {
                prop_assert!(at > now - chrono::Duration::seconds(1));
            }
            Ok(_) => {}
            Err(e) => prop_assert!(e.to_string().contains("is not an expiration")),
        }
    }

    #[test]
    fn spans_are_read_as_written(n in 1i64..5000, unit in prop::sample::select(vec!['h', 'd', 'w']), now in now_strategy()) {
        let at = Expiration::parse(&format!("{n}{unit}"), now).unwrap().instant().unwrap();
        let hours = match unit { 'h' => n, 'd' => n * 24, _ => n * 24 * 7 };
        prop_assert_eq!((at - now).num_hours(), hours);
    }

    #[test]
    fn any_bytes_decode_to_a_value_or_a_typed_error(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        for result in [
            decode::list(200, &bytes).map(|_| ()),
            decode::get(200, &bytes).map(|_| ()),
            decode::updated(200, &bytes).map(|_| ()),
            decode::created(200, &bytes).map(|_| ()),
            decode::whoami(200, &bytes).map(|_| ()),
        ] {
            if let Err(e) = result {
                prop_assert!(matches!(e, Error::Decode { status: 200, .. }), "{e:?}");
            }
        }
        let e = decode::error(503, &bytes, None);
        prop_assert_eq!(e.status(), Some(503));
    }

    #[test]
    fn any_json_decodes_to_a_value_or_a_typed_error(value in json_value()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        for result in [
            decode::list(200, &bytes).map(|_| ()),
            decode::get(200, &bytes).map(|_| ()),
            decode::created(200, &bytes).map(|_| ()),
            decode::whoami(200, &bytes).map(|_| ()),
        ] {
            if let Err(e) = result {
                prop_assert_eq!(e.code(), "decode");
            }
        }
    }

    #[test]
    fn truncated_bodies_are_decode_errors(cut in 0usize..120) {
        let body = serde_json::to_vec(&json!({"records": [key_json(json!("2027-01-31T00:00:00Z"))]})).unwrap();
        let cut = cut.min(body.len() - 1);
        let err = decode::list(200, &body[..cut]).unwrap_err();
        prop_assert_eq!(err.code(), "decode");
    }

    #[test]
    fn decode_errors_never_repeat_a_value_from_the_body(secret in "[A-Za-z0-9+/]{20,44}") {
        // The secret sits where a number belongs, and where an object belongs.
        for body in [
            json!({"records": [{"id": "x", "name": 5, "permissions": [], "access_token": secret}]}),
            json!({"id": "x", "name": "n", "permissions": secret, "access_token": secret}),
            json!({"records": secret}),
        ] {
            let bytes = serde_json::to_vec(&body).unwrap();
            for err in [decode::list(200, &bytes).err(), decode::created(200, &bytes).err()].into_iter().flatten() {
                prop_assert!(!format!("{err} {err:?}").contains(&secret), "{err}");
            }
        }
    }
}

#[test]
fn missing_or_null_expiration_is_never_and_unknown_fields_are_ignored() {
    for key in [key_json(Value::Null), {
        let mut k = key_json(Value::Null);
        k.as_object_mut().unwrap().remove("expires_at");
        k
    }] {
        let mut with_extra = key.clone();
        with_extra["created_by"] = json!({"nested": [1, 2, 3]});
        let got = decode::get(
            200,
            &serde_json::to_vec(&json!({"record": with_extra})).unwrap(),
        )
        .unwrap();
        assert_eq!(got.expires_at, None);
    }
    let err = decode::get(
        200,
        &serde_json::to_vec(&json!({"record": key_json(json!(17))})).unwrap(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("record.expires_at"), "{err}");
    let err = decode::get(
        200,
        &serde_json::to_vec(&json!({"record": key_json(json!("next tuesday"))})).unwrap(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("record.expires_at"), "{err}");
}

#[test]
fn a_huge_list_decodes() {
    let records: Vec<Value> = (0..100_000)
        .map(|_| key_json(json!("2027-01-31T00:00:00Z")))
        .collect();
    let body = serde_json::to_vec(&json!({ "records": records })).unwrap();
    assert_eq!(decode::list(200, &body).unwrap().len(), 100_000);
}
