//! The scheduler's side of cluster failover (S-59 … S-66) and the worked examples E-1 … E-6 of
//! scheduling.md §13, each as a sequence of passes with the taint manager's edit in between.

mod common;

use common::*;
use flotilla_api::kinds::Cluster;
use flotilla_api::types::*;
use flotilla_core::scheduler::trigger::{Trigger, needs_scheduling};
use flotilla_core::scheduler::{ClusterSnapshot, FailureReason};

fn placement(
    affinity: Option<ClusterAffinity>,
    spread: Vec<SpreadConstraint>,
    rs: Option<ReplicaSchedulingStrategy>,
) -> Placement {
    Placement {
        cluster_affinity: affinity,
        spread_constraints: spread,
        replica_scheduling: rs,
        ..Default::default()
    }
}

fn members(n: usize, pods: i64) -> Vec<Cluster> {
    (1..=n)
        .map(|i| cluster(&format!("member{i}"), pods))
        .collect()
}

fn replace(clusters: &[Cluster], cluster: Cluster) -> Vec<Cluster> {
    let name = cluster.metadata.name.clone();
    clusters
        .iter()
        .map(|c| {
            if c.metadata.name == name {
                cluster.clone()
            } else {
                c.clone()
            }
        })
        .collect()
}

/// E-1: Duplicated failover, spread 2/2, and its variant (too few candidates: S-62).
#[test]
fn e1_duplicated_failover() {
    let clusters = members(5, 100);
    let p = placement(
        Some(names(&["member1", "member2", "member3", "member5"])),
        vec![spread(2, 2)],
        duplicated(),
    );
    let mut b = binding(2, p);
    pass(&clusters, &mut b);
    assert_eq!(targets(&b), t(&[("member1", 2), ("member2", 2)]));
    let failed = replace(
        &clusters,
        tainted(cluster("member2", 100), "outage", "NoExecute"),
    );
    let mut b = evict(b, "member2");
    pass(&failed, &mut b);
    assert_eq!(targets(&b), t(&[("member1", 2), ("member3", 2)]));
    let roomier = replace(&failed, cluster("member5", 150));
    let mut b5 = evict(
        with_targets(b.clone(), &[("member1", 2), ("member2", 2)]),
        "member2",
    );
    b5.spec.graceful_eviction_tasks.truncate(1);
    pass(&roomier, &mut b5);
    assert_eq!(
        targets(&b5),
        t(&[("member1", 2), ("member5", 2)]),
        "more free capacity wins the second slot"
    );
    let dark: Vec<Cluster> = failed
        .iter()
        .map(|c| match c.metadata.name.as_deref() {
            Some("member3" | "member5") => tainted(c.clone(), "outage", "NoExecute"),
            _ => c.clone(),
        })
        .collect();
    let mut variant = evict(
        with_targets(b.clone(), &[("member1", 2), ("member2", 2)]),
        "member2",
    );
    variant.spec.graceful_eviction_tasks.truncate(1);
    let decision = pass(&dark, &mut variant);
    assert_eq!(decision.failure, Some(FailureReason::SchedulerError));
    assert_eq!(
        targets(&variant),
        t(&[("member1", 2)]),
        "S-62: the list stays as the eviction left it"
    );
}

/// E-2: Divided static weights; failover; no failback (S-64); a later scale restores the share.
#[test]
fn e2_static_weight_failover() {
    let clusters = members(2, 100);
    let p = placement(
        Some(names(&["member1", "member2"])),
        vec![],
        static_weights(&[("member1", 1), ("member2", 2)]),
    );
    let mut b = binding(3, p);
    pass(&clusters, &mut b);
    assert_eq!(targets(&b), t(&[("member1", 1), ("member2", 2)]));
    let failed = replace(
        &clusters,
        tainted(cluster("member1", 100), "outage", "NoExecute"),
    );
    let mut b = evict(b, "member1");
    pass(&failed, &mut b);
    assert_eq!(targets(&b), t(&[("member2", 3)]));
    b.spec.graceful_eviction_tasks.clear();
    let snapshot = ClusterSnapshot::new(clusters.clone());
    assert!(
        matches!(
            needs_scheduling(&snapshot, &b.metadata, &b.spec, b.status.as_ref()),
            Trigger::Nothing | Trigger::ObserveGeneration(_)
        ),
        "S-64: no automatic failback"
    );
    b.spec.replicas = 6;
    pass(&clusters, &mut b);
    assert_eq!(targets(&b), t(&[("member1", 2), ("member2", 4)]));
}

