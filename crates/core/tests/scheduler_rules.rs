//! Table tests for the scheduler rules that span stages: triggers (S-5 … S-11), the pass
//! (S-13, S-14, S-21, S-27), terms (S-52, S-53), writing results (S-55 … S-58) and the
//! decisions D-10 and D-13. Stage rules are tested next to their code.

mod common;

use common::*;
use flotilla_api::constants::annotations;
use flotilla_api::types::*;
use flotilla_core::scheduler::trigger::{
    ScheduleReason, Trigger, affected_by_cluster, needs_scheduling, owns, placement_changed,
    reschedule_requested,
};
use flotilla_core::scheduler::{ClusterSnapshot, FailureReason, Retry, SchedulerConfig};

fn placement(rs: Option<ReplicaSchedulingStrategy>) -> Placement {
    Placement {
        replica_scheduling: rs,
        ..Default::default()
    }
}

/// S-5: scheduler name, suspension and claim labels.
#[test]
fn s5_ownership() {
    let b = binding(1, Placement::default());
    assert!(
        owns("default-scheduler", &b.metadata, &b.spec, true),
        "empty schedulerName is default-scheduler"
    );
    assert!(!owns("other", &b.metadata, &b.spec, true));
    let mut suspended = b.clone();
    suspended.spec.suspension = Some(BindingSuspension {
        scheduling: Some(true),
        ..Default::default()
    });
    assert!(!owns(
        "default-scheduler",
        &suspended.metadata,
        &suspended.spec,
        true
    ));
    let mut unclaimed = b.clone();
    unclaimed.metadata.labels = Some(
        [(
            "propagationpolicy.karmada.io/permanent-id".to_string(),
            String::new(),
        )]
        .into(),
    );
    assert!(
        !owns(
            "default-scheduler",
            &unclaimed.metadata,
            &unclaimed.spec,
            true
        ),
        "empty label values do not count"
    );
    assert!(
        owns(
            "default-scheduler",
            &unclaimed.metadata,
            &unclaimed.spec,
            false
        ),
        "cluster requeues skip the label check"
    );
}

/// S-7: a cluster change enqueues bindings whose (observed-term) affinity matches it.
#[test]
fn s7_bindings_affected_by_a_cluster() {
    let m1 = cluster("m1", 10);
    let plain = binding(
        1,
        Placement {
            cluster_affinity: Some(names(&["m2"])),
            ..Default::default()
        },
    );
    assert!(!affected_by_cluster(
        &m1,
        &plain.metadata,
        &plain.spec,
        None
    ));
    let open = binding(1, Placement::default());
    assert!(
        affected_by_cluster(&m1, &open.metadata, &open.spec, None),
        "no affinity: always"
    );
    let terms = Placement {
        cluster_affinities: Some(vec![
            ClusterAffinityTerm {
                affinity_name: "g1".into(),
                affinity: names(&["m1"]),
                ..Default::default()
            },
            ClusterAffinityTerm {
                affinity_name: "g2".into(),
                affinity: names(&["m2"]),
                ..Default::default()
            },
        ]),
        ..Default::default()
    };
    let mut b = binding(1, terms);
    let status = ResourceBindingStatus {
        scheduler_observed_generation: 1,
        scheduler_observing_affinity_name: "g2".into(),
        ..Default::default()
    };
    assert!(
        !affected_by_cluster(&m1, &b.metadata, &b.spec, Some(&status)),
        "only the observed term counts (E-5)"
    );
    b.metadata.generation = Some(2);
    assert!(
        affected_by_cluster(&m1, &b.metadata, &b.spec, Some(&status)),
        "unobserved generation: always"
    );
}

