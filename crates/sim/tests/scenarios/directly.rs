//! E-3 (Directly, member still Ready) and E-4 (Directly, member unreachable), with state
//! preservation and gate StatefulFailoverInjection on.

use std::collections::BTreeMap;

use flotilla_api::constants::eviction;
use flotilla_api::types::*;
use flotilla_core::failover::BindingKind;
use flotilla_sim::config::Switches;
use flotilla_sim::faults::{Fault, Timed};
use flotilla_sim::fleet::STATE_LABEL;
use flotilla_sim::world::ms_of;
use flotilla_sim::{Simulation, evict_when_not_ready};

use crate::fixture::*;

/// The fault happens at T.
const T: i64 = 60_000;

/// A single-cluster Directly Deployment with a state rule `{.jobStatus.jobId}`, on west.
fn stateful(
    faults: Vec<Timed>,
    policies: Vec<flotilla_api::kinds::ClusterTaintPolicy>,
) -> Simulation {
    let failover = FailoverBehavior {
        cluster: Some(ClusterFailoverBehavior {
            purge_mode: PurgeMode::Directly,
            state_preservation: Some(StatePreservation {
                rules: vec![StatePreservationRule {
                    alias_label_name: STATE_LABEL.into(),
                    json_path: "{.jobStatus.jobId}".into(),
                }],
            }),
        }),
        application: None,
    };
    let b = deployment(
        BindingKind::ResourceBinding,
        "job",
        2,
        single_cluster(),
        Some(failover),
        &[("west", 2)],
    );
    let switches = Switches {
        stateful_failover_injection: true,
        ..Switches::default()
    };
    let mut sim = Simulation::with_world(
        config(switches),
        world(members(20), vec![b]),
        faults,
        policies,
    );
    sim.run_until_ms(T);
    let w = &sim.world;
    assert_eq!(targets(w, 0), [("west".to_string(), 2)]);
    assert_eq!(work_clusters(w, 0), ["west"]);
    assert_eq!(health(w, 0, "west"), Some(ResourceHealth::Healthy));
    assert!(work(w, 0, "west").unwrap().injected.is_empty());
    sim
}

/// The label the rule extracts from the simulated member's status (`<name>-job`).
fn expected_state() -> BTreeMap<String, String> {
    BTreeMap::from([(STATE_LABEL.to_string(), "job-job".to_string())])
}

/// The one target other than west, once the scheduler placed it.
fn new_cluster(sim: &Simulation) -> Option<String> {
    let t = targets(&sim.world, 0);
    assert!(t.len() <= 1, "maxGroups 1: {t:?}");
    t.first().map(|(c, _)| c.clone()).filter(|c| c != "west")
}

// E-3, F-27, F-42, F-45, F-46, F-47, F-31, F-32, invariant 3
#[test]
fn e3_directly_member_ready_deletes_old_work_first_and_injects_state() {
    // A human taints the healthy west; no ClusterTaintPolicy: the manual taint is NoExecute.
    let mut sim = stateful(vec![at(T, Fault::AddNoExecute(WEST))], vec![]);
    let (mut task_seen, mut old_gone, mut created, mut released, mut cleared) =
        (None, None, None, None, None);
    while sim.world.now_ms < T + 120_000 {
        let now = sim.world.now_ms;
        sim.step();
        let w = &sim.world;
        if let Some(task) = tasks(w, 0).first() {
            task_seen.get_or_insert_with(|| task.clone());
        }
        let works = work_clusters(w, 0);
        // F-32: never the old Work and a new Work at the same time.
        assert!(
            !(works.contains(&"west".to_string()) && works.len() > 1),
            "at {now} ms: Works {works:?}"
        );
        if task_seen.is_some() && old_gone.is_none() && work(w, 0, "west").is_none() {
            old_gone = Some(now);
        }
        let Some(target) = new_cluster(&sim) else {
            continue;
        };
        let Some(new) = work(&sim.world, 0, &target) else {
            continue;
        };
        created.get_or_insert(now);
        if !tasks(&sim.world, 0).is_empty() {
            // F-46: injected while the Directly task exists.
            assert_eq!(new.injected, expected_state(), "at {now} ms");
        } else {
            released.get_or_insert(now);
            if new.injected.is_empty() {
                cleared.get_or_insert(now);
            }
        }
    }
    let w = &sim.world;
    let task = task_seen.expect("west was evicted");
    assert_eq!(task.from_cluster, "west");
    assert_eq!(task.purge_mode, Some(PurgeMode::Directly));
    assert_eq!(task.producer, eviction::PRODUCER_TAINT_MANAGER);
    assert_eq!(task.reason, eviction::REASON_TAINT_UNTOLERATED);
    assert_eq!(task.replicas, Some(2));
    assert_eq!(task.preserved_label_state, expected_state(), "F-45");
    assert!(
        task.clusters_before_failover.is_empty(),
        "F-45: the taint manager sets none"
    );
    let evictions = sim.eviction_times_ms();
    assert_eq!(
        evictions,
        [T],
        "a manual NoExecute taint evicts at once (F-24)"
    );

    let [old_gone, created, released, cleared] =
        [old_gone, created, released, cleared].map(|t| t.expect("every E-3 stage is observed"));
    eprintln!(
        "E-3: old Work gone +{} s, new Work +{} s, task gone +{} s, label cleared +{} s",
        (old_gone - T) / 1000,
        (created - T) / 1000,
        (released - T) / 1000,
        (cleared - T) / 1000
    );
    assert!(
        old_gone < created,
        "F-32: old Work gone ({old_gone}) before the new ({created})"
    );
    assert!(created < released);
    // F-47: the sync that follows the task's removal drops the label.
    assert!(
        cleared - released <= TICK_MS,
        "released {released}, cleared {cleared}"
    );
    let target = new_cluster(&sim).expect("rescheduled");
    assert_eq!(targets(w, 0), [(target.clone(), 2)]);
    assert_eq!(work_clusters(w, 0), [target.as_str()]);
    assert!(work(w, 0, &target).unwrap().injected.is_empty());
    assert_no_violations(w);
}

