//! The SQLite store's single writer: a dedicated thread that owns the read-write connection,
//! drains queued writes into one transaction (group commit), and steps compactions in bounded
//! batches between write batches.
//!
//! Within a batch every write is checked (create-if-absent, CAS) against the state left by the
//! writes before it and takes the next revision; the new current revision is stored in `meta`
//! in the same transaction. Only after COMMIT succeeds does the writer make the revision
//! visible, publish the events in revision order and reply; if the transaction fails, every
//! write of the batch gets [`StoreError::Backend`] and nothing of it is applied.
//!
//! Owns: mutation, revision assignment, commit publication and physical compaction. Must not:
//! run on (or block) a tokio runtime thread.

use std::path::PathBuf;
use std::sync::Arc;

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::{broadcast, mpsc, oneshot};

use super::reads::{ReadSide, latest_of};
use super::schema::{Meta, backend, read_meta, revision, sql_int};
use crate::error::StoreError;
use crate::types::{Event, EventKind, KeyValue, Revision};

/// Writes queued for the writer before senders wait.
pub const WRITE_QUEUE_CAPACITY_WRITES: usize = 1_024;
/// The most writes committed in one transaction.
pub const GROUP_COMMIT_MAX_WRITES: usize = 256;
/// Stop draining the queue into a batch once its values reach this size.
pub const GROUP_COMMIT_MAX_BYTES: usize = 16 * 1024 * 1024;
/// Revisions of history examined per compaction transaction (kine's batch size).
pub const COMPACT_BATCH_REVISIONS: u64 = 1_000;

const INSERT_LOG: &str = "INSERT INTO log
     (revision, key, deleted, value, create_revision, prev_revision)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
const INSERT_LATEST: &str = "INSERT INTO latest (key, value, create_revision, mod_revision)
     VALUES (?1, ?2, ?3, ?3)";
const UPDATE_LATEST: &str = "UPDATE latest SET value = ?2, mod_revision = ?3 WHERE key = ?1";
const DELETE_LATEST: &str = "DELETE FROM latest WHERE key = ?1";
const SET_REVISION: &str = "UPDATE meta SET revision = ?1 WHERE id = 1";

/// The first log row above ?1 (compaction skips empty stretches of history).
const FIRST_AFTER: &str = "SELECT MIN(revision) FROM log WHERE revision > ?1";
/// For the rows in [?1, ?2]: delete the versions they replaced (every version names the one
/// it replaced, so a version kept by an earlier compaction goes once a newer one is in range),
/// then the tombstones themselves. Ranges are compacted in ascending order within one
/// transaction each, so a reader at or above the target never sees a deleted key come back.
const COMPACT_REPLACED: &str = "DELETE FROM log WHERE revision IN
     (SELECT prev_revision FROM log WHERE revision BETWEEN ?1 AND ?2 AND prev_revision > 0)";
const COMPACT_TOMBSTONES: &str = "DELETE FROM log WHERE revision BETWEEN ?1 AND ?2 AND deleted = 1";
const SET_COMPACTED: &str = "UPDATE meta SET compacted = max(compacted, ?1),
     compact_done = max(compact_done, ?2) WHERE id = 1";

/// A mutation requested of the writer.
#[derive(Debug)]
pub enum Write {
    /// Create-if-absent.
    Create {
        /// The key.
        key: String,
        /// The value.
        value: Vec<u8>,
    },
    /// CAS on the mod revision.
    Update {
        /// The key.
        key: String,
        /// The expected mod revision.
        expected: Revision,
        /// The new value.
        value: Vec<u8>,
    },
    /// Delete, conditional when `expected` is given.
    Delete {
        /// The key.
        key: String,
        /// The expected mod revision.
        expected: Option<Revision>,
    },
}

impl Write {
    fn size_bytes(&self) -> usize {
        match self {
            Write::Create { key, value } | Write::Update { key, value, .. } => {
                key.len() + value.len()
            }
            Write::Delete { key, .. } => key.len(),
        }
    }
}

