//! Parsing of Kubernetes quantity strings into exact nano-unit values.
//!
//! Owns: the quantity grammar, suffix interpretation, rounding of sub-nano precision (up, away
//! from zero), the `BinarySI` cap at 2⁶³−1, and the typed [`QuantityError`]. Must not: format
//! values (see `canonical`), trim whitespace (serde does that), or use floating point.
//!
//! Grammar (the Kubernetes one): `[+-]? (digits | digits "." digits? | "." digits) suffix`, where
//! `suffix` is one of `Ki Mi Gi Ti Pi Ei`, one of `n u m k M G T P E` or empty, or `e`/`E`
//! followed by an optional sign and decimal digits (an integer exponent within ±2147483647).

use thiserror::Error;

use super::{Format, NANOS_PER_UNIT, Quantity};

/// Kubernetes' `ErrFormatWrong` message.
const K8S_FORMAT_WRONG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// Kubernetes' `ErrSuffix` message.
const K8S_SUFFIX: &str = "unable to parse quantity's suffix";

/// The most decimal digits a magnitude in nano-units may have (`MAX_NANOS` is 38 nines).
const MAX_DIGITS: usize = 38;

/// The `BinarySI` cap: 2⁶³−1 units, in nano-units.
const BINARY_CAP: u128 = i64::MAX.unsigned_abs() as u128 * NANOS_PER_UNIT.unsigned_abs();

/// Why a string is not a valid Kubernetes quantity.
///
/// Every message quotes the input and says what was expected.
/// [`QuantityError::kubernetes_message`] gives the text Kubernetes' own parser reports instead.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum QuantityError {
    /// The input is the empty string.
    #[error("quantity is empty: expected a number such as \"1\", \"0.5\" or \"512Mi\"")]
    Empty,
    /// The input does not start with a number: no digit before the suffix (e.g. `"Ki"`, `"-"`,
    /// `"."`, `"abc"`, or `" 1"` with its leading space).
    #[error(
        "quantity {input:?} does not start with a number: expected an optional sign and digits \
         such as \"1\", \"0.5\" or \".5\", then an optional suffix"
    )]
    MissingNumber {
        /// The whole input.
        input: String,
        /// Everything after the optional sign and any decimal point.
        suffix: String,
    },
    /// The text after the number is not a known suffix (e.g. `"1mi"`, `"1K"`, `"1 "`).
    #[error(
        "quantity {input:?} has unknown suffix {suffix:?}: expected nothing, a binary suffix \
         (Ki, Mi, Gi, Ti, Pi, Ei), a decimal suffix (n, u, m, k, M, G, T, P, E) or an exponent \
         such as e3 or E-2"
    )]
    UnknownSuffix {
        /// The whole input.
        input: String,
        /// Everything after the number part.
        suffix: String,
    },
    /// An exponent suffix (`e…`/`E…`) that is not an optional sign followed by decimal digits
    /// (e.g. `"1e"`, `"1e-"`, `"1e1.5"`).
    #[error(
        "quantity {input:?} has malformed exponent {suffix:?}: after 'e' or 'E' expected an \
         optional sign and decimal digits (an integer exponent)"
    )]
    InvalidExponent {
        /// The whole input.
        input: String,
        /// The exponent suffix, including its leading `e` or `E`.
        suffix: String,
    },
    /// An exponent outside −2147483647 ..= 2147483647 (Kubernetes' limit).
    #[error(
        "quantity {input:?} has exponent {suffix:?} outside the supported range \
         -2147483647..=2147483647"
    )]
    ExponentOutOfRange {
        /// The whole input.
        input: String,
        /// The exponent suffix, including its leading `e` or `E`.
        suffix: String,
    },
    /// A decimal value of magnitude 10²⁹ or more (see the module docs for the bound).
    #[error(
        "quantity {input:?} is too large: decimal quantities must be smaller than 1e29 in magnitude"
    )]
    OutOfRange {
        /// The whole input.
        input: String,
    },
}

impl QuantityError {
    /// The message Kubernetes' `ParseQuantity` returns for the same input, or `None` where
    /// Kubernetes accepts it: a missing number before a valid suffix (`"-"`, `"."`, `"Ki"`,
    /// which Kubernetes reads as zero) and values beyond this type's bound.
    pub fn kubernetes_message(&self) -> Option<&'static str> {
        match self {
            Self::Empty => Some(K8S_FORMAT_WRONG),
            Self::MissingNumber { suffix, .. }
            | Self::UnknownSuffix { suffix, .. }
            | Self::InvalidExponent { suffix, .. }
            | Self::ExponentOutOfRange { suffix, .. } => kubernetes_suffix_verdict(suffix),
            Self::OutOfRange { .. } => None,
        }
    }
}

