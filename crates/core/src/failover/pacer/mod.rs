//! Eviction pacing: failover.md §8 (F-49 … F-54) as adjusted by decisions.md FD-11 (the seed's
//! rate semantics), FD-12 (rate changeable at run time) and FD-14 (waiting-key gauge).
//!
//! [`EvictionPacer`] is the one pacer shared by the ResourceBinding and ClusterResourceBinding
//! eviction queues. `--resource-eviction-rate=r` is the true ceiling of evictions per second:
//! burst 1, consecutive evictions at least `1/r` apart (1,800 s when `r = 0`). Only real
//! evictions take a token: a worker asks for one only when it is about to write an eviction;
//! no-op keys and re-checks never ask, a [`Acquire::WaitUntil`] answer changes nothing, and a
//! write that fails gives its token back ([`EvictionPacer::refund`]) and is retried after the
//! per-key back-off of [`RetryBackoff`]. The number of workers
//! (`--concurrent-binding-eviction-syncs`) therefore never multiplies the rate.
//!
//! Time: instants are `k8s_openapi` [`Time`] (a `jiff::Timestamp`, nanosecond precision), as
//! everywhere in this crate. All arithmetic is done on integer nanoseconds, so 12 grants at
//! 0.5/s land exactly on 0, 2, …, 22 s; `1/r` is rounded *up* to a whole nanosecond, so the
//! spacing is never below `1/r` (the ceiling holds exactly).
//!
//! Owns: the pacer, the rate type, the retry back-off and the FD-14 waiting-key gauge.
//! Must not: read the clock, sleep, hold a queue, or decide whether a binding is evicted (that
//! is the taint manager).

mod backoff;
mod waiting;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use backoff::{DEFAULT_BASE_DELAY_S, DEFAULT_MAX_DELAY_S, RetryBackoff, RetryTracker};
pub use waiting::{BindingKind, WaitingKeys};

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;

/// Spacing between evictions when the rate is 0 (F-52, FD-11): one eviction per 30 minutes.
pub const RATE_ZERO_INTERVAL_S: i64 = 1800;

/// Karmada's default `--resource-eviction-rate` (F-64).
pub const DEFAULT_RESOURCE_EVICTION_RATE: f64 = 0.5;

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// How many outstanding (not refunded) grants the pacer remembers, so that refunding the latest
/// grant restores the one before it. Older grants no longer constrain the next one at a fixed
/// rate (they lie at least one interval further back).
const GRANT_HISTORY: usize = 16;

/// An invalid `--resource-eviction-rate`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PacerError {
    /// The rate is negative; F-64 requires `r >= 0`.
    #[error("--resource-eviction-rate must be >= 0, got {0}")]
    Negative(f64),
    /// The rate is NaN or infinite.
    #[error("--resource-eviction-rate must be a finite number, got {0}")]
    NotFinite(f64),
    /// The text is not a number.
    #[error("--resource-eviction-rate: {value:?} is not a number")]
    Unparsable {
        /// The text given.
        value: String,
    },
}

/// A validated eviction rate in evictions per second: finite and `>= 0`. Zero means one
/// eviction per [`RATE_ZERO_INTERVAL_S`] (the seed: "30 minutes per cycle"), never "unlimited"
/// or "stopped".
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct EvictionRate(f64);

impl EvictionRate {
    /// Validates `per_second` (F-64: `>= 0`; also finite).
    pub fn new(per_second: f64) -> Result<Self, PacerError> {
        if !per_second.is_finite() {
            Err(PacerError::NotFinite(per_second))
        } else if per_second < 0.0 {
            Err(PacerError::Negative(per_second))
        } else {
            // Normalise -0.0 to 0.0.
            Ok(Self(per_second.max(0.0)))
        }
    }

    /// The configured value, as given.
    pub fn per_second(self) -> f64 {
        self.0
    }

    /// True for `r = 0`.
    pub fn is_zero(self) -> bool {
        self.0 == 0.0
    }

    /// The rate actually enforced: `r`, or `1/1800` per second when `r = 0`.
    pub fn effective_per_second(self) -> f64 {
        if self.is_zero() {
            1.0 / RATE_ZERO_INTERVAL_S as f64
        } else {
            self.0
        }
    }

    /// Minimum spacing between two evictions, in seconds (`1/r` rounded up to a nanosecond).
    pub fn interval_s(self) -> f64 {
        self.interval_ns() as f64 / NANOS_PER_SECOND as f64
    }

    /// Minimum spacing in nanoseconds: `ceil(1e9 / r)`, at least 1 (so burst 1 holds even for
    /// absurd rates); saturates for rates so small that the interval does not fit.
    pub(crate) fn interval_ns(self) -> i128 {
        if self.is_zero() {
            return i128::from(RATE_ZERO_INTERVAL_S) * NANOS_PER_SECOND;
        }
        let ns = (NANOS_PER_SECOND as f64 / self.0).ceil();
        // `as` saturates (infinity → i128::MAX).
        (ns as i128).max(1)
    }
}

impl Default for EvictionRate {
    fn default() -> Self {
        Self(DEFAULT_RESOURCE_EVICTION_RATE)
    }
}

impl FromStr for EvictionRate {
    type Err = PacerError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value: f64 = s
            .trim()
            .parse()
            .map_err(|_| PacerError::Unparsable { value: s.into() })?;
        Self::new(value)
    }
}

impl fmt::Display for EvictionRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One eviction token. Keep it while the eviction is written; if the write fails, give it
/// back with [`EvictionPacer::refund`] so that the retry does not cost an extra token (FD-11).
/// Deliberately not `Clone`: a grant can be refunded at most once.
#[derive(Debug, PartialEq, Eq)]
pub struct Grant {
    at: Time,
    serial: u64,
}

