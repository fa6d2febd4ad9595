//! Eviction benchmark (issue acceptance: ≥ 100,000 eviction decisions/s): one member cluster
//! fails (Ready=False plus a NoExecute taint) and the taint manager decides, for 10,000 bindings
//! on it (about 10% ClusterResourceBindings), which to evict and when, then writes each eviction.
//! Prints bindings/s of the cluster pass, decisions/s of the queue processing, the end-to-end
//! rate, per-decision p50/p99/max and peak memory. Not a test: it asserts nothing about time.
//!
//! The two phases are the pure core calls the controller makes (see `crates/sim`'s eviction
//! driver), on one core:
//! - A: `cluster_pass` over every binding: which keys to enqueue, now or at a deadline.
//! - B: for every enqueued key, in due-time order and at its due time, the binding is looked
//!   up by key, `process` decides, and on `Evict` a pacer token is taken (rate 1e9/s, i.e.
//!   unlimited: a refusal only moves the simulated clock 1 ns to the next free token) and
//!   `graceful_evict_cluster` edits a clone of the spec (the write the controller would send).
//!
//! The bindings mix purge modes (flag default, explicit `Gracefully`, `Directly`; `Never` is not
//! valid for cluster failover), tolerations that do not match, that match with an expired or
//! a running `tolerationSeconds`, or forever, a missing applied-placement annotation (FD-4
//! fallback, ~10%) and state preservation with gate `StatefulFailoverInjection` on (~5%,
//! a tenth of them without collected status, so held with `PreserveStateFailed`).
//!
//! Run: `cargo bench -p flotilla-core --bench eviction` (add `-- --bindings N --passes P`).

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::{Rng, arg, pct, peak_memory_kib};

use flotilla_api::constants::{annotations, conditions, taints};
use flotilla_api::kinds::{Cluster, ClusterResourceBinding, ResourceBinding};
use flotilla_api::types::*;
use flotilla_core::failover::BindingKind;
use flotilla_core::failover::eviction::{EvictOutcome, graceful_evict_cluster};
use flotilla_core::failover::pacer::{Acquire, EvictionPacer, EvictionRate};
use flotilla_core::failover::taint_manager::{
    BindingView, EvictionKey, Observed, Process, TaintManagerConfig, When, cluster_pass, process,
};
use k8s_openapi::api::core::v1::{Taint, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

/// The NoExecute taint a ClusterTaintPolicy put on the failed cluster.
const FAILOVER_TAINT: &str = "failover.flotilla.io/not-ready";
/// The failed cluster.
const FAILED: &str = "member-000";
/// Healthy clusters besides the failed one.
const HEALTHY: u64 = 9;

fn at(s: &str) -> Time {
    Time(s.parse().unwrap())
}

fn ready(status: ConditionStatus, reason: &str) -> Condition {
    Condition {
        type_: conditions::READY.into(),
        status,
        observed_generation: None,
        last_transition_time: at("2026-09-01T08:58:00Z"),
        reason: reason.into(),
        message: String::new(),
    }
}

/// `member-000` not ready with the system NoSchedule taint and the policy's NoExecute taint
/// (added two minutes before the benchmark's `now`); the others ready and untainted.
fn cluster(i: u64) -> Cluster {
    let mut c = Cluster::new(&format!("member-{i:03}"), ClusterSpec::default());
    let condition = if i == 0 {
        c.spec.taints = vec![
            Taint {
                key: taints::NOT_READY.into(),
                value: None,
                effect: taints::NO_SCHEDULE.into(),
                time_added: Some(at("2026-09-01T08:58:00Z")),
            },
            Taint {
                key: FAILOVER_TAINT.into(),
                value: None,
                effect: taints::NO_EXECUTE.into(),
                time_added: Some(at("2026-09-01T08:58:00Z")),
            },
        ];
        ready(ConditionStatus::False, conditions::REASON_CLUSTER_NOT_READY)
    } else {
        ready(ConditionStatus::True, conditions::REASON_CLUSTER_READY)
    };
    c.status = Some(ClusterStatus {
        conditions: vec![condition],
        ..Default::default()
    });
    c
}

fn toleration(key: &str, seconds: Option<i64>) -> Toleration {
    Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        value: None,
        effect: Some(taints::NO_EXECUTE.into()),
        toleration_seconds: seconds,
    }
}

/// The binding's cluster tolerations; the verdict on `member-000` follows in the comment.
fn tolerations(rng: &mut Rng) -> Vec<Toleration> {
    match rng.below(100) {
        // None: untolerated, evict now.
        0..45 => vec![],
        // Another taint only: untolerated, evict now.
        45..60 => vec![toleration("maintenance", None)],
        // Tolerated for 5 or 10 minutes from 08:58: enqueued for 09:03 or 09:08.
        60..80 => vec![toleration(
            FAILOVER_TAINT,
            Some(300 * (1 + rng.below(2) as i64)),
        )],
        // Tolerated for one minute from 08:58: expired, evict now.
        80..92 => vec![
            toleration("maintenance", None),
            toleration(FAILOVER_TAINT, Some(60)),
        ],
        // Tolerated forever: not enqueued.
        _ => vec![toleration(FAILOVER_TAINT, None)],
    }
}