// E-4, F-32 (b), F-37 step 3, FD-8 (default), invariant 3
#[test]
fn e4_directly_member_unreachable_waits_for_task_timeout_and_injects_nothing() {
    let mut sim = stateful(
        vec![at(T, Fault::ClusterDown(WEST))],
        vec![evict_when_not_ready()],
    );
    assert!(sim.run_until(T + 60_000, |w| !tasks(w, 0).is_empty()));
    let evicted = sim.eviction_times_ms()[0];
    let task = tasks(&sim.world, 0)[0].clone();
    assert_eq!(task.purge_mode, Some(PurgeMode::Directly));
    assert_eq!(task.preserved_label_state, expected_state());
    let stamped = ms_of(
        task.creation_timestamp
            .as_ref()
            .expect("F-36: stamped at once"),
    );
    assert!(
        (stamped - evicted).abs() < TICK_MS,
        "stamped {stamped}, evicted {evicted}"
    );

    let mut created = None;
    while sim.world.now_ms < stamped + 700_000 && created.is_none() {
        let now = sim.world.now_ms;
        sim.step();
        let w = &sim.world;
        // F-33: rescheduled at once; only dispatch waits.
        if now >= evicted + 2 * TICK_MS {
            assert!(new_cluster(&sim).is_some(), "not rescheduled at {now} ms");
        }
        assert!(
            work(w, 0, "west").is_some(),
            "the west Work cannot finish deleting"
        );
        if let Some(target) = new_cluster(&sim)
            && let Some(new) = work(&sim.world, 0, &target)
        {
            assert!(
                tasks(&sim.world, 0).is_empty(),
                "F-32: new copy only after the task"
            );
            assert!(new.injected.is_empty(), "F-32 (b): no state is injected");
            created = Some(now);
        }
    }
    let created = created.expect("the new Work is created after the task times out");
    eprintln!(
        "E-4: evicted +{} s, new Work {} s after the task's creationTimestamp",
        (evicted - T) / 1000,
        (created - stamped) / 1000
    );
    // F-37 step 3: dropped strictly after creationTimestamp + 600 s; dispatch follows.
    assert!(
        created > stamped + 600_000,
        "created {created}, stamped {stamped}"
    );
    assert!(
        created <= stamped + 610_000,
        "created {created}, stamped {stamped}"
    );
    assert!(work(&sim.world, 0, "west").unwrap().terminating);
    sim.run_until_ms(created + 30_000);
    let target = new_cluster(&sim).unwrap();
    assert!(work(&sim.world, 0, &target).unwrap().injected.is_empty());
    assert_eq!(
        health(&sim.world, 0, &target),
        Some(ResourceHealth::Healthy)
    );
    assert_no_violations(&sim.world);
}