/// S-8 order, with its example: a Divided binding is not rescheduled by a label change.
#[test]
fn s8_does_a_binding_need_scheduling() {
    let snapshot = ClusterSnapshot::new(vec![cluster("a", 10), deleting(cluster("b", 10))]);
    let mut divided_b = with_targets(binding(6, placement(dynamic())), &[("a", 3), ("c", 3)]);
    let applied = serde_json::to_string(divided_b.spec.placement.as_ref().unwrap()).unwrap();
    divided_b.metadata.annotations =
        Some([(annotations::APPLIED_PLACEMENT.to_string(), applied)].into());
    let status = ResourceBindingStatus {
        scheduler_observed_generation: 1,
        ..Default::default()
    };
    let check = |b: &flotilla_api::kinds::ResourceBinding, s: Option<&ResourceBindingStatus>| {
        needs_scheduling(&snapshot, &b.metadata, &b.spec, s)
    };
    assert_eq!(check(&divided_b, Some(&status)), Trigger::Nothing);
    assert_eq!(check(&divided_b, None), Trigger::ObserveGeneration(1));
    let mut fewer = divided_b.clone();
    fewer.spec.replicas = 7;
    assert_eq!(
        check(&fewer, Some(&status)),
        Trigger::Schedule(ScheduleReason::ReplicasChanged)
    );
    let mut on_deleting = divided_b.clone();
    on_deleting.spec.clusters[1].name = "b".into();
    assert_eq!(
        check(&on_deleting, Some(&status)),
        Trigger::Schedule(ScheduleReason::TargetClusterDeleting)
    );
    let mut dup = with_targets(binding(2, placement(duplicated())), &[("a", 2)]);
    dup.metadata.annotations = divided_b.metadata.annotations.clone();
    dup.spec.placement = Some(placement(duplicated()));
    let applied = serde_json::to_string(dup.spec.placement.as_ref().unwrap()).unwrap();
    dup.metadata.annotations = Some([(annotations::APPLIED_PLACEMENT.to_string(), applied)].into());
    assert_eq!(
        check(&dup, Some(&status)),
        Trigger::Schedule(ScheduleReason::AlwaysScheduled)
    );
    let fresh = binding(6, placement(dynamic()));
    assert_eq!(
        check(&fresh, None),
        Trigger::Schedule(ScheduleReason::PlacementChanged)
    );
    let mut gone = divided_b.clone();
    gone.metadata.deletion_timestamp = Some(now());
    assert_eq!(check(&gone, None), Trigger::Deleting);
}

/// S-9 with its example (other terms do not matter) and D-18 (absent = empty).
#[test]
fn s9_placement_changed() {
    let term = |name: &str, clusters: &[&str]| ClusterAffinityTerm {
        affinity_name: name.into(),
        affinity: names(clusters),
        ..Default::default()
    };
    let a = Placement {
        cluster_affinities: Some(vec![term("g1", &["m1"])]),
        ..Default::default()
    };
    let applied = serde_json::to_string(&a).unwrap();
    let added = Placement {
        cluster_affinities: Some(vec![term("g1", &["m1"]), term("g2", &["m2"])]),
        ..Default::default()
    };
    let edited = Placement {
        cluster_affinities: Some(vec![term("g1", &["m1", "m2"])]),
        ..Default::default()
    };
    assert!(!placement_changed(&a, Some(&applied), "g1"));
    assert!(
        !placement_changed(&added, Some(&applied), "g1"),
        "adding another term is not a change"
    );
    assert!(placement_changed(&edited, Some(&applied), "g1"));
    assert!(
        placement_changed(&added, Some(&applied), ""),
        "no observed term"
    );
    assert!(placement_changed(&a, None, "g1"), "no annotation");
    assert!(placement_changed(&a, Some(""), "g1"));
    assert!(
        !placement_changed(&a, Some("{not json"), "g1"),
        "unparsable: not changed"
    );
    let with_tolerations = Placement {
        cluster_tolerations: vec![tolerate("k", "NoExecute", None)],
        ..a.clone()
    };
    assert!(placement_changed(&with_tolerations, Some(&applied), "g1"));
    let empty_terms = Placement {
        cluster_affinities: Some(vec![]),
        ..Default::default()
    };
    let none = serde_json::to_string(&Placement::default()).unwrap();
    assert!(
        !placement_changed(&empty_terms, Some(&none), ""),
        "D-18: absent and empty compare equal"
    );
}

/// S-10: replica mismatch by strategy.
#[test]
fn s10_replicas_changed() {
    use flotilla_core::scheduler::trigger::replicas_changed;
    let cases = [
        (
            with_targets(binding(5, placement(dynamic())), &[("a", 2), ("b", 2)]),
            true,
        ),
        (
            with_targets(binding(4, placement(dynamic())), &[("a", 2), ("b", 2)]),
            false,
        ),
        (
            with_targets(binding(2, placement(duplicated())), &[("a", 2), ("b", 1)]),
            true,
        ),
        (
            with_targets(binding(2, placement(duplicated())), &[("a", 2)]),
            false,
        ),
        (
            with_targets(binding(9, placement(None)), &[("a", 2)]),
            false,
        ),
    ];
    for (i, (b, expected)) in cases.iter().enumerate() {
        assert_eq!(replicas_changed(&b.spec), *expected, "case {i}");
    }
}

