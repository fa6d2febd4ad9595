//! The Pull-mode cluster monitor and the agent's Lease (failover.md F-8, F-9; decisions.md FD-3).
//!
//! Owns: the monitor's per-cluster records, the grace-period decision and the two `Unknown`
//! conditions; the agent Lease's name and timing. Must not: read Leases, renew them or write
//! status — the runtime does, every `--cluster-monitor-period`. Push clusters are recorded but
//! never changed here.

use std::collections::BTreeMap;

use flotilla_api::constants::{conditions, namespaces};
use flotilla_api::kinds::Cluster;
use flotilla_api::types::{Condition, ConditionStatus, SyncMode, find_condition};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, Time};

use super::{HealthConfig, plus_s};

/// Message of `Ready=Unknown, ClusterStatusNeverUpdated` (F-9).
const MSG_NEVER_UPDATED: &str = "Cluster status controller never posted cluster status.";
/// Message of `Ready=Unknown, ClusterStatusUnknown` (F-9).
const MSG_STOPPED: &str = "Cluster status controller stopped posting cluster status.";

/// What the monitor remembers about one cluster (F-9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonitorRecord {
    /// The last seen Ready condition (`None` while the cluster has none).
    pub ready: Option<Condition>,
    /// The last seen Lease `renewTime` (Pull clusters).
    pub lease_renew_time: Option<MicroTime>,
    /// When the monitor last heard from the cluster.
    pub probe_time: Time,
}

/// The monitor's records of all clusters, keyed by name; owned by the caller, in memory only
/// (FD-15). [`MonitorState::forget`] when a Cluster is deleted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonitorState {
    records: BTreeMap<String, MonitorRecord>,
}

impl MonitorState {
    /// An empty state (as after a restart).
    pub fn new() -> Self {
        Self::default()
    }

    /// The record of one cluster, if any.
    pub fn record(&self, cluster: &str) -> Option<&MonitorRecord> {
        self.records.get(cluster)
    }

    /// Drops the record of a deleted Cluster.
    pub fn forget(&mut self, cluster: &str) {
        self.records.remove(cluster);
    }
}

/// The monitor's verdict for one cluster on one visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MonitorDecision {
    /// Leave the status as it is.
    Unchanged,
    /// Set this `Ready=Unknown` condition (its `lastTransitionTime` is now) and write the status.
    /// A failed write is retried `monitor_write_retries` times, `monitor_write_retry_interval_ms`
    /// apart, re-reading the Cluster; after that the cluster waits for the next period.
    WriteReady(Condition),
}

/// F-9: one monitor visit of `cluster`, with the `renewTime` of its Lease
/// `karmada-cluster/<name>` if one exists.
pub fn monitor_cluster(
    state: &mut MonitorState,
    cluster: &Cluster,
    lease_renew_time: Option<&MicroTime>,
    config: &HealthConfig,
    now: &Time,
) -> MonitorDecision {
    let name = cluster.metadata.name.as_deref().unwrap_or_default();
    let current = cluster
        .status
        .as_ref()
        .and_then(|s| find_condition(&s.conditions, conditions::READY));
    let grace_s = match current {
        None => config.cluster_startup_grace_period_s,
        Some(_) => config.cluster_monitor_grace_period_s,
    };
    let record = observe_ready(state, name, cluster, current, now);
    if cluster.spec.sync_mode == SyncMode::Push {
        return MonitorDecision::Unchanged;
    }
    if let Some(renewed) = lease_renew_time
        && record
            .lease_renew_time
            .as_ref()
            .is_none_or(|seen| renewed > seen)
    {
        record.lease_renew_time = Some(renewed.clone());
        record.probe_time = now.clone();
    }
    if now.0 <= plus_s(&record.probe_time, grace_s) {
        return MonitorDecision::Unchanged;
    }
    match current {
        None => MonitorDecision::WriteReady(unknown(
            conditions::REASON_CLUSTER_STATUS_NEVER_UPDATED,
            MSG_NEVER_UPDATED,
            now,
        )),
        Some(c) if c.status != ConditionStatus::Unknown => MonitorDecision::WriteReady(unknown(
            conditions::REASON_CLUSTER_STATUS_UNKNOWN,
            MSG_STOPPED,
            now,
        )),
        Some(_) => MonitorDecision::Unchanged,
    }
}

