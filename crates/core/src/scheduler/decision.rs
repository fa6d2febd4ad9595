//! The scheduler's entry point: a pass over the terms turned into a decision — what to write
//! into the binding (target list, applied placement, `Scheduled` condition, status fields), which
//! events to emit and when to retry (S-52, S-55 … S-58; decisions.md D-10, D-13).
//!
//! Owns: `schedule` and `apply_decision`. Must not: talk to the API server or read the clock.

use flotilla_api::constants::{annotations, conditions, events};
use flotilla_api::kinds::Binding;
use flotilla_api::types::{
    Condition, ConditionStatus, ResourceBindingSpec, ResourceBindingStatus, TargetCluster,
    set_condition,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

use super::divide::AssignError;
use super::estimate::ReplicaEstimator;
use super::pass::{PassError, PassOptions};
use super::snapshot::ClusterSnapshot;
use super::terms::schedule_over_terms;
use super::trigger::reschedule_requested;

/// Scheduler settings (Karmada's defaults).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// Bindings whose `schedulerName` differs are not ours (S-5).
    pub scheduler_name: String,
    /// S-49 `enableEmptyWorkloadPropagation`.
    pub empty_workload_propagation: bool,
    /// decisions.md D-10 `--failover-partial-placement`.
    pub failover_partial_placement: bool,
    /// S-12: an Unschedulable binding is retried at the latest after this long (seconds).
    pub unschedulable_retry_s: u64,
    /// Most clusters a NoClusterFit message lists by name (D-13).
    pub max_listed_clusters: usize,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            scheduler_name: flotilla_api::constants::DEFAULT_SCHEDULER.to_string(),
            empty_workload_propagation: false,
            failover_partial_placement: false,
            unschedulable_retry_s: 300,
            max_listed_clusters: 20,
        }
    }
}

/// The `Scheduled=False` reasons (S-57).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureReason {
    /// Not enough capacity; retried.
    Unschedulable,
    /// No feasible cluster; waits for an event.
    NoClusterFit,
    /// Anything else; retried with back-off.
    SchedulerError,
}

impl FailureReason {
    /// The condition reason.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::Unschedulable => conditions::REASON_UNSCHEDULABLE,
            FailureReason::NoClusterFit => conditions::REASON_NO_CLUSTER_FIT,
            FailureReason::SchedulerError => conditions::REASON_SCHEDULER_ERROR,
        }
    }
}

/// When to look at the binding again (S-12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Only on an event.
    OnEvent,
    /// On an event, or at the latest after this many seconds.
    After(u64),
    /// Exponential back-off (1 s doubling to 10 s; the attempt count is the caller's).
    Backoff,
}

/// An event to emit on the binding and its template (S-58).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchedulerEvent {
    /// `Normal` or `Warning`.
    pub warning: bool,
    /// Event reason.
    pub reason: &'static str,
    /// Message.
    pub message: String,
}

/// Everything one scheduling pass decided.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleDecision {
    /// The new `spec.clusters`; `None` leaves it untouched.
    pub clusters: Option<Vec<TargetCluster>>,
    /// The new `policy.karmada.io/applied-placement` annotation; `None` leaves it.
    pub applied_placement: Option<String>,
    /// The `Scheduled` condition.
    pub condition: Condition,
    /// `status.schedulerObservedGeneration` to write (success only).
    pub observed_generation: Option<i64>,
    /// `status.lastScheduledTime` to write (success only).
    pub last_scheduled_time: Option<Time>,
    /// `status.schedulerObservingAffinityName` to write.
    pub observing_affinity_name: Option<String>,
    /// `None` on success.
    pub failure: Option<FailureReason>,
    /// Events.
    pub events: Vec<SchedulerEvent>,
    /// When to retry.
    pub retry: Retry,
}

/// Runs a scheduling pass over a binding and decides what to write.
pub fn schedule(
    snapshot: &ClusterSnapshot,
    meta: &ObjectMeta,
    spec: &ResourceBindingSpec,
    status: Option<&ResourceBindingStatus>,
    config: &SchedulerConfig,
    estimators: &[&dyn ReplicaEstimator],
    now: &Time,
) -> ScheduleDecision {
    let options = PassOptions {
        fresh: reschedule_requested(spec, status),
        empty_workload_propagation: config.empty_workload_propagation,
        partial_placement: config.failover_partial_placement,
    };
    let observed_term = status.map_or("", |s| s.scheduler_observing_affinity_name.as_str());
    let key = match &meta.namespace {
        Some(ns) => format!("{ns}/{}", meta.name.as_deref().unwrap_or("")),
        None => meta.name.clone().unwrap_or_default(),
    };
    let outcome = schedule_over_terms(snapshot, spec, &key, observed_term, &options, estimators);
    let mut events: Vec<SchedulerEvent> = outcome
        .warnings
        .into_iter()
        .map(|message| SchedulerEvent {
            warning: true,
            reason: events::SCHEDULE_BINDING_FAILED,
            message,
        })
        .collect();
    let placement_json =
        serde_json::to_string(&spec.placement.clone().unwrap_or_default()).unwrap_or_default();
    let mut decision = match outcome.result {
        Ok((assignment, _)) if assignment.shortfall > 0 => partial_decision(
            assignment.targets,
            assignment.shortfall,
            spec,
            placement_json,
            config,
            now,
        ),
        Ok((assignment, term)) => success(assignment.targets, term, meta, placement_json, now),
        Err(error) => failure(&error, config, now),
    };
    events.append(&mut decision.events);
    decision.events = events;
    decision
}

