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
use kube::runtime::reflector::{self, ObjectRef};
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

// kube-api.md §17.2 item 1 (ListWatch: `?&limit=500`, then watch from the list RV), §7.3, §0.1
// items 24, 25, 27.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_default_config() {
    within(watcher_sees_everything(watcher::Config::default())).await;
}

// kube-api.md §17.2 item 2: `any_semantic()` with the default page size (the limit suppresses
// resourceVersion=0), and unpaged, where the list is
// `?&resourceVersionMatch=NotOlderThan&resourceVersion=0` (§7.2: any snapshot will do).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_any_semantic() {
    within(watcher_sees_everything(
        watcher::Config::default().any_semantic(),
    ))
    .await;
    let unpaged = watcher::Config {
        page_size: None,
        ..watcher::Config::default().any_semantic()
    };
    within(watcher_sees_everything(unpaged)).await;
}

// kube-api.md §17.2 items 1, 2 and §7.2 pagination: five objects in pages of two (three pages,
// each continued without an RV at the first page's snapshot).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_page_size_two() {
    within(watcher_sees_everything(
        watcher::Config::default().page_size(2),
    ))
    .await;
    within(watcher_sees_everything(
        watcher::Config::default().any_semantic().page_size(2),
    ))
    .await;
}

// kube-api.md §17.2 item 3 and §7.3 item 2: `streaming_lists()` is one watch with
// sendInitialEvents=true; InitDone comes only from the initial-events-end bookmark.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_streaming_lists() {
    within(watcher_sees_everything(
        watcher::Config::default().streaming_lists(),
    ))
    .await;
}

// kube-api.md §0.1 item 29 and §7.3 item 5: a watcher with a label selector sees an object
// leave the selection as a Delete (carrying the new state's RV) and come back as an Apply;
// changes to objects outside the selection never reach it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_with_a_label_selector_sees_objects_enter_and_leave() {
    within(async {
        let s = start_memory().await;
        let api: Api<ConfigMap> = Api::namespaced(s.client.clone(), "default");
        let existing = create_config_maps(&api, "pre", 2).await;
        let mut outside = config_map("outside", &[]);
        outside.metadata.labels = Some(BTreeMap::from([("tier".into(), "t2".into())]));
        api.create(&PostParams::default(), &outside).await.unwrap();
        let mut rx = spawn_watcher(api.clone(), watcher::Config::default().labels("tier=t1"));
        expect_init(&mut rx, &existing).await;

        let relabel = |tier: &str| Patch::Merge(json!({"metadata": {"labels": {"tier": tier}}}));
        let params = PatchParams::default();
        let left = api.patch("pre-0", &params, &relabel("t2")).await.unwrap();
        api.patch(
            "outside",
            &params,
            &Patch::Merge(json!({"data": {"x": "1"}})),
        )
        .await
        .unwrap();
        let back = api.patch("pre-0", &params, &relabel("t1")).await.unwrap();
        let joined = api.patch("outside", &params, &relabel("t1")).await.unwrap();
        assert_eq!(
            next_event(&mut rx).await,
            Seen::Delete("pre-0".into(), rv(&left))
        );
        assert_eq!(
            next_event(&mut rx).await,
            Seen::Apply("pre-0".into(), rv(&back))
        );
        assert_eq!(
            next_event(&mut rx).await,
            Seen::Apply("outside".into(), rv(&joined))
        );
        assert_quiet(&mut rx).await;
    })
    .await;
}

