//! get (kube-api.md §7.1): objects from the store with their resourceVersion injected (and
//! converted when a resource shares another's storage), in the shape the client asked for; plus
//! the request parts every read shares — selectors and response-shape negotiation.
//!
//! Owns: reading one object. Must not: write, or read collections (`list`).

use axum::response::Response;
use flotilla_store::{KeyValue, StoreError};
use serde_json::Value;

use k8s_openapi::jiff::Timestamp;

use super::reply::typed_json_response;
use super::{ApiServer, Request, json_response};
use crate::objects::with_resource_version;
use crate::query::Query;
use crate::registry::{Resource, SharedStorage};
use crate::selectors::{COMMON_FIELDS, EVENT_FIELDS, FieldSelector, LabelSelector, field_value};
use crate::status::{ApiError, ResourceRef};
use crate::table::{self, IncludeObject};

/// The object stored under `kv`, as served.
pub(crate) fn object_of(kv: &KeyValue) -> Result<Value, ApiError> {
    let object: Value = serde_json::from_slice(&kv.value)
        .map_err(|e| ApiError::internal(format!("stored object {} is not JSON: {e}", kv.key)))?;
    Ok(with_resource_version(object, kv.mod_revision))
}

/// The object stored under `kv` as `resource` serves it (converted when it shares another
/// resource's storage).
pub(crate) fn served_object(resource: &Resource, kv: &KeyValue) -> Result<Value, ApiError> {
    Ok(resource.served(object_of(kv)?))
}

/// Maps a store error on `resource`/`name` to the API's error.
pub(crate) fn store_error(resource: &Resource, name: &str, error: StoreError) -> ApiError {
    ApiError::from_store(&error, &target_ref(resource, name))
}

/// A store error with no particular object (lists, watches, namespace checks).
pub(crate) fn plain_store_error(error: StoreError) -> ApiError {
    let target = ResourceRef {
        resource: "",
        group: "",
        kind: "",
        name: "",
    };
    ApiError::from_store(&error, &target)
}

/// The object an error is about.
pub(crate) fn target_ref<'a>(resource: &'a Resource, name: &'a str) -> ResourceRef<'a> {
    ResourceRef {
        resource: &resource.plural,
        group: &resource.group,
        kind: &resource.kind,
        name,
    }
}

/// The stored object a target names, or 404.
pub(crate) async fn fetch(
    server: &ApiServer,
    resource: &Resource,
    namespace: Option<&str>,
    name: &str,
) -> Result<(Value, KeyValue), ApiError> {
    let key = resource.key(namespace, name);
    let got = server
        .store
        .get(&key)
        .await
        .map_err(|e| store_error(resource, name, e))?;
    let kv = got
        .kv
        .ok_or_else(|| ApiError::not_found(&resource.plural, &resource.group, name))?;
    Ok((served_object(resource, &kv)?, kv))
}

/// GET on an object (its `/status` returns the whole object, kube-api.md §5.3).
pub(crate) async fn get(server: &ApiServer, request: &Request) -> Result<Response, ApiError> {
    let t = &request.target;
    let name = t.name.as_deref().unwrap_or("");
    let (object, _) = fetch(server, &t.resource, t.namespace.as_deref(), name).await?;
    if t.subresource.as_deref() == Some("scale") {
        return Ok(json_response(200, &super::write::scale_of(&object)));
    }
    if let Some(include) = table_request(request)? {
        let table = table::object_table(&t.resource, &object, Timestamp::now(), include);
        return Ok(typed_json_response(200, table::TABLE_CONTENT_TYPE, &table));
    }
    if partial_metadata_request(request) {
        let partial = table::partial_object_metadata(&object);
        let content_type = table::PARTIAL_METADATA_CONTENT_TYPE;
        return Ok(typed_json_response(200, content_type, &partial));
    }
    Ok(json_response(200, &object))
}

/// Whether the client asked for PartialObjectMetadata(List) (kube-api.md §11).
pub(crate) fn partial_metadata_request(request: &Request) -> bool {
    let accept = request.headers.get("accept").and_then(|v| v.to_str().ok());
    accept.is_some_and(table::wants_partial_metadata)
}

/// Whether the client asked for a Table (kube-api.md §10), and which row objects.
pub(crate) fn table_request(request: &Request) -> Result<Option<IncludeObject>, ApiError> {
    let accept = request
        .headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !table::wants_table(accept) {
        return Ok(None);
    }
    IncludeObject::from_query(request.query.get("includeObject"))
        .map(Some)
        .map_err(ApiError::bad_request)
}

/// The selectors of a list or watch.
pub(crate) struct Selectors {
    labels: Option<LabelSelector>,
    fields: Option<FieldSelector>,
    /// Field selectors name the stored form's fields (core/v1 Event fields for events.k8s.io).
    shared_storage: Option<SharedStorage>,
}

impl Selectors {
    /// Parses `labelSelector` and `fieldSelector` (400 on errors).
    pub(crate) fn parse(resource: &Resource, query: &Query) -> Result<Selectors, ApiError> {
        let labels = query
            .get("labelSelector")
            .map(LabelSelector::parse)
            .transpose()
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let allowed = if resource.kind == "Event" {
            EVENT_FIELDS
        } else {
            COMMON_FIELDS
        };
        let fields = query
            .get("fieldSelector")
            .map(|f| FieldSelector::parse(f, allowed))
            .transpose()
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        Ok(Selectors {
            labels,
            fields,
            shared_storage: resource.shared_storage,
        })
    }

    /// Whether an object matches both selectors.
    pub(crate) fn matches(&self, object: &Value) -> bool {
        let labels_ok = self.labels.as_ref().is_none_or(|selector| {
            let labels = object["metadata"]["labels"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                        .collect()
                })
                .unwrap_or_default();
            selector.matches(&labels)
        });
        labels_ok
            && self
                .fields
                .as_ref()
                .is_none_or(|selector| match self.shared_storage {
                    Some(SharedStorage::CoreEvents) => {
                        let stored = crate::events::to_core(object);
                        selector.matches(|f| field_value(&stored, f))
                    }
                    None => selector.matches(|f| field_value(object, f)),
                })
    }
}
