//! Replica division (S-37 … S-51, S-54): how many replicas each selected cluster gets.
//!
//! Owns: the assignment entry point [`assign`] (S-37), Duplicated (S-38), dropping zero entries
//! and empty-workload propagation (S-49), the name order of the result (S-50, D-5), the
//! unsupported-strategy error (S-51), and the D-10 partial-placement option. The strategies live
//! in one file each: [`apportion`](mod@apportion) (S-39, S-40), `static_weight` (S-41),
//! `dynamic` (S-42 … S-48), `overflow` (S-54). Internally a strategy's result is a list of
//! positions in the selected list with replica counts; names are attached at the end.
//!
//! Must not: filter or select clusters (§4, §7), match static-weight rules (the caller passes
//! each cluster's weight), compute capacity (§6), decide Fresh vs Steady or whether overflow is
//! enabled (the caller passes flags), write anything, read the clock, use randomness, or let
//! hash-map iteration order reach a result.

pub mod apportion;
mod dynamic;
mod overflow;
mod static_weight;

use flotilla_api::types::TargetCluster;

pub use apportion::{Party, apportion, orientation_for_uid};

use crate::scheduler::types::{Candidate, Orientation, Strategy};

/// Everything the division needs about one binding in one pass (S-37).
#[derive(Clone, Copy, Debug)]
pub struct AssignInput<'a> {
    /// The strategy of S-4; `None` when S-4 yields none (S-51).
    pub strategy: Option<Strategy>,
    /// Selected clusters in candidate order (S-28, S-32, S-33). Names are distinct.
    pub selected: &'a [Candidate],
    /// StaticWeight only: `static_weights[i]` is the weight of `selected[i]` (S-41 step 2;
    /// 0 = no rule matched). Missing entries count as 0; when `weightPreference` is absent pass 1
    /// for every cluster (or nothing: all-zero falls back to equal weights, S-41 step 4).
    pub static_weights: &'a [i64],
    /// `spec.replicas` (T); negative values read as 0.
    pub replicas: i32,
    /// `spec.replicaRequirements` is present (S-37 step 2).
    pub has_replica_requirements: bool,
    /// `spec.clusters`, in its order (S-43, S-45, S-46, S-54).
    pub previous: &'a [TargetCluster],
    /// Fresh mode (S-42): a reschedule was requested (S-11).
    pub fresh: bool,
    /// Tie orientation for APPORTION, from [`orientation_for_uid`] (S-40).
    pub orientation: Orientation,
    /// Overflow is enabled for this pass (S-54). Honoured for DynamicWeight and Aggregated, the
    /// only strategies admission allows with overflow affinities; ignored for the others.
    pub overflow: bool,
    /// The scheduler option `enableEmptyWorkloadPropagation` (S-49, D-15); default false.
    pub empty_workload_propagation: bool,
    /// `--failover-partial-placement` (decisions.md D-10); default false (all or nothing).
    pub partial_placement: bool,
}

/// The division result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    /// The new target list, sorted by cluster name (S-50, D-5), without zero entries unless
    /// empty-workload propagation added them (S-49) or S-37 step 2 applied (no replica counts).
    pub targets: Vec<TargetCluster>,
    /// Replicas that capacity could not place. Non-zero only with `partial_placement` (D-10); the
    /// caller then writes `targets` and reports Unschedulable.
    pub shortfall: i64,
}

/// Why a division failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    /// S-37 step 1: no cluster was selected.
    #[error("no clusters available to schedule")]
    NoClusters,
    /// S-47 / S-54: the clusters' capacity cannot hold the replicas (all or nothing, D-10).
    /// `message` is Karmada's text, e.g. `Clusters available replicas 9 are not enough to schedule.`
    #[error("{message}")]
    Unschedulable {
        /// The condition message.
        message: String,
    },
    /// S-51: S-4 yields no strategy; `message` begins "unsupported replica scheduling strategy".
    #[error("{message}")]
    UnsupportedStrategy {
        /// The error text.
        message: String,
    },
}