// kube-api.md §17.2 item 5 and §0.1 item 28: the server ends each watch after timeoutSeconds;
// the watcher re-watches from the last RV it saw, without relisting, and misses nothing written
// across the reconnects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_resumes_after_server_timeouts_without_relisting() {
    within(async {
        let s = start_sqlite().await;
        let api: Api<ConfigMap> = Api::namespaced(s.client.clone(), "default");
        let existing = create_config_maps(&api, "pre", 2).await;
        let mut rx = spawn_watcher(api.clone(), watcher::Config::default().timeout(1));
        expect_init(&mut rx, &existing).await;
        let mut expected = Vec::new();
        for i in 0..4 {
            let cm = config_map(&format!("late-{i}"), &[]);
            let created = api.create(&PostParams::default(), &cm).await.unwrap();
            expected.push(Seen::Apply(created.name_any(), rv(&created)));
            tokio::time::sleep(Duration::from_millis(700)).await;
        }
        let mut got = Vec::new();
        for _ in 0..expected.len() {
            got.push(next_event(&mut rx).await);
        }
        assert_eq!(got, expected);
        assert_quiet(&mut rx).await;
    })
    .await;
}

// kube-api.md §0.1 items 27 and 28, §7.3 item 3, §17.2 item 4: on a quiet watch the server
// sends a progress BOOKMARK (with apiVersion and kind, which kube-rs requires) at the store's
// revision, and ends the stream at timeoutSeconds. The watcher takes the bookmark's RV as its
// resume point: compaction past its list RV (but not past the bookmark) then costs no relist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bookmarks_advance_the_resume_point_past_compaction() {
    within(async {
        let s = start_memory().await;
        let memory = s.memory.clone().unwrap();
        let api: Api<ConfigMap> = Api::namespaced(s.client.clone(), "default");
        let elsewhere: Api<ConfigMap> = Api::namespaced(s.client.clone(), "kube-system");
        let existing = create_config_maps(&api, "pre", 1).await;
        let started = tokio::time::Instant::now();
        let mut rx = spawn_watcher(api.clone(), watcher::Config::default().timeout(14));
        expect_init(&mut rx, &existing).await;
        create_config_maps(&elsewhere, "other", 3).await;
        let current = memory.current_revision().await.unwrap();

        // The raw watch: a bookmark at the current revision within the bookmark interval,
        // then the end of the stream at timeoutSeconds.
        let params = WatchParams::default().timeout(12);
        let mut raw = api.watch(&params, &rv(&existing[0])).await.unwrap().boxed();
        let raw_started = tokio::time::Instant::now();
        match tokio::time::timeout(Duration::from_secs(12), raw.next()).await {
            Ok(Some(Ok(WatchEvent::Bookmark(bookmark)))) => {
                assert_eq!(bookmark.types.api_version, "v1");
                assert_eq!(bookmark.types.kind, "ConfigMap");
                assert_eq!(bookmark.metadata.resource_version, current.to_string());
                assert!(bookmark.metadata.annotations.is_empty());
            }
            Ok(other) => panic!("expected a BOOKMARK, got {other:?}"),
            Err(_) => panic!("no BOOKMARK on a quiet watch"),
        }
        assert!(
            tokio::time::timeout(Duration::from_secs(5), raw.next())
                .await
                .expect("the stream ended at timeoutSeconds")
                .is_none()
        );
        let lasted = raw_started.elapsed();
        assert!(lasted >= Duration::from_millis(11_500), "{lasted:?}");

        // By now the watcher's own watch has had its bookmark too; compact up to it.
        let compact_at = started + Duration::from_secs(12);
        tokio::time::sleep_until(compact_at).await;
        memory.compact(current).await.unwrap();
        tokio::time::sleep(Duration::from_secs(4)).await;
        let after = api
            .create(&PostParams::default(), &config_map("after", &[]))
            .await
            .unwrap();
        assert_eq!(
            next_event(&mut rx).await,
            Seen::Apply("after".into(), rv(&after))
        );
        assert_quiet(&mut rx).await;
    })
    .await;
}