fn failover(rng: &mut Rng) -> (Option<FailoverBehavior>, bool) {
    let stateful = rng.below(20) == 0;
    let purge_mode = match rng.below(100) {
        0..40 if !stateful => return (None, false),
        0..75 => PurgeMode::Gracefully,
        _ => PurgeMode::Directly,
    };
    let state_preservation = stateful.then(|| StatePreservation {
        rules: vec![StatePreservationRule {
            alias_label_name: "failover.example.io/job-id".into(),
            json_path: "{.jobStatus.jobId}".into(),
        }],
    });
    let cluster = ClusterFailoverBehavior {
        purge_mode,
        state_preservation,
    };
    let behavior = FailoverBehavior {
        application: None,
        cluster: Some(cluster),
    };
    (Some(behavior), stateful)
}

/// A binding's metadata, spec and status as the scheduler and status controllers left them.
fn parts(i: usize, rng: &mut Rng) -> (ObjectMeta, ResourceBindingSpec, ResourceBindingStatus) {
    let mut targets = vec![FAILED.to_string()];
    let first = 1 + rng.below(HEALTHY);
    targets.push(format!("member-{first:03}"));
    if rng.below(2) == 0 {
        targets.push(format!("member-{:03}", 1 + (first % HEALTHY)));
    }
    let replicas = 2 + rng.below(30) as i32;
    let share = replicas / targets.len() as i32;
    let clusters: Vec<TargetCluster> = targets
        .iter()
        .enumerate()
        .map(|(n, name)| TargetCluster {
            name: name.clone(),
            replicas: if n == 0 {
                replicas - share * (targets.len() as i32 - 1)
            } else {
                share
            },
            components: vec![],
        })
        .collect();
    let placement = Placement {
        cluster_affinity: Some(ClusterAffinity {
            cluster_names: (0..=HEALTHY).map(|c| format!("member-{c:03}")).collect(),
            ..Default::default()
        }),
        cluster_tolerations: tolerations(rng),
        replica_scheduling: Some(ReplicaSchedulingStrategy {
            replica_scheduling_type: ReplicaSchedulingType::Divided,
            replica_division_preference: Some(ReplicaDivisionPreference::Weighted),
            weight_preference: Some(ClusterPreferences {
                dynamic_weight: Some(DynamicWeightFactor::AvailableReplicas),
                ..Default::default()
            }),
        }),
        ..Default::default()
    };
    let (failover, stateful) = failover(rng);
    let mut meta = ObjectMeta {
        generation: Some(1 + rng.below(5) as i64),
        resource_version: Some(format!("{}", 1000 + i)),
        uid: Some(format!("00000000-0000-0000-0001-{i:012}")),
        ..Default::default()
    };
    // ~10% have no applied-placement annotation: FD-4 falls back to spec.placement.
    if rng.below(10) != 0 {
        let applied = serde_json::to_string(&placement).unwrap();
        meta.annotations = Some([(annotations::APPLIED_PLACEMENT.to_string(), applied)].into());
    }
    // Collected status for every target; a tenth of the stateful ones lack it on member-000.
    let collected = !(stateful && rng.below(10) == 0);
    let aggregated_status = targets
        .iter()
        .filter(|name| collected || name.as_str() != FAILED)
        .map(|name| AggregatedStatusItem {
            cluster_name: name.clone(),
            status: Some(serde_json::json!({
                "replicas": share, "readyReplicas": share,
                "jobStatus": {"jobId": format!("job-{i}")},
            })),
            applied: true,
            ..Default::default()
        })
        .collect();
    let spec = ResourceBindingSpec {
        resource: ObjectReference {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            name: format!("app-{i}"),
            uid: format!("00000000-0000-0000-0000-{i:012}"),
            ..Default::default()
        },
        replicas,
        clusters,
        placement: Some(placement),
        failover,
        ..Default::default()
    };
    let status = ResourceBindingStatus {
        aggregated_status,
        ..Default::default()
    };
    (meta, spec, status)
}

/// A ResourceBinding or a ClusterResourceBinding, as the informer cache holds it.
enum Object {
    Rb(ResourceBinding),
    Crb(ClusterResourceBinding),
}

