//! The filters (scheduling.md §4, decisions.md D-12): a cluster is feasible iff every filter
//! passes; the first failing filter gives its reason (S-21). Order (D-17): APIEnablement,
//! TaintToleration, ClusterAffinity, SpreadConstraint, ClusterEviction.
//!
//! Owns: the filter list and the reasons. Must not: score or estimate.

mod api_enablement;
mod cluster_affinity;
mod cluster_eviction;
mod spread_constraint;
mod taint_toleration;

use super::context::BindingContext;
use super::snapshot::ClusterInfo;
use crate::taints::taint_text;

/// Why a filter rejected a cluster. Cheap to produce (no allocation); `describe` renders the
/// reason text of S-21 for the cluster it was found on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// S-18.
    ApiNotEnabled,
    /// S-17: the index of the untolerated taint in the cluster's taints.
    UntoleratedTaint(usize),
    /// S-15.
    AffinityMismatch,
    /// S-19: the missing property (`provider`, `region`, `zones`).
    MissingProperty(&'static str),
    /// S-20.
    BeingEvicted,
    /// D-12: the index of the NoExecute taint tolerated only for a limited time.
    TemporarilyTolerated(usize),
}

impl Reason {
    /// The reason text (S-21), e.g. `cluster(s) had untolerated taint {k:NoSchedule}`.
    pub fn describe(&self, cluster: &ClusterInfo) -> String {
        let taint = |i: &usize| cluster.taints().get(*i).map(taint_text).unwrap_or_default();
        match self {
            Reason::ApiNotEnabled => "cluster(s) did not have the API resource".into(),
            Reason::UntoleratedTaint(i) => format!("cluster(s) had untolerated taint {}", taint(i)),
            Reason::AffinityMismatch => {
                "cluster(s) did not match the placement cluster affinity constraint".into()
            }
            Reason::MissingProperty(p) => format!("cluster(s) did not have {p} property"),
            Reason::BeingEvicted => "cluster(s) is in the process of eviction".into(),
            Reason::TemporarilyTolerated(i) => format!(
                "cluster(s) had NoExecute taint {} tolerated only for a limited time",
                taint(i)
            ),
        }
    }
}

type Filter = fn(&BindingContext<'_>, &ClusterInfo) -> Result<(), Reason>;

/// The filters in evaluation order (D-17).
const FILTERS: [Filter; 5] = [
    api_enablement::filter,
    taint_toleration::filter,
    cluster_affinity::filter,
    spread_constraint::filter,
    cluster_eviction::filter,
];

/// Runs every filter; the first failure is the cluster's reason.
pub fn run_filters(ctx: &BindingContext<'_>, cluster: &ClusterInfo) -> Result<(), Reason> {
    FILTERS.iter().try_for_each(|f| f(ctx, cluster))
}

/// S-28: 0 for the term's inline affinity, i+1 for overflow affinity i, 1000 otherwise (and 0
/// without `clusterAffinities`).
pub fn overflow_order(ctx: &BindingContext<'_>, cluster: &ClusterInfo) -> u32 {
    let Some(term) = ctx.term else { return 0 };
    if ctx.placement.cluster_affinity.is_some() {
        return 0;
    }
    let facts = cluster.facts();
    if crate::selector::cluster_matches(&facts, &term.affinity) {
        return 0;
    }
    term.overflow_affinities
        .iter()
        .position(|o| crate::selector::cluster_matches(&facts, &o.affinity))
        .map_or(1000, |i| i as u32 + 1)
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Builders shared by the filter table tests.
    use flotilla_api::kinds::Cluster;
    use flotilla_api::types::{ApiEnablement, ApiResource, ClusterSpec, ClusterStatus};
    use k8s_openapi::api::core::v1::{Taint, Toleration};

    use super::ClusterInfo;

    /// A cluster serving apps/v1 Deployment, with the given taints.
    pub fn cluster(name: &str, taints: &[(&str, &str, &str)]) -> ClusterInfo {
        let mut c = Cluster::new(name, ClusterSpec::default());
        c.spec.taints = taints
            .iter()
            .map(|(k, v, e)| Taint {
                key: k.to_string(),
                value: (!v.is_empty()).then(|| v.to_string()),
                effect: e.to_string(),
                time_added: None,
            })
            .collect();
        c.status = Some(ClusterStatus {
            api_enablements: vec![ApiEnablement {
                group_version: "apps/v1".into(),
                resources: vec![ApiResource {
                    name: "deployments".into(),
                    kind: "Deployment".into(),
                }],
            }],
            ..Default::default()
        });
        ClusterInfo::new(c)
    }

    /// A toleration.
    pub fn toleration(key: &str, op: &str, effect: &str, seconds: Option<i64>) -> Toleration {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Toleration {
            key: opt(key),
            operator: opt(op),
            value: None,
            effect: opt(effect),
            toleration_seconds: seconds,
        }
    }
}
