//! Unit tests of the SQLite store: persistence across reopen, the no-op rule, compaction,
//! list at old revisions, group commit (including a failing batch), watches, refusals, and a
//! differential run against the in-memory reference store.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::schema::{self, DATABASE_FILE_NAME};
use super::*;
use crate::MAX_VALUE_BYTES;
use crate::memory::MemoryStore;
use crate::types::{EventKind, ReadAt};
use crate::watch::WatchMessage;

const WATCH_WAIT: Duration = Duration::from_secs(10);

fn key(name: &str) -> String {
    format!("/core/configmaps/default/{name}")
}

fn open(dir: &Path) -> SqliteStore {
    SqliteStore::open(dir).expect("open")
}

fn raw(dir: &Path) -> Connection {
    Connection::open(dir.join(DATABASE_FILE_NAME)).expect("raw connection")
}

fn log_rows(dir: &Path) -> Vec<(u64, String, bool)> {
    let conn = raw(dir);
    let mut stmt = conn
        .prepare("SELECT revision, key, deleted FROM log ORDER BY revision")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((schema::revision(r.get(0)?), r.get(1)?, r.get(2)?))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// Events of `watch` until one at or past `until` (progress messages skipped).
async fn events_until(watch: &mut Watch, until: Revision) -> Vec<Event> {
    let mut events = Vec::new();
    while events.last().map_or(0, Event::revision) < until {
        let message = tokio::time::timeout(WATCH_WAIT, watch.next())
            .await
            .expect("watch stalled")
            .expect("watch ended")
            .expect("watch error");
        if let WatchMessage::Events(batch) = message {
            events.extend(batch);
        }
    }
    events
}

#[tokio::test]
async fn revision_continues_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        assert_eq!(store.current_revision().await.unwrap(), 0);
        assert_eq!(store.create(&key("a"), b"1".to_vec()).await.unwrap(), 1);
        assert_eq!(store.update(&key("a"), 1, b"2".to_vec()).await.unwrap(), 2);
        assert_eq!(store.create(&key("b"), b"x".to_vec()).await.unwrap(), 3);
        let (rev, last) = store.delete(&key("b"), None).await.unwrap();
        assert_eq!(
            (rev, last.value.as_slice(), last.mod_revision),
            (4, &b"x"[..], 3)
        );
    }
    let store = open(dir.path());
    assert_eq!(store.current_revision().await.unwrap(), 4);
    let got = store.get(&key("a")).await.unwrap();
    assert_eq!(got.revision, 4);
    let kv = got.kv.unwrap();
    assert_eq!(
        (kv.value, kv.create_revision, kv.mod_revision),
        (b"2".to_vec(), 1, 2)
    );
    assert_eq!(store.get(&key("b")).await.unwrap().kv, None);
    assert_eq!(store.create(&key("b"), b"y".to_vec()).await.unwrap(), 5);
}