/// A write's outcome: its revision (the unchanged mod revision for a no-op update) and, for a
/// delete, the last pair.
#[derive(Debug)]
pub struct Written {
    /// The revision.
    pub revision: Revision,
    /// The deleted pair.
    pub previous: Option<KeyValue>,
}

/// What the store sends the writer.
pub enum Command {
    /// A mutation and where its outcome goes.
    Write(Write, oneshot::Sender<Result<Written, StoreError>>),
    /// Compact to this revision; the reply comes once the rows are gone.
    Compact(Revision, oneshot::Sender<Result<(), StoreError>>),
}

type Reply = oneshot::Sender<Result<Written, StoreError>>;

/// A committed batch: each write's outcome (in order), the events of those that took a
/// revision, and the revision after the batch.
type Batch = (Vec<Result<Written, StoreError>>, Vec<Event>, Revision);

/// A compaction in progress: the target and who waits for it.
struct Compaction {
    target: Revision,
    waiters: Vec<oneshot::Sender<Result<(), StoreError>>>,
}

/// The writer thread's state.
pub struct Writer {
    conn: Connection,
    path: PathBuf,
    commands: mpsc::Receiver<Command>,
    commits: broadcast::Sender<Arc<Event>>,
    reads: ReadSide,
    meta: Meta,
    compaction: Option<Compaction>,
}

enum Next {
    Command(Command),
    Idle,
    Closed,
}

impl Writer {
    /// A writer over `conn` (schema initialized, counters `meta`).
    pub fn new(
        conn: Connection,
        path: PathBuf,
        commands: mpsc::Receiver<Command>,
        commits: broadcast::Sender<Arc<Event>>,
        reads: ReadSide,
        meta: Meta,
    ) -> Self {
        // A compaction interrupted by a crash resumes on its own.
        let compaction = (meta.compact_done < meta.compacted).then(|| Compaction {
            target: meta.compacted,
            waiters: Vec::new(),
        });
        Writer {
            conn,
            path,
            commands,
            commits,
            reads,
            meta,
            compaction,
        }
    }

    /// Serves commands until every sender is gone and the queue is drained.
    pub fn run(mut self) {
        loop {
            let first = match self.next() {
                Next::Command(command) => Some(command),
                Next::Idle => None,
                Next::Closed => return,
            };
            if let Some(first) = first {
                let batch = self.gather(first);
                if !batch.is_empty() {
                    self.commit_batch(batch);
                }
            }
            if self.compaction.is_some() {
                self.compact_step();
            }
        }
    }

    /// The next command: waits for one unless a compaction has work to do.
    fn next(&mut self) -> Next {
        if self.compaction.is_none() {
            return self
                .commands
                .blocking_recv()
                .map_or(Next::Closed, Next::Command);
        }
        match self.commands.try_recv() {
            Ok(command) => Next::Command(command),
            Err(mpsc::error::TryRecvError::Empty) => Next::Idle,
            // The store is gone; an unfinished compaction resumes at the next open.
            Err(mpsc::error::TryRecvError::Disconnected) => Next::Closed,
        }
    }

