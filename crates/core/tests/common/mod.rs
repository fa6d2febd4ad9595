//! Builders for scheduler tests: clusters with capacity and taints, bindings with placements.

#![allow(dead_code)]

use std::collections::BTreeMap;

use flotilla_api::kinds::{Cluster, ResourceBinding};
use flotilla_api::types::*;
use flotilla_core::scheduler::{
    ClusterSnapshot, ScheduleDecision, SchedulerConfig, apply_decision, schedule,
};
use k8s_openapi::api::core::v1::{Taint, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, Time};

/// The pass time used by tests.
pub fn now() -> Time {
    Time("2026-09-01T09:00:00Z".parse().unwrap())
}

/// A later time.
pub fn later() -> Time {
    Time("2026-09-01T10:00:00Z".parse().unwrap())
}

/// A healthy cluster serving apps/v1 Deployment with `pods` free pods.
pub fn cluster(name: &str, pods: i64) -> Cluster {
    let mut c = Cluster::new(name, ClusterSpec::default());
    c.status = Some(ClusterStatus {
        api_enablements: vec![ApiEnablement {
            group_version: "apps/v1".into(),
            resources: vec![ApiResource {
                name: "deployments".into(),
                kind: "Deployment".into(),
            }],
        }],
        resource_summary: Some(ResourceSummary {
            allocatable: [("pods".to_string(), pods.to_string().parse().unwrap())].into(),
            ..Default::default()
        }),
        ..Default::default()
    });
    c
}

/// Adds a taint.
pub fn tainted(mut c: Cluster, key: &str, effect: &str) -> Cluster {
    c.spec.taints.push(Taint {
        key: key.into(),
        value: None,
        effect: effect.into(),
        time_added: None,
    });
    c
}

