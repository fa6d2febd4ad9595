//! Golden tests: the exact Status JSON of every constructor and conversion.

use flotilla_api::admission::{Rejection, RejectionKind};
use flotilla_api::field::{FieldError, FieldPath};
use flotilla_store::{KeyValue, StoreError};
use serde_json::{Value, json};

use super::{ApiError, Cause, CauseType, ResourceRef, StatusDetails, success_status};
use crate::objects::{Cause as MetaCause, CauseReason, MetaError};

fn failure(message: &str, reason: &str, code: u16, details: Option<Value>) -> Value {
    let mut status = json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": reason, "code": code,
    });
    if let Some(details) = details {
        status["details"] = details;
    }
    status
}

fn check(error: &ApiError, expected: Value) {
    assert_eq!(error.to_status_json(), expected, "{error:?}");
    assert_eq!(u64::from(error.code), expected["code"].as_u64().unwrap());
    assert_eq!(error.to_string(), expected["message"].as_str().unwrap());
}

#[test]
fn renders_fields_in_kubernetes_order() {
    let text = ApiError::not_found("configmaps", "", "nope")
        .to_status_json()
        .to_string();
    assert_eq!(
        text,
        r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"nope\" not found","reason":"NotFound","details":{"name":"nope","kind":"configmaps"},"code":404}"#
    );
}

#[test]
fn not_found_forms() {
    check(
        &ApiError::not_found("configmaps", "", "nope"),
        failure(
            "configmaps \"nope\" not found",
            "NotFound",
            404,
            Some(json!({"name": "nope", "kind": "configmaps"})),
        ),
    );
    check(
        &ApiError::not_found("propagationpolicies", "policy.karmada.io", "pp"),
        failure(
            "propagationpolicies.policy.karmada.io \"pp\" not found",
            "NotFound",
            404,
            Some(
                json!({"name": "pp", "group": "policy.karmada.io", "kind": "propagationpolicies"}),
            ),
        ),
    );
    check(
        &ApiError::namespace_not_found("demo"),
        failure(
            "namespaces \"demo\" not found",
            "NotFound",
            404,
            Some(json!({"name": "demo", "kind": "namespaces"})),
        ),
    );
    check(
        &ApiError::unknown_path(),
        failure(
            "the server could not find the requested resource",
            "NotFound",
            404,
            Some(json!({})),
        ),
    );
}

#[test]
fn conflicts_and_duplicates() {
    check(
        &ApiError::already_exists("configmaps", "", "cfg1"),
        failure(
            "configmaps \"cfg1\" already exists",
            "AlreadyExists",
            409,
            Some(json!({"name": "cfg1", "kind": "configmaps"})),
        ),
    );
    check(
        &ApiError::conflict("deployments", "apps", "web"),
        failure(
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been \
             modified; please apply your changes to the latest version and try again",
            "Conflict",
            409,
            Some(json!({"name": "web", "group": "apps", "kind": "deployments"})),
        ),
    );
    check(
        &ApiError::conflict_because(
            "configmaps",
            "",
            "c",
            "Precondition failed: UID in precondition: a, UID in object meta: b",
        ),
        failure(
            "Operation cannot be fulfilled on configmaps \"c\": Precondition failed: UID in \
             precondition: a, UID in object meta: b",
            "Conflict",
            409,
            Some(json!({"name": "c", "kind": "configmaps"})),
        ),
    );
}

const SUBDOMAIN_DETAIL: &str = "a lowercase RFC 1123 subdomain must consist of lower case \
     alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

