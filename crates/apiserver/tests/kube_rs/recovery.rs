//! Recovery from compacted watches and Controllers that converge (kube-api.md §17.2 items
//! 5–7, §17.3, §17.4, §5.4).

use super::*;

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