#[tokio::test]
async fn identical_update_is_a_noop_without_a_revision() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let created = store.create(&key("a"), b"same".to_vec()).await.unwrap();
    let again = store
        .update(&key("a"), created, b"same".to_vec())
        .await
        .unwrap();
    assert_eq!(again, created, "the unchanged mod revision");
    assert_eq!(store.current_revision().await.unwrap(), created);
    assert_eq!(log_rows(dir.path()).len(), 1, "no log row for a no-op");
    // A stale expected revision is still a conflict, even with the same value.
    let changed = store
        .update(&key("a"), created, b"new".to_vec())
        .await
        .unwrap();
    match store.update(&key("a"), created, b"new".to_vec()).await {
        Err(StoreError::Conflict {
            expected, current, ..
        }) => assert_eq!((expected, current.mod_revision), (created, changed)),
        other => panic!("{other:?}"),
    }
    match store.update(&key("nope"), 1, b"v".to_vec()).await {
        Err(StoreError::NotFound { key: k }) => assert_eq!(k, key("nope")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn compaction_keeps_latest_versions_and_the_revision() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        store.create(&key("a"), b"a1".to_vec()).await.unwrap(); // 1
        store.update(&key("a"), 1, b"a2".to_vec()).await.unwrap(); // 2
        store.update(&key("a"), 2, b"a3".to_vec()).await.unwrap(); // 3
        store.create(&key("b"), b"b1".to_vec()).await.unwrap(); // 4
        store.create(&key("c"), b"c1".to_vec()).await.unwrap(); // 5
        store.update(&key("c"), 5, b"c2".to_vec()).await.unwrap(); // 6
        store.delete(&key("b"), Some(4)).await.unwrap(); // 7
        store.update(&key("c"), 6, b"c3".to_vec()).await.unwrap(); // 8
        store.delete(&key("c"), None).await.unwrap(); // 9: the newest log row goes too
        store.compact(7).await.unwrap();
        assert_eq!(store.compacted_revision().await.unwrap(), 7);
        assert_eq!(store.current_revision().await.unwrap(), 9);
        // a@3 is a's newest at or below 7; c@6 is c's; b's tombstone and history go.
        let rows: Vec<_> = log_rows(dir.path()).into_iter().map(|r| r.0).collect();
        assert_eq!(rows, vec![3, 6, 8, 9]);
        let at7 = store
            .list(
                "/",
                ListOptions {
                    at: ReadAt::Revision(7),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let pairs: Vec<_> = at7
            .items
            .iter()
            .map(|kv| (kv.key.clone(), kv.mod_revision))
            .collect();
        assert_eq!(pairs, vec![(key("a"), 3), (key("c"), 6)]);
        let old = ListOptions {
            at: ReadAt::Revision(6),
            ..Default::default()
        };
        assert_eq!(
            store.list("/", old).await,
            Err(StoreError::Compacted {
                requested: 6,
                compacted: 7
            })
        );
        assert!(matches!(
            store.watch("/", 6).await,
            Err(StoreError::Compacted { .. })
        ));
        // Compacting lower is a no-op; compacting past the current revision caps at it.
        store.compact(3).await.unwrap();
        assert_eq!(store.compacted_revision().await.unwrap(), 7);
        store.compact(100).await.unwrap();
        assert_eq!(store.compacted_revision().await.unwrap(), 9);
        assert_eq!(log_rows(dir.path()).len(), 1, "only a@3 is left");
    }
    let store = open(dir.path());
    assert_eq!(
        store.current_revision().await.unwrap(),
        9,
        "not lowered by compaction"
    );
    assert_eq!(store.compacted_revision().await.unwrap(), 9);
    assert_eq!(store.create(&key("d"), b"d".to_vec()).await.unwrap(), 10);
}

#[tokio::test]
async fn an_interrupted_compaction_resumes_on_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        store.create(&key("a"), b"1".to_vec()).await.unwrap();
        for rev in 1..2_500 {
            store
                .update(&key("a"), rev, format!("v{rev}").into_bytes())
                .await
                .unwrap();
        }
    }
    // As if a crash hit right after the first compaction step recorded the target.
    raw(dir.path())
        .execute("UPDATE meta SET compacted = 2400, compact_done = 0", [])
        .unwrap();
    let store = open(dir.path());
    store.compact(2_400).await.unwrap();
    let rows = log_rows(dir.path());
    assert_eq!(rows.first().map(|r| r.0), Some(2_400));
    assert_eq!(rows.len(), 101);
}

