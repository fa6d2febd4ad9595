//! create, update (main resource, `/status`, `/scale`) and delete (kube-api.md §7.4, §7.5, §7.8,
//! §5.3, §5.4): the metadata rules of `objects` applied, then compare-and-swap writes in the
//! store. Writes without a resourceVersion precondition retry internally on a race; with one,
//! a mismatch is 409. No-op updates do not write.
//!
//! Owns: the write paths' store access. Must not: define metadata rules.

use axum::response::Response;
use flotilla_store::StoreError;
use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};

use super::read::{fetch, plain_store_error, store_error, target_ref};
use flotilla_api::admission::{
    AdmissionContext, FieldValidation, Operation, Request as AdmissionRequest, admit,
};
use flotilla_api::kinds::ALL_KINDS;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::{
    ApiServer, Request, bad_query, crds, decode_body, json_response, namespaces, with_warnings,
};
use crate::apply::{Manager, record_update};
use crate::builtin_schema;
use crate::cascade;
use crate::objects::{
    CreateContext, Deletion, GENERATE_NAME_ALPHABET, GENERATE_NAME_SUFFIX_LEN, MetaError, Part,
    Updated, is_no_op, prepare_create, prepare_delete_with, prepare_update, settle_generation,
    with_resource_version,
};
use crate::registry::Origin;
use crate::registry::Resource;
use crate::status::ApiError;

/// Attempts of an unconditional read-modify-write before giving up with 409.
const UPDATE_RETRY_ATTEMPTS: usize = 16;

/// The current time as Kubernetes writes it (RFC 3339, seconds, `Z`).
pub(crate) fn now() -> String {
    Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn random_suffix() -> String {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    bytes
        .iter()
        .take(GENERATE_NAME_SUFFIX_LEN)
        .map(|b| GENERATE_NAME_ALPHABET[*b as usize % GENERATE_NAME_ALPHABET.len()] as char)
        .collect()
}

/// Maps a metadata-rule refusal to the API's error.
pub(crate) fn meta_error(resource: &Resource, error: MetaError) -> ApiError {
    let name = match &error {
        MetaError::Invalid { name, .. } => name.clone(),
        MetaError::BadRequest(_) => String::new(),
    };
    ApiError::from_meta_error(&error, &target_ref(resource, &name))
}

/// Query options of a write.
#[derive(Clone, Debug, Default)]
pub(crate) struct WriteOptions {
    /// `dryRun=All`: admit and validate, store nothing.
    pub dry_run: bool,
    /// `fieldValidation` (kube-api.md §7.7); the server default is `Warn`.
    pub field_validation: FieldValidation,
    /// The manager recorded in managedFields: `fieldManager`, else the User-Agent's product
    /// (`kubectl`, `kube-rs`); `None` for the server's own writes, which are not recorded.
    pub field_manager: Option<String>,
    /// The subresource written (`status`, `scale`), recorded with the manager.
    pub subresource: Option<String>,
}

impl WriteOptions {
    /// Reads `dryRun`, `fieldValidation` and `fieldManager` (or the User-Agent).
    pub(crate) fn parse(request: &Request) -> Result<WriteOptions, ApiError> {
        let query = &request.query;
        let field_validation = match query.get("fieldValidation") {
            None | Some("Warn") => FieldValidation::Warn,
            Some("Strict") => FieldValidation::Strict,
            Some("Ignore") => FieldValidation::Ignore,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "fieldValidation parameter unsupported: {other:?}: supported values: \"Ignore\", \"Strict\", \"Warn\""
                )));
            }
        };
        let user_agent = request
            .headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .and_then(|ua| ua.split('/').next())
            .filter(|product| !product.is_empty());
        Ok(WriteOptions {
            dry_run: query.dry_run().map_err(bad_query)?,
            field_validation,
            field_manager: query.get("fieldManager").or(user_agent).map(String::from),
            subresource: request.target.subresource.clone(),
        })
    }

    /// Records the write in `object`'s managedFields (kube-api.md §9 full tier).
    fn record(&self, resource: &Resource, stored: Option<&Value>, object: &mut Value) {
        let Some(name) = self.field_manager.as_deref() else {
            return;
        };
        let now = now();
        let manager = Manager {
            name,
            api_version: &resource.api_version(),
            now: &now,
            subresource: self.subresource.as_deref(),
        };
        record_update(stored, object, &manager);
    }
}

