//! api.md §14.3, §14.4: ClusterTaintPolicy and OverridePolicy rules.

use RejectionKind::{Forbidden, Invalid};
use flotilla_api::admission::{AdmissionConfig, FieldValidation, RejectionKind};

use super::common::{admit_yaml, context};
use super::*;

#[test]
fn cluster_taint_policy_rules_api_14_3() {
    let cases = [
        Case {
            rule: "§14.3 taints missing",
            yaml: ctp(
                "addOnConditions: [{conditionType: Ready, operator: In, statusValues: ['False']}]",
            ),
            kind: Invalid,
            errors: &["spec.taints: Required value"],
        },
        Case {
            rule: "§14.3 taints empty",
            yaml: ctp("taints: []"),
            kind: Invalid,
            errors: &[
                "spec.taints: Invalid value: 0: spec.taints in body should have at least 1 items",
            ],
        },
        Case {
            rule: "§14.3 taint key/effect required",
            yaml: ctp("taints: [{value: v}]"),
            kind: Invalid,
            errors: &[
                "spec.taints[0].effect: Required value",
                "spec.taints[0].key: Required value",
            ],
        },
        Case {
            rule: "§14.3 condition fields required",
            yaml: ctp("taints: [{key: k, effect: NoSchedule}]\nremoveOnConditions: [{}]"),
            kind: Invalid,
            errors: &[
                "spec.removeOnConditions[0].conditionType: Required value",
                "spec.removeOnConditions[0].operator: Required value",
                "spec.removeOnConditions[0].statusValues: Required value",
            ],
        },
        Case {
            rule: "§14.3/F-17 NoExecute needs --allow-no-execute-taint-policy",
            yaml: ctp("taints: [{key: k, effect: NoExecute}]"),
            kind: Forbidden,
            errors: &[
                "spec.taints[0]: Forbidden: Configuring taint with NoExecute effect is not allowed, this capability must be explicitly enabled by administrators through command-line flags",
            ],
        },
        Case {
            rule: "§14.3 duplicate taints",
            yaml: ctp(
                "taints: [{key: k, effect: NoSchedule}, {key: k, value: other, effect: NoSchedule}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.taints[0]: Duplicate value: \"Duplicate taint with the same key(k) and effect(NoSchedule) is not allowed\"",
            ],
        },
        Case {
            rule: "§16 #12 taint effect (Flotilla, stricter)",
            yaml: ctp("taints: [{key: k, effect: PreferNoSchedule}]"),
            kind: Forbidden,
            errors: &[
                "spec.taints[0].effect: Unsupported value: \"PreferNoSchedule\": supported values: \"NoSchedule\", \"NoExecute\"",
            ],
        },
        Case {
            rule: "§16 #12 taint value (Flotilla, stricter)",
            yaml: ctp("taints: [{key: k, value: 'a:b', effect: NoSchedule}]"),
            kind: Forbidden,
            errors: &[
                "spec.taints[0].value: Invalid value: \"a:b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            ],
        },
    ];
    check(&cases, AdmissionConfig::default());
    let allowed = AdmissionConfig {
        allow_no_execute_taint_policy: true,
        ..Default::default()
    };
    let ctx = context(allowed, FieldValidation::Strict);
    admit_yaml(&ctp("taints: [{key: k, effect: NoExecute}]"), &ctx).expect("allowed with the flag");
}

#[test]
fn override_policy_rules_api_14_4() {
    let cases = [
        Case {
            rule: "§14.4 schema: plaintext operator enum",
            yaml: op(
                "overrideRules: [{overriders: {plaintext: [{path: /spec/replicas, operator: set, value: 1}]}}]",
            ),
            kind: Invalid,
            errors: &[
                "spec.overrideRules[0].overriders.plaintext[0].operator: Unsupported value: \"set\": supported values: \"add\", \"remove\", \"replace\"",
            ],
        },
        Case {
            rule: "§14.4 schema: image component enum",
            yaml: op(
                "overrideRules: [{overriders: {imageOverrider: [{component: Digest, operator: replace, value: x}]}}]",
            ),
            kind: Invalid,
            errors: &[
                "spec.overrideRules[0].overriders.imageOverrider[0].component: Unsupported value: \"Digest\": supported values: \"Registry\", \"Repository\", \"Tag\"",
            ],
        },
        Case {
            rule: "§14.4 schema: required overriders, path, containerName, fieldPath",
            yaml: op(
                "overrideRules: [{targetCluster: {clusterNames: [m1]}}, {overriders: {plaintext: [{operator: remove}], commandOverrider: [{operator: add}], fieldOverrider: [{json: [{operator: remove}]}], labelsOverrider: [{operator: add}]}}]",
            ),
            kind: Invalid,
            errors: &[
                "spec.overrideRules[0].overriders: Required value",
                "spec.overrideRules[1].overriders.commandOverrider[0].containerName: Required value",
                "spec.overrideRules[1].overriders.fieldOverrider[0].fieldPath: Required value",
                "spec.overrideRules[1].overriders.fieldOverrider[0].json[0].subPath: Required value",
                "spec.overrideRules[1].overriders.labelsOverrider[0].value: Required value",
                "spec.overrideRules[1].overriders.plaintext[0].path: Required value",
            ],
        },
        Case {
            rule: "§14.4 targetCluster with overrideRules",
            yaml: op("targetCluster: {clusterNames: [m1]}\noverrideRules: []"),
            kind: Forbidden,
            errors: &[
                "spec.targetCluster: Invalid value: {\"clusterNames\":[\"m1\"]}: overrideRules and targetCluster can't co-exist",
            ],
        },
        Case {
            rule: "§14.4 overriders with overrideRules",
            yaml: op(
                "overriders: {labelsOverrider: [{operator: add, value: {a: b}}]}\noverrideRules: []",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overriders: Invalid value: {\"labelsOverrider\":[{\"operator\":\"add\",\"value\":{\"a\":\"b\"}}]}: overrideRules and overriders can't co-exist",
            ],
        },
        Case {
            rule: "§14.4 field selectors",
            yaml: op(
                "overrideRules: [{targetCluster: {fieldSelector: {matchExpressions: [{key: name, operator: In, values: [m1]}]}}, overriders: {}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].targetCluster.fieldSelector: Invalid value: {\"key\":\"name\",\"operator\":\"In\",\"values\":[\"m1\"]}: unsupported key \"name\", must be provider, region, or zone",
            ],
        },
        Case {
            rule: "§14.4 labels",
            yaml: op(
                "overrideRules: [{overriders: {labelsOverrider: [{operator: add, value: {'bad key': v}}]}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.labelsOverrider[0].value: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ],
        },
        Case {
            rule: "§14.4 annotations",
            yaml: op(
                "overrideRules: [{overriders: {annotationsOverrider: [{operator: add, value: {'-x': v}}]}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.annotationsOverrider[0].value: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            ],
        },
        Case {
            rule: "§14.4 image predicate path",
            yaml: op(
                "overrideRules: [{overriders: {imageOverrider: [{predicate: {path: spec/image}, component: Tag, operator: replace, value: v2}]}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.imageOverrider[0].predicate.path: Invalid value: \"spec/image\": JSON pointer must be empty or start with a \"/\"",
            ],
        },
        Case {
            rule: "§14.4 fieldOverrider both",
            yaml: op(
                "overrideRules: [{overriders: {fieldOverrider: [{fieldPath: /data/a, json: [{subPath: /x, operator: remove}], yaml: [{subPath: /y, operator: remove}]}]}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.fieldOverrider[0]: Invalid value: {\"fieldPath\":\"/data/a\",\"json\":[{\"subPath\":\"/x\",\"operator\":\"remove\"}],\"yaml\":[{\"subPath\":\"/y\",\"operator\":\"remove\"}]}: FieldOverrider has both YAML and JSON set. Only one is allowed",
            ],
        },
        Case {
            rule: "§14.4 fieldOverrider neither; pointers",
            yaml: op("overrideRules: [{overriders: {fieldOverrider: [{fieldPath: data}]}}]"),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.fieldOverrider[0]: Required value: FieldOverrider must have either JSON or YAML set",
                "spec.overrideRules[0].overriders.fieldOverrider[0].fieldPath: Invalid value: \"data\": JSON pointer must be empty or start with a \"/\"",
            ],
        },
        Case {
            rule: "§14.4 sub-operation values",
            yaml: op(
                "overrideRules: [{overriders: {fieldOverrider: [{fieldPath: /data/a, yaml: [{subPath: x, operator: add}, {subPath: /y, operator: remove, value: 1}]}]}}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.overrideRules[0].overriders.fieldOverrider[0].yaml[0].subPath: Invalid value: \"x\": JSON pointer must be empty or start with a \"/\"",
                "spec.overrideRules[0].overriders.fieldOverrider[0].yaml[0].value: Required value: value is required for add or replace operation",
                "spec.overrideRules[0].overriders.fieldOverrider[0].yaml[1].value: Invalid value: 1: value is not allowed for remove operation",
            ],
        },
        Case {
            rule: "§14.4 selector namespace (OverridePolicy)",
            yaml: op(
                "resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, namespace: shop}]",
            ),
            kind: Forbidden,
            errors: &[
                "spec.resourceSelectors[0].namespace: Invalid value: \"shop\": namespace of resource selector must be the same as the namespace of the policy",
            ],
        },
    ];
    check(&cases, AdmissionConfig::default());
}
