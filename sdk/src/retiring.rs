//! The name an overlap rotation gives the key it retires:
//! `NAME (retiring 2026-12-08 10:00 UTC)`.
//!
//! An overlap leaves both keys working for a while. Renaming the old one
//! leaves its name to the successor, so the name keeps addressing one key
//! (`show NAME`, the next rotation), and Narrative's own UI shows which key
//! is on its way out. The format is written and read here only.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};

use crate::validation::name_with_suffix;

/// What comes between the name and the instant.
const OPEN: &str = " (retiring ";
/// What follows the instant.
const CLOSE: &str = " UTC)";
/// `YYYY-MM-DD HH:MM`.
const INSTANT_CHARS: usize = 16;

/// `name` marked as retiring at `at` (shown to the minute, rounded down),
/// replacing any retiring mark it had, so marks never stack. The name is
/// cut, by characters, so the whole stays within
/// [`MAX_NAME_CHARS`](crate::validation::MAX_NAME_CHARS).
pub fn retiring_name(name: &str, at: DateTime<Utc>) -> String {
    name_with_suffix(base_name(name), &format!("{OPEN}{})", minute_text(at)))
}

/// `at` to the minute (rounded down), as the retiring mark writes it:
/// `2026-12-08 10:00 UTC`.
pub fn minute_text(at: DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// `name` without its retiring marks (and the spaces before them): the name
/// a successor of a retiring key takes.
pub fn base_name(name: &str) -> &str {
    let mut base = name.trim_end();
    while let Some((rest, _)) = split(base) {
        base = rest.trim_end();
    }
    base
}

/// The minute a name's retiring mark names, if it ends with one.
pub fn marked_instant(name: &str) -> Option<DateTime<Utc>> {
    split(name.trim_end()).map(|(_, at)| at)
}

/// When a key renamed by an overlap rotation stops working: its expiration,
/// when its name ends with a retiring mark and the expiration falls in the
/// minute the mark names. A mark typed by hand on a key that expires at
/// another time (or never), or an expiration changed since, is just a name.
pub(crate) fn retiring_at(name: &str, expires_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    let marked = marked_instant(name)?;
    let at = expires_at?;
    (marked <= at && at < marked + Duration::minutes(1)).then_some(at)
}

/// The name before a retiring mark at its very end, and the mark's instant.
fn split(name: &str) -> Option<(&str, DateTime<Utc>)> {
    let inner = name.strip_suffix(CLOSE)?;
    let cut = inner.len().checked_sub(INSTANT_CHARS)?;
    let instant = inner.get(cut..)?;
    let rest = inner.get(..cut)?.strip_suffix(OPEN)?;
    let (date, time) = instant.split_once(' ')?;
    let at = crate::instant::parse_rfc3339(&format!("{date}T{time}:00Z"))?;
    Some((rest, at))
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
        let name = retiring_name("etl", at("2026-12-08T10:00:59Z"));
        assert_eq!(name, "etl (retiring 2026-12-08 10:00 UTC)");
        assert_eq!(marked_instant(&name), Some(at("2026-12-08T10:00:00Z")));
        assert_eq!(base_name(&name), "etl");
        assert_eq!(
            retiring_at(&name, Some(at("2026-12-08T10:00:59Z"))),
            Some(at("2026-12-08T10:00:59Z"))
        );
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
        let name = retiring_name(&long, at("2026-12-08T10:00:00Z"));
        assert_eq!(name.chars().count(), MAX_NAME_CHARS);
        assert!(name.ends_with(" (retiring 2026-12-08 10:00 UTC)"), "{name}");
        assert_eq!(marked_instant(&name), Some(at("2026-12-08T10:00:00Z")));
    }

    #[test]
    fn only_a_well_formed_mark_at_the_end_counts() {
        for name in [
            "etl",
            "etl (retiring soon)",
            "etl (retiring 2026-12-08 10:00 UTC) v2",
            "etl (retiring 2026-13-08 10:00 UTC)",
            "etl (retiring 2026-12-08T10:00 UTC)",
            "(retiring 2026-12-08 10:00 UTC)",
            "é (retiring 2026-12-08 10:0é UTC)",
        ] {
            assert_eq!(marked_instant(name), None, "{name}");
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
