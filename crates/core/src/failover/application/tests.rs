//! Tests of application failover: shared builders and the tables of F-55 … F-57; the eviction
//! record (F-58 … F-61) is in `records.rs`, the decision regressions (FD-6, FD-10, FD-13,
//! FD-15) and the property tests of the timers in `decisions.rs`.
//!
//! Owns: the behavioural contract of `application.rs`. Must not: test other modules. The
//! F-28 edit is `eviction.rs`'s; [`apply_plan`] is a minimal stand-in so that the tests can
//! look at the binding after a written plan.

use super::*;
use flotilla_api::admission::{AdmissionContext, FieldValidation, Operation, Request, admit};
use flotilla_api::kinds::{ClusterResourceBinding, PROPAGATION_POLICY, ResourceBinding};
use flotilla_api::types::{
    AggregatedStatusItem, DecisionConditions, FailoverBehavior, PropagationSpec, StatePreservation,
    StatePreservationRule, TargetCluster,
};
use k8s_openapi::jiff::Timestamp;
use proptest::prelude::*;
use serde_json::json;

use ResourceHealth::{Healthy, Unhealthy, Unknown};

mod decisions;
mod records;

const T0: i64 = 1_788_253_200; // 2026-09-01T09:00:00Z

fn at(seconds: i64) -> Time {
    Time(Timestamp::from_second(T0 + seconds).unwrap())
}

fn at_ms(millis: i64) -> Time {
    Time(Timestamp::from_millisecond(T0 * 1000 + millis).unwrap())
}

fn behavior(tol: Option<i32>, mode: PurgeMode) -> ApplicationFailoverBehavior {
    ApplicationFailoverBehavior {
        decision_conditions: DecisionConditions {
            toleration_seconds: tol,
        },
        purge_mode: mode,
        grace_period_seconds: (mode == PurgeMode::Gracefully).then_some(600),
        state_preservation: None,
    }
}

fn spec(clusters: &[(&str, i32)], app: Option<ApplicationFailoverBehavior>) -> ResourceBindingSpec {
    ResourceBindingSpec {
        propagate_deps: true,
        clusters: clusters
            .iter()
            .map(|(name, replicas)| TargetCluster {
                name: name.to_string(),
                replicas: *replicas,
                ..Default::default()
            })
            .collect(),
        failover: app.map(|a| FailoverBehavior {
            application: Some(a),
            cluster: None,
        }),
        ..Default::default()
    }
}

