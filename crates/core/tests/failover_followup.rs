//! What happens after an eviction has been written (failover.md F-33, F-34): the taint manager
//! decides (`process`), `graceful_evict_cluster` edits the binding, and the scheduler runs its
//! ordinary pass; then recovery, with the eviction task present and after the graceful eviction
//! controller (`assess`) has removed it. Only the API server's part (bumping the generation) and
//! the status collector's part (reporting health) are simulated here.

mod common;

use common::*;
use flotilla_api::constants::{conditions, eviction};
use flotilla_api::kinds::{Cluster, ResourceBinding};
use flotilla_api::types::*;
use flotilla_core::failover::eviction::{EvictOutcome, graceful_evict_cluster};
use flotilla_core::failover::graceful::{Dispatched, GracefulConfig, Waiting, assess};
use flotilla_core::failover::taint_manager::{
    BindingKind, BindingView, ClusterPassPlan, EvictionKey, Observed, Process, TaintManagerConfig,
    When, cluster_pass, process,
};
use flotilla_core::scheduler::trigger::{ScheduleReason, Trigger, needs_scheduling};
use flotilla_core::scheduler::{ClusterSnapshot, FailureReason, Retry, SchedulerConfig};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// A time on the test day (`now()` is 09:00:00).
fn at(hms: &str) -> Time {
    Time(format!("2026-09-01T{hms}Z").parse().unwrap())
}

/// The taint manager with NoExecute eviction on (F-18) and the default purge-mode flag.
fn taint_manager() -> TaintManagerConfig {
    TaintManagerConfig {
        no_execute_eviction: true,
        ..Default::default()
    }
}

fn placement(
    rs: Option<ReplicaSchedulingStrategy>,
    spread: Vec<SpreadConstraint>,
    tolerations: Vec<k8s_openapi::api::core::v1::Toleration>,
) -> Placement {
    Placement {
        spread_constraints: spread,
        replica_scheduling: rs,
        cluster_tolerations: tolerations,
        ..Default::default()
    }
}

/// A binding as an earlier successful pass (generation 1, at 08:00) left it: these targets, the
/// applied-placement annotation the taint manager reads (F-20), and the scheduled status.
fn placed(replicas: i32, p: Placement, before: &[(&str, i32)]) -> ResourceBinding {
    let applied = serde_json::to_string(&p).unwrap();
    let mut b = with_targets(binding(replicas, p), before);
    b.metadata.annotations = Some(
        [(
            flotilla_api::constants::annotations::APPLIED_PLACEMENT.to_string(),
            applied,
        )]
        .into(),
    );
    b.status = Some(ResourceBindingStatus {
        scheduler_observed_generation: 1,
        last_scheduled_time: Some(at("08:00:00")),
        ..Default::default()
    });
    b
}

fn key(b: &ResourceBinding, cluster: &str) -> EvictionKey {
    EvictionKey {
        cluster: cluster.into(),
        kind: BindingKind::ResourceBinding,
        namespace: b.metadata.namespace.clone().unwrap_or_default(),
        name: b.metadata.name.clone().unwrap_or_default(),
    }
}

fn find<'a>(clusters: &'a [Cluster], name: &str) -> &'a Cluster {
    clusters
        .iter()
        .find(|c| c.metadata.name.as_deref() == Some(name))
        .unwrap()
}

/// The taint manager's path for one binding on a failed cluster (F-19, F-24, F-25 … F-28): the
/// cluster pass enqueues the key now, processing decides to evict, and `graceful_evict_cluster`
/// writes the plan's task. The update then bumps the generation, as the API server does.
fn evict_by_taint_manager(b: &mut ResourceBinding, failed: &Cluster) {
    let config = taint_manager();
    let name = failed.metadata.name.clone().unwrap();
    let view = BindingView {
        kind: BindingKind::ResourceBinding,
        meta: &b.metadata,
        spec: &b.spec,
    };
    let plan = cluster_pass(&config, failed, [view], &now());
    assert_eq!(plan.enqueue, vec![(key(b, &name), When::Now)], "F-24");
    let observed = Observed {
        binding: Some((&b.metadata, &b.spec, b.status.as_ref())),
        cluster: Some(failed),
    };
    let Process::Evict(eviction) = process(&config, &key(b, &name), observed, &now()) else {
        panic!("F-25: an untolerated NoExecute taint evicts now");
    };
    assert_eq!(
        graceful_evict_cluster(&mut b.spec, &name, eviction.options),
        EvictOutcome::Evicted
    );
    b.metadata.generation = Some(b.metadata.generation.unwrap_or(0) + 1);
}

