//! Store benchmark (issue acceptance): durable writes/s (one writer, and 16 concurrent writers),
//! listing 100,000 objects (whole and in pages of 500), and watch fan-out latency with 100
//! watchers — for every backend available, in one run. Prints figures; asserts nothing about
//! time.
//!
//! Run: `cargo bench -p flotilla-store --bench store` (SQLite and memory), or with etcd:
//! `cargo bench -p flotilla-store --features etcd --bench store` (starts `etcd` from PATH on
//! loopback with a temporary data directory). Options: `-- --objects N --writes N`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use flotilla_store::{ListOptions, Revision, Store, WatchMessage};

#[cfg(feature = "etcd")]
#[path = "../tests/support/etcd_server.rs"]
mod etcd_server;

/// A backend under measurement; dropping it stops what it started.
struct Bench {
    name: String,
    store: Arc<dyn Store>,
    /// The data directory, removed on drop.
    _dir: Option<tempfile::TempDir>,
    /// The etcd process, stopped on drop.
    #[cfg(feature = "etcd")]
    _etcd: Option<etcd_server::EtcdServer>,
}

/// Every backend this build and machine have.
async fn available() -> Vec<Bench> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sqlite = flotilla_store::sqlite::SqliteStore::open(dir.path()).expect("open SQLite");
    #[cfg_attr(not(feature = "etcd"), allow(unused_mut))]
    let mut benches = vec![
        Bench {
            name: "memory (reference, not durable)".into(),
            store: Arc::new(flotilla_store::memory::MemoryStore::new()),
            _dir: None,
            #[cfg(feature = "etcd")]
            _etcd: None,
        },
        Bench {
            name: format!("sqlite (WAL, synchronous=FULL, {})", dir.path().display()),
            store: Arc::new(sqlite),
            _dir: Some(dir),
            #[cfg(feature = "etcd")]
            _etcd: None,
        },
    ];
    #[cfg(feature = "etcd")]
    if let Some(server) = etcd_server::EtcdServer::start_or_skip("store benchmark") {
        let options = flotilla_store::etcd::EtcdOptions {
            key_prefix: "/flotilla".into(),
            ..Default::default()
        };
        let store = flotilla_store::etcd::EtcdStore::connect(&server.endpoints(), options)
            .await
            .expect("connect to etcd");
        benches.push(Bench {
            name: format!(
                "etcd (one member, loopback, data in {})",
                server.data_dir().display()
            ),
            store: Arc::new(store),
            _dir: None,
            _etcd: Some(server),
        });
    }
    benches
}

/// Bytes per stored object (a typical small Kubernetes object).
const OBJECT_BYTES: usize = 1024;
/// Concurrent writers in the parallel write phase.
const PARALLEL_WRITERS: usize = 16;
/// Watchers in the fan-out phase.
const WATCHERS: usize = 100;
/// Writes observed by every watcher in the fan-out phase.
const FANOUT_WRITES: usize = 200;
/// Page size of the paginated list.
const PAGE_OBJECTS: usize = 500;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn value(i: usize) -> Vec<u8> {
    let mut v = format!("{{\"kind\":\"ConfigMap\",\"i\":{i},\"data\":\"").into_bytes();
    v.resize(OBJECT_BYTES - 2, b'x');
    v.extend_from_slice(b"\"}");
    v
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1e3
}

async fn sequential_writes(store: &Arc<dyn Store>, n: usize) -> f64 {
    let started = Instant::now();
    for i in 0..n {
        store
            .create(&format!("/bench/seq/default/o{i:07}"), value(i))
            .await
            .expect("create");
    }
    n as f64 / started.elapsed().as_secs_f64()
}

async fn parallel_writes(store: &Arc<dyn Store>, n: usize) -> f64 {
    let per_writer = n / PARALLEL_WRITERS;
    let started = Instant::now();
    let tasks: Vec<_> = (0..PARALLEL_WRITERS)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..per_writer {
                    let key = format!("/bench/par/default/w{w:02}-{i:07}");
                    store.create(&key, value(i)).await.expect("create");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("writer");
    }
    (per_writer * PARALLEL_WRITERS) as f64 / started.elapsed().as_secs_f64()
}

