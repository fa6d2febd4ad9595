//! get and list (kube-api.md §7.1, §7.2): objects from the store with their resourceVersion
//! injected; lists in key order with label and field selectors, `limit` and `continue` pages at
//! the first page's revision, and the resourceVersion semantics of the MUST subset.
//!
//! Owns: reading. Must not: write.

use std::time::Duration;

use axum::response::Response;
use flotilla_store::{KeyValue, ListOptions, ReadAt, StoreError};
use serde_json::{Value, json};

use k8s_openapi::jiff::Timestamp;

use super::reply::typed_json_response;
use super::{ApiServer, Request, bad_query, json_response};
use crate::objects::with_resource_version;
use crate::query::{Continue, Query};
use crate::registry::{Resource, SharedStorage};
use crate::selectors::{COMMON_FIELDS, EVENT_FIELDS, FieldSelector, LabelSelector, field_value};
use crate::status::{ApiError, ResourceRef};
use crate::table::{self, IncludeObject, TableListMeta};

/// Objects fetched from the store per round while filtering a list page.
const LIST_FETCH_OBJECTS: usize = 500;
/// How long a read waits for a resourceVersion newer than the store's (kube-api.md §7.2).
const FUTURE_RV_WAIT_MS: u64 = 3_000;

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

/// Where a list reads: the snapshot, and the key to continue after.
fn list_start(server_current: u64, query: &Query) -> Result<(ReadAt, Option<String>), ApiError> {
    let rv = query.get("resourceVersion");
    let rv_match = query.get("resourceVersionMatch");
    if let Some(token) = query.get("continue") {
        if rv.is_some_and(|v| v != "0") {
            return Err(ApiError::bad_request(
                "specifying resource version is not allowed when using continue",
            ));
        }
        let token = Continue::decode(token).map_err(bad_query)?;
        return Ok((ReadAt::Revision(token.revision), Some(token.last_key)));
    }
    if rv_match.is_some() && rv.is_none() {
        return Err(ApiError::bad_request(
            "resourceVersionMatch is forbidden unless resourceVersion is provided",
        ));
    }
    let Some(rv) = rv.filter(|v| *v != "0") else {
        return Ok((ReadAt::Latest, None));
    };
    let n: u64 = rv
        .parse()
        .map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv:?}")))?;
    let exact = rv_match == Some("Exact")
        || (rv_match.is_none() && query.get("limit").is_some_and(|l| l != "0"));
    if exact || n > server_current {
        return Ok((ReadAt::Revision(n), None));
    }
    Ok((ReadAt::Latest, None))
}

/// Waits briefly for the store to reach a revision newer than the current one; 504 otherwise.
async fn wait_for_revision(server: &ApiServer, wanted: u64) -> Result<(), ApiError> {
    let deadline = tokio::time::Instant::now() + Duration::from_millis(FUTURE_RV_WAIT_MS);
    loop {
        let current = server
            .store
            .current_revision()
            .await
            .map_err(plain_store_error)?;
        if current >= wanted {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(ApiError::too_large_resource_version(wanted, current));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// GET on a collection.
pub(crate) async fn list(server: &ApiServer, request: &Request) -> Result<Response, ApiError> {
    let t = &request.target;
    let resource = &t.resource;
    let selectors = Selectors::parse(resource, &request.query)?;
    let limit = request
        .query
        .number("limit")
        .map_err(bad_query)?
        .unwrap_or(0) as usize;
    let current = server
        .store
        .current_revision()
        .await
        .map_err(plain_store_error)?;
    let (mut at, mut start_after) = list_start(current, &request.query)?;
    if let ReadAt::Revision(n) = at
        && n > current
    {
        wait_for_revision(server, n).await?;
        at = ReadAt::Latest;
    }
    let prefix = resource.key_prefix(t.namespace.as_deref());
    let continuing = request.query.get("continue").is_some();
    let mut items = Vec::new();
    let mut revision = None;
    let mut next = None;
    loop {
        let page = server
            .store
            .list(
                &prefix,
                ListOptions {
                    at,
                    start_after: start_after.clone(),
                    limit: Some(LIST_FETCH_OBJECTS.max(limit)),
                    count: false,
                },
            )
            .await
            .map_err(|e| match e {
                StoreError::Compacted { .. } if continuing => ApiError::expired_continue(),
                other => plain_store_error(other),
            })?;
        at = ReadAt::Revision(page.revision);
        revision.get_or_insert(page.revision);
        let mut last = None;
        for kv in &page.items {
            last = Some(kv.key.clone());
            let object = served_object(resource, kv)?;
            if selectors.matches(&object) {
                items.push(object);
                if limit > 0 && items.len() == limit {
                    break;
                }
            }
        }
        let full = limit > 0 && items.len() == limit;
        let more_in_store = page.more || last.as_ref() != page.items.last().map(|kv| &kv.key);
        if full {
            if more_in_store {
                next = last.map(|last_key| Continue {
                    revision: page.revision,
                    last_key,
                });
            }
            break;
        }
        if !page.more {
            break;
        }
        start_after = last;
    }
    let revision = revision.unwrap_or(current);
    if let Some(include) = table_request(request)? {
        let meta = TableListMeta {
            resource_version: revision.to_string(),
            continue_token: next.map(|n| n.encode()),
            remaining_item_count: None,
        };
        let table = table::list_table(resource, &items, &meta, Timestamp::now(), include);
        return Ok(typed_json_response(200, table::TABLE_CONTENT_TYPE, &table));
    }
    let mut metadata = json!({"resourceVersion": revision.to_string()});
    if let Some(next) = next {
        metadata["continue"] = json!(next.encode());
    }
    if partial_metadata_request(request) {
        let list = table::partial_object_metadata_list(&items, metadata);
        let content_type = table::PARTIAL_METADATA_LIST_CONTENT_TYPE;
        return Ok(typed_json_response(200, content_type, &list));
    }
    Ok(json_response(
        200,
        &json!({
            "kind": resource.list_kind,
            "apiVersion": resource.api_version(),
            "metadata": metadata,
            "items": items,
        }),
    ))
}
