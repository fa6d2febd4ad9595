//! State preservation (failover.md §7, F-41 … F-48, with decisions.md FD-9 and FD-10): the
//! label state extracted from the evicted cluster's reflected status when an eviction is built,
//! and its injection as labels into the new copy's manifest.
//!
//! Owns: which rules apply (F-41), extraction from `status.aggregatedStatus` with Kubernetes
//! JSONPath templates (F-42, F-43), all-or-nothing failure as a typed error (F-44) and its
//! Warning event `PreserveStateFailed` (FD-10), the injection decision for one target cluster
//! (F-46, whose consequences are F-47 and F-48) and the label edit of a manifest.
//!
//! Must not: write the eviction task (F-28 is `eviction.rs`; the taint manager and application
//! failover put the result into `preservedLabelState`, F-45), generate Works or record managed
//! labels (binding controller), decide when a task goes (graceful eviction, including FD-8's
//! `--keep-preserved-state-until-dispatch`), read the clock or do I/O.
//!
//! Gate: everything here is behind `StatefulFailoverInjection` (Alpha, off by default). The
//! gate is a plain `bool` input; with it off the policy fields are stored and inert.

use crate::events::Event;
use std::collections::BTreeMap;

use flotilla_api::constants::events;
use flotilla_api::jsonpath::{EvalError, ParseError, RenderOptions, Template};
use flotilla_api::types::{
    AggregatedStatusItem, PurgeMode, ResourceBindingSpec, StatePreservation, StatePreservationRule,
};
use serde_json::{Map, Value};

#[cfg(test)]
mod tests;

/// Preserved state: label key (`aliasLabelName`) → rendered value (`preservedLabelState`).
///
/// The same map type as `GracefulEvictionTask::preserved_label_state`, so it can be stored as is.
pub type PreservedLabelState = BTreeMap<String, String>;

/// Missing keys are errors during extraction (F-43: missing-key tolerance is off).
const EXTRACTION_OPTIONS: RenderOptions = RenderOptions {
    allow_missing_keys: false,
};

/// Why state extraction failed (F-44). Any failure fails the whole extraction: the eviction is
/// not written and is retried, and FD-10 adds a `PreserveStateFailed` Warning event.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum StateExtractionError {
    /// The binding has no `aggregatedStatus` item for the evicted cluster, or the item has no
    /// (or a `null`) `status` (F-42). The message is Karmada's.
    #[error("the application status has not yet been collected from Cluster({cluster})")]
    StatusNotCollected {
        /// The evicted cluster.
        cluster: String,
    },
    /// A rule's `jsonPath` is not a valid JSONPath template (admission does not check it, F-41).
    #[error(
        "state preservation rule {alias_label_name} (jsonPath {json_path:?}) is invalid, \
         evaluating the status from Cluster({cluster}): {source}"
    )]
    InvalidJsonPath {
        /// The rule's `aliasLabelName`.
        alias_label_name: String,
        /// The rule's `jsonPath`, as written.
        json_path: String,
        /// The evicted cluster.
        cluster: String,
        /// The parser's error.
        #[source]
        source: ParseError,
    },
    /// A rule failed on the status, for example a missing key (F-43).
    #[error(
        "state preservation rule {alias_label_name} (jsonPath {json_path:?}) failed on the status \
         from Cluster({cluster}): {source}"
    )]
    Evaluation {
        /// The rule's `aliasLabelName`.
        alias_label_name: String,
        /// The rule's `jsonPath`, as written.
        json_path: String,
        /// The evicted cluster.
        cluster: String,
        /// The evaluator's error.
        #[source]
        source: EvalError,
    },
}

impl StateExtractionError {
    /// The evicted cluster the extraction was for.
    pub fn cluster(&self) -> &str {
        match self {
            StateExtractionError::StatusNotCollected { cluster }
            | StateExtractionError::InvalidJsonPath { cluster, .. }
            | StateExtractionError::Evaluation { cluster, .. } => cluster,
        }
    }

    /// The `aliasLabelName` of the failing rule, if a rule failed.
    pub fn alias_label_name(&self) -> Option<&str> {
        match self {
            StateExtractionError::StatusNotCollected { .. } => None,
            StateExtractionError::InvalidJsonPath {
                alias_label_name, ..
            }
            | StateExtractionError::Evaluation {
                alias_label_name, ..
            } => Some(alias_label_name),
        }
    }
}

/// The rules of a `statePreservation` block; none when the block is absent (F-41).
pub fn rules(preservation: Option<&StatePreservation>) -> &[StatePreservationRule] {
    preservation.map_or(&[], |p| p.rules.as_slice())
}

/// The rules for cluster failover: `spec.failover.cluster.statePreservation.rules` (F-41).
pub fn cluster_failover_rules(spec: &ResourceBindingSpec) -> &[StatePreservationRule] {
    let block = spec.failover.as_ref().and_then(|f| f.cluster.as_ref());
    rules(block.and_then(|c| c.state_preservation.as_ref()))
}

