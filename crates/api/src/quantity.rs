//! The Kubernetes resource quantity (`resource.Quantity`) as an exact value type.
//!
//! Owns: the [`Quantity`] value (an exact count of nano-units plus the [`Format`] its suffix
//! asked for), numeric comparison, checked arithmetic, the canonical string form the Kubernetes
//! API server writes, serde (string or number in, canonical string out) and the CRD JSON schema.
//! Must not: do I/O, read the clock, use floating point for values, or know which resource
//! (cpu, memory, …) a quantity measures.
//!
//! # Representation and bounds
//!
//! A quantity is stored as a signed count of nano-units (10⁻⁹) in an `i128`, so every value
//! Kubernetes can hold after parsing — it rounds anything finer than `1n` up, away from zero —
//! is exact here too. Magnitudes are bounded by [`Quantity::MAX_NANOS`], i.e. a quantity must be
//! smaller than 10²⁹ in magnitude (29 integer digits, 9 fractional digits):
//!
//! * `BinarySI` inputs (`Ki` … `Ei`) are capped at 2⁶³−1 in magnitude when parsed, exactly as
//!   Kubernetes does (`"9Ei"` parses as `9223372036854775807`).
//! * Decimal inputs (no suffix, `n` … `E`, or an exponent) of magnitude ≥ 10²⁹ are rejected with
//!   [`QuantityError::OutOfRange`]. Kubernetes keeps such values with arbitrary precision; that
//!   is the one parse-time divergence caused by the bound.
//! * [`Quantity::checked_add`] and [`Quantity::checked_sub`] return `None` past the bound.

mod canonical;
mod parse;
mod serde_impl;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

pub use parse::QuantityError;
pub use serde_impl::QUANTITY_PATTERN;

/// Nano-units per unit (10⁹).
const NANOS_PER_UNIT: i128 = 1_000_000_000;

/// The JSON-schema id of [`Quantity`]: its path in this crate.
const SCHEMA_ID: &str = concat!(module_path!(), "::Quantity");

/// Nano-units per milli-unit (10⁶).
const NANOS_PER_MILLI: i128 = 1_000_000;

/// How a quantity is written out: the kind of suffix it was parsed with (Kubernetes' `Format`).
///
/// The format never affects the numeric value, equality, ordering or hashing; it only chooses
/// the suffix family of the canonical string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// Written with a decimal exponent, e.g. `12e6`.
    DecimalExponent,
    /// Written with a binary suffix, e.g. `12Mi` (12 × 2²⁰).
    BinarySI,
    /// Written with a decimal SI suffix or none, e.g. `12M` (12 × 10⁶), `500m`, `3`.
    #[default]
    DecimalSI,
}

/// A Kubernetes resource quantity such as `"500m"`, `"2"`, `"1.5Gi"` or `"100e3"`.
///
/// Equality, ordering and hashing are by numeric value only (`1Gi == 1024Mi`, and
/// `1e3 == 1k` even though they print differently). [`Display`](fmt::Display) and serde
/// serialization produce the canonical string; see the module docs for the value bounds.
#[derive(Clone, Copy, Default)]
pub struct Quantity {
    /// The value in nano-units; `|nanos| <= MAX_NANOS`.
    nanos: i128,
    /// The suffix family used when the value is written out.
    format: Format,
}

impl Quantity {
    /// The largest magnitude representable, in nano-units: 10³⁸ − 1, i.e. a quantity must be
    /// smaller than 10²⁹ in magnitude.
    pub const MAX_NANOS: i128 = 99_999_999_999_999_999_999_999_999_999_999_999_999;

    /// Zero (written `"0"`), in `DecimalSI` format.
    pub const fn zero() -> Self {
        Self {
            nanos: 0,
            format: Format::DecimalSI,
        }
    }

    /// `value` whole units in the given format (Kubernetes' `NewQuantity`).
    pub const fn new(value: i64, format: Format) -> Self {
        Self {
            nanos: value as i128 * NANOS_PER_UNIT,
            format,
        }
    }

