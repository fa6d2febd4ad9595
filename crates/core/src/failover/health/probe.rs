//! The probe and what it observed (failover.md F-3, F-4, F-5, with decisions.md FD-2): which
//! clusters the control plane probes, the outcome of one probe, and the observed Ready condition.
//!
//! Owns: outcome → (online, healthy) → observed condition. Must not: issue HTTP requests — the
//! prober GETs `/readyz`, falls back to `/healthz` on a 404, and reports what it got.

use flotilla_api::constants::{conditions, finalizers};
use flotilla_api::kinds::Cluster;
use flotilla_api::types::{Condition, ConditionStatus, SyncMode};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// The only HTTP status that counts as healthy (F-4, FD-2).
const HTTP_OK: u16 = 200;
/// The status after which the prober retries on `/healthz` (F-4).
const HTTP_NOT_FOUND: u16 = 404;

/// Message of `Ready=False, StatusCollectionFailed` before the error text (F-5).
const MSG_CLIENT_FAILED: &str = "failed to create a ClusterClient";
/// Message of `Ready=False, ClusterNotReachable` (F-5).
const MSG_NOT_REACHABLE: &str = "cluster is not reachable";
/// Message of `Ready=False, ClusterNotReady` (F-5).
const MSG_NOT_READY: &str = "cluster is reachable but health endpoint responded without ok";
/// Message of `Ready=True, ClusterReady` (F-5).
const MSG_READY: &str = "cluster is healthy and ready to accept workloads";

/// What one health endpoint gave back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpReply {
    /// The endpoint answered with this HTTP status code (any code, 200 included).
    Status(u16),
    /// No HTTP answer at all: connection refused or reset, TLS failure, timeout (32s).
    TransportFailure {
        /// The transport error, for logs.
        error: String,
    },
}

impl HttpReply {
    /// True for a 404, after which the prober asks `/healthz` instead (F-4).
    pub fn wants_healthz_fallback(&self) -> bool {
        *self == HttpReply::Status(HTTP_NOT_FOUND)
    }
}

/// The outcome of one probe of a member (F-4). "readyz answered N, healthz answered M" is
/// `HealthzFallback(Status(M))`, which implies N = 404.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeOutcome {
    /// No client could be built (missing endpoint or secret, no `token`, no `caBundle` while TLS
    /// verification is on); nothing was sent.
    ClientUnavailable {
        /// Why the client could not be built; it ends up in the condition message.
        error: String,
    },
    /// `/readyz` gave this reply and no fallback was made.
    Readyz(HttpReply),
    /// `/readyz` answered 404 and `/healthz` gave this reply, which is the one that counts.
    HealthzFallback(HttpReply),
}

/// The (online, healthy) pair of F-4, plus the no-client case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProbeHealth {
    /// No client: `Ready=False, StatusCollectionFailed`.
    ClientUnavailable,
    /// (false, false): no HTTP answer.
    Offline,
    /// (true, false): an HTTP answer other than 200 (FD-2).
    OnlineUnhealthy,
    /// (true, true): 200.
    OnlineHealthy,
}

impl ProbeOutcome {
    /// The reply that decides the outcome (the `/healthz` one after a fallback); `None` when no
    /// client could be built.
    pub fn deciding_reply(&self) -> Option<&HttpReply> {
        match self {
            ProbeOutcome::ClientUnavailable { .. } => None,
            ProbeOutcome::Readyz(reply) | ProbeOutcome::HealthzFallback(reply) => Some(reply),
        }
    }

    /// F-4 as changed by FD-2: 200 → healthy; any other HTTP status (including 201–206, 401,
    /// 403, 500, 503 and an un-followed 404) → online but unhealthy; no answer → offline.
    /// (Karmada reports every non-2xx answer as offline.)
    pub fn health(&self) -> ProbeHealth {
        match self.deciding_reply() {
            None => ProbeHealth::ClientUnavailable,
            Some(HttpReply::TransportFailure { .. }) => ProbeHealth::Offline,
            Some(HttpReply::Status(HTTP_OK)) => ProbeHealth::OnlineHealthy,
            Some(HttpReply::Status(_)) => ProbeHealth::OnlineUnhealthy,
        }
    }
}

