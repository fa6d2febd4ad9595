//! E-1 (Push failure, Gracefully, Divided/DynamicWeight), E-2 (tolerated for 120 s) and the
//! switches that turn cluster failover off (invariant 6).

use flotilla_api::constants::{conditions, events, eviction, taints};
use flotilla_api::types::{ConditionStatus, PurgeMode};
use flotilla_core::failover::BindingKind;
use flotilla_sim::config::Switches;
use flotilla_sim::faults::{Fault, MANUAL_TAINT_KEY, Timed};
use flotilla_sim::fleet::POLICY_TAINT_KEY;
use flotilla_sim::world::{Member, ms_of};
use flotilla_sim::{Simulation, evict_when_not_ready};
use k8s_openapi::api::core::v1::Toleration;

use crate::fixture::*;

/// East stops answering at T.
const T: i64 = 60_000;
const RB: &str = "ResourceBinding default/web-deployment";

/// The E-1 fleet: a Divided/DynamicWeight Deployment of 6 on east 3 + west 3.
fn e1(switches: Switches, tolerations: Vec<Toleration>, faults: Vec<Timed>) -> Simulation {
    let mut placement = dynamic_weight();
    placement.cluster_tolerations = tolerations;
    let b = deployment(
        BindingKind::ResourceBinding,
        "web",
        6,
        placement,
        None,
        &[("east", 3), ("west", 3)],
    );
    let world = world(members(20), vec![b]);
    Simulation::with_world(
        config(switches),
        world,
        faults,
        vec![evict_when_not_ready()],
    )
}

/// The starting state: east 3 + west 3, both copies running and Healthy.
fn assert_start(sim: &mut Simulation) {
    sim.run_until_ms(T);
    let w = &sim.world;
    assert_eq!(targets(w, 0), [("east".into(), 3), ("west".into(), 3)]);
    assert_eq!(work_clusters(w, 0), ["east", "west"]);
    for c in ["east", "west"] {
        assert_eq!(work(w, 0, c).unwrap().replicas, 3);
        assert_eq!(
            health(w, 0, c),
            Some(flotilla_api::types::ResourceHealth::Healthy)
        );
    }
    assert_eq!(ready(w, EAST).status, ConditionStatus::True);
    assert!(tasks(w, 0).is_empty());
}

/// First time (step start, ms) at which `seen` held, recorded into `slot`.
fn first(slot: &mut Option<i64>, now: i64, seen: bool) {
    if seen && slot.is_none() {
        *slot = Some(now);
    }
}