/// S-11: strictly later than the last successful schedule; waits when never scheduled.
#[test]
fn s11_reschedule_requested() {
    let mut b = binding(1, Placement::default());
    b.spec.reschedule_triggered_at = Some(later());
    let at = |t| ResourceBindingStatus {
        last_scheduled_time: Some(t),
        ..Default::default()
    };
    assert!(reschedule_requested(&b.spec, Some(&at(now()))));
    assert!(
        !reschedule_requested(&b.spec, Some(&at(later()))),
        "equal is not later"
    );
    assert!(!reschedule_requested(&b.spec, None));
}

/// S-13 and S-21: deleting clusters are skipped but counted; reasons are counted and sorted.
#[test]
fn s13_s21_no_cluster_fit_message() {
    let clusters = vec![
        cluster("a", 10),
        tainted(cluster("b", 10), "k", "NoSchedule"),
        cluster("c", 10),
        deleting(cluster("d", 10)),
    ];
    let mut b = binding(
        1,
        Placement {
            cluster_affinity: Some(names(&["b", "c", "d"])),
            ..Default::default()
        },
    );
    b.spec.graceful_eviction_tasks.push(GracefulEvictionTask {
        from_cluster: "c".into(),
        reason: "R".into(),
        producer: "p".into(),
        ..Default::default()
    });
    let decision = pass(&clusters, &mut b);
    assert_eq!(decision.failure, Some(FailureReason::NoClusterFit));
    assert!(
        decision.condition.message.starts_with("0/4 clusters are available: 1 cluster(s) did not match the placement cluster affinity constraint, 1 cluster(s) had untolerated taint {k:NoSchedule}, 1 cluster(s) is in the process of eviction."),
        "{}",
        decision.condition.message
    );
    let mut lonely = binding(1, Placement::default());
    let none = pass(&[], &mut lonely);
    assert!(
        none.condition
            .message
            .starts_with("0/0 clusters are available: no cluster exists."),
        "{}",
        none.condition.message
    );
}

/// D-13 (regression test named after the decision): NoClusterFit keeps the running placement and
/// names each cluster's reason; nothing is withdrawn silently.
#[test]
fn d13_no_cluster_fit_keeps_the_previous_targets() {
    let clusters = vec![cluster("a", 10), cluster("b", 10)];
    let mut b = with_targets(
        binding(
            2,
            Placement {
                cluster_affinity: Some(names(&["z"])),
                ..Default::default()
            },
        ),
        &[("a", 2)],
    );
    let decision = pass(&clusters, &mut b);
    assert_eq!(targets(&b), t(&[("a", 2)]), "the target list is untouched");
    assert_eq!(decision.clusters, None);
    assert_eq!(
        decision.retry,
        Retry::OnEvent,
        "S-12: NoClusterFit waits for an event"
    );
    let condition = &b.status.as_ref().unwrap().conditions[0];
    assert_eq!(
        (condition.status, condition.reason.as_str()),
        (ConditionStatus::False, "NoClusterFit")
    );
    assert!(condition.message.ends_with("Per cluster: a: did not match the placement cluster affinity constraint; b: did not match the placement cluster affinity constraint."), "{}", condition.message);
    assert!(
        b.metadata.annotations.is_none(),
        "the applied placement is written only on success"
    );
}

/// S-14: health is not a filter.
#[test]
fn s14_health_is_not_a_filter() {
    let mut sick = cluster("a", 10);
    sick.status.as_mut().unwrap().conditions.push(Condition {
        type_: "Ready".into(),
        status: ConditionStatus::False,
        observed_generation: None,
        last_transition_time: now(),
        reason: "ClusterNotReachable".into(),
        message: String::new(),
    });
    let mut b = binding(2, placement(duplicated()));
    pass(&[sick], &mut b);
    assert_eq!(targets(&b), t(&[("a", 2)]));
}

/// S-27: avail counts the replicas a cluster already runs (a DynamicWeight scale-up weighs alloc).
#[test]
fn s27_avail_includes_current_replicas() {
    let clusters = vec![cluster("a", 3), cluster("b", 9), cluster("c", 6)];
    let mut b = with_targets(binding(12, placement(dynamic())), &[("a", 4), ("b", 2)]);
    pass(&clusters, &mut b);
    assert_eq!(
        targets(&b),
        t(&[("a", 5), ("b", 5), ("c", 2)]),
        "S-44's example through a whole pass"
    );
}

