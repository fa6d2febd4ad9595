//! OpenAPI v3 (kube-api.md §4): the index at `/openapi/v3` and one document per group-version
//! with, for every resource, its item path and a `patch` operation carrying
//! `x-kubernetes-group-version-kind` and the `fieldValidation` parameter — what kubectl 1.32 needs
//! to leave validation to the server (`apply`, `create -f`, `replace`, `edit` without
//! `--validate=false`). Every kind's schema is in `components.schemas` (Flotilla's kinds' and the
//! built-ins' generated from their types, custom resources' from their CRDs), so `kubectl explain`
//! works.
//!
//! Owns: OpenAPI documents. Must not: route requests.

use std::sync::OnceLock;

use flotilla_api::kinds::ALL_KINDS;
use serde_json::{Map, Value, json};

use crate::registry::{Origin, Registry, Resource};

/// The index: one entry per served group-version, with a content hash in its URL.
pub fn index(registry: &Registry) -> Value {
    let mut paths = Map::new();
    for (group, versions) in registry.groups() {
        for version in versions {
            let path = relative_path(&group, &version);
            let fingerprint = fingerprint(&registry.in_version(&group, &version));
            let url = format!("/openapi/v3/{path}?hash={}", hash(&fingerprint));
            paths.insert(path, json!({"serverRelativeURL": url}));
        }
    }
    json!({"paths": paths})
}

fn relative_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// What a group-version's document is made from: its resources and, for custom resources,
/// their schemas (the other schemas are fixed in the binary). Hashing this instead of the
/// document keeps the index cheap although the workload kinds' documents are large.
fn fingerprint(resources: &[std::sync::Arc<Resource>]) -> Value {
    let parts = resources.iter().map(|r| {
        let source = r.schema.as_ref().map(|s| s.source.as_ref().clone());
        json!([
            r.plural,
            r.kind,
            r.namespaced,
            format!("{:?}", r.origin),
            source
        ])
    });
    Value::Array(parts.collect())
}

