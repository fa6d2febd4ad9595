//! Application failover (failover.md §9, F-55 … F-61, with decisions.md FD-6, FD-13, FD-15):
//! evicting a binding from the clusters where its workload has been `Unhealthy` for longer
//! than `spec.failover.application.decisionConditions.tolerationSeconds`.
//!
//! Owns: eligibility (F-55), the Unhealthy/other partition of `aggregatedStatus` (F-56), the
//! caller-owned in-memory timers and the per-cluster decision with its requeue (F-57, FD-13),
//! and the eviction plan — the tasks to append and the clusters to remove, with state
//! preservation (F-58, F-42 … F-45) and the events of a pass (FD-6, FD-10). One implementation
//! serves ResourceBindings and ClusterResourceBindings ([`BindingKind`]).
//!
//! Must not: edit the binding (the F-28 "graceful evict cluster" edit is `eviction.rs`; the
//! caller applies the plan with a resourceVersion precondition, F-29), write or emit anything,
//! read the clock, sleep, or consult the eviction pacer (application failover has no rate
//! limit, F-57). Health interpretation is the caller's input (F-55 condition 3).
//!
//! Restart behaviour (FD-15): the timers live only in [`UnhealthyTimers`], owned by the
//! controller. A restart or leader change loses them, so every toleration window starts again
//! at the first pass of the new process: an eviction can come up to `tolerationSeconds` later
//! than it would have without the restart, never earlier.

use std::collections::{BTreeMap, BTreeSet};

use flotilla_api::constants::{events, eviction};
use flotilla_api::kinds::Binding;
use flotilla_api::types::{
    ApplicationFailoverBehavior, GracefulEvictionTask, PurgeMode, ResourceBindingSpec,
    ResourceBindingStatus, ResourceHealth,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::SignedDuration;

use super::state::{self, StateExtractionError};
use crate::events::Event;

#[cfg(test)]
mod tests;

/// `decisionConditions.tolerationSeconds` when absent (schema default, F-57).
pub const DEFAULT_TOLERATION_SECONDS: i32 = 300;

pub use super::BindingKind;

/// The identity timers are kept under: the binding's namespace (empty for a
/// ClusterResourceBinding) and name.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BindingKey {
    /// Namespace; empty for a ClusterResourceBinding.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl BindingKey {
    /// The key of `binding`, from its metadata.
    pub fn of<B: Binding>(binding: &B) -> Self {
        let meta = binding.metadata();
        BindingKey {
            namespace: meta.namespace.clone().unwrap_or_default(),
            name: meta.name.clone().unwrap_or_default(),
        }
    }
}

/// The feature gates application failover reads (F-62). No gate enables it; these change what
/// an eviction records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApplicationFailoverGates {
    /// `GracefulEviction` (Beta, on): required for purge mode `Gracefully` (F-58).
    pub graceful_eviction: bool,
    /// `StatefulFailoverInjection` (Alpha, off): state preservation (F-58, §7).
    pub stateful_failover_injection: bool,
}

impl Default for ApplicationFailoverGates {
    /// Karmada's defaults: `GracefulEviction` on, `StatefulFailoverInjection` off.
    fn default() -> Self {
        ApplicationFailoverGates {
            graceful_eviction: true,
            stateful_failover_injection: false,
        }
    }
}

/// One binding as a pass sees it: kind, key, spec and status. Build it with
/// [`BindingView::of`] for either binding kind.
#[derive(Clone, Copy, Debug)]
pub struct BindingView<'a> {
    /// RB or CRB.
    pub kind: BindingKind,
    /// Namespace and name.
    pub key: &'a BindingKey,
    /// The spec as read (before any edit of this pass).
    pub spec: &'a ResourceBindingSpec,
    /// The status, if any.
    pub status: Option<&'a ResourceBindingStatus>,
}

impl<'a> BindingView<'a> {
    /// The view of `binding` under `key` (usually `BindingKey::of(binding)`).
    pub fn of<B: Binding>(binding: &'a B, key: &'a BindingKey) -> Self {
        BindingView {
            kind: BindingKind::of::<B>(),
            key,
            spec: binding.spec(),
            status: binding.status(),
        }
    }
}

