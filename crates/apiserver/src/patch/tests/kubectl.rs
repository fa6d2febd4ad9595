//! The strategic patch bodies kubectl 1.32 sends (kube-api.md §8, recorded), plus the bodies
//! `kubectl apply` composes when a manifest drops an element (composed from the same rules).

use serde_json::{Value, json};

use crate::patch::{StrategicSchema, strategic_merge_patch};

fn apply_to(api_version: &str, kind: &str, live: &Value, patch: &Value) -> Value {
    let schema = StrategicSchema::for_kind(api_version, kind).expect("built-in kind");
    strategic_merge_patch(live, patch, &schema).unwrap_or_else(|err| panic!("{patch}: {err}"))
}

fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "uid": "u-1", "generation": 2,
                     "resourceVersion": "110", "creationTimestamp": "2026-11-24T13:55:21Z",
                     "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{old}"}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [
                    {"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80}]},
                    {"name": "sidecar", "image": "busybox", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}
                ]}
            }
        }
    })
}

#[test]
fn client_side_apply_of_a_configmap() {
    let live = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cfg1", "namespace": "default",
                     "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{old}"}},
        "data": {"a": "1", "b": "2"}
    });
    let patch = json!({
        "data": {"a": "10", "b": null, "c": "3"},
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{new}"}}
    });
    let result = apply_to("v1", "ConfigMap", &live, &patch);
    assert_eq!(result["data"], json!({"a": "10", "c": "3"}));
    assert_eq!(
        result["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"],
        "{new}"
    );
    assert_eq!(result["metadata"]["name"], "cfg1");
}

#[test]
fn client_side_apply_of_a_deployment() {
    let patch = json!({
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{new}"}},
        "spec": {"replicas": 3, "template": {"spec": {
            "$setElementOrder/containers": [{"name": "nginx"}, {"name": "sidecar"}],
            "containers": [{"image": "nginx:1.26", "name": "nginx", "ports": null}]
        }}}
    });
    let result = apply_to("apps/v1", "Deployment", &deployment(), &patch);
    assert_eq!(result["spec"]["replicas"], 3);
    let containers = &result["spec"]["template"]["spec"]["containers"];
    assert_eq!(
        containers[0],
        json!({"name": "nginx", "image": "nginx:1.26"})
    );
    assert_eq!(
        containers[1],
        deployment()["spec"]["template"]["spec"]["containers"][1]
    );
}

#[test]
fn set_image() {
    let patch = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "nginx"}, {"name": "sidecar"}],
        "containers": [{"image": "nginx:1.27", "name": "nginx"}]
    }}}});
    let result = apply_to("apps/v1", "Deployment", &deployment(), &patch);
    let mut expected = deployment();
    expected["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.27");
    assert_eq!(result, expected);
}

#[test]
fn rollout_restart() {
    let patch = json!({"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": "2026-11-24T13:55:21Z"
    }}}}});
    for kind in ["Deployment", "StatefulSet", "DaemonSet"] {
        let result = apply_to("apps/v1", kind, &deployment(), &patch);
        assert_eq!(
            result["spec"]["template"]["metadata"],
            json!({"labels": {"app": "web"}, "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-11-24T13:55:21Z"}})
        );
    }
}

/// `kubectl diff` nulls server-owned metadata and sends the live RV as a precondition. The patch
/// function applies it literally (the members disappear); the server ignores those nulls by
/// restoring server-owned fields after patching (kube-api.md §0.1 item 15).
#[test]
fn diff_body_is_applied_literally() {
    let live = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cfg1", "uid": "u-1", "generation": 1, "resourceVersion": "111",
                     "creationTimestamp": "2026-11-24T13:55:21Z"},
        "data": {"a": "1"}
    });
    let patch = json!({
        "data": {"a": "2"},
        "metadata": {"creationTimestamp": null, "generation": null, "resourceVersion": "111", "uid": null}
    });
    let result = apply_to("v1", "ConfigMap", &live, &patch);
    assert_eq!(
        result["metadata"],
        json!({"name": "cfg1", "resourceVersion": "111"})
    );
    assert_eq!(result["data"], json!({"a": "2"}));
}

#[test]
fn apply_after_removing_a_container_and_an_env_var() {
    let patch = json!({"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "sidecar"}],
        "containers": [
            {"$patch": "delete", "name": "nginx"},
            {"name": "sidecar", "$setElementOrder/env": [{"name": "B"}], "env": [{"$patch": "delete", "name": "A"}]}
        ]
    }}}});
    let result = apply_to("apps/v1", "Deployment", &deployment(), &patch);
    assert_eq!(
        result["spec"]["template"]["spec"]["containers"],
        json!([{"name": "sidecar", "image": "busybox", "env": [{"name": "B", "value": "2"}]}])
    );
}

#[test]
fn apply_switching_to_recreate() {
    let mut live = deployment();
    live["spec"]["strategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}});
    let patch = json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": null, "type": "Recreate"}}});
    let result = apply_to("apps/v1", "Deployment", &live, &patch);
    assert_eq!(result["spec"]["strategy"], json!({"type": "Recreate"}));
}

#[test]
fn apply_removing_a_finalizer() {
    let live = json!({"metadata": {"name": "ns1", "finalizers": ["a.io/x", "b.io/y", "c.io/z"]}});
    let patch = json!({"metadata": {
        "$setElementOrder/finalizers": ["c.io/z", "a.io/x"],
        "$deleteFromPrimitiveList/finalizers": ["b.io/y"]
    }});
    let result = apply_to("v1", "Namespace", &live, &patch);
    assert_eq!(
        result["metadata"]["finalizers"],
        json!(["c.io/z", "a.io/x"])
    );
}

#[test]
fn label_and_annotate_bodies_also_work_as_strategic() {
    let patch = json!({"metadata": {"labels": {"color": "blue"}, "annotations": {"kubectl.kubernetes.io/last-applied-configuration": null}}});
    let result = apply_to("apps/v1", "Deployment", &deployment(), &patch);
    assert_eq!(result["metadata"]["labels"], json!({"color": "blue"}));
    assert_eq!(result["metadata"]["annotations"], json!({}));
}