#[test]
fn invalid_with_one_and_several_causes() {
    let one = vec![Cause::new(
        CauseType::FieldValueInvalid,
        "metadata.name",
        format!("Invalid value: \"Bad_Name\": {SUBDOMAIN_DETAIL}"),
    )];
    check(
        &ApiError::invalid("ConfigMap", "", "Bad_Name", one),
        failure(
            &format!(
                "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": \
                 {SUBDOMAIN_DETAIL}"
            ),
            "Invalid",
            422,
            Some(json!({"name": "Bad_Name", "kind": "ConfigMap", "causes": [{
                "reason": "FieldValueInvalid",
                "message": format!("Invalid value: \"Bad_Name\": {SUBDOMAIN_DETAIL}"),
                "field": "metadata.name",
            }]})),
        ),
    );
    let several = vec![
        Cause::new(CauseType::FieldValueRequired, "spec.a", "Required value"),
        Cause::new(CauseType::FieldValueForbidden, "spec.b", "Forbidden: no"),
        Cause::new(CauseType::FieldValueRequired, "spec.a", "Required value"),
    ];
    check(
        &ApiError::invalid("PropagationPolicy", "policy.karmada.io", "pp", several),
        failure(
            "PropagationPolicy.policy.karmada.io \"pp\" is invalid: [spec.a: Required value, \
             spec.b: Forbidden: no]",
            "Invalid",
            422,
            Some(
                json!({"name": "pp", "group": "policy.karmada.io", "kind": "PropagationPolicy",
                "causes": [
                    {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.a"},
                    {"reason": "FieldValueForbidden", "message": "Forbidden: no", "field": "spec.b"},
                    {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.a"},
                ]}),
            ),
        ),
    );
    check(
        &ApiError::invalid("ConfigMap", "", "x", vec![]),
        failure(
            "ConfigMap \"x\" is invalid",
            "Invalid",
            422,
            Some(json!({"name": "x", "kind": "ConfigMap"})),
        ),
    );
}

#[test]
fn expired_forms() {
    check(
        &ApiError::too_old_resource_version(113, 116),
        failure("too old resource version: 113 (116)", "Expired", 410, None),
    );
    check(
        &ApiError::expired_continue(),
        failure(
            "The provided continue parameter is too old to display a consistent list result. \
             You can start a new list without the continue parameter.",
            "Expired",
            410,
            None,
        ),
    );
    check(
        &ApiError::expired("gone"),
        failure("gone", "Expired", 410, None),
    );
}

#[test]
fn request_problems() {
    check(
        &ApiError::bad_request("field label not supported: data.a"),
        failure("field label not supported: data.a", "BadRequest", 400, None),
    );
    check(
        &ApiError::unauthorized(),
        failure("Unauthorized", "Unauthorized", 401, None),
    );
    check(
        &ApiError::method_not_allowed("clusters", "cluster.karmada.io", "deletecollection"),
        failure(
            "deletecollection is not supported on resources of kind \
             \"clusters.cluster.karmada.io\"",
            "MethodNotAllowed",
            405,
            Some(json!({"group": "cluster.karmada.io", "kind": "clusters"})),
        ),
    );
    check(
        &ApiError::not_acceptable(&["application/json", "application/yaml"]),
        failure(
            "only the following media types are accepted: application/json, application/yaml",
            "NotAcceptable",
            406,
            None,
        ),
    );
    check(
        &ApiError::unsupported_media_type(&[
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/apply-patch+yaml",
        ]),
        failure(
            "the body of the request was in an unknown format - accepted media types include: \
             application/json-patch+json, application/merge-patch+json, \
             application/apply-patch+yaml",
            "UnsupportedMediaType",
            415,
            None,
        ),
    );
    check(
        &ApiError::request_entity_too_large(super::MAX_REQUEST_BODY_BYTES),
        failure(
            "Request entity too large: limit is 3145728",
            "RequestEntityTooLarge",
            413,
            None,
        ),
    );
}

#[test]
fn name_parameters() {
    assert_eq!(ApiError::name_parameter_invalid("ok.name"), None);
    check(
        &ApiError::name_parameter_invalid("a/b%c").unwrap(),
        failure(
            "Name parameter invalid: \"a/b%c\": may not contain '/';may not contain '%'",
            "BadRequest",
            400,
            None,
        ),
    );
    check(
        &ApiError::name_parameter_invalid("..").unwrap(),
        failure(
            "Name parameter invalid: \"..\": may not be '..'",
            "BadRequest",
            400,
            None,
        ),
    );
}

#[test]
fn forbidden_forms() {
    check(
        &ApiError::forbidden_terminating_namespace("configmaps", "", "cm", "demo"),
        failure(
            "configmaps \"cm\" is forbidden: unable to create new content in namespace demo \
             because it is being terminated",
            "Forbidden",
            403,
            Some(json!({"name": "cm", "kind": "configmaps", "causes": [{
                "reason": "NamespaceTerminating",
                "message": "namespace demo is being terminated",
                "field": "metadata.namespace",
            }]})),
        ),
    );
    check(
        &ApiError::forbidden("configmaps", "", "", "no"),
        failure(
            "configmaps is forbidden: no",
            "Forbidden",
            403,
            Some(json!({"kind": "configmaps"})),
        ),
    );
    check(
        &ApiError::forbidden("", "", "", "no"),
        failure("forbidden: no", "Forbidden", 403, Some(json!({}))),
    );
}

#[test]
fn server_side_failures() {
    check(
        &ApiError::internal("boom"),
        failure(
            "Internal error occurred: boom",
            "InternalError",
            500,
            Some(json!({"causes": [{"message": "boom"}]})),
        ),
    );
    check(
        &ApiError::service_unavailable("not ready"),
        failure("not ready", "ServiceUnavailable", 503, None),
    );
    check(
        &ApiError::too_many_requests("slow down", 2),
        failure(
            "slow down",
            "TooManyRequests",
            429,
            Some(json!({"retryAfterSeconds": 2})),
        ),
    );
    let too_large = ApiError::too_large_resource_version(200, 117);
    assert_eq!(too_large.retry_after_seconds(), 1);
    check(
        &too_large,
        failure(
            "Timeout: Too large resource version: 200, current: 117",
            "Timeout",
            504,
            Some(json!({
                "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
                "retryAfterSeconds": 1,
            })),
        ),
    );
}

#[test]
fn names_are_quoted_like_go() {
    check(
        &ApiError::not_found("configmaps", "", "a\"b\n"),
        failure(
            "configmaps \"a\\\"b\\n\" not found",
            "NotFound",
            404,
            Some(json!({"name": "a\"b\n", "kind": "configmaps"})),
        ),
    );
}

#[test]
fn success_status_for_deletes() {
    let details = StatusDetails {
        uid: "0b7f".into(),
        ..StatusDetails::object("cfg", "", "configmaps")
    };
    let text = success_status(details).to_string();
    assert_eq!(
        text,
        r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"cfg","kind":"configmaps","uid":"0b7f"}}"#
    );
}

