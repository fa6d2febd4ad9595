//! Property tests of whole scheduling passes over generated fleets and bindings (issue 3):
//! exact replicas when capacity allows, affinity and taints respected, clusters under eviction
//! never chosen, determinism (also under snapshot order), and stability of an unchanged binding.

mod common;

use common::*;
use flotilla_api::kinds::{Cluster, ResourceBinding};
use flotilla_api::types::*;
use flotilla_core::scheduler::{ClusterSnapshot, SchedulerConfig, apply_decision, schedule};
use flotilla_core::selector::{ClusterFacts, cluster_matches};
use flotilla_core::taints::tolerated_by_any;
use proptest::prelude::*;
use proptest::sample::subsequence;

const NAMES: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "h"];

fn fleet() -> impl Strategy<Value = Vec<Cluster>> {
    proptest::collection::vec(
        (
            0i64..30,
            prop_oneof![Just("prod"), Just("dev")],
            proptest::option::of((
                prop_oneof![Just("x"), Just("y")],
                prop_oneof![Just("NoSchedule"), Just("NoExecute")],
            )),
            prop_oneof![Just("eu"), Just("us")],
        ),
        1..NAMES.len(),
    )
    .prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (pods, env, taint, region))| {
                let c = in_region(labelled(cluster(NAMES[i], pods), &[("env", env)]), region);
                match taint {
                    Some((key, effect)) => tainted(c, key, effect),
                    None => c,
                }
            })
            .collect()
    })
}

fn strategy() -> impl Strategy<Value = Option<ReplicaSchedulingStrategy>> {
    prop_oneof![
        Just(None),
        Just(duplicated()),
        Just(dynamic()),
        Just(aggregated()),
        Just(static_weights(&[("a", 2), ("b", 1), ("c", 3)])),
        Just(divided(ReplicaDivisionPreference::Weighted, None)),
    ]
}

fn affinity() -> impl Strategy<Value = Option<ClusterAffinity>> {
    prop_oneof![
        Just(None),
        Just(Some(by_labels(&[("env", "prod")]))),
        subsequence(NAMES.to_vec(), 1..5).prop_map(|n| Some(names(&n))),
    ]
}

fn placement() -> impl Strategy<Value = Placement> {
    (
        affinity(),
        strategy(),
        proptest::option::of((1i64..3, 0i64..4)),
        proptest::option::of(prop_oneof![Just("x"), Just("y")]),
    )
        .prop_map(
            |(cluster_affinity, replica_scheduling, spread_bounds, tolerated)| Placement {
                cluster_affinity,
                replica_scheduling,
                spread_constraints: spread_bounds
                    .map(|(min, max)| vec![spread(min, max.max(min) * (max > 0) as i64)])
                    .unwrap_or_default(),
                cluster_tolerations: tolerated
                    .map(|k| vec![tolerate(k, "", None)])
                    .unwrap_or_default(),
                ..Default::default()
            },
        )
}

fn scenario() -> impl Strategy<Value = (Vec<Cluster>, ResourceBinding)> {
    (
        fleet(),
        placement(),
        0i32..25,
        subsequence(NAMES.to_vec(), 0..3),
        proptest::collection::vec((0usize..8, 0i32..6), 0..3),
    )
        .prop_map(|(clusters, placement, replicas, evicting, previous)| {
            let mut b = binding(replicas, placement);
            for name in evicting {
                b.spec.graceful_eviction_tasks.push(GracefulEvictionTask {
                    from_cluster: name.into(),
                    reason: "TaintUntolerated".into(),
                    producer: "TaintManager".into(),
                    ..Default::default()
                });
            }
            let mut seen = std::collections::BTreeSet::new();
            b.spec.clusters = previous
                .into_iter()
                .filter(|(i, _)| *i < clusters.len() && seen.insert(*i))
                .map(|(i, r)| TargetCluster {
                    name: NAMES[i].into(),
                    replicas: r,
                    components: vec![],
                })
                .filter(|t| {
                    !b.spec
                        .graceful_eviction_tasks
                        .iter()
                        .any(|e| e.from_cluster == t.name)
                })
                .collect();
            (clusters, b)
        })
}

fn run(clusters: &[Cluster], b: &ResourceBinding) -> flotilla_core::scheduler::ScheduleDecision {
    let snapshot = ClusterSnapshot::new(clusters.to_vec());
    schedule(
        &snapshot,
        &b.metadata,
        &b.spec,
        b.status.as_ref(),
        &SchedulerConfig::default(),
        &[],
        &now(),
    )
}

