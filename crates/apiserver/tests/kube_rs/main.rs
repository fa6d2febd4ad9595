//! kube-rs 5 (the `kube` client and `kube-runtime`) against an in-process API server on loopback
//! over plain HTTP (kube-api.md §17): the typed client's CRUD, patch and conflict handling, the
//! watcher in each of its list strategies, a reflector, recovery from a compacted watch, and
//! Controllers that must converge.
//!
//! Every test runs under a deadline so that a hang fails instead of blocking the run.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flotilla_api::kinds::Cluster;
use flotilla_api::types::{ClusterSpec, SyncMode};
use flotilla_apiserver::server::ApiServer;
use flotilla_store::Store;
use flotilla_store::memory::MemoryStore;
use flotilla_store::sqlite::SqliteStore;
use futures_util::{Stream, StreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{
    Api, DeleteParams, ListParams, ObjectMeta, Patch, PatchParams, PostParams, WatchEvent,
    WatchParams,
};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher::{self, watcher};
use kube::{Client, ResourceExt};
use serde_json::json;
use tokio::sync::mpsc;

/// Deadline of one whole test.
const TEST_DEADLINE: Duration = Duration::from_secs(90);
/// How long to wait for one expected watcher event.
const EVENT_WAIT: Duration = Duration::from_secs(10);
/// How long "nothing more happens" is observed.
const QUIET: Duration = Duration::from_millis(1_500);

async fn within<F: Future<Output = ()>>(test: F) {
    tokio::time::timeout(TEST_DEADLINE, test)
        .await
        .expect("the test hit its deadline (a watch or request hung)");
}

/// A running server and a client for it.
struct Server {
    client: Client,
    /// The store, when it is a MemoryStore the test can compact.
    memory: Option<MemoryStore>,
    _dir: Option<tempfile::TempDir>,
}

async fn serve(store: Arc<dyn Store>) -> Client {
    let server = ApiServer::new(store);
    server.bootstrap().await.expect("bootstrap");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, server.router()).await });
    let url = format!("http://{address}").parse().unwrap();
    Client::try_from(kube::Config::new(url)).expect("client")
}

/// A server over a MemoryStore the test keeps a handle to.
async fn start_memory() -> Server {
    let store = MemoryStore::with_progress_interval(Duration::from_millis(200));
    let client = serve(Arc::new(store.clone())).await;
    Server {
        client,
        memory: Some(store),
        _dir: None,
    }
}

/// A server over the SQLite store in a temporary directory.
async fn start_sqlite() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("data")).unwrap();
    let client = serve(Arc::new(store)).await;
    Server {
        client,
        memory: None,
        _dir: Some(dir),
    }
}

fn config_map(name: &str, data: &[(&str, &str)]) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some(BTreeMap::from([("tier".to_string(), "t1".to_string())])),
            ..Default::default()
        },
        data: Some(
            data.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
        ..Default::default()
    }
}

fn rv<K: ResourceExt>(object: &K) -> String {
    object.resource_version().expect("a resourceVersion")
}

fn rv_number<K: ResourceExt>(object: &K) -> u64 {
    rv(object).parse().expect("a numeric resourceVersion")
}

