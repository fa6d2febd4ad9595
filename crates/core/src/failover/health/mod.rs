//! Cluster health detection (failover.md §2, F-3 … F-11, with decisions.md FD-2, FD-3, FD-15):
//! what a probe observed, how the observation is damped, what a probe pass writes, the Pull-mode
//! cluster monitor, and the system `NoSchedule` taints derived from `Ready`.
//!
//! Owns: every health decision as a pure function of the Cluster, the probe outcome, the
//! caller-owned in-memory state ([`DampingState`], [`MonitorState`]) and `now`. Must not: probe
//! members, read the clock, sleep or write objects — HTTP, Lease renewal and status writes are the
//! runtime's; wake-ups are returned as `requeue_after_s`.
//!
//! Restart behaviour (FD-15): both state structs live in memory only. After a restart or a leader
//! change the first observation of each cluster is published undamped (F-6 step 1), and the
//! monitor re-arms its grace periods from the first visit (F-9).

mod config;
mod damping;
mod monitor;
mod probe;
mod system_taints;
mod write;

#[cfg(test)]
mod timeline_tests;

pub use config::{HealthConfig, HealthConfigError};
pub use damping::{DampingRecord, DampingState, Published, damp};
pub use monitor::{
    AgentLease, MonitorDecision, MonitorRecord, MonitorState, agent_lease, monitor_cluster,
};
pub use probe::{
    HttpReply, ProbeEligibility, ProbeHealth, ProbeOutcome, control_plane_probes, observed_ready,
};
pub use system_taints::{TaintUpdate, system_taints, taint_write_failed, taints_message};
pub use write::{
    ApiEnablementsCompleteness, CollectedStatus, ProbePlan, ProbeWrite, decide_probe, full_status,
    plan_probe_write,
};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::{SignedDuration, Timestamp};

/// `t + seconds`, saturating at the largest representable instant.
pub(crate) fn plus_s(t: &Time, seconds: u64) -> Timestamp {
    let secs = i64::try_from(seconds).unwrap_or(i64::MAX);
    t.0.checked_add(SignedDuration::from_secs(secs))
        .unwrap_or(Timestamp::MAX)
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Small builders shared by the health tests.

    use flotilla_api::constants::conditions;
    use flotilla_api::kinds::Cluster;
    use flotilla_api::types::{
        ClusterSpec, ClusterStatus, Condition, ConditionStatus, LocalSecretReference, SyncMode,
    };
    use k8s_openapi::api::core::v1::Taint;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
    use k8s_openapi::jiff::Timestamp;

    /// An instant `s` seconds after a fixed origin (T = 0).
    pub fn at(s: i64) -> Time {
        Time(Timestamp::from_second(1_800_000_000 + s).unwrap())
    }

    /// A Ready condition.
    pub fn ready(status: ConditionStatus, reason: &str, since_s: i64) -> Condition {
        Condition {
            type_: conditions::READY.into(),
            status,
            observed_generation: None,
            last_transition_time: at(since_s),
            reason: reason.into(),
            message: String::new(),
        }
    }

    /// A Push (or Pull) cluster with a secret, the finalizer, and optional conditions.
    pub fn cluster(name: &str, mode: SyncMode, conditions: Vec<Condition>) -> Cluster {
        let mut c = Cluster::new(
            name,
            ClusterSpec {
                sync_mode: mode,
                secret_ref: Some(LocalSecretReference {
                    namespace: "karmada-cluster".into(),
                    name: name.into(),
                }),
                ..Default::default()
            },
        );
        c.metadata.creation_timestamp = Some(at(-3600));
        c.metadata.finalizers = Some(vec![
            flotilla_api::constants::finalizers::CLUSTER_CONTROLLER.into(),
        ]);
        c.status = Some(ClusterStatus {
            conditions,
            ..Default::default()
        });
        c
    }

    /// A taint without value or time.
    pub fn taint(key: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: None,
            effect: effect.into(),
            time_added: None,
        }
    }
}