fn admission_errors() -> Vec<FieldError> {
    let spec = FieldPath::new("spec");
    vec![
        FieldError::invalid(
            &FieldPath::new("metadata").child("name"),
            "Bad_Name",
            "bad name",
        ),
        FieldError::required(&spec.child("resourceSelectors"), ""),
        FieldError::not_supported(&spec.child("preemption"), "Sometimes", &["Always", "Never"]),
        FieldError::duplicate(&spec.child("x").index(1), "a", ""),
        FieldError::forbidden(&spec.child("y"), "may not be set"),
        FieldError::too_long(&spec.child("z"), 63),
        FieldError::too_many(&spec.child("list"), 3, 2),
    ]
}

fn admission_causes() -> Value {
    json!([
        {"reason": "FieldValueInvalid", "message": "Invalid value: \"Bad_Name\": bad name", "field": "metadata.name"},
        {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.resourceSelectors"},
        {"reason": "FieldValueNotSupported", "message": "Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\"", "field": "spec.preemption"},
        {"reason": "FieldValueDuplicate", "message": "Duplicate value: \"a\"", "field": "spec.x[1]"},
        {"reason": "FieldValueForbidden", "message": "Forbidden: may not be set", "field": "spec.y"},
        {"reason": "FieldValueTooLong", "message": "Too long: may not be more than 63 bytes", "field": "spec.z"},
        {"reason": "FieldValueTooMany", "message": "Too many: 3: must have at most 2 items", "field": "spec.list"},
    ])
}

#[test]
fn admission_field_errors_become_causes() {
    let errors = admission_errors();
    let error =
        ApiError::from_field_errors("PropagationPolicy", "policy.karmada.io", "pp", &errors);
    let joined = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    check(
        &error,
        failure(
            &format!("PropagationPolicy.policy.karmada.io \"pp\" is invalid: [{joined}]"),
            "Invalid",
            422,
            Some(
                json!({"name": "pp", "group": "policy.karmada.io", "kind": "PropagationPolicy",
                "causes": admission_causes()}),
            ),
        ),
    );
    let single = ApiError::from_field_errors("Cluster", "cluster.karmada.io", "m1", &errors[1..2]);
    assert_eq!(
        single.message,
        "Cluster.cluster.karmada.io \"m1\" is invalid: spec.resourceSelectors: Required value"
    );
}

#[test]
fn admission_rejections() {
    let causes = admission_errors();
    let invalid = Rejection {
        kind: RejectionKind::Invalid,
        message: "as formatted".into(),
        causes,
        warnings: vec![],
    };
    check(
        &ApiError::from_rejection(&invalid, "PropagationPolicy", "policy.karmada.io", "pp"),
        failure(
            "as formatted",
            "Invalid",
            422,
            Some(
                json!({"name": "pp", "group": "policy.karmada.io", "kind": "PropagationPolicy",
                "causes": admission_causes()}),
            ),
        ),
    );
    let denied = Rejection {
        kind: RejectionKind::Forbidden,
        message: "admission webhook \"w\" denied the request: no".into(),
        causes: vec![],
        warnings: vec![],
    };
    check(
        &ApiError::from_rejection(&denied, "Work", "work.karmada.io", "w"),
        failure(
            "admission webhook \"w\" denied the request: no",
            "Forbidden",
            403,
            None,
        ),
    );
    let bad = Rejection {
        kind: RejectionKind::BadRequest,
        message: "strict decoding error".into(),
        causes: vec![],
        warnings: vec![],
    };
    check(
        &ApiError::from_rejection(&bad, "Work", "work.karmada.io", "w"),
        failure("strict decoding error", "BadRequest", 400, None),
    );
}

#[test]
fn metadata_errors() {
    let target = ResourceRef {
        resource: "configmaps",
        group: "",
        kind: "ConfigMap",
        name: "from-url",
    };
    let error = MetaError::Invalid {
        name: String::new(),
        causes: vec![MetaCause {
            field: "metadata.name".into(),
            reason: CauseReason::Required,
            message: "Required value: name or generateName is required".into(),
        }],
    };
    check(
        &ApiError::from_meta_error(&error, &target),
        failure(
            "ConfigMap \"from-url\" is invalid: metadata.name: Required value: name or \
             generateName is required",
            "Invalid",
            422,
            Some(json!({"name": "from-url", "kind": "ConfigMap", "causes": [{
                "reason": "FieldValueRequired",
                "message": "Required value: name or generateName is required",
                "field": "metadata.name",
            }]})),
        ),
    );
    check(
        &ApiError::from_meta_error(&MetaError::BadRequest("nope".into()), &target),
        failure("nope", "BadRequest", 400, None),
    );
}

const TARGET: ResourceRef<'static> = ResourceRef {
    resource: "deployments",
    group: "apps",
    kind: "Deployment",
    name: "web",
};

