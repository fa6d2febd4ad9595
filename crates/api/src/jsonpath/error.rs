//! Error values of the JSONPath template engine.
//!
//! Owns: [`ParseError`] (template syntax) and [`EvalError`] (evaluation against data), their
//! messages and the byte positions they carry. Must not: parse, evaluate, or format values;
//! every error is a plain value that callers can compare, log, or turn into events.

/// A template that is not valid JSONPath template syntax.
///
/// `position` is a byte offset into the template text: the opening `{`, `[`, `(` or quote of
/// an unclosed construct, or the first byte of an unexpected token.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
#[error("invalid JSONPath template at byte {position}: {message}")]
pub struct ParseError {
    /// Byte offset into the template text where the problem was found.
    pub position: usize,
    /// Human-readable description of the problem.
    pub message: String,
}

impl ParseError {
    pub(super) fn new(position: usize, message: impl Into<String>) -> Self {
        ParseError {
            position,
            message: message.into(),
        }
    }
}

/// A failure while evaluating a parsed template against a JSON value.
///
/// Every variant carries `position`, the byte offset in the template text of the path step
/// (`.name`, `[...]`, the start of a filter) that failed. The messages follow kubectl's
/// wording where kubectl has one.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// A field step (`.key` or `['key']`) selected nothing although its input was not empty,
    /// and missing keys are not allowed ([`super::RenderOptions::allow_missing_keys`] is false).
    #[error("{key} is not found (at byte {position})")]
    MissingKey {
        /// The key that was looked up.
        key: String,
        /// Byte offset of the step in the template.
        position: usize,
    },
    /// An index, slice or `[*]` step was applied to a value that is not an array (or null).
    #[error("{found} is not an array (at byte {position})")]
    NotArray {
        /// JSON type of the value found: `string`, `number`, `boolean` or `object`.
        found: &'static str,
        /// Byte offset of the step in the template.
        position: usize,
    },
    /// A filter `[?(...)]` was applied to a value that is not an array; null included.
    #[error("{found} is not an array and cannot be filtered (at byte {position})")]
    NotFilterable {
        /// JSON type of the value found.
        found: &'static str,
        /// Byte offset of the filter in the template.
        position: usize,
    },
    /// An index (or a slice bound) lies outside the array. Negative indices are reported after
    /// the array length has been added to them, as kubectl does.
    #[error("array index out of bounds: index {index}, length {length} (at byte {position})")]
    IndexOutOfRange {
        /// The offending index, after normalisation of negative values.
        index: i64,
        /// Length of the array.
        length: usize,
        /// Byte offset of the index or slice in the template.
        position: usize,
    },
    /// A slice whose normalised start is after its normalised end, such as `[2:1]`.
    #[error("starting index {start} is greater than ending index {end} (at byte {position})")]
    StartAfterEnd {
        /// Normalised start index.
        start: i64,
        /// Normalised end index.
        end: i64,
        /// Byte offset of the slice in the template.
        position: usize,
    },
    /// A slice step of zero or less, such as `[::-1]`.
    #[error("step must be > 0, got {step} (at byte {position})")]
    NonPositiveStep {
        /// The step that was given.
        step: i64,
        /// Byte offset of the slice in the template.
        position: usize,
    },
    /// A comparison operand selected more than one value, such as `[?(@.tags[*]=="x")]`.
    #[error("can only compare one element at a time (at byte {position})")]
    MultipleValues {
        /// Byte offset of the filter in the template.
        position: usize,
    },
    /// A comparison between values of different JSON types, such as a string and a number.
    #[error("incompatible types for comparison: {left} and {right} (at byte {position})")]
    IncompatibleTypes {
        /// JSON type of the left operand.
        left: &'static str,
        /// JSON type of the right operand.
        right: &'static str,
        /// Byte offset of the filter in the template.
        position: usize,
    },
    /// A comparison the operand type does not support: any comparison involving null, an
    /// ordering (`<`, `>`, `<=`, `>=`) between booleans, or any comparison of arrays or objects.
    #[error("invalid type for comparison: {found} with {operator} (at byte {position})")]
    InvalidComparison {
        /// JSON type of the operand that cannot be compared.
        found: &'static str,
        /// The operator, as written (`==`, `<`, ...).
        operator: &'static str,
        /// Byte offset of the filter in the template.
        position: usize,
    },
    /// A safety limit (not in kubectl) was hit: too many values selected in one render, or
    /// too much output. It stops templates whose cost multiplies, such as repeated `..` or
    /// nested ranges over large documents, from stalling the caller.
    #[error("template evaluation exceeded the limit of {limit} {what} (at byte {position})")]
    LimitExceeded {
        /// What was counted: `selected values` or `bytes of output`.
        what: &'static str,
        /// The limit that was exceeded.
        limit: usize,
        /// Byte offset of the step or action being evaluated when the limit was hit.
        position: usize,
    },
}

impl EvalError {
    /// Byte offset into the template text of the step that failed.
    pub fn position(&self) -> usize {
        match self {
            EvalError::MissingKey { position, .. }
            | EvalError::NotArray { position, .. }
            | EvalError::NotFilterable { position, .. }
            | EvalError::IndexOutOfRange { position, .. }
            | EvalError::StartAfterEnd { position, .. }
            | EvalError::NonPositiveStep { position, .. }
            | EvalError::MultipleValues { position }
            | EvalError::IncompatibleTypes { position, .. }
            | EvalError::InvalidComparison { position, .. }
            | EvalError::LimitExceeded { position, .. } => *position,
        }
    }
}
