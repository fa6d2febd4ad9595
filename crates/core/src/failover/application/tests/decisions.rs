//! Regression tests of the application-failover decisions (FD-6, FD-10, FD-13, FD-15) and
//! property tests of the timers (F-56, F-57).
//!
//! Owns: those tests. Must not: test the task fields (see `records.rs`).

use super::*;

#[test]
fn fd6_eviction_plan_has_a_normal_event_naming_the_producer() {
    let binding = rb(
        &[("east", 1)],
        &[("east", Some(Unhealthy))],
        behavior(Some(0), PurgeMode::Directly),
    );
    let PassOutcome::Evict(plan) = pass(&binding, &mut UnhealthyTimers::new(), &at(0)) else {
        panic!()
    };
    assert_eq!(plan.events.len(), 1);
    let event = &plan.events[0];
    assert!(!event.is_warning());
    assert_eq!(event.event_type(), "Normal");
    assert_eq!(event.reason, "EvictWorkloadFromClusterSucceed");
    assert!(
        event.message.starts_with("Evict from cluster east succeed"),
        "{}",
        event.message
    );
    assert!(
        event
            .message
            .contains("resource-binding-application-failover-controller"),
        "{}",
        event.message
    );
}

#[test]
fn fd10_extraction_error_blocks_the_eviction_and_warns_each_time() {
    let items = [("east", Some(Unhealthy)), ("west", Some(Unhealthy))];
    let binding = with_rules(
        rb(
            &[("east", 1), ("west", 1)],
            &items,
            behavior(Some(0), PurgeMode::Directly),
        ),
        "{.jobStatus.missing}",
    );
    let on = ApplicationFailoverGates {
        stateful_failover_injection: true,
        ..gates()
    };
    let mut timers = UnhealthyTimers::new();
    for second in [0, 5, 10] {
        let outcome = sync_binding(&binding, true, on, &mut timers, &at(second));
        let PassOutcome::Failed { error, events } = outcome else {
            panic!("{outcome:?}")
        };
        assert!(matches!(
            error,
            ApplicationFailoverError::StatePreservation(_)
        ));
        assert_eq!(events.len(), 1);
        assert!(events[0].is_warning());
        assert_eq!(events[0].reason, events::PRESERVE_STATE_FAILED);
        assert!(
            events[0].message.contains("Cluster(east)"),
            "{}",
            events[0].message
        );
        assert!(
            events[0].message.contains("failover.example.io/job-id"),
            "{}",
            events[0].message
        );
    }
    assert_eq!(
        timers.clusters(&key()),
        ["east", "west"],
        "timers are kept for the retry"
    );
}

#[test]
fn fd13_zero_tolerance_evicts_now() {
    let binding = rb(
        &[("east", 1)],
        &[("east", Some(Unhealthy))],
        behavior(Some(0), PurgeMode::Directly),
    );
    let mut timers = UnhealthyTimers::new();
    assert_eq!(
        evicted(&pass(&binding, &mut timers, &at(0))),
        ["east"],
        "first sight, same instant"
    );
    // An exact deadline is "now" too (Karmada computed a 0 wait and did not requeue).
    let binding = rb(
        &[("east", 1)],
        &[("east", Some(Unhealthy))],
        behavior(Some(30), PurgeMode::Directly),
    );
    let mut timers = UnhealthyTimers::new();
    assert_eq!(
        pass(&binding, &mut timers, &at(0)),
        PassOutcome::Wait {
            requeue_after_s: Some(30)
        }
    );
    assert_eq!(evicted(&pass(&binding, &mut timers, &at(30))), ["east"]);
}

