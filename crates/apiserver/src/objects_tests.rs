//! Table tests of the metadata rules (kube-api.md §5.2, §5.3, §5.4, §6, §7.4, §7.5, §7.8).

use serde_json::json;

use super::*;
use crate::registry::Registry;

fn ctx() -> CreateContext {
    CreateContext {
        now: "2026-11-24T13:55:21Z".into(),
        uid: "0b3c4d5e-0000-4000-8000-000000000001".into(),
        name_suffix: "x7k2q".into(),
    }
}

fn resource(group: &str, version: &str, plural: &str) -> Resource {
    (*Registry::with_builtins()
        .lookup(group, version, plural)
        .unwrap())
    .clone()
}

fn configmaps() -> Resource {
    resource("", "v1", "configmaps")
}

fn deployments() -> Resource {
    resource("apps", "v1", "deployments")
}

#[test]
fn create_assigns_server_fields_and_takes_the_namespace_from_the_url() {
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cfg", "uid": "client", "resourceVersion": "9",
                     "creationTimestamp": "2000-01-01T00:00:00Z", "generation": 7},
        "data": {"a": "1"}});
    let created = prepare_create(&configmaps(), body, Some("demo"), &ctx()).unwrap();
    assert_eq!(
        created["metadata"],
        json!({"name": "cfg", "namespace": "demo", "uid": ctx().uid,
               "creationTimestamp": ctx().now, "generation": 1})
    );
    assert_eq!(created["data"], json!({"a": "1"}));
}

#[test]
fn create_checks_type_namespace_and_name() {
    let r = configmaps();
    let cases: Vec<(serde_json::Value, Option<&str>, MetaError)> = vec![
        (
            json!({"kind": "Secret", "metadata": {"name": "a"}}),
            Some("demo"),
            MetaError::BadRequest(
                "the kind of the provided object (Secret) does not match the resource (ConfigMap)"
                    .into(),
            ),
        ),
        (
            json!({"metadata": {"name": "a", "namespace": "other"}}),
            Some("demo"),
            MetaError::BadRequest(
                "the namespace of the provided object does not match the namespace sent on the request"
                    .into(),
            ),
        ),
        (
            json!({"metadata": {}}),
            Some("demo"),
            MetaError::Invalid {
                name: String::new(),
                causes: vec![Cause {
                    field: "metadata.name".into(),
                    reason: CauseReason::Required,
                    message: "Required value: name or generateName is required".into(),
                }],
            },
        ),
        (
            json!([1, 2]),
            Some("demo"),
            MetaError::BadRequest("the request body is not a JSON object".into()),
        ),
    ];
    for (body, ns, expected) in cases {
        assert_eq!(
            prepare_create(&r, body.clone(), ns, &ctx()),
            Err(expected),
            "{body}"
        );
    }
    match prepare_create(
        &r,
        json!({"metadata": {"name": "Bad_Name"}}),
        Some("demo"),
        &ctx(),
    ) {
        Err(MetaError::Invalid { name, causes }) => {
            assert_eq!(name, "Bad_Name");
            assert_eq!(causes[0].field, "metadata.name");
            assert!(
                causes[0].message.starts_with(
                    "Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of"
                ),
                "{}",
                causes[0].message
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn generate_name_and_cluster_scope() {
    let body = json!({"metadata": {"generateName": "job-"}});
    let created = prepare_create(&configmaps(), body, Some("demo"), &ctx()).unwrap();
    assert_eq!(created["metadata"]["name"], "job-x7k2q");
    let ns = resource("", "v1", "namespaces");
    let created = prepare_create(
        &ns,
        json!({"metadata": {"name": "demo", "namespace": "ignored"}}),
        None,
        &ctx(),
    )
    .unwrap();
    assert!(created["metadata"].get("namespace").is_none());
    // Namespaces are DNS-1123 labels: no dots.
    assert!(matches!(
        prepare_create(&ns, json!({"metadata": {"name": "a.b"}}), None, &ctx()),
        Err(MetaError::Invalid { .. })
    ));
}

#[test]
fn labels_annotations_and_finalizers_are_validated() {
    let body = json!({"metadata": {"name": "a",
        "labels": {"bad key!": "v", "ok": "bad value!"},
        "finalizers": ["not a name"]}});
    match prepare_create(&configmaps(), body, Some("demo"), &ctx()) {
        Err(MetaError::Invalid { causes, .. }) => {
            let fields: Vec<&str> = causes.iter().map(|c| c.field.as_str()).collect();
            assert_eq!(
                fields,
                [
                    "metadata.labels",
                    "metadata.labels[ok]",
                    "metadata.finalizers[0]"
                ]
            );
        }
        other => panic!("{other:?}"),
    }
}

fn stored_deployment() -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "demo", "uid": "u1",
                     "creationTimestamp": "2026-11-24T10:00:00Z", "generation": 3},
        "spec": {"replicas": 2},
        "status": {"readyReplicas": 2}})
}

