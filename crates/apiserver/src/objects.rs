//! Object metadata rules (kube-api.md §5, §6, §7.4, §7.5, §7.8), as pure functions over JSON
//! objects: what a create assigns, what an update may change (server-owned fields, `.status`
//! versus the main resource, `generation`, finalizers), what a delete does with finalizers, and
//! the resourceVersion that is injected on read and never stored.
//!
//! Owns: metadata semantics. Must not: touch the store, the clock or HTTP (`now`, the uid and
//! the generated-name suffix are arguments).

use flotilla_api::names;
use serde_json::{Map, Value, json};

use crate::cascade::{self, Propagation};
use crate::registry::Resource;

/// Characters of a `generateName` suffix (Kubernetes' alphabet without vowels and look-alikes).
pub const GENERATE_NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
/// Length of a `generateName` suffix.
pub const GENERATE_NAME_SUFFIX_LEN: usize = 5;

/// Why a field is invalid (the `reason` of a Status cause).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CauseReason {
    /// `FieldValueInvalid`.
    Invalid,
    /// `FieldValueRequired`.
    Required,
    /// `FieldValueForbidden`.
    Forbidden,
}

impl CauseReason {
    /// The Status cause reason.
    pub fn as_str(self) -> &'static str {
        match self {
            CauseReason::Invalid => "FieldValueInvalid",
            CauseReason::Required => "FieldValueRequired",
            CauseReason::Forbidden => "FieldValueForbidden",
        }
    }
}

/// One invalid field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    /// Field path, e.g. `metadata.name`.
    pub field: String,
    /// Why.
    pub reason: CauseReason,
    /// Kubernetes' rendering, e.g. `Invalid value: "Bad_Name": a lowercase RFC 1123 …`.
    pub message: String,
}

/// A request the metadata rules refuse.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum MetaError {
    /// 400 BadRequest with this message.
    #[error("{0}")]
    BadRequest(String),
    /// 422 Invalid with these causes (the object's name, if known, for the message).
    #[error("invalid: {causes:?}")]
    Invalid {
        /// The object's name (may be empty).
        name: String,
        /// The invalid fields.
        causes: Vec<Cause>,
    },
}

/// What a create needs besides the request.
#[derive(Clone, Debug)]
pub struct CreateContext {
    /// RFC 3339 time, seconds precision, `Z`.
    pub now: String,
    /// The new object's uid.
    pub uid: String,
    /// A random suffix for `generateName` (see [`GENERATE_NAME_ALPHABET`]).
    pub name_suffix: String,
}

fn invalid_value(value: &str, detail: &str) -> String {
    format!("Invalid value: {}: {detail}", json!(value))
}

fn metadata_mut(object: &mut Value) -> Result<&mut Map<String, Value>, MetaError> {
    let root = object
        .as_object_mut()
        .ok_or_else(|| MetaError::BadRequest("the request body is not a JSON object".into()))?;
    let metadata = root.entry("metadata").or_insert_with(|| json!({}));
    if metadata.is_null() {
        *metadata = json!({});
    }
    metadata
        .as_object_mut()
        .ok_or_else(|| MetaError::BadRequest("metadata must be an object".into()))
}

fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// Checks and normalises `apiVersion` and `kind` against the URL's resource.
fn check_type(resource: &Resource, object: &mut Value) -> Result<(), MetaError> {
    let root = object
        .as_object_mut()
        .ok_or_else(|| MetaError::BadRequest("the request body is not a JSON object".into()))?;
    if let Some(kind) = text(root, "kind")
        && kind != resource.kind
    {
        return Err(MetaError::BadRequest(format!(
            "the kind of the provided object ({kind}) does not match the resource ({})",
            resource.kind
        )));
    }
    if let Some(api_version) = text(root, "apiVersion")
        && api_version != resource.api_version()
    {
        return Err(MetaError::BadRequest(format!(
            "the API version of the provided object ({api_version}) does not match the resource ({})",
            resource.api_version()
        )));
    }
    root.insert("apiVersion".into(), json!(resource.api_version()));
    root.insert("kind".into(), json!(resource.kind));
    Ok(())
}

