//! api.md §14.5 (bindings and Works), §2.5 conditions, metadata rules, field validation of
//! unknown and duplicate fields, embedded JSON, and the scheduler's admission defaults (S-2).

use RejectionKind::{BadRequest, Forbidden, Invalid};
use flotilla_api::admission::{AdmissionConfig, FieldValidation, Operation, RejectionKind};
use serde_json::Value;

use super::common::{admit_yaml, context, error_lines};
use super::*;

#[test]
fn binding_and_work_rules_api_14_5() {
    let cases = [
        Case { rule: "§14.5 spec.resource required", yaml: rb("replicas: 2"), kind: Invalid,
            errors: &["spec.resource: Required value"] },
        Case { rule: "§14.5 resource fields required", yaml: rb("resource: {namespace: default}"), kind: Invalid,
            errors: &["spec.resource.apiVersion: Required value", "spec.resource.kind: Required value", "spec.resource.name: Required value"] },
        Case { rule: "§14.5 clusters[].name", yaml: rb("resource: {apiVersion: apps/v1, kind: Deployment, name: web}\nclusters: [{replicas: 1}]"), kind: Invalid,
            errors: &["spec.clusters[0].name: Required value"] },
        Case { rule: "§14.5 task required fields", yaml: rb("resource: {apiVersion: apps/v1, kind: Deployment, name: web}\ngracefulEvictionTasks: [{purgeMode: Directly}]"), kind: Invalid,
            errors: &["spec.gracefulEvictionTasks[0].fromCluster: Required value", "spec.gracefulEvictionTasks[0].producer: Required value", "spec.gracefulEvictionTasks[0].reason: Required value"] },
        Case { rule: "§14.5 task reason pattern and length", yaml: rb(&format!("resource: {{apiVersion: apps/v1, kind: Deployment, name: web}}\ngracefulEvictionTasks: [{{fromCluster: m1, producer: TaintManager, reason: '1bad'}}, {{fromCluster: m2, producer: TaintManager, reason: {}}}]", "R".repeat(33))), kind: Invalid,
            errors: &["spec.gracefulEvictionTasks[0].reason: Invalid value: \"1bad\": spec.gracefulEvictionTasks[0].reason in body should match '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'", "spec.gracefulEvictionTasks[1].reason: Too long: may not be more than 32 bytes"] },
        Case { rule: "§14.5 task message length, purgeMode enum", yaml: rb(&format!("resource: {{apiVersion: apps/v1, kind: Deployment, name: web}}\ngracefulEvictionTasks: [{{fromCluster: m1, producer: p, reason: R, purgeMode: Later, message: {}}}]", "m".repeat(1025))), kind: Invalid,
            errors: &["spec.gracefulEvictionTasks[0].message: Too long: may not be more than 1024 bytes", "spec.gracefulEvictionTasks[0].purgeMode: Unsupported value: \"Later\": supported values: \"Directly\", \"Gracefully\", \"Never\""] },
        Case { rule: "§14.5 conflictResolution enum", yaml: rb("resource: {apiVersion: apps/v1, kind: Deployment, name: web}\nconflictResolution: abort"), kind: Invalid,
            errors: &["spec.conflictResolution: Unsupported value: \"abort\": supported values: \"Abort\", \"Overwrite\""] },
        Case { rule: "§14.5 components[].name <= 32", yaml: rb(&format!("resource: {{apiVersion: apps/v1, kind: Deployment, name: web}}\ncomponents: [{{name: {}, replicas: 1}}]", "c".repeat(33))), kind: Invalid,
            errors: &["spec.components[0].name: Too long: may not be more than 32 bytes"] },
        Case { rule: "§14.5 dependencies annotation", yaml: "apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\nmetadata: {name: b, namespace: default, annotations: {resourcebinding.karmada.io/dependencies: '[{'}}\nspec: {resource: {apiVersion: v1, kind: ConfigMap, name: c}}\n".into(), kind: Forbidden,
            errors: &["metadata.annotations[resourcebinding.karmada.io/dependencies]: Invalid value: \"[{\": annotation value must be a valid JSON"] },
        Case { rule: "§14.5 Work schema", yaml: "apiVersion: work.karmada.io/v1alpha1\nkind: Work\nmetadata: {name: w, namespace: karmada-es-m1}\nspec: {workload: {manifests: {kind: Deployment}}}\n".into(), kind: Invalid,
            errors: &["spec.workload.manifests: Invalid value: \"object\": spec.workload.manifests in body must be of type array: \"object\""] },
    ];
    check(&cases, AdmissionConfig::default());
    let gated = AdmissionConfig {
        multiple_pod_templates_scheduling: true,
        ..Default::default()
    };
    let components = [
        Case {
            rule: "§14.5 component names non-empty (gated)",
            yaml: rb(
                "resource: {apiVersion: apps/v1, kind: Deployment, name: web}\ncomponents: [{name: '', replicas: 1}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.components[0].name: Invalid value: \"\": component names must be non-empty",
            ],
        },
        Case {
            rule: "§14.5 component names unique (gated)",
            yaml: rb(
                "resource: {apiVersion: apps/v1, kind: Deployment, name: web}\ncomponents: [{name: a, replicas: 1}, {name: a, replicas: 2}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.components[1].name: Invalid value: \"a\": component names must be unique",
            ],
        },
    ];
    check(&components, gated);
}

