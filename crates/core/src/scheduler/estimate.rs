//! Capacity estimation (S-23 … S-27): how many more replicas of a binding each feasible cluster
//! can take. The general estimator (resource summary, resource models) is always present; other
//! estimators plug in behind `ReplicaEstimator` and the minimum of their answers wins.
//!
//! Owns: estimates. Must not: select or divide.

use flotilla_api::types::{ReplicaRequirements, ResourceBindingSpec};

use super::snapshot::{ClusterInfo, FreeResources, ModelNodes, units};
use super::types::UNBOUNDED;

/// An estimator: per-cluster replica estimates, `-1` meaning "cannot tell" (S-23).
pub trait ReplicaEstimator {
    /// Estimates for `clusters`, in the same order.
    fn estimate(&self, clusters: &[&ClusterInfo], spec: &ResourceBindingSpec) -> Vec<i64>;
}

/// The general estimator (S-24, S-25).
#[derive(Clone, Copy, Debug, Default)]
pub struct GeneralEstimator;

impl ReplicaEstimator for GeneralEstimator {
    fn estimate(&self, clusters: &[&ClusterInfo], spec: &ResourceBindingSpec) -> Vec<i64> {
        let requirements = spec.replica_requirements.as_ref();
        clusters
            .iter()
            .map(|c| general_estimate(c, requirements))
            .collect()
    }
}

/// S-23: start at UNBOUNDED, lower to each estimator's figure (ignoring −1); clusters left at
/// UNBOUNDED get `spec.replicas`. With `spec.replicas == 0` every estimate is UNBOUNDED.
pub fn estimate(
    estimators: &[&dyn ReplicaEstimator],
    clusters: &[&ClusterInfo],
    spec: &ResourceBindingSpec,
) -> Vec<i64> {
    if spec.replicas == 0 {
        return vec![UNBOUNDED; clusters.len()];
    }
    let mut result = vec![UNBOUNDED; clusters.len()];
    for estimator in estimators {
        let figures = estimator.estimate(clusters, spec);
        for (value, figure) in result.iter_mut().zip(figures) {
            if figure >= 0 {
                *value = (*value).min(figure);
            }
        }
    }
    for value in &mut result {
        if *value == UNBOUNDED {
            *value = i64::from(spec.replicas);
        }
    }
    result
}

/// The positive per-replica requests of a binding, in units (computed once per pass).
fn requests_in_units(requirements: &ReplicaRequirements) -> Vec<(&str, i64)> {
    requirements
        .resource_request
        .iter()
        .map(|(r, q)| (r.as_str(), units(r, q)))
        .filter(|(_, q)| *q > 0)
        .collect()
}

/// S-24 with S-25: the general estimate for one cluster.
pub fn general_estimate(cluster: &ClusterInfo, requirements: Option<&ReplicaRequirements>) -> i64 {
    let requests = requirements.map(requests_in_units);
    estimate_with(cluster, requests.as_deref())
}

/// The general estimate with requests already in units (`None` = no requirements).
fn estimate_with(cluster: &ClusterInfo, requests: Option<&[(&str, i64)]>) -> i64 {
    let Some(summary) = &cluster.capacity.summary else {
        return 0;
    };
    let allowed_pods = summary.pods;
    if allowed_pods <= 0 {
        return 0;
    }
    let Some(requests) = requests else {
        return allowed_pods;
    };
    if let Some(nodes) = &cluster.capacity.model_nodes {
        return model_estimate(nodes, requests).min(allowed_pods);
    }
    summary_estimate(summary, requests).min(allowed_pods)
}

/// S-24 step 5: min over requested resources of floor(free / request).
fn summary_estimate(summary: &FreeResources, requests: &[(&str, i64)]) -> i64 {
    let mut fit = i64::MAX;
    for (resource, request) in requests {
        let Some(&free) = summary.free.get(*resource) else {
            return 0;
        };
        if free <= 0 {
            return 0;
        }
        fit = fit.min(free / request);
    }
    fit
}

