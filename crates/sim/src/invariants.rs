//! Invariants 1 and 2, checked after every step on the bindings that changed or are degraded
//! (3 … 7 are checked where the corresponding write happens), and the recovery times reported.
//!
//! Owns: the checks and the degradation bookkeeping. Must not: change the world except by
//! recording violations.

use std::collections::BTreeSet;

use flotilla_api::constants::conditions;
use flotilla_api::types::{ConditionStatus, PurgeMode, ReplicaSchedulingType, find_condition};

use crate::config::SimConfig;
use crate::world::{Member, World, describe, ms_of};

/// Detection allowance: probe period + failure threshold + taint-manager resync + a step (s).
const DETECTION_S: i64 = 10 + 30 + 10 + 1;
/// Startup allowance of a new copy (s).
const STARTUP_S: i64 = 10;
/// Scheduling and dispatch slack (s).
const SLACK_S: i64 = 30;

/// Checks state after steps and measures recovery.
#[derive(Debug)]
pub struct Checker {
    failover_on: bool,
    graceful_timeout_s: i64,
    degraded: BTreeSet<usize>,
    /// Durations (ms) of every degraded period that ended.
    pub recoveries: Vec<i64>,
}

impl Checker {
    /// A checker for a configuration.
    pub fn new(config: &SimConfig) -> Self {
        let s = &config.switches;
        Checker {
            failover_on: s.failover_gate && s.no_execute_eviction,
            graceful_timeout_s: s.graceful_eviction_timeout_s,
            degraded: BTreeSet::new(),
            recoveries: Vec::new(),
        }
    }

    /// Runs the checks for bindings that changed this step, plus every degraded one.
    pub fn after_step(&mut self, world: &mut World, changed: BTreeSet<usize>) {
        let mut check = changed;
        check.extend(self.degraded.iter().copied());
        for i in check {
            self.check_one(world, i);
        }
    }

    fn check_one(&mut self, world: &mut World, i: usize) {
        let now = world.now_ms;
        let b = &world.bindings[i];
        let spec = &b.object.spec;
        let divided = spec
            .placement
            .as_ref()
            .and_then(|p| p.replica_scheduling.as_ref())
            .is_some_and(|r| r.replica_scheduling_type == ReplicaSchedulingType::Divided);
        let assigned: i64 = spec.clusters.iter().map(|t| i64::from(t.replicas)).sum();
        if divided && assigned > i64::from(spec.replicas) {
            world.violations.push(format!(
                "invariant 1 at {now} ms: {} assigns {assigned} of {} replicas",
                describe(b),
                spec.replicas
            ));
        }
        let serving = serving_replicas(world, i);
        let desired = if divided {
            i64::from(spec.replicas)
        } else {
            assigned.max(i64::from(spec.replicas.min(1)))
        };
        let b = &mut world.bindings[i];
        if b.never_healthy {
            return;
        }
        if serving < desired {
            b.degraded_since_ms.get_or_insert(now);
            self.degraded.insert(i);
        } else if let Some(since) = b.degraded_since_ms.take() {
            self.recoveries.push(now - since);
            self.degraded.remove(&i);
        }
        if serving == 0 && spec_replicas(world, i) > 0 {
            let timeout_ms = (self.graceful_timeout_s + STARTUP_S + SLACK_S) * 1000;
            let b = &mut world.bindings[i];
            for task in &b.object.spec.graceful_eviction_tasks {
                if task.purge_mode == Some(PurgeMode::Directly) {
                    let created = task.creation_timestamp.as_ref().map_or(now, ms_of);
                    b.hold_until_ms = b.hold_until_ms.max(created + timeout_ms);
                }
            }
            let since = *b.zero_since_ms.get_or_insert(now);
            if let Some(deadline) = self.outage_deadline_ms(world, i, since)
                && now > deadline
            {
                let b = &world.bindings[i];
                world.violations.push(format!(
                    "invariant 2 at {now} ms: {} has had no healthy replica for {} s (allowed until {} s)",
                    describe(b),
                    (now - since) / 1000,
                    deadline / 1000
                ));
            }
        } else {
            let b = &mut world.bindings[i];
            b.zero_since_ms = None;
            b.pacing_wait_ms = 0;
            b.blocked_by_state = false;
            b.hold_until_ms = 0;
        }
    }

    /// The latest time the outage may last: detection + toleration + pacing + startup after it
    /// began (or after the latest failure of a cluster it was placed on, when failures cascade), extended past the end of any Directly dispatch hold seen during the outage (F-32:
    /// until the old copy's Work is gone or its task times out). `None` when the invariant does not apply: failover off, a
    /// workload that never becomes healthy, an eviction held by state preservation (FD-10), or no
    /// capacity (the scheduler reports Unschedulable or NoClusterFit).
    fn outage_deadline_ms(&self, world: &World, i: usize, since_ms: i64) -> Option<i64> {
        let b = &world.bindings[i];
        if !self.failover_on || b.never_healthy || b.blocked_by_state {
            return None;
        }
        let status = b.object.status.as_ref();
        let scheduled = status.and_then(|s| find_condition(&s.conditions, conditions::SCHEDULED));
        if scheduled.is_some_and(|c| c.status == ConditionStatus::False) {
            return None;
        }
        let placement = b.object.spec.placement.clone().unwrap_or_default();
        let toleration_s = placement
            .cluster_tolerations
            .iter()
            .filter_map(|t| t.toleration_seconds)
            .max()
            .unwrap_or(0);
        let start = since_ms.max(b.last_target_failure_ms);
        let waiting_ms = b.pacing_since_ms.map_or(0, |since| world.now_ms - since);
        let deadline = start
            + (DETECTION_S + toleration_s + STARTUP_S + SLACK_S) * 1000
            + b.pacing_wait_ms
            + waiting_ms;
        Some(deadline.max(b.hold_until_ms))
    }
}

fn spec_replicas(world: &World, i: usize) -> i32 {
    world.bindings[i].object.spec.replicas
}

/// Replicas actually serving: healthy copies on members that answer.
pub fn serving_replicas(world: &World, i: usize) -> i64 {
    world.bindings[i]
        .works
        .values()
        .filter(|w| {
            !w.terminating
                && w.healthy_at_ms.is_some_and(|t| t <= world.now_ms)
                && world
                    .clusters
                    .get(w.cluster)
                    .is_some_and(|c| c.member == Member::Up)
        })
        .map(|w| i64::from(w.replicas))
        .sum()
}
