//! The garbage collector's loop (kube-api.md §7.9): one store watch over every key, after one
//! paginated list, feeds [`crate::gc::GcIndex`]; objects whose every owner uid is gone are
//! deleted through the client delete path (preconditions on uid and resourceVersion, finalizers
//! honoured). Owners being deleted with the `orphan` or `foregroundDeletion` finalizer get the
//! writes [`crate::cascade::plan`] decides — on every event about them or about an object that
//! references them, so a dependent that goes lets its Foreground owner finish. At start, after a
//! compacted or ended watch, the index is rebuilt from a fresh list and every orphan and every
//! cascading owner found then is dealt with, so what happened while the collector was not
//! running is caught up with.
//!
//! Owns: feeding the index and carrying the writes out. Must not: decide what is an orphan
//! (`gc`) or what a cascade does next (`cascade`), or delete other than through
//! `write::delete_object`.

use std::sync::Arc;
use std::time::Duration;

use flotilla_store::{Event, EventKind, ListOptions, ReadAt, StoreError, WatchMessage};
use serde_json::{Value, json};

use super::ApiServer;
use super::write::{DeleteOptions, delete_object, meta_error, write_loop};
use crate::cascade::{Action, affected_owners, cascading, plan, unlinked, without_finalizer};
use crate::gc::{GcIndex, ObjectMeta, locate};
use crate::objects::{Part, prepare_update};
use crate::registry::Resource;
use crate::status::ApiError;

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

/// List, deal with the orphans and cascading owners found, then follow the watch until it
/// fails.
async fn session(server: &ApiServer) -> Restart {
    let mut index = match build_index(server).await {
        Ok(index) => index,
        Err(e) => return e.into(),
    };
    let (orphans, owners) = (index.orphans(), cascading(&index));
    if sweep(server, &index, orphans, owners).await.is_err() {
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
                let (mut orphans, mut owners) = (Vec::new(), Vec::new());
                for event in &events {
                    let (collectable, affected) = apply(&mut index, event);
                    orphans.extend(collectable);
                    owners.extend(affected);
                }
                if sweep(server, &index, orphans, owners).await.is_err() {
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

/// Applies one commit; returns the keys that may have become collectable and the cascading
/// owners the commit may concern.
fn apply(index: &mut GcIndex, event: &Event) -> (Vec<String>, Vec<String>) {
    let key = &event.kv.key;
    let owners_before = index.get(key).map(|m| m.owners.clone()).unwrap_or_default();
    let candidates = match (event.kind, ObjectMeta::parse(&event.kv.value)) {
        (EventKind::Put, Some(meta)) => index.put(key, with_version(meta, event.kv.mod_revision)),
        _ => index.remove(key),
    };
    index.advance(event.revision());
    (candidates, affected_owners(index, key, &owners_before))
}

/// Collects the orphans, then takes the cascading owners' next steps.
async fn sweep(
    server: &ApiServer,
    index: &GcIndex,
    orphans: Vec<String>,
    owners: Vec<String>,
) -> Result<(), ()> {
    collect_all(server, index, orphans).await?;
    cascade_all(server, index, owners).await
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
        // No policy: the object's own GC finalizers, if any, decide, as upstream.
        let options = DeleteOptions {
            body: json!({
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

/// Carries out each cascading owner's planned writes. A refused write (404, 409, another 4xx)
/// is left: the store event that made it stale, or the one it would have caused, brings the
/// owner back. `Err` on a server error, which restarts the session.
async fn cascade_all(
    server: &ApiServer,
    index: &GcIndex,
    mut owners: Vec<String>,
) -> Result<(), ()> {
    owners.sort();
    owners.dedup();
    for owner in owners {
        for action in plan(index, &owner) {
            match carry_out(server, &action).await {
                Ok(()) => {}
                Err(e) if e.code < 500 => {}
                Err(_) => return Err(()),
            }
        }
    }
    Ok(())
}

/// One cascade write: an ownerReference or finalizer removed (uid precondition, and the indexed
/// resourceVersion for a finalizer), or a dependent deleted as a client DELETE would.
async fn carry_out(server: &ApiServer, action: &Action) -> Result<(), ApiError> {
    let (Action::Unlink { key, .. } | Action::Delete { key, .. } | Action::Finalize { key, .. }) =
        action;
    let Some((resource, namespace, name)) = locate(&server.registry, key) else {
        return Ok(());
    };
    let target = Target {
        resource: &resource,
        namespace: namespace.as_deref(),
        name: &name,
    };
    match action {
        Action::Unlink { uid, owner, .. } => {
            edit(server, &target, uid, None, |o| unlinked(o, owner)).await
        }
        Action::Finalize {
            uid,
            resource_version,
            finalizer,
            ..
        } => {
            let change = |o: &Value| without_finalizer(o, finalizer);
            edit(server, &target, uid, Some(*resource_version), change).await
        }
        Action::Delete {
            uid,
            resource_version,
            policy,
            ..
        } => {
            let mut body = json!({"preconditions": {
                "uid": uid, "resourceVersion": resource_version.to_string(),
            }});
            if let Some(policy) = policy {
                body["propagationPolicy"] = json!(policy.as_str());
            }
            let options = DeleteOptions {
                body,
                dry_run: false,
            };
            delete_object(
                server,
                target.resource,
                target.namespace,
                target.name,
                &options,
            )
            .await
            .map(drop)
        }
    }
}

/// The object a cascade write addresses.
struct Target<'a> {
    resource: &'a Resource,
    namespace: Option<&'a str>,
    name: &'a str,
}

/// A metadata-only update by the collector, through the metadata rules (a finalizer removed
/// from an object being deleted deletes it when none is left): `change` maps the stored object
/// to the new one, `None` when there is nothing to change. A different uid is a 409.
async fn edit<F>(
    server: &ApiServer,
    target: &Target<'_>,
    uid: &str,
    resource_version: Option<u64>,
    change: F,
) -> Result<(), ApiError>
where
    F: Fn(&Value) -> Option<Value>,
{
    let Target {
        resource,
        namespace,
        name,
    } = *target;
    let conflict = || ApiError::conflict(&resource.plural, &resource.group, name);
    write_loop(server, resource, namespace, name, false, |stored| {
        if stored["metadata"]["uid"].as_str() != Some(uid) {
            return Err(conflict());
        }
        let mut object = change(stored).unwrap_or_else(|| stored.clone());
        let meta = &mut object["metadata"];
        match resource_version {
            Some(rv) => meta["resourceVersion"] = json!(rv.to_string()),
            None => {
                meta.as_object_mut().map(|m| m.remove("resourceVersion"));
            }
        }
        let updated = prepare_update(resource, stored, object, Part::Main)
            .map_err(|e| meta_error(resource, e))?;
        Ok((updated, Vec::new()))
    })
    .await
    .map(drop)
}