fn scheduled_reason(b: &ResourceBinding) -> &str {
    let status = b.status.as_ref().unwrap();
    let condition = status
        .conditions
        .iter()
        .find(|c| c.type_ == conditions::SCHEDULED)
        .expect("a Scheduled condition");
    &condition.reason
}

/// One F-33 case: a binding placed on `before`, `evicted` fails (untolerated NoExecute taint in
/// `clusters`), then the scheduler's pass.
struct Case {
    name: &'static str,
    clusters: Vec<Cluster>,
    replicas: i32,
    placement: Placement,
    purge_mode: Option<PurgeMode>,
    before: &'static [(&'static str, i32)],
    evicted: &'static str,
    config: SchedulerConfig,
    trigger: ScheduleReason,
    after: &'static [(&'static str, i32)],
    failure: Option<FailureReason>,
}

impl Default for Case {
    fn default() -> Self {
        Case {
            name: "",
            clusters: vec![],
            replicas: 0,
            placement: Placement::default(),
            purge_mode: None,
            before: &[],
            evicted: "x",
            config: SchedulerConfig::default(),
            trigger: ScheduleReason::ReplicasChanged,
            after: &[],
            failure: None,
        }
    }
}

fn failed(name: &str, pods: i64) -> Cluster {
    tainted(cluster(name, pods), "outage", "NoExecute")
}

fn run(case: Case) {
    let name = case.name;
    let mut b = placed(case.replicas, case.placement, case.before);
    if let Some(mode) = case.purge_mode {
        b.spec.failover = Some(FailoverBehavior {
            cluster: Some(ClusterFailoverBehavior {
                purge_mode: mode,
                state_preservation: None,
            }),
            application: None,
        });
    }
    evict_by_taint_manager(&mut b, find(&case.clusters, case.evicted));
    let survivors: Vec<(&str, i32)> = case
        .before
        .iter()
        .copied()
        .filter(|(n, _)| *n != case.evicted)
        .collect();
    assert_eq!(targets(&b), t(&survivors), "{name}: F-28 step 2");
    let task = &b.spec.graceful_eviction_tasks[0];
    assert_eq!(
        (task.from_cluster.as_str(), task.purge_mode),
        (
            case.evicted,
            Some(case.purge_mode.unwrap_or(PurgeMode::Gracefully))
        ),
        "{name}"
    );
    let snapshot = ClusterSnapshot::new(case.clusters.clone());
    assert_eq!(
        needs_scheduling(&snapshot, &b.metadata, &b.spec, b.status.as_ref()),
        Trigger::Schedule(case.trigger),
        "{name}: the eviction triggers a pass"
    );
    let decision = pass_with(&case.clusters, &mut b, &case.config);
    assert_eq!(targets(&b), t(case.after), "{name}: targets");
    assert_eq!(decision.failure, case.failure, "{name}: failure");
    let status = b.status.clone().unwrap();
    match case.failure {
        None => {
            assert_eq!(scheduled_reason(&b), conditions::REASON_SUCCESS, "{name}");
            assert_eq!(
                (
                    status.scheduler_observed_generation,
                    status.last_scheduled_time
                ),
                (2, Some(now())),
                "{name}: S-56 stamps the new generation and time"
            );
        }
        Some(reason) => {
            assert_eq!(scheduled_reason(&b), reason.as_str(), "{name}");
            assert_eq!(
                (
                    status.scheduler_observed_generation,
                    status.last_scheduled_time
                ),
                (1, Some(at("08:00:00"))),
                "{name}: S-56 leaves them for a later success"
            );
        }
    }
    assert_eq!(
        b.spec.graceful_eviction_tasks.len(),
        1,
        "{name}: the scheduler never touches the tasks"
    );
    assert_eq!(b.spec.replicas, case.replicas, "{name}");
}