/// Sets `metadata.namespace` from the URL (namespaced) or removes it (cluster-scoped).
fn place(
    resource: &Resource,
    meta: &mut Map<String, Value>,
    url_ns: Option<&str>,
) -> Result<(), MetaError> {
    if !resource.namespaced {
        meta.remove("namespace");
        return Ok(());
    }
    let url_ns = url_ns.ok_or_else(|| {
        MetaError::BadRequest("a namespaced object needs a namespace in the request path".into())
    })?;
    if let Some(ns) = text(meta, "namespace")
        && ns != url_ns
    {
        return Err(MetaError::BadRequest(
            "the namespace of the provided object does not match the namespace sent on the request"
                .into(),
        ));
    }
    meta.insert("namespace".into(), json!(url_ns));
    Ok(())
}

/// Validates the name, labels, annotations and finalizers.
fn validate_meta(resource: &Resource, meta: &Map<String, Value>) -> Vec<Cause> {
    let mut causes = Vec::new();
    let name = text(meta, "name").unwrap_or("");
    let name_errors = if resource.kind == "Namespace" {
        names::is_dns1123_label(name)
    } else {
        names::is_dns1123_subdomain(name)
    };
    for detail in name_errors {
        causes.push(Cause {
            field: "metadata.name".into(),
            reason: CauseReason::Invalid,
            message: invalid_value(name, &detail),
        });
    }
    causes.extend(validate_labels(meta));
    causes.extend(validate_annotations(meta));
    if let Some(finalizers) = meta.get("finalizers").and_then(Value::as_array) {
        for (i, f) in finalizers.iter().enumerate() {
            let f = f.as_str().unwrap_or("");
            for detail in names::is_qualified_name(f) {
                causes.push(Cause {
                    field: format!("metadata.finalizers[{i}]"),
                    reason: CauseReason::Invalid,
                    message: invalid_value(f, &detail),
                });
            }
        }
    }
    causes
}

fn validate_labels(meta: &Map<String, Value>) -> Vec<Cause> {
    let mut causes = Vec::new();
    let Some(labels) = meta.get("labels").and_then(Value::as_object) else {
        return causes;
    };
    for (key, value) in labels {
        for detail in names::is_valid_label_key(key) {
            causes.push(Cause {
                field: "metadata.labels".into(),
                reason: CauseReason::Invalid,
                message: invalid_value(key, &detail),
            });
        }
        let value = value.as_str().unwrap_or("");
        for detail in names::is_valid_label_value(value) {
            causes.push(Cause {
                field: format!("metadata.labels[{key}]"),
                reason: CauseReason::Invalid,
                message: invalid_value(value, &detail),
            });
        }
    }
    causes
}

fn validate_annotations(meta: &Map<String, Value>) -> Vec<Cause> {
    let mut causes = Vec::new();
    let Some(annotations) = meta.get("annotations").and_then(Value::as_object) else {
        return causes;
    };
    for key in annotations.keys() {
        for detail in names::is_qualified_name(&key.to_lowercase()) {
            causes.push(Cause {
                field: "metadata.annotations".into(),
                reason: CauseReason::Invalid,
                message: invalid_value(key, &detail),
            });
        }
    }
    let pairs = annotations
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("")));
    for detail in names::validate_annotations_size(pairs) {
        causes.push(Cause {
            field: "metadata.annotations".into(),
            reason: CauseReason::Invalid,
            message: format!("Too long: {detail}"),
        });
    }
    causes
}

/// The object a create stores (kube-api.md §5.2, §7.4): type checked, namespace from the URL,
/// name (or `generateName` + suffix) validated, uid, creationTimestamp and generation 1 assigned,
/// client-sent server fields dropped. Its resourceVersion is the store's.
pub fn prepare_create(
    resource: &Resource,
    mut object: Value,
    url_ns: Option<&str>,
    ctx: &CreateContext,
) -> Result<Value, MetaError> {
    check_type(resource, &mut object)?;
    let meta = metadata_mut(&mut object)?;
    place(resource, meta, url_ns)?;
    if text(meta, "name").is_none() {
        match text(meta, "generateName") {
            Some(prefix) => {
                let name = format!("{prefix}{}", ctx.name_suffix);
                meta.insert("name".into(), json!(name));
            }
            None => {
                return Err(MetaError::Invalid {
                    name: String::new(),
                    causes: vec![Cause {
                        field: "metadata.name".into(),
                        reason: CauseReason::Required,
                        message: "Required value: name or generateName is required".into(),
                    }],
                });
            }
        }
    }
    let causes = validate_meta(resource, meta);
    if !causes.is_empty() {
        let name = text(meta, "name").unwrap_or("").to_string();
        return Err(MetaError::Invalid { name, causes });
    }
    for field in [
        "resourceVersion",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "selfLink",
    ] {
        meta.remove(field);
    }
    meta.insert("uid".into(), json!(ctx.uid));
    meta.insert("creationTimestamp".into(), json!(ctx.now));
    meta.insert("generation".into(), json!(1));
    Ok(object)
}

