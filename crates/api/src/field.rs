//! Kubernetes-style field errors: a field path, an error type, the bad value and a detail, printed
//! exactly as the Kubernetes API prints them (api.md §0.3).
//!
//! Owns: `FieldPath`, `FieldError`, `ErrorType` and the list formatting. Must not: know any kind.

use std::fmt;

use serde_json::Value;

/// A field path such as `spec.placement.clusterAffinities[0].affinityName`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(String);

impl FieldPath {
    /// The empty path (errors about the whole object).
    pub fn root() -> Self {
        FieldPath(String::new())
    }

    /// A path starting at a top-level field.
    pub fn new(name: &str) -> Self {
        FieldPath(name.to_string())
    }

    /// `self.name`.
    pub fn child(&self, name: &str) -> Self {
        if self.0.is_empty() {
            FieldPath(name.to_string())
        } else {
            FieldPath(format!("{}.{}", self.0, name))
        }
    }

    /// `self[i]`.
    pub fn index(&self, i: usize) -> Self {
        FieldPath(format!("{}[{}]", self.0, i))
    }

    /// `self[key]` (map entries).
    pub fn key(&self, key: &str) -> Self {
        FieldPath(format!("{}[{}]", self.0, key))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for the root path.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kind of a field error, with Kubernetes' wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorType {
    /// `Required value`: the field must be set.
    Required,
    /// `Invalid value`: the value is malformed or out of range.
    Invalid,
    /// `Unsupported value`: the value is not one of an enumerated set.
    NotSupported,
    /// `Duplicate value`: the value must be unique.
    Duplicate,
    /// `Forbidden`: the field may not be set (here, or at all).
    Forbidden,
    /// `Too long`: the value is longer than allowed.
    TooLong,
    /// `Too many`: the list has more items than allowed.
    TooMany,
}

impl ErrorType {
    /// Kubernetes' text for the type.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Required => "Required value",
            ErrorType::Invalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
        }
    }

    /// The `reason` Kubernetes puts in `Status.details.causes[].reason`.
    pub fn cause_reason(self) -> &'static str {
        match self {
            ErrorType::Required => "FieldValueRequired",
            ErrorType::Invalid => "FieldValueInvalid",
            ErrorType::NotSupported => "FieldValueNotSupported",
            ErrorType::Duplicate => "FieldValueDuplicate",
            ErrorType::Forbidden => "FieldValueForbidden",
            ErrorType::TooLong => "FieldValueTooLong",
            ErrorType::TooMany => "FieldValueTooMany",
        }
    }
}

/// One field error.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    /// Where.
    pub path: FieldPath,
    /// What kind of problem.
    pub error_type: ErrorType,
    /// The offending value (not printed for `Required` and `Forbidden`).
    pub bad_value: Option<Value>,
    /// Why, in words.
    pub detail: String,
}

impl FieldError {
    fn new(
        path: &FieldPath,
        error_type: ErrorType,
        bad_value: Option<Value>,
        detail: &str,
    ) -> Self {
        FieldError {
            path: path.clone(),
            error_type,
            bad_value,
            detail: detail.to_string(),
        }
    }

    /// `Required value`.
    pub fn required(path: &FieldPath, detail: &str) -> Self {
        Self::new(path, ErrorType::Required, None, detail)
    }

    /// `Invalid value`.
    pub fn invalid(path: &FieldPath, value: impl Into<Value>, detail: &str) -> Self {
        Self::new(path, ErrorType::Invalid, Some(value.into()), detail)
    }

    /// `Unsupported value` with the list of supported values.
    pub fn not_supported(path: &FieldPath, value: impl Into<Value>, supported: &[&str]) -> Self {
        let supported: Vec<Value> = supported.iter().map(|s| Value::from(*s)).collect();
        Self::not_supported_values(path, value, &supported)
    }

    /// `Unsupported value` with supported values of any JSON type.
    pub fn not_supported_values(
        path: &FieldPath,
        value: impl Into<Value>,
        supported: &[Value],
    ) -> Self {
        let rendered: Vec<String> = supported.iter().map(render_value).collect();
        let detail = format!("supported values: {}", rendered.join(", "));
        Self::new(path, ErrorType::NotSupported, Some(value.into()), &detail)
    }

    /// `Duplicate value`.
    pub fn duplicate(path: &FieldPath, value: impl Into<Value>, detail: &str) -> Self {
        Self::new(path, ErrorType::Duplicate, Some(value.into()), detail)
    }

    /// `Forbidden`.
    pub fn forbidden(path: &FieldPath, detail: &str) -> Self {
        Self::new(path, ErrorType::Forbidden, None, detail)
    }

    /// `Too long`.
    pub fn too_long(path: &FieldPath, max: usize) -> Self {
        let detail = format!("may not be more than {max} bytes");
        Self::new(path, ErrorType::TooLong, None, &detail)
    }

    /// `Too many`.
    pub fn too_many(path: &FieldPath, actual: usize, max: usize) -> Self {
        let detail = format!("must have at most {max} items");
        Self::new(path, ErrorType::TooMany, Some(Value::from(actual)), &detail)
    }

    /// The error without its path: `<type>: <value>: <detail>`.
    pub fn error_body(&self) -> String {
        let mut out = self.error_type.as_str().to_string();
        let shows_value = !matches!(
            self.error_type,
            ErrorType::Required | ErrorType::Forbidden | ErrorType::TooLong
        );
        if shows_value && let Some(value) = &self.bad_value {
            out.push_str(": ");
            out.push_str(&render_value(value));
        }
        if !self.detail.is_empty() {
            out.push_str(": ");
            out.push_str(&self.detail);
        }
        out
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            f.write_str(&self.error_body())
        } else {
            write!(f, "{}: {}", self.path, self.error_body())
        }
    }
}

/// Renders a bad value as Kubernetes does: strings quoted, numbers and booleans bare, nil as
/// `null`, anything else as JSON.
pub fn render_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// Joins errors as Kubernetes' aggregate does: one error bare, several as `[e1, e2]`, exact
/// duplicates removed.
pub fn join_errors(errors: &[FieldError]) -> String {
    let mut texts: Vec<String> = Vec::new();
    for error in errors {
        let text = error.to_string();
        if !texts.contains(&text) {
            texts.push(text);
        }
    }
    match texts.len() {
        1 => texts.remove(0),
        _ => format!("[{}]", texts.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_kubernetes() {
        let path = FieldPath::new("spec").child("preemption");
        let e = FieldError::not_supported(&path, "Sometimes", &["Always", "Never"]);
        assert_eq!(
            e.to_string(),
            r#"spec.preemption: Unsupported value: "Sometimes": supported values: "Always", "Never""#
        );
        let r = FieldError::required(&FieldPath::new("spec").child("resourceSelectors"), "");
        assert_eq!(r.to_string(), "spec.resourceSelectors: Required value");
        let i = FieldError::invalid(&FieldPath::new("spec").index(2), 0, "must be positive");
        assert_eq!(i.to_string(), "spec[2]: Invalid value: 0: must be positive");
    }

    #[test]
    fn joins_and_dedups() {
        let a = FieldError::required(&FieldPath::new("a"), "");
        let b = FieldError::forbidden(&FieldPath::new("b"), "no");
        assert_eq!(join_errors(std::slice::from_ref(&a)), "a: Required value");
        assert_eq!(
            join_errors(&[a.clone(), b, a]),
            "[a: Required value, b: Forbidden: no]"
        );
    }
}
