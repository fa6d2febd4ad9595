//! Admission: what the API server does to an object between decoding and storing it — field
//! validation mode (unknown/duplicate fields), schema defaults, legacy-name normalisation,
//! schema validation, the kinds' mutating and validating webhooks, and metadata validation
//! (api.md §0.3, §14; decisions.md "API").
//!
//! Owns: `admit`, a plain function over the object and (for updates) the stored object. Must not:
//! read the clock or generate ids (`now` and the fresh id are in the context), or do any I/O.

mod binding;
mod cluster;
pub mod decode;
mod legacy;
mod metadata;
mod override_policy;
mod placement;
mod propagation;
mod taint_policy;
mod url;
mod work;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::Value;

use crate::field::{FieldError, FieldPath, join_errors};
use crate::kinds::{
    Cluster, ClusterOverridePolicy, ClusterPropagationPolicy, ClusterResourceBinding,
    ClusterTaintPolicy, KarmadaKind, KindInfo, OverridePolicy, PropagationPolicy, ResourceBinding,
    Work,
};
use crate::schema;

/// How unknown and duplicate fields are treated (the `fieldValidation` query parameter).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// Reject the object (kubectl's default).
    #[default]
    Strict,
    /// Drop the fields and return a warning for each.
    Warn,
    /// Drop the fields silently.
    Ignore,
}

/// Server flags that change admission.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdmissionConfig {
    /// `--allow-no-execute-taint-policy`: allow NoExecute taints in ClusterTaintPolicies.
    pub allow_no_execute_taint_policy: bool,
    /// Feature gate `MultiplePodTemplatesScheduling`: validate binding component names.
    pub multiple_pod_templates_scheduling: bool,
}

/// Everything admission needs besides the object: the time, a fresh id, and settings.
#[derive(Clone, Debug)]
pub struct AdmissionContext {
    /// The current time (for `timeAdded` on NoExecute taints).
    pub now: Time,
    /// A fresh UUID for permanent-id labels set on create.
    pub new_id: String,
    /// Unknown/duplicate field handling.
    pub field_validation: FieldValidation,
    /// Server flags.
    pub config: AdmissionConfig,
}

/// Create or update.
#[derive(Clone, Debug, PartialEq)]
pub enum Operation {
    /// A new object.
    Create,
    /// A change to a stored object (`old` is the stored, already admitted object).
    Update {
        /// The stored object.
        old: Value,
    },
}

/// An object to admit.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The decoded object.
    pub object: Value,
    /// Fields the decoder saw twice (see `decode`).
    pub duplicate_fields: Vec<FieldPath>,
    /// Create or update.
    pub operation: Operation,
}

/// An admitted object: defaulted and normalised, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct Admitted {
    /// The object to store.
    pub object: Value,
    /// Warnings for the client (`Warning` headers).
    pub warnings: Vec<String>,
}

/// Which HTTP answer a rejection maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectionKind {
    /// 400: undecodable, or unknown/duplicate fields under `Strict`.
    BadRequest,
    /// 422: schema or metadata validation, or Cluster validation.
    Invalid,
    /// 403: denied by a validating webhook.
    Forbidden,
}

/// A refused object.
#[derive(thiserror::Error, Clone, Debug, PartialEq)]
#[error("{message}")]
pub struct Rejection {
    /// The HTTP answer.
    pub kind: RejectionKind,
    /// The message users see, formatted as the Kubernetes API formats it.
    pub message: String,
    /// Field errors (empty for message-only denials).
    pub causes: Vec<FieldError>,
    /// Warnings produced before the rejection.
    pub warnings: Vec<String>,
}

impl Rejection {
    /// The HTTP status code.
    pub fn http_status(&self) -> u16 {
        match self.kind {
            RejectionKind::BadRequest => 400,
            RejectionKind::Invalid => 422,
            RejectionKind::Forbidden => 403,
        }
    }
}

/// What a validating webhook (or Cluster validation) concluded.
pub(crate) enum Verdict {
    /// Accepted.
    Allowed,
    /// Denied with a plain message (no field path).
    DeniedMessage(String),
    /// Denied with field errors.
    Denied(Vec<FieldError>),
}

impl Verdict {
    fn from_errors(errors: Vec<FieldError>) -> Self {
        if errors.is_empty() {
            Verdict::Allowed
        } else {
            Verdict::Denied(errors)
        }
    }
}

