//! A compiled structural OpenAPI v3 schema and the three things the Kubernetes API server does
//! with one: prune unknown fields, apply defaults, validate values (api.md §0.3; kube-api.md §7.7).
//!
//! Owns: schema-level semantics for any structural schema (our kinds now, users' CRDs later).
//! Must not: know about particular kinds.

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::{Map, Value};

use crate::field::{FieldError, FieldPath};

/// A schema that cannot be compiled.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum SchemaError {
    /// A `pattern` is not a valid regular expression.
    #[error("{path}: invalid pattern {pattern:?}: {reason}")]
    BadPattern {
        /// Where in the schema.
        path: String,
        /// The pattern.
        pattern: String,
        /// Why it does not compile.
        reason: String,
    },
    /// A keyword has a value of the wrong JSON type.
    #[error("{path}: keyword {keyword} has the wrong type")]
    BadKeyword {
        /// Where in the schema.
        path: String,
        /// The keyword.
        keyword: String,
    },
}

/// JSON types a schema node may require.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JsonType {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
}

impl JsonType {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "string" => JsonType::String,
            "integer" => JsonType::Integer,
            "number" => JsonType::Number,
            "boolean" => JsonType::Boolean,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::String => "string",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
        }
    }

    fn matches(self, value: &Value) -> bool {
        match self {
            JsonType::Object => value.is_object(),
            JsonType::Array => value.is_array(),
            JsonType::String => value.is_string(),
            JsonType::Integer => value.is_i64() || value.is_u64(),
            JsonType::Number => value.is_number(),
            JsonType::Boolean => value.is_boolean(),
        }
    }
}

/// The JSON type name of a value, as the API server reports it.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Numeric and size bounds of a node.
#[derive(Clone, Debug, Default)]
struct Bounds {
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
    min_length: Option<usize>,
    max_length: Option<usize>,
    min_items: Option<usize>,
    max_items: Option<usize>,
}

/// A compiled structural schema node.
#[derive(Clone, Debug, Default)]
pub struct Structural {
    type_: Option<JsonType>,
    properties: BTreeMap<String, Structural>,
    required: Vec<String>,
    items: Option<Box<Structural>>,
    additional_properties: Option<Box<Structural>>,
    preserve_unknown: bool,
    int_or_string: bool,
    nullable: bool,
    default: Option<Value>,
    enum_values: Vec<Value>,
    bounds: Bounds,
    pattern: Option<(String, Regex)>,
    all_of: Vec<Structural>,
    any_of: Vec<Structural>,
    one_of: Vec<Structural>,
}

impl Structural {
    /// Compiles a schema given as JSON (an `openAPIV3Schema`).
    pub fn compile(schema: &Value) -> Result<Structural, SchemaError> {
        compile_node(schema, "")
    }

    /// Removes fields the schema does not declare, returning their paths (`spec.foo`).
    pub fn prune(&self, value: &mut Value, path: &FieldPath, unknown: &mut Vec<FieldPath>) {
        if self.type_.is_some_and(|t| !t.matches(value)) {
            return; // a type error: validation reports it, pruning leaves it alone
        }
        match value {
            Value::Object(map) => self.prune_object(map, path, unknown),
            Value::Array(items) => {
                if let Some(item_schema) = &self.items {
                    for (i, item) in items.iter_mut().enumerate() {
                        item_schema.prune(item, &path.index(i), unknown);
                    }
                }
            }
            _ => {}
        }
    }

