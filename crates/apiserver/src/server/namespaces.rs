//! Namespace lifecycle (kube-api.md §0.2 SHOULD): a DELETE marks a Namespace `Terminating`
//! (deletionTimestamp and `status.phase`), creates in a terminating namespace are refused with
//! 403, and the namespace controller — a background loop started by
//! [`ApiServer::spawn_controllers`] — deletes every namespaced object in it through the client
//! delete path (so finalizers hold it), drops the `kubernetes` spec finalizer and removes the
//! namespace once it is empty. `default`, `kube-system` and `kube-public` may not be deleted.
//!
//! Owns: the namespace-specific delete and create rules and the controller's decisions
//! ([`next_step`], a plain function) and loop. Must not: delete objects other than through
//! `write::delete_object`, or touch objects outside a terminating namespace.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use flotilla_store::{ListOptions, StoreError, WatchMessage};
use serde_json::{Value, json};

use super::ApiServer;
use super::read::{object_of, plain_store_error};
use super::write::{DeleteOptions, delete_object};
use crate::objects::{Deletion, is_deleting};
use crate::registry::Resource;
use crate::status::ApiError;

/// Namespaces a DELETE is refused for (as upstream's namespace lifecycle admission).
pub const PROTECTED_NAMESPACES: [&str; 3] = ["default", "kube-system", "kube-public"];

/// The spec finalizer the namespace controller owns.
pub const NAMESPACE_FINALIZER: &str = "kubernetes";

/// The store prefix of Namespaces.
const NAMESPACES_PREFIX: &str = "/core/namespaces/";
/// Pause between passes while a namespace is terminating (its contents may wait on finalizers).
const TERMINATING_POLL_MS: u64 = 250;
/// Longest wait for a namespace change while none is terminating (a safety resync).
const IDLE_RESYNC_MS: u64 = 30_000;
/// Pause after a store error before the next pass.
const ERROR_BACKOFF_MS: u64 = 1_000;
/// Steps taken on one namespace per pass (delete contents, then finalize, then remove).
const STEPS_PER_PASS: usize = 4;

/// Whether a resource is core/v1 Namespaces.
pub(crate) fn is_namespace(resource: &Resource) -> bool {
    resource.group.is_empty() && resource.plural == "namespaces"
}

/// 403 for the namespaces that may not be deleted.
pub(crate) fn check_deletable(name: &str) -> Result<(), ApiError> {
    if PROTECTED_NAMESPACES.contains(&name) {
        return Err(ApiError::forbidden(
            "namespaces",
            "",
            name,
            "this namespace may not be deleted",
        ));
    }
    Ok(())
}

/// What a DELETE does to a Namespace: mark it Terminating (once); the controller removes it.
pub(crate) fn prepare_delete(stored: &Value, now: &str) -> Deletion {
    if is_terminating(stored) {
        return Deletion::AlreadyMarked;
    }
    let mut object = stored.clone();
    object["metadata"]["deletionTimestamp"] = json!(now);
    object["metadata"]["deletionGracePeriodSeconds"] = json!(0);
    if !object["status"].is_object() {
        object["status"] = json!({});
    }
    object["status"]["phase"] = json!("Terminating");
    if let Some(meta) = object["metadata"].as_object_mut() {
        meta.remove("resourceVersion");
    }
    Deletion::Mark(object)
}

/// A new Namespace as upstream stores it: `spec.finalizers: ["kubernetes"]` (the controller's)
/// and `status.phase: Active`, whatever the client sent for them.
pub(crate) fn default_on_create(mut object: Value) -> Value {
    if !object["spec"].is_object() {
        object["spec"] = json!({});
    }
    object["spec"]["finalizers"] = json!([NAMESPACE_FINALIZER]);
    object["status"] = json!({"phase": "Active"});
    object
}

/// Whether a Namespace is being deleted (has a deletionTimestamp; `status.phase` alone is
/// writable through `/status` and so is not trusted).
pub fn is_terminating(namespace: &Value) -> bool {
    is_deleting(namespace)
}

/// 403 Forbidden for a create in a terminating namespace (`stored` is the Namespace's stored
/// JSON).
pub(crate) fn check_accepts_content(
    resource: &Resource,
    name: &str,
    namespace: &str,
    stored: &[u8],
) -> Result<(), ApiError> {
    let object: Value = serde_json::from_slice(stored).unwrap_or(Value::Null);
    if is_terminating(&object) {
        return Err(ApiError::forbidden_terminating_namespace(
            &resource.plural,
            &resource.group,
            name,
            namespace,
        ));
    }
    Ok(())
}