/// F-33 (S-60, S-61, S-44, S-47, S-41, S-62): after `graceful_evict_cluster`, the pass is Steady:
/// the survivors keep their replicas, only the evicted ones are placed (StaticWeight recomputes
/// with the same total), and Duplicated bindings are rescheduled on the generation change. Each
/// expected list differs from what a Fresh pass would give.
#[test]
fn f33_reschedule_after_eviction_is_a_steady_pass() {
    let cases = [
        // DynamicWeight: prev {a:4, b:3}, delta 5 by free capacity {b:40, n:20, a:10}:
        // APPORTION(5) = {b:3, n:1, a:1} (S-44). Fresh would weigh {a:14, b:43, n:20} instead.
        Case {
            name: "F-33 DynamicWeight",
            clusters: vec![
                cluster("a", 10),
                cluster("b", 40),
                cluster("n", 20),
                failed("x", 100),
            ],
            replicas: 12,
            placement: placement(dynamic(), vec![], vec![]),
            before: &[("a", 4), ("b", 3), ("x", 5)],
            after: &[("a", 5), ("b", 6), ("n", 1)],
            ..Default::default()
        },
        // F-32/F-33: with Directly the scheduler still reschedules at once, identically.
        Case {
            name: "F-33 DynamicWeight, Directly",
            clusters: vec![
                cluster("a", 10),
                cluster("b", 40),
                cluster("n", 20),
                failed("x", 100),
            ],
            replicas: 12,
            placement: placement(dynamic(), vec![], vec![]),
            purge_mode: Some(PurgeMode::Directly),
            before: &[("a", 4), ("b", 3), ("x", 5)],
            after: &[("a", 5), ("b", 6), ("n", 1)],
            ..Default::default()
        },
        // Aggregated: clusters already running come first; a's free 6 covers the 6 missing
        // replicas (S-47). Fresh would put all 10 on b (the largest).
        Case {
            name: "F-33 Aggregated",
            clusters: vec![
                cluster("a", 6),
                cluster("b", 30),
                cluster("c", 8),
                failed("x", 100),
            ],
            replicas: 10,
            placement: placement(aggregated(), vec![], vec![]),
            before: &[("a", 4), ("x", 6)],
            after: &[("a", 10)],
            ..Default::default()
        },
        // StaticWeight recomputes over the remaining weighted clusters with the same total
        // (S-41); the unweighted new cluster n gets nothing.
        Case {
            name: "F-33 StaticWeight",
            clusters: vec![
                cluster("a", 10),
                cluster("b", 10),
                cluster("n", 10),
                failed("x", 10),
            ],
            replicas: 8,
            placement: placement(
                static_weights(&[("a", 1), ("b", 1), ("x", 2)]),
                vec![],
                vec![],
            ),
            before: &[("a", 2), ("b", 2), ("x", 4)],
            after: &[("a", 4), ("b", 4)],
            ..Default::default()
        },
        // Duplicated with a cluster spread of exactly 2: a stays (score 100), the roomiest
        // tolerable candidate n replaces x (S-62); rescheduled on every generation change.
        Case {
            name: "F-33 Duplicated",
            clusters: vec![
                cluster("a", 10),
                cluster("b", 5),
                cluster("n", 20),
                failed("x", 100),
            ],
            replicas: 3,
            placement: placement(duplicated(), vec![spread(2, 2)], vec![]),
            before: &[("a", 3), ("x", 3)],
            trigger: ScheduleReason::AlwaysScheduled,
            after: &[("a", 3), ("n", 3)],
            ..Default::default()
        },
    ];
    for case in cases {
        run(case);
    }
}

