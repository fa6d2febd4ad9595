//! Property tests: generated objects of every kind round-trip through JSON and YAML unchanged,
//! and admission is idempotent (admitting an admitted object again changes nothing).

mod common;

use std::collections::BTreeMap;

use common::{admit_value, context};
use flotilla_api::admission::{AdmissionConfig, FieldValidation, Operation};
use flotilla_api::kinds::{
    Cluster, ClusterTaintPolicy, OverridePolicy, PropagationPolicy, ResourceBinding, Work,
};
use flotilla_api::quantity::Quantity;
use flotilla_api::types::*;
use k8s_openapi::api::core::v1::{NodeSelectorRequirement, Taint, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, LabelSelectorRequirement, ObjectMeta, Time,
};
use proptest::collection::{btree_map, vec};
use proptest::option::of;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Strings that are easy to get wrong in YAML (booleans, numbers, nulls, indicators) or valid names.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,10}",
        Just("True".to_string()),
        Just("no".to_string()),
        Just("0123".to_string()),
        Just("1e3".to_string()),
        Just("null".to_string()),
        Just("~".to_string()),
        Just("".to_string()),
        Just("a: b #c".to_string()),
        Just("- x".to_string()),
        Just("multi\nline".to_string()),
        Just("ünïcode".to_string()),
    ]
}

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,12}[a-z0-9]"
}

fn string_map() -> impl Strategy<Value = BTreeMap<String, String>> {
    btree_map(name(), text(), 0..3)
}

fn time() -> impl Strategy<Value = Time> {
    (1_500_000_000i64..2_000_000_000)
        .prop_map(|s| Time(k8s_openapi::jiff::Timestamp::from_second(s).unwrap()))
}

fn quantity() -> impl Strategy<Value = Quantity> {
    prop_oneof![
        (0i64..100_000).prop_map(Quantity::from_milli),
        (
            0u32..64,
            prop_oneof![Just("Mi"), Just("Gi"), Just("k"), Just(""), Just("m")]
        )
            .prop_map(|(n, s)| format!("{n}{s}").parse().unwrap()),
    ]
}

fn meta() -> impl Strategy<Value = ObjectMeta> {
    (
        name(),
        of(name()),
        of(string_map()),
        of(string_map()),
        of(vec(name(), 0..2)),
    )
        .prop_map(
            |(name, namespace, labels, annotations, finalizers)| ObjectMeta {
                name: Some(name),
                namespace,
                labels,
                annotations,
                finalizers,
                ..Default::default()
            },
        )
}

fn label_selector() -> impl Strategy<Value = LabelSelector> {
    (
        of(string_map()),
        of(vec(
            (
                name(),
                prop_oneof![Just("In"), Just("Exists")],
                of(vec(name(), 0..2)),
            ),
            0..2,
        )),
    )
        .prop_map(|(match_labels, exprs)| LabelSelector {
            match_labels,
            match_expressions: exprs.map(|e| {
                e.into_iter()
                    .map(|(key, op, values)| LabelSelectorRequirement {
                        key,
                        operator: op.into(),
                        values,
                    })
                    .collect()
            }),
        })
}

fn affinity() -> impl Strategy<Value = ClusterAffinity> {
    (
        of(label_selector()),
        of(vec(
            (prop_oneof![Just("region"), Just("zone")], vec(name(), 1..3)),
            0..2,
        )),
        vec(name(), 0..3),
        vec(name(), 0..2),
    )
        .prop_map(
            |(label_selector, fields, cluster_names, exclude)| ClusterAffinity {
                label_selector,
                field_selector: fields.map(|f| FieldSelector {
                    match_expressions: f
                        .into_iter()
                        .map(|(key, values)| NodeSelectorRequirement {
                            key: key.into(),
                            operator: "In".into(),
                            values: Some(values),
                        })
                        .collect(),
                }),
                cluster_names,
                exclude,
            },
        )
}

fn toleration() -> impl Strategy<Value = Toleration> {
    (
        of(name()),
        of(prop_oneof![Just("Exists"), Just("Equal")]),
        of(text()),
        of(prop_oneof![Just("NoSchedule"), Just("NoExecute")]),
        of(-10i64..10_000),
    )
        .prop_map(|(key, op, value, effect, seconds)| Toleration {
            key,
            operator: op.map(String::from),
            value,
            effect: effect.map(String::from),
            toleration_seconds: seconds,
        })
}

fn purge_mode() -> impl Strategy<Value = PurgeMode> {
    prop_oneof![
        Just(PurgeMode::Directly),
        Just(PurgeMode::Gracefully),
        Just(PurgeMode::Never)
    ]
}

