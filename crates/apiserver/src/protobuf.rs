//! Kubernetes protobuf request bodies (kube-api.md §15): kubectl 1.32's `create` generators POST
//! `application/vnd.kubernetes.protobuf` with no JSON fallback. This module turns such a body —
//! the magic `k8s\0`, then a `runtime.Unknown` {typeMeta 1 {apiVersion 1, kind 2}, raw 2,
//! contentEncoding 3, contentType 4} whose `raw` is the typed message — into the JSON object a
//! JSON request would have carried, zero values omitted the way Go's JSON encoding omits them.
//!
//! Owns: decoding (a hand-rolled wire reader plus field tables for the kinds the generators
//! create). Must not: do I/O, encode protobuf (answers stay JSON), or apply object semantics.

mod schema;
mod wire;

use serde_json::{Map, Value};

use schema::{Field, Message, Presence, Ty};
use wire::{Reader, Tag, WireType};

/// The media type of Kubernetes protobuf bodies.
pub const CONTENT_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// The four bytes every Kubernetes protobuf body starts with.
const MAGIC: &[u8; 4] = b"k8s\0";

/// Why a protobuf body cannot be decoded. Offsets are absolute byte offsets into the body.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum ProtobufError {
    /// The body does not start with `k8s\0`.
    #[error("protobuf body does not start with the k8s\\0 magic")]
    BadMagic,
    /// A value runs past the end of its message.
    #[error("protobuf message truncated at byte {offset}")]
    Truncated {
        /// Where the cut value starts.
        offset: usize,
    },
    /// A varint longer than ten bytes or above 2^64.
    #[error("protobuf varint overflows at byte {offset}")]
    VarintOverflow {
        /// Where the varint starts.
        offset: usize,
    },
    /// A field key with number 0 or above 2^29 - 1.
    #[error("invalid protobuf field number at byte {offset}")]
    BadFieldNumber {
        /// Where the key starts.
        offset: usize,
    },
    /// A wire type that is not 0, 1, 2 or 5.
    #[error("unsupported protobuf wire type {wire_type} at byte {offset}")]
    BadWireType {
        /// The wire type found.
        wire_type: u8,
        /// Where the key starts.
        offset: usize,
    },
    /// A known field with the wrong wire type for its schema.
    #[error("protobuf field {field} at byte {offset} has wire type {found}, expected {expected}")]
    WrongWireType {
        /// Field number.
        field: u32,
        /// Wire type on the wire.
        found: u8,
        /// Wire type the schema needs.
        expected: u8,
        /// Where the key starts.
        offset: usize,
    },
    /// A string field that is not UTF-8.
    #[error("protobuf string at byte {offset} is not valid UTF-8")]
    InvalidUtf8 {
        /// Where the string's bytes start.
        offset: usize,
    },
    /// A `fieldsV1` payload that is not JSON.
    #[error("fieldsV1 at byte {offset} is not valid JSON")]
    InvalidFieldsJson {
        /// Where the payload starts.
        offset: usize,
    },
    /// A timestamp outside the years 0000-9999 that RFC 3339 can write.
    #[error("timestamp at byte {offset} is out of range")]
    TimeOutOfRange {
        /// Where the timestamp message starts.
        offset: usize,
    },
    /// The envelope names no kind.
    #[error("protobuf envelope has no kind")]
    MissingKind,
    /// The envelope's raw bytes are compressed or otherwise encoded.
    #[error("protobuf content encoding {encoding:?} is not supported")]
    UnsupportedEncoding {
        /// The `contentEncoding` given.
        encoding: String,
    },
    /// A kind this module has no tables for.
    #[error("protobuf is not supported for {api_version}, Kind={kind}")]
    UnsupportedKind {
        /// The envelope's apiVersion.
        api_version: String,
        /// The envelope's kind.
        kind: String,
    },
}

impl ProtobufError {
    /// True when the body is well-formed but cannot be decoded here (answer 415); otherwise the
    /// body is malformed (answer 400).
    pub fn is_unsupported(&self) -> bool {
        matches!(
            self,
            Self::UnsupportedKind { .. } | Self::UnsupportedEncoding { .. }
        )
    }
}

/// Every `(apiVersion, kind)` that [`decode_object`] supports.
pub fn supported_kinds() -> impl Iterator<Item = (&'static str, &'static str)> {
    schema::kinds()
}