/// F-33 (S-17, S-20, and decision D-12): which clusters the failover pass may choose. A
/// Duplicated binding without spread constraints takes every feasible cluster, so the result
/// lists exactly the clusters that passed the filters.
#[test]
fn f33_which_clusters_the_failover_pass_may_choose() {
    let tolerations = vec![
        tolerate("soft", "NoSchedule", Some(30)),
        tolerate("stay", "NoExecute", None),
        tolerate("brief", "NoExecute", Some(60)),
    ];
    let clusters = vec![
        cluster("a", 10),
        tainted(cluster("ns", 10), "full", "NoSchedule"),
        tainted(cluster("ne", 10), "down", "NoExecute"),
        tainted(cluster("nt", 10), "soft", "NoSchedule"),
        tainted(cluster("nf", 10), "stay", "NoExecute"),
        tainted(cluster("nl", 10), "brief", "NoExecute"),
        failed("x", 10),
    ];
    run(Case {
        name: "F-33 new candidates must tolerate NoSchedule/NoExecute taints",
        clusters,
        replicas: 2,
        placement: placement(duplicated(), vec![], tolerations),
        before: &[("a", 2), ("x", 2)],
        trigger: ScheduleReason::AlwaysScheduled,
        // ns, ne: untolerated (S-17). nt: tolerationSeconds plays no part for NoSchedule.
        // nf: NoExecute tolerated forever. nl: tolerated only for 60 s, kept away (D-12).
        after: &[("a", 2), ("nf", 2), ("nt", 2)],
        ..Default::default()
    });

    // Every cluster in the tasks is rejected, with no exemption: y was evicted earlier and has
    // recovered (no taint, the most room), but its task still exists; x is evicted now.
    let clusters = vec![
        cluster("a", 10),
        cluster("n", 10),
        cluster("y", 1000),
        failed("x", 10),
    ];
    let mut b = placed(
        2,
        placement(duplicated(), vec![], vec![]),
        &[("a", 2), ("x", 2)],
    );
    b.spec.graceful_eviction_tasks.push(GracefulEvictionTask {
        from_cluster: "y".into(),
        purge_mode: Some(PurgeMode::Gracefully),
        replicas: Some(2),
        reason: eviction::REASON_TAINT_UNTOLERATED.into(),
        producer: eviction::PRODUCER_TAINT_MANAGER.into(),
        creation_timestamp: Some(at("08:30:00")),
        ..Default::default()
    });
    evict_by_taint_manager(&mut b, find(&clusters, "x"));
    let from: Vec<&str> = b
        .spec
        .graceful_eviction_tasks
        .iter()
        .map(|t| t.from_cluster.as_str())
        .collect();
    assert_eq!(from, ["y", "x"], "F-28 step 4 appends");
    let decision = pass(&clusters, &mut b);
    assert_eq!(decision.failure, None);
    assert_eq!(
        targets(&b),
        t(&[("a", 2), ("n", 2)]),
        "S-20: neither x nor y"
    );
}