fn state_preservation() -> impl Strategy<Value = StatePreservation> {
    vec((name(), text()), 1..3).prop_map(|rules| StatePreservation {
        rules: rules
            .into_iter()
            .map(|(alias_label_name, json_path)| StatePreservationRule {
                alias_label_name,
                json_path,
            })
            .collect(),
    })
}

fn failover() -> impl Strategy<Value = FailoverBehavior> {
    (
        of((
            of(0i32..600),
            purge_mode(),
            of(1i32..900),
            of(state_preservation()),
        )),
        of((
            prop_oneof![Just(PurgeMode::Directly), Just(PurgeMode::Gracefully)],
            of(state_preservation()),
        )),
    )
        .prop_map(|(application, cluster)| FailoverBehavior {
            application: application.map(
                |(t, purge_mode, grace_period_seconds, state_preservation)| {
                    ApplicationFailoverBehavior {
                        decision_conditions: DecisionConditions {
                            toleration_seconds: t,
                        },
                        purge_mode,
                        grace_period_seconds,
                        state_preservation,
                    }
                },
            ),
            cluster: cluster.map(|(purge_mode, state_preservation)| ClusterFailoverBehavior {
                purge_mode,
                state_preservation,
            }),
        })
}

fn spread() -> impl Strategy<Value = SpreadConstraint> {
    (
        of(prop_oneof![
            Just(SpreadByField::Cluster),
            Just(SpreadByField::Region)
        ]),
        0i64..4,
        0i64..4,
    )
        .prop_map(
            |(spread_by_field, min_groups, max_groups)| SpreadConstraint {
                spread_by_field,
                spread_by_label: String::new(),
                max_groups,
                min_groups,
            },
        )
}

fn replica_scheduling() -> impl Strategy<Value = ReplicaSchedulingStrategy> {
    (
        prop_oneof![
            Just(ReplicaSchedulingType::Duplicated),
            Just(ReplicaSchedulingType::Divided)
        ],
        of(prop_oneof![
            Just(ReplicaDivisionPreference::Aggregated),
            Just(ReplicaDivisionPreference::Weighted)
        ]),
        of((vec((affinity(), 1i64..10), 0..3), any::<bool>())),
    )
        .prop_map(|(t, p, w)| ReplicaSchedulingStrategy {
            replica_scheduling_type: t,
            replica_division_preference: p,
            weight_preference: w.map(|(list, dynamic)| ClusterPreferences {
                static_weight_list: list
                    .into_iter()
                    .map(|(target_cluster, weight)| StaticClusterWeight {
                        target_cluster,
                        weight,
                    })
                    .collect(),
                dynamic_weight: dynamic.then_some(DynamicWeightFactor::AvailableReplicas),
            }),
        })
}

fn placement() -> impl Strategy<Value = Placement> {
    (
        of(affinity()),
        of(vec((name(), affinity()), 0..3)),
        vec(toleration(), 0..3),
        vec(spread(), 0..2),
        of(replica_scheduling()),
    )
        .prop_map(
            |(
                cluster_affinity,
                terms,
                cluster_tolerations,
                spread_constraints,
                replica_scheduling,
            )| Placement {
                cluster_affinity,
                cluster_affinities: terms.map(|t| {
                    t.into_iter()
                        .map(|(affinity_name, affinity)| ClusterAffinityTerm {
                            affinity_name,
                            affinity,
                            overflow_affinities: vec![],
                        })
                        .collect()
                }),
                cluster_tolerations,
                spread_constraints,
                replica_scheduling,
                workload_affinity: None,
            },
        )
}

fn propagation_policy() -> impl Strategy<Value = PropagationPolicy> {
    (
        meta(),
        vec((name(), of(label_selector())), 1..3),
        placement(),
        of(failover()),
        of(-5i32..5),
        any::<bool>(),
        of(any::<bool>()),
    )
        .prop_map(
            |(metadata, selectors, placement, failover, priority, propagate_deps, preserve)| {
                let mut p = PropagationPolicy::new(
                    "x",
                    PropagationSpec {
                        resource_selectors: selectors
                            .into_iter()
                            .map(|(name, label_selector)| ResourceSelector {
                                api_version: "apps/v1".into(),
                                kind: "Deployment".into(),
                                namespace: String::new(),
                                name,
                                label_selector,
                            })
                            .collect(),
                        propagate_deps,
                        placement,
                        priority,
                        failover,
                        preserve_resources_on_deletion: preserve,
                        ..Default::default()
                    },
                );
                p.metadata = metadata;
                p
            },
        )
}

