//! The simulated world: member clusters with their health and capacity, the control plane's
//! objects (Clusters, bindings, Works), simulated time, and the event log. Writes to bindings go
//! through one function that bumps the generation like the API server and checks that no
//! placement is removed silently (invariant 7: every removal comes with an event).
//!
//! Owns: state and its bookkeeping. Must not: make failover or scheduling decisions (those are
//! `flotilla-core` calls in `controllers`).

use std::collections::{BTreeMap, BTreeSet};

use flotilla_api::kinds::{Cluster, ResourceBinding};
use flotilla_core::events::Event;
use flotilla_core::failover::BindingKind;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;

/// The simulation epoch (time 0).
pub const EPOCH_S: i64 = 1_788_220_800; // 2026-09-01T00:00:00Z

/// Simulated milliseconds as an API time.
pub fn time_of(ms: i64) -> Time {
    Time(Timestamp::from_millisecond(EPOCH_S * 1000 + ms).expect("simulated times are in range"))
}

/// An API time as simulated milliseconds.
pub fn ms_of(time: &Time) -> i64 {
    time.0.as_millisecond() - EPOCH_S * 1000
}

/// Whether a member answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Member {
    /// Answers and runs its workloads.
    Up,
    /// Does not answer; its workloads keep running unseen (a partition) or are gone — either way
    /// the control plane cannot tell, and nothing reaches it.
    Down,
}

/// One member cluster.
#[derive(Clone, Debug)]
pub struct SimCluster {
    /// The control plane's Cluster object.
    pub object: Cluster,
    /// The member itself.
    pub member: Member,
    /// Pods the member can run.
    pub capacity_pods: i64,
    /// When the next health probe runs.
    pub probe_due_ms: i64,
}

impl SimCluster {
    /// The cluster's name.
    pub fn name(&self) -> &str {
        self.object.metadata.name.as_deref().unwrap_or("")
    }
}

/// One Work (the copy of a binding on one member).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimWork {
    /// Index of its cluster.
    pub cluster: usize,
    /// Replicas in its manifest.
    pub replicas: i32,
    /// When it reports Healthy (never for never-healthy workloads).
    pub healthy_at_ms: Option<i64>,
    /// Being deleted; gone once the member is Ready and answers.
    pub terminating: bool,
    /// Labels injected by state preservation (F-46).
    pub injected: BTreeMap<String, String>,
    /// Health last reported by the member (frozen while it is down).
    pub reported_healthy: bool,
}

/// One binding with the simulation's knowledge about it.
#[derive(Clone, Debug)]
pub struct SimBinding {
    /// ResourceBinding or ClusterResourceBinding (both stored as the same shape).
    pub kind: BindingKind,
    /// The object.
    pub object: ResourceBinding,
    /// Its workload never becomes healthy (application failover fault).
    pub never_healthy: bool,
    /// Works by cluster.
    pub works: BTreeMap<String, SimWork>,
    /// Since when it has had no serving replica (invariant 2).
    pub zero_since_ms: Option<i64>,
    /// Since when it has been below its desired replicas (recovery time).
    pub degraded_since_ms: Option<i64>,
    /// Time its eviction keys waited for a pacer token, since the outage began.
    pub pacing_wait_ms: i64,
    /// Since when a key of it has been waiting for a pacer token, if one is.
    pub pacing_since_ms: Option<i64>,
    /// An eviction of it is held because its state cannot be preserved (FD-10).
    pub blocked_by_state: bool,
    /// During an outage: when the longest Directly dispatch hold seen ends, plus startup (ms).
    pub hold_until_ms: i64,
    /// What status collection last saw: (cluster, replicas, healthy) per live Work.
    pub collected: Vec<(usize, i32, bool)>,
    /// When a member running one of its copies last went down, its placement last changed, or a
    /// new copy was dispatched (ms): an outage allowance restarts there when failures cascade.
    pub last_target_failure_ms: i64,
}

impl SimBinding {
    /// A binding not yet scheduled or dispatched, whose workload becomes healthy.
    pub fn new(kind: BindingKind, object: ResourceBinding) -> Self {
        SimBinding {
            kind,
            object,
            never_healthy: false,
            works: BTreeMap::new(),
            zero_since_ms: None,
            degraded_since_ms: None,
            pacing_wait_ms: 0,
            pacing_since_ms: None,
            blocked_by_state: false,
            hold_until_ms: 0,
            collected: Vec::new(),
            last_target_failure_ms: 0,
        }
    }
}

/// A recorded event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// When.
    pub at_ms: i64,
    /// On which object (`Kind namespace/name`).
    pub object: String,
    /// The event.
    pub event: Event,
}

