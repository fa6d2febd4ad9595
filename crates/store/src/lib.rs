//! Flotilla's revisioned object store with watch (kube-api.md §18): the contract the API server
//! needs, behind one trait, with three backends that pass one conformance suite:
//!
//! - [`memory::MemoryStore`]: in-process, for tests and the simulator;
//! - [`sqlite::SqliteStore`]: the embedded default, one SQLite file (WAL) in a data directory;
//! - `etcd::EtcdStore` (cargo feature `etcd`): etcd v3 for HA.
//!
//! Keys are `/<group or core>/<resource>/[<namespace>/]<name>` (checked by [`key::validate_key`]);
//! values are opaque bytes (the serialized object without its resourceVersion). One global
//! revision, strictly increasing and persisted, stamps every committed mutation; a write that
//! changes nothing does not take one.
//!
//! Owns: storage, revisions, watch fan-out and compaction. Must not: know about Kubernetes
//! objects, admission or HTTP.

pub mod compaction;
pub mod error;
pub mod key;
pub mod memory;
pub mod sqlite;
pub mod types;
pub mod watch;

#[cfg(feature = "etcd")]
pub mod etcd;

use std::future::Future;
use std::pin::Pin;

pub use error::StoreError;
pub use types::{
    Event, EventKind, GetResult, KeyValue, ListOptions, ListResult, MAX_VALUE_BYTES, ReadAt,
    Revision,
};
pub use watch::{Watch, WatchMessage};

/// Whether this build has the etcd backend (cargo feature `etcd`).
pub const ETCD_SUPPORT: bool = cfg!(feature = "etcd");

/// A boxed, sendable future: the trait is object-safe so the backend is chosen at run time.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The storage contract of kube-api.md §18.1. Every mutation is atomic and linearizable; reads of
/// the latest state see every acknowledged write.
pub trait Store: Send + Sync + 'static {
    /// The latest committed revision (0 on an empty store that has never been written).
    fn current_revision(&self) -> BoxFuture<'_, Result<Revision>>;

    /// The revision at or below which history has been compacted (0 if never).
    fn compacted_revision(&self) -> BoxFuture<'_, Result<Revision>>;

    /// The latest value of `key`, if any, with the revision the read was served at.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<GetResult>>;

    /// Creates `key` if absent: the new revision, or [`StoreError::AlreadyExists`].
    fn create<'a>(&'a self, key: &'a str, value: Vec<u8>) -> BoxFuture<'a, Result<Revision>>;

    /// Replaces `key`'s value if its mod revision is still `expected`: the new revision, or
    /// [`StoreError::Conflict`] with the current pair, or [`StoreError::NotFound`]. Writing the
    /// value already stored changes nothing and returns the unchanged mod revision.
    fn update<'a>(
        &'a self,
        key: &'a str,
        expected: Revision,
        value: Vec<u8>,
    ) -> BoxFuture<'a, Result<Revision>>;

    /// Deletes `key` (only if its mod revision is `expected`, when given): the revision of the
    /// deletion and the last pair, or [`StoreError::Conflict`] / [`StoreError::NotFound`].
    fn delete<'a>(
        &'a self,
        key: &'a str,
        expected: Option<Revision>,
    ) -> BoxFuture<'a, Result<(Revision, KeyValue)>>;

    /// Key-ordered pairs under `prefix` at a revision, paginated (see [`ListOptions`]).
    fn list<'a>(
        &'a self,
        prefix: &'a str,
        options: ListOptions,
    ) -> BoxFuture<'a, Result<ListResult>>;

    /// Every commit under `prefix` with a revision above `after`, in order, without gaps, then
    /// live; with periodic progress notifications. [`StoreError::Compacted`] if `after` is
    /// below the compacted revision.
    fn watch<'a>(&'a self, prefix: &'a str, after: Revision) -> BoxFuture<'a, Result<Watch>>;

    /// Drops superseded versions and tombstones at or below `revision`; the latest version of
    /// every live key is kept. Compacting at or below the current compacted revision is a no-op.
    fn compact(&self, revision: Revision) -> BoxFuture<'_, Result<()>>;
}

/// Connects to etcd at `endpoints` with keys under `key_prefix` (e.g. `/flotilla`). Builds
/// without the cargo feature `etcd` answer [`StoreError::Backend`] saying so, so callers need
/// no feature of their own.
pub async fn open_etcd(
    endpoints: &[String],
    key_prefix: &str,
) -> Result<std::sync::Arc<dyn Store>> {
    #[cfg(feature = "etcd")]
    {
        let options = etcd::EtcdOptions {
            key_prefix: key_prefix.to_string(),
            ..Default::default()
        };
        let store = etcd::EtcdStore::connect(endpoints, options).await?;
        Ok(std::sync::Arc::new(store))
    }
    #[cfg(not(feature = "etcd"))]
    {
        let _ = (endpoints, key_prefix);
        Err(StoreError::Backend(
            "this build has no etcd support: build with the cargo feature flotilla-store/etcd"
                .into(),
        ))
    }
}
