//! What one probe pass writes, and when the cluster is probed again (failover.md F-7; F-8 as
//! changed by decisions.md FD-3).
//!
//! Owns: the write plan (Ready only, everything, or nothing), the requeue, and the assembly of a
//! full status from collected data. Must not: collect anything from the member or start the Lease
//! renewer — under FD-3 the agent starts renewing when it starts, whatever the probe says.

use flotilla_api::constants::conditions;
use flotilla_api::kinds::Cluster;
use flotilla_api::types::{
    ApiEnablement, ClusterStatus, Condition, ConditionStatus, NodeSummary, ResourceSummary,
    find_condition, set_condition,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::observed_ready;
use super::{DampingState, HealthConfig, ProbeHealth, ProbeOutcome, Published, damp};

/// What a probe pass writes through `clusters/status` (F-7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeWrite {
    /// No write: the published Ready condition equals the stored one (times aside).
    Nothing,
    /// Set this Ready condition (set-condition semantics) and write the status; nothing else is
    /// collected.
    Ready(Condition),
    /// The member is online, healthy and Ready is `True`: collect `kubernetesVersion`,
    /// `apiEnablements` (with `CompleteAPIEnablements`) and, when resource modeling is on, the
    /// node and resource summaries; set this Ready condition; write only if something changed
    /// (see [`full_status`]).
    Everything(Condition),
}

/// The decision of one probe pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbePlan {
    /// The damping verdict (the published Ready condition).
    pub published: Published,
    /// What to write.
    pub write: ProbeWrite,
    /// After the pass succeeds, probe again this many seconds later
    /// (`--cluster-status-update-frequency`). A failed pass (e.g. a status write error) is retried
    /// with the controller backoff instead.
    pub requeue_after_s: u64,
}

/// F-7: what to write, given the probe's health, the published (damped) condition `published`
/// and the Ready condition stored on the Cluster.
pub fn plan_probe_write(
    health: ProbeHealth,
    published: &Condition,
    stored: Option<&Condition>,
) -> ProbeWrite {
    if health == ProbeHealth::OnlineHealthy && published.status == ConditionStatus::True {
        return ProbeWrite::Everything(published.clone());
    }
    // Client failure, offline with R not True, and every other case: write R if it differs.
    if changes(stored, published) {
        ProbeWrite::Ready(published.clone())
    } else {
        ProbeWrite::Nothing
    }
}

/// Does setting `new` (set-condition semantics) change `stored`?
fn changes(stored: Option<&Condition>, new: &Condition) -> bool {
    let Some(stored) = stored else {
        return true;
    };
    let mut list = vec![stored.clone()];
    let now = stored.last_transition_time.clone();
    set_condition(&mut list, new.clone(), &now)
}

/// One probe pass (F-4 … F-7): observe, damp, plan the write and the requeue.
pub fn decide_probe(
    cluster: &Cluster,
    outcome: &ProbeOutcome,
    state: &mut DampingState,
    config: &HealthConfig,
    now: &Time,
) -> ProbePlan {
    let name = cluster.metadata.name.as_deref().unwrap_or_default();
    let stored = cluster
        .status
        .as_ref()
        .and_then(|s| find_condition(&s.conditions, conditions::READY));
    let observed = observed_ready(outcome, now);
    let published = damp(state, name, observed, stored, config, now);
    let write = plan_probe_write(outcome.health(), published.condition(), stored);
    ProbePlan {
        published,
        write,
        requeue_after_s: config.cluster_status_update_frequency_s,
    }
}

/// How complete the collected API list is (the `CompleteAPIEnablements` condition, F-7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiEnablementsCompleteness {
    /// Every group was listed: `True`, reason `Complete`.
    Complete,
    /// Some groups failed: `False`, reason `Partial`. A kind missing from a partial list counts
    /// as "unknown", not "disabled".
    Partial {
        /// What failed, for the message.
        error: String,
    },
    /// Nothing could be listed: `False`, reason `Empty`.
    Empty,
}

