//! Per-key retry back-off after a failed eviction (F-53 as adjusted by FD-11): exponential from
//! `--rate-limiter-base-delay` (5 ms) to `--rate-limiter-max-delay` (1000 s). A retry never
//! consumes a pacer token by itself: the failed attempt refunds its token, and the retry asks
//! again only when it is about to write.
//!
//! Owns: the delay formula and per-key failure counts. Must not: read the clock or requeue.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::SignedDuration;

use super::{NANOS_PER_SECOND, nanos, time_at};

/// Karmada's `--rate-limiter-base-delay` default: 5 ms.
pub const DEFAULT_BASE_DELAY_S: f64 = 0.005;

/// Karmada's `--rate-limiter-max-delay` default: 1000 s.
pub const DEFAULT_MAX_DELAY_S: f64 = 1000.0;

/// Largest delay representable as a `SignedDuration` in nanoseconds (about 292 years).
const MAX_DELAY_NS: i128 = i64::MAX as i128;

/// Exponential back-off `base · 2^n`, capped at `max`, where `n` is the number of failures of
/// the key before this one (the first retry waits `base`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBackoff {
    base_ns: i128,
    max_ns: i128,
}

impl RetryBackoff {
    /// Builds the back-off from the flag values in seconds. As in Karmada (F-64), a value `<= 0`
    /// (or not finite) falls back to its default.
    pub fn new(base_delay_s: f64, max_delay_s: f64) -> Self {
        let pick = |v: f64, default: f64| if v.is_finite() && v > 0.0 { v } else { default };
        let to_ns = |s: f64| ((s * NANOS_PER_SECOND as f64).ceil() as i128).clamp(1, MAX_DELAY_NS);
        Self {
            base_ns: to_ns(pick(base_delay_s, DEFAULT_BASE_DELAY_S)),
            max_ns: to_ns(pick(max_delay_s, DEFAULT_MAX_DELAY_S)),
        }
    }

    /// The delay before retry number `failures + 1`: `min(base · 2^failures, max)`.
    pub fn delay(&self, failures: u32) -> SignedDuration {
        let raw = if failures >= 100 {
            i128::MAX
        } else {
            self.base_ns.saturating_mul(1i128 << failures)
        };
        SignedDuration::from_nanos_i128(raw.min(self.max_ns))
    }

    /// `now + delay(failures)`.
    pub fn retry_at(&self, failures: u32, now: &Time) -> Time {
        time_at(nanos(now).saturating_add(self.delay(failures).as_nanos()))
    }
}

impl Default for RetryBackoff {
    fn default() -> Self {
        Self::new(DEFAULT_BASE_DELAY_S, DEFAULT_MAX_DELAY_S)
    }
}

/// Failure counts per key (the workqueue's "failures of that key so far", F-50), with the
/// back-off applied. A success forgets the key (F-53: "on success the key's failure count is
/// reset").
#[derive(Debug, Clone)]
pub struct RetryTracker<K: Ord> {
    backoff: RetryBackoff,
    failures: BTreeMap<K, u32>,
}

impl<K: Ord> RetryTracker<K> {
    /// An empty tracker.
    pub fn new(backoff: RetryBackoff) -> Self {
        Self {
            backoff,
            failures: BTreeMap::new(),
        }
    }

    /// Records a failure of `key` at `now` and returns when to retry it.
    pub fn failed(&mut self, key: K, now: &Time) -> Time {
        let count = self.failures.entry(key).or_insert(0);
        let at = self.backoff.retry_at(*count, now);
        *count = count.saturating_add(1);
        at
    }

    /// Forgets `key` after a success (or when it leaves the queue for good).
    pub fn succeeded(&mut self, key: &K) {
        self.failures.remove(key);
    }

    /// Failures of `key` so far.
    pub fn failures(&self, key: &K) -> u32 {
        self.failures.get(key).copied().unwrap_or(0)
    }

    /// Keys with at least one failure.
    pub fn len(&self) -> usize {
        self.failures.len()
    }

    /// True when no key has failed.
    pub fn is_empty(&self) -> bool {
        self.failures.is_empty()
    }
}

impl<K: Ord> Default for RetryTracker<K> {
    fn default() -> Self {
        Self::new(RetryBackoff::default())
    }
}