fn terms_placement() -> Placement {
    Placement {
        cluster_affinities: Some(vec![
            ClusterAffinityTerm {
                affinity_name: "primary".into(),
                affinity: names(&["dc1"]),
                ..Default::default()
            },
            ClusterAffinityTerm {
                affinity_name: "backup".into(),
                affinity: names(&["cloud1", "cloud2"]),
                ..Default::default()
            },
        ]),
        replica_scheduling: duplicated(),
        ..Default::default()
    }
}

/// S-52 / S-53: terms in order, sticky, a warning per failed term, first error reported.
#[test]
fn s52_s53_affinity_terms() {
    let healthy = vec![
        cluster("dc1", 10),
        cluster("cloud1", 10),
        cluster("cloud2", 10),
    ];
    let mut b = binding(2, terms_placement());
    pass(&healthy, &mut b);
    assert_eq!(targets(&b), t(&[("dc1", 2)]));
    assert_eq!(
        b.status.as_ref().unwrap().scheduler_observing_affinity_name,
        "primary"
    );
    let lost = vec![
        tainted(cluster("dc1", 10), "down", "NoSchedule"),
        cluster("cloud1", 10),
        cluster("cloud2", 10),
    ];
    let mut moved = with_targets(b.clone(), &[]);
    let decision = pass(&lost, &mut moved);
    assert_eq!(targets(&moved), t(&[("cloud1", 2), ("cloud2", 2)]));
    assert_eq!(
        moved
            .status
            .as_ref()
            .unwrap()
            .scheduler_observing_affinity_name,
        "backup"
    );
    assert!(
        decision
            .events
            .iter()
            .any(|e| e.warning && e.message.contains("clusterAffiliates index(0)"))
    );
    pass(&healthy, &mut moved);
    assert_eq!(
        targets(&moved),
        t(&[("cloud1", 2), ("cloud2", 2)]),
        "S-53: sticky"
    );
    let nothing = vec![cluster("other", 10)];
    let mut failed = binding(2, terms_placement());
    let decision = pass(&nothing, &mut failed);
    assert_eq!(
        decision.failure,
        Some(FailureReason::NoClusterFit),
        "the first term's error"
    );
    assert_eq!(
        failed
            .status
            .as_ref()
            .unwrap()
            .scheduler_observing_affinity_name,
        "",
        "unchanged on failure"
    );
}

/// S-55 / S-56 / S-58: what a success writes.
#[test]
fn s55_s56_s58_writing_a_success() {
    let clusters = vec![cluster("a", 10), cluster("b", 10)];
    let mut b = binding(3, placement(static_weights(&[("a", 1), ("b", 2)])));
    b.metadata.generation = Some(4);
    let decision = pass(&clusters, &mut b);
    let annotation = &b.metadata.annotations.as_ref().unwrap()[annotations::APPLIED_PLACEMENT];
    assert_eq!(
        serde_json::from_str::<Placement>(annotation).unwrap(),
        *b.spec.placement.as_ref().unwrap()
    );
    let status = b.status.as_ref().unwrap();
    assert_eq!(status.scheduler_observed_generation, 4);
    assert_eq!(status.last_scheduled_time, Some(now()));
    let c = &status.conditions[0];
    assert_eq!(
        (
            c.type_.as_str(),
            c.status,
            c.reason.as_str(),
            c.message.as_str()
        ),
        (
            "Scheduled",
            ConditionStatus::True,
            "Success",
            "Binding has been scheduled successfully."
        )
    );
    let event = &decision.events[0];
    assert_eq!(
        (event.warning, event.reason),
        (false, "ScheduleBindingSucceed")
    );
    assert_eq!(
        event.message,
        "Binding has been scheduled successfully. Result: {a:1, b:2}"
    );
    let first_transition = c.last_transition_time.clone();
    let again = flotilla_core::scheduler::schedule(
        &ClusterSnapshot::new(clusters.clone()),
        &b.metadata,
        &b.spec,
        b.status.as_ref(),
        &SchedulerConfig::default(),
        &[],
        &later(),
    );
    let mut b2 = b.clone();
    flotilla_core::scheduler::apply_decision(&mut b2, &again, &later());
    assert_eq!(
        b2.status.as_ref().unwrap().conditions[0].last_transition_time,
        first_transition,
        "the status did not flip"
    );
    assert_eq!(
        b2.status.as_ref().unwrap().last_scheduled_time,
        Some(later()),
        "stamped on every success"
    );
}

