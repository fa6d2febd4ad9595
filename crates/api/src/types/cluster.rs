//! Cluster spec and status (api.md §4): a member cluster's identity, access, topology, taints and
//! observed state.
//!
//! Owns: the serde shape. Must not: probe clusters or compute health.

use k8s_openapi::api::core::v1::Taint;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Condition, ResourceList, is_false, is_zero};
use super::policy::StringMap;
use crate::quantity::Quantity;

/// How the control plane reaches the member.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum SyncMode {
    /// An agent in the member connects to the control plane.
    Pull,
    /// The control plane connects to the member.
    #[default]
    Push,
}

impl SyncMode {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncMode::Push => "Push",
            SyncMode::Pull => "Pull",
        }
    }
}

/// The spec of a Cluster (§4.2).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSpec {
    /// Unique cluster id, usually collected at registration; do not change.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// `Push` or `Pull`.
    pub sync_mode: SyncMode,
    /// API endpoint of the member, e.g. `https://10.0.0.1:6443`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_endpoint: String,
    /// Secret holding `token` and `caBundle` for the member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalSecretReference>,
    /// Secret holding the impersonator `token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonator_secret_ref: Option<LocalSecretReference>,
    /// Skip TLS verification of the member's API server.
    #[serde(
        default,
        rename = "insecureSkipTLSVerification",
        skip_serializing_if = "is_false"
    )]
    pub insecure_skip_tls_verification: bool,
    /// Proxy URL (`http`, `https` or `socks5`).
    #[serde(default, rename = "proxyURL", skip_serializing_if = "String::is_empty")]
    pub proxy_url: String,
    /// Headers sent to the proxy.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub proxy_header: StringMap,
    /// Cloud provider name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub provider: String,
    /// Region name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub region: String,
    /// Deprecated single zone; moved into `zones` when stored.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub zone: String,
    /// Zones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    /// Taints: `NoSchedule` keeps new workloads away, `NoExecute` evicts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    /// Resource models (grades) used for capacity estimation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_models: Vec<ResourceModel>,
}

/// Reference to a Secret in a namespace.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocalSecretReference {
    /// Namespace of the Secret.
    #[serde(default)]
    pub namespace: String,
    /// Name of the Secret.
    #[serde(default)]
    pub name: String,
}

/// A resource model grade: ranges `[min, max)` per resource (§4.2).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceModel {
    /// Grade number.
    pub grade: u32,
    /// Ranges, one per resource.
    pub ranges: Vec<ResourceModelRange>,
}

/// A resource range of a model grade.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceModelRange {
    /// Resource name (`cpu`, `memory`, `storage`, `ephemeral-storage`).
    pub name: String,
    /// Inclusive lower bound.
    pub min: Quantity,
    /// Exclusive upper bound.
    pub max: Quantity,
}

/// The status of a Cluster (§4.3).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterStatus {
    /// The member's Kubernetes version.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kubernetes_version: String,
    /// API groups and resources the member serves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_enablements: Vec<ApiEnablement>,
    /// Conditions: `Ready`, `CompleteAPIEnablements`, and third-party types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Node counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_summary: Option<NodeSummary>,
    /// Resource totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_summary: Option<ResourceSummary>,
    /// Remedy actions in force, e.g. `TrafficControl`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remedy_actions: Vec<String>,
}

/// One served group-version and its resources.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiEnablement {
    /// Group/version, e.g. `apps/v1`.
    pub group_version: String,
    /// Resources in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ApiResource>,
}

/// A served resource.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiResource {
    /// Plural resource name.
    pub name: String,
    /// Kind.
    pub kind: String,
}

/// Node counts of a member.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeSummary {
    /// All nodes.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub total_num: i32,
    /// Ready nodes.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ready_num: i32,
}

/// Resource totals of a member.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSummary {
    /// Allocatable resources.
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub allocatable: ResourceList,
    /// Resources being allocated (pending pods).
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub allocating: ResourceList,
    /// Allocated resources.
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub allocated: ResourceList,
    /// Node counts per resource-model grade.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allocatable_modelings: Vec<AllocatableModeling>,
}

/// Number of nodes in a resource-model grade.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AllocatableModeling {
    /// Grade.
    pub grade: u32,
    /// Node count.
    pub count: i64,
}
