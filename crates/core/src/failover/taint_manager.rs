//! The NoExecute taint manager (failover.md F-18 … F-27; decisions.md FD-4, FD-6, FD-10, FD-11):
//! which bindings a NoExecute-tainted cluster affects, when each must go (toleration deadlines),
//! and the eviction to write when it is time.
//!
//! Owns: the cluster pass and the processing of one queued key, as plans. Must not: pace
//! evictions (the caller asks `pacer` for a token before writing an `Evict` plan), write to the
//! API, or sleep.

use flotilla_api::constants::{annotations, events, eviction, taints};
use flotilla_api::kinds::Cluster;
use flotilla_api::types::{Placement, PurgeMode, ResourceBindingSpec, ResourceBindingStatus};
use k8s_openapi::api::core::v1::{Taint, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::jiff::{SignedDuration, Timestamp};

pub use super::BindingKind;
use super::eviction::TaskOptions;
use super::state::{cluster_failover_rules, preserve_state, preserve_state_failed_event};
use crate::events::Event;
use crate::taints::tolerates;

/// The switches the taint manager obeys (F-2, F-18, F-26, F-27).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaintManagerConfig {
    /// `--enable-no-execute-taint-eviction`: without it every pass stops at once.
    pub no_execute_eviction: bool,
    /// `--no-execute-taint-eviction-purge-mode` (`Gracefully` unless `Directly`).
    pub default_purge_mode: PurgeMode,
    /// Gate `StatefulFailoverInjection`.
    pub stateful_failover_injection: bool,
    /// Period of the cluster pass while a NoExecute taint is present (10 s in Karmada).
    pub cluster_resync_s: u64,
}

impl Default for TaintManagerConfig {
    fn default() -> Self {
        TaintManagerConfig {
            no_execute_eviction: false,
            default_purge_mode: PurgeMode::Gracefully,
            stateful_failover_injection: false,
            cluster_resync_s: 10,
        }
    }
}

/// What the tolerations say about one binding on one cluster (F-22, F-23).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Some NoExecute taint is not tolerated: evict now.
    Untolerated,
    /// All tolerated, but the earliest deadline has passed: evict now.
    EvictNow,
    /// All tolerated until this time.
    EvictAt(Time),
    /// Tolerated forever.
    Forever,
}

/// The cluster's NoExecute taints, in list order.
pub fn no_execute_taints(cluster: &Cluster) -> Vec<&Taint> {
    cluster
        .spec
        .taints
        .iter()
        .filter(|t| t.effect == taints::NO_EXECUTE)
        .collect()
}

/// F-22 and F-23: the first toleration tolerating each taint is "used"; any untolerated taint
/// means evict now; otherwise the earliest `timeAdded + tolerationSeconds` over every taint each
/// used toleration (with seconds) tolerates is the deadline.
pub fn verdict(taints: &[&Taint], tolerations: &[Toleration], now: &Time) -> Verdict {
    let mut used: Vec<&Toleration> = Vec::with_capacity(taints.len());
    for taint in taints {
        match tolerations.iter().find(|t| tolerates(t, taint)) {
            Some(toleration) => used.push(toleration),
            None => return Verdict::Untolerated,
        }
    }
    let deadline = used
        .iter()
        .filter_map(|u| u.toleration_seconds.map(|s| (u, s)))
        .flat_map(|(u, seconds)| {
            taints
                .iter()
                .filter(|t| tolerates(u, t))
                .filter_map(move |t| {
                    t.time_added
                        .as_ref()
                        .map(|added| plus_seconds(&added.0, seconds))
                })
        })
        .min();
    match deadline {
        None => Verdict::Forever,
        Some(d) if d <= now.0 => Verdict::EvictNow,
        Some(d) => Verdict::EvictAt(Time(d)),
    }
}

fn plus_seconds(t: &Timestamp, seconds: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_secs(seconds))
        .unwrap_or(*t)
}