    /// `first` and whatever is queued behind it, up to the batch bounds.
    fn gather(&mut self, first: Command) -> Vec<(Write, Reply)> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        let mut next = Some(first);
        while let Some(command) = next {
            match command {
                Command::Write(write, reply) => {
                    bytes += write.size_bytes();
                    batch.push((write, reply));
                }
                Command::Compact(target, reply) => self.request_compaction(target, reply),
            }
            if batch.len() >= GROUP_COMMIT_MAX_WRITES || bytes >= GROUP_COMMIT_MAX_BYTES {
                break;
            }
            next = self.commands.try_recv().ok();
        }
        batch
    }

    fn commit_batch(&mut self, batch: Vec<(Write, Reply)>) {
        let (writes, replies): (Vec<Write>, Vec<Reply>) = batch.into_iter().unzip();
        match self.apply(writes) {
            Ok((outcomes, events, revision)) => {
                self.meta.revision = revision;
                self.reads.set_visible(revision);
                for event in events {
                    // No receiver is fine: nobody watches.
                    let _ = self.commits.send(Arc::new(event));
                }
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    // The caller may have gone away; the write stands.
                    let _ = reply.send(outcome);
                }
            }
            Err(error) => {
                let error = backend(&self.path, "cannot commit to", error);
                for reply in replies {
                    let _ = reply.send(Err(error.clone()));
                }
            }
        }
    }

    /// Applies `writes` in order in one transaction: each outcome, the events of the writes
    /// that took a revision, and the revision after the batch.
    fn apply(&mut self, writes: Vec<Write>) -> rusqlite::Result<Batch> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let start = read_meta(&tx)?.revision;
        let mut current = start;
        let mut outcomes = Vec::with_capacity(writes.len());
        let mut events = Vec::new();
        for write in writes {
            match apply_one(&tx, write, current + 1)? {
                Ok((written, event)) => {
                    if let Some(event) = event {
                        current = event.revision();
                        events.push(event);
                    }
                    outcomes.push(Ok(written));
                }
                Err(refused) => outcomes.push(Err(refused)),
            }
        }
        if current != start {
            tx.prepare_cached(SET_REVISION)?
                .execute([sql_int(current)])?;
        }
        tx.commit()?;
        Ok((outcomes, events, current))
    }

    fn request_compaction(
        &mut self,
        requested: Revision,
        reply: oneshot::Sender<Result<(), StoreError>>,
    ) {
        let target = requested.min(self.meta.revision);
        let settled = self.meta.compact_done >= self.meta.compacted;
        if self.compaction.is_none() && settled && target <= self.meta.compacted {
            let _ = reply.send(Ok(()));
            return;
        }
        let compaction = self.compaction.get_or_insert_with(|| Compaction {
            target: self.meta.compacted,
            waiters: Vec::new(),
        });
        compaction.target = compaction.target.max(target);
        compaction.waiters.push(reply);
    }

    /// One bounded compaction transaction; replies to the waiters once the target is reached.
    fn compact_step(&mut self) {
        let Some(target) = self.compaction.as_ref().map(|c| c.target) else {
            return;
        };
        let outcome = match self.compact_range(target) {
            Ok(done) => {
                self.meta.compacted = self.meta.compacted.max(target);
                self.meta.compact_done = self.meta.compact_done.max(done);
                self.reads.set_compacted(self.meta.compacted);
                if done < target {
                    return;
                }
                Ok(())
            }
            Err(error) => Err(backend(&self.path, "cannot compact", error)),
        };
        // Finished (or failed: a later compact call resumes from `compact_done`).
        if let Some(compaction) = self.compaction.take() {
            for waiter in compaction.waiters {
                let _ = waiter.send(outcome.clone());
            }
        }
    }

    /// Compacts the next stretch of at most [`COMPACT_BATCH_REVISIONS`] revisions towards
    /// `target`, recording the compacted revision first: how far it got.
    fn compact_range(&mut self, target: Revision) -> rusqlite::Result<Revision> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let done = read_meta(&tx)?.compact_done;
        let first: Option<i64> = tx
            .prepare_cached(FIRST_AFTER)?
            .query_row([sql_int(done)], |row| row.get(0))?;
        let low = first.map_or(target + 1, revision).max(done + 1);
        let high = if low > target {
            target
        } else {
            (low + COMPACT_BATCH_REVISIONS - 1).min(target)
        };
        if low <= high {
            let range = [sql_int(low), sql_int(high)];
            tx.prepare_cached(COMPACT_REPLACED)?.execute(range)?;
            tx.prepare_cached(COMPACT_TOMBSTONES)?.execute(range)?;
        }
        tx.prepare_cached(SET_COMPACTED)?
            .execute([sql_int(target), sql_int(high)])?;
        tx.commit()?;
        Ok(high)
    }
}

type Applied = Result<(Written, Option<Event>), StoreError>;