/// A position in the selected list with a replica count or a capacity weight.
type Entry = (usize, i64);

/// A strategy's raw result: replicas per cluster (zeros possible, any order) and the replicas
/// capacity could not place (D-10).
struct Division {
    entries: Vec<Entry>,
    shortfall: i64,
}

/// S-37: divide `spec.replicas` over the selected clusters.
///
/// 1. No selected cluster → [`AssignError::NoClusters`].
/// 2. `replicas == 0` without replica requirements → every selected cluster, no replica count.
/// 3. Overflow enabled (DynamicWeight/Aggregated) → the tiered assignment (S-54).
/// 4. Otherwise the strategy: Duplicated (S-38), StaticWeight (S-41), DynamicWeight or
///    Aggregated (S-42 … S-47); no strategy → [`AssignError::UnsupportedStrategy`] (S-51).
///
/// Then zero entries are dropped (S-49) and the list is sorted by name (S-50).
pub fn assign(input: &AssignInput<'_>) -> Result<Assignment, AssignError> {
    if input.selected.is_empty() {
        return Err(AssignError::NoClusters);
    }
    if input.replicas == 0 && !input.has_replica_requirements {
        let entries = (0..input.selected.len()).map(|i| (i, 0)).collect();
        return Ok(Assignment {
            targets: to_targets(entries, input.selected),
            shortfall: 0,
        });
    }
    let Some(strategy) = input.strategy else {
        let message = "unsupported replica scheduling strategy".to_string();
        return Err(AssignError::UnsupportedStrategy { message });
    };
    let selected: Vec<&Candidate> = input.selected.iter().collect();
    let replicas = i64::from(input.replicas.max(0));
    let division = match strategy {
        Strategy::Duplicated => Division {
            entries: (0..selected.len()).map(|i| (i, replicas)).collect(),
            shortfall: 0,
        },
        Strategy::StaticWeight => {
            let entries = static_weight::assign_static(
                &selected,
                input.static_weights,
                replicas,
                input.orientation,
            );
            Division {
                entries,
                shortfall: 0,
            }
        }
        Strategy::DynamicWeight | Strategy::Aggregated => {
            let packing = match strategy {
                Strategy::Aggregated => dynamic::Packing::Aggregate,
                _ => dynamic::Packing::Spread,
            };
            let req = dynamic::Request {
                packing,
                selected: &selected,
                previous: input.previous,
                replicas,
                fresh: input.fresh,
                orientation: input.orientation,
                partial_placement: input.partial_placement,
            };
            if input.overflow {
                overflow::assign_overflow(&req)?
            } else {
                dynamic::assign_dynamic(&req)?
            }
        }
    };
    let entries = drop_zeros(division.entries, input);
    Ok(Assignment {
        targets: to_targets(entries, input.selected),
        shortfall: division.shortfall,
    })
}

/// S-49: remove zero entries; with empty-workload propagation append every selected cluster
/// missing from the result with 0 replicas.
fn drop_zeros(mut entries: Vec<Entry>, input: &AssignInput<'_>) -> Vec<Entry> {
    entries.retain(|e| e.1 > 0);
    if input.empty_workload_propagation {
        let mut present = vec![false; input.selected.len()];
        for e in &entries {
            present[e.0] = true;
        }
        entries.extend(
            (0..input.selected.len())
                .filter(|&i| !present[i])
                .map(|i| (i, 0)),
        );
    }
    entries
}

/// S-50: the target list sorted by cluster name (D-5). Entries index `selected`.
fn to_targets(mut entries: Vec<Entry>, selected: &[Candidate]) -> Vec<TargetCluster> {
    // Names are distinct (AssignInput::selected), so an unstable sort is deterministic.
    entries.sort_unstable_by(|a, b| selected[a.0].name.cmp(&selected[b.0].name));
    entries
        .into_iter()
        .map(|(i, replicas)| TargetCluster {
            name: selected[i].name.to_string(),
            replicas: i32::try_from(replicas).unwrap_or(i32::MAX),
            components: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