/// Decodes a Kubernetes protobuf body into the JSON object (`kind`, `apiVersion`, `metadata`,
/// `spec`, `data`, ...) that the same request in JSON would carry. Fields without a table
/// entry are skipped; malformed bytes are an error with their offset.
pub fn decode_object(body: &[u8]) -> Result<Value, ProtobufError> {
    let rest = body.strip_prefix(MAGIC).ok_or(ProtobufError::BadMagic)?;
    let envelope = Envelope::read(rest, MAGIC.len())?;
    if !envelope.content_encoding.is_empty() {
        return Err(ProtobufError::UnsupportedEncoding {
            encoding: envelope.content_encoding,
        });
    }
    if envelope.kind.is_empty() {
        return Err(ProtobufError::MissingKind);
    }
    let Some(message) = schema::kind_message(&envelope.api_version, &envelope.kind) else {
        return Err(ProtobufError::UnsupportedKind {
            api_version: envelope.api_version,
            kind: envelope.kind,
        });
    };
    let mut object = Map::new();
    object.insert("kind".into(), Value::String(envelope.kind));
    object.insert("apiVersion".into(), Value::String(envelope.api_version));
    decode_fields(message, envelope.raw, envelope.raw_offset, &mut object)?;
    Ok(Value::Object(object))
}

/// The `runtime.Unknown` wrapper.
#[derive(Default)]
struct Envelope<'a> {
    api_version: String,
    kind: String,
    raw: &'a [u8],
    raw_offset: usize,
    content_encoding: String,
}

impl<'a> Envelope<'a> {
    fn read(bytes: &'a [u8], base: usize) -> Result<Self, ProtobufError> {
        let mut envelope = Self {
            raw_offset: base,
            ..Self::default()
        };
        let mut reader = Reader::new(bytes, base);
        while let Some(tag) = reader.tag()? {
            match tag.field {
                1 => {
                    let (type_meta, at) = len_field(&mut reader, tag)?;
                    let fields =
                        read_small(type_meta, at, &[(1, WireType::Len), (2, WireType::Len)])?;
                    envelope.api_version = raw_string(fields[0])?;
                    envelope.kind = raw_string(fields[1])?;
                }
                2 => (envelope.raw, envelope.raw_offset) = len_field(&mut reader, tag)?,
                3 => {
                    let (bytes, at) = len_field(&mut reader, tag)?;
                    envelope.content_encoding = utf8(bytes, at)?;
                }
                _ => reader.skip(tag.wire)?,
            }
        }
        Ok(envelope)
    }
}

/// One decoded wire value, before JSON shaping.
enum Decoded {
    /// A plain value.
    One(Value),
    /// A map entry.
    Entry(String, Value),
}

/// Decodes `bytes` as `message` and writes its fields into `out` in table order.
fn decode_fields(
    message: &Message,
    bytes: &[u8],
    base: usize,
    out: &mut Map<String, Value>,
) -> Result<(), ProtobufError> {
    let mut slots: Vec<Option<Value>> = vec![None; message.fields.len()];
    let mut reader = Reader::new(bytes, base);
    while let Some(tag) = reader.tag()? {
        let Some(index) = message.fields.iter().position(|f| f.num == tag.field) else {
            reader.skip(tag.wire)?;
            continue;
        };
        let field = &message.fields[index];
        let slot = &mut slots[index];
        match read_value(field.ty, &mut reader, tag)? {
            Decoded::Entry(key, value) => {
                let map = slot.get_or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(map) = map {
                    map.insert(key, value);
                }
            }
            Decoded::One(value) if field.repeated => {
                let list = slot.get_or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = list {
                    list.push(value);
                }
            }
            Decoded::One(value) => *slot = Some(value),
        }
    }
    for (field, slot) in message.fields.iter().zip(slots) {
        emit(field, slot, out)?;
    }
    Ok(())
}

/// Writes one field the way Go's JSON encoding would.
fn emit(
    field: &Field,
    slot: Option<Value>,
    out: &mut Map<String, Value>,
) -> Result<(), ProtobufError> {
    let value = match (slot, field.presence) {
        (Some(value), Presence::OmitEmpty) if is_zero(&value) => return Ok(()),
        (Some(value), _) => value,
        (None, Presence::Always) => zero_value(field.ty)?,
        (None, _) => return Ok(()),
    };
    match (field.ty, value) {
        (Ty::Inline(_), Value::Object(inner)) => out.extend(inner),
        (_, value) => {
            out.insert(field.json.to_owned(), value);
        }
    }
    Ok(())
}

