//! The garbage collector's loop (kube-api.md §7.9, background cascade): one store watch over
//! every key, after one paginated list, feeds [`crate::gc::GcIndex`]; objects whose every owner
//! uid is gone are deleted through the client delete path (preconditions on uid and
//! resourceVersion, finalizers honoured). At start, after a compacted or ended watch, the index
//! is rebuilt from a fresh list and every orphan found then is collected, so owners deleted while
//! the collector was not running are caught up with.
//!
//! Owns: feeding the index and issuing the deletes. Must not: decide what is an orphan (`gc`),
//! or delete other than through `write::delete_object`.

use std::sync::Arc;
use std::time::Duration;

use flotilla_store::{Event, EventKind, ListOptions, ReadAt, StoreError, WatchMessage};
use serde_json::json;

use super::ApiServer;
use super::write::{DeleteOptions, delete_object};
use crate::gc::{GcIndex, ObjectMeta, locate};

/// Pause before relisting after a store or delete error.
const RELIST_BACKOFF_MS: u64 = 1_000;
/// Objects per page of the (re)list that builds the index.
const LIST_PAGE_OBJECTS: usize = 500;
/// The prefix watched and listed: every key.
const ALL_KEYS: &str = "/";

/// Why a session ended.
enum Restart {
    /// History was compacted past the index: relist at once.
    Now,
    /// A store or delete error, or the watch ended: relist after a pause.
    AfterBackoff,
}

impl From<StoreError> for Restart {
    fn from(error: StoreError) -> Restart {
        match error {
            StoreError::Compacted { .. } => Restart::Now,
            _ => Restart::AfterBackoff,
        }
    }
}

/// The collector: runs until the task is aborted.
pub(crate) async fn run(server: Arc<ApiServer>) {
    loop {
        if let Restart::AfterBackoff = session(&server).await {
            tokio::time::sleep(Duration::from_millis(RELIST_BACKOFF_MS)).await;
        }
    }
}

/// List, collect the orphans found, then follow the watch until it fails.
async fn session(server: &ApiServer) -> Restart {
    let mut index = match build_index(server).await {
        Ok(index) => index,
        Err(e) => return e.into(),
    };
    if collect_all(server, &index, index.orphans()).await.is_err() {
        return Restart::AfterBackoff;
    }
    let mut watch = match server.store.watch(ALL_KEYS, index.revision()).await {
        Ok(watch) => watch,
        Err(e) => return e.into(),
    };
    while let Some(message) = watch.next().await {
        match message {
            Ok(WatchMessage::Progress(revision)) => index.advance(revision),
            Ok(WatchMessage::Events(events)) => {
                let mut candidates = Vec::new();
                for event in &events {
                    candidates.extend(apply(&mut index, event));
                }
                if collect_all(server, &index, candidates).await.is_err() {
                    return Restart::AfterBackoff;
                }
            }
            Err(e) => return e.into(),
        }
    }
    Restart::AfterBackoff
}

/// The index of every stored object, from a paginated list at one revision.
async fn build_index(server: &ApiServer) -> Result<GcIndex, StoreError> {
    let mut index = GcIndex::new();
    let mut at = ReadAt::Latest;
    let mut start_after = None;
    loop {
        let options = ListOptions {
            at,
            start_after: start_after.take(),
            limit: Some(LIST_PAGE_OBJECTS),
            count: false,
        };
        let page = server.store.list(ALL_KEYS, options).await?;
        at = ReadAt::Revision(page.revision);
        index.advance(page.revision);
        for kv in &page.items {
            if let Some(meta) = ObjectMeta::parse(&kv.value) {
                index.put(&kv.key, with_version(meta, kv.mod_revision));
            }
        }
        if !page.more {
            return Ok(index);
        }
        start_after = page.items.last().map(|kv| kv.key.clone());
    }
}

fn with_version(mut meta: ObjectMeta, revision: u64) -> ObjectMeta {
    meta.resource_version = revision;
    meta
}

/// Applies one commit; returns the keys that may have become collectable.
fn apply(index: &mut GcIndex, event: &Event) -> Vec<String> {
    let candidates = match (event.kind, ObjectMeta::parse(&event.kv.value)) {
        (EventKind::Put, Some(meta)) => {
            index.put(&event.kv.key, with_version(meta, event.kv.mod_revision))
        }
        _ => index.remove(&event.kv.key),
    };
    index.advance(event.revision());
    candidates
}

/// Deletes the keys still collectable; `Err` on an error other than "gone" or "changed" (both
/// are followed by a watch event that re-examines the object) or "forbidden" (a protected
/// namespace stays).
async fn collect_all(server: &ApiServer, index: &GcIndex, keys: Vec<String>) -> Result<(), ()> {
    for key in keys {
        if !index.is_collectable(&key) {
            continue;
        }
        let (Some(meta), Some((resource, namespace, name))) =
            (index.get(&key), locate(&server.registry, &key))
        else {
            continue;
        };
        let options = DeleteOptions {
            body: json!({
                "propagationPolicy": "Background",
                "preconditions": {
                    "uid": meta.uid,
                    "resourceVersion": meta.resource_version.to_string(),
                },
            }),
            dry_run: false,
        };
        match delete_object(server, &resource, namespace.as_deref(), &name, &options).await {
            Ok(_) => {}
            Err(e) if matches!(e.code, 403 | 404 | 409) => {}
            Err(_) => return Err(()),
        }
    }
    Ok(())
}