/// Sets labels.
pub fn labelled(mut c: Cluster, labels: &[(&str, &str)]) -> Cluster {
    c.metadata.labels = Some(
        labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    c
}

/// Sets the region.
pub fn in_region(mut c: Cluster, region: &str) -> Cluster {
    c.spec.region = region.into();
    c
}

/// Marks the cluster as being deleted.
pub fn deleting(mut c: Cluster) -> Cluster {
    c.metadata.deletion_timestamp = Some(now());
    c
}

/// An affinity by names.
pub fn names(n: &[&str]) -> ClusterAffinity {
    ClusterAffinity {
        cluster_names: n.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

/// An affinity by labels.
pub fn by_labels(pairs: &[(&str, &str)]) -> ClusterAffinity {
    ClusterAffinity {
        label_selector: Some(LabelSelector {
            match_labels: Some(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<BTreeMap<_, _>>(),
            ),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Divided strategies.
pub fn divided(
    pref: ReplicaDivisionPreference,
    weights: Option<ClusterPreferences>,
) -> Option<ReplicaSchedulingStrategy> {
    Some(ReplicaSchedulingStrategy {
        replica_scheduling_type: ReplicaSchedulingType::Divided,
        replica_division_preference: Some(pref),
        weight_preference: weights,
    })
}

/// Duplicated strategy.
pub fn duplicated() -> Option<ReplicaSchedulingStrategy> {
    Some(ReplicaSchedulingStrategy {
        replica_scheduling_type: ReplicaSchedulingType::Duplicated,
        ..Default::default()
    })
}

/// DynamicWeight strategy.
pub fn dynamic() -> Option<ReplicaSchedulingStrategy> {
    divided(
        ReplicaDivisionPreference::Weighted,
        Some(ClusterPreferences {
            dynamic_weight: Some(DynamicWeightFactor::AvailableReplicas),
            ..Default::default()
        }),
    )
}

/// Aggregated strategy.
pub fn aggregated() -> Option<ReplicaSchedulingStrategy> {
    divided(ReplicaDivisionPreference::Aggregated, None)
}

/// Static weights by cluster name.
pub fn static_weights(weights: &[(&str, i64)]) -> Option<ReplicaSchedulingStrategy> {
    divided(
        ReplicaDivisionPreference::Weighted,
        Some(ClusterPreferences {
            static_weight_list: weights
                .iter()
                .map(|(n, w)| StaticClusterWeight {
                    target_cluster: names(&[n]),
                    weight: *w,
                })
                .collect(),
            ..Default::default()
        }),
    )
}

/// A cluster spread constraint.
pub fn spread(min: i64, max: i64) -> SpreadConstraint {
    SpreadConstraint {
        spread_by_field: Some(SpreadByField::Cluster),
        min_groups: min,
        max_groups: max,
        ..Default::default()
    }
}

/// A toleration of a key's NoExecute taint, optionally limited.
pub fn tolerate(key: &str, effect: &str, seconds: Option<i64>) -> Toleration {
    Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        value: None,
        effect: Some(effect.into()),
        toleration_seconds: seconds,
    }
}

/// A Deployment binding with `replicas` and `placement`, owned by a policy.
pub fn binding(replicas: i32, placement: Placement) -> ResourceBinding {
    let mut b = ResourceBinding::new(
        "web-deployment",
        ResourceBindingSpec {
            resource: ObjectReference {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                namespace: "default".into(),
                name: "web".into(),
                uid: "00000000-0000-0000-0000-000000000001".into(),
                ..Default::default()
            },
            replicas,
            placement: Some(placement),
            ..Default::default()
        },
    );
    b.metadata.namespace = Some("default".into());
    b.metadata.generation = Some(1);
    b.metadata.labels = Some(
        [(
            "propagationpolicy.karmada.io/permanent-id".to_string(),
            "p-1".to_string(),
        )]
        .into(),
    );
    b
}

/// Sets the target list.
pub fn with_targets(mut b: ResourceBinding, targets: &[(&str, i32)]) -> ResourceBinding {
    b.spec.clusters = targets
        .iter()
        .map(|(n, r)| TargetCluster {
            name: n.to_string(),
            replicas: *r,
            components: vec![],
        })
        .collect();
    b
}

/// What the taint manager writes on eviction (S-59): the cluster leaves the targets, a task
/// appears, the generation goes up.
pub fn evict(mut b: ResourceBinding, cluster: &str) -> ResourceBinding {
    let replicas = b
        .spec
        .clusters
        .iter()
        .find(|t| t.name == cluster)
        .map(|t| t.replicas);
    b.spec.clusters.retain(|t| t.name != cluster);
    b.spec.graceful_eviction_tasks.push(GracefulEvictionTask {
        from_cluster: cluster.into(),
        purge_mode: Some(PurgeMode::Gracefully),
        replicas,
        reason: "TaintUntolerated".into(),
        producer: "TaintManager".into(),
        ..Default::default()
    });
    b.metadata.generation = Some(b.metadata.generation.unwrap_or(1) + 1);
    b
}

/// Runs one pass with default settings and writes its decision into the binding.
pub fn pass(clusters: &[Cluster], b: &mut ResourceBinding) -> ScheduleDecision {
    pass_with(clusters, b, &SchedulerConfig::default())
}

/// Runs one pass with `config`.
pub fn pass_with(
    clusters: &[Cluster],
    b: &mut ResourceBinding,
    config: &SchedulerConfig,
) -> ScheduleDecision {
    let snapshot = ClusterSnapshot::new(clusters.to_vec());
    let decision = schedule(
        &snapshot,
        &b.metadata,
        &b.spec,
        b.status.as_ref(),
        config,
        &[],
        &now(),
    );
    apply_decision(b, &decision, &now());
    decision
}

/// The target list as (name, replicas).
pub fn targets(b: &ResourceBinding) -> Vec<(String, i32)> {
    b.spec
        .clusters
        .iter()
        .map(|t| (t.name.clone(), t.replicas))
        .collect()
}

/// Shorthand for expected target lists.
pub fn t(pairs: &[(&str, i32)]) -> Vec<(String, i32)> {
    pairs.iter().map(|(n, r)| (n.to_string(), *r)).collect()
}
