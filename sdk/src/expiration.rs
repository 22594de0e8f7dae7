//! When a key stops working: never, at an instant, or at the start of a day.

use std::fmt;

use chrono::{DateTime, Duration, Months, NaiveDate, SecondsFormat, Utc};

/// Days a new key lives when no expiration is given: every surface (the Rust
/// builder, the npm package, the CLI, the terminal UI, rotation and incident
/// replacements) uses this one number. A key without an expiration is only
/// ever made on an explicit [`Expiration::Never`].
pub const DEFAULT_EXPIRATION_DAYS: i64 = 90;

/// A key's expiration as asked for in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expiration {
    /// The key never expires (only on purpose: the default is 90 days).
    Never,
    /// The key expires at this instant.
    At(DateTime<Utc>),
    /// Midnight UTC at the start of that day; sent as a bare date.
    OnDate(NaiveDate),
}

/// Why an expiration could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an expiration: {reason}")]
pub struct ExpirationParseError {
    /// What was given.
    pub input: String,
    /// What is wrong with it, and what to write instead.
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

    /// Reads what a person types: `never`, a [`Span`] from `now` (`90d`,
    /// `12w`, `36h`, `6mo`, `1y`), a date (`2027-01-31`) or an RFC 3339 instant.
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
        Span::parse(text)
            .map_err(|reason| fail(&reason))?
            .after(now)
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

/// A span of time as a person writes it: `36h`, `90d`, `12w`, `6mo`, `1y`.
///
/// Hours, days and weeks are fixed lengths; months and years are calendar
/// spans, as people mean them: `1y` is the same day next year and `1mo` the
/// same day next month, clamped to the month's last day (Jan 31 + `1mo` is
/// Feb 28, or 29 in a leap year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    /// A fixed number of hours (`h`, `d` and `w` are written as hours).
    Hours(i64),
    /// A number of calendar months (`mo`; `y` is 12).
    Months(u32),
}

/// The longest span taken, in hours and in months: 100 years.
const MAX_SPAN_HOURS: i64 = 24 * 365 * 100;
const MAX_SPAN_MONTHS: i64 = 12 * 100;

/// A unit: its spelling and its size, in hours or in calendar months.
struct Unit {
    name: &'static str,
    hours: Option<i64>,
    months: Option<i64>,
}

const UNITS: [Unit; 5] = [
    Unit {
        name: "h",
        hours: Some(1),
        months: None,
    },
    Unit {
        name: "d",
        hours: Some(24),
        months: None,
    },
    Unit {
        name: "w",
        hours: Some(24 * 7),
        months: None,
    },
    Unit {
        name: "mo",
        hours: None,
        months: Some(1),
    },
    Unit {
        name: "y",
        hours: None,
        months: Some(12),
    },
];

impl Span {
    /// Reads `36h`, `90d`, `12w`, `6mo` or `1y` (case ignored): a whole,
    /// positive number and a unit, at most 100 years. The error is a
    /// sentence saying what to write instead (for `1.5d`: `36h`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (digits, rest) = text.split_at(split);
        if digits.is_empty() {
            return Err(
                "use a span such as 90d, 12w, 36h, 6mo or 1y, a date like 2027-01-31, an RFC 3339 instant, or never"
                    .to_owned(),
            );
        }
        let unit_name = rest.to_ascii_lowercase();
        if let Some(fraction) = unit_name.strip_prefix('.') {
            return Err(fraction_message(digits, fraction));
        }
        let Some(unit) = UNITS.iter().find(|u| u.name == unit_name) else {
            return Err(match unit_name.as_str() {
                "" => "the number needs a unit: h, d, w, mo or y (90d is 90 days)".to_owned(),
                "m" => format!(
                    "`m` could mean minutes or months: write {digits}mo for months (expirations take h, d, w, mo or y)"
                ),
                _ => {
                    "the unit must be h, d, w, mo or y (90d is 90 days, 6mo six months)".to_owned()
                }
            });
        };
        let count: i64 = digits
            .parse()
            .map_err(|_| "the number is too large".to_owned())?;
        if count == 0 {
            return Err("a span of zero would expire at once; use at least 1h".to_owned());
        }
        let too_far = || "that is more than 100 years away".to_owned();
        match (unit.hours, unit.months) {
            (Some(per), _) => count
                .checked_mul(per)
                .filter(|h| *h <= MAX_SPAN_HOURS)
                .map(Self::Hours)
                .ok_or_else(too_far),
            (_, Some(per)) => count
                .checked_mul(per)
                .filter(|m| *m <= MAX_SPAN_MONTHS)
                .and_then(|m| u32::try_from(m).ok())
                .map(Self::Months)
                .ok_or_else(too_far),
            (None, None) => Err(too_far()),
        }
    }

    /// The instant this span after `t`, to the second; `None` past the
    /// calendar's end.
    pub fn after(self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let t = crate::instant::to_second(t);
        match self {
            Self::Hours(h) => t.checked_add_signed(Duration::hours(h)),
            Self::Months(m) => t.checked_add_months(Months::new(m)),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Months(m) if m % 12 == 0 => write!(f, "{}y", m / 12),
            Self::Months(m) => write!(f, "{m}mo"),
            Self::Hours(h) if h % (24 * 7) == 0 => write!(f, "{}w", h / (24 * 7)),
            Self::Hours(h) if h % 24 == 0 => write!(f, "{}d", h / 24),
            Self::Hours(h) => write!(f, "{h}h"),
        }
    }
}