impl Object {
    fn kind(&self) -> BindingKind {
        match self {
            Object::Rb(_) => BindingKind::ResourceBinding,
            Object::Crb(_) => BindingKind::ClusterResourceBinding,
        }
    }
    fn meta(&self) -> &ObjectMeta {
        match self {
            Object::Rb(b) => &b.metadata,
            Object::Crb(b) => &b.metadata,
        }
    }
    fn spec(&self) -> &ResourceBindingSpec {
        match self {
            Object::Rb(b) => &b.spec,
            Object::Crb(b) => &b.spec,
        }
    }
    fn status(&self) -> Option<&ResourceBindingStatus> {
        match self {
            Object::Rb(b) => b.status.as_ref(),
            Object::Crb(b) => b.status.as_ref(),
        }
    }
    fn set_spec(&mut self, spec: ResourceBindingSpec) {
        match self {
            Object::Rb(b) => b.spec = spec,
            Object::Crb(b) => b.spec = spec,
        }
    }
    /// The informer cache key: `namespace/name`, or `name` when cluster-scoped.
    fn cache_key(&self) -> (BindingKind, String) {
        let meta = self.meta();
        let name = meta.name.as_deref().unwrap_or("");
        (self.kind(), namespaced(meta.namespace.as_deref(), name))
    }
}

fn namespaced(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) if !ns.is_empty() => format!("{ns}/{name}"),
        _ => name.to_string(),
    }
}

fn binding(i: usize, rng: &mut Rng) -> Object {
    let (meta, spec, status) = parts(i, rng);
    if rng.below(10) == 0 {
        let mut b = ClusterResourceBinding::new(&format!("role-{i}-clusterrole"), spec);
        b.metadata = ObjectMeta {
            name: b.metadata.name.take(),
            ..meta
        };
        b.spec.resource.api_version = "rbac.authorization.k8s.io/v1".into();
        b.spec.resource.kind = "ClusterRole".into();
        b.status = Some(status);
        Object::Crb(b)
    } else {
        let mut b = ResourceBinding::new(&format!("app-{i}-deployment"), spec);
        b.metadata = ObjectMeta {
            name: b.metadata.name.take(),
            namespace: Some(format!("team-{}", i % 50)),
            ..meta
        };
        b.spec.resource.namespace = format!("team-{}", i % 50);
        b.status = Some(status);
        Object::Rb(b)
    }
}

/// What phase B did with the keys.
#[derive(Default)]
struct Tally {
    evicted: usize,
    removed_kept_task: usize,
    not_targeted: usize,
    later: usize,
    done: usize,
    held: usize,
    pacer_waits: usize,
    events: usize,
    warnings: usize,
}