fn condition() -> impl Strategy<Value = Condition> {
    (
        prop_oneof![Just("Ready"), Just("Scheduled")],
        prop_oneof![
            Just(ConditionStatus::True),
            Just(ConditionStatus::False),
            Just(ConditionStatus::Unknown)
        ],
        time(),
        name(),
        text(),
        of(0i64..9),
    )
        .prop_map(
            |(t, status, last_transition_time, reason, message, observed_generation)| Condition {
                type_: t.into(),
                status,
                observed_generation,
                last_transition_time,
                reason,
                message,
            },
        )
}

fn cluster() -> impl Strategy<Value = Cluster> {
    (
        meta(),
        prop_oneof![Just(SyncMode::Push), Just(SyncMode::Pull)],
        vec(
            (
                name(),
                of(text()),
                prop_oneof![Just("NoSchedule"), Just("NoExecute")],
                of(time()),
            ),
            0..3,
        ),
        vec(name(), 0..3),
        vec((name(), quantity(), quantity()), 0..3),
        of((
            vec(condition(), 0..3),
            btree_map(name(), quantity(), 0..3),
            vec(name(), 0..2),
        )),
    )
        .prop_map(
            |(metadata, sync_mode, taints, zones, ranges, status)| Cluster {
                metadata,
                spec: ClusterSpec {
                    sync_mode,
                    api_endpoint: "https://10.0.0.1:6443".into(),
                    taints: taints
                        .into_iter()
                        .map(|(key, value, effect, time_added)| Taint {
                            key,
                            value,
                            effect: effect.into(),
                            time_added,
                        })
                        .collect(),
                    zones,
                    resource_models: vec![ResourceModel {
                        grade: 0,
                        ranges: ranges
                            .into_iter()
                            .map(|(name, min, max)| ResourceModelRange { name, min, max })
                            .collect(),
                    }],
                    ..Default::default()
                },
                status: status.map(|(conditions, allocatable, remedy_actions)| ClusterStatus {
                    conditions,
                    resource_summary: Some(ResourceSummary {
                        allocatable,
                        ..Default::default()
                    }),
                    remedy_actions,
                    ..Default::default()
                }),
                ..Cluster::new("x", ClusterSpec::default())
            },
        )
}