/// F-9 steps 1–2: create or refresh the record from the Ready condition.
fn observe_ready<'s>(
    state: &'s mut MonitorState,
    name: &str,
    cluster: &Cluster,
    current: Option<&Condition>,
    now: &Time,
) -> &'s mut MonitorRecord {
    let record = state
        .records
        .entry(name.to_string())
        .or_insert_with(|| MonitorRecord {
            ready: None,
            lease_renew_time: None,
            probe_time: match current {
                // Step 1: a new record of a cluster without Ready starts at its creation.
                None => cluster
                    .metadata
                    .creation_timestamp
                    .clone()
                    .unwrap_or_else(|| now.clone()),
                // Step 2: first visit after a restart: heard from it now.
                Some(_) => now.clone(),
            },
        });
    if let Some(c) = current
        && record.ready.as_ref() != Some(c)
    {
        record.ready = Some(c.clone());
        record.probe_time = now.clone();
    }
    record
}

fn unknown(reason: &str, message: &str, now: &Time) -> Condition {
    Condition {
        type_: conditions::READY.to_string(),
        status: ConditionStatus::Unknown,
        observed_generation: None,
        last_transition_time: now.clone(),
        reason: reason.to_string(),
        message: message.to_string(),
    }
}

/// The agent's Lease (F-8 with FD-3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentLease {
    /// `karmada-cluster`.
    pub namespace: &'static str,
    /// The cluster name.
    pub name: String,
    /// `spec.leaseDurationSeconds` (`--cluster-lease-duration`).
    pub duration_s: u64,
    /// Renewal period in milliseconds (`duration × --cluster-lease-renew-interval-fraction`).
    pub renew_interval_ms: u64,
}

