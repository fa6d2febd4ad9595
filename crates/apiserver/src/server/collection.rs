//! deletecollection (kube-api.md §7.10): DELETE on a collection path lists the objects matching
//! `labelSelector` and `fieldSelector` at one revision and deletes each as a DELETE of the item
//! would (DeleteOptions body, preconditions, finalizers, `dryRun=All`), answering with a
//! `<Kind>List` of the objects as each delete left them.
//!
//! Owns: selecting the objects of a deletecollection. Must not: delete other than through
//! `write::delete_object`.

use axum::response::Response;
use flotilla_store::{ListOptions, ReadAt};
use serde_json::{Value, json};

use super::read::{Selectors, plain_store_error, served_object};
use super::write::{DeleteOptions, delete_object};
use super::{ApiServer, Request, json_response};
use crate::registry::Resource;
use crate::status::ApiError;

/// Objects fetched from the store per page while selecting.
const LIST_PAGE_OBJECTS: usize = 500;

/// DELETE on a collection.
pub(crate) async fn delete_collection(
    server: &ApiServer,
    request: &Request,
) -> Result<Response, ApiError> {
    let t = &request.target;
    let resource = &t.resource;
    let selectors = Selectors::parse(resource, &request.query)?;
    let options = DeleteOptions::parse(request)?;
    let (matches, revision) = select(server, resource, t.namespace.as_deref(), &selectors).await?;
    let mut items = Vec::with_capacity(matches.len());
    for object in matches {
        let meta = &object["metadata"];
        let namespace = meta["namespace"].as_str().filter(|_| resource.namespaced);
        let name = meta["name"].as_str().unwrap_or("");
        match delete_object(server, resource, namespace, name, &options).await {
            Ok(deleted) => items.push(deleted),
            // Deleted meanwhile by someone else: not ours to report.
            Err(e) if e.code == 404 => {}
            Err(e) => return Err(e),
        }
    }
    Ok(json_response(
        200,
        &json!({
            "kind": resource.list_kind,
            "apiVersion": resource.api_version(),
            "metadata": {"resourceVersion": revision.to_string()},
            "items": items,
        }),
    ))
}

/// The objects of the collection that match, read at one revision, and that revision.
async fn select(
    server: &ApiServer,
    resource: &Resource,
    namespace: Option<&str>,
    selectors: &Selectors,
) -> Result<(Vec<Value>, u64), ApiError> {
    let prefix = resource.key_prefix(namespace);
    let mut at = ReadAt::Latest;
    let mut start_after = None;
    let mut matches = Vec::new();
    loop {
        let options = ListOptions {
            at,
            start_after: start_after.take(),
            limit: Some(LIST_PAGE_OBJECTS),
            count: false,
        };
        let page = server
            .store
            .list(&prefix, options)
            .await
            .map_err(plain_store_error)?;
        at = ReadAt::Revision(page.revision);
        for kv in &page.items {
            let object = served_object(resource, kv)?;
            if selectors.matches(&object) {
                matches.push(object);
            }
        }
        if !page.more {
            return Ok((matches, page.revision));
        }
        start_after = page.items.last().map(|kv| kv.key.clone());
    }
}