impl Grant {
    /// When the token was granted.
    pub fn at(&self) -> &Time {
        &self.at
    }

    /// The pacer's sequence number of this grant (1 for the first).
    pub fn serial(&self) -> u64 {
        self.serial
    }
}

/// The answer to [`EvictionPacer::try_acquire`].
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a granted token must be used or refunded; a wait must be requeued"]
pub enum Acquire {
    /// Evict now.
    Granted(Grant),
    /// No token before this instant: requeue the key for then. Nothing was consumed.
    WaitUntil(Time),
}

impl Acquire {
    /// True when a token was granted.
    pub fn is_granted(&self) -> bool {
        matches!(self, Acquire::Granted(_))
    }

    /// The instant to requeue at, when no token was granted.
    pub fn wait_until(&self) -> Option<&Time> {
        match self {
            Acquire::Granted(_) => None,
            Acquire::WaitUntil(t) => Some(t),
        }
    }
}

/// The shared eviction pacer (FD-11): a token bucket of capacity 1 refilled every `1/r`.
///
/// A token is free at `now` when there is no outstanding grant, or `now >= last grant +
/// interval`, where the interval is that of the rate in force *now* (so a rate change applies
/// at once, FD-12). A `now` earlier than the last grant (a clock that went backwards) is never
/// free before `last grant + interval`.
#[derive(Debug, Clone)]
pub struct EvictionPacer {
    rate: EvictionRate,
    /// Outstanding grants `(serial, nanoseconds)`, oldest first, at most [`GRANT_HISTORY`].
    grants: VecDeque<(u64, i128)>,
    last_serial: u64,
    evictions: u64,
}

impl EvictionPacer {
    /// A pacer with no grant yet: the first eviction goes at once.
    pub fn new(rate: EvictionRate) -> Self {
        Self {
            rate,
            grants: VecDeque::new(),
            last_serial: 0,
            evictions: 0,
        }
    }

    /// The rate in force.
    pub fn rate(&self) -> EvictionRate {
        self.rate
    }

    /// Changes the rate at run time (FD-12). The next token is due one *new* interval after the
    /// last grant: raising the rate can make it due at once, lowering it pushes it back. Keys
    /// already told to wait keep their requeue time; the caller may re-check them earlier.
    pub fn set_rate(&mut self, rate: EvictionRate) {
        self.rate = rate;
    }

    /// Takes the token if it is free at `now` (burst 1), otherwise says when it will be.
    /// A refusal changes nothing, so re-checks never consume tokens.
    pub fn try_acquire(&mut self, now: &Time) -> Acquire {
        let now_ns = nanos(now);
        match self.due_ns() {
            Some(due) if now_ns < due => Acquire::WaitUntil(time_at(due)),
            _ => {
                self.last_serial += 1;
                self.evictions += 1;
                self.grants.push_back((self.last_serial, now_ns));
                if self.grants.len() > GRANT_HISTORY {
                    self.grants.pop_front();
                }
                Acquire::Granted(Grant {
                    at: now.clone(),
                    serial: self.last_serial,
                })
            }
        }
    }

    /// Gives back the token of an eviction that was not written (the write failed), so the
    /// retry does not cost an extra token (F-53 as adjusted by FD-11). If `grant` is the latest
    /// grant, the next token becomes due one interval after the grant before it (or at once);
    /// otherwise a later grant already governs the schedule and only the count changes.
    /// Returns true when the next token moved earlier.
    pub fn refund(&mut self, grant: Grant) -> bool {
        let Some(pos) = self
            .grants
            .iter()
            .position(|(serial, _)| *serial == grant.serial)
        else {
            // Too old to be remembered: it no longer constrains anything, only the count moves.
            if grant.serial <= self.last_serial {
                self.evictions = self.evictions.saturating_sub(1);
            }
            return false;
        };
        let was_latest = pos + 1 == self.grants.len();
        self.grants.remove(pos);
        self.evictions = self.evictions.saturating_sub(1);
        was_latest
    }

    /// When the next token is free: `now` if it is free now, else the due instant. Use it as
    /// the requeue time of a key that has to wait.
    pub fn next_free(&self, now: &Time) -> Time {
        match self.due_ns() {
            Some(due) if nanos(now) < due => time_at(due),
            _ => now.clone(),
        }
    }

    /// True when [`try_acquire`](Self::try_acquire) at `now` would grant.
    pub fn is_free(&self, now: &Time) -> bool {
        self.due_ns().is_none_or(|due| nanos(now) >= due)
    }

    /// The latest outstanding grant, if any.
    pub fn last_grant(&self) -> Option<Time> {
        self.grants.back().map(|(_, ns)| time_at(*ns))
    }

    /// Evictions paced so far: grants minus refunds.
    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    fn due_ns(&self) -> Option<i128> {
        self.grants
            .back()
            .map(|(_, last)| last.saturating_add(self.rate.interval_ns()))
    }
}

impl Default for EvictionPacer {
    /// A pacer at Karmada's default rate, 0.5 per second.
    fn default() -> Self {
        Self::new(EvictionRate::default())
    }
}

/// Nanoseconds since the Unix epoch.
pub(crate) fn nanos(t: &Time) -> i128 {
    t.0.as_nanosecond()
}

/// The instant `ns` nanoseconds after the epoch, saturating at jiff's range.
pub(crate) fn time_at(ns: i128) -> Time {
    let fallback = if ns < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    };
    Time(Timestamp::from_nanosecond(ns).unwrap_or(fallback))
}
