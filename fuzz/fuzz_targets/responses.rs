//! Server responses of any shape: every decoder returns a value or a typed
//! error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use narrative_keys::client::decode;

fuzz_target!(|data: &[u8]| {
    let _ = decode::list(200, data);
    let _ = decode::get(200, data);
    let _ = decode::updated(200, data);
    let _ = decode::whoami(200, data);
    if let Err(e) = decode::created(200, data) {
        let _ = e.to_string();
    }
    let status = data.first().map_or(500, |b| 400 + u16::from(*b));
    let _ = decode::error(status, data, None).to_string();
});
