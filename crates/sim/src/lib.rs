//! A deterministic, seeded simulator of whole fleets: member clusters with capacity, health and
//! taints; bindings of every strategy and purge mode; simulated time; injected faults. It drives
//! the scheduler and the failover core the way the controllers will, and checks invariants after
//! every step:
//!
//! 1. a Divided binding never has more replicas assigned than desired;
//! 2. when capacity exists, no workload stays without healthy replicas longer than detection +
//!    toleration + pacing allow;
//! 3. Directly: no Work on a new cluster while the evicted cluster's Work exists;
//! 4. evictions never exceed the configured rate;
//! 5. no binding is evicted before its toleration deadline;
//! 6. nothing is evicted when the Failover gate or `--enable-no-execute-taint-eviction` is off;
//! 7. no workload loses its placement silently (every removal comes with an event).
//!
//! Owns: the simulation loop and its report. Must not: read the clock or entropy (the same seed
//! replays identically) or contain failover rules (they are `flotilla-core` calls).

pub mod config;
pub mod controllers;
pub mod faults;
pub mod fleet;
mod invariants;
pub mod report;
pub mod rng;
pub mod world;

use flotilla_api::kinds::ClusterTaintPolicy;
use flotilla_api::types::{ClusterTaintPolicySpec, MatchCondition, PurgeMode, TaintSpec};
use flotilla_core::failover::health::{DampingState, HealthConfig};
use flotilla_core::failover::pacer::PacerError;
use flotilla_core::failover::taint_manager::TaintManagerConfig;

use crate::config::SimConfig;
use crate::controllers::dispatch::DispatchDriver;
use crate::controllers::eviction::EvictionDriver;
use crate::controllers::health::{ClusterControllers, set_manual_taint};
use crate::controllers::recovery::RecoveryDriver;
use crate::controllers::scheduling::SchedulerDriver;
use crate::faults::{Fault, Timed};
use crate::report::SimReport;
use crate::rng::Rng;
use crate::world::{Member, World};

/// The ClusterTaintPolicy every simulated fleet runs (failover.md F-17's example): a NoExecute
/// taint while Ready is not True.
pub fn evict_when_not_ready() -> ClusterTaintPolicy {
    let mut policy = ClusterTaintPolicy::new(
        "evict-when-not-ready",
        ClusterTaintPolicySpec {
            target_clusters: None,
            add_on_conditions: vec![MatchCondition {
                condition_type: "Ready".into(),
                operator: "NotIn".into(),
                status_values: vec!["True".into()],
            }],
            remove_on_conditions: vec![MatchCondition {
                condition_type: "Ready".into(),
                operator: "In".into(),
                status_values: vec!["True".into()],
            }],
            taints: vec![TaintSpec {
                key: fleet::POLICY_TAINT_KEY.into(),
                effect: "NoExecute".into(),
                value: String::new(),
            }],
        },
    );
    policy.metadata.creation_timestamp = Some(world::time_of(0));
    policy
}

/// A running simulation.
pub struct Simulation {
    config: SimConfig,
    rng: Rng,
    /// The world.
    pub world: World,
    faults: Vec<Timed>,
    next_fault: usize,
    clusters: ClusterControllers,
    scheduler: SchedulerDriver,
    evictions: EvictionDriver,
    dispatch: DispatchDriver,
    recovery: RecoveryDriver,
    checks: invariants::Checker,
    steps: u64,
}

impl Simulation {
    /// Builds the fleet and the fault schedule for `config`.
    pub fn new(config: SimConfig) -> Self {
        let mut rng = Rng::new(config.seed);
        let world = fleet::generate(&config, &mut rng);
        let faults = faults::schedule(
            &mut rng,
            config.faults,
            config.clusters,
            config.bindings,
            config.duration_s,
        );
        Self::build(config, rng, world, faults, vec![evict_when_not_ready()])
    }

    /// A simulation of a world built by hand (scenario tests): these members and bindings (see
    /// [`World::new`]), these faults (in time order) and these ClusterTaintPolicies. The
    /// configuration's fleet size and fault mix are ignored; its seed still drives start-up
    /// times, its switches and duration apply.
    pub fn with_world(
        config: SimConfig,
        world: World,
        mut faults: Vec<Timed>,
        policies: Vec<ClusterTaintPolicy>,
    ) -> Self {
        faults.sort_by_key(|t| t.at_ms);
        let rng = Rng::new(config.seed);
        Self::build(config, rng, world, faults, policies)
    }

    fn build(
        config: SimConfig,
        rng: Rng,
        world: World,
        faults: Vec<Timed>,
        policies: Vec<ClusterTaintPolicy>,
    ) -> Self {
        let s = &config.switches;
        let stateful_failover_injection = s.stateful_failover_injection;
        let clusters = ClusterControllers {
            damping: DampingState::new(),
            health: HealthConfig::default(),
            policies,
            failover_gate: s.failover_gate,
        };
        let tm = TaintManagerConfig {
            no_execute_eviction: s.no_execute_eviction,
            default_purge_mode: PurgeMode::Gracefully,
            stateful_failover_injection: s.stateful_failover_injection,
            cluster_resync_s: 10,
        };
        let evictions = EvictionDriver::new(&world, s.failover_gate, tm, s.eviction_rate_per_s);
        let mut scheduler = SchedulerDriver::default();
        scheduler.config.failover_partial_placement = s.partial_placement;
        let mut recovery = RecoveryDriver::default();
        recovery.graceful.graceful_eviction_timeout_s = s.graceful_eviction_timeout_s;
        recovery.gates.stateful_failover_injection = s.stateful_failover_injection;
        let checks = invariants::Checker::new(&config);
        Simulation {
            config,
            rng,
            world,
            faults,
            next_fault: 0,
            clusters,
            scheduler,
            evictions,
            dispatch: DispatchDriver::new(stateful_failover_injection),
            recovery,
            checks,
            steps: 0,
        }
    }

