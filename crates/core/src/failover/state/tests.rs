//! Tests of state preservation: one table per rule F-41 … F-48, the seed's Flink example, the
//! F-48 example, FD-9 and FD-10 regressions, and property tests of extraction and injection.
//!
//! Owns: the behavioural contract of `state.rs`. Must not: test other modules.

use super::*;
use flotilla_api::types::{
    ApplicationFailoverBehavior, BindingSnapshot, ClusterFailoverBehavior, FailoverBehavior,
    GracefulEvictionTask, TargetCluster,
};
use proptest::prelude::*;
use serde_json::json;

fn rule(alias: &str, json_path: &str) -> StatePreservationRule {
    StatePreservationRule {
        alias_label_name: alias.into(),
        json_path: json_path.into(),
    }
}

fn item(cluster: &str, status: Option<Value>) -> AggregatedStatusItem {
    AggregatedStatusItem {
        cluster_name: cluster.into(),
        status,
        applied: true,
        ..Default::default()
    }
}

fn target(name: &str) -> TargetCluster {
    TargetCluster {
        name: name.into(),
        replicas: 1,
        ..Default::default()
    }
}

fn task(from: &str, mode: Option<PurgeMode>, state: &[(&str, &str)]) -> GracefulEvictionTask {
    GracefulEvictionTask {
        from_cluster: from.into(),
        purge_mode: mode,
        reason: "TaintUntolerated".into(),
        producer: "TaintManager".into(),
        preserved_label_state: state
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    }
}