/// Admission of Flotilla's kinds (defaulting and validation from `flotilla_api::admission`);
/// other kinds pass unchanged. Returns the object to store and the warnings.
fn admit_object(
    server: &ApiServer,
    resource: &Resource,
    object: Value,
    operation: Operation,
    options: &WriteOptions,
) -> Result<(Value, Vec<String>), ApiError> {
    if resource.origin == Origin::BuiltIn {
        let checked = builtin_schema::check(
            &resource.api_version(),
            &resource.kind,
            object,
            options.field_validation,
        )
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
        return Ok((checked.object, checked.warnings));
    }
    if let Some(schema) = &resource.schema {
        let name = object["metadata"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let outcome = schema
            .compiled
            .validate(object, options.field_validation)
            .map_err(|e| {
                e.to_api_error(&resource.kind, &resource.group, &resource.version, &name)
            })?;
        return Ok((outcome.object, outcome.warnings));
    }
    if resource.origin != Origin::Flotilla {
        return Ok((object, Vec::new()));
    }
    let Some(info) = ALL_KINDS.iter().find(|k| {
        k.group == resource.group && k.version == resource.version && k.kind == resource.kind
    }) else {
        return Ok((object, Vec::new()));
    };
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let ctx = AdmissionContext {
        now: Time(Timestamp::now()),
        new_id: uuid::Uuid::new_v4().to_string(),
        field_validation: options.field_validation,
        config: server.admission.clone(),
    };
    let request = AdmissionRequest {
        object,
        duplicate_fields: Vec::new(),
        operation,
    };
    match admit(info, request, &ctx) {
        Ok(admitted) => Ok((admitted.object, admitted.warnings)),
        Err(rejection) => Err(ApiError::from_rejection(
            &rejection,
            &resource.kind,
            &resource.group,
            &name,
        )),
    }
}

/// POST on a collection.
pub(crate) async fn create(server: &ApiServer, request: &Request) -> Result<Response, ApiError> {
    let body = decode_body(&request.headers, &request.body)?;
    let options = WriteOptions::parse(request)?;
    let t = &request.target;
    let (object, warnings) =
        create_object(server, &t.resource, t.namespace.as_deref(), body, &options).await?;
    Ok(with_warnings(json_response(201, &object), &warnings))
}

/// Creates an object (checks the namespace exists); returns it as served, with warnings.
pub(crate) async fn create_object(
    server: &ApiServer,
    resource: &Resource,
    namespace: Option<&str>,
    body: Value,
    options: &WriteOptions,
) -> Result<(Value, Vec<String>), ApiError> {
    let ctx = CreateContext {
        now: now(),
        uid: uuid::Uuid::new_v4().to_string(),
        name_suffix: random_suffix(),
    };
    let object =
        prepare_create(resource, body, namespace, &ctx).map_err(|e| meta_error(resource, e))?;
    let (mut object, warnings) =
        admit_object(server, resource, object, Operation::Create, options)?;
    if crds::is_crd(resource) {
        object = crds::prepare(server, object, &now()).map_err(|e| meta_error(resource, e))?;
    }
    if namespaces::is_namespace(resource) {
        object = namespaces::default_on_create(object);
    }
    options.record(resource, None, &mut object);
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    if let Some(ns) = namespace.filter(|_| resource.namespaced) {
        let key = format!("/core/namespaces/{ns}");
        let got = server.store.get(&key).await.map_err(plain_store_error)?;
        let Some(kv) = got.kv else {
            return Err(ApiError::namespace_not_found(ns));
        };
        namespaces::check_accepts_content(resource, &name, ns, &kv.value)?;
    }
    let key = resource.key(namespace, &name);
    if options.dry_run {
        let exists = server.store.get(&key).await.map_err(plain_store_error)?;
        if exists.kv.is_some() {
            return Err(ApiError::already_exists(
                &resource.plural,
                &resource.group,
                &name,
            ));
        }
        return Ok((object, warnings));
    }
    let bytes = serde_json::to_vec(&resource.to_stored(&object)).expect("JSON values serialize");
    let revision = server
        .store
        .create(&key, bytes)
        .await
        .map_err(|e| store_error(resource, &name, e))?;
    if crds::is_crd(resource) {
        crds::register(server, &object);
    }
    Ok((with_resource_version(object, revision), warnings))
}

/// The stored object without its resourceVersion (what admission compares against).
fn stored_form(stored: &Value) -> Value {
    let mut old = stored.clone();
    if let Some(meta) = old["metadata"].as_object_mut() {
        meta.remove("resourceVersion");
    }
    old
}

/// The update of `stored` that `body` asks for, admitted (main resource) — for PUT and patch.
pub(crate) fn admitted_update(
    server: &ApiServer,
    resource: &Resource,
    stored: &Value,
    body: Value,
    part: Part,
    options: &WriteOptions,
) -> Result<(Updated, Vec<String>), ApiError> {
    let mut updated =
        prepare_update(resource, stored, body, part).map_err(|e| meta_error(resource, e))?;
    if part == Part::Status {
        options.record(resource, Some(stored), &mut updated.object);
        return Ok((updated, Vec::new()));
    }
    let operation = Operation::Update {
        old: stored_form(stored),
    };
    let (mut object, warnings) =
        admit_object(server, resource, updated.object, operation, options)?;
    if crds::is_crd(resource) {
        object["status"] = stored["status"].clone();
        object = crds::prepare(server, object, &now()).map_err(|e| meta_error(resource, e))?;
    }
    settle_generation(resource, stored, &mut object);
    options.record(resource, Some(stored), &mut object);
    updated.object = object;
    Ok((updated, warnings))
}

/// PUT on an object, its `/status` or its `/scale`.
pub(crate) async fn update(server: &ApiServer, request: &Request) -> Result<Response, ApiError> {
    let body = decode_body(&request.headers, &request.body)?;
    let options = WriteOptions::parse(request)?;
    modify(server, request, &options, |_| Ok(body.clone())).await
}

/// The read-modify-write of PUT and PATCH on an object, its `/status` or its `/scale`:
/// `change` maps what the request addresses — the stored object, or its Scale for `/scale` — to
/// the requested one, which is then admitted and written. Answers 200 with the result (a Scale
/// for `/scale`).
pub(crate) async fn modify<F>(
    server: &ApiServer,
    request: &Request,
    options: &WriteOptions,
    mut change: F,
) -> Result<Response, ApiError>
where
    F: FnMut(&Value) -> Result<Value, ApiError>,
{
    let t = &request.target;
    let name = t.name.clone().unwrap_or_default();
    let resource = &t.resource;
    let part = match t.subresource.as_deref() {
        Some("status") => Part::Status,
        _ => Part::Main,
    };
    let scale = t.subresource.as_deref() == Some("scale");
    let (result, warnings) = write_loop(
        server,
        resource,
        t.namespace.as_deref(),
        &name,
        options.dry_run,
        |stored| {
            let object = if scale {
                apply_scale(stored, &change(&scale_of(stored))?)?
            } else {
                change(stored)?
            };
            admitted_update(server, resource, stored, object, part, options)
        },
    )
    .await?;
    let shown = if scale { scale_of(&result) } else { result };
    Ok(with_warnings(json_response(200, &shown), &warnings))
}

/// Read-modify-write with CAS: `change` maps the stored object to the update (and warnings); a
/// precondition mismatch is 409, a race without one is retried. Returns the object as served.
pub(crate) async fn write_loop<F>(
    server: &ApiServer,
    resource: &Resource,
    namespace: Option<&str>,
    name: &str,
    dry_run: bool,
    mut change: F,
) -> Result<(Value, Vec<String>), ApiError>
where
    F: FnMut(&Value) -> Result<(Updated, Vec<String>), ApiError>,
{
    for _ in 0..UPDATE_RETRY_ATTEMPTS {
        let (stored, kv) = fetch(server, resource, namespace, name).await?;
        let (updated, warnings) = change(&stored)?;
        if updated.precondition.is_some_and(|rv| rv != kv.mod_revision) {
            return Err(ApiError::conflict(&resource.plural, &resource.group, name));
        }
        if is_no_op(&stored, &updated.object) {
            return Ok((stored, warnings));
        }
        if dry_run {
            return Ok((
                with_resource_version(updated.object, kv.mod_revision),
                warnings,
            ));
        }
        let written = if updated.delete_now {
            server
                .store
                .delete(&kv.key, Some(kv.mod_revision))
                .await
                .map(|(revision, _)| revision)
        } else {
            let bytes = serde_json::to_vec(&resource.to_stored(&updated.object))
                .expect("JSON values serialize");
            server.store.update(&kv.key, kv.mod_revision, bytes).await
        };
        match written {
            Ok(revision) => {
                if crds::is_crd(resource) {
                    if updated.delete_now {
                        crds::unregister(server, &updated.object);
                    } else {
                        crds::register(server, &updated.object);
                    }
                }
                return Ok((with_resource_version(updated.object, revision), warnings));
            }
            Err(StoreError::Conflict { .. }) if updated.precondition.is_none() => continue,
            Err(StoreError::Conflict { .. }) => {
                return Err(ApiError::conflict(&resource.plural, &resource.group, name));
            }
            Err(e) => return Err(store_error(resource, name, e)),
        }
    }
    Err(ApiError::conflict(&resource.plural, &resource.group, name))
}

/// DELETE on an object (kube-api.md §7.8): finalizers mark it, otherwise it goes.
pub(crate) async fn delete(server: &ApiServer, request: &Request) -> Result<Response, ApiError> {
    let t = &request.target;
    let name = t.name.clone().unwrap_or_default();
    let options = DeleteOptions::parse(request)?;
    let object =
        delete_object(server, &t.resource, t.namespace.as_deref(), &name, &options).await?;
    Ok(json_response(200, &object))
}

/// A DELETE's options: the DeleteOptions body and `dryRun` (query or body).
#[derive(Clone, Debug, Default)]
pub(crate) struct DeleteOptions {
    /// The DeleteOptions body (`{}` when absent): preconditions, and `propagationPolicy` or
    /// `orphanDependents` (kube-api.md §7.9, [`crate::cascade::propagation`]).
    pub body: Value,
    /// `dryRun=All`: answer what would happen, change nothing.
    pub dry_run: bool,
}

impl DeleteOptions {
    /// Reads the body and `dryRun` of a DELETE (item or collection); an unknown propagation
    /// policy is refused here, before anything is selected.
    pub(crate) fn parse(request: &Request) -> Result<DeleteOptions, ApiError> {
        let body = if request.body.is_empty() {
            json!({})
        } else {
            decode_body(&request.headers, &request.body)?
        };
        cascade::propagation(&body)?;
        let dry_run = request.query.dry_run().map_err(bad_query)?
            || body["dryRun"]
                .as_array()
                .is_some_and(|d| d.iter().any(|v| v == "All"));
        Ok(DeleteOptions { body, dry_run })
    }
}

/// Deletes one object as a client DELETE does (preconditions, finalizers, propagation policy,
/// namespace termination); returns the object as served afterwards. Used by the GC and the
/// namespace controller too, so their deletes follow the same rules. Namespaces ignore the
/// policy: their controller deletes what they hold.
pub(crate) async fn delete_object(
    server: &ApiServer,
    resource: &Resource,
    namespace: Option<&str>,
    name: &str,
    options: &DeleteOptions,
) -> Result<Value, ApiError> {
    let policy = cascade::propagation(&options.body)?;
    let is_namespace = namespaces::is_namespace(resource);
    if is_namespace {
        namespaces::check_deletable(name)?;
    }
    for _ in 0..UPDATE_RETRY_ATTEMPTS {
        let (stored, kv) = fetch(server, resource, namespace, name).await?;
        check_preconditions(resource, name, &stored, &options.body)?;
        let deletion = if is_namespace {
            namespaces::prepare_delete(&stored, &now())
        } else {
            prepare_delete_with(&stored, &now(), policy)
        };
        let gone = deletion == Deletion::Now;
        let result = match deletion {
            Deletion::AlreadyMarked => return Ok(stored),
            _ if options.dry_run => return Ok(stored),
            Deletion::Now => server
                .store
                .delete(&kv.key, Some(kv.mod_revision))
                .await
                .map(|(revision, _)| with_resource_version(object_without_rv(&stored), revision)),
            Deletion::Mark(marked) => {
                let bytes = serde_json::to_vec(&resource.to_stored(&marked))
                    .expect("JSON values serialize");
                server
                    .store
                    .update(&kv.key, kv.mod_revision, bytes)
                    .await
                    .map(|revision| with_resource_version(marked, revision))
            }
        };
        match result {
            Ok(object) => {
                if crds::is_crd(resource) && gone {
                    crds::unregister(server, &object);
                }
                return Ok(object);
            }
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(store_error(resource, name, e)),
        }
    }
    Err(ApiError::conflict(&resource.plural, &resource.group, name))
}

fn object_without_rv(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(meta) = object["metadata"].as_object_mut() {
        meta.remove("resourceVersion");
    }
    object
}

fn check_preconditions(
    resource: &Resource,
    name: &str,
    stored: &Value,
    options: &Value,
) -> Result<(), ApiError> {
    let pre = &options["preconditions"];
    let uid_ok = pre["uid"]
        .as_str()
        .is_none_or(|uid| stored["metadata"]["uid"].as_str() == Some(uid));
    let rv_ok = pre["resourceVersion"]
        .as_str()
        .is_none_or(|rv| stored["metadata"]["resourceVersion"].as_str() == Some(rv));
    if uid_ok && rv_ok {
        Ok(())
    } else {
        Err(ApiError::conflict(&resource.plural, &resource.group, name))
    }
}

/// The autoscaling/v1 Scale of an object (kube-api.md §0.1 item 37).
pub(crate) fn scale_of(object: &Value) -> Value {
    let meta = &object["metadata"];
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"],
            "creationTimestamp": meta["creationTimestamp"],
        },
        "spec": {"replicas": object["spec"]["replicas"].as_i64().unwrap_or(1)},
        "status": {
            "replicas": object["status"]["replicas"].as_i64().unwrap_or(0),
            "selector": selector_text(object),
        },
    })
}

/// `matchLabels` of `spec.selector` as a label-selector string.
fn selector_text(object: &Value) -> String {
    object["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|labels| {
            labels
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// The object a Scale PUT asks for: the stored object with `spec.replicas` from the Scale, and
/// the Scale's resourceVersion as the precondition.
pub(crate) fn apply_scale(stored: &Value, scale: &Value) -> Result<Value, ApiError> {
    let replicas = scale["spec"]["replicas"]
        .as_i64()
        .ok_or_else(|| ApiError::bad_request("spec.replicas of the Scale must be an integer"))?;
    let mut object = stored.clone();
    object["spec"]["replicas"] = json!(replicas);
    match scale["metadata"]["resourceVersion"].as_str() {
        Some(rv) if !rv.is_empty() => object["metadata"]["resourceVersion"] = json!(rv),
        _ => {
            if let Some(meta) = object["metadata"].as_object_mut() {
                meta.remove("resourceVersion");
            }
        }
    }
    Ok(object)
}
