//! Strategic merge patch errors: each names the field path and the reason.

use serde_json::json;

use super::strategic::{failure, live_deployment, pod};
use crate::patch::{PatchError, StrategicFailure};

#[test]
fn list_errors_name_the_list() {
    let live = live_deployment();
    let cases = [
        (
            pod(json!({"containers": [{"image": "x"}]})),
            "spec.template.spec.containers",
            StrategicFailure::MissingMergeKey("name"),
        ),
        (
            pod(json!({"containers": [{"$patch": "delete", "image": "x"}]})),
            "spec.template.spec.containers",
            StrategicFailure::MissingMergeKey("name"),
        ),
        (
            pod(json!({"tolerations": [{"$patch": "delete", "key": "a"}]})),
            "spec.template.spec.tolerations",
            StrategicFailure::DeleteWithoutMergeKey,
        ),
        (
            pod(json!({"$setElementOrder/containers": [{"image": "x"}]})),
            "spec.template.spec.containers",
            StrategicFailure::MissingMergeKey("name"),
        ),
    ];
    for (patch, path, reason) in cases {
        let expected = PatchError::Strategic {
            path: path.into(),
            reason,
        };
        assert_eq!(failure(&live, patch.clone()), expected, "{patch}");
    }
}

#[test]
fn directive_errors_name_the_map() {
    let live = live_deployment();
    let cases = [
        (
            json!({"spec": {"strategy": {"$patch": "remove"}}}),
            "spec.strategy",
            StrategicFailure::InvalidPatchDirective("\"remove\"".into()),
        ),
        (
            json!({"spec": {"$setElementOrder/x": {"a": 1}}}),
            "spec",
            StrategicFailure::DirectiveNotList("$setElementOrder/x".into()),
        ),
        (
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": "a"}}),
            "metadata",
            StrategicFailure::DirectiveNotList("$deleteFromPrimitiveList/finalizers".into()),
        ),
        (
            json!({"spec": {"strategy": {"$retainKeys": [1]}}}),
            "spec.strategy",
            StrategicFailure::RetainKeysNotStrings,
        ),
        (
            json!({"$foo": 1}),
            "",
            StrategicFailure::UnknownDirective("$foo".into()),
        ),
        (
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate", "rollingUpdate": {}}}}),
            "spec.strategy",
            StrategicFailure::NotInRetainKeys("rollingUpdate".into()),
        ),
        (
            json!({"spec": {"$setElementOrder/": []}}),
            "spec",
            StrategicFailure::UnknownDirective("$setElementOrder/".into()),
        ),
    ];
    for (patch, path, reason) in cases {
        let expected = PatchError::Strategic {
            path: path.into(),
            reason,
        };
        assert_eq!(failure(&live, patch.clone()), expected, "{patch}");
    }
}

#[test]
fn error_messages() {
    let live = live_deployment();
    assert_eq!(
        failure(&live, pod(json!({"containers": [{"image": "x"}]}))).to_string(),
        "strategic merge patch failed at spec.template.spec.containers: list element does not contain the merge key \"name\""
    );
    assert_eq!(
        failure(&live, json!({"$foo": 1})).to_string(),
        "strategic merge patch failed at the root: unknown directive \"$foo\""
    );
    assert_eq!(
        failure(&live, json!([{"a": 1}])),
        PatchError::StrategicNotObject
    );
}
