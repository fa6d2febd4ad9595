//! Turning selected JSON values into template output text.
//!
//! Owns: the text form of each value — strings raw, booleans `true`/`false`, null `null`,
//! numbers as plain decimals (FD-9), arrays and objects as compact JSON written the way Go's
//! `encoding/json` writes it (keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped) — and the
//! JSON type names used in errors. Must not: evaluate paths or decide what is selected.

use serde_json::{Map, Number, Value};
use std::fmt::Write as _;

/// Appends the text form of `value` to `out`.
pub(super) fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(s),
        other => write_json(other, out),
    }
}

/// The JSON type of `value`, as named in error messages.
pub(super) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Object members sorted by key (byte order), whatever order the map keeps them in.
pub(super) fn sorted_members(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut members: Vec<_> = map.iter().collect();
    members.sort_unstable_by(|a, b| a.0.cmp(b.0));
    members
}

/// A number as plain decimal digits (FD-9): integers exactly, however large; other values in
/// the shortest form that reads back to the same `f64`, never in exponent notation
/// (`1e21` → `1000000000000000000000`, `1.5e-7` → `0.00000015`).
pub(super) fn format_number(number: &Number) -> String {
    if let Some(i) = number.as_i64() {
        return i.to_string();
    }
    if let Some(u) = number.as_u64() {
        return u.to_string();
    }
    match number.as_f64() {
        // Rust's `Display` for f64 is shortest-round-trip and never uses an exponent.
        Some(f) if f.is_finite() => f.to_string(),
        _ => number.to_string(),
    }
}

/// Compact JSON in Go's `encoding/json` style, with FD-9 numbers.
fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&format_number(n)),
        Value::String(s) => write_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in sorted_members(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string literal with Go's escaping (HTML-safe, lowercase `\u00xx`).
fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
