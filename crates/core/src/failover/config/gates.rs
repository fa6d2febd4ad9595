//! Feature gates of karmada-controller-manager (failover.md F-62) and the `--feature-gates`
//! syntax (`Name=bool,Name=bool`, Kubernetes component-base semantics).
//!
//! Owns: the gate list with stages and defaults, parsing and lookup. Must not: decide what a
//! gate changes (each controller asks).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::ConfigError;

/// Maturity of a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Off by default, may change without notice.
    Alpha,
    /// Usually on by default (`Failover` is the exception).
    Beta,
}

impl Stage {
    /// `ALPHA` / `BETA`, as Kubernetes prints stages.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Alpha => "ALPHA",
            Stage::Beta => "BETA",
        }
    }
}

/// A karmada-controller-manager feature gate (Karmada v1.19 names, stages and defaults).
/// Flotilla acts on `Failover`, `GracefulEviction`, `StatefulFailoverInjection`,
/// `PropagateDeps` and `CustomizedClusterResourceModeling`; the others are accepted so that
/// Karmada command lines keep working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gate {
    /// Beta, off: registers the taint manager and the ClusterTaintPolicy controller (F-2).
    Failover,
    /// Beta, on: application failover with `Gracefully` fails when off (F-58).
    GracefulEviction,
    /// Beta, on: dependency propagation.
    PropagateDeps,
    /// Beta, on: cluster resource modeling used by the scheduler.
    CustomizedClusterResourceModeling,
    /// Alpha, off: policy preemption.
    PropagationPolicyPreemption,
    /// Alpha, off: multi-cluster services.
    MultiClusterService,
    /// Alpha, off: ResourceQuota-aware estimation.
    ResourceQuotaEstimate,
    /// Alpha, off: state preservation and label injection (§7).
    StatefulFailoverInjection,
    /// Beta, on (promoted in v1.19): priority-ordered scheduling queue.
    PriorityBasedScheduling,
    /// Alpha, off: FederatedResourceQuota enforcement.
    FederatedQuotaEnforcement,
    /// Alpha, off: multiple pod templates per workload.
    MultiplePodTemplatesScheduling,
    /// Beta, on: controller priority queues.
    ControllerPriorityQueue,
    /// Alpha, off: workload affinity groups.
    WorkloadAffinity,
    /// Alpha, off: alpha logging options (component-base).
    LoggingAlphaOptions,
    /// Beta, on: beta logging options (component-base).
    LoggingBetaOptions,
    /// Beta, on: contextual logging (component-base).
    ContextualLogging,
}

impl Gate {
    /// Every gate, in declaration order.
    pub const ALL: [Gate; 16] = [
        Gate::Failover,
        Gate::GracefulEviction,
        Gate::PropagateDeps,
        Gate::CustomizedClusterResourceModeling,
        Gate::PropagationPolicyPreemption,
        Gate::MultiClusterService,
        Gate::ResourceQuotaEstimate,
        Gate::StatefulFailoverInjection,
        Gate::PriorityBasedScheduling,
        Gate::FederatedQuotaEnforcement,
        Gate::MultiplePodTemplatesScheduling,
        Gate::ControllerPriorityQueue,
        Gate::WorkloadAffinity,
        Gate::LoggingAlphaOptions,
        Gate::LoggingBetaOptions,
        Gate::ContextualLogging,
    ];

