//! `flotilla sim`: runs seeded simulations and prints their summaries. Owns: argument mapping
//! and output. Must not: simulate (`flotilla-sim`).

use std::time::Instant;

use anyhow::{Result, anyhow};
use flotilla_sim::config::{FaultMix, SimConfig, Switches, parse_duration_s};

use crate::Outcome;
use crate::cli::SimArgs;

/// Runs the command; exits negative on the first seed with a violation.
pub fn run(args: &SimArgs) -> Result<Outcome> {
    let faults: FaultMix = args.faults.parse()?;
    let duration_s = parse_duration_s(&args.duration).map_err(|e| anyhow!(e))?;
    if !(args.resource_eviction_rate >= 0.0 && args.resource_eviction_rate.is_finite()) {
        return Err(anyhow!("--resource-eviction-rate must be a number >= 0"));
    }
    let switches = Switches {
        failover_gate: !args.failover_gate_off,
        no_execute_eviction: !args.no_eviction,
        eviction_rate_per_s: args.resource_eviction_rate,
        partial_placement: args.failover_partial_placement,
        ..Switches::default()
    };
    let started = Instant::now();
    let mut simulated_s = 0i64;
    for seed in args.seed..args.seed + args.seeds.max(1) {
        let config = SimConfig {
            seed,
            clusters: args.clusters,
            bindings: args.bindings,
            duration_s,
            faults,
            switches: switches.clone(),
            ..SimConfig::default()
        };
        let report = flotilla_sim::run(config);
        simulated_s += report.simulated_s;
        if args.quiet && report.violations.is_empty() {
            println!(
                "seed {seed}: ok ({} evictions, recover p99 {})",
                report.evictions,
                report
                    .recovery_quantile_s(0.99)
                    .map_or("-".into(), |s| format!("{s:.0}s"))
            );
        } else {
            print!("{report}");
        }
        if !report.violations.is_empty() {
            eprintln!(
                "violation with seed {seed} at step {}: replay with `{}`",
                report.steps,
                replay_command(args, seed)
            );
            return Ok(Outcome::Negative);
        }
    }
    let wall = started.elapsed().as_secs_f64();
    println!(
        "{} seed(s), {:.2} simulated hours in {wall:.2} s wall ({:.3} simulated hours per wall second)",
        args.seeds.max(1),
        simulated_s as f64 / 3600.0,
        simulated_s as f64 / 3600.0 / wall.max(1e-9)
    );
    Ok(Outcome::Success)
}

/// The command that replays one seed of this run.
fn replay_command(args: &SimArgs, seed: u64) -> String {
    let mut command = format!(
        "flotilla sim --seed {seed} --clusters {} --bindings {} --duration {} --faults {} --resource-eviction-rate {}",
        args.clusters, args.bindings, args.duration, args.faults, args.resource_eviction_rate
    );
    for (on, flag) in [
        (args.failover_gate_off, " --failover-gate-off"),
        (args.no_eviction, " --no-eviction"),
        (
            args.failover_partial_placement,
            " --failover-partial-placement",
        ),
    ] {
        if on {
            command.push_str(flag);
        }
    }
    command
}
