//! The name an overlap rotation gives the key it retires:
//! `NAME (retiring 2026-12-08 10:00 UTC)`.
//!
//! An overlap leaves both keys working for a while. Renaming the old one
//! leaves its name to the successor, so the name keeps addressing one key
//! (`show NAME`, the next rotation), and Narrative's own UI shows which key
//! is on its way out. The format is written and read here only.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::validation::name_with_suffix;

/// What comes between the name and the instant.
const OPEN: &str = " (retiring ";
/// What follows the instant.
const CLOSE: &str = " UTC)";

/// `name` marked as retiring at `at` (shown to the minute, rounded down),
/// replacing any retiring mark it had, so marks never stack. The name is
/// cut, by characters, so the whole stays within
/// [`MAX_NAME_CHARS`](crate::validation::MAX_NAME_CHARS).
pub fn retiring_name(name: &str, at: DateTime<Utc>) -> String {
    // A key an interrupted apply left pending retires under its own name.
    let name = base_name(name);
    let name = strip_marked(name, PENDING).map_or(name, str::trim_end);
    name_with_suffix(base_name(name), &mark(at))
}

/// `at` to the minute (rounded down), as the retiring mark writes it:
/// `2026-12-08 10:00 UTC`.
pub fn minute_text(at: DateTime<Utc>) -> String {
    // Cut from the RFC 3339 text, `2026-12-08T10:00:37Z`: its formatter is
    // in the npm package already, a padded-number one would add to it.
    let rfc3339 = at.to_rfc3339_opts(SecondsFormat::Secs, true);
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(date), Some(time)) if rfc3339.len() == 20 => format!("{date} {time} UTC"),
        // Past year 9999, beyond any span: left whole.
        _ => rfc3339,
    }
}

/// `name` without its retiring marks (and the spaces before them): the name
/// a successor of a retiring key takes.
pub fn base_name(name: &str) -> &str {
    let mut base = name.trim_end();
    while let Some(rest) = strip_mark(base) {
        base = rest.trim_end();
    }
    base
}

/// When a key renamed by an overlap rotation stops working: its expiration,
/// when its name ends with the retiring mark of that expiration (to the
/// minute). A mark typed by hand on a key that expires at another time (or
/// never), or an expiration changed since, is just a name. Compared as
/// text, so reading a key back needs no date parser.
pub(crate) fn retiring_at(name: &str, expires_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    let at = expires_at?;
    name.trim_end().ends_with(&mark(at)).then_some(at)
}

/// ` (retiring 2026-12-08 10:00 UTC)`.
fn mark(at: DateTime<Utc>) -> String {
    format!("{OPEN}{})", minute_text(at))
}

/// The name before a retiring mark at its very end: ` (retiring `, an
/// instant of the shape `2026-12-08 10:00`, ` UTC)`.
fn strip_mark(name: &str) -> Option<&str> {
    strip_marked(name, OPEN)
}

/// What comes between the name and the instant of a pending mark.
const PENDING: &str = " (pending ";

/// The name keys as code gives a key it makes until every target holds its
/// secret: `NAME (pending 2026-12-06 06:30 UTC)`, cut to fit the limit. A
/// key still named so after a run was left by an interrupted apply: its
/// secret may or may not have reached its targets.
pub fn pending_name(name: &str, at: DateTime<Utc>) -> String {
    name_with_suffix(name, &format!("{PENDING}{})", minute_text(at)))
}

/// Whether `name` carries a pending mark at its end.
pub fn is_pending(name: &str) -> bool {
    strip_marked(name.trim_end(), PENDING).is_some()
}

/// Whether `name` is `base` with a pending mark ([`pending_name`]), `base`
/// cut as that cuts a long name.
pub fn is_pending_of(name: &str, base: &str) -> bool {
    let Some(cut) = strip_marked(name.trim_end(), PENDING) else {
        return false;
    };
    let base = base.trim();
    cut == base
        || (name.chars().count() == crate::validation::MAX_NAME_CHARS
            && base.starts_with(cut)
            && !cut.is_empty())
}

