//! One typed configuration for failover (failover.md §10: F-62 … F-65) with Karmada's names and
//! defaults (decisions.md FD-1), Flotilla's own flags (`--failover-partial-placement` D-10,
//! `--keep-preserved-state-until-dispatch` FD-8, `--concurrent-binding-eviction-syncs` FD-11),
//! their validation, the refused legacy switches and the local playground preset.
//!
//! Durations are `f64` seconds in fields named `*_s` (Go duration text is parsed by
//! [`parse_duration_s`]). Argument parsing with clap happens in the binary: it can forward
//! each value to [`FailoverConfig::set_flag`] (or use the `FromStr` types), then call
//! [`FailoverConfig::validate`], which returns every error at once.
//!
//! Owns: flag names, defaults, syntax and validation, and the switches derived from them
//! (is the taint manager registered, effective purge mode, pacer rate, retry back-off).
//! Must not: read the environment, files or the clock, or start anything.

mod controllers;
mod flags;
mod gates;

#[cfg(test)]
mod tests;

pub use controllers::{Controller, ControllerSelection, KARMADA_ONLY_CONTROLLERS};
pub use flags::{
    Component, FLAGS, FlagInfo, FlagKind, Origin, REMOVED_FLAGS, RemovedFlag, flag_info,
    format_duration_s, parse_duration_s, reject_removed_flag,
};
pub use gates::{ALL_ALPHA, ALL_BETA, FeatureGates, Gate, Stage, parse_go_bool};

use flotilla_api::types::PurgeMode;

use super::pacer::{EvictionRate, PacerError, RetryBackoff};

/// Taint-manager cluster resync while a NoExecute taint is present (F-19; hard-coded).
pub const TAINT_MANAGER_RESYNC_S: u64 = 10;
/// Recheck while a Directly Work is terminating (F-32; hard-coded).
pub const DIRECTLY_TERMINATING_RECHECK_S: u64 = 5;
/// Cleanup recheck on Cluster deletion (F-64; hard-coded).
pub const CLUSTER_DELETION_RECHECK_S: u64 = 10;
/// Monitor status-write attempts (F-64; hard-coded).
pub const MONITOR_WRITE_RETRIES: u32 = 5;
/// Pause between monitor status-write attempts (F-64; hard-coded).
pub const MONITOR_WRITE_RETRY_INTERVAL_MS: u64 = 20;
/// Member client timeout, which bounds one probe (F-11; hard-coded).
pub const MEMBER_CLIENT_TIMEOUT_S: u64 = 32;

/// The switches the local playground (`flotilla up`) turns on, as it should print them (FD-1).
pub const PLAYGROUND_SWITCHES: [&str; 3] = [
    "--feature-gates=Failover=true",
    "--enable-no-execute-taint-eviction=true",
    "--allow-no-execute-taint-policy=true",
];

