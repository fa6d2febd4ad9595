//! The summary of a simulation run.
//!
//! Owns: the report value and its text form. Must not: run anything.

use std::fmt;

/// What a run did and found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimReport {
    /// The seed (replays identically).
    pub seed: u64,
    /// Steps run.
    pub steps: u64,
    /// Simulated seconds.
    pub simulated_s: i64,
    /// Evictions written by the taint manager.
    pub evictions: u64,
    /// Evictions written by application failover.
    pub application_evictions: u64,
    /// Eviction tasks released by the graceful eviction controller.
    pub released_tasks: u64,
    /// Scheduling passes.
    pub scheduling_passes: u64,
    /// Events recorded.
    pub events: u64,
    /// Durations of degraded periods that ended (ms).
    pub recovery_ms: Vec<i64>,
    /// Invariant violations (a run stops at the first step with one).
    pub violations: Vec<String>,
    /// Faults injected.
    pub faults: usize,
}

impl SimReport {
    /// The `p`-quantile of recovery times, in seconds.
    pub fn recovery_quantile_s(&self, p: f64) -> Option<f64> {
        let mut sorted = self.recovery_ms.clone();
        sorted.sort_unstable();
        let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(i).map(|ms| *ms as f64 / 1000.0)
    }
}

impl fmt::Display for SimReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "seed {}: {} steps, {} s simulated, {} faults",
            self.seed, self.steps, self.simulated_s, self.faults
        )?;
        writeln!(
            f,
            "  evictions {} (application {}), tasks released {}, scheduling passes {}, events {}",
            self.evictions,
            self.application_evictions,
            self.released_tasks,
            self.scheduling_passes,
            self.events
        )?;
        let q = |p| {
            self.recovery_quantile_s(p)
                .map_or("-".to_string(), |s| format!("{s:.0}s"))
        };
        writeln!(
            f,
            "  time to recover: n={} p50 {} p99 {} max {}",
            self.recovery_ms.len(),
            q(0.5),
            q(0.99),
            q(1.0)
        )?;
        if self.violations.is_empty() {
            writeln!(f, "  violations: none")
        } else {
            writeln!(f, "  violations: {}", self.violations.len())?;
            self.violations
                .iter()
                .try_for_each(|v| writeln!(f, "    {v}"))
        }
    }
}
