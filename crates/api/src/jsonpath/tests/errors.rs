//! Error tests: parse errors and evaluation errors, with their byte positions.
//!
//! Owns: the exact variant and position reported for malformed templates and for data that
//! does not fit the template. Must not: test successful rendering (see `syntax.rs`).

use super::super::{EvalError, ParseError, RenderOptions, Template};
use serde_json::json;

fn parse_err(template: &str) -> ParseError {
    match Template::parse(template) {
        Ok(parsed) => panic!("{template:?} parsed: {parsed:?}"),
        Err(e) => e,
    }
}

#[test]
fn parse_error_positions() {
    let cases: &[(&str, usize, &str)] = &[
        ("{.a", 0, "unclosed action"),
        ("x{.a}{.b", 5, "unclosed action"),
        ("{", 0, "unclosed action"),
        ("{range .a}{end", 10, "unclosed action"),
        ("{.a[1}", 5, "expected ']'"),
        ("{.a[1", 3, "unterminated '['"),
        ("{.a[x]}", 4, "invalid array index"),
        ("{.a[]}", 4, "invalid array index"),
        ("{.a[-]}", 4, "'-' without digits"),
        ("{.a[+1]}", 4, "invalid array index"),
        ("{.a[1:2:3:4]}", 9, "expected ']'"),
        ("{.a[99999999999999999999]}", 4, "out of range"),
        ("{.a[?(@.b=)]}", 9, "unrecognized filter operator"),
        ("{.a[?(@.b=~\"x\")]}", 9, "unrecognized filter operator"),
        ("{.a[?(@.b==\"x\"]}", 14, "expected ')'"),
        ("{.a[?(@.b==\"x\")}", 15, "expected ']'"),
        ("{.a[?(@.b==\"x)]}", 11, "unterminated quoted string"),
        ("{.a[?@.b]}", 5, "expected '('"),
        ("{.a[?()]}", 6, "invalid filter operand"),
        ("{.a[?(@.b==null)]}", 11, "unrecognized identifier null"),
        ("{.a[?(!@.b)]}", 6, "invalid filter operand"),
        ("{.a[?(@.b && @.c)]}", 10, "unrecognized filter operator"),
        ("{.a[?(@.b==1.5e0)]}", 14, "expected ')' in filter"),
        ("{.a[?(@.b", 3, "unterminated filter"),
        ("{end}", 0, "{end} without a matching {range}"),
        (
            "{range .a}{end}{end}",
            15,
            "{end} without a matching {range}",
        ),
        ("{end .a}", 5, "unexpected text after 'end'"),
        ("{range}", 1, "needs an expression"),
        ("{foo}", 1, "unrecognized identifier foo"),
        ("{.a b}", 4, "unrecognized identifier b"),
        ("{{.a}}", 1, "unexpected character '{'"),
        ("{.a,b}", 3, "unexpected character ','"),
        ("{.a]}", 3, "unexpected character ']'"),
        ("{.a\\", 3, "'\\' at the end"),
        ("{\"a", 1, "unterminated quoted string"),
        ("{\"\\q\"}", 2, "invalid escape"),
        ("{\"\\x80\"}", 2, "byte escape"),
        ("{\"\\ud800\"}", 2, "invalid escape"),
        ("{1.5e0}", 4, "unrecognized identifier e0"),
        ("{-}", 1, "invalid number literal"),
        ("{99999999999999999999}", 1, "out of range"),
        ("é{.a[x]}", 6, "invalid array index"),
    ];
    for (template, position, message) in cases {
        let error = parse_err(template);
        assert_eq!(error.position, *position, "{template:?}: {error}");
        assert!(error.message.contains(message), "{template:?}: {error}");
    }
}

#[test]
fn nesting_is_bounded() {
    let deep = format!("{{.a{}}}", "[?(@".repeat(200));
    assert!(parse_err(&deep).message.contains("nested too deeply"));
    let ranges = "{range .a}".repeat(100);
    assert!(parse_err(&ranges).message.contains("nested too deeply"));
    let fine = format!("{{.a{}{}}}", "[?(@.b".repeat(30), ")]".repeat(30));
    assert!(Template::parse(&fine).is_ok(), "{fine}");
}

fn eval_err(template: &str, data: &serde_json::Value, allow: bool) -> EvalError {
    let parsed = Template::parse(template).expect("template parses");
    let options = RenderOptions {
        allow_missing_keys: allow,
    };
    match parsed.render(data, &options) {
        Ok(text) => panic!("{template:?} rendered {text:?}"),
        Err(e) => e,
    }
}

fn eval_data() -> serde_json::Value {
    json!({
        "a": [1, 2, 3], "s": "str", "o": {"x": 1}, "n": null, "e": [],
        "items": [{"k": 1, "f": 1.5, "s": "a", "b": true, "z": null, "t": [1, 2], "o": {}}]
    })
}

