//! The conformance cases (kube-api.md §18.1, §19 item 5): each takes a backend, runs against its
//! store, and asserts the contract exactly. Keys live under a per-case prefix so that cases can
//! share an etcd.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use flotilla_store::{
    Event, EventKind, ListOptions, MAX_VALUE_BYTES, ReadAt, Revision, Store, StoreError, Watch,
    WatchMessage,
};

use crate::backends::{Backend, TEST_PROGRESS_INTERVAL_MS};

/// How long a case waits for a watch message before failing.
const WATCH_WAIT_MS: u64 = 10_000;

fn key(prefix: &str, name: &str) -> String {
    format!("{prefix}{name}")
}

async fn get_value(store: &dyn Store, key: &str) -> Option<(Vec<u8>, Revision)> {
    let got = store.get(key).await.expect("get");
    got.kv.map(|kv| (kv.value, kv.mod_revision))
}

/// Collects watch events until `n` have arrived (progress messages are skipped).
async fn collect_events(watch: &mut Watch, n: usize) -> Vec<Event> {
    let mut events = Vec::new();
    while events.len() < n {
        let message = tokio::time::timeout(Duration::from_millis(WATCH_WAIT_MS), watch.next())
            .await
            .unwrap_or_else(|_| panic!("timed out with {} of {n} events", events.len()))
            .expect("the watch ended")
            .expect("watch error");
        if let WatchMessage::Events(batch) = message {
            events.extend(batch);
        }
    }
    events
}

/// Create, get, update, delete, NotFound, AlreadyExists, Conflict with the current pair.
pub async fn basic_semantics(backend: &mut Backend) {
    let store = backend.store().await;
    let p = "/test/basic/";
    let a = key(p, "a");
    assert_eq!(get_value(&*store, &a).await, None);
    let r1 = store.create(&a, b"one".to_vec()).await.expect("create");
    assert!(r1 >= 1);
    assert_eq!(store.current_revision().await.unwrap(), r1);
    let got = store.get(&a).await.unwrap();
    let kv = got.kv.expect("present");
    assert_eq!(
        (kv.value.as_slice(), kv.create_revision, kv.mod_revision),
        (&b"one"[..], r1, r1)
    );
    assert!(got.revision >= r1);
    match store.create(&a, b"again".to_vec()).await {
        Err(StoreError::AlreadyExists { key }) => assert_eq!(key, a),
        other => panic!("{other:?}"),
    }
    let r2 = store.update(&a, r1, b"two".to_vec()).await.expect("update");
    assert!(r2 > r1);
    match store.update(&a, r1, b"three".to_vec()).await {
        Err(StoreError::Conflict {
            key,
            expected,
            current,
        }) => {
            assert_eq!((key.as_str(), expected), (a.as_str(), r1));
            assert_eq!(
                (current.value.as_slice(), current.mod_revision),
                (&b"two"[..], r2)
            );
            assert_eq!(current.create_revision, r1);
        }
        other => panic!("{other:?}"),
    }
    match store.delete(&a, Some(r1)).await {
        Err(StoreError::Conflict { current, .. }) => assert_eq!(current.mod_revision, r2),
        other => panic!("{other:?}"),
    }
    let (r3, last) = store.delete(&a, Some(r2)).await.expect("delete");
    assert!(r3 > r2);
    assert_eq!(
        (last.value.as_slice(), last.mod_revision),
        (&b"two"[..], r2)
    );
    assert_eq!(get_value(&*store, &a).await, None);
    for result in [
        store.update(&a, r3, b"x".to_vec()).await.map(|_| ()),
        store.delete(&a, None).await.map(|_| ()),
    ] {
        assert_eq!(result, Err(StoreError::NotFound { key: a.clone() }));
    }
    // A new incarnation has a new create revision.
    let r4 = store.create(&a, b"reborn".to_vec()).await.unwrap();
    let kv = store.get(&a).await.unwrap().kv.unwrap();
    assert_eq!((kv.create_revision, kv.mod_revision), (r4, r4));
    let (r5, _) = store.delete(&a, None).await.expect("unconditional delete");
    assert!(r5 > r4);
}

