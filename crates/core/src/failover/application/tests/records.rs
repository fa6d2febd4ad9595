//! Tests of the eviction record of application failover: F-58 task fields, state
//! preservation and write failures, F-59 purge behaviour, F-60 admission, F-61 differences.
//!
//! Owns: those tables. Must not: test the timers (see `decisions.rs`).

use super::*;

type TaskFields = Result<(Option<i32>, Option<bool>), ApplicationFailoverError>;

#[test]
fn f58_task_fields_table() {
    let cases: [(PurgeMode, bool, TaskFields); 6] = [
        (PurgeMode::Gracefully, true, Ok((Some(600), None))),
        (
            PurgeMode::Gracefully,
            false,
            Err(ApplicationFailoverError::GracefulEvictionDisabled),
        ),
        (PurgeMode::Never, true, Ok((None, Some(true)))),
        (PurgeMode::Never, false, Ok((None, Some(true)))),
        (PurgeMode::Directly, true, Ok((None, None))),
        (PurgeMode::Directly, false, Ok((None, None))),
    ];
    for (mode, graceful_gate, expected) in cases {
        let binding = rb(
            &[("east", 3), ("west", 0)],
            &[("east", Some(Unhealthy))],
            behavior(Some(0), mode),
        );
        let g = ApplicationFailoverGates {
            graceful_eviction: graceful_gate,
            ..gates()
        };
        let outcome = sync_binding(&binding, true, g, &mut UnhealthyTimers::new(), &at(0));
        match (outcome, expected) {
            (PassOutcome::Evict(plan), Ok((grace, suppress))) => {
                let expected_task = GracefulEvictionTask {
                    from_cluster: "east".into(),
                    purge_mode: Some(mode),
                    replicas: Some(3),
                    reason: "ApplicationFailure".into(),
                    producer: "resource-binding-application-failover-controller".into(),
                    grace_period_seconds: grace,
                    suppress_deletion: suppress,
                    ..Default::default()
                };
                assert_eq!(plan.tasks, [expected_task], "{mode:?}");
                assert_eq!(plan.tasks[0].creation_timestamp, None);
            }
            (PassOutcome::Failed { error, events }, Err(expected)) => {
                assert_eq!(error, expected);
                assert_eq!(
                    error.to_string(),
                    "GracefulEviction featureGate must be enabled when purgeMode is Gracefully"
                );
                assert!(events.is_empty());
            }
            (other, expected) => panic!("{mode:?}: {other:?} vs {expected:?}"),
        }
    }
}

#[test]
fn f58_replicas_omitted_when_zero_and_grace_period_as_stored() {
    let mut app = behavior(Some(0), PurgeMode::Gracefully);
    app.grace_period_seconds = Some(45);
    let binding = rb(&[("east", 0)], &[("east", Some(Unhealthy))], app);
    let PassOutcome::Evict(plan) = pass(&binding, &mut UnhealthyTimers::new(), &at(0)) else {
        panic!()
    };
    assert_eq!(plan.tasks[0].replicas, None);
    assert_eq!(plan.tasks[0].grace_period_seconds, Some(45));
}

#[test]
fn f58_state_preservation_table() {
    let items = [
        ("east", Some(Unhealthy)),
        ("west", Some(Unhealthy)),
        ("north", Some(Healthy)),
    ];
    let base = rb(
        &[("east", 1), ("west", 1), ("north", 1)],
        &items,
        behavior(Some(0), PurgeMode::Directly),
    );
    let preserving = with_rules(base.clone(), "{.jobStatus.jobId}");
    let on = ApplicationFailoverGates {
        stateful_failover_injection: true,
        ..gates()
    };
    let before = vec!["east".to_string(), "west".into(), "north".into()];
    let cases = [
        ("gate on, rules", &preserving, on, true),
        ("gate off, rules", &preserving, gates(), false),
        ("gate on, no rules", &base, on, false),
    ];
    for (name, binding, g, stored) in cases {
        let outcome = sync_binding(binding, true, g, &mut UnhealthyTimers::new(), &at(0));
        let PassOutcome::Evict(plan) = outcome else {
            panic!("{name}: {outcome:?}")
        };
        for (task, cluster) in plan.tasks.iter().zip(["east", "west"]) {
            if stored {
                assert_eq!(
                    task.preserved_label_state["failover.example.io/job-id"],
                    format!("job-{cluster}"),
                    "{name}"
                );
                assert_eq!(
                    task.clusters_before_failover, before,
                    "{name}: names before the pass's evictions"
                );
            } else {
                assert!(task.preserved_label_state.is_empty(), "{name}");
                assert!(task.clusters_before_failover.is_empty(), "{name}");
            }
        }
    }
}