fn condition(status: ConditionStatus, reason: &str, message: String, now: &Time) -> Condition {
    Condition {
        type_: conditions::SCHEDULED.to_string(),
        status,
        observed_generation: None,
        last_transition_time: now.clone(),
        reason: reason.to_string(),
        message,
    }
}

/// S-55/S-56 success: write the targets and the applied placement; stamp the status.
fn success(
    targets: Vec<TargetCluster>,
    term: Option<String>,
    meta: &ObjectMeta,
    placement: String,
    now: &Time,
) -> ScheduleDecision {
    let result: Vec<String> = targets
        .iter()
        .map(|t| format!("{}:{}", t.name, t.replicas))
        .collect();
    let message = "Binding has been scheduled successfully.".to_string();
    ScheduleDecision {
        events: vec![SchedulerEvent {
            warning: false,
            reason: events::SCHEDULE_BINDING_SUCCEED,
            message: format!("{message} Result: {{{}}}", result.join(", ")),
        }],
        clusters: Some(targets),
        applied_placement: Some(placement),
        condition: condition(
            ConditionStatus::True,
            conditions::REASON_SUCCESS,
            message,
            now,
        ),
        observed_generation: Some(meta.generation.unwrap_or(0)),
        last_scheduled_time: Some(now.clone()),
        observing_affinity_name: term,
        failure: None,
        retry: Retry::OnEvent,
    }
}

/// D-10: some evicted replicas placed, the rest waiting for capacity.
fn partial_decision(
    targets: Vec<TargetCluster>,
    shortfall: i64,
    spec: &ResourceBindingSpec,
    placement: String,
    config: &SchedulerConfig,
    now: &Time,
) -> ScheduleDecision {
    let message = format!(
        "placed {} of {} replicas; Clusters available replicas are not enough to schedule the other {shortfall}.",
        i64::from(spec.replicas) - shortfall,
        spec.replicas
    );
    ScheduleDecision {
        events: vec![SchedulerEvent {
            warning: true,
            reason: events::SCHEDULE_BINDING_FAILED,
            message: message.clone(),
        }],
        clusters: Some(targets),
        applied_placement: Some(placement),
        condition: condition(
            ConditionStatus::False,
            conditions::REASON_UNSCHEDULABLE,
            message,
            now,
        ),
        observed_generation: None,
        last_scheduled_time: None,
        observing_affinity_name: None,
        failure: Some(FailureReason::Unschedulable),
        retry: Retry::After(config.unschedulable_retry_s),
    }
}

/// S-57 classification; D-13: the target list is never touched on failure.
fn failure(error: &PassError, config: &SchedulerConfig, now: &Time) -> ScheduleDecision {
    let (reason, retry, message) = match error {
        PassError::NoClusterFit { rejected, .. } => (
            FailureReason::NoClusterFit,
            Retry::OnEvent,
            format!("{error}{}", per_cluster(rejected, config)),
        ),
        PassError::Assign(AssignError::Unschedulable { .. }) => (
            FailureReason::Unschedulable,
            Retry::After(config.unschedulable_retry_s),
            error.to_string(),
        ),
        _ => (
            FailureReason::SchedulerError,
            Retry::Backoff,
            error.to_string(),
        ),
    };
    ScheduleDecision {
        events: vec![SchedulerEvent {
            warning: true,
            reason: events::SCHEDULE_BINDING_FAILED,
            message: message.clone(),
        }],
        clusters: None,
        applied_placement: None,
        condition: condition(ConditionStatus::False, reason.as_str(), message, now),
        observed_generation: None,
        last_scheduled_time: None,
        observing_affinity_name: None,
        failure: Some(reason),
        retry,
    }
}

/// D-13: name each cluster and its reason (up to a bound).
fn per_cluster(rejected: &[(String, String)], config: &SchedulerConfig) -> String {
    if rejected.is_empty() {
        return String::new();
    }
    let listed: Vec<String> = rejected
        .iter()
        .take(config.max_listed_clusters)
        .map(|(name, reason)| {
            format!(
                "{name}: {}",
                reason.to_string().trim_start_matches("cluster(s) ")
            )
        })
        .collect();
    let more = rejected.len().saturating_sub(config.max_listed_clusters);
    let tail = if more > 0 {
        format!("; and {more} more")
    } else {
        String::new()
    };
    format!(" Per cluster: {}{tail}.", listed.join("; "))
}

/// Writes a decision into a binding; returns true if anything changed (S-55: skip no-op writes).
pub fn apply_decision<B: Binding>(
    binding: &mut B,
    decision: &ScheduleDecision,
    now: &Time,
) -> bool {
    let mut changed = false;
    if let Some(clusters) = &decision.clusters
        && binding.spec().clusters != *clusters
    {
        binding.spec_mut().clusters = clusters.clone();
        changed = true;
    }
    if let Some(placement) = &decision.applied_placement {
        let annotations = binding
            .metadata_mut()
            .annotations
            .get_or_insert_with(Default::default);
        if annotations.get(annotations::APPLIED_PLACEMENT) != Some(placement) {
            annotations.insert(
                annotations::APPLIED_PLACEMENT.to_string(),
                placement.clone(),
            );
            changed = true;
        }
    }
    let status = binding.status_mut();
    changed |= set_condition(&mut status.conditions, decision.condition.clone(), now);
    if let Some(generation) = decision.observed_generation {
        changed |=
            std::mem::replace(&mut status.scheduler_observed_generation, generation) != generation;
    }
    if let Some(time) = &decision.last_scheduled_time {
        changed |= status.last_scheduled_time.replace(time.clone()).as_ref() != Some(time);
    }
    if let Some(name) = &decision.observing_affinity_name {
        changed |=
            std::mem::replace(&mut status.scheduler_observing_affinity_name, name.clone()) != *name;
    }
    changed
}
