//! Schema generation: `schemars` output rewritten into the structural form Kubernetes accepts
//! (no `nullable`, no `oneOf`/`anyOf` enums, `const` as `enum`, preserved unknown fields for
//! embedded JSON).
//!
//! Owns: the rewrite rules. Must not: validate objects.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

/// Schema for an arbitrary embedded JSON value (`apiextensionsv1.JSON`).
pub fn any_json(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "x-kubernetes-preserve-unknown-fields": true })
}

/// Schema for a list of arbitrary embedded objects (Work manifests).
pub fn any_json_objects(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": { "type": "object", "x-kubernetes-preserve-unknown-fields": true }
    })
}

/// The structural schema (JSON) of `T`, with every subschema inlined.
pub fn schema_value_for<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::openapi3()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    let mut value = generator.into_root_schema_for::<T>().to_value();
    if let Value::Object(map) = &mut value {
        map.remove("title");
        map.remove("$schema");
        map.remove("definitions");
        map.remove("$defs");
    }
    make_structural(&mut value);
    value
}

/// The schema of a root object: `apiVersion`, `kind`, `metadata`, `spec` and optionally `status`.
/// `S` is the spec type; `St` the status type (ignored unless `with_status`).
pub fn root_schema<S: JsonSchema, St: JsonSchema>(with_status: bool) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "apiVersion".into(),
        json!({"type": "string", "description": "APIVersion defines the versioned schema of this representation of an object."}),
    );
    properties.insert(
        "kind".into(),
        json!({"type": "string", "description": "Kind is a string value representing the REST resource this object represents."}),
    );
    properties.insert("metadata".into(), json!({"type": "object"}));
    properties.insert("spec".into(), schema_value_for::<S>());
    if with_status {
        properties.insert("status".into(), schema_value_for::<St>());
    }
    json!({"type": "object", "properties": properties, "required": ["spec"]})
}

/// Rewrites one schema node (and, recursively, its children) into structural form.
fn make_structural(value: &mut Value) {
    let Value::Object(map) = value else { return };
    hoist_optional(map);
    enum_from_one_of(map);
    if let Some(c) = map.remove("const") {
        map.insert("enum".into(), json!([c]));
    }
    map.remove("nullable");
    map.remove("uniqueItems");
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    if let Some(Value::String(format)) = map.get("format")
        && format.starts_with("uint")
    {
        map.remove("format");
    }
    if let Some(Value::Array(types)) = map.get("type").cloned() {
        let non_null: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
        if non_null.len() == 1 {
            map.insert("type".into(), non_null[0].clone());
        }
    }
    integral_bounds(map);
    if map.contains_key("properties") {
        match map.get("additionalProperties") {
            Some(Value::Bool(true)) => {
                map.remove("additionalProperties");
                map.insert(
                    "x-kubernetes-preserve-unknown-fields".into(),
                    Value::Bool(true),
                );
            }
            Some(Value::Bool(false)) => {
                map.remove("additionalProperties");
            }
            _ => {}
        }
    }
    for key in ["properties"] {
        if let Some(Value::Object(props)) = map.get_mut(key) {
            props.values_mut().for_each(make_structural);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = map.get_mut(key) {
            make_structural(child);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(children)) = map.get_mut(key) {
            children.iter_mut().for_each(make_structural);
        }
    }
}

/// `anyOf: [T, {null}]` (how schemars writes `Option<T>` for some T) becomes `T`.
fn hoist_optional(map: &mut Map<String, Value>) {
    let Some(Value::Array(any_of)) = map.get("anyOf") else {
        return;
    };
    let (nulls, others): (Vec<&Value>, Vec<&Value>) =
        any_of.iter().partition(|s| is_null_schema(s));
    if nulls.is_empty() || others.len() != 1 {
        return;
    }
    let Value::Object(inner) = others[0].clone() else {
        return;
    };
    map.remove("anyOf");
    for (k, v) in inner {
        map.entry(k).or_insert(v);
    }
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type") == Some(&json!("null")) || schema.get("enum") == Some(&json!([null]))
}

/// Documented unit enums come out as `oneOf: [{const, description}, …]`: fold into `enum`.
fn enum_from_one_of(map: &mut Map<String, Value>) {
    let Some(Value::Array(one_of)) = map.get("oneOf") else {
        return;
    };
    let mut values = Vec::new();
    for variant in one_of {
        match (variant.get("const"), variant.get("enum")) {
            (Some(c), _) => values.push(c.clone()),
            (None, Some(Value::Array(e))) => values.extend(e.iter().cloned()),
            _ => return,
        }
    }
    map.remove("oneOf");
    map.insert("type".into(), json!("string"));
    // An explicit `#[schemars(extend("enum" = …))]` narrows the variants: keep it.
    map.entry("enum").or_insert(Value::Array(values));
}

/// `minimum: 1.0` → `minimum: 1` for integer fields, as hand-written CRDs have it.
fn integral_bounds(map: &mut Map<String, Value>) {
    for key in ["minimum", "maximum"] {
        if let Some(Value::Number(n)) = map.get(key)
            && let Some(f) = n.as_f64()
            && f.fract() == 0.0
            && f.abs() < 9.0e15
        {
            map.insert(key.into(), json!(f as i64));
        }
    }
}