/// F-20 with FD-4: tolerations come from the applied-placement annotation; when it is missing or
/// unparsable Flotilla falls back to `spec.placement` and says so (Karmada retries forever).
pub fn tolerations_for(
    meta: &ObjectMeta,
    spec: &ResourceBindingSpec,
) -> (Vec<Toleration>, Option<String>) {
    let applied = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get(annotations::APPLIED_PLACEMENT));
    let parsed = applied.map(|text| serde_json::from_str::<Placement>(text));
    match parsed {
        Some(Ok(placement)) => (placement.cluster_tolerations, None),
        other => {
            let why = match other {
                Some(Err(e)) => format!(
                    "annotation {} is not valid JSON ({e})",
                    annotations::APPLIED_PLACEMENT
                ),
                _ => format!("annotation {} is missing", annotations::APPLIED_PLACEMENT),
            };
            let fallback = spec
                .placement
                .as_ref()
                .map(|p| p.cluster_tolerations.clone())
                .unwrap_or_default();
            (
                fallback,
                Some(format!(
                    "{why}; using spec.placement.clusterTolerations (FD-4)"
                )),
            )
        }
    }
}

/// A queued key: `(cluster, binding kind, namespace, name)` (F-19 step 3).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EvictionKey {
    /// The tainted cluster.
    pub cluster: String,
    /// Binding kind.
    pub kind: BindingKind,
    /// Namespace (empty for ClusterResourceBindings).
    pub namespace: String,
    /// Binding name.
    pub name: String,
}

/// A binding as the cluster pass sees it.
#[derive(Clone, Copy, Debug)]
pub struct BindingView<'a> {
    /// Kind of the binding.
    pub kind: BindingKind,
    /// Metadata (for the applied placement annotation).
    pub meta: &'a ObjectMeta,
    /// Spec.
    pub spec: &'a ResourceBindingSpec,
}

/// When a key should be processed (F-24).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum When {
    /// At once.
    Now,
    /// After this time (an already waiting key keeps the earlier time).
    At(Time),
}

/// What a cluster pass decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterPassPlan {
    /// Keys to add to the eviction queues.
    pub enqueue: Vec<(EvictionKey, When)>,
    /// Run the pass again after this long (while a NoExecute taint is present).
    pub resync_after_s: Option<u64>,
    /// Warnings to log (FD-4 fallbacks).
    pub warnings: Vec<String>,
}

/// F-19 and F-24: every binding whose `spec.clusters` names the cluster is decided and enqueued.
pub fn cluster_pass<'a>(
    config: &TaintManagerConfig,
    cluster: &Cluster,
    bindings: impl IntoIterator<Item = BindingView<'a>>,
    now: &Time,
) -> ClusterPassPlan {
    let taints = no_execute_taints(cluster);
    if !config.no_execute_eviction || taints.is_empty() {
        return ClusterPassPlan::default();
    }
    let name = cluster.metadata.name.as_deref().unwrap_or("");
    let mut plan = ClusterPassPlan {
        resync_after_s: Some(config.cluster_resync_s),
        ..Default::default()
    };
    for binding in bindings {
        if !binding.spec.clusters.iter().any(|t| t.name == name) {
            continue;
        }
        let (tolerations, warning) = tolerations_for(binding.meta, binding.spec);
        plan.warnings.extend(warning);
        let when = match verdict(&taints, &tolerations, now) {
            Verdict::Untolerated | Verdict::EvictNow => When::Now,
            Verdict::EvictAt(d) => When::At(d),
            Verdict::Forever => continue,
        };
        let key = EvictionKey {
            cluster: name.to_string(),
            kind: binding.kind,
            namespace: binding.meta.namespace.clone().unwrap_or_default(),
            name: binding.meta.name.clone().unwrap_or_default(),
        };
        plan.enqueue.push((key, when));
    }
    plan
}

/// F-26: the purge mode of a cluster eviction.
pub fn purge_mode(spec: &ResourceBindingSpec, config: &TaintManagerConfig) -> PurgeMode {
    match spec.failover.as_ref().and_then(|f| f.cluster.as_ref()) {
        Some(cluster) => cluster.purge_mode,
        None if config.default_purge_mode == PurgeMode::Directly => PurgeMode::Directly,
        None => PurgeMode::Gracefully,
    }
}