// E-1, F-1 (the whole pipeline, stages 1-7), F-11, F-10, F-15, F-24..F-28, F-31, F-33, F-36..F-39, F-67, F-69
#[test]
fn e1_push_failure_gracefully_divided_dynamic_weight() {
    const UP: i64 = T + 300_000;
    let faults = vec![
        at(T, Fault::ClusterDown(EAST)),
        at(UP, Fault::ClusterUp(EAST)),
    ];
    let mut sim = e1(Switches::default(), vec![], faults);
    assert_start(&mut sim);

    let (mut not_ready, mut tainted, mut evicted, mut stamped) = (None, None, None, None);
    let (mut new_copies, mut gone, mut terminating, mut deleted) = (None, None, None, None);
    let mut ready_again = None;
    let mut task_seen = None;
    let mut marks = Vec::new();
    while sim.world.now_ms < UP + 120_000 {
        let now = sim.world.now_ms;
        sim.step();
        let w = &sim.world;
        let r = ready(w, EAST);
        first(&mut not_ready, now, r.status == ConditionStatus::False);
        let both = taint(w, EAST, taints::NOT_READY, "NoSchedule").is_some()
            && taint(w, EAST, POLICY_TAINT_KEY, "NoExecute").is_some();
        if both && tainted.is_none() {
            // F-10, F-15: both taints stamped with the Ready transition time.
            let transition = ms_of(&r.last_transition_time);
            marks.push(transition);
            marks.push(added_ms(
                &taint(w, EAST, taints::NOT_READY, "NoSchedule").unwrap(),
            ));
            marks.push(added_ms(
                &taint(w, EAST, POLICY_TAINT_KEY, "NoExecute").unwrap(),
            ));
            assert_eq!(r.reason, conditions::REASON_CLUSTER_NOT_REACHABLE);
        }
        first(&mut tainted, now, both);
        let targets = targets(w, 0);
        assert!(targets.iter().all(|(c, _)| c != "east") || evicted.is_none());
        first(&mut evicted, now, !targets.iter().any(|(c, _)| c == "east"));
        if let Some(task) = tasks(w, 0).first() {
            task_seen.get_or_insert_with(|| task.clone());
            first(&mut stamped, now, task.creation_timestamp.is_some());
        }
        let running: i32 = w.bindings[0]
            .works
            .iter()
            .filter(|(c, wk)| *c != "east" && !wk.terminating)
            .map(|(_, wk)| wk.replicas)
            .sum();
        first(&mut new_copies, now, running == 6);
        first(&mut gone, now, evicted.is_some() && tasks(w, 0).is_empty());
        let east_work = work(w, 0, "east");
        first(
            &mut terminating,
            now,
            east_work.is_some_and(|wk| wk.terminating),
        );
        first(&mut deleted, now, east_work.is_none());
        first(
            &mut ready_again,
            now,
            not_ready.is_some() && r.status == ConditionStatus::True,
        );
        if w.clusters[EAST].member == Member::Down {
            assert!(
                east_work.is_some(),
                "F-31: east Work deleted at {now} ms while east is down"
            );
        }
        if !tasks(w, 0).is_empty() {
            assert!(
                !east_work.unwrap().terminating,
                "F-31: Gracefully keeps the old copy"
            );
        }
    }
    let w = &sim.world;
    let not_ready = not_ready.expect("Ready turned False");
    let [
        tainted,
        evicted,
        stamped,
        new_copies,
        gone,
        terminating,
        deleted,
        ready_again,
    ] = [
        tainted,
        evicted,
        stamped,
        new_copies,
        gone,
        terminating,
        deleted,
        ready_again,
    ]
    .map(|t| t.expect("every E-1 stage is observed"));
    eprintln!(
        "E-1: NotReady +{} s, taints +{} s, evicted +{} s, task gone +{} s, Ready again +{} s, old Work deleted +{} s",
        (not_ready - T) / 1000,
        (tainted - T) / 1000,
        (evicted - T) / 1000,
        (gone - T) / 1000,
        (ready_again - T) / 1000,
        (deleted - T) / 1000
    );

    // F-11: Ready=False ClusterNotReachable about 30..40 s after the member stopped answering.
    assert!(
        (T + 30_000..=T + 41_000).contains(&not_ready),
        "NotReady at {not_ready}"
    );
    assert_eq!(ready(w, EAST).status, ConditionStatus::True);
    assert!(
        w.clusters[NORTH].object.spec.taints.is_empty(),
        "only east failed"
    );
    // F-10, F-15: both taints carry timeAdded = the Ready transition (within a second).
    let [transition, not_ready_added, policy_added] = marks[..] else {
        panic!("taints observed once: {marks:?}")
    };
    assert!((not_ready..not_ready + TICK_MS).contains(&transition));
    assert!(
        (policy_added - transition).abs() <= 1_000,
        "{policy_added} vs {transition}"
    );
    assert!((not_ready_added - transition).abs() <= 1_000);
    assert_eq!(
        tainted, not_ready,
        "F-11: taints follow within the same second"
    );
    // F-15, removeOnConditions: the policy taint went with Ready=True.
    assert!(taint(w, EAST, POLICY_TAINT_KEY, "NoExecute").is_none());
    let cluster_taint_events = reason_times(w, "Cluster east", events::TAINT_CLUSTER_SUCCEED);
    assert!(
        cluster_taint_events
            .iter()
            .any(|t| (not_ready..not_ready + TICK_MS).contains(t))
    );

    // F-28: the task as the taint manager wrote it; F-36 stamped it at the first pass.
    assert!(
        stamped - evicted <= TICK_MS,
        "stamped {stamped}, evicted {evicted}"
    );
    let task = task_seen.expect("a task was written");
    assert_eq!(task.from_cluster, "east");
    assert_eq!(
        task.purge_mode,
        Some(PurgeMode::Gracefully),
        "F-26 step 2: the flag default"
    );
    assert_eq!(task.replicas, Some(3));
    assert_eq!(task.reason, eviction::REASON_TAINT_UNTOLERATED);
    assert_eq!(task.producer, eviction::PRODUCER_TAINT_MANAGER);
    assert!(task.suppress_deletion.is_none() && task.grace_period_seconds.is_none());
    assert!(task.preserved_label_state.is_empty() && task.clusters_before_failover.is_empty());
    let evictions = sim.eviction_times_ms();
    assert_eq!(evictions.len(), 1);
    assert!((evicted..evicted + TICK_MS).contains(&evictions[0]));

    // S-44, F-33: the 3 evicted replicas on west and/or north; west keeps its 3 (S-60).
    let t = targets(w, 0);
    eprintln!("E-1: placement after failover {t:?}");
    assert!(t.iter().all(|(c, _)| c == "west" || c == "north"), "{t:?}");
    assert_eq!(t.iter().map(|(_, r)| r).sum::<i32>(), 6);
    assert!(t.iter().any(|(c, r)| c == "west" && *r >= 3), "{t:?}");
    assert_eq!(
        work_clusters(w, 0),
        t.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>()
    );

    // F-37 step 4, F-39: the task went once every target was Healthy, with the graceful
    // eviction controller's event.
    let healthy_at = w.bindings[0]
        .works
        .values()
        .filter_map(|wk| wk.healthy_at_ms)
        .max()
        .unwrap();
    assert!(
        gone >= healthy_at - TICK_MS,
        "task went at {gone}, targets healthy at {healthy_at}"
    );
    assert!(targets_healthy(w, 0));
    let released = event_times(
        w,
        RB,
        events::EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED,
        "Evict from cluster east succeed.",
    );
    assert_eq!(released.len(), 1);
    assert!((gone..gone + TICK_MS).contains(&released[0]));

    // F-31: the east Work is deleted once the task is gone, and goes only with Ready=True.
    assert!(terminating >= gone && terminating <= gone + TICK_MS);
    assert!(deleted >= ready_again && deleted <= ready_again + TICK_MS);
    assert!(ready_again > UP);

    // F-69: the order a user observes.
    let scheduled = reason_times(w, RB, events::SCHEDULE_BINDING_SUCCEED);
    let rescheduled = scheduled
        .iter()
        .copied()
        .find(|t| *t >= evicted)
        .expect("a new schedule");
    let order = [
        not_ready,
        tainted,
        evicted,
        stamped.max(rescheduled),
        new_copies,
        gone,
        deleted,
    ];
    assert!(
        order.windows(2).all(|p| p[0] <= p[1]),
        "F-69 order: {order:?}"
    );
    assert!(evicted < gone && gone < deleted);
    assert_no_violations(w);
}

