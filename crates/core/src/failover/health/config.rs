//! Health-detection settings named after Karmada's flags, with Karmada's defaults (failover.md
//! F-11, F-64; F-8 for the agent's Lease flags).
//!
//! Owns: the values and their validation. Must not: parse command lines — the global
//! configuration embeds [`HealthConfig`] and maps flags onto its fields.

use thiserror::Error;

/// Timing of probing, damping, the Pull monitor and the agent Lease. All durations are whole
/// seconds unless the name says otherwise. `Default` gives Karmada's defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct HealthConfig {
    /// `--cluster-status-update-frequency` (10s, controller-manager and agent): wait after a
    /// successful probe pass before the next one. Must be > 0.
    pub cluster_status_update_frequency_s: u64,
    /// `--cluster-failure-threshold` (30s): how long a change from `True` to not-`True` must be
    /// observed continuously before it is published (F-6).
    pub cluster_failure_threshold_s: u64,
    /// `--cluster-success-threshold` (30s): the same for a change to `True`.
    pub cluster_success_threshold_s: u64,
    /// `--cluster-monitor-period` (5s): how often the cluster controller visits all Clusters
    /// (F-9). Must be > 0.
    pub cluster_monitor_period_s: u64,
    /// `--cluster-monitor-grace-period` (40s): silence tolerated from a Pull cluster that has a
    /// Ready condition. Must be > 0.
    pub cluster_monitor_grace_period_s: u64,
    /// `--cluster-startup-grace-period` (60s): silence tolerated from a Pull cluster that has
    /// never posted Ready. Must be > 0.
    pub cluster_startup_grace_period_s: u64,
    /// Agent `--cluster-lease-duration` (40s): the Lease's `leaseDurationSeconds` (F-8).
    pub cluster_lease_duration_s: u64,
    /// Agent `--cluster-lease-renew-interval-fraction` (0.25): the Lease is renewed every
    /// `duration × fraction`.
    pub cluster_lease_renew_interval_fraction: f64,
    /// Member client timeout (32s, hard-coded in Karmada): how long one probe may take (F-4).
    pub member_client_timeout_s: u64,
    /// Monitor status-write retries (5, hard-coded in Karmada; F-9 step 5).
    pub monitor_write_retries: u32,
    /// Pause between monitor status-write retries in milliseconds (20, hard-coded in Karmada).
    pub monitor_write_retry_interval_ms: u64,
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            cluster_status_update_frequency_s: 10,
            cluster_failure_threshold_s: 30,
            cluster_success_threshold_s: 30,
            cluster_monitor_period_s: 5,
            cluster_monitor_grace_period_s: 40,
            cluster_startup_grace_period_s: 60,
            cluster_lease_duration_s: 40,
            cluster_lease_renew_interval_fraction: 0.25,
            member_client_timeout_s: 32,
            monitor_write_retries: 5,
            monitor_write_retry_interval_ms: 20,
        }
    }
}

/// A [`HealthConfig`] value that Karmada (or Flotilla) refuses.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum HealthConfigError {
    /// A duration flag that must be positive is zero. Carries the flag name.
    #[error("{0} must be greater than 0")]
    NotPositive(&'static str),
    /// The Lease renew fraction is not in (0, 1]: the renewer would spin or let the Lease lapse.
    /// Karmada does not check this; Flotilla does, since no such value can work.
    #[error("--cluster-lease-renew-interval-fraction must be in (0, 1], got {0}")]
    RenewFraction(f64),
}

