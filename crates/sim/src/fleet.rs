//! Fleet generation: member clusters (regions, capacity, API enablements, a Ready condition) and
//! bindings of every strategy and purge mode, with tolerations, spread constraints, state
//! preservation and application failover — drawn from the seed.
//!
//! Owns: the initial world. Must not: advance time.

use std::collections::BTreeMap;

use flotilla_api::kinds::{Cluster, ResourceBinding};
use flotilla_api::types::*;
use flotilla_core::failover::BindingKind;
use k8s_openapi::api::core::v1::Toleration;

use crate::config::SimConfig;
use crate::rng::Rng;
use crate::world::{Member, SimBinding, SimCluster, World, time_of};

/// The NoExecute taint the simulated ClusterTaintPolicy puts on clusters that are not Ready.
pub const POLICY_TAINT_KEY: &str = "failover.flotilla.io/not-ready";

/// The preserved-state rule's alias label.
pub const STATE_LABEL: &str = "failover.flotilla.io/job-id";

/// The initial world for a configuration.
pub fn generate(config: &SimConfig, rng: &mut Rng) -> World {
    let clusters = (0..config.clusters).map(|i| cluster(i, rng)).collect();
    let bindings = (0..config.bindings)
        .map(|i| binding(i, config, rng))
        .collect();
    World::new(clusters, bindings)
}

fn cluster(i: usize, rng: &mut Rng) -> SimCluster {
    let name = format!("member-{i:03}");
    let capacity_pods = rng.between(40, 200);
    let probe_due_ms = rng.between(0, 9_999);
    member(
        &name,
        &format!("region-{}", i % 3),
        capacity_pods,
        probe_due_ms,
    )
}

/// A Push member cluster labelled `tier: prod`, Ready since time 0, serving apps/v1
/// Deployments, with room for `capacity_pods` pods and its first probe at `probe_due_ms`.
pub fn member(name: &str, region: &str, capacity_pods: i64, probe_due_ms: i64) -> SimCluster {
    let name = name.to_string();
    let mut c = Cluster::new(
        &name,
        ClusterSpec {
            sync_mode: SyncMode::Push,
            api_endpoint: format!("https://{name}.sim:6443"),
            secret_ref: Some(LocalSecretReference {
                namespace: "karmada-cluster".into(),
                name: name.clone(),
            }),
            region: region.to_string(),
            ..Default::default()
        },
    );
    c.metadata.labels = Some([("tier".to_string(), "prod".to_string())].into());
    c.metadata.generation = Some(1);
    c.status = Some(ClusterStatus {
        kubernetes_version: "v1.32.4".into(),
        api_enablements: vec![ApiEnablement {
            group_version: "apps/v1".into(),
            resources: vec![ApiResource {
                name: "deployments".into(),
                kind: "Deployment".into(),
            }],
        }],
        conditions: vec![Condition {
            type_: "Ready".into(),
            status: ConditionStatus::True,
            observed_generation: None,
            last_transition_time: time_of(0),
            reason: "ClusterReady".into(),
            message: "cluster is healthy and ready to accept workloads".into(),
        }],
        resource_summary: Some(ResourceSummary {
            allocatable: [(
                "pods".to_string(),
                capacity_pods.to_string().parse().expect("a count"),
            )]
            .into(),
            ..Default::default()
        }),
        ..Default::default()
    });
    SimCluster {
        object: c,
        member: Member::Up,
        capacity_pods,
        probe_due_ms,
    }
}

/// Above this many clusters, Duplicated bindings spread over a few clusters, not all.
const LARGE_FLEET: usize = 16;

