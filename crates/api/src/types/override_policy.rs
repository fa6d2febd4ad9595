//! OverridePolicy / ClusterOverridePolicy spec (api.md §7) — accepted and stored; behaviour later.
//!
//! Owns: the serde shape. Must not: apply overrides.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::policy::{ClusterAffinity, ResourceSelector, StringMap};

/// The spec shared by OverridePolicy and ClusterOverridePolicy.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OverrideSpec {
    /// Resources to override; absent or empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_selectors: Vec<ResourceSelector>,
    /// Rules, each for a set of clusters. Presence (even empty) matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_rules: Option<Vec<RuleWithCluster>>,
    /// Deprecated since v1.0: clusters for `overriders`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_cluster: Option<ClusterAffinity>,
    /// Deprecated since v1.0: overriders applied to `targetCluster`. Always written.
    #[serde(default)]
    pub overriders: Overriders,
}

/// One override rule.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleWithCluster {
    /// Clusters the rule applies to; absent means all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_cluster: Option<ClusterAffinity>,
    /// What to change.
    pub overriders: Overriders,
}

/// The overriders of a rule, applied in field order.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Overriders {
    /// JSON-patch-like operations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plaintext: Vec<PlaintextOverrider>,
    /// Image overriders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_overrider: Vec<ImageOverrider>,
    /// Container command overriders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command_overrider: Vec<CommandArgsOverrider>,
    /// Container args overriders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args_overrider: Vec<CommandArgsOverrider>,
    /// Label overriders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels_overrider: Vec<LabelAnnotationOverrider>,
    /// Annotation overriders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations_overrider: Vec<LabelAnnotationOverrider>,
    /// Overriders of JSON/YAML held in a string field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_overrider: Vec<FieldOverrider>,
}

impl Overriders {
    /// True when no overrider of the deprecated top-level kinds is set (the co-existence rule).
    pub fn is_empty_for_coexistence(&self) -> bool {
        self.plaintext.is_empty()
            && self.image_overrider.is_empty()
            && self.command_overrider.is_empty()
            && self.args_overrider.is_empty()
            && self.labels_overrider.is_empty()
            && self.annotations_overrider.is_empty()
    }
}

/// Overrider operator.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OverriderOperator {
    /// Add.
    Add,
    /// Remove.
    Remove,
    /// Replace.
    Replace,
}

/// Command/args overrider operator.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CommandArgsOperator {
    /// Append values.
    Add,
    /// Remove values.
    Remove,
}

/// A plaintext (JSON patch) overrider.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlaintextOverrider {
    /// JSON pointer to the target field.
    pub path: String,
    /// Operation.
    pub operator: OverriderOperator,
    /// Value for add/replace (any JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::any_json")]
    pub value: Option<serde_json::Value>,
}

/// Image component.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
pub enum ImageComponent {
    /// Registry part.
    Registry,
    /// Repository part.
    Repository,
    /// Tag part.
    Tag,
}

/// An image overrider.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageOverrider {
    /// Where the image is; absent means well-known workload paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<ImagePredicate>,
    /// Part of the image to change.
    pub component: ImageComponent,
    /// Operation.
    pub operator: OverriderOperator,
    /// New value (for add/replace).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
}

/// Locates an image field.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImagePredicate {
    /// JSON pointer to the image field.
    pub path: String,
}

/// A command or args overrider.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommandArgsOverrider {
    /// Container name.
    pub container_name: String,
    /// Operation.
    pub operator: CommandArgsOperator,
    /// Values to add or remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value: Vec<String>,
}

/// A label or annotation overrider.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LabelAnnotationOverrider {
    /// Operation.
    pub operator: OverriderOperator,
    /// Keys and values.
    pub value: StringMap,
}

/// Overrides JSON or YAML held in a string field.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FieldOverrider {
    /// JSON pointer to the string field.
    pub field_path: String,
    /// Operations on JSON content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub json: Vec<PatchOperation>,
    /// Operations on YAML content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub yaml: Vec<PatchOperation>,
}

/// One operation of a [`FieldOverrider`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PatchOperation {
    /// JSON pointer inside the content.
    pub sub_path: String,
    /// Operation.
    pub operator: OverriderOperator,
    /// Value for add/replace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::any_json")]
    pub value: Option<serde_json::Value>,
}