impl HealthConfig {
    /// Checks the values: the `> 0` rules of F-11/F-64, plus a usable Lease (F-8).
    pub fn validate(&self) -> Result<(), HealthConfigError> {
        let positive = [
            (
                self.cluster_status_update_frequency_s,
                "--cluster-status-update-frequency",
            ),
            (self.cluster_monitor_period_s, "--cluster-monitor-period"),
            (
                self.cluster_monitor_grace_period_s,
                "--cluster-monitor-grace-period",
            ),
            (
                self.cluster_startup_grace_period_s,
                "--cluster-startup-grace-period",
            ),
            (self.cluster_lease_duration_s, "--cluster-lease-duration"),
        ];
        if let Some((_, flag)) = positive.iter().find(|(v, _)| *v == 0) {
            return Err(HealthConfigError::NotPositive(flag));
        }
        let f = self.cluster_lease_renew_interval_fraction;
        if !(f > 0.0 && f <= 1.0) {
            return Err(HealthConfigError::RenewFraction(f));
        }
        Ok(())
    }

    /// How often the agent renews its Lease, in milliseconds: `duration × fraction` (10 000 with
    /// the defaults).
    pub fn lease_renew_interval_ms(&self) -> u64 {
        let ms = self.cluster_lease_duration_s as f64 * 1000.0;
        (ms * self.cluster_lease_renew_interval_fraction).round() as u64
    }

    /// The damping threshold for an observation (F-6 step 4): the success threshold when the
    /// observation is `True`, the failure threshold otherwise.
    pub fn threshold_s(&self, observed_true: bool) -> u64 {
        if observed_true {
            self.cluster_success_threshold_s
        } else {
            self.cluster_failure_threshold_s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// F-11 / F-64: Karmada's defaults.
    #[test]
    fn f11_defaults_are_karmadas() {
        let c = HealthConfig::default();
        assert_eq!(c.cluster_status_update_frequency_s, 10);
        assert_eq!(c.cluster_failure_threshold_s, 30);
        assert_eq!(c.cluster_success_threshold_s, 30);
        assert_eq!(c.cluster_monitor_period_s, 5);
        assert_eq!(c.cluster_monitor_grace_period_s, 40);
        assert_eq!(c.cluster_startup_grace_period_s, 60);
        assert_eq!(c.cluster_lease_duration_s, 40);
        assert_eq!(c.lease_renew_interval_ms(), 10_000);
        assert_eq!(c.member_client_timeout_s, 32);
        assert_eq!(
            (c.monitor_write_retries, c.monitor_write_retry_interval_ms),
            (5, 20)
        );
        assert_eq!(c.validate(), Ok(()));
    }

    /// F-11: the `> 0` rules; thresholds may be zero (no damping).
    #[test]
    fn f11_validation() {
        type Edit = fn(&mut HealthConfig);
        let cases: Vec<(Edit, Result<(), HealthConfigError>)> = vec![
            (
                |c| c.cluster_status_update_frequency_s = 0,
                Err(HealthConfigError::NotPositive(
                    "--cluster-status-update-frequency",
                )),
            ),
            (
                |c| c.cluster_monitor_period_s = 0,
                Err(HealthConfigError::NotPositive("--cluster-monitor-period")),
            ),
            (
                |c| c.cluster_monitor_grace_period_s = 0,
                Err(HealthConfigError::NotPositive(
                    "--cluster-monitor-grace-period",
                )),
            ),
            (
                |c| c.cluster_startup_grace_period_s = 0,
                Err(HealthConfigError::NotPositive(
                    "--cluster-startup-grace-period",
                )),
            ),
            (|c| c.cluster_failure_threshold_s = 0, Ok(())),
            (|c| c.cluster_success_threshold_s = 0, Ok(())),
            (
                |c| c.cluster_lease_renew_interval_fraction = 0.0,
                Err(HealthConfigError::RenewFraction(0.0)),
            ),
        ];
        for (i, (edit, expected)) in cases.into_iter().enumerate() {
            let mut c = HealthConfig::default();
            edit(&mut c);
            assert_eq!(c.validate(), expected, "case {i}");
        }
        assert_eq!(
            HealthConfigError::NotPositive("--cluster-monitor-period").to_string(),
            "--cluster-monitor-period must be greater than 0"
        );
    }
}