/// S-57 / S-12: classification and retry.
#[test]
fn s57_failure_classification() {
    let mut short = binding(12, placement(dynamic()));
    let decision = pass(
        &[cluster("x", 3), cluster("y", 3), cluster("z", 3)],
        &mut short,
    );
    assert_eq!(decision.failure, Some(FailureReason::Unschedulable));
    assert_eq!(decision.retry, Retry::After(300));
    assert_eq!(
        decision.condition.message,
        "Clusters available replicas 9 are not enough to schedule."
    );
    let mut too_few = binding(
        1,
        Placement {
            spread_constraints: vec![spread(3, 3)],
            replica_scheduling: duplicated(),
            ..Default::default()
        },
    );
    let decision = pass(&[cluster("x", 3)], &mut too_few);
    assert_eq!(decision.failure, Some(FailureReason::SchedulerError));
    assert_eq!(decision.retry, Retry::Backoff);
    assert_eq!(
        decision.condition.message,
        "the number of feasible clusters is less than spreadConstraint.MinGroups"
    );
}

/// D-8 (regression test named after the decision): an unsupported spread constraint fails with
/// a condition that names it.
#[test]
fn d8_unsupported_spread_constraint_is_reported() {
    let label = SpreadConstraint {
        spread_by_label: "rack".into(),
        min_groups: 1,
        ..Default::default()
    };
    let mut b = binding(
        2,
        Placement {
            spread_constraints: vec![label],
            replica_scheduling: duplicated(),
            ..Default::default()
        },
    );
    let decision = pass(&[cluster("x", 3)], &mut b);
    assert_eq!(decision.failure, Some(FailureReason::SchedulerError));
    assert!(
        decision
            .condition
            .message
            .starts_with("spread constraint spreadByLabel \"rack\" is not supported"),
        "{}",
        decision.condition.message
    );
}

/// D-7 (regression test named after the decision): maxGroups 0 means no upper bound.
#[test]
fn d7_zero_max_groups_is_unbounded() {
    let mut b = binding(
        2,
        Placement {
            spread_constraints: vec![spread(1, 0)],
            replica_scheduling: duplicated(),
            ..Default::default()
        },
    );
    pass(&[cluster("a", 5), cluster("b", 5), cluster("c", 5)], &mut b);
    assert_eq!(targets(&b), t(&[("a", 2), ("b", 2), ("c", 2)]));
}

/// D-10 (regression test named after the decision): with `--failover-partial-placement`, what fits is placed.
#[test]
fn d10_partial_placement() {
    let clusters = vec![cluster("c1", 1), cluster("c3", 2)];
    let evicted = with_targets(binding(12, placement(dynamic())), &[("c1", 2), ("c3", 4)]);
    let mut strict = evicted.clone();
    let decision = pass(&clusters, &mut strict);
    assert_eq!(decision.failure, Some(FailureReason::Unschedulable));
    assert_eq!(
        targets(&strict),
        t(&[("c1", 2), ("c3", 4)]),
        "all or nothing by default (S-63)"
    );
    let config = SchedulerConfig {
        failover_partial_placement: true,
        ..Default::default()
    };
    let mut partial = evicted;
    let decision = pass_with(&clusters, &mut partial, &config);
    assert_eq!(
        decision.failure,
        Some(FailureReason::Unschedulable),
        "still reported"
    );
    assert_eq!(
        targets(&partial).iter().map(|(_, r)| r).sum::<i32>(),
        9,
        "6 kept + 3 that fit"
    );
    assert_eq!(decision.retry, Retry::After(300));
}

/// S-54 through a whole pass: the primary group fills first.
#[test]
fn s54_overflow_through_a_pass() {
    let term = ClusterAffinityTerm {
        affinity_name: "main".into(),
        affinity: names(&["p"]),
        overflow_affinities: vec![OverflowClusterAffinity {
            affinity_name: "burst".into(),
            affinity: names(&["s"]),
        }],
    };
    let placement = Placement {
        cluster_affinities: Some(vec![term]),
        replica_scheduling: aggregated(),
        ..Default::default()
    };
    let clusters = vec![cluster("p", 2), cluster("s", 10)];
    let mut b = binding(4, placement);
    pass(&clusters, &mut b);
    assert_eq!(targets(&b), t(&[("p", 2), ("s", 2)]));
}
