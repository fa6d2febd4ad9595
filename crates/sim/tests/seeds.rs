//! Seeded fleet runs (issue acceptance: at least 200 seeds with fault mixes in CI): every
//! invariant of the simulator holds on every step of every run, a seed replays identically, the
//! switches of F-62 … F-65 really stop evictions (invariant 6), and the checker does catch
//! broken writes (so a clean run means something).
//!
//! The longer run is one command: `flotilla sim --seed 1 --seeds 10000 -q` (README).

use flotilla_sim::config::{FaultMix, SimConfig, Switches};
use flotilla_sim::report::SimReport;
use flotilla_sim::{Simulation, run};

/// Seeds run in CI.
const CI_SEEDS: u64 = 200;
/// Simulated time per CI seed: faults land in the first 70 %, recovery is observed after.
const CI_DURATION_S: i64 = 3_600;

/// The switch variants the CI seeds rotate through, with their names for failure messages.
fn variants() -> Vec<(&'static str, Switches)> {
    let on = Switches::default();
    vec![
        ("defaults (rate 0.5/s)", on.clone()),
        (
            "rate 2/s",
            Switches {
                eviction_rate_per_s: 2.0,
                ..on.clone()
            },
        ),
        (
            "rate 0 (one per 1800 s)",
            Switches {
                eviction_rate_per_s: 0.0,
                ..on.clone()
            },
        ),
        (
            "partial placement, short graceful timeout",
            Switches {
                partial_placement: true,
                graceful_eviction_timeout_s: 120,
                ..on.clone()
            },
        ),
        (
            "injection gate off",
            Switches {
                stateful_failover_injection: false,
                ..on
            },
        ),
    ]
}

/// Fault mixes the CI seeds rotate through: everything, and each kind alone.
fn mixes() -> Vec<FaultMix> {
    let none = FaultMix::NONE;
    vec![
        FaultMix::ALL,
        FaultMix { down: true, ..none },
        FaultMix { flap: true, ..none },
        FaultMix { mass: true, ..none },
        FaultMix {
            taint: true,
            scale: true,
            ..none
        },
        FaultMix {
            unhealthy: true,
            down: true,
            ..none
        },
    ]
}

fn config(seed: u64) -> SimConfig {
    let variants = variants();
    let mixes = mixes();
    let (_, switches) = variants[seed as usize % variants.len()].clone();
    SimConfig {
        seed,
        duration_s: CI_DURATION_S,
        faults: mixes[(seed / variants.len() as u64) as usize % mixes.len()],
        switches,
        ..Default::default()
    }
}