/// The `Status` of an API error, or a panic naming what came instead.
fn api_error<T: std::fmt::Debug>(result: kube::Result<T>) -> Box<kube::core::Status> {
    match result {
        Err(kube::Error::Api(status)) => status,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn data_of(cm: &ConfigMap) -> BTreeMap<String, String> {
    cm.data.clone().unwrap_or_default()
}

// kube-api.md §17.1 (the client's requests), §7.1, §7.2, §7.4–§7.6, §7.8, §0.1 items 9, 12, 20–22,
// 30, and §12 (errors come back as `kube::Error::Api` with the Status's code and reason).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_crud_patch_and_conflicts() {
    within(async {
        let s = start_sqlite().await;
        let api: Api<ConfigMap> = Api::namespaced(s.client.clone(), "default");
        let pp = PostParams::default();

        let created = api
            .create(&pp, &config_map("cfg1", &[("a", "1")]))
            .await
            .unwrap();
        assert_eq!(created.name_any(), "cfg1");
        assert_eq!(created.namespace().as_deref(), Some("default"));
        assert!(created.uid().is_some_and(|u| !u.is_empty()));
        assert!(created.metadata.creation_timestamp.is_some());
        assert_eq!(
            data_of(&created),
            BTreeMap::from([("a".into(), "1".into())])
        );
        let status = api_error(api.create(&pp, &config_map("cfg1", &[])).await);
        assert_eq!(
            (status.code, status.reason.as_str()),
            (409, "AlreadyExists")
        );
        assert_eq!(status.message, "configmaps \"cfg1\" already exists");

        let got = api.get("cfg1").await.unwrap();
        assert_eq!(rv(&got), rv(&created));
        assert_eq!(got.uid(), created.uid());
        let status = api_error(api.get("nope").await);
        assert_eq!((status.code, status.reason.as_str()), (404, "NotFound"));
        assert_eq!(api.get_opt("nope").await.unwrap(), None);

        // list: selectors, and pages of one (§7.2; kube-rs sends no RV with continue).
        let mut second = config_map("cfg2", &[("b", "2")]);
        second.metadata.labels = Some(BTreeMap::from([("tier".into(), "t2".into())]));
        api.create(&pp, &second).await.unwrap();
        let all = api.list(&ListParams::default()).await.unwrap();
        let names: Vec<String> = all.items.iter().map(|c| c.name_any()).collect();
        assert_eq!(names, ["cfg1", "cfg2"]);
        let list_rv: u64 = all.metadata.resource_version.unwrap().parse().unwrap();
        assert!(all.items.iter().all(|c| rv_number(c) <= list_rv));
        let t1 = api
            .list(&ListParams::default().labels("tier=t1"))
            .await
            .unwrap();
        assert_eq!(t1.items.len(), 1);
        assert_eq!(t1.items[0].name_any(), "cfg1");
        let by_name = api
            .list(&ListParams::default().fields("metadata.name=cfg2"))
            .await
            .unwrap();
        assert_eq!(by_name.items.len(), 1);
        assert_eq!(by_name.items[0].name_any(), "cfg2");
        let page1 = api.list(&ListParams::default().limit(1)).await.unwrap();
        assert_eq!(page1.items.len(), 1);
        assert_eq!(page1.items[0].name_any(), "cfg1");
        let token = page1.metadata.continue_.clone().expect("a continue token");
        let page2 = api
            .list(&ListParams::default().limit(1).continue_token(&token))
            .await
            .unwrap();
        assert_eq!(page2.items.len(), 1);
        assert_eq!(page2.items[0].name_any(), "cfg2");
        assert!(page2.metadata.continue_.is_none_or(|c| c.is_empty()));

        // replace: the current RV wins, a stale one is a 409 Conflict (§0.1 item 12).
        let mut update = got.clone();
        update.data = Some(BTreeMap::from([("a".into(), "2".into())]));
        let replaced = api.replace("cfg1", &pp, &update).await.unwrap();
        assert!(rv_number(&replaced) > rv_number(&created));
        assert_eq!(data_of(&replaced)["a"], "2");
        let status = api_error(api.replace("cfg1", &pp, &update).await);
        assert_eq!((status.code, status.reason.as_str()), (409, "Conflict"));
        assert_eq!(
            status.message,
            "Operation cannot be fulfilled on configmaps \"cfg1\": the object has been modified; \
             please apply your changes to the latest version and try again"
        );
        assert_eq!(rv(&api.get("cfg1").await.unwrap()), rv(&replaced));

        // merge patch, and a merge patch carrying a stale RV (409).
        let params = PatchParams::default();
        let merged = api
            .patch("cfg1", &params, &Patch::Merge(json!({"data": {"b": "3"}})))
            .await
            .unwrap();
        assert_eq!(
            data_of(&merged),
            BTreeMap::from([("a".into(), "2".into()), ("b".into(), "3".into())])
        );
        assert!(rv_number(&merged) > rv_number(&replaced));
        let stale = json!({"metadata": {"resourceVersion": rv(&replaced)}, "data": {"c": "4"}});
        let status = api_error(api.patch("cfg1", &params, &Patch::Merge(stale)).await);
        assert_eq!((status.code, status.reason.as_str()), (409, "Conflict"));

        // JSON patch (RFC 6902), including a failing `test` (422) that changes nothing.
        let ops: Vec<serde_json::Value> = vec![
            json!({"op": "test", "path": "/data/a", "value": "2"}),
            json!({"op": "replace", "path": "/data/a", "value": "10"}),
            json!({"op": "remove", "path": "/data/b"}),
        ];
        let jsoned = api
            .patch(
                "cfg1",
                &params,
                &Patch::Json::<()>(serde_json::from_value(json!(ops)).unwrap()),
            )
            .await
            .unwrap();
        assert_eq!(
            data_of(&jsoned),
            BTreeMap::from([("a".into(), "10".into())])
        );
        let failing = json!([{"op": "test", "path": "/data/a", "value": "2"},
                             {"op": "replace", "path": "/data/a", "value": "11"}]);
        let status = api_error(
            api.patch(
                "cfg1",
                &params,
                &Patch::Json::<()>(serde_json::from_value(failing).unwrap()),
            )
            .await,
        );
        assert_eq!(status.code, 422);
        assert_eq!(rv(&api.get("cfg1").await.unwrap()), rv(&jsoned));

        // server-side apply with a field manager: creates, then updates; re-applying the same
        // configuration is a no-op that keeps the RV (§9, §5.4).
        let apply = PatchParams::apply("flotilla-test");
        let config = json!({"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"name": "applied", "namespace": "default"},
                            "data": {"x": "1"}});
        let applied = api
            .patch("applied", &apply, &Patch::Apply(config.clone()))
            .await
            .unwrap();
        assert_eq!(
            data_of(&applied),
            BTreeMap::from([("x".into(), "1".into())])
        );
        let managers: Vec<String> = applied
            .managed_fields()
            .iter()
            .filter_map(|m| m.manager.clone())
            .collect();
        assert!(
            managers.contains(&"flotilla-test".to_string()),
            "{managers:?}"
        );
        let again = api
            .patch("applied", &apply, &Patch::Apply(config))
            .await
            .unwrap();
        assert_eq!(rv(&again), rv(&applied));
        let changed = json!({"apiVersion": "v1", "kind": "ConfigMap",
                             "metadata": {"name": "applied", "namespace": "default"},
                             "data": {"x": "2"}});
        let reapplied = api
            .patch("applied", &apply.clone().force(), &Patch::Apply(changed))
            .await
            .unwrap();
        assert_eq!(data_of(&reapplied)["x"], "2");
        assert!(rv_number(&reapplied) > rv_number(&applied));

        // delete: the object (or a Success Status) comes back; then it is gone.
        let deleted = api.delete("cfg1", &DeleteParams::default()).await.unwrap();
        if let Some(object) = deleted.as_ref().left() {
            assert_eq!(object.name_any(), "cfg1");
        }
        let status = api_error(api.get("cfg1").await);
        assert_eq!(status.code, 404);
        let status = api_error(api.delete("cfg1", &DeleteParams::default()).await);
        assert_eq!((status.code, status.reason.as_str()), (404, "NotFound"));
        let names: Vec<String> = api
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .iter()
            .map(|c| c.name_any())
            .collect();
        assert_eq!(names, ["applied", "cfg2"]);
    })
    .await;
}

/// A watcher event reduced to what the tests compare: the kind, the name and the RV.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Init,
    InitApply(String, String),
    InitDone,
    Apply(String, String),
    Delete(String, String),
    /// An in-stream ERROR event with this code.
    WatchError(u16),
    /// Any other watcher error.
    Failed(String),
}

