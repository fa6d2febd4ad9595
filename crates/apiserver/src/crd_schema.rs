//! Custom resources against their CRD version's `schema.openAPIV3Schema` (kube-api.md §0.2,
//! §7.7, §13), as the Kubernetes API server handles a structural schema: unknown fields are
//! pruned (an error under `fieldValidation=Strict`, one warning each under `Warn`, silent under
//! `Ignore`), schema defaults are applied, then values are validated (types, `nullable`,
//! `x-kubernetes-int-or-string`, `enum`, `required`, `items`, `additionalProperties`, numeric,
//! length and item-count bounds, `pattern`; `format` is ignored). `spec` and `status` are both
//! checked when present.
//!
//! The schema semantics themselves are `flotilla_api::schema::Structural`'s (shared with
//! Flotilla's own kinds); this module adds what is specific to custom resources: the root
//! `apiVersion`, `kind` and `metadata` are always kept and never validated by the schema
//! (unknown `metadata` fields are pruned like ObjectMeta's), `x-kubernetes-embedded-resource`
//! objects keep and require their own `apiVersion` and `kind` and get an ObjectMeta `metadata`,
//! and a missing schema accepts everything unchanged.
//!
//! Owns: CR schema pruning/defaulting/validation and the error each failure maps to. Must not:
//! do I/O, read the clock, validate metadata rules (names, labels: `objects`), or write HTTP
//! responses (the server turns [`SchemaError`] into a Status and warnings into headers).

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use flotilla_api::admission::FieldValidation;
use flotilla_api::field::{FieldError, FieldPath};
use flotilla_api::schema::{SchemaError as CompileError, Structural, schema_value_for};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::{Map, Value, json};

use crate::status::{ApiError, Cause, aggregate_errors, go_quote};

/// Root fields the schema never prunes or validates.
const ROOT_FIELDS: [&str; 3] = ["apiVersion", "kind", "metadata"];

/// The marker of an embedded object (`RawExtension`-like fields such as a pod template).
const EMBEDDED: &str = "x-kubernetes-embedded-resource";

/// A checked custom resource: pruned and defaulted, with the warnings for the client.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The object to store.
    pub object: Value,
    /// `unknown field "<path>"`, one per pruned field under `fieldValidation=Warn`.
    pub warnings: Vec<String>,
}

/// Why a custom resource is refused.
#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq)]
pub enum SchemaError {
    /// `fieldValidation=Strict` and fields the schema does not declare (sorted paths such as
    /// `spec.items[0].foo`): 400 BadRequest.
    #[error("strict decoding error: {}", unknown_fields_text(.0))]
    UnknownFields(Vec<String>),
    /// Values the schema refuses: 422 Invalid with these causes.
    #[error("{}", aggregate_errors(.0.iter().map(Cause::field_error_text)))]
    Invalid(Vec<Cause>),
    /// The schema itself cannot be used (a keyword of the wrong JSON type): 500.
    #[error("invalid schema: {0}")]
    BadSchema(String),
}

fn unknown_fields_text(fields: &[String]) -> String {
    let texts: Vec<String> = fields
        .iter()
        .map(|f| format!("unknown field {}", go_quote(f)))
        .collect();
    texts.join(", ")
}

impl SchemaError {
    /// The Status for this error on an object of `kind` (`group`/`version`) named `name`:
    /// - `UnknownFields`: 400 BadRequest `<Kind> in version "<version>" cannot be handled as a
    ///   <Kind>: strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`;
    /// - `Invalid`: 422 Invalid `<Kind>.<group> "<name>" is invalid: [<field>: <message>, …]`
    ///   with details `{name, group, kind: <Kind>, causes}`;
    /// - `BadSchema`: 500 InternalError `Internal error occurred: invalid schema: …`.
    pub fn to_api_error(&self, kind: &str, group: &str, version: &str, name: &str) -> ApiError {
        match self {
            SchemaError::UnknownFields(_) => ApiError::bad_request(format!(
                "{kind} in version {} cannot be handled as a {kind}: {self}",
                go_quote(version)
            )),
            SchemaError::Invalid(causes) => ApiError::invalid(kind, group, name, causes.clone()),
            SchemaError::BadSchema(_) => ApiError::internal(self.to_string()),
        }
    }
}

/// A CRD version's schema, compiled once and usable for many objects.
#[derive(Clone, Debug)]
pub struct CrdSchema {
    /// `None` when the version has no schema: everything is accepted unchanged.
    compiled: Option<Compiled>,
}

#[derive(Clone, Debug)]
struct Compiled {
    /// The compiled rewritten schema.
    structural: Structural,
    /// The rewritten schema (root fields stubbed, embedded resources completed).
    rewritten: Value,
}