/// Writes that change nothing do not bump the revision.
pub async fn no_op_writes_keep_the_revision(backend: &mut Backend) {
    let store = backend.store().await;
    let a = key("/test/noop/", "a");
    let r1 = store.create(&a, b"same".to_vec()).await.unwrap();
    let before = store.current_revision().await.unwrap();
    assert_eq!(store.update(&a, r1, b"same".to_vec()).await, Ok(r1));
    assert_eq!(store.current_revision().await.unwrap(), before);
    let mut watch = store.watch("/test/noop/", r1).await.unwrap();
    let r2 = store.update(&a, r1, b"changed".to_vec()).await.unwrap();
    let events = collect_events(&mut watch, 1).await;
    assert_eq!(events[0].revision(), r2, "the no-op wrote no event");
}

/// Sixteen concurrent creates of one key: exactly one succeeds.
pub async fn create_races_have_one_winner(backend: &mut Backend) {
    let store = backend.store().await;
    let a = key("/test/create-race/", "a");
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = store.clone();
            let a = a.clone();
            tokio::spawn(async move { store.create(&a, format!("{i}").into_bytes()).await })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(revision) => winners.push(revision),
            Err(StoreError::AlreadyExists { .. }) => {}
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    let kv = store.get(&a).await.unwrap().kv.unwrap();
    assert_eq!(kv.mod_revision, winners[0]);
}

/// Writers racing read-modify-write loops on one key: every success saw the previous success's
/// revision (one winner per revision), no update is lost, and revisions strictly increase.
pub async fn cas_under_parallel_writers_has_one_winner_per_revision(backend: &mut Backend) {
    const WRITERS: usize = 16;
    const INCREMENTS: usize = 20;
    let store = backend.store().await;
    let counter = key("/test/cas/", "counter");
    let start = store.create(&counter, b"0".to_vec()).await.unwrap();
    let tasks: Vec<_> = (0..WRITERS)
        .map(|_| {
            let store = store.clone();
            let counter = counter.clone();
            tokio::spawn(async move { increment_loop(store, &counter, INCREMENTS).await })
        })
        .collect();
    let mut wins: Vec<(Revision, Revision)> = Vec::new();
    let mut conflicts = 0;
    for task in tasks {
        let (w, c) = task.await.unwrap();
        wins.extend(w);
        conflicts += c;
    }
    assert_eq!(wins.len(), WRITERS * INCREMENTS);
    let expected: BTreeSet<Revision> = wins.iter().map(|(e, _)| *e).collect();
    assert_eq!(
        expected.len(),
        wins.len(),
        "two writers won on the same revision"
    );
    let new: BTreeSet<Revision> = wins.iter().map(|(_, n)| *n).collect();
    assert_eq!(new.len(), wins.len(), "two writes got the same revision");
    // The wins form one chain: start -> ... -> final.
    let chain: BTreeMap<Revision, Revision> = wins.iter().copied().collect();
    let mut at = start;
    for _ in 0..wins.len() {
        let next = chain[&at];
        assert!(next > at);
        at = next;
    }
    let (value, revision) = get_value(&*store, &counter).await.unwrap();
    assert_eq!(revision, at);
    assert_eq!(value, format!("{}", WRITERS * INCREMENTS).into_bytes());
    println!("{} conflicts retried", conflicts);
}

/// Increments a decimal counter `n` times with CAS; returns (expected, new) per win and the
/// number of conflicts seen.
async fn increment_loop(
    store: Arc<dyn Store>,
    key: &str,
    n: usize,
) -> (Vec<(Revision, Revision)>, usize) {
    let mut wins = Vec::new();
    let mut conflicts = 0;
    let (mut value, mut revision) = get_value(&*store, key).await.unwrap();
    while wins.len() < n {
        let count: u64 = String::from_utf8(value.clone()).unwrap().parse().unwrap();
        let next = format!("{}", count + 1).into_bytes();
        match store.update(key, revision, next.clone()).await {
            Ok(new) => {
                wins.push((revision, new));
                (value, revision) = (next, new);
            }
            Err(StoreError::Conflict { current, .. }) => {
                conflicts += 1;
                (value, revision) = (current.value, current.mod_revision);
            }
            Err(other) => panic!("{other}"),
        }
    }
    (wins, conflicts)
}