/// Zero for `omitempty`: empty strings, 0 and false (structs are never empty to Go).
fn is_zero(value: &Value) -> bool {
    match value {
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_i64() == Some(0),
        Value::Bool(b) => !b,
        Value::Null => true,
        Value::Array(_) | Value::Object(_) => false,
    }
}

/// The JSON of a Go zero value of `ty`.
fn zero_value(ty: Ty) -> Result<Value, ProtobufError> {
    Ok(match ty {
        Ty::Str => Value::String(String::new()),
        Ty::Int | Ty::IntOrString => Value::from(0),
        Ty::Bool => Value::Bool(false),
        Ty::Quantity => Value::String("0".into()),
        Ty::Time | Ty::FieldsV1 | Ty::StrMap | Ty::BytesMap | Ty::QuantityMap => Value::Null,
        Ty::Msg(message) | Ty::Inline(message) => {
            let mut object = Map::new();
            decode_fields(message, &[], 0, &mut object)?;
            Value::Object(object)
        }
    })
}

/// Reads the value of a known field, checking its wire type against the schema.
fn read_value(ty: Ty, reader: &mut Reader<'_>, tag: Tag) -> Result<Decoded, ProtobufError> {
    if matches!(ty, Ty::Int | Ty::Bool) {
        expect_wire(tag, WireType::Varint)?;
        let raw = reader.varint()?;
        return Ok(Decoded::One(match ty {
            Ty::Bool => Value::Bool(raw != 0),
            _ => Value::from(raw as i64),
        }));
    }
    let (bytes, at) = len_field(reader, tag)?;
    let value = match ty {
        Ty::Str => Value::String(utf8(bytes, at)?),
        Ty::Msg(message) | Ty::Inline(message) => {
            let mut object = Map::new();
            decode_fields(message, bytes, at, &mut object)?;
            Value::Object(object)
        }
        Ty::Time => time(bytes, at)?,
        Ty::IntOrString => int_or_string(bytes, at)?,
        Ty::Quantity => quantity(bytes, at)?,
        Ty::FieldsV1 => fields_v1(bytes, at)?,
        Ty::StrMap | Ty::BytesMap | Ty::QuantityMap => return map_entry(ty, bytes, at),
        Ty::Int | Ty::Bool => unreachable!("varint types are handled above"),
    };
    Ok(Decoded::One(value))
}

/// A `map<string, V>` entry {key 1, value 2}.
fn map_entry(ty: Ty, bytes: &[u8], at: usize) -> Result<Decoded, ProtobufError> {
    let fields = read_small(bytes, at, &[(1, WireType::Len), (2, WireType::Len)])?;
    let key = raw_string(fields[0])?;
    let (value, value_at) = match fields[1] {
        Some(Raw::Bytes(value, value_at)) => (value, value_at),
        _ => (&[][..], at),
    };
    let value = match ty {
        Ty::BytesMap => Value::String(crate::base64::encode(value)),
        Ty::QuantityMap => quantity(value, value_at)?,
        _ => Value::String(utf8(value, value_at)?),
    };
    Ok(Decoded::Entry(key, value))
}

/// `meta.v1.Time`: `null` when zero, else RFC 3339 in UTC with whole seconds (as Go writes it).
fn time(bytes: &[u8], at: usize) -> Result<Value, ProtobufError> {
    let fields = read_small(bytes, at, &[(1, WireType::Varint), (2, WireType::Varint)])?;
    let seconds = raw_int(fields[0]);
    let nanos = raw_int(fields[1]);
    if seconds == 0 && nanos == 0 {
        return Ok(Value::Null);
    }
    rfc3339(seconds)
        .map(Value::String)
        .ok_or(ProtobufError::TimeOutOfRange { offset: at })
}

/// `intstr.IntOrString`: type 1 means string.
fn int_or_string(bytes: &[u8], at: usize) -> Result<Value, ProtobufError> {
    let spec = [
        (1, WireType::Varint),
        (2, WireType::Varint),
        (3, WireType::Len),
    ];
    let fields = read_small(bytes, at, &spec)?;
    Ok(match raw_int(fields[0]) {
        1 => Value::String(raw_string(fields[2])?),
        _ => Value::from(raw_int(fields[1])),
    })
}