/// What the namespace controller does next with one namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Not terminating: nothing.
    Active,
    /// Delete the contents not yet being deleted.
    DeleteContents,
    /// Every remaining object is being deleted and waits on its finalizers.
    WaitForContents,
    /// Empty: drop the `kubernetes` spec finalizer (other finalizers remain).
    Finalize,
    /// Empty and no finalizers left: remove the namespace.
    Remove,
    /// Empty, but finalizers owned by someone else remain.
    WaitForFinalizers,
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The next step for `namespace` given how many of its objects are live (not being deleted)
/// and how many are being deleted.
pub fn next_step(namespace: &Value, live: usize, deleting: usize) -> Step {
    if !is_terminating(namespace) {
        return Step::Active;
    }
    if live > 0 {
        return Step::DeleteContents;
    }
    if deleting > 0 {
        return Step::WaitForContents;
    }
    let spec = strings(&namespace["spec"]["finalizers"]);
    let meta = strings(&namespace["metadata"]["finalizers"]);
    if spec.contains(&NAMESPACE_FINALIZER) {
        if spec.len() == 1 && meta.is_empty() {
            Step::Remove
        } else {
            Step::Finalize
        }
    } else if spec.is_empty() && meta.is_empty() {
        Step::Remove
    } else {
        Step::WaitForFinalizers
    }
}

/// The namespace without the controller's spec finalizer.
pub fn finalized(namespace: &Value) -> Value {
    let mut object = namespace.clone();
    if let Some(list) = object["spec"]["finalizers"].as_array_mut() {
        list.retain(|f| f != NAMESPACE_FINALIZER);
    }
    if let Some(meta) = object["metadata"].as_object_mut() {
        meta.remove("resourceVersion");
    }
    object
}

/// The namespace controller: runs until the task is aborted.
pub(crate) async fn run(server: Arc<ApiServer>) {
    loop {
        match sweep(&server).await {
            Ok((true, _)) => sleep_ms(TERMINATING_POLL_MS).await,
            Ok((false, revision)) => wait_for_change(&server, revision).await,
            Err(_) => sleep_ms(ERROR_BACKOFF_MS).await,
        }
    }
}