// kube-api.md §17.3 (the reflector store is replaced at InitDone and follows the events): after
// a burst of writes the store holds exactly what the server lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reflector_store_matches_the_server_list() {
    within(async {
        let s = start_sqlite().await;
        let api: Api<ConfigMap> = Api::namespaced(s.client.clone(), "default");
        create_config_maps(&api, "before", 4).await;
        let (reader, writer) = reflector::store::<ConfigMap>();
        let stream = reflector::reflector(writer, watcher(api.clone(), watcher::Config::default()));
        tokio::spawn(stream.for_each(|_| async {}));
        tokio::time::timeout(EVENT_WAIT, reader.wait_until_ready())
            .await
            .expect("the store became ready")
            .unwrap();
        assert_eq!(reader.len(), 4);

        let pp = PostParams::default();
        create_config_maps(&api, "during", 6).await;
        for i in (0..6).step_by(2) {
            let name = format!("during-{i}");
            let patch = Patch::Merge(json!({"data": {"changed": "yes"}}));
            api.patch(&name, &PatchParams::default(), &patch)
                .await
                .unwrap();
        }
        for name in ["before-0", "during-1", "during-5"] {
            api.delete(name, &DeleteParams::default()).await.unwrap();
        }
        let mut last = api.get("before-3").await.unwrap();
        last.data = Some(BTreeMap::from([("final".into(), "1".into())]));
        api.replace("before-3", &pp, &last).await.unwrap();

        let server_view = |items: Vec<ConfigMap>| {
            let mut v: Vec<(String, String, BTreeMap<String, String>)> = items
                .iter()
                .map(|c| (c.name_any(), rv(c), data_of(c)))
                .collect();
            v.sort();
            v
        };
        let listed = server_view(api.list(&ListParams::default()).await.unwrap().items);
        assert_eq!(listed.len(), 7);
        let deadline = tokio::time::Instant::now() + EVENT_WAIT;
        loop {
            let cached = server_view(reader.state().iter().map(|c| c.as_ref().clone()).collect());
            if cached == listed {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "store {cached:?}\n!= server {listed:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let key = ObjectRef::<ConfigMap>::new("before-3").within("default");
        assert_eq!(
            reader.get(&key).map(|c| data_of(&c)),
            Some(BTreeMap::from([("final".into(), "1".into())]))
        );
        assert!(
            reader
                .get(&ObjectRef::new("during-1").within("default"))
                .is_none()
        );
    })
    .await;
}

/// The next event of a stream the test polls itself.
async fn poll_event(stream: &mut EventStream) -> Seen {
    tokio::time::timeout(EVENT_WAIT, stream.next())
        .await
        .expect("no watcher event in time")
        .expect("the watcher ended")
}

// kube-api.md §0.1 item 26, §7.3 item 1, §17.2 items 6 and 7: a watch from a compacted RV is an
// HTTP 200 whose stream holds one ERROR event (code 410, reason Expired) and then ends; the
// watcher turns it into one error, relists (a new Init … InitDone with the current objects) and
// goes on delivering events, without retrying the compacted RV.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_relists_after_its_resume_point_is_compacted() {
    within(async {
        let s = start_memory().await;
        let memory = s.memory.clone().unwrap();
        let api: Api<ConfigMap> = Api::namespaced(s.client.clone(), "default");
        let existing = create_config_maps(&api, "pre", 2).await;

        // The watcher is a lazy stream: after InitDone, it sends its watch request only when
        // polled again. Write and compact in between, so that request starts below the
        // compacted revision.
        let mut stream = watch_config_maps(api.clone(), watcher::Config::default());
        assert_eq!(poll_event(&mut stream).await, Seen::Init);
        for object in &existing {
            assert_eq!(
                poll_event(&mut stream).await,
                Seen::InitApply(object.name_any(), rv(object))
            );
        }
        assert_eq!(poll_event(&mut stream).await, Seen::InitDone);
        let list_rv = rv(&existing[1]);
        let added = api
            .create(&PostParams::default(), &config_map("added", &[]))
            .await
            .unwrap();
        api.delete("pre-0", &DeleteParams::default()).await.unwrap();
        let current = memory.current_revision().await.unwrap();
        memory.compact(current).await.unwrap();

        // The raw request: HTTP 200, one ERROR 410 Expired event, then the end (not an HTTP 410).
        let mut raw = api
            .watch(&WatchParams::default(), &list_rv)
            .await
            .expect("a watch from a compacted RV answers 200")
            .boxed();
        match raw.next().await {
            Some(Ok(WatchEvent::Error(status))) => {
                assert_eq!((status.code, status.reason.as_str()), (410, "Expired"));
                assert!(status.message.starts_with("too old resource version"));
            }
            other => panic!("expected an ERROR event, got {other:?}"),
        }
        assert!(
            tokio::time::timeout(EVENT_WAIT, raw.next())
                .await
                .expect("the expired watch ended")
                .is_none()
        );

        assert_eq!(poll_event(&mut stream).await, Seen::WatchError(410));
        assert_eq!(poll_event(&mut stream).await, Seen::Init);
        assert_eq!(
            poll_event(&mut stream).await,
            Seen::InitApply("added".into(), rv(&added))
        );
        assert_eq!(
            poll_event(&mut stream).await,
            Seen::InitApply("pre-1".into(), rv(&existing[1]))
        );
        assert_eq!(poll_event(&mut stream).await, Seen::InitDone);
        let next = api
            .create(&PostParams::default(), &config_map("next", &[]))
            .await
            .unwrap();
        assert_eq!(
            poll_event(&mut stream).await,
            Seen::Apply("next".into(), rv(&next))
        );
        if let Ok(event) = tokio::time::timeout(QUIET, stream.next()).await {
            panic!("unexpected watcher event {event:?}");
        }
    })
    .await;
}