    fn prune_object(
        &self,
        map: &mut Map<String, Value>,
        path: &FieldPath,
        unknown: &mut Vec<FieldPath>,
    ) {
        if let Some(value_schema) = &self.additional_properties {
            for (key, child) in map.iter_mut() {
                value_schema.prune(child, &path.key(key), unknown);
            }
            return;
        }
        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            match self.properties.get(&key) {
                Some(child_schema) => {
                    if let Some(child) = map.get_mut(&key) {
                        child_schema.prune(child, &path.child(&key), unknown);
                    }
                }
                None if self.preserve_unknown => {}
                None => {
                    map.remove(&key);
                    unknown.push(path.child(&key));
                }
            }
        }
    }

    /// Applies schema defaults and drops `null`s of non-nullable fields (defaulting them if a
    /// default exists), recursively — what the API server does while decoding.
    pub fn apply_defaults(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(value_schema) = &self.additional_properties {
                    map.values_mut()
                        .for_each(|v| value_schema.apply_defaults(v));
                    return;
                }
                for (key, child_schema) in &self.properties {
                    let is_null = map.get(key).is_some_and(Value::is_null);
                    if is_null && !child_schema.nullable {
                        map.remove(key);
                    }
                    if !map.contains_key(key)
                        && let Some(default) = &child_schema.default
                    {
                        map.insert(key.clone(), default.clone());
                    }
                    if let Some(child) = map.get_mut(key) {
                        child_schema.apply_defaults(child);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = &self.items {
                    items.iter_mut().for_each(|i| item_schema.apply_defaults(i));
                }
            }
            _ => {}
        }
    }

    /// Validates a (pruned, defaulted) value; errors use the Kubernetes texts.
    pub fn validate(&self, value: &Value, path: &FieldPath, errors: &mut Vec<FieldError>) {
        if value.is_null() && self.nullable {
            return;
        }
        if !self.check_type(value, path, errors) {
            return;
        }
        self.check_enum(value, path, errors);
        self.check_bounds(value, path, errors);
        self.check_combinators(value, path, errors);
        match value {
            Value::Object(map) => self.validate_object(map, path, errors),
            Value::Array(items) => {
                if let Some(item_schema) = &self.items {
                    for (i, item) in items.iter().enumerate() {
                        item_schema.validate(item, &path.index(i), errors);
                    }
                }
            }
            _ => {}
        }
    }

    /// Properties are checked in schema order (alphabetical), so errors come out in the same
    /// order whatever the order of the input; missing required ones report `Required value`.
    fn validate_object(
        &self,
        map: &Map<String, Value>,
        path: &FieldPath,
        errors: &mut Vec<FieldError>,
    ) {
        for (name, child_schema) in &self.properties {
            match map.get(name) {
                Some(child) => child_schema.validate(child, &path.child(name), errors),
                None if self.required.contains(name) => {
                    errors.push(FieldError::required(&path.child(name), ""))
                }
                None => {}
            }
        }
        for name in self
            .required
            .iter()
            .filter(|n| !self.properties.contains_key(*n))
        {
            if !map.contains_key(name) {
                errors.push(FieldError::required(&path.child(name), ""));
            }
        }
        if let Some(value_schema) = &self.additional_properties {
            for (key, child) in map {
                value_schema.validate(child, &path.key(key), errors);
            }
        }
    }

    fn check_type(&self, value: &Value, path: &FieldPath, errors: &mut Vec<FieldError>) -> bool {
        if self.int_or_string {
            if value.is_string() || JsonType::Integer.matches(value) {
                return true;
            }
            let detail = format!(
                "{path} in body must be of type integer or string: {:?}",
                type_name(value)
            );
            errors.push(FieldError::invalid(path, type_name(value), &detail));
            return false;
        }
        let Some(expected) = self.type_ else {
            return true;
        };
        if expected.matches(value) || (expected == JsonType::Integer && is_integral_float(value)) {
            return true;
        }
        let detail = format!(
            "{path} in body must be of type {}: {:?}",
            expected.name(),
            type_name(value)
        );
        errors.push(FieldError::invalid(path, type_name(value), &detail));
        false
    }

    fn check_enum(&self, value: &Value, path: &FieldPath, errors: &mut Vec<FieldError>) {
        if !self.enum_values.is_empty() && !self.enum_values.contains(value) {
            errors.push(FieldError::not_supported_values(
                path,
                value.clone(),
                &self.enum_values,
            ));
        }
    }

    fn check_bounds(&self, value: &Value, path: &FieldPath, errors: &mut Vec<FieldError>) {
        let b = &self.bounds;
        match value {
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(0.0);
                check_number(x, value, b, path, errors);
            }
            Value::String(s) => {
                let chars = s.chars().count();
                if let Some(max) = b.max_length
                    && chars > max
                {
                    errors.push(FieldError::too_long(path, max));
                }
                if let Some(min) = b.min_length
                    && chars < min
                {
                    let detail = format!("{path} in body should be at least {min} chars long");
                    errors.push(FieldError::invalid(path, s.as_str(), &detail));
                }
                if let Some((text, regex)) = &self.pattern
                    && !regex.is_match(s)
                {
                    let detail = format!("{path} in body should match '{text}'");
                    errors.push(FieldError::invalid(path, s.as_str(), &detail));
                }
            }
            Value::Array(items) => {
                if let Some(max) = b.max_items
                    && items.len() > max
                {
                    errors.push(FieldError::too_many(path, items.len(), max));
                }
                if let Some(min) = b.min_items
                    && items.len() < min
                {
                    let detail = format!("{path} in body should have at least {min} items");
                    errors.push(FieldError::invalid(path, items.len(), &detail));
                }
            }
            _ => {}
        }
    }

    fn check_combinators(&self, value: &Value, path: &FieldPath, errors: &mut Vec<FieldError>) {
        for schema in &self.all_of {
            schema.validate(value, path, errors);
        }
        let passes = |s: &Structural| {
            let mut e = Vec::new();
            s.validate(value, path, &mut e);
            e.is_empty()
        };
        if !self.int_or_string && !self.any_of.is_empty() && !self.any_of.iter().any(passes) {
            let detail = format!("{path} in body must match at least one schema in anyOf");
            errors.push(FieldError::invalid(path, value.clone(), &detail));
        }
        if !self.one_of.is_empty() && self.one_of.iter().filter(|s| passes(s)).count() != 1 {
            let detail = format!("{path} in body must match exactly one schema in oneOf");
            errors.push(FieldError::invalid(path, value.clone(), &detail));
        }
    }
}