#[test]
fn update_keeps_server_fields_and_counts_generation() {
    let r = deployments();
    // Spec change: generation +1, status from storage, server fields kept, RV precondition read.
    let body = json!({"metadata": {"name": "web", "uid": "forged", "generation": 99,
                                    "resourceVersion": "41", "labels": {"a": "b"}},
                      "spec": {"replicas": 5}, "status": {"readyReplicas": 0}});
    let updated = prepare_update(&r, &stored_deployment(), body, Part::Main).unwrap();
    assert_eq!(updated.precondition, Some(41));
    assert!(!updated.delete_now);
    let meta = &updated.object["metadata"];
    assert_eq!(
        (&meta["uid"], &meta["generation"], &meta["namespace"]),
        (&json!("u1"), &json!(4), &json!("demo"))
    );
    assert!(meta.get("resourceVersion").is_none());
    assert_eq!(updated.object["status"], json!({"readyReplicas": 2}));
    // Metadata-only change: generation unchanged.
    let body = json!({"metadata": {"name": "web", "labels": {"a": "b"}}, "spec": {"replicas": 2}});
    let updated = prepare_update(&r, &stored_deployment(), body, Part::Main).unwrap();
    assert_eq!(updated.object["metadata"]["generation"], 3);
    assert_eq!(updated.precondition, None);
}

#[test]
fn status_writes_change_only_status() {
    let body = json!({"metadata": {"name": "web", "labels": {"dropped": "yes"}},
                      "spec": {"replicas": 9}, "status": {"readyReplicas": 1}});
    let updated = prepare_update(&deployments(), &stored_deployment(), body, Part::Status).unwrap();
    let mut expected = stored_deployment();
    expected["status"] = json!({"readyReplicas": 1});
    assert_eq!(updated.object, expected);
    assert!(!is_no_op(&stored_deployment(), &updated.object));
    let same = prepare_update(
        &deployments(),
        &stored_deployment(),
        json!({"metadata": {"name": "web"}, "status": {"readyReplicas": 2}}),
        Part::Status,
    )
    .unwrap();
    assert!(is_no_op(&stored_deployment(), &same.object), "§5.4");
}

#[test]
fn update_refuses_renames_and_bad_versions() {
    let r = deployments();
    let renamed = json!({"metadata": {"name": "other"}});
    assert_eq!(
        prepare_update(&r, &stored_deployment(), renamed, Part::Main),
        Err(MetaError::BadRequest(
            "the name of the object (other) does not match the name on the URL (web)".into()
        ))
    );
    let bad_rv = json!({"metadata": {"name": "web", "resourceVersion": "abc"}});
    assert_eq!(
        prepare_update(&r, &stored_deployment(), bad_rv, Part::Main),
        Err(MetaError::BadRequest(
            "invalid resource version: \"abc\"".into()
        ))
    );
}

#[test]
fn finalizers_drive_deletion() {
    let mut stored = stored_deployment();
    stored["metadata"]["finalizers"] = json!(["example.com/cleanup"]);
    let marked = match prepare_delete(&stored, "2026-11-24T12:00:00Z") {
        Deletion::Mark(object) => object,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        marked["metadata"]["deletionTimestamp"],
        "2026-11-24T12:00:00Z"
    );
    assert_eq!(marked["metadata"]["deletionGracePeriodSeconds"], 0);
    assert_eq!(marked["metadata"]["generation"], 4);
    assert_eq!(prepare_delete(&marked, "later"), Deletion::AlreadyMarked);
    assert_eq!(prepare_delete(&stored_deployment(), "now"), Deletion::Now);
    // No new finalizer once deleting.
    let mut more = marked.clone();
    more["metadata"]["finalizers"] = json!(["example.com/cleanup", "example.com/new"]);
    match prepare_update(&deployments(), &marked, more, Part::Main) {
        Err(MetaError::Invalid { causes, .. }) => {
            assert_eq!(causes[0].reason, CauseReason::Forbidden);
            assert_eq!(
                causes[0].message,
                "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers [\"example.com/new\"]"
            );
        }
        other => panic!("{other:?}"),
    }
    // Removing the last finalizer deletes it; the deletionTimestamp cannot be cleared by a client.
    let mut done = marked.clone();
    done["metadata"]["finalizers"] = json!([]);
    done["metadata"]["deletionTimestamp"] = json!(null);
    let updated = prepare_update(&deployments(), &marked, done, Part::Main).unwrap();
    assert!(updated.delete_now);
    assert_eq!(
        updated.object["metadata"]["deletionTimestamp"],
        "2026-11-24T12:00:00Z"
    );
}

#[test]
fn resource_version_is_injected_on_read() {
    let served = with_resource_version(stored_deployment(), 117);
    assert_eq!(served["metadata"]["resourceVersion"], "117");
    assert!(is_no_op(&stored_deployment(), &served));
}
