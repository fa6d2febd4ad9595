//! Types shared by the policy kinds and the bindings: resource selectors, placement, failover
//! behaviour, suspension and schedule priority (api.md §3, §5.2).
//!
//! Owns: the serde shapes and their schema-level rules (enums, required, bounds, defaults).
//! Must not: hold matching or scheduling logic.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{NodeSelectorRequirement, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::is_false;

/// Selects resource templates by apiVersion, kind and optionally namespace, name or labels (§3.1).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSelector {
    /// API version of the target resources, e.g. `apps/v1`.
    pub api_version: String,
    /// Kind of the target resources, e.g. `Deployment`.
    pub kind: String,
    /// Namespace of the target resources; PropagationPolicy defaults it to its own namespace.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Name of the target resource; when set, `labelSelector` is ignored.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Label query over the target resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
}

/// A group of clusters selected by labels, fields and names (§3.2).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterAffinity {
    /// Label query over clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    /// Query over cluster spec fields (`provider`, `region`, `zone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_selector: Option<FieldSelector>,
    /// Cluster names; empty means no name restriction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_names: Vec<String>,
    /// Cluster names that never match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

impl ClusterAffinity {
    /// True when no part of the affinity is set (it then matches every cluster).
    pub fn is_empty(&self) -> bool {
        self.label_selector.is_none()
            && self.field_selector.is_none()
            && self.cluster_names.is_empty()
            && self.exclude.is_empty()
    }
}

/// Field selector over clusters: requirements on `provider`, `region` and `zone` (§3.3).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldSelector {
    /// Requirements, ANDed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<NodeSelectorRequirement>,
}

/// One ordered cluster group of `placement.clusterAffinities` (§3.4).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterAffinityTerm {
    /// Name of the group, recorded in the binding status when it is in use.
    #[schemars(length(min = 1, max = 32))]
    pub affinity_name: String,
    /// The group's clusters.
    #[serde(flatten)]
    pub affinity: ClusterAffinity,
    /// Extra groups used when the term's own clusters lack capacity (v1.18+).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overflow_affinities: Vec<OverflowClusterAffinity>,
}

/// An overflow group of a [`ClusterAffinityTerm`].
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OverflowClusterAffinity {
    /// Name of the overflow group.
    #[schemars(length(min = 1, max = 32))]
    pub affinity_name: String,
    /// The overflow group's clusters.
    #[serde(flatten)]
    pub affinity: ClusterAffinity,
}

/// Spread-constraint topology field (§3.5).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SpreadByField {
    /// One group per cluster.
    Cluster,
    /// Group by `spec.region`.
    Region,
    /// Group by `spec.zones`.
    Zone,
    /// Group by `spec.provider`.
    Provider,
}

impl SpreadByField {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SpreadByField::Cluster => "cluster",
            SpreadByField::Region => "region",
            SpreadByField::Zone => "zone",
            SpreadByField::Provider => "provider",
        }
    }
}

/// How to spread a workload over topology groups (§3.5).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SpreadConstraint {
    /// Spread by a cluster spec field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread_by_field: Option<SpreadByField>,
    /// Spread by a cluster label (accepted, not implemented by the scheduler).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub spread_by_label: String,
    /// Most groups to select; 0 means no upper bound (decisions.md D-7).
    #[serde(default, skip_serializing_if = "super::common::is_zero")]
    pub max_groups: i64,
    /// Fewest groups to select; admission defaults 0 to 1.
    #[serde(default, skip_serializing_if = "super::common::is_zero")]
    pub min_groups: i64,
}

/// Replica scheduling type.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum ReplicaSchedulingType {
    /// Every selected cluster gets the full replica count.
    Duplicated,
    /// Replicas are divided among the selected clusters.
    #[default]
    Divided,
}

/// How divided replicas are shared.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ReplicaDivisionPreference {
    /// Pack into as few clusters as capacity allows.
    Aggregated,
    /// Share by weights.
    Weighted,
}