/// Which part of an object a write targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The main resource: `.status` is kept from storage when the kind has `/status`.
    Main,
    /// `/status`: only `.status` changes.
    Status,
}

/// An update the rules accept.
#[derive(Clone, Debug, PartialEq)]
pub struct Updated {
    /// The object to store (without resourceVersion).
    pub object: Value,
    /// The resourceVersion the request requires, if it named one.
    pub precondition: Option<u64>,
    /// The object is being deleted and has no finalizers left: delete it instead.
    pub delete_now: bool,
}

/// Parses a resourceVersion (a decimal u64; anything else is a 400).
pub fn parse_resource_version(rv: &str) -> Result<u64, MetaError> {
    rv.parse()
        .map_err(|_| MetaError::BadRequest(format!("invalid resource version: {rv:?}")))
}

/// The object a PUT (or a patch's result) stores, given the stored one (kube-api.md §5.2, §5.3,
/// §6): name and namespace must match the URL, server-owned fields keep their stored values,
/// `.status` comes from storage (main resource of a kind with `/status`) or is the only change
/// (`/status`), generation goes up when anything but metadata (and status, with `/status`)
/// changed, and no finalizer may be added while the object is being deleted.
pub fn prepare_update(
    resource: &Resource,
    stored: &Value,
    mut object: Value,
    part: Part,
) -> Result<Updated, MetaError> {
    check_type(resource, &mut object)?;
    let stored_meta = stored
        .get("metadata")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let url_name = text(&stored_meta, "name").unwrap_or("").to_string();
    let meta = metadata_mut(&mut object)?;
    if let Some(name) = text(meta, "name")
        && name != url_name
    {
        return Err(MetaError::BadRequest(format!(
            "the name of the object ({name}) does not match the name on the URL ({url_name})"
        )));
    }
    place(resource, meta, text(&stored_meta, "namespace"))?;
    let precondition = text(meta, "resourceVersion")
        .map(parse_resource_version)
        .transpose()?;
    meta.remove("resourceVersion");
    let mut object = for_part(resource, stored, object, part);
    let meta = metadata_mut(&mut object)?;
    for field in [
        "name",
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ] {
        match stored_meta.get(field) {
            Some(v) => meta.insert(field.into(), v.clone()),
            None => meta.remove(field),
        };
    }
    check_finalizers(&stored_meta, meta, &url_name)?;
    let causes = validate_meta(resource, meta);
    if !causes.is_empty() {
        return Err(MetaError::Invalid {
            name: url_name,
            causes,
        });
    }
    settle_generation(resource, stored, &mut object);
    // A terminating Namespace also waits for its `spec.finalizers` (the namespace controller's).
    let spec_finalizers = resource.kind == "Namespace"
        && resource.group.is_empty()
        && object["spec"]["finalizers"]
            .as_array()
            .is_some_and(|f| !f.is_empty());
    let delete_now = is_deleting(&object) && finalizers(&object).is_empty() && !spec_finalizers;
    Ok(Updated {
        object,
        precondition,
        delete_now,
    })
}

