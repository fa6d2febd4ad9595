//! Decoding of manifest text (multi-document YAML, JSON objects, `kind: List`) into JSON values,
//! recording duplicate fields the way the Kubernetes API server's strict decoder does.
//!
//! Owns: text → `serde_json::Value` with positions in errors. Must not: read files (the caller
//! passes text and a source name) or know any kind.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::field::FieldPath;

/// One decoded object.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The object.
    pub value: Value,
    /// Fields given more than once (JSON only; YAML rejects them while parsing).
    pub duplicate_fields: Vec<FieldPath>,
    /// 1-based index of the document in its source (items of a `List` share their list's).
    pub index: usize,
}

/// Text that cannot be decoded.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// Malformed YAML or JSON, with its 1-based position.
    #[error("{source_name}:{line}:{column}: {message}")]
    Syntax {
        /// File name (or `-` for standard input).
        source_name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A document that is not an object (e.g. a bare list or string).
    #[error("{source_name}: document {index}: expected an object, found {found}")]
    NotAnObject {
        /// File name.
        source_name: String,
        /// 1-based document index.
        index: usize,
        /// The JSON type found.
        found: &'static str,
    },
}

/// Decodes every document in `text`. JSON is recognised by a leading `{`; anything else is YAML.
pub fn decode_documents(text: &str, source_name: &str) -> Result<Vec<Document>, DecodeError> {
    let raw = if text.trim_start().starts_with('{') {
        decode_json(text, source_name)?
    } else {
        decode_yaml(text, source_name)?
    };
    let mut documents = Vec::new();
    for (i, (value, duplicates)) in raw.into_iter().enumerate() {
        let index = i + 1;
        match value {
            Value::Null => continue,
            Value::Object(_) => expand_list(value, duplicates, index, &mut documents),
            other => {
                return Err(DecodeError::NotAnObject {
                    source_name: source_name.to_string(),
                    index,
                    found: json_type(&other),
                });
            }
        }
    }
    Ok(documents)
}

/// A `kind: List` (or `…List`) with `items` becomes its items, like kubectl does.
fn expand_list(value: Value, duplicates: Vec<FieldPath>, index: usize, out: &mut Vec<Document>) {
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k == "List")
        && value.get("items").is_some_and(Value::is_array);
    if !is_list {
        out.push(Document {
            value,
            duplicate_fields: duplicates,
            index,
        });
        return;
    }
    if let Some(Value::Array(items)) = value.get("items") {
        for (i, item) in items.iter().enumerate() {
            let prefix = format!("items[{i}].");
            let dups = duplicates
                .iter()
                .filter_map(|d| d.as_str().strip_prefix(&prefix).map(FieldPath::new))
                .collect();
            out.push(Document {
                value: item.clone(),
                duplicate_fields: dups,
                index,
            });
        }
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

type Raw = Vec<(Value, Vec<FieldPath>)>;

fn decode_json(text: &str, source_name: &str) -> Result<Raw, DecodeError> {
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text);
    loop {
        let mut dups = Vec::new();
        let seed = Tracking {
            path: FieldPath::root(),
            duplicates: &mut dups,
        };
        match seed.deserialize(&mut stream) {
            Ok(value) => out.push((value, dups)),
            Err(e) if e.is_eof() && !out.is_empty() => break,
            Err(e) => {
                return Err(DecodeError::Syntax {
                    source_name: source_name.to_string(),
                    line: e.line(),
                    column: e.column(),
                    message: strip_position(&e.to_string()),
                });
            }
        }
        if stream.end().is_ok() {
            break;
        }
    }
    Ok(out)
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn decode_yaml(text: &str, source_name: &str) -> Result<Raw, DecodeError> {
    let values: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((0, 0));
        DecodeError::Syntax {
            source_name: source_name.to_string(),
            line,
            column,
            message: first_line(&e.to_string()),
        }
    })?;
    Ok(values.into_iter().map(|v| (v, Vec::new())).collect())
}

/// serde-saphyr renders a code snippet after the message; keep the message.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message);
    let line = line.strip_prefix("error: ").unwrap_or(line);
    match line.find(": ") {
        Some(i) if line[..i].starts_with("line ") => line[i + 2..].to_string(),
        _ => line.to_string(),
    }
}

/// Builds a `Value` and records every key seen twice in the same object.
struct Tracking<'a> {
    path: FieldPath,
    duplicates: &'a mut Vec<FieldPath>,
}

impl<'de> DeserializeSeed<'de> for Tracking<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Tracking<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let seed = Tracking {
                path: self.path.index(items.len()),
                duplicates: &mut *self.duplicates,
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let child = self.path.child(&key);
            let seed = Tracking {
                path: child.clone(),
                duplicates: &mut *self.duplicates,
            };
            let value = access.next_value_seed(seed)?;
            if map.insert(key, value).is_some() {
                self.duplicates.push(child);
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_multi_document_and_lists() {
        let text = "a: 1\n---\n---\nkind: List\nitems:\n- {b: 2}\n- {c: 3}\n";
        let docs = decode_documents(text, "f.yaml").unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[1].value["b"], 2);
        assert_eq!(
            docs[2].index, docs[1].index,
            "items of a List share its index"
        );
    }

    #[test]
    fn yaml_errors_have_line_and_column() {
        let err = decode_documents("a: 1\nb: [1,\n  2\nc: 3\n", "bad.yaml").unwrap_err();
        match err {
            DecodeError::Syntax {
                source_name, line, ..
            } => {
                assert_eq!(source_name, "bad.yaml");
                assert!(line >= 3, "line {line}");
            }
            other => panic!("{other:?}"),
        }
        let dup = decode_documents("a: 1\na: 2\n", "d.yaml").unwrap_err();
        assert!(
            dup.to_string()
                .starts_with("d.yaml:2:1: duplicate mapping key"),
            "{dup}"
        );
    }

    #[test]
    fn json_duplicates_are_recorded() {
        let text = r#"{"spec": {"x": 1, "x": 2, "l": [{"y": 1, "y": 1}]}} {"a": 1}"#;
        let docs = decode_documents(text, "f.json").unwrap();
        assert_eq!(docs.len(), 2);
        let dups: Vec<&str> = docs[0]
            .duplicate_fields
            .iter()
            .map(|d| d.as_str())
            .collect();
        assert_eq!(dups, ["spec.x", "spec.l[0].y"]);
        assert_eq!(docs[0].value["spec"]["x"], 2);
    }

    #[test]
    fn json_syntax_error_position() {
        let err = decode_documents("{\n  \"a\": ,\n}", "x.json").unwrap_err();
        assert_eq!(
            err,
            DecodeError::Syntax {
                source_name: "x.json".into(),
                line: 2,
                column: 8,
                message: "expected value".into()
            }
        );
    }

    #[test]
    fn non_objects_are_refused() {
        let err = decode_documents("- 1\n- 2\n", "l.yaml").unwrap_err();
        assert!(matches!(err, DecodeError::NotAnObject { index: 1, .. }));
    }
}