/// Why a binding is not handled by application failover (F-55). Its timers are forgotten.
#[derive(thiserror::Error, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ineligible {
    /// Condition 1: `spec.failover.application` is not set.
    #[error("spec.failover.application is not set")]
    NoApplicationFailover,
    /// Condition 2: `status.aggregatedStatus` is empty.
    #[error("status.aggregatedStatus is empty")]
    NoAggregatedStatus,
    /// Condition 3: the resource kind has no health interpretation.
    #[error("the resource kind has no health interpretation")]
    NoHealthInterpretation,
    /// Condition 4 (ResourceBinding only): `spec.propagateDeps` is false.
    #[error("spec.propagateDeps is false")]
    PropagateDepsDisabled,
}

/// F-55: the application failover behaviour when the binding is eligible, else why not.
pub fn eligibility<'a>(
    kind: BindingKind,
    spec: &'a ResourceBindingSpec,
    status: Option<&ResourceBindingStatus>,
    has_health_interpretation: bool,
) -> Result<&'a ApplicationFailoverBehavior, Ineligible> {
    let behavior = spec
        .failover
        .as_ref()
        .and_then(|f| f.application.as_ref())
        .ok_or(Ineligible::NoApplicationFailover)?;
    if status.is_none_or(|s| s.aggregated_status.is_empty()) {
        return Err(Ineligible::NoAggregatedStatus);
    }
    if !has_health_interpretation {
        return Err(Ineligible::NoHealthInterpretation);
    }
    if kind.requires_propagate_deps() && !spec.propagate_deps {
        return Err(Ineligible::PropagateDepsDisabled);
    }
    Ok(behavior)
}

/// The tolerance in whole seconds: `tolerationSeconds`, 300 when absent, negative values
/// (rejected by admission, F-60) read as 0.
pub fn toleration_seconds(behavior: &ApplicationFailoverBehavior) -> u64 {
    let tol = behavior
        .decision_conditions
        .toleration_seconds
        .unwrap_or(DEFAULT_TOLERATION_SECONDS);
    u64::try_from(tol).unwrap_or(0)
}

/// `aggregatedStatus` split by health (F-56), clusters in the tasks left out of both.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HealthPartition {
    /// Clusters whose item says `Unhealthy`, in status order.
    pub unhealthy: Vec<String>,
    /// Clusters whose item says `Healthy` or `Unknown` (or has no health, read as `Unknown`).
    pub others: Vec<String>,
}

/// F-56: partitions the status items; a cluster that is in `spec.gracefulEvictionTasks` is in
/// neither list.
pub fn partition_health(
    spec: &ResourceBindingSpec,
    status: Option<&ResourceBindingStatus>,
) -> HealthPartition {
    let in_tasks: BTreeSet<&str> = spec
        .graceful_eviction_tasks
        .iter()
        .map(|t| t.from_cluster.as_str())
        .collect();
    let mut partition = HealthPartition::default();
    let items = status.map_or(&[][..], |s| s.aggregated_status.as_slice());
    for item in items
        .iter()
        .filter(|i| !in_tasks.contains(i.cluster_name.as_str()))
    {
        let name = item.cluster_name.clone();
        match item.health {
            Some(ResourceHealth::Unhealthy) => partition.unhealthy.push(name),
            Some(ResourceHealth::Healthy | ResourceHealth::Unknown) | None => {
                partition.others.push(name)
            }
        }
    }
    partition
}

/// In-memory timers: per (binding, cluster), when the workload was first seen `Unhealthy`
/// (F-56). Owned by the controller and passed to every pass; lost on restart (FD-15).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnhealthyTimers {
    bindings: BTreeMap<BindingKey, BTreeMap<String, Time>>,
}

impl UnhealthyTimers {
    /// No timers.
    pub fn new() -> Self {
        Self::default()
    }

    /// When the workload of `key` on `cluster` was first seen Unhealthy, if a timer runs.
    pub fn unhealthy_since(&self, key: &BindingKey, cluster: &str) -> Option<&Time> {
        self.bindings.get(key)?.get(cluster)
    }

    /// The clusters of `key` with a running timer, by name.
    pub fn clusters(&self, key: &BindingKey) -> Vec<&str> {
        self.bindings
            .get(key)
            .map_or_else(Vec::new, |m| m.keys().map(String::as_str).collect())
    }

    /// The number of running timers over all bindings.
    pub fn len(&self) -> usize {
        self.bindings.values().map(BTreeMap::len).sum()
    }

    /// Whether no timer runs.
    pub fn is_empty(&self) -> bool {
        self.bindings.is_empty()
    }

