//! The watch phases: C watchers (each its own client and connection) on one namespace from a
//! known resourceVersion, one writer merge-patching the namespace's ConfigMaps back to back for
//! the phase length. Latency runs from just before a write is issued to a watcher's receipt of
//! its event (decoded); throughput is events delivered per second over all watchers.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::{Stream, StreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::ResourceExt;
use kube::api::{Api, ListParams, Patch, PatchParams, WatchEvent, WatchParams};
use tokio::sync::{mpsc, watch};

use crate::Options;
use crate::load::Row;

/// ConfigMaps the writer patches in turn.
const WATCH_TARGET_OBJECTS: usize = 10;
/// The `timeoutSeconds` of every watch request (seconds; well above a phase).
const WATCH_TIMEOUT_S: u32 = 280;
/// How long watchers may take to receive the last write once the writer stops (milliseconds).
const WATCH_DRAIN_TIMEOUT_MS: u64 = 30_000;

/// A receipt: the event's resourceVersion and when it arrived.
type Receipt = (u64, Instant);

/// Every watch phase.
pub async fn run_all(url: &str, options: &Options) -> Vec<Row> {
    let mut rows = Vec::new();
    for &watchers in &options.clients {
        rows.push(phase(url, watchers, options.phase_ms).await);
    }
    rows
}

/// One writer and `watchers` watchers for `phase_ms`.
async fn phase(url: &str, watchers: usize, phase_ms: u64) -> Row {
    let ns = format!("bench-watch-{watchers}");
    let setup = crate::client(url);
    crate::create_namespace(&setup, &ns).await;
    crate::fill(&setup, &ns, WATCH_TARGET_OBJECTS).await;
    let writer = Api::<ConfigMap>::namespaced(setup, &ns);
    let from = writer
        .list(&ListParams::default())
        .await
        .expect("list the watched namespace")
        .metadata
        .resource_version
        .expect("a list resourceVersion");
    let (receipts_tx, mut receipts_rx) = mpsc::unbounded_channel::<Receipt>();
    let (last_tx, last_rx) = watch::channel(None::<u64>);
    let mut handles = Vec::new();
    for _ in 0..watchers {
        let api = Api::<ConfigMap>::namespaced(crate::client(url), &ns);
        let params = WatchParams::default().timeout(WATCH_TIMEOUT_S);
        let stream = api.watch(&params, &from).await.expect("a watch");
        let task = receive(stream, last_rx.clone(), receipts_tx.clone());
        handles.push(tokio::spawn(task));
    }
    drop(receipts_tx);
    let started = Instant::now();
    let issued = write(&writer, phase_ms).await;
    let writes_per_s = issued.len() as f64 / started.elapsed().as_secs_f64();
    last_tx.send_replace(issued.keys().max().copied());
    let drain = started + Duration::from_millis(phase_ms + WATCH_DRAIN_TIMEOUT_MS);
    for handle in handles {
        let abort = handle.abort_handle();
        if tokio::time::timeout_at(drain.into(), handle).await.is_err() {
            abort.abort();
        }
    }
    let mut receipts = Vec::new();
    while let Ok(receipt) = receipts_rx.try_recv() {
        receipts.push(receipt);
    }
    summarize(watchers, started, &issued, receipts, writes_per_s)
}

fn summarize(
    watchers: usize,
    started: Instant,
    issued: &HashMap<u64, Instant>,
    receipts: Vec<Receipt>,
    writes_per_s: f64,
) -> Row {
    let last = receipts.iter().map(|r| r.1).max().unwrap_or(started);
    let mut latencies: Vec<Duration> = receipts
        .iter()
        .filter_map(|(rv, at)| {
            issued
                .get(rv)
                .map(|sent| at.saturating_duration_since(*sent))
        })
        .collect();
    latencies.sort();
    let expected = issued.len() * watchers;
    Row {
        op: "watch",
        clients: watchers,
        count: latencies.len(),
        per_s: latencies.len() as f64 / (last - started).as_secs_f64().max(f64::MIN_POSITIVE),
        errors: expected.saturating_sub(latencies.len()),
        latencies,
        note: format!(
            "events delivered; 1 writer, {} merge patches, {writes_per_s:.0} writes/s",
            issued.len()
        ),
    }
}

/// Patches the namespace's ConfigMaps in turn until `phase_ms` has passed; when each write was
/// issued, by the resourceVersion it produced.
async fn write(api: &Api<ConfigMap>, phase_ms: u64) -> HashMap<u64, Instant> {
    let deadline = Instant::now() + Duration::from_millis(phase_ms);
    let mut issued = HashMap::new();
    let mut sequence = 0usize;
    while Instant::now() < deadline {
        let name = format!("o{:05}", sequence % WATCH_TARGET_OBJECTS);
        let patch = serde_json::json!({"data": {"n": sequence.to_string()}});
        let at = Instant::now();
        let patched = api
            .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .expect("a merge patch");
        issued.insert(resource_version(&patched), at);
        sequence += 1;
    }
    issued
}

fn resource_version(object: &ConfigMap) -> u64 {
    object
        .resource_version()
        .and_then(|rv| rv.parse().ok())
        .expect("a numeric resourceVersion")
}

/// One watcher: forwards every event's receipt until it has seen the last write (once known),
/// the stream ends, or the phase aborts it.
async fn receive(
    stream: impl Stream<Item = kube::Result<WatchEvent<ConfigMap>>>,
    mut last: watch::Receiver<Option<u64>>,
    receipts: mpsc::UnboundedSender<Receipt>,
) {
    let mut stream = std::pin::pin!(stream);
    let mut newest = 0;
    loop {
        if last.borrow_and_update().is_some_and(|last| newest >= last) {
            return;
        }
        tokio::select! {
            event = stream.next() => match event {
                Some(Ok(WatchEvent::Added(o) | WatchEvent::Modified(o) | WatchEvent::Deleted(o))) => {
                    let rv = resource_version(&o);
                    newest = newest.max(rv);
                    let _ = receipts.send((rv, Instant::now()));
                }
                Some(Ok(WatchEvent::Bookmark(_))) => {}
                Some(Ok(WatchEvent::Error(e))) => {
                    eprintln!("watch error event: {e:?}");
                    return;
                }
                Some(Err(e)) => {
                    eprintln!("watch failed: {e}");
                    return;
                }
                None => return,
            },
            changed = last.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}
