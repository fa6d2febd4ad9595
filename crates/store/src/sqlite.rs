//! The SQLite backend (the embedded default, kube-api.md §18.4): one database file
//! (`flotilla.db`, WAL, `synchronous=FULL`) in a data directory.
//!
//! - Writes go over a bounded queue to one writer thread (`writer`) that commits them in
//!   groups, one revision per mutation, and publishes each commit after COMMIT succeeded.
//! - Reads run on pooled query-only connections on `spawn_blocking` (`reads`); each read is
//!   one snapshot.
//! - Watches are the shared in-process fan-out ([`crate::watch`]) over the commit broadcast and
//!   the history log; [`Store::current_revision`] only reports revisions already readable from
//!   the log, so progress notifications never run ahead of history.
//!
//! Owns: the SQLite store's public face (open, options, the trait, shutdown). Must not: block a
//! tokio runtime thread on SQLite (apart from opening and the final join on drop).

mod reads;
mod schema;
mod writer;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot};

use crate::error::StoreError;
use crate::key::{validate_key, validate_prefix, validate_value};
use crate::types::{Event, GetResult, KeyValue, ListOptions, ListResult, Revision};
use crate::watch::{
    BROADCAST_CAPACITY_EVENTS, DEFAULT_PROGRESS_INTERVAL_MS, EventSource, Watch, spawn_watch,
};
use crate::{BoxFuture, Result, Store};

pub use reads::READ_POOL_MAX_IDLE_CONNECTIONS;
pub use schema::{DATABASE_FILE_NAME, LOCK_FILE_NAME, SCHEMA_VERSION};
pub use writer::{
    COMPACT_BATCH_REVISIONS, GROUP_COMMIT_MAX_BYTES, GROUP_COMMIT_MAX_WRITES,
    WRITE_QUEUE_CAPACITY_WRITES,
};

use reads::ReadSide;
use writer::{Command, Write, Writer, Written};

/// How long a connection waits for a lock held by another connection.
pub const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5_000;

/// Settings of [`SqliteStore::open_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Interval of watch progress notifications.
    pub progress_interval: Duration,
    /// SQLite busy timeout of every connection.
    pub busy_timeout: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            progress_interval: Duration::from_millis(DEFAULT_PROGRESS_INTERVAL_MS),
            busy_timeout: Duration::from_millis(DEFAULT_BUSY_TIMEOUT_MS),
        }
    }
}

/// The SQLite store. Dropping it lets the writer finish the queued writes, then joins it.
pub struct SqliteStore {
    dir: PathBuf,
    /// `None` once dropping (closes the queue).
    commands: Option<mpsc::Sender<Command>>,
    writer: Option<JoinHandle<()>>,
    commits: broadcast::Sender<Arc<Event>>,
    reads: ReadSide,
    progress_interval: Duration,
    /// Held for the store's life: one store per directory.
    _lock: std::fs::File,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the store in `dir` with default options.
    pub fn open(dir: &Path) -> Result<SqliteStore> {
        Self::open_with(dir, SqliteOptions::default())
    }

