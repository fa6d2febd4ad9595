//! Tests for the quantity module: canonical forms, comparisons, errors, serde and schema.
//!
//! Owns: behavioural checks against the Kubernetes rules the module docs describe. Must not:
//! reach outside the module's public behaviour except through `super`.

use std::collections::HashSet;

use proptest::prelude::*;

use super::{Format, Quantity, QuantityError};

/// Parses `input`, panicking with the error on failure.
fn q(input: &str) -> Quantity {
    input
        .parse()
        .unwrap_or_else(|e| panic!("{input:?} should parse: {e}"))
}

/// (input, canonical string the Kubernetes API server writes).
const CANONICAL: &[(&str, &str)] = &[
    // The examples from the brief.
    ("1000m", "1"),
    ("0.5", "500m"),
    ("1024Mi", "1Gi"),
    ("1536Mi", "1536Mi"),
    ("1.5Gi", "1536Mi"),
    ("100e3", "100e3"),
    ("0.1", "100m"),
    ("1k", "1k"),
    ("1000", "1k"),
    ("9223372036854775807", "9223372036854775807"),
    ("2", "2"),
    ("512Mi", "512Mi"),
    // Zero in every spelling, and signs.
    ("0", "0"),
    ("00", "0"),
    ("-0", "0"),
    ("0Mi", "0"),
    ("0e7", "0"),
    ("0.000", "0"),
    ("+1", "1"),
    ("01", "1"),
    ("-1Ki", "-1Ki"),
    ("-0.5", "-500m"),
    ("-1500m", "-1500m"),
    // Decimal SI: the largest suffix that keeps an integer mantissa.
    ("1000M", "1G"),
    ("0.001T", "1G"),
    ("1000u", "1m"),
    ("1.08", "1080m"),
    ("1080000000n", "1080m"),
    ("1.5", "1500m"),
    ("1.5k", "1500"),
    ("8.1k", "8100"),
    ("7.123456M", "7123456"),
    ("5.444T", "5444G"),
    ("2.5P", "2500T"),
    ("1.01E", "1010P"),
    ("12E", "12E"),
    ("1.G", "1G"),
    ("1.", "1"),
    (".0001k", "100m"),
    ("50k", "50k"),
    ("1234567M", "1234567M"),
    // Decimal SI past E falls back to exponent notation.
    ("1000E", "1e21"),
    ("5000E", "5e21"),
    ("1000000E", "1e24"),
    ("10000E", "10e21"),
    // Decimal exponent.
    ("1e3", "1e3"),
    ("1E6", "1e6"),
    ("10e3", "10e3"),
    ("1.3E+6", "1300e3"),
    (".001e12", "1e9"),
    ("0.001e0", "1e-3"),
    ("1000e-12", "1e-9"),
    ("80e-3", "80e-3"),
    ("1.5e0", "1500e-3"),
    ("1e0", "1"),
    ("1e28", "10e27"),
    // Rounding below 1n: up, away from zero.
    ("3.001n", "4n"),
    ("1.1E-9", "2e-9"),
    ("0.0000000001", "1n"),
    ("0.0000000005", "1n"),
    ("0.5e-9", "1e-9"),
    ("0.9n", "1n"),
    ("0.00000012345", "124n"),
    ("-0.0000000001", "-1n"),
    ("1e-2147483647", "1e-9"),
    ("-.484785E-7466", "-1e-9"),
    // Binary SI.
    ("1Ki", "1Ki"),
    ("307200Ki", "300Mi"),
    ("1025024Mi", "1001Gi"),
    ("1024Gi", "1Ti"),
    ("1025Ki", "1025Ki"),
    ("0.5Mi", "512Ki"),
    ("7Ei", "7Ei"),
    // Binary below 1024 or not a whole number falls back to decimal SI.
    ("0.5Ki", "512"),
    ("1.5Ki", "1536"),
    (".001Ki", "1024m"),
    (".000001Ki", "1024u"),
    (".000000001Ki", "1024n"),
    (".000000000001Ki", "2n"),
    ("100.035Ki", "102435840m"),
    ("0.05Gi", "53687091200m"),
    ("0.025Ti", "27487790694400m"),
    ("1.0001Ki", "1024102400u"),
    // Binary values are capped at the largest int64.
    ("9Ei", "9223372036854775807"),
    ("8Ei", "9223372036854775807"),
    ("-9Ei", "-9223372036854775807"),
    ("9223372036854775807Ki", "9223372036854775807"),
    (
        "123456789012345678901234567890123456789012Ki",
        "9223372036854775807",
    ),
    // The bound: just under 1e29 is fine.
    (
        "99999999999999999999999999999",
        "99999999999999999999999999999",
    ),
];