fn is_divided(b: &ResourceBinding) -> bool {
    b.spec
        .placement
        .as_ref()
        .and_then(|p| p.replica_scheduling.as_ref())
        .is_some_and(|r| r.replica_scheduling_type == ReplicaSchedulingType::Divided)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Targets never leave the affinity, never include a cluster under eviction, and a *new*
    /// target never has an untolerated NoSchedule/NoExecute taint (S-15, S-17, S-20).
    #[test]
    fn targets_respect_filters((clusters, b) in scenario()) {
        let decision = run(&clusters, &b);
        let Some(new_targets) = decision.clusters else { return Ok(()) };
        let placement = b.spec.placement.clone().unwrap_or_default();
        for target in &new_targets {
            let cluster = clusters.iter().find(|c| c.metadata.name.as_deref() == Some(&target.name)).unwrap();
            if let Some(affinity) = &placement.cluster_affinity {
                prop_assert!(cluster_matches(&ClusterFacts::of(cluster), affinity), "{} outside the affinity", target.name);
            }
            prop_assert!(!b.spec.graceful_eviction_tasks.iter().any(|t| t.from_cluster == target.name), "{} is being evicted", target.name);
            let was_current = b.spec.clusters.iter().any(|t| t.name == target.name);
            if !was_current {
                for taint in cluster.spec.taints.iter().filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute") {
                    prop_assert!(tolerated_by_any(&placement.cluster_tolerations, taint), "{} has untolerated {:?}", target.name, taint);
                }
            }
        }
    }

    /// A successful Divided pass assigns exactly the desired replicas (S-37 … S-47).
    #[test]
    fn divided_bindings_get_exactly_the_desired_replicas((clusters, b) in scenario()) {
        let decision = run(&clusters, &b);
        if decision.failure.is_none() && is_divided(&b) && b.spec.replicas > 0 {
            let sum: i64 = decision.clusters.unwrap().iter().map(|t| i64::from(t.replicas)).sum();
            prop_assert_eq!(sum, i64::from(b.spec.replicas));
        }
    }

    /// With no filters in the way and enough capacity, Divided scheduling succeeds and places all.
    #[test]
    fn capacity_allows_means_success(pods in proptest::collection::vec(0i64..20, 1..8), replicas in 1i32..40, s in prop_oneof![Just(dynamic()), Just(aggregated()), Just(divided(ReplicaDivisionPreference::Weighted, None))]) {
        let clusters: Vec<Cluster> = pods.iter().enumerate().map(|(i, p)| cluster(NAMES[i], *p)).collect();
        let b = binding(replicas, Placement { replica_scheduling: s.clone(), ..Default::default() });
        let decision = run(&clusters, &b);
        let total: i64 = pods.iter().sum();
        let is_static = s == divided(ReplicaDivisionPreference::Weighted, None);
        if is_static || total >= i64::from(replicas) {
            prop_assert_eq!(decision.failure, None, "{}", decision.condition.message);
            let sum: i64 = decision.clusters.unwrap().iter().map(|t| i64::from(t.replicas)).sum();
            prop_assert_eq!(sum, i64::from(replicas));
        } else {
            prop_assert!(decision.failure.is_some());
        }
    }

    /// Same input, same output — whatever the order the clusters arrive in (S-67).
    #[test]
    fn deterministic((clusters, b) in scenario(), rotate in 0usize..8) {
        let first = run(&clusters, &b);
        let mut shuffled = clusters.clone();
        shuffled.reverse();
        let len = shuffled.len();
        shuffled.rotate_left(rotate % len);
        prop_assert_eq!(&first, &run(&clusters, &b));
        prop_assert_eq!(first, run(&shuffled, &b));
    }

    /// Rescheduling an already scheduled, unchanged binding changes nothing.
    #[test]
    fn an_unchanged_binding_stays_put((clusters, b) in scenario()) {
        let mut scheduled = b.clone();
        let decision = run(&clusters, &scheduled);
        if decision.failure.is_some() {
            return Ok(());
        }
        apply_decision(&mut scheduled, &decision, &now());
        let again = run(&clusters, &scheduled);
        let mut twice = scheduled.clone();
        apply_decision(&mut twice, &again, &now());
        prop_assert_eq!(targets(&twice), targets(&scheduled));
    }
}
