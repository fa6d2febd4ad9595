//! Store errors: every variant says what happened in terms a caller can act on (retry a CAS,
//! relist after compaction, fix a key).
//!
//! Owns: the error type. Must not: carry backend types in its public shape.

use crate::types::{KeyValue, Revision};

/// A store operation that did not happen.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The key does not exist.
    #[error("key {key:?} not found")]
    NotFound {
        /// The key.
        key: String,
    },
    /// Create of a key that exists.
    #[error("key {key:?} already exists")]
    AlreadyExists {
        /// The key.
        key: String,
    },
    /// The key's mod revision is no longer the expected one; carries the current pair.
    #[error("conflict on {key:?}: expected mod revision {expected}, found {}", current.mod_revision)]
    Conflict {
        /// The key.
        key: String,
        /// The mod revision the caller expected.
        expected: Revision,
        /// The current pair.
        current: Box<KeyValue>,
    },
    /// The requested revision's history has been compacted away (the API's 410 Gone).
    #[error("revision {requested} has been compacted (compacted revision {compacted})")]
    Compacted {
        /// The revision asked for.
        requested: Revision,
        /// The compacted revision.
        compacted: Revision,
    },
    /// A revision newer than the store's current one.
    #[error("revision {requested} is in the future (current revision {current})")]
    FutureRevision {
        /// The revision asked for.
        requested: Revision,
        /// The current revision.
        current: Revision,
    },
    /// A malformed key (see [`crate::key::validate_key`]).
    #[error("invalid key {key:?}: {reason}")]
    InvalidKey {
        /// The key (possibly shortened).
        key: String,
        /// Why.
        reason: &'static str,
    },
    /// A malformed prefix.
    #[error("invalid prefix {prefix:?}: {reason}")]
    InvalidPrefix {
        /// The prefix.
        prefix: String,
        /// Why.
        reason: &'static str,
    },
    /// A value over [`crate::MAX_VALUE_BYTES`].
    #[error("value of {key:?} is {size} bytes, over the limit of {limit} bytes")]
    ValueTooLarge {
        /// The key.
        key: String,
        /// The value's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The backend failed (I/O, database or connection error); the operation may be retried.
    #[error("storage backend error: {0}")]
    Backend(String),
    /// The store has been closed.
    #[error("the store is closed")]
    Closed,
}