#[test]
fn canonical_table() {
    assert!(CANONICAL.len() >= 30);
    for &(input, want) in CANONICAL {
        let parsed = q(input);
        assert_eq!(parsed.to_string(), want, "canonical form of {input:?}");
        let again = q(want);
        assert_eq!(
            again, parsed,
            "{want:?} parses back to the value of {input:?}"
        );
        assert_eq!(again.to_string(), want, "{want:?} is a fixed point");
    }
}

#[test]
fn formats_are_remembered() {
    assert_eq!(q("1Gi").format(), Format::BinarySI);
    assert_eq!(q("1G").format(), Format::DecimalSI);
    assert_eq!(q("1e9").format(), Format::DecimalExponent);
    assert_eq!(q("1").format(), Format::DecimalSI);
    assert_eq!(q("0Ki").format(), Format::BinarySI);
    // A binary value strictly between 0 and 1 switches to DecimalSI, as in Kubernetes.
    assert_eq!(q("0.000000000001Ki").format(), Format::DecimalSI);
}

#[test]
fn constructors() {
    assert_eq!(Quantity::from_milli(1).to_string(), "1m");
    assert_eq!(Quantity::from_milli(1000).to_string(), "1");
    assert_eq!(Quantity::from_milli(1_234_000).to_string(), "1234");
    assert_eq!(Quantity::from_milli(-1500).to_string(), "-1500m");
    assert_eq!(Quantity::new(1000, Format::DecimalSI).to_string(), "1k");
    assert_eq!(Quantity::new(1024, Format::BinarySI).to_string(), "1Ki");
    assert_eq!(Quantity::new(1 << 20, Format::BinarySI).to_string(), "1Mi");
    assert_eq!(Quantity::new(2000, Format::BinarySI).to_string(), "2000");
    assert_eq!(Quantity::new(-2000, Format::BinarySI).to_string(), "-2000");
    assert_eq!(
        Quantity::new(1_000_000, Format::DecimalExponent).to_string(),
        "1e6"
    );
    let milli_binary = Quantity::from_milli(1024).with_format(Format::BinarySI);
    assert_eq!(milli_binary.to_string(), "1024m");
    let max = Quantity::max_int64();
    assert_eq!(max.to_string(), "9223372036854775807");
    assert_eq!(max, q("9223372036854775807"));
    assert_eq!(Quantity::zero().to_string(), "0");
    assert_eq!(Quantity::default(), Quantity::zero());
    assert!(Quantity::from_nanos(Quantity::MAX_NANOS, Format::DecimalSI).is_some());
    assert!(Quantity::from_nanos(Quantity::MAX_NANOS + 1, Format::DecimalSI).is_none());
    assert!(Quantity::from_nanos(-Quantity::MAX_NANOS - 1, Format::DecimalSI).is_none());
}

#[test]
fn binary_past_the_parse_cap() {
    // Arithmetic can exceed the int64 cap that parsing applies; such values still print exactly.
    let half = Quantity::new(1 << 62, Format::BinarySI);
    let two_pow_63 = half.checked_add(half).unwrap();
    assert_eq!(two_pow_63.to_string(), "8Ei");
    assert!(two_pow_63 > q("8Ei"), "parsing 8Ei caps it at 2^63-1");
    // Past Ei there is no binary suffix: the exact decimal form is written instead.
    let two_pow_70 = (1_i128 << 70) * 1_000_000_000;
    let big = Quantity::from_nanos(two_pow_70, Format::BinarySI).unwrap();
    assert_eq!(big.to_string(), "1180591620717411303424");
    assert_eq!(q(&big.to_string()), big);
    let with_zeros = Quantity::from_nanos(two_pow_70 * 1000, Format::BinarySI).unwrap();
    assert_eq!(with_zeros.to_string(), "1180591620717411303424e3");
}