/// The rules for application failover: `spec.failover.application.statePreservation.rules`
/// (F-41).
pub fn application_failover_rules(spec: &ResourceBindingSpec) -> &[StatePreservationRule] {
    let block = spec.failover.as_ref().and_then(|f| f.application.as_ref());
    rules(block.and_then(|a| a.state_preservation.as_ref()))
}

/// The reflected status collected from `cluster` (F-42): the `status` of its `aggregatedStatus`
/// item. A missing item, or an item whose status is absent or `null`, is
/// [`StateExtractionError::StatusNotCollected`].
pub fn collected_status<'a>(
    aggregated_status: &'a [AggregatedStatusItem],
    cluster: &str,
) -> Result<&'a Value, StateExtractionError> {
    aggregated_status
        .iter()
        .find(|item| item.cluster_name == cluster)
        .and_then(|item| item.status.as_ref())
        .filter(|status| !status.is_null())
        .ok_or_else(|| StateExtractionError::StatusNotCollected {
            cluster: cluster.to_string(),
        })
}

/// Evaluates one rule against the status object (F-43): Kubernetes JSONPath template rooted at
/// the status, missing keys are errors, numbers as plain decimals (FD-9). `cluster` only names
/// the source in errors.
pub fn evaluate_rule(
    rule: &StatePreservationRule,
    status: &Value,
    cluster: &str,
) -> Result<String, StateExtractionError> {
    let template = Template::parse(&rule.json_path).map_err(|source| {
        StateExtractionError::InvalidJsonPath {
            alias_label_name: rule.alias_label_name.clone(),
            json_path: rule.json_path.clone(),
            cluster: cluster.to_string(),
            source,
        }
    })?;
    template
        .render(status, &EXTRACTION_OPTIONS)
        .map_err(|source| StateExtractionError::Evaluation {
            alias_label_name: rule.alias_label_name.clone(),
            json_path: rule.json_path.clone(),
            cluster: cluster.to_string(),
            source,
        })
}

/// Extracts the preserved label state for an eviction from `cluster` (F-42 … F-44).
///
/// Every rule is evaluated on its own against the cluster's reflected status; the first
/// failure fails the whole extraction. With no rules nothing is read and the map is empty.
/// Two rules with the same `aliasLabelName`: the later one wins. Values are not validated as
/// label values (F-43).
pub fn extract_state(
    rules: &[StatePreservationRule],
    aggregated_status: &[AggregatedStatusItem],
    cluster: &str,
) -> Result<PreservedLabelState, StateExtractionError> {
    if rules.is_empty() {
        return Ok(PreservedLabelState::new());
    }
    let status = collected_status(aggregated_status, cluster)?;
    let mut state = PreservedLabelState::new();
    for rule in rules {
        let value = evaluate_rule(rule, status, cluster)?;
        state.insert(rule.alias_label_name.clone(), value);
    }
    Ok(state)
}

/// The state to store on the new task of an eviction from `cluster` (F-42, F-45).
///
/// `Ok(None)`: nothing is preserved, because gate `StatefulFailoverInjection` is off or there
/// are no rules. `Ok(Some(state))`: store it as `preservedLabelState` (application failover
/// then also stores `clustersBeforeFailover`). `Err`: do not write the eviction (F-44); emit
/// [`preserve_state_failed_event`] (FD-10) and retry.
pub fn preserve_state(
    stateful_failover_injection: bool,
    rules: &[StatePreservationRule],
    aggregated_status: &[AggregatedStatusItem],
    cluster: &str,
) -> Result<Option<PreservedLabelState>, StateExtractionError> {
    if !stateful_failover_injection || rules.is_empty() {
        return Ok(None);
    }
    extract_state(rules, aggregated_status, cluster).map(Some)
}

/// FD-10: the Warning event `PreserveStateFailed` for a failed extraction, emitted on the
/// binding every time the eviction is held because of it. The message names the cluster, the
/// rule (when one failed) and says that the eviction waits.
pub fn preserve_state_failed_event(error: &StateExtractionError) -> Event {
    Event::warning(
        events::PRESERVE_STATE_FAILED,
        format!(
            "Eviction from cluster {} is held until the state can be preserved: {error}",
            error.cluster()
        ),
    )
}

/// Why the preserved state is not injected into a Work (F-46, F-48).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InjectionSkip {
    /// Gate `StatefulFailoverInjection` is off.
    GateDisabled,
    /// The merged target list (`spec.clusters` ∪ `requiredBy` clusters) does not have exactly
    /// one cluster (condition 1); carries its size.
    TargetCount(usize),
    /// `spec.gracefulEvictionTasks` is empty (condition 2): no task, or the task is gone (F-47).
    NoTask,
    /// The last task's purge mode is not `Directly` (condition 3); carries it.
    NotDirectly(Option<PurgeMode>),
    /// The target cluster is in the last task's `clustersBeforeFailover` (condition 4).
    ClusterBeforeFailover,
    /// The last task's `preservedLabelState` is empty: nothing to inject (F-48).
    EmptyState,
}