/// A configuration error. Flag names are given without the leading `--`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// `--feature-gates` names a gate that does not exist (names are case-sensitive).
    #[error("--feature-gates: unrecognized feature gate {name:?}")]
    UnknownFeatureGate {
        /// The name given.
        name: String,
    },
    /// `--feature-gates` item without `=bool`.
    #[error("--feature-gates: missing bool value for {name:?} (write {name}=true or {name}=false)")]
    MissingGateValue {
        /// The item given.
        name: String,
    },
    /// `--feature-gates` item whose value is not a Go boolean.
    #[error("--feature-gates: invalid value of {name}={value:?}: want true or false")]
    InvalidGateValue {
        /// Gate name.
        name: String,
        /// The value given.
        value: String,
    },
    /// `--feature-gates` item with an empty name (`=true`).
    #[error("--feature-gates: missing gate name in {item:?}")]
    EmptyGateName {
        /// The item given.
        item: String,
    },
    /// `--controllers` entry that cannot be a controller name.
    #[error("--controllers: invalid entry {entry:?}: {reason}")]
    InvalidControllerEntry {
        /// The entry given.
        entry: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A value that is not a Go boolean.
    #[error("--{flag}: invalid boolean {value:?}: want true or false")]
    InvalidBool {
        /// Flag name.
        flag: &'static str,
        /// The value given.
        value: String,
    },
    /// A value that is not a number of the flag's type.
    #[error("--{flag}: invalid number {value:?}")]
    InvalidNumber {
        /// Flag name.
        flag: &'static str,
        /// The value given.
        value: String,
    },
    /// A value that is not a Go duration.
    #[error("--{flag}: invalid duration {value:?}: {reason}")]
    InvalidDuration {
        /// Flag name.
        flag: &'static str,
        /// The value given.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// A value that must be greater than zero (F-64).
    #[error("--{flag} must be greater than 0, got {value}")]
    NotPositive {
        /// Flag name.
        flag: &'static str,
        /// The value, as text.
        value: String,
    },
    /// A NaN or infinite duration.
    #[error("--{flag} must be a finite duration, got {value}")]
    NotFinite {
        /// Flag name.
        flag: &'static str,
        /// The value, as text.
        value: String,
    },
    /// An invalid `--resource-eviction-rate` (F-64: a number `>= 0`).
    #[error(transparent)]
    EvictionRate(#[from] PacerError),
    /// `--no-execute-taint-eviction-purge-mode` other than Directly/Gracefully while eviction
    /// is enabled (F-26, F-64).
    #[error(
        "--no-execute-taint-eviction-purge-mode: {value:?} is not supported; use Directly or \
         Gracefully"
    )]
    InvalidPurgeMode {
        /// The value given.
        value: String,
    },
    /// A switch Karmada removed or never had (F-65).
    #[error("--{flag} is not supported: {message}")]
    RemovedFlag {
        /// Flag name.
        flag: &'static str,
        /// What to use instead.
        message: &'static str,
    },
    /// A flag name that is not a failover flag.
    #[error("unknown flag --{flag}")]
    UnknownFlag {
        /// The name given.
        flag: String,
    },
    /// A non-boolean flag at the end of the arguments without a value.
    #[error("--{flag} needs a value")]
    MissingValue {
        /// Flag name.
        flag: String,
    },
    /// An argument that is not a `--flag`.
    #[error("unexpected argument {arg:?}")]
    UnexpectedArgument {
        /// The argument.
        arg: String,
    },
}

/// The failover configuration of `flotilla controller-manager` and `flotilla apiserver`.
/// `Default` is Karmada's defaults: failover off (FD-1).
#[derive(Debug, Clone, PartialEq)]
pub struct FailoverConfig {
    /// `--feature-gates` (F-62).
    pub feature_gates: FeatureGates,
    /// `--controllers` (F-63), default `*`.
    pub controllers: ControllerSelection,
    /// `--cluster-status-update-frequency`, 10 s, must be > 0.
    pub cluster_status_update_frequency_s: f64,
    /// `--cluster-failure-threshold`, 30 s.
    pub cluster_failure_threshold_s: f64,
    /// `--cluster-success-threshold`, 30 s.
    pub cluster_success_threshold_s: f64,
    /// `--cluster-monitor-period`, 5 s, must be > 0.
    pub cluster_monitor_period_s: f64,
    /// `--cluster-monitor-grace-period`, 40 s, must be > 0.
    pub cluster_monitor_grace_period_s: f64,
    /// `--cluster-startup-grace-period`, 60 s, must be > 0.
    pub cluster_startup_grace_period_s: f64,
    /// `--enable-taint-manager`, true.
    pub enable_taint_manager: bool,
    /// `--enable-no-execute-taint-eviction`, false.
    pub enable_no_execute_taint_eviction: bool,
    /// `--no-execute-taint-eviction-purge-mode`, `Gracefully`; checked only when eviction is
    /// enabled.
    pub no_execute_taint_eviction_purge_mode: String,
    /// `--resource-eviction-rate`, 0.5 per second, must be >= 0 (FD-11 semantics).
    pub resource_eviction_rate: f64,
    /// `--graceful-eviction-timeout`, 10 min.
    pub graceful_eviction_timeout_s: f64,
    /// `--rate-limiter-base-delay`, 5 ms (<= 0 means the default).
    pub rate_limiter_base_delay_s: f64,
    /// `--rate-limiter-max-delay`, 1000 s (<= 0 means the default).
    pub rate_limiter_max_delay_s: f64,
    /// `--rate-limiter-qps`, 10 (<= 0 means the default); not used for evictions (FD-11).
    pub rate_limiter_qps: i64,
    /// `--rate-limiter-bucket-size`, 100 (<= 0 means the default); not used for evictions.
    pub rate_limiter_bucket_size: i64,
    /// apiserver `--allow-no-execute-taint-policy`, false (karmada-webhook's flag).
    pub allow_no_execute_taint_policy: bool,
    /// `--failover-partial-placement`, false (D-10).
    pub failover_partial_placement: bool,
    /// `--keep-preserved-state-until-dispatch`, false (FD-8).
    pub keep_preserved_state_until_dispatch: bool,
    /// `--concurrent-binding-eviction-syncs`, 3, must be >= 1 (FD-11).
    pub concurrent_binding_eviction_syncs: u32,
}

