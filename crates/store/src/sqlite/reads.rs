//! The read side of the SQLite store: a small pool of query-only connections used from
//! `spawn_blocking` (WAL lets them read while the writer commits), the queries behind get, list
//! and watch replay, and the revisions the writer has made visible.
//!
//! Every read runs in one read transaction, so the counters it checks (current and compacted
//! revision) and the rows it returns come from the same snapshot.
//!
//! Owns: read queries and the visible-revision counters. Must not: write to the database.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row};

use super::schema::{Meta, backend, connect, prefix_end, read_meta, revision, sql_int};
use crate::error::StoreError;
use crate::types::{
    Event, EventKind, GetResult, KeyValue, ListOptions, ListResult, ReadAt, Revision,
};
use crate::watch::EventSource;
use crate::{BoxFuture, Result};

/// Idle read connections kept open for reuse (more are opened under load, then closed).
pub const READ_POOL_MAX_IDLE_CONNECTIONS: usize = 4;

const SELECT_LATEST: &str =
    "SELECT key, value, create_revision, mod_revision FROM latest WHERE key = ?1";

const LIST_LATEST: &str = "SELECT key, value, create_revision, mod_revision FROM latest
     WHERE key >= ?1 AND key < ?2 AND key <> ?3 ORDER BY key LIMIT ?4";

const COUNT_LATEST: &str = "SELECT COUNT(*) FROM latest WHERE key >= ?1 AND key < ?2 AND key <> ?3";

/// Per key in range, the newest log row at or below ?5, unless it is a tombstone. The outer scan
/// walks the (key, revision) index in key order and stops at the limit, so a page costs its own
/// size (times the versions per key), not the size of the rest of the range.
const LIST_AT: &str = "SELECT l.key, l.value, l.create_revision, l.revision FROM log AS l
     WHERE l.key >= ?1 AND l.key < ?2 AND l.key <> ?3 AND l.revision <= ?5 AND l.deleted = 0
       AND l.revision = (SELECT MAX(m.revision) FROM log AS m
                         WHERE m.key = l.key AND m.revision <= ?5)
     ORDER BY l.key LIMIT ?4";

const COUNT_AT: &str = "SELECT COUNT(*)
     FROM (SELECT key, MAX(revision) AS revision FROM log
           WHERE key >= ?1 AND key < ?2 AND key <> ?3 AND revision <= ?4 GROUP BY key) AS m
     JOIN log AS l ON l.revision = m.revision
     WHERE l.deleted = 0";

/// Log rows after ?1 under the prefix, with the version each replaced (for `prev_kv`).
const EVENTS_AFTER: &str = "SELECT l.revision, l.key, l.deleted, l.value, l.create_revision,
            p.revision, p.value, p.create_revision
     FROM log AS l LEFT JOIN log AS p ON p.revision = l.prev_revision AND p.deleted = 0
     WHERE l.revision > ?1 AND l.key >= ?2 AND l.key < ?3
     ORDER BY l.revision LIMIT ?4";

/// Why a read closure stopped: the database failed, or the request is refused.
#[derive(thiserror::Error, Debug)]
pub enum ReadError {
    /// SQLite failed.
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    /// A contract error (compacted, future revision, ...).
    #[error(transparent)]
    Store(#[from] StoreError),
}

struct Inner {
    path: PathBuf,
    busy_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
    /// The latest revision whose commit (and so whose events) is readable.
    visible: AtomicU64,
    /// The compacted revision as last committed by the writer.
    compacted: AtomicU64,
}

/// The read side; cheap to clone (clones share the pool and counters).
#[derive(Clone)]
pub struct ReadSide(Arc<Inner>);

impl ReadSide {
    /// A read side over the database at `path`, starting from the persisted counters.
    pub fn new(path: PathBuf, busy_timeout: Duration, meta: Meta) -> Self {
        ReadSide(Arc::new(Inner {
            path,
            busy_timeout,
            idle: Mutex::new(Vec::new()),
            visible: AtomicU64::new(meta.revision),
            compacted: AtomicU64::new(meta.compacted),
        }))
    }

