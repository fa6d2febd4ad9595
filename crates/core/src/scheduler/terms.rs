//! Trying cluster-affinity terms in order, sticky to the observed term (S-52, S-53).
//!
//! Owns: which term a pass runs with and what to report when all fail. Must not: write status.

use flotilla_api::types::ResourceBindingSpec;

use super::divide::Assignment;
use super::estimate::ReplicaEstimator;
use super::pass::{PassError, PassOptions, run_pass};
use super::snapshot::ClusterSnapshot;

/// The outcome of scheduling over the terms.
#[derive(Clone, Debug, PartialEq)]
pub struct TermsOutcome {
    /// The assignment and the name of the term that produced it (`None` without terms), or the
    /// first tried term's error.
    pub result: Result<(Assignment, Option<String>), PassError>,
    /// One warning per failed term (events).
    pub warnings: Vec<String>,
}

/// S-52: start at the observed term (or the first, or the first on a reschedule request), move
/// on after any failure, stop at the first success.
pub fn schedule_over_terms(
    snapshot: &ClusterSnapshot,
    spec: &ResourceBindingSpec,
    binding: &str,
    observed_term: &str,
    options: &PassOptions,
    estimators: &[&dyn ReplicaEstimator],
) -> TermsOutcome {
    let terms = match spec
        .placement
        .as_ref()
        .and_then(|p| p.cluster_affinities.as_ref())
    {
        Some(terms)
            if spec
                .placement
                .as_ref()
                .is_some_and(|p| p.cluster_affinity.is_none()) =>
        {
            terms
        }
        _ => {
            let result = run_pass(snapshot, spec, None, options, estimators).map(|a| (a, None));
            return TermsOutcome {
                result,
                warnings: vec![],
            };
        }
    };
    let mut start = terms
        .iter()
        .position(|t| t.affinity_name == observed_term)
        .unwrap_or(0);
    if options.fresh {
        start = 0;
    }
    let mut first_error = None;
    let mut warnings = Vec::new();
    for (i, term) in terms.iter().enumerate().skip(start) {
        match run_pass(snapshot, spec, Some(term), options, estimators) {
            Ok(assignment) => {
                return TermsOutcome {
                    result: Ok((assignment, Some(term.affinity_name.clone()))),
                    warnings,
                };
            }
            Err(error) => {
                warnings.push(format!(
                    "failed to schedule ResourceBinding({binding}) with clusterAffiliates index({i}): {error}"
                ));
                first_error.get_or_insert(error);
            }
        }
    }
    let error = first_error.unwrap_or(PassError::NoClusterFit {
        total: snapshot.len(),
        rejected: vec![],
    });
    TermsOutcome {
        result: Err(error),
        warnings,
    }
}
