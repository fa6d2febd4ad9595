//! The built-in strategic merge patch table and custom schemas.

use serde_json::json;

use crate::patch::ListStrategy::{self, MergeByKey, MergeSet, Replace};
use crate::patch::{ListRule, RuleScope, StrategicSchema, strategic_merge_patch};

/// (apiVersion, kind, dotted field path, strategy).
const BUILTIN: &[(&str, &str, &str, ListStrategy)] = &[
    (
        "apps/v1",
        "Deployment",
        "spec.template.spec.containers",
        MergeByKey("name"),
    ),
    (
        "apps/v1",
        "StatefulSet",
        "spec.template.spec.initContainers.env",
        MergeByKey("name"),
    ),
    (
        "apps/v1",
        "DaemonSet",
        "spec.template.spec.containers.volumeMounts",
        MergeByKey("mountPath"),
    ),
    (
        "batch/v1",
        "Job",
        "spec.template.spec.containers.ports",
        MergeByKey("containerPort"),
    ),
    (
        "batch/v1",
        "Job",
        "spec.template.spec.imagePullSecrets",
        MergeByKey("name"),
    ),
    (
        "batch/v1",
        "Job",
        "spec.template.spec.ephemeralContainers",
        MergeByKey("name"),
    ),
    (
        "batch/v1",
        "Job",
        "spec.template.spec.volumes",
        MergeByKey("name"),
    ),
    ("batch/v1", "Job", "status.conditions", MergeByKey("type")),
    (
        "apps/v1",
        "Deployment",
        "spec.template.spec.tolerations",
        Replace,
    ),
    (
        "apps/v1",
        "Deployment",
        "spec.template.spec.containers.args",
        Replace,
    ),
    (
        "apps/v1",
        "Deployment",
        "spec.template.spec.containers.envFrom",
        Replace,
    ),
    (
        "apps/v1",
        "Deployment",
        "spec.template.metadata.finalizers",
        MergeSet,
    ),
    ("apps/v1", "Deployment", "spec.template.spec", Replace),
    ("apps/v1", "Deployment", "containers", Replace),
    (
        "apps/v1",
        "StatefulSet",
        "spec.volumeClaimTemplates.metadata.finalizers",
        MergeSet,
    ),
    ("v1", "Service", "spec.ports", MergeByKey("port")),
    ("v1", "Service", "status.conditions", MergeByKey("type")),
    ("v1", "Namespace", "status.conditions", MergeByKey("type")),
    ("v1", "Namespace", "spec.finalizers", Replace),
    ("v1", "ConfigMap", "metadata.finalizers", MergeSet),
    (
        "v1",
        "Secret",
        "metadata.ownerReferences",
        MergeByKey("uid"),
    ),
    ("v1", "Event", "metadata.managedFields", Replace),
];

#[test]
fn builtin_schema_table() {
    for &(api_version, kind, path, strategy) in BUILTIN {
        let schema = StrategicSchema::for_kind(api_version, kind).expect("built-in");
        let path: Vec<&str> = path.split('.').collect();
        assert_eq!(schema.list_strategy(&path), strategy, "{kind} {path:?}");
    }
    let deployment = StrategicSchema::for_kind("apps/v1", "Deployment").expect("built-in");
    let containers = ["spec", "template", "spec", "containers"];
    assert_eq!(deployment.merge_key(&containers), Some("name"));
    assert_eq!(deployment.merge_key(&["metadata", "finalizers"]), None);
}

#[test]
fn other_kinds_have_no_strategic_schema() {
    let kinds = [
        ("flink.apache.org/v1beta1", "FlinkDeployment"),
        ("work.karmada.io/v1alpha2", "ResourceBinding"),
        ("policy.karmada.io/v1alpha1", "PropagationPolicy"),
        ("batch/v1", "Deployment"),
        ("apps/v1", "ConfigMap"),
        ("v1", "Pod"),
    ];
    for (api_version, kind) in kinds {
        assert_eq!(
            StrategicSchema::for_kind(api_version, kind),
            None,
            "{api_version} {kind}"
        );
    }
}

#[test]
fn custom_schema_tables() {
    static RULES: &[ListRule] = &[
        ListRule {
            path: &["items"],
            strategy: MergeByKey("id"),
        },
        ListRule {
            path: &["tags"],
            strategy: MergeSet,
        },
    ];
    static SCOPES: &[RuleScope] = &[RuleScope {
        root: &["spec"],
        rules: RULES,
    }];
    let schema = StrategicSchema::new(SCOPES);
    let live = json!({"spec": {"items": [{"id": 1, "v": "a"}], "tags": ["x"], "other": [1]}});
    // Merge keys match by numeric value (1 and 1.0); the patch's value wins.
    let patch = json!({"spec": {"items": [{"id": 1.0, "w": "b"}], "tags": ["y"], "other": [2]}});
    let result = strategic_merge_patch(&live, &patch, &schema).expect("applies");
    let expected = json!({"spec": {
        "items": [{"id": 1.0, "v": "a", "w": "b"}], "tags": ["y", "x"], "other": [2]
    }});
    assert_eq!(result, expected);
}
