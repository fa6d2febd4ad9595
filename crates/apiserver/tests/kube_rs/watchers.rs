//! The watcher in each list strategy, selectors, timeouts, bookmarks and the reflector
//! (kube-api.md §17.2, §17.3, §7.3).

use super::*;
use kube::runtime::reflector::{self, ObjectRef};

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
