//! One consistent view of all Clusters for scheduling passes (S-13 step 1), pre-digested once so
//! that a pass over many bindings does no repeated parsing: API enablements as a lookup table,
//! free capacity per resource, and resource-model virtual nodes.
//!
//! Owns: per-cluster facts the filters and the estimator read. Must not: depend on any binding.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use flotilla_api::kinds::Cluster;
use flotilla_api::quantity::Quantity;
use flotilla_api::types::{ResourceList, ResourceSummary};
use k8s_openapi::api::core::v1::Taint;

use crate::selector::ClusterFacts;

/// Pods one resource-model virtual node can hold (S-25).
const MODEL_NODE_PODS: i64 = 110;

/// One cluster as the scheduler sees it.
#[derive(Clone, Debug)]
pub struct ClusterInfo {
    /// The Cluster object.
    pub cluster: Cluster,
    /// Its name.
    pub name: Arc<str>,
    /// `spec.region` (empty when unset).
    pub region: Arc<str>,
    /// Its position in the snapshot (0 outside one).
    pub index: usize,
    /// `metadata.deletionTimestamp` is set.
    pub deleting: bool,
    /// Zones, with a deprecated `spec.zone` folded in.
    pub zones: Vec<String>,
    /// `status.apiEnablements` as groupVersion → kinds.
    api: HashMap<String, Vec<String>>,
    /// Capacity figures for the general estimator (S-24, S-25).
    pub capacity: Capacity,
}

/// Capacity figures derived from `status.resourceSummary` and `spec.resourceModels`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Capacity {
    /// `None` when the cluster reports no resource summary (S-24 step 1: estimate 0).
    pub summary: Option<FreeResources>,
    /// Resource-model virtual nodes, when the cluster reports allocatable modelings (S-25).
    pub model_nodes: Option<Vec<ModelNodes>>,
}

/// Free resources: allocatable − allocated − allocating, in whole units (`units`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FreeResources {
    /// Free pods (may be ≤ 0).
    pub pods: i64,
    /// Free amount per resource in units; resources missing from `allocatable` are absent.
    pub free: BTreeMap<String, i64>,
}

/// `count` identical virtual nodes of one grade (S-25 step 1).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelNodes {
    /// Number of nodes.
    pub count: i64,
    /// Capacity of one node per resource (`range.min`) in units; `pods` is 110.
    pub capacity: BTreeMap<String, i64>,
}

/// Whole units of a quantity for capacity arithmetic: millicores for `cpu`, base units rounded
/// up otherwise (S-24 step 5).
pub fn units(resource: &str, quantity: &Quantity) -> i64 {
    let value = if resource == "cpu" {
        quantity.as_milli()
    } else {
        quantity.as_i64_ceil()
    };
    value.unwrap_or(if quantity.is_negative() {
        i64::MIN
    } else {
        i64::MAX
    })
}

impl ModelNodes {
    /// Pods per virtual node.
    pub const PODS: i64 = MODEL_NODE_PODS;
}

impl ClusterInfo {
    /// Digests one Cluster.
    pub fn new(cluster: Cluster) -> Self {
        let name: Arc<str> = cluster.metadata.name.as_deref().unwrap_or("").into();
        let region: Arc<str> = cluster.spec.region.as_str().into();
        let deleting = cluster.metadata.deletion_timestamp.is_some();
        let zones = ClusterFacts::of(&cluster).zones.to_vec();
        let mut api: HashMap<String, Vec<String>> = HashMap::new();
        let status = cluster.status.as_ref();
        for enablement in status.map(|s| s.api_enablements.as_slice()).unwrap_or(&[]) {
            let kinds = api.entry(enablement.group_version.clone()).or_default();
            kinds.extend(enablement.resources.iter().map(|r| r.kind.clone()));
        }
        let summary = status.and_then(|s| s.resource_summary.as_ref());
        let capacity = Capacity {
            summary: summary.map(free_resources),
            model_nodes: summary.and_then(|s| model_nodes(&cluster, s)),
        };
        ClusterInfo {
            cluster,
            name,
            region,
            index: 0,
            deleting,
            zones,
            api,
            capacity,
        }
    }

