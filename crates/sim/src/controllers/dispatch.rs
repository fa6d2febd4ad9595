//! The binding controller (Works per F-31/F-32), the simulated members running those Works,
//! and status collection into `aggregatedStatus` — with invariant 3 (Directly: no new copy while
//! the evicted copy's Work exists) checked on every sync.
//!
//! Owns: Work lifecycles in the simulation. Must not: decide which Works exist (that is
//! `flotilla_core::failover::dispatch`).

use std::collections::{BTreeMap, BTreeSet};

use flotilla_api::constants::conditions;
use flotilla_api::types::{AggregatedStatusItem, PurgeMode, ResourceHealth, find_condition};
use flotilla_core::failover::dispatch::{DISPATCH_HOLD_RECHECK_S, ExistingWork, plan_works};
use flotilla_core::failover::state::{InjectionDecision, injection_decision};
use serde_json::json;

use crate::rng::Rng;
use crate::world::{Member, SimWork, World};

/// Range of the time a new copy takes to become healthy (milliseconds).
const STARTUP_MS: (i64, i64) = (3_000, 10_000);

/// The binding controller's and members' runtime state.
#[derive(Debug, Default)]
pub struct DispatchDriver {
    /// Held bindings to re-check at a time (F-31 step 2).
    rechecks: BTreeMap<i64, BTreeSet<usize>>,
    /// Works becoming healthy at a time: (binding, cluster).
    healthy_timers: BTreeMap<i64, Vec<(usize, String)>>,
    /// Works waiting for their member to confirm deletion.
    terminating: BTreeSet<(usize, String)>,
    /// Whether any Work was created or removed this step (capacity changed).
    pub capacity_changed: bool,
    /// Gate `StatefulFailoverInjection` (F-46).
    pub stateful_failover_injection: bool,
}

impl DispatchDriver {
    /// A binding controller with gate `StatefulFailoverInjection` as given.
    pub fn new(stateful_failover_injection: bool) -> Self {
        DispatchDriver {
            stateful_failover_injection,
            ..Default::default()
        }
    }

    /// Syncs dirty and re-checked bindings, then advances members and collects status.
    pub fn step(&mut self, world: &mut World, rng: &mut Rng) {
        self.capacity_changed = false;
        let due: Vec<i64> = self
            .rechecks
            .range(..=world.now_ms)
            .map(|(t, _)| *t)
            .collect();
        for t in due {
            world
                .dispatch_dirty
                .extend(self.rechecks.remove(&t).unwrap_or_default());
        }
        for i in std::mem::take(&mut world.dispatch_dirty) {
            self.sync(world, i, rng);
        }
        self.advance_members(world);
    }

    /// One binding sync (F-31).
    fn sync(&mut self, world: &mut World, i: usize, rng: &mut Rng) {
        let binding = &world.bindings[i];
        let existing: Vec<ExistingWork> = binding
            .works
            .iter()
            .map(|(c, w)| ExistingWork {
                cluster: c.clone(),
                terminating: w.terminating,
            })
            .collect();
        let plan = plan_works(&binding.object.spec, &existing);
        for cluster in &plan.delete {
            if let Some(work) = world.bindings[i].works.get_mut(cluster) {
                work.terminating = true;
                self.terminating.insert((i, cluster.clone()));
            }
        }
        if plan.held {
            self.rechecks
                .entry(world.now_ms + DISPATCH_HOLD_RECHECK_S as i64 * 1000)
                .or_default()
                .insert(i);
            world.status_dirty.insert(i);
            return;
        }
        self.check_directly_hold(world, i, &plan.apply);
        let targets: BTreeMap<String, i32> = world.bindings[i]
            .object
            .spec
            .clusters
            .iter()
            .map(|t| (t.name.clone(), t.replicas))
            .collect();
        for cluster in plan.apply {
            let replicas = targets.get(&cluster).copied().unwrap_or(0);
            self.apply_work(world, i, &cluster, replicas, rng);
            self.inject_state(world, i, &cluster);
        }
        world.status_dirty.insert(i);
    }

    /// Invariant 3: a Work must not be created on a new cluster while a Directly-evicted copy's
    /// Work still exists.
    fn check_directly_hold(&self, world: &mut World, i: usize, apply: &[String]) {
        let b = &world.bindings[i];
        let held_by: Vec<&String> = b
            .object
            .spec
            .graceful_eviction_tasks
            .iter()
            .filter(|t| t.purge_mode == Some(PurgeMode::Directly))
            .map(|t| &t.from_cluster)
            .filter(|c| b.works.contains_key(*c))
            .collect();
        let new_copies: Vec<&String> = apply.iter().filter(|c| !b.works.contains_key(*c)).collect();
        if !held_by.is_empty() && !new_copies.is_empty() {
            let message = format!(
                "invariant 3 at {} ms: {} creates Works on {new_copies:?} while Directly-evicted Works exist on {held_by:?}",
                world.now_ms,
                crate::world::describe(b)
            );
            world.violations.push(message);
        }
    }