/// What Kubernetes says about a suffix: nothing if it accepts it, the format error if its scanner
/// rejects the characters, the suffix error if it scans but means nothing.
fn kubernetes_suffix_verdict(suffix: &str) -> Option<&'static str> {
    let letters = suffix.trim_start_matches(|c: char| "eEinumkKMGTP".contains(c));
    let unsigned = letters.strip_prefix(['+', '-']).unwrap_or(letters);
    if !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        Some(K8S_FORMAT_WRONG)
    } else if interpret_suffix(suffix).is_ok() {
        None
    } else {
        Some(K8S_SUFFIX)
    }
}

/// What a suffix multiplies the number by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scale {
    /// × 10^`exponent`, written in `format` (`DecimalSI` or `DecimalExponent`).
    Decimal { exponent: i64, format: Format },
    /// × 2^`shift` (`BinarySI`).
    Binary { shift: u32 },
}

/// Why a suffix was not understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SuffixProblem {
    /// Not a known suffix at all.
    Unknown,
    /// `e`/`E` not followed by an optional sign and digits.
    InvalidExponent,
    /// An exponent beyond ±2147483647.
    ExponentOutOfRange,
}

impl SuffixProblem {
    /// The public error for this problem in `input`, whose suffix is `suffix`.
    fn into_error(self, input: &str, suffix: &str) -> QuantityError {
        let (input, suffix) = (input.to_owned(), suffix.to_owned());
        match self {
            Self::Unknown => QuantityError::UnknownSuffix { input, suffix },
            Self::InvalidExponent => QuantityError::InvalidExponent { input, suffix },
            Self::ExponentOutOfRange => QuantityError::ExponentOutOfRange { input, suffix },
        }
    }
}

/// Interprets the text after the number.
fn interpret_suffix(suffix: &str) -> Result<Scale, SuffixProblem> {
    let decimal = |exponent| Scale::Decimal {
        exponent,
        format: Format::DecimalSI,
    };
    Ok(match suffix {
        "Ki" => Scale::Binary { shift: 10 },
        "Mi" => Scale::Binary { shift: 20 },
        "Gi" => Scale::Binary { shift: 30 },
        "Ti" => Scale::Binary { shift: 40 },
        "Pi" => Scale::Binary { shift: 50 },
        "Ei" => Scale::Binary { shift: 60 },
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "" => decimal(0),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        _ => match suffix.strip_prefix(['e', 'E']) {
            Some(body) if !body.is_empty() => Scale::Decimal {
                exponent: parse_exponent(body)?,
                format: Format::DecimalExponent,
            },
            _ => return Err(SuffixProblem::Unknown),
        },
    })
}

/// Parses the integer after `e`/`E`: an optional sign and at least one decimal digit, within
/// ±2147483647.
fn parse_exponent(body: &str) -> Result<i64, SuffixProblem> {
    let (negative, digits) = match body.as_bytes().first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SuffixProblem::InvalidExponent);
    }
    let magnitude = digits.bytes().fold(0_i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    if magnitude > i64::from(i32::MAX) {
        return Err(SuffixProblem::ExponentOutOfRange);
    }
    Ok(if negative { -magnitude } else { magnitude })
}

/// The number part of a quantity string.
struct Number<'a> {
    /// A leading `-` was present.
    negative: bool,
    /// Digits before the decimal point (may be empty).
    integer: &'a str,
    /// Digits after the decimal point (may be empty).
    fraction: &'a str,
    /// Byte offset where the suffix starts.
    end: usize,
}

/// Scans `[+-]? digits* ("." digits*)?` from the start of `input`.
fn scan_number(input: &str) -> Number<'_> {
    let bytes = input.as_bytes();
    let digits_from = |start: usize| {
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        start + len
    };
    let (negative, start) = match bytes.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let integer_end = digits_from(start);
    let (fraction, end) = if bytes.get(integer_end) == Some(&b'.') {
        let fraction_end = digits_from(integer_end + 1);
        (&input[integer_end + 1..fraction_end], fraction_end)
    } else {
        ("", integer_end)
    };
    Number {
        negative,
        integer: &input[start..integer_end],
        fraction,
        end,
    }
}

