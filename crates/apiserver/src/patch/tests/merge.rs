//! JSON merge patch: the example table of RFC 7386 appendix A, plus Kubernetes-shaped cases.

use serde_json::json;

use crate::patch::merge_patch;

#[test]
fn rfc7386_appendix_a() {
    let cases = [
        (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
        (
            json!({"a": "b"}),
            json!({"b": "c"}),
            json!({"a": "b", "b": "c"}),
        ),
        (json!({"a": "b"}), json!({"a": null}), json!({})),
        (
            json!({"a": "b", "b": "c"}),
            json!({"a": null}),
            json!({"b": "c"}),
        ),
        (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
        (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
        (
            json!({"a": {"b": "c"}}),
            json!({"a": {"b": "d", "c": null}}),
            json!({"a": {"b": "d"}}),
        ),
        (
            json!({"a": [{"b": "c"}]}),
            json!({"a": [1]}),
            json!({"a": [1]}),
        ),
        (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
        (json!({"a": "b"}), json!(["c"]), json!(["c"])),
        (json!({"a": "foo"}), json!(null), json!(null)),
        (json!({"a": "foo"}), json!("bar"), json!("bar")),
        (
            json!({"e": null}),
            json!({"a": 1}),
            json!({"e": null, "a": 1}),
        ),
        (
            json!([1, 2]),
            json!({"a": "b", "c": null}),
            json!({"a": "b"}),
        ),
        (
            json!({}),
            json!({"a": {"bb": {"ccc": null}}}),
            json!({"a": {"bb": {}}}),
        ),
    ];
    for (target, patch, expected) in cases {
        assert_eq!(merge_patch(&target, &patch), expected, "{target} + {patch}");
    }
}

#[test]
fn kubernetes_shaped_merges() {
    let cm = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "c", "labels": {"app": "web", "color": "red"}},
        "data": {"a": "1"}
    });
    let cases = [
        // kubectl label
        (
            json!({"metadata": {"labels": {"color": "blue"}}}),
            json!({"app": "web", "color": "blue"}),
        ),
        // kubectl label color-
        (
            json!({"metadata": {"labels": {"color": null}}}),
            json!({"app": "web"}),
        ),
        // removing a label that is not there
        (
            json!({"metadata": {"labels": {"gone": null}}}),
            json!({"app": "web", "color": "red"}),
        ),
    ];
    for (patch, labels) in cases {
        let result = merge_patch(&cm, &patch);
        assert_eq!(result["metadata"]["labels"], labels, "{patch}");
        assert_eq!(result["data"], json!({"a": "1"}));
    }
}

#[test]
fn crd_client_side_apply_body() {
    let live =
        json!({"spec": {"job": {"parallelism": 2, "upgradeMode": "stateless", "jarURI": "x"}}});
    let patch = json!({
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
        "spec": {"job": {"parallelism": 4, "upgradeMode": null}}
    });
    let expected = json!({
        "spec": {"job": {"parallelism": 4, "jarURI": "x"}},
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}}
    });
    assert_eq!(merge_patch(&live, &patch), expected);
}

#[test]
fn keeps_member_order_and_appends_new_members() {
    let result = merge_patch(
        &json!({"a": 1, "b": 2, "c": 3}),
        &json!({"b": null, "d": 4, "a": 0}),
    );
    let keys: Vec<&str> = result
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["a", "c", "d"]);
}

#[test]
fn scale_subresource_body() {
    let scale = json!({"kind": "Scale", "spec": {"replicas": 1}, "status": {"replicas": 1}});
    let result = merge_patch(&scale, &json!({"spec": {"replicas": 4}}));
    assert_eq!(result["spec"]["replicas"], 4);
    assert_eq!(result["status"]["replicas"], 1);
}