    /// The facts affinities match against.
    pub fn facts(&self) -> ClusterFacts<'_> {
        ClusterFacts {
            zones: &self.zones,
            ..ClusterFacts::of(&self.cluster)
        }
    }

    /// The cluster's taints.
    pub fn taints(&self) -> &[Taint] {
        &self.cluster.spec.taints
    }

    /// S-18: does the cluster serve `apiVersion`/`kind`?
    pub fn serves(&self, api_version: &str, kind: &str) -> bool {
        self.api
            .get(api_version)
            .is_some_and(|kinds| kinds.iter().any(|k| k == kind))
    }
}

fn quantity_of(list: &ResourceList, name: &str) -> Quantity {
    list.get(name).copied().unwrap_or_default()
}

fn free_resources(summary: &ResourceSummary) -> FreeResources {
    let minus_used = |name: &str, allocatable: Quantity| {
        allocatable
            .checked_sub(quantity_of(&summary.allocated, name))
            .and_then(|q| q.checked_sub(quantity_of(&summary.allocating, name)))
            .unwrap_or_default()
    };
    let pods = minus_used("pods", quantity_of(&summary.allocatable, "pods"))
        .as_i64_ceil()
        .unwrap_or(0);
    let free = summary
        .allocatable
        .iter()
        .map(|(name, q)| (name.clone(), units(name, &minus_used(name, *q))))
        .collect();
    FreeResources { pods, free }
}

/// S-25 step 1: grades in ascending order, `count(g)` nodes each with `range.min` capacity.
/// `None` (fall back to the summary path) when there are no models or a count is negative.
fn model_nodes(cluster: &Cluster, summary: &ResourceSummary) -> Option<Vec<ModelNodes>> {
    if summary.allocatable_modelings.is_empty() || cluster.spec.resource_models.is_empty() {
        return None;
    }
    if summary.allocatable_modelings.iter().any(|m| m.count < 0) {
        return None;
    }
    let mut models: Vec<_> = cluster.spec.resource_models.iter().collect();
    models.sort_by_key(|m| m.grade);
    let nodes = models
        .into_iter()
        .map(|model| {
            let count = summary
                .allocatable_modelings
                .iter()
                .filter(|m| m.grade == model.grade)
                .map(|m| m.count)
                .sum();
            let capacity = model
                .ranges
                .iter()
                .map(|r| (r.name.clone(), units(&r.name, &r.min)))
                .collect();
            ModelNodes { count, capacity }
        })
        .filter(|n| n.count > 0)
        .collect();
    Some(nodes)
}

/// All clusters, in name order, with a name index and an index of served APIs.
#[derive(Clone, Debug, Default)]
pub struct ClusterSnapshot {
    clusters: Vec<ClusterInfo>,
    index: HashMap<Arc<str>, usize>,
    /// groupVersion → kind → which clusters (by position) serve it.
    served: HashMap<String, HashMap<String, Vec<bool>>>,
}

impl ClusterSnapshot {
    /// Builds a snapshot; input order does not matter (S-67).
    pub fn new(clusters: impl IntoIterator<Item = Cluster>) -> Self {
        let mut clusters: Vec<ClusterInfo> = clusters.into_iter().map(ClusterInfo::new).collect();
        clusters.sort_by(|a, b| a.name.cmp(&b.name));
        let n = clusters.len();
        let mut served: HashMap<String, HashMap<String, Vec<bool>>> = HashMap::new();
        for (i, cluster) in clusters.iter_mut().enumerate() {
            cluster.index = i;
            for (group_version, kinds) in &cluster.api {
                let by_kind = served.entry(group_version.clone()).or_default();
                for kind in kinds {
                    by_kind
                        .entry(kind.clone())
                        .or_insert_with(|| vec![false; n])[i] = true;
                }
            }
        }
        let index = clusters
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        ClusterSnapshot {
            clusters,
            index,
            served,
        }
    }

    /// Which clusters (by position) serve `apiVersion`/`kind` (S-18); `None` if none does.
    pub fn served_by(&self, api_version: &str, kind: &str) -> Option<&[bool]> {
        self.served.get(api_version)?.get(kind).map(Vec::as_slice)
    }

    /// Every cluster, deleting ones included.
    pub fn clusters(&self) -> &[ClusterInfo] {
        &self.clusters
    }

    /// A cluster by name.
    pub fn get(&self, name: &str) -> Option<&ClusterInfo> {
        self.index.get(name).map(|&i| &self.clusters[i])
    }

    /// Number of clusters.
    pub fn len(&self) -> usize {
        self.clusters.len()
    }

    /// True when there are no clusters.
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }
}
