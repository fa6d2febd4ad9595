//! E-6: application failover with purge mode Never, confirmed by a human.

use flotilla_api::constants::{events, eviction};
use flotilla_api::types::*;
use flotilla_core::failover::BindingKind;
use flotilla_sim::config::Switches;
use flotilla_sim::{Simulation, evict_when_not_ready};

use crate::fixture::*;

const RB: &str = "ResourceBinding default/batch-deployment";

// E-6, F-55, F-56, F-57, F-58, F-59, F-31, F-37 step 2, F-39
#[test]
fn e6_application_failover_never_keeps_old_copy_until_confirmed() {
    let failover = FailoverBehavior {
        application: Some(ApplicationFailoverBehavior {
            decision_conditions: DecisionConditions {
                toleration_seconds: Some(120),
            },
            purge_mode: PurgeMode::Never,
            grace_period_seconds: None,
            state_preservation: None,
        }),
        cluster: None,
    };
    let mut b = deployment(
        BindingKind::ResourceBinding,
        "batch",
        2,
        single_cluster(),
        Some(failover),
        &[("west", 2)],
    );
    b.object.spec.propagate_deps = true;
    // The member Deployment never becomes available.
    b.never_healthy = true;
    let world = world(members(20), vec![b]);
    let mut sim = Simulation::with_world(
        config(Switches::default()),
        world,
        vec![],
        vec![evict_when_not_ready()],
    );

    // The first time the copy on west is reported Unhealthy.
    assert!(sim.run_until(60_000, |w| health(w, 0, "west")
        == Some(ResourceHealth::Unhealthy)));
    let unhealthy = sim.world.now_ms - TICK_MS;
    assert!(sim.run_until(unhealthy + 300_000, |w| !tasks(w, 0).is_empty()));
    let evicted = sim.world.now_ms - TICK_MS;
    eprintln!(
        "E-6: Unhealthy at {unhealthy} ms, evicted {} ms later",
        evicted - unhealthy
    );
    // F-57 with FD-13 (docs/decisions.md: evict once elapsed >= tolerationSeconds; Karmada's
    // `>` differs only at the exact instant): not before 120 s of Unhealthy, at the requeue.
    assert!(
        evicted - unhealthy >= 120_000,
        "evicted after {} ms",
        evicted - unhealthy
    );
    assert!(
        evicted - unhealthy <= 123_000,
        "evicted after {} ms",
        evicted - unhealthy
    );
    let task = tasks(&sim.world, 0)[0].clone();
    assert_eq!(task.from_cluster, "west");
    assert_eq!(task.purge_mode, Some(PurgeMode::Never));
    assert_eq!(task.suppress_deletion, Some(true));
    assert_eq!(task.producer, eviction::PRODUCER_RB_APPLICATION_FAILOVER);
    assert_eq!(task.reason, eviction::REASON_APPLICATION_FAILURE);
    assert_eq!(task.replicas, Some(2));
    assert_eq!(task.grace_period_seconds, None);
    assert!(
        sim.eviction_times_ms().is_empty(),
        "F-57: not the taint manager's queue"
    );

    // Only west's copy was broken: the copy the scheduler places elsewhere starts normally.
    sim.world.bindings[0].never_healthy = false;
    sim.run_until_ms(evicted + 700_000);
    let w = &sim.world;
    let t = targets(w, 0);
    assert_eq!(t.len(), 1);
    let new = t[0].0.clone();
    assert_ne!(new, "west", "F-33: the task's cluster is not a candidate");
    assert_eq!(t[0].1, 2);
    assert_eq!(health(w, 0, &new), Some(ResourceHealth::Healthy));
    // F-37 step 2, F-31: suppressDeletion true outlives the 600 s timeout; the old copy stays.
    assert_eq!(tasks(w, 0).len(), 1);
    assert_eq!(tasks(w, 0)[0].suppress_deletion, Some(true));
    let old = work(w, 0, "west").expect("the old copy is kept");
    assert!(!old.terminating);
    assert_eq!(work_clusters(w, 0), {
        let mut v = vec![new.clone(), "west".to_string()];
        v.sort();
        v
    });

    // A human confirms: suppressDeletion false.
    let confirmed = sim.world.now_ms;
    let mut spec = sim.world.bindings[0].object.spec.clone();
    spec.graceful_eviction_tasks[0].suppress_deletion = Some(false);
    sim.world.write_spec(0, spec, vec![]);
    assert!(sim.run_until(confirmed + 10_000, |w| tasks(w, 0).is_empty()));
    let released = sim.world.now_ms - TICK_MS;
    assert!(sim.run_until(confirmed + 10_000, |w| work(w, 0, "west").is_none()));
    let deleted = sim.world.now_ms - TICK_MS;
    eprintln!(
        "E-6: task gone {} ms, old Work deleted {} ms after the patch",
        released - confirmed,
        deleted - confirmed
    );
    assert_eq!(released, confirmed, "F-37 step 2: dropped by the next pass");
    assert!(
        deleted - released <= TICK_MS,
        "F-40: the old Work goes on the next sync"
    );
    let w = &sim.world;
    let confirmations = event_times(
        w,
        RB,
        events::EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED,
        "Evict from cluster west succeed.",
    );
    assert_eq!(confirmations, [released]);
    assert_eq!(work_clusters(w, 0), [new.as_str()]);
    assert_eq!(targets(w, 0), [(new, 2)]);
    assert_no_violations(w);
}