// Invariants 1-7 (crates/sim/src/lib.rs), F-18 … F-54 end to end, FD-11.
#[test]
fn two_hundred_seeds_hold_every_invariant() {
    let mut failures = Vec::new();
    let mut evictions = 0;
    let mut released = 0;
    let mut application = 0;
    for seed in 1..=CI_SEEDS {
        let config = config(seed);
        let report = run(config.clone());
        evictions += report.evictions;
        released += report.released_tasks;
        application += report.application_evictions;
        if !report.violations.is_empty() {
            let variant = variants()[seed as usize % variants().len()].0;
            failures.push(format!(
                "seed {seed} ({variant}, faults {:?}): {:?}\n  replay: flotilla sim --seed {seed} --duration {}s",
                config.faults, report.violations, CI_DURATION_S
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The runs exercised what they claim to: evictions happened, tasks were released, and
    // application failover evicted never-healthy workloads.
    assert!(
        evictions > CI_SEEDS,
        "only {evictions} evictions in {CI_SEEDS} runs"
    );
    assert!(released > CI_SEEDS, "only {released} released tasks");
    assert!(
        application > 0,
        "no application failover in {CI_SEEDS} runs"
    );
}

/// Everything a run produced that a replay must reproduce.
fn fingerprint(seed: u64) -> (SimReport, String) {
    let mut sim = Simulation::new(config(seed));
    sim.run_until_ms(CI_DURATION_S * 1000);
    let world = &sim.world;
    let state = format!(
        "{:?}\n{:?}",
        world.events,
        world
            .bindings
            .iter()
            .map(|b| (&b.object.spec, &b.works))
            .collect::<Vec<_>>()
    );
    (sim.report(), state)
}

// S-67 and the simulator's contract: the same seed replays identically.
#[test]
fn the_same_seed_replays_identically() {
    for seed in [3, 17, 42] {
        let (a, state_a) = fingerprint(seed);
        let (b, state_b) = fingerprint(seed);
        assert_eq!(a, b, "seed {seed}: reports differ");
        assert!(
            state_a == state_b,
            "seed {seed}: event logs or bindings differ"
        );
        assert!(a.events > 0 && a.faults > 0, "seed {seed} did nothing");
    }
    let (one, _) = fingerprint(5);
    let (other, _) = fingerprint(6);
    assert_ne!(one, other, "different seeds must give different runs");
}

// F-62, F-63, invariant 6: without the Failover gate or --enable-no-execute-taint-eviction,
// nothing is evicted by the taint manager, whatever fails.
#[test]
fn switched_off_failover_never_evicts() {
    for seed in 1..=20 {
        for (name, switches) in [
            (
                "gate Failover off",
                Switches {
                    failover_gate: false,
                    ..Switches::default()
                },
            ),
            (
                "--enable-no-execute-taint-eviction=false",
                Switches {
                    no_execute_eviction: false,
                    ..Switches::default()
                },
            ),
        ] {
            let mut sim = Simulation::new(SimConfig {
                seed,
                duration_s: CI_DURATION_S,
                faults: FaultMix {
                    unhealthy: false,
                    ..FaultMix::ALL
                },
                switches,
                ..Default::default()
            });
            sim.run_until_ms(CI_DURATION_S * 1000);
            let report = sim.report();
            assert!(
                report.violations.is_empty(),
                "seed {seed} {name}: {:?}",
                report.violations
            );
            assert_eq!(report.evictions, 0, "seed {seed} {name}");
            let tasks: usize = sim
                .world
                .bindings
                .iter()
                .map(|b| b.object.spec.graceful_eviction_tasks.len())
                .sum();
            assert_eq!(
                tasks, 0,
                "seed {seed} {name}: graceful eviction tasks exist"
            );
            assert!(report.faults > 0, "seed {seed} {name}: no fault injected");
        }
    }
}

/// Runs a default simulation for a while, so bindings are scheduled and dispatched.
fn settled() -> Simulation {
    let mut sim = Simulation::new(SimConfig {
        seed: 9,
        faults: FaultMix::NONE,
        ..Default::default()
    });
    sim.run_until_ms(60_000);
    assert!(
        sim.world.violations.is_empty(),
        "{:?}",
        sim.world.violations
    );
    sim
}

// Invariant 7: a placement removed without a condition or event is reported.
#[test]
fn the_checker_catches_a_silent_removal() {
    let mut sim = settled();
    let i = sim
        .world
        .bindings
        .iter()
        .position(|b| !b.object.spec.clusters.is_empty())
        .expect("a scheduled binding");
    let mut spec = sim.world.bindings[i].object.spec.clone();
    spec.clusters.remove(0);
    sim.world.write_spec(i, spec, vec![]);
    assert!(
        sim.world
            .violations
            .iter()
            .any(|v| v.starts_with("invariant 7")),
        "{:?}",
        sim.world.violations
    );
}

// Invariant 1: a Divided binding assigned more replicas than desired is reported.
#[test]
fn the_checker_catches_over_assignment() {
    use flotilla_api::types::ReplicaSchedulingType;
    let mut sim = settled();
    let i = sim
        .world
        .bindings
        .iter()
        .position(|b| {
            let divided = b
                .object
                .spec
                .placement
                .as_ref()
                .and_then(|p| p.replica_scheduling.as_ref())
                .is_some_and(|r| r.replica_scheduling_type == ReplicaSchedulingType::Divided);
            divided && !b.object.spec.clusters.is_empty()
        })
        .expect("a scheduled Divided binding");
    let mut spec = sim.world.bindings[i].object.spec.clone();
    spec.clusters[0].replicas += spec.replicas + 1;
    sim.world.write_spec(i, spec, vec![]);
    sim.check_all();
    assert!(
        sim.world
            .violations
            .iter()
            .any(|v| v.starts_with("invariant 1")),
        "{:?}",
        sim.world.violations
    );
}

// Invariant 2: a workload left without healthy replicas while capacity exists is reported.
#[test]
fn the_checker_catches_a_lost_workload() {
    let mut sim = settled();
    let i = sim
        .world
        .bindings
        .iter()
        .position(|b| !b.never_healthy && !b.works.is_empty())
        .expect("a dispatched binding");
    // The member copies vanish behind the control plane's back and nothing notices.
    for work in sim.world.bindings[i].works.values_mut() {
        work.healthy_at_ms = None;
    }
    sim.world.status_dirty.insert(i);
    sim.run_until_ms(sim.world.now_ms + 600_000);
    assert!(
        sim.world
            .violations
            .iter()
            .any(|v| v.starts_with("invariant 2")),
        "{:?}",
        sim.world.violations
    );
}
