//! The canonical string of a quantity: the form the Kubernetes API server writes.
//!
//! Owns: choosing the mantissa and suffix for a value and its [`Format`]. Must not: parse,
//! round (every stored value is already a whole number of nano-units), or allocate beyond what
//! the formatter does.
//!
//! Rules, for a non-zero value (zero is always `"0"`; the sign is written only when negative):
//!
//! * `DecimalSI` / `DecimalExponent`: write the value as `m × 10^e` with `m` an integer and `e`
//!   the largest multiple of 3 that keeps `m` an integer (`1500` → `1500`, `0.5` → `500m`,
//!   `1000` → `1k`). `DecimalSI` names `e` with `n u m "" k M G T P E` (−9 … 18) and falls back
//!   to `e<exp>` past `E` (`1000E` → `1e21`); `DecimalExponent` always writes `e<exp>` (nothing
//!   for `e == 0`), e.g. `100e3`.
//! * `BinarySI`: values strictly between −1024 and 1024, and values that are not whole units,
//!   are written as `DecimalSI` (`0.5Ki` → `512`, `1.5` → `1500m`). Otherwise write
//!   `m × 1024^k` with the largest `k` that keeps `m` an integer, suffix `"" Ki Mi Gi Ti Pi Ei`
//!   (`1024Mi` → `1Gi`, `1.5Gi` → `1536Mi`). A value needing `k > 6` (only reachable through
//!   arithmetic) is written as `DecimalExponent`.

use std::fmt;

use super::{Format, NANOS_PER_UNIT};

/// Decimal SI suffixes by exponent: (power of ten, suffix).
const DECIMAL_SUFFIXES: [(i32, &str); 10] = [
    (-9, "n"),
    (-6, "u"),
    (-3, "m"),
    (0, ""),
    (3, "k"),
    (6, "M"),
    (9, "G"),
    (12, "T"),
    (15, "P"),
    (18, "E"),
];

/// Binary SI suffixes by power of 1024.
const BINARY_SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/// Nano-units per unit, unsigned.
const UNIT: u128 = NANOS_PER_UNIT.unsigned_abs();

/// Writes the canonical string of `nanos` nano-units in `format` to `out`.
pub(super) fn write(nanos: i128, format: Format, out: &mut impl fmt::Write) -> fmt::Result {
    if nanos == 0 {
        return out.write_str("0");
    }
    if nanos < 0 {
        out.write_char('-')?;
    }
    let magnitude = nanos.unsigned_abs();
    match format {
        Format::BinarySI => write_binary(magnitude, out),
        decimal => write_decimal(magnitude, decimal, out),
    }
}

/// Writes a non-zero magnitude whose format is `BinarySI`.
fn write_binary(magnitude: u128, out: &mut impl fmt::Write) -> fmt::Result {
    if magnitude < 1024 * UNIT || !magnitude.is_multiple_of(UNIT) {
        return write_decimal(magnitude, Format::DecimalSI, out);
    }
    let mut mantissa = magnitude / UNIT;
    let mut power = 0_usize;
    while mantissa.is_multiple_of(1024) {
        mantissa /= 1024;
        power += 1;
    }
    match BINARY_SUFFIXES.get(power) {
        Some(suffix) => write!(out, "{mantissa}{suffix}"),
        None => write_decimal(magnitude, Format::DecimalExponent, out),
    }
}

/// Writes a non-zero magnitude in one of the decimal formats.
fn write_decimal(magnitude: u128, format: Format, out: &mut impl fmt::Write) -> fmt::Result {
    let (mantissa, exponent) = decimal_parts(magnitude);
    let si_suffix = DECIMAL_SUFFIXES
        .iter()
        .find(|(power, _)| *power == exponent)
        .map(|(_, suffix)| *suffix);
    match (format, si_suffix) {
        (Format::DecimalSI, Some(suffix)) => write!(out, "{mantissa}{suffix}"),
        _ if exponent == 0 => write!(out, "{mantissa}"),
        _ => write!(out, "{mantissa}e{exponent}"),
    }
}

/// Splits a non-zero nano-unit magnitude into `(m, e)` with value `m × 10^e`, `e` a multiple of
/// three and as large as possible.
///
/// `m` never exceeds `magnitude`: at most two of the removed factors of ten are put back.
fn decimal_parts(magnitude: u128) -> (u128, i32) {
    let mut mantissa = magnitude;
    let mut exponent = -9_i32;
    while mantissa.is_multiple_of(10) {
        mantissa /= 10;
        exponent += 1;
    }
    let excess = exponent.rem_euclid(3);
    for _ in 0..excess {
        mantissa *= 10;
    }
    (mantissa, exponent - excess)
}