    /// The name written in `--feature-gates`.
    pub fn name(self) -> &'static str {
        self.spec().0
    }

    /// Stage.
    pub fn stage(self) -> Stage {
        self.spec().1
    }

    /// Default value.
    pub fn default_enabled(self) -> bool {
        self.spec().2
    }

    /// Looks a gate up by its exact (case-sensitive) name.
    pub fn from_name(name: &str) -> Option<Gate> {
        Gate::ALL.into_iter().find(|g| g.name() == name)
    }

    fn spec(self) -> (&'static str, Stage, bool) {
        use Stage::*;
        match self {
            Gate::Failover => ("Failover", Beta, false),
            Gate::GracefulEviction => ("GracefulEviction", Beta, true),
            Gate::PropagateDeps => ("PropagateDeps", Beta, true),
            Gate::CustomizedClusterResourceModeling => {
                ("CustomizedClusterResourceModeling", Beta, true)
            }
            Gate::PropagationPolicyPreemption => ("PropagationPolicyPreemption", Alpha, false),
            Gate::MultiClusterService => ("MultiClusterService", Alpha, false),
            Gate::ResourceQuotaEstimate => ("ResourceQuotaEstimate", Alpha, false),
            Gate::StatefulFailoverInjection => ("StatefulFailoverInjection", Alpha, false),
            Gate::PriorityBasedScheduling => ("PriorityBasedScheduling", Beta, true),
            Gate::FederatedQuotaEnforcement => ("FederatedQuotaEnforcement", Alpha, false),
            Gate::MultiplePodTemplatesScheduling => {
                ("MultiplePodTemplatesScheduling", Alpha, false)
            }
            Gate::ControllerPriorityQueue => ("ControllerPriorityQueue", Beta, true),
            Gate::WorkloadAffinity => ("WorkloadAffinity", Alpha, false),
            Gate::LoggingAlphaOptions => ("LoggingAlphaOptions", Alpha, false),
            Gate::LoggingBetaOptions => ("LoggingBetaOptions", Beta, true),
            Gate::ContextualLogging => ("ContextualLogging", Beta, true),
        }
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The pseudo-gate that sets every Alpha gate not named explicitly (Kubernetes).
pub const ALL_ALPHA: &str = "AllAlpha";
/// The pseudo-gate that sets every Beta gate not named explicitly (Kubernetes).
pub const ALL_BETA: &str = "AllBeta";

/// Gate values: Karmada's defaults plus what `--feature-gates` set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureGates {
    /// Values set explicitly (possibly equal to the default).
    set: BTreeMap<Gate, bool>,
}

impl FeatureGates {
    /// True if `gate` is on.
    pub fn enabled(&self, gate: Gate) -> bool {
        self.set
            .get(&gate)
            .copied()
            .unwrap_or(gate.default_enabled())
    }

    /// Sets one gate.
    pub fn set(&mut self, gate: Gate, enabled: bool) {
        self.set.insert(gate, enabled);
    }

    /// Applies one `--feature-gates` value on top of the current values (the flag may be
    /// repeated; later values win). Items are `Name=bool` separated by commas; blanks around
    /// items, names and values are ignored, empty items are skipped. Booleans follow Go
    /// (`true`, `True`, `TRUE`, `t`, `T`, `1` and the false forms). `AllAlpha=bool` and
    /// `AllBeta=bool` set every gate of that stage that the same value does not name. On error
    /// nothing is changed.
    pub fn apply(&mut self, value: &str) -> Result<(), ConfigError> {
        let mut explicit = BTreeMap::new();
        let mut stages = Vec::new();
        for item in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let Some((name, raw)) = item.split_once('=') else {
                return Err(ConfigError::MissingGateValue {
                    name: item.to_string(),
                });
            };
            let (name, raw) = (name.trim(), raw.trim());
            let bad = || ConfigError::InvalidGateValue {
                name: name.into(),
                value: raw.into(),
            };
            let on = parse_go_bool(raw).ok_or_else(bad)?;
            match (name, Gate::from_name(name)) {
                ("", _) => return Err(ConfigError::EmptyGateName { item: item.into() }),
                (ALL_ALPHA, _) => stages.push((Stage::Alpha, on)),
                (ALL_BETA, _) => stages.push((Stage::Beta, on)),
                (_, Some(gate)) => {
                    explicit.insert(gate, on);
                }
                (_, None) => return Err(ConfigError::UnknownFeatureGate { name: name.into() }),
            }
        }
        for (stage, on) in stages {
            for gate in Gate::ALL.into_iter().filter(|g| g.stage() == stage) {
                if !explicit.contains_key(&gate) {
                    self.set.insert(gate, on);
                }
            }
        }
        self.set.extend(explicit);
        Ok(())
    }

    /// Gates whose value differs from the default, as a `--feature-gates` value
    /// (`Name=bool,…` in name order); empty when everything is default.
    pub fn to_flag_value(&self) -> String {
        let mut items: Vec<String> = Gate::ALL
            .into_iter()
            .filter(|g| self.enabled(*g) != g.default_enabled())
            .map(|g| format!("{}={}", g.name(), self.enabled(g)))
            .collect();
        items.sort();
        items.join(",")
    }
}

impl FromStr for FeatureGates {
    type Err = ConfigError;

    /// Karmada's defaults with one `--feature-gates` value applied.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut gates = FeatureGates::default();
        gates.apply(s)?;
        Ok(gates)
    }
}

impl fmt::Display for FeatureGates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_flag_value())
    }
}

/// Go's `strconv.ParseBool`: `1 t T TRUE true True` and `0 f F FALSE false False`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}