fn strategy(
    rng: &mut Rng,
    clusters: usize,
) -> (Option<ReplicaSchedulingStrategy>, Vec<SpreadConstraint>) {
    let divided = |pref, weights| {
        Some(ReplicaSchedulingStrategy {
            replica_scheduling_type: ReplicaSchedulingType::Divided,
            replica_division_preference: Some(pref),
            weight_preference: weights,
        })
    };
    let spread = |min, max| {
        vec![SpreadConstraint {
            spread_by_field: Some(SpreadByField::Cluster),
            min_groups: min,
            max_groups: max,
            ..Default::default()
        }]
    };
    match rng.below(5) {
        0 => (None, spread(1, 2)),
        // Duplicated to every cluster when the fleet is small; to a few in a large fleet (a
        // copy on each of 1,000 clusters is a DaemonSet-like special case, not the mix).
        1 => (
            Some(ReplicaSchedulingStrategy {
                replica_scheduling_type: ReplicaSchedulingType::Duplicated,
                ..Default::default()
            }),
            if clusters > LARGE_FLEET {
                spread(1, 4)
            } else {
                vec![]
            },
        ),
        2 => (divided(ReplicaDivisionPreference::Weighted, None), vec![]),
        3 => (
            divided(
                ReplicaDivisionPreference::Weighted,
                Some(ClusterPreferences {
                    dynamic_weight: Some(DynamicWeightFactor::AvailableReplicas),
                    ..Default::default()
                }),
            ),
            spread(1, 3),
        ),
        _ => (
            divided(ReplicaDivisionPreference::Aggregated, None),
            spread(1, 2),
        ),
    }
}

fn binding(i: usize, config: &SimConfig, rng: &mut Rng) -> SimBinding {
    let kind = if i % 10 == 9 {
        BindingKind::ClusterResourceBinding
    } else {
        BindingKind::ResourceBinding
    };
    let (replica_scheduling, mut spread_constraints) = strategy(rng, config.clusters);
    let directly = rng.chance(0.3);
    let preserve = directly && rng.chance(0.5);
    if preserve {
        spread_constraints = vec![SpreadConstraint {
            spread_by_field: Some(SpreadByField::Cluster),
            min_groups: 1,
            max_groups: 1,
            ..Default::default()
        }];
    }
    let tolerations = if rng.chance(0.3) {
        vec![Toleration {
            key: Some(POLICY_TAINT_KEY.into()),
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            toleration_seconds: Some(rng.between(30, 180)),
            value: None,
        }]
    } else {
        vec![]
    };
    let never_healthy = config.faults.unhealthy && rng.chance(0.02);
    let failover = FailoverBehavior {
        cluster: Some(ClusterFailoverBehavior {
            purge_mode: if directly {
                PurgeMode::Directly
            } else {
                PurgeMode::Gracefully
            },
            state_preservation: preserve.then(|| StatePreservation {
                rules: vec![StatePreservationRule {
                    alias_label_name: STATE_LABEL.into(),
                    json_path: "{.jobStatus.jobId}".into(),
                }],
            }),
        }),
        application: never_healthy.then_some(ApplicationFailoverBehavior {
            decision_conditions: DecisionConditions {
                toleration_seconds: Some(300),
            },
            purge_mode: PurgeMode::Gracefully,
            grace_period_seconds: Some(120),
            state_preservation: None,
        }),
    };
    let name = format!("app-{i:04}");
    let mut b = ResourceBinding::new(
        &format!("{name}-deployment"),
        ResourceBindingSpec {
            resource: ObjectReference {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                namespace: if kind == BindingKind::ResourceBinding {
                    "default".into()
                } else {
                    String::new()
                },
                name,
                uid: format!("00000000-0000-4000-8000-{i:012}"),
                ..Default::default()
            },
            replicas: rng.between(1, 8) as i32,
            propagate_deps: never_healthy,
            placement: Some(Placement {
                cluster_tolerations: tolerations,
                spread_constraints,
                replica_scheduling,
                ..Default::default()
            }),
            failover: Some(failover),
            ..Default::default()
        },
    );
    if kind == BindingKind::ResourceBinding {
        b.metadata.namespace = Some("default".into());
    }
    b.metadata.generation = Some(1);
    b.metadata.labels = Some(BTreeMap::from([(
        "propagationpolicy.karmada.io/permanent-id".to_string(),
        format!("policy-{}", i % 7),
    )]));
    SimBinding {
        never_healthy,
        ..SimBinding::new(kind, b)
    }
}