fn eviction_task() -> impl Strategy<Value = GracefulEvictionTask> {
    (
        name(),
        of(purge_mode()),
        of(0i32..10),
        of(1i32..600),
        of(any::<bool>()),
        string_map(),
        of(time()),
        vec(name(), 0..2),
    )
        .prop_map(
            |(from_cluster, purge_mode, replicas, grace, suppress, state, created, before)| {
                GracefulEvictionTask {
                    from_cluster,
                    purge_mode,
                    replicas,
                    reason: "TaintUntolerated".into(),
                    message: String::new(),
                    producer: "TaintManager".into(),
                    grace_period_seconds: grace,
                    suppress_deletion: suppress,
                    preserved_label_state: state,
                    creation_timestamp: created,
                    clusters_before_failover: before,
                }
            },
        )
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        (-1000i64..1000).prop_map(serde_json::Value::from),
        text().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(serde_json::Value::from),
            btree_map(name(), inner, 0..3)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An embedded JSON value that is present: on the wire `null` and absent are the same thing.
fn present_json() -> impl Strategy<Value = serde_json::Value> {
    json_value().prop_filter("null is absent", |v| !v.is_null())
}

fn resource_binding() -> impl Strategy<Value = ResourceBinding> {
    (
        meta(),
        0i32..20,
        vec((name(), 0i32..5), 0..3),
        of(placement()),
        vec(eviction_task(), 0..3),
        of(failover()),
        vec(condition(), 0..2),
        vec((name(), of(present_json()), any::<bool>()), 0..2),
    )
        .prop_map(
            |(metadata, replicas, clusters, placement, tasks, failover, conditions, aggregated)| {
                let mut rb = ResourceBinding::new(
                    "x",
                    ResourceBindingSpec {
                        resource: ObjectReference {
                            api_version: "apps/v1".into(),
                            kind: "Deployment".into(),
                            namespace: "default".into(),
                            name: "web".into(),
                            ..Default::default()
                        },
                        replicas,
                        clusters: clusters
                            .into_iter()
                            .map(|(name, replicas)| TargetCluster {
                                name,
                                replicas,
                                components: vec![],
                            })
                            .collect(),
                        placement,
                        graceful_eviction_tasks: tasks,
                        failover,
                        ..Default::default()
                    },
                );
                rb.metadata = metadata;
                rb.status = Some(ResourceBindingStatus {
                    conditions,
                    aggregated_status: aggregated
                        .into_iter()
                        .map(|(cluster_name, status, applied)| AggregatedStatusItem {
                            cluster_name,
                            status,
                            applied,
                            applied_message: String::new(),
                            health: Some(ResourceHealth::Healthy),
                        })
                        .collect(),
                    ..Default::default()
                });
                rb
            },
        )
}

fn taint_policy() -> impl Strategy<Value = ClusterTaintPolicy> {
    (
        meta(),
        of(affinity()),
        vec((name(), prop_oneof![Just("In"), Just("NotIn")]), 0..2),
        vec((name(), text()), 1..3),
    )
        .prop_map(|(metadata, target_clusters, conditions, taints)| {
            let mut p = ClusterTaintPolicy::new(
                "x",
                ClusterTaintPolicySpec {
                    target_clusters,
                    add_on_conditions: conditions
                        .into_iter()
                        .map(|(t, op)| MatchCondition {
                            condition_type: t,
                            operator: op.into(),
                            status_values: vec!["False".into()],
                        })
                        .collect(),
                    remove_on_conditions: vec![],
                    taints: taints
                        .into_iter()
                        .map(|(key, value)| TaintSpec {
                            key,
                            effect: "NoSchedule".into(),
                            value,
                        })
                        .collect(),
                },
            );
            p.metadata = metadata;
            p
        })
}

fn work() -> impl Strategy<Value = Work> {
    (meta(), vec(json_value(), 0..3), of(any::<bool>())).prop_map(
        |(metadata, manifests, suspend)| {
            let mut w = Work::new(
                "x",
                WorkSpec {
                    workload: WorkloadTemplate { manifests },
                    suspend_dispatching: suspend,
                    preserve_resources_on_deletion: None,
                },
            );
            w.metadata = metadata;
            w
        },
    )
}

fn override_policy() -> impl Strategy<Value = OverridePolicy> {
    (
        meta(),
        of(vec(
            (of(affinity()), vec((name(), json_value()), 0..2)),
            0..2,
        )),
    )
        .prop_map(|(metadata, rules)| {
            let mut p = OverridePolicy::new(
                "x",
                OverrideSpec {
                    override_rules: rules.map(|r| {
                        r.into_iter()
                            .map(|(target_cluster, plaintext)| RuleWithCluster {
                                target_cluster,
                                overriders: Overriders {
                                    plaintext: plaintext
                                        .into_iter()
                                        .map(|(p, value)| PlaintextOverrider {
                                            path: format!("/{p}"),
                                            operator: OverriderOperator::Replace,
                                            value: Some(value).filter(|v| !v.is_null()),
                                        })
                                        .collect(),
                                    ..Default::default()
                                },
                            })
                            .collect()
                    }),
                    ..Default::default()
                },
            );
            p.metadata = metadata;
            p
        })
}

fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    object: &T,
) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(object).unwrap();
    let back: T =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
    prop_assert_eq!(&back, object, "JSON: {}", json);
    let yaml = serde_saphyr::to_string(object).unwrap();
    let back: T =
        serde_saphyr::from_str(&yaml).map_err(|e| TestCaseError::fail(format!("{e}\n{yaml}")))?;
    prop_assert_eq!(&back, object, "YAML:\n{}", yaml);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn propagation_policies_round_trip(p in propagation_policy()) { round_trips(&p)?; }

    #[test]
    fn clusters_round_trip(c in cluster()) { round_trips(&c)?; }

    #[test]
    fn bindings_round_trip(b in resource_binding()) { round_trips(&b)?; }

    #[test]
    fn taint_policies_round_trip(p in taint_policy()) { round_trips(&p)?; }

    #[test]
    fn works_round_trip(w in work()) { round_trips(&w)?; }

    #[test]
    fn override_policies_round_trip(p in override_policy()) { round_trips(&p)?; }

    /// Admission is a fixed point: an admitted object, admitted again as an update of itself,
    /// comes back unchanged (defaults are not re-applied differently, nothing is lost).
    #[test]
    fn admission_is_idempotent(p in propagation_policy(), b in resource_binding(), c in cluster()) {
        let ctx = context(AdmissionConfig::default(), FieldValidation::Strict);
        for object in [serde_json::to_value(&p).unwrap(), serde_json::to_value(&b).unwrap(), serde_json::to_value(&c).unwrap()] {
            let Ok(first) = admit_value(object, vec![], Operation::Create, &ctx) else { continue };
            let again = admit_value(first.object.clone(), vec![], Operation::Update { old: first.object.clone() }, &ctx)
                .map_err(|r| TestCaseError::fail(r.message))?;
            prop_assert_eq!(&again.object, &first.object);
        }
    }
}
