//! Label and field selectors of list, watch and delete-collection requests (kube-api.md §7.2,
//! MUST 23 and 35): parsing the `labelSelector` and `fieldSelector` query syntax, validating it
//! with the Kubernetes API server's messages, and matching objects.
//!
//! Owns: the selector grammars, their errors (all 400 BadRequest for the caller) and matching.
//! Must not: decode query strings (the caller has already percent-decoded them and turned `+`
//! into spaces), know which kinds have which fields beyond the lists below, or build responses.

mod error;
mod field;
mod label;
mod lexer;

#[cfg(test)]
mod field_tests;
#[cfg(test)]
mod label_tests;

pub use error::{Expected, InvalidValue, RequirementError, SelectorError, SyntaxError};
pub use field::{
    COMMON_FIELDS, EVENT_FIELDS, FieldOperator, FieldRequirement, FieldSelector, event_field_value,
    field_value,
};
pub use label::{LabelSelector, Operator, Requirement};