impl Default for FailoverConfig {
    fn default() -> Self {
        Self {
            feature_gates: FeatureGates::default(),
            controllers: ControllerSelection::default(),
            cluster_status_update_frequency_s: 10.0,
            cluster_failure_threshold_s: 30.0,
            cluster_success_threshold_s: 30.0,
            cluster_monitor_period_s: 5.0,
            cluster_monitor_grace_period_s: 40.0,
            cluster_startup_grace_period_s: 60.0,
            enable_taint_manager: true,
            enable_no_execute_taint_eviction: false,
            no_execute_taint_eviction_purge_mode: "Gracefully".into(),
            resource_eviction_rate: 0.5,
            graceful_eviction_timeout_s: 600.0,
            rate_limiter_base_delay_s: 0.005,
            rate_limiter_max_delay_s: 1000.0,
            rate_limiter_qps: 10,
            rate_limiter_bucket_size: 100,
            allow_no_execute_taint_policy: false,
            failover_partial_placement: false,
            keep_preserved_state_until_dispatch: false,
            concurrent_binding_eviction_syncs: 3,
        }
    }
}

impl FailoverConfig {
    /// The local playground (`flotilla up`, FD-1): Karmada's defaults plus
    /// [`PLAYGROUND_SWITCHES`] — gate `Failover`, `--enable-no-execute-taint-eviction` and
    /// `--allow-no-execute-taint-policy` on. Everything else (purge mode `Gracefully`, rate 0.5)
    /// stays default.
    pub fn playground() -> Self {
        let mut config = Self::default();
        config.feature_gates.set(Gate::Failover, true);
        config.enable_no_execute_taint_eviction = true;
        config.allow_no_execute_taint_policy = true;
        config
    }

    /// What the playground should print about the switches it turned on.
    pub fn playground_notice() -> String {
        format!(
            "cluster failover is ON in this playground: {} (Karmada, `flotilla \
             controller-manager` and `flotilla apiserver` keep them off by default); purge mode \
             Gracefully, eviction rate 0.5/s",
            PLAYGROUND_SWITCHES.join(" ")
        )
    }

