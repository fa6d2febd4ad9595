//! Status errors (kube-api.md §12, MUST 34): the `ApiError` every non-2xx answer is built from,
//! its constructors with Kubernetes' exact message formats, and its rendering as a `v1` `Status`
//! object; plus the `Success` Status some deletes answer with.
//!
//! Owns: codes, reasons, messages and `details` of error answers, and the mapping of admission,
//! metadata and store errors to them. Must not: write HTTP responses (headers such as
//! `Retry-After` or `Warning` are the server's), or decide *whether* a request fails.

mod constructors;
mod convert;
mod quote;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

pub use convert::ResourceRef;
pub use quote::go_quote;

/// The largest request body accepted: 3 MiB, as the Kubernetes API server (kube-api.md §5.2).
pub const MAX_REQUEST_BODY_BYTES: usize = 3 * 1024 * 1024;

/// Message of a 410 for a `continue` token whose snapshot was compacted (kube-api.md §7.2).
pub const CONTINUE_EXPIRED_MESSAGE: &str = "The provided continue parameter is too old to \
     display a consistent list result. You can start a new list without the continue parameter.";

/// Message of a 410 for a list at an exact, compacted resourceVersion.
pub const LIST_EXPIRED_MESSAGE: &str = "The resourceVersion for the provided list is too old.";

/// The optimistic-concurrency text of a 409 Conflict.
pub const OPTIMISTIC_LOCK_MESSAGE: &str =
    "the object has been modified; please apply your changes to the latest version and try again";

/// A Status `reason`: the machine-readable class of a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusReason {
    /// 400.
    BadRequest,
    /// 401.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 404.
    NotFound,
    /// 405.
    MethodNotAllowed,
    /// 406.
    NotAcceptable,
    /// 409 on create of an existing object.
    AlreadyExists,
    /// 409 on a precondition or resourceVersion mismatch.
    Conflict,
    /// 410, the resource is gone for good.
    Gone,
    /// 410, the requested history (resourceVersion, continue token) is no longer available.
    Expired,
    /// 413.
    RequestEntityTooLarge,
    /// 415.
    UnsupportedMediaType,
    /// 422.
    Invalid,
    /// 429.
    TooManyRequests,
    /// 500.
    InternalError,
    /// 503.
    ServiceUnavailable,
    /// 504.
    Timeout,
}

impl StatusReason {
    /// The reason as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusReason::BadRequest => "BadRequest",
            StatusReason::Unauthorized => "Unauthorized",
            StatusReason::Forbidden => "Forbidden",
            StatusReason::NotFound => "NotFound",
            StatusReason::MethodNotAllowed => "MethodNotAllowed",
            StatusReason::NotAcceptable => "NotAcceptable",
            StatusReason::AlreadyExists => "AlreadyExists",
            StatusReason::Conflict => "Conflict",
            StatusReason::Gone => "Gone",
            StatusReason::Expired => "Expired",
            StatusReason::RequestEntityTooLarge => "RequestEntityTooLarge",
            StatusReason::UnsupportedMediaType => "UnsupportedMediaType",
            StatusReason::Invalid => "Invalid",
            StatusReason::TooManyRequests => "TooManyRequests",
            StatusReason::InternalError => "InternalError",
            StatusReason::ServiceUnavailable => "ServiceUnavailable",
            StatusReason::Timeout => "Timeout",
        }
    }
}

/// The `reason` of one entry of `details.causes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CauseType {
    /// `FieldValueNotFound`.
    FieldValueNotFound,
    /// `FieldValueRequired`.
    FieldValueRequired,
    /// `FieldValueDuplicate`.
    FieldValueDuplicate,
    /// `FieldValueInvalid`.
    FieldValueInvalid,
    /// `FieldValueNotSupported`.
    FieldValueNotSupported,
    /// `FieldValueForbidden`.
    FieldValueForbidden,
    /// `FieldValueTooLong`.
    FieldValueTooLong,
    /// `FieldValueTooMany`.
    FieldValueTooMany,
    /// `FieldValueTypeInvalid`.
    FieldValueTypeInvalid,
    /// `InternalError`.
    InternalError,
    /// `FieldManagerConflict` (server-side apply).
    FieldManagerConflict,
    /// `ResourceVersionTooLarge` (504 on a resourceVersion from the future).
    ResourceVersionTooLarge,
    /// `NamespaceTerminating` (403 on create in a terminating namespace).
    NamespaceTerminating,
}

impl CauseType {
    /// The cause type as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            CauseType::FieldValueNotFound => "FieldValueNotFound",
            CauseType::FieldValueRequired => "FieldValueRequired",
            CauseType::FieldValueDuplicate => "FieldValueDuplicate",
            CauseType::FieldValueInvalid => "FieldValueInvalid",
            CauseType::FieldValueNotSupported => "FieldValueNotSupported",
            CauseType::FieldValueForbidden => "FieldValueForbidden",
            CauseType::FieldValueTooLong => "FieldValueTooLong",
            CauseType::FieldValueTooMany => "FieldValueTooMany",
            CauseType::FieldValueTypeInvalid => "FieldValueTypeInvalid",
            CauseType::InternalError => "InternalError",
            CauseType::FieldManagerConflict => "FieldManagerConflict",
            CauseType::ResourceVersionTooLarge => "ResourceVersionTooLarge",
            CauseType::NamespaceTerminating => "NamespaceTerminating",
        }
    }
}

