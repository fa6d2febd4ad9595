//! Value types shared by several kinds: conditions, resource lists, serde helpers.
//!
//! Owns: the Karmada/Kubernetes shapes that are not specific to one kind. Must not: carry
//! behaviour beyond tiny accessors (matching and scheduling live in `flotilla-core`).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::quantity::Quantity;

/// A resource list such as `{cpu: "2", memory: "4Gi"}` (Kubernetes `ResourceList`).
pub type ResourceList = BTreeMap<String, Quantity>;

/// `metav1.Condition` with the schema rules Kubernetes attaches to it (api.md §2.5).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// Type of condition in CamelCase or in `foo.example.com/CamelCase`.
    #[serde(rename = "type")]
    #[schemars(length(max = 316))]
    #[schemars(regex(
        pattern = r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"
    ))]
    pub type_: String,
    /// Status of the condition: `True`, `False` or `Unknown`.
    pub status: ConditionStatus,
    /// The `.metadata.generation` the condition was set from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub observed_generation: Option<i64>,
    /// Last time the condition changed status.
    pub last_transition_time: Time,
    /// Programmatic identifier of the condition's last transition, in CamelCase.
    #[schemars(length(min = 1, max = 1024))]
    #[schemars(regex(pattern = r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"))]
    pub reason: String,
    /// Human-readable message about the transition (may be empty).
    #[schemars(length(max = 32768))]
    pub message: String,
}

/// The status of a [`Condition`].
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, JsonSchema)]
pub enum ConditionStatus {
    /// The condition holds.
    True,
    /// The condition does not hold.
    False,
    /// Nobody knows yet.
    #[default]
    Unknown,
}

impl ConditionStatus {
    /// The wire spelling (`True`, `False`, `Unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionStatus::True => "True",
            ConditionStatus::False => "False",
            ConditionStatus::Unknown => "Unknown",
        }
    }
}

/// Finds the condition of type `type_` in a list.
pub fn find_condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

/// Serde helper: skip a number when it is zero (Go's `omitempty`).
pub(crate) fn is_zero<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Serde helper: skip a `bool` when false (Go's `omitempty`).
pub(crate) fn is_false(value: &bool) -> bool {
    !*value
}

/// Sets a condition with Kubernetes' semantics: an existing condition of the same type is
/// replaced, keeping its `lastTransitionTime` when the status did not change; `now` stamps a
/// transition. Returns true if anything changed.
pub fn set_condition(
    conditions: &mut Vec<Condition>,
    mut condition: Condition,
    now: &Time,
) -> bool {
    match conditions.iter_mut().find(|c| c.type_ == condition.type_) {
        Some(existing) => {
            condition.last_transition_time = if existing.status == condition.status {
                existing.last_transition_time.clone()
            } else {
                now.clone()
            };
            let changed = *existing != condition;
            *existing = condition;
            changed
        }
        None => {
            condition.last_transition_time = now.clone();
            conditions.push(condition);
            true
        }
    }
}