/// One write inside the batch transaction, at revision `next` if it takes one. The outer error
/// fails the batch; the inner one refuses only this write.
fn apply_one(conn: &Connection, write: Write, next: Revision) -> rusqlite::Result<Applied> {
    match write {
        Write::Create { key, value } => create(conn, key, value, next),
        Write::Update {
            key,
            expected,
            value,
        } => update(conn, key, expected, value, next),
        Write::Delete { key, expected } => delete(conn, key, expected, next),
    }
}

fn create(
    conn: &Connection,
    key: String,
    value: Vec<u8>,
    next: Revision,
) -> rusqlite::Result<Applied> {
    if latest_of(conn, &key)?.is_some() {
        return Ok(Err(StoreError::AlreadyExists { key }));
    }
    append(conn, next, &key, Some(&value), next, 0)?;
    conn.prepare_cached(INSERT_LATEST)?
        .execute(rusqlite::params![key, value, sql_int(next)])?;
    let kv = KeyValue {
        key,
        value,
        create_revision: next,
        mod_revision: next,
    };
    Ok(Ok((written(next, None), Some(put(kv, None)))))
}

fn update(
    conn: &Connection,
    key: String,
    expected: Revision,
    value: Vec<u8>,
    next: Revision,
) -> rusqlite::Result<Applied> {
    let current = match checked(conn, &key, Some(expected))? {
        Ok(current) => current,
        Err(refused) => return Ok(Err(refused)),
    };
    if current.value == value {
        // Writing what is stored changes nothing and takes no revision.
        return Ok(Ok((written(current.mod_revision, None), None)));
    }
    let create = current.create_revision;
    append(conn, next, &key, Some(&value), create, current.mod_revision)?;
    conn.prepare_cached(UPDATE_LATEST)?
        .execute(rusqlite::params![key, value, sql_int(next)])?;
    let kv = KeyValue {
        key,
        value,
        create_revision: create,
        mod_revision: next,
    };
    Ok(Ok((written(next, None), Some(put(kv, Some(current))))))
}

fn delete(
    conn: &Connection,
    key: String,
    expected: Option<Revision>,
    next: Revision,
) -> rusqlite::Result<Applied> {
    let current = match checked(conn, &key, expected)? {
        Ok(current) => current,
        Err(refused) => return Ok(Err(refused)),
    };
    let create = current.create_revision;
    append(conn, next, &key, None, create, current.mod_revision)?;
    conn.prepare_cached(DELETE_LATEST)?.execute([&key])?;
    let event = Event {
        kind: EventKind::Delete,
        kv: KeyValue {
            key,
            value: Vec::new(),
            create_revision: create,
            mod_revision: next,
        },
        prev_kv: Some(current.clone()),
    };
    Ok(Ok((written(next, Some(current)), Some(event))))
}

/// The key's current pair if it exists and (when `expected` is given) has that mod revision.
fn checked(
    conn: &Connection,
    key: &str,
    expected: Option<Revision>,
) -> rusqlite::Result<Result<KeyValue, StoreError>> {
    let Some(current) = latest_of(conn, key)? else {
        return Ok(Err(StoreError::NotFound { key: key.into() }));
    };
    if let Some(expected) = expected
        && current.mod_revision != expected
    {
        return Ok(Err(StoreError::Conflict {
            key: key.into(),
            expected,
            current: Box::new(current),
        }));
    }
    Ok(Ok(current))
}

/// Appends a log row (`value` `None`: a tombstone).
fn append(
    conn: &Connection,
    at: Revision,
    key: &str,
    value: Option<&[u8]>,
    create_revision: Revision,
    prev_revision: Revision,
) -> rusqlite::Result<()> {
    conn.prepare_cached(INSERT_LOG)?.execute(rusqlite::params![
        sql_int(at),
        key,
        value.is_none(),
        value.unwrap_or_default(),
        sql_int(create_revision),
        sql_int(prev_revision),
    ])?;
    Ok(())
}

fn written(revision: Revision, previous: Option<KeyValue>) -> Written {
    Written { revision, previous }
}

fn put(kv: KeyValue, prev_kv: Option<KeyValue>) -> Event {
    Event {
        kind: EventKind::Put,
        kv,
        prev_kv,
    }
}
