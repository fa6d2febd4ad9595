//! The SQLite file: where it lives, how a connection to it is configured, the schema, and the
//! conversions between SQLite integers and revisions.
//!
//! Tables:
//! - `log`: one row per revision (`revision` is the rowid): the key, whether it is a deletion
//!   (tombstone), the value (empty for a tombstone), the incarnation's create revision and the
//!   revision of the version this write replaced (`prev_revision`, 0 for a create; compaction follows it). Indexed
//!   by `(key, revision)` for list-at-revision.
//! - `latest`: one row per live key: value, create and mod revision (the "latest" reads).
//! - `meta`: a single row: schema version, the current revision, the compacted revision and how
//!   far the physical deletion of compacted rows has got (`compact_done`).
//!
//! Owns: the on-disk layout and connection settings. Must not: decide store semantics (the
//! writer and the read side do).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::error::StoreError;
use crate::types::Revision;

/// The database file's name inside the data directory.
pub const DATABASE_FILE_NAME: &str = "flotilla.db";
/// The file locked while a store has the directory open (one store per directory).
pub const LOCK_FILE_NAME: &str = "flotilla.lock";
/// The layout version written to `meta`; a file with another version is refused.
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS log (
    revision INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    value BLOB NOT NULL,
    create_revision INTEGER NOT NULL,
    prev_revision INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key_revision ON log (key, revision);
CREATE TABLE IF NOT EXISTS latest (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    create_revision INTEGER NOT NULL,
    mod_revision INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    schema_version INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    compacted INTEGER NOT NULL,
    compact_done INTEGER NOT NULL
);
";

/// The persisted counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The latest committed revision.
    pub revision: Revision,
    /// Reads below this revision are refused.
    pub compacted: Revision,
    /// Rows at or below this revision have been physically compacted.
    pub compact_done: Revision,
}

/// A revision as an SQLite integer (revisions never reach `i64::MAX`; larger ones saturate,
/// which only ever makes a range query empty).
pub fn sql_int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// An SQLite integer as a revision (negative values never occur; they read as 0).
pub fn revision(value: i64) -> Revision {
    u64::try_from(value).unwrap_or(0)
}

/// A backend error naming the database and what was being done.
pub fn backend(path: &Path, doing: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("{doing} {}: {error}", path.display()))
}

/// The database path in `dir`, creating the directory if needed.
pub fn database_path(dir: &Path) -> Result<PathBuf, StoreError> {
    if dir.exists() && !dir.is_dir() {
        return Err(StoreError::Backend(format!(
            "data directory {} is not a directory",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| backend(dir, "cannot create data directory", e))?;
    Ok(dir.join(DATABASE_FILE_NAME))
}

/// Takes the directory's lock file (held until the returned file is dropped), so two stores
/// never write one database: the second gets a clear error instead of revision clashes.
pub fn lock_directory(dir: &Path) -> Result<std::fs::File, StoreError> {
    let path = dir.join(LOCK_FILE_NAME);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| backend(&path, "cannot open lock file", e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Backend(format!(
            "data directory {} is in use by another store (lock file {} is held)",
            dir.display(),
            path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(backend(&path, "cannot lock", e)),
    }
}

/// Opens a connection with the store's settings: WAL, `synchronous=FULL` (an acknowledged
/// commit is on disk), a busy timeout; `read_only` connections refuse writes.
pub fn connect(
    path: &Path,
    busy_timeout: Duration,
    read_only: bool,
) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|e| backend(path, "cannot open database", e))?;
    let configure = || -> rusqlite::Result<String> {
        conn.busy_timeout(busy_timeout)?;
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        if read_only {
            conn.pragma_update(None, "query_only", true)?;
        }
        Ok(mode)
    };
    match configure() {
        Ok(mode) if mode.eq_ignore_ascii_case("wal") => Ok(conn),
        Ok(mode) => Err(StoreError::Backend(format!(
            "cannot open database {}: journal mode is {mode:?}, not WAL",
            path.display()
        ))),
        Err(e) => Err(backend(path, "cannot open database", e)),
    }
}

/// Creates the schema if absent, checks its version and reads the counters.
pub fn initialize(conn: &mut Connection, path: &Path) -> Result<Meta, StoreError> {
    let init =
        |conn: &mut Connection| -> rusqlite::Result<Option<(i64, Meta)>> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute_batch(SCHEMA)?;
            tx.execute(
                "INSERT OR IGNORE INTO meta (id, schema_version, revision, compacted, compact_done)
             VALUES (1, ?1, 0, 0, 0)",
                [SCHEMA_VERSION],
            )?;
            let found = tx
            .query_row(
                "SELECT schema_version, revision, compacted, compact_done FROM meta WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, meta_from(row.get(1)?, row.get(2)?, row.get(3)?))),
            )
            .optional()?;
            tx.commit()?;
            Ok(found)
        };
    match init(conn) {
        Ok(Some((SCHEMA_VERSION, meta))) => Ok(meta),
        Ok(Some((other, _))) => Err(StoreError::Backend(format!(
            "database {} has schema version {other}, this build reads version {SCHEMA_VERSION}",
            path.display()
        ))),
        Ok(None) => Err(StoreError::Backend(format!(
            "database {} has no meta row",
            path.display()
        ))),
        Err(e) => Err(backend(path, "cannot initialize database", e)),
    }
}

/// The counters as stored (inside the caller's transaction, if any).
pub fn read_meta(conn: &Connection) -> rusqlite::Result<Meta> {
    conn.prepare_cached("SELECT revision, compacted, compact_done FROM meta WHERE id = 1")?
        .query_row([], |row| {
            Ok(meta_from(row.get(0)?, row.get(1)?, row.get(2)?))
        })
}

fn meta_from(current: i64, compacted: i64, compact_done: i64) -> Meta {
    Meta {
        revision: revision(current),
        compacted: revision(compacted),
        compact_done: revision(compact_done),
    }
}

/// The smallest string greater than every string starting with `prefix`: `prefix` cut after its
/// last ASCII byte below 0x7f, with that byte incremented. Validated prefixes end with `/`, so
/// this is `prefix` with its final `/` turned into `0`. (A prefix without such a byte cannot
/// pass validation; it gets U+10FFFF, above every key starting with `/`.)
pub fn prefix_end(prefix: &str) -> String {
    let mut bytes = prefix.as_bytes().to_vec();
    while let Some(last) = bytes.pop() {
        if last < 0x7f {
            bytes.push(last + 1);
            // The cut is after an ASCII byte, so on a char boundary: still UTF-8.
            if let Ok(end) = String::from_utf8(bytes) {
                return end;
            }
            break;
        }
    }
    char::MAX.to_string()
}
