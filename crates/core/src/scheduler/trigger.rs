//! Which bindings the scheduler owns and whether a dequeued binding needs a pass (S-5, S-7 …
//! S-11).
//!
//! Owns: trigger decisions. Must not: run passes.

use flotilla_api::constants::{annotations, labels};
use flotilla_api::kinds::Cluster;
use flotilla_api::types::{
    Placement, ReplicaSchedulingType, ResourceBindingSpec, ResourceBindingStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::context::{is_workload, strategy};
use super::snapshot::ClusterSnapshot;
use super::types::Strategy;
use crate::selector::{ClusterFacts, cluster_matches};

/// Why a pass runs (S-8 steps 2–6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScheduleReason {
    /// S-9.
    PlacementChanged,
    /// S-10.
    ReplicasChanged,
    /// S-11.
    RescheduleRequested,
    /// S-8 step 5: non-workloads and Duplicated bindings are always scheduled.
    AlwaysScheduled,
    /// S-8 step 6 / S-66.
    TargetClusterDeleting,
}

/// What to do with a dequeued binding (S-8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Run a pass.
    Schedule(ScheduleReason),
    /// No pass; write `status.schedulerObservedGeneration` = this generation (S-8 step 7).
    ObserveGeneration(i64),
    /// Nothing at all.
    Nothing,
    /// Being deleted: emit a warning event and stop (S-8 step 1).
    Deleting,
}

/// S-5: does a scheduler named `scheduler_name` own the binding? `require_labels` is true for
/// binding events and false for cluster-triggered requeues.
pub fn owns(
    scheduler_name: &str,
    meta: &ObjectMeta,
    spec: &ResourceBindingSpec,
    require_labels: bool,
) -> bool {
    let name = if spec.scheduler_name.is_empty() {
        flotilla_api::constants::DEFAULT_SCHEDULER
    } else {
        &spec.scheduler_name
    };
    if name != scheduler_name || spec.suspension.as_ref().and_then(|s| s.scheduling) == Some(true) {
        return false;
    }
    if !require_labels {
        return true;
    }
    let keys = [
        labels::PROPAGATION_POLICY_PERMANENT_ID,
        labels::CLUSTER_PROPAGATION_POLICY_PERMANENT_ID,
        labels::BINDING_MANAGED_BY,
    ];
    meta.labels.as_ref().is_some_and(|l| {
        keys.iter()
            .any(|k| l.get(*k).is_some_and(|v| !v.is_empty()))
    })
}

/// S-8: does the binding need a pass?
pub fn needs_scheduling(
    snapshot: &ClusterSnapshot,
    meta: &ObjectMeta,
    spec: &ResourceBindingSpec,
    status: Option<&ResourceBindingStatus>,
) -> Trigger {
    if meta.deletion_timestamp.is_some() {
        return Trigger::Deleting;
    }
    let applied = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get(annotations::APPLIED_PLACEMENT));
    let observed = status.map_or("", |s| s.scheduler_observing_affinity_name.as_str());
    let placement = spec.placement.clone().unwrap_or_default();
    let reason = if placement_changed(&placement, applied.map(String::as_str), observed) {
        Some(ScheduleReason::PlacementChanged)
    } else if replicas_changed(spec) {
        Some(ScheduleReason::ReplicasChanged)
    } else if reschedule_requested(spec, status) {
        Some(ScheduleReason::RescheduleRequested)
    } else if !is_workload(spec) || strategy(&placement) == Some(Strategy::Duplicated) {
        Some(ScheduleReason::AlwaysScheduled)
    } else if spec
        .clusters
        .iter()
        .any(|t| snapshot.get(&t.name).is_some_and(|c| c.deleting))
    {
        Some(ScheduleReason::TargetClusterDeleting)
    } else {
        None
    };
    match reason {
        Some(reason) => Trigger::Schedule(reason),
        None => {
            let generation = meta.generation.unwrap_or(0);
            match status {
                Some(s) if s.scheduler_observed_generation == generation => Trigger::Nothing,
                _ => Trigger::ObserveGeneration(generation),
            }
        }
    }
}

/// Absent and empty lists compare equal (D-18): compare placements after normalising.
fn normalized(placement: &Placement) -> Placement {
    let mut p = placement.clone();
    if p.cluster_affinities.as_ref().is_some_and(Vec::is_empty) {
        p.cluster_affinities = None;
    }
    p
}

/// S-9: has the placement changed since the last write (annotation `applied`)?
pub fn placement_changed(current: &Placement, applied: Option<&str>, observed_term: &str) -> bool {
    let Some(text) = applied.filter(|t| !t.is_empty()) else {
        return true;
    };
    let Ok(applied) = serde_json::from_str::<Placement>(text) else {
        return false;
    };
    let (p, a) = (normalized(current), normalized(&applied));
    if p == a {
        return false;
    }
    if p.cluster_affinity != a.cluster_affinity
        || p.cluster_tolerations != a.cluster_tolerations
        || p.spread_constraints != a.spread_constraints
        || p.replica_scheduling != a.replica_scheduling
    {
        return true;
    }
    if observed_term.is_empty() {
        return true;
    }
    let term = |pl: &Placement| {
        pl.cluster_affinities
            .as_ref()
            .and_then(|t| t.iter().find(|t| t.affinity_name == observed_term))
            .cloned()
    };
    match (term(&p), term(&a)) {
        (Some(x), Some(y)) => x != y,
        _ => true,
    }
}