// kube-api.md §0.1 item 26, §17.2 items 5 and 6: the watch ends after timeoutSeconds while writes
// elsewhere advance the store and compaction passes the watcher's resume point (its list RV:
// nothing was sent on this quiet watch). The reconnect from that RV gets HTTP 200 and the
// in-stream 410; the watcher relists once, and later reconnects (from the new list RV) succeed
// instead of looping on the expired RV.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_relists_once_when_compaction_passes_it_between_reconnects() {
    within(async {
        let s = start_memory().await;
        let memory = s.memory.clone().unwrap();
        let api: Api<ConfigMap> = Api::namespaced(s.client.clone(), "default");
        let elsewhere: Api<ConfigMap> = Api::namespaced(s.client.clone(), "kube-system");
        let existing = create_config_maps(&api, "pre", 1).await;
        let mut rx = spawn_watcher(api.clone(), watcher::Config::default().timeout(2));
        expect_init(&mut rx, &existing).await;
        create_config_maps(&elsewhere, "other", 3).await;
        // Let the open watch's store progress (every 200 ms) pass the writes, so compaction hits
        // the next watch request rather than the open stream.
        tokio::time::sleep(Duration::from_millis(600)).await;
        let current = memory.current_revision().await.unwrap();
        memory.compact(current).await.unwrap();

        assert_eq!(next_event(&mut rx).await, Seen::WatchError(410));
        expect_init(&mut rx, &existing).await;
        // Two more server-side timeouts pass: each reconnect must succeed.
        tokio::time::sleep(Duration::from_millis(4_500)).await;
        let after = api
            .create(&PostParams::default(), &config_map("after", &[]))
            .await
            .unwrap();
        assert_eq!(
            next_event(&mut rx).await,
            Seen::Apply("after".into(), rv(&after))
        );
        assert_quiet(&mut rx).await;
    })
    .await;
}

/// Waits until `done()` holds, then checks that `count()` stays put for a while; returns it.
async fn converged(done: impl Fn() -> bool, count: impl Fn() -> usize) -> usize {
    let deadline = tokio::time::Instant::now() + EVENT_WAIT;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the controller never got there"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let events of the last write arrive and be reconciled.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let settled = count();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(count(), settled, "reconciles kept coming: a write loop");
    settled
}