/// E-3: DynamicWeight failover keeps the survivors' replicas (S-60) and spreads the missing ones
/// by free capacity (S-61); its variant fails Unschedulable and keeps them (S-63).
#[test]
fn e3_dynamic_weight_failover() {
    let clusters = vec![cluster("c1", 8), cluster("c2", 24), cluster("c3", 16)];
    let mut b = binding(12, placement(None, vec![], dynamic()));
    pass(&clusters, &mut b);
    assert_eq!(targets(&b), t(&[("c1", 2), ("c2", 6), ("c3", 4)]));
    let after = vec![
        cluster("c1", 6),
        tainted(cluster("c2", 24), "outage", "NoExecute"),
        cluster("c3", 12),
    ];
    let mut b2 = evict(b.clone(), "c2");
    pass(&after, &mut b2);
    assert_eq!(targets(&b2), t(&[("c1", 4), ("c3", 8)]));
    let starved = vec![
        cluster("c1", 1),
        tainted(cluster("c2", 24), "outage", "NoExecute"),
        cluster("c3", 2),
    ];
    let mut b3 = evict(b, "c2");
    let decision = pass(&starved, &mut b3);
    assert_eq!(decision.failure, Some(FailureReason::Unschedulable));
    assert_eq!(targets(&b3), t(&[("c1", 2), ("c3", 4)]));
}

/// E-4: Aggregated failover moves the whole workload to the roomiest cluster.
#[test]
fn e4_aggregated_failover() {
    let clusters = vec![cluster("c1", 8), cluster("c2", 24), cluster("c3", 16)];
    let mut b = binding(10, placement(None, vec![], aggregated()));
    pass(&clusters, &mut b);
    assert_eq!(targets(&b), t(&[("c2", 10)]));
    let failed = replace(&clusters, tainted(cluster("c2", 24), "outage", "NoExecute"));
    let mut b = evict(b, "c2");
    pass(&failed, &mut b);
    assert_eq!(targets(&b), t(&[("c3", 10)]));
}

/// E-5: failover across affinity terms; recovery does not move it back; a reschedule does.
#[test]
fn e5_failover_across_terms() {
    let clusters = vec![
        cluster("dc1", 10),
        cluster("cloud1", 10),
        cluster("cloud2", 10),
    ];
    let p = Placement {
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
    };
    let mut b = binding(2, p);
    pass(&clusters, &mut b);
    assert_eq!(targets(&b), t(&[("dc1", 2)]));
    let failed = replace(
        &clusters,
        tainted(cluster("dc1", 10), "outage", "NoExecute"),
    );
    let mut b = evict(b, "dc1");
    pass(&failed, &mut b);
    assert_eq!(targets(&b), t(&[("cloud1", 2), ("cloud2", 2)]));
    assert_eq!(
        b.status.as_ref().unwrap().scheduler_observing_affinity_name,
        "backup"
    );
    b.spec.graceful_eviction_tasks.clear();
    pass(&clusters, &mut b);
    assert_eq!(
        targets(&b),
        t(&[("cloud1", 2), ("cloud2", 2)]),
        "recovered dc1 is not taken back"
    );
    b.spec.reschedule_triggered_at = Some(later());
    let snapshot = ClusterSnapshot::new(clusters.clone());
    let decision = flotilla_core::scheduler::schedule(
        &snapshot,
        &b.metadata,
        &b.spec,
        b.status.as_ref(),
        &Default::default(),
        &[],
        &later(),
    );
    flotilla_core::scheduler::apply_decision(&mut b, &decision, &later());
    assert_eq!(targets(&b), t(&[("dc1", 2)]));
    assert_eq!(
        b.status.as_ref().unwrap().scheduler_observing_affinity_name,
        "primary"
    );
}