/// One entry of `details.causes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    /// `reason` (omitted when `None`, as for the cause of an internal error).
    pub reason: Option<CauseType>,
    /// `message`: for field errors, the error without its path, e.g.
    /// `Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain …`.
    pub message: String,
    /// `field`: the field path, e.g. `metadata.name` (omitted when empty).
    pub field: String,
}

impl Cause {
    /// A cause about one field.
    pub fn new(reason: CauseType, field: impl Into<String>, message: impl Into<String>) -> Self {
        Cause {
            reason: Some(reason),
            message: message.into(),
            field: field.into(),
        }
    }

    /// The cause as Kubernetes prints a field error: `<field>: <message>`, or the bare message
    /// when there is no field.
    pub fn field_error_text(&self) -> String {
        if self.field.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.field, self.message)
        }
    }

    fn to_json(&self) -> Value {
        let mut out = Map::new();
        if let Some(reason) = self.reason {
            out.insert("reason".into(), reason.as_str().into());
        }
        if !self.message.is_empty() {
            out.insert("message".into(), self.message.clone().into());
        }
        if !self.field.is_empty() {
            out.insert("field".into(), self.field.clone().into());
        }
        Value::Object(out)
    }
}

/// `details` of a Status. Empty fields are omitted from the JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusDetails {
    /// `name`: the object's name.
    pub name: String,
    /// `group`: the API group (empty for the core group).
    pub group: String,
    /// `kind`: the resource plural for most errors, the Kind for `Invalid`.
    pub kind: String,
    /// `uid`: the object's uid (successful deletes).
    pub uid: String,
    /// `causes`.
    pub causes: Vec<Cause>,
    /// `retryAfterSeconds` (omitted when 0).
    pub retry_after_seconds: u32,
}

impl StatusDetails {
    /// Details naming an object: `{name, group, kind}`.
    pub fn object(name: &str, group: &str, kind: &str) -> Self {
        StatusDetails {
            name: name.to_string(),
            group: group.to_string(),
            kind: kind.to_string(),
            ..StatusDetails::default()
        }
    }

    fn to_json(&self) -> Value {
        let mut out = Map::new();
        let strings = [
            ("name", &self.name),
            ("group", &self.group),
            ("kind", &self.kind),
            ("uid", &self.uid),
        ];
        for (key, value) in strings {
            if !value.is_empty() {
                out.insert(key.into(), value.clone().into());
            }
        }
        if !self.causes.is_empty() {
            let causes = self.causes.iter().map(Cause::to_json).collect();
            out.insert("causes".into(), Value::Array(causes));
        }
        if self.retry_after_seconds != 0 {
            out.insert("retryAfterSeconds".into(), self.retry_after_seconds.into());
        }
        Value::Object(out)
    }
}

/// A failed request: what the client gets as a `Status` with `status: Failure`.
#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq)]
#[error("{message}")]
pub struct ApiError {
    /// The HTTP status code (also the Status' `code`).
    pub code: u16,
    /// The Status' `reason`.
    pub reason: StatusReason,
    /// The Status' `message`, in Kubernetes' wording.
    pub message: String,
    /// The Status' `details` (`None` omits the field; `Some` of empty details renders `{}`).
    pub details: Option<Box<StatusDetails>>,
}

impl ApiError {
    /// An error from its parts.
    pub fn new(code: u16, reason: StatusReason, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: None,
        }
    }

    /// The same error with these details.
    pub fn with_details(mut self, details: StatusDetails) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    /// `details.retryAfterSeconds`, for a `Retry-After` header (0 when absent).
    pub fn retry_after_seconds(&self) -> u32 {
        self.details
            .as_ref()
            .map_or(0, |details| details.retry_after_seconds)
    }

    /// The `v1` `Status` object, with the fields in Kubernetes' order.
    pub fn to_status_json(&self) -> Value {
        let mut out = status_head("Failure");
        if !self.message.is_empty() {
            out.insert("message".into(), self.message.clone().into());
        }
        out.insert("reason".into(), self.reason.as_str().into());
        if let Some(details) = &self.details {
            out.insert("details".into(), details.to_json());
        }
        out.insert("code".into(), self.code.into());
        Value::Object(out)
    }
}

/// The `Success` Status a delete answers with when it returns no object, e.g.
/// `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"x",
/// "kind":"configmaps","uid":"…"}}`. Like Kubernetes' registry, it carries no `code`; for an
/// immediate delete `details.kind` is the resource plural.
pub fn success_status(details: StatusDetails) -> Value {
    let mut out = status_head("Success");
    out.insert("details".into(), details.to_json());
    Value::Object(out)
}

fn status_head(status: &str) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("kind".into(), "Status".into());
    out.insert("apiVersion".into(), "v1".into());
    out.insert("metadata".into(), Value::Object(Map::new()));
    out.insert("status".into(), status.into());
    out
}

/// `resource` or `resource.group`, as Kubernetes prints a group-qualified resource or kind.
fn qualified(name: &str, group: &str) -> String {
    if group.is_empty() {
        name.to_string()
    } else {
        format!("{name}.{group}")
    }
}

/// Joins error texts as Kubernetes' aggregate does: one bare, several as `[a, b]`, exact
/// duplicates dropped.
pub(crate) fn aggregate_errors(texts: impl IntoIterator<Item = String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for text in texts {
        if !seen.contains(&text) {
            seen.push(text);
        }
    }
    match seen.len() {
        1 => seen.remove(0),
        _ => format!("[{}]", seen.join(", ")),
    }
}
