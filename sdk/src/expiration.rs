//! When a key stops working: never, at an instant, or at the start of a day.

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};

/// Days a new key lives when no expiration is given: every surface (the Rust
/// builder, the npm package, the CLI, the terminal UI, rotation and incident
/// replacements) uses this one number. A key without an expiration is only
/// ever made on an explicit [`Expiration::Never`].
pub const DEFAULT_EXPIRATION_DAYS: i64 = 90;

/// A key's expiration as asked for in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expiration {
    Never,
    At(DateTime<Utc>),
    /// Midnight UTC at the start of that day; sent as a bare date.
    OnDate(NaiveDate),
}

/// Why an expiration could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an expiration: {reason}")]
pub struct ExpirationParseError {
    pub input: String,
    pub reason: String,
}

impl Expiration {
    /// `days` whole days after `now`, to the second.
    pub fn in_days(days: i64, now: DateTime<Utc>) -> Self {
        Self::At(crate::instant::to_second(now) + Duration::days(days))
    }

    /// The default: [`DEFAULT_EXPIRATION_DAYS`] after `now`, to the second.
    pub fn default_at(now: DateTime<Utc>) -> Self {
        Self::in_days(DEFAULT_EXPIRATION_DAYS, now)
    }

    /// Reads back what `Display` writes: `never`, a date or an RFC 3339
    /// instant (as recorded in an incident report).
    pub(crate) fn from_written(text: &str) -> Option<Self> {
        if text == "never" {
            return Some(Self::Never);
        }
        if let Some(date) = crate::instant::parse_date(text) {
            return Some(Self::OnDate(date));
        }
        crate::instant::parse_rfc3339(text).map(Self::At)
    }

    /// Reads what a person types: `never`, a span from `now` (`90d`, `12w`,
    /// `36h`, `1y`), a date (`2027-01-31`) or an RFC 3339 instant.
    pub fn parse(input: &str, now: DateTime<Utc>) -> Result<Self, ExpirationParseError> {
        let text = input.trim();
        let fail = |reason: &str| ExpirationParseError {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        if text.is_empty() {
            return Err(fail(
                "it is empty; use 90d, a date like 2027-01-31, or never",
            ));
        }
        if text.eq_ignore_ascii_case("never") || text.eq_ignore_ascii_case("none") {
            return Ok(Self::Never);
        }
        if let Some(written) = Self::from_written(text) {
            return Ok(written);
        }
        if looks_like_date(text) {
            return Err(fail(if text.len() == 10 {
                "there is no such day; write a date as YYYY-MM-DD"
            } else {
                "write an instant in RFC 3339, such as 2027-01-31T12:00:00Z"
            }));
        }
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (digits, unit) = text.split_at(split);
        if digits.is_empty() {
            return Err(fail(
                "use a span such as 90d, 12w, 36h or 1y, a date like 2027-01-31, an RFC 3339 instant, or never",
            ));
        }
        let count: i64 = digits
            .parse()
            .map_err(|_| fail("the number is too large"))?;
        let hours_per_unit = match unit.to_ascii_lowercase().as_str() {
            "h" => 1,
            "d" => 24,
            "w" => 24 * 7,
            "y" => 24 * 365,
            "" => {
                return Err(fail(
                    "the number needs a unit: h, d, w or y (90d is 90 days)",
                ));
            }
            _ => return Err(fail("the unit must be h, d, w or y (90d is 90 days)")),
        };
        if count == 0 {
            return Err(fail("a span of zero would expire at once; use at least 1h"));
        }
        count
            .checked_mul(hours_per_unit)
            .filter(|h| *h <= 24 * 365 * 100)
            .and_then(|h| crate::instant::to_second(now).checked_add_signed(Duration::hours(h)))
            .map(Self::At)
            .ok_or_else(|| fail("that is more than 100 years away"))
    }

    /// The instant the key stops working, if it ever does.
    pub fn instant(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Never => None,
            Self::At(at) => Some(*at),
            Self::OnDate(d) => d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc()),
        }
    }

    /// The value of `expires_at` in a request; `None` means leave it out.
    pub fn to_wire(&self) -> Option<String> {
        match self {
            Self::Never => None,
            Self::At(at) => Some(at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            Self::OnDate(d) => Some(d.to_string()),
        }
    }
}

impl From<Option<DateTime<Utc>>> for Expiration {
    fn from(value: Option<DateTime<Utc>>) -> Self {
        value.map_or(Self::Never, Self::At)
    }
}

impl fmt::Display for Expiration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_wire() {
            Some(s) => f.write_str(&s),
            None => f.write_str("never"),
        }
    }
}

/// `2027-02-30`, `2027-01-31T25:00`: meant as a date, but not a valid one.
fn looks_like_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-26T10:00:00.250Z".parse().unwrap()
    }

    #[test]
    fn parses_spans_dates_instants_and_never() {
        let p = |s: &str| Expiration::parse(s, now()).unwrap().to_wire();
        assert_eq!(p("90d").as_deref(), Some("2027-02-24T10:00:00Z"));
        assert_eq!(p("2w").as_deref(), Some("2026-12-10T10:00:00Z"));
        assert_eq!(p("36h").as_deref(), Some("2026-11-27T22:00:00Z"));
        assert_eq!(p("2027-01-31").as_deref(), Some("2027-01-31"));
        assert_eq!(
            p("2027-01-31T12:00:00+02:00").as_deref(),
            Some("2027-01-31T10:00:00Z")
        );
        assert_eq!(p(" Never "), None);
    }

    #[test]
    fn bad_input_is_explained() {
        for (bad, says) in [
            ("", "empty"),
            ("90", "needs a unit"),
            ("90x", "unit must be"),
            ("soon", "use a span"),
            ("0d", "zero"),
            ("99999999999999999999d", "too large"),
            ("200y", "100 years"),
            ("2027-02-30", "no such day"),
            ("2027-01-31T25:00:00Z", "RFC 3339"),
        ] {
            let err = Expiration::parse(bad, now()).unwrap_err().to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn a_date_means_midnight_utc() {
        let e = Expiration::OnDate(NaiveDate::from_ymd_opt(2027, 1, 31).unwrap());
        assert_eq!(
            e.instant().unwrap().to_rfc3339(),
            "2027-01-31T00:00:00+00:00"
        );
    }
}
