//! Selector errors, displayed exactly as the Kubernetes API server words them (the server sends
//! the text as a 400 BadRequest message).
//!
//! Owns: the error types and their texts. Must not: decide how an error is answered.

use std::fmt;

use crate::status::{aggregate_errors, go_quote};

/// A selector that cannot be used.
#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq)]
pub enum SelectorError {
    /// A label selector token out of place between requirements.
    #[error("{0}")]
    Syntax(SyntaxError),
    /// A label selector requirement that does not parse or validate.
    #[error("unable to parse requirement: {0}")]
    Requirement(RequirementError),
    /// A field selector term with no `=`, `==` or `!=`.
    #[error("invalid selector: '{selector}'; can't understand '{term}'")]
    FieldTerm {
        /// The whole selector.
        selector: String,
        /// The term.
        term: String,
    },
    /// A backslash in a field selector value not followed by `\`, `,` or `=`.
    #[error("invalid field selector: invalid escape sequence: {0}")]
    FieldEscape(String),
    /// An unescaped `,` or `=` in a field selector value (Kubernetes prints the code point).
    #[error("invalid field selector: unescaped character in value: {}", u32::from(*.0))]
    FieldUnescaped(char),
    /// A field the kind does not support in field selectors.
    #[error("field label not supported: {0}")]
    UnsupportedField(String),
}

/// What a requirement got wrong.
#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq)]
pub enum RequirementError {
    /// A token out of place inside the requirement.
    #[error("{0}")]
    Syntax(SyntaxError),
    /// Invalid key or values: one bare, several as `[a, b]`.
    #[error("{}", aggregate_errors(.0.iter().map(ToString::to_string)))]
    Invalid(Vec<InvalidValue>),
}

/// `found '<token>', expected: …` (the token is empty at the end of the input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The token found.
    pub found: String,
    /// What the grammar allowed there.
    pub expected: Expected,
}

/// What the label selector grammar allowed where something else was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A requirement start: `!`, a key, or the end.
    RequirementStart,
    /// A key or value.
    Identifier,
    /// Another requirement after a comma.
    IdentifierAfterComma,
    /// A comma or the end after a requirement.
    CommaOrEnd,
    /// An operator after a key.
    Operator,
    /// `(` after `in` or `notin`.
    OpenParen,
    /// The first item of a value list.
    ValueListStart,
    /// `,` or `)` after a value.
    CommaOrCloseParen,
    /// `,` or a value inside a list.
    CommaOrIdentifier,
    /// `)` closing a value list.
    CloseParen,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let found = &self.found;
        match self.expected {
            Expected::RequirementStart => {
                write!(
                    f,
                    "found '{found}', expected: !, identifier, or 'end of string'"
                )
            }
            Expected::Identifier => write!(f, "found '{found}', expected: identifier"),
            Expected::IdentifierAfterComma => {
                write!(f, "found '{found}', expected: identifier after ','")
            }
            Expected::CommaOrEnd => {
                write!(f, "found '{found}', expected: ',' or 'end of string'")
            }
            Expected::Operator => {
                write!(
                    f,
                    "found '{found}', expected: '=', '!=', '==', 'in', notin'"
                )
            }
            Expected::OpenParen => write!(f, "found '{found}' expected: '('"),
            Expected::ValueListStart => {
                write!(f, "found '{found}', expected: ',', ')' or identifier")
            }
            Expected::CommaOrCloseParen => write!(f, "found '{found}', expected: ',' or ')'"),
            Expected::CommaOrIdentifier => {
                write!(f, "found '{found}', expected: ',', or identifier")
            }
            Expected::CloseParen => write!(f, "found '{found}', expected: ')'"),
        }
    }
}

/// `<field>: Invalid value: "<value>": <detail>` — a key or value that failed validation.
/// Kubernetes names a bad key's field `<nil>` and a bad value's `values[<i>][<key>]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidValue {
    /// The field path as Kubernetes prints it.
    pub field: String,
    /// The rejected key or value.
    pub value: String,
    /// The validation messages, joined with `; `.
    pub detail: String,
}

impl fmt::Display for InvalidValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: Invalid value: {}: {}",
            self.field,
            go_quote(&self.value),
            self.detail
        )
    }
}