/// F-5: the observed Ready condition of one probe. `lastTransitionTime` is `now`; set-condition
/// semantics keep the stored one when the status does not change.
pub fn observed_ready(outcome: &ProbeOutcome, now: &Time) -> Condition {
    let (status, reason, message) = match (outcome.health(), outcome) {
        (_, ProbeOutcome::ClientUnavailable { error }) => (
            ConditionStatus::False,
            conditions::REASON_STATUS_COLLECTION_FAILED,
            format!("{MSG_CLIENT_FAILED}: {error}"),
        ),
        (ProbeHealth::OnlineHealthy, _) => (
            ConditionStatus::True,
            conditions::REASON_CLUSTER_READY,
            MSG_READY.to_string(),
        ),
        (ProbeHealth::OnlineUnhealthy, _) => (
            ConditionStatus::False,
            conditions::REASON_CLUSTER_NOT_READY,
            MSG_NOT_READY.to_string(),
        ),
        _ => (
            ConditionStatus::False,
            conditions::REASON_CLUSTER_NOT_REACHABLE,
            MSG_NOT_REACHABLE.to_string(),
        ),
    };
    Condition {
        type_: conditions::READY.to_string(),
        status,
        observed_generation: None,
        last_transition_time: now.clone(),
        reason: reason.to_string(),
        message,
    }
}

/// Whether the control plane's prober (the `clusterStatus` controller) handles a Cluster (F-3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProbeEligibility {
    /// Probe it now.
    Probe,
    /// A Push cluster with a secret but without the `karmada.io/cluster-controller` finalizer
    /// yet: retry with the controller backoff.
    AwaitFinalizer,
    /// Not probed by the control plane: a Pull cluster (its agent probes it) or a Push cluster
    /// without `spec.secretRef` (it never gets a Ready condition and keeps `not-ready`).
    NotProbed,
}

