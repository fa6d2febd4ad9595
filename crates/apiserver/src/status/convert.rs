//! Conversions into `ApiError` and `Cause` from the errors of the layers below: admission field
//! errors and rejections (`flotilla_api`), metadata-rule errors (`crate::objects`) and store
//! errors (`flotilla_store`), each given the resource the request was about.
//!
//! Owns: which Status each lower-level error becomes. Must not: retry, log, or look at the
//! request beyond the names it is given.

use flotilla_api::admission::{Rejection, RejectionKind};
use flotilla_api::field::{ErrorType, FieldError};
use flotilla_store::StoreError;

use super::{ApiError, Cause, CauseType, StatusDetails, StatusReason};
use crate::objects::{CauseReason, MetaError};

/// The resource a request is about, for messages and `details`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceRef<'a> {
    /// The resource plural, e.g. `configmaps`.
    pub resource: &'a str,
    /// The API group (empty for the core group).
    pub group: &'a str,
    /// The Kind, e.g. `ConfigMap` (for 422s).
    pub kind: &'a str,
    /// The object's name (may be empty, e.g. for lists).
    pub name: &'a str,
}

impl From<ErrorType> for CauseType {
    fn from(error_type: ErrorType) -> Self {
        match error_type {
            ErrorType::Required => CauseType::FieldValueRequired,
            ErrorType::Invalid => CauseType::FieldValueInvalid,
            ErrorType::NotSupported => CauseType::FieldValueNotSupported,
            ErrorType::Duplicate => CauseType::FieldValueDuplicate,
            ErrorType::Forbidden => CauseType::FieldValueForbidden,
            ErrorType::TooLong => CauseType::FieldValueTooLong,
            ErrorType::TooMany => CauseType::FieldValueTooMany,
        }
    }
}

impl From<&FieldError> for Cause {
    /// The cause Kubernetes builds from a field error: its type, its text without the path
    /// (`Invalid value: "x": detail`, `Required value`, `Unsupported value: "x": supported
    /// values: "a", "b"`), and the path.
    fn from(error: &FieldError) -> Self {
        Cause::new(
            error.error_type.into(),
            error.path.as_str(),
            error.error_body(),
        )
    }
}

impl From<CauseReason> for CauseType {
    fn from(reason: CauseReason) -> Self {
        match reason {
            CauseReason::Invalid => CauseType::FieldValueInvalid,
            CauseReason::Required => CauseType::FieldValueRequired,
            CauseReason::Forbidden => CauseType::FieldValueForbidden,
        }
    }
}

impl ApiError {
    /// 422 from admission field errors (see [`ApiError::invalid`]).
    pub fn from_field_errors(kind: &str, group: &str, name: &str, errors: &[FieldError]) -> Self {
        ApiError::invalid(kind, group, name, errors.iter().map(Cause::from).collect())
    }

    /// The Status for an admission rejection of an object of `kind` in `group` named `name`:
    /// 422 with the field errors as causes, 403 for a webhook denial, 400 otherwise; the
    /// rejection's message is kept as admission formatted it. Its warnings are the caller's.
    pub fn from_rejection(rejection: &Rejection, kind: &str, group: &str, name: &str) -> Self {
        match rejection.kind {
            RejectionKind::BadRequest => ApiError::bad_request(rejection.message.clone()),
            RejectionKind::Forbidden => {
                ApiError::new(403, StatusReason::Forbidden, rejection.message.clone())
            }
            RejectionKind::Invalid => {
                let details = StatusDetails {
                    causes: rejection.causes.iter().map(Cause::from).collect(),
                    ..StatusDetails::object(name, group, kind)
                };
                ApiError::new(422, StatusReason::Invalid, rejection.message.clone())
                    .with_details(details)
            }
        }
    }

    /// The Status for a metadata-rule error: 400 with its message, or 422 naming the object
    /// (the error's name, else `target.name`) with its causes.
    pub fn from_meta_error(error: &MetaError, target: &ResourceRef<'_>) -> Self {
        match error {
            MetaError::BadRequest(message) => ApiError::bad_request(message.clone()),
            MetaError::Invalid { name, causes } => {
                let name = if name.is_empty() { target.name } else { name };
                let causes = causes
                    .iter()
                    .map(|cause| Cause::new(cause.reason.into(), &cause.field, &cause.message))
                    .collect();
                ApiError::invalid(target.kind, target.group, name, causes)
            }
        }
    }

    /// The Status for a store error on `target`: NotFound 404, AlreadyExists and Conflict 409,
    /// Compacted 410 `too old resource version`, FutureRevision 504 `Too large resource
    /// version`, a bad key or prefix 400, ValueTooLarge 413 with the store's limit, a backend
    /// failure 500, a closed store 503.
    pub fn from_store(error: &StoreError, target: &ResourceRef<'_>) -> Self {
        let ResourceRef {
            resource,
            group,
            name,
            ..
        } = *target;
        match error {
            StoreError::NotFound { .. } => ApiError::not_found(resource, group, name),
            StoreError::AlreadyExists { .. } => ApiError::already_exists(resource, group, name),
            StoreError::Conflict { .. } => ApiError::conflict(resource, group, name),
            StoreError::Compacted {
                requested,
                compacted,
            } => ApiError::too_old_resource_version(*requested, *compacted),
            StoreError::FutureRevision { requested, current } => {
                ApiError::too_large_resource_version(*requested, *current)
            }
            StoreError::InvalidKey { reason, .. } if !name.is_empty() => {
                ApiError::name_parameter_invalid(name).unwrap_or_else(|| {
                    ApiError::bad_request(format!(
                        "Name parameter invalid: {}: {reason}",
                        super::go_quote(name)
                    ))
                })
            }
            StoreError::InvalidKey { .. } | StoreError::InvalidPrefix { .. } => {
                ApiError::bad_request(error.to_string())
            }
            StoreError::ValueTooLarge { limit, .. } => ApiError::request_entity_too_large(*limit),
            StoreError::Backend(_) => ApiError::internal(error.to_string()),
            StoreError::Closed => ApiError::service_unavailable(error.to_string()),
        }
    }
}
