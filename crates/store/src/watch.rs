//! Watches: the stream a caller reads ([`Watch`]), and the fan-out the in-process backends
//! (memory, SQLite) share. Each watch is one task that subscribes to the backend's commit
//! broadcast *before* replaying history, so every commit arrives exactly once: from the replay
//! if it was committed before, from the broadcast otherwise (duplicates are dropped by revision).
//! A watcher that falls behind the broadcast replays from history again; one whose position has
//! been compacted away gets [`StoreError::Compacted`], like an etcd watch cancel.
//!
//! Owns: ordering, gap-freedom and progress notifications of in-process watches. Must not: know
//! how a backend stores its history.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use crate::error::StoreError;
use crate::key::has_prefix;
use crate::types::{Event, Revision};
use crate::{BoxFuture, Result};

/// Messages buffered per watch before the producer waits for the reader.
pub const WATCH_BUFFER_MESSAGES: usize = 64;
/// Events replayed from history per query.
pub const REPLAY_PAGE_EVENTS: usize = 500;
/// Commits buffered in the broadcast before a slow watcher must replay from history.
pub const BROADCAST_CAPACITY_EVENTS: usize = 4096;
/// Times a progress notification drains the broadcast before reading history instead.
const PROGRESS_DRAIN_ATTEMPTS: usize = 3;
/// Default interval of progress notifications (kine's default).
pub const DEFAULT_PROGRESS_INTERVAL_MS: u64 = 5_000;

/// What a watch delivers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WatchMessage {
    /// Commits under the prefix, in revision order, with no gaps.
    Events(Vec<Event>),
    /// Every commit up to this revision has been delivered (a bookmark may advance to it).
    Progress(Revision),
}

/// A running watch. Dropping it stops the watch.
#[derive(Debug)]
pub struct Watch {
    rx: mpsc::Receiver<Result<WatchMessage>>,
    task: Option<JoinHandle<()>>,
}

impl Watch {
    /// A watch fed by `rx`; `task` (if any) is aborted when the watch is dropped.
    pub fn new(rx: mpsc::Receiver<Result<WatchMessage>>, task: Option<JoinHandle<()>>) -> Self {
        Watch { rx, task }
    }

