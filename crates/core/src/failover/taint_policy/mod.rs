//! The ClusterTaintPolicy controller's decisions (failover.md F-12 … F-16; api.md §6): when it
//! runs, which Clusters a change queues, which policies target a Cluster, when match conditions
//! hold, and the new taint list of one Cluster.
//!
//! Owns: turning Cluster conditions and policies into `spec.taints`. Must not: write the Cluster
//! (the runtime patches `spec.taints` with a resourceVersion precondition and retries on
//! conflict, so a concurrent write such as the system `NoSchedule` taints is never lost), validate
//! policies (that is admission, F-17) or remove a taint for any reason other than a matching
//! `removeOnConditions` (F-16).

use std::cmp::Ordering;

use flotilla_api::constants::events;
use flotilla_api::kinds::{Cluster, ClusterTaintPolicy};
use flotilla_api::types::{ClusterTaintPolicySpec, Condition, MatchCondition, TaintSpec};
use k8s_openapi::api::core::v1::Taint;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

pub use super::health::{TaintUpdate, taint_write_failed, taints_message};
use crate::events::Event;
use crate::selector::{ClusterFacts, cluster_matches};

/// F-12 / F-62: the controller runs only when feature gate `Failover` is on and the controller
/// `clustertaintpolicy` is enabled (`--controllers`). When it does not run, policies are still
/// stored but do nothing.
pub fn controller_runs(failover_gate: bool, controller_enabled: bool) -> bool {
    failover_gate && controller_enabled
}

