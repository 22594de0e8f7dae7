//! Retries with capped exponential backoff and jitter, honouring `Retry-After`.

use std::time::Duration;

/// When and how long to wait before trying an idempotent request again.
///
/// GET, PUT and DELETE are retried on 429, 500, 502, 503, 504 and on a
/// connection that could not be opened or broke. Creating a key (POST) is
/// retried only when the server provably did nothing: a 429, or natively a
/// connection that could not be opened, before anything was sent. After any
/// other failure its answer may have been lost, and a retry could mint a
/// second key. A timed-out attempt is never retried (see
/// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// The wait before the first retry; it doubles after each attempt, with jitter.
    pub initial_backoff: Duration,
    /// The longest wait between attempts.
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this is not waited out: the call fails
    /// with `RateLimited` at once and the caller decides.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is tried once.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How long to wait before retry number `retry` (0-based). A server's
    /// `Retry-After` wins; otherwise the backoff doubles per retry up to the
    /// cap, and a random part (between half and all of it) spreads clients out.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after;
        }
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(30)))
            .min(self.max_backoff);
        let half = exp / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Reads `Retry-After`: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = crate::instant::parse_http_date(value)?;
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// A duration as the command line writes it: `500ms`, `30s`, `2m`, `1h`,
/// or `1500ms` when it is not a whole number of seconds.
pub fn duration_text(d: Duration) -> String {
    // u64, not the u128 `as_millis` gives: formatting u128 costs the npm
    // package 1 KB, and 2^64 ms is 584 million years.
    let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    if ms == 0 {
        "0s".to_owned()
    } else if ms % 1000 != 0 {
        format!("{ms}ms")
    } else if ms % 3_600_000 == 0 {
        format!("{}h", ms / 3_600_000)
    } else if ms % 60_000 == 0 {
        format!("{}m", ms / 60_000)
    } else {
        format!("{}s", ms / 1000)
    }
}

/// Sleeps without blocking: tokio's timer natively, the browser's timer on wasm.
pub(crate) async fn sleep(duration: Duration) {
    #[cfg(not(target_arch = "wasm32"))]
    tokio::time::sleep(duration).await;
    #[cfg(target_arch = "wasm32")]
    gloo_timers::future::TimeoutFuture::new(timer_millis(duration)).await;
}

/// A duration for JavaScript's timers (`setTimeout`, `AbortSignal.timeout`),
/// which hold a signed 32-bit count of milliseconds and fire at once beyond
/// it: at most 2,147,483,647 ms (24.8 days), which is as good as never.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn timer_millis(duration: Duration) -> u32 {
    u32::try_from(duration.as_millis()).map_or(i32::MAX as u32, |ms| ms.min(i32::MAX as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timer_longer_than_javascript_holds_waits_the_longest_it_can() {
        assert_eq!(timer_millis(Duration::from_millis(3_000)), 3_000);
        for long in [
            Duration::from_millis(3_000_000_000),
            Duration::from_secs(1 << 40),
            Duration::MAX,
        ] {
            assert_eq!(timer_millis(long), 2_147_483_647);
        }
    }

    #[test]
    fn backoff_doubles_caps_and_jitters() {
        let p = RetryPolicy::default();
        for retry in 0..8 {
            let d = p.delay(retry, None);
            let full = (p.initial_backoff * 2u32.pow(retry)).min(p.max_backoff);
            assert!(
                d >= full / 2 && d <= full,
                "retry {retry}: {d:?} vs {full:?}"
            );
        }
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn durations_read_as_the_command_line_writes_them() {
        for (ms, text) in [
            (0, "0s"),
            (500, "500ms"),
            (1500, "1500ms"),
            (1000, "1s"),
            (30_000, "30s"),
            (90_000, "90s"),
            (120_000, "2m"),
            (7_200_000, "2h"),
        ] {
            assert_eq!(duration_text(Duration::from_millis(ms)), text);
        }
    }

    #[test]
    fn retry_after_in_seconds_or_http_date() {
        let now = "2026-11-26T10:00:00Z".parse().unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Thu, 26 Nov 2026 10:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
