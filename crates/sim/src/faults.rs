//! Fault schedules: when clusters go dark and come back, flap, lose many at once, get manual
//! NoExecute taints, and when workloads are scaled — all drawn from the seed.
//!
//! Owns: turning a seed and a fault mix into a time-ordered list of faults. Must not: apply them.

use crate::config::FaultMix;
use crate::rng::Rng;

/// The key of the NoExecute taint humans add in simulations.
pub const MANUAL_TAINT_KEY: &str = "maintenance.example.io/drain";

/// One injected fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The member stops answering its health endpoint.
    ClusterDown(usize),
    /// The member answers again.
    ClusterUp(usize),
    /// A human adds a NoExecute taint.
    AddNoExecute(usize),
    /// A human removes it.
    RemoveNoExecute(usize),
    /// A workload is scaled.
    Scale {
        /// Binding index.
        binding: usize,
        /// New replica count.
        replicas: i32,
    },
}

/// A fault at a time (milliseconds since the start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timed {
    /// When.
    pub at_ms: i64,
    /// What.
    pub fault: Fault,
}

/// Faults happen in the first 70 % of the run, so recovery can be observed afterwards.
const ACTIVE_FRACTION: f64 = 0.7;

/// Draws the schedule for a run.
pub fn schedule(
    rng: &mut Rng,
    mix: FaultMix,
    clusters: usize,
    bindings: usize,
    duration_s: i64,
) -> Vec<Timed> {
    let mut out = Vec::new();
    let window_ms = ((duration_s * 1000) as f64 * ACTIVE_FRACTION) as i64;
    if clusters == 0 || window_ms <= 0 {
        return out;
    }
    let incidents = (duration_s / 600).max(1) as usize;
    for _ in 0..incidents {
        let at = rng.between(0, window_ms);
        if mix.down {
            let c = rng.below(clusters as u64) as usize;
            let outage_ms = rng.between(60_000, 900_000);
            out.push(Timed {
                at_ms: at,
                fault: Fault::ClusterDown(c),
            });
            out.push(Timed {
                at_ms: at + outage_ms,
                fault: Fault::ClusterUp(c),
            });
        }
        if mix.flap {
            flap(rng, clusters, at, &mut out);
        }
        if mix.taint {
            let c = rng.below(clusters as u64) as usize;
            let hold_ms = rng.between(30_000, 600_000);
            let at = rng.between(0, window_ms);
            out.push(Timed {
                at_ms: at,
                fault: Fault::AddNoExecute(c),
            });
            out.push(Timed {
                at_ms: at + hold_ms,
                fault: Fault::RemoveNoExecute(c),
            });
        }
        if mix.scale && bindings > 0 {
            let binding = rng.below(bindings as u64) as usize;
            let replicas = rng.between(0, 12) as i32;
            out.push(Timed {
                at_ms: rng.between(0, window_ms),
                fault: Fault::Scale { binding, replicas },
            });
        }
    }
    if mix.mass {
        mass_outage(rng, clusters, window_ms, &mut out);
    }
    out.sort_by_key(|t| t.at_ms);
    out
}

/// A cluster that goes down and up every 10–40 s for a few minutes.
fn flap(rng: &mut Rng, clusters: usize, start_ms: i64, out: &mut Vec<Timed>) {
    let c = rng.below(clusters as u64) as usize;
    let mut t = start_ms;
    for _ in 0..rng.between(3, 8) {
        out.push(Timed {
            at_ms: t,
            fault: Fault::ClusterDown(c),
        });
        t += rng.between(10_000, 40_000);
        out.push(Timed {
            at_ms: t,
            fault: Fault::ClusterUp(c),
        });
        t += rng.between(10_000, 40_000);
    }
}

/// A third of the clusters (at least one, never all) go dark together for 5–15 minutes.
fn mass_outage(rng: &mut Rng, clusters: usize, window_ms: i64, out: &mut Vec<Timed>) {
    let dark = (clusters / 3).clamp(1, clusters.saturating_sub(1).max(1));
    let at = rng.between(0, window_ms);
    let back = at + rng.between(300_000, 900_000);
    let first = rng.below(clusters as u64) as usize;
    for i in 0..dark {
        let c = (first + i) % clusters;
        out.push(Timed {
            at_ms: at,
            fault: Fault::ClusterDown(c),
        });
        out.push(Timed {
            at_ms: back,
            fault: Fault::ClusterUp(c),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_are_seeded_sorted_and_bounded() {
        let a = schedule(&mut Rng::new(3), FaultMix::ALL, 6, 20, 3600);
        let b = schedule(&mut Rng::new(3), FaultMix::ALL, 6, 20, 3600);
        assert_eq!(a, b);
        assert!(a.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
        assert!(a.iter().all(|t| match t.fault {
            Fault::ClusterDown(c)
            | Fault::ClusterUp(c)
            | Fault::AddNoExecute(c)
            | Fault::RemoveNoExecute(c) => c < 6,
            Fault::Scale { binding, .. } => binding < 20,
        }));
        assert!(schedule(&mut Rng::new(3), FaultMix::NONE, 6, 20, 3600).is_empty());
    }
}
