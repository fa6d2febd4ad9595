//! The graceful eviction controller (failover.md F-35 … F-40; decisions.md "Deviation (Karmada
//! issue #7455)", FD-8): when each eviction task may go, the events, the requeue, and a
//! Flotilla condition saying why old copies are still kept.
//!
//! Owns: task assessment for one binding (either kind). Must not: delete Works (the binding
//! controller does, F-40) or read the clock.

use std::collections::BTreeSet;

use flotilla_api::constants::{conditions, events};
use flotilla_api::types::{
    Condition, ConditionStatus, GracefulEvictionTask, PurgeMode, ResourceBindingSpec,
    ResourceBindingStatus, ResourceHealth,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::jiff::SignedDuration;

use crate::events::Event;

/// Settings of the controller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GracefulConfig {
    /// `--graceful-eviction-timeout` (seconds; Karmada's default 10 m).
    pub graceful_eviction_timeout_s: i64,
    /// `--keep-preserved-state-until-dispatch` (FD-8, default false).
    pub keep_preserved_state_until_dispatch: bool,
}

impl Default for GracefulConfig {
    fn default() -> Self {
        GracefulConfig {
            graceful_eviction_timeout_s: 600,
            keep_preserved_state_until_dispatch: false,
        }
    }
}

/// F-35: does an update of a binding trigger a pass? Only while it has tasks, and not while it
/// is being deleted.
pub fn triggers(meta: &ObjectMeta, spec: &ResourceBindingSpec) -> bool {
    meta.deletion_timestamp.is_none() && !spec.graceful_eviction_tasks.is_empty()
}

/// Why a task is kept (for the `EvictionPending` condition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Waiting {
    /// F-36: just stamped.
    Stamped,
    /// `suppressDeletion: true`.
    Suppressed,
    /// Some target is not Healthy yet, or the binding is not scheduled for its generation.
    ForHealthyTargets,
    /// #7455 deviation: a Gracefully task with no target cluster waits for targets or timeout.
    NoTargets,
    /// FD-8: a Directly task with preserved state waits for the new copy's Work.
    ForDispatch,
}

/// The result of one pass over a binding's tasks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GracefulPlan {
    /// The new task list, when it differs (patch with a resourceVersion precondition, F-39).
    pub tasks: Option<Vec<GracefulEvictionTask>>,
    /// Clusters whose task was dropped.
    pub dropped: Vec<String>,
    /// Events for the binding and its template (F-39).
    pub events: Vec<Event>,
    /// Look again after this many seconds (F-39); `None`: wait for an update.
    pub requeue_after_s: Option<i64>,
    /// The kept tasks and why, by cluster.
    pub waiting: Vec<(String, Waiting)>,
}

/// What the pass can see besides the binding.
#[derive(Clone, Copy, Debug, Default)]
pub struct Dispatched<'a> {
    /// Clusters that already have a Work for this binding's new placement (for FD-8).
    pub clusters: &'a [String],
}

/// F-36 … F-39 for one binding.
pub fn assess(
    config: &GracefulConfig,
    meta: &ObjectMeta,
    spec: &ResourceBindingSpec,
    status: Option<&ResourceBindingStatus>,
    dispatched: Dispatched<'_>,
    now: &Time,
) -> GracefulPlan {
    let healthy_targets = scheduled_and_healthy(meta, spec, status);
    let mut plan = GracefulPlan::default();
    let mut kept = Vec::with_capacity(spec.graceful_eviction_tasks.len());
    for task in &spec.graceful_eviction_tasks {
        let mut task = task.clone();
        match assess_task(config, &mut task, spec, healthy_targets, dispatched, now) {
            Some(why) => {
                plan.waiting.push((task.from_cluster.clone(), why));
                kept.push(task);
            }
            None => {
                plan.events.push(Event::normal(
                    events::EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED,
                    format!("Evict from cluster {} succeed.", task.from_cluster),
                ));
                plan.dropped.push(task.from_cluster);
            }
        }
    }
    plan.requeue_after_s = kept
        .iter()
        .filter(|t| t.suppress_deletion.is_none())
        .filter_map(|t| {
            t.creation_timestamp
                .as_ref()
                .map(|c| seconds_until(c, timeout_s(config, t), now))
        })
        .min();
    if kept != spec.graceful_eviction_tasks {
        plan.tasks = Some(kept);
    }
    plan
}

