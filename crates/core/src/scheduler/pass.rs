//! One scheduling pass for one affinity term (S-13): filter, score, estimate, order, select,
//! assign. Pure: a snapshot and a binding spec in, an assignment or a classified error out.
//!
//! Owns: the order of the stages. Must not: try other terms (`terms`) or build status (`decision`).

use std::collections::BTreeMap;

use flotilla_api::types::{ClusterAffinityTerm, ResourceBindingSpec};

use super::context::BindingContext;
use super::divide::{AssignError, AssignInput, Assignment, assign, orientation_for_uid};
use super::estimate::{GeneralEstimator, ReplicaEstimator, estimate};
use super::filters::{Reason, overflow_order, run_filters};
use super::score::score;
use super::select::{SelectError, order_candidates, select_clusters};
use super::snapshot::{ClusterInfo, ClusterSnapshot};
use super::types::Candidate;
use crate::selector::cluster_matches;

/// Options of a pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassOptions {
    /// S-42: a reschedule was requested (Fresh mode).
    pub fresh: bool,
    /// S-49: keep selected clusters with 0 replicas.
    pub empty_workload_propagation: bool,
    /// decisions.md D-10: place as many evicted replicas as capacity allows.
    pub partial_placement: bool,
}

/// Why a pass failed.
#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq)]
pub enum PassError {
    /// S-21: no cluster passed the filters.
    #[error("{}", no_cluster_fit_message(*total, rejected))]
    NoClusterFit {
        /// Clusters in the snapshot, deleting ones included.
        total: usize,
        /// Each evaluated cluster's name and why the first failing filter rejected it.
        rejected: Vec<(String, String)>,
    },
    /// Spread-constraint selection failed (S-31 … S-36, D-8).
    #[error("{0}")]
    Select(#[from] SelectError),
    /// Replica assignment failed (S-37 … S-54).
    #[error("{0}")]
    Assign(#[from] AssignError),
}

/// S-21: `0/N clusters are available: <count> <reason>, …` (reasons sorted as strings).
pub fn no_cluster_fit_message(total: usize, rejected: &[(String, String)]) -> String {
    if total == 0 || rejected.is_empty() {
        return format!("0/{total} clusters are available: no cluster exists.");
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, reason) in rejected {
        *counts.entry(reason.clone()).or_default() += 1;
    }
    let mut parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    format!("0/{total} clusters are available: {}.", parts.join(", "))
}

/// Runs one pass with `term` under evaluation (S-13).
pub fn run_pass(
    snapshot: &ClusterSnapshot,
    spec: &ResourceBindingSpec,
    term: Option<&ClusterAffinityTerm>,
    options: &PassOptions,
    estimators: &[&dyn ReplicaEstimator],
) -> Result<Assignment, PassError> {
    let mut ctx = BindingContext::new(spec, term);
    let resource = &spec.resource;
    ctx.served_by = Some(
        snapshot
            .served_by(&resource.api_version, &resource.kind)
            .unwrap_or(&[]),
    );
    let mut feasible: Vec<&ClusterInfo> = Vec::new();
    let mut rejected: Vec<(&ClusterInfo, Reason)> = Vec::new();
    for cluster in snapshot.clusters().iter().filter(|c| !c.deleting) {
        match run_filters(&ctx, cluster) {
            Ok(()) => feasible.push(cluster),
            Err(reason) => rejected.push((cluster, reason)),
        }
    }
    if feasible.is_empty() {
        let rejected = rejected
            .iter()
            .map(|(c, r)| (c.name.to_string(), r.describe(c)))
            .collect();
        return Err(PassError::NoClusterFit {
            total: snapshot.len(),
            rejected,
        });
    }
    let general = GeneralEstimator;
    let mut all: Vec<&dyn ReplicaEstimator> = vec![&general];
    all.extend_from_slice(estimators);
    let allocs = estimate(&all, &feasible, spec);
    let mut candidates: Vec<Candidate> = feasible
        .iter()
        .zip(allocs)
        .map(|(cluster, alloc)| Candidate {
            name: cluster.name.clone(),
            region: cluster.region.clone(),
            score: score(&ctx, &cluster.name),
            alloc,
            avail: alloc + ctx.current_replicas(&cluster.name),
            overflow_order: overflow_order(&ctx, cluster),
        })
        .collect();
    order_candidates(&mut candidates);
    let strategy = ctx.strategy();
    let selected = select_clusters(candidates, ctx.placement, spec.replicas)?;
    let weights = static_weights(&ctx, snapshot, &selected);
    let input = AssignInput {
        strategy,
        selected: &selected,
        static_weights: &weights,
        replicas: spec.replicas,
        has_replica_requirements: spec.replica_requirements.is_some(),
        previous: &spec.clusters,
        fresh: options.fresh,
        orientation: orientation_for_uid(&spec.resource.uid),
        overflow: overflow_enabled(&ctx),
        empty_workload_propagation: options.empty_workload_propagation,
        partial_placement: options.partial_placement,
    };
    Ok(assign(&input)?)
}

/// S-54: overflow is on with `clusterAffinities`, a term under evaluation, and overflow groups.
fn overflow_enabled(ctx: &BindingContext<'_>) -> bool {
    ctx.placement.cluster_affinity.is_none()
        && ctx.term.is_some_and(|t| !t.overflow_affinities.is_empty())
}

/// S-41 steps 1–2: each selected cluster's static weight (the largest matching rule, 0 if none);
/// every cluster weighs 1 when `weightPreference` is absent.
fn static_weights(
    ctx: &BindingContext<'_>,
    snapshot: &ClusterSnapshot,
    selected: &[Candidate],
) -> Vec<i64> {
    let preference = ctx
        .placement
        .replica_scheduling
        .as_ref()
        .and_then(|r| r.weight_preference.as_ref());
    let Some(preference) = preference else {
        return vec![1; selected.len()];
    };
    selected
        .iter()
        .map(|candidate| {
            let Some(cluster) = snapshot.get(&candidate.name) else {
                return 0;
            };
            let facts = cluster.facts();
            preference
                .static_weight_list
                .iter()
                .filter(|rule| cluster_matches(&facts, &rule.target_cluster))
                .map(|rule| rule.weight)
                .max()
                .unwrap_or(0)
        })
        .collect()
}