#[test]
fn store_errors_about_objects() {
    let object = Some(json!({"name": "web", "group": "apps", "kind": "deployments"}));
    let key = "/apps/deployments/ns/web".to_string();
    let cases = [
        (
            StoreError::NotFound { key: key.clone() },
            failure(
                "deployments.apps \"web\" not found",
                "NotFound",
                404,
                object.clone(),
            ),
        ),
        (
            StoreError::AlreadyExists { key: key.clone() },
            failure(
                "deployments.apps \"web\" already exists",
                "AlreadyExists",
                409,
                object.clone(),
            ),
        ),
        (
            StoreError::Conflict {
                key: key.clone(),
                expected: 3,
                current: Box::new(KeyValue {
                    key: key.clone(),
                    value: vec![],
                    create_revision: 1,
                    mod_revision: 4,
                }),
            },
            failure(
                "Operation cannot be fulfilled on deployments.apps \"web\": the object has been \
                 modified; please apply your changes to the latest version and try again",
                "Conflict",
                409,
                object,
            ),
        ),
    ];
    for (error, expected) in cases {
        check(&ApiError::from_store(&error, &TARGET), expected);
    }
}

#[test]
fn store_errors_about_revisions_keys_and_the_backend() {
    let key = "/apps/deployments/ns/web".to_string();
    let cases = [
        (
            StoreError::Compacted {
                requested: 5,
                compacted: 9,
            },
            failure("too old resource version: 5 (9)", "Expired", 410, None),
        ),
        (
            StoreError::FutureRevision {
                requested: 50,
                current: 9,
            },
            ApiError::too_large_resource_version(50, 9).to_status_json(),
        ),
        (
            StoreError::InvalidKey {
                key: key.clone(),
                reason: "must not contain '..'",
            },
            failure(
                "Name parameter invalid: \"web\": must not contain '..'",
                "BadRequest",
                400,
                None,
            ),
        ),
        (
            StoreError::ValueTooLarge {
                key,
                size: 2_000_000,
                limit: 1_572_864,
            },
            failure(
                "Request entity too large: limit is 1572864",
                "RequestEntityTooLarge",
                413,
                None,
            ),
        ),
        (
            StoreError::Backend("disk on fire".into()),
            ApiError::internal("storage backend error: disk on fire").to_status_json(),
        ),
        (
            StoreError::Closed,
            failure("the store is closed", "ServiceUnavailable", 503, None),
        ),
    ];
    for (error, expected) in cases {
        check(&ApiError::from_store(&error, &TARGET), expected);
    }
    let slash = ResourceRef {
        name: "a/b",
        ..TARGET
    };
    let error = StoreError::InvalidKey {
        key: "/x".into(),
        reason: "r",
    };
    assert_eq!(
        ApiError::from_store(&error, &slash).message,
        "Name parameter invalid: \"a/b\": may not contain '/'"
    );
}