    /// `milli` thousandths of a unit, in `DecimalSI` format (`from_milli(1500)` is `"1500m"`).
    pub const fn from_milli(milli: i64) -> Self {
        Self {
            nanos: milli as i128 * NANOS_PER_MILLI,
            format: Format::DecimalSI,
        }
    }

    /// `nanos` nano-units in the given format, or `None` if `|nanos|` exceeds
    /// [`Quantity::MAX_NANOS`].
    pub const fn from_nanos(nanos: i128, format: Format) -> Option<Self> {
        if nanos > Self::MAX_NANOS || nanos < -Self::MAX_NANOS {
            return None;
        }
        Some(Self { nanos, format })
    }

    /// The largest `int64`, 9223372036854775807, in `DecimalSI` format (canonical string
    /// `"9223372036854775807"`). Karmada writes it as the open upper end of resource models.
    pub const fn max_int64() -> Self {
        Self::new(i64::MAX, Format::DecimalSI)
    }

    /// Parses a quantity string strictly (no surrounding whitespace); same as [`FromStr`].
    pub fn parse(input: &str) -> Result<Self, QuantityError> {
        parse::parse(input)
    }

    /// The exact value in nano-units.
    pub const fn as_nanos(&self) -> i128 {
        self.nanos
    }

    /// The suffix family used when this quantity is written out.
    pub const fn format(&self) -> Format {
        self.format
    }

    /// The same value written in another suffix family.
    pub const fn with_format(self, format: Format) -> Self {
        Self { format, ..self }
    }

    /// Whether the value is zero.
    pub const fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// Whether the value is below zero.
    pub const fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// `-1`, `0` or `1` by the sign of the value (Kubernetes' `Sign`).
    pub const fn signum(&self) -> i32 {
        if self.nanos > 0 {
            1
        } else if self.nanos < 0 {
            -1
        } else {
            0
        }
    }

    /// The value in thousandths, rounded away from zero to a whole milli-unit like Kubernetes'
    /// `MilliValue` (`1n` → 1, `-1n` → −1); `None` if that does not fit an `i64`.
    pub fn as_milli(&self) -> Option<i64> {
        i64::try_from(div_away_from_zero(self.nanos, NANOS_PER_MILLI)).ok()
    }

    /// The value in whole units, rounded away from zero like Kubernetes' `Value` (`1500m` → 2,
    /// `-1500m` → −2: the ceiling for non-negative values); `None` if that does not fit an `i64`.
    pub fn as_i64_ceil(&self) -> Option<i64> {
        i64::try_from(div_away_from_zero(self.nanos, NANOS_PER_UNIT)).ok()
    }

    /// `self + other`, or `None` past the bound. The result keeps `self`'s format unless `self`
    /// is zero, in which case it takes `other`'s (Kubernetes' `Add`).
    pub fn checked_add(self, other: Self) -> Option<Self> {
        let nanos = self.nanos.checked_add(other.nanos)?;
        Self::from_nanos(nanos, self.sum_format(other))
    }

    /// `self - other`, or `None` past the bound. The result keeps `self`'s format unless `self`
    /// is zero, in which case it takes `other`'s (Kubernetes' `Sub`).
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        let nanos = self.nanos.checked_sub(other.nanos)?;
        Self::from_nanos(nanos, self.sum_format(other))
    }

    /// The format of `self ± other`.
    const fn sum_format(&self, other: Self) -> Format {
        if self.nanos == 0 {
            other.format
        } else {
            self.format
        }
    }
}

/// `value / divisor` with any remainder rounding the quotient away from zero (`divisor > 0`).
fn div_away_from_zero(value: i128, divisor: i128) -> i128 {
    let quotient = value / divisor;
    match (value % divisor).cmp(&0) {
        Ordering::Greater => quotient + 1,
        Ordering::Less => quotient - 1,
        Ordering::Equal => quotient,
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl Hash for Quantity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.nanos.hash(state);
    }
}

impl fmt::Display for Quantity {
    /// Writes the canonical string (the form the Kubernetes API server writes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        canonical::write(self.nanos, self.format, f)
    }
}

impl fmt::Debug for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Quantity({self})")
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        parse::parse(input)
    }
}
