//! Strategic merge patch: merge keys, set lists, every directive, ordering, errors, and the
//! built-in schema table.

use serde_json::{Value, json};

use crate::patch::{PatchError, StrategicSchema, strategic_merge_patch};

fn deployment_schema() -> StrategicSchema {
    StrategicSchema::for_kind("apps/v1", "Deployment").expect("built-in")
}

fn apply(target: &Value, patch: Value) -> Value {
    strategic_merge_patch(target, &patch, &deployment_schema())
        .unwrap_or_else(|err| panic!("{patch}: {err}"))
}

pub(super) fn failure(target: &Value, patch: Value) -> PatchError {
    match strategic_merge_patch(target, &patch, &deployment_schema()) {
        Ok(result) => panic!("{patch} unexpectedly gave {result}"),
        Err(err) => err,
    }
}

/// A pod template spec patch at `spec.template.spec`.
pub(super) fn pod(spec: Value) -> Value {
    json!({"spec": {"template": {"spec": spec}}})
}

fn pod_spec(doc: &Value) -> &Value {
    &doc["spec"]["template"]["spec"]
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| item["name"].as_str().expect("a name"))
        .collect()
}

pub(super) fn live_deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "finalizers": ["a", "b"]},
        "spec": {
            "replicas": 1,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx", "image": "nginx:1.25",
                            "ports": [{"containerPort": 80}, {"containerPort": 443}],
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                            "volumeMounts": [{"name": "v", "mountPath": "/data"}],
                            "securityContext": {"runAsUser": 1000, "privileged": false}
                        },
                        {"name": "sidecar", "image": "busybox"}
                    ],
                    "tolerations": [{"key": "a", "operator": "Exists"}],
                    "volumes": [{"name": "v", "emptyDir": {}}]
                }
            }
        },
        "status": {"conditions": [
            {"type": "Available", "status": "True"},
            {"type": "Progressing", "status": "True"}
        ]}
    })
}

/// Every key in the document, at any depth.
fn all_keys(value: &Value, keys: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                keys.push(key.clone());
                all_keys(inner, keys);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| all_keys(item, keys)),
        _ => {}
    }
}