    /// One step: faults, cluster controllers, evictions, scheduling, dispatch, recovery, checks.
    pub fn step(&mut self) {
        let tick = self.config.tick_ms;
        let touched = self.apply_faults();
        let mut changed = self.clusters.step(&mut self.world);
        changed.extend(touched.manual_taints);
        self.evictions.step(&mut self.world, &changed, tick);
        self.scheduler
            .step(&mut self.world, self.dispatch.capacity_changed);
        self.dispatch.step(&mut self.world, &mut self.rng);
        let mut check: std::collections::BTreeSet<usize> = self.world.status_dirty.clone();
        check.extend(touched.bindings);
        self.recovery.step(&mut self.world);
        self.checks.after_step(&mut self.world, check);
        self.steps += 1;
        self.world.now_ms += tick;
    }

    /// Runs to the configured duration (or the first violation) and reports.
    pub fn run(mut self) -> SimReport {
        self.run_until_ms(self.config.duration_s * 1000);
        self.report()
    }

    /// Steps until simulated time reaches `end_ms` or an invariant is violated.
    pub fn run_until_ms(&mut self, end_ms: i64) {
        while self.world.now_ms < end_ms && self.world.violations.is_empty() {
            self.step();
        }
    }

    /// Steps until `done` holds for the world (checked after each step), simulated time reaches
    /// `limit_ms` or an invariant is violated; returns whether `done` held.
    pub fn run_until(&mut self, limit_ms: i64, mut done: impl FnMut(&World) -> bool) -> bool {
        while self.world.now_ms < limit_ms && self.world.violations.is_empty() {
            self.step();
            if done(&self.world) {
                return true;
            }
        }
        false
    }

    /// Checks invariants 1 and 2 on every binding now, without stepping (they otherwise run
    /// after each step on the bindings that changed or are degraded).
    pub fn check_all(&mut self) {
        let all = (0..self.world.bindings.len()).collect();
        self.checks.after_step(&mut self.world, all);
    }

    /// Times (simulated ms) of every cluster eviction written, in order.
    pub fn eviction_times_ms(&self) -> &[i64] {
        &self.evictions.evictions
    }

    /// Changes `--resource-eviction-rate` while running (FD-11: the rate is changeable at run
    /// time; tokens already granted stay granted).
    pub fn set_eviction_rate(&mut self, rate_per_s: f64) -> Result<(), PacerError> {
        self.evictions.set_rate(rate_per_s)
    }

    /// The report so far.
    pub fn report(&self) -> SimReport {
        SimReport {
            seed: self.config.seed,
            steps: self.steps,
            simulated_s: self.world.now_ms / 1000,
            evictions: self.evictions.evictions.len() as u64,
            application_evictions: self.recovery.application_evictions,
            released_tasks: self.recovery.released,
            scheduling_passes: self.scheduler.passes,
            events: self.world.events.len() as u64,
            recovery_ms: self.checks.recoveries.clone(),
            violations: self.world.violations.clone(),
            faults: self.next_fault,
        }
    }

    /// Applies the faults due now; returns what they touched.
    fn apply_faults(&mut self) -> Touched {
        let mut touched = Touched::default();
        while let Some(timed) = self
            .faults
            .get(self.next_fault)
            .filter(|t| t.at_ms <= self.world.now_ms)
            .cloned()
        {
            self.next_fault += 1;
            match timed.fault {
                Fault::ClusterDown(c) | Fault::ClusterUp(c) => {
                    let member = if matches!(timed.fault, Fault::ClusterDown(_)) {
                        Member::Down
                    } else {
                        Member::Up
                    };
                    self.world.clusters[c].member = member;
                    let on = bindings_on(&self.world, c);
                    if member == Member::Down {
                        for &b in &on {
                            self.world.bindings[b].last_target_failure_ms = self.world.now_ms;
                        }
                    }
                    touched.bindings.extend(on);
                }
                Fault::AddNoExecute(c) | Fault::RemoveNoExecute(c) => {
                    if set_manual_taint(
                        &mut self.world,
                        c,
                        matches!(timed.fault, Fault::AddNoExecute(_)),
                    ) {
                        touched.manual_taints.push(c);
                    }
                }
                Fault::Scale { binding, replicas } => {
                    let mut spec = self.world.bindings[binding].object.spec.clone();
                    spec.replicas = replicas;
                    self.world.write_spec(binding, spec, vec![]);
                    touched.bindings.push(binding);
                }
            }
        }
        for &b in &touched.bindings {
            self.world.status_dirty.insert(b);
        }
        touched
    }
}

/// What the faults of one step touched.
#[derive(Default)]
struct Touched {
    bindings: Vec<usize>,
    manual_taints: Vec<usize>,
}

/// Bindings with a Work on cluster `c`.
fn bindings_on(world: &World, c: usize) -> Vec<usize> {
    let name = world.clusters[c].name();
    world
        .bindings
        .iter()
        .enumerate()
        .filter(|(_, b)| b.works.contains_key(name))
        .map(|(i, _)| i)
        .collect()
}

/// Runs one simulation to the end.
pub fn run(config: SimConfig) -> SimReport {
    Simulation::new(config).run()
}
