//! Shared building blocks of the §13 scenarios: the three `tier: prod` Push members, Deployment
//! bindings placed on chosen clusters, and read-only views of the world.

use std::collections::BTreeMap;

use flotilla_api::constants::{annotations, conditions};
use flotilla_api::kinds::ResourceBinding;
use flotilla_api::types::*;
use flotilla_core::failover::BindingKind;
use flotilla_sim::config::{FaultMix, SimConfig, Switches};
use flotilla_sim::faults::{Fault, Timed};
use flotilla_sim::fleet;
use flotilla_sim::world::{SimBinding, SimCluster, SimWork, World, ms_of};
use k8s_openapi::api::core::v1::{Taint, Toleration};

/// Member indices in [`members`].
pub const EAST: usize = 0;
pub const WEST: usize = 1;
pub const NORTH: usize = 2;

/// One simulated step.
pub const TICK_MS: i64 = 1_000;

/// `east`, `west` and `north`, Ready Push members labelled `tier: prod` (§13 preamble), with room
/// for `capacity` pods each and probes at different phases of the 10 s period.
pub fn members(capacity: i64) -> Vec<SimCluster> {
    vec![
        fleet::member("east", "region-a", capacity, 5_000),
        fleet::member("west", "region-b", capacity, 2_000),
        fleet::member("north", "region-c", capacity, 7_000),
    ]
}

/// A simulation configuration with these switches (the fleet size and fault mix of the config
/// are ignored by `Simulation::with_world`).
pub fn config(switches: Switches) -> SimConfig {
    SimConfig {
        seed: 7,
        faults: FaultMix::NONE,
        switches,
        tick_ms: TICK_MS,
        ..Default::default()
    }
}

/// A fault at a time.
pub fn at(at_ms: i64, fault: Fault) -> Timed {
    Timed { at_ms, fault }
}

/// Divided, DynamicWeight by available replicas (E-1).
pub fn dynamic_weight() -> Placement {
    Placement {
        replica_scheduling: Some(ReplicaSchedulingStrategy {
            replica_scheduling_type: ReplicaSchedulingType::Divided,
            replica_division_preference: Some(ReplicaDivisionPreference::Weighted),
            weight_preference: Some(ClusterPreferences {
                dynamic_weight: Some(DynamicWeightFactor::AvailableReplicas),
                ..Default::default()
            }),
        }),
        ..Default::default()
    }
}

/// Divided, Aggregated, on exactly one cluster (spread by cluster, maxGroups 1).
pub fn single_cluster() -> Placement {
    Placement {
        spread_constraints: vec![SpreadConstraint {
            spread_by_field: Some(SpreadByField::Cluster),
            min_groups: 1,
            max_groups: 1,
            ..Default::default()
        }],
        replica_scheduling: Some(ReplicaSchedulingStrategy {
            replica_scheduling_type: ReplicaSchedulingType::Divided,
            replica_division_preference: Some(ReplicaDivisionPreference::Aggregated),
            weight_preference: None,
        }),
        ..Default::default()
    }
}

/// A NoExecute toleration of `key` for `seconds`.
pub fn tolerate(key: &str, seconds: i64) -> Toleration {
    Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        effect: Some("NoExecute".into()),
        toleration_seconds: Some(seconds),
        value: None,
    }
}

