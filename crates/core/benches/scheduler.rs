//! Scheduler benchmark (issue 3): 1,000 clusters × 10,000 bindings of mixed strategies and
//! spread constraints, scheduled one after another on one core. Prints bindings/s, per-binding
//! p50/p99/max and peak memory. Not a test: it asserts nothing about time.
//!
//! Run: `cargo bench -p flotilla-core --bench scheduler` (add `-- --clusters N --bindings M`).

mod support;

use std::time::Instant;
use support::{Rng, arg, peak_memory_kib};

use flotilla_api::kinds::{Cluster, ResourceBinding};
use flotilla_api::quantity::Quantity;
use flotilla_api::types::*;
use flotilla_core::scheduler::{ClusterSnapshot, SchedulerConfig, schedule};
use k8s_openapi::api::core::v1::{Taint, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, Time};

fn q(s: String) -> Quantity {
    s.parse().unwrap()
}

fn cluster(i: usize, rng: &mut Rng) -> Cluster {
    let name = format!("member-{i:04}");
    let region = format!("region-{}", i % 10);
    let mut c = Cluster::new(&name, ClusterSpec::default());
    c.metadata.labels = Some(
        [
            (
                "env".to_string(),
                if i.is_multiple_of(4) { "dev" } else { "prod" }.to_string(),
            ),
            ("tier".to_string(), format!("t{}", i % 3)),
        ]
        .into(),
    );
    c.spec.region = region.clone();
    c.spec.provider = if i.is_multiple_of(2) { "aws" } else { "gcp" }.into();
    c.spec.zones = vec![format!("{region}-{}", (b'a' + (i % 3) as u8) as char)];
    if rng.below(20) == 0 {
        c.spec.taints.push(Taint {
            key: "maintenance".into(),
            value: None,
            effect: "NoSchedule".into(),
            time_added: None,
        });
    }
    if rng.below(50) == 0 {
        c.spec.taints.push(Taint {
            key: "outage".into(),
            value: None,
            effect: "NoExecute".into(),
            time_added: None,
        });
    }
    let nodes = 3 + rng.below(60) as i64;
    let cpu = nodes * 16;
    let memory = nodes * 64;
    c.status = Some(ClusterStatus {
        api_enablements: vec![ApiEnablement {
            group_version: "apps/v1".into(),
            resources: vec![ApiResource {
                name: "deployments".into(),
                kind: "Deployment".into(),
            }],
        }],
        resource_summary: Some(ResourceSummary {
            allocatable: [
                ("cpu".to_string(), q(cpu.to_string())),
                ("memory".to_string(), q(format!("{memory}Gi"))),
                ("pods".to_string(), q((nodes * 110).to_string())),
            ]
            .into(),
            allocated: [
                (
                    "cpu".to_string(),
                    q(format!("{}", rng.below(cpu as u64 / 2))),
                ),
                (
                    "memory".to_string(),
                    q(format!("{}Gi", rng.below(memory as u64 / 2))),
                ),
                (
                    "pods".to_string(),
                    q(rng.below(nodes as u64 * 50).to_string()),
                ),
            ]
            .into(),
            ..Default::default()
        }),
        ..Default::default()
    });
    c
}

fn strategy(kind: u64) -> Option<ReplicaSchedulingStrategy> {
    let divided = |pref, weights| {
        Some(ReplicaSchedulingStrategy {
            replica_scheduling_type: ReplicaSchedulingType::Divided,
            replica_division_preference: Some(pref),
            weight_preference: weights,
        })
    };
    match kind {
        0 => Some(ReplicaSchedulingStrategy {
            replica_scheduling_type: ReplicaSchedulingType::Duplicated,
            ..Default::default()
        }),
        1 => divided(ReplicaDivisionPreference::Weighted, None),
        2 => divided(
            ReplicaDivisionPreference::Weighted,
            Some(ClusterPreferences {
                dynamic_weight: Some(DynamicWeightFactor::AvailableReplicas),
                ..Default::default()
            }),
        ),
        _ => divided(ReplicaDivisionPreference::Aggregated, None),
    }
}

fn spread(field: SpreadByField, min: i64, max: i64) -> SpreadConstraint {
    SpreadConstraint {
        spread_by_field: Some(field),
        min_groups: min,
        max_groups: max,
        ..Default::default()
    }
}