#[test]
fn f58_write_failure_events_and_retry_keep_the_timers() {
    let binding = rb(
        &[("east", 1), ("west", 1)],
        &[("east", Some(Unhealthy)), ("west", Some(Unhealthy))],
        behavior(Some(60), PurgeMode::Never),
    );
    let mut timers = UnhealthyTimers::new();
    pass(&binding, &mut timers, &at(0));
    let PassOutcome::Evict(plan) = pass(&binding, &mut timers, &at(61)) else {
        panic!()
    };
    let failed = plan.write_failed_events("conflict");
    assert_eq!(failed.len(), 2);
    for (event, cluster) in failed.iter().zip(["east", "west"]) {
        assert!(event.is_warning());
        assert_eq!(event.reason, events::EVICT_WORKLOAD_FROM_CLUSTER_FAILED);
        assert_eq!(
            event.message,
            format!("Evict from cluster {cluster} failed: conflict")
        );
    }
    // The write failed, so nothing was confirmed: the retry evicts at once.
    assert_eq!(
        evicted(&pass(&binding, &mut timers, &at(62))),
        ["east", "west"]
    );
}

#[test]
fn f59_purge_behaviour_is_the_task_of_section_5() {
    // E-6 / F-59: Never keeps the old copy until a human sets suppressDeletion: false.
    let mut binding = rb(
        &[("west", 2)],
        &[("west", Some(Unhealthy))],
        behavior(Some(120), PurgeMode::Never),
    );
    let mut timers = UnhealthyTimers::new();
    pass(&binding, &mut timers, &at(0));
    assert_eq!(
        evicted(&pass(&binding, &mut timers, &at(119))),
        Vec::<&str>::new()
    );
    let PassOutcome::Evict(plan) = pass(&binding, &mut timers, &at(121)) else {
        panic!()
    };
    apply_plan(&mut binding.spec, &plan);
    assert!(binding.spec.clusters.is_empty());
    assert_eq!(
        serde_json::to_value(&binding.spec.graceful_eviction_tasks).unwrap(),
        json!([{"fromCluster": "west", "producer": "resource-binding-application-failover-controller",
                "reason": "ApplicationFailure", "purgeMode": "Never", "replicas": 2,
                "suppressDeletion": true}])
    );
    // While the task exists, its cluster is in the tasks: no new timer, no second eviction.
    assert_eq!(
        pass(&binding, &mut timers, &at(200)),
        PassOutcome::Wait {
            requeue_after_s: None
        }
    );
    assert!(timers.is_empty());
}