impl CrdSchema {
    /// Compiles an `openAPIV3Schema` (`Value::Null` or any non-object: no schema). Patterns that
    /// are not valid regular expressions are ignored here ([`crd_causes`] rejects them when
    /// the CRD is written); a keyword of the wrong JSON type is an error.
    pub fn compile(schema: &Value) -> Result<CrdSchema, String> {
        if !schema.is_object() {
            return Ok(CrdSchema { compiled: None });
        }
        let mut rewritten = schema.clone();
        rewrite_node(&mut rewritten);
        stub_root_fields(&mut rewritten);
        let structural = Structural::compile(&rewritten).map_err(|e| e.to_string())?;
        Ok(CrdSchema {
            compiled: Some(Compiled {
                structural,
                rewritten,
            }),
        })
    }

    /// Prunes, defaults and validates `object` (a whole custom resource, envelope included).
    /// Under `Strict` unknown fields are an error before any value is validated, as upstream
    /// reports decoding errors before validation errors.
    pub fn validate(
        &self,
        mut object: Value,
        validation: FieldValidation,
    ) -> Result<Outcome, SchemaError> {
        let Some(compiled) = &self.compiled else {
            return Ok(Outcome {
                object,
                warnings: Vec::new(),
            });
        };
        let unknown = prune(&compiled.structural, &mut object);
        let warnings = match validation {
            FieldValidation::Strict if !unknown.is_empty() => {
                return Err(SchemaError::UnknownFields(unknown));
            }
            FieldValidation::Warn => unknown
                .iter()
                .map(|f| format!("unknown field {}", go_quote(f)))
                .collect(),
            _ => Vec::new(),
        };
        compiled.structural.apply_defaults(&mut object);
        let mut errors = Vec::new();
        compiled
            .structural
            .validate(&object, &FieldPath::root(), &mut errors);
        embedded_errors(
            &compiled.rewritten,
            &object,
            &FieldPath::root(),
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(SchemaError::Invalid(
                errors.iter().map(Cause::from).collect(),
            ));
        }
        Ok(Outcome { object, warnings })
    }
}

/// Compiles `schema` and checks `object` against it (see [`CrdSchema`]); a schema that does
/// not compile gives [`SchemaError::BadSchema`]. Callers checking many objects against one
/// version should keep a [`CrdSchema`] instead.
pub fn validate(
    schema: &Value,
    object: Value,
    validation: FieldValidation,
) -> Result<Outcome, SchemaError> {
    CrdSchema::compile(schema)
        .map_err(SchemaError::BadSchema)?
        .validate(object, validation)
}

/// The `schema.openAPIV3Schema` of the CRD's version `version` (`Value::Null` when the version
/// or its schema is missing).
pub fn version_schema<'a>(crd: &'a Value, version: &str) -> &'a Value {
    static NONE: Value = Value::Null;
    crd["spec"]["versions"]
        .as_array()
        .and_then(|versions| versions.iter().find(|v| v["name"] == version))
        .map_or(&NONE, |v| &v["schema"]["openAPIV3Schema"])
}

/// Problems of a CRD's version schemas that make it unacceptable (for the 422 of a CRD create
/// or update): patterns that are not valid regular expressions, at
/// `spec.versions[i].schema.openAPIV3Schema.properties[spec]….pattern`, and schemas that do
/// not compile.
pub fn crd_causes(crd: &Value) -> Vec<Cause> {
    let mut errors = Vec::new();
    let versions = crd["spec"]["versions"].as_array().map_or(&[][..], |v| v);
    for (i, version) in versions.iter().enumerate() {
        let schema = &version["schema"]["openAPIV3Schema"];
        let path = format!("spec.versions[{i}].schema.openAPIV3Schema");
        pattern_errors(schema, &path, &mut errors);
        if let Err(reason) = CrdSchema::compile(schema) {
            errors.push(FieldError::invalid(
                &FieldPath::new(&path),
                "",
                &format!("must be a valid schema: {reason}"),
            ));
        }
    }
    errors.iter().map(Cause::from).collect()
}

/// Prunes unknown fields from the object and from its root `metadata` (by ObjectMeta's
/// schema), returning their sorted paths.
fn prune(structural: &Structural, object: &mut Value) -> Vec<String> {
    let mut unknown = Vec::new();
    structural.prune(object, &FieldPath::root(), &mut unknown);
    if let Some(meta @ Value::Object(_)) = object.get_mut("metadata") {
        object_meta().prune(meta, &FieldPath::new("metadata"), &mut unknown);
    }
    let mut paths: Vec<String> = unknown.iter().map(|p| p.as_str().to_string()).collect();
    paths.sort();
    paths
}

/// ObjectMeta's schema (JSON), built once. `managedFields[].fieldsV1` is a free-form trie
/// (its generated schema is a bare `type: object`, which would prune all of it).
fn object_meta_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = schema_value_for::<ObjectMeta>();
        let fields_v1 = "/properties/managedFields/items/properties/fieldsV1";
        if let Some(Value::Object(node)) = schema.pointer_mut(fields_v1) {
            node.insert("x-kubernetes-preserve-unknown-fields".into(), true.into());
        }
        schema
    })
}

/// ObjectMeta's compiled schema, built once.
fn object_meta() -> &'static Structural {
    static COMPILED: OnceLock<Structural> = OnceLock::new();
    COMPILED.get_or_init(|| {
        Structural::compile(object_meta_schema()).expect("ObjectMeta's schema compiles")
    })
}