    /// Checks every value (F-64 plus Flotilla's flags) and returns all errors at once.
    pub fn validate(&self) -> Result<(), Vec<ConfigError>> {
        let mut errors = self.duration_errors();
        if let Err(e) = EvictionRate::new(self.resource_eviction_rate) {
            errors.push(e.into());
        }
        if self.enable_no_execute_taint_eviction && self.purge_mode_flag().is_none() {
            let value = self.no_execute_taint_eviction_purge_mode.clone();
            errors.push(ConfigError::InvalidPurgeMode { value });
        }
        if self.concurrent_binding_eviction_syncs == 0 {
            let flag = "concurrent-binding-eviction-syncs";
            errors.push(ConfigError::NotPositive {
                flag,
                value: "0".into(),
            });
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Durations must be finite; those F-64 marks "> 0" must be positive.
    fn duration_errors(&self) -> Vec<ConfigError> {
        let durations = [
            (
                "cluster-status-update-frequency",
                self.cluster_status_update_frequency_s,
                true,
            ),
            (
                "cluster-failure-threshold",
                self.cluster_failure_threshold_s,
                false,
            ),
            (
                "cluster-success-threshold",
                self.cluster_success_threshold_s,
                false,
            ),
            (
                "cluster-monitor-period",
                self.cluster_monitor_period_s,
                true,
            ),
            (
                "cluster-monitor-grace-period",
                self.cluster_monitor_grace_period_s,
                true,
            ),
            (
                "cluster-startup-grace-period",
                self.cluster_startup_grace_period_s,
                true,
            ),
            (
                "graceful-eviction-timeout",
                self.graceful_eviction_timeout_s,
                false,
            ),
        ];
        let mut errors = Vec::new();
        for (flag, value, positive) in durations {
            let text = format_duration_s(value);
            if !value.is_finite() {
                errors.push(ConfigError::NotFinite { flag, value: text });
            } else if positive && value <= 0.0 {
                errors.push(ConfigError::NotPositive { flag, value: text });
            }
        }
        errors
    }

    /// Valid but probably unintended combinations (additive observability; Karmada is silent).
    pub fn warnings(&self) -> Vec<String> {
        let no_effect = |flag: &str, why: &str| format!("--{flag} has no effect: {why}");
        let mut out = Vec::new();
        let evict = "enable-no-execute-taint-eviction";
        if self.enable_no_execute_taint_eviction {
            if !self.feature_gates.enabled(Gate::Failover) {
                out.push(no_effect(evict, "the Failover feature gate is off"));
            } else if !self.enable_taint_manager {
                out.push(no_effect(evict, "--enable-taint-manager=false"));
            } else if !self.controllers.is_enabled(Controller::Cluster) {
                out.push(no_effect(evict, "the cluster controller is disabled"));
            }
        } else if self.purge_mode_flag().is_none() {
            out.push(format!(
                "--no-execute-taint-eviction-purge-mode={:?} is not checked while eviction is off \
                 and means Gracefully",
                self.no_execute_taint_eviction_purge_mode
            ));
        }
        let stateful = self.feature_gates.enabled(Gate::StatefulFailoverInjection);
        if self.keep_preserved_state_until_dispatch && !stateful {
            out.push(no_effect(
                "keep-preserved-state-until-dispatch",
                "the StatefulFailoverInjection feature gate is off",
            ));
        }
        out.extend(self.controllers.warnings());
        out
    }

    /// The taint manager is registered (F-2, F-18, F-63): gate `Failover`,
    /// `--enable-taint-manager` and the `cluster` controller.
    pub fn taint_manager_registered(&self) -> bool {
        self.feature_gates.enabled(Gate::Failover)
            && self.enable_taint_manager
            && self.controllers.is_enabled(Controller::Cluster)
    }

    /// NoExecute taints evict (F-18): the taint manager is registered and
    /// `--enable-no-execute-taint-eviction` is on.
    pub fn no_execute_eviction_enabled(&self) -> bool {
        self.taint_manager_registered() && self.enable_no_execute_taint_eviction
    }

    /// The ClusterTaintPolicy controller runs (F-2): gate `Failover` and its controller.
    pub fn cluster_taint_policy_controller_runs(&self) -> bool {
        self.feature_gates.enabled(Gate::Failover)
            && self.controllers.is_enabled(Controller::ClusterTaintPolicy)
    }

    /// The purge mode for bindings without `spec.failover.cluster` (F-26 step 2): `Directly`
    /// (or its legacy name `Immediately`, FD-7) gives Directly, any other value Gracefully.
    pub fn default_purge_mode(&self) -> PurgeMode {
        match self.purge_mode_flag() {
            Some(PurgeMode::Directly) => PurgeMode::Directly,
            _ => PurgeMode::Gracefully,
        }
    }

    /// The pacer's rate (FD-11), or the validation error.
    pub fn eviction_rate(&self) -> Result<EvictionRate, ConfigError> {
        Ok(EvictionRate::new(self.resource_eviction_rate)?)
    }

    /// The per-key retry back-off of eviction errors (F-53; values <= 0 fall back).
    pub fn retry_backoff(&self) -> RetryBackoff {
        RetryBackoff::new(
            self.rate_limiter_base_delay_s,
            self.rate_limiter_max_delay_s,
        )
    }

    /// `--rate-limiter-qps` after the `<= 0` fallback (F-64).
    pub fn effective_rate_limiter_qps(&self) -> i64 {
        if self.rate_limiter_qps > 0 {
            self.rate_limiter_qps
        } else {
            10
        }
    }

    /// `--rate-limiter-bucket-size` after the `<= 0` fallback (F-64).
    pub fn effective_rate_limiter_bucket_size(&self) -> i64 {
        if self.rate_limiter_bucket_size > 0 {
            self.rate_limiter_bucket_size
        } else {
            100
        }
    }

    /// The flag's purge mode when it is a supported name (FD-7 aliases accepted).
    fn purge_mode_flag(&self) -> Option<PurgeMode> {
        match PurgeMode::normalize_name(&self.no_execute_taint_eviction_purge_mode) {
            "Directly" => Some(PurgeMode::Directly),
            "Gracefully" => Some(PurgeMode::Gracefully),
            _ => None,
        }
    }
}