/// `1.5d`: fractions are refused, naming the same span in a smaller unit
/// when there is an exact one (`36h`).
fn fraction_message(whole: &str, rest: &str) -> String {
    let split = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (decimals, unit_name) = rest.split_at(split);
    let refused = "fractions are not accepted";
    let Some(unit) = UNITS.iter().find(|u| u.name == unit_name) else {
        return format!("{refused}; write a whole number and a unit: h, d, w, mo or y");
    };
    // The number as numerator / 10^decimals, exactly, in units of the
    // smaller unit when that makes it whole.
    let (per, smaller): (i64, &[(&str, i64)]) = match (unit.hours, unit.months) {
        (Some(per), _) => (per, &[("d", 24), ("h", 1)]),
        (_, Some(per)) => (per, &[("mo", 1)]),
        (None, None) => (1, &[]),
    };
    let exact = (|| {
        let denominator = 10u64.checked_pow(u32::try_from(decimals.len()).ok()?)?;
        let numerator: u64 = format!("{whole}{decimals}").parse().ok()?;
        let scaled = numerator.checked_mul(u64::try_from(per).ok()?)?;
        smaller
            .iter()
            .filter(|(_, size)| *size < per)
            .find_map(|(name, size)| {
                let in_unit = denominator.checked_mul(u64::try_from(*size).ok()?)?;
                (scaled > 0 && scaled % in_unit == 0).then(|| format!("{}{name}", scaled / in_unit))
            })
    })();
    match exact {
        Some(equivalent) => {
            format!("{refused}: {whole}.{decimals}{unit_name} is {equivalent}; write that instead")
        }
        None => format!(
            "{refused}; write a whole number of {}",
            unit_word(unit.name)
        ),
    }
}

fn unit_word(unit: &str) -> &'static str {
    match unit {
        "h" => "hours",
        "d" => "days",
        "w" => "weeks",
        "mo" => "months (or days, such as 45d)",
        _ => "years (or months, such as 18mo)",
    }
}

/// `2027-02-30`, `2027-01-31T25:00`: meant as a date, but not a valid one.
fn looks_like_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-'
}