/// Loads `n` objects with parallel writers, then lists them whole and in pages.
async fn lists(store: &Arc<dyn Store>, n: usize) -> (Duration, Duration, Duration, usize) {
    let tasks: Vec<_> = (0..PARALLEL_WRITERS)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in (w..n).step_by(PARALLEL_WRITERS) {
                    let key = format!("/bench/list/default/o{i:07}");
                    store.create(&key, value(i)).await.expect("create");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("loader");
    }
    let started = Instant::now();
    let whole = store
        .list("/bench/list/", ListOptions::default())
        .await
        .expect("list");
    let whole_time = started.elapsed();
    assert_eq!(whole.items.len(), n);
    let started = Instant::now();
    let mut seen = 0;
    let mut options = ListOptions {
        limit: Some(PAGE_OBJECTS),
        ..Default::default()
    };
    loop {
        let page = store
            .list("/bench/list/", options.clone())
            .await
            .expect("page");
        seen += page.items.len();
        if !page.more {
            break;
        }
        options.at = flotilla_store::ReadAt::Revision(page.revision);
        options.start_after = page.items.last().map(|kv| kv.key.clone());
    }
    assert_eq!(seen, n);
    let paged = started.elapsed();
    // The same pages at that revision once it is history (a write landed since).
    store
        .create("/bench/other/default/x", value(0))
        .await
        .expect("create");
    let started = Instant::now();
    let mut options = ListOptions {
        limit: Some(PAGE_OBJECTS),
        at: flotilla_store::ReadAt::Revision(whole.revision),
        ..Default::default()
    };
    let mut seen = 0;
    loop {
        let page = store
            .list("/bench/list/", options.clone())
            .await
            .expect("page");
        seen += page.items.len();
        if !page.more {
            break;
        }
        options.start_after = page.items.last().map(|kv| kv.key.clone());
    }
    assert_eq!(seen, n);
    (whole_time, paged, started.elapsed(), whole.items.len())
}

/// `WATCHERS` watches on one prefix; latency from just before each write is issued to each
/// watcher's receipt of its event.
async fn fanout(store: &Arc<dyn Store>) -> Vec<Duration> {
    let start: Revision = store.current_revision().await.expect("revision");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(Revision, Instant)>();
    let mut tasks = Vec::new();
    for _ in 0..WATCHERS {
        let mut watch = store.watch("/bench/fan/", start).await.expect("watch");
        let tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = 0;
            while got < FANOUT_WRITES {
                match watch.next().await {
                    Some(Ok(WatchMessage::Events(events))) => {
                        let now = Instant::now();
                        for e in events {
                            got += 1;
                            let _ = tx.send((e.revision(), now));
                        }
                    }
                    Some(Ok(WatchMessage::Progress(_))) => {}
                    other => panic!("watch ended: {other:?}"),
                }
            }
        }));
    }
    drop(tx);
    let mut issued = std::collections::HashMap::new();
    for i in 0..FANOUT_WRITES {
        let at = Instant::now();
        let r = store
            .create(&format!("/bench/fan/default/o{i:05}"), value(i))
            .await
            .expect("create");
        issued.insert(r, at);
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    for t in tasks {
        t.await.expect("watcher");
    }
    let mut latencies = Vec::new();
    while let Ok((r, at)) = rx.try_recv() {
        latencies.push(at - issued[&r]);
    }
    latencies.sort();
    latencies
}

async fn run(name: &str, store: Arc<dyn Store>, objects: usize, writes: usize) {
    let seq = sequential_writes(&store, writes).await;
    let par = parallel_writes(&store, writes * 4).await;
    let (whole, paged, paged_old, n) = lists(&store, objects).await;
    let latencies = fanout(&store).await;
    println!("{name}");
    println!(
        "  durable writes, 1 writer      {seq:>10.0} writes/s ({writes} creates of {OBJECT_BYTES} B)"
    );
    println!(
        "  durable writes, {PARALLEL_WRITERS} writers    {par:>10.0} writes/s ({} creates)",
        writes * 4
    );
    println!(
        "  list {n} objects            whole {:.0} ms, in pages of {PAGE_OBJECTS} {:.0} ms, \
         in pages at an older revision {:.0} ms",
        whole.as_secs_f64() * 1e3,
        paged.as_secs_f64() * 1e3,
        paged_old.as_secs_f64() * 1e3
    );
    println!(
        "  watch fan-out, {WATCHERS} watchers   p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} deliveries)",
        pct(&latencies, 0.5),
        pct(&latencies, 0.99),
        pct(&latencies, 1.0),
        latencies.len()
    );
}

fn main() {
    let objects = arg("--objects", 100_000);
    let writes = arg("--writes", 2_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        for backend in available().await {
            run(&backend.name, backend.store.clone(), objects, writes).await;
            drop(backend);
        }
    });
}
