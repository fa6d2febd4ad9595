//! Serde and JSON-schema support for [`Quantity`].
//!
//! Owns: reading a quantity from a JSON string or number (as the Kubernetes API server does),
//! writing it as the canonical string, and the CRD schema. Must not: parse the grammar itself
//! (see `parse`) or choose canonical forms (see `canonical`).
//!
//! Input rules, matching Kubernetes' `UnmarshalJSON`:
//! * a string is trimmed of surrounding whitespace, then parsed (`" 1"` is `1`);
//! * a number is parsed from its decimal text; integers are exact, and non-integers arrive from
//!   serde_json as `f64` and are read from their shortest round-trip text (`0.5` → `"0.5"`), so
//!   they are exact for up to 15 significant digits. Kubernetes parses the raw JSON text instead,
//!   so two cases differ: a number written with an exponent (`1e3`) keeps the value but gets the
//!   `DecimalSI` format (`"1k"`, where Kubernetes writes `"1e3"`), and a number beyond `u64`
//!   with more digits than an `f64` holds loses precision;
//! * `null` is zero (Kubernetes resets the quantity to zero).

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Format, Quantity};

/// The regular expression Kubernetes puts in CRD schemas for quantity fields.
pub const QUANTITY_PATTERN: &str = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuantityVisitor)
    }
}

/// Accepts a string, an integer, a float or null.
struct QuantityVisitor;

impl QuantityVisitor {
    /// Parses `text`, reporting failures through the deserializer's error type.
    fn parse<E: de::Error>(text: &str) -> Result<Quantity, E> {
        Quantity::parse(text).map_err(E::custom)
    }

    /// A whole number of units, in `DecimalSI` format.
    fn integer<E: de::Error>(value: i128) -> Result<Quantity, E> {
        value
            .checked_mul(super::NANOS_PER_UNIT)
            .and_then(|nanos| Quantity::from_nanos(nanos, Format::DecimalSI))
            .ok_or_else(|| {
                E::custom(format!(
                    "quantity {value} is too large: quantities must be smaller than 1e29 in magnitude"
                ))
            })
    }
}

impl Visitor<'_> for QuantityVisitor {
    type Value = Quantity;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Kubernetes quantity as a string (\"512Mi\", \"500m\") or a number")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Quantity, E> {
        Self::parse(value.trim())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Quantity, E> {
        Self::integer(i128::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Quantity, E> {
        Self::integer(i128::from(value))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Quantity, E> {
        Self::integer(value)
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Quantity, E> {
        let value = i128::try_from(value).unwrap_or(i128::MAX);
        Self::integer(value)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Quantity, E> {
        if !value.is_finite() {
            return Err(E::custom(format!(
                "quantity {value} is not a finite number"
            )));
        }
        Self::parse(&value.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Quantity, E> {
        Ok(Quantity::zero())
    }

    fn visit_none<E: de::Error>(self) -> Result<Quantity, E> {
        Ok(Quantity::zero())
    }
}

impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }

    fn schema_id() -> Cow<'static, str> {
        super::SCHEMA_ID.into()
    }

    /// Always inlined: CRD schemas cannot use `$ref`.
    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [{ "type": "integer" }, { "type": "string" }],
            "pattern": QUANTITY_PATTERN,
            "x-kubernetes-int-or-string": true
        })
    }
}
