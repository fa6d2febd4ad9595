//! The values the store trades in: revisions, key/value pairs, events, list requests and pages.
//!
//! Owns: the shapes of the contract. Must not: do I/O.

/// A store revision: global, strictly increasing, never reused (gaps allowed).
pub type Revision = u64;

/// The largest value accepted (etcd's default request limit; kube-api.md §5.2 object limit).
pub const MAX_VALUE_BYTES: usize = 1_536 * 1024;

/// One key's latest (or historical) version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    /// The key.
    pub key: String,
    /// The stored bytes (empty in a deletion event's `kv`).
    pub value: Vec<u8>,
    /// Revision of the write that created this incarnation of the key.
    pub create_revision: Revision,
    /// Revision of the write that produced this version (the object's resourceVersion).
    pub mod_revision: Revision,
}

/// What a commit did to a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// Created or updated.
    Put,
    /// Deleted.
    Delete,
}

/// One commit under a watched prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Put or delete.
    pub kind: EventKind,
    /// The new version; for a delete, the key with `mod_revision` = the deletion's revision, the
    /// incarnation's `create_revision` and an empty value.
    pub kv: KeyValue,
    /// The version before this commit (absent for a create).
    pub prev_kv: Option<KeyValue>,
}

impl Event {
    /// The commit's revision.
    pub fn revision(&self) -> Revision {
        self.kv.mod_revision
    }
}

/// Which state a read sees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReadAt {
    /// The latest committed state (linearizable).
    #[default]
    Latest,
    /// The state as of this revision: [`crate::StoreError::Compacted`] below the compacted
    /// revision, [`crate::StoreError::FutureRevision`] above the current one.
    Revision(Revision),
}

/// A list request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// The snapshot to read (a continuation passes the first page's revision).
    pub at: ReadAt,
    /// Only keys strictly after this one (the last key of the previous page).
    pub start_after: Option<String>,
    /// At most this many pairs (`None` or 0: all).
    pub limit: Option<usize>,
    /// Also count every matching key (after `start_after`), not only this page's.
    pub count: bool,
}

/// A page of a list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListResult {
    /// Pairs in key order.
    pub items: Vec<KeyValue>,
    /// The snapshot revision the page was read at (pass it back to continue).
    pub revision: Revision,
    /// More keys follow the last one.
    pub more: bool,
    /// Matching keys after `start_after` in all, when asked for.
    pub count: Option<usize>,
}

/// The result of a get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GetResult {
    /// The latest version, if the key exists.
    pub kv: Option<KeyValue>,
    /// The revision the read was served at.
    pub revision: Revision,
}