/// The document of one group-version (`None` if it is not served).
pub fn document(registry: &Registry, group: &str, version: &str) -> Option<Value> {
    let resources = registry.in_version(group, version);
    if resources.is_empty() {
        return None;
    }
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for r in &resources {
        paths.insert(item_path(r), json!({"patch": patch_operation(r)}));
        if let Some(schema) = schema_of(r) {
            schemas.insert(schema_name(r), schema);
        }
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

fn item_path(r: &Resource) -> String {
    let root = if r.group.is_empty() {
        format!("/api/{}", r.version)
    } else {
        format!("/apis/{}/{}", r.group, r.version)
    };
    if r.namespaced {
        format!("{root}/namespaces/{{namespace}}/{}/{{name}}", r.plural)
    } else {
        format!("{root}/{}/{{name}}", r.plural)
    }
}

fn gvk(r: &Resource) -> Value {
    json!({"group": r.group, "version": r.version, "kind": r.kind})
}

fn patch_operation(r: &Resource) -> Value {
    json!({
        "x-kubernetes-group-version-kind": gvk(r),
        "parameters": [
            {"name": "fieldValidation", "in": "query",
             "schema": {"type": "string", "uniqueItems": true}},
            {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
            {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        ],
    })
}

fn schema_name(r: &Resource) -> String {
    let group: Vec<&str> = r.group.split('.').rev().collect();
    format!("{}.{}.{}", group.join("."), r.version, r.kind)
}

/// The schema of a resource's kind (for `kubectl explain` and client-side tools): Flotilla's
/// kinds' and the built-ins' generated from their types, custom resources' from their CRD.
fn schema_of(r: &Resource) -> Option<Value> {
    let mut schema = match r.origin {
        Origin::Flotilla => {
            let info = ALL_KINDS
                .iter()
                .find(|k| k.group == r.group && k.version == r.version && k.kind == r.kind)?;
            flotilla_api::schema::openapi_schema(info)
        }
        Origin::BuiltIn => built_in_schema(&r.api_version(), &r.kind)?.clone(),
        Origin::Crd => Some(r.schema.as_ref()?.source.as_ref().clone()).filter(Value::is_object)?,
    };
    schema["x-kubernetes-group-version-kind"] = json!([gvk(r)]);
    Some(schema)
}

/// The generated schema of a built-in kind (computed once per process: the inlined schemas of
/// the workload kinds are large).
fn built_in_schema(api_version: &str, kind: &str) -> Option<&'static Value> {
    use flotilla_api::schema::schema_value_for as of;
    use k8s_openapi::api::{apps, batch, coordination, core, events};
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiextensions;
    static SCHEMAS: OnceLock<Vec<(&str, &str, Value)>> = OnceLock::new();
    let all = SCHEMAS.get_or_init(|| {
        vec![
            ("v1", "Namespace", of::<core::v1::Namespace>()),
            ("v1", "ConfigMap", of::<core::v1::ConfigMap>()),
            ("v1", "Secret", of::<core::v1::Secret>()),
            ("v1", "Service", of::<core::v1::Service>()),
            ("v1", "Event", of::<core::v1::Event>()),
            ("events.k8s.io/v1", "Event", of::<events::v1::Event>()),
            ("apps/v1", "Deployment", of::<apps::v1::Deployment>()),
            ("apps/v1", "StatefulSet", of::<apps::v1::StatefulSet>()),
            ("apps/v1", "DaemonSet", of::<apps::v1::DaemonSet>()),
            ("batch/v1", "Job", of::<batch::v1::Job>()),
            (
                "coordination.k8s.io/v1",
                "Lease",
                of::<coordination::v1::Lease>(),
            ),
            (
                "apiextensions.k8s.io/v1",
                "CustomResourceDefinition",
                of::<apiextensions::CustomResourceDefinition>(),
            ),
        ]
    });
    all.iter()
        .find(|(v, k, _)| *v == api_version && *k == kind)
        .map(|(_, _, schema)| schema)
}

/// A short content hash (FNV-1a 64, hex) of a document.
pub fn hash(doc: &Value) -> String {
    format!("{:016X}", fnv1a64(doc.to_string().as_bytes()))
}

/// FNV-1a, 64 bits: the content hashes of discovery and OpenAPI.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h: u64, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_lists_every_group_version_with_a_hash() {
        let r = Registry::with_builtins();
        let idx = index(&r);
        let core = idx["paths"]["api/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap();
        assert!(core.starts_with("/openapi/v3/api/v1?hash="), "{core}");
        assert!(idx["paths"]["apis/policy.karmada.io/v1alpha1"].is_object());
        assert!(core.ends_with(&hash(&fingerprint(&r.in_version("", "v1")))));
    }

    #[test]
    fn patch_operations_name_the_kind_and_accept_field_validation() {
        let r = Registry::with_builtins();
        let doc = document(&r, "apps", "v1").unwrap();
        let patch =
            &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert_eq!(
            patch["x-kubernetes-group-version-kind"],
            json!({"group": "apps", "version": "v1", "kind": "Deployment"})
        );
        assert_eq!(patch["parameters"][0]["name"], "fieldValidation");
        let doc = document(&r, "cluster.karmada.io", "v1alpha1").unwrap();
        assert!(
            doc["paths"]["/apis/cluster.karmada.io/v1alpha1/clusters/{name}"]["patch"].is_object()
        );
        let schema = &doc["components"]["schemas"]["io.karmada.cluster.v1alpha1.Cluster"];
        assert_eq!(
            schema["x-kubernetes-group-version-kind"][0]["kind"],
            "Cluster"
        );
        assert!(document(&r, "apps", "v2").is_none());
    }

    #[test]
    fn built_ins_and_custom_resources_carry_schemas() {
        let r = Registry::with_builtins();
        let doc = document(&r, "apps", "v1").unwrap();
        let deployment = &doc["components"]["schemas"]["apps.v1.Deployment"];
        assert_eq!(
            deployment["x-kubernetes-group-version-kind"][0]["kind"],
            "Deployment"
        );
        assert_eq!(
            deployment["properties"]["spec"]["properties"]["replicas"]["type"],
            "integer"
        );
        let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"plural": "widgets", "kind": "Widget"},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object",
                        "properties": {"spec": {"type": "object", "description": "The widget."}}}}}]}});
        let before = index(&r);
        for resource in crate::crd::resources(&crd) {
            r.add_crd_resource(resource).unwrap();
        }
        let doc = document(&r, "example.com", "v1").unwrap();
        let widget = &doc["components"]["schemas"]["com.example.v1.Widget"];
        assert_eq!(widget["properties"]["spec"]["description"], "The widget.");
        assert_eq!(
            widget["x-kubernetes-group-version-kind"][0]["kind"],
            "Widget"
        );
        let after = index(&r);
        assert_eq!(
            before["paths"]["api/v1"], after["paths"]["api/v1"],
            "unchanged: same hash"
        );
        assert!(after["paths"]["apis/example.com/v1"].is_object());
    }
}