/// F-33 (S-63, S-21, decisions D-10 and D-13): when the evicted replicas do not fit, or nothing
/// fits at all.
#[test]
fn f33_capacity_and_feasibility_failures() {
    let short = || {
        vec![
            cluster("a", 1),
            cluster("b", 1),
            tainted(cluster("n", 50), "full", "NoSchedule"),
            failed("x", 50),
        ]
    };
    let cases = [
        // 3 evicted replicas, 2 free: all or nothing; the survivors keep theirs (S-63).
        Case {
            name: "F-33 not enough capacity: Unschedulable, survivors kept",
            clusters: short(),
            replicas: 10,
            placement: placement(dynamic(), vec![], vec![]),
            before: &[("a", 4), ("b", 3), ("x", 3)],
            after: &[("a", 4), ("b", 3)],
            failure: Some(FailureReason::Unschedulable),
            ..Default::default()
        },
        // D-10 `--failover-partial-placement`: what fits is placed, still Unschedulable.
        Case {
            name: "F-33 with D-10 partial placement",
            clusters: short(),
            replicas: 10,
            placement: placement(dynamic(), vec![], vec![]),
            before: &[("a", 4), ("b", 3), ("x", 3)],
            config: SchedulerConfig {
                failover_partial_placement: true,
                ..Default::default()
            },
            after: &[("a", 5), ("b", 4)],
            failure: Some(FailureReason::Unschedulable),
            ..Default::default()
        },
        // The only target failed and no other cluster is feasible: NoClusterFit, empty list.
        Case {
            name: "F-33 no feasible cluster: NoClusterFit, empty targets",
            clusters: vec![
                tainted(cluster("n", 50), "full", "NoSchedule"),
                failed("x", 50),
            ],
            replicas: 5,
            placement: placement(dynamic(), vec![], vec![]),
            before: &[("x", 5)],
            after: &[],
            failure: Some(FailureReason::NoClusterFit),
            ..Default::default()
        },
        // D-13 (deviation from F-33's "the target list becomes empty"): the survivor a is
        // being deleted, so nothing fits; Flotilla keeps the list as the eviction left it.
        Case {
            name: "F-33 with D-13: NoClusterFit keeps the list",
            clusters: vec![
                deleting(cluster("a", 50)),
                tainted(cluster("n", 50), "full", "NoSchedule"),
                failed("x", 50),
            ],
            replicas: 5,
            placement: placement(dynamic(), vec![], vec![]),
            before: &[("a", 2), ("x", 3)],
            after: &[("a", 2)],
            failure: Some(FailureReason::NoClusterFit),
            ..Default::default()
        },
    ];
    for case in cases {
        run(case);
    }

    // The NoClusterFit condition reads as S-21 (plus D-13's per-cluster list) and waits for an
    // event; Unschedulable is retried after 5 minutes (S-57).
    let clusters = vec![
        tainted(cluster("n", 50), "full", "NoSchedule"),
        failed("x", 50),
    ];
    let mut b = placed(5, placement(dynamic(), vec![], vec![]), &[("x", 5)]);
    evict_by_taint_manager(&mut b, find(&clusters, "x"));
    let decision = pass(&clusters, &mut b);
    assert_eq!(
        decision.condition.message,
        "0/2 clusters are available: 1 cluster(s) had untolerated taint {full:NoSchedule}, \
         1 cluster(s) had untolerated taint {outage:NoExecute}. \
         Per cluster: n: had untolerated taint {full:NoSchedule}; \
         x: had untolerated taint {outage:NoExecute}."
    );
    assert_eq!(decision.retry, Retry::OnEvent);
    let mut b = placed(
        10,
        placement(dynamic(), vec![], vec![]),
        &[("a", 4), ("b", 3), ("x", 3)],
    );
    let clusters = short();
    evict_by_taint_manager(&mut b, find(&clusters, "x"));
    assert_eq!(pass(&clusters, &mut b).retry, Retry::After(300));
}

/// F-33: a Divided binding whose evicted entry had 0 replicas is not rescheduled (the sums
/// still match); the pass only records the generation (S-8 step 7).
#[test]
fn f33_zero_replica_eviction_does_not_reschedule() {
    let clusters = vec![cluster("a", 10), failed("x", 10)];
    let mut b = placed(
        4,
        placement(dynamic(), vec![], vec![]),
        &[("a", 4), ("x", 0)],
    );
    evict_by_taint_manager(&mut b, find(&clusters, "x"));
    assert_eq!(targets(&b), t(&[("a", 4)]));
    assert_eq!(
        b.spec.graceful_eviction_tasks[0].replicas, None,
        "F-28: omitted when 0"
    );
    let snapshot = ClusterSnapshot::new(clusters);
    assert_eq!(
        needs_scheduling(&snapshot, &b.metadata, &b.spec, b.status.as_ref()),
        Trigger::ObserveGeneration(2)
    );
}