async fn sleep_ms(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

/// One pass over the terminating namespaces: whether one is still terminating, and the
/// revision the namespaces were listed at.
async fn sweep(server: &ApiServer) -> Result<(bool, u64), ApiError> {
    let list = server
        .store
        .list(NAMESPACES_PREFIX, ListOptions::default())
        .await
        .map_err(plain_store_error)?;
    let mut busy = false;
    for kv in &list.items {
        let namespace = object_of(kv)?;
        if is_terminating(&namespace) {
            let name = namespace["metadata"]["name"].as_str().unwrap_or("");
            busy |= advance(server, name).await?;
        }
    }
    Ok((busy, list.revision))
}

/// Waits until a Namespace changes after `revision`, or the resync interval passes.
async fn wait_for_change(server: &ApiServer, revision: u64) {
    let Ok(mut watch) = server.store.watch(NAMESPACES_PREFIX, revision).await else {
        return sleep_ms(ERROR_BACKOFF_MS).await;
    };
    let deadline = tokio::time::Instant::now() + Duration::from_millis(IDLE_RESYNC_MS);
    loop {
        match tokio::time::timeout_at(deadline, watch.next()).await {
            Ok(Some(Ok(WatchMessage::Progress(_)))) => continue,
            Ok(Some(Ok(WatchMessage::Events(_)))) | Err(_) => return,
            Ok(Some(Err(_)) | None) => return sleep_ms(ERROR_BACKOFF_MS).await,
        }
    }
}

/// Takes the namespace's next steps; whether it is still terminating afterwards.
async fn advance(server: &ApiServer, name: &str) -> Result<bool, ApiError> {
    let key = format!("{NAMESPACES_PREFIX}{name}");
    for _ in 0..STEPS_PER_PASS {
        let got = server.store.get(&key).await.map_err(plain_store_error)?;
        let Some(kv) = got.kv else {
            return Ok(false);
        };
        let namespace = object_of(&kv)?;
        let (live, deleting) = contents(server, name).await?;
        let result = match next_step(&namespace, live.len(), deleting) {
            Step::Active => return Ok(false),
            Step::WaitForContents | Step::WaitForFinalizers => return Ok(true),
            Step::DeleteContents => {
                delete_contents(server, name, &live).await?;
                continue;
            }
            Step::Finalize => {
                let bytes = serde_json::to_vec(&finalized(&namespace)).expect("JSON serializes");
                server
                    .store
                    .update(&key, kv.mod_revision, bytes)
                    .await
                    .map(drop)
            }
            Step::Remove => {
                let removed = server.store.delete(&key, Some(kv.mod_revision)).await;
                if removed.is_ok() {
                    return Ok(false);
                }
                removed.map(drop)
            }
        };
        match result {
            Ok(()) | Err(StoreError::Conflict { .. } | StoreError::NotFound { .. }) => {}
            Err(e) => return Err(plain_store_error(e)),
        }
    }
    Ok(true)
}

/// The objects in a namespace: those not yet being deleted (resource and name), and how many
/// are being deleted. Every namespaced resource in the registry is looked at once per storage
/// prefix (versions of one resource share it).
async fn contents(
    server: &ApiServer,
    namespace: &str,
) -> Result<(Vec<(Arc<Resource>, String)>, usize), ApiError> {
    let mut seen = HashSet::new();
    let mut live = Vec::new();
    let mut deleting = 0;
    for resource in server.registry.all() {
        let prefix = resource.key_prefix(Some(namespace));
        if !resource.namespaced || !seen.insert(prefix.clone()) {
            continue;
        }
        let list = server
            .store
            .list(&prefix, ListOptions::default())
            .await
            .map_err(plain_store_error)?;
        for kv in &list.items {
            let object = object_of(kv)?;
            if is_deleting(&object) {
                deleting += 1;
            } else {
                let name = kv.key[prefix.len()..].to_string();
                live.push((resource.clone(), name));
            }
        }
    }
    Ok((live, deleting))
}

/// Deletes each object as a client DELETE would; objects already gone or changing under us are
/// looked at again in the next step.
async fn delete_contents(
    server: &ApiServer,
    namespace: &str,
    live: &[(Arc<Resource>, String)],
) -> Result<(), ApiError> {
    let options = DeleteOptions {
        body: json!({"propagationPolicy": "Background"}),
        dry_run: false,
    };
    for (resource, name) in live {
        match delete_object(server, resource, Some(namespace), name, &options).await {
            Ok(_) => {}
            Err(e) if e.code == 404 || e.code == 409 => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(deleting: bool, spec: &[&str], meta: &[&str]) -> Value {
        let mut object = json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "x", "finalizers": meta}, "spec": {"finalizers": spec},
            "status": {"phase": "Active"}});
        if deleting {
            object["metadata"]["deletionTimestamp"] = json!("2024-01-01T00:00:00Z");
            object["status"]["phase"] = json!("Terminating");
        }
        object
    }

    #[test]
    fn next_steps() {
        let k = NAMESPACE_FINALIZER;
        // (namespace, live, deleting, step); kube-api.md §0.2 namespace lifecycle.
        let table = [
            (ns(false, &[k], &[]), 3, 0, Step::Active),
            (ns(true, &[k], &[]), 3, 1, Step::DeleteContents),
            (ns(true, &[k], &[]), 0, 2, Step::WaitForContents),
            (ns(true, &[k], &[]), 0, 0, Step::Remove),
            (ns(true, &[], &[]), 0, 0, Step::Remove),
            (ns(true, &[k], &["x/y"]), 0, 0, Step::Finalize),
            (ns(true, &[k, "other"], &[]), 0, 0, Step::Finalize),
            (ns(true, &["other"], &[]), 0, 0, Step::WaitForFinalizers),
            (ns(true, &[], &["x/y"]), 0, 0, Step::WaitForFinalizers),
        ];
        for (i, (namespace, live, deleting, step)) in table.into_iter().enumerate() {
            assert_eq!(next_step(&namespace, live, deleting), step, "row {i}");
        }
    }

    #[test]
    fn delete_marks_terminating_once() {
        let stored = ns(false, &[NAMESPACE_FINALIZER], &[]);
        let Deletion::Mark(marked) = prepare_delete(&stored, "2024-05-01T00:00:00Z") else {
            panic!("a namespace delete marks");
        };
        assert_eq!(
            marked["metadata"]["deletionTimestamp"],
            "2024-05-01T00:00:00Z"
        );
        assert_eq!(marked["status"]["phase"], "Terminating");
        assert_eq!(
            prepare_delete(&marked, "2024-05-02T00:00:00Z"),
            Deletion::AlreadyMarked
        );
    }

    #[test]
    fn protected_namespaces_are_refused() {
        for name in PROTECTED_NAMESPACES {
            let error = check_deletable(name).unwrap_err();
            assert_eq!(error.code, 403);
            assert_eq!(
                error.message,
                format!("namespaces \"{name}\" is forbidden: this namespace may not be deleted")
            );
        }
        assert!(check_deletable("karmada-system").is_ok());
        assert!(check_deletable("demo").is_ok());
    }

    #[test]
    fn create_defaults_finalizer_and_phase() {
        let object = json!({"metadata": {"name": "x"}, "status": {"phase": "Terminating"}});
        let created = default_on_create(object);
        assert_eq!(created["spec"], json!({"finalizers": ["kubernetes"]}));
        assert_eq!(created["status"], json!({"phase": "Active"}));
    }

    #[test]
    fn finalize_keeps_other_finalizers() {
        let namespace = ns(true, &[NAMESPACE_FINALIZER, "other"], &[]);
        assert_eq!(
            finalized(&namespace)["spec"]["finalizers"],
            json!(["other"])
        );
    }
}