    /// Forgets every timer of `key`: the binding was deleted or is not eligible (F-55).
    pub fn forget_binding(&mut self, key: &BindingKey) {
        self.bindings.remove(key);
    }

    /// Forgets the timers of `clusters` of `key`. Call it after the plan's write succeeded
    /// with [`EvictionPlan::clusters`] (F-57 "or were just evicted"); if the write failed,
    /// keep the timers so that the retry evicts without a new toleration window. Skipping the
    /// call is harmless: the next pass forgets clusters that left `spec.clusters`.
    pub fn forget_clusters(&mut self, key: &BindingKey, clusters: &[String]) {
        self.retain(key, |c| !clusters.iter().any(|e| e == c));
    }

    /// The timer of (`key`, `cluster`), started at `now` if none runs.
    fn start(&mut self, key: &BindingKey, cluster: &str, now: &Time) -> &Time {
        self.bindings
            .entry(key.clone())
            .or_default()
            .entry(cluster.to_string())
            .or_insert_with(|| now.clone())
    }

    /// Keeps only the timers of `key` whose cluster satisfies `keep`.
    fn retain(&mut self, key: &BindingKey, keep: impl Fn(&str) -> bool) {
        if let Some(timers) = self.bindings.get_mut(key) {
            timers.retain(|cluster, _| keep(cluster));
            if timers.is_empty() {
                self.bindings.remove(key);
            }
        }
    }
}

/// The decision for one Unhealthy cluster with a running timer (F-57, FD-13).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterVerdict {
    /// Unhealthy for at least `tolerationSeconds`: evict in this pass.
    Evict,
    /// Look again after this many seconds (always ≥ 1).
    Wait {
        /// `tolerationSeconds − floor(elapsed seconds)`.
        seconds: u64,
    },
}

/// F-57 with FD-13 for a timer started at `since`: evict once `now ≥ since + tol`, else wait
/// `tol − floor(elapsed)`. Karmada evicts only when `now > since + tol` and does not requeue
/// on a zero wait, so `tolerationSeconds: 0` (and an exact deadline) waited for an unrelated
/// event; here a zero remaining wait means "now". A `now` before `since` counts as no time.
pub fn verdict(since: &Time, toleration_seconds: u64, now: &Time) -> ClusterVerdict {
    let elapsed = now.0.duration_since(since.0).max(SignedDuration::ZERO);
    let tol = SignedDuration::from_secs(i64::try_from(toleration_seconds).unwrap_or(i64::MAX));
    if elapsed >= tol {
        return ClusterVerdict::Evict;
    }
    let elapsed_s = u64::try_from(elapsed.as_secs()).unwrap_or(0);
    ClusterVerdict::Wait {
        seconds: toleration_seconds - elapsed_s,
    }
}

/// Which clusters to evict now, and when to look again (F-57).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FailureDecision {
    /// Clusters to evict in this pass, in status order.
    pub evict: Vec<String>,
    /// The smallest wait of the clusters not evicted; `None` when none is waiting.
    pub requeue_after_s: Option<u64>,
}

/// F-57: starts a timer for each candidate without one and judges each candidate. Candidates
/// are the Unhealthy clusters that are still in `spec.clusters` (see [`sync`]).
pub fn detect_failures(
    key: &BindingKey,
    candidates: &[String],
    toleration_seconds: u64,
    timers: &mut UnhealthyTimers,
    now: &Time,
) -> FailureDecision {
    let mut decision = FailureDecision::default();
    for cluster in candidates {
        let since = timers.start(key, cluster, now);
        match verdict(since, toleration_seconds, now) {
            ClusterVerdict::Evict => decision.evict.push(cluster.clone()),
            ClusterVerdict::Wait { seconds } => {
                let min = decision.requeue_after_s.map_or(seconds, |m| m.min(seconds));
                decision.requeue_after_s = Some(min);
            }
        }
    }
    decision
}

