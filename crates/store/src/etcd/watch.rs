//! Watches on etcd: one etcd watch stream per store watch, from `after + 1` with `prev_kv` and
//! `progress_notify`, read by one task that forwards each etcd response's events as one
//! [`WatchMessage::Events`].
//!
//! - Progress: the task asks etcd for a progress notification every progress interval. etcd
//!   before 3.4.25 / 3.5.8 may answer that request before it has sent the events at or below the
//!   revision it reports (its answer and the events race, and it answers even while the watcher
//!   is still replaying history: seen with etcd 3.4.23). So a notification's revision is passed
//!   on only once a second notification, asked for at least [`PROGRESS_CONFIRM_DELAY_MS`] later,
//!   has arrived with no event at or below that revision in between. An event that shows up
//!   after it proves the notification premature, and it is dropped. etcd replays history in
//!   batches every 100 ms, so a watcher still catching up delivers events within the delay.
//! - Compaction: etcd cancels a watch whose start has been compacted, with the compacted
//!   revision: that ends the watch with [`StoreError::Compacted`].
//! - Reconnection: when the stream breaks (etcd restarted, connection lost) the task opens a new
//!   one from the last delivered revision + 1, with backoff, so nothing is lost or repeated; it
//!   gives up with [`StoreError::Backend`] after [`RECONNECT_DEADLINE_MS`] without success.
//!
//! Owns: etcd watch streams and their translation. Must not: filter or buffer beyond one etcd
//! response.

use std::sync::Arc;
use std::time::Duration;

use etcd_client::{WatchOptions, WatchResponse, WatchStream};
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use super::Inner;
use super::convert::{Failure, etcd_revision, event, revision, rpc};
use crate::Result;
use crate::error::StoreError;
use crate::types::{Event, Revision};
use crate::watch::{WATCH_BUFFER_MESSAGES, Watch, WatchMessage};

/// Wait between a progress notification and the request for the one that confirms it
/// (milliseconds; above etcd's 100 ms history-replay period).
const PROGRESS_CONFIRM_DELAY_MS: u64 = 200;
/// The shortest progress request interval honoured (milliseconds).
const MIN_PROGRESS_INTERVAL_MS: u64 = 10;
/// First wait before re-establishing a broken watch stream (milliseconds).
const RECONNECT_BACKOFF_INITIAL_MS: u64 = 100;
/// Longest wait between attempts to re-establish a watch stream (milliseconds).
const RECONNECT_BACKOFF_MAX_MS: u64 = 2_000;
/// How long a broken watch keeps trying before it ends with an error (milliseconds).
const RECONNECT_DEADLINE_MS: u64 = 60_000;

/// Opens the etcd watch (so an unreachable etcd fails the call) and starts the task reading it.
pub(super) async fn start(inner: Arc<Inner>, prefix: &str, after: Revision) -> Result<Watch> {
    let (key, range_end) = inner.keys.range(prefix);
    let watcher = Watcher {
        inner,
        key,
        range_end,
        sent: after,
        broken_since: None,
    };
    let stream = watcher.open().await?;
    let (tx, rx) = mpsc::channel(WATCH_BUFFER_MESSAGES);
    let task = tokio::spawn(async move { watcher.run(stream, tx).await });
    Ok(Watch::new(rx, Some(task)))
}

type Sender = mpsc::Sender<Result<WatchMessage>>;

struct Watcher {
    inner: Arc<Inner>,
    /// The etcd key range watched.
    key: Vec<u8>,
    range_end: Vec<u8>,
    /// Every commit under the prefix up to this revision has been delivered.
    sent: Revision,
    /// When the stream broke, while it has not delivered anything since.
    broken_since: Option<Instant>,
}

/// Why a stream stopped being read.
enum Ended {
    /// The reader dropped the watch.
    ReaderGone,
    /// The stream broke; a new one may work.
    Broken(String),
    /// The watch is over, with this error.
    Failed(StoreError),
}

/// Where the confirmation of a progress notification stands.
#[derive(Clone, Copy)]
enum Progress {
    /// No notification pending.
    Idle,
    /// A notification at `revision` arrived; its confirmation is requested at `confirm_at`.
    Seen {
        revision: Revision,
        confirm_at: Instant,
    },
    /// The confirmation of a notification at `revision` has been requested.
    Confirming { revision: Revision },
}

impl Watcher {
    async fn open(&self) -> Result<WatchStream, Failure> {
        let options = WatchOptions::new()
            .with_range(self.range_end.clone())
            .with_start_revision(etcd_revision(self.sent + 1))
            .with_prev_key()
            .with_progress_notify();
        let mut client = self.inner.watch.clone();
        rpc(
            self.inner.request_timeout,
            client.watch(self.key.clone(), Some(options)),
        )
        .await
    }

    async fn run(mut self, mut stream: WatchStream, tx: Sender) {
        loop {
            let reason = match self.pump(stream, &tx).await {
                Ended::ReaderGone => return,
                Ended::Failed(error) => {
                    let _ = tx.send(Err(error)).await;
                    return;
                }
                Ended::Broken(reason) => reason,
            };
            stream = match self.reopen(&tx, reason).await {
                Ok(stream) => stream,
                Err(Ended::Failed(error)) => {
                    let _ = tx.send(Err(error)).await;
                    return;
                }
                Err(_) => return,
            };
        }
    }