/// The whole simulated fleet.
#[derive(Clone, Debug, Default)]
pub struct World {
    /// Simulated time.
    pub now_ms: i64,
    /// Members, by index.
    pub clusters: Vec<SimCluster>,
    /// Bindings, by index.
    pub bindings: Vec<SimBinding>,
    /// Every event recorded.
    pub events: Vec<Recorded>,
    /// Bindings the scheduler must look at.
    pub schedule_dirty: BTreeSet<usize>,
    /// Bindings the binding controller must sync.
    pub dispatch_dirty: BTreeSet<usize>,
    /// Bindings whose status changed (graceful eviction, application failover).
    pub status_dirty: BTreeSet<usize>,
    /// Clusters whose spec changed since the last snapshot.
    pub snapshot_stale: bool,
    /// Invariant violations found so far.
    pub violations: Vec<String>,
    /// Cluster index by name (the set of clusters never changes during a run).
    pub cluster_names: std::collections::HashMap<String, usize>,
    /// Bindings whose `spec.clusters` names each cluster, by cluster index: the informer index
    /// the taint manager's cluster pass lists through (kept by [`World::write_spec`]).
    pub targeting: Vec<BTreeSet<usize>>,
}

impl World {
    /// A world at time 0 with these members and bindings, every binding waiting for the
    /// scheduler and the indexes built.
    pub fn new(clusters: Vec<SimCluster>, bindings: Vec<SimBinding>) -> Self {
        let cluster_names = clusters
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name().to_string(), i))
            .collect();
        let mut world = World {
            schedule_dirty: (0..bindings.len()).collect(),
            targeting: vec![BTreeSet::new(); clusters.len()],
            clusters,
            bindings,
            snapshot_stale: true,
            cluster_names,
            ..Default::default()
        };
        for i in 0..world.bindings.len() {
            let names: Vec<String> = world.bindings[i]
                .object
                .spec
                .clusters
                .iter()
                .map(|t| t.name.clone())
                .collect();
            for name in names {
                if let Some(c) = world.cluster_index(&name) {
                    world.targeting[c].insert(i);
                }
            }
        }
        world
    }

    /// The current time as an API time.
    pub fn now(&self) -> Time {
        time_of(self.now_ms)
    }

    /// Index of a cluster by name.
    pub fn cluster_index(&self, name: &str) -> Option<usize> {
        self.cluster_names.get(name).copied()
    }

    /// Records an event on an object.
    pub fn record(&mut self, object: String, event: Event) {
        self.events.push(Recorded {
            at_ms: self.now_ms,
            object,
            event,
        });
    }

    /// Replaces a binding's spec like an API update: the generation goes up when the spec
    /// changed; a removed target needs an explanation in `events` (invariant 7).
    pub fn write_spec(
        &mut self,
        index: usize,
        spec: flotilla_api::types::ResourceBindingSpec,
        events: Vec<Event>,
    ) {
        let binding = &mut self.bindings[index];
        if binding.object.spec == spec {
            return;
        }
        let removed: Vec<String> = binding
            .object
            .spec
            .clusters
            .iter()
            .filter(|t| !spec.clusters.iter().any(|n| n.name == t.name))
            .map(|t| t.name.clone())
            .collect();
        let name = describe(binding);
        if !removed.is_empty() && events.is_empty() {
            let at = self.now_ms;
            self.violations.push(format!(
                "invariant 7 at {at} ms: {name} lost {removed:?} from spec.clusters without an event"
            ));
        }
        if self.bindings[index].object.spec.clusters != spec.clusters {
            self.retarget(index, &spec);
        }
        let binding = &mut self.bindings[index];
        binding.object.spec = spec;
        binding.object.metadata.generation =
            Some(binding.object.metadata.generation.unwrap_or(1) + 1);
        for event in events {
            self.record(name.clone(), event);
        }
        self.schedule_dirty.insert(index);
        self.dispatch_dirty.insert(index);
        self.status_dirty.insert(index);
    }
}

impl World {
    /// Moves binding `index` in the `targeting` index from its current targets to `spec`'s, and
    /// restarts its outage allowance (its placement changed).
    fn retarget(&mut self, index: usize, spec: &flotilla_api::types::ResourceBindingSpec) {
        let now = self.now_ms;
        let binding = &mut self.bindings[index];
        binding.last_target_failure_ms = binding.last_target_failure_ms.max(now);
        for t in &binding.object.spec.clusters {
            if let Some(&c) = self.cluster_names.get(&t.name) {
                self.targeting[c].remove(&index);
            }
        }
        for t in &spec.clusters {
            if let Some(&c) = self.cluster_names.get(&t.name) {
                self.targeting[c].insert(index);
            }
        }
    }
}

/// `Kind namespace/name` of a binding.
pub fn describe(binding: &SimBinding) -> String {
    let meta = &binding.object.metadata;
    let kind = match binding.kind {
        BindingKind::ResourceBinding => "ResourceBinding",
        BindingKind::ClusterResourceBinding => "ClusterResourceBinding",
    };
    match &meta.namespace {
        Some(ns) => format!("{kind} {ns}/{}", meta.name.as_deref().unwrap_or("")),
        None => format!("{kind} {}", meta.name.as_deref().unwrap_or("")),
    }
}
