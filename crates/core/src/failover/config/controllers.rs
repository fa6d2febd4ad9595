//! `--controllers` (failover.md F-63): which controllers run. Default `*`; `name` enables one,
//! `-name` disables one, `*` means "every controller that is on by default". As in Kubernetes,
//! the first entry that mentions a controller decides, then `*`.
//!
//! Owns: the controller names and the selection rule. Must not: start controllers.

use std::fmt;
use std::str::FromStr;

use super::ConfigError;

/// A Flotilla controller that takes part in failover (Karmada names, all on by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Controller {
    /// Cluster controller: monitor, NoSchedule taints, and the taint manager when F-2 allows.
    Cluster,
    /// Push-mode probing (`clusterStatus`).
    ClusterStatus,
    /// ClusterTaintPolicy controller (also needs gate `Failover`).
    ClusterTaintPolicy,
    /// Graceful eviction controllers (RB and CRB).
    GracefulEviction,
    /// Application failover controllers (RB and CRB).
    ApplicationFailover,
    /// Binding controller (Works from bindings).
    Binding,
    /// Binding status controller.
    BindingStatus,
    /// Execution controller (Works to members).
    Execution,
    /// Work status controller.
    WorkStatus,
}

impl Controller {
    /// Every controller, in F-63 order.
    pub const ALL: [Controller; 9] = [
        Controller::Cluster,
        Controller::ClusterStatus,
        Controller::ClusterTaintPolicy,
        Controller::GracefulEviction,
        Controller::ApplicationFailover,
        Controller::Binding,
        Controller::BindingStatus,
        Controller::Execution,
        Controller::WorkStatus,
    ];

    /// The name used in `--controllers`.
    pub fn name(self) -> &'static str {
        match self {
            Controller::Cluster => "cluster",
            Controller::ClusterStatus => "clusterStatus",
            Controller::ClusterTaintPolicy => "clustertaintpolicy",
            Controller::GracefulEviction => "gracefulEviction",
            Controller::ApplicationFailover => "applicationFailover",
            Controller::Binding => "binding",
            Controller::BindingStatus => "bindingStatus",
            Controller::Execution => "execution",
            Controller::WorkStatus => "workStatus",
        }
    }

    /// Looks a controller up by its exact name.
    pub fn from_name(name: &str) -> Option<Controller> {
        Controller::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl fmt::Display for Controller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Karmada controllers Flotilla does not have. Naming them is accepted (Karmada command lines
/// keep working) and reported by [`ControllerSelection::warnings`].
pub const KARMADA_ONLY_CONTROLLERS: &[&str] = &[
    "namespace",
    "serviceExport",
    "endpointSlice",
    "serviceImport",
    "unifiedAuth",
    "federatedResourceQuotaSync",
    "federatedResourceQuotaStatus",
    "federatedHorizontalPodAutoscaler",
    "cronFederatedHorizontalPodAutoscaler",
    "hpaScaleTargetMarker",
    "deploymentReplicasSyncer",
    "multiclusterservice",
    "endpointsliceCollect",
    "endpointsliceDispatch",
    "remedy",
    "workloadRebalancer",
    "agentcsrapproving",
];

/// A parsed `--controllers` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControllerSelection {
    entries: Vec<String>,
}

impl ControllerSelection {
    /// The entries as given (blanks trimmed, empty items dropped).
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Is `controller` enabled? The first entry naming it (`name` or `-name`) decides;
    /// otherwise it is enabled iff `*` is present (all Flotilla controllers are on by default).
    pub fn is_enabled(&self, controller: Controller) -> bool {
        let name = controller.name();
        let mut star = false;
        for entry in &self.entries {
            match entry.strip_prefix('-') {
                Some(disabled) if disabled == name => return false,
                None if entry == name => return true,
                None if entry == "*" => star = true,
                _ => {}
            }
        }
        star
    }

    /// The enabled controllers, in [`Controller::ALL`] order.
    pub fn enabled(&self) -> Vec<Controller> {
        Controller::ALL
            .into_iter()
            .filter(|c| self.is_enabled(*c))
            .collect()
    }

    /// Entries that name no Flotilla controller: Karmada-only ones (ignored) and unknown ones
    /// (ignored, as Karmada does, but probably a typo).
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for entry in &self.entries {
            let name = entry.strip_prefix('-').unwrap_or(entry);
            if name == "*" || Controller::from_name(name).is_some() {
                continue;
            }
            if KARMADA_ONLY_CONTROLLERS.contains(&name) {
                out.push(format!(
                    "--controllers: {name:?} is a Karmada controller that Flotilla does not \
                     have; ignored"
                ));
            } else {
                out.push(format!(
                    "--controllers: unknown controller {name:?} ignored (known: {})",
                    known_names()
                ));
            }
        }
        out
    }
}

impl Default for ControllerSelection {
    /// `*`.
    fn default() -> Self {
        Self {
            entries: vec!["*".to_string()],
        }
    }
}

impl FromStr for ControllerSelection {
    type Err = ConfigError;

    /// Comma-separated entries. An empty value selects nothing. `-`, `-*` and names with
    /// blanks inside are errors.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut entries = Vec::new();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let name = item.strip_prefix('-').unwrap_or(item);
            let reason = if name.is_empty() {
                Some("a controller name must follow '-'")
            } else if item == "-*" {
                Some("'*' cannot be disabled; list the controllers to disable instead")
            } else if name.chars().any(char::is_whitespace) || name.starts_with('-') {
                Some("not a controller name")
            } else {
                None
            };
            if let Some(reason) = reason {
                return Err(ConfigError::InvalidControllerEntry {
                    entry: item.into(),
                    reason,
                });
            }
            entries.push(item.to_string());
        }
        Ok(Self { entries })
    }
}

impl fmt::Display for ControllerSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.entries.join(","))
    }
}

fn known_names() -> String {
    Controller::ALL.map(Controller::name).join(", ")
}
