//! Shared helpers for the admission tests: a fixed context and one-call admission of YAML.

#![allow(dead_code)]

use flotilla_api::admission::decode::decode_documents;
use flotilla_api::admission::{
    AdmissionConfig, AdmissionContext, Admitted, FieldValidation, Operation, Rejection, Request,
    admit,
};
use flotilla_api::kinds::find_kind;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::Value;

/// The fixed time admission sees in tests.
pub const NOW: &str = "2026-09-01T08:00:00Z";
/// The fixed fresh id admission sees in tests.
pub const NEW_ID: &str = "00000000-0000-4000-8000-000000000001";

/// A context with fixed time and id.
pub fn context(config: AdmissionConfig, field_validation: FieldValidation) -> AdmissionContext {
    AdmissionContext {
        now: Time(NOW.parse().unwrap()),
        new_id: NEW_ID.to_string(),
        field_validation,
        config,
    }
}

/// Admits the first document of `yaml` as a create.
pub fn admit_yaml(yaml: &str, ctx: &AdmissionContext) -> Result<Admitted, Rejection> {
    let doc = decode_documents(yaml, "test.yaml").unwrap().remove(0);
    admit_value(doc.value, doc.duplicate_fields, Operation::Create, ctx)
}

/// Admits a decoded object.
pub fn admit_value(
    object: Value,
    duplicate_fields: Vec<flotilla_api::field::FieldPath>,
    operation: Operation,
    ctx: &AdmissionContext,
) -> Result<Admitted, Rejection> {
    let api_version = object["apiVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let kind = object["kind"].as_str().unwrap_or_default().to_string();
    let info = find_kind(&api_version, &kind).expect("a served kind");
    // Like kubectl: namespaced objects without a namespace go to `default`.
    let mut object = object;
    if info.namespaced && object["metadata"].get("namespace").is_none() {
        object["metadata"]["namespace"] = "default".into();
    }
    admit(
        info,
        Request {
            object,
            duplicate_fields,
            operation,
        },
        ctx,
    )
}

/// The errors of a rejection as users see them: each field error, or the message.
pub fn error_lines(rejection: &Rejection) -> Vec<String> {
    if rejection.causes.is_empty() {
        vec![rejection.message.clone()]
    } else {
        rejection.causes.iter().map(|c| c.to_string()).collect()
    }
}