/// Concurrent writers under and outside a watched prefix: the watch delivers exactly the
/// acknowledged commits under the prefix, in strictly increasing revision order.
pub async fn watch_is_ordered_and_gapless_under_concurrent_writers(backend: &mut Backend) {
    const WRITERS: usize = 8;
    const WRITES: usize = 40;
    let store = backend.store().await;
    let p = "/test/watch-order/in/";
    let start = store.current_revision().await.unwrap();
    let mut watch = store.watch(p, start).await.unwrap();
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut acked = Vec::new();
                for i in 0..WRITES {
                    let inside = format!("/test/watch-order/in/w{w}-{}", i % 5);
                    let outside = format!("/test/watch-order/out/w{w}-{i}");
                    acked.push(write_or_bump(&*store, &inside, i).await);
                    store.create(&outside, b"x".to_vec()).await.unwrap();
                }
                acked
            })
        })
        .collect();
    let mut acked = BTreeSet::new();
    for task in tasks {
        acked.extend(task.await.unwrap());
    }
    let events = collect_events(&mut watch, acked.len()).await;
    let revisions: Vec<Revision> = events.iter().map(Event::revision).collect();
    assert!(revisions.windows(2).all(|w| w[0] < w[1]), "out of order");
    assert_eq!(revisions.iter().copied().collect::<BTreeSet<_>>(), acked);
    assert!(events.iter().all(|e| e.kv.key.starts_with(p)));
    for e in &events {
        if e.kind == EventKind::Put && e.kv.create_revision != e.kv.mod_revision {
            let prev = e
                .prev_kv
                .as_ref()
                .expect("an update carries its previous version");
            assert!(prev.mod_revision < e.kv.mod_revision);
        }
    }
}

/// Creates `key` or updates it (retrying conflicts); returns the acknowledged revision.
async fn write_or_bump(store: &dyn Store, key: &str, i: usize) -> Revision {
    loop {
        match get_value(store, key).await {
            None => match store.create(key, format!("{i}").into_bytes()).await {
                Ok(r) => return r,
                Err(StoreError::AlreadyExists { .. }) => continue,
                Err(e) => panic!("{e}"),
            },
            Some((_, revision)) => {
                match store
                    .update(key, revision, format!("{i}").into_bytes())
                    .await
                {
                    Ok(r) if r > revision => return r,
                    Ok(_) => panic!("a changed value must take a revision"),
                    Err(StoreError::Conflict { .. }) => continue,
                    Err(e) => panic!("{e}"),
                }
            }
        }
    }
}

/// A watch from revision r replays exactly the commits after r, then continues live.
pub async fn watch_resumes_from_a_revision(backend: &mut Backend) {
    let store = backend.store().await;
    let p = "/test/watch-resume/";
    let mut revisions = Vec::new();
    for i in 0..10 {
        revisions.push(
            store
                .create(&key(p, &format!("k{i}")), vec![i])
                .await
                .unwrap(),
        );
    }
    let a = key(p, "k3");
    let (deleted, _) = store.delete(&a, None).await.unwrap();
    revisions.push(deleted);
    let mut watch = store.watch(p, revisions[4]).await.unwrap();
    let replayed = collect_events(&mut watch, 6).await;
    let got: Vec<Revision> = replayed.iter().map(Event::revision).collect();
    assert_eq!(got, revisions[5..].to_vec());
    let delete = &replayed[5];
    assert_eq!(
        (delete.kind, delete.kv.key.as_str()),
        (EventKind::Delete, a.as_str())
    );
    assert_eq!(
        delete.prev_kv.as_ref().map(|kv| kv.value.clone()),
        Some(vec![3])
    );
    assert!(delete.kv.value.is_empty());
    let live = store.create(&key(p, "live"), b"x".to_vec()).await.unwrap();
    let next = collect_events(&mut watch, 1).await;
    assert_eq!(next[0].revision(), live);
    assert_eq!(next[0].kind, EventKind::Put);
    assert_eq!(next[0].prev_kv, None);
}