    /// The latest revision whose events are readable.
    pub fn visible(&self) -> Revision {
        self.0.visible.load(Ordering::Acquire)
    }

    /// Called by the writer after a COMMIT: `revision` is now readable.
    pub fn set_visible(&self, revision: Revision) {
        self.0.visible.fetch_max(revision, Ordering::AcqRel);
    }

    /// The compacted revision.
    pub fn compacted(&self) -> Revision {
        self.0.compacted.load(Ordering::Acquire)
    }

    /// Called by the writer after committing a compaction step.
    pub fn set_compacted(&self, revision: Revision) {
        self.0.compacted.fetch_max(revision, Ordering::AcqRel);
    }

    /// Runs `read` in a read transaction on a pooled connection, on a blocking thread.
    pub async fn read<T, F>(&self, read: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, Meta) -> Result<T, ReadError> + Send + 'static,
    {
        let side = self.clone();
        tokio::task::spawn_blocking(move || side.read_now(read))
            .await
            .map_err(|e| StoreError::Backend(format!("read task failed: {e}")))?
    }

    fn read_now<T>(
        &self,
        read: impl FnOnce(&Connection, Meta) -> Result<T, ReadError>,
    ) -> Result<T> {
        let mut conn = self.take()?;
        let result = (|| {
            let tx = conn.transaction()?;
            let meta = read_meta(&tx)?;
            let out = read(&tx, meta)?;
            // Read-only: ending the transaction releases the snapshot.
            tx.rollback()?;
            Ok(out)
        })();
        self.give_back(conn);
        result.map_err(|e| match e {
            ReadError::Sql(e) => backend(&self.0.path, "cannot read", e),
            ReadError::Store(e) => e,
        })
    }

    fn take(&self) -> Result<Connection> {
        let pooled = self.lock_idle().pop();
        match pooled {
            Some(conn) => Ok(conn),
            None => connect(&self.0.path, self.0.busy_timeout, true),
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.lock_idle();
        if idle.len() < READ_POOL_MAX_IDLE_CONNECTIONS {
            idle.push(conn);
        }
    }

    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // The pool is a plain list: a panic elsewhere cannot leave it inconsistent.
        self.0.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The latest value of `key`.
    pub async fn get(&self, key: String) -> Result<GetResult> {
        self.read(move |conn, meta| {
            Ok(GetResult {
                kv: latest_of(conn, &key)?,
                revision: meta.revision,
            })
        })
        .await
    }

    /// A page of `prefix` (see [`ListOptions`]).
    pub async fn list(&self, prefix: String, options: ListOptions) -> Result<ListResult> {
        self.read(move |conn, meta| list_now(conn, meta, &prefix, &options))
            .await
    }
}

impl EventSource for ReadSide {
    fn events_after<'a>(
        &'a self,
        prefix: &'a str,
        after: Revision,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<Event>>> {
        let prefix = prefix.to_string();
        Box::pin(self.read(move |conn, meta| events_after(conn, meta, &prefix, after, limit)))
    }