#[test]
fn condition_schema_rules_api_2_5() {
    use flotilla_api::field::FieldPath;
    use flotilla_api::kinds::RESOURCE_BINDING;
    let schema = flotilla_api::schema::structural(&RESOURCE_BINDING);
    let object: Value = serde_json::json!({
        "apiVersion": "work.karmada.io/v1alpha2", "kind": "ResourceBinding",
        "metadata": {"name": "b", "namespace": "default"},
        "spec": {"resource": {"apiVersion": "v1", "kind": "ConfigMap", "name": "c"}},
        "status": {
            "conditions": [
                {"type": "Scheduled", "status": "Maybe", "reason": "no spaces", "message": "", "lastTransitionTime": "2026-09-01T08:00:00Z", "observedGeneration": -1},
                {"type": "Scheduled", "status": "True", "reason": "Success"}
            ],
            "aggregatedStatus": [{"clusterName": "m1", "health": "Fine"}]
        }
    });
    let mut errors = Vec::new();
    schema.validate(&object, &FieldPath::root(), &mut errors);
    let mut got: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    got.sort();
    assert_eq!(
        got,
        [
            "status.aggregatedStatus[0].health: Unsupported value: \"Fine\": supported values: \"Healthy\", \"Unhealthy\", \"Unknown\"",
            "status.conditions[0].observedGeneration: Invalid value: -1: status.conditions[0].observedGeneration in body should be greater than or equal to 0",
            "status.conditions[0].reason: Invalid value: \"no spaces\": status.conditions[0].reason in body should match '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'",
            "status.conditions[0].status: Unsupported value: \"Maybe\": supported values: \"True\", \"False\", \"Unknown\"",
            "status.conditions[1].lastTransitionTime: Required value",
            "status.conditions[1].message: Required value",
        ]
    );
}

#[test]
fn metadata_rules() {
    let ctx = context(AdmissionConfig::default(), FieldValidation::Strict);
    let bad_name = admit_yaml("apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: Web_1, namespace: default}\nspec: {resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]}\n", &ctx).unwrap_err();
    assert_eq!(bad_name.kind, Invalid);
    assert!(bad_name.message.starts_with("PropagationPolicy.policy.karmada.io \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain"), "{}", bad_name.message);
    let no_name = admit_yaml("apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\nmetadata: {}\nspec: {taints: [{key: k, effect: NoSchedule}]}\n", &ctx).unwrap_err();
    assert_eq!(
        error_lines(&no_name),
        ["metadata.name: Required value: name or generateName is required"]
    );
    let no_namespace = flotilla_api::admission::admit(
        &flotilla_api::kinds::PROPAGATION_POLICY,
        flotilla_api::admission::Request {
            object: serde_json::json!({
                "apiVersion": "policy.karmada.io/v1alpha1", "kind": "PropagationPolicy",
                "metadata": {"name": "p"},
                "spec": {"resourceSelectors": [{"apiVersion": "v1", "kind": "ConfigMap"}]}
            }),
            duplicate_fields: vec![],
            operation: Operation::Create,
        },
        &ctx,
    )
    .unwrap_err();
    assert_eq!(
        error_lines(&no_namespace),
        ["metadata.namespace: Required value"]
    );
    let bad_label = admit_yaml("apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\nmetadata: {name: t, labels: {tier: 'a b'}}\nspec: {taints: [{key: k, effect: NoSchedule}]}\n", &ctx).unwrap_err();
    assert!(
        error_lines(&bad_label)[0]
            .starts_with("metadata.labels: Invalid value: \"a b\": a valid label must be"),
        "{:?}",
        error_lines(&bad_label)
    );
}

