//! Field selectors: `field=value`, `field==value` and `field!=value` terms joined by commas
//! (AND), where a value may escape `\`, `,` and `=` with a backslash; the fields each kind
//! supports; and reading a field's value from a JSON object.
//!
//! Owns: the field selector grammar, the supported-field lists and field extraction. Must not:
//! trim the input (Kubernetes does not), or know where objects come from.

use std::fmt;

use serde_json::Value;

use super::error::SelectorError;

/// Fields every kind supports.
pub const COMMON_FIELDS: &[&str] = &["metadata.name", "metadata.namespace"];

/// Fields core/v1 `events` support (read them with [`event_field_value`]).
pub const EVENT_FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
];

/// How a term compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldOperator {
    /// `=`.
    Equals,
    /// `==`.
    DoubleEquals,
    /// `!=`.
    NotEquals,
}

/// One term: a field, an operator and the (unescaped) value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRequirement {
    /// The field, e.g. `metadata.name`.
    pub field: String,
    /// The comparison.
    pub operator: FieldOperator,
    /// The value, with escapes resolved.
    pub value: String,
}

/// A parsed field selector: the AND of its terms (sorted by their text, as Kubernetes sorts
/// them). The empty selector matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector {
    terms: Vec<FieldRequirement>,
}

impl FieldSelector {
    /// Parses the `fieldSelector` query value. Syntax errors come first; then the first field
    /// (in sorted order) not in `allowed` gives `field label not supported: <field>`.
    pub fn parse(selector: &str, allowed: &[&str]) -> Result<FieldSelector, SelectorError> {
        let mut parts = split_terms(selector);
        parts.sort_unstable();
        let mut terms = Vec::with_capacity(parts.len());
        for part in parts.into_iter().filter(|part| !part.is_empty()) {
            let Some((field, operator, raw)) = split_term(part) else {
                return Err(SelectorError::FieldTerm {
                    selector: selector.to_string(),
                    term: part.to_string(),
                });
            };
            terms.push(FieldRequirement {
                field: field.to_string(),
                operator,
                value: unescape(raw)?,
            });
        }
        if let Some(term) = terms.iter().find(|t| !allowed.contains(&t.field.as_str())) {
            return Err(SelectorError::UnsupportedField(term.field.clone()));
        }
        Ok(FieldSelector { terms })
    }

    /// The terms.
    pub fn terms(&self) -> &[FieldRequirement] {
        &self.terms
    }

    /// True when the selector has no term.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The value `field` must equal for every match, if a `=`/`==` term fixes it (e.g. the
    /// `metadata.name` of a single-object watch).
    pub fn exact_value(&self, field: &str) -> Option<&str> {
        self.terms
            .iter()
            .find(|t| t.field == field && t.operator != FieldOperator::NotEquals)
            .map(|t| t.value.as_str())
    }

    /// Whether an object matches; `get` returns a field's value, and an absent field compares
    /// as `""`.
    pub fn matches(&self, get: impl Fn(&str) -> Option<String>) -> bool {
        self.terms.iter().all(|term| {
            let actual = get(&term.field).unwrap_or_default();
            match term.operator {
                FieldOperator::Equals | FieldOperator::DoubleEquals => actual == term.value,
                FieldOperator::NotEquals => actual != term.value,
            }
        })
    }
}

impl fmt::Display for FieldSelector {
    /// The canonical form: `field=value` or `field!=value` with the value re-escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, term) in self.terms.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            let operator = match term.operator {
                FieldOperator::NotEquals => "!=",
                FieldOperator::Equals | FieldOperator::DoubleEquals => "=",
            };
            write!(f, "{}{operator}{}", term.field, escape(&term.value))?;
        }
        Ok(())
    }
}

/// Splits on commas not preceded by a backslash escape; escapes stay in the parts.
fn split_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (index, c) in selector.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            parts.push(&selector[start..index]);
            start = index + 1;
        }
    }
    parts.push(&selector[start..]);
    parts
}

/// Splits a term at the first operator: at each position `!=`, then `==`, then `=`.
fn split_term(term: &str) -> Option<(&str, FieldOperator, &str)> {
    let operators = [
        ("!=", FieldOperator::NotEquals),
        ("==", FieldOperator::DoubleEquals),
        ("=", FieldOperator::Equals),
    ];
    term.char_indices().find_map(|(index, _)| {
        let rest = &term[index..];
        operators
            .iter()
            .find(|(text, _)| rest.starts_with(text))
            .map(|(text, operator)| (&term[..index], *operator, &rest[text.len()..]))
    })
}

/// Resolves `\\`, `\,` and `\=`; any other escape, a trailing `\`, or a bare `,` or `=` is an
/// error.
fn unescape(raw: &str) -> Result<String, SelectorError> {
    let mut out = String::with_capacity(raw.len());
    let mut escaped = false;
    for c in raw.chars() {
        if escaped {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(SelectorError::FieldEscape(format!("\\{c}")));
            }
            out.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            ',' | '=' => return Err(SelectorError::FieldUnescaped(c)),
            _ => out.push(c),
        }
    }
    if escaped {
        return Err(SelectorError::FieldEscape("\\".into()));
    }
    Ok(out)
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The value at a dotted path (`metadata.name`, `involvedObject.kind`) of a JSON object, as
/// field selectors compare it: strings as they are, numbers and booleans as text; `None` when
/// the path is absent or null or ends at an object or array.
pub fn field_value(object: &Value, field: &str) -> Option<String> {
    let mut current = object;
    for segment in field.split('.') {
        current = current.as_object()?.get(segment)?;
    }
    match current {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A field of a core/v1 Event as its field selectors see it: `source` is
/// `source.component`, or `reportingComponent` when that is empty; other fields as
/// [`field_value`].
pub fn event_field_value(event: &Value, field: &str) -> Option<String> {
    if field != "source" {
        return field_value(event, field);
    }
    field_value(event, "source.component")
        .filter(|component| !component.is_empty())
        .or_else(|| field_value(event, "reportingComponent"))
}