fn binding(i: usize, clusters: usize, rng: &mut Rng) -> ResourceBinding {
    let kind = rng.below(4);
    let mut placement = Placement {
        replica_scheduling: strategy(kind),
        ..Default::default()
    };
    match rng.below(4) {
        0 => {
            let tier = format!("t{}", rng.below(3));
            placement.cluster_affinity = Some(ClusterAffinity {
                label_selector: Some(LabelSelector {
                    match_labels: Some(
                        [
                            ("env".to_string(), "prod".to_string()),
                            ("tier".to_string(), tier),
                        ]
                        .into(),
                    ),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        1 => {
            let names = (0..5)
                .map(|_| format!("member-{:04}", rng.below(clusters as u64)))
                .collect();
            placement.cluster_affinity = Some(ClusterAffinity {
                cluster_names: names,
                ..Default::default()
            });
        }
        _ => {}
    }
    match rng.below(3) {
        0 => placement.spread_constraints = vec![spread(SpreadByField::Cluster, 2, 3)],
        1 => {
            placement.spread_constraints = vec![
                spread(SpreadByField::Region, 2, 2),
                spread(SpreadByField::Cluster, 2, 4),
            ]
        }
        _ => {}
    }
    if rng.below(3) == 0 {
        placement.cluster_tolerations = vec![Toleration {
            key: Some("maintenance".into()),
            operator: Some("Exists".into()),
            effect: Some("NoSchedule".into()),
            ..Default::default()
        }];
    }
    let mut b = ResourceBinding::new(
        &format!("app-{i}-deployment"),
        ResourceBindingSpec {
            resource: ObjectReference {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                namespace: "default".into(),
                name: format!("app-{i}"),
                uid: format!("00000000-0000-0000-0000-{i:012}"),
                ..Default::default()
            },
            replicas: 1 + rng.below(50) as i32,
            replica_requirements: Some(ReplicaRequirements {
                resource_request: [
                    ("cpu".to_string(), q(format!("{}m", 100 + rng.below(900)))),
                    (
                        "memory".to_string(),
                        q(format!("{}Mi", 128 + rng.below(2048))),
                    ),
                ]
                .into(),
                ..Default::default()
            }),
            placement: Some(placement),
            ..Default::default()
        },
    );
    b.metadata.namespace = Some("default".into());
    b
}

fn main() {
    let clusters_n = arg("--clusters", 1_000);
    let bindings_n = arg("--bindings", 10_000);
    let mut rng = Rng(0x5eed_f107_111a);
    let clusters: Vec<Cluster> = (0..clusters_n).map(|i| cluster(i, &mut rng)).collect();
    let build = Instant::now();
    let snapshot = ClusterSnapshot::new(clusters);
    let snapshot_ms = build.elapsed().as_secs_f64() * 1e3;
    let bindings: Vec<ResourceBinding> = (0..bindings_n)
        .map(|i| binding(i, clusters_n, &mut rng))
        .collect();
    let config = SchedulerConfig::default();
    let now = Time("2026-09-01T09:00:00Z".parse().unwrap());
    let mut durations = Vec::with_capacity(bindings_n);
    let mut succeeded = 0usize;
    let started = Instant::now();
    for b in &bindings {
        let t0 = Instant::now();
        let decision = schedule(
            &snapshot,
            &b.metadata,
            &b.spec,
            b.status.as_ref(),
            &config,
            &[],
            &now,
        );
        durations.push(t0.elapsed());
        succeeded += usize::from(decision.failure.is_none());
    }
    let total = started.elapsed();
    durations.sort();
    let pct = |p: f64| durations[((durations.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1e6;
    println!("scheduler benchmark: {clusters_n} clusters x {bindings_n} bindings, one core");
    println!("  snapshot build      {snapshot_ms:.1} ms");
    println!(
        "  scheduled           {succeeded} ok, {} failed (Scheduled=False)",
        bindings_n - succeeded
    );
    println!(
        "  throughput          {:.0} bindings/s",
        bindings_n as f64 / total.as_secs_f64()
    );
    println!(
        "  per binding         p50 {:.1} us, p99 {:.1} us, max {:.1} us",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    match peak_memory_kib() {
        Some(kib) => println!("  peak memory (RSS)   {:.1} MiB", kib as f64 / 1024.0),
        None => println!("  peak memory (RSS)   unavailable"),
    }
}