/// E-6: Duplicated without spread constraints: the failed cluster drops out and comes back.
#[test]
fn e6_duplicated_without_spread() {
    let clusters = vec![
        labelled(cluster("a", 10), &[("env", "prod")]),
        labelled(cluster("b", 10), &[("env", "prod")]),
        labelled(cluster("c", 10), &[("env", "prod")]),
        labelled(cluster("d", 10), &[("env", "dev")]),
    ];
    let mut b = binding(
        3,
        placement(Some(by_labels(&[("env", "prod")])), vec![], duplicated()),
    );
    pass(&clusters, &mut b);
    assert_eq!(targets(&b), t(&[("a", 3), ("b", 3), ("c", 3)]));
    let failed = replace(
        &clusters,
        tainted(
            labelled(cluster("b", 10), &[("env", "prod")]),
            "outage",
            "NoExecute",
        ),
    );
    let mut b = evict(b, "b");
    pass(&failed, &mut b);
    assert_eq!(targets(&b), t(&[("a", 3), ("c", 3)]));
    b.spec.graceful_eviction_tasks.clear();
    pass(&clusters, &mut b);
    assert_eq!(
        targets(&b),
        t(&[("a", 3), ("b", 3), ("c", 3)]),
        "S-64: Duplicated without spread comes back"
    );
}

/// S-65: a NoSchedule taint never moves what is placed; a tolerated-for-a-while NoExecute taint
/// keeps new placements away (D-12) but not existing ones.
#[test]
fn s65_taint_effects() {
    let clusters = vec![
        tainted(cluster("a", 10), "maint", "NoSchedule"),
        tainted(cluster("b", 10), "maint", "NoExecute"),
        cluster("c", 10),
    ];
    let mut placed = with_targets(
        binding(2, placement(None, vec![], duplicated())),
        &[("a", 2)],
    );
    pass(&clusters, &mut placed);
    assert_eq!(
        targets(&placed),
        t(&[("a", 2), ("c", 2)]),
        "a stays, b is untolerated"
    );
    let mut p = placement(None, vec![], duplicated());
    p.cluster_tolerations = vec![tolerate("maint", "NoExecute", Some(60))];
    let mut tolerant = binding(2, p.clone());
    pass(&clusters, &mut tolerant);
    assert_eq!(
        targets(&tolerant),
        t(&[("c", 2)]),
        "D-12: b would be evicted again"
    );
    p.cluster_tolerations = vec![tolerate("maint", "NoExecute", None)];
    let mut forever = binding(2, p);
    pass(&clusters, &mut forever);
    assert_eq!(targets(&forever), t(&[("b", 2), ("c", 2)]));
}

/// S-66: a deleting cluster's replicas count as missing and move.
#[test]
fn s66_cluster_deletion() {
    let clusters = vec![
        cluster("a", 10),
        deleting(cluster("b", 10)),
        cluster("c", 10),
    ];
    let mut b = with_targets(
        binding(4, placement(None, vec![], dynamic())),
        &[("a", 2), ("b", 2)],
    );
    let snapshot = ClusterSnapshot::new(clusters.clone());
    assert!(matches!(
        needs_scheduling(&snapshot, &b.metadata, &b.spec, None),
        Trigger::Schedule(_)
    ));
    pass(&clusters, &mut b);
    let t2 = targets(&b);
    assert!(t2.iter().all(|(n, _)| n != "b"), "{t2:?}");
    assert_eq!(t2.iter().map(|(_, r)| r).sum::<i32>(), 4);
    assert!(
        t2.iter().any(|(n, r)| n == "a" && *r >= 2),
        "S-60: a keeps its replicas: {t2:?}"
    );
}

/// S-60 / S-61: StaticWeight after eviction gives survivors at least what they had.
#[test]
fn s60_s61_survivors_keep_their_share() {
    let clusters = vec![
        cluster("a", 50),
        cluster("b", 50),
        tainted(cluster("c", 50), "outage", "NoExecute"),
    ];
    let p = placement(
        None,
        vec![],
        static_weights(&[("a", 3), ("b", 2), ("c", 1)]),
    );
    let mut b = evict(
        with_targets(binding(12, p), &[("a", 6), ("b", 4), ("c", 2)]),
        "c",
    );
    pass(&clusters, &mut b);
    assert_eq!(targets(&b), t(&[("a", 7), ("b", 5)]));
}
