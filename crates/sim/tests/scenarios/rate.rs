//! E-5 and the seed's rate examples under FD-11(b) (decisions.md FD-11): one pacer for
//! ResourceBindings and ClusterResourceBindings together, burst 1, true ceiling `r` evictions
//! per second, `r = 0` → one eviction per 1800 s; the rate can change at run time (FD-12).

use flotilla_api::constants::events;
use flotilla_core::failover::BindingKind;
use flotilla_sim::config::Switches;
use flotilla_sim::faults::Fault;
use flotilla_sim::world::describe;
use flotilla_sim::{Simulation, evict_when_not_ready};

use crate::fixture::*;

/// East stops answering at T.
const T: i64 = 60_000;
/// Workloads on the failed cluster.
const WORKLOADS: usize = 12;
/// Of which ClusterResourceBindings (the last ones).
const CRBS: usize = 4;
/// Start of the taint manager's FD-6 event message for an eviction from east.
const EVICTED_BY_TM: &str = "Evicted from cluster east by TaintManager";

/// 8 RBs and 4 CRBs, one replica each, all on east; west and north have room for all of them.
fn fleet(rate: f64) -> Simulation {
    let bindings = (0..WORKLOADS)
        .map(|i| {
            let kind = if i < WORKLOADS - CRBS {
                BindingKind::ResourceBinding
            } else {
                BindingKind::ClusterResourceBinding
            };
            deployment(
                kind,
                &format!("app-{i:02}"),
                1,
                single_cluster(),
                None,
                &[("east", 1)],
            )
        })
        .collect();
    let switches = Switches {
        eviction_rate_per_s: rate,
        ..Switches::default()
    };
    let faults = vec![at(T, Fault::ClusterDown(EAST))];
    let mut sim = Simulation::with_world(
        config(switches),
        world(members(100), bindings),
        faults,
        vec![evict_when_not_ready()],
    );
    sim.run_until_ms(T);
    for i in 0..WORKLOADS {
        assert_eq!(targets(&sim.world, i), [("east".to_string(), 1)]);
        assert_eq!(
            health(&sim.world, i, "east"),
            Some(flotilla_api::types::ResourceHealth::Healthy)
        );
    }
    sim
}

/// Runs until `n` evictions were written (or `limit_ms`), returns their times.
fn evictions(sim: &mut Simulation, n: usize, limit_ms: i64) -> Vec<i64> {
    while sim.world.now_ms < limit_ms && sim.eviction_times_ms().len() < n {
        sim.step();
    }
    sim.eviction_times_ms().to_vec()
}

fn gaps(times: &[i64]) -> Vec<i64> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Every binding, of both kinds, was evicted from east once (at one of `times`), moved and was
/// released (F-39); runs 30 s past the last eviction so that every new copy is Healthy.
fn assert_all_evicted(sim: &mut Simulation, times: &[i64]) {
    sim.run_until_ms(times[times.len() - 1] + 30_000);
    let w = &sim.world;
    let mut kinds = Vec::new();
    for (i, b) in w.bindings.iter().enumerate() {
        let object = describe(b);
        assert!(
            !targets(w, i).iter().any(|(c, _)| c == "east"),
            "{object} still on east"
        );
        assert!(tasks(w, i).is_empty() && targets_healthy(w, i), "{object}");
        // FD-6: the taint manager's additive event names the eviction.
        let evicted: Vec<i64> = w
            .events
            .iter()
            .filter(|e| e.object == object && e.event.message.starts_with(EVICTED_BY_TM))
            .map(|e| e.at_ms)
            .collect();
        assert_eq!(evicted.len(), 1, "{object}");
        assert!(
            times.contains(&evicted[0]),
            "{object} evicted at {evicted:?}"
        );
        let released = event_times(
            w,
            &object,
            events::EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED,
            "Evict from cluster east succeed.",
        );
        assert_eq!(released.len(), 1, "{object}");
        kinds.push(b.kind);
    }
    let crbs = kinds
        .iter()
        .filter(|k| **k == BindingKind::ClusterResourceBinding)
        .count();
    assert_eq!(crbs, CRBS, "the one pacer covers both kinds");
}