    /// Opens (creating if needed) the store in `dir`: the directory, its lock, the database
    /// file and schema, and the writer thread.
    pub fn open_with(dir: &Path, options: SqliteOptions) -> Result<SqliteStore> {
        let path = schema::database_path(dir)?;
        let lock = schema::lock_directory(dir)?;
        let mut conn = schema::connect(&path, options.busy_timeout, false)?;
        let meta = schema::initialize(&mut conn, &path)?;
        let reads = ReadSide::new(path.clone(), options.busy_timeout, meta);
        let (commits, _) = broadcast::channel(BROADCAST_CAPACITY_EVENTS);
        let (commands, queue) = mpsc::channel(WRITE_QUEUE_CAPACITY_WRITES);
        let writer = Writer::new(conn, path, queue, commits.clone(), reads.clone(), meta);
        let writer = std::thread::Builder::new()
            .name("flotilla-sqlite-writer".into())
            .spawn(move || writer.run())
            .map_err(|e| schema::backend(dir, "cannot start the writer thread for", e))?;
        Ok(SqliteStore {
            dir: dir.to_path_buf(),
            commands: Some(commands),
            writer: Some(writer),
            commits,
            reads,
            progress_interval: options.progress_interval,
            _lock: lock,
        })
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    async fn write(&self, write: Write) -> Result<Written> {
        let commands = self.commands.as_ref().ok_or(StoreError::Closed)?;
        let (reply, outcome) = oneshot::channel();
        commands
            .send(Command::Write(write, reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        outcome.await.map_err(|_| StoreError::Closed)?
    }

    async fn watch_now(&self, prefix: &str, after: Revision) -> Result<Watch> {
        validate_prefix(prefix)?;
        // Subscribe before any history read: a commit is either in the history the watch
        // replays (committed before the read's snapshot) or published after this point.
        let live = self.commits.subscribe();
        let compacted = self.reads.read(|_, meta| Ok(meta.compacted)).await?;
        if after < compacted {
            return Err(StoreError::Compacted {
                requested: after,
                compacted,
            });
        }
        let source: Arc<dyn EventSource> = Arc::new(self.reads.clone());
        // Read after subscribing: every commit above it arrives through `live`.
        let subscribed_at = source.current_revision().await?;
        Ok(spawn_watch(
            source,
            live,
            prefix.to_string(),
            after,
            subscribed_at,
            self.progress_interval,
        ))
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // Closing the queue ends the writer once it has committed what is queued.
        self.commands.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

impl Store for SqliteStore {
    fn current_revision(&self) -> BoxFuture<'_, Result<Revision>> {
        Box::pin(async move { Ok(self.reads.visible()) })
    }

    fn compacted_revision(&self) -> BoxFuture<'_, Result<Revision>> {
        Box::pin(async move { Ok(self.reads.compacted()) })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<GetResult>> {
        Box::pin(async move {
            validate_key(key)?;
            self.reads.get(key.to_string()).await
        })
    }

    fn create<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<Revision>> {
        Box::pin(async move {
            validate_key(key)?;
            validate_value(key, &value)?;
            let key = key.to_string();
            Ok(self.write(Write::Create { key, value }).await?.revision)
        })
    }

    fn update<'a>(
        &'a self,
        key: &'a str,
        expected: Revision,
        value: Vec<u8>,
    ) -> BoxFuture<'a, Result<Revision>> {
        Box::pin(async move {
            validate_key(key)?;
            validate_value(key, &value)?;
            let key = key.to_string();
            let write = Write::Update {
                key,
                expected,
                value,
            };
            Ok(self.write(write).await?.revision)
        })
    }

    fn delete<'a>(
        &'a self,
        key: &'a str,
        expected: Option<Revision>,
    ) -> BoxFuture<'a, Result<(Revision, KeyValue)>> {
        Box::pin(async move {
            validate_key(key)?;
            let key = key.to_string();
            let written = self.write(Write::Delete { key, expected }).await?;
            let previous = written.previous.ok_or_else(|| {
                StoreError::Backend("the writer returned no pair for a delete".into())
            })?;
            Ok((written.revision, previous))
        })
    }

    fn list<'a>(
        &'a self,
        prefix: &'a str,
        options: ListOptions,
    ) -> BoxFuture<'a, Result<ListResult>> {
        Box::pin(async move {
            validate_prefix(prefix)?;
            self.reads.list(prefix.to_string(), options).await
        })
    }

    fn watch<'a>(&'a self, prefix: &'a str, after: Revision) -> BoxFuture<'a, Result<Watch>> {
        Box::pin(self.watch_now(prefix, after))
    }

    fn compact(&self, revision: Revision) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            let commands = self.commands.as_ref().ok_or(StoreError::Closed)?;
            let (reply, outcome) = oneshot::channel();
            commands
                .send(Command::Compact(revision, reply))
                .await
                .map_err(|_| StoreError::Closed)?;
            outcome.await.map_err(|_| StoreError::Closed)?
        })
    }
}
