//! Generic object-metadata handling every kind gets from the API server: scope (namespace),
//! status reset on create, and validation of name, namespace, labels and annotations.
//!
//! Owns: the metadata rules that are not kind-specific. Must not: look at `spec`.

use serde_json::Value;

use super::Operation;
use crate::field::{FieldError, FieldPath};
use crate::kinds::KindInfo;
use crate::names;

/// Kubernetes' limit on the total size of an object's annotations.
const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES: usize = 256 * 1024;
/// Cluster names are DNS-1123 labels of at most 48 characters (15 are kept for `karmada-es-`).
const CLUSTER_NAME_MAX_LEN: usize = 48;

/// The name used in messages: `metadata.name`, else `generateName`, else empty.
pub(crate) fn display_name(object: &Value) -> String {
    let meta = &object["metadata"];
    meta.get("name")
        .or_else(|| meta.get("generateName"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// Scope and status rules applied before validation: cluster-scoped objects lose any
/// namespace; with a status subresource, create ignores the submitted status and update keeps
/// the stored one.
pub(crate) fn prepare(info: &KindInfo, object: &mut Value, operation: &Operation) {
    let Value::Object(map) = object else { return };
    if !info.namespaced
        && let Some(Value::Object(meta)) = map.get_mut("metadata")
    {
        meta.remove("namespace");
    }
    if !info.status_subresource {
        return;
    }
    match operation {
        Operation::Create => {
            map.remove("status");
        }
        Operation::Update { old } => match old.get("status") {
            Some(status) => {
                map.insert("status".into(), status.clone());
            }
            None => {
                map.remove("status");
            }
        },
    }
}

/// Validates name, namespace, labels and annotations.
pub(crate) fn validate(info: &KindInfo, object: &Value, errors: &mut Vec<FieldError>) {
    let meta_path = FieldPath::new("metadata");
    let meta = &object["metadata"];
    validate_name(info, meta, &meta_path, errors);
    let namespace = meta.get("namespace").and_then(Value::as_str).unwrap_or("");
    if info.namespaced {
        let path = meta_path.child("namespace");
        if namespace.is_empty() {
            errors.push(FieldError::required(&path, ""));
        }
        for message in names::is_dns1123_label(namespace)
            .into_iter()
            .filter(|_| !namespace.is_empty())
        {
            errors.push(FieldError::invalid(&path, namespace, &message));
        }
    }
    if let Some(Value::Object(labels)) = meta.get("labels") {
        validate_labels(labels, &meta_path.child("labels"), errors);
    }
    if let Some(Value::Object(annotations)) = meta.get("annotations") {
        validate_annotations(annotations, &meta_path.child("annotations"), errors);
    }
}

fn validate_name(
    info: &KindInfo,
    meta: &Value,
    meta_path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let name = meta.get("name").and_then(Value::as_str).unwrap_or("");
    let generate_name = meta
        .get("generateName")
        .and_then(Value::as_str)
        .unwrap_or("");
    let path = meta_path.child("name");
    if name.is_empty() {
        if generate_name.is_empty() {
            errors.push(FieldError::required(
                &path,
                "name or generateName is required",
            ));
        }
        return;
    }
    if info.kind == "Cluster" {
        if name.len() > CLUSTER_NAME_MAX_LEN {
            let detail = format!("must be no more than {CLUSTER_NAME_MAX_LEN} characters");
            errors.push(FieldError::invalid(&path, name, &detail));
        }
        for message in names::is_dns1123_label(name) {
            errors.push(FieldError::invalid(&path, name, &message));
        }
    } else {
        for message in names::is_dns1123_subdomain(name) {
            errors.push(FieldError::invalid(&path, name, &message));
        }
    }
}

/// Label keys must be qualified names, values label values (Kubernetes `ValidateLabels`).
pub(crate) fn validate_labels(
    labels: &serde_json::Map<String, Value>,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    for (key, value) in labels {
        for message in names::is_qualified_name(key) {
            errors.push(FieldError::invalid(path, key.as_str(), &message));
        }
        let value = value.as_str().unwrap_or("");
        for message in names::is_valid_label_value(value) {
            errors.push(FieldError::invalid(path, value, &message));
        }
    }
}

/// Annotation keys must be qualified names (lower-cased first); total size is bounded.
pub(crate) fn validate_annotations(
    annotations: &serde_json::Map<String, Value>,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let mut total = 0;
    for (key, value) in annotations {
        for message in names::is_qualified_name(&key.to_lowercase()) {
            errors.push(FieldError::invalid(path, key.as_str(), &message));
        }
        total += key.len() + value.as_str().map_or(0, str::len);
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES {
        errors.push(FieldError::too_long(
            path,
            TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
        ));
    }
}