    /// Opens a new stream from `sent + 1`, with backoff, until the deadline.
    async fn reopen(&mut self, tx: &Sender, mut reason: String) -> Result<WatchStream, Ended> {
        let since = *self.broken_since.get_or_insert_with(Instant::now);
        let deadline = Duration::from_millis(RECONNECT_DEADLINE_MS);
        let mut backoff = Duration::from_millis(RECONNECT_BACKOFF_INITIAL_MS);
        loop {
            if tx.is_closed() {
                return Err(Ended::ReaderGone);
            }
            if since.elapsed() >= deadline {
                return Err(Ended::Failed(StoreError::Backend(format!(
                    "the etcd watch could not be re-established in {RECONNECT_DEADLINE_MS} ms: \
                     {reason}"
                ))));
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_millis(RECONNECT_BACKOFF_MAX_MS));
            match self.open().await {
                Ok(stream) => return Ok(stream),
                Err(failure) => reason = failure.into_error().to_string(),
            }
        }
    }

    /// Reads one stream until it ends, asking for progress notifications as it goes.
    async fn pump(&mut self, stream: WatchStream, tx: &Sender) -> Ended {
        let (mut requests, mut responses) = stream.split();
        let period = self
            .inner
            .progress_interval
            .max(Duration::from_millis(MIN_PROGRESS_INTERVAL_MS));
        let mut ticks = tokio::time::interval_at(Instant::now() + period, period);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut progress = Progress::Idle;
        loop {
            let confirm_at = match progress {
                Progress::Seen { confirm_at, .. } => Some(confirm_at),
                _ => None,
            };
            let request = tokio::select! {
                response = responses.message() => match response {
                    Ok(Some(response)) => {
                        if let Err(ended) = self.handle(response, &mut progress, tx).await {
                            return ended;
                        }
                        false
                    }
                    Ok(None) => return Ended::Broken("etcd closed the watch stream".into()),
                    Err(error) => return Ended::Broken(format!("etcd: {error}")),
                },
                _ = ticks.tick() => !matches!(progress, Progress::Seen { .. }),
                _ = sleep_until_some(confirm_at), if confirm_at.is_some() => {
                    if let Progress::Seen { revision, .. } = progress {
                        progress = Progress::Confirming { revision };
                    }
                    true
                }
            };
            if request && let Err(error) = requests.request_progress().await {
                return Ended::Broken(format!("etcd: {error}"));
            }
        }
    }

    /// Forwards one etcd response.
    async fn handle(
        &mut self,
        response: WatchResponse,
        progress: &mut Progress,
        tx: &Sender,
    ) -> Result<(), Ended> {
        if response.canceled() {
            let compacted = revision(response.compact_revision());
            if compacted > 0 {
                self.inner.learn_compacted(compacted);
                return Err(Ended::Failed(StoreError::Compacted {
                    requested: self.sent,
                    compacted,
                }));
            }
            return Err(Ended::Broken(format!(
                "etcd cancelled the watch: {}",
                response.cancel_reason()
            )));
        }
        if response.created() {
            return Ok(());
        }
        if !response.events().is_empty() {
            return self.on_events(&response, progress, tx).await;
        }
        // No events: a progress notification.
        match response.header() {
            Some(header) => {
                self.on_progress(revision(header.revision()), progress, tx)
                    .await
            }
            None => Ok(()),
        }
    }

    async fn on_events(
        &mut self,
        response: &WatchResponse,
        progress: &mut Progress,
        tx: &Sender,
    ) -> Result<(), Ended> {
        let events = response
            .events()
            .iter()
            .map(|e| event(&self.inner.keys, e))
            .collect::<Result<Vec<_>>>()
            .map_err(Ended::Failed)?;
        if let (Some(first), Progress::Seen { revision, .. } | Progress::Confirming { revision }) =
            (events.first(), *progress)
            && first.revision() <= revision
        {
            // The notification overtook these events: it proves nothing.
            *progress = Progress::Idle;
        }
        let last = events.last().map_or(self.sent, Event::revision);
        self.deliver(tx, WatchMessage::Events(events), last).await
    }

    /// A notification that every event up to `at` has been sent: noted, then confirmed (see the
    /// module documentation), then passed on.
    async fn on_progress(
        &mut self,
        at: Revision,
        progress: &mut Progress,
        tx: &Sender,
    ) -> Result<(), Ended> {
        match *progress {
            Progress::Idle => {
                *progress = Progress::Seen {
                    revision: at,
                    confirm_at: Instant::now() + Duration::from_millis(PROGRESS_CONFIRM_DELAY_MS),
                };
                Ok(())
            }
            Progress::Seen { .. } => Ok(()),
            Progress::Confirming { revision } => {
                *progress = Progress::Idle;
                let at = revision.max(self.sent);
                self.deliver(tx, WatchMessage::Progress(at), at).await
            }
        }
    }

    async fn deliver(
        &mut self,
        tx: &Sender,
        message: WatchMessage,
        through: Revision,
    ) -> Result<(), Ended> {
        tx.send(Ok(message)).await.map_err(|_| Ended::ReaderGone)?;
        self.sent = self.sent.max(through);
        self.broken_since = None;
        Ok(())
    }
}

async fn sleep_until_some(at: Option<Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
}
