//! Test helpers for the selection tests: compact candidate and placement constructors.
//!
//! Owns: nothing outside `cfg(test)`. Must not: hold rule logic.

use flotilla_api::types::{
    ClusterPreferences, DynamicWeightFactor, Placement, ReplicaDivisionPreference,
    ReplicaSchedulingStrategy, ReplicaSchedulingType, SpreadByField, SpreadConstraint,
};

use crate::scheduler::types::Candidate;

/// A candidate with every field given; `alloc` equals `avail`.
pub(crate) fn full(name: &str, region: &str, score: i64, avail: i64, overflow: u32) -> Candidate {
    Candidate {
        name: name.into(),
        region: region.into(),
        score,
        alloc: avail,
        avail,
        overflow_order: overflow,
    }
}

/// A candidate without region, in the primary affinity group.
pub(crate) fn cand(name: &str, score: i64, avail: i64) -> Candidate {
    full(name, "", score, avail, 0)
}

/// A candidate in `region`, in the primary affinity group.
pub(crate) fn creg(name: &str, region: &str, score: i64, avail: i64) -> Candidate {
    full(name, region, score, avail, 0)
}

/// The names of `candidates`, in order.
pub(crate) fn names(candidates: &[Candidate]) -> Vec<&str> {
    candidates.iter().map(|c| &*c.name).collect()
}

/// A `spreadByField` constraint.
pub(crate) fn by_field(field: SpreadByField, min: i64, max: i64) -> SpreadConstraint {
    SpreadConstraint {
        spread_by_field: Some(field),
        spread_by_label: String::new(),
        max_groups: max,
        min_groups: min,
    }
}

/// A `spreadByLabel` constraint.
pub(crate) fn by_label(label: &str, min: i64, max: i64) -> SpreadConstraint {
    SpreadConstraint {
        spread_by_field: None,
        spread_by_label: label.to_owned(),
        max_groups: max,
        min_groups: min,
    }
}

/// `replicaScheduling: {type: Duplicated}`.
pub(crate) fn duplicated() -> Option<ReplicaSchedulingStrategy> {
    Some(ReplicaSchedulingStrategy {
        replica_scheduling_type: ReplicaSchedulingType::Duplicated,
        ..Default::default()
    })
}

/// Divided with the given preference and weight preference.
pub(crate) fn divided(
    pref: Option<ReplicaDivisionPreference>,
    weights: Option<ClusterPreferences>,
) -> Option<ReplicaSchedulingStrategy> {
    Some(ReplicaSchedulingStrategy {
        replica_scheduling_type: ReplicaSchedulingType::Divided,
        replica_division_preference: pref,
        weight_preference: weights,
    })
}

/// Divided + Weighted + `dynamicWeight: AvailableReplicas`.
pub(crate) fn dynamic() -> Option<ReplicaSchedulingStrategy> {
    divided(
        Some(ReplicaDivisionPreference::Weighted),
        Some(ClusterPreferences {
            static_weight_list: Vec::new(),
            dynamic_weight: Some(DynamicWeightFactor::AvailableReplicas),
        }),
    )
}

/// Divided + Aggregated.
pub(crate) fn aggregated() -> Option<ReplicaSchedulingStrategy> {
    divided(Some(ReplicaDivisionPreference::Aggregated), None)
}

/// A placement with spread constraints and a replica scheduling strategy.
pub(crate) fn placement(
    constraints: Vec<SpreadConstraint>,
    scheduling: Option<ReplicaSchedulingStrategy>,
) -> Placement {
    Placement {
        spread_constraints: constraints,
        replica_scheduling: scheduling,
        ..Default::default()
    }
}