#[tokio::test]
async fn list_at_an_old_revision_paginates() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for i in 0..10 {
        store.create(&key(&format!("k{i}")), vec![i]).await.unwrap();
    }
    store
        .create("/core/configmaps/other/x", b"x".to_vec())
        .await
        .unwrap(); // 11
    let snapshot = store.current_revision().await.unwrap();
    store
        .update(&key("k0"), 1, b"changed".to_vec())
        .await
        .unwrap();
    store.delete(&key("k1"), None).await.unwrap();
    store.create(&key("k10"), b"late".to_vec()).await.unwrap();
    let prefix = "/core/configmaps/default/";
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let options = ListOptions {
            at: ReadAt::Revision(snapshot),
            start_after: after.clone(),
            limit: Some(3),
            count: true,
        };
        let page = store.list(prefix, options).await.unwrap();
        assert_eq!(page.revision, snapshot);
        assert_eq!(
            page.count,
            Some(10 - seen.len()),
            "keys left from this page on"
        );
        seen.extend(
            page.items
                .iter()
                .map(|kv| (kv.key.clone(), kv.value.clone())),
        );
        after = page.items.last().map(|kv| kv.key.clone());
        if !page.more {
            break;
        }
    }
    let expected: Vec<_> = (0..10u8)
        .map(|i| (key(&format!("k{i}")), vec![i]))
        .collect();
    assert_eq!(
        seen, expected,
        "the snapshot's keys and values, in key order"
    );
    let latest = store
        .list(
            prefix,
            ListOptions {
                count: true,
                ..Default::default()
            },
        )
        .await;
    let latest = latest.unwrap();
    assert_eq!(
        (latest.items.len(), latest.count, latest.more),
        (10, Some(10), false)
    );
    assert_eq!(latest.items[0].value, b"changed");
    let future = ListOptions {
        at: ReadAt::Revision(99),
        ..Default::default()
    };
    assert_eq!(
        store.list(prefix, future).await,
        Err(StoreError::FutureRevision {
            requested: 99,
            current: 14
        })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_commit_gives_concurrent_writes_distinct_revisions() {
    const WRITERS: usize = 16;
    const WRITES_EACH: usize = 40;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(open(dir.path()));
    let counter = key("counter");
    store.create(&counter, b"0".to_vec()).await.unwrap();
    let mut watch = store.watch("/", 0).await.unwrap();
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let (store, counter) = (store.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            let mut revisions = Vec::new();
            for i in 0..WRITES_EACH {
                let own = key(&format!("w{w}-{i}"));
                revisions.push(store.create(&own, b"v".to_vec()).await.unwrap());
                // A read-modify-write loop on the shared counter (CAS, retry on conflict).
                loop {
                    let kv = store.get(&counter).await.unwrap().kv.unwrap();
                    let n: u64 = String::from_utf8(kv.value).unwrap().parse().unwrap();
                    let next = (n + 1).to_string().into_bytes();
                    match store.update(&counter, kv.mod_revision, next).await {
                        Ok(rev) => break revisions.push(rev),
                        Err(StoreError::Conflict { .. }) => continue,
                        Err(e) => panic!("{e}"),
                    }
                }
            }
            revisions
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let total = WRITERS * WRITES_EACH;
    all.sort_unstable();
    all.dedup();
    assert_eq!(
        all.len(),
        2 * total,
        "every acknowledged write has its own revision"
    );
    let current = store.current_revision().await.unwrap();
    assert_eq!(current, 1 + 2 * total as u64);
    let value = store.get(&counter).await.unwrap().kv.unwrap().value;
    assert_eq!(value, total.to_string().into_bytes());
    let events = events_until(&mut watch, current).await;
    let revisions: Vec<_> = events.iter().map(Event::revision).collect();
    let expected: Vec<_> = (1..=current).collect();
    assert!(revisions == expected, "gap or reordering in {revisions:?}");
}

#[test]
fn a_failing_batch_fails_every_write_and_applies_none() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE_NAME);
    let mut conn = schema::connect(&path, Duration::from_secs(1), false).unwrap();
    let meta = schema::initialize(&mut conn, &path).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER boom BEFORE INSERT ON log WHEN NEW.key LIKE '%/boom'
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
    )
    .unwrap();
    let reads = ReadSide::new(path.clone(), Duration::from_secs(1), meta);
    let (commits, mut live) = broadcast::channel(BROADCAST_CAPACITY_EVENTS);
    let (commands, queue) = mpsc::channel(WRITE_QUEUE_CAPACITY_WRITES);
    let mut replies = Vec::new();
    // Queued before the writer runs, so they form one batch.
    for name in ["a", "boom", "c"] {
        let (reply, outcome) = oneshot::channel();
        let write = Write::Create {
            key: key(name),
            value: b"v".to_vec(),
        };
        commands.try_send(Command::Write(write, reply)).unwrap();
        replies.push(outcome);
    }
    drop(commands);
    Writer::new(conn, path, queue, commits, reads.clone(), meta).run();
    for outcome in replies {
        match outcome.blocking_recv().unwrap() {
            Err(StoreError::Backend(message)) => assert!(message.contains("injected failure")),
            other => panic!("{other:?}"),
        }
    }
    assert!(log_rows(dir.path()).is_empty(), "nothing half-applied");
    let revision: i64 = raw(dir.path())
        .query_row("SELECT revision FROM meta", [], |r| r.get(0))
        .unwrap();
    assert_eq!((revision, reads.visible()), (0, 0));
    assert!(live.try_recv().is_err(), "nothing published");
}

