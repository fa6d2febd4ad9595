//! The constructors of `ApiError`, one per failure the API server reports, each producing the
//! code, reason, message and details the Kubernetes API server produces for the same failure
//! (kube-api.md §12).
//!
//! Owns: message formats. Must not: inspect requests or objects.

use super::{
    ApiError, CONTINUE_EXPIRED_MESSAGE, Cause, CauseType, OPTIMISTIC_LOCK_MESSAGE, StatusDetails,
    StatusReason, aggregate_errors, go_quote, qualified,
};

impl ApiError {
    /// 404 `<resource>[.<group>] "<name>" not found`, details `{name, group, kind: <resource>}`.
    pub fn not_found(resource: &str, group: &str, name: &str) -> Self {
        let message = format!(
            "{} {} not found",
            qualified(resource, group),
            go_quote(name)
        );
        ApiError::new(404, StatusReason::NotFound, message)
            .with_details(StatusDetails::object(name, group, resource))
    }

    /// 404 `namespaces "<ns>" not found` (create in a namespace that does not exist).
    pub fn namespace_not_found(namespace: &str) -> Self {
        ApiError::not_found("namespaces", "", namespace)
    }

    /// 404 for a path that names no resource: `the server could not find the requested
    /// resource`, with empty details (`"details":{}`).
    pub fn unknown_path() -> Self {
        ApiError::new(
            404,
            StatusReason::NotFound,
            "the server could not find the requested resource",
        )
        .with_details(StatusDetails::default())
    }

    /// 409 AlreadyExists `<resource>[.<group>] "<name>" already exists`.
    pub fn already_exists(resource: &str, group: &str, name: &str) -> Self {
        let message = format!(
            "{} {} already exists",
            qualified(resource, group),
            go_quote(name)
        );
        ApiError::new(409, StatusReason::AlreadyExists, message)
            .with_details(StatusDetails::object(name, group, resource))
    }

    /// 409 Conflict for a resourceVersion mismatch: `Operation cannot be fulfilled on
    /// <resource>[.<group>] "<name>": the object has been modified; please apply your changes
    /// to the latest version and try again`.
    pub fn conflict(resource: &str, group: &str, name: &str) -> Self {
        ApiError::conflict_because(resource, group, name, OPTIMISTIC_LOCK_MESSAGE)
    }

    /// 409 Conflict with another explanation (e.g. a failed `preconditions.uid`):
    /// `Operation cannot be fulfilled on <resource>[.<group>] "<name>": <why>`.
    pub fn conflict_because(resource: &str, group: &str, name: &str, why: &str) -> Self {
        let message = format!(
            "Operation cannot be fulfilled on {} {}: {why}",
            qualified(resource, group),
            go_quote(name)
        );
        ApiError::new(409, StatusReason::Conflict, message)
            .with_details(StatusDetails::object(name, group, resource))
    }

    /// 409 Conflict of a server-side apply (kube-api.md §9): the message names the managers
    /// and fields; one `FieldManagerConflict` cause per field.
    pub fn apply_conflict(message: String, causes: Vec<Cause>) -> Self {
        ApiError::new(409, StatusReason::Conflict, message).with_details(StatusDetails {
            causes,
            ..StatusDetails::default()
        })
    }

    /// 422 Invalid: `<Kind>[.<group>] "<name>" is invalid: <field>: <message>`, or with several
    /// causes `… is invalid: [<field1>: <message1>, <field2>: <message2>]` (exact duplicates
    /// dropped). Details `{name, group, kind: <Kind>, causes}`.
    pub fn invalid(kind: &str, group: &str, name: &str, causes: Vec<Cause>) -> Self {
        let subject = format!("{} {}", qualified(kind, group), go_quote(name));
        let message = if causes.is_empty() {
            format!("{subject} is invalid")
        } else {
            let joined = aggregate_errors(causes.iter().map(Cause::field_error_text));
            format!("{subject} is invalid: {joined}")
        };
        let details = StatusDetails {
            causes,
            ..StatusDetails::object(name, group, kind)
        };
        ApiError::new(422, StatusReason::Invalid, message).with_details(details)
    }

    /// 410 Expired with this message and no details.
    pub fn expired(message: impl Into<String>) -> Self {
        ApiError::new(410, StatusReason::Expired, message)
    }

    /// 410 Expired `too old resource version: <requested> (<oldest>)` (watches, as an ERROR
    /// event, and exact lists).
    pub fn too_old_resource_version(requested: u64, oldest: u64) -> Self {
        ApiError::expired(format!("too old resource version: {requested} ({oldest})"))
    }

    /// 410 Expired for a `continue` token whose snapshot was compacted.
    pub fn expired_continue() -> Self {
        ApiError::expired(CONTINUE_EXPIRED_MESSAGE)
    }