#[test]
fn comparisons_are_numeric() {
    assert_eq!(q("1Gi"), q("1024Mi"));
    assert_eq!(q("1e3"), q("1k"));
    assert_eq!(q("1000m"), q("1"));
    assert_eq!(q("0"), q("0Ki"));
    assert!(q("100m") > q("50m"));
    assert!(q("10000T") > q("100Gi"));
    assert!(q("1Ki") > q("1k"));
    assert!(q("-1") < q("0"));
    assert!(q("0") < q("1n"));
    assert!(q("9Ei") == Quantity::max_int64());
    let mut sorted = [q("1Gi"), q("-1"), q("500m"), q("1e3"), q("0")];
    sorted.sort();
    let printed: Vec<String> = sorted.iter().map(ToString::to_string).collect();
    assert_eq!(printed, ["-1", "0", "500m", "1e3", "1Gi"]);
    let set: HashSet<Quantity> = [q("1Gi"), q("1k")].into_iter().collect();
    assert!(set.contains(&q("1024Mi")));
    assert!(set.contains(&q("1e3")));
    assert!(!set.contains(&q("1M")));
}

#[test]
fn accessors_round_away_from_zero() {
    let cases: &[(&str, Option<i64>, Option<i64>)] = &[
        ("0", Some(0), Some(0)),
        ("1", Some(1), Some(1000)),
        ("-1", Some(-1), Some(-1000)),
        ("1500m", Some(2), Some(1500)),
        ("-1500m", Some(-2), Some(-1500)),
        ("0.0005", Some(1), Some(1)),
        ("-0.0005", Some(-1), Some(-1)),
        ("1n", Some(1), Some(1)),
        ("-.484785E-1", Some(-1), Some(-49)),
        (
            "9.5000000001Gi",
            Some(10_200_547_329),
            Some(10_200_547_328_108),
        ),
        (
            "-9.5000000001Gi",
            Some(-10_200_547_329),
            Some(-10_200_547_328_108),
        ),
        ("9223372036854775807", Some(i64::MAX), None),
        ("1e19", None, None),
    ];
    for &(input, units, milli) in cases {
        assert_eq!(q(input).as_i64_ceil(), units, "as_i64_ceil of {input:?}");
        assert_eq!(q(input).as_milli(), milli, "as_milli of {input:?}");
    }
    assert_eq!(q("1.5").as_nanos(), 1_500_000_000);
    assert!(q("0").is_zero() && q("0Mi").is_zero() && !q("1n").is_zero());
    assert_eq!(
        (q("-1").signum(), q("0").signum(), q("1n").signum()),
        (-1, 0, 1)
    );
    assert!(q("-1n").is_negative() && !q("0").is_negative());
}

#[test]
fn checked_arithmetic() {
    let zero = Quantity::zero();
    assert_eq!(zero.checked_add(q("1Gi")).unwrap().to_string(), "1Gi");
    assert_eq!(q("100m").checked_add(zero).unwrap().to_string(), "100m");
    assert_eq!(zero.checked_sub(q("100m")).unwrap().to_string(), "-100m");
    assert_eq!(q("1Gi").checked_sub(q("1Gi")).unwrap().to_string(), "0");
    assert_eq!(q("10").checked_sub(q("1Ki")).unwrap().to_string(), "-1014");
    assert_eq!(q("1.5").checked_add(q("500m")).unwrap().to_string(), "2");
    let near_max = q("99999999999999999999999999999");
    assert!(near_max.checked_add(q("1")).is_none());
    assert!(near_max.checked_add(q("999999999n")).is_some());
    assert!(near_max.checked_sub(q("-1")).is_none());
}

#[test]
fn errors_are_typed_and_explain() {
    let owned = |input: &str, suffix: &str| (input.to_owned(), suffix.to_owned());
    let cases: Vec<(&str, QuantityError)> = vec![
        ("", QuantityError::Empty),
        ("aoeu", missing(owned("aoeu", "aoeu"))),
        (" 1", missing(owned(" 1", " 1"))),
        ("Ki", missing(owned("Ki", "Ki"))),
        ("-", missing(owned("-", ""))),
        (".", missing(owned(".", ""))),
        ("１", missing(owned("１", "１"))),
        ("1 ", unknown(owned("1 ", " "))),
        ("1.1.M", unknown(owned("1.1.M", ".M"))),
        ("1+1.0M", unknown(owned("1+1.0M", "+1.0M"))),
        ("0.1mi", unknown(owned("0.1mi", "mi"))),
        ("0.1am", unknown(owned("0.1am", "am"))),
        (".5i", unknown(owned(".5i", "i"))),
        ("1i", unknown(owned("1i", "i"))),
        ("1K", unknown(owned("1K", "K"))),
        ("1KI", unknown(owned("1KI", "KI"))),
        ("1e", unknown(owned("1e", "e"))),
        ("1µ", unknown(owned("1µ", "µ"))),
        ("-3.01e-", invalid_exp(owned("-3.01e-", "e-"))),
        ("1e1.5", invalid_exp(owned("1e1.5", "e1.5"))),
        ("1e3Ki", invalid_exp(owned("1e3Ki", "e3Ki"))),
        ("1Ee3", invalid_exp(owned("1Ee3", "Ee3"))),
        (
            "1e4294967297",
            exp_range(owned("1e4294967297", "e4294967297")),
        ),
        (
            "1E-2147483648",
            exp_range(owned("1E-2147483648", "E-2147483648")),
        ),
    ];
    for (input, want) in cases {
        assert_eq!(Quantity::parse(input), Err(want), "error for {input:?}");
    }
    for big in [
        "1e29",
        "100000000000000000000000000000",
        "1e2147483647",
        "-1e29",
    ] {
        let err = Quantity::parse(big).unwrap_err();
        assert_eq!(
            err,
            QuantityError::OutOfRange {
                input: big.to_owned()
            }
        );
    }
    let message = Quantity::parse("0.1mi").unwrap_err().to_string();
    assert!(message.starts_with("quantity \"0.1mi\" has unknown suffix \"mi\": expected"));
    let message = Quantity::parse("").unwrap_err().to_string();
    assert!(message.starts_with("quantity is empty"));
    let message = Quantity::parse("1e1.5").unwrap_err().to_string();
    assert!(message.contains("malformed exponent \"e1.5\""));
}

