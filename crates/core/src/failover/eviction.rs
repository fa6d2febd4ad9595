//! The eviction record (failover.md F-28 … F-30): how evicting a binding from a cluster edits
//! `spec.clusters` and `spec.gracefulEvictionTasks`. Shared by the taint manager and
//! application failover.
//!
//! Owns: `graceful_evict_cluster`. Must not: decide *whether* to evict, or write to the API
//! (callers update with optimistic concurrency, F-29).

use std::collections::BTreeMap;

use flotilla_api::types::{GracefulEvictionTask, PurgeMode, ResourceBindingSpec};

/// What a producer puts into the task it appends (F-28 table).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskOptions {
    /// Purge mode (F-26, F-58).
    pub purge_mode: PurgeMode,
    /// `TaintManager` or an application-failover controller name.
    pub producer: String,
    /// `TaintUntolerated` or `ApplicationFailure`.
    pub reason: String,
    /// Optional message (no producer sets one today).
    pub message: String,
    /// Application failover with Gracefully only.
    pub grace_period_seconds: Option<i32>,
    /// Application failover with Never only.
    pub suppress_deletion: Option<bool>,
    /// Preserved state (§7), when extracted.
    pub preserved_label_state: BTreeMap<String, String>,
    /// Application failover with preserved state only.
    pub clusters_before_failover: Vec<String>,
}

/// What `graceful_evict_cluster` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvictOutcome {
    /// The cluster is not in `spec.clusters`: nothing changed (step 1).
    NotTargeted,
    /// The cluster left `spec.clusters`; a task for it already existed and was kept (step 3).
    RemovedKeptTask,
    /// The cluster left `spec.clusters` and a task was appended (step 4).
    Evicted,
}

/// F-28: remove `cluster` from the target list and append a task, unless one exists already.
/// `creationTimestamp` is left for the graceful eviction controller (F-36).
pub fn graceful_evict_cluster(
    spec: &mut ResourceBindingSpec,
    cluster: &str,
    options: TaskOptions,
) -> EvictOutcome {
    let replicas = spec
        .clusters
        .iter()
        .find(|t| t.name == cluster)
        .map_or(0, |t| t.replicas);
    let task = GracefulEvictionTask {
        from_cluster: cluster.to_string(),
        purge_mode: Some(options.purge_mode),
        replicas: (replicas != 0).then_some(replicas),
        reason: options.reason,
        message: options.message,
        producer: options.producer,
        grace_period_seconds: options.grace_period_seconds,
        suppress_deletion: options.suppress_deletion,
        preserved_label_state: options.preserved_label_state,
        creation_timestamp: None,
        clusters_before_failover: options.clusters_before_failover,
    };
    evict_with_task(spec, task)
}

/// F-28 with a task built by the producer (application failover builds its own): the task's
/// `fromCluster` leaves `spec.clusters`, and the task is appended unless one exists for it.
pub fn evict_with_task(spec: &mut ResourceBindingSpec, task: GracefulEvictionTask) -> EvictOutcome {
    let Some(position) = spec
        .clusters
        .iter()
        .position(|t| t.name == task.from_cluster)
    else {
        return EvictOutcome::NotTargeted;
    };
    spec.clusters.remove(position);
    if spec
        .graceful_eviction_tasks
        .iter()
        .any(|t| t.from_cluster == task.from_cluster)
    {
        return EvictOutcome::RemovedKeptTask;
    }
    spec.graceful_eviction_tasks.push(task);
    EvictOutcome::Evicted
}

#[cfg(test)]
mod tests {
    use super::*;
    use flotilla_api::constants::eviction;
    use flotilla_api::types::TargetCluster;

    fn spec(targets: &[(&str, i32)]) -> ResourceBindingSpec {
        ResourceBindingSpec {
            replicas: 6,
            clusters: targets
                .iter()
                .map(|(n, r)| TargetCluster {
                    name: n.to_string(),
                    replicas: *r,
                    components: vec![],
                })
                .collect(),
            ..Default::default()
        }
    }

    fn taint_manager() -> TaskOptions {
        TaskOptions {
            purge_mode: PurgeMode::Gracefully,
            producer: eviction::PRODUCER_TAINT_MANAGER.into(),
            reason: eviction::REASON_TAINT_UNTOLERATED.into(),
            ..Default::default()
        }
    }

    /// F-28: the worked example (east 3 + west 3, east evicted).
    #[test]
    fn f28_graceful_evict_cluster() {
        let mut s = spec(&[("east", 3), ("west", 3)]);
        assert_eq!(
            graceful_evict_cluster(&mut s, "east", taint_manager()),
            EvictOutcome::Evicted
        );
        assert_eq!(s.clusters, spec(&[("west", 3)]).clusters);
        let task = &s.graceful_eviction_tasks[0];
        assert_eq!(task.from_cluster, "east");
        assert_eq!(task.purge_mode, Some(PurgeMode::Gracefully));
        assert_eq!(task.replicas, Some(3));
        assert_eq!(
            (task.reason.as_str(), task.producer.as_str()),
            ("TaintUntolerated", "TaintManager")
        );
        assert_eq!(task.creation_timestamp, None, "F-36 stamps it later");
        assert!(task.message.is_empty());
    }

    /// F-28 steps 1 and 3, and replicas omitted when 0.
    #[test]
    fn f28_edges() {
        let mut s = spec(&[("west", 3)]);
        assert_eq!(
            graceful_evict_cluster(&mut s, "east", taint_manager()),
            EvictOutcome::NotTargeted
        );
        assert!(s.graceful_eviction_tasks.is_empty());
        let mut s = spec(&[("east", 0), ("west", 3)]);
        graceful_evict_cluster(&mut s, "east", taint_manager());
        assert_eq!(s.graceful_eviction_tasks[0].replicas, None);
        let mut s = spec(&[("east", 3)]);
        s.graceful_eviction_tasks.push(GracefulEvictionTask {
            from_cluster: "east".into(),
            producer: "old".into(),
            ..Default::default()
        });
        let outcome = graceful_evict_cluster(&mut s, "east", taint_manager());
        assert_eq!(outcome, EvictOutcome::RemovedKeptTask);
        assert_eq!(s.graceful_eviction_tasks.len(), 1);
        assert_eq!(
            s.graceful_eviction_tasks[0].producer, "old",
            "the old task stays as it is"
        );
        assert!(s.clusters.is_empty());
    }

    /// F-30: legacy purge-mode words in stored tasks read as the current ones (FD-7).
    #[test]
    fn f30_legacy_purge_modes_read_as_current() {
        let task: GracefulEvictionTask = serde_json::from_value(serde_json::json!({
            "fromCluster": "east", "purgeMode": "Immediately", "reason": "TaintUntolerated", "producer": "TaintManager"
        }))
        .unwrap();
        assert_eq!(task.purge_mode, Some(PurgeMode::Directly));
        assert_eq!(
            serde_json::to_value(&task).unwrap()["purgeMode"],
            "Directly",
            "never emitted"
        );
    }
}