/// The time (ms) the policy taint was added to east, after stepping until it is.
fn until_tainted(sim: &mut Simulation, key: &str) -> i64 {
    assert!(sim.run_until(T + 60_000, |w| taint(w, EAST, key, "NoExecute").is_some()));
    added_ms(&taint(&sim.world, EAST, key, "NoExecute").unwrap())
}

// E-2, F-23, F-24, F-25 step 4, invariant 5
#[test]
fn e2_tolerated_for_120s_is_evicted_at_time_added_plus_120s() {
    let faults = vec![at(T, Fault::ClusterDown(EAST))];
    let mut sim = e1(
        Switches::default(),
        vec![tolerate(POLICY_TAINT_KEY, 120)],
        faults,
    );
    assert_start(&mut sim);
    let added = until_tainted(&mut sim, POLICY_TAINT_KEY);
    assert_eq!(added, ms_of(&ready(&sim.world, EAST).last_transition_time));
    let deadline = added + 120_000;
    let before = sim.world.bindings[0].object.spec.clone();
    while sim.world.now_ms + TICK_MS <= deadline {
        sim.step();
        assert_eq!(
            sim.world.bindings[0].object.spec, before,
            "changed before {deadline}"
        );
    }
    sim.step();
    let evictions = sim.eviction_times_ms();
    eprintln!("E-2: taint at {added} ms, eviction at {evictions:?} ms");
    assert_eq!(evictions.len(), 1);
    assert!((deadline..deadline + TICK_MS).contains(&evictions[0]));
    let task = &tasks(&sim.world, 0)[0];
    assert_eq!(
        (task.from_cluster.as_str(), task.replicas),
        ("east", Some(3))
    );
    sim.run_until_ms(deadline + 60_000);
    let t = targets(&sim.world, 0);
    assert!(!t.iter().any(|(c, _)| c == "east"), "{t:?}");
    assert_eq!(t.iter().map(|(_, r)| r).sum::<i32>(), 6);
    assert_no_violations(&sim.world);
}