fn finalizers(object: &Value) -> Vec<String> {
    object["metadata"]["finalizers"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the object has a deletionTimestamp.
pub fn is_deleting(object: &Value) -> bool {
    object["metadata"]["deletionTimestamp"].is_string()
}

fn check_finalizers(
    stored_meta: &Map<String, Value>,
    meta: &Map<String, Value>,
    name: &str,
) -> Result<(), MetaError> {
    if !stored_meta
        .get("deletionTimestamp")
        .is_some_and(Value::is_string)
    {
        return Ok(());
    }
    let list = |m: &Map<String, Value>| -> Vec<String> {
        m.get("finalizers")
            .and_then(Value::as_array)
            .map(|f| {
                f.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let old = list(stored_meta);
    let added: Vec<String> = list(meta)
        .into_iter()
        .filter(|f| !old.contains(f))
        .collect();
    if added.is_empty() {
        return Ok(());
    }
    Err(MetaError::Invalid {
        name: name.to_string(),
        causes: vec![Cause {
            field: "metadata.finalizers".into(),
            reason: CauseReason::Forbidden,
            message: format!(
                "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers {}",
                json!(added)
            ),
        }],
    })
}

/// What a write of `part` leaves: a `/status` write changes only `status` (taken from the
/// request); a main-resource write keeps the stored `status` when the kind has `/status`.
fn for_part(resource: &Resource, stored: &Value, object: Value, part: Part) -> Value {
    let mut object = match part {
        Part::Main => object,
        Part::Status => {
            let mut merged = stored.clone();
            merged["status"] = object.get("status").cloned().unwrap_or(Value::Null);
            if merged["status"].is_null() {
                merged.as_object_mut().map(|m| m.remove("status"));
            }
            merged
        }
    };
    if part == Part::Main && resource.status {
        match stored.get("status") {
            Some(status) => object["status"] = status.clone(),
            None => {
                object.as_object_mut().map(|m| m.remove("status"));
            }
        }
    }
    object
}

/// Whether anything counted by `generation` changed: everything but `metadata`, and but
/// `status` when the kind has a `/status` subresource.
fn spec_changed(resource: &Resource, stored: &Value, object: &Value) -> bool {
    let strip = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.remove("metadata");
            if resource.status {
                m.remove("status");
            }
        }
        v
    };
    strip(stored) != strip(object)
}

/// Sets `object`'s generation from what finally changed against `stored`: the stored
/// generation, plus one if anything it counts differs. For updates whose admission defaults
/// fields after [`prepare_update`] counted them (a server-side apply of a manifest without the
/// defaults would otherwise bump the generation of an unchanged object, §5.4).
pub fn settle_generation(resource: &Resource, stored: &Value, object: &mut Value) {
    let generation = stored["metadata"]["generation"].as_i64().unwrap_or(1);
    let bumped = generation + i64::from(spec_changed(resource, stored, object));
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("generation".into(), json!(bumped));
    }
}

/// What a DELETE does (kube-api.md §7.8).
#[derive(Clone, Debug, PartialEq)]
pub enum Deletion {
    /// No finalizers (left): remove it from the store.
    Now,
    /// Finalizers present: store this object (deletionTimestamp set, grace 0, generation +1,
    /// or only its finalizers changed when it was already being deleted) and wait for the
    /// finalizers to go.
    Mark(Value),
    /// Already being deleted: nothing changes.
    AlreadyMarked,
}

/// Decides a DELETE of `stored` at `now` (RFC 3339) without a propagation policy.
pub fn prepare_delete(stored: &Value, now: &str) -> Deletion {
    prepare_delete_with(stored, now, None)
}

/// Decides a DELETE of `stored` at `now` (RFC 3339) with this `propagationPolicy`
/// (kube-api.md §7.9): the policy's garbage-collection finalizer replaces the other one
/// ([`cascade::finalizers_for`]), so an Orphan or Foreground delete marks the object for the
/// collector. As upstream, a later DELETE of an object being deleted may still change that
/// finalizer (a Background one removes it, deleting the object if no finalizer remains).
pub fn prepare_delete_with(stored: &Value, now: &str, policy: Option<Propagation>) -> Deletion {
    let old = finalizers(stored);
    let new = cascade::finalizers_for(&old, policy);
    if is_deleting(stored) && new == old {
        return Deletion::AlreadyMarked;
    }
    if new.is_empty() {
        return Deletion::Now;
    }
    let mut object = stored.clone();
    let meta = &mut object["metadata"];
    if new != old {
        meta["finalizers"] = json!(new);
    }
    if !is_deleting(stored) {
        meta["deletionTimestamp"] = json!(now);
        meta["deletionGracePeriodSeconds"] = json!(0);
        let generation = meta["generation"].as_i64().unwrap_or(1);
        meta["generation"] = json!(generation + 1);
    }
    if let Some(meta) = meta.as_object_mut() {
        meta.remove("resourceVersion");
    }
    Deletion::Mark(object)
}

/// The object as served: `metadata.resourceVersion` set to `revision`.
pub fn with_resource_version(mut object: Value, revision: u64) -> Value {
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("resourceVersion".into(), json!(revision.to_string()));
    }
    object
}

/// Whether an update changes nothing (kube-api.md §5.4): equal apart from the resourceVersion
/// and the times of managedFields entries (a re-apply of the same configuration is a no-op).
pub fn is_no_op(stored: &Value, updated: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("resourceVersion");
            if let Some(entries) = meta.get_mut("managedFields").and_then(Value::as_array_mut) {
                for entry in entries.iter_mut().filter_map(Value::as_object_mut) {
                    entry.remove("time");
                }
            }
        }
        v
    };
    strip(stored) == strip(updated)
}

#[cfg(test)]
#[path = "objects_tests.rs"]
mod tests;
