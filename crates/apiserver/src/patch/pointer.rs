//! JSON Pointer (RFC 6901) as JSON patch uses it: parsing `/a/b~1c` into unescaped reference
//! tokens, array index rules (no leading zeros, `-` only where an element is appended), and
//! walking a document by tokens.
//!
//! Owns: pointer syntax and navigation. Must not: modify documents (the operations in
//! `json_patch` do that).

use serde_json::Value;

use super::error::OpFailure;

/// Splits a pointer into its unescaped reference tokens; `""` (the whole document) gives none.
pub(crate) fn parse_pointer(text: &str) -> Result<Vec<String>, OpFailure> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = text.strip_prefix('/') else {
        return Err(OpFailure::InvalidPointer(
            "a pointer must be empty or start with '/'",
        ));
    };
    rest.split('/').map(unescape).collect()
}

/// Decodes `~1` to `/` and `~0` to `~`, in one left-to-right pass (so `~01` is `~1`).
fn unescape(token: &str) -> Result<String, OpFailure> {
    let mut decoded = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            decoded.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => decoded.push('~'),
            Some('1') => decoded.push('/'),
            _ => {
                return Err(OpFailure::InvalidPointer(
                    "'~' must be followed by '0' or '1'",
                ));
            }
        }
    }
    Ok(decoded)
}

/// Whether an array index must name an existing element, or may name the slot after the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IndexMode {
    /// `0..len`; `-` is refused.
    Existing,
    /// `0..=len`; `-` means `len` (append).
    Insert,
}

/// Interprets `token` as an index into an array of `len` elements.
pub(crate) fn array_index(token: &str, len: usize, mode: IndexMode) -> Result<usize, OpFailure> {
    let bad = || OpFailure::BadIndex(token.to_owned());
    if token == "-" {
        return if mode == IndexMode::Insert {
            Ok(len)
        } else {
            Err(bad())
        };
    }
    let well_formed = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'));
    if !well_formed {
        return Err(bad());
    }
    let index: usize = token.parse().map_err(|_| bad())?;
    let limit = match mode {
        IndexMode::Existing => len,
        IndexMode::Insert => len.saturating_add(1),
    };
    if index < limit { Ok(index) } else { Err(bad()) }
}

/// The value the tokens point at.
pub(crate) fn resolve<'a>(doc: &'a Value, tokens: &[String]) -> Result<&'a Value, OpFailure> {
    tokens.iter().try_fold(doc, |node, token| match node {
        Value::Object(map) => map.get(token).ok_or(OpFailure::Missing),
        Value::Array(items) => Ok(&items[array_index(token, items.len(), IndexMode::Existing)?]),
        other => Err(OpFailure::NotAContainer(type_name(other))),
    })
}

/// The value the tokens point at, mutably.
pub(crate) fn resolve_mut<'a>(
    doc: &'a mut Value,
    tokens: &[String],
) -> Result<&'a mut Value, OpFailure> {
    tokens.iter().try_fold(doc, |node, token| match node {
        Value::Object(map) => map.get_mut(token).ok_or(OpFailure::Missing),
        Value::Array(items) => {
            let index = array_index(token, items.len(), IndexMode::Existing)?;
            Ok(&mut items[index])
        }
        other => Err(OpFailure::NotAContainer(type_name(other))),
    })
}

/// The JSON type name of a value that cannot be descended into.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