/// S-10: do the assigned replicas disagree with `spec.replicas`?
pub fn replicas_changed(spec: &ResourceBindingSpec) -> bool {
    let Some(rs) = spec
        .placement
        .as_ref()
        .and_then(|p| p.replica_scheduling.as_ref())
    else {
        return false;
    };
    match rs.replica_scheduling_type {
        ReplicaSchedulingType::Duplicated => {
            spec.clusters.iter().any(|t| t.replicas != spec.replicas)
        }
        ReplicaSchedulingType::Divided => {
            spec.clusters
                .iter()
                .map(|t| i64::from(t.replicas))
                .sum::<i64>()
                != i64::from(spec.replicas)
        }
    }
}

/// S-11: `rescheduleTriggeredAt` strictly after `lastScheduledTime` (both set).
pub fn reschedule_requested(
    spec: &ResourceBindingSpec,
    status: Option<&ResourceBindingStatus>,
) -> bool {
    match (
        &spec.reschedule_triggered_at,
        status.and_then(|s| s.last_scheduled_time.as_ref()),
    ) {
        (Some(requested), Some(last)) => requested.0 > last.0,
        _ => false,
    }
}

/// S-7: should a change of `cluster` (old or new version) enqueue the binding?
pub fn affected_by_cluster(
    cluster: &Cluster,
    meta: &ObjectMeta,
    spec: &ResourceBindingSpec,
    status: Option<&ResourceBindingStatus>,
) -> bool {
    let Some(placement) = &spec.placement else {
        return true;
    };
    let facts = ClusterFacts::of(cluster);
    if placement.cluster_affinity.is_none()
        && let Some(terms) = &placement.cluster_affinities
    {
        let generation = meta.generation.unwrap_or(0);
        if status.map_or(0, |s| s.scheduler_observed_generation) != generation {
            return true;
        }
        let observed = status.map_or("", |s| s.scheduler_observing_affinity_name.as_str());
        let index = terms
            .iter()
            .position(|t| t.affinity_name == observed)
            .unwrap_or(0);
        return terms
            .get(index)
            .is_none_or(|t| cluster_matches(&facts, &t.affinity));
    }
    placement
        .cluster_affinity
        .as_ref()
        .is_none_or(|a| cluster_matches(&facts, a))
}

/// S-6 item 2: a binding update enqueues only when `metadata.generation` changed (status-only
/// updates never do).
pub fn binding_update_enqueues(old: &ObjectMeta, new: &ObjectMeta) -> bool {
    old.generation != new.generation
}

/// Which versions of a changed Cluster to reconcile (S-6 item 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterChange {
    /// Status-only (or no) change: nothing is enqueued.
    Ignore,
    /// Deletion started: reconcile the new version only.
    NewOnly,
    /// Labels or spec changed: reconcile both the old and the new version.
    OldAndNew,
}

/// S-6 item 3: classifies a Cluster update. Creates, deletes and status changes enqueue nothing.
pub fn cluster_update(old: &Cluster, new: &Cluster) -> ClusterChange {
    if old.metadata.deletion_timestamp.is_none() && new.metadata.deletion_timestamp.is_some() {
        ClusterChange::NewOnly
    } else if old.metadata.labels != new.metadata.labels
        || old.metadata.generation != new.metadata.generation
    {
        ClusterChange::OldAndNew
    } else {
        ClusterChange::Ignore
    }
}

/// S-12: the scheduling queue's order — higher `spec.schedulePriority.priority` first (default 0),
/// then earlier enqueue (a sequence number the caller assigns).
pub fn queue_order(
    a: (&ResourceBindingSpec, u64),
    b: (&ResourceBindingSpec, u64),
) -> std::cmp::Ordering {
    let priority = |s: &ResourceBindingSpec| s.schedule_priority.as_ref().map_or(0, |p| p.priority);
    priority(b.0).cmp(&priority(a.0)).then(a.1.cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flotilla_api::types::{BindingSchedulePriority, ClusterSpec};

    /// S-6: generation changes enqueue bindings; cluster label/spec changes enqueue old and new,
    /// deletion the new one, status changes nothing.
    #[test]
    fn s6_events_that_enqueue() {
        let meta = |g| ObjectMeta {
            generation: Some(g),
            ..Default::default()
        };
        assert!(binding_update_enqueues(&meta(1), &meta(2)));
        assert!(!binding_update_enqueues(&meta(2), &meta(2)));
        let base = Cluster::new("m1", ClusterSpec::default());
        let mut status_only = base.clone();
        status_only.status = Some(Default::default());
        assert_eq!(cluster_update(&base, &status_only), ClusterChange::Ignore);
        let mut relabelled = base.clone();
        relabelled.metadata.labels = Some([("env".to_string(), "prod".to_string())].into());
        assert_eq!(cluster_update(&base, &relabelled), ClusterChange::OldAndNew);
        let mut respec = base.clone();
        respec.metadata.generation = Some(2);
        assert_eq!(cluster_update(&base, &respec), ClusterChange::OldAndNew);
        let mut gone = base.clone();
        gone.metadata.deletion_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                "2026-09-01T08:00:00Z".parse().unwrap(),
            ));
        assert_eq!(cluster_update(&base, &gone), ClusterChange::NewOnly);
    }

    /// S-12: priority first, then enqueue order.
    #[test]
    fn s12_queue_order() {
        use std::cmp::Ordering::*;
        let plain = ResourceBindingSpec::default();
        let urgent = ResourceBindingSpec {
            schedule_priority: Some(BindingSchedulePriority { priority: 10 }),
            ..Default::default()
        };
        assert_eq!(queue_order((&urgent, 9), (&plain, 1)), Less);
        assert_eq!(queue_order((&plain, 1), (&plain, 2)), Less);
        assert_eq!(queue_order((&plain, 3), (&plain, 2)), Greater);
    }
}