/// F-34 (F-25 step 3): when the NoExecute taint is removed, a key still queued is dropped when
/// processed; an eviction already written stays, and its key is a no-op too.
#[test]
fn f34_taint_removed_cancels_queued_keys() {
    let down = failed("x", 10);
    let p = placement(dynamic(), vec![], vec![]);
    let mut first = placed(6, p.clone(), &[("a", 3), ("x", 3)]);
    let mut second = placed(6, p, &[("x", 3), ("c", 3)]);
    second.metadata.name = Some("api-deployment".into());
    let config = taint_manager();
    let views = [&first, &second].map(|b| BindingView {
        kind: BindingKind::ResourceBinding,
        meta: &b.metadata,
        spec: &b.spec,
    });
    let queued = cluster_pass(&config, &down, views, &now());
    assert_eq!(
        queued.enqueue,
        vec![
            (key(&first, "x"), When::Now),
            (key(&second, "x"), When::Now)
        ]
    );

    // The first key is processed while x is still tainted: the eviction is written.
    let observed = Observed {
        binding: Some((&first.metadata, &first.spec, first.status.as_ref())),
        cluster: Some(&down),
    };
    let Process::Evict(plan) = process(&config, &key(&first, "x"), observed, &now()) else {
        panic!("evicts while the taint is there");
    };
    graceful_evict_cluster(&mut first.spec, "x", plan.options);
    first.metadata.generation = Some(2);

    // Then the taint is removed (by hand, or by removeOnConditions).
    let healed = cluster("x", 10);
    let later = at("09:00:05");
    let cases: [(&ResourceBinding, Process); 2] = [
        (
            &second,
            Process::Done("no NoExecute taint or eviction disabled"),
        ),
        (&first, Process::Done("binding no longer on the cluster")),
    ];
    for (b, expected) in cases {
        let observed = Observed {
            binding: Some((&b.metadata, &b.spec, b.status.as_ref())),
            cluster: Some(&healed),
        };
        assert_eq!(process(&config, &key(b, "x"), observed, &later), expected);
    }
    assert_eq!(
        targets(&second),
        t(&[("x", 3), ("c", 3)]),
        "nothing evicted"
    );
    assert!(second.spec.graceful_eviction_tasks.is_empty());
    assert_eq!(
        targets(&first),
        t(&[("a", 3)]),
        "the written eviction stays"
    );
    assert_eq!(first.spec.graceful_eviction_tasks[0].from_cluster, "x");
    assert_eq!(
        cluster_pass(
            &config,
            &healed,
            [BindingView {
                kind: BindingKind::ResourceBinding,
                meta: &second.metadata,
                spec: &second.spec,
            }],
            &later
        ),
        ClusterPassPlan::default(),
        "no further passes or keys without the taint"
    );
}