/// The name before a mark `open` + `2026-12-08 10:00` + ` UTC)` at its
/// very end.
fn strip_marked<'a>(name: &'a str, open: &str) -> Option<&'a str> {
    const SHAPE: &[u8] = b"0000-00-00 00:00";
    let inner = name.strip_suffix(CLOSE)?;
    let cut = inner.len().checked_sub(SHAPE.len())?;
    let instant = inner.as_bytes().get(cut..)?;
    let shaped = instant.iter().zip(SHAPE).all(|(c, shape)| match shape {
        b'0' => c.is_ascii_digit(),
        _ => c == shape,
    });
    // All ASCII, so `cut` is on a character boundary.
    shaped.then(|| inner[..cut].strip_suffix(open)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::MAX_NAME_CHARS;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_mark_is_written_to_the_minute_and_read_back() {
        let stops = at("2026-12-08T10:00:59Z");
        let name = retiring_name("etl", stops);
        assert_eq!(name, "etl (retiring 2026-12-08 10:00 UTC)");
        assert_eq!(minute_text(stops), "2026-12-08 10:00 UTC");
        assert_eq!(base_name(&name), "etl");
        assert_eq!(retiring_at(&name, Some(stops)), Some(stops));
    }

    #[test]
    fn a_pending_mark_is_written_and_read_back_even_on_a_cut_name() {
        let at = at("2026-12-06T06:30:59Z");
        let name = pending_name("etl", at);
        assert_eq!(name, "etl (pending 2026-12-06 06:30 UTC)");
        assert!(is_pending(&name) && is_pending_of(&name, "etl"));
        assert!(!is_pending_of(&name, "etl2") && !is_pending("etl"));
        assert!(!is_pending(&retiring_name("etl", at)));
        assert_eq!(
            retiring_name(&name, at),
            "etl (retiring 2026-12-06 06:30 UTC)",
            "a pending key retires under its own name"
        );
        let long = "é".repeat(MAX_NAME_CHARS);
        let cut = pending_name(&long, at);
        assert_eq!(cut.chars().count(), MAX_NAME_CHARS);
        assert!(is_pending_of(&cut, &long));
        assert!(!is_pending_of(&cut, &"e".repeat(MAX_NAME_CHARS)));
    }

    #[test]
    fn marks_never_stack() {
        let once = retiring_name("etl", at("2026-12-08T10:00:00Z"));
        let twice = retiring_name(&once, at("2026-12-09T11:30:00Z"));
        assert_eq!(twice, "etl (retiring 2026-12-09 11:30 UTC)");
        // Marks stacked by something else are all removed.
        let stacked = format!("{once}  (retiring 2027-01-01 00:00 UTC) ");
        assert_eq!(base_name(&stacked), "etl");
        assert_eq!(
            retiring_name(&stacked, at("2026-12-10T00:00:00Z")),
            "etl (retiring 2026-12-10 00:00 UTC)"
        );
    }

    #[test]
    fn a_long_name_is_cut_to_fit_the_limit() {
        let long = "é".repeat(MAX_NAME_CHARS);
        let stops = at("2026-12-08T10:00:00Z");
        let name = retiring_name(&long, stops);
        assert_eq!(name.chars().count(), MAX_NAME_CHARS);
        assert!(name.ends_with(" (retiring 2026-12-08 10:00 UTC)"), "{name}");
        assert_eq!(retiring_at(&name, Some(stops)), Some(stops));
        assert_eq!(base_name(&name), "é".repeat(MAX_NAME_CHARS - 32));
    }

    #[test]
    fn only_a_mark_of_the_right_shape_at_the_end_counts() {
        for name in [
            "etl",
            "etl (retiring soon)",
            "etl (retiring 2026-12-08 10:00 UTC) v2",
            "etl (retiring 2026-12-08T10:00 UTC)",
            "etl (retiring 2026-12-08 10:0 UTC)",
            "(retiring 2026-12-08 10:00 UTC)",
            "é (retiring 2026-12-08 10:0é UTC)",
        ] {
            assert_eq!(base_name(name), name.trim_end(), "{name}");
        }
    }

    #[test]
    fn a_mark_counts_only_with_the_expiration_it_names() {
        let name = "etl (retiring 2026-12-08 10:00 UTC)";
        assert_eq!(retiring_at(name, None), None, "never expires");
        assert_eq!(retiring_at(name, Some(at("2026-12-08T10:01:00Z"))), None);
        assert_eq!(retiring_at(name, Some(at("2026-12-08T09:59:59Z"))), None);
        assert_eq!(retiring_at("etl", Some(at("2026-12-08T10:00:00Z"))), None);
    }
}