/// Errors the test reconcilers return.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
struct ReconcileError(#[from] kube::Error);

const VERSION: &str = "v1.32.0";

/// The Cluster reconciler's context: the API, the reconcile count, the RV of each status patch.
type ClusterContext = (Api<Cluster>, Arc<AtomicUsize>, Arc<Mutex<Vec<String>>>);

// kube-api.md §17.3, §17.4 and §5.4: a Controller on a Flotilla kind (cluster-scoped Cluster,
// through kube's blanket impl) whose reconciler merge-patches `/status`. Its first patch changes
// the object and so triggers one more reconcile; the identical second patch is a no-op that
// keeps the RV and emits no event, so the controller settles at two reconciles. A spec change
// later gives exactly one more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controller_on_clusters_patches_status_and_converges() {
    within(async {
        let s = start_memory().await;
        let clusters: Api<Cluster> = Api::all(s.client.clone());
        let spec = ClusterSpec {
            sync_mode: SyncMode::Push,
            api_endpoint: "https://member1.example.com".into(),
            ..Default::default()
        };
        let created = clusters
            .create(&PostParams::default(), &Cluster::new("member1", spec))
            .await
            .unwrap();
        assert!(
            created
                .status
                .as_ref()
                .is_none_or(|st| st.kubernetes_version.is_empty())
        );

        let reconciles = Arc::new(AtomicUsize::new(0));
        let status_rvs = Arc::new(Mutex::new(Vec::<String>::new()));
        let context = Arc::new((clusters.clone(), reconciles.clone(), status_rvs.clone()));
        let controller = Controller::new(clusters.clone(), watcher::Config::default()).run(
            |cluster: Arc<Cluster>, ctx: Arc<ClusterContext>| async move {
                let (api, count, rvs) = ctx.as_ref();
                count.fetch_add(1, Ordering::SeqCst);
                let patch = Patch::Merge(json!({"status": {"kubernetesVersion": VERSION}}));
                let written = api
                    .patch_status(&cluster.name_any(), &PatchParams::default(), &patch)
                    .await?;
                rvs.lock().unwrap().push(rv(&written));
                Ok::<_, ReconcileError>(Action::await_change())
            },
            |_, _, _| Action::requeue(Duration::from_millis(200)),
            context,
        );
        let failures = Arc::new(Mutex::new(Vec::<String>::new()));
        let failed = failures.clone();
        tokio::spawn(controller.for_each(move |result| {
            if let Err(e) = result {
                failed.lock().unwrap().push(e.to_string());
            }
            async {}
        }));

        let count = || reconciles.load(Ordering::SeqCst);
        let settled = converged(|| status_rvs.lock().unwrap().len() >= 2, count).await;
        assert_eq!(settled, 2);
        let rvs = status_rvs.lock().unwrap().clone();
        assert!(rv(&created).parse::<u64>().unwrap() < rvs[0].parse().unwrap());
        assert_eq!(
            rvs[1], rvs[0],
            "the second identical status patch was not a no-op"
        );
        let stored = clusters.get_status("member1").await.unwrap();
        assert_eq!(stored.status.as_ref().unwrap().kubernetes_version, VERSION);
        assert_eq!(rv(&stored), rvs[0]);

        // A spec change: one reconcile, whose status patch is a no-op.
        clusters
            .patch(
                "member1",
                &PatchParams::default(),
                &Patch::Merge(json!({"spec": {"region": "eu-west"}})),
            )
            .await
            .unwrap();
        let settled = converged(|| count() >= 3, count).await;
        assert_eq!(settled, 3);
        assert!(failures.lock().unwrap().is_empty(), "{failures:?}");
    })
    .await;
}