#[test]
fn unknown_and_duplicate_fields_follow_field_validation() {
    let yaml = "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\nmetadata: {name: t, color: blue}\nspec: {taints: [{key: k, effect: NoSchedule, weight: 3}], mode: fast}\n";
    let strict = admit_yaml(
        yaml,
        &context(AdmissionConfig::default(), FieldValidation::Strict),
    )
    .unwrap_err();
    assert_eq!(strict.kind, BadRequest);
    assert_eq!(
        strict.message,
        "ClusterTaintPolicy in version \"v1alpha1\" cannot be handled as a ClusterTaintPolicy: strict decoding error: unknown field \"metadata.color\", unknown field \"spec.mode\", unknown field \"spec.taints[0].weight\""
    );
    let warn = admit_yaml(
        yaml,
        &context(AdmissionConfig::default(), FieldValidation::Warn),
    )
    .unwrap();
    assert_eq!(
        warn.warnings,
        [
            "unknown field \"metadata.color\"",
            "unknown field \"spec.mode\"",
            "unknown field \"spec.taints[0].weight\""
        ]
    );
    assert!(
        warn.object["spec"].get("mode").is_none(),
        "unknown fields are pruned"
    );
    let ignore = admit_yaml(
        yaml,
        &context(AdmissionConfig::default(), FieldValidation::Ignore),
    )
    .unwrap();
    assert!(ignore.warnings.is_empty());
    assert_eq!(ignore.object, warn.object);
    let json = r#"{"apiVersion":"policy.karmada.io/v1alpha1","kind":"ClusterTaintPolicy","metadata":{"name":"t"},"spec":{"taints":[{"key":"a","key":"k","effect":"NoSchedule"}]}}"#;
    let dup = admit_yaml(
        json,
        &context(AdmissionConfig::default(), FieldValidation::Strict),
    )
    .unwrap_err();
    assert!(
        dup.message
            .ends_with("strict decoding error: duplicate field \"spec.taints[0].key\""),
        "{}",
        dup.message
    );
    let dup_warn = admit_yaml(
        json,
        &context(AdmissionConfig::default(), FieldValidation::Warn),
    )
    .unwrap();
    assert_eq!(
        dup_warn.warnings,
        ["duplicate field \"spec.taints[0].key\""]
    );
    assert_eq!(
        dup_warn.object["spec"]["taints"][0]["key"], "k",
        "the last value wins"
    );
}

#[test]
fn embedded_json_keeps_unknown_fields() {
    let ctx = context(AdmissionConfig::default(), FieldValidation::Strict);
    let work = "apiVersion: work.karmada.io/v1alpha1\nkind: Work\nmetadata: {name: w, namespace: karmada-es-m1}\nspec:\n  workload:\n    manifests:\n    - {apiVersion: example.io/v1, kind: Thing, metadata: {name: t}, spec: {anything: [1, {deep: true}]}}\n";
    let admitted = admit_yaml(work, &ctx).unwrap();
    assert_eq!(
        admitted.object["spec"]["workload"]["manifests"][0]["spec"]["anything"][1]["deep"],
        true
    );
}

/// scheduling.md S-2: the admission defaults the scheduler relies on.
#[test]
fn s2_scheduler_defaults() {
    let ctx = context(AdmissionConfig::default(), FieldValidation::Strict);
    let admitted = admit_yaml(
        &with_sel("placement:\n  spreadConstraints: [{maxGroups: 2}, {spreadByField: region}]\n  replicaScheduling: {}"),
        &ctx,
    )
    .unwrap()
    .object;
    let placement = &admitted["spec"]["placement"];
    assert_eq!(
        placement["spreadConstraints"][0],
        serde_json::json!({"spreadByField": "cluster", "maxGroups": 2, "minGroups": 1})
    );
    assert_eq!(placement["spreadConstraints"][1]["minGroups"], 1);
    assert_eq!(
        placement["replicaScheduling"],
        serde_json::json!({"replicaSchedulingType": "Divided", "replicaDivisionPreference": "Weighted"})
    );
    let absent = admit_yaml(&with_sel(""), &ctx).unwrap().object;
    assert!(
        absent["spec"].get("placement").is_none(),
        "S-2 item 5: nothing is written when replicaScheduling is absent"
    );
}