// E-5 (FD-11(b)), F-49, F-50, seed: "12 workloads at 0.5/s … about 24 seconds"; invariant 4
#[test]
fn e5_twelve_workloads_at_half_per_second_take_22_to_24s() {
    let mut sim = fleet(0.5);
    let times = evictions(&mut sim, WORKLOADS, T + 200_000);
    assert_eq!(times.len(), WORKLOADS);
    let span = times[WORKLOADS - 1] - times[0];
    eprintln!(
        "E-5 r=0.5: first eviction +{} ms, span {span} ms, gaps {:?}",
        times[0] - T,
        gaps(&times)
    );
    assert!((22_000..=24_000).contains(&span), "span {span} ms");
    // The ceiling holds across both kinds: no two evictions closer than 1/r.
    assert!(
        gaps(&times).iter().all(|g| *g >= 2_000),
        "{:?}",
        gaps(&times)
    );
    assert_all_evicted(&mut sim, &times);
    assert_no_violations(&sim.world);
}

// E-5 (FD-11(b)), seed: "--resource-eviction-rate=2 … roughly 6 seconds"; invariant 4
#[test]
fn e5_twelve_workloads_at_two_per_second_take_about_6s() {
    let mut sim = fleet(2.0);
    let times = evictions(&mut sim, WORKLOADS, T + 200_000);
    assert_eq!(times.len(), WORKLOADS);
    let span = times[WORKLOADS - 1] - times[0];
    eprintln!("E-5 r=2: span {span} ms, gaps {:?}", gaps(&times));
    assert!((5_500..=6_000).contains(&span), "span {span} ms");
    assert!(gaps(&times).iter().all(|g| *g >= 500), "{:?}", gaps(&times));
    assert_all_evicted(&mut sim, &times);
    assert_no_violations(&sim.world);
}

// E-5 rate 0 (FD-11: one eviction per 30 minutes), F-52, seed: "30 minutes per cycle"
#[test]
fn e5_rate_zero_evicts_one_at_once_then_one_per_1800s() {
    let mut sim = fleet(0.0);
    let first = evictions(&mut sim, 1, T + 100_000);
    assert_eq!(first.len(), 1);
    sim.run_until_ms(first[0] + 1_799_000);
    assert_eq!(
        sim.eviction_times_ms().len(),
        1,
        "nothing more for 30 minutes"
    );
    let times = evictions(&mut sim, 2, first[0] + 1_900_000);
    eprintln!("E-5 r=0: evictions at {times:?} ms");
    assert_eq!(times.len(), 2);
    assert!(
        (1_800_000..1_800_000 + TICK_MS).contains(&(times[1] - times[0])),
        "{times:?}"
    );
    let still_on_east = (0..WORKLOADS)
        .filter(|&i| targets(&sim.world, i).iter().any(|(c, _)| c == "east"))
        .count();
    assert_eq!(still_on_east, WORKLOADS - 2);
    assert_no_violations(&sim.world);
}

// FD-12, FD-11: the pacer's rate changes at run time; gaps follow the new rate.
#[test]
fn e5_rate_changed_at_run_time_changes_the_gaps() {
    let mut sim = fleet(0.5);
    let before = evictions(&mut sim, 4, T + 100_000);
    assert_eq!(before.len(), 4);
    sim.set_eviction_rate(2.0).expect("a valid rate");
    let times = evictions(&mut sim, WORKLOADS, T + 200_000);
    let g = gaps(&times);
    eprintln!("E-5 0.5→2 after 4: gaps {g:?}");
    assert_eq!(times.len(), WORKLOADS);
    assert!(
        g[..3].iter().all(|g| (2_000..2_000 + TICK_MS).contains(g)),
        "{g:?}"
    );
    // The eviction after the change waits at most a step for the faster token.
    assert!((500..2_000).contains(&g[3]), "{g:?}");
    assert!(g[4..].iter().all(|g| *g == 500), "{g:?}");
    assert!(sim.set_eviction_rate(-1.0).is_err(), "F-64: r >= 0");
    assert_all_evicted(&mut sim, &times);
    assert_no_violations(&sim.world);
}