fn state_of(pairs: &[(&str, &str)]) -> PreservedLabelState {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A single-target binding on `west` that was evicted from `east` with Directly.
fn evicted_spec(state: &[(&str, &str)]) -> ResourceBindingSpec {
    ResourceBindingSpec {
        clusters: vec![target("west")],
        graceful_eviction_tasks: vec![task("east", Some(PurgeMode::Directly), state)],
        ..Default::default()
    }
}

fn extract_one(json_path: &str, status: Value) -> Result<String, StateExtractionError> {
    let rules = [rule("a.io/k", json_path)];
    extract_state(&rules, &[item("east", Some(status))], "east").map(|m| m["a.io/k"].clone())
}

#[test]
fn f41_rules_come_from_the_failover_block_of_each_kind() {
    let cluster_rules = vec![rule("c.io/k", "{.c}")];
    let app_rules = vec![rule("a.io/k", "{.a}")];
    let both = ResourceBindingSpec {
        failover: Some(FailoverBehavior {
            cluster: Some(ClusterFailoverBehavior {
                state_preservation: Some(StatePreservation {
                    rules: cluster_rules.clone(),
                }),
                ..Default::default()
            }),
            application: Some(ApplicationFailoverBehavior {
                state_preservation: Some(StatePreservation {
                    rules: app_rules.clone(),
                }),
                ..Default::default()
            }),
        }),
        ..Default::default()
    };
    let cluster_only_no_block = ResourceBindingSpec {
        failover: Some(FailoverBehavior {
            cluster: Some(ClusterFailoverBehavior::default()),
            application: None,
        }),
        ..Default::default()
    };
    let cases: [(
        &ResourceBindingSpec,
        &[StatePreservationRule],
        &[StatePreservationRule],
    ); 3] = [
        (&both, &cluster_rules, &app_rules),
        (&cluster_only_no_block, &[], &[]),
        (&ResourceBindingSpec::default(), &[], &[]),
    ];
    for (i, (spec, cluster, app)) in cases.into_iter().enumerate() {
        assert_eq!(cluster_failover_rules(spec), cluster, "case {i}: cluster");
        assert_eq!(
            application_failover_rules(spec),
            app,
            "case {i}: application"
        );
    }
}

#[test]
fn f42_input_is_the_reflected_status_of_the_evicted_cluster() {
    let not_collected = "the application status has not yet been collected from Cluster(east)";
    let west = item("west", Some(json!({"jobId": "w"})));
    let cases: Vec<(&str, Vec<AggregatedStatusItem>, Result<&str, &str>)> = vec![
        ("no items", vec![], Err(not_collected)),
        (
            "only another cluster",
            vec![west.clone()],
            Err(not_collected),
        ),
        (
            "item without status",
            vec![west.clone(), item("east", None)],
            Err(not_collected),
        ),
        (
            "null status",
            vec![item("east", Some(Value::Null))],
            Err(not_collected),
        ),
        (
            "the evicted cluster's own item",
            vec![west.clone(), item("east", Some(json!({"jobId": "e"})))],
            Ok("e"),
        ),
    ];
    let rules = [rule("a.io/job", "{.jobId}")];
    for (name, items, expected) in cases {
        let got = extract_state(&rules, &items, "east");
        match expected {
            Ok(value) => assert_eq!(got.unwrap()["a.io/job"], value, "{name}"),
            Err(message) => assert_eq!(got.unwrap_err().to_string(), message, "{name}"),
        }
    }
    // No rules: nothing is read, so a missing status is no error.
    assert_eq!(
        extract_state(&[], &[], "east"),
        Ok(PreservedLabelState::new())
    );
}

#[test]
fn f42_reflected_deployment_status_omits_zero_counters() {
    // A Deployment's reflected status with readyReplicas 0 has no readyReplicas field.
    let status = json!({"replicas": 2, "observedGeneration": 3, "generation": 3});
    let err = extract_one("{.readyReplicas}", status).unwrap_err();
    assert!(
        matches!(err, StateExtractionError::Evaluation { .. }),
        "{err}"
    );
}

#[test]
fn f43_rendering_table() {
    let status = json!({
        "jobStatus": {"jobId": "a1b2", "state": "RUNNING"},
        "replicas": 3, "ratio": 0.5, "epoch": 1234567, "done": false, "ok": true,
        "tags": ["x", "y"], "empty": [], "nested": {"b": 1, "a": [1, {"c": "d"}]},
        "items": [{"name": "p"}, {"name": "q"}]
    });
    let cases = [
        ("{.jobStatus.jobId}", "a1b2"),
        ("id-{.jobStatus.jobId}", "id-a1b2"),
        ("plain text", "plain text"),
        ("{.items[*].name}", "p q"),
        ("{.tags[*]}", "x y"),
        ("{.empty[*]}", ""),
        ("{.jobStatus.state}", "RUNNING"),
        ("{.done}", "false"),
        ("{.ok}", "true"),
        ("{.nested}", r#"{"a":[1,{"c":"d"}],"b":1}"#),
        ("{.tags}", r#"["x","y"]"#),
        ("{.replicas}", "3"),
        ("{.ratio}", "0.5"),
        ("{.epoch}", "1234567"),
        ("{.jobStatus.jobId}-{.replicas}", "a1b2-3"),
    ];
    for (json_path, expected) in cases {
        assert_eq!(
            extract_one(json_path, status.clone()).as_deref(),
            Ok(expected),
            "{json_path}"
        );
    }
    // Rooted at the status object: `.status.x` is a missing key.
    assert!(extract_one("{.status.replicas}", status.clone()).is_err());
    // Missing keys are errors (tolerance off).
    assert!(extract_one("{.jobStatus.missing}", status).is_err());
}

#[test]
fn f43_values_are_not_validated_as_label_values() {
    let long = "x".repeat(80);
    let status = json!({"long": long, "odd": "a b:c+d"});
    assert_eq!(extract_one("{.long}", status.clone()).unwrap(), long);
    assert_eq!(extract_one("{.odd}", status).unwrap(), "a b:c+d");
}

#[test]
fn f44_any_failing_rule_fails_the_whole_extraction() {
    let items = [item("east", Some(json!({"jobId": "a1b2", "list": [1]})))];
    let good = rule("a.io/good", "{.jobId}");
    let cases = [
        (rule("a.io/parse", "{.jobId"), "a.io/parse", "is invalid"),
        (
            rule("a.io/missing", "{.nope}"),
            "a.io/missing",
            "failed on the status",
        ),
        (
            rule("a.io/index", "{.list[5]}"),
            "a.io/index",
            "failed on the status",
        ),
    ];
    for (bad, alias, phrase) in cases {
        for rules in [
            vec![good.clone(), bad.clone()],
            vec![bad.clone(), good.clone()],
        ] {
            let err = extract_state(&rules, &items, "east").unwrap_err();
            let text = err.to_string();
            assert_eq!(err.alias_label_name(), Some(alias), "{text}");
            assert_eq!(err.cluster(), "east");
            assert!(text.contains(alias), "names the rule: {text}");
            assert!(text.contains(&bad.json_path), "names the path: {text}");
            assert!(text.contains("Cluster(east)"), "names the cluster: {text}");
            assert!(text.contains(phrase), "{text}");
        }
    }
    let err = extract_state(&[good], &[], "east").unwrap_err();
    assert_eq!(err.alias_label_name(), None);
    assert_eq!(err.cluster(), "east");
}

#[test]
fn f45_state_is_stored_only_with_the_gate_and_rules() {
    let items = [item("east", Some(json!({"jobId": "a1b2"})))];
    let rules = [rule("failover.example.io/job-id", "{.jobId}")];
    let stored = Some(state_of(&[("failover.example.io/job-id", "a1b2")]));
    let cases = [
        (false, &rules[..], Ok(None)),
        (true, &[][..], Ok(None)),
        (true, &rules[..], Ok(stored)),
    ];
    for (gate, rules, expected) in cases {
        assert_eq!(preserve_state(gate, rules, &items, "east"), expected);
    }
    // Gate off: even an uncollected status is no error (the fields are inert).
    assert_eq!(preserve_state(false, &rules, &[], "east"), Ok(None));
    assert!(preserve_state(true, &rules, &[], "east").is_err());
}

#[test]
fn f45_duplicate_alias_keeps_the_later_rule() {
    let items = [item("east", Some(json!({"a": "1", "b": "2"})))];
    let rules = [rule("x.io/k", "{.a}"), rule("x.io/k", "{.b}")];
    let state = extract_state(&rules, &items, "east").unwrap();
    assert_eq!(state, state_of(&[("x.io/k", "2")]));
}

#[test]
fn f46_injection_conditions_table() {
    let st = [("failover.example.io/job-id", "a1b2")];
    let base = evicted_spec(&st);
    let with = |f: &dyn Fn(&mut ResourceBindingSpec)| {
        let mut spec = base.clone();
        f(&mut spec);
        spec
    };
    let two_targets = with(&|s| s.clusters.push(target("north")));
    let required_elsewhere = with(&|s| {
        s.required_by.push(BindingSnapshot {
            name: "parent".into(),
            clusters: vec![target("north")],
            ..Default::default()
        })
    });
    let required_same = with(&|s| {
        s.required_by.push(BindingSnapshot {
            name: "parent".into(),
            clusters: vec![target("west")],
            ..Default::default()
        })
    });
    let no_targets = with(&|s| s.clusters.clear());
    let no_task = with(&|s| s.graceful_eviction_tasks.clear());
    let gracefully =
        with(&|s| s.graceful_eviction_tasks[0].purge_mode = Some(PurgeMode::Gracefully));
    let never = with(&|s| s.graceful_eviction_tasks[0].purge_mode = Some(PurgeMode::Never));
    let unset = with(&|s| s.graceful_eviction_tasks[0].purge_mode = None);
    let before = with(&|s| {
        s.graceful_eviction_tasks[0].clusters_before_failover = vec!["east".into(), "west".into()]
    });
    let before_other =
        with(&|s| s.graceful_eviction_tasks[0].clusters_before_failover = vec!["east".into()]);
    let empty_state = evicted_spec(&[]);
    let expected_state = state_of(&st);
    let inject = InjectionDecision::Inject(&expected_state);
    let skip = InjectionDecision::Skip;
    let cases: Vec<(&str, &ResourceBindingSpec, bool, InjectionDecision<'_>)> = vec![
        ("all conditions hold", &base, true, inject),
        ("gate off", &base, false, skip(InjectionSkip::GateDisabled)),
        (
            "1: two targets",
            &two_targets,
            true,
            skip(InjectionSkip::TargetCount(2)),
        ),
        (
            "1: requiredBy adds a cluster",
            &required_elsewhere,
            true,
            skip(InjectionSkip::TargetCount(2)),
        ),
        (
            "1: requiredBy same cluster merges",
            &required_same,
            true,
            inject,
        ),
        (
            "1: no target",
            &no_targets,
            true,
            skip(InjectionSkip::TargetCount(0)),
        ),
        ("2: no task", &no_task, true, skip(InjectionSkip::NoTask)),
        (
            "3: Gracefully",
            &gracefully,
            true,
            skip(InjectionSkip::NotDirectly(Some(PurgeMode::Gracefully))),
        ),
        (
            "3: Never",
            &never,
            true,
            skip(InjectionSkip::NotDirectly(Some(PurgeMode::Never))),
        ),
        (
            "3: unset",
            &unset,
            true,
            skip(InjectionSkip::NotDirectly(None)),
        ),
        (
            "4: target was used before",
            &before,
            true,
            skip(InjectionSkip::ClusterBeforeFailover),
        ),
        ("4: other clusters before", &before_other, true, inject),
        (
            "empty state",
            &empty_state,
            true,
            skip(InjectionSkip::EmptyState),
        ),
    ];
    for (name, spec, gate, expected) in cases {
        assert_eq!(injection_decision(spec, "west", gate), expected, "{name}");
    }
}

#[test]
fn f46_only_the_last_task_counts() {
    let mut spec = evicted_spec(&[("a.io/k", "old")]);
    spec.graceful_eviction_tasks.push(task(
        "north",
        Some(PurgeMode::Directly),
        &[("a.io/k", "new")],
    ));
    let newest = state_of(&[("a.io/k", "new")]);
    assert_eq!(
        injection_decision(&spec, "west", true),
        InjectionDecision::Inject(&newest)
    );
    spec.graceful_eviction_tasks[1].purge_mode = Some(PurgeMode::Gracefully);
    assert_eq!(
        injection_decision(&spec, "west", true),
        InjectionDecision::Skip(InjectionSkip::NotDirectly(Some(PurgeMode::Gracefully))),
        "an earlier Directly task is not considered"
    );
}

#[test]
fn f46_label_edit_table() {
    let st = state_of(&[("a.io/job", "a1b2"), ("a.io/epoch", "7")]);
    let cases = [
        (
            json!({"kind": "X"}),
            json!({"kind": "X", "metadata": {"labels": {"a.io/epoch": "7", "a.io/job": "a1b2"}}}),
        ),
        (
            json!({"metadata": null}),
            json!({"metadata": {"labels": {"a.io/epoch": "7", "a.io/job": "a1b2"}}}),
        ),
        (
            json!({"metadata": {"name": "n", "labels": null}}),
            json!({"metadata": {"name": "n", "labels": {"a.io/epoch": "7", "a.io/job": "a1b2"}}}),
        ),
        (
            json!({"metadata": {"labels": {"app": "web", "a.io/job": "stale"}}}),
            json!({"metadata": {"labels": {"app": "web", "a.io/job": "a1b2", "a.io/epoch": "7"}}}),
        ),
    ];
    for (mut manifest, expected) in cases {
        assert_eq!(inject_labels(&mut manifest, &st), Ok(2));
        assert_eq!(manifest, expected);
    }
    let errors = [
        (json!([1]), "manifest"),
        (json!({"metadata": "x"}), "metadata"),
        (json!({"metadata": {"labels": ["a"]}}), "metadata.labels"),
    ];
    for (mut manifest, path) in errors {
        assert_eq!(
            inject_labels(&mut manifest, &st),
            Err(InjectionError::NotAnObject(path))
        );
    }
}

#[test]
fn f46_empty_map_injects_nothing() {
    let mut manifest = json!({"kind": "X"});
    assert_eq!(
        inject_labels(&mut manifest, &PreservedLabelState::new()),
        Ok(0)
    );
    assert_eq!(manifest, json!({"kind": "X"}), "no metadata.labels created");
}

#[test]
fn f47_labels_disappear_when_the_task_goes() {
    let template =
        json!({"kind": "FlinkDeployment", "metadata": {"name": "f", "labels": {"app": "f"}}});
    let mut spec = evicted_spec(&[("a.io/job", "a1b2")]);
    let mut while_task = template.clone();
    let decision = inject_preserved_state(&mut while_task, &spec, "west", true).unwrap();
    assert!(matches!(decision, InjectionDecision::Inject(_)));
    assert_eq!(while_task["metadata"]["labels"]["a.io/job"], "a1b2");
    // The graceful eviction controller removes the task (F-40); the next Work sync regenerates
    // the manifest from the template without the label.
    spec.graceful_eviction_tasks.clear();
    let mut after = template.clone();
    let decision = inject_preserved_state(&mut after, &spec, "west", true).unwrap();
    assert_eq!(decision, InjectionDecision::Skip(InjectionSkip::NoTask));
    assert_eq!(after, template);
}

#[test]
fn f48_documented_limitations_map_to_conditions() {
    let st = [("a.io/job", "a1b2")];
    let mut spread = evicted_spec(&st);
    spread.clusters.push(target("north"));
    let mut consecutive_empty = evicted_spec(&st);
    consecutive_empty
        .graceful_eviction_tasks
        .push(task("west", Some(PurgeMode::Directly), &[]));
    consecutive_empty.clusters = vec![target("north")];
    let mut gracefully = evicted_spec(&st);
    gracefully.graceful_eviction_tasks[0].purge_mode = Some(PurgeMode::Gracefully);
    let cases = [
        (
            "only one cluster to another",
            &spread,
            "west",
            InjectionSkip::TargetCount(2),
        ),
        (
            "last failover with empty state",
            &consecutive_empty,
            "north",
            InjectionSkip::EmptyState,
        ),
        (
            "Directly only",
            &gracefully,
            "west",
            InjectionSkip::NotDirectly(Some(PurgeMode::Gracefully)),
        ),
    ];
    for (limitation, spec, cluster, skip) in cases {
        assert_eq!(
            injection_decision(spec, cluster, true),
            InjectionDecision::Skip(skip),
            "{limitation}"
        );
    }
}

/// F-48's example: eviction from east under a policy with rule `{.jobStatus.jobId}`.
#[test]
fn f48_example_job_id_a1b2() {
    let spec: ResourceBindingSpec = serde_json::from_value(json!({
        "resource": {"apiVersion": "example.io/v1", "kind": "Job", "name": "j"},
        "clusters": [{"name": "east", "replicas": 1}],
        "failover": {"cluster": {"purgeMode": "Directly", "statePreservation": {"rules": [
            {"aliasLabelName": "failover.example.io/job-id", "jsonPath": "{.jobStatus.jobId}"}
        ]}}}
    }))
    .unwrap();
    let items = [item("east", Some(json!({"jobStatus": {"jobId": "a1b2"}})))];
    let state = preserve_state(true, cluster_failover_rules(&spec), &items, "east").unwrap();
    let task = GracefulEvictionTask {
        from_cluster: "east".into(),
        purge_mode: Some(PurgeMode::Directly),
        reason: "TaintUntolerated".into(),
        producer: "TaintManager".into(),
        preserved_label_state: state.unwrap(),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&task).unwrap(),
        json!({"fromCluster": "east", "purgeMode": "Directly", "reason": "TaintUntolerated",
               "producer": "TaintManager",
               "preservedLabelState": {"failover.example.io/job-id": "a1b2"}})
    );
}

/// The seed's Flink example: `{ .jobStatus.jobID }` (spaces inside the braces) on a
/// FlinkDeployment's whole status, injected into the copy for member2.
#[test]
fn seed_flink_example_job_id() {
    let spec: ResourceBindingSpec = serde_json::from_value(json!({
        "resource": {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment", "name": "flink-app"},
        "clusters": [{"name": "member1"}],
        "failover": {"cluster": {"purgeMode": "Directly", "statePreservation": {"rules": [
            {"aliasLabelName": "application.karmada.io/cluster-failover-jobid",
             "jsonPath": "{ .jobStatus.jobID }"}
        ]}}}
    }))
    .unwrap();
    let status = json!({"jobStatus": {"jobID": "e3b7c5d2a1f04d8e9b6a7c5d3e2f1a0b", "state": "RUNNING"},
                        "lifecycleState": "STABLE"});
    let items = [item("member1", Some(status))];
    let state = preserve_state(true, cluster_failover_rules(&spec), &items, "member1")
        .unwrap()
        .unwrap();
    let key = "application.karmada.io/cluster-failover-jobid";
    assert_eq!(state[key], "e3b7c5d2a1f04d8e9b6a7c5d3e2f1a0b");
    // After the eviction (F-28 edit) and rescheduling to member2, the new copy carries it.
    let mut after = spec.clone();
    after.clusters = vec![target("member2")];
    let mut evicted = task("member1", Some(PurgeMode::Directly), &[]);
    evicted.preserved_label_state = state;
    after.graceful_eviction_tasks = vec![evicted];
    let mut manifest = json!({"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
                              "metadata": {"name": "flink-app"}});
    inject_preserved_state(&mut manifest, &after, "member2", true).unwrap();
    assert_eq!(
        manifest["metadata"]["labels"][key],
        "e3b7c5d2a1f04d8e9b6a7c5d3e2f1a0b"
    );
}

#[test]
fn fd9_numbers_render_as_plain_decimals() {
    let status = json!({"small": 3, "half": 0.5, "big": 1234567, "neg": -17, "whole": 2.0,
                        "ratio": 1234567.5, "huge": 1e21});
    let cases = [
        ("{.small}", "3"),
        ("{.half}", "0.5"),
        ("{.big}", "1234567"),
        ("{.neg}", "-17"),
        ("{.whole}", "2"),
        ("{.ratio}", "1234567.5"),
        ("{.huge}", "1000000000000000000000"),
    ];
    for (path, expected) in cases {
        let got = extract_one(path, status.clone()).unwrap();
        assert_eq!(got, expected, "{path}");
        assert!(!got.contains('e'), "no exponent form: {got}");
    }
}

#[test]
fn fd10_extraction_error_gives_a_warning_event_each_time() {
    let rules = [rule("failover.example.io/job-id", "{.jobStatus.jobId}")];
    let cases = [
        (vec![], None),
        (
            vec![item("east", Some(json!({"jobStatus": {}})))],
            Some("failover.example.io/job-id"),
        ),
    ];
    for (items, alias) in cases {
        let err = preserve_state(true, &rules, &items, "east").unwrap_err();
        // Each failed attempt yields the same event: the caller emits it on every retry.
        for _ in 0..2 {
            let event = preserve_state_failed_event(&err);
            assert!(event.is_warning());
            assert_eq!(event.event_type(), "Warning");
            assert_eq!(event.reason, "PreserveStateFailed");
            assert_eq!(event.reason, events::PRESERVE_STATE_FAILED);
            assert!(event.message.contains("east"), "{}", event.message);
            assert!(event.message.contains("held"), "{}", event.message);
            assert!(
                event.message.contains(&err.to_string()),
                "{}",
                event.message
            );
            if let Some(alias) = alias {
                assert!(event.message.contains(alias), "{}", event.message);
            }
        }
    }
}

proptest! {
    /// F-43: a string field is rendered raw, whatever it holds.
    #[test]
    fn prop_f43_strings_render_raw(value in "\\PC{0,40}") {
        let got = extract_one("{.v}", json!({"v": value.clone()}));
        prop_assert_eq!(got, Ok(value));
    }

    /// FD-9: every integer renders as its decimal digits.
    #[test]
    fn prop_fd9_integers_render_as_digits(n in any::<i64>()) {
        prop_assert_eq!(extract_one("{.n}", json!({"n": n})), Ok(n.to_string()));
    }

    /// F-46: after an injection every state entry is a label; other labels are kept.
    #[test]
    fn prop_f46_injection_sets_every_entry(
        state in proptest::collection::btree_map("[a-z]{1,4}", "[a-z0-9]{0,4}", 0..5),
        existing in proptest::collection::btree_map("[a-z]{1,4}", "[a-z0-9]{0,4}", 0..5),
    ) {
        let mut manifest = json!({"metadata": {"labels": existing.clone()}});
        let set = inject_labels(&mut manifest, &state).unwrap();
        prop_assert_eq!(set, state.len());
        let labels = manifest["metadata"]["labels"].as_object().unwrap();
        for (k, v) in &state {
            prop_assert_eq!(labels[k].as_str(), Some(v.as_str()));
        }
        for (k, v) in &existing {
            if !state.contains_key(k) {
                prop_assert_eq!(labels[k].as_str(), Some(v.as_str()));
            }
        }
    }

    /// F-46/F-47: a skipped decision never touches the manifest.
    #[test]
    fn prop_f46_skip_leaves_manifest_untouched(
        gate in any::<bool>(),
        extra_targets in 0usize..3,
        mode in proptest::option::of(prop_oneof![
            Just(PurgeMode::Directly), Just(PurgeMode::Gracefully), Just(PurgeMode::Never)
        ]),
        has_task in any::<bool>(),
    ) {
        let mut spec = evicted_spec(&[("a.io/k", "v")]);
        for i in 0..extra_targets {
            spec.clusters.push(target(&format!("extra{i}")));
        }
        spec.graceful_eviction_tasks[0].purge_mode = mode;
        if !has_task {
            spec.graceful_eviction_tasks.clear();
        }
        let original = json!({"metadata": {"labels": {"app": "x"}}});
        let mut manifest = original.clone();
        let decision = inject_preserved_state(&mut manifest, &spec, "west", gate).unwrap();
        let expect_inject =
            gate && extra_targets == 0 && has_task && mode == Some(PurgeMode::Directly);
        prop_assert_eq!(matches!(decision, InjectionDecision::Inject(_)), expect_inject);
        if !expect_inject {
            prop_assert_eq!(manifest, original);
        }
    }
}