#[tokio::test]
async fn watch_replays_history_then_follows_commits_and_reports_progress() {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteOptions {
        progress_interval: Duration::from_millis(50),
        ..Default::default()
    };
    let store = SqliteStore::open_with(dir.path(), options).unwrap();
    store.create(&key("a"), b"1".to_vec()).await.unwrap();
    store
        .create("/core/secrets/default/s", b"s".to_vec())
        .await
        .unwrap();
    store.update(&key("a"), 1, b"2".to_vec()).await.unwrap();
    let mut watch = store.watch("/core/configmaps/", 0).await.unwrap();
    store.delete(&key("a"), Some(3)).await.unwrap();
    let events = events_until(&mut watch, 4).await;
    let summary: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.kind,
                e.revision(),
                e.prev_kv.as_ref().map(|p| p.mod_revision),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (EventKind::Put, 1, None),
            (EventKind::Put, 3, Some(1)),
            (EventKind::Delete, 4, Some(3))
        ]
    );
    assert_eq!(events[2].kv.create_revision, 1);
    assert_eq!(events[2].prev_kv.as_ref().unwrap().value, b"2");
    let next = tokio::time::timeout(WATCH_WAIT, watch.next()).await;
    let next = next.expect("no progress notification").unwrap().unwrap();
    assert_eq!(next, WatchMessage::Progress(4));
}

#[tokio::test]
async fn bad_input_is_refused_before_any_io() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    assert!(matches!(
        store.create("/core/configmaps", b"v".to_vec()).await,
        Err(StoreError::InvalidKey { .. })
    ));
    assert!(matches!(
        store
            .create(&key("big"), vec![0; MAX_VALUE_BYTES + 1])
            .await,
        Err(StoreError::ValueTooLarge { .. })
    ));
    assert!(matches!(
        store
            .update(&key("big"), 1, vec![0; MAX_VALUE_BYTES + 1])
            .await,
        Err(StoreError::ValueTooLarge { .. })
    ));
    assert!(matches!(
        store.get("nope").await,
        Err(StoreError::InvalidKey { .. })
    ));
    assert!(matches!(
        store.delete("/a//b", None).await,
        Err(StoreError::InvalidKey { .. })
    ));
    assert!(matches!(
        store.list("/core", ListOptions::default()).await,
        Err(StoreError::InvalidPrefix { .. })
    ));
    assert!(matches!(
        store.watch("core/", 0).await,
        Err(StoreError::InvalidPrefix { .. })
    ));
    assert_eq!(store.current_revision().await.unwrap(), 0);
    assert_eq!(
        store
            .create(&key("max"), vec![7; MAX_VALUE_BYTES])
            .await
            .unwrap(),
        1
    );
}