/// F-34 (S-64, S-20, F-36, F-37, F-40): nothing moves back while the task exists, even after the
/// cluster recovers; once the graceful eviction controller removes the task the cluster is an
/// ordinary candidate again.
#[test]
fn f34_recovery_and_failback() {
    let healthy = [cluster("a", 10), cluster("b", 10), cluster("x", 10)];
    let mut failed_fleet = healthy.to_vec();
    failed_fleet[2] = failed("x", 10);

    // A Duplicated binding (rescheduled on every pass) and a DynamicWeight one.
    let mut dup = placed(
        2,
        placement(duplicated(), vec![], vec![]),
        &[("a", 2), ("b", 2), ("x", 2)],
    );
    let mut div = placed(
        6,
        placement(dynamic(), vec![], vec![]),
        &[("a", 2), ("b", 2), ("x", 2)],
    );
    div.metadata.name = Some("api-deployment".into());
    for b in [&mut dup, &mut div] {
        evict_by_taint_manager(b, &failed_fleet[2]);
        pass(&failed_fleet, b);
    }
    assert_eq!(targets(&dup), t(&[("a", 2), ("b", 2)]));
    assert_eq!(targets(&div), t(&[("a", 3), ("b", 3)]));

    // x recovers (taint removed). The graceful eviction controller stamps the task (F-36) and,
    // the new targets not yet Healthy, keeps it (F-37 step 5).
    let gc = GracefulConfig::default();
    for b in [&mut dup, &mut div] {
        let plan = assess(
            &gc,
            &b.metadata,
            &b.spec,
            b.status.as_ref(),
            Dispatched::default(),
            &now(),
        );
        assert_eq!(plan.waiting, vec![("x".to_string(), Waiting::Stamped)]);
        b.spec.graceful_eviction_tasks = plan.tasks.unwrap();
        b.metadata.generation = Some(3);
        let plan = assess(
            &gc,
            &b.metadata,
            &b.spec,
            b.status.as_ref(),
            Dispatched::default(),
            &at("09:05:00"),
        );
        assert_eq!(
            plan.waiting,
            vec![("x".to_string(), Waiting::ForHealthyTargets)]
        );
        assert_eq!(plan.tasks, None);
    }

    // While the task exists nothing moves back: the Duplicated pass, which takes every feasible
    // cluster, still leaves x out; the Divided binding needs no pass (its sums match), and even a
    // scale-up places nothing on x although it has free room.
    let snapshot = ClusterSnapshot::new(healthy.to_vec());
    pass(&healthy, &mut dup);
    assert_eq!(targets(&dup), t(&[("a", 2), ("b", 2)]), "S-20");
    assert_eq!(
        needs_scheduling(&snapshot, &div.metadata, &div.spec, div.status.as_ref()),
        Trigger::ObserveGeneration(3),
        "S-64: the sums match"
    );
    let mut scaled = div.clone();
    scaled.spec.replicas = 8;
    pass(&healthy, &mut scaled);
    assert_eq!(targets(&scaled), t(&[("a", 4), ("b", 4)]), "S-20");

    // The new placement reports Healthy for the current generation: the controller removes the
    // task (F-37 step 4) and says so (F-39); the removal bumps the generation (F-40).
    for b in [&mut dup, &mut div] {
        let status = b.status.as_mut().unwrap();
        status.scheduler_observed_generation = 3;
        status.aggregated_status = b
            .spec
            .clusters
            .iter()
            .map(|t| AggregatedStatusItem {
                cluster_name: t.name.clone(),
                applied: true,
                health: Some(ResourceHealth::Healthy),
                ..Default::default()
            })
            .collect();
        let plan = assess(
            &gc,
            &b.metadata,
            &b.spec,
            b.status.as_ref(),
            Dispatched::default(),
            &at("09:06:00"),
        );
        assert_eq!(plan.dropped, ["x"]);
        assert_eq!(plan.events[0].reason, "EvictWorkloadFromClusterSucceed");
        b.spec.graceful_eviction_tasks = plan.tasks.unwrap();
        assert!(b.spec.graceful_eviction_tasks.is_empty());
        b.metadata.generation = Some(4);
    }

    // x is an ordinary candidate again: the Duplicated binding takes it back on its next pass;
    // the Divided binding stays where failover put it (S-64) until its replicas change, and then
    // x gets a share of the new replicas by free capacity (S-44: {x:10, a:7, b:7} → x first).
    assert_eq!(
        needs_scheduling(&snapshot, &dup.metadata, &dup.spec, dup.status.as_ref()),
        Trigger::Schedule(ScheduleReason::AlwaysScheduled)
    );
    pass(&healthy, &mut dup);
    assert_eq!(targets(&dup), t(&[("a", 2), ("b", 2), ("x", 2)]));
    assert_eq!(
        needs_scheduling(&snapshot, &div.metadata, &div.spec, div.status.as_ref()),
        Trigger::ObserveGeneration(4),
        "S-64: no automatic failback for Divided bindings"
    );
    let after_failover = [cluster("a", 7), cluster("b", 7), cluster("x", 10)];
    div.spec.replicas = 7;
    pass(&after_failover, &mut div);
    assert_eq!(targets(&div), t(&[("a", 3), ("b", 3), ("x", 1)]));
}
