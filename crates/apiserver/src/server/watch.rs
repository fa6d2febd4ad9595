//! watch (kube-api.md §7.3): a chunked stream of one JSON event per line. RV unset or `0` (or
//! `sendInitialEvents=true`) starts with ADDED events for the current state; RV=N streams commits
//! after N; selector transitions become ADDED/DELETED; store progress becomes BOOKMARKs when asked
//! for; a compacted start is an HTTP 200 with one ERROR 410 event; `timeoutSeconds` ends the
//! stream cleanly.
//!
//! Owns: watch streams. Must not: write.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use flotilla_store::{Event, EventKind, ListOptions, ReadAt, StoreError, Watch, WatchMessage};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::read::{Selectors, plain_store_error, served_object};
use super::{ApiServer, Request, bad_query};
use crate::objects::with_resource_version;
use crate::registry::Resource;
use crate::status::ApiError;
use crate::table::{IncludeObject, Printer};
use k8s_openapi::jiff::Timestamp;

/// Default watch length when the client sets no `timeoutSeconds` (upstream: 30–60 min).
const DEFAULT_WATCH_TIMEOUT_S: u64 = 1_800;
/// Minimum time between two progress bookmarks.
const BOOKMARK_INTERVAL_S: u64 = 10;
/// Objects per store page while sending initial events.
const INITIAL_PAGE_OBJECTS: usize = 500;

/// What a watch request asked for.
struct Params {
    start: Start,
    bookmarks: bool,
    initial_events_end: bool,
    timeout: Duration,
}

enum Start {
    /// Initial ADDED events for the current state, then changes.
    Snapshot,
    /// Changes after this revision.
    After(u64),
}

fn params(request: &Request) -> Result<Params, ApiError> {
    let q = &request.query;
    let bookmarks = q.flag("allowWatchBookmarks").map_err(bad_query)?;
    let send_initial = q.flag("sendInitialEvents").map_err(bad_query)?;
    if send_initial && (!bookmarks || q.get("resourceVersionMatch") != Some("NotOlderThan")) {
        return Err(ApiError::bad_request(
            "sendInitialEvents requires allowWatchBookmarks=true and resourceVersionMatch=NotOlderThan",
        ));
    }
    let rv = q.get("resourceVersion").filter(|v| *v != "0");
    let start = match rv {
        None => Start::Snapshot,
        Some(_) if send_initial => Start::Snapshot,
        Some(v) => Start::After(
            v.parse()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version: {v:?}")))?,
        ),
    };
    let timeout_s = q
        .number("timeoutSeconds")
        .map_err(bad_query)?
        .unwrap_or(DEFAULT_WATCH_TIMEOUT_S);
    Ok(Params {
        start,
        bookmarks,
        initial_events_end: send_initial,
        timeout: Duration::from_secs(timeout_s),
    })
}