#[test]
fn open_names_the_path_of_a_file_a_corrupt_database_or_a_busy_directory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let message = |result: Result<SqliteStore>| match result {
        Err(StoreError::Backend(message)) => message,
        other => panic!("{other:?}"),
    };
    let not_dir = message(SqliteStore::open(&file));
    assert!(
        not_dir.contains("plain-file") && not_dir.contains("not a directory"),
        "{not_dir}"
    );
    let corrupt = dir.path().join("corrupt");
    std::fs::create_dir(&corrupt).unwrap();
    std::fs::write(corrupt.join(DATABASE_FILE_NAME), vec![0x5a; 8192]).unwrap();
    let bad = message(SqliteStore::open(&corrupt));
    assert!(
        bad.contains("corrupt/flotilla.db") && bad.contains("not a database"),
        "{bad}"
    );
    let busy = dir.path().join("busy");
    let first = SqliteStore::open(&busy).unwrap();
    let second = message(SqliteStore::open(&busy));
    assert!(
        second.contains("busy") && second.contains("in use"),
        "{second}"
    );
    drop(first);
    SqliteStore::open(&busy).unwrap();
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// One random operation applied to both stores; their answers must be equal.
async fn step_both(rng: &mut Rng, memory: &MemoryStore, sqlite: &SqliteStore) {
    let ns = if rng.below(2) == 0 { "a" } else { "b" };
    let k = format!("/core/configmaps/{ns}/k{}", rng.below(6));
    let value = vec![b'v', u8::try_from(rng.below(3)).unwrap()];
    let current = memory
        .get(&k)
        .await
        .unwrap()
        .kv
        .map_or(0, |kv| kv.mod_revision);
    let expected = if rng.below(4) == 0 {
        rng.below(current + 2)
    } else {
        current
    };
    match rng.below(4) {
        0 => assert_eq!(
            memory.create(&k, value.clone()).await,
            sqlite.create(&k, value).await
        ),
        1 | 2 => assert_eq!(
            memory.update(&k, expected, value.clone()).await,
            sqlite.update(&k, expected, value).await
        ),
        _ => {
            let expected = (rng.below(2) == 0).then_some(expected);
            assert_eq!(
                memory.delete(&k, expected).await,
                sqlite.delete(&k, expected).await
            );
        }
    }
}

#[tokio::test]
async fn matches_the_memory_store_on_a_random_workload() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = open(dir.path());
    let memory = MemoryStore::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..600 {
        step_both(&mut rng, &memory, &sqlite).await;
        if i == 300 || i == 450 {
            let target = memory.current_revision().await.unwrap().saturating_sub(40);
            memory.compact(target).await.unwrap();
            sqlite.compact(target).await.unwrap();
        }
    }
    let current = memory.current_revision().await.unwrap();
    assert_eq!(sqlite.current_revision().await.unwrap(), current);
    let compacted = memory.compacted_revision().await.unwrap();
    assert_eq!(sqlite.compacted_revision().await.unwrap(), compacted);
    for at in compacted.saturating_sub(2)..=current + 1 {
        for prefix in ["/", "/core/configmaps/a/", "/core/configmaps/b/"] {
            let mut after = None;
            loop {
                let options = ListOptions {
                    at: ReadAt::Revision(at),
                    start_after: after.clone(),
                    limit: Some(2),
                    count: true,
                };
                let page = memory.list(prefix, options.clone()).await;
                assert_eq!(page, sqlite.list(prefix, options).await, "at {at} {prefix}");
                let Ok(page) = page else { break };
                after = page.items.last().map(|kv| kv.key.clone());
                if !page.more {
                    break;
                }
            }
        }
    }
    let mut from_memory = memory
        .watch("/core/configmaps/a/", compacted)
        .await
        .unwrap();
    let mut from_sqlite = sqlite
        .watch("/core/configmaps/a/", compacted)
        .await
        .unwrap();
    // A last commit under the prefix marks where both streams must have got to.
    let end = "/core/configmaps/a/zz-end";
    let until = memory.create(end, b"end".to_vec()).await.unwrap();
    assert_eq!(sqlite.create(end, b"end".to_vec()).await.unwrap(), until);
    assert_eq!(
        events_until(&mut from_memory, until).await,
        events_until(&mut from_sqlite, until).await
    );
}

/// Throughput figures (not a test of speed: nothing is asserted). Run with
/// `cargo test -p flotilla-store --release -- --ignored --nocapture write_throughput`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "prints a throughput report; run by hand"]
async fn write_throughput_report() {
    const WRITES: usize = 2_000;
    for writers in [1usize, 16] {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(open(dir.path()));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..writers {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..WRITES / writers {
                    let k = key(&format!("w{w}-{i}"));
                    store.create(&k, vec![b'x'; 1024]).await.unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let rate = WRITES as f64 / started.elapsed().as_secs_f64();
        println!("{writers:>2} concurrent writer(s): {rate:.0} writes/s (1 KiB values)");
    }
}
