//! Candidate order and spread-constraint selection (S-28 … S-36, D-7, D-8, D-9): which of the
//! feasible candidates go on to replica division.
//!
//! Owns: the entry point [`select_clusters`], when constraints apply (S-29), the capacity need
//! (S-30), routing between constraint kinds (S-31) and rejecting unsupported constraints (D-8).
//! Must not: filter clusters (§4), estimate capacity (§6), divide replicas (§8), or do I/O; the
//! result is a pure function of its arguments (S-67).
//!
//! Order of checks in [`select_clusters`] (documented resolution of S-29 vs D-8):
//! 1. candidates are put in candidate order (S-28);
//! 2. an empty `spreadConstraints` list selects everything (S-29);
//! 3. unsupported constraints fail (D-8), even under static weighting, so that admission's
//!    "scheduling will report Scheduled=False" warning always holds;
//! 4. static weighting selects everything (S-29);
//! 5. region selection if a `region` constraint exists, else cluster selection (S-31).

pub mod cluster;
pub mod error;
pub mod group_score;
pub mod group_search;
mod leftmost_max;
pub mod order;
pub mod region;
#[cfg(test)]
mod test_support;

use flotilla_api::types::{
    Placement, ReplicaDivisionPreference, ReplicaSchedulingType, SpreadByField, SpreadConstraint,
};

pub use cluster::select_by_cluster;
pub use error::SelectError;
pub use order::{compare, is_ordered, order_candidates};
pub use region::{RegionBounds, select_by_region};

use crate::scheduler::types::Candidate;

/// How many replicas selection must find room for (S-30).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Duplicated or absent `replicaScheduling`: selection never looks at capacity.
    Ignore,
    /// Divided: `spec.replicas`.
    Replicas(i64),
}

/// The spread constraints that drive selection (S-31).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Route<'p> {
    /// A `region` constraint exists (S-33); the `cluster` constraint, if any, gives cluster counts.
    Region {
        /// The `region` constraint.
        region: &'p SpreadConstraint,
        /// The `cluster` constraint, if any.
        cluster: Option<&'p SpreadConstraint>,
    },
    /// Only a `cluster` constraint drives selection (S-32).
    Cluster(&'p SpreadConstraint),
}

/// Selects the clusters that go on to division (S-28 … S-36).
///
/// `candidates` are the feasible clusters in any order; they are put in candidate order first
/// (S-28, a stable sort that is O(n) on already ordered input). `replicas` is `spec.replicas`.
/// Returns the selected candidates, moved (never cloned) out of `candidates`, in selection order:
/// candidate order when constraints do not apply (S-29), R's order after the swap (S-32), or
/// region order then fill order (S-33). The result may be empty only when constraints do not
/// apply and `candidates` is empty (division then fails, S-37).
pub fn select_clusters(
    mut candidates: Vec<Candidate>,
    placement: &Placement,
    replicas: i32,
) -> Result<Vec<Candidate>, SelectError> {
    order_candidates(&mut candidates);
    if placement.spread_constraints.is_empty() {
        return Ok(candidates);
    }
    let route = route(&placement.spread_constraints)?;
    if constraints_ignored(placement) {
        return Ok(candidates);
    }
    let need = need_for(placement, replicas);
    match route {
        Route::Cluster(c) => select_by_cluster(candidates, c.min_groups, c.max_groups, need),
        Route::Region { region, cluster } => {
            let bounds = RegionBounds {
                region_min: region.min_groups,
                region_max: region.max_groups,
                cluster_min: cluster.map_or(0, |c| c.min_groups),
                cluster_max: cluster.map_or(0, |c| c.max_groups),
            };
            select_by_region(candidates, bounds, need, i64::from(replicas))
        }
    }
}

/// S-29: true when spread constraints are ignored and every candidate is selected: the list is
/// empty, or the placement is Divided + Weighted with `weightPreference` absent, or with a
/// non-empty `staticWeightList` and no `dynamicWeight`. `weightPreference: {}` does not ignore
/// them, nor does a Divided placement whose preference escaped defaulting.
pub fn constraints_ignored(placement: &Placement) -> bool {
    if placement.spread_constraints.is_empty() {
        return true;
    }
    let Some(rs) = &placement.replica_scheduling else {
        return false;
    };
    rs.replica_scheduling_type == ReplicaSchedulingType::Divided
        && rs.replica_division_preference == Some(ReplicaDivisionPreference::Weighted)
        && rs
            .weight_preference
            .as_ref()
            .is_none_or(|w| !w.static_weight_list.is_empty() && w.dynamic_weight.is_none())
}

/// S-30: [`Need::Ignore`] when `replicaScheduling` is absent or Duplicated, else `spec.replicas`.
pub fn need_for(placement: &Placement, replicas: i32) -> Need {
    match &placement.replica_scheduling {
        Some(rs) if rs.replica_scheduling_type == ReplicaSchedulingType::Divided => {
            Need::Replicas(i64::from(replicas))
        }
        _ => Need::Ignore,
    }
}

/// The field a constraint spreads by: its `spreadByField`, or `cluster` when it has neither a
/// field nor a label (the S-2 admission default, applied again so that unadmitted input behaves
/// the same); `None` for a `spreadByLabel` constraint.
fn field_of(c: &SpreadConstraint) -> Option<SpreadByField> {
    match c.spread_by_field {
        Some(f) => Some(f),
        None if c.spread_by_label.is_empty() => Some(SpreadByField::Cluster),
        None => None,
    }
}

/// S-31 routing with D-8 (for a non-empty list).
///
/// - any `spreadByLabel` constraint: [`SelectError::UnsupportedLabel`] naming the first one;
/// - a `region` constraint: [`Route::Region`]; else a `cluster` constraint: [`Route::Cluster`];
/// - else (only `zone`/`provider`): [`SelectError::UnsupportedField`] naming the first one.
///
/// Each field appears at most once after admission (S-3); otherwise the first one counts.
pub fn route(constraints: &[SpreadConstraint]) -> Result<Route<'_>, SelectError> {
    if let Some(c) = constraints.iter().find(|c| field_of(c).is_none()) {
        return Err(SelectError::UnsupportedLabel {
            label: c.spread_by_label.clone(),
        });
    }
    let find = |f: SpreadByField| constraints.iter().find(|c| field_of(c) == Some(f));
    let cluster = find(SpreadByField::Cluster);
    if let Some(region) = find(SpreadByField::Region) {
        return Ok(Route::Region { region, cluster });
    }
    if let Some(c) = cluster {
        return Ok(Route::Cluster(c));
    }
    let field = constraints
        .iter()
        .find_map(field_of)
        .unwrap_or(SpreadByField::Zone);
    Err(SelectError::UnsupportedField { field })
}

/// D-7: the most groups to take out of `n` — `n` when `max_groups` ≤ 0 (no upper bound), else
/// min(n, `max_groups`).
pub(crate) fn upper_bound(max_groups: i64, n: usize) -> usize {
    if max_groups <= 0 {
        n
    } else {
        usize::try_from(max_groups).map_or(n, |m| m.min(n))
    }
}

#[cfg(test)]
mod tests;
