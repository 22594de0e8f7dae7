//! Fault injection: a fraction of requests fail in one of the ways real
//! networks and servers do. The choice is made before a request reaches
//! authentication or the store, so an injected failure never half-applies a
//! write (a slow answer then processes the request normally).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How often and how faults are injected.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// Fraction of requests to fault, in `[0, 1]`.
    pub rate: f64,
    /// `Retry-After` seconds sent with an injected 429.
    pub retry_after_secs: u64,
    /// How long an injected slow answer waits before processing the request.
    pub slow: Duration,
    /// Seed for reproducible choices; `None` seeds from the OS.
    pub seed: Option<u64>,
    /// The kinds to choose from, uniformly; empty means all of them.
    pub kinds: Vec<FaultKind>,
    /// Only requests with these HTTP methods (upper case) are faulted; empty
    /// means every method. Lets a test fail one step of a workflow.
    pub methods: Vec<String>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            rate: 0.0,
            retry_after_secs: 1,
            slow: Duration::from_millis(1500),
            seed: None,
            kinds: Vec::new(),
            methods: Vec::new(),
        }
    }
}

/// The ways a request can be made to fail, chosen uniformly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// 500 Internal Server Error.
    InternalError,
    /// 503 Service Unavailable.
    Unavailable,
    /// 429 Too Many Requests with `Retry-After`.
    RateLimited,
    /// Wait [`FaultConfig::slow`], then answer normally.
    Slow,
    /// Close the connection without any response.
    Drop,
}

impl std::str::FromStr for FaultKind {
    type Err = String;

    /// `500`, `503`, `429`, `slow` or `drop`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "500" => Ok(FaultKind::InternalError),
            "503" => Ok(FaultKind::Unavailable),
            "429" => Ok(FaultKind::RateLimited),
            "slow" => Ok(FaultKind::Slow),
            "drop" => Ok(FaultKind::Drop),
            other => Err(format!(
                "`{other}` is not a fault kind: use 500, 503, 429, slow or drop"
            )),
        }
    }
}

impl FaultKind {
    /// Every kind of fault, in the order the counters list them.
    pub const ALL: [FaultKind; 5] = [
        FaultKind::InternalError,
        FaultKind::Unavailable,
        FaultKind::RateLimited,
        FaultKind::Slow,
        FaultKind::Drop,
    ];
}

/// Counters of injected faults, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultStats {
    /// Answers replaced by a 500.
    pub internal_error: u64,
    /// Answers replaced by a 503.
    pub unavailable: u64,
    /// Answers replaced by a 429 with `Retry-After`.
    pub rate_limited: u64,
    /// Answers delayed.
    pub slow: u64,
    /// Connections dropped without an answer.
    pub dropped: u64,
}

impl FaultStats {
    /// All injected faults.
    pub fn total(&self) -> u64 {
        self.internal_error + self.unavailable + self.rate_limited + self.slow + self.dropped
    }
}

/// Runtime state: the configuration, the random source and the counters.
#[derive(Debug)]
pub(crate) struct Faults {
    pub config: FaultConfig,
    rng: Mutex<fastrand::Rng>,
    counters: [AtomicU64; 5],
}

impl Faults {
    pub fn new(config: FaultConfig) -> Self {
        let rng = match config.seed {
            Some(s) => fastrand::Rng::with_seed(s),
            None => fastrand::Rng::new(),
        };
        Faults {
            config,
            rng: Mutex::new(rng),
            counters: Default::default(),
        }
    }

    /// Decides whether (and how) to fault the next request, counting it.
    pub fn pick(&self, method: &str) -> Option<FaultKind> {
        if self.config.rate <= 0.0 {
            return None;
        }
        if !self.config.methods.is_empty()
            && !self
                .config
                .methods
                .iter()
                .any(|m| m.eq_ignore_ascii_case(method))
        {
            return None;
        }
        let kind = {
            let mut rng = match self.rng.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            if rng.f64() >= self.config.rate {
                return None;
            }
            let kinds: &[FaultKind] = if self.config.kinds.is_empty() {
                &FaultKind::ALL
            } else {
                &self.config.kinds
            };
            kinds[rng.usize(0..kinds.len())]
        };
        let index = FaultKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.counters[index].fetch_add(1, Ordering::Relaxed);
        Some(kind)
    }

    pub fn stats(&self) -> FaultStats {
        let c = |i: usize| self.counters[i].load(Ordering::Relaxed);
        FaultStats {
            internal_error: c(0),
            unavailable: c(1),
            rate_limited: c(2),
            slow: c(3),
            dropped: c(4),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_zero_never_faults_and_one_always_does() {
        let f = Faults::new(FaultConfig::default());
        assert!((0..100).all(|_| f.pick("GET").is_none()));
        let f = Faults::new(FaultConfig {
            rate: 1.0,
            seed: Some(7),
            ..FaultConfig::default()
        });
        assert!((0..100).all(|_| f.pick("GET").is_some()));
        let s = f.stats();
        assert_eq!(s.total(), 100);
        assert!(s.internal_error > 0 && s.dropped > 0 && s.slow > 0);
    }

    #[test]
    fn chosen_kinds_only() {
        let f = Faults::new(FaultConfig {
            rate: 1.0,
            kinds: vec![FaultKind::Unavailable, FaultKind::RateLimited],
            ..FaultConfig::default()
        });
        assert!((0..50).all(|_| matches!(
            f.pick("GET"),
            Some(FaultKind::Unavailable | FaultKind::RateLimited)
        )));
        assert_eq!(f.stats().unavailable + f.stats().rate_limited, 50);
    }

    #[test]
    fn chosen_methods_only() {
        let f = Faults::new(FaultConfig {
            rate: 1.0,
            methods: vec!["DELETE".into()],
            ..FaultConfig::default()
        });
        assert!(f.pick("GET").is_none() && f.pick("POST").is_none());
        assert!(f.pick("DELETE").is_some());
    }

    #[test]
    fn seeded_choices_repeat() {
        let cfg = FaultConfig {
            rate: 0.5,
            seed: Some(42),
            ..FaultConfig::default()
        };
        let a: Vec<_> = {
            let f = Faults::new(cfg.clone());
            (0..50).map(|_| f.pick("GET")).collect()
        };
        let f = Faults::new(cfg);
        let b: Vec<_> = (0..50).map(|_| f.pick("GET")).collect();
        assert_eq!(a, b);
    }
}