fn main() {
    let bindings_n = arg("--bindings", 10_000);
    let passes = arg("--passes", 5).max(1);
    let mut rng = Rng(0x5eed_e71c_7100);
    let clusters: Vec<Cluster> = (0..=HEALTHY).map(cluster).collect();
    let failed = &clusters[0];
    let mut objects: Vec<Object> = (0..bindings_n).map(|i| binding(i, &mut rng)).collect();
    let crbs = objects
        .iter()
        .filter(|o| o.kind() == BindingKind::ClusterResourceBinding)
        .count();
    // The informer cache index the worker reads a key's binding through.
    let index: HashMap<(BindingKind, String), usize> = objects
        .iter()
        .enumerate()
        .map(|(i, o)| (o.cache_key(), i))
        .collect();
    let config = TaintManagerConfig {
        no_execute_eviction: true,
        stateful_failover_injection: true,
        ..Default::default()
    };
    let now = at("2026-09-01T09:00:00Z");

    // Phase A: the cluster pass, `passes` times (the first is the one phase B uses).
    let mut pass_times = Vec::with_capacity(passes);
    let mut plan = None;
    for _ in 0..passes {
        let views = objects.iter().map(|o| BindingView {
            kind: o.kind(),
            meta: o.meta(),
            spec: o.spec(),
        });
        let t0 = Instant::now();
        let p = cluster_pass(&config, failed, views, &now);
        pass_times.push(t0.elapsed());
        plan.get_or_insert(p);
    }
    let plan = plan.expect("at least one pass");
    let first_pass = pass_times[0];
    let mut sorted_passes = pass_times.clone();
    sorted_passes.sort();
    let median_pass = sorted_passes[sorted_passes.len() / 2];
    let enqueued_now = plan.enqueue.iter().filter(|(_, w)| *w == When::Now).count();

    // Phase B: the queue, in due-time order (stable, so arrival order among equal times), each
    // key at its own due time, with one pacer token per eviction written.
    let mut queue: Vec<(Time, EvictionKey)> = plan
        .enqueue
        .into_iter()
        .map(|(key, when)| match when {
            When::Now => (now.clone(), key),
            When::At(t) => (t, key),
        })
        .collect();
    queue.sort_by(|a, b| a.0.cmp(&b.0));
    let enqueued = queue.len();
    let mut pacer = EvictionPacer::new(EvictionRate::new(1e9).expect("a valid rate"));
    let mut clock = now.clone();
    let mut tally = Tally {
        warnings: plan.warnings.len(),
        ..Default::default()
    };
    let mut process_times = Vec::with_capacity(enqueued);
    let mut decision_times = Vec::with_capacity(enqueued);
    let started = Instant::now();
    for (due, key) in &queue {
        let t0 = Instant::now();
        if *due > clock {
            clock = due.clone();
        }
        let cache_key = (key.kind, namespaced(Some(&key.namespace), &key.name));
        let Some(&i) = index.get(&cache_key) else {
            tally.done += 1;
            continue;
        };
        let object = &objects[i];
        let observed = Observed {
            binding: Some((object.meta(), object.spec(), object.status())),
            cluster: Some(failed),
        };
        let t1 = Instant::now();
        let decision = process(&config, key, observed, &clock);
        process_times.push(t1.elapsed());
        match decision {
            Process::Done(_) => tally.done += 1,
            Process::Later(_) => tally.later += 1,
            Process::Failed { events, .. } => {
                tally.held += 1;
                tally.events += events.len();
            }
            Process::Evict(plan) => {
                let _grant = match pacer.try_acquire(&clock) {
                    Acquire::Granted(g) => g,
                    Acquire::WaitUntil(t) => {
                        tally.pacer_waits += 1;
                        clock = t;
                        match pacer.try_acquire(&clock) {
                            Acquire::Granted(g) => g,
                            Acquire::WaitUntil(_) => unreachable!("free at its due time"),
                        }
                    }
                };
                let mut spec = object.spec().clone();
                match graceful_evict_cluster(&mut spec, &key.cluster, plan.options) {
                    EvictOutcome::Evicted => tally.evicted += 1,
                    EvictOutcome::RemovedKeptTask => tally.removed_kept_task += 1,
                    EvictOutcome::NotTargeted => tally.not_targeted += 1,
                }
                tally.events += plan.on_success.len();
                tally.warnings += plan.warnings.len();
                objects[i].set_spec(spec);
            }
        }
        decision_times.push(t0.elapsed());
    }
    let phase_b = started.elapsed();
    let decisions = decision_times.len();
    process_times.sort();
    decision_times.sort();
    let rate = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
    let end_to_end = first_pass + phase_b;

    println!(
        "eviction benchmark: {bindings_n} bindings ({crbs} ClusterResourceBindings) on failed \
         cluster {FAILED}, {} healthy clusters, rate unlimited (1e9/s), one core",
        HEALTHY
    );
    println!(
        "  phase A cluster pass  first {:.2} ms ({:.0} bindings/s); median of {passes} {:.2} ms ({:.0} bindings/s)",
        first_pass.as_secs_f64() * 1e3,
        rate(bindings_n, first_pass),
        median_pass.as_secs_f64() * 1e3,
        rate(bindings_n, median_pass),
    );
    println!(
        "  enqueued keys         {enqueued} ({enqueued_now} now, {} at a deadline, {} tolerated forever)",
        enqueued - enqueued_now,
        bindings_n - enqueued
    );
    println!(
        "  phase B processing    {decisions} decisions in {:.2} ms: {:.0} decisions/s (lookup + process + token + write)",
        phase_b.as_secs_f64() * 1e3,
        rate(decisions, phase_b)
    );
    println!(
        "  outcomes              {} evictions written, {} removed (task kept), {} not targeted, \
         {} held (PreserveStateFailed), {} later, {} done",
        tally.evicted,
        tally.removed_kept_task,
        tally.not_targeted,
        tally.held,
        tally.later,
        tally.done
    );
    println!(
        "  side effects          {} events, {} FD-4 warnings, {} pacer tokens ({} waits of 1 ns)",
        tally.events,
        tally.warnings,
        pacer.evictions(),
        tally.pacer_waits
    );
    println!(
        "  end to end            {:.2} ms (first pass + phase B): {:.0} bindings decided/s",
        end_to_end.as_secs_f64() * 1e3,
        rate(bindings_n, end_to_end)
    );
    println!(
        "  per process() call    p50 {:.2} us, p99 {:.2} us, max {:.1} us",
        pct(&process_times, 0.5),
        pct(&process_times, 0.99),
        pct(&process_times, 1.0)
    );
    println!(
        "  per decision (B)      p50 {:.2} us, p99 {:.2} us, max {:.1} us",
        pct(&decision_times, 0.5),
        pct(&decision_times, 0.99),
        pct(&decision_times, 1.0)
    );
    match peak_memory_kib() {
        Some(kib) => println!("  peak memory (RSS)     {:.1} MiB", kib as f64 / 1024.0),
        None => println!("  peak memory (RSS)     unavailable"),
    }
}