#[test]
fn keyed_lists_merge_by_key() {
    let live = live_deployment();
    let result = apply(
        &live,
        pod(json!({"containers": [
            {"name": "nginx", "image": "nginx:1.27", "env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}]},
            {"name": "logger", "image": "fluentbit"}
        ]})),
    );
    let containers = &pod_spec(&result)["containers"];
    // Upstream order: patch elements in patch order; a live-only element goes before a patch
    // element only if both are live and it came first, so new elements precede it.
    assert_eq!(names(containers), ["nginx", "logger", "sidecar"]);
    assert_eq!(containers[0]["image"], "nginx:1.27");
    assert_eq!(
        containers[0]["env"],
        json!([{"name": "A", "value": "1"}, {"name": "B", "value": "3"}, {"name": "C", "value": "4"}])
    );
    assert_eq!(
        containers[0]["ports"],
        live["spec"]["template"]["spec"]["containers"][0]["ports"]
    );
    assert_eq!(
        containers[2],
        json!({"name": "sidecar", "image": "busybox"})
    );
}

#[test]
fn nested_keys_ports_mounts_volumes() {
    let live = live_deployment();
    let result = apply(
        &live,
        pod(json!({
            "containers": [{
                "name": "nginx",
                "ports": [{"containerPort": 443, "name": "https"}, {"containerPort": 8080}],
                "volumeMounts": [{"mountPath": "/data", "readOnly": true}, {"name": "w", "mountPath": "/w"}]
            }],
            "volumes": [{"name": "w", "emptyDir": {}}]
        })),
    );
    let nginx = &pod_spec(&result)["containers"][0];
    assert_eq!(
        nginx["ports"],
        json!([{"containerPort": 80}, {"containerPort": 443, "name": "https"}, {"containerPort": 8080}])
    );
    assert_eq!(
        nginx["volumeMounts"],
        json!([{"name": "v", "mountPath": "/data", "readOnly": true}, {"name": "w", "mountPath": "/w"}])
    );
    assert_eq!(names(&pod_spec(&result)["volumes"]), ["w", "v"]);
}

#[test]
fn lists_without_a_merge_key_are_replaced() {
    let live = live_deployment();
    let result = apply(
        &live,
        pod(json!({"tolerations": [{"key": "b", "operator": "Equal", "value": null}]})),
    );
    // Replaced verbatim, as merge patch does.
    assert_eq!(
        pod_spec(&result)["tolerations"],
        json!([{"key": "b", "operator": "Equal", "value": null}])
    );
    let result = apply(
        &live,
        pod(json!({"containers": [{"name": "nginx", "args": ["-x"]}]})),
    );
    let result = apply(
        &result,
        pod(json!({"containers": [{"name": "nginx", "args": ["-y"]}]})),
    );
    assert_eq!(pod_spec(&result)["containers"][0]["args"], json!(["-y"]));
}

#[test]
fn null_deletes_and_nulls_in_new_values_are_dropped() {
    let live = live_deployment();
    let result = apply(
        &live,
        json!({
            "spec": {"replicas": null, "paused": null, "template": {"spec": {
                "containers": [
                    {"name": "nginx", "securityContext": null},
                    {"name": "new", "image": "x", "ports": null, "resources": {"limits": null}}
                ]
            }}},
            "extra": {"a": null, "b": 1}
        }),
    );
    assert!(result["spec"].get("replicas").is_none());
    assert!(result["spec"].get("paused").is_none());
    let containers = &pod_spec(&result)["containers"];
    assert!(containers[0].get("securityContext").is_none());
    assert_eq!(
        containers[1],
        json!({"name": "new", "image": "x", "resources": {}})
    );
    assert_eq!(result["extra"], json!({"b": 1}));
}

#[test]
fn patch_delete_in_a_list_removes_by_key() {
    let live = live_deployment();
    let result = apply(
        &live,
        pod(json!({"containers": [
            {"$patch": "delete", "name": "sidecar"},
            {"name": "nginx", "env": [{"$patch": "delete", "name": "A"}]}
        ]})),
    );
    let containers = &pod_spec(&result)["containers"];
    assert_eq!(names(containers), ["nginx"]);
    assert_eq!(containers[0]["env"], json!([{"name": "B", "value": "2"}]));
    // Deleting an element that is not there is fine.
    let again = apply(
        &result,
        pod(json!({"containers": [{"$patch": "delete", "name": "sidecar"}]})),
    );
    assert_eq!(again, result);
}

#[test]
fn patch_replace_in_a_list_replaces_the_list() {
    let live = live_deployment();
    let result = apply(
        &live,
        pod(json!({"containers": [
            {"name": "only", "image": "x", "env": null},
            {"$patch": "replace"}
        ]})),
    );
    assert_eq!(
        pod_spec(&result)["containers"],
        json!([{"name": "only", "image": "x"}])
    );
    let result = apply(&live, pod(json!({"volumes": [{"$patch": "replace"}]})));
    assert_eq!(pod_spec(&result)["volumes"], json!([]));
}

#[test]
fn patch_replace_and_delete_on_maps() {
    let live = live_deployment();
    let result = apply(
        &live,
        pod(
            json!({"containers": [{"name": "nginx", "securityContext": {"$patch": "replace", "runAsGroup": 5}}]}),
        ),
    );
    assert_eq!(
        pod_spec(&result)["containers"][0]["securityContext"],
        json!({"runAsGroup": 5})
    );
    let result = apply(
        &live,
        json!({"spec": {"strategy": {"rollingUpdate": {"$patch": "delete"}}}}),
    );
    assert_eq!(result["spec"]["strategy"], json!({"type": "RollingUpdate"}));
    // `$patch: merge` is the default.
    let result = apply(
        &live,
        json!({"spec": {"strategy": {"$patch": "merge", "type": "Recreate"}}}),
    );
    assert_eq!(
        result["spec"]["strategy"]["rollingUpdate"],
        json!({"maxSurge": 1})
    );
    let result = apply(
        &live,
        pod(json!({"containers": [{"$patch": "merge", "name": "sidecar", "image": "b2"}]})),
    );
    assert_eq!(
        pod_spec(&result)["containers"][1],
        json!({"name": "sidecar", "image": "b2"})
    );
}

#[test]
fn top_level_directives() {
    let live = json!({"a": 1, "b": {"c": 2}});
    let schema = StrategicSchema::new(&[]);
    let replaced = strategic_merge_patch(
        &live,
        &json!({"$patch": "replace", "x": {"y": null, "z": 1}}),
        &schema,
    );
    assert_eq!(replaced, Ok(json!({"x": {"z": 1}})));
    let deleted = strategic_merge_patch(&live, &json!({"$patch": "delete", "a": 5}), &schema);
    assert_eq!(deleted, Ok(json!({})));
}

#[test]
fn retain_keys_clears_the_other_members() {
    let live = live_deployment();
    let result = apply(
        &live,
        json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
    );
    assert_eq!(result["spec"]["strategy"], json!({"type": "Recreate"}));
    // A volume switching its source (volumes have the retainKeys strategy upstream).
    let result = apply(
        &live,
        pod(
            json!({"volumes": [{"name": "v", "$retainKeys": ["configMap", "name"], "configMap": {"name": "cm"}}]}),
        ),
    );
    assert_eq!(
        pod_spec(&result)["volumes"],
        json!([{"name": "v", "configMap": {"name": "cm"}}])
    );
}

#[test]
fn finalizers_merge_as_a_set() {
    let live = live_deployment();
    let result = apply(&live, json!({"metadata": {"finalizers": ["b", "c", "c"]}}));
    assert_eq!(result["metadata"]["finalizers"], json!(["a", "b", "c"]));
    let result = apply(
        &live,
        json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a", "zz"]}}),
    );
    assert_eq!(result["metadata"]["finalizers"], json!(["b"]));
    let result = apply(
        &live,
        json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"], "finalizers": ["d"]}}),
    );
    assert_eq!(result["metadata"]["finalizers"], json!(["d", "b"]));
    // Deleting from a list that is not there changes nothing.
    let bare = json!({"metadata": {"name": "x"}});
    let result = apply(
        &bare,
        json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
    );
    assert_eq!(result, bare);
    // `null` still deletes the whole list.
    let result = apply(&live, json!({"metadata": {"finalizers": null}}));
    assert!(result["metadata"].get("finalizers").is_none());
}

#[test]
fn set_element_order_reorders_primitives_and_maps() {
    let live = json!({
        "metadata": {"finalizers": ["a", "b", "c"]},
        "spec": {"template": {"spec": {"containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}}}
    });
    let result = apply(
        &live,
        json!({"metadata": {"$setElementOrder/finalizers": ["b", "c", "a"]}}),
    );
    assert_eq!(result["metadata"]["finalizers"], json!(["b", "c", "a"]));
    let result = apply(
        &live,
        pod(json!({"$setElementOrder/containers": [{"name": "b"}, {"name": "c"}, {"name": "a"}]})),
    );
    assert_eq!(names(&pod_spec(&result)["containers"]), ["b", "c", "a"]);
    // Unmentioned live elements keep their place relative to the mentioned ones.
    let result = apply(
        &live,
        pod(json!({"$setElementOrder/containers": [{"name": "c"}, {"name": "a"}]})),
    );
    assert_eq!(names(&pod_spec(&result)["containers"]), ["b", "c", "a"]);
    let result = apply(
        &live,
        pod(json!({
            "$setElementOrder/containers": [{"name": "a"}, {"name": "d"}, {"name": "c"}],
            "containers": [{"name": "d"}]
        })),
    );
    assert_eq!(
        names(&pod_spec(&result)["containers"]),
        ["a", "d", "b", "c"]
    );
    // An order for a list that does not exist creates nothing.
    let result = apply(
        &live,
        pod(json!({"$setElementOrder/initContainers": [{"name": "x"}]})),
    );
    assert_eq!(result, live);
}

#[test]
fn merged_lists_follow_the_patch_order() {
    let live = pod(json!({"containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}));
    let cases = [
        (
            json!([{"name": "c", "x": 1}, {"name": "d"}]),
            vec!["a", "b", "c", "d"],
        ),
        (
            json!([{"name": "d"}, {"name": "a"}]),
            vec!["d", "a", "b", "c"],
        ),
        (json!([{"name": "c"}, {"name": "a"}]), vec!["b", "c", "a"]),
        (json!([{"name": "b"}, {"name": "a"}]), vec!["b", "a", "c"]),
        (json!([{"name": "b"}]), vec!["a", "b", "c"]),
    ];
    for (containers, expected) in cases {
        let result = apply(&live, pod(json!({"containers": containers})));
        assert_eq!(
            names(&pod_spec(&result)["containers"]),
            expected,
            "{containers}"
        );
    }
}

#[test]
fn conditions_owner_references_and_services() {
    let live = live_deployment();
    let result = apply(
        &live,
        json!({"status": {"conditions": [{"type": "Progressing", "status": "False"}, {"type": "ReplicaFailure", "status": "True"}]}}),
    );
    assert_eq!(
        result["status"]["conditions"],
        json!([
            {"type": "Available", "status": "True"},
            {"type": "Progressing", "status": "False"},
            {"type": "ReplicaFailure", "status": "True"}
        ])
    );
    let live = json!({"metadata": {"ownerReferences": [{"uid": "1", "name": "a"}, {"uid": "2", "name": "b"}]}});
    let result = apply(
        &live,
        json!({"metadata": {"ownerReferences": [{"uid": "2", "controller": true}]}}),
    );
    assert_eq!(
        result["metadata"]["ownerReferences"][1],
        json!({"uid": "2", "name": "b", "controller": true})
    );

    let service = StrategicSchema::for_kind("v1", "Service").expect("built-in");
    let live = json!({"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]}});
    let patch = json!({"spec": {"ports": [{"port": 80, "targetPort": 9090}]}});
    let result = strategic_merge_patch(&live, &patch, &service).expect("applies");
    assert_eq!(
        result["spec"]["ports"],
        json!([{"port": 80, "targetPort": 9090}, {"port": 443}])
    );
}

#[test]
fn type_changes_replace() {
    let live = json!({"a": "scalar", "b": {"c": 1}, "l": [1]});
    let result = apply(
        &live,
        json!({"a": {"x": 1, "y": null}, "b": [1], "l": {"k": 1}}),
    );
    assert_eq!(result, json!({"a": {"x": 1}, "b": [1], "l": {"k": 1}}));
    let result = strategic_merge_patch(
        &json!("not an object"),
        &json!({"a": 1}),
        &deployment_schema(),
    );
    assert_eq!(result, Ok(json!({"a": 1})));
}

#[test]
fn directive_keys_never_reach_the_result() {
    let live = live_deployment();
    let result = apply(
        &live,
        json!({
            "metadata": {"$setElementOrder/finalizers": ["b", "a"], "$deleteFromPrimitiveList/finalizers": []},
            "spec": {
                "strategy": {"$retainKeys": ["type", "rollingUpdate"], "rollingUpdate": {"$patch": "replace", "maxUnavailable": 0}},
                "template": {"spec": {
                    "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "nginx"}, {"name": "new"}],
                    "containers": [
                        {"name": "new", "$setElementOrder/env": [{"name": "E"}], "env": [{"name": "E", "value": "1"}],
                         "securityContext": {"$patch": "replace", "runAsUser": 1}},
                        {"name": "nginx", "$setElementOrder/env": [{"name": "B"}, {"name": "A"}]}
                    ],
                    "volumes": [{"name": "x", "$retainKeys": ["name", "emptyDir"], "emptyDir": {}}]
                }}
            }
        }),
    );
    let mut keys = Vec::new();
    all_keys(&result, &mut keys);
    assert!(keys.iter().all(|key| !key.starts_with('$')), "{result}");
    assert_eq!(
        names(&pod_spec(&result)["containers"]),
        ["sidecar", "nginx", "new"]
    );
    assert_eq!(
        names(&pod_spec(&result)["containers"][1]["env"]),
        ["B", "A"]
    );
    assert_eq!(result["metadata"]["finalizers"], json!(["b", "a"]));
    assert_eq!(
        result["spec"]["strategy"]["rollingUpdate"],
        json!({"maxUnavailable": 0})
    );
}