impl ApiEnablementsCompleteness {
    /// The `CompleteAPIEnablements` condition.
    pub fn condition(&self, now: &Time) -> Condition {
        let (status, reason, message) = match self {
            Self::Complete => (
                ConditionStatus::True,
                conditions::REASON_COMPLETE,
                "collected complete APIEnablements from the cluster".to_string(),
            ),
            Self::Partial { error } => (
                ConditionStatus::False,
                conditions::REASON_PARTIAL,
                format!("collected partial APIEnablements from the cluster: {error}"),
            ),
            Self::Empty => (
                ConditionStatus::False,
                conditions::REASON_EMPTY,
                "collected empty APIEnablements from the cluster".to_string(),
            ),
        };
        Condition {
            type_: conditions::COMPLETE_API_ENABLEMENTS.to_string(),
            status,
            observed_generation: None,
            last_transition_time: now.clone(),
            reason: reason.to_string(),
            message,
        }
    }
}

/// What the prober collected from a healthy member for [`ProbeWrite::Everything`].
#[derive(Clone, Debug, PartialEq)]
pub struct CollectedStatus {
    /// The member's server version.
    pub kubernetes_version: String,
    /// The served API groups and resources.
    pub api_enablements: Vec<ApiEnablement>,
    /// How complete `api_enablements` is.
    pub completeness: ApiEnablementsCompleteness,
    /// Node counts; `None` when resource modeling is off (the stored value is kept).
    pub node_summary: Option<NodeSummary>,
    /// Resource totals; `None` when resource modeling is off (the stored value is kept).
    pub resource_summary: Option<ResourceSummary>,
}