/// `placement.replicaScheduling` (§3.6). Absent means Duplicated.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaSchedulingStrategy {
    /// `Duplicated` or `Divided` (schema default).
    #[serde(default)]
    pub replica_scheduling_type: ReplicaSchedulingType,
    /// `Aggregated` or `Weighted`; admission sets `Weighted` for Divided when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_division_preference: Option<ReplicaDivisionPreference>,
    /// Weights for `Weighted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_preference: Option<ClusterPreferences>,
}

/// Dynamic weight factor.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum DynamicWeightFactor {
    /// Weight by the replicas each cluster can still run.
    AvailableReplicas,
}

/// Static or dynamic weights (§3.6).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterPreferences {
    /// Static weights; a cluster takes the largest weight among matching entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub static_weight_list: Vec<StaticClusterWeight>,
    /// Dynamic weight; when set, `staticWeightList` is ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_weight: Option<DynamicWeightFactor>,
}

/// One static weight entry.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StaticClusterWeight {
    /// Clusters the weight applies to.
    pub target_cluster: ClusterAffinity,
    /// The weight, at least 1.
    #[schemars(range(min = 1))]
    pub weight: i64,
}

/// Where a workload may run (`spec.placement`, §5.2).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Placement {
    /// One cluster group; cannot coexist with `clusterAffinities`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_affinity: Option<ClusterAffinity>,
    /// Ordered cluster groups, tried in order. Presence (even empty) matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_affinities: Option<Vec<ClusterAffinityTerm>>,
    /// Tolerations of cluster taints; they also decide NoExecute eviction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_tolerations: Vec<Toleration>,
    /// Spread constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spread_constraints: Vec<SpreadConstraint>,
    /// Replica scheduling strategy; absent means Duplicated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_scheduling: Option<ReplicaSchedulingStrategy>,
    /// Workload affinity groups (v1.17+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_affinity: Option<WorkloadAffinity>,
}

impl Placement {
    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        *self == Placement::default()
    }
}

/// Workload affinity and anti-affinity by a label key (§3.10).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadAffinity {
    /// Co-locate workloads sharing this label's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<WorkloadAffinityTerm>,
    /// Separate workloads sharing this label's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anti_affinity: Option<WorkloadAffinityTerm>,
}

/// A workload affinity term.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadAffinityTerm {
    /// The label key whose value forms the group.
    pub group_by_label_key: String,
}

/// Purge mode: what happens to the copy on the cluster a workload leaves (F-30).
///
/// The legacy names `Immediately` and `Graciously` are read as `Directly` and `Gracefully`
/// (decisions.md FD-7) and never written.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum PurgeMode {
    /// Remove the old copy at once; the new copy waits until it is gone.
    #[serde(alias = "Immediately")]
    Directly,
    /// Keep the old copy until the new placement is healthy or a timeout passes.
    #[default]
    #[serde(alias = "Graciously")]
    Gracefully,
    /// Keep the old copy until a human confirms (application failover only).
    Never,
}

impl PurgeMode {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PurgeMode::Directly => "Directly",
            PurgeMode::Gracefully => "Gracefully",
            PurgeMode::Never => "Never",
        }
    }

    /// Maps a legacy or current spelling to the current one (FD-7).
    pub fn normalize_name(name: &str) -> &str {
        match name {
            "Immediately" => "Directly",
            "Graciously" => "Gracefully",
            other => other,
        }
    }
}

/// `spec.failover` (§3.7).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FailoverBehavior {
    /// Application failover; absent means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<ApplicationFailoverBehavior>,
    /// Cluster failover; absent means the controller flag decides the purge mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterFailoverBehavior>,
}

/// `spec.failover.cluster` (v1.15+).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterFailoverBehavior {
    /// `Directly` or `Gracefully` (default).
    #[serde(default)]
    #[schemars(extend("enum" = ["Directly", "Gracefully"]))]
    pub purge_mode: PurgeMode,
    /// State to carry to the new cluster (needs gate `StatefulFailoverInjection`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_preservation: Option<StatePreservation>,
}