/// A Deployment binding of `kind` that an earlier scheduler pass placed on `on`: `spec.clusters`
/// and the applied-placement annotation are set, as the scheduler writes them (so the taint
/// manager reads these tolerations, F-20, and no Fresh pass reshuffles the start).
pub fn deployment(
    kind: BindingKind,
    name: &str,
    replicas: i32,
    placement: Placement,
    failover: Option<FailoverBehavior>,
    on: &[(&str, i32)],
) -> SimBinding {
    let namespaced = kind == BindingKind::ResourceBinding;
    let applied = serde_json::to_string(&placement).expect("a placement serialises");
    let mut b = ResourceBinding::new(
        &format!("{name}-deployment"),
        ResourceBindingSpec {
            resource: ObjectReference {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                namespace: if namespaced {
                    "default".into()
                } else {
                    String::new()
                },
                name: name.into(),
                uid: uid(name),
                ..Default::default()
            },
            replicas,
            placement: Some(placement),
            failover,
            clusters: on
                .iter()
                .map(|(c, r)| TargetCluster {
                    name: (*c).into(),
                    replicas: *r,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        },
    );
    if namespaced {
        b.metadata.namespace = Some("default".into());
    }
    b.metadata.generation = Some(1);
    b.metadata.annotations = Some(BTreeMap::from([(
        annotations::APPLIED_PLACEMENT.to_string(),
        applied,
    )]));
    SimBinding::new(kind, b)
}

/// A distinct template UID per name (the scheduler's tie orientation reads it, D-2).
fn uid(name: &str) -> String {
    let tail: String = name
        .bytes()
        .rev()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("00000000-0000-4000-8000-{tail:0>12}")
}

/// The world of these members and bindings; pre-placed bindings are queued for the binding
/// controller (their Works are created in the first step), as its informer would on start.
pub fn world(clusters: Vec<SimCluster>, bindings: Vec<SimBinding>) -> World {
    let mut world = World::new(clusters, bindings);
    world.dispatch_dirty = (0..world.bindings.len()).collect();
    world
}

/// The Ready condition of cluster `c`.
pub fn ready(world: &World, c: usize) -> Condition {
    let status = world.clusters[c].object.status.as_ref().expect("a status");
    find_condition(&status.conditions, conditions::READY)
        .expect("a Ready condition")
        .clone()
}

/// The taint (key, effect) on cluster `c`, if present.
pub fn taint(world: &World, c: usize, key: &str, effect: &str) -> Option<Taint> {
    world.clusters[c]
        .object
        .spec
        .taints
        .iter()
        .find(|t| t.key == key && t.effect == effect)
        .cloned()
}

/// `timeAdded` of a taint, in simulated ms.
pub fn added_ms(t: &Taint) -> i64 {
    ms_of(t.time_added.as_ref().expect("timeAdded is stamped"))
}

/// `spec.clusters` of binding `i` as (name, replicas).
pub fn targets(world: &World, i: usize) -> Vec<(String, i32)> {
    world.bindings[i]
        .object
        .spec
        .clusters
        .iter()
        .map(|t| (t.name.clone(), t.replicas))
        .collect()
}

/// `spec.gracefulEvictionTasks` of binding `i`.
pub fn tasks(world: &World, i: usize) -> &[GracefulEvictionTask] {
    &world.bindings[i].object.spec.graceful_eviction_tasks
}

/// The Work of binding `i` on `cluster`.
pub fn work<'a>(world: &'a World, i: usize, cluster: &str) -> Option<&'a SimWork> {
    world.bindings[i].works.get(cluster)
}

/// Clusters of binding `i`'s Works, terminating or not.
pub fn work_clusters(world: &World, i: usize) -> Vec<String> {
    world.bindings[i].works.keys().cloned().collect()
}

/// True when every cluster of `spec.clusters` has an `aggregatedStatus` item that is Healthy.
pub fn targets_healthy(world: &World, i: usize) -> bool {
    let b = &world.bindings[i].object;
    let items = b
        .status
        .as_ref()
        .map(|s| s.aggregated_status.as_slice())
        .unwrap_or_default();
    b.spec.clusters.iter().all(|t| {
        items
            .iter()
            .any(|s| s.cluster_name == t.name && s.health == Some(ResourceHealth::Healthy))
    })
}

/// Health of binding `i`'s `aggregatedStatus` item for `cluster`.
pub fn health(world: &World, i: usize, cluster: &str) -> Option<ResourceHealth> {
    world.bindings[i]
        .object
        .status
        .as_ref()?
        .aggregated_status
        .iter()
        .find(|s| s.cluster_name == cluster)?
        .health
}

/// Times (ms) of events with this reason and exact message on `object`.
pub fn event_times(world: &World, object: &str, reason: &str, message: &str) -> Vec<i64> {
    world
        .events
        .iter()
        .filter(|e| e.object == object && e.event.reason == reason && e.event.message == message)
        .map(|e| e.at_ms)
        .collect()
}

/// Times (ms) of events with this reason on `object`.
pub fn reason_times(world: &World, object: &str, reason: &str) -> Vec<i64> {
    world
        .events
        .iter()
        .filter(|e| e.object == object && e.event.reason == reason)
        .map(|e| e.at_ms)
        .collect()
}

/// Fails with the invariant violations, if any.
pub fn assert_no_violations(world: &World) {
    assert!(
        world.violations.is_empty(),
        "violations: {:#?}",
        world.violations
    );
}
