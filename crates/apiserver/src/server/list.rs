//! list (kube-api.md §7.2): objects in key order with label and field selectors, `limit` and
//! `continue` pages at the first page's revision, the resourceVersion semantics of the MUST
//! subset, and the three shapes of a list response — whole objects, a Table, PartialObjectMetadata.
//!
//! Each matching object is turned into its response shape as soon as it is read: whole objects
//! are serialized at once, so a list of 100,000 objects costs about its JSON size in memory, not
//! 100,000 `Value` trees (the API-server benchmark measured ~700 MiB for a 50 MiB list before).
//!
//! Owns: reading collections. Must not: write.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use flotilla_store::{ListOptions, ReadAt, StoreError};
use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};

use super::read::{
    Selectors, partial_metadata_request, plain_store_error, served_object, table_request,
};
use super::reply::typed_json_response;
use super::{ApiServer, Request, bad_query};
use crate::query::{Continue, Query};
use crate::registry::Resource;
use crate::status::ApiError;
use crate::table::{self, IncludeObject, Printer, TableListMeta};

/// Objects fetched from the store per round while filtering a list page.
const LIST_FETCH_OBJECTS: usize = 500;
/// How long a read waits for a resourceVersion newer than the store's (kube-api.md §7.2).
const FUTURE_RV_WAIT_MS: u64 = 3_000;

/// A list's items, gathered in the shape of its response.
enum Gathered {
    /// Whole objects, serialized and comma-separated.
    Objects { json: Vec<u8>, count: usize },
    /// Table rows (`kubectl get`).
    Rows {
        printer: Box<Printer>,
        include: IncludeObject,
        rows: Vec<Value>,
    },
    /// PartialObjectMetadata items.
    Metadata(Vec<Value>),
}

impl Gathered {
    fn for_request(request: &Request, resource: &Resource) -> Result<Gathered, ApiError> {
        Ok(match table_request(request)? {
            Some(include) => Gathered::Rows {
                printer: Box::new(Printer::new(resource)),
                include,
                rows: Vec::new(),
            },
            None if partial_metadata_request(request) => Gathered::Metadata(Vec::new()),
            None => Gathered::Objects {
                json: Vec::new(),
                count: 0,
            },
        })
    }

    fn len(&self) -> usize {
        match self {
            Gathered::Objects { count, .. } => *count,
            Gathered::Rows { rows, .. } => rows.len(),
            Gathered::Metadata(items) => items.len(),
        }
    }

    fn push(&mut self, object: &Value, now: Timestamp) {
        match self {
            Gathered::Objects { json, count } => {
                if *count > 0 {
                    json.push(b',');
                }
                serde_json::to_writer(&mut *json, object).expect("JSON values serialize");
                *count += 1;
            }
            Gathered::Rows {
                printer,
                include,
                rows,
            } => rows.push(printer.row(object, now, *include)),
            Gathered::Metadata(items) => items.push(table::partial_object_metadata(object)),
        }
    }

    /// The response: the list envelope around the items, with the list's metadata.
    fn respond(self, resource: &Resource, meta: TableListMeta) -> Response {
        let mut metadata = json!({"resourceVersion": meta.resource_version});
        if let Some(token) = &meta.continue_token {
            metadata["continue"] = json!(token);
        }
        match self {
            Gathered::Rows { printer, rows, .. } => {
                let table = printer.rows_table(rows, &meta);
                typed_json_response(200, table::TABLE_CONTENT_TYPE, &table)
            }
            Gathered::Metadata(items) => {
                let list = table::partial_object_metadata_list_of(items, metadata);
                typed_json_response(200, table::PARTIAL_METADATA_LIST_CONTENT_TYPE, &list)
            }
            Gathered::Objects { json, .. } => {
                let head = json!({"kind": resource.list_kind,
                    "apiVersion": resource.api_version(), "metadata": metadata});
                let mut body = serde_json::to_vec(&head).expect("JSON values serialize");
                body.pop(); // the closing brace
                body.reserve(json.len() + 12);
                body.extend_from_slice(b",\"items\":[");
                body.extend_from_slice(&json);
                body.extend_from_slice(b"]}");
                let mut response = Response::new(Body::from(body));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
        }
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
    let (mut at, start_after) = list_start(current, &request.query)?;
    if let ReadAt::Revision(n) = at
        && n > current
    {
        wait_for_revision(server, n).await?;
        at = ReadAt::Latest;
    }
    let mut gathered = Gathered::for_request(request, resource)?;
    let page = Page {
        prefix: resource.key_prefix(t.namespace.as_deref()),
        at,
        start_after,
        limit,
        continuing: request.query.get("continue").is_some(),
    };
    let (revision, next) = gather(server, resource, &selectors, page, &mut gathered).await?;
    let meta = TableListMeta {
        resource_version: revision.unwrap_or(current).to_string(),
        continue_token: next.map(|n| n.encode()),
        remaining_item_count: None,
    };
    Ok(gathered.respond(resource, meta))
}

/// Where a list reads.
struct Page {
    prefix: String,
    at: ReadAt,
    start_after: Option<String>,
    limit: usize,
    continuing: bool,
}

/// Reads the store page by page into `gathered` until `limit` matches (0: all); returns the
/// snapshot revision and the continue token of the next page, if there is one.
async fn gather(
    server: &ApiServer,
    resource: &Resource,
    selectors: &Selectors,
    mut page: Page,
    gathered: &mut Gathered,
) -> Result<(Option<u64>, Option<Continue>), ApiError> {
    let now = Timestamp::now();
    let mut revision = None;
    loop {
        let options = ListOptions {
            at: page.at,
            start_after: page.start_after.clone(),
            limit: Some(LIST_FETCH_OBJECTS.max(page.limit)),
            count: false,
        };
        let read = server
            .store
            .list(&page.prefix, options)
            .await
            .map_err(|e| match e {
                StoreError::Compacted { .. } if page.continuing => ApiError::expired_continue(),
                other => plain_store_error(other),
            })?;
        page.at = ReadAt::Revision(read.revision);
        revision.get_or_insert(read.revision);
        let mut last = None;
        for kv in &read.items {
            last = Some(kv.key.clone());
            let object = served_object(resource, kv)?;
            if selectors.matches(&object) {
                gathered.push(&object, now);
                if page.limit > 0 && gathered.len() == page.limit {
                    break;
                }
            }
        }
        let full = page.limit > 0 && gathered.len() == page.limit;
        let more_in_store = read.more || last.as_ref() != read.items.last().map(|kv| &kv.key);
        if full {
            let next = last.filter(|_| more_in_store).map(|last_key| Continue {
                revision: read.revision,
                last_key,
            });
            return Ok((revision, next));
        }
        if !read.more {
            return Ok((revision, None));
        }
        page.start_after = last;
    }
}
