//! Which Works a binding should have while eviction tasks exist (failover.md F-31, F-32): kept
//! clusters, Directly clusters, and the dispatch hold that keeps a new copy from starting while
//! a Directly-evicted old copy still exists.
//!
//! Owns: the Work plan of one binding sync. Must not: build manifests or talk to members.

use std::collections::BTreeSet;

use flotilla_api::types::{PurgeMode, ResourceBindingSpec};

/// How long to wait before checking a held dispatch again (F-31 step 2).
pub const DISPATCH_HOLD_RECHECK_S: u64 = 5;

/// A Work of the binding as it exists now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingWork {
    /// The cluster it targets.
    pub cluster: String,
    /// It has a `deletionTimestamp`.
    pub terminating: bool,
}

/// What one sync of the binding does to its Works.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkPlan {
    /// Delete the Works on these clusters (F-31 step 1), in name order.
    pub delete: Vec<String>,
    /// Create or update the Works on these clusters (step 3), in name order; empty while held.
    pub apply: Vec<String>,
    /// Step 2: a Work still exists on a Directly cluster, so nothing is created or updated;
    /// check again after `DISPATCH_HOLD_RECHECK_S`.
    pub held: bool,
}

/// The clusters whose Works stay: targets, `requiredBy` clusters, and non-Directly tasks (F-31).
pub fn kept_clusters(spec: &ResourceBindingSpec) -> BTreeSet<&str> {
    let mut kept: BTreeSet<&str> = target_clusters(spec);
    for task in &spec.graceful_eviction_tasks {
        if task.purge_mode != Some(PurgeMode::Directly) {
            kept.insert(&task.from_cluster);
        }
    }
    kept
}

/// `spec.clusters` ∪ `requiredBy` clusters: where the workload should run.
pub fn target_clusters(spec: &ResourceBindingSpec) -> BTreeSet<&str> {
    let mut targets: BTreeSet<&str> = spec.clusters.iter().map(|t| t.name.as_str()).collect();
    for snapshot in &spec.required_by {
        targets.extend(snapshot.clusters.iter().map(|t| t.name.as_str()));
    }
    targets
}

/// F-31 and F-32: the Work plan of one binding sync.
pub fn plan_works(spec: &ResourceBindingSpec, existing: &[ExistingWork]) -> WorkPlan {
    let kept = kept_clusters(spec);
    let directly: BTreeSet<&str> = spec
        .graceful_eviction_tasks
        .iter()
        .filter(|t| t.purge_mode == Some(PurgeMode::Directly))
        .map(|t| t.from_cluster.as_str())
        .collect();
    let mut delete: Vec<String> = existing
        .iter()
        .filter(|w| !kept.contains(w.cluster.as_str()) && !w.terminating)
        .map(|w| w.cluster.clone())
        .collect();
    delete.sort();
    delete.dedup();
    let held = existing
        .iter()
        .any(|w| directly.contains(w.cluster.as_str()));
    let apply = if held {
        vec![]
    } else {
        target_clusters(spec)
            .into_iter()
            .map(String::from)
            .collect()
    };
    WorkPlan {
        delete,
        apply,
        held,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flotilla_api::types::{BindingSnapshot, GracefulEvictionTask, TargetCluster};

    fn spec(targets: &[&str], tasks: &[(&str, PurgeMode)]) -> ResourceBindingSpec {
        ResourceBindingSpec {
            clusters: targets
                .iter()
                .map(|n| TargetCluster {
                    name: n.to_string(),
                    replicas: 1,
                    components: vec![],
                })
                .collect(),
            graceful_eviction_tasks: tasks
                .iter()
                .map(|(c, m)| GracefulEvictionTask {
                    from_cluster: c.to_string(),
                    purge_mode: Some(*m),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    fn works(w: &[(&str, bool)]) -> Vec<ExistingWork> {
        w.iter()
            .map(|(c, t)| ExistingWork {
                cluster: c.to_string(),
                terminating: *t,
            })
            .collect()
    }

    /// F-31: Gracefully/Never copies stay frozen; Directly copies go; strays go.
    #[test]
    fn f31_works_while_a_task_exists() {
        let graceful = spec(&["west"], &[("east", PurgeMode::Gracefully)]);
        let plan = plan_works(
            &graceful,
            &works(&[("east", false), ("west", false), ("old", false)]),
        );
        assert_eq!(
            plan,
            WorkPlan {
                delete: vec!["old".into()],
                apply: vec!["west".into()],
                held: false
            }
        );
        let never = spec(&["west"], &[("east", PurgeMode::Never)]);
        assert!(
            plan_works(&never, &works(&[("east", false)]))
                .delete
                .is_empty()
        );
        let mut with_required = spec(&["west"], &[]);
        with_required.required_by = vec![BindingSnapshot {
            name: "parent".into(),
            clusters: vec![TargetCluster {
                name: "north".into(),
                replicas: 0,
                components: vec![],
            }],
            ..Default::default()
        }];
        assert_eq!(
            plan_works(&with_required, &[]).apply,
            vec!["north".to_string(), "west".to_string()]
        );
    }

    /// F-32: Directly deletes the old copy and holds the new one until it is gone (terminating
    /// counts as existing).
    #[test]
    fn f32_directly_dispatch_hold() {
        let directly = spec(&["north"], &[("west", PurgeMode::Directly)]);
        let first = plan_works(&directly, &works(&[("west", false)]));
        assert_eq!(
            first,
            WorkPlan {
                delete: vec!["west".into()],
                apply: vec![],
                held: true
            }
        );
        let terminating = plan_works(&directly, &works(&[("west", true)]));
        assert_eq!(
            terminating,
            WorkPlan {
                delete: vec![],
                apply: vec![],
                held: true
            }
        );
        let gone = plan_works(&directly, &[]);
        assert_eq!(
            gone,
            WorkPlan {
                delete: vec![],
                apply: vec!["north".into()],
                held: false
            }
        );
        let task_removed = plan_works(&spec(&["north"], &[]), &works(&[("west", true)]));
        assert!(
            !task_removed.held,
            "once the task is gone the hold ends (F-32 b)"
        );
    }
}