fn seen(item: Result<watcher::Event<ConfigMap>, watcher::Error>) -> Seen {
    match item {
        Ok(watcher::Event::Init) => Seen::Init,
        Ok(watcher::Event::InitApply(o)) => Seen::InitApply(o.name_any(), rv(&o)),
        Ok(watcher::Event::InitDone) => Seen::InitDone,
        Ok(watcher::Event::Apply(o)) => Seen::Apply(o.name_any(), rv(&o)),
        Ok(watcher::Event::Delete(o)) => Seen::Delete(o.name_any(), rv(&o)),
        Err(watcher::Error::WatchError(status)) => Seen::WatchError(status.code),
        Err(e) => Seen::Failed(e.to_string()),
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Seen> + Send>>;

fn watch_config_maps(api: Api<ConfigMap>, config: watcher::Config) -> EventStream {
    watcher(api, config).map(seen).boxed()
}

/// Runs a watcher in its own task (so its watch stays open while the test writes) and hands its
/// events over a channel.
fn spawn_watcher(api: Api<ConfigMap>, config: watcher::Config) -> mpsc::UnboundedReceiver<Seen> {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut stream = watch_config_maps(api, config);
    tokio::spawn(async move {
        while let Some(event) = stream.next().await {
            if tx.send(event).is_err() {
                return;
            }
        }
    });
    rx
}

async fn next_event(rx: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(EVENT_WAIT, rx.recv())
        .await
        .expect("no watcher event in time")
        .expect("the watcher ended")
}

async fn assert_quiet(rx: &mut mpsc::UnboundedReceiver<Seen>) {
    if let Ok(event) = tokio::time::timeout(QUIET, rx.recv()).await {
        panic!("unexpected watcher event {event:?}");
    }
}

/// Expects Init, one InitApply per listed object (name and RV, in key order), then InitDone.
async fn expect_init(rx: &mut mpsc::UnboundedReceiver<Seen>, listed: &[ConfigMap]) {
    assert_eq!(next_event(rx).await, Seen::Init);
    for object in listed {
        assert_eq!(
            next_event(rx).await,
            Seen::InitApply(object.name_any(), rv(object))
        );
    }
    assert_eq!(next_event(rx).await, Seen::InitDone);
}

/// Creates `{prefix}-0` … `{prefix}-{n-1}` and returns them as stored.
async fn create_config_maps(api: &Api<ConfigMap>, prefix: &str, n: usize) -> Vec<ConfigMap> {
    let mut out = Vec::new();
    for i in 0..n {
        let cm = config_map(&format!("{prefix}-{i}"), &[("i", &i.to_string())]);
        out.push(api.create(&PostParams::default(), &cm).await.unwrap());
    }
    out
}

/// The watcher in `config` lists the five existing ConfigMaps, then sees every later create,
/// update and delete exactly once, in commit order, with the RV of that commit.
async fn watcher_sees_everything(config: watcher::Config) {
    let s = start_memory().await;
    let api: Api<ConfigMap> = Api::namespaced(s.client.clone(), "default");
    let existing = create_config_maps(&api, "pre", 5).await;
    let mut rx = spawn_watcher(api.clone(), config);
    expect_init(&mut rx, &existing).await;

    let pp = PostParams::default();
    let mut expected = Vec::new();
    let live0 = api
        .create(&pp, &config_map("live-0", &[("a", "1")]))
        .await
        .unwrap();
    expected.push(Seen::Apply("live-0".into(), rv(&live0)));
    let patched = api
        .patch(
            "pre-0",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"seen": "yes"}}})),
        )
        .await
        .unwrap();
    expected.push(Seen::Apply("pre-0".into(), rv(&patched)));
    api.delete("pre-1", &DeleteParams::default()).await.unwrap();
    let after_delete = api.list(&ListParams::default()).await.unwrap();
    let delete_rv = after_delete.metadata.resource_version.unwrap();
    expected.push(Seen::Delete("pre-1".into(), delete_rv));
    // A no-op write (§5.4) must not show up at all.
    let noop = api
        .patch(
            "pre-2",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"i": "2"}})),
        )
        .await
        .unwrap();
    assert_eq!(rv(&noop), rv(&existing[2]));
    let mut update = api.get("live-0").await.unwrap();
    update.data = Some(BTreeMap::from([("a".into(), "2".into())]));
    let replaced = api.replace("live-0", &pp, &update).await.unwrap();
    expected.push(Seen::Apply("live-0".into(), rv(&replaced)));
    let live1 = api.create(&pp, &config_map("live-1", &[])).await.unwrap();
    expected.push(Seen::Apply("live-1".into(), rv(&live1)));
    api.delete("live-0", &DeleteParams::default())
        .await
        .unwrap();
    let delete_rv = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    expected.push(Seen::Delete("live-0".into(), delete_rv));

    let mut got = Vec::new();
    for _ in 0..expected.len() {
        got.push(next_event(&mut rx).await);
    }
    assert_eq!(got, expected);
    assert_quiet(&mut rx).await;
}

mod events;
mod finalizers;
mod metadata;
mod recovery;
mod watchers;
