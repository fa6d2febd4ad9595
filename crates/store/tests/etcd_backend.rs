//! The etcd backend against a real etcd (started by the harness in `support/etcd_server.rs`):
//! the mapping of each operation, key-prefix isolation, compaction, progress, and surviving an
//! etcd restart. The behaviour shared by every backend is the conformance suite's; these are the
//! etcd-specific parts. Without an `etcd` on PATH each test is skipped with a message (a failure
//! under `CI=true`).

#![cfg(feature = "etcd")]

#[path = "support/etcd_server.rs"]
mod etcd_server;

use std::time::Duration;

use etcd_server::EtcdServer;
use flotilla_store::etcd::{EtcdOptions, EtcdStore};
use flotilla_store::{
    Event, EventKind, ListOptions, MAX_VALUE_BYTES, ReadAt, Revision, Store, StoreError, Watch,
    WatchMessage,
};

/// Progress request interval of the stores under test (milliseconds).
const PROGRESS_INTERVAL_MS: u64 = 100;
/// Request deadline of the stores under test (milliseconds).
const REQUEST_TIMEOUT_MS: u64 = 2_000;
/// How long a test waits for one watch message (milliseconds).
const WATCH_WAIT_MS: u64 = 10_000;
/// How long a test waits for the store to work again after etcd restarted (milliseconds).
const RECOVERY_WAIT_MS: u64 = 20_000;

async fn connect(etcd: &EtcdServer, prefix: &str) -> EtcdStore {
    let options = EtcdOptions {
        progress_interval: Duration::from_millis(PROGRESS_INTERVAL_MS),
        request_timeout: Duration::from_millis(REQUEST_TIMEOUT_MS),
        ..EtcdOptions::with_key_prefix(prefix)
    };
    EtcdStore::connect(&etcd.endpoints(), options)
        .await
        .expect("connect to etcd")
}

/// The next watch message.
async fn next(watch: &mut Watch) -> WatchMessage {
    tokio::time::timeout(Duration::from_millis(WATCH_WAIT_MS), watch.next())
        .await
        .expect("a watch message in time")
        .expect("the watch is open")
        .expect("the watch has not failed")
}

/// The events of the next message that has some (progress notifications are skipped).
async fn next_events(watch: &mut Watch) -> Vec<Event> {
    loop {
        if let WatchMessage::Events(events) = next(watch).await {
            return events;
        }
    }
}

