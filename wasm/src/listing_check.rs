//! Whether a listing's JSON text reads as the package writes it: one pass
//! over the bytes, one loop, no allocation but the permissions it compares.
//!
//! Conservative: `true` only when `decode::list` surely accepts the text and
//! `keys_to_json` of its keys holds the same values as what `core.js` makes
//! of `JSON.parse` of it. Whatever it is not sure of (an escaped field name,
//! access or resource, a `\u` surrogate, deep nesting, a leap second, a
//! repeated field) answers `false`, and the caller decodes and writes the
//! keys, which also gives the SDK's error.
//!
//! One loop with a stack of what each open object or array is, rather than
//! a function per JSON construct: at the package's size-first optimisation
//! level that is both the smaller and the faster code.

use narrative_keys::instant::parse_rfc3339;
use narrative_keys::{AccessLevel, Permission, Resource};

/// Deeper nesting is not read (serde_json stops at 128).
const MAX_DEPTH: usize = 64;

/// What a value is to the SDK's decoder, from where it sits.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// The body: `records` and fields it ignores.
    Listing,
    /// `records`: keys.
    Keys,
    /// `wire::Key`.
    Key,
    /// A key's id or name: any string.
    Text,
    /// `expires_at`: `null` or an instant.
    Expiry,
    /// A key's permissions.
    Permissions,
    /// `Permission`.
    Permission,
    /// A permission's access level or resource: a string without escapes.
    Access,
    Resource,
    /// A field the decoder ignores: any JSON value, checked.
    Ignored,
}

/// What the scan reads next.
#[derive(Clone, Copy)]
enum Step {
    /// A value in this role.
    Value(Role),
    /// A field's name in the innermost object, and its colon.
    Field,
    /// What follows a value: a comma, or the end of the innermost object
    /// or array, or of the text.
    After,
}

/// Whether `text` is a listing the SDK's decoder accepts, and whose every key
/// `keys_to_json` would write with the same values.
pub fn reads_as_written(text: &str) -> bool {
    check(text).is_some()
}

/// `Some(())` when sure; `None` as soon as not.
type Sure = Option<()>;