    /// 400 BadRequest with this message and no details.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(400, StatusReason::BadRequest, message)
    }

    /// 401 `Unauthorized`.
    pub fn unauthorized() -> Self {
        ApiError::new(401, StatusReason::Unauthorized, "Unauthorized")
    }

    /// 403 Forbidden: `<resource>[.<group>] "<name>" is forbidden: <why>` (`<resource> is
    /// forbidden: …` without a name, `forbidden: …` without a resource), details `{name, group,
    /// kind: <resource>}`.
    pub fn forbidden(resource: &str, group: &str, name: &str, why: &str) -> Self {
        let message = match (resource.is_empty() && group.is_empty(), name.is_empty()) {
            (true, _) => format!("forbidden: {why}"),
            (false, true) => format!("{} is forbidden: {why}", qualified(resource, group)),
            (false, false) => format!(
                "{} {} is forbidden: {why}",
                qualified(resource, group),
                go_quote(name)
            ),
        };
        ApiError::new(403, StatusReason::Forbidden, message)
            .with_details(StatusDetails::object(name, group, resource))
    }

    /// 403 for a create in a terminating namespace: `<resource> "<name>" is forbidden: unable
    /// to create new content in namespace <ns> because it is being terminated`, with the cause
    /// `NamespaceTerminating` on `metadata.namespace`.
    pub fn forbidden_terminating_namespace(
        resource: &str,
        group: &str,
        name: &str,
        namespace: &str,
    ) -> Self {
        let why = format!(
            "unable to create new content in namespace {namespace} because it is being terminated"
        );
        let mut error = ApiError::forbidden(resource, group, name, &why);
        if let Some(details) = &mut error.details {
            details.causes.push(Cause::new(
                CauseType::NamespaceTerminating,
                "metadata.namespace",
                format!("namespace {namespace} is being terminated"),
            ));
        }
        error
    }

    /// 405 `<verb> is not supported on resources of kind "<resource>[.<group>]"`, details
    /// `{group, kind: <resource>}`.
    pub fn method_not_allowed(resource: &str, group: &str, verb: &str) -> Self {
        let message = format!(
            "{verb} is not supported on resources of kind {}",
            go_quote(&qualified(resource, group))
        );
        ApiError::new(405, StatusReason::MethodNotAllowed, message)
            .with_details(StatusDetails::object("", group, resource))
    }

    /// 406 `only the following media types are accepted: <a>, <b>`.
    pub fn not_acceptable(accepted: &[&str]) -> Self {
        let message = format!(
            "only the following media types are accepted: {}",
            accepted.join(", ")
        );
        ApiError::new(406, StatusReason::NotAcceptable, message)
    }

    /// 415 `the body of the request was in an unknown format - accepted media types include:
    /// <a>, <b>`.
    pub fn unsupported_media_type(accepted: &[&str]) -> Self {
        let message = format!(
            "the body of the request was in an unknown format - accepted media types include: {}",
            accepted.join(", ")
        );
        ApiError::new(415, StatusReason::UnsupportedMediaType, message)
    }

    /// 413 `Request entity too large: limit is <limit>` (the request body limit is
    /// [`super::MAX_REQUEST_BODY_BYTES`]).
    pub fn request_entity_too_large(limit: usize) -> Self {
        ApiError::new(
            413,
            StatusReason::RequestEntityTooLarge,
            format!("Request entity too large: limit is {limit}"),
        )
    }

    /// 429 TooManyRequests with `retryAfterSeconds`.
    pub fn too_many_requests(message: impl Into<String>, retry_after_seconds: u32) -> Self {
        ApiError::new(429, StatusReason::TooManyRequests, message).with_details(StatusDetails {
            retry_after_seconds,
            ..StatusDetails::default()
        })
    }

    /// 500 `Internal error occurred: <message>`, with the message as the one cause.
    pub fn internal(message: impl Into<String>) -> Self {
        let message = message.into();
        let details = StatusDetails {
            causes: vec![Cause {
                reason: None,
                message: message.clone(),
                field: String::new(),
            }],
            ..StatusDetails::default()
        };
        ApiError::new(
            500,
            StatusReason::InternalError,
            format!("Internal error occurred: {message}"),
        )
        .with_details(details)
    }

    /// 503 ServiceUnavailable with this message.
    pub fn service_unavailable(message: impl Into<String>) -> Self {
        ApiError::new(503, StatusReason::ServiceUnavailable, message)
    }

    /// 504 `Timeout: <message>` with `retryAfterSeconds`.
    pub fn timeout(message: &str, retry_after_seconds: u32) -> Self {
        ApiError::new(504, StatusReason::Timeout, format!("Timeout: {message}")).with_details(
            StatusDetails {
                retry_after_seconds,
                ..StatusDetails::default()
            },
        )
    }

    /// 504 for a resourceVersion newer than the store's after the wait: `Timeout: Too large
    /// resource version: <requested>, current: <current>`, cause `ResourceVersionTooLarge`,
    /// `retryAfterSeconds: 1`.
    pub fn too_large_resource_version(requested: u64, current: u64) -> Self {
        let mut error = ApiError::timeout(
            &format!("Too large resource version: {requested}, current: {current}"),
            1,
        );
        if let Some(details) = &mut error.details {
            details.causes.push(Cause {
                reason: Some(CauseType::ResourceVersionTooLarge),
                message: "Too large resource version".into(),
                field: String::new(),
            });
        }
        error
    }

    /// 400 for a name that cannot be a path segment (`.`, `..`, or containing `/` or `%`):
    /// `Name parameter invalid: "<name>": may not contain '/'`; `None` for a usable name.
    pub fn name_parameter_invalid(name: &str) -> Option<Self> {
        let problems: Vec<&str> = match name {
            "." => vec!["may not be '.'"],
            ".." => vec!["may not be '..'"],
            _ => [("/", "may not contain '/'"), ("%", "may not contain '%'")]
                .into_iter()
                .filter(|(needle, _)| name.contains(needle))
                .map(|(_, problem)| problem)
                .collect(),
        };
        if problems.is_empty() {
            return None;
        }
        Some(ApiError::bad_request(format!(
            "Name parameter invalid: {}: {}",
            go_quote(name),
            problems.join(";")
        )))
    }
}