fn is_integral_float(value: &Value) -> bool {
    value
        .as_f64()
        .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
}

fn check_number(x: f64, value: &Value, b: &Bounds, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if let Some(min) = b.minimum {
        let (bad, word) = if b.exclusive_minimum {
            (x <= min, "greater than")
        } else {
            (x < min, "greater than or equal to")
        };
        if bad {
            let detail = format!("{path} in body should be {word} {}", plain(min));
            errors.push(FieldError::invalid(path, value.clone(), &detail));
        }
    }
    if let Some(max) = b.maximum {
        let (bad, word) = if b.exclusive_maximum {
            (x >= max, "less than")
        } else {
            (x > max, "less than or equal to")
        };
        if bad {
            let detail = format!("{path} in body should be {word} {}", plain(max));
            errors.push(FieldError::invalid(path, value.clone(), &detail));
        }
    }
}

/// Prints a bound without a trailing `.0` when it is integral.
fn plain(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn compile_node(schema: &Value, at: &str) -> Result<Structural, SchemaError> {
    let Value::Object(map) = schema else {
        return Ok(Structural {
            preserve_unknown: true,
            ..Default::default()
        });
    };
    let mut node = Structural {
        type_: map
            .get("type")
            .and_then(Value::as_str)
            .and_then(JsonType::parse),
        required: string_list(map.get("required")),
        preserve_unknown: flag(map, "x-kubernetes-preserve-unknown-fields"),
        int_or_string: flag(map, "x-kubernetes-int-or-string"),
        nullable: flag(map, "nullable"),
        default: map.get("default").cloned(),
        enum_values: map
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        bounds: compile_bounds(map),
        ..Default::default()
    };
    if let Some(Value::Object(props)) = map.get("properties") {
        for (name, child) in props {
            node.properties.insert(
                name.clone(),
                compile_node(child, &format!("{at}.properties.{name}"))?,
            );
        }
    }
    if let Some(items) = map.get("items") {
        node.items = Some(Box::new(compile_node(items, &format!("{at}.items"))?));
    }
    match map.get("additionalProperties") {
        Some(Value::Object(_)) => {
            let child = compile_node(
                &map["additionalProperties"],
                &format!("{at}.additionalProperties"),
            )?;
            node.additional_properties = Some(Box::new(child));
        }
        Some(Value::Bool(true)) => node.preserve_unknown = true,
        _ => {}
    }
    if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
        let regex = Regex::new(pattern).map_err(|e| SchemaError::BadPattern {
            path: at.to_string(),
            pattern: pattern.to_string(),
            reason: e.to_string(),
        })?;
        node.pattern = Some((pattern.to_string(), regex));
    }
    node.all_of = compile_list(map.get("allOf"), at, "allOf")?;
    node.any_of = compile_list(map.get("anyOf"), at, "anyOf")?;
    node.one_of = compile_list(map.get("oneOf"), at, "oneOf")?;
    Ok(node)
}

fn compile_list(
    list: Option<&Value>,
    at: &str,
    keyword: &str,
) -> Result<Vec<Structural>, SchemaError> {
    match list {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, s)| compile_node(s, &format!("{at}.{keyword}[{i}]")))
            .collect(),
        Some(_) => Err(SchemaError::BadKeyword {
            path: at.to_string(),
            keyword: keyword.to_string(),
        }),
    }
}

fn compile_bounds(map: &Map<String, Value>) -> Bounds {
    let num = |k: &str| map.get(k).and_then(Value::as_f64);
    let size = |k: &str| map.get(k).and_then(Value::as_u64).map(|n| n as usize);
    Bounds {
        minimum: num("minimum"),
        maximum: num("maximum"),
        exclusive_minimum: flag(map, "exclusiveMinimum"),
        exclusive_maximum: flag(map, "exclusiveMaximum"),
        min_length: size("minLength"),
        max_length: size("maxLength"),
        min_items: size("minItems"),
        max_items: size("maxItems"),
    }
}

fn flag(map: &Map<String, Value>, key: &str) -> bool {
    map.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}
