//! ClusterTaintPolicy spec (api.md §6): turns Cluster conditions into taints.
//!
//! Owns: the serde shape. Must not: evaluate conditions (that is `flotilla-core`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::policy::ClusterAffinity;

/// The spec of a ClusterTaintPolicy.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterTaintPolicySpec {
    /// Clusters the policy applies to; absent means all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_clusters: Option<ClusterAffinity>,
    /// All must hold for the taints to be added; empty means never add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_on_conditions: Vec<MatchCondition>,
    /// All must hold for the taints to be removed; empty means never remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_on_conditions: Vec<MatchCondition>,
    /// The taints to add or remove (at least one).
    #[schemars(length(min = 1))]
    pub taints: Vec<TaintSpec>,
}

/// A condition on a Cluster's `status.conditions`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MatchCondition {
    /// The Cluster condition type, e.g. `Ready`.
    pub condition_type: String,
    /// `In` or `NotIn` (not enumerated by the schema; an unknown operator never holds).
    pub operator: String,
    /// Condition statuses: `True`, `False`, `Unknown`.
    pub status_values: Vec<String>,
}

/// A taint a ClusterTaintPolicy manages.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaintSpec {
    /// Taint key.
    pub key: String,
    /// `NoSchedule` or `NoExecute`.
    pub effect: String,
    /// Taint value.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
}