/// The outcome of processing one queued key (F-25).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Process {
    /// Nothing to do (binding gone or no longer on the cluster, cluster gone or untainted,
    /// eviction disabled, or tolerated forever). The reason is for logs.
    Done(&'static str),
    /// Look again at this time (a toleration is still running).
    Later(Time),
    /// Evict: take a pacer token, then apply `graceful_evict_cluster` with these options and
    /// update the binding with a resourceVersion precondition.
    Evict(EvictionPlan),
    /// Retry with back-off (F-53); record these events.
    Failed {
        /// Why.
        error: String,
        /// Events to record on the binding (FD-10).
        events: Vec<Event>,
    },
}

/// An eviction ready to be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvictionPlan {
    /// The task to append (F-28).
    pub options: TaskOptions,
    /// Events to record on the binding and its template once the write succeeds (FD-6).
    pub on_success: Vec<Event>,
    /// Warnings to log (FD-4 fallback).
    pub warnings: Vec<String>,
}

/// A fresh read of what a key names.
#[derive(Clone, Copy, Debug)]
pub struct Observed<'a> {
    /// The binding's metadata, spec and status; `None` if it no longer exists.
    pub binding: Option<(
        &'a ObjectMeta,
        &'a ResourceBindingSpec,
        Option<&'a ResourceBindingStatus>,
    )>,
    /// The cluster; `None` if it no longer exists.
    pub cluster: Option<&'a Cluster>,
}

/// F-25 … F-27: decide what to do with a queued key, from fresh reads.
pub fn process(
    config: &TaintManagerConfig,
    key: &EvictionKey,
    observed: Observed<'_>,
    now: &Time,
) -> Process {
    let Some((meta, spec, status)) = observed.binding else {
        return Process::Done("binding gone");
    };
    if meta.deletion_timestamp.is_some() {
        return Process::Done("binding being deleted");
    }
    if !spec.clusters.iter().any(|t| t.name == key.cluster) {
        return Process::Done("binding no longer on the cluster");
    }
    let (tolerations, warning) = tolerations_for(meta, spec);
    let Some(cluster) = observed.cluster else {
        return Process::Done("cluster gone");
    };
    let taints = no_execute_taints(cluster);
    if !config.no_execute_eviction || taints.is_empty() {
        return Process::Done("no NoExecute taint or eviction disabled");
    }
    match verdict(&taints, &tolerations, now) {
        Verdict::Forever => return Process::Done("tolerated forever"),
        Verdict::EvictAt(d) => return Process::Later(d),
        Verdict::Untolerated | Verdict::EvictNow => {}
    }
    let mut options = TaskOptions {
        purge_mode: purge_mode(spec, config),
        producer: eviction::PRODUCER_TAINT_MANAGER.to_string(),
        reason: eviction::REASON_TAINT_UNTOLERATED.to_string(),
        ..Default::default()
    };
    let aggregated = status.map_or(&[][..], |s| s.aggregated_status.as_slice());
    let rules = cluster_failover_rules(spec);
    match preserve_state(
        config.stateful_failover_injection,
        rules,
        aggregated,
        &key.cluster,
    ) {
        Ok(state) => options.preserved_label_state = state.unwrap_or_default(),
        Err(error) => {
            let event = preserve_state_failed_event(&error);
            return Process::Failed {
                error: error.to_string(),
                events: vec![event],
            };
        }
    }
    let on_success = vec![Event::normal(
        events::EVICT_WORKLOAD_FROM_CLUSTER_SUCCEED,
        format!(
            "Evicted from cluster {} by {} ({}, purge mode {}).",
            key.cluster,
            eviction::PRODUCER_TAINT_MANAGER,
            eviction::REASON_TAINT_UNTOLERATED,
            options.purge_mode.as_str()
        ),
    )];
    Process::Evict(EvictionPlan {
        options,
        on_success,
        warnings: warning.into_iter().collect(),
    })
}