/// `spec.failover.application`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationFailoverBehavior {
    /// When the application counts as failed.
    pub decision_conditions: DecisionConditions,
    /// `Directly`, `Gracefully` (default) or `Never`.
    #[serde(default)]
    pub purge_mode: PurgeMode,
    /// Seconds to wait for the new copy before removing the old one (Gracefully only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_seconds: Option<i32>,
    /// State to carry to the new cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_preservation: Option<StatePreservation>,
}

/// Application failover trigger.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionConditions {
    /// Seconds an unhealthy application is tolerated before failover (schema default 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 300))]
    pub toleration_seconds: Option<i32>,
}

/// State preservation rules (F-41).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatePreservation {
    /// The rules.
    pub rules: Vec<StatePreservationRule>,
}

/// One state preservation rule.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatePreservationRule {
    /// Label key the preserved value is injected under.
    pub alias_label_name: String,
    /// Kubernetes JSONPath template evaluated relative to the old copy's `.status`.
    pub json_path: String,
}

/// `spec.suspension` (§3.8).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Suspension {
    /// `true` stops dispatching to every cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatching: Option<bool>,
    /// Stops dispatching to the named clusters only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatching_on_clusters: Option<SuspendClusters>,
}

/// Clusters whose dispatching is suspended.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SuspendClusters {
    /// Cluster names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_names: Vec<String>,
}

/// Where a schedule priority comes from.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum PriorityClassSource {
    /// A `scheduling.k8s.io/v1` PriorityClass on the control plane.
    KubePriorityClass,
}

/// `spec.schedulePriority` of a policy (§3.9).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SchedulePriority {
    /// Source of the priority.
    pub priority_class_source: PriorityClassSource,
    /// Name of the priority class.
    pub priority_class_name: String,
}

/// Conflict resolution when the object already exists in a member (§5.1).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum ConflictResolution {
    /// Fail the apply.
    #[default]
    Abort,
    /// Take the object over.
    Overwrite,
}

/// Policy preemption (§5.1).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum PreemptionPolicy {
    /// May take templates from lower-priority policies.
    Always,
    /// Never preempts.
    #[default]
    Never,
}

/// Policy activation preference (§5.1).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ActivationPreference {
    /// Policy changes reach a template only when the template next changes.
    Lazy,
}

/// The spec shared by PropagationPolicy and ClusterPropagationPolicy (§5.1).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PropagationSpec {
    /// Which resource templates the policy propagates (at least one).
    #[schemars(length(min = 1))]
    pub resource_selectors: Vec<ResourceSelector>,
    /// Deprecated, replaced by `propagateDeps`; no effect.
    #[serde(default, skip_serializing_if = "is_false")]
    pub association: bool,
    /// Propagate dependencies (ConfigMaps, Secrets, …) along with the workload.
    #[serde(default, skip_serializing_if = "is_false")]
    pub propagate_deps: bool,
    /// Where the workload may run.
    #[serde(default, skip_serializing_if = "Placement::is_empty")]
    pub placement: Placement,
    /// Priority when several policies match; higher wins (schema default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = 0))]
    pub priority: Option<i32>,
    /// `Always` or `Never` (default).
    #[serde(default)]
    pub preemption: PreemptionPolicy,
    /// Override policies that must exist before this policy applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependent_overrides: Vec<String>,
    /// Scheduler to use (schema default `default-scheduler`); immutable.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(extend("default" = "default-scheduler"))]
    pub scheduler_name: String,
    /// Failover behaviour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover: Option<FailoverBehavior>,
    /// `Abort` (default) or `Overwrite`.
    #[serde(default)]
    pub conflict_resolution: ConflictResolution,
    /// `Lazy`, or absent for immediate activation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_preference: Option<ActivationPreference>,
    /// Dispatch suspension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspension: Option<Suspension>,
    /// Keep member objects when the template is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preserve_resources_on_deletion: Option<bool>,
    /// Scheduling priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_priority: Option<SchedulePriority>,
}

/// A map of strings (labels, annotations, headers).
pub type StringMap = BTreeMap<String, String>;