/// Asserts each `(template, allow_missing_keys, error)` fails exactly so against `eval_data()`.
fn check_eval_errors(cases: &[(&str, bool, EvalError)]) {
    let data = eval_data();
    for (template, allow, expected) in cases {
        let error = eval_err(template, &data, *allow);
        assert_eq!(&error, expected, "{template:?}");
        assert_eq!(error.position(), expected.position());
    }
}

fn missing(key: &str, position: usize) -> EvalError {
    EvalError::MissingKey {
        key: key.to_string(),
        position,
    }
}

fn out_of_range(index: i64, length: usize, position: usize) -> EvalError {
    EvalError::IndexOutOfRange {
        index,
        length,
        position,
    }
}

#[test]
fn missing_keys_and_type_errors() {
    let not_array = |found, position| EvalError::NotArray { found, position };
    check_eval_errors(&[
        ("{.missing}", false, missing("missing", 1)),
        ("{.o.x.y}", false, missing("y", 5)),
        ("{.o['x','zz']}", false, missing("zz", 8)),
        ("x{range .a[*]}{.k}{end}", false, missing("k", 15)),
        ("{.items[*].t[2]}", true, out_of_range(2, 2, 13)),
        ("{.s[0]}", true, not_array("string", 3)),
        ("{.o[*]}", true, not_array("object", 3)),
        ("{.a[0][0]}", true, not_array("number", 6)),
    ]);
}

#[test]
fn index_and_slice_errors() {
    check_eval_errors(&[
        ("{.a[3]}", true, out_of_range(3, 3, 4)),
        ("{.a[-4]}", true, out_of_range(-1, 3, 4)),
        ("{.e[0]}", true, out_of_range(0, 0, 4)),
        ("{.a[0,5]}", true, out_of_range(5, 3, 6)),
        ("{.a[5:9]}", true, out_of_range(5, 3, 4)),
        ("{.a[0:4]}", true, out_of_range(3, 3, 4)),
        ("{.a[:-4]}", true, out_of_range(-2, 3, 4)),
        ("{.a[-4:]}", true, out_of_range(-1, 3, 4)),
        (
            "{.a[2:1]}",
            true,
            EvalError::StartAfterEnd {
                start: 2,
                end: 1,
                position: 4,
            },
        ),
        (
            "{.a[::0]}",
            true,
            EvalError::NonPositiveStep {
                step: 0,
                position: 4,
            },
        ),
        (
            "{.a[::-1]}",
            true,
            EvalError::NonPositiveStep {
                step: -1,
                position: 4,
            },
        ),
    ]);
}

#[test]
fn filter_errors() {
    let invalid = |found, operator| EvalError::InvalidComparison {
        found,
        operator,
        position: 7,
    };
    let not_filterable = |found| EvalError::NotFilterable { found, position: 3 };
    check_eval_errors(&[
        ("{.o[?(@.x)]}", true, not_filterable("object")),
        ("{.n[?(@.x)]}", true, not_filterable("null")),
        (
            "{.items[?(@.t[*]==1)]}",
            true,
            EvalError::MultipleValues { position: 7 },
        ),
        (
            "{.items[?(@.k==\"1\")]}",
            true,
            EvalError::IncompatibleTypes {
                left: "number",
                right: "string",
                position: 7,
            },
        ),
        ("{.items[?(@.b<true)]}", true, invalid("boolean", "<")),
        ("{.items[?(@.z==\"x\")]}", true, invalid("null", "==")),
        ("{.items[?(@.o==@.o)]}", true, invalid("object", "==")),
        ("{.items[?(@.missing==1)]}", false, missing("missing", 11)),
    ]);
}

#[test]
fn error_messages_read_well() {
    let parse = parse_err("{.a[x]}");
    assert_eq!(
        parse.to_string(),
        "invalid JSONPath template at byte 4: invalid array index: expected a number, slice, '*', filter or quoted key"
    );
    let data = json!({"a": [1]});
    assert_eq!(
        eval_err("{.b}", &data, false).to_string(),
        "b is not found (at byte 1)"
    );
    assert_eq!(
        eval_err("{.a[2]}", &data, true).to_string(),
        "array index out of bounds: index 2, length 1 (at byte 4)"
    );
}

#[test]
fn runaway_templates_hit_the_safety_limits() {
    // A chain of 120 nested arrays: each `..` multiplies the selection by about the depth.
    let mut deep = json!(["leaf"]);
    for _ in 0..120 {
        deep = json!([deep]);
    }
    let error = eval_err("{.. .. .. .. ..}", &deep, true);
    assert!(
        matches!(
            error,
            EvalError::LimitExceeded {
                what: "selected values",
                ..
            }
        ),
        "{error:?}"
    );
    let ranges = "{range ..}".repeat(6) + "x";
    let error = eval_err(&ranges, &deep, true);
    assert!(
        matches!(error, EvalError::LimitExceeded { .. }),
        "{error:?}"
    );

    let big = "y".repeat(1 << 20);
    let wide = json!({ "a": vec![big; 20] });
    let error = eval_err("{.a[*]}", &wide, true);
    assert_eq!(
        error,
        EvalError::LimitExceeded {
            what: "bytes of output",
            limit: 1 << 24,
            position: 0
        }
    );
}