/// F-27 step 3: the Warning event recorded when writing an eviction fails.
pub fn eviction_failed_event(cluster: &str, error: &str) -> Event {
    Event::warning(
        events::EVICT_WORKLOAD_FROM_CLUSTER_FAILED,
        format!("Evict from cluster {cluster} failed: {error}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use flotilla_api::types::{
        AggregatedStatusItem, ClusterFailoverBehavior, ClusterSpec, FailoverBehavior,
        StatePreservation, StatePreservationRule, TargetCluster,
    };

    fn at(hms: &str) -> Time {
        Time(format!("2026-09-01T{hms}Z").parse().unwrap())
    }

    fn taint(key: &str, added: Option<&str>) -> Taint {
        Taint {
            key: key.into(),
            value: None,
            effect: "NoExecute".into(),
            time_added: added.map(at),
        }
    }

    fn tol(key: &str, seconds: Option<i64>) -> Toleration {
        Toleration {
            key: (!key.is_empty()).then(|| key.to_string()),
            operator: Some("Exists".into()),
            value: None,
            effect: None,
            toleration_seconds: seconds,
        }
    }

    fn cluster(taints: Vec<Taint>) -> Cluster {
        let mut c = Cluster::new("east", ClusterSpec::default());
        c.spec.taints = taints;
        c
    }

    /// F-23 worked examples X-1 … X-5 (and F-22's "first toleration is used").
    #[test]
    fn f22_f23_deadlines() {
        let t1 = taint("maint", Some("10:00:00"));
        let x1 = [tol("maint", Some(300))];
        assert_eq!(
            verdict(&[&t1], &x1, &at("10:02:00")),
            Verdict::EvictAt(at("10:05:00"))
        );
        assert_eq!(verdict(&[&t1], &x1, &at("10:05:00")), Verdict::EvictNow);
        let (a, b) = (taint("a", Some("10:00:00")), taint("b", Some("10:03:00")));
        let x2 = [tol("a", Some(600)), tol("b", None)];
        assert_eq!(
            verdict(&[&a, &b], &x2, &at("10:01:00")),
            Verdict::EvictAt(at("10:10:00")),
            "X-2"
        );
        let (a, b) = (taint("a", Some("10:03:00")), taint("b", Some("10:00:00")));
        let x3 = [tol("b", None), tol("", Some(600))];
        assert_eq!(
            verdict(&[&a, &b], &x3, &at("10:04:00")),
            Verdict::EvictAt(at("10:10:00")),
            "X-3: every taint counts"
        );
        assert_eq!(
            verdict(&[&t1], &[], &at("10:00:00")),
            Verdict::Untolerated,
            "X-4"
        );
        let down = taint("down", Some("10:00:00"));
        let empty = Toleration::default();
        assert_eq!(
            verdict(&[&down], &[empty], &at("11:00:00")),
            Verdict::Forever,
            "X-5: an empty toleration tolerates empty values"
        );
        let no_time = taint("maint", None);
        assert_eq!(
            verdict(&[&no_time], &x1, &at("10:00:00")),
            Verdict::Forever,
            "no timeAdded: no deadline"
        );
        let negative = [tol("maint", Some(-5))];
        assert_eq!(
            verdict(&[&t1], &negative, &at("10:00:00")),
            Verdict::EvictNow,
            "≤ 0 evicts at once"
        );
    }

    fn binding(
        meta_placement: Option<&Placement>,
        targets: &[&str],
    ) -> (ObjectMeta, ResourceBindingSpec) {
        let mut meta = ObjectMeta {
            name: Some("web-deployment".into()),
            namespace: Some("shop".into()),
            ..Default::default()
        };
        if let Some(p) = meta_placement {
            meta.annotations = Some(
                [(
                    annotations::APPLIED_PLACEMENT.to_string(),
                    serde_json::to_string(p).unwrap(),
                )]
                .into(),
            );
        }
        let spec = ResourceBindingSpec {
            clusters: targets
                .iter()
                .map(|n| TargetCluster {
                    name: n.to_string(),
                    replicas: 3,
                    components: vec![],
                })
                .collect(),
            ..Default::default()
        };
        (meta, spec)
    }

    fn enabled() -> TaintManagerConfig {
        TaintManagerConfig {
            no_execute_eviction: true,
            ..Default::default()
        }
    }

    /// F-18, F-19, F-24: activation, which bindings are listed, what is enqueued when.
    #[test]
    fn f18_f19_f24_cluster_pass() {
        let c = cluster(vec![taint("maint", Some("10:00:00"))]);
        let tolerant = Placement {
            cluster_tolerations: vec![tol("maint", Some(300))],
            ..Default::default()
        };
        let forever = Placement {
            cluster_tolerations: vec![tol("maint", None)],
            ..Default::default()
        };
        let (m1, s1) = binding(Some(&Placement::default()), &["east", "west"]);
        let (m2, s2) = binding(Some(&tolerant), &["east"]);
        let (m3, s3) = binding(Some(&forever), &["east"]);
        let (m4, s4) = binding(Some(&Placement::default()), &["west"]);
        let views =
            [(&m1, &s1), (&m2, &s2), (&m3, &s3), (&m4, &s4)].map(|(meta, spec)| BindingView {
                kind: BindingKind::ResourceBinding,
                meta,
                spec,
            });
        let plan = cluster_pass(&enabled(), &c, views, &at("10:01:00"));
        let whens: Vec<&When> = plan.enqueue.iter().map(|(_, w)| w).collect();
        assert_eq!(
            whens,
            vec![&When::Now, &When::At(at("10:05:00"))],
            "forever and other clusters are not enqueued"
        );
        assert_eq!(plan.enqueue[0].0.cluster, "east");
        assert_eq!(plan.resync_after_s, Some(10));
        assert_eq!(
            cluster_pass(&TaintManagerConfig::default(), &c, views, &at("10:01:00")),
            ClusterPassPlan::default(),
            "F-18: disabled"
        );
        assert_eq!(
            cluster_pass(&enabled(), &cluster(vec![]), views, &at("10:01:00")),
            ClusterPassPlan::default(),
            "no NoExecute taint"
        );
    }

    /// F-20 with FD-4 (regression test named after the decision): tolerations come from the
    /// applied placement; without it Flotilla falls back to spec.placement and warns.
    #[test]
    fn fd4_missing_applied_placement_falls_back() {
        let tolerant = Placement {
            cluster_tolerations: vec![tol("maint", None)],
            ..Default::default()
        };
        let (meta, mut spec) = binding(None, &["east"]);
        spec.placement = Some(tolerant.clone());
        let (tolerations, warning) = tolerations_for(&meta, &spec);
        assert_eq!(tolerations, tolerant.cluster_tolerations);
        assert!(warning.unwrap().contains("is missing"));
        let (applied_meta, _) = binding(Some(&Placement::default()), &["east"]);
        let (tolerations, warning) = tolerations_for(&applied_meta, &spec);
        assert!(
            tolerations.is_empty(),
            "the applied placement wins over spec.placement"
        );
        assert!(warning.is_none());
    }

    /// F-26: purge-mode resolution.
    #[test]
    fn f26_purge_mode() {
        let mut spec = ResourceBindingSpec::default();
        let directly_flag = TaintManagerConfig {
            default_purge_mode: PurgeMode::Directly,
            ..enabled()
        };
        assert_eq!(purge_mode(&spec, &enabled()), PurgeMode::Gracefully);
        assert_eq!(purge_mode(&spec, &directly_flag), PurgeMode::Directly);
        spec.failover = Some(FailoverBehavior {
            cluster: Some(ClusterFailoverBehavior {
                purge_mode: PurgeMode::Gracefully,
                state_preservation: None,
            }),
            application: None,
        });
        assert_eq!(
            purge_mode(&spec, &directly_flag),
            PurgeMode::Gracefully,
            "the policy wins over the flag"
        );
    }

    fn key() -> EvictionKey {
        EvictionKey {
            cluster: "east".into(),
            kind: BindingKind::ResourceBinding,
            namespace: "shop".into(),
            name: "web-deployment".into(),
        }
    }

    /// F-25 and F-27: the stops, the delay, the eviction plan with its FD-6 event.
    #[test]
    fn f25_f27_processing() {
        let c = cluster(vec![taint("maint", Some("10:00:00"))]);
        let (meta, spec) = binding(Some(&Placement::default()), &["east"]);
        fn observed<'a>(
            b: Option<(&'a ObjectMeta, &'a ResourceBindingSpec)>,
            c: Option<&'a Cluster>,
        ) -> Observed<'a> {
            Observed {
                binding: b.map(|(m, s)| (m, s, None)),
                cluster: c,
            }
        }
        let now = at("10:01:00");
        assert_eq!(
            process(&enabled(), &key(), observed(None, Some(&c)), &now),
            Process::Done("binding gone")
        );
        let (gone_meta, other) = binding(Some(&Placement::default()), &["west"]);
        assert_eq!(
            process(
                &enabled(),
                &key(),
                observed(Some((&gone_meta, &other)), Some(&c)),
                &now
            ),
            Process::Done("binding no longer on the cluster")
        );
        assert_eq!(
            process(
                &enabled(),
                &key(),
                observed(Some((&meta, &spec)), None),
                &now
            ),
            Process::Done("cluster gone")
        );
        let healed = cluster(vec![]);
        assert_eq!(
            process(
                &enabled(),
                &key(),
                observed(Some((&meta, &spec)), Some(&healed)),
                &now
            ),
            Process::Done("no NoExecute taint or eviction disabled"),
            "removing the taint cancels"
        );
        let tolerant = Placement {
            cluster_tolerations: vec![tol("maint", Some(300))],
            ..Default::default()
        };
        let (tmeta, tspec) = binding(Some(&tolerant), &["east"]);
        assert_eq!(
            process(
                &enabled(),
                &key(),
                observed(Some((&tmeta, &tspec)), Some(&c)),
                &now
            ),
            Process::Later(at("10:05:00"))
        );
        let Process::Evict(plan) = process(
            &enabled(),
            &key(),
            observed(Some((&meta, &spec)), Some(&c)),
            &now,
        ) else {
            panic!("evicts")
        };
        assert_eq!(plan.options.purge_mode, PurgeMode::Gracefully);
        assert_eq!(
            (plan.options.producer.as_str(), plan.options.reason.as_str()),
            ("TaintManager", "TaintUntolerated")
        );
        assert_eq!(
            plan.on_success[0].reason, "EvictWorkloadFromClusterSucceed",
            "FD-6: Flotilla also reports evictions it writes"
        );
        assert!(plan.on_success[0].message.contains("TaintManager"));
    }

    /// F-27 with §7: state is extracted into the task; failures block the eviction with a
    /// PreserveStateFailed event (FD-10).
    #[test]
    fn f27_state_preservation_and_fd10() {
        let c = cluster(vec![taint("maint", Some("10:00:00"))]);
        let (meta, mut spec) = binding(Some(&Placement::default()), &["east"]);
        spec.failover = Some(FailoverBehavior {
            cluster: Some(ClusterFailoverBehavior {
                purge_mode: PurgeMode::Directly,
                state_preservation: Some(StatePreservation {
                    rules: vec![StatePreservationRule {
                        alias_label_name: "app/job-id".into(),
                        json_path: "{.jobStatus.jobId}".into(),
                    }],
                }),
            }),
            application: None,
        });
        let config = TaintManagerConfig {
            stateful_failover_injection: true,
            ..enabled()
        };
        let status = ResourceBindingStatus {
            aggregated_status: vec![AggregatedStatusItem {
                cluster_name: "east".into(),
                status: Some(serde_json::json!({"jobStatus": {"jobId": "a1b2"}})),
                ..Default::default()
            }],
            ..Default::default()
        };
        let observed = Observed {
            binding: Some((&meta, &spec, Some(&status))),
            cluster: Some(&c),
        };
        let Process::Evict(plan) = process(&config, &key(), observed, &at("10:01:00")) else {
            panic!("evicts")
        };
        assert_eq!(plan.options.preserved_label_state["app/job-id"], "a1b2");
        assert_eq!(plan.options.purge_mode, PurgeMode::Directly);
        let missing = Observed {
            binding: Some((&meta, &spec, None)),
            cluster: Some(&c),
        };
        let Process::Failed { events, .. } = process(&config, &key(), missing, &at("10:01:00"))
        else {
            panic!("blocked")
        };
        assert_eq!(events[0].reason, "PreserveStateFailed");
        let gate_off = process(&enabled(), &key(), missing, &at("10:01:00"));
        assert!(
            matches!(gate_off, Process::Evict(_)),
            "without the gate nothing is extracted"
        );
    }
}