/// `resource.Quantity`: its canonical string; Go writes the zero Quantity as `"0"`.
fn quantity(bytes: &[u8], at: usize) -> Result<Value, ProtobufError> {
    let fields = read_small(bytes, at, &[(1, WireType::Len)])?;
    let text = raw_string(fields[0])?;
    Ok(Value::String(if text.is_empty() {
        "0".into()
    } else {
        text
    }))
}

/// `meta.v1.FieldsV1`: the JSON document in its raw bytes.
fn fields_v1(bytes: &[u8], at: usize) -> Result<Value, ProtobufError> {
    let fields = read_small(bytes, at, &[(1, WireType::Len)])?;
    match fields[0] {
        Some(Raw::Bytes(raw, raw_at)) => serde_json::from_slice(raw)
            .map_err(|_| ProtobufError::InvalidFieldsJson { offset: raw_at }),
        _ => Ok(Value::Object(Map::new())),
    }
}

/// A raw scalar of a small message.
#[derive(Clone, Copy)]
enum Raw<'a> {
    /// A varint.
    Varint(u64),
    /// Length-delimited bytes and their offset.
    Bytes(&'a [u8], usize),
}

/// Reads a message of scalar fields, `spec` giving each known field's number and wire type;
/// returns the last value of each, in `spec` order. Unknown fields are skipped.
fn read_small<'a>(
    bytes: &'a [u8],
    base: usize,
    spec: &[(u32, WireType)],
) -> Result<Vec<Option<Raw<'a>>>, ProtobufError> {
    let mut values = vec![None; spec.len()];
    let mut reader = Reader::new(bytes, base);
    while let Some(tag) = reader.tag()? {
        let Some(index) = spec.iter().position(|(num, _)| *num == tag.field) else {
            reader.skip(tag.wire)?;
            continue;
        };
        values[index] = Some(match spec[index].1 {
            WireType::Varint => {
                expect_wire(tag, WireType::Varint)?;
                Raw::Varint(reader.varint()?)
            }
            _ => {
                let (value, at) = len_field(&mut reader, tag)?;
                Raw::Bytes(value, at)
            }
        });
    }
    Ok(values)
}

fn raw_int(raw: Option<Raw<'_>>) -> i64 {
    match raw {
        Some(Raw::Varint(value)) => value as i64,
        _ => 0,
    }
}

fn raw_string(raw: Option<Raw<'_>>) -> Result<String, ProtobufError> {
    match raw {
        Some(Raw::Bytes(bytes, at)) => utf8(bytes, at),
        _ => Ok(String::new()),
    }
}

/// Checks that `tag` is length-delimited and reads its payload.
fn len_field<'a>(reader: &mut Reader<'a>, tag: Tag) -> Result<(&'a [u8], usize), ProtobufError> {
    expect_wire(tag, WireType::Len)?;
    reader.bytes()
}

fn expect_wire(tag: Tag, expected: WireType) -> Result<(), ProtobufError> {
    if tag.wire == expected {
        return Ok(());
    }
    Err(ProtobufError::WrongWireType {
        field: tag.field,
        found: tag.wire.code(),
        expected: expected.code(),
        offset: tag.offset,
    })
}

fn utf8(bytes: &[u8], at: usize) -> Result<String, ProtobufError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| ProtobufError::InvalidUtf8 { offset: at })
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`; `None` outside years 0000-9999.
fn rfc3339(seconds: i64) -> Option<String> {
    const DAY: i64 = 86_400;
    let mut days = seconds.div_euclid(DAY);
    let second_of_day = seconds.rem_euclid(DAY);
    let mut year = 1970i64;
    while days < 0 {
        year -= 1;
        days += year_days(year);
        if year < 0 {
            return None;
        }
    }
    while days >= year_days(year) {
        days -= year_days(year);
        year += 1;
        if year > 9999 {
            return None;
        }
    }
    let leap = year_days(year) == 366;
    let lengths = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut month = 0;
    while days >= lengths[month] {
        days -= lengths[month];
        month += 1;
    }
    let (h, m, s) = (
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60,
    );
    Some(format!(
        "{year:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}Z",
        month + 1,
        days + 1
    ))
}

fn year_days(year: i64) -> i64 {
    if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 {
        366
    } else {
        365
    }
}

#[cfg(test)]
mod tests;