/// Events until one at or above `revision` has arrived.
async fn events_through(watch: &mut Watch, revision: Revision) -> Vec<Event> {
    let mut events = Vec::new();
    while events
        .last()
        .is_none_or(|e: &Event| e.revision() < revision)
    {
        events.extend(next_events(watch).await);
    }
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_map_onto_etcd_transactions() {
    let Some(etcd) = EtcdServer::start_or_skip("writes_map_onto_etcd_transactions") else {
        return;
    };
    let store = connect(&etcd, "/flotilla").await;
    let key = "/core/configmaps/demo/a";

    let created = store.create(key, b"v1".to_vec()).await.unwrap();
    assert_eq!(
        store.create(key, b"again".to_vec()).await,
        Err(StoreError::AlreadyExists { key: key.into() })
    );
    let got = store.get(key).await.unwrap();
    let kv = got.kv.expect("the key exists");
    assert_eq!(
        (kv.value.as_slice(), kv.create_revision, kv.mod_revision),
        (&b"v1"[..], created, created)
    );
    assert!(got.revision >= created);

    // An identical update is a no-op that takes no revision.
    let before = store.current_revision().await.unwrap();
    assert_eq!(
        store.update(key, created, b"v1".to_vec()).await,
        Ok(created)
    );
    assert_eq!(store.current_revision().await.unwrap(), before);

    let updated = store.update(key, created, b"v2".to_vec()).await.unwrap();
    assert!(updated > created);
    match store.update(key, created, b"v3".to_vec()).await {
        Err(StoreError::Conflict {
            expected, current, ..
        }) => {
            assert_eq!(expected, created);
            assert_eq!(
                (current.value, current.mod_revision),
                (b"v2".to_vec(), updated)
            );
            assert_eq!(current.create_revision, created);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let missing = "/core/configmaps/demo/missing";
    assert_eq!(
        store.update(missing, 1, b"x".to_vec()).await,
        Err(StoreError::NotFound {
            key: missing.into()
        })
    );
    assert_eq!(
        store.update(missing, 0, b"x".to_vec()).await,
        Err(StoreError::NotFound {
            key: missing.into()
        })
    );

    // Conditional and unconditional deletes return the last pair.
    assert!(matches!(
        store.delete(key, Some(created)).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        store.delete(missing, Some(0)).await,
        Err(StoreError::NotFound {
            key: missing.into()
        })
    );
    let (deleted, last) = store.delete(key, Some(updated)).await.unwrap();
    assert!(deleted > updated);
    assert_eq!((last.value, last.mod_revision), (b"v2".to_vec(), updated));
    assert_eq!(
        store.delete(key, None).await,
        Err(StoreError::NotFound { key: key.into() })
    );
    let other = "/core/configmaps/demo/b";
    let b = store.create(other, b"b".to_vec()).await.unwrap();
    let (gone, last) = store.delete(other, None).await.unwrap();
    assert!(gone > b);
    assert_eq!((last.key.as_str(), last.mod_revision), (other, b));

    // The largest value the contract accepts fits in one etcd request.
    let big = "/core/configmaps/demo/big";
    let value = vec![b'x'; MAX_VALUE_BYTES];
    let at = store.create(big, value.clone()).await.unwrap();
    assert_eq!(store.update(big, at, value.clone()).await, Ok(at));
    assert_eq!(store.get(big).await.unwrap().kv.unwrap().value, value);
    assert!(matches!(
        store.create(big, vec![0; MAX_VALUE_BYTES + 1]).await,
        Err(StoreError::ValueTooLarge { .. })
    ));
    assert!(matches!(
        store.create("/core/configmaps", Vec::new()).await,
        Err(StoreError::InvalidKey { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_page_at_one_revision() {
    let Some(etcd) = EtcdServer::start_or_skip("lists_page_at_one_revision") else {
        return;
    };
    let store = connect(&etcd, "/flotilla").await;
    let mut revisions = Vec::new();
    for i in 0..5 {
        let key = format!("/apps/deployments/demo/d{i}");
        revisions.push(store.create(&key, vec![b'0' + i]).await.unwrap());
    }
    store
        .create("/apps/deployments/other/x", b"x".to_vec())
        .await
        .unwrap();
    let prefix = "/apps/deployments/demo/";

    let first = store
        .list(
            prefix,
            ListOptions {
                limit: Some(2),
                count: true,
                ..ListOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(names(&first.items), ["d0", "d1"]);
    assert_eq!((first.more, first.count), (true, Some(5)));

    // Changes after the first page do not show in its continuation.
    store
        .update("/apps/deployments/demo/d3", revisions[3], b"new".to_vec())
        .await
        .unwrap();
    store
        .delete("/apps/deployments/demo/d4", None)
        .await
        .unwrap();
    let rest = store
        .list(
            prefix,
            ListOptions {
                at: ReadAt::Revision(first.revision),
                start_after: Some(first.items[1].key.clone()),
                limit: Some(10),
                count: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(names(&rest.items), ["d2", "d3", "d4"]);
    assert_eq!(rest.items[1].value, b"3");
    assert_eq!(
        (rest.more, rest.count, rest.revision),
        (false, Some(3), first.revision)
    );

    let past_the_end = ListOptions {
        start_after: Some("/apps/deployments/demo0".into()),
        count: true,
        ..ListOptions::default()
    };
    let empty = store.list(prefix, past_the_end).await.unwrap();
    assert_eq!(
        (empty.items.len(), empty.more, empty.count),
        (0, false, Some(0))
    );

    let latest = store.list(prefix, ListOptions::default()).await.unwrap();
    assert_eq!(names(&latest.items), ["d0", "d1", "d2", "d3"]);
    assert_eq!(latest.revision, store.current_revision().await.unwrap());
    assert_eq!(latest.count, None);

    let current = store.current_revision().await.unwrap();
    let future = ListOptions {
        at: ReadAt::Revision(current + 100),
        ..ListOptions::default()
    };
    assert_eq!(
        store.list(prefix, future).await,
        Err(StoreError::FutureRevision {
            requested: current + 100,
            current
        })
    );
    let at_zero = ListOptions {
        at: ReadAt::Revision(0),
        count: true,
        ..ListOptions::default()
    };
    let empty = store.list(prefix, at_zero).await.unwrap();
    assert_eq!((empty.items.len(), empty.revision), (0, 0));
    assert!(matches!(
        store
            .list("/apps/deployments", ListOptions::default())
            .await,
        Err(StoreError::InvalidPrefix { .. })
    ));
}

fn names(items: &[flotilla_store::KeyValue]) -> Vec<&str> {
    items
        .iter()
        .map(|kv| kv.key.rsplit('/').next().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watches_translate_events_and_report_progress() {
    let Some(etcd) = EtcdServer::start_or_skip("watches_translate_events_and_report_progress")
    else {
        return;
    };
    let store = connect(&etcd, "/flotilla").await;
    let key = "/core/secrets/demo/s";
    let start = store.current_revision().await.unwrap();
    let created = store.create(key, b"one".to_vec()).await.unwrap();
    let updated = store.update(key, created, b"two".to_vec()).await.unwrap();
    let (deleted, _) = store.delete(key, Some(updated)).await.unwrap();

    // Replayed from history: a create has no previous pair, a delete carries the incarnation.
    let mut watch = store.watch("/core/secrets/", start).await.unwrap();
    let events = events_through(&mut watch, deleted).await;
    let kinds: Vec<_> = events.iter().map(|e| (e.kind, e.revision())).collect();
    assert_eq!(
        kinds,
        [
            (EventKind::Put, created),
            (EventKind::Put, updated),
            (EventKind::Delete, deleted)
        ]
    );
    assert_eq!(events[0].prev_kv, None);
    assert_eq!(events[1].prev_kv.as_ref().unwrap().value, b"one");
    assert_eq!(events[2].kv.key, key);
    assert!(events[2].kv.value.is_empty());
    assert_eq!(events[2].kv.create_revision, created);
    assert_eq!(events[2].prev_kv.as_ref().unwrap().mod_revision, updated);

    // A quiet watch still advances: progress covers writes elsewhere, never passing an event.
    let elsewhere = store
        .create("/core/configmaps/demo/c", Vec::new())
        .await
        .unwrap();
    let deadline = Duration::from_millis(WATCH_WAIT_MS);
    let progressed = tokio::time::timeout(deadline, async {
        loop {
            match next(&mut watch).await {
                WatchMessage::Progress(at) if at >= elsewhere => return at,
                WatchMessage::Progress(at) => assert!(at >= deleted),
                WatchMessage::Events(events) => panic!("unexpected events {events:?}"),
            }
        }
    })
    .await
    .expect("a progress notification at or past the write elsewhere");
    let live = store.create(key, b"three".to_vec()).await.unwrap();
    assert!(live > progressed);
    let events = next_events(&mut watch).await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].revision(), events[0].prev_kv.clone()),
        (live, None)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_prefixes_isolate_stores_sharing_one_etcd() {
    let Some(etcd) = EtcdServer::start_or_skip("key_prefixes_isolate_stores_sharing_one_etcd")
    else {
        return;
    };
    let a = connect(&etcd, "/tenant-a").await;
    let b = connect(&etcd, "/tenant-b/nested").await;
    let key = "/core/configmaps/demo/shared-name";
    let start = a.current_revision().await.unwrap();
    let mut watch_a = a.watch("/", start).await.unwrap();

    let in_b = b.create(key, b"b".to_vec()).await.unwrap();
    let in_a = a.create(key, b"a".to_vec()).await.unwrap();
    assert!(in_a > in_b, "the stores share etcd's revisions");
    assert_eq!(a.get(key).await.unwrap().kv.unwrap().value, b"a");
    assert_eq!(b.get(key).await.unwrap().kv.unwrap().value, b"b");
    for (store, value) in [(&a, b"a"), (&b, b"b")] {
        let all = store.list("/", ListOptions::default()).await.unwrap();
        assert_eq!(all.items.len(), 1);
        assert_eq!(
            (all.items[0].key.as_str(), all.items[0].value.as_slice()),
            (key, &value[..])
        );
    }
    let events = next_events(&mut watch_a).await;
    assert_eq!(events.len(), 1, "only tenant a's write: {events:?}");
    assert_eq!(
        (events[0].kv.key.as_str(), events[0].revision()),
        (key, in_a)
    );

    // Compaction is etcd-wide: a compaction through one store shows in the other, whose record
    // knows nothing of it, and the record itself stays out of both stores' key spaces.
    a.compact(in_a).await.unwrap();
    assert_eq!(a.compacted_revision().await, Ok(in_a));
    assert_eq!(b.compacted_revision().await, Ok(in_a));
    assert_eq!(
        a.list("/", ListOptions::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let quiet = tokio::time::timeout(Duration::from_millis(PROGRESS_INTERVAL_MS * 10), async {
        loop {
            if let WatchMessage::Events(events) = next(&mut watch_a).await {
                return events;
            }
        }
    })
    .await;
    assert!(
        quiet.is_err(),
        "no event for the compaction record: {quiet:?}"
    );

    for bad in ["flotilla", "/flotilla/", "/a//b"] {
        let options = EtcdOptions::with_key_prefix(bad);
        assert!(matches!(
            EtcdStore::connect(&etcd.endpoints(), options).await,
            Err(StoreError::InvalidPrefix { .. })
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_makes_old_revisions_gone() {
    let Some(etcd) = EtcdServer::start_or_skip("compaction_makes_old_revisions_gone") else {
        return;
    };
    let store = connect(&etcd, "/flotilla").await;
    let key = "/core/configmaps/demo/a";
    let first = store.create(key, b"1".to_vec()).await.unwrap();
    let second = store.update(key, first, b"2".to_vec()).await.unwrap();
    let third = store.update(key, second, b"3".to_vec()).await.unwrap();
    assert_eq!(store.compacted_revision().await, Ok(0));

    store.compact(third).await.unwrap();
    assert_eq!(store.compacted_revision().await, Ok(third));
    let old = ListOptions {
        at: ReadAt::Revision(first),
        ..ListOptions::default()
    };
    let gone = Err(StoreError::Compacted {
        requested: first,
        compacted: third,
    });
    assert_eq!(store.list("/core/", old.clone()).await, gone);
    assert_eq!(store.watch("/core/", first).await.err(), gone.clone().err());
    let at_compaction = ListOptions {
        at: ReadAt::Revision(third),
        ..ListOptions::default()
    };
    let page = store.list("/core/", at_compaction).await.unwrap();
    assert_eq!(page.items[0].value, b"3");

    // A watch from the compacted revision itself still works.
    let mut watch = store.watch("/core/", third).await.unwrap();
    let fourth = store.update(key, third, b"4".to_vec()).await.unwrap();
    assert_eq!(next_events(&mut watch).await[0].revision(), fourth);

    // Lower compactions are no-ops; a new client finds the record.
    store.compact(second).await.unwrap();
    assert_eq!(store.compacted_revision().await, Ok(third));
    let again = connect(&etcd, "/flotilla").await;
    assert_eq!(again.compacted_revision().await, Ok(third));

    // A compaction behind the store's back (another etcd client) is found all the same.
    let fifth = store.update(key, fourth, b"5".to_vec()).await.unwrap();
    store.update(key, fifth, b"6".to_vec()).await.unwrap();
    let mut raw = etcd_client::Client::connect(etcd.endpoints(), None)
        .await
        .unwrap();
    raw.compact(i64::try_from(fifth).unwrap(), None)
        .await
        .unwrap();
    assert_eq!(again.compacted_revision().await, Ok(fifth));
    let old = ListOptions {
        at: ReadAt::Revision(fourth),
        ..ListOptions::default()
    };
    assert_eq!(
        store.list("/core/", old).await,
        Err(StoreError::Compacted {
            requested: fourth,
            compacted: fifth
        })
    );
    assert!(matches!(
        again.watch("/core/", third).await,
        Err(StoreError::Compacted { compacted, .. }) if compacted == fifth
    ));

    // A target past the current revision compacts up to the current one.
    let current = store.current_revision().await.unwrap();
    store.compact(current + 1_000).await.unwrap();
    assert_eq!(store.compacted_revision().await, Ok(current));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_and_watches_survive_an_etcd_restart() {
    let Some(mut etcd) =
        EtcdServer::start_or_skip("operations_and_watches_survive_an_etcd_restart")
    else {
        return;
    };
    let store = connect(&etcd, "/flotilla").await;
    let start = store.current_revision().await.unwrap();
    let mut watch = store.watch("/core/", start).await.unwrap();
    let a = store
        .create("/core/configmaps/demo/a", b"a".to_vec())
        .await
        .unwrap();
    assert_eq!(next_events(&mut watch).await[0].revision(), a);

    etcd.stop();
    assert!(matches!(
        store.get("/core/configmaps/demo/a").await,
        Err(StoreError::Backend(_))
    ));
    assert!(matches!(
        store.create("/core/configmaps/demo/b", Vec::new()).await,
        Err(StoreError::Backend(_))
    ));
    assert!(matches!(
        store.watch("/core/", a).await,
        Err(StoreError::Backend(_))
    ));
    // Keys are checked before any I/O.
    assert!(matches!(
        store.get("/core").await,
        Err(StoreError::InvalidKey { .. })
    ));

    etcd.start_again();
    let recovered = tokio::time::timeout(Duration::from_millis(RECOVERY_WAIT_MS), async {
        loop {
            match store.current_revision().await {
                Ok(revision) => return revision,
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    })
    .await
    .expect("the store works again once etcd is back");
    assert!(recovered >= a, "revisions continue after the restart");
    let kv = store.get("/core/configmaps/demo/a").await.unwrap().kv;
    assert_eq!(kv.map(|kv| kv.mod_revision), Some(a), "the data survived");

    // The open watch resumes where it was: the writes after the restart, nothing twice.
    let b = store
        .create("/core/configmaps/demo/b", b"b".to_vec())
        .await
        .unwrap();
    let c = store
        .create("/core/configmaps/demo/c", b"c".to_vec())
        .await
        .unwrap();
    assert!(a < b && b < c);
    let events = events_through(&mut watch, c).await;
    let revisions: Vec<_> = events.iter().map(Event::revision).collect();
    assert_eq!(revisions, [b, c]);

    // History from before the restart is still there for a new watch.
    let mut replay = store.watch("/core/", start).await.unwrap();
    let revisions: Vec<_> = events_through(&mut replay, c)
        .await
        .iter()
        .map(Event::revision)
        .collect();
    assert_eq!(revisions, [a, b, c]);
}

/// etcd before 3.4.25 / 3.5.8 may answer a progress request before sending the events it covers
/// (3.4.23 does, for a watcher still replaying history): the watch must never report progress
/// past an event it has not delivered yet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_never_overtakes_events_under_load() {
    let Some(etcd) = EtcdServer::start_or_skip("progress_never_overtakes_events_under_load") else {
        return;
    };
    let options = EtcdOptions {
        progress_interval: Duration::from_millis(1),
        ..EtcdOptions::with_key_prefix("/flotilla")
    };
    let store = EtcdStore::connect(&etcd.endpoints(), options)
        .await
        .unwrap();
    // A backlog makes etcd replay history to the new watcher while progress is requested.
    let start = store.current_revision().await.unwrap();
    for i in 0..BACKLOG_WRITES {
        let key = format!("/core/configmaps/backlog/k{i}");
        store.create(&key, Vec::new()).await.unwrap();
    }
    let mut watch = store.watch("/core/", start).await.unwrap();
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut last = 0;
            for i in 0..LOAD_WRITES {
                last = store
                    .create(&format!("/core/configmaps/load/k{i}"), Vec::new())
                    .await
                    .unwrap();
            }
            last
        })
    };
    let (mut seen, mut progress, mut progresses) = (start, start, 0);
    let mut events = 0;
    while events < BACKLOG_WRITES + LOAD_WRITES {
        match next(&mut watch).await {
            WatchMessage::Events(batch) => {
                for event in batch {
                    assert!(event.revision() > seen, "events in order, once");
                    assert!(
                        event.revision() > progress,
                        "event {} after progress {progress}",
                        event.revision()
                    );
                    seen = event.revision();
                    events += 1;
                }
            }
            WatchMessage::Progress(at) => {
                assert!(at >= progress && at >= seen);
                progress = at;
                progresses += 1;
            }
        }
    }
    assert_eq!(writer.await.unwrap(), seen);
    // Once quiet, progress catches up with the last event.
    while progress < seen {
        match next(&mut watch).await {
            WatchMessage::Progress(at) => progress = at,
            WatchMessage::Events(batch) => panic!("unexpected events {batch:?}"),
        }
    }
    eprintln!("{events} events, {progresses} progress notifications under load");
}

/// Writes made by the load test before it starts watching (more than etcd replays at once).
const BACKLOG_WRITES: usize = 2_500;
/// Writes made by the load test while it watches.
const LOAD_WRITES: usize = 500;