/// F-8 as changed by FD-3: the Lease the agent of `cluster` renews. The agent starts the renewer
/// when it starts — not after the first healthy probe — and keeps it running until the Cluster is
/// deleted, whatever the member's health: the agent's liveness and the member's health are
/// different things. (This removes the False/Unknown flapping of F-9's quirk.)
pub fn agent_lease(cluster: &str, config: &HealthConfig) -> AgentLease {
    AgentLease {
        namespace: namespaces::KARMADA_CLUSTER,
        name: cluster.to_string(),
        duration_s: config.cluster_lease_duration_s,
        renew_interval_ms: config.lease_renew_interval_ms(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, cluster, ready};
    use super::*;
    use ConditionStatus::{False, True, Unknown};

    fn renewed(t: i64) -> MicroTime {
        MicroTime(at(t).0)
    }

    fn visit(
        state: &mut MonitorState,
        c: &Cluster,
        lease: Option<i64>,
        now: i64,
    ) -> MonitorDecision {
        let lease = lease.map(renewed);
        monitor_cluster(state, c, lease.as_ref(), &HealthConfig::default(), &at(now))
    }

    fn reason(d: &MonitorDecision) -> Option<&str> {
        match d {
            MonitorDecision::WriteReady(c) => {
                assert_eq!(c.status, Unknown);
                Some(c.reason.as_str())
            }
            MonitorDecision::Unchanged => None,
        }
    }

    /// F-9 step 1: no Ready condition → startup grace (60s) from creationTimestamp, then
    /// `ClusterStatusNeverUpdated`.
    #[test]
    fn f9_never_updated_after_startup_grace() {
        let mut c = cluster("west", SyncMode::Pull, vec![]);
        c.metadata.creation_timestamp = Some(at(0));
        let mut s = MonitorState::new();
        assert_eq!(reason(&visit(&mut s, &c, None, 5)), None);
        assert_eq!(
            reason(&visit(&mut s, &c, None, 60)),
            None,
            "not strictly after"
        );
        let d = visit(&mut s, &c, None, 61);
        assert_eq!(reason(&d), Some("ClusterStatusNeverUpdated"));
        let MonitorDecision::WriteReady(cond) = d else {
            unreachable!()
        };
        assert_eq!(
            cond.message,
            "Cluster status controller never posted cluster status."
        );
        assert_eq!(cond.last_transition_time, at(61));
    }

    /// F-9 step 1: an existing record keeps its probeTime (a restart after creation re-arms
    /// from creation, not from now).
    #[test]
    fn f9_record_without_ready_keeps_probe_time() {
        let mut c = cluster("west", SyncMode::Pull, vec![]);
        c.metadata.creation_timestamp = Some(at(0));
        let mut s = MonitorState::new();
        visit(&mut s, &c, None, 30);
        assert_eq!(s.record("west").unwrap().probe_time, at(0));
        visit(&mut s, &c, None, 35);
        assert_eq!(s.record("west").unwrap().probe_time, at(0));
    }

    /// F-9 steps 2, 4, 5: a Ready condition arms the 40s grace; a newer Lease renewal or a changed
    /// condition re-arms it; after the grace Ready becomes `ClusterStatusUnknown`, once.
    #[test]
    fn f9_stopped_posting_after_monitor_grace() {
        let c = cluster(
            "west",
            SyncMode::Pull,
            vec![ready(True, "ClusterReady", -500)],
        );
        let mut s = MonitorState::new();
        assert_eq!(reason(&visit(&mut s, &c, Some(0), 0)), None);
        assert_eq!(reason(&visit(&mut s, &c, Some(10), 10)), None);
        assert_eq!(s.record("west").unwrap().probe_time, at(10));
        // Same renewTime again: not newer, the clock keeps running.
        assert_eq!(reason(&visit(&mut s, &c, Some(10), 45)), None);
        assert_eq!(reason(&visit(&mut s, &c, Some(10), 50)), None);
        let d = visit(&mut s, &c, Some(10), 51);
        assert_eq!(reason(&d), Some("ClusterStatusUnknown"));
        let MonitorDecision::WriteReady(cond) = d else {
            unreachable!()
        };
        assert_eq!(
            cond.message,
            "Cluster status controller stopped posting cluster status."
        );
        // Once Unknown is stored, nothing more is written.
        let unknown = cluster("west", SyncMode::Pull, vec![cond]);
        assert_eq!(reason(&visit(&mut s, &unknown, Some(10), 56)), None);
        assert_eq!(reason(&visit(&mut s, &unknown, Some(10), 200)), None);
    }

    /// F-9 step 2: any change of the Ready condition (here: message) re-arms the grace.
    #[test]
    fn f9_condition_change_rearms() {
        let mut s = MonitorState::new();
        let a = cluster(
            "west",
            SyncMode::Pull,
            vec![ready(False, "ClusterNotReady", 0)],
        );
        visit(&mut s, &a, None, 0);
        let mut cond = ready(False, "ClusterNotReady", 0);
        cond.message = "different".into();
        let b = cluster("west", SyncMode::Pull, vec![cond]);
        assert_eq!(reason(&visit(&mut s, &b, None, 30)), None);
        assert_eq!(reason(&visit(&mut s, &b, None, 70)), None);
        assert_eq!(
            reason(&visit(&mut s, &b, None, 71)),
            Some("ClusterStatusUnknown")
        );
    }

    /// F-9 step 3: Push clusters are never changed by the monitor, whatever the silence.
    #[test]
    fn f9_push_clusters_never_become_unknown() {
        let mut s = MonitorState::new();
        for conds in [vec![], vec![ready(True, "ClusterReady", 0)]] {
            let c = cluster("east", SyncMode::Push, conds);
            for t in [0, 100, 1000, 10_000] {
                assert_eq!(visit(&mut s, &c, None, t), MonitorDecision::Unchanged);
            }
            s.forget("east");
            assert_eq!(s.record("east"), None);
        }
    }

    /// F-9 quirk reproduced without FD-3: a Pull member never healthy, no Lease. The monitor turns
    /// False into Unknown after the grace; the agent's next probe sets False again; repeat.
    #[test]
    fn f9_quirk_flaps_without_lease() {
        let mut s = MonitorState::new();
        let down = cluster(
            "west",
            SyncMode::Pull,
            vec![ready(False, "ClusterNotReady", 0)],
        );
        assert_eq!(reason(&visit(&mut s, &down, None, 0)), None);
        assert_eq!(
            reason(&visit(&mut s, &down, None, 45)),
            Some("ClusterStatusUnknown")
        );
    }

    /// F-8 (Lease `karmada-cluster/<cluster>`, 40 s, renewed every 40 × 0.25 = 10 s) with the
    /// FD-3 regression: the agent renews its Lease from start, so a Pull member that is never
    /// healthy stays `False` and never flips to `Unknown`.
    #[test]
    fn fd3_lease_from_agent_start_prevents_flapping() {
        let cfg = HealthConfig::default();
        let lease = agent_lease("west", &cfg);
        assert_eq!(
            lease,
            AgentLease {
                namespace: "karmada-cluster",
                name: "west".into(),
                duration_s: 40,
                renew_interval_ms: 10_000,
            }
        );
        let mut s = MonitorState::new();
        let down = cluster(
            "west",
            SyncMode::Pull,
            vec![ready(False, "ClusterNotReady", 0)],
        );
        let period_s = (lease.renew_interval_ms / 1000) as i64;
        for tick in 0..200 {
            let now = tick * 5;
            let last_renewal = now / period_s * period_s;
            assert_eq!(
                visit(&mut s, &down, Some(last_renewal), now),
                MonitorDecision::Unchanged,
                "t={now}"
            );
        }
    }
}