#[test]
fn f60_admission_defaults_feed_the_decision() {
    let ctx = AdmissionContext {
        now: at(0),
        new_id: "00000000-0000-4000-8000-000000000001".into(),
        field_validation: FieldValidation::Strict,
        config: Default::default(),
    };
    let policy = |deps: bool| {
        json!({
            "apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy",
            "metadata": {"name": "p", "namespace": "default"},
            "spec": {"resourceSelectors": [{"apiVersion": "apps/v1", "kind": "Deployment"}],
                     "propagateDeps": deps,
                     "failover": {"application": {"decisionConditions": {}, "purgeMode": "Gracefully"}}}
        })
    };
    let request = |object| Request {
        object,
        duplicate_fields: vec![],
        operation: Operation::Create,
    };
    assert!(
        admit(&PROPAGATION_POLICY, request(policy(false)), &ctx).is_err(),
        "propagateDeps is required"
    );
    let admitted = admit(&PROPAGATION_POLICY, request(policy(true)), &ctx).unwrap();
    let spec: PropagationSpec = serde_json::from_value(admitted.object["spec"].clone()).unwrap();
    let app = spec.failover.unwrap().application.unwrap();
    assert_eq!(
        toleration_seconds(&app),
        300,
        "schema default (or absent) is 300"
    );
    assert_eq!(
        app.grace_period_seconds,
        Some(600),
        "mutating webhook default"
    );
    let binding = rb(&[("east", 1)], &[("east", Some(Unhealthy))], app);
    let mut timers = UnhealthyTimers::new();
    assert_eq!(
        pass(&binding, &mut timers, &at(0)),
        PassOutcome::Wait {
            requeue_after_s: Some(300)
        }
    );
    let PassOutcome::Evict(plan) = pass(&binding, &mut timers, &at(300)) else {
        panic!()
    };
    assert_eq!(plan.tasks[0].grace_period_seconds, Some(600));
}

/// F-61's table, row by row, for the application-failover column.
#[test]
fn f61_differences_from_cluster_failover() {
    let items = [
        ("east", Some(Unhealthy)),
        ("west", Some(Unhealthy)),
        ("north", Some(Healthy)),
    ];
    let targets = [("east", 1), ("west", 1), ("north", 1)];
    let run = |mode: PurgeMode, items: &[(&str, Option<ResourceHealth>)], g| {
        let binding = with_rules(
            rb(&targets, items, behavior(Some(0), mode)),
            "{.jobStatus.jobId}",
        );
        sync_binding(&binding, true, g, &mut UnhealthyTimers::new(), &at(0))
    };
    // No gate enables application failover; GracefulEviction is off here on purpose.
    let off = ApplicationFailoverGates {
        graceful_eviction: false,
        stateful_failover_injection: false,
    };
    let with_state = ApplicationFailoverGates {
        stateful_failover_injection: true,
        ..gates()
    };
    let healthy = [("east", Some(Healthy))];
    let trigger = run(PurgeMode::Directly, &healthy, gates());
    let PassOutcome::Evict(never) = run(PurgeMode::Never, &items, off) else {
        panic!()
    };
    let PassOutcome::Evict(graceful) = run(PurgeMode::Gracefully, &items, with_state) else {
        panic!()
    };
    let PassOutcome::Evict(directly) = run(PurgeMode::Directly, &items, gates()) else {
        panic!()
    };
    let rows: [(&str, bool); 8] = [
        (
            "trigger: health, not taints",
            trigger
                == PassOutcome::Wait {
                    requeue_after_s: None,
                },
        ),
        ("gates: none needed", never.clusters == ["east", "west"]),
        (
            "scope: one binding, several clusters at once, no rate limit",
            graceful.tasks.len() == 2,
        ),
        (
            "purge modes include Never",
            never.tasks[0].suppress_deletion == Some(true),
        ),
        (
            "task timeout: gracePeriodSeconds for Gracefully",
            graceful.tasks[0].grace_period_seconds == Some(600),
        ),
        (
            "task timeout: flag default for Directly",
            directly.tasks[0].grace_period_seconds.is_none(),
        ),
        (
            "producer / reason",
            directly.tasks.iter().all(|t| {
                t.producer == eviction::PRODUCER_RB_APPLICATION_FAILOVER
                    && t.reason == eviction::REASON_APPLICATION_FAILURE
            }),
        ),
        (
            "state preservation sets clustersBeforeFailover",
            graceful.tasks[1].clusters_before_failover == ["east", "west", "north"]
                && graceful.tasks[1].preserved_label_state["failover.example.io/job-id"]
                    == "job-west",
        ),
    ];
    for (row, holds) in rows {
        assert!(holds, "{row}");
    }
}