/// One task: `None` drops it; `Some(why)` keeps it.
fn assess_task(
    config: &GracefulConfig,
    task: &mut GracefulEvictionTask,
    spec: &ResourceBindingSpec,
    healthy_targets: bool,
    dispatched: Dispatched<'_>,
    now: &Time,
) -> Option<Waiting> {
    let Some(created) = task.creation_timestamp.clone() else {
        task.creation_timestamp = Some(now.clone());
        return Some(Waiting::Stamped);
    };
    match task.suppress_deletion {
        Some(true) => return Some(Waiting::Suppressed),
        Some(false) => return None,
        None => {}
    }
    if waits_for_dispatch(config, task, spec, dispatched) {
        return Some(Waiting::ForDispatch);
    }
    let deadline = created
        .0
        .checked_add(SignedDuration::from_secs(timeout_s(config, task)))
        .unwrap_or(created.0);
    if now.0 > deadline {
        return None;
    }
    let gracefully = task.purge_mode.unwrap_or(PurgeMode::Gracefully) == PurgeMode::Gracefully;
    if gracefully && spec.clusters.is_empty() {
        return Some(Waiting::NoTargets);
    }
    if healthy_targets {
        None
    } else {
        Some(Waiting::ForHealthyTargets)
    }
}

/// FD-8: with the flag, a Directly task carrying preserved state stays until every target has
/// a Work of the new copy.
fn waits_for_dispatch(
    config: &GracefulConfig,
    task: &GracefulEvictionTask,
    spec: &ResourceBindingSpec,
    dispatched: Dispatched<'_>,
) -> bool {
    if !config.keep_preserved_state_until_dispatch
        || task.purge_mode != Some(PurgeMode::Directly)
        || task.preserved_label_state.is_empty()
    {
        return false;
    }
    let have: BTreeSet<&str> = dispatched.clusters.iter().map(String::as_str).collect();
    !spec.clusters.iter().all(|t| have.contains(t.name.as_str()))
}

/// F-37 step 1: the task's own grace period, else the controller timeout.
fn timeout_s(config: &GracefulConfig, task: &GracefulEvictionTask) -> i64 {
    task.grace_period_seconds
        .map_or(config.graceful_eviction_timeout_s, i64::from)
}

fn seconds_until(created: &Time, timeout_s: i64, now: &Time) -> i64 {
    let deadline = created
        .0
        .checked_add(SignedDuration::from_secs(timeout_s))
        .unwrap_or(created.0);
    (deadline.duration_since(now.0).as_secs()).max(0)
}

/// F-37 step 4: scheduled for the current generation and every target Healthy. (An empty
/// target list passes here; the #7455 deviation is applied per task.)
fn scheduled_and_healthy(
    meta: &ObjectMeta,
    spec: &ResourceBindingSpec,
    status: Option<&ResourceBindingStatus>,
) -> bool {
    let Some(status) = status else {
        return spec.clusters.is_empty() && meta.generation.unwrap_or(0) == 0;
    };
    if status.scheduler_observed_generation != meta.generation.unwrap_or(0) {
        return false;
    }
    spec.clusters.iter().all(|t| {
        status
            .aggregated_status
            .iter()
            .any(|a| a.cluster_name == t.name && a.health == Some(ResourceHealth::Healthy))
    })
}

