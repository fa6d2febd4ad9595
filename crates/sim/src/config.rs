//! What to simulate: fleet size, duration, the fault mix and the failover switches.
//!
//! Owns: simulation parameters and their parsing. Must not: run anything.

use std::str::FromStr;

/// Kinds of injected faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultMix {
    /// Clusters stop answering, then come back.
    pub down: bool,
    /// Clusters flap (down/up every few tens of seconds).
    pub flap: bool,
    /// Many clusters go dark at once.
    pub mass: bool,
    /// Humans add and remove NoExecute taints.
    pub taint: bool,
    /// Workloads are scaled up and down.
    pub scale: bool,
    /// Some workloads never become healthy (application failover).
    pub unhealthy: bool,
}

impl FaultMix {
    /// Every fault kind.
    pub const ALL: FaultMix = FaultMix {
        down: true,
        flap: true,
        mass: true,
        taint: true,
        scale: true,
        unhealthy: true,
    };
    /// No faults.
    pub const NONE: FaultMix = FaultMix {
        down: false,
        flap: false,
        mass: false,
        taint: false,
        scale: false,
        unhealthy: false,
    };
}

/// A fault list that cannot be parsed.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
#[error(
    "unknown fault {0:?}: expected all, none or a comma-separated list of down, flap, mass, taint, scale, unhealthy"
)]
pub struct FaultMixError(pub String);

impl FromStr for FaultMix {
    type Err = FaultMixError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut mix = FaultMix::NONE;
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            match word {
                "all" => mix = FaultMix::ALL,
                "none" => mix = FaultMix::NONE,
                "down" => mix.down = true,
                "flap" => mix.flap = true,
                "mass" => mix.mass = true,
                "taint" => mix.taint = true,
                "scale" => mix.scale = true,
                "unhealthy" => mix.unhealthy = true,
                other => return Err(FaultMixError(other.to_string())),
            }
        }
        Ok(mix)
    }
}

/// The failover switches the simulated control plane runs with (failover.md F-2, F-64).
#[derive(Clone, Debug, PartialEq)]
pub struct Switches {
    /// Feature gate `Failover`.
    pub failover_gate: bool,
    /// `--enable-no-execute-taint-eviction`.
    pub no_execute_eviction: bool,
    /// `--resource-eviction-rate` (evictions per second; 0 = one per 30 minutes).
    pub eviction_rate_per_s: f64,
    /// Gate `StatefulFailoverInjection`.
    pub stateful_failover_injection: bool,
    /// `--failover-partial-placement` (D-10).
    pub partial_placement: bool,
    /// `--graceful-eviction-timeout` in seconds.
    pub graceful_eviction_timeout_s: i64,
}

impl Default for Switches {
    /// The playground's failover switches on (FD-1), plus gate `StatefulFailoverInjection` (off
    /// in Karmada and in the playground) so that simulations exercise state injection (F-46);
    /// the CI seeds also run with it off.
    fn default() -> Self {
        Switches {
            failover_gate: true,
            no_execute_eviction: true,
            eviction_rate_per_s: 0.5,
            stateful_failover_injection: true,
            partial_placement: false,
            graceful_eviction_timeout_s: 600,
        }
    }
}

/// One simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// The seed: the same seed replays identically.
    pub seed: u64,
    /// Member clusters.
    pub clusters: usize,
    /// Bindings (a tenth of them ClusterResourceBindings).
    pub bindings: usize,
    /// Simulated time (seconds).
    pub duration_s: i64,
    /// Faults to inject.
    pub faults: FaultMix,
    /// Failover switches.
    pub switches: Switches,
    /// Length of one step (milliseconds).
    pub tick_ms: i64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 1,
            clusters: 8,
            bindings: 40,
            duration_s: 3_600,
            faults: FaultMix::ALL,
            switches: Switches::default(),
            tick_ms: 1_000,
        }
    }
}

/// Parses durations such as `90`, `90s`, `15m`, `2h`.
pub fn parse_duration_s(text: &str) -> Result<i64, String> {
    let (digits, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (e.g. 90s, 15m, 2h)"))?;
    match unit {
        "" | "s" => Ok(n),
        "m" => Ok(n * 60),
        "h" => Ok(n * 3_600),
        _ => Err(format!("{text:?} is not a duration (e.g. 90s, 15m, 2h)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fault_mixes_and_durations() {
        assert_eq!("all".parse::<FaultMix>().unwrap(), FaultMix::ALL);
        let m: FaultMix = "down, mass".parse().unwrap();
        assert!(m.down && m.mass && !m.flap);
        assert!("lightning".parse::<FaultMix>().is_err());
        assert_eq!(parse_duration_s("15m"), Ok(900));
        assert_eq!(parse_duration_s("2h"), Ok(7200));
        assert_eq!(parse_duration_s("45"), Ok(45));
        assert!(parse_duration_s("soon").is_err());
    }
}