#[test]
fn fd13_a_waiting_pass_never_asks_for_a_zero_requeue() {
    for tol in [0, 1, 2, 30] {
        let binding = rb(
            &[("east", 1)],
            &[("east", Some(Unhealthy))],
            behavior(Some(tol), PurgeMode::Directly),
        );
        let mut timers = UnhealthyTimers::new();
        for ms in (0..=i64::from(tol) * 1000).step_by(250) {
            match pass(&binding, &mut timers, &at_ms(ms)) {
                PassOutcome::Wait { requeue_after_s } => {
                    assert!(requeue_after_s >= Some(1), "tol {tol} at {ms}ms")
                }
                PassOutcome::Evict(_) => break,
                other => panic!("{other:?}"),
            }
        }
    }
}

#[test]
fn fd15_restart_restarts_the_windows() {
    let binding = rb(
        &[("east", 1)],
        &[("east", Some(Unhealthy))],
        behavior(Some(100), PurgeMode::Directly),
    );
    let mut timers = UnhealthyTimers::new();
    pass(&binding, &mut timers, &at(0));
    // The controller restarts at 90s: a fresh, empty timer map.
    let mut timers = UnhealthyTimers::new();
    assert_eq!(
        pass(&binding, &mut timers, &at(90)),
        PassOutcome::Wait {
            requeue_after_s: Some(100)
        }
    );
    assert_eq!(
        evicted(&pass(&binding, &mut timers, &at(150))),
        Vec::<&str>::new()
    );
    assert_eq!(evicted(&pass(&binding, &mut timers, &at(190))), ["east"]);
}

fn observation() -> impl Strategy<Value = Option<ResourceHealth>> {
    prop_oneof![
        3 => Just(Some(Unhealthy)),
        1 => Just(Some(Healthy)),
        1 => Just(Some(Unknown)),
        1 => Just(None),
    ]
}

proptest! {
    /// F-56/F-57: a cluster is never evicted before `tolerationSeconds` of continuous
    /// Unhealthy observations, and an `Unknown` (or Healthy) observation always resets.
    #[test]
    fn prop_never_evicted_before_tolerance(
        tol in 0i32..20,
        steps in proptest::collection::vec((0i64..8_000, observation()), 1..40),
    ) {
        let mut binding = rb(&[("east", 1)], &[("east", Some(Unhealthy))], behavior(Some(tol), PurgeMode::Directly));
        let mut timers = UnhealthyTimers::new();
        let mut now_ms = 0i64;
        let mut streak_start: Option<i64> = None;
        for (gap, health) in steps {
            now_ms += gap;
            set_health(&mut binding, "east", health);
            streak_start = match health {
                Some(Unhealthy) => Some(streak_start.unwrap_or(now_ms)),
                _ => None,
            };
            let outcome = pass(&binding, &mut timers, &at_ms(now_ms));
            if health != Some(Unhealthy) {
                prop_assert_eq!(timers.unhealthy_since(&key(), "east"), None);
            }
            if let PassOutcome::Evict(plan) = outcome {
                let start = streak_start.expect("evicted only while Unhealthy");
                prop_assert!(now_ms - start >= i64::from(tol) * 1000, "evicted after {}ms", now_ms - start);
                prop_assert_eq!(plan.clusters, vec!["east".to_string()]);
                break;
            }
        }
    }

    /// F-57: following the requeues alone, an Unhealthy cluster is evicted exactly
    /// `tolerationSeconds` after it was first seen, never later.
    #[test]
    fn prop_requeues_reach_the_deadline(tol in 0i32..2_000, first_ms in 0i64..1_000) {
        let binding = rb(&[("east", 1)], &[("east", Some(Unhealthy))], behavior(Some(tol), PurgeMode::Directly));
        let mut timers = UnhealthyTimers::new();
        let mut now_ms = first_ms;
        let mut passes = 0;
        loop {
            passes += 1;
            prop_assert!(passes <= 3, "too many passes");
            match pass(&binding, &mut timers, &at_ms(now_ms)) {
                PassOutcome::Wait { requeue_after_s: Some(s) } => now_ms += i64::try_from(s).unwrap() * 1000,
                PassOutcome::Evict(_) => break,
                other => prop_assert!(false, "{:?}", other),
            }
        }
        prop_assert_eq!(now_ms - first_ms, i64::from(tol) * 1000);
    }
}