/// A quiet watch still learns the current revision through progress notifications.
pub async fn watch_sends_progress_when_quiet(backend: &mut Backend) {
    let store = backend.store().await;
    let start = store.current_revision().await.unwrap();
    let mut watch = store.watch("/test/quiet/", start).await.unwrap();
    let elsewhere = store.create("/test/noisy/a", b"x".to_vec()).await.unwrap();
    let deadline = Duration::from_millis(TEST_PROGRESS_INTERVAL_MS * 20 + WATCH_WAIT_MS);
    let progressed = tokio::time::timeout(deadline, async {
        loop {
            match watch.next().await.expect("open").expect("no error") {
                WatchMessage::Progress(r) if r >= elsewhere => return r,
                WatchMessage::Progress(_) => continue,
                WatchMessage::Events(e) => panic!("no event under the prefix: {e:?}"),
            }
        }
    })
    .await
    .expect("a progress notification");
    assert!(progressed >= elsewhere);
}

/// After compaction, reading or watching below the compacted revision is "too old", and the
/// latest versions survive.
pub async fn compaction_makes_old_revisions_too_old(backend: &mut Backend) {
    let store = backend.store().await;
    let p = "/test/compact/";
    let a = key(p, "a");
    let b = key(p, "b");
    let r1 = store.create(&a, b"a1".to_vec()).await.unwrap();
    let r2 = store.update(&a, r1, b"a2".to_vec()).await.unwrap();
    let r3 = store.create(&b, b"b1".to_vec()).await.unwrap();
    let (r4, _) = store.delete(&b, None).await.unwrap();
    let r5 = store.update(&a, r2, b"a3".to_vec()).await.unwrap();
    store.compact(r4).await.unwrap();
    assert_eq!(store.compacted_revision().await.unwrap(), r4);
    let too_old = Err(StoreError::Compacted {
        requested: r3,
        compacted: r4,
    });
    let listed = store
        .list(
            p,
            ListOptions {
                at: ReadAt::Revision(r3),
                ..Default::default()
            },
        )
        .await
        .map(|_| ());
    assert_eq!(listed, too_old);
    assert_eq!(store.watch(p, r3).await.map(|_| ()), too_old);
    // At the compacted revision itself the state is still complete.
    let at = store
        .list(
            p,
            ListOptions {
                at: ReadAt::Revision(r4),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let items: Vec<(&str, &[u8])> = at
        .items
        .iter()
        .map(|kv| (kv.key.as_str(), &kv.value[..]))
        .collect();
    assert_eq!(items, [(a.as_str(), &b"a2"[..])]);
    let mut watch = store.watch(p, r4).await.unwrap();
    assert_eq!(collect_events(&mut watch, 1).await[0].revision(), r5);
    assert_eq!(get_value(&*store, &a).await, Some((b"a3".to_vec(), r5)));
    assert!(store.current_revision().await.unwrap() >= r5);
    // Compacting again lower is a no-op; the revision never goes backwards.
    store.compact(r2).await.unwrap();
    assert_eq!(store.compacted_revision().await.unwrap(), r4);
    let r6 = store.create(&b, b"b2".to_vec()).await.unwrap();
    assert!(r6 > r5);
}

/// Pages after the first read the first page's revision, whatever changed since.
pub async fn pagination_is_consistent_at_the_first_pages_revision(backend: &mut Backend) {
    let store = backend.store().await;
    let p = "/test/pages/";
    for i in 0..25 {
        store
            .create(&key(p, &format!("k{i:02}")), vec![i])
            .await
            .unwrap();
    }
    store
        .create("/test/pages-other/x", b"x".to_vec())
        .await
        .unwrap();
    let first = store
        .list(
            p,
            ListOptions {
                limit: Some(10),
                count: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (first.items.len(), first.more, first.count),
        (10, true, Some(25))
    );
    let snapshot = first.revision;
    // Change everything after the first page was read.
    let k12 = key(p, "k12");
    let (_, kv) = store.delete(&k12, None).await.unwrap();
    let k20 = key(p, "k20");
    let r = store.get(&k20).await.unwrap().kv.unwrap().mod_revision;
    store.update(&k20, r, b"changed".to_vec()).await.unwrap();
    store.create(&key(p, "k99"), b"new".to_vec()).await.unwrap();
    let mut all = first.items.clone();
    let mut last = first.items.last().unwrap().key.clone();
    loop {
        let page = store
            .list(
                p,
                ListOptions {
                    at: ReadAt::Revision(snapshot),
                    start_after: Some(last.clone()),
                    limit: Some(10),
                    count: false,
                },
            )
            .await
            .unwrap();
        assert_eq!(page.revision, snapshot);
        all.extend(page.items.iter().cloned());
        if !page.more {
            break;
        }
        last = page.items.last().unwrap().key.clone();
    }
    let keys: Vec<String> = all.iter().map(|kv| kv.key.clone()).collect();
    let expected: Vec<String> = (0..25).map(|i| key(p, &format!("k{i:02}"))).collect();
    assert_eq!(keys, expected);
    assert_eq!(all[12], kv, "the deleted key as it was");
    assert_eq!(all[20].value, vec![20], "the old value");
    let latest = store.list(p, ListOptions::default()).await.unwrap();
    assert_eq!(latest.items.len(), 25, "24 old + k99");
    assert!(latest.items.iter().all(|kv| kv.key != k12));
}

/// Lists at old revisions see the past; a future revision is refused.
pub async fn list_at_old_revisions_and_the_future(backend: &mut Backend) {
    let store = backend.store().await;
    let p = "/test/history/";
    let a = key(p, "a");
    let r1 = store.create(&a, b"1".to_vec()).await.unwrap();
    let r2 = store.update(&a, r1, b"2".to_vec()).await.unwrap();
    let (r3, _) = store.delete(&a, None).await.unwrap();
    let at = |r| ListOptions {
        at: ReadAt::Revision(r),
        ..Default::default()
    };
    let values = |l: flotilla_store::ListResult| -> Vec<Vec<u8>> {
        l.items.into_iter().map(|kv| kv.value).collect()
    };
    assert_eq!(
        values(store.list(p, at(r1)).await.unwrap()),
        [b"1".to_vec()]
    );
    assert_eq!(
        values(store.list(p, at(r2)).await.unwrap()),
        [b"2".to_vec()]
    );
    assert!(values(store.list(p, at(r3)).await.unwrap()).is_empty());
    let current = store.current_revision().await.unwrap();
    assert_eq!(
        store.list(p, at(current + 1000)).await.map(|_| ()),
        Err(StoreError::FutureRevision {
            requested: current + 1000,
            current
        })
    );
}

/// Malformed keys and prefixes and oversized values are refused with clear errors, and nothing
/// else changes.
pub async fn bad_input_is_refused_and_loses_nothing(backend: &mut Backend) {
    let store = backend.store().await;
    let p = "/test/bad/";
    let a = key(p, "a");
    let r = store.create(&a, b"kept".to_vec()).await.unwrap();
    let before = store.current_revision().await.unwrap();
    let big = vec![b'x'; MAX_VALUE_BYTES + 1];
    match store.update(&a, r, big.clone()).await {
        Err(StoreError::ValueTooLarge { size, limit, .. }) => {
            assert_eq!((size, limit), (MAX_VALUE_BYTES + 1, MAX_VALUE_BYTES));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        store.create(&key(p, "big"), big).await,
        Err(StoreError::ValueTooLarge { .. })
    ));
    for bad in [
        "",
        "no-slash/a/b",
        "/a//b",
        "/a/b/",
        "/a/b/c\0",
        "/only/two",
    ] {
        assert!(
            matches!(
                store.create(bad, b"x".to_vec()).await,
                Err(StoreError::InvalidKey { .. })
            ),
            "{bad:?}"
        );
        assert!(
            matches!(store.get(bad).await, Err(StoreError::InvalidKey { .. })),
            "{bad:?}"
        );
    }
    assert!(matches!(
        store.list("/test/bad", ListOptions::default()).await,
        Err(StoreError::InvalidPrefix { .. })
    ));
    assert!(matches!(
        store.watch("test/", 0).await,
        Err(StoreError::InvalidPrefix { .. })
    ));
    assert_eq!(store.current_revision().await.unwrap(), before);
    assert_eq!(get_value(&*store, &a).await, Some((b"kept".to_vec(), r)));
    // The largest allowed value is fine.
    let max = vec![b'y'; MAX_VALUE_BYTES];
    let r2 = store.update(&a, r, max.clone()).await.unwrap();
    assert_eq!(get_value(&*store, &a).await, Some((max, r2)));
}

/// A restarted store has every write, its revision continues, and history is still watchable.
pub async fn restart_keeps_data_and_the_revision_continues(backend: &mut Backend) {
    let store = backend.store().await;
    let p = "/test/restart/";
    let mut last = 0;
    for i in 0..20 {
        last = store
            .create(&key(p, &format!("k{i:02}")), vec![i])
            .await
            .unwrap();
    }
    let (deleted, _) = store.delete(&key(p, "k05"), None).await.unwrap();
    drop(store);
    let store = backend.restart().await;
    assert!(store.current_revision().await.unwrap() >= deleted);
    let listed = store.list(p, ListOptions::default()).await.unwrap();
    assert_eq!(listed.items.len(), 19);
    assert_eq!(
        get_value(&*store, &key(p, "k19")).await,
        Some((vec![19], last))
    );
    let mut watch = store.watch(p, last).await.unwrap();
    assert_eq!(collect_events(&mut watch, 1).await[0].revision(), deleted);
    let next = store.create(&key(p, "after"), b"x".to_vec()).await.unwrap();
    assert!(next > deleted, "the revision continues after a restart");
}

/// A watcher that does not read while thousands of commits land (more than any in-process
/// buffer holds) still receives every one of them, in order.
pub async fn slow_watcher_catches_up_without_gaps(backend: &mut Backend) {
    const WRITERS: usize = 20;
    const WRITES: usize = 250;
    let store = backend.store().await;
    let p = "/test/slow/";
    let start = store.current_revision().await.unwrap();
    let mut watch = store.watch(p, start).await.unwrap();
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut acked = Vec::new();
                for i in 0..WRITES {
                    let k = format!("/test/slow/w{w:02}-{i:03}");
                    acked.push(store.create(&k, vec![1]).await.unwrap());
                }
                acked
            })
        })
        .collect();
    let mut acked = BTreeSet::new();
    for task in tasks {
        acked.extend(task.await.unwrap());
    }
    let events = collect_events(&mut watch, WRITERS * WRITES).await;
    let revisions: Vec<Revision> = events.iter().map(Event::revision).collect();
    assert!(revisions.windows(2).all(|w| w[0] < w[1]), "out of order");
    assert_eq!(revisions.into_iter().collect::<BTreeSet<_>>(), acked);
}

/// A watcher that has seen everything (its prefix quiet while others write) survives a
/// compaction up to the current revision and keeps delivering.
pub async fn compaction_does_not_break_a_caught_up_watch(backend: &mut Backend) {
    let store = backend.store().await;
    let start = store.current_revision().await.unwrap();
    let mut watch = store.watch("/test/caught-up/quiet/", start).await.unwrap();
    for i in 0..5 {
        store
            .create(&format!("/test/caught-up/busy/k{i}"), vec![i])
            .await
            .unwrap();
    }
    let current = store.current_revision().await.unwrap();
    store.compact(current).await.unwrap();
    // Let progress notifications run: they must not look for history behind the compaction.
    tokio::time::sleep(Duration::from_millis(TEST_PROGRESS_INTERVAL_MS * 3)).await;
    let r = store
        .create("/test/caught-up/quiet/a", b"x".to_vec())
        .await
        .unwrap();
    let events = collect_events(&mut watch, 1).await;
    assert_eq!(events[0].revision(), r);
}