/// F-7 "write everything only if something changed": the new status built from the stored one,
/// the collected data and the published Ready condition (set after `CompleteAPIEnablements`), or
/// `None` when it equals the stored status.
pub fn full_status(
    stored: Option<&ClusterStatus>,
    ready: &Condition,
    collected: CollectedStatus,
    now: &Time,
) -> Option<ClusterStatus> {
    let mut status = stored.cloned().unwrap_or_default();
    status.kubernetes_version = collected.kubernetes_version;
    status.api_enablements = collected.api_enablements;
    set_condition(
        &mut status.conditions,
        collected.completeness.condition(now),
        now,
    );
    set_condition(&mut status.conditions, ready.clone(), now);
    if let Some(nodes) = collected.node_summary {
        status.node_summary = Some(nodes);
    }
    if let Some(resources) = collected.resource_summary {
        status.resource_summary = Some(resources);
    }
    (Some(&status) != stored).then_some(status)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, cluster, ready};
    use super::super::{HttpReply, ProbeOutcome};
    use super::*;
    use ConditionStatus::{False, True};
    use flotilla_api::types::SyncMode;

    fn reached(code: u16) -> ProbeOutcome {
        ProbeOutcome::Readyz(HttpReply::Status(code))
    }

    fn refused() -> ProbeOutcome {
        ProbeOutcome::Readyz(HttpReply::TransportFailure {
            error: "connection refused".into(),
        })
    }

    fn no_client() -> ProbeOutcome {
        ProbeOutcome::ClientUnavailable {
            error: "no token".into(),
        }
    }

    /// The shape of a write, for tables: `None` = nothing, `Some((status, reason, everything))`.
    type Shape = Option<(ConditionStatus, &'static str, bool)>;

    fn shape(write: &ProbeWrite) -> Option<(ConditionStatus, String, bool)> {
        match write {
            ProbeWrite::Nothing => None,
            ProbeWrite::Ready(r) => Some((r.status, r.reason.clone(), false)),
            ProbeWrite::Everything(r) => Some((r.status, r.reason.clone(), true)),
        }
    }

    /// One probe pass at T+0 against `stored`; with `seeded`, the damping record was seeded by
    /// an earlier probe (at T-10) that agreed with `stored`.
    fn pass_at_zero(stored: Option<Condition>, seeded: bool, outcome: &ProbeOutcome) -> ProbePlan {
        let c = cluster("east", SyncMode::Push, stored.clone().into_iter().collect());
        let mut state = DampingState::new();
        let cfg = HealthConfig::default();
        if seeded {
            let stored_true = stored.as_ref().is_some_and(|s| s.status == True);
            let first = if stored_true { reached(200) } else { refused() };
            decide_probe(&c, &first, &mut state, &cfg, &at(-10));
        }
        decide_probe(&c, outcome, &mut state, &cfg, &at(0))
    }

    /// F-7 table: (stored Ready, damping pre-seeded?, outcome) → shape of the write.
    #[test]
    fn f7_write_plan_table() {
        let stored_true = || Some(ready(True, "ClusterReady", -100));
        let stored_unreachable = || {
            let mut c = ready(False, "ClusterNotReachable", -100);
            c.message = "cluster is not reachable".into();
            Some(c)
        };
        let ready_only = |reason| Some((False, reason, false));
        let everything = Some((True, "ClusterReady", true));
        #[rustfmt::skip]
        let cases: Vec<(Option<Condition>, bool, ProbeOutcome, Shape)> = vec![
            // client could not be built: write only Ready (first observation undamped).
            (stored_true(), false, no_client(), ready_only("StatusCollectionFailed")),
            // offline, R not True: write only R at once.
            (stored_true(), false, refused(), ready_only("ClusterNotReachable")),
            // offline but R still True inside the failure threshold: R equals stored → nothing.
            (stored_true(), true, refused(), None),
            // offline, stored already says so: nothing.
            (stored_unreachable(), true, refused(), None),
            // online healthy, R True: everything.
            (stored_true(), true, reached(200), everything),
            (None, false, reached(200), everything),
            // online healthy but R still False within the success threshold: nothing new.
            (stored_unreachable(), true, reached(200), None),
            // online, unhealthy (FD-2), first observation: write R.
            (stored_unreachable(), false, reached(503), ready_only("ClusterNotReady")),
        ];
        for (i, (stored, seeded, outcome, expected)) in cases.into_iter().enumerate() {
            let plan = pass_at_zero(stored, seeded, &outcome);
            let expected = expected.map(|(s, r, all)| (s, r.to_string(), all));
            assert_eq!(shape(&plan.write), expected, "case {i}");
            assert_eq!(
                plan.requeue_after_s, 10,
                "case {i}: --cluster-status-update-frequency"
            );
        }
    }

    /// F-7: a Ready write changes `lastTransitionTime` only when the status changes.
    #[test]
    fn f7_set_condition_semantics() {
        let stored = ready(False, "ClusterNotReachable", -100);
        let mut new = ready(False, "ClusterNotReady", 0);
        new.message = "cluster is reachable but health endpoint responded without ok".into();
        assert_eq!(
            plan_probe_write(ProbeHealth::OnlineUnhealthy, &new, Some(&stored)),
            ProbeWrite::Ready(new.clone())
        );
        let mut list = vec![stored.clone()];
        set_condition(&mut list, new, &at(0));
        assert_eq!(list[0].last_transition_time, at(-100));
        assert_eq!(list[0].reason, "ClusterNotReady");
    }

    /// F-7: a full write happens only when something changed; Ready is set after
    /// `CompleteAPIEnablements`; summaries are kept when modeling is off.
    #[test]
    fn f7_full_status_written_only_on_change() {
        let now = at(0);
        let collected = || CollectedStatus {
            kubernetes_version: "v1.33.1".into(),
            api_enablements: vec![ApiEnablement {
                group_version: "apps/v1".into(),
                resources: vec![],
            }],
            completeness: ApiEnablementsCompleteness::Complete,
            node_summary: None,
            resource_summary: None,
        };
        let r = {
            let mut c = ready(True, "ClusterReady", 0);
            c.message = "cluster is healthy and ready to accept workloads".into();
            c
        };
        let first = full_status(None, &r, collected(), &now).expect("new status");
        let types: Vec<&str> = first.conditions.iter().map(|c| c.type_.as_str()).collect();
        assert_eq!(types, ["CompleteAPIEnablements", "Ready"]);
        assert_eq!(first.conditions[0].reason, "Complete");
        assert_eq!(full_status(Some(&first), &r, collected(), &at(10)), None);

        let mut with_nodes = first.clone();
        with_nodes.node_summary = Some(NodeSummary {
            total_num: 3,
            ready_num: 3,
        });
        assert_eq!(
            full_status(Some(&with_nodes), &r, collected(), &at(10)),
            None
        );

        let mut partial = collected();
        partial.completeness = ApiEnablementsCompleteness::Partial {
            error: "metrics.k8s.io/v1beta1 unavailable".into(),
        };
        let next = full_status(Some(&first), &r, partial, &at(10)).expect("changed");
        assert_eq!(next.conditions[0].status, False);
        assert_eq!(next.conditions[0].reason, "Partial");
        assert_eq!(next.conditions[0].last_transition_time, at(10));
        assert_eq!(
            ApiEnablementsCompleteness::Empty.condition(&now).reason,
            "Empty"
        );
    }
}
