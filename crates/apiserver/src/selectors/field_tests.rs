//! Table tests of field selector parsing, errors, matching and field extraction.

use serde_json::json;

use super::{
    COMMON_FIELDS, EVENT_FIELDS, FieldOperator, FieldSelector, SelectorError, event_field_value,
    field_value,
};

/// A term as (field, operator, value).
type Term<'a> = (&'a str, FieldOperator, &'a str);

fn parse(input: &str) -> FieldSelector {
    FieldSelector::parse(input, COMMON_FIELDS).unwrap_or_else(|e| panic!("{input:?}: {e}"))
}

fn error(input: &str, allowed: &[&str]) -> String {
    match FieldSelector::parse(input, allowed) {
        Ok(selector) => panic!("{input:?} parsed as {selector}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn parses_every_form() {
    let cases: &[(&str, &[Term])] = &[
        ("", &[]),
        (",,", &[]),
        (
            "metadata.name=x",
            &[("metadata.name", FieldOperator::Equals, "x")],
        ),
        (
            "metadata.name==x",
            &[("metadata.name", FieldOperator::DoubleEquals, "x")],
        ),
        (
            "metadata.name!=x",
            &[("metadata.name", FieldOperator::NotEquals, "x")],
        ),
        (
            "metadata.name=",
            &[("metadata.name", FieldOperator::Equals, "")],
        ),
        (
            ",metadata.name=x,",
            &[("metadata.name", FieldOperator::Equals, "x")],
        ),
        (
            "metadata.name=a\\=b",
            &[("metadata.name", FieldOperator::Equals, "a=b")],
        ),
        (
            "metadata.name=a\\,b",
            &[("metadata.name", FieldOperator::Equals, "a,b")],
        ),
        (
            "metadata.name=a\\\\b",
            &[("metadata.name", FieldOperator::Equals, "a\\b")],
        ),
        (
            "metadata.name=a b",
            &[("metadata.name", FieldOperator::Equals, "a b")],
        ),
        (
            "metadata.namespace=ns,metadata.name!=x",
            &[
                ("metadata.name", FieldOperator::NotEquals, "x"),
                ("metadata.namespace", FieldOperator::Equals, "ns"),
            ],
        ),
    ];
    for (input, expected) in cases {
        let selector = parse(input);
        let terms: Vec<Term> = selector
            .terms()
            .iter()
            .map(|t| (t.field.as_str(), t.operator, t.value.as_str()))
            .collect();
        assert_eq!(terms, *expected, "{input:?}");
    }
}

#[test]
fn errors_read_like_kubernetes() {
    let cases = [
        (
            "metadata.name",
            "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
        ),
        (
            "metadata.name=x,zzz",
            "invalid selector: 'metadata.name=x,zzz'; can't understand 'zzz'",
        ),
        (
            "data.a=1,zzz",
            "invalid selector: 'data.a=1,zzz'; can't understand 'zzz'",
        ),
        ("data.a=1", "field label not supported: data.a"),
        ("spec.x!=1,data.a=1", "field label not supported: data.a"),
        (
            "metadata.name =x",
            "field label not supported: metadata.name ",
        ),
        ("=x", "field label not supported: "),
        (
            "metadata.name=a=b",
            "invalid field selector: unescaped character in value: 61",
        ),
        (
            "metadata.name===x",
            "invalid field selector: unescaped character in value: 61",
        ),
        (
            "metadata.name=a\\x",
            "invalid field selector: invalid escape sequence: \\x",
        ),
        (
            "metadata.name=a\\",
            "invalid field selector: invalid escape sequence: \\",
        ),
    ];
    for (input, message) in cases {
        assert_eq!(error(input, COMMON_FIELDS), message, "{input:?}");
    }
    assert_eq!(
        FieldSelector::parse("data.a=1", COMMON_FIELDS),
        Err(SelectorError::UnsupportedField("data.a".into()))
    );
}

#[test]
fn event_fields_are_supported_for_events_only() {
    let selector = "involvedObject.kind=Pod,involvedObject.uid=u1,involvedObject.name=p,\
                    involvedObject.namespace=ns,reason=Started,type!=Warning,source=kubelet,\
                    reportingComponent=kubelet,involvedObject.apiVersion=v1,\
                    involvedObject.resourceVersion=3,involvedObject.fieldPath=spec,\
                    metadata.name=e,metadata.namespace=ns";
    assert_eq!(
        FieldSelector::parse(selector, EVENT_FIELDS)
            .unwrap()
            .terms()
            .len(),
        13
    );
    assert_eq!(
        error("involvedObject.kind=Pod", COMMON_FIELDS),
        "field label not supported: involvedObject.kind"
    );
}

#[test]
fn matches_with_absent_fields_as_empty() {
    let object = json!({"metadata": {"name": "a", "namespace": "ns"}});
    let get = |field: &str| field_value(&object, field);
    let cases = [
        ("", true),
        ("metadata.name=a", true),
        ("metadata.name==a", true),
        ("metadata.name=b", false),
        ("metadata.name!=b", true),
        ("metadata.name!=a", false),
        ("metadata.name=a,metadata.namespace=ns", true),
        ("metadata.name=a,metadata.namespace=other", false),
    ];
    for (input, expected) in cases {
        assert_eq!(parse(input).matches(get), expected, "{input:?}");
    }
    let cluster_scoped = json!({"metadata": {"name": "a"}});
    let get = |field: &str| field_value(&cluster_scoped, field);
    assert!(parse("metadata.namespace=").matches(get));
    assert!(!parse("metadata.namespace!=").matches(get));
}

#[test]
fn exact_value_and_display() {
    let selector = parse("metadata.namespace!=x,metadata.name==a\\,b");
    assert_eq!(selector.exact_value("metadata.name"), Some("a,b"));
    assert_eq!(selector.exact_value("metadata.namespace"), None);
    assert_eq!(
        selector.to_string(),
        "metadata.name=a\\,b,metadata.namespace!=x"
    );
    assert!(parse("").is_empty());
}

#[test]
fn field_value_walks_dotted_paths() {
    let object = json!({
        "metadata": {"name": "n", "generation": 3, "labels": {"a": "b"}},
        "spec": {"unschedulable": true, "none": null, "list": [1]},
    });
    let cases = [
        ("metadata.name", Some("n")),
        ("metadata.generation", Some("3")),
        ("spec.unschedulable", Some("true")),
        ("spec.none", None),
        ("spec.list", None),
        ("metadata.labels", None),
        ("metadata.missing", None),
        ("metadata.name.deeper", None),
        ("", None),
    ];
    for (field, expected) in cases {
        assert_eq!(
            field_value(&object, field).as_deref(),
            expected,
            "{field:?}"
        );
    }
}

#[test]
fn event_source_falls_back_to_reporting_component() {
    let with_source = json!({"source": {"component": "kubelet"}, "reportingComponent": "x"});
    let without = json!({"source": {}, "reportingComponent": "flotilla", "reason": "Synced"});
    assert_eq!(
        event_field_value(&with_source, "source").as_deref(),
        Some("kubelet")
    );
    assert_eq!(
        event_field_value(&without, "source").as_deref(),
        Some("flotilla")
    );
    assert_eq!(
        event_field_value(&without, "reason").as_deref(),
        Some("Synced")
    );
    assert_eq!(event_field_value(&json!({}), "source"), None);
}