// kube-api.md §17.3 (`owns()`: a metadata watcher on the children, mapped to the owner through
// an ownerReference with controller: true), §11, §9 and §5.4: a Controller on parent ConfigMaps
// server-side-applies one child ConfigMap each. The child's creation reconciles the parent once
// more (a no-op apply); drifting the child's data is repaired through the owner mapping; and the
// reconcile count then stops growing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controller_owning_config_maps_repairs_drift_and_converges() {
    within(async {
        let s = start_sqlite().await;
        let api: Api<ConfigMap> = Api::namespaced(s.client.clone(), "default");
        for name in ["p1", "p2"] {
            let mut parent = config_map(name, &[("want", name)]);
            parent.metadata.labels = Some(BTreeMap::from([("role".into(), "parent".into())]));
            api.create(&PostParams::default(), &parent).await.unwrap();
        }

        let reconciles = Arc::new(Mutex::new(HashMap::<String, usize>::new()));
        let context = Arc::new((api.clone(), reconciles.clone()));
        type Ctx = (Api<ConfigMap>, Arc<Mutex<HashMap<String, usize>>>);
        let controller = Controller::new(
            api.clone(),
            watcher::Config::default().labels("role=parent"),
        )
        .owns(api.clone(), watcher::Config::default().labels("role=child"))
        .run(
            |parent: Arc<ConfigMap>, ctx: Arc<Ctx>| async move {
                let (api, counts) = ctx.as_ref();
                let name = parent.name_any();
                *counts.lock().unwrap().entry(name.clone()).or_default() += 1;
                let child = json!({
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {
                        "name": format!("{name}-child"), "namespace": "default",
                        "labels": {"role": "child"},
                        "ownerReferences": [{"apiVersion": "v1", "kind": "ConfigMap",
                            "name": name, "uid": parent.uid(), "controller": true}],
                    },
                    "data": parent.data,
                });
                let params = PatchParams::apply("parent-controller").force();
                api.patch(&format!("{name}-child"), &params, &Patch::Apply(child))
                    .await?;
                Ok::<_, ReconcileError>(Action::await_change())
            },
            |_, _, _| Action::requeue(Duration::from_millis(200)),
            context,
        );
        let failures = Arc::new(Mutex::new(Vec::<String>::new()));
        let failed = failures.clone();
        tokio::spawn(controller.for_each(move |result| {
            if let Err(e) = result {
                failed.lock().unwrap().push(e.to_string());
            }
            async {}
        }));

        let count = |name: &str| reconciles.lock().unwrap().get(name).copied().unwrap_or(0);
        let total = || count("p1") + count("p2");
        converged(|| count("p1") >= 2 && count("p2") >= 2, total).await;
        assert_eq!((count("p1"), count("p2")), (2, 2));
        for name in ["p1", "p2"] {
            let child = api.get(&format!("{name}-child")).await.unwrap();
            assert_eq!(
                data_of(&child),
                BTreeMap::from([("want".into(), name.into())])
            );
            let owner = &child.owner_references()[0];
            assert_eq!(
                (owner.kind.as_str(), owner.name.as_str()),
                ("ConfigMap", name)
            );
            assert_eq!(owner.controller, Some(true));
            let parent_uid = api.get(name).await.unwrap().uid().unwrap();
            assert_eq!(owner.uid, parent_uid);
        }

        // Drift on p1's child: only p1 is reconciled (twice: the drift, then its own repair).
        let drift = Patch::Merge(json!({"data": {"want": "drifted"}}));
        api.patch("p1-child", &PatchParams::default(), &drift)
            .await
            .unwrap();
        let repaired = BTreeMap::from([("want".to_string(), "p1".to_string())]);
        let deadline = tokio::time::Instant::now() + EVENT_WAIT;
        while data_of(&api.get("p1-child").await.unwrap()) != repaired {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the drift was not repaired"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The repair's own write reconciles once more; that apply is a no-op.
        converged(|| count("p1") >= 4, total).await;
        assert_eq!(count("p1"), 4);
        assert_eq!(data_of(&api.get("p1-child").await.unwrap()), repaired);
        assert_eq!(count("p2"), 2);
        assert!(failures.lock().unwrap().is_empty(), "{failures:?}");
    })
    .await;
}
