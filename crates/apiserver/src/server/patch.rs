//! PATCH (kube-api.md §7.6, §8, §9): merge, JSON and strategic merge patches (the last on
//! built-in kinds only) applied to the live object in the server's read-modify-write loop, and
//! server-side apply (with conflicts), which creates the object when it does not exist.
//!
//! Owns: choosing and applying the patch to the stored object. Must not: define patch semantics
//! (`crate::patch`, `crate::apply`).

use axum::response::Response;
use serde_json::Value;

use super::read::fetch;
use super::write::{WriteOptions, admitted_update, create_object, modify, now, write_loop};
use super::{ApiServer, Request, content_type, json_response, with_warnings};
use crate::apply::{Conflict, Manager, apply, conflict_cause, conflict_message};
use crate::objects::Part;
use crate::patch::{PatchType, StrategicSchema, json_patch, merge_patch, strategic_merge_patch};
use crate::registry::Resource;
use crate::status::{ApiError, Cause, CauseType};

/// Patch media types of a kind without strategic merge (CRD semantics).
const CRD_PATCH_TYPES: [&str; 3] = [
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
];

/// Patch media types of a built-in kind.
const BUILT_IN_PATCH_TYPES: [&str; 4] = [
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
    "application/strategic-merge-patch+json",
];

fn unsupported(resource: &Resource) -> ApiError {
    if resource.strategic_merge() {
        ApiError::unsupported_media_type(&BUILT_IN_PATCH_TYPES)
    } else {
        ApiError::unsupported_media_type(&CRD_PATCH_TYPES)
    }
}

/// Decodes a patch body: JSON, or (apply only) YAML.
fn decode(body: &[u8], kind: PatchType) -> Result<Value, ApiError> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(_) if kind == PatchType::Apply => {
            let text = std::str::from_utf8(body)
                .map_err(|_| ApiError::bad_request("the apply body is not UTF-8"))?;
            serde_saphyr::from_str(text)
                .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))
        }
        Err(e) => Err(ApiError::bad_request(format!(
            "the patch could not be decoded: {e}"
        ))),
    }
}

/// Applies a non-apply patch to `live` (as served).
fn patched(
    resource: &Resource,
    live: &Value,
    kind: PatchType,
    patch: &Value,
) -> Result<Value, ApiError> {
    let invalid = |e: crate::patch::PatchError| {
        let name = live["metadata"]["name"].as_str().unwrap_or("");
        ApiError::new(422, crate::status::StatusReason::Invalid, e.to_string()).with_details(
            crate::status::StatusDetails::object(name, &resource.group, &resource.kind),
        )
    };
    match kind {
        PatchType::Merge => Ok(merge_patch(live, patch)),
        PatchType::Json => json_patch(live, patch).map_err(invalid),
        PatchType::Strategic => {
            let schema = StrategicSchema::for_kind(&resource.api_version(), &resource.kind)
                .ok_or_else(|| unsupported(resource))?;
            strategic_merge_patch(live, patch, &schema).map_err(invalid)
        }
        PatchType::Apply => unreachable!("apply is handled separately"),
    }
}

/// PATCH on an object, its `/status` or its `/scale`.
pub(crate) async fn patch(server: &ApiServer, request: &Request) -> Result<Response, ApiError> {
    let t = &request.target;
    let resource = &t.resource;
    let kind = PatchType::from_content_type(&content_type(&request.headers))
        .ok_or_else(|| unsupported(resource))?;
    if kind == PatchType::Strategic && !resource.strategic_merge() {
        return Err(unsupported(resource));
    }
    let body = decode(&request.body, kind)?;
    let options = WriteOptions::parse(request)?;
    if request.query.get("force").is_some() && kind != PatchType::Apply {
        return Err(ApiError::bad_request(
            "force is only allowed for apply patches",
        ));
    }
    if kind == PatchType::Apply {
        return server_side_apply(server, request, body, &options).await;
    }
    modify(server, request, &options, |live| {
        patched(resource, live, kind, &body)
    })
    .await
}

/// The 409 of apply conflicts (kube-api.md §9 full tier).
fn conflict_error(conflicts: Vec<Conflict>) -> ApiError {
    let causes = conflicts
        .iter()
        .map(|c| Cause::new(CauseType::FieldManagerConflict, &c.field, conflict_cause(c)))
        .collect();
    ApiError::apply_conflict(conflict_message(&conflicts), causes)
}

/// Server-side apply (kube-api.md §9): conflicts unless `force=true`.
async fn server_side_apply(
    server: &ApiServer,
    request: &Request,
    config: Value,
    options: &WriteOptions,
) -> Result<Response, ApiError> {
    let t = &request.target;
    let resource = &t.resource;
    let name = t.name.clone().unwrap_or_default();
    let manager = request.query.get("fieldManager").ok_or_else(|| {
        ApiError::invalid(
            &resource.kind,
            &resource.group,
            &name,
            vec![crate::status::Cause::new(
                crate::status::CauseType::FieldValueRequired,
                "fieldManager",
                "Required value: is required for apply patch",
            )],
        )
    })?;
    let mut config = config;
    if config["metadata"]["name"].is_null() {
        config["metadata"]["name"] = Value::String(name.clone());
    }
    let force = request.query.flag("force").map_err(super::bad_query)?;
    let api_version = resource.api_version();
    let now = now();
    let manager = Manager {
        name: manager,
        api_version: &api_version,
        now: &now,
        subresource: None,
    };
    let exists = fetch(server, resource, t.namespace.as_deref(), &name).await;
    if let Err(e) = &exists
        && e.code == 404
    {
        let object = apply(None, &config, &manager, force).map_err(conflict_error)?;
        let (created, warnings) =
            create_object(server, resource, t.namespace.as_deref(), object, options).await?;
        return Ok(with_warnings(json_response(201, &created), &warnings));
    }
    exists?;
    let (result, warnings) = write_loop(
        server,
        resource,
        t.namespace.as_deref(),
        &name,
        options.dry_run,
        |stored| {
            let object = apply(Some(stored), &config, &manager, force).map_err(conflict_error)?;
            admitted_update(server, resource, stored, object, Part::Main, options)
        },
    )
    .await?;
    Ok(with_warnings(json_response(200, &result), &warnings))
}
