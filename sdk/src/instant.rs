//! Reading instants and dates: RFC 3339 (the API's `date-time`), bare
//! `YYYY-MM-DD` dates, and HTTP dates (`Retry-After`).
//!
//! Everything goes through chrono's dedicated RFC 3339 parser. chrono's
//! `Deserialize`, `NaiveDate: FromStr` and RFC 2822 parser all use its
//! general format-string parser instead, which is about 10 KB of the npm
//! package's WebAssembly; these few lines keep it out.

use chrono::{DateTime, NaiveDate, Utc};

/// An RFC 3339 instant (`2027-01-31T12:00:00Z`, any offset), in UTC.
pub fn parse_rfc3339(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A bare `YYYY-MM-DD` date (RFC 3339's `full-date`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    // A full-date is exactly `YYYY-MM-DD`; only one followed by this time
    // is an RFC 3339 instant. (The length check spares an instant, tried
    // here first, a second parse.)
    if text.len() != 10 {
        return None;
    }
    parse_rfc3339(&format!("{text}T00:00:00Z")).map(|t| t.date_naive())
}

/// `t` without its fraction of a second.
pub(crate) fn to_second(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

/// An HTTP date in its preferred form (RFC 9110 `IMF-fixdate`):
/// `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = text.split_ascii_whitespace();
    let (_weekday, day, month, year, time, zone) = (
        parts.next()?.strip_suffix(',')?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if zone != "GMT" || parts.next().is_some() || day.len() != 2 || year.len() != 4 {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    parse_rfc3339(&format!("{year}-{month:02}-{day}T{time}Z"))
}

/// `#[serde(deserialize_with)]` readers for RFC 3339 fields.
pub(crate) mod serde_rfc3339 {
    use std::fmt;

    use chrono::{DateTime, Utc};
    use serde::Deserialize;
    use serde::de::{self, Deserializer, Visitor};

    struct Rfc3339(DateTime<Utc>);

    impl<'de> Deserialize<'de> for Rfc3339 {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Instant;
            impl Visitor<'_> for Instant {
                type Value = Rfc3339;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("an RFC 3339 instant such as 2027-01-31T12:00:00Z")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Rfc3339, E> {
                    super::parse_rfc3339(v)
                        .map(Rfc3339)
                        .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            d.deserialize_str(Instant)
        }
    }

    pub fn one<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        Rfc3339::deserialize(d).map(|t| t.0)
    }

    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Ok(Option::<Rfc3339>::deserialize(d)?.map(|t| t.0))
    }

    pub fn many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<DateTime<Utc>>, D::Error> {
        Ok(Vec::<Rfc3339>::deserialize(d)?
            .into_iter()
            .map(|t| t.0)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_instants_any_offset() {
        let t = parse_rfc3339("2027-01-31T13:30:00+01:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2027-01-31T12:30:00+00:00");
        assert!(parse_rfc3339("2027-01-31T12:00:00.123456Z").is_some());
        for bad in [
            "",
            "2027-01-31",
            "2027-02-30T00:00:00Z",
            "tomorrow",
            "2027-01-31T12:00:00",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_are_full_dates_only() {
        assert_eq!(
            parse_date("2027-01-31"),
            NaiveDate::from_ymd_opt(2027, 1, 31)
        );
        assert_eq!(
            parse_date("2028-02-29"),
            NaiveDate::from_ymd_opt(2028, 2, 29)
        );
        for bad in [
            "",
            "2027-02-29",
            "2027-1-31",
            "27-01-31",
            "2027-01-31T00:00:00Z",
            "2027-01-31T01:00:00",
            "2027-01-31 ",
            "30d",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn http_dates() {
        let t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(t.to_rfc3339(), "1994-11-06T08:49:37+00:00");
        for bad in [
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sunday, 06-Nov-94 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn serde_fields_read_rfc3339_and_say_what_they_expected() {
        #[derive(serde::Deserialize)]
        struct Fields {
            #[serde(deserialize_with = "serde_rfc3339::one")]
            one: DateTime<Utc>,
            #[serde(default, deserialize_with = "serde_rfc3339::option")]
            maybe: Option<DateTime<Utc>>,
            #[serde(default, deserialize_with = "serde_rfc3339::many")]
            many: Vec<DateTime<Utc>>,
        }
        let f: Fields = serde_json::from_str(
            r#"{"one":"2027-01-31T12:00:00Z","maybe":null,"many":["2027-01-31T12:00:00Z"]}"#,
        )
        .unwrap();
        assert_eq!(f.one, f.many[0]);
        assert_eq!(f.maybe, None);
        let f: Fields = serde_json::from_str(r#"{"one":"2027-01-31T12:00:00Z"}"#).unwrap();
        assert!(f.maybe.is_none() && f.many.is_empty());
        let err = serde_json::from_str::<Fields>(r#"{"one":"2027-01-31"}"#)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("expected an RFC 3339 instant"), "{err}");
    }
}