/// The per-kind part of admission.
pub(crate) trait Admit: KarmadaKind {
    /// The validating webhook's name; `None` means errors are 422 (Cluster).
    const WEBHOOK: Option<&'static str>;

    /// Errors the kind reports beyond its schema, found on the raw object (Cluster: an empty
    /// `syncMode` is also "Required").
    fn raw_errors(_object: &Value, _errors: &mut Vec<FieldError>) {}

    /// Mutating webhook (and, for Cluster, the "prepare" step).
    fn mutate(
        &mut self,
        _old: Option<&Self>,
        _ctx: &AdmissionContext,
        _warnings: &mut Vec<String>,
    ) {
    }

    /// Validating webhook (or Cluster validation).
    fn validate(
        &self,
        old: Option<&Self>,
        ctx: &AdmissionContext,
        warnings: &mut Vec<String>,
    ) -> Verdict;

    /// Cluster's "canonicalize" step after validation.
    fn canonicalize(&mut self, _ctx: &AdmissionContext) {}
}

/// Admits one object of a served kind.
pub fn admit(
    info: &KindInfo,
    request: Request,
    ctx: &AdmissionContext,
) -> Result<Admitted, Rejection> {
    match info.kind {
        "Cluster" => admit_kind::<Cluster>(request, ctx),
        "PropagationPolicy" => admit_kind::<PropagationPolicy>(request, ctx),
        "ClusterPropagationPolicy" => admit_kind::<ClusterPropagationPolicy>(request, ctx),
        "ClusterTaintPolicy" => admit_kind::<ClusterTaintPolicy>(request, ctx),
        "OverridePolicy" => admit_kind::<OverridePolicy>(request, ctx),
        "ClusterOverridePolicy" => admit_kind::<ClusterOverridePolicy>(request, ctx),
        "ResourceBinding" => admit_kind::<ResourceBinding>(request, ctx),
        "ClusterResourceBinding" => admit_kind::<ClusterResourceBinding>(request, ctx),
        "Work" => admit_kind::<Work>(request, ctx),
        other => unreachable!("kind {other} is not served"),
    }
}

/// Reads an object the way the store holds it — unknown fields per `field_validation`, legacy
/// names, schema defaults, schema validation, typed decoding — without the create/update steps
/// (status is kept, no webhooks). For tools that take objects with status as input, and for
/// reading stored objects. Returns the object and its warnings.
pub fn decode_object<K: KarmadaKind>(
    object: Value,
    field_validation: FieldValidation,
) -> Result<(K, Vec<String>), Rejection> {
    let mut warnings = Vec::new();
    let typed = decode_checked::<K>(
        object,
        &[],
        None,
        field_validation,
        &mut warnings,
        |_, _| {},
    )?;
    Ok((typed, warnings))
}

/// The schema half of admission: type meta, field validation, legacy names, defaults, the
/// registry's scope/status rules (when `operation` is given), schema and metadata validation,
/// typed decoding. `raw_errors` adds kind-specific errors found on the raw object.
fn decode_checked<K: KarmadaKind>(
    mut object: Value,
    duplicates: &[FieldPath],
    operation: Option<&Operation>,
    field_validation: FieldValidation,
    warnings: &mut Vec<String>,
    raw_errors: impl Fn(&Value, &mut Vec<FieldError>),
) -> Result<K, Rejection> {
    let info = K::INFO;
    check_type_meta(info, &object)?;
    let structural = schema::structural(info);
    apply_field_validation(
        info,
        structural,
        &mut object,
        duplicates,
        field_validation,
        warnings,
    )?;
    legacy::normalize_purge_modes(&mut object, warnings);
    structural.apply_defaults(&mut object);
    if let Some(operation) = operation {
        metadata::prepare(info, &mut object, operation);
    }
    let name = metadata::display_name(&object);
    let mut errors = Vec::new();
    raw_errors(&object, &mut errors);
    structural.validate(&object, &FieldPath::root(), &mut errors);
    metadata::validate(info, &object, &mut errors);
    if !errors.is_empty() {
        return Err(invalid(info, &name, errors, warnings.clone()));
    }
    decode_typed(info, &name, object, warnings)
}

