//! Expiration input (`90d`, dates, instants, never): never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use narrative_keys::Expiration;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    if let Ok(e) = Expiration::parse(text, now) {
        let _ = e.to_wire();
        let _ = e.instant();
    }
});
