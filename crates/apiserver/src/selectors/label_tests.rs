//! Table tests of label selector parsing, errors and matching.

use std::collections::BTreeMap;

use super::{LabelSelector, Operator, SelectorError};

const NAME_PART: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', \
     and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or \
     '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const LABEL_VALUE: &str = "a valid label must be an empty string or consist of alphanumeric \
     characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. \
     'MyValue',  or 'my_value',  or '12345', regex used for validation is \
     '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric \
     characters, '-' or '.', and must start and end with an alphanumeric character (e.g. \
     'example.com', regex used for validation is \
     '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/// A selector, the labels it is matched against, and the expected answer.
type MatchCase<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);

fn parse(input: &str) -> LabelSelector {
    LabelSelector::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
}

fn error(input: &str) -> String {
    match LabelSelector::parse(input) {
        Ok(selector) => panic!("{input:?} parsed as {selector}"),
        Err(error) => error.to_string(),
    }
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn parses_every_form_to_canonical_text() {
    let cases = [
        ("", ""),
        ("   ", ""),
        ("a=b", "a=b"),
        ("a==b", "a==b"),
        ("a!=b", "a!=b"),
        ("a in (y,x)", "a in (x,y)"),
        ("a in(x)", "a in (x)"),
        ("a notin (x, y)", "a notin (x,y)"),
        ("a", "a"),
        ("!a", "!a"),
        ("! a", "!a"),
        ("a>1", "a>1"),
        ("a < 10", "a<10"),
        (" a = b , c ", "a=b,c"),
        ("\ta\n=\rb", "a=b"),
        ("b=1,a=2", "a=2,b=1"),
        ("a=", "a="),
        ("a=,b", "a=,b"),
        ("a!=", "a!="),
        ("a in ()", "a in ()"),
        ("a in (x,)", "a in (,x)"),
        ("a in (,x)", "a in (,x)"),
        ("a in (x,,y)", "a in (,x,y)"),
        ("a in (x,x)", "a in (x)"),
        ("in=notin", "in=notin"),
        ("a in (in,notin)", "a in (in,notin)"),
        ("example.com/app=web", "example.com/app=web"),
        ("tier in (t1,t2),env=prod", "env=prod,tier in (t1,t2)"),
        (
            "x in (foo,,baz),y,z notin ()",
            "x in (,baz,foo),y,z notin ()",
        ),
    ];
    for (input, canonical) in cases {
        assert_eq!(parse(input).to_string(), canonical, "{input:?}");
    }
}

#[test]
fn records_operators_and_sorted_values() {
    let selector = parse("k notin (b,a,b),!gone,here");
    let summary: Vec<(&str, Operator, Vec<&str>)> = selector
        .requirements()
        .iter()
        .map(|r| {
            let values = r.values().iter().map(String::as_str).collect();
            (r.key(), r.operator(), values)
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("gone", Operator::DoesNotExist, vec![]),
            ("here", Operator::Exists, vec![]),
            ("k", Operator::NotIn, vec!["a", "b"]),
        ]
    );
    assert!(parse("").is_empty());
    assert!(!parse("a").is_empty());
}

#[test]
fn syntax_errors_read_like_kubernetes() {
    let cases = [
        (
            "=a",
            "found '=', expected: !, identifier, or 'end of string'",
        ),
        (
            ",a",
            "found ',', expected: !, identifier, or 'end of string'",
        ),
        (
            "!=a",
            "found '!=', expected: !, identifier, or 'end of string'",
        ),
        ("a=b,", "found '', expected: identifier after ','"),
        ("a=b,,c", "found ',', expected: identifier after ','"),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        ("a in (x))", "found ')', expected: ',' or 'end of string'"),
    ];
    for (input, message) in cases {
        assert_eq!(error(input), message, "{input:?}");
    }
}

#[test]
fn requirement_syntax_errors_read_like_kubernetes() {
    let cases = [
        (
            "a b",
            "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'",
        ),
        (
            "a (",
            "unable to parse requirement: found '(', expected: '=', '!=', '==', 'in', notin'",
        ),
        (
            "!",
            "unable to parse requirement: found '', expected: identifier",
        ),
        (
            "!!a",
            "unable to parse requirement: found '!', expected: identifier",
        ),
        (
            "a=(",
            "unable to parse requirement: found '(', expected: identifier",
        ),
        (
            "a in x",
            "unable to parse requirement: found 'x' expected: '('",
        ),
        (
            "a in",
            "unable to parse requirement: found '' expected: '('",
        ),
        (
            "a in (x",
            "unable to parse requirement: found '', expected: ',' or ')'",
        ),
        (
            "a in (x y)",
            "unable to parse requirement: found 'y', expected: ',' or ')'",
        ),
        (
            "a in (=)",
            "unable to parse requirement: found '=', expected: ',', ')' or identifier",
        ),
        (
            "a in (",
            "unable to parse requirement: found '', expected: ',', ')' or identifier",
        ),
        (
            "a in (x,=)",
            "unable to parse requirement: found '=', expected: ',', or identifier",
        ),
        (
            "a in (,",
            "unable to parse requirement: found '', expected: ',', or identifier",
        ),
    ];
    for (input, message) in cases {
        assert_eq!(error(input), message, "{input:?}");
    }
}

#[test]
fn key_validation_errors_read_like_kubernetes() {
    let long = "a".repeat(64);
    let cases = [
        (
            "-bad=x".to_string(),
            format!("unable to parse requirement: <nil>: Invalid value: \"-bad\": {NAME_PART}"),
        ),
        (
            "a/b/c".to_string(),
            "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name \
             must consist of alphanumeric characters, '-', '_' or '.', and must start and end \
             with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex \
             used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional \
             DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
                .to_string(),
        ),
        (
            "Example.com/a".to_string(),
            format!(
                "unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": \
                 prefix part {SUBDOMAIN}"
            ),
        ),
        (
            "/a".to_string(),
            "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be \
             non-empty"
                .to_string(),
        ),
        (
            format!("{long}=x"),
            format!(
                "unable to parse requirement: <nil>: Invalid value: \"{long}\": name part must \
                 be no more than 63 characters"
            ),
        ),
    ];
    for (input, message) in cases {
        assert_eq!(error(&input), message, "{input:?}");
    }
}

#[test]
fn value_validation_errors_read_like_kubernetes() {
    let long = "a".repeat(64);
    let cases = [
        (
            "a=-x".to_string(),
            format!(
                "unable to parse requirement: values[0][a]: Invalid value: \"-x\": {LABEL_VALUE}"
            ),
        ),
        (
            format!("a!={long}"),
            format!(
                "unable to parse requirement: values[0][a]: Invalid value: \"{long}\": must be \
                 no more than 63 characters"
            ),
        ),
        (
            "a in (ok,-y,-x)".to_string(),
            format!(
                "unable to parse requirement: [values[0][a]: Invalid value: \"-x\": \
                 {LABEL_VALUE}, values[1][a]: Invalid value: \"-y\": {LABEL_VALUE}]"
            ),
        ),
        (
            "a>x".to_string(),
            "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' \
             operators, the value must be an integer"
                .to_string(),
        ),
        (
            "a<".to_string(),
            "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' \
             operators, the value must be an integer"
                .to_string(),
        ),
        (
            "a>-1".to_string(),
            format!(
                "unable to parse requirement: values[0][a]: Invalid value: \"-1\": {LABEL_VALUE}"
            ),
        ),
    ];
    for (input, message) in cases {
        assert_eq!(error(&input), message, "{input:?}");
    }
}

#[test]
fn errors_have_their_variants() {
    assert!(matches!(
        LabelSelector::parse("a=b c"),
        Err(SelectorError::Syntax(_))
    ));
    assert!(matches!(
        LabelSelector::parse("a=-x"),
        Err(SelectorError::Requirement(_))
    ));
}

#[test]
fn matches_like_kubernetes() {
    let cases: &[MatchCase] = &[
        ("", &[], true),
        ("", &[("a", "b")], true),
        ("a=b", &[("a", "b")], true),
        ("a=b", &[("a", "c")], false),
        ("a=b", &[], false),
        ("a==b", &[("a", "b"), ("x", "y")], true),
        ("a!=b", &[("a", "c")], true),
        ("a!=b", &[("a", "b")], false),
        ("a!=b", &[], true),
        ("a=", &[("a", "")], true),
        ("a=", &[], false),
        ("a in (x,y)", &[("a", "y")], true),
        ("a in (x,y)", &[("a", "z")], false),
        ("a in (x,y)", &[], false),
        ("a in ()", &[("a", "")], true),
        ("a notin (x,y)", &[("a", "z")], true),
        ("a notin (x,y)", &[("a", "x")], false),
        ("a notin (x,y)", &[], true),
        ("a", &[("a", "")], true),
        ("a", &[("b", "a")], false),
        ("!a", &[], true),
        ("!a", &[("a", "x")], false),
        ("a>5", &[("a", "6")], true),
        ("a>5", &[("a", "5")], false),
        ("a>5", &[("a", "x")], false),
        ("a>5", &[], false),
        ("a<5", &[("a", "-7")], true),
        ("a<5", &[("a", "+4")], true),
        ("a<5", &[("a", "5")], false),
        (
            "env=prod,tier in (t1,t2)",
            &[("env", "prod"), ("tier", "t2")],
            true,
        ),
        (
            "env=prod,tier in (t1,t2)",
            &[("env", "prod"), ("tier", "t3")],
            false,
        ),
        ("env=prod,tier in (t1,t2)", &[("tier", "t1")], false),
        ("a,!b", &[("a", "1")], true),
        ("a,!b", &[("a", "1"), ("b", "2")], false),
    ];
    for (selector, pairs, expected) in cases {
        assert_eq!(
            parse(selector).matches(&labels(pairs)),
            *expected,
            "{selector:?} on {pairs:?}"
        );
    }
}