/// The injection decision for the Work of one target cluster (F-46).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InjectionDecision<'a> {
    /// Set these labels on the manifest, overwriting labels with the same keys.
    Inject(&'a PreservedLabelState),
    /// Inject nothing.
    Skip(InjectionSkip),
}

/// The number of distinct clusters in the merged target list: `spec.clusters` ∪ the clusters
/// of `spec.requiredBy` (F-46 condition 1).
pub fn merged_target_count(spec: &ResourceBindingSpec) -> usize {
    let required = spec.required_by.iter().flat_map(|s| s.clusters.iter());
    let names: std::collections::BTreeSet<&str> = spec
        .clusters
        .iter()
        .chain(required)
        .map(|t| t.name.as_str())
        .collect();
    names.len()
}

/// Decides whether the Work for `target_cluster` gets the preserved labels (F-46). Evaluated on
/// every Work sync, so the labels disappear when the task goes (F-47). Conditions are checked
/// in the spec's order; the first that fails is reported.
pub fn injection_decision<'a>(
    spec: &'a ResourceBindingSpec,
    target_cluster: &str,
    stateful_failover_injection: bool,
) -> InjectionDecision<'a> {
    if !stateful_failover_injection {
        return InjectionDecision::Skip(InjectionSkip::GateDisabled);
    }
    let targets = merged_target_count(spec);
    if targets != 1 {
        return InjectionDecision::Skip(InjectionSkip::TargetCount(targets));
    }
    let Some(task) = spec.graceful_eviction_tasks.last() else {
        return InjectionDecision::Skip(InjectionSkip::NoTask);
    };
    if task.purge_mode != Some(PurgeMode::Directly) {
        return InjectionDecision::Skip(InjectionSkip::NotDirectly(task.purge_mode));
    }
    if task
        .clusters_before_failover
        .iter()
        .any(|c| c == target_cluster)
    {
        return InjectionDecision::Skip(InjectionSkip::ClusterBeforeFailover);
    }
    if task.preserved_label_state.is_empty() {
        return InjectionDecision::Skip(InjectionSkip::EmptyState);
    }
    InjectionDecision::Inject(&task.preserved_label_state)
}

/// A manifest whose labels cannot be edited.
#[derive(thiserror::Error, Debug, Clone, Copy, PartialEq, Eq)]
pub enum InjectionError {
    /// The manifest, its `metadata` or its `metadata.labels` is neither an object nor absent
    /// (`null` counts as absent); carries the path.
    #[error("cannot inject preserved state labels: {0} is not a JSON object")]
    NotAnObject(&'static str),
}

/// Sets every entry of `state` as a label in the manifest's `metadata.labels`, creating
/// `metadata` and `labels` when absent or `null` and overwriting labels with the same key
/// (F-46). An empty map changes nothing. Returns the number of labels set.
pub fn inject_labels(
    manifest: &mut Value,
    state: &PreservedLabelState,
) -> Result<usize, InjectionError> {
    if state.is_empty() {
        return Ok(0);
    }
    let root = manifest
        .as_object_mut()
        .ok_or(InjectionError::NotAnObject("manifest"))?;
    let metadata = object_member(root, "metadata", "metadata")?;
    let labels = object_member(metadata, "labels", "metadata.labels")?;
    for (key, value) in state {
        labels.insert(key.clone(), Value::String(value.clone()));
    }
    Ok(state.len())
}

/// `parent[key]` as an object, created when absent or `null`.
fn object_member<'a>(
    parent: &'a mut Map<String, Value>,
    key: &str,
    path: &'static str,
) -> Result<&'a mut Map<String, Value>, InjectionError> {
    let slot = parent.entry(key).or_insert(Value::Null);
    if slot.is_null() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
        .ok_or(InjectionError::NotAnObject(path))
}

/// F-46 end to end for the Work of `target_cluster`: decides, and injects when the decision is
/// [`InjectionDecision::Inject`]. The manifest is untouched on a skip.
pub fn inject_preserved_state<'a>(
    manifest: &mut Value,
    spec: &'a ResourceBindingSpec,
    target_cluster: &str,
    stateful_failover_injection: bool,
) -> Result<InjectionDecision<'a>, InjectionError> {
    let decision = injection_decision(spec, target_cluster, stateful_failover_injection);
    if let InjectionDecision::Inject(state) = decision {
        inject_labels(manifest, state)?;
    }
    Ok(decision)
}