/// Parses a quantity string (no surrounding whitespace allowed).
pub(super) fn parse(input: &str) -> Result<Quantity, QuantityError> {
    if input.is_empty() {
        return Err(QuantityError::Empty);
    }
    let number = scan_number(input);
    let suffix = &input[number.end..];
    if number.integer.is_empty() && number.fraction.is_empty() {
        return Err(QuantityError::MissingNumber {
            input: input.to_owned(),
            suffix: suffix.to_owned(),
        });
    }
    let scale = interpret_suffix(suffix).map_err(|problem| problem.into_error(input, suffix))?;
    let (magnitude, format) =
        magnitude_and_format(&number, scale).ok_or_else(|| QuantityError::OutOfRange {
            input: input.to_owned(),
        })?;
    let nanos = i128::try_from(magnitude).map_err(|_| QuantityError::OutOfRange {
        input: input.to_owned(),
    })?;
    let nanos = if number.negative { -nanos } else { nanos };
    Ok(Quantity { nanos, format })
}

/// The magnitude in nano-units (rounded up to a whole nano-unit) and the format, or `None` for a
/// decimal value beyond the bound. Binary values are capped at 2⁶³−1 instead, and a binary value
/// strictly between 0 and 1 takes the `DecimalSI` format, as in Kubernetes.
fn magnitude_and_format(number: &Number<'_>, scale: Scale) -> Option<(u128, Format)> {
    let digits: Vec<u8> = number
        .integer
        .bytes()
        .chain(number.fraction.bytes())
        .map(|b| b - b'0')
        .skip_while(|&d| d == 0)
        .collect();
    let fraction_len = i64::try_from(number.fraction.len()).unwrap_or(i64::MAX);
    match scale {
        Scale::Decimal { exponent, format } => {
            let shift = exponent.saturating_add(9).saturating_sub(fraction_len);
            Some((scale_digits(&digits, 1, shift)?, format))
        }
        Scale::Binary { shift } => {
            let exact = scale_digits(&digits, 1_u64 << shift, 9_i64.saturating_sub(fraction_len));
            let capped = exact.map_or(BINARY_CAP, |m| m.min(BINARY_CAP));
            let below_one = capped > 0 && capped < NANOS_PER_UNIT.unsigned_abs();
            let format = if below_one {
                Format::DecimalSI
            } else {
                Format::BinarySI
            };
            Some((capped, format))
        }
    }
}

/// `ceil(digits × multiplier × 10^shift)`, where `digits` are decimal digit values without
/// leading zeros; `None` if the result exceeds 38 digits or `Quantity::MAX_NANOS`.
fn scale_digits(digits: &[u8], multiplier: u64, shift: i64) -> Option<u128> {
    if digits.is_empty() {
        return Some(0);
    }
    let product = multiply_digits(digits, multiplier);
    let dropped_len = usize::try_from(shift.min(0).unsigned_abs()).unwrap_or(usize::MAX);
    let (kept, dropped) = product.split_at(product.len().saturating_sub(dropped_len));
    let zeros = usize::try_from(shift.max(0)).unwrap_or(usize::MAX);
    let mut value: u128 = 0;
    if !kept.is_empty() {
        if kept.len().saturating_add(zeros) > MAX_DIGITS {
            return None;
        }
        value = kept
            .iter()
            .chain(std::iter::repeat_n(&0, zeros))
            .fold(0, |acc, &d| acc * 10 + u128::from(d));
    }
    if dropped.iter().any(|&d| d != 0) {
        value += 1;
    }
    (value <= Quantity::MAX_NANOS.unsigned_abs()).then_some(value)
}

/// `digits × multiplier` as decimal digit values (no leading zeros when `digits` has none and
/// `multiplier > 0`).
fn multiply_digits(digits: &[u8], multiplier: u64) -> Vec<u8> {
    if multiplier == 1 {
        return digits.to_vec();
    }
    let mut reversed = Vec::with_capacity(digits.len() + 20);
    let mut carry: u128 = 0;
    for &digit in digits.iter().rev() {
        let value = u128::from(digit) * u128::from(multiplier) + carry;
        reversed.push((value % 10) as u8);
        carry = value / 10;
    }
    while carry > 0 {
        reversed.push((carry % 10) as u8);
        carry /= 10;
    }
    reversed.reverse();
    reversed
}
