//! The compact permission form: never panics; what parses prints back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use narrative_keys::{Permission, PermissionSet};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(p) = text.parse::<Permission>() {
        assert_eq!(p.to_string().parse::<Permission>().ok(), Some(p));
    }
    if let Ok(set) = PermissionSet::parse_compact(text) {
        assert_eq!(PermissionSet::parse_compact(&set.to_string()).ok(), Some(set));
    }
});