fn flag(map: &Map<String, Value>, key: &str) -> bool {
    map.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// Drops invalid patterns and completes embedded resources, in this node and below.
fn rewrite_node(node: &mut Value) {
    let Value::Object(map) = node else { return };
    let bad_pattern = map
        .get("pattern")
        .and_then(Value::as_str)
        .is_some_and(|p| pattern_error(p).is_some());
    if bad_pattern {
        map.remove("pattern");
    }
    for (key, value) in map.iter_mut() {
        match (key.as_str(), value) {
            ("properties", Value::Object(props)) => props.values_mut().for_each(rewrite_node),
            ("items" | "additionalProperties" | "not", child) => rewrite_node(child),
            ("allOf" | "anyOf" | "oneOf", Value::Array(list)) => {
                list.iter_mut().for_each(rewrite_node)
            }
            _ => {}
        }
    }
    if flag(map, EMBEDDED) {
        add_embedded_fields(map);
    }
}

/// An embedded resource declares a string `apiVersion` and `kind` (both required) and an
/// ObjectMeta `metadata`, whatever its schema says about them.
fn add_embedded_fields(map: &mut Map<String, Value>) {
    let props = map
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(props) = props {
        props.insert("apiVersion".into(), json!({"type": "string"}));
        props.insert("kind".into(), json!({"type": "string"}));
        props.insert("metadata".into(), object_meta_schema().clone());
    }
    let required = map.entry("required").or_insert_with(|| json!([]));
    if let Value::Array(required) = required {
        for field in ["apiVersion", "kind"] {
            if !required.iter().any(|r| r == field) {
                required.push(field.into());
            }
        }
    }
}

/// At the root, `apiVersion`, `kind` and `metadata` are kept as they are and not validated:
/// each becomes a schema that preserves anything (metadata is pruned separately).
fn stub_root_fields(root: &mut Value) {
    let Value::Object(map) = root else { return };
    map.remove(EMBEDDED);
    if let Some(Value::Array(required)) = map.get_mut("required") {
        required.retain(|r| !r.as_str().is_some_and(|r| ROOT_FIELDS.contains(&r)));
    }
    let props = map
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(props) = props {
        for field in ROOT_FIELDS {
            let stub = json!({"nullable": true, "x-kubernetes-preserve-unknown-fields": true});
            props.insert(field.into(), stub);
        }
    }
}

/// Upstream's embedded-resource checks the schema cannot express: `apiVersion` and `kind`
/// must not be empty.
fn embedded_errors(schema: &Value, value: &Value, path: &FieldPath, errors: &mut Vec<FieldError>) {
    match value {
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    embedded_errors(item_schema, item, &path.index(i), errors);
                }
            }
        }
        Value::Object(map) => {
            if schema.get(EMBEDDED).and_then(Value::as_bool) == Some(true) {
                for field in ["apiVersion", "kind"] {
                    if map.get(field).is_some_and(|v| v == "") {
                        errors.push(FieldError::invalid(
                            &path.child(field),
                            "",
                            "must not be empty",
                        ));
                    }
                }
            }
            let props = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            for (key, child) in map {
                if let Some(child_schema) = props.and_then(|p| p.get(key)) {
                    embedded_errors(child_schema, child, &path.child(key), errors);
                } else if let Some(child_schema) = additional {
                    embedded_errors(child_schema, child, &path.key(key), errors);
                }
            }
        }
        _ => {}
    }
}

/// Why `pattern` is not a valid regular expression, or `None` when it is one.
fn pattern_error(pattern: &str) -> Option<String> {
    match Structural::compile(&json!({"type": "string", "pattern": pattern})) {
        Ok(_) => None,
        Err(CompileError::BadPattern { reason, .. }) => Some(reason),
        Err(other) => Some(other.to_string()),
    }
}

/// Invalid patterns in this schema node and below, with upstream's schema paths
/// (`….properties[spec].items.pattern`).
fn pattern_errors(node: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let Value::Object(map) = node else { return };
    if let Some(pattern) = map.get("pattern").and_then(Value::as_str)
        && let Some(reason) = pattern_error(pattern)
    {
        let detail = format!("must be a valid regular expression, but isn't: {reason}");
        let at = FieldPath::new(&format!("{path}.pattern"));
        errors.push(FieldError::invalid(&at, pattern, &detail));
    }
    for (key, value) in map {
        match (key.as_str(), value) {
            ("properties", Value::Object(props)) => {
                for (name, child) in props {
                    pattern_errors(child, &format!("{path}.properties[{name}]"), errors);
                }
            }
            ("items" | "additionalProperties" | "not", child) => {
                pattern_errors(child, &format!("{path}.{key}"), errors);
            }
            ("allOf" | "anyOf" | "oneOf", Value::Array(list)) => {
                for (i, child) in list.iter().enumerate() {
                    pattern_errors(child, &format!("{path}.{key}[{i}]"), errors);
                }
            }
            _ => {}
        }
    }
}