// long: one loop over the whole text is the point (see the module's note).
fn check(text: &str) -> Sure {
    let bytes = text.as_bytes();
    let mut at = 0;
    // The open objects and arrays, innermost last, each with its closing byte.
    let mut open = [(Role::Ignored, b'}'); MAX_DEPTH];
    let mut depth = 0;
    // What the SDK needs of the listing, the open key and the open permission.
    let mut records = false;
    let mut key_fields = 0u8;
    let (mut access, mut resource) = (None, None);
    let mut previous: Option<Permission> = None;
    // The buffers of resources compared, reused: no string per permission.
    let mut spare: Vec<String> = Vec::new();
    let mut step = Step::Value(Role::Listing);
    loop {
        at = skip_space(bytes, at);
        match step {
            Step::Value(role) => {
                let first = *bytes.get(at)?;
                at += 1;
                step = Step::After;
                let close = match (first, role) {
                    (b'{', Role::Listing | Role::Key | Role::Permission | Role::Ignored) => b'}',
                    (b'[', Role::Keys | Role::Permissions | Role::Ignored) => b']',
                    (b'"', _) => {
                        let escapes = matches!(role, Role::Text | Role::Ignored);
                        let end = string_end(bytes, at, escapes)?;
                        let inside = text.get(at..end);
                        at = end + 1;
                        match role {
                            Role::Text | Role::Ignored => {}
                            Role::Expiry => canonical_instant(inside?)?,
                            Role::Access => access = inside,
                            Role::Resource => resource = inside,
                            _ => return None,
                        }
                        continue;
                    }
                    (b'n', Role::Expiry | Role::Ignored) | (b't' | b'f', Role::Ignored) => {
                        let rest: &[u8] = match first {
                            b'n' => b"ull",
                            b't' => b"rue",
                            _ => b"alse",
                        };
                        at += rest.len();
                        if bytes.get(at - rest.len()..at)? != rest {
                            return None;
                        }
                        continue;
                    }
                    (b'-' | b'0'..=b'9', Role::Ignored) => {
                        at = number(bytes, at - 1)?;
                        continue;
                    }
                    _ => return None,
                };
                if depth == MAX_DEPTH {
                    return None;
                }
                open[depth] = (role, close);
                depth += 1;
                match role {
                    Role::Key => key_fields = 0,
                    Role::Permission => (access, resource) = (None, None),
                    _ => {}
                }
                at = skip_space(bytes, at);
                if !matches!(bytes.get(at), Some(&b) if b == close) {
                    step = match role {
                        Role::Keys => Step::Value(Role::Key),
                        Role::Permissions => Step::Value(Role::Permission),
                        Role::Ignored if close == b']' => Step::Value(Role::Ignored),
                        _ => Step::Field,
                    };
                }
            }
            Step::Field => {
                if !matches!(bytes.get(at), Some(b'"')) {
                    return None;
                }
                let end = string_end(bytes, at + 1, false)?;
                let name = &bytes[at + 1..end];
                at = skip_space(bytes, end + 1);
                if !matches!(bytes.get(at), Some(b':')) {
                    return None;
                }
                at += 1;
                let (container, _) = open[depth - 1];
                // A field the decoder knows, read twice, is refused by it.
                let mut once = |bit: u8, role: Role| {
                    let seen = key_fields & bit != 0;
                    key_fields |= bit;
                    (!seen).then_some(role)
                };
                let role = match (container, name) {
                    (Role::Listing, b"records") if !records => {
                        records = true;
                        Role::Keys
                    }
                    (Role::Key, b"id") => once(1, Role::Text)?,
                    (Role::Key, b"name") => once(2, Role::Text)?,
                    (Role::Key, b"permissions") => once(4, Role::Permissions)?,
                    (Role::Key, b"expires_at") => once(8, Role::Expiry)?,
                    (Role::Permission, b"access") if access.is_none() => Role::Access,
                    (Role::Permission, b"resource") if resource.is_none() => Role::Resource,
                    (Role::Listing, b"records") | (Role::Permission, b"access" | b"resource") => {
                        return None;
                    }
                    _ => Role::Ignored,
                };
                step = Step::Value(role);
            }
            Step::After => {
                if depth == 0 {
                    return (records && at == bytes.len()).then_some(());
                }
                let (container, close) = open[depth - 1];
                let next = *bytes.get(at)?;
                at += 1;
                if next == b',' {
                    step = match container {
                        Role::Keys => Step::Value(Role::Key),
                        Role::Permissions => Step::Value(Role::Permission),
                        Role::Ignored if close == b']' => Step::Value(Role::Ignored),
                        _ => Step::Field,
                    };
                    continue;
                }
                if next != close {
                    return None;
                }
                depth -= 1;
                match container {
                    Role::Key if key_fields & 7 != 7 => return None,
                    Role::Permission => {
                        // Built as the SDK builds it, in the SDK's order: the
                        // set keeps every permission, in this order.
                        let mut wire = spare.pop().unwrap_or_default();
                        wire.clear();
                        wire.push_str(resource?);
                        let permission =
                            Permission::new(AccessLevel::from_wire(access?), Resource::new(wire));
                        if previous.as_ref().is_some_and(|p| *p >= permission) {
                            return None;
                        }
                        if let Some(done) = previous.replace(permission) {
                            spare.push(done.resource.into());
                        }
                    }
                    Role::Permissions => {
                        if let Some(last) = previous.take() {
                            spare.push(last.resource.into());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The first byte from `at` that is not JSON's whitespace (space, tab, LF, CR).
#[inline(always)] // at every step of the scan
fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(at) {
        at += 1;
    }
    at
}

/// After the number at `at`, in JSON's grammar: `-`, then `0` or digits not
/// starting with `0`, then an optional fraction and exponent.
fn number(bytes: &[u8], mut at: usize) -> Option<usize> {
    let digits = |mut at: usize| {
        let start = at;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        (at > start).then_some(at)
    };
    if bytes.get(at) == Some(&b'-') {
        at += 1;
    }
    at = match bytes.get(at)? {
        b'0' => at + 1,
        _ => digits(at)?,
    };
    if bytes.get(at) == Some(&b'.') {
        at = digits(at + 1)?;
    }
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        if let Some(b'+' | b'-') = bytes.get(at) {
            at += 1;
        }
        at = digits(at)?;
    }
    Some(at)
}

/// Where the string whose text starts at `at` ends (its closing quote). A
/// raw control character is refused, as both readers refuse it; so is any
/// escape unless `escapes`, and then the usual ones and `\u` escapes other
/// than surrogates (which serde_json and `JSON.parse` read differently when
/// unpaired).
fn string_end(bytes: &[u8], mut at: usize, escapes: bool) -> Option<usize> {
    loop {
        at = string_stop(bytes, at)?;
        match bytes[at] {
            b'"' => return Some(at),
            b'\\' if escapes => {
                at += 1;
                match *bytes.get(at)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 1,
                    b'u' => {
                        let hex = bytes.get(at + 1..at + 5)?;
                        // A surrogate is D800 to DFFF.
                        let surrogate = matches!(hex[0], b'd' | b'D')
                            && matches!(hex[1], b'8' | b'9' | b'a'..=b'f' | b'A'..=b'F');
                        if surrogate || !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        at += 5;
                    }
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
}

/// Where, from `at`, a string stops for a look: the first `"`, backslash or
/// control character. Read eight bytes at a time (the strings are most of
/// the text), each word tested for those bytes at once with the bit tricks
/// of "Bit Twiddling Hacks" (`haszero`, `hasless`): the lowest flagged byte
/// of each test is exact, and the lowest of all three is the stop.
fn string_stop(bytes: &[u8], mut at: usize) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().ok()?);
        let found = below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1)
            | below(word, 0x20);
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let rest = bytes.get(at..)?;
    Some(
        at + rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?,
    )
}

/// Whether `text` is an instant written as `listing::written_instant` writes
/// it: `YYYY-MM-DDTHH:MM:SS`, then a fraction of 3, 6 or 9 digits whose last
/// three are not all zero (fewer digits would do), then `Z`; and a real
/// instant. The SDK's own parser checks the digits and separators (it reads
/// only digits into the fraction, and only `Z` as an offset ending in `Z`);
/// the bytes checked here are where it allows more than the writer writes.
/// A leap second is not sure.
fn canonical_instant(text: &str) -> Sure {
    let bytes = text.as_bytes();
    let as_written = match bytes.len() {
        20 => true,
        24 | 27 | 30 => bytes[19] == b'.' && !bytes[..bytes.len() - 1].ends_with(b"000"),
        _ => false,
    };
    let leap_second = bytes.get(17) == Some(&b'6');
    (as_written
        && bytes[10] == b'T'
        && bytes.ends_with(b"Z")
        && !leap_second
        && parse_rfc3339(text).is_some())
    .then_some(())
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::listing::written_instant;

    #[test]
    fn strings_stop_where_a_byte_by_byte_search_stops() {
        for len in 0..20 {
            for at in 0..len {
                for byte in 0..=255u8 {
                    let mut text = vec![b'a'; len];
                    text[at] = byte;
                    let slow = text
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
                    for from in 0..=at {
                        assert_eq!(string_stop(&text, from), slow, "{text:?} from {from}");
                    }
                }
            }
        }
        // A stop after a run of bytes that only look close to one.
        let text = "\u{e9}\u{20ac}!#[]\u{7f}\u{80} \"".as_bytes();
        assert_eq!(string_stop(text, 0), Some(text.len() - 1));
    }

    /// Whether `text` is an instant `written_instant` writes back unchanged.
    fn round_trips(text: &str) -> bool {
        parse_rfc3339(text).is_some_and(|at| written_instant(&at) == text)
    }

    #[test]
    fn an_instant_passes_when_written_back_unchanged() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let mut instants = Vec::new();
        for base in [
            "2027-01-31T12:30:05",
            "0000-01-01T00:00:00",
            "9999-12-31T23:59:59",
        ] {
            for fraction in [
                "",
                ".1",
                ".12",
                ".123",
                ".100",
                ".000",
                ".1234",
                ".123456",
                ".123000",
                ".000001",
                ".000000",
                ".1234567",
                ".123456789",
                ".123456000",
                ".000000001",
                ".000000000",
                ".1234567891",
            ] {
                for zone in ["Z", "z", "+00:00", "-00:00", "+01:00", ""] {
                    instants.push(format!("{base}{fraction}{zone}"));
                }
            }
        }
        for t in [at("2024-02-29T10:00:00Z"), Utc::now()] {
            instants.push(written_instant(&t));
        }
        instants.extend(
            [
                "2027-02-29T00:00:00Z",
                "2027-13-01T00:00:00Z",
                "2027-01-32T00:00:00Z",
                "2027-01-01T24:00:00Z",
                "2027-01-01T23:60:00Z",
                "2027-01-01T23:59:60Z",
                "2016-12-31T23:59:60Z",
                "2027-01-01t00:00:00Z",
                "2027-01-01 00:00:00Z",
                "2027-1-01T00:00:00Z",
                "+2027-01-01T00:00:00Z",
                "2027-01-01T00:00:00.Z",
                "2027-01-01T00:00:00ZZ",
                "2027-01-31T12:30:05.12aZ",
                "2027-01-31T12:30:05.123+00Z",
                "2027-01-31T12:30:05.000+01:00Z",
                "2027-01-31T12:30:05.1 2Z",
                "",
                "Z",
            ]
            .map(str::to_owned),
        );
        let mut passed = 0;
        for text in &instants {
            let sure = canonical_instant(text).is_some();
            // Sure only of what round-trips; unsure only of a leap second.
            assert!(!sure || round_trips(text), "{text}");
            assert!(sure || !round_trips(text) || text.contains(":60"), "{text}");
            passed += usize::from(sure);
        }
        assert!(passed >= 14, "{passed}");
    }
}