fn admit_kind<K: Admit>(request: Request, ctx: &AdmissionContext) -> Result<Admitted, Rejection> {
    let info = K::INFO;
    let mut warnings = Vec::new();
    let mut typed: K = decode_checked(
        request.object,
        &request.duplicate_fields,
        Some(&request.operation),
        ctx.field_validation,
        &mut warnings,
        K::raw_errors,
    )?;
    let name = typed.metadata().name.clone().unwrap_or_default();
    let old: Option<K> = match &request.operation {
        Operation::Create => None,
        Operation::Update { old } => Some(decode_typed(info, &name, old.clone(), &warnings)?),
    };
    typed.mutate(old.as_ref(), ctx, &mut warnings);
    match typed.validate(old.as_ref(), ctx, &mut warnings) {
        Verdict::Allowed => {}
        Verdict::DeniedMessage(message) => {
            return Err(denied(K::WEBHOOK, info, &name, message, vec![], warnings));
        }
        Verdict::Denied(errors) => {
            let message = join_errors(&errors);
            return Err(denied(K::WEBHOOK, info, &name, message, errors, warnings));
        }
    }
    typed.canonicalize(ctx);
    let object = serde_json::to_value(&typed).expect("admitted objects serialize");
    Ok(Admitted { object, warnings })
}

/// `apiVersion` and `kind` must name the kind being admitted.
fn check_type_meta(info: &KindInfo, object: &Value) -> Result<(), Rejection> {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    if api_version == info.api_version && kind == info.kind {
        return Ok(());
    }
    Err(Rejection {
        kind: RejectionKind::BadRequest,
        message: format!(
            "the object's apiVersion/kind {api_version:?}/{kind:?} is not {}/{}",
            info.api_version, info.kind
        ),
        causes: vec![],
        warnings: vec![],
    })
}

fn apply_field_validation(
    info: &KindInfo,
    structural: &schema::Structural,
    object: &mut Value,
    duplicates: &[FieldPath],
    field_validation: FieldValidation,
    warnings: &mut Vec<String>,
) -> Result<(), Rejection> {
    let mut unknown = Vec::new();
    structural.prune(object, &FieldPath::root(), &mut unknown);
    unknown.sort();
    let mut problems: Vec<String> = duplicates
        .iter()
        .map(|p| format!("duplicate field {:?}", p.as_str()))
        .collect();
    problems.extend(
        unknown
            .iter()
            .map(|p| format!("unknown field {:?}", p.as_str())),
    );
    match field_validation {
        FieldValidation::Ignore => Ok(()),
        FieldValidation::Warn => {
            warnings.extend(problems);
            Ok(())
        }
        FieldValidation::Strict if problems.is_empty() => Ok(()),
        FieldValidation::Strict => Err(Rejection {
            kind: RejectionKind::BadRequest,
            message: format!(
                "{kind} in version {version:?} cannot be handled as a {kind}: strict decoding error: {}",
                problems.join(", "),
                kind = info.kind,
                version = info.version,
            ),
            causes: vec![],
            warnings: std::mem::take(warnings),
        }),
    }
}

fn decode_typed<K: KarmadaKind>(
    info: &KindInfo,
    name: &str,
    object: Value,
    warnings: &[String],
) -> Result<K, Rejection> {
    serde_path_to_error::deserialize(object).map_err(|e| {
        let path = FieldPath::new(&e.path().to_string());
        let error = FieldError::invalid(&path, Value::Null, &e.inner().to_string());
        invalid(info, name, vec![error], warnings.to_vec())
    })
}

/// A 422: `<Kind>.<group> "<name>" is invalid: <errors>`.
fn invalid(
    info: &KindInfo,
    name: &str,
    causes: Vec<FieldError>,
    warnings: Vec<String>,
) -> Rejection {
    Rejection {
        kind: RejectionKind::Invalid,
        message: format!(
            "{}.{} {name:?} is invalid: {}",
            info.kind,
            info.group,
            join_errors(&causes)
        ),
        causes,
        warnings,
    }
}

fn denied(
    webhook: Option<&str>,
    info: &KindInfo,
    name: &str,
    message: String,
    causes: Vec<FieldError>,
    warnings: Vec<String>,
) -> Rejection {
    match webhook {
        Some(webhook) => Rejection {
            kind: RejectionKind::Forbidden,
            message: format!("admission webhook {webhook:?} denied the request: {message}"),
            causes,
            warnings,
        },
        None => invalid(info, name, causes, warnings),
    }
}