/// GET on a collection with `watch=true`.
pub(crate) async fn watch(server: &ApiServer, request: &Request) -> Result<Response, ApiError> {
    let t = &request.target;
    let resource = (*t.resource).clone();
    let selectors = Selectors::parse(&resource, &request.query)?;
    let params = params(request)?;
    let prefix = resource.key_prefix(t.namespace.as_deref());
    let mut lines: Vec<Value> = Vec::new();
    let after = match params.start {
        Start::After(n) => n,
        Start::Snapshot => {
            let revision =
                initial_events(server, &resource, &prefix, &selectors, &mut lines).await?;
            if params.initial_events_end {
                lines.push(bookmark(&resource, revision, true));
            }
            revision
        }
    };
    let stream = match server.store.watch(&prefix, after).await {
        Ok(watch) => Some(watch),
        Err(StoreError::Compacted { compacted, .. }) => {
            lines.push(expired(after, compacted));
            None
        }
        Err(e) => return Err(plain_store_error(e)),
    };
    let shape = match super::read::table_request(request)? {
        Some(include) => Shape::Table(Box::new(Printer::new(&resource)), include),
        None if super::read::partial_metadata_request(request) => Shape::Metadata,
        None => Shape::Full,
    };
    lines = lines.into_iter().map(|line| shape.event(line)).collect();
    let state = Stream {
        shape,
        resource,
        selectors,
        pending: lines.into_iter().map(|v| line(&v)).collect(),
        watch: stream,
        deadline: Instant::now() + params.timeout,
        bookmarks: params.bookmarks,
        last_bookmark: Instant::now(),
        sent: after,
    };
    let body = Body::from_stream(futures_util::stream::unfold(state, Stream::next_chunk));
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// ADDED events for every matching object now; returns the snapshot revision.
async fn initial_events(
    server: &ApiServer,
    resource: &Resource,
    prefix: &str,
    selectors: &Selectors,
    lines: &mut Vec<Value>,
) -> Result<u64, ApiError> {
    let mut options = ListOptions {
        limit: Some(INITIAL_PAGE_OBJECTS),
        ..Default::default()
    };
    loop {
        let page = server
            .store
            .list(prefix, options.clone())
            .await
            .map_err(plain_store_error)?;
        for kv in &page.items {
            let object = served_object(resource, kv)?;
            if selectors.matches(&object) {
                lines.push(json!({"type": "ADDED", "object": object}));
            }
        }
        if !page.more {
            return Ok(page.revision);
        }
        options.at = ReadAt::Revision(page.revision);
        options.start_after = page.items.last().map(|kv| kv.key.clone());
    }
}

fn line(value: &Value) -> Bytes {
    let mut bytes = serde_json::to_vec(value).expect("JSON values serialize");
    bytes.push(b'\n');
    Bytes::from(bytes)
}

fn bookmark(resource: &Resource, revision: u64, initial_events_end: bool) -> Value {
    let mut metadata = json!({"resourceVersion": revision.to_string()});
    if initial_events_end {
        metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    json!({"type": "BOOKMARK", "object": {
        "kind": resource.kind, "apiVersion": resource.api_version(), "metadata": metadata}})
}

fn expired(requested: u64, oldest: u64) -> Value {
    let error = ApiError::too_old_resource_version(requested, oldest);
    json!({"type": "ERROR", "object": error.to_status_json()})
}

/// How a watch's objects are sent.
enum Shape {
    /// Whole objects.
    Full,
    /// One-row Tables (`kubectl get -w`).
    Table(Box<Printer>, IncludeObject),
    /// PartialObjectMetadata (kube-rs metadata watchers, kube-api.md §11).
    Metadata,
}

impl Shape {
    /// The event with its object in this shape; bookmarks and errors stay as they are.
    fn event(&self, mut event: Value) -> Value {
        let kind = event["type"].as_str().unwrap_or("");
        if !matches!(kind, "ADDED" | "MODIFIED" | "DELETED") {
            return event;
        }
        match self {
            Shape::Full => {}
            Shape::Table(printer, include) => {
                event["object"] =
                    printer.object_table(&event["object"], Timestamp::now(), *include);
            }
            Shape::Metadata => {
                event["object"] = crate::table::partial_object_metadata(&event["object"]);
            }
        }
        event
    }
}

/// A running watch response.
struct Stream {
    /// How objects are sent.
    shape: Shape,
    resource: Resource,
    selectors: Selectors,
    pending: std::collections::VecDeque<Bytes>,
    watch: Option<Watch>,
    deadline: Instant,
    bookmarks: bool,
    last_bookmark: Instant,
    sent: u64,
}

impl Stream {
    /// The next chunk, or `None` to end the response.
    async fn next_chunk(mut self) -> Option<(Result<Bytes, std::io::Error>, Stream)> {
        loop {
            if let Some(chunk) = self.pending.pop_front() {
                return Some((Ok(chunk), self));
            }
            let watch = self.watch.as_mut()?;
            let message = tokio::time::timeout_at(self.deadline, watch.next()).await;
            match message {
                Err(_) | Ok(None) => return None,
                Ok(Some(Ok(WatchMessage::Events(events)))) => {
                    for event in events {
                        self.sent = event.revision();
                        if let Some(value) = self.translate(&event) {
                            self.pending.push_back(line(&self.shape.event(value)));
                        }
                    }
                }
                Ok(Some(Ok(WatchMessage::Progress(revision)))) => {
                    let due =
                        self.last_bookmark.elapsed() >= Duration::from_secs(BOOKMARK_INTERVAL_S);
                    if self.bookmarks && due && revision >= self.sent {
                        self.last_bookmark = Instant::now();
                        self.sent = revision;
                        self.pending
                            .push_back(line(&bookmark(&self.resource, revision, false)));
                    }
                }
                Ok(Some(Err(StoreError::Compacted { compacted, .. }))) => {
                    self.watch = None;
                    self.pending.push_back(line(&expired(self.sent, compacted)));
                }
                Ok(Some(Err(e))) => {
                    self.watch = None;
                    let error = ApiError::internal(e.to_string());
                    self.pending.push_back(line(
                        &json!({"type": "ERROR", "object": error.to_status_json()}),
                    ));
                }
            }
        }
    }

    /// The watch event of a store event, after selector transitions (kube-api.md §7.3 item 5).
    fn translate(&self, event: &Event) -> Option<Value> {
        let parse = |kv: &flotilla_store::KeyValue| served_object(&self.resource, kv).ok();
        let prev = event.prev_kv.as_ref().and_then(parse);
        let was = prev.as_ref().is_some_and(|p| self.selectors.matches(p));
        match event.kind {
            EventKind::Delete => {
                let prev = prev?;
                was.then(|| {
                    json!({"type": "DELETED", "object": with_resource_version(prev, event.revision())})
                })
            }
            EventKind::Put => {
                let object = parse(&event.kv)?;
                let is = self.selectors.matches(&object);
                let kind = match (was, is) {
                    (false, true) => "ADDED",
                    (true, true) => "MODIFIED",
                    (true, false) => "DELETED",
                    (false, false) => return None,
                };
                Some(json!({"type": kind, "object": object}))
            }
        }
    }
}