/// Runs to `until` and asserts that nothing was evicted and the placement is untouched.
fn assert_never_evicted(sim: &mut Simulation, until: i64) {
    while sim.world.now_ms < until {
        sim.step();
        assert_eq!(
            targets(&sim.world, 0),
            [("east".into(), 3), ("west".into(), 3)]
        );
        assert!(tasks(&sim.world, 0).is_empty());
        assert!(!work(&sim.world, 0, "east").unwrap().terminating);
    }
    assert!(sim.eviction_times_ms().is_empty());
    assert_no_violations(&sim.world);
}

// E-2, F-25 step 3, F-34, F-11 (recovery)
#[test]
fn e2_policy_taint_removed_before_the_deadline_evicts_nothing() {
    // East answers again 60 s after it stopped; Ready=True (and with it removeOnConditions)
    // follows the success threshold, 60 s after the policy taint was added.
    let faults = vec![
        at(T, Fault::ClusterDown(EAST)),
        at(T + 60_000, Fault::ClusterUp(EAST)),
    ];
    let mut sim = e1(
        Switches::default(),
        vec![tolerate(POLICY_TAINT_KEY, 120)],
        faults,
    );
    assert_start(&mut sim);
    let added = until_tainted(&mut sim, POLICY_TAINT_KEY);
    assert!(sim.run_until(added + 120_000, |w| {
        taint(w, EAST, POLICY_TAINT_KEY, "NoExecute").is_none()
    }));
    let removed = sim.world.now_ms - TICK_MS;
    eprintln!("E-2: policy taint held {} s", (removed - added) / 1000);
    assert!(
        (50_000..=70_000).contains(&(removed - added)),
        "E-2: removed at about +60 s, well before the +120 s deadline"
    );
    assert_never_evicted(&mut sim, added + 600_000);
}

// E-2, F-25 step 3, F-23: a human NoExecute taint removed at +60 s evicts nothing; the same
// taint left in place evicts at exactly timeAdded + 120 s.
#[test]
fn e2_manual_taint_removed_at_60s_evicts_nothing_kept_evicts_at_120s() {
    let kept = vec![at(T, Fault::AddNoExecute(EAST))];
    let mut sim = e1(
        Switches::default(),
        vec![tolerate(MANUAL_TAINT_KEY, 120)],
        kept,
    );
    assert_start(&mut sim);
    sim.run_until_ms(T + 200_000);
    assert_eq!(sim.eviction_times_ms(), [T + 120_000]);
    assert_no_violations(&sim.world);

    let removed = vec![
        at(T, Fault::AddNoExecute(EAST)),
        at(T + 60_000, Fault::RemoveNoExecute(EAST)),
    ];
    let mut sim = e1(
        Switches::default(),
        vec![tolerate(MANUAL_TAINT_KEY, 120)],
        removed,
    );
    assert_start(&mut sim);
    assert_never_evicted(&mut sim, T + 600_000);
}

// Invariant 6, F-2, F-12, F-18, F-62: gate Failover off — NoSchedule taint only, no NoExecute
// taint, no eviction, no task.
#[test]
fn switches_off_failover_gate_evicts_nothing() {
    let switches = Switches {
        failover_gate: false,
        ..Switches::default()
    };
    let mut sim = e1(switches, vec![], vec![at(T, Fault::ClusterDown(EAST))]);
    assert_start(&mut sim);
    assert_never_evicted(&mut sim, T + 900_000);
    let w = &sim.world;
    assert_eq!(
        ready(w, EAST).reason,
        conditions::REASON_CLUSTER_NOT_REACHABLE
    );
    assert!(taint(w, EAST, taints::NOT_READY, "NoSchedule").is_some());
    assert!(taint(w, EAST, POLICY_TAINT_KEY, "NoExecute").is_none());
}

// Invariant 6, F-2, F-18: --enable-no-execute-taint-eviction=false — the policy taints, the
// taint manager evicts nothing.
#[test]
fn switches_off_no_execute_eviction_evicts_nothing() {
    let switches = Switches {
        no_execute_eviction: false,
        ..Switches::default()
    };
    let mut sim = e1(switches, vec![], vec![at(T, Fault::ClusterDown(EAST))]);
    assert_start(&mut sim);
    assert_never_evicted(&mut sim, T + 900_000);
    let w = &sim.world;
    assert_eq!(ready(w, EAST).status, ConditionStatus::False);
    assert!(taint(w, EAST, POLICY_TAINT_KEY, "NoExecute").is_some());
}
