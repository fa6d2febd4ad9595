//! Patch errors: every variant names where the patch failed (the JSON patch op index and pointer,
//! or the strategic field path) and why, in text fit for a Status `message`.
//!
//! Owns: the error types. Must not: choose HTTP codes (the server maps these; upstream answers
//! 422 for patches that cannot be applied).

/// A patch that could not be applied. The target document is never partly patched.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum PatchError {
    /// A JSON patch body that is not an array of operations.
    #[error("json patch must be a JSON array of operations")]
    JsonPatchNotArray,
    /// A JSON patch operation that is not well-formed.
    #[error("json patch op {index} is malformed: {reason}")]
    MalformedOp {
        /// The operation's index in the patch (from 0).
        index: usize,
        /// What is wrong with it.
        reason: MalformedOp,
    },
    /// A well-formed JSON patch operation that could not be applied (a bad path or a failed test).
    #[error(
        "json patch op {index} ({op}) failed at {}: {reason}",
        show_pointer(path)
    )]
    OpFailed {
        /// The operation's index in the patch (from 0).
        index: usize,
        /// The operation's name (`add`, `test`, ...).
        op: &'static str,
        /// The JSON pointer that failed, as written in the patch (`path`, or `from`).
        path: String,
        /// Why it failed.
        reason: OpFailure,
    },
    /// A strategic merge patch body that is not a JSON object.
    #[error("strategic merge patch must be a JSON object")]
    StrategicNotObject,
    /// A strategic merge patch that could not be applied.
    #[error("strategic merge patch failed at {}: {reason}", show_field_path(path))]
    Strategic {
        /// The dotted field path (`spec.template.spec.containers`); empty for the root.
        path: String,
        /// Why it failed.
        reason: StrategicFailure,
    },
}

/// What is wrong with a malformed JSON patch operation.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum MalformedOp {
    /// The operation is not a JSON object.
    #[error("an operation must be a JSON object")]
    NotAnObject,
    /// The `op` member is missing or not a string.
    #[error("missing or non-string \"op\"")]
    MissingOp,
    /// The `op` member names no RFC 6902 operation.
    #[error("unknown op {0:?}")]
    UnknownOp(String),
    /// A required member (`path`, `from` or `value`) is missing.
    #[error("missing {0:?}")]
    MissingMember(&'static str),
    /// A pointer member (`path` or `from`) is not a string.
    #[error("{0:?} must be a string")]
    NotAString(&'static str),
}

/// Why a well-formed JSON patch operation could not be applied.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum OpFailure {
    /// A `test` whose value differs from the document's.
    #[error("value differs")]
    TestFailed,
    /// The pointer names a member or element that does not exist (or whose parent does not).
    #[error("path does not exist")]
    Missing,
    /// The pointer is not valid RFC 6901 syntax.
    #[error("invalid JSON pointer: {0}")]
    InvalidPointer(&'static str),
    /// An array index that is malformed (leading zeros, not a number) or out of bounds.
    #[error("array index {0:?} is invalid or out of bounds")]
    BadIndex(String),
    /// The pointer goes through a value that is neither an object nor an array.
    #[error("cannot descend into a {0}")]
    NotAContainer(&'static str),
    /// A `move` whose `from` is a proper prefix of its `path`.
    #[error("cannot move a value into one of its own children")]
    MoveIntoChild,
    /// A `remove` of the whole document.
    #[error("cannot remove the document root")]
    RemoveRoot,
}

/// Why a strategic merge patch could not be applied at some field.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum StrategicFailure {
    /// A list element (or `$setElementOrder` entry) without the list's merge key.
    #[error("list element does not contain the merge key {0:?}")]
    MissingMergeKey(&'static str),
    /// A `$patch` value other than `replace`, `merge` or `delete`.
    #[error("invalid $patch directive {0}")]
    InvalidPatchDirective(String),
    /// `$patch: delete` in a list that has no merge key.
    #[error("$patch: delete in a list needs a merge key, and this list has none")]
    DeleteWithoutMergeKey,
    /// A `$setElementOrder/...` or `$deleteFromPrimitiveList/...` value that is not a list.
    #[error("{0} must be a list")]
    DirectiveNotList(String),
    /// A `$retainKeys` value that is not a list of strings.
    #[error("$retainKeys must be a list of strings")]
    RetainKeysNotStrings,
    /// A member the patch sets that its map's `$retainKeys` list leaves out (it would be cleared).
    #[error("{0:?} is set by the patch but missing from $retainKeys")]
    NotInRetainKeys(String),
    /// A `$`-prefixed key that is no strategic merge patch directive.
    #[error("unknown directive {0:?}")]
    UnknownDirective(String),
}

fn show_pointer(path: &str) -> &str {
    if path.is_empty() {
        "the document root"
    } else {
        path
    }
}

fn show_field_path(path: &str) -> &str {
    if path.is_empty() { "the root" } else { path }
}
