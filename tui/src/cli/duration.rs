//! Duration arguments (`--timeout`, `--deadline`, `--refresh`, ...) as typed.

use std::time::Duration;

/// The longest `--timeout` or `--deadline` taken.
const LONGEST: Duration = Duration::from_secs(24 * 3600);

/// A duration as `500ms`, `30s`, `2m`, `1h`, or a sum such as `1m30s`:
/// whole numbers, each with its unit.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || {
        format!(
            "`{text}` is not a duration: write a number and a unit, e.g. 30s, 2m, 500ms or 1m30s"
        )
    };
    let lower = text.trim().to_ascii_lowercase();
    let mut rest = lower.as_str();
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let millis_per = match &rest[..unit] {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => return Err(bad()),
        };
        rest = &rest[unit..];
        let part = number
            .checked_mul(millis_per)
            .map(Duration::from_millis)
            .ok_or_else(bad)?;
        total = total.checked_add(part).ok_or_else(bad)?;
    }
    if total > LONGEST {
        return Err(format!("`{text}` is longer than the 24h allowed"));
    }
    Ok(total)
}

/// A duration more than zero (`--timeout`, `--delivery-timeout`).
pub(super) fn parse_timeout(text: &str) -> Result<Duration, String> {
    match parse_duration(text)? {
        Duration::ZERO => Err("the timeout must be more than zero, e.g. 30s".to_owned()),
        d => Ok(d),
    }
}