/// S-25: first-fit over the virtual nodes; identical nodes of a grade each take the same number.
fn model_estimate(nodes: &[ModelNodes], requests: &[(&str, i64)]) -> i64 {
    nodes
        .iter()
        .map(|node| {
            let per_node = requests
                .iter()
                .fold(ModelNodes::PODS, |fit, (resource, request)| {
                    let capacity = node.capacity.get(*resource).copied().unwrap_or(0);
                    fit.min(capacity.max(0) / request)
                });
            node.count.saturating_mul(per_node)
        })
        .fold(0i64, i64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flotilla_api::kinds::Cluster;
    use flotilla_api::quantity::Quantity;
    use flotilla_api::types::*;

    fn list(pairs: &[(&str, &str)]) -> ResourceList {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.parse().unwrap()))
            .collect()
    }

    fn cluster(summary: Option<ResourceSummary>, models: Vec<ResourceModel>) -> ClusterInfo {
        let mut c = Cluster::new(
            "c",
            ClusterSpec {
                resource_models: models,
                ..Default::default()
            },
        );
        c.status = Some(ClusterStatus {
            resource_summary: summary,
            ..Default::default()
        });
        ClusterInfo::new(c)
    }

    fn requirements(pairs: &[(&str, &str)]) -> ReplicaRequirements {
        ReplicaRequirements {
            resource_request: list(pairs),
            ..Default::default()
        }
    }

    /// S-24: the worked example (estimate 6) and the early exits.
    #[test]
    fn s24_resource_summary() {
        let summary = ResourceSummary {
            allocatable: list(&[("cpu", "6"), ("memory", "12Gi"), ("pods", "110")]),
            allocated: list(&[("cpu", "1500m"), ("memory", "4Gi"), ("pods", "30")]),
            ..Default::default()
        };
        let c = cluster(Some(summary.clone()), vec![]);
        assert_eq!(
            general_estimate(
                &c,
                Some(&requirements(&[("cpu", "750m"), ("memory", "1Gi")]))
            ),
            6
        );
        assert_eq!(
            general_estimate(&c, None),
            80,
            "no requirements: allowed pods"
        );
        assert_eq!(
            general_estimate(&c, Some(&requirements(&[("nvidia.com/gpu", "1")]))),
            0,
            "resource not allocatable"
        );
        assert_eq!(
            general_estimate(&c, Some(&requirements(&[("cpu", "0")]))),
            80,
            "no positive request"
        );
        assert_eq!(
            general_estimate(&cluster(None, vec![]), None),
            0,
            "no summary"
        );
        let full = ResourceSummary {
            allocating: list(&[("pods", "80")]),
            ..summary
        };
        assert_eq!(
            general_estimate(&cluster(Some(full), vec![]), None),
            0,
            "no pods left"
        );
    }

    fn grade(g: u32, cpu: &str, memory: &str) -> ResourceModel {
        ResourceModel {
            grade: g,
            ranges: vec![
                ResourceModelRange {
                    name: "cpu".into(),
                    min: cpu.parse().unwrap(),
                    max: Quantity::max_int64(),
                },
                ResourceModelRange {
                    name: "memory".into(),
                    min: memory.parse().unwrap(),
                    max: Quantity::max_int64(),
                },
            ],
        }
    }

    /// S-25: the worked example (model result 2, capped by allowed pods) and the fallback.
    #[test]
    fn s25_resource_models() {
        let summary = ResourceSummary {
            allocatable: list(&[("cpu", "100"), ("memory", "100Gi"), ("pods", "50")]),
            allocatable_modelings: vec![
                AllocatableModeling { grade: 0, count: 5 },
                AllocatableModeling { grade: 1, count: 2 },
            ],
            ..Default::default()
        };
        let c = cluster(
            Some(summary.clone()),
            vec![grade(1, "2", "4Gi"), grade(0, "0", "0")],
        );
        assert_eq!(
            general_estimate(&c, Some(&requirements(&[("cpu", "1"), ("memory", "3Gi")]))),
            2
        );
        let no_models = cluster(Some(summary.clone()), vec![]);
        assert_eq!(
            general_estimate(
                &no_models,
                Some(&requirements(&[("cpu", "1"), ("memory", "3Gi")]))
            ),
            33,
            "falls back to S-24"
        );
        let negative = ResourceSummary {
            allocatable_modelings: vec![AllocatableModeling {
                grade: 1,
                count: -1,
            }],
            ..summary
        };
        let c = cluster(Some(negative), vec![grade(1, "2", "4Gi")]);
        assert_eq!(
            general_estimate(&c, Some(&requirements(&[("cpu", "1")]))),
            50,
            "negative count falls back"
        );
    }

    struct Fixed(Vec<i64>);
    impl ReplicaEstimator for Fixed {
        fn estimate(&self, _: &[&ClusterInfo], _: &ResourceBindingSpec) -> Vec<i64> {
            self.0.clone()
        }
    }

    /// S-23: minimum over estimators, −1 ignored, UNBOUNDED → replicas, replicas 0 → UNBOUNDED.
    #[test]
    fn s23_combining_estimators() {
        let a = cluster(None, vec![]);
        let clusters = [&a, &a, &a];
        let spec = ResourceBindingSpec {
            replicas: 7,
            ..Default::default()
        };
        let e1 = Fixed(vec![5, -1, -1]);
        let e2 = Fixed(vec![9, 3, -1]);
        assert_eq!(estimate(&[&e1, &e2], &clusters, &spec), vec![5, 3, 7]);
        let zero = ResourceBindingSpec::default();
        assert_eq!(estimate(&[&e1], &clusters, &zero), vec![UNBOUNDED; 3]);
    }
}