/// F-3: does the control plane probe this Cluster? (The Pull agent always probes its own
/// cluster; this is the control plane's view.)
pub fn control_plane_probes(cluster: &Cluster) -> ProbeEligibility {
    if cluster.spec.sync_mode != SyncMode::Push || cluster.spec.secret_ref.is_none() {
        return ProbeEligibility::NotProbed;
    }
    let has_finalizer = cluster
        .metadata
        .finalizers
        .as_deref()
        .unwrap_or_default()
        .iter()
        .any(|f| f == finalizers::CLUSTER_CONTROLLER);
    if has_finalizer {
        ProbeEligibility::Probe
    } else {
        ProbeEligibility::AwaitFinalizer
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{at, cluster};
    use super::*;

    fn refused() -> HttpReply {
        HttpReply::TransportFailure {
            error: "connection refused".into(),
        }
    }

    /// F-4 with FD-2: outcome → (online, healthy), every row.
    #[test]
    fn f4_outcome_table() {
        use ProbeHealth::*;
        let cases = [
            (ProbeOutcome::Readyz(HttpReply::Status(200)), OnlineHealthy),
            (ProbeOutcome::Readyz(refused()), Offline),
            (
                ProbeOutcome::Readyz(HttpReply::Status(500)),
                OnlineUnhealthy,
            ),
            (
                ProbeOutcome::Readyz(HttpReply::Status(503)),
                OnlineUnhealthy,
            ),
            (
                ProbeOutcome::Readyz(HttpReply::Status(401)),
                OnlineUnhealthy,
            ),
            (
                ProbeOutcome::Readyz(HttpReply::Status(403)),
                OnlineUnhealthy,
            ),
            (
                ProbeOutcome::Readyz(HttpReply::Status(204)),
                OnlineUnhealthy,
            ),
            (
                ProbeOutcome::Readyz(HttpReply::Status(404)),
                OnlineUnhealthy,
            ),
            (
                ProbeOutcome::HealthzFallback(HttpReply::Status(200)),
                OnlineHealthy,
            ),
            (
                ProbeOutcome::HealthzFallback(HttpReply::Status(500)),
                OnlineUnhealthy,
            ),
            (ProbeOutcome::HealthzFallback(refused()), Offline),
            (
                ProbeOutcome::ClientUnavailable {
                    error: "no token".into(),
                },
                ClientUnavailable,
            ),
        ];
        for (i, (outcome, expected)) in cases.iter().enumerate() {
            assert_eq!(outcome.health(), *expected, "case {i}: {outcome:?}");
        }
        assert!(HttpReply::Status(404).wants_healthz_fallback());
        assert!(!HttpReply::Status(500).wants_healthz_fallback());
        assert!(!refused().wants_healthz_fallback());
    }

    /// F-5: the observed condition for each outcome.
    #[test]
    fn f5_observed_condition_table() {
        use ConditionStatus::*;
        let now = at(7);
        let cases = [
            (
                ProbeOutcome::ClientUnavailable {
                    error: "secret karmada-cluster/east not found".into(),
                },
                False,
                "StatusCollectionFailed",
                "failed to create a ClusterClient: secret karmada-cluster/east not found",
            ),
            (
                ProbeOutcome::Readyz(refused()),
                False,
                "ClusterNotReachable",
                "cluster is not reachable",
            ),
            (
                ProbeOutcome::Readyz(HttpReply::Status(503)),
                False,
                "ClusterNotReady",
                "cluster is reachable but health endpoint responded without ok",
            ),
            (
                ProbeOutcome::Readyz(HttpReply::Status(200)),
                True,
                "ClusterReady",
                "cluster is healthy and ready to accept workloads",
            ),
        ];
        for (outcome, status, reason, message) in cases {
            let c = observed_ready(&outcome, &now);
            assert_eq!(c.type_, "Ready");
            assert_eq!(
                (c.status, c.reason.as_str(), c.message.as_str()),
                (status, reason, message)
            );
            assert_eq!(c.last_transition_time, now);
        }
    }

    /// FD-2 regression: an HTTP reply other than OK (after the 404 fallback) is `ClusterNotReady`;
    /// only a transport failure is `ClusterNotReachable`. The status stays False either way.
    #[test]
    fn fd2_non_ok_reply_is_not_ready_transport_failure_is_not_reachable() {
        let now = at(0);
        for code in [201, 206, 401, 403, 404, 429, 500, 502, 503] {
            for outcome in [
                ProbeOutcome::Readyz(HttpReply::Status(code)),
                ProbeOutcome::HealthzFallback(HttpReply::Status(code)),
            ] {
                let c = observed_ready(&outcome, &now);
                assert_eq!(c.status, ConditionStatus::False, "{outcome:?}");
                assert_eq!(c.reason, "ClusterNotReady", "{outcome:?}");
            }
        }
        for outcome in [
            ProbeOutcome::Readyz(refused()),
            ProbeOutcome::HealthzFallback(HttpReply::TransportFailure {
                error: "i/o timeout".into(),
            }),
        ] {
            let c = observed_ready(&outcome, &now);
            assert_eq!(c.status, ConditionStatus::False);
            assert_eq!(c.reason, "ClusterNotReachable", "{outcome:?}");
        }
    }

    /// F-3: only Push clusters with a secret are probed, once the finalizer is on.
    #[test]
    fn f3_eligibility() {
        let push = cluster("east", SyncMode::Push, vec![]);
        assert_eq!(control_plane_probes(&push), ProbeEligibility::Probe);

        let mut no_finalizer = push.clone();
        no_finalizer.metadata.finalizers = None;
        assert_eq!(
            control_plane_probes(&no_finalizer),
            ProbeEligibility::AwaitFinalizer
        );

        let mut no_secret = push.clone();
        no_secret.spec.secret_ref = None;
        assert_eq!(
            control_plane_probes(&no_secret),
            ProbeEligibility::NotProbed
        );

        let pull = cluster("west", SyncMode::Pull, vec![]);
        assert_eq!(control_plane_probes(&pull), ProbeEligibility::NotProbed);
    }
}
