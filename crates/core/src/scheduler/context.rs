//! What a scheduling pass knows about the binding being scheduled: its placement, strategy,
//! current targets, clusters under eviction and the affinity term under evaluation (S-1, S-4,
//! S-15, S-52).
//!
//! Owns: per-binding lookups shared by the filters, the score and the estimator. Must not:
//! look at clusters.

use std::collections::HashMap;

use flotilla_api::types::{
    ClusterAffinity, ClusterAffinityTerm, Placement, ReplicaDivisionPreference,
    ReplicaSchedulingType, ResourceBindingSpec,
};

use super::types::Strategy;

static EMPTY_PLACEMENT: std::sync::LazyLock<Placement> =
    std::sync::LazyLock::new(Placement::default);

/// The binding under scheduling, with lookups prepared once per pass.
#[derive(Debug)]
pub struct BindingContext<'a> {
    /// The binding spec.
    pub spec: &'a ResourceBindingSpec,
    /// `spec.placement`, or an empty placement.
    pub placement: &'a Placement,
    /// S-4: `spec.replicas > 0` or `spec.replicaRequirements` present.
    pub is_workload: bool,
    /// The affinity term under evaluation (with `clusterAffinities`), S-52.
    pub term: Option<&'a ClusterAffinityTerm>,
    /// Which clusters (by snapshot position) serve the template's API, when a snapshot index is
    /// available (S-18); `None` makes the filter ask each cluster.
    pub served_by: Option<&'a [bool]>,
    current: HashMap<&'a str, i32>,
    affinities: Vec<&'a ClusterAffinity>,
}

impl<'a> BindingContext<'a> {
    /// Prepares the context; `term` names the term under evaluation, if any.
    pub fn new(spec: &'a ResourceBindingSpec, term: Option<&'a ClusterAffinityTerm>) -> Self {
        let placement = spec.placement.as_ref().unwrap_or(&EMPTY_PLACEMENT);
        let workload = is_workload(spec);
        BindingContext {
            spec,
            placement,
            is_workload: workload,
            term,
            served_by: None,
            current: spec
                .clusters
                .iter()
                .map(|t| (t.name.as_str(), t.replicas))
                .collect(),
            affinities: affinities(placement, term, workload),
        }
    }

    /// Is the cluster in `spec.clusters`?
    pub fn is_current(&self, cluster: &str) -> bool {
        self.current.contains_key(cluster)
    }

    /// Replicas `spec.clusters` assigns to the cluster (0 if absent).
    pub fn current_replicas(&self, cluster: &str) -> i64 {
        self.current.get(cluster).copied().map_or(0, i64::from)
    }

    /// Is some graceful eviction task evicting the binding from this cluster? (S-20)
    pub fn is_evicting(&self, cluster: &str) -> bool {
        self.spec
            .graceful_eviction_tasks
            .iter()
            .any(|t| t.from_cluster == cluster)
    }

    /// The affinities a cluster must match one of (S-15), in overflow order.
    pub fn affinities(&self) -> &[&'a ClusterAffinity] {
        &self.affinities
    }

    /// The strategy (S-4); `None` when the placement names none we support (S-51).
    pub fn strategy(&self) -> Option<Strategy> {
        strategy(self.placement)
    }
}

/// S-15: the term's inline affinity then (for workloads) its overflow affinities; or
/// `clusterAffinity`; or none.
fn affinities<'a>(
    placement: &'a Placement,
    term: Option<&'a ClusterAffinityTerm>,
    workload: bool,
) -> Vec<&'a ClusterAffinity> {
    if let Some(affinity) = &placement.cluster_affinity {
        return vec![affinity];
    }
    match term {
        Some(term) => {
            let mut all = vec![&term.affinity];
            if workload {
                all.extend(term.overflow_affinities.iter().map(|o| &o.affinity));
            }
            all
        }
        None => vec![],
    }
}

/// S-4: a workload has replicas or replica requirements.
pub fn is_workload(spec: &ResourceBindingSpec) -> bool {
    spec.replicas > 0 || spec.replica_requirements.is_some()
}

/// S-4: the replica strategy of a placement.
pub fn strategy(placement: &Placement) -> Option<Strategy> {
    let Some(rs) = &placement.replica_scheduling else {
        return Some(Strategy::Duplicated);
    };
    match (rs.replica_scheduling_type, rs.replica_division_preference) {
        (ReplicaSchedulingType::Duplicated, _) => Some(Strategy::Duplicated),
        (ReplicaSchedulingType::Divided, Some(ReplicaDivisionPreference::Aggregated)) => {
            Some(Strategy::Aggregated)
        }
        (ReplicaSchedulingType::Divided, Some(ReplicaDivisionPreference::Weighted)) => {
            let dynamic = rs
                .weight_preference
                .as_ref()
                .is_some_and(|w| w.dynamic_weight.is_some());
            Some(if dynamic {
                Strategy::DynamicWeight
            } else {
                Strategy::StaticWeight
            })
        }
        (ReplicaSchedulingType::Divided, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flotilla_api::types::{ClusterPreferences, DynamicWeightFactor, ReplicaSchedulingStrategy};

    fn with(rs: Option<ReplicaSchedulingStrategy>) -> Placement {
        Placement {
            replica_scheduling: rs,
            ..Default::default()
        }
    }

    /// S-4: strategy classification.
    #[test]
    fn s4_strategy() {
        let divided = |pref, weights| {
            Some(ReplicaSchedulingStrategy {
                replica_scheduling_type: ReplicaSchedulingType::Divided,
                replica_division_preference: pref,
                weight_preference: weights,
            })
        };
        let dynamic = Some(ClusterPreferences {
            dynamic_weight: Some(DynamicWeightFactor::AvailableReplicas),
            ..Default::default()
        });
        let both = Some(ClusterPreferences {
            dynamic_weight: Some(DynamicWeightFactor::AvailableReplicas),
            static_weight_list: vec![Default::default()],
        });
        let duplicated = Some(ReplicaSchedulingStrategy {
            replica_scheduling_type: ReplicaSchedulingType::Duplicated,
            ..Default::default()
        });
        let cases = [
            (with(None), Some(Strategy::Duplicated)),
            (with(duplicated), Some(Strategy::Duplicated)),
            (
                with(divided(Some(ReplicaDivisionPreference::Aggregated), None)),
                Some(Strategy::Aggregated),
            ),
            (
                with(divided(Some(ReplicaDivisionPreference::Weighted), dynamic)),
                Some(Strategy::DynamicWeight),
            ),
            (
                with(divided(Some(ReplicaDivisionPreference::Weighted), both)),
                Some(Strategy::DynamicWeight),
            ),
            (
                with(divided(Some(ReplicaDivisionPreference::Weighted), None)),
                Some(Strategy::StaticWeight),
            ),
            (
                with(divided(
                    Some(ReplicaDivisionPreference::Weighted),
                    Some(ClusterPreferences::default()),
                )),
                Some(Strategy::StaticWeight),
            ),
            (with(divided(None, None)), None),
        ];
        for (i, (placement, expected)) in cases.iter().enumerate() {
            assert_eq!(strategy(placement), *expected, "case {i}");
        }
    }

    /// S-4: workloads have replicas or requirements.
    #[test]
    fn s4_workload() {
        let mut spec = ResourceBindingSpec::default();
        assert!(!is_workload(&spec));
        spec.replicas = 2;
        assert!(is_workload(&spec));
        spec.replicas = 0;
        spec.replica_requirements = Some(Default::default());
        assert!(is_workload(&spec));
    }
}