/// `MissingNumber` from (input, suffix).
fn missing((input, suffix): (String, String)) -> QuantityError {
    QuantityError::MissingNumber { input, suffix }
}

/// `UnknownSuffix` from (input, suffix).
fn unknown((input, suffix): (String, String)) -> QuantityError {
    QuantityError::UnknownSuffix { input, suffix }
}

/// `InvalidExponent` from (input, suffix).
fn invalid_exp((input, suffix): (String, String)) -> QuantityError {
    QuantityError::InvalidExponent { input, suffix }
}

/// `ExponentOutOfRange` from (input, suffix).
fn exp_range((input, suffix): (String, String)) -> QuantityError {
    QuantityError::ExponentOutOfRange { input, suffix }
}

#[test]
fn kubernetes_messages() {
    let format = "quantities must match the regular expression \
                  '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    let suffix = "unable to parse quantity's suffix";
    let cases: &[(&str, Option<&str>)] = &[
        ("", Some(format)),
        ("1.1.M", Some(format)),
        ("1+1.0M", Some(format)),
        ("0.1am", Some(format)),
        ("aoeu", Some(format)),
        (" 1", Some(format)),
        ("1 ", Some(format)),
        ("1e1.5", Some(format)),
        ("0.1mi", Some(suffix)),
        (".5i", Some(suffix)),
        ("1i", Some(suffix)),
        ("-3.01e-", Some(suffix)),
        ("1e4294967297", Some(suffix)),
        ("1Ee3", Some(suffix)),
        ("+-1", Some(suffix)),
        ("-", None),
        ("Ki", None),
        ("1e29", None),
    ];
    for &(input, want) in cases {
        let err = Quantity::parse(input).unwrap_err();
        assert_eq!(
            err.kubernetes_message(),
            want,
            "Kubernetes message for {input:?}"
        );
    }
}