/// Why an eviction could not be built. Nothing is written; the pass is retried with backoff.
#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq)]
pub enum ApplicationFailoverError {
    /// Purge mode `Gracefully` with gate `GracefulEviction` off (F-58).
    #[error("GracefulEviction featureGate must be enabled when purgeMode is Gracefully")]
    GracefulEvictionDisabled,
    /// State preservation failed for one of the clusters (F-44).
    #[error(transparent)]
    StatePreservation(#[from] StateExtractionError),
}

impl ApplicationFailoverError {
    /// The events for a failed pass: FD-10's `PreserveStateFailed` Warning for a state
    /// preservation failure, none for the gate error (Karmada reports it only in the log).
    pub fn events(&self) -> Vec<Event> {
        match self {
            ApplicationFailoverError::StatePreservation(e) => {
                vec![state::preserve_state_failed_event(e)]
            }
            ApplicationFailoverError::GracefulEvictionDisabled => Vec::new(),
        }
    }
}

/// F-58: the task for evicting `cluster`, without `creationTimestamp` (the graceful eviction
/// controller stamps it, F-36). `replicas` is the cluster's count in `spec.clusters` (omitted
/// when 0), as the F-28 edit computes it. `clustersBeforeFailover` are the names in
/// `spec.clusters` before this pass's evictions, set only when a state was stored (F-45).
pub fn eviction_task(
    view: &BindingView<'_>,
    behavior: &ApplicationFailoverBehavior,
    cluster: &str,
    gates: ApplicationFailoverGates,
) -> Result<GracefulEvictionTask, ApplicationFailoverError> {
    let mut task = GracefulEvictionTask {
        from_cluster: cluster.to_string(),
        purge_mode: Some(behavior.purge_mode),
        replicas: replicas_on(view.spec, cluster),
        reason: eviction::REASON_APPLICATION_FAILURE.to_string(),
        producer: view.kind.application_failover_producer().to_string(),
        ..Default::default()
    };
    match behavior.purge_mode {
        PurgeMode::Gracefully if !gates.graceful_eviction => {
            return Err(ApplicationFailoverError::GracefulEvictionDisabled);
        }
        PurgeMode::Gracefully => task.grace_period_seconds = behavior.grace_period_seconds,
        PurgeMode::Never => task.suppress_deletion = Some(true),
        PurgeMode::Directly => {}
    }
    let rules = state::rules(behavior.state_preservation.as_ref());
    let items = view
        .status
        .map_or(&[][..], |s| s.aggregated_status.as_slice());
    if let Some(preserved) =
        state::preserve_state(gates.stateful_failover_injection, rules, items, cluster)?
    {
        task.preserved_label_state = preserved;
        task.clusters_before_failover = view.spec.clusters.iter().map(|t| t.name.clone()).collect();
    }
    Ok(task)
}

/// `cluster`'s replicas in `spec.clusters`; `None` when absent or 0.
fn replicas_on(spec: &ResourceBindingSpec, cluster: &str) -> Option<i32> {
    let entry = spec.clusters.iter().find(|t| t.name == cluster)?;
    (entry.replicas != 0).then_some(entry.replicas)
}

/// What a pass asks the caller to write: one binding update with a resourceVersion
/// precondition (F-58, F-29) that, for each cluster in order, applies the F-28 edit (remove it
/// from `spec.clusters`; append its task unless a task for it already exists).
#[derive(Clone, Debug, PartialEq)]
pub struct EvictionPlan {
    /// Clusters to remove from `spec.clusters`, in status order; `tasks[i]` is for
    /// `clusters[i]`.
    pub clusters: Vec<String>,
    /// Tasks to append to `spec.gracefulEvictionTasks`.
    pub tasks: Vec<GracefulEvictionTask>,
    /// To emit after the write succeeded: one Normal `EvictWorkloadFromClusterSucceed` per
    /// cluster naming the producer (FD-6), on the binding and its template.
    pub events: Vec<Event>,
    /// When to look again for the Unhealthy clusters still waiting.
    pub requeue_after_s: Option<u64>,
}

impl EvictionPlan {
    /// The Warning `EvictWorkloadFromClusterFailed` events, one per cluster, for a failed
    /// write (F-58): the caller emits them and retries, keeping the timers.
    pub fn write_failed_events(&self, error: &str) -> Vec<Event> {
        self.clusters
            .iter()
            .map(|c| {
                Event::warning(
                    events::EVICT_WORKLOAD_FROM_CLUSTER_FAILED,
                    format!("Evict from cluster {c} failed: {error}"),
                )
            })
            .collect()
    }
}

/// Builds the plan for `decision.evict`; any failure evicts nothing (F-58).
fn build_plan(
    view: &BindingView<'_>,
    behavior: &ApplicationFailoverBehavior,
    decision: FailureDecision,
    gates: ApplicationFailoverGates,
) -> Result<EvictionPlan, ApplicationFailoverError> {
    let tol = toleration_seconds(behavior);
    let mut tasks = Vec::with_capacity(decision.evict.len());
    let mut events = Vec::with_capacity(decision.evict.len());
    for cluster in &decision.evict {
        let task = eviction_task(view, behavior, cluster, gates)?;
        events.push(Event::normal(
            events::EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED,
            format!(
                "Evict from cluster {cluster} succeed: task written by {} \
                 (reason {}, purgeMode {}), the workload was Unhealthy for at least {tol}s.",
                task.producer,
                task.reason,
                behavior.purge_mode.as_str()
            ),
        ));
        tasks.push(task);
    }
    Ok(EvictionPlan {
        clusters: decision.evict,
        tasks,
        events,
        requeue_after_s: decision.requeue_after_s,
    })
}

/// The result of one application failover pass over one binding.
#[derive(Clone, Debug, PartialEq)]
pub enum PassOutcome {
    /// Not eligible (F-55); every timer of the binding was forgotten. No requeue.
    Ineligible(Ineligible),
    /// Nothing to evict now. `requeue_after_s`: look again then (`None`: wait for the next
    /// binding event, because no Unhealthy cluster is waiting).
    Wait {
        /// Seconds until the earliest waiting cluster's deadline.
        requeue_after_s: Option<u64>,
    },
    /// Write this plan (then emit its events and call [`UnhealthyTimers::forget_clusters`]).
    Evict(EvictionPlan),
    /// The eviction could not be built: write nothing, emit `events`, retry with backoff.
    /// Timers are kept.
    Failed {
        /// Why.
        error: ApplicationFailoverError,
        /// Events to emit (FD-10's `PreserveStateFailed` for extraction errors).
        events: Vec<Event>,
    },
}

/// One pass (F-55 … F-58): eligibility, timers, decision, plan, timer cleanup.
///
/// Candidates are the Unhealthy clusters (F-56) that are still in `spec.clusters`: the F-28
/// edit cannot evict any other (its step 1), and their timers would be forgotten at the end of
/// the pass anyway, so Karmada's spurious requeues for them are dropped. After the decision,
/// timers are forgotten for clusters that left `spec.clusters` and for "other" clusters
/// (`Unknown` resets). Timers of the clusters being evicted stay until
/// [`UnhealthyTimers::forget_clusters`] or the next pass.
pub fn sync(
    view: &BindingView<'_>,
    has_health_interpretation: bool,
    gates: ApplicationFailoverGates,
    timers: &mut UnhealthyTimers,
    now: &Time,
) -> PassOutcome {
    let behavior = match eligibility(view.kind, view.spec, view.status, has_health_interpretation) {
        Ok(behavior) => behavior,
        Err(why) => {
            timers.forget_binding(view.key);
            return PassOutcome::Ineligible(why);
        }
    };
    let targets: BTreeSet<&str> = view.spec.clusters.iter().map(|t| t.name.as_str()).collect();
    let partition = partition_health(view.spec, view.status);
    let candidates: Vec<String> = partition
        .unhealthy
        .into_iter()
        .filter(|c| targets.contains(c.as_str()))
        .collect();
    let tol = toleration_seconds(behavior);
    let decision = detect_failures(view.key, &candidates, tol, timers, now);
    let outcome = if decision.evict.is_empty() {
        PassOutcome::Wait {
            requeue_after_s: decision.requeue_after_s,
        }
    } else {
        match build_plan(view, behavior, decision, gates) {
            Ok(plan) => PassOutcome::Evict(plan),
            Err(error) => {
                let events = error.events();
                return PassOutcome::Failed { error, events };
            }
        }
    };
    let others: BTreeSet<&str> = partition.others.iter().map(String::as_str).collect();
    timers.retain(view.key, |c| targets.contains(c) && !others.contains(c));
    outcome
}

/// [`sync`] for a ResourceBinding or ClusterResourceBinding, keyed by its namespace and name.
pub fn sync_binding<B: Binding>(
    binding: &B,
    has_health_interpretation: bool,
    gates: ApplicationFailoverGates,
    timers: &mut UnhealthyTimers,
    now: &Time,
) -> PassOutcome {
    let key = BindingKey::of(binding);
    let view = BindingView::of(binding, &key);
    sync(&view, has_health_interpretation, gates, timers, now)
}