/// A watch event the controller reacts to (F-12).
#[derive(Clone, Copy, Debug)]
pub enum TaintPolicyTrigger<'a> {
    /// A Cluster seen for the first time: created, or listed when the process starts.
    ClusterSeen(&'a Cluster),
    /// A Cluster changed.
    ClusterUpdated {
        /// Before the change.
        old: &'a Cluster,
        /// After the change.
        new: &'a Cluster,
    },
    /// A Cluster was deleted.
    ClusterDeleted,
    /// A ClusterTaintPolicy was created.
    PolicyCreated(&'a ClusterTaintPolicy),
    /// A ClusterTaintPolicy changed.
    PolicyUpdated {
        /// Before the change.
        old: &'a ClusterTaintPolicy,
        /// After the change.
        new: &'a ClusterTaintPolicy,
    },
    /// A ClusterTaintPolicy was deleted (queues nothing, F-16).
    PolicyDeleted,
}

/// F-12 item 2: a Cluster update queues it only when its `status.conditions` changed in any way
/// (status, reason, message or times). Label and spec changes do not.
pub fn cluster_update_queues(old: &Cluster, new: &Cluster) -> bool {
    let conditions = |c: &Cluster| c.status.as_ref().map(|s| s.conditions.clone());
    conditions(old).unwrap_or_default() != conditions(new).unwrap_or_default()
}

/// F-12 item 3: a policy update queues clusters only when its `spec` changed.
pub fn policy_update_queues(old: &ClusterTaintPolicy, new: &ClusterTaintPolicy) -> bool {
    old.spec != new.spec
}

/// F-12: the names of the Clusters to queue for `trigger`, in the order of `clusters` (the
/// current Cluster list). A policy change queues every Cluster the *new* policy targets.
pub fn clusters_to_queue(trigger: TaintPolicyTrigger<'_>, clusters: &[Cluster]) -> Vec<String> {
    let name = |c: &Cluster| c.metadata.name.clone().unwrap_or_default();
    let targeted_by = |policy: &ClusterTaintPolicy| -> Vec<String> {
        clusters
            .iter()
            .filter(|c| targets(&policy.spec, c))
            .map(name)
            .collect()
    };
    match trigger {
        TaintPolicyTrigger::ClusterSeen(c) => vec![name(c)],
        TaintPolicyTrigger::ClusterUpdated { old, new } if cluster_update_queues(old, new) => {
            vec![name(new)]
        }
        TaintPolicyTrigger::PolicyCreated(p) => targeted_by(p),
        TaintPolicyTrigger::PolicyUpdated { old, new } if policy_update_queues(old, new) => {
            targeted_by(new)
        }
        _ => vec![],
    }
}

/// F-13: a policy applies to a Cluster when `targetClusters` is absent or the Cluster matches it
/// with the ordinary ClusterAffinity rules (scheduling.md S-16).
pub fn targets(spec: &ClusterTaintPolicySpec, cluster: &Cluster) -> bool {
    spec.target_clusters
        .as_ref()
        .is_none_or(|affinity| cluster_matches(&ClusterFacts::of(cluster), affinity))
}

/// F-14: do the Cluster's `conditions` satisfy `list`? An empty list never matches; items are
/// ANDed; an item holds only when the Cluster has a condition of that type and its status is
/// (`In`) or is not (`NotIn`) one of `statusValues`, compared as exact strings. Any other
/// operator makes the whole list false.
pub fn conditions_match(conditions: &[Condition], list: &[MatchCondition]) -> bool {
    if list.is_empty() {
        return false;
    }
    if list
        .iter()
        .any(|m| !matches!(m.operator.as_str(), "In" | "NotIn"))
    {
        return false;
    }
    list.iter().all(|m| {
        let Some(condition) = conditions.iter().find(|c| c.type_ == m.condition_type) else {
            return false;
        };
        let listed = m
            .status_values
            .iter()
            .any(|v| v == condition.status.as_str());
        (m.operator == "In") == listed
    })
}

/// F-15: all policies, by `creationTimestamp` ascending (an absent one first, as Go's zero time),
/// ties broken by name.
pub fn evaluation_order(policies: &[ClusterTaintPolicy]) -> Vec<&ClusterTaintPolicy> {
    let mut ordered: Vec<&ClusterTaintPolicy> = policies.iter().collect();
    ordered.sort_by(|a, b| compare_policies(a, b));
    ordered
}

fn compare_policies(a: &ClusterTaintPolicy, b: &ClusterTaintPolicy) -> Ordering {
    a.metadata
        .creation_timestamp
        .cmp(&b.metadata.creation_timestamp)
        .then_with(|| a.metadata.name.cmp(&b.metadata.name))
}

fn same_slot(taint: &Taint, spec: &TaintSpec) -> bool {
    taint.key == spec.key && taint.effect == spec.effect
}

/// F-15 steps 1–2 for one policy that targets the Cluster: if `addOnConditions` match, append
/// each policy taint missing by (key, effect) with `timeAdded = now` (an existing one is kept as
/// it is, even with another value); then, if `removeOnConditions` match, remove the first taint
/// with each policy taint's (key, effect), whatever its value. Removal wins when both match.
pub fn apply_policy(
    taints: &mut Vec<Taint>,
    spec: &ClusterTaintPolicySpec,
    conditions: &[Condition],
    now: &Time,
) {
    if conditions_match(conditions, &spec.add_on_conditions) {
        for wanted in &spec.taints {
            if !taints.iter().any(|t| same_slot(t, wanted)) {
                taints.push(Taint {
                    key: wanted.key.clone(),
                    value: (!wanted.value.is_empty()).then(|| wanted.value.clone()),
                    effect: wanted.effect.clone(),
                    time_added: Some(now.clone()),
                });
            }
        }
    }
    if conditions_match(conditions, &spec.remove_on_conditions) {
        for unwanted in &spec.taints {
            if let Some(i) = taints.iter().position(|t| same_slot(t, unwanted)) {
                taints.remove(i);
            }
        }
    }
}

/// F-15: one reconcile of `cluster` against all `policies`. Starting from a copy of its taints,
/// every targeting policy is applied in [`evaluation_order`], each seeing the earlier ones'
/// edits. `None` when the list is unchanged; otherwise the new list and the `TaintClusterSucceed`
/// event (`Update Cluster(<name>) with taints(<F-67 list text>) succeed`) to emit after the patch.
pub fn evaluate(
    cluster: &Cluster,
    policies: &[ClusterTaintPolicy],
    now: &Time,
) -> Option<TaintUpdate> {
    let conditions = cluster
        .status
        .as_ref()
        .map(|s| s.conditions.as_slice())
        .unwrap_or_default();
    let mut taints = cluster.spec.taints.clone();
    for policy in evaluation_order(policies) {
        if targets(&policy.spec, cluster) {
            apply_policy(&mut taints, &policy.spec, conditions, now);
        }
    }
    if taints == cluster.spec.taints {
        return None;
    }
    let name = cluster.metadata.name.as_deref().unwrap_or_default();
    let event = Event::normal(
        events::TAINT_CLUSTER_SUCCEED,
        format!(
            "Update Cluster({name}) with taints({}) succeed",
            taints_message(&taints)
        ),
    );
    Some(TaintUpdate { taints, event })
}

#[cfg(test)]
mod tests;