    fn apply_work(
        &mut self,
        world: &mut World,
        i: usize,
        cluster: &str,
        replicas: i32,
        rng: &mut Rng,
    ) {
        let never = world.bindings[i].never_healthy;
        let world_cluster = world.cluster_index(cluster).unwrap_or(usize::MAX);
        let works = &mut world.bindings[i].works;
        match works.get_mut(cluster) {
            Some(work) if work.replicas == replicas && !work.terminating => {}
            Some(work) => {
                work.replicas = replicas;
                self.capacity_changed = true;
            }
            None => {
                let now = world.now_ms;
                let binding = &mut world.bindings[i];
                binding.last_target_failure_ms = binding.last_target_failure_ms.max(now);
                let works = &mut binding.works;
                let healthy_at_ms = (!never).then(|| now + rng.between(STARTUP_MS.0, STARTUP_MS.1));
                if let Some(t) = healthy_at_ms {
                    self.healthy_timers
                        .entry(t)
                        .or_default()
                        .push((i, cluster.to_string()));
                }
                let index = world_cluster;
                works.insert(
                    cluster.to_string(),
                    SimWork {
                        cluster: index,
                        replicas,
                        healthy_at_ms,
                        ..Default::default()
                    },
                );
                self.capacity_changed = true;
            }
        }
    }

    /// F-46/F-47: the Work's manifest carries the preserved labels exactly while the decision
    /// says so; a sync after the task is gone regenerates it without them (and the member
    /// object loses them, as they are managed labels).
    fn inject_state(&self, world: &mut World, i: usize, cluster: &str) {
        let binding = &mut world.bindings[i];
        let labels = match injection_decision(
            &binding.object.spec,
            cluster,
            self.stateful_failover_injection,
        ) {
            InjectionDecision::Inject(state) => state.clone(),
            InjectionDecision::Skip(_) => Default::default(),
        };
        if let Some(work) = binding.works.get_mut(cluster) {
            work.injected = labels;
        }
    }

    /// Members: copies become healthy, deletions complete where the member is Ready and answers.
    fn advance_members(&mut self, world: &mut World) {
        let due: Vec<i64> = self
            .healthy_timers
            .range(..=world.now_ms)
            .map(|(t, _)| *t)
            .collect();
        for t in due {
            for (i, cluster) in self.healthy_timers.remove(&t).unwrap_or_default() {
                world.status_dirty.insert(i);
                let _ = cluster;
            }
        }
        let done: Vec<(usize, String)> = self
            .terminating
            .iter()
            .filter(|(_, c)| deletion_completes(world, c))
            .cloned()
            .collect();
        for (i, cluster) in done {
            self.terminating.remove(&(i, cluster.clone()));
            if world.bindings[i].works.remove(&cluster).is_some() {
                self.capacity_changed = true;
                world.dispatch_dirty.insert(i);
                world.status_dirty.insert(i);
            }
        }
    }
}

/// A Work's deletion completes once its member is Ready in the control plane and answers (F-31).
fn deletion_completes(world: &World, cluster: &str) -> bool {
    let Some(c) = world.cluster_index(cluster).map(|i| &world.clusters[i]) else {
        return true;
    };
    let ready = c
        .object
        .status
        .as_ref()
        .and_then(|s| find_condition(&s.conditions, conditions::READY))
        .is_some_and(|r| r.status == flotilla_api::types::ConditionStatus::True);
    ready && c.member == Member::Up
}

/// Status collection (F-38): one `aggregatedStatus` item per non-terminating Work, health as its
/// member last reported it (frozen while the member does not answer). Returns true if it changed.
pub fn collect_status(world: &mut World, i: usize) -> bool {
    let now = world.now_ms;
    let clusters = &world.clusters;
    let up = |c: usize| clusters.get(c).is_some_and(|c| c.member == Member::Up);
    let binding = &mut world.bindings[i];
    let mut seen = Vec::with_capacity(binding.works.len());
    for work in binding.works.values_mut() {
        if up(work.cluster) {
            work.reported_healthy = work.healthy_at_ms.is_some_and(|t| t <= now);
        }
        if !work.terminating {
            seen.push((work.cluster, work.replicas, work.reported_healthy));
        }
    }
    if seen == binding.collected && binding.object.status.is_some() {
        return false;
    }
    let job = format!("{}-job", binding.object.spec.resource.name);
    let items = binding
        .works
        .iter()
        .filter(|(_, w)| !w.terminating)
        .map(|(cluster, work)| {
            let ready = if work.reported_healthy { work.replicas } else { 0 };
            AggregatedStatusItem {
                cluster_name: cluster.clone(),
                status: Some(json!({"replicas": work.replicas, "readyReplicas": ready, "jobStatus": {"jobId": job}})),
                applied: true,
                applied_message: String::new(),
                health: Some(if work.reported_healthy { ResourceHealth::Healthy } else { ResourceHealth::Unhealthy }),
            }
        })
        .collect();
    binding.collected = seen;
    binding
        .object
        .status
        .get_or_insert_with(Default::default)
        .aggregated_status = items;
    true
}
