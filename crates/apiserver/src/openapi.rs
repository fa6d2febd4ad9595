//! OpenAPI v3 (kube-api.md §4): the index at `/openapi/v3` and one document per group-version
//! with, for every resource, its item path and a `patch` operation carrying
//! `x-kubernetes-group-version-kind` and the `fieldValidation` parameter — what kubectl 1.32 needs
//! to leave validation to the server (`apply`, `create -f`, `replace`, `edit` without
//! `--validate=false`). Flotilla's kinds also carry their schemas in `components.schemas`.
//!
//! Owns: OpenAPI documents. Must not: route requests.

use flotilla_api::kinds::ALL_KINDS;
use serde_json::{Map, Value, json};

use crate::registry::{Origin, Registry, Resource};

/// The index: one entry per served group-version, with a content hash in its URL.
pub fn index(registry: &Registry) -> Value {
    let mut paths = Map::new();
    for (group, versions) in registry.groups() {
        for version in versions {
            let doc = document(registry, &group, &version).expect("served group-version");
            let path = relative_path(&group, &version);
            let url = format!("/openapi/v3/{path}?hash={}", hash(&doc));
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

/// Flotilla's kinds carry their generated schemas; others are left open.
fn schema_of(r: &Resource) -> Option<Value> {
    if r.origin != Origin::Flotilla {
        return None;
    }
    let info = ALL_KINDS
        .iter()
        .find(|k| k.group == r.group && k.version == r.version && k.kind == r.kind)?;
    let mut schema = flotilla_api::schema::openapi_schema(info);
    schema["x-kubernetes-group-version-kind"] = json!([gvk(r)]);
    Some(schema)
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
        let doc = document(&r, "", "v1").unwrap();
        assert!(core.ends_with(&hash(&doc)));
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
}