    /// The next message; `None` once the watch has ended. An error ends the watch.
    pub async fn next(&mut self) -> Option<Result<WatchMessage>> {
        self.rx.recv().await
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// History as an in-process backend keeps it.
pub(crate) trait EventSource: Send + Sync + 'static {
    /// Up to `limit` events under `prefix` with revisions above `after`, in order;
    /// [`StoreError::Compacted`] if `after` is below the compacted revision.
    fn events_after<'a>(
        &'a self,
        prefix: &'a str,
        after: Revision,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Event>>>;

    /// The latest committed revision.
    fn current_revision(&self) -> BoxFuture<'_, Result<Revision>>;
}

/// Starts a watch over `source` fed live by `live`. `subscribed_at` is the store's current
/// revision read just after subscribing: every later commit arrives through `live`, so history
/// is read only when the watch starts before it.
pub(crate) fn spawn_watch(
    source: Arc<dyn EventSource>,
    live: broadcast::Receiver<Arc<Event>>,
    prefix: String,
    after: Revision,
    subscribed_at: Revision,
    progress_interval: Duration,
) -> Watch {
    let (tx, rx) = mpsc::channel(WATCH_BUFFER_MESSAGES);
    let task = tokio::spawn(async move {
        let mut watcher = Watcher {
            source,
            prefix,
            sent: after,
            tx,
        };
        if let Err(error) = watcher.run(live, subscribed_at, progress_interval).await {
            let _ = watcher.tx.send(Err(error)).await;
        }
    });
    Watch::new(rx, Some(task))
}

struct Watcher {
    source: Arc<dyn EventSource>,
    prefix: String,
    /// Every commit under the prefix up to this revision has been sent.
    sent: Revision,
    tx: mpsc::Sender<Result<WatchMessage>>,
}

/// The reader went away: stop quietly.
struct Gone;

impl From<Gone> for StoreError {
    fn from(_: Gone) -> Self {
        StoreError::Closed
    }
}

impl Watcher {
    async fn run(
        &mut self,
        mut live: broadcast::Receiver<Arc<Event>>,
        subscribed_at: Revision,
        progress_interval: Duration,
    ) -> Result<()> {
        if self.sent < subscribed_at && self.replay().await?.is_err() {
            return Ok(());
        }
        let mut progress = tokio::time::interval(progress_interval);
        progress.tick().await;
        loop {
            tokio::select! {
                received = live.recv() => match received {
                    Ok(event) => {
                        if self.forward(event).await.is_err() {
                            return Ok(());
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        if self.replay().await?.is_err() {
                            return Ok(());
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return Err(StoreError::Closed),
                },
                _ = progress.tick() => {
                    if self.progress(&mut live).await?.is_err() {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Sends every event in history after `sent`. The outer result is the store's; the inner
    /// one says whether the reader is still there.
    async fn replay(&mut self) -> Result<Result<(), Gone>> {
        loop {
            let page = self
                .source
                .events_after(&self.prefix, self.sent, REPLAY_PAGE_EVENTS)
                .await?;
            let full = page.len() == REPLAY_PAGE_EVENTS;
            if let Some(last) = page.last() {
                let last = last.revision();
                if self.tx.send(Ok(WatchMessage::Events(page))).await.is_err() {
                    return Ok(Err(Gone));
                }
                self.sent = last;
            }
            if !full {
                return Ok(Ok(()));
            }
        }
    }

    /// Sends a live commit if it is under the prefix. Every commit advances the position: the
    /// broadcast is in commit order without gaps (a lag is caught up from history first), so a
    /// quiet watcher's position keeps up and a compaction cannot pass it unseen.
    async fn forward(&mut self, event: Arc<Event>) -> Result<(), Gone> {
        let revision = event.revision();
        if revision <= self.sent {
            return Ok(());
        }
        if has_prefix(&event.kv.key, &self.prefix) {
            self.tx
                .send(Ok(WatchMessage::Events(vec![(*event).clone()])))
                .await
                .map_err(|_| Gone)?;
        }
        self.sent = revision;
        Ok(())
    }

    /// Forwards what the broadcast already holds; the outer result is the store's, the inner
    /// one whether the reader is still there.
    async fn drain(
        &mut self,
        live: &mut broadcast::Receiver<Arc<Event>>,
    ) -> Result<Result<(), Gone>> {
        loop {
            match live.try_recv() {
                Ok(event) => {
                    if let Err(gone) = self.forward(event).await {
                        return Ok(Err(gone));
                    }
                }
                Err(broadcast::error::TryRecvError::Empty) => return Ok(Ok(())),
                Err(broadcast::error::TryRecvError::Lagged(_)) => {
                    if let Err(gone) = self.replay().await? {
                        return Ok(Err(gone));
                    }
                }
                Err(broadcast::error::TryRecvError::Closed) => return Err(StoreError::Closed),
            }
        }
    }

    /// A progress notification at the current revision — only once every commit up to it has
    /// been sent: what the broadcast holds is forwarded first, and history is read only for
    /// commits that are not in the broadcast yet.
    async fn progress(
        &mut self,
        live: &mut broadcast::Receiver<Arc<Event>>,
    ) -> Result<Result<(), Gone>> {
        let mut current = self.source.current_revision().await?;
        for _ in 0..PROGRESS_DRAIN_ATTEMPTS {
            if current <= self.sent {
                break;
            }
            if let Err(gone) = self.drain(live).await? {
                return Ok(Err(gone));
            }
            current = self.source.current_revision().await?;
        }
        if current > self.sent
            && let Err(gone) = self.replay().await?
        {
            return Ok(Err(gone));
        }
        let at = current.max(self.sent);
        if self.tx.send(Ok(WatchMessage::Progress(at))).await.is_err() {
            return Ok(Err(Gone));
        }
        self.sent = at;
        Ok(Ok(()))
    }
}