/// The Flotilla `EvictionPending` condition for a plan (True while tasks wait, with the reason of
/// the first waiting task; False when none is left).
pub fn pending_condition(plan: &GracefulPlan, now: &Time) -> Condition {
    let (status, reason, message) = match plan
        .waiting
        .iter()
        .find(|(_, w)| *w != Waiting::Stamped)
        .or(plan.waiting.first())
    {
        None => (
            ConditionStatus::False,
            conditions::REASON_NO_PENDING_EVICTION,
            "No eviction task is waiting.".to_string(),
        ),
        Some((cluster, why)) => {
            let (reason, text) = match why {
                Waiting::Stamped | Waiting::ForHealthyTargets => (
                    conditions::REASON_WAITING_FOR_HEALTHY_TARGETS,
                    "waiting until every target cluster reports Healthy, or the timeout",
                ),
                Waiting::NoTargets => (
                    conditions::REASON_NO_TARGET_CLUSTERS,
                    "the binding has no target cluster; waiting for healthy targets or the timeout",
                ),
                Waiting::ForDispatch => (
                    conditions::REASON_WAITING_FOR_DISPATCH,
                    "waiting for the new copy's Work before releasing the preserved state",
                ),
                Waiting::Suppressed => (
                    conditions::REASON_SUPPRESSED,
                    "waiting for suppressDeletion to be set to false",
                ),
            };
            let more = plan.waiting.len() - 1;
            let tail = if more > 0 {
                format!(" ({more} more task(s) waiting)")
            } else {
                String::new()
            };
            (
                ConditionStatus::True,
                reason,
                format!("Keeping the copy on cluster {cluster}: {text}.{tail}"),
            )
        }
    };
    Condition {
        type_: conditions::EVICTION_PENDING.to_string(),
        status,
        observed_generation: None,
        last_transition_time: now.clone(),
        reason: reason.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flotilla_api::types::{AggregatedStatusItem, TargetCluster};

    fn at(s: &str) -> Time {
        Time(format!("2026-09-01T{s}Z").parse().unwrap())
    }

    fn task(cluster: &str, mode: PurgeMode, created: Option<&str>) -> GracefulEvictionTask {
        GracefulEvictionTask {
            from_cluster: cluster.into(),
            purge_mode: Some(mode),
            reason: "TaintUntolerated".into(),
            producer: "TaintManager".into(),
            creation_timestamp: created.map(at),
            ..Default::default()
        }
    }

    struct B {
        meta: ObjectMeta,
        spec: ResourceBindingSpec,
        status: ResourceBindingStatus,
    }

    fn binding(targets: &[&str], healthy: &[&str], tasks: Vec<GracefulEvictionTask>) -> B {
        B {
            meta: ObjectMeta {
                generation: Some(3),
                ..Default::default()
            },
            spec: ResourceBindingSpec {
                clusters: targets
                    .iter()
                    .map(|n| TargetCluster {
                        name: n.to_string(),
                        replicas: 1,
                        components: vec![],
                    })
                    .collect(),
                graceful_eviction_tasks: tasks,
                ..Default::default()
            },
            status: ResourceBindingStatus {
                scheduler_observed_generation: 3,
                aggregated_status: targets
                    .iter()
                    .map(|n| AggregatedStatusItem {
                        cluster_name: n.to_string(),
                        health: Some(if healthy.contains(n) {
                            ResourceHealth::Healthy
                        } else {
                            ResourceHealth::Unhealthy
                        }),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            },
        }
    }

    fn run(b: &B, now: &str) -> GracefulPlan {
        assess(
            &GracefulConfig::default(),
            &b.meta,
            &b.spec,
            Some(&b.status),
            Dispatched::default(),
            &at(now),
        )
    }

    /// F-35: only bindings with tasks, not being deleted.
    #[test]
    fn f35_triggers() {
        let b = binding(
            &["west"],
            &[],
            vec![task("east", PurgeMode::Gracefully, None)],
        );
        assert!(triggers(&b.meta, &b.spec));
        assert!(!triggers(&b.meta, &ResourceBindingSpec::default()));
        let deleting = ObjectMeta {
            deletion_timestamp: Some(at("08:00:00")),
            ..Default::default()
        };
        assert!(!triggers(&deleting, &b.spec));
    }

    /// F-36: the first pass stamps `creationTimestamp` and keeps the task.
    #[test]
    fn f36_stamping() {
        let b = binding(
            &["west"],
            &["west"],
            vec![task("east", PurgeMode::Gracefully, None)],
        );
        let plan = run(&b, "08:00:00");
        assert_eq!(
            plan.tasks.as_ref().unwrap()[0].creation_timestamp,
            Some(at("08:00:00"))
        );
        assert!(
            plan.dropped.is_empty(),
            "nothing else is checked in that pass"
        );
        assert_eq!(plan.requeue_after_s, Some(600));
    }

    /// F-37: timeout (strictly after), suppressDeletion, health, per-task grace periods.
    #[test]
    fn f37_assessing_tasks() {
        let healthy = binding(
            &["west"],
            &["west"],
            vec![task("east", PurgeMode::Gracefully, Some("08:00:00"))],
        );
        assert_eq!(run(&healthy, "08:01:00").dropped, vec!["east".to_string()]);
        let sick = binding(
            &["west"],
            &[],
            vec![task("east", PurgeMode::Gracefully, Some("08:00:00"))],
        );
        assert!(
            run(&sick, "08:10:00").dropped.is_empty(),
            "exactly at the timeout: kept"
        );
        assert_eq!(run(&sick, "08:10:01").dropped, vec!["east".to_string()]);
        let mut unscheduled = binding(
            &["west"],
            &["west"],
            vec![task("east", PurgeMode::Gracefully, Some("08:00:00"))],
        );
        unscheduled.meta.generation = Some(4);
        assert!(
            run(&unscheduled, "08:01:00").dropped.is_empty(),
            "not scheduled for the current generation"
        );
        let mut suppressed = task("east", PurgeMode::Never, Some("08:00:00"));
        suppressed.suppress_deletion = Some(true);
        suppressed.grace_period_seconds = Some(1);
        let held = binding(&["west"], &["west"], vec![suppressed.clone()]);
        let plan = run(&held, "09:00:00");
        assert!(plan.dropped.is_empty());
        assert_eq!(
            plan.requeue_after_s, None,
            "no timed requeue for suppressed tasks (F-39)"
        );
        suppressed.suppress_deletion = Some(false);
        let confirmed = binding(&["west"], &[], vec![suppressed]);
        assert_eq!(
            run(&confirmed, "08:00:01").dropped,
            vec!["east".to_string()],
            "false drops at once"
        );
        let mut short = task("a", PurgeMode::Gracefully, Some("08:00:00"));
        short.grace_period_seconds = Some(30);
        let two = binding(
            &["west"],
            &[],
            vec![short, task("b", PurgeMode::Gracefully, Some("08:00:00"))],
        );
        let plan = run(&two, "08:01:00");
        assert_eq!(
            plan.dropped,
            vec!["a".to_string()],
            "grace periods are per task"
        );
        assert_eq!(plan.requeue_after_s, Some(540));
    }

    /// F-39: events per dropped task; the patch carries only the kept tasks.
    #[test]
    fn f39_events_and_patch() {
        let b = binding(
            &["west"],
            &["west"],
            vec![task("east", PurgeMode::Directly, Some("08:00:00"))],
        );
        let plan = run(&b, "08:00:30");
        assert_eq!(plan.tasks, Some(vec![]));
        assert_eq!(
            plan.events,
            vec![Event::normal(
                "EvictWorkloadFromClusterSucceed",
                "Evict from cluster east succeed."
            )]
        );
        let unchanged = binding(
            &["west"],
            &[],
            vec![task("east", PurgeMode::Gracefully, Some("08:00:00"))],
        );
        assert_eq!(
            run(&unchanged, "08:00:30").tasks,
            None,
            "no write when nothing changed"
        );
    }

    /// decisions.md deviation (Karmada #7455): a Gracefully task is not released because the
    /// target list is empty; it waits for targets or its timeout, and the binding says why.
    #[test]
    fn issue_7455_gracefully_task_waits_without_targets() {
        let b = binding(
            &[],
            &[],
            vec![task("east", PurgeMode::Gracefully, Some("08:00:00"))],
        );
        let plan = run(&b, "08:01:00");
        assert!(plan.dropped.is_empty());
        assert_eq!(plan.waiting, vec![("east".to_string(), Waiting::NoTargets)]);
        let condition = pending_condition(&plan, &at("08:01:00"));
        assert_eq!(
            (condition.status, condition.reason.as_str()),
            (ConditionStatus::True, "NoTargetClusters")
        );
        assert_eq!(
            run(&b, "08:10:01").dropped,
            vec!["east".to_string()],
            "the timeout still applies"
        );
        let directly = binding(
            &[],
            &[],
            vec![task("east", PurgeMode::Directly, Some("08:00:00"))],
        );
        assert_eq!(
            run(&directly, "08:01:00").dropped,
            vec!["east".to_string()],
            "Karmada's rule for other modes"
        );
    }

    /// FD-8 (regression test named after the decision): with the flag, a Directly task carrying
    /// preserved state waits for the new copy's Work, even past the timeout.
    #[test]
    fn fd8_keep_preserved_state_until_dispatch() {
        let mut t = task("east", PurgeMode::Directly, Some("08:00:00"));
        t.preserved_label_state = [("app/job-id".to_string(), "a1b2".to_string())].into();
        let b = binding(&["west"], &["west"], vec![t]);
        assert_eq!(
            run(&b, "08:20:00").dropped,
            vec!["east".to_string()],
            "off by default"
        );
        let config = GracefulConfig {
            keep_preserved_state_until_dispatch: true,
            ..Default::default()
        };
        let none = Dispatched::default();
        let plan = assess(
            &config,
            &b.meta,
            &b.spec,
            Some(&b.status),
            none,
            &at("08:20:00"),
        );
        assert_eq!(
            plan.waiting,
            vec![("east".to_string(), Waiting::ForDispatch)]
        );
        let west = ["west".to_string()];
        let plan = assess(
            &config,
            &b.meta,
            &b.spec,
            Some(&b.status),
            Dispatched { clusters: &west },
            &at("08:20:00"),
        );
        assert_eq!(plan.dropped, vec!["east".to_string()]);
    }

    /// The condition goes False when nothing waits.
    #[test]
    fn pending_condition_clears() {
        let plan = GracefulPlan::default();
        let c = pending_condition(&plan, &at("08:00:00"));
        assert_eq!(
            (c.type_.as_str(), c.status, c.reason.as_str()),
            (
                "EvictionPending",
                ConditionStatus::False,
                "NoPendingEviction"
            )
        );
    }
}