/// How far off `at` is, as a person reads it: "in 12 days", "3 days ago",
/// "tomorrow", "in 5 h". The one wording of every surface: the key list,
/// the detail pane and `plan`'s reasons.
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    // Rounded, so a key made "in 9 days" a moment ago still reads 9, not 8.
    let minutes = (at - now).num_minutes();
    let days = (minutes as f64 / 1440.0).round() as i64;
    let hours = (minutes as f64 / 60.0).round() as i64;
    match days {
        0 if hours > 0 => format!("in {hours} h"),
        0 if hours < 0 => format!("{} h ago", -hours),
        0 => "now".to_owned(),
        // "Tomorrow" only for the next calendar day: 36 hours from the
        // evening is the day after.
        1 | -1 => match (at.date_naive() - now.date_naive()).num_days() {
            1 => "tomorrow".to_owned(),
            -1 => "yesterday".to_owned(),
            d if d > 0 => format!("in {d} days"),
            d => format!("{} days ago", -d),
        },
        d if d > 0 => format!("in {d} days"),
        d => format!("{} days ago", -d),
    }
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
            ("6m", "write 6mo for months"),
            ("1.5h", "whole number of hours"),
            ("1.5mo", "whole number of months"),
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

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn span_after(span: &str, from: &str) -> String {
        Span::parse(span)
            .unwrap()
            .after(at(from))
            .unwrap()
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    #[test]
    fn years_and_months_are_calendar_spans() {
        // Same day next year, not 365 days: 2028 is a leap year.
        assert_eq!(
            span_after("1y", "2027-03-01T09:30:00Z"),
            "2028-03-01T09:30:00Z"
        );
        assert_eq!(
            span_after("1y", "2028-01-15T00:00:00Z"),
            "2029-01-15T00:00:00Z"
        );
        // Feb 29 has no match next year: the month's last day.
        assert_eq!(
            span_after("1y", "2028-02-29T12:00:00Z"),
            "2029-02-28T12:00:00Z"
        );
        assert_eq!(
            span_after("4y", "2028-02-29T12:00:00Z"),
            "2032-02-29T12:00:00Z"
        );
        // Month ends clamp, in leap and common years.
        assert_eq!(
            span_after("1mo", "2027-01-31T08:00:00Z"),
            "2027-02-28T08:00:00Z"
        );
        assert_eq!(
            span_after("1mo", "2028-01-31T08:00:00Z"),
            "2028-02-29T08:00:00Z"
        );
        assert_eq!(
            span_after("1MO", "2027-03-31T00:00:00Z"),
            "2027-04-30T00:00:00Z"
        );
        // Not 180 days: six calendar months, across a year end.
        assert_eq!(
            span_after("6mo", "2026-11-26T10:00:00Z"),
            "2027-05-26T10:00:00Z"
        );
        assert_eq!(
            span_after("18mo", "2026-08-31T10:00:00Z"),
            "2028-02-29T10:00:00Z"
        );
        assert_eq!(
            Expiration::parse("1y", now()).unwrap().to_wire().as_deref(),
            Some("2027-11-26T10:00:00Z")
        );
    }

    #[test]
    fn hours_days_and_weeks_stay_fixed_lengths() {
        assert_eq!(
            span_after("24h", "2027-03-13T12:00:00Z"),
            "2027-03-14T12:00:00Z"
        );
        assert_eq!(
            span_after("1d", "2028-02-28T12:00:00Z"),
            "2028-02-29T12:00:00Z"
        );
        assert_eq!(
            span_after("1w", "2028-02-25T12:00:00Z"),
            "2028-03-03T12:00:00Z"
        );
        assert_eq!(Span::parse("2W"), Ok(Span::Hours(336)));
        assert_eq!(Span::parse("1200mo"), Ok(Span::Months(1200)));
        assert!(Span::parse("1201mo").unwrap_err().contains("100 years"));
        assert!(Span::parse("101y").unwrap_err().contains("100 years"));
        for (span, written) in [
            ("36h", "36h"),
            ("48h", "2d"),
            ("14d", "2w"),
            ("24mo", "2y"),
            ("6mo", "6mo"),
        ] {
            assert_eq!(Span::parse(span).unwrap().to_string(), written);
        }
    }

    #[test]
    fn fractions_are_refused_with_the_whole_equivalent() {
        for (fraction, says) in [
            ("1.5d", "1.5d is 36h"),
            ("0.5d", "0.5d is 12h"),
            ("1.5w", "1.5w is 252h"),
            ("0.5w", "0.5w is 84h"),
            ("1.5y", "1.5y is 18mo"),
            ("2.25d", "2.25d is 54h"),
            ("1.1d", "whole number of days"),
            ("1.5x", "and a unit"),
        ] {
            let err = Expiration::parse(fraction, now()).unwrap_err().to_string();
            assert!(
                err.contains("fractions are not accepted"),
                "{fraction}: {err}"
            );
            assert!(err.contains(says), "{fraction}: {err}");
        }
    }

    #[test]
    fn tomorrow_is_the_next_calendar_day() {
        let evening: DateTime<Utc> = "2026-11-27T18:56:00Z".parse().unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 36 h less a moment from the evening is the day after tomorrow.
        assert_eq!(relative(at("2026-11-29T06:55:59Z"), evening), "in 2 days");
        assert_eq!(relative(at("2026-11-28T20:00:00Z"), evening), "tomorrow");
        assert_eq!(relative(at("2026-11-26T18:00:00Z"), evening), "yesterday");
    }

    #[test]
    fn relative_times() {
        let now: DateTime<Utc> = "2026-11-26T10:00:00Z".parse().unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(relative(at("2026-12-08T10:00:00Z"), now), "in 12 days");
        assert_eq!(relative(at("2026-11-23T09:00:00Z"), now), "3 days ago");
        assert_eq!(relative(at("2026-11-26T15:00:00Z"), now), "in 5 h");
    }
}
