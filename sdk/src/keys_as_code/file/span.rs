//! The spans and lifetimes the file writes: `"0s"`, `"30s"`, `"24h"`, `"90d"`, `"never"`.

use chrono::{DateTime, Utc};

use crate::expiration::{Expiration, Span};

/// The longest span the file takes in seconds (`"2s"`): 100 years.
const MAX_SECONDS: i64 = 100 * 365 * 24 * 3600;

/// A span as the file writes it: `"0s"`, `"30s"`, or an expiration
/// [`Span`] (`24h`, `14d`, `2w`, `6mo`, `1y`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileSpan {
    /// `"0s"`: no time at all (an overlap that revokes at once).
    Zero,
    /// A number of seconds.
    Seconds(i64),
    /// Hours or calendar months.
    Span(Span),
}

impl FileSpan {
    /// Reads `0s`, `45s` or what [`Span::parse`] reads; the error says what
    /// to write instead.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let seconds = trimmed
            .strip_suffix(['s', 'S'])
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
        match seconds {
            Some(digits) => match digits.parse::<i64>() {
                Ok(0) => Ok(Self::Zero),
                Ok(n) if n <= MAX_SECONDS => Ok(Self::Seconds(n)),
                _ => Err("that is more than 100 years".to_owned()),
            },
            None if trimmed == "0" => Ok(Self::Zero),
            None => Span::parse(trimmed)
                .map(Self::Span)
                .map_err(|e| format!("{e} (or seconds, such as 30s; 0s for none)")),
        }
    }

    /// The instant this span after `t`; `None` past the calendar's end.
    pub fn after(self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Zero => Some(t),
            Self::Seconds(s) => t.checked_add_signed(chrono::Duration::seconds(s)),
            Self::Span(span) => span.after(t),
        }
    }
}

impl std::fmt::Display for FileSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Zero => f.write_str("0s"),
            Self::Seconds(s) => write!(f, "{s}s"),
            Self::Span(span) => span.fmt(f),
        }
    }
}

/// How long a key `apply` creates lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// `"never"`: the key never expires (and is then always due for rotation).
    Never,
    /// This long after its creation.
    For(FileSpan),
}

impl Lifetime {
    /// The expiration of a key created at `now`.
    pub fn expiration(self, now: DateTime<Utc>) -> Expiration {
        match self {
            Self::Never => Expiration::Never,
            Self::For(span) => span.after(now).map_or(Expiration::Never, Expiration::At),
        }
    }
}