    fn current_revision(&self) -> BoxFuture<'_, Result<Revision>> {
        Box::pin(async move { Ok(self.visible()) })
    }
}

/// The latest version of `key`, if live (also used by the writer inside its transaction).
pub fn latest_of(conn: &Connection, key: &str) -> rusqlite::Result<Option<KeyValue>> {
    conn.prepare_cached(SELECT_LATEST)?
        .query_row([key], key_value)
        .optional()
}

/// A `(key, value, create_revision, mod_revision)` row.
fn key_value(row: &Row<'_>) -> rusqlite::Result<KeyValue> {
    Ok(KeyValue {
        key: row.get(0)?,
        value: row.get(1)?,
        create_revision: revision(row.get(2)?),
        mod_revision: revision(row.get(3)?),
    })
}

/// The revision a read at `at` is served at, or why not.
fn check_read_at(meta: Meta, at: ReadAt) -> Result<Revision, StoreError> {
    match at {
        ReadAt::Latest => Ok(meta.revision),
        ReadAt::Revision(r) if r < meta.compacted => Err(StoreError::Compacted {
            requested: r,
            compacted: meta.compacted,
        }),
        ReadAt::Revision(r) if r > meta.revision => Err(StoreError::FutureRevision {
            requested: r,
            current: meta.revision,
        }),
        ReadAt::Revision(r) => Ok(r),
    }
}

fn list_now(
    conn: &Connection,
    meta: Meta,
    prefix: &str,
    options: &ListOptions,
) -> Result<ListResult, ReadError> {
    let at = check_read_at(meta, options.at)?;
    let end = prefix_end(prefix);
    let after = options.start_after.as_deref().unwrap_or("");
    // One lower bound, so SQLite seeks the key index to it instead of scanning from the prefix
    // (a page after `after` starts at `after`, which itself is excluded by `key <> ?3`).
    let lower = if after > prefix { after } else { prefix };
    let limit = options.limit.filter(|l| *l > 0);
    // One row past the page tells whether more follow; -1 is SQLite's "no limit".
    let fetch = limit.map_or(-1, |l| sql_int(l as u64).saturating_add(1));
    let from_latest = at == meta.revision;
    let mut items = if from_latest {
        let mut stmt = conn.prepare_cached(LIST_LATEST)?;
        let rows = stmt.query_map(rusqlite::params![lower, end, after, fetch], key_value)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    } else {
        let mut stmt = conn.prepare_cached(LIST_AT)?;
        let params = rusqlite::params![lower, end, after, fetch, sql_int(at)];
        let rows = stmt.query_map(params, key_value)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let more = limit.is_some_and(|l| items.len() > l);
    if let Some(l) = limit {
        items.truncate(l);
    }
    let count = match (options.count, more) {
        (false, _) => None,
        (true, false) => Some(items.len()),
        (true, true) => {
            let counted: i64 = if from_latest {
                conn.prepare_cached(COUNT_LATEST)?
                    .query_row(rusqlite::params![lower, end, after], |row| row.get(0))?
            } else {
                conn.prepare_cached(COUNT_AT)?
                    .query_row(rusqlite::params![lower, end, after, sql_int(at)], |row| {
                        row.get(0)
                    })?
            };
            Some(usize::try_from(counted).unwrap_or(0))
        }
    };
    Ok(ListResult {
        items,
        revision: at,
        more,
        count,
    })
}

fn events_after(
    conn: &Connection,
    meta: Meta,
    prefix: &str,
    after: Revision,
    limit: usize,
) -> Result<Vec<Event>, ReadError> {
    if after < meta.compacted {
        return Err(StoreError::Compacted {
            requested: after,
            compacted: meta.compacted,
        }
        .into());
    }
    let end = prefix_end(prefix);
    let limit = sql_int(limit as u64);
    let mut stmt = conn.prepare_cached(EVENTS_AFTER)?;
    let rows = stmt.query_map(rusqlite::params![sql_int(after), prefix, end, limit], event)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// An [`EVENTS_AFTER`] row as an event.
fn event(row: &Row<'_>) -> rusqlite::Result<Event> {
    let key: String = row.get(1)?;
    let deleted: bool = row.get(2)?;
    let prev_kv = match row.get::<_, Option<i64>>(5)? {
        Some(prev) => Some(KeyValue {
            key: key.clone(),
            value: row.get(6)?,
            create_revision: revision(row.get(7)?),
            mod_revision: revision(prev),
        }),
        None => None,
    };
    let kv = KeyValue {
        key,
        value: row.get(3)?,
        create_revision: revision(row.get(4)?),
        mod_revision: revision(row.get(0)?),
    };
    let kind = if deleted {
        EventKind::Delete
    } else {
        EventKind::Put
    };
    Ok(Event { kind, kv, prev_kv })
}