fn status(items: &[(&str, Option<ResourceHealth>)]) -> ResourceBindingStatus {
    ResourceBindingStatus {
        aggregated_status: items
            .iter()
            .map(|(name, health)| AggregatedStatusItem {
                cluster_name: name.to_string(),
                status: Some(json!({"jobStatus": {"jobId": format!("job-{name}")}})),
                applied: true,
                health: *health,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn rb(
    clusters: &[(&str, i32)],
    items: &[(&str, Option<ResourceHealth>)],
    app: ApplicationFailoverBehavior,
) -> ResourceBinding {
    let mut binding = ResourceBinding::new("web-deployment", spec(clusters, Some(app)));
    binding.metadata.namespace = Some("default".into());
    binding.status = Some(status(items));
    binding
}

fn key() -> BindingKey {
    BindingKey {
        namespace: "default".into(),
        name: "web-deployment".into(),
    }
}

fn gates() -> ApplicationFailoverGates {
    ApplicationFailoverGates::default()
}

fn pass(binding: &ResourceBinding, timers: &mut UnhealthyTimers, now: &Time) -> PassOutcome {
    sync_binding(binding, true, gates(), timers, now)
}

fn set_health(binding: &mut ResourceBinding, cluster: &str, health: Option<ResourceHealth>) {
    let items = &mut binding.status.as_mut().unwrap().aggregated_status;
    items
        .iter_mut()
        .find(|i| i.cluster_name == cluster)
        .unwrap()
        .health = health;
}

/// Test stand-in for the F-28 edit (`eviction.rs` owns the real one).
fn apply_plan(spec: &mut ResourceBindingSpec, plan: &EvictionPlan) {
    for (cluster, task) in plan.clusters.iter().zip(&plan.tasks) {
        let before = spec.clusters.len();
        spec.clusters.retain(|t| &t.name != cluster);
        let exists = spec
            .graceful_eviction_tasks
            .iter()
            .any(|t| &t.from_cluster == cluster);
        if spec.clusters.len() != before && !exists {
            spec.graceful_eviction_tasks.push(task.clone());
        }
    }
}

fn evicted(outcome: &PassOutcome) -> Vec<&str> {
    match outcome {
        PassOutcome::Evict(plan) => plan.clusters.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn f55_eligibility_table() {
    use BindingKind::{ClusterResourceBinding as Crb, ResourceBinding as Rb};
    let app = behavior(Some(60), PurgeMode::Directly);
    let full = spec(&[("east", 1)], Some(app.clone()));
    let no_app = spec(&[("east", 1)], None);
    let mut no_deps = full.clone();
    no_deps.propagate_deps = false;
    let items = status(&[("east", Some(Healthy))]);
    let empty = ResourceBindingStatus::default();
    let cases = [
        ("eligible RB", Rb, &full, Some(&items), true, Ok(())),
        ("eligible CRB", Crb, &full, Some(&items), true, Ok(())),
        (
            "1: no application failover",
            Rb,
            &no_app,
            Some(&items),
            true,
            Err(Ineligible::NoApplicationFailover),
        ),
        (
            "2: no status",
            Rb,
            &full,
            None,
            true,
            Err(Ineligible::NoAggregatedStatus),
        ),
        (
            "2: empty aggregatedStatus",
            Rb,
            &full,
            Some(&empty),
            true,
            Err(Ineligible::NoAggregatedStatus),
        ),
        (
            "3: no health interpretation",
            Rb,
            &full,
            Some(&items),
            false,
            Err(Ineligible::NoHealthInterpretation),
        ),
        (
            "4: RB without propagateDeps",
            Rb,
            &no_deps,
            Some(&items),
            true,
            Err(Ineligible::PropagateDepsDisabled),
        ),
        (
            "4: CRB does not check propagateDeps",
            Crb,
            &no_deps,
            Some(&items),
            true,
            Ok(()),
        ),
    ];
    for (name, kind, spec, status, health, expected) in cases {
        let got = eligibility(kind, spec, status, health).map(|b| assert_eq!(b, &app));
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn f55_ineligible_forgets_every_timer_of_the_binding() {
    let mut binding = rb(
        &[("east", 1), ("west", 1)],
        &[("east", Some(Unhealthy)), ("west", Some(Unhealthy))],
        behavior(Some(60), PurgeMode::Directly),
    );
    let mut timers = UnhealthyTimers::new();
    pass(&binding, &mut timers, &at(0));
    assert_eq!(timers.clusters(&key()), ["east", "west"]);
    binding.spec.propagate_deps = false;
    let outcome = pass(&binding, &mut timers, &at(10));
    assert_eq!(
        outcome,
        PassOutcome::Ineligible(Ineligible::PropagateDepsDisabled)
    );
    assert!(timers.is_empty());
    // Eligible again: windows start afresh.
    binding.spec.propagate_deps = true;
    pass(&binding, &mut timers, &at(50));
    assert_eq!(
        evicted(&pass(&binding, &mut timers, &at(100))),
        Vec::<&str>::new()
    );
    assert_eq!(
        evicted(&pass(&binding, &mut timers, &at(110))),
        ["east", "west"]
    );
}

#[test]
fn f55_one_implementation_serves_both_kinds() {
    let app = behavior(Some(0), PurgeMode::Directly);
    let namespaced = rb(&[("east", 2)], &[("east", Some(Unhealthy))], app.clone());
    let mut cluster_scoped =
        ClusterResourceBinding::new("ns-namespace", spec(&[("east", 2)], Some(app)));
    cluster_scoped.status = Some(status(&[("east", Some(Unhealthy))]));
    cluster_scoped.spec.propagate_deps = false;
    let mut timers = UnhealthyTimers::new();
    let cases = [
        (
            sync_binding(&namespaced, true, gates(), &mut timers, &at(0)),
            eviction::PRODUCER_RB_APPLICATION_FAILOVER,
        ),
        (
            sync_binding(&cluster_scoped, true, gates(), &mut timers, &at(0)),
            eviction::PRODUCER_CRB_APPLICATION_FAILOVER,
        ),
    ];
    for (outcome, producer) in cases {
        let PassOutcome::Evict(plan) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(plan.tasks[0].producer, producer);
    }
    assert_eq!(
        BindingKey::of(&cluster_scoped),
        BindingKey {
            namespace: String::new(),
            name: "ns-namespace".into()
        }
    );
    assert_eq!(timers.clusters(&key()), ["east"], "keys do not collide");
}

#[test]
fn f56_partition_table() {
    let mut s = spec(&[("a", 1), ("b", 1), ("c", 1), ("d", 1)], None);
    s.graceful_eviction_tasks.push(GracefulEvictionTask {
        from_cluster: "old".into(),
        ..Default::default()
    });
    let st = status(&[
        ("a", Some(Unhealthy)),
        ("b", Some(Healthy)),
        ("c", Some(Unknown)),
        ("d", None),
        ("old", Some(Unhealthy)),
        ("gone", Some(Unhealthy)),
    ]);
    let p = partition_health(&s, Some(&st));
    assert_eq!(
        p.unhealthy,
        ["a", "gone"],
        "clusters in the tasks are left out"
    );
    assert_eq!(p.others, ["b", "c", "d"], "no health reads as Unknown");
    assert_eq!(partition_health(&s, None), HealthPartition::default());
}

#[test]
fn f56_unknown_and_healthy_reset_the_timer() {
    for reset in [Some(Unknown), Some(Healthy), None] {
        let mut binding = rb(
            &[("east", 1)],
            &[("east", Some(Unhealthy))],
            behavior(Some(60), PurgeMode::Directly),
        );
        let mut timers = UnhealthyTimers::new();
        pass(&binding, &mut timers, &at(0));
        assert_eq!(timers.unhealthy_since(&key(), "east"), Some(&at(0)));
        set_health(&mut binding, "east", reset);
        assert_eq!(
            pass(&binding, &mut timers, &at(50)),
            PassOutcome::Wait {
                requeue_after_s: None
            }
        );
        assert_eq!(
            timers.unhealthy_since(&key(), "east"),
            None,
            "{reset:?} resets"
        );
        set_health(&mut binding, "east", Some(Unhealthy));
        assert_eq!(
            pass(&binding, &mut timers, &at(61)),
            PassOutcome::Wait {
                requeue_after_s: Some(60)
            }
        );
        assert_eq!(timers.unhealthy_since(&key(), "east"), Some(&at(61)));
    }
}

#[test]
fn f57_verdict_table() {
    let cases = [
        // (tol, elapsed ms, verdict)
        (300, 0, ClusterVerdict::Wait { seconds: 300 }),
        (300, 999, ClusterVerdict::Wait { seconds: 300 }),
        (300, 1_000, ClusterVerdict::Wait { seconds: 299 }),
        (300, 120_500, ClusterVerdict::Wait { seconds: 180 }),
        (300, 299_999, ClusterVerdict::Wait { seconds: 1 }),
        (300, 300_000, ClusterVerdict::Evict),
        (300, 300_001, ClusterVerdict::Evict),
        (300, 3_600_000, ClusterVerdict::Evict),
        (120, 121_000, ClusterVerdict::Evict),
        (0, 0, ClusterVerdict::Evict),
        (300, -5_000, ClusterVerdict::Wait { seconds: 300 }),
    ];
    for (tol, elapsed, expected) in cases {
        assert_eq!(
            verdict(&at(0), tol, &at_ms(elapsed)),
            expected,
            "tol {tol}, elapsed {elapsed}ms"
        );
    }
}

#[test]
fn f57_toleration_seconds_table() {
    let cases = [(None, 300), (Some(0), 0), (Some(120), 120), (Some(-1), 0)];
    for (tol, expected) in cases {
        assert_eq!(
            toleration_seconds(&behavior(tol, PurgeMode::Directly)),
            expected,
            "{tol:?}"
        );
    }
}

#[test]
fn f57_pass_sequence_and_requeue() {
    let items = [
        ("east", Some(Unhealthy)),
        ("west", Some(Unhealthy)),
        ("north", Some(Healthy)),
    ];
    let mut binding = rb(
        &[("east", 2), ("west", 2), ("north", 2)],
        &items[..1],
        behavior(Some(120), PurgeMode::Directly),
    );
    let mut timers = UnhealthyTimers::new();
    let wait = |s| PassOutcome::Wait {
        requeue_after_s: Some(s),
    };
    assert_eq!(
        pass(&binding, &mut timers, &at(0)),
        wait(120),
        "first sight starts the timer"
    );
    assert_eq!(pass(&binding, &mut timers, &at(30)), wait(90));
    binding.status = Some(status(&items));
    assert_eq!(
        pass(&binding, &mut timers, &at(100)),
        wait(20),
        "minimum over clusters"
    );
    let PassOutcome::Evict(plan) = pass(&binding, &mut timers, &at(120)) else {
        panic!()
    };
    assert_eq!(plan.clusters, ["east"]);
    assert_eq!(plan.requeue_after_s, Some(100), "west still waits");
    assert_eq!(
        timers.clusters(&key()),
        ["east", "west"],
        "kept until the write is confirmed"
    );
    apply_plan(&mut binding.spec, &plan);
    timers.forget_clusters(&key(), &plan.clusters);
    assert_eq!(timers.clusters(&key()), ["west"]);
    assert_eq!(evicted(&pass(&binding, &mut timers, &at(220))), ["west"]);
}

#[test]
fn f57_all_selected_clusters_go_in_one_plan() {
    let items = [
        ("a", Some(Unhealthy)),
        ("b", Some(Unhealthy)),
        ("c", Some(Healthy)),
    ];
    let binding = rb(
        &[("a", 1), ("b", 2), ("c", 3)],
        &items,
        behavior(Some(10), PurgeMode::Directly),
    );
    let mut timers = UnhealthyTimers::new();
    pass(&binding, &mut timers, &at(0));
    let PassOutcome::Evict(plan) = pass(&binding, &mut timers, &at(10)) else {
        panic!()
    };
    assert_eq!(plan.clusters, ["a", "b"]);
    assert_eq!(
        plan.tasks.iter().map(|t| t.replicas).collect::<Vec<_>>(),
        [Some(1), Some(2)]
    );
    assert_eq!(plan.requeue_after_s, None);
}

#[test]
fn f57_timers_of_clusters_that_left_the_targets_are_forgotten() {
    let items = [("east", Some(Unhealthy)), ("west", Some(Unhealthy))];
    let mut binding = rb(
        &[("east", 1), ("west", 1)],
        &items,
        behavior(Some(60), PurgeMode::Directly),
    );
    let mut timers = UnhealthyTimers::new();
    pass(&binding, &mut timers, &at(0));
    // The scheduler moved west away without a task; its Work still reports Unhealthy.
    binding.spec.clusters.retain(|t| t.name != "west");
    let outcome = pass(&binding, &mut timers, &at(30));
    assert_eq!(
        outcome,
        PassOutcome::Wait {
            requeue_after_s: Some(30)
        }
    );
    assert_eq!(timers.clusters(&key()), ["east"]);
    // A cluster outside spec.clusters is never evicted, even at tolerance 0 (F-28 step 1).
    binding
        .spec
        .failover
        .as_mut()
        .unwrap()
        .application
        .as_mut()
        .unwrap()
        .decision_conditions
        .toleration_seconds = Some(0);
    assert_eq!(evicted(&pass(&binding, &mut timers, &at(40))), ["east"]);
}

fn with_rules(mut binding: ResourceBinding, json_path: &str) -> ResourceBinding {
    let app = binding
        .spec
        .failover
        .as_mut()
        .unwrap()
        .application
        .as_mut()
        .unwrap();
    app.state_preservation = Some(StatePreservation {
        rules: vec![StatePreservationRule {
            alias_label_name: "failover.example.io/job-id".into(),
            json_path: json_path.into(),
        }],
    });
    binding
}
