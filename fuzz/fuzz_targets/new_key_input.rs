//! What the CLI's `create` arguments reach in the SDK: a name, grants and an
//! expiration, split from one input. Validation never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use narrative_keys::{Expiration, NewKey, Permission};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.split('\u{1f}');
    let name = parts.next().unwrap_or_default();
    let expires = parts.next().unwrap_or_default();
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let mut builder = NewKey::builder(name);
    for grant in parts {
        if let Ok(p) = grant.parse::<Permission>() {
            builder = builder.permission(p);
        }
    }
    if let Ok(e) = Expiration::parse(expires, now) {
        builder = builder.expires(e);
    }
    match builder.build_at(now) {
        Ok(key) => assert!(!key.validate(now).has_errors()),
        Err(report) => assert!(report.has_errors() && !report.to_string().is_empty()),
    }
});