#[test]
fn serde_reads_strings_and_numbers() {
    let cases: &[(&str, &str)] = &[
        (r#""2""#, "2"),
        (r#""512Mi""#, "512Mi"),
        (r#"" 1""#, "1"),
        (r#""1 ""#, "1"),
        ("2", "2"),
        ("-1", "-1"),
        ("0.5", "500m"),
        ("1.5", "1500m"),
        ("2.0", "2"),
        ("0.1", "100m"),
        ("1000", "1k"),
        ("1e3", "1k"),
        ("18446744073709551615", "18446744073709551615"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("null", "0"),
    ];
    for &(json, want) in cases {
        let parsed: Quantity =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{json} should deserialize: {e}"));
        assert_eq!(parsed.to_string(), want, "deserialized {json}");
        let written = serde_json::to_string(&parsed).unwrap();
        assert_eq!(written, format!("\"{want}\""), "serialized {json}");
        let back: Quantity = serde_json::from_str(&written).unwrap();
        assert_eq!(back, parsed, "round trip of {json}");
    }
}

#[test]
fn serde_rejects_bad_input() {
    let err = serde_json::from_str::<Quantity>(r#""abc""#).unwrap_err();
    assert!(
        err.to_string().contains("does not start with a number"),
        "{err}"
    );
    let err = serde_json::from_str::<Quantity>("true").unwrap_err();
    assert!(err.to_string().contains("a Kubernetes quantity"), "{err}");
    let err = serde_json::from_str::<Quantity>("1e300").unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");
    let nested: Result<Vec<Quantity>, _> = serde_json::from_str(r#"["1", "1x"]"#);
    assert!(
        nested
            .unwrap_err()
            .to_string()
            .contains("unknown suffix \"x\"")
    );
}

#[test]
fn schema_is_the_kubernetes_int_or_string_quantity() {
    let mut generator = schemars::SchemaGenerator::default();
    let schema = <Quantity as schemars::JsonSchema>::json_schema(&mut generator);
    let want = serde_json::json!({
        "anyOf": [{ "type": "integer" }, { "type": "string" }],
        "pattern": r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$",
        "x-kubernetes-int-or-string": true
    });
    assert_eq!(schema.as_value(), &want);

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Holder {
        cpu: Quantity,
    }
    let root = schemars::schema_for!(Holder);
    assert_eq!(
        root.as_value()["properties"]["cpu"],
        want,
        "inlined, no $ref"
    );
}

#[test]
fn schema_pattern_agrees_with_the_parser_on_simple_inputs() {
    let pattern = regex::Regex::new(super::QUANTITY_PATTERN).unwrap();
    for &(input, _) in CANONICAL {
        assert!(pattern.is_match(input), "pattern accepts {input:?}");
    }
    for bad in ["", "Ki", "-", ".", "1 ", "1i", "0.1mi", "1K", "1e"] {
        assert!(!pattern.is_match(bad), "pattern rejects {bad:?}");
        assert!(Quantity::parse(bad).is_err(), "parser rejects {bad:?}");
    }
}

/// Quantity strings in the Kubernetes grammar with moderate magnitudes.
fn quantity_string() -> impl Strategy<Value = String> {
    let suffix = prop_oneof![
        prop::sample::select(vec![
            "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
        ])
        .prop_map(str::to_owned),
        (prop::sample::select(vec!["e", "E"]), -15_i32..=15).prop_map(|(e, x)| format!("{e}{x}")),
    ];
    (
        prop::sample::select(vec!["", "+", "-"]),
        "[0-9]{0,10}",
        prop::option::of("[0-9]{0,10}"),
        suffix,
    )
        .prop_filter_map("needs a digit", |(sign, int, frac, suffix)| {
            let has_digit = !int.is_empty() || frac.as_deref().is_some_and(|f| !f.is_empty());
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            has_digit.then(|| format!("{sign}{int}{frac}{suffix}"))
        })
}

proptest! {
    #[test]
    fn canonical_strings_round_trip(input in quantity_string()) {
        let parsed = q(&input);
        let canonical = parsed.to_string();
        let again = q(&canonical);
        prop_assert_eq!(again, parsed);
        prop_assert_eq!(again.to_string(), canonical.clone());
        let pattern = regex::Regex::new(super::QUANTITY_PATTERN).unwrap();
        prop_assert!(pattern.is_match(&input) && pattern.is_match(&canonical));
    }

    #[test]
    fn any_value_round_trips(
        nanos in -Quantity::MAX_NANOS..=Quantity::MAX_NANOS,
        format in prop::sample::select(vec![Format::DecimalSI, Format::DecimalExponent]),
    ) {
        let value = Quantity::from_nanos(nanos, format).unwrap();
        let canonical = value.to_string();
        let again = q(&canonical);
        prop_assert_eq!(again, value);
        prop_assert_eq!(again.to_string(), canonical);
    }

    #[test]
    fn binary_values_within_int64_round_trip(units in -i64::MAX..=i64::MAX, milli in 0_i64..1000) {
        let nanos = i128::from(units) * 1_000_000_000 + i128::from(milli) * 1_000_000;
        let value = Quantity::from_nanos(nanos, Format::BinarySI).unwrap();
        let canonical = value.to_string();
        let again = q(&canonical);
        prop_assert_eq!(again, value);
        prop_assert_eq!(again.to_string(), canonical);
    }

    #[test]
    fn json_round_trips(input in quantity_string()) {
        let parsed = q(&input);
        let json = serde_json::to_string(&parsed).unwrap();
        let back: Quantity = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, parsed);
        prop_assert_eq!(json, format!("\"{parsed}\""));
    }

    #[test]
    fn json_integers_are_exact(value in any::<i64>()) {
        let parsed: Quantity = serde_json::from_str(&value.to_string()).unwrap();
        prop_assert_eq!(parsed.as_i64_ceil(), Some(value));
        prop_assert_eq!(parsed, q(&value.to_string()));
    }
}
