//! Table tests of CR schema handling: pruning per `fieldValidation`, the root envelope,
//! embedded resources, each validation keyword with upstream's message, and the Status each
//! error maps to.

use flotilla_api::admission::FieldValidation::{self, Ignore, Strict, Warn};
use serde_json::{Value, json};

use super::*;
use crate::status::CauseType;

/// A Widget's schema exercising every keyword.
fn widget_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 2, "maxLength": 5,
                             "pattern": "^[a-z]+$"},
                    "replicas": {"type": "integer", "minimum": 1, "maximum": 10},
                    "ratio": {"type": "number", "exclusiveMinimum": true, "minimum": 0,
                              "exclusiveMaximum": true, "maximum": 1},
                    "mode": {"type": "string", "enum": ["a", "b"], "default": "a"},
                    "enabled": {"type": "boolean"},
                    "port": {"x-kubernetes-int-or-string": true},
                    "note": {"type": "string", "nullable": true},
                    "tags": {"type": "array", "minItems": 1, "maxItems": 2,
                             "items": {"type": "string"}},
                    "items": {"type": "array", "items": {
                        "type": "object", "properties": {"id": {"type": "integer"}}}},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "extra": {"type": "object", "additionalProperties": true},
                    "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                               "properties": {"level": {"type": "integer"}}},
                    "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                                 "properties": {"spec": {"type": "object",
                                     "properties": {"size": {"type": "integer"}}}}}
                }
            },
            "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}
        }
    })
}

fn widget(spec: Value) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Widget",
           "metadata": {"name": "w", "namespace": "default", "labels": {"app": "x"}},
           "spec": spec})
}

fn check(object: Value, validation: FieldValidation) -> Result<Outcome, SchemaError> {
    validate(&widget_schema(), object, validation)
}

/// The `field: message` texts of an `Invalid` error.
fn invalid_texts(object: Value) -> Vec<String> {
    match check(object, Strict) {
        Err(SchemaError::Invalid(causes)) => causes.iter().map(Cause::field_error_text).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn valid_object_is_kept_and_defaulted() {
    let object = widget(json!({"name": "abc", "replicas": 3}));
    let outcome = check(object.clone(), Strict).unwrap();
    let mut want = object;
    want["spec"]["mode"] = json!("a");
    assert_eq!(
        outcome,
        Outcome {
            object: want,
            warnings: vec![]
        }
    );
}

#[test]
fn unknown_fields_per_validation_mode() {
    let object = widget(json!({"name": "abc", "foo": 1, "bar": {"x": 1},
                               "items": [{"id": 1}, {"id": 2, "zap": true}]}));
    let mut extra = object.clone();
    extra["top"] = json!("x");
    let fields = ["spec.bar", "spec.foo", "spec.items[1].zap", "top"];
    assert_eq!(
        check(extra.clone(), Strict),
        Err(SchemaError::UnknownFields(
            fields.map(String::from).to_vec()
        ))
    );
    let pruned = widget(json!({"name": "abc", "mode": "a", "items": [{"id": 1}, {"id": 2}]}));
    let warned = check(extra.clone(), Warn).unwrap();
    assert_eq!(warned.object, pruned);
    let want: Vec<String> = fields
        .iter()
        .map(|f| format!("unknown field \"{f}\""))
        .collect();
    assert_eq!(warned.warnings, want);
    assert_eq!(
        check(extra, Ignore).unwrap(),
        Outcome {
            object: pruned,
            warnings: vec![]
        }
    );
}

#[test]
fn root_envelope_is_kept_and_metadata_pruned_like_object_meta() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object"}}});
    let mut object = widget(json!({}));
    object["metadata"]["annotations"] = json!({"a": "b"});
    object["metadata"]["managedFields"] = json!([{"manager": "kubectl", "operation": "Apply",
        "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {".": {}}}}]);
    let kept = validate(&schema, object.clone(), Strict).unwrap();
    assert_eq!(kept.object, object);
    object["metadata"]["bogus"] = json!(1);
    assert_eq!(
        validate(&schema, object.clone(), Strict),
        Err(SchemaError::UnknownFields(vec!["metadata.bogus".into()]))
    );
    let warned = validate(&schema, object.clone(), Warn).unwrap();
    assert_eq!(warned.object["metadata"].get("bogus"), None);
    assert_eq!(
        warned.object["metadata"]["managedFields"],
        kept.object["metadata"]["managedFields"]
    );
}

#[test]
fn a_root_without_properties_keeps_only_the_envelope() {
    let schema = json!({"type": "object"});
    let object = widget(json!({"name": "x"}));
    assert_eq!(
        validate(&schema, object.clone(), Strict),
        Err(SchemaError::UnknownFields(vec!["spec".into()]))
    );
    let mut want = object;
    want.as_object_mut().unwrap().remove("spec");
    assert_eq!(
        validate(&schema, want.clone(), Strict).unwrap().object,
        want
    );
}

#[test]
fn root_fields_are_not_validated_by_the_schema() {
    let schema = json!({"type": "object", "required": ["metadata", "spec"], "properties": {
        "apiVersion": {"type": "integer"}, "kind": {"enum": ["Other"]},
        "metadata": {"type": "object", "properties": {"name": {"maxLength": 1}}},
        "spec": {"type": "object"}}});
    let object = widget(json!({}));
    assert_eq!(
        validate(&schema, object.clone(), Strict).unwrap().object,
        object
    );
}

#[test]
fn schemaless_and_preserving_roots_accept_everything() {
    let mut object = widget(json!({"anything": [1, {"x": null}]}));
    object["other"] = json!("kept");
    let preserve = json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true});
    for schema in [Value::Null, json!("not a schema"), preserve] {
        for mode in [Strict, Warn, Ignore] {
            let outcome = validate(&schema, object.clone(), mode).unwrap();
            assert_eq!(
                outcome,
                Outcome {
                    object: object.clone(),
                    warnings: vec![]
                }
            );
        }
    }
}

#[test]
fn preserve_unknown_and_additional_properties_keep_fields() {
    let spec = json!({"name": "abc", "mode": "b",
        "config": {"level": 2, "free": {"deep": [1]}},
        "labels": {"a": "1", "b": "2"}, "extra": {"any": {"thing": 1}}});
    let object = widget(spec);
    assert_eq!(check(object.clone(), Strict).unwrap().object, object);
}

#[test]
fn declared_fields_under_preserve_unknown_are_still_checked() {
    let texts = invalid_texts(widget(json!({"name": "abc", "config": {"level": "hi"}})));
    assert_eq!(
        texts,
        [
            r#"spec.config.level: Invalid value: "string": spec.config.level in body must be of type integer: "string""#
        ]
    );
}

#[test]
fn embedded_resource_keeps_its_envelope() {
    let template = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "labels": {"a": "b"}}, "spec": {"size": 2}});
    let object = widget(json!({"name": "abc", "mode": "a", "template": template}));
    assert_eq!(check(object.clone(), Strict).unwrap().object, object);

    let mut extra = object.clone();
    extra["spec"]["template"]["foo"] = json!(1);
    extra["spec"]["template"]["metadata"]["bogus"] = json!(1);
    let fields = ["spec.template.foo", "spec.template.metadata.bogus"];
    assert_eq!(
        check(extra.clone(), Strict),
        Err(SchemaError::UnknownFields(
            fields.map(String::from).to_vec()
        ))
    );
    assert_eq!(check(extra, Ignore).unwrap().object, object);
}

#[test]
fn embedded_resource_needs_api_version_and_kind() {
    let texts = invalid_texts(widget(
        json!({"name": "abc", "template": {"apiVersion": ""}}),
    ));
    assert_eq!(
        texts,
        [
            "spec.template.kind: Required value",
            r#"spec.template.apiVersion: Invalid value: "": must not be empty"#,
        ]
    );
}

#[test]
fn each_keyword_reports_upstream_messages() {
    let cases: &[(Value, &str)] = &[
        (
            json!({"replicas": "3"}),
            r#"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string""#,
        ),
        (
            json!({"replicas": 1.5}),
            r#"spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number""#,
        ),
        (
            json!({"enabled": "yes"}),
            r#"spec.enabled: Invalid value: "string": spec.enabled in body must be of type boolean: "string""#,
        ),
        (
            json!({"tags": "a"}),
            r#"spec.tags: Invalid value: "string": spec.tags in body must be of type array: "string""#,
        ),
        (
            json!({"labels": []}),
            r#"spec.labels: Invalid value: "array": spec.labels in body must be of type object: "array""#,
        ),
        (
            json!({"mode": "x"}),
            r#"spec.mode: Unsupported value: "x": supported values: "a", "b""#,
        ),
        (
            json!({"replicas": 0}),
            "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
        ),
        (
            json!({"replicas": 11}),
            "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
        ),
        (
            json!({"ratio": 0}),
            "spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0",
        ),
        (
            json!({"ratio": 1.0}),
            "spec.ratio: Invalid value: 1.0: spec.ratio in body should be less than 1",
        ),
        (
            json!({"name": "abcdef"}),
            "spec.name: Too long: may not be more than 5 bytes",
        ),
        (
            json!({"name": "a"}),
            r#"spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long"#,
        ),
        (
            json!({"name": "AB"}),
            r#"spec.name: Invalid value: "AB": spec.name in body should match '^[a-z]+$'"#,
        ),
        (
            json!({"tags": []}),
            "spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items",
        ),
        (
            json!({"tags": ["a", "b", "c"]}),
            "spec.tags: Too many: 3: must have at most 2 items",
        ),
        (
            json!({"tags": ["a", 1]}),
            r#"spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer""#,
        ),
        (
            json!({"labels": {"k": 1}}),
            r#"spec.labels[k]: Invalid value: "integer": spec.labels[k] in body must be of type string: "integer""#,
        ),
        (
            json!({"port": true}),
            r#"spec.port: Invalid value: "boolean": spec.port in body must be of type integer or string: "boolean""#,
        ),
        (
            json!({"items": [{"id": "x"}]}),
            r#"spec.items[0].id: Invalid value: "string": spec.items[0].id in body must be of type integer: "string""#,
        ),
    ];
    for (fields, want) in cases {
        let mut spec = json!({"name": "abc"});
        spec.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        assert_eq!(invalid_texts(widget(spec)), [*want], "{fields}");
    }
}

#[test]
fn valid_values_of_each_keyword_pass() {
    let spec = json!({"name": "ab", "replicas": 10, "ratio": 0.5, "mode": "b", "enabled": false,
        "port": "http", "note": null, "tags": ["a", "b"], "items": [{"id": 1}],
        "labels": {}, "extra": {}, "config": {}});
    assert!(check(widget(spec), Strict).is_ok());
    assert!(
        check(
            widget(json!({"name": "ab", "port": 8080, "replicas": 2.0})),
            Strict
        )
        .is_ok()
    );
}

#[test]
fn required_and_null_handling() {
    assert_eq!(
        invalid_texts(widget(json!({}))),
        ["spec.name: Required value"]
    );
    // A null in a non-nullable field is dropped (then required), kept in a nullable one.
    assert_eq!(
        invalid_texts(widget(json!({"name": null}))),
        ["spec.name: Required value"]
    );
    let outcome = check(
        widget(json!({"name": "ab", "note": null, "mode": null})),
        Strict,
    )
    .unwrap();
    assert_eq!(
        outcome.object["spec"],
        json!({"name": "ab", "note": null, "mode": "a"})
    );
}

#[test]
fn causes_carry_reason_and_field() {
    let Err(SchemaError::Invalid(causes)) =
        check(widget(json!({"mode": "x", "replicas": "1"})), Strict)
    else {
        panic!("expected Invalid");
    };
    let got: Vec<(Option<CauseType>, &str)> = causes
        .iter()
        .map(|c| (c.reason, c.field.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(CauseType::FieldValueNotSupported), "spec.mode"),
            (Some(CauseType::FieldValueRequired), "spec.name"),
            (Some(CauseType::FieldValueInvalid), "spec.replicas"),
        ]
    );
}

#[test]
fn status_is_validated_and_pruned() {
    let mut object = widget(json!({"name": "ab"}));
    object["status"] = json!({"ready": "yes", "junk": 1});
    assert_eq!(
        check(object.clone(), Strict),
        Err(SchemaError::UnknownFields(vec!["status.junk".into()]))
    );
    let Err(SchemaError::Invalid(causes)) = check(object, Warn) else {
        panic!("expected Invalid");
    };
    assert_eq!(causes[0].field, "status.ready");
}

#[test]
fn strict_reports_unknown_fields_before_invalid_values() {
    let object = widget(json!({"replicas": "x", "foo": 1}));
    assert_eq!(
        check(object.clone(), Strict),
        Err(SchemaError::UnknownFields(vec!["spec.foo".into()]))
    );
    assert!(matches!(check(object, Warn), Err(SchemaError::Invalid(_))));
}

#[test]
fn errors_map_to_statuses() {
    let unknown = SchemaError::UnknownFields(vec!["spec.foo".into(), "spec.bar".into()]);
    let status = unknown
        .to_api_error("Widget", "example.com", "v1", "w")
        .to_status_json();
    assert_eq!(status["code"], 400);
    assert_eq!(status["reason"], "BadRequest");
    assert_eq!(
        status["message"],
        "Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: \
         unknown field \"spec.foo\", unknown field \"spec.bar\""
    );

    let Err(invalid) = check(widget(json!({"name": "ab", "replicas": "3"})), Strict) else {
        panic!("expected Invalid");
    };
    let status = invalid
        .to_api_error("Widget", "example.com", "v1", "w")
        .to_status_json();
    assert_eq!(status["code"], 422);
    assert_eq!(status["reason"], "Invalid");
    assert_eq!(
        status["message"],
        "Widget.example.com \"w\" is invalid: spec.replicas: Invalid value: \"string\": \
         spec.replicas in body must be of type integer: \"string\""
    );
    assert_eq!(
        status["details"],
        json!({"name": "w", "group": "example.com", "kind": "Widget", "causes": [{
            "reason": "FieldValueInvalid", "field": "spec.replicas",
            "message": "Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""}]})
    );

    let bad = SchemaError::BadSchema("x".into()).to_api_error("Widget", "example.com", "v1", "w");
    assert_eq!(
        (bad.code, bad.message.as_str()),
        (500, "Internal error occurred: invalid schema: x")
    );
}

#[test]
fn bad_schemas() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object",
        "properties": {"name": {"type": "string", "pattern": "("}}}}});
    // An invalid pattern is ignored when checking objects...
    let object = widget(json!({"name": "anything"}));
    assert_eq!(
        validate(&schema, object.clone(), Strict).unwrap().object,
        object
    );
    // ...and refused when the CRD is written.
    let crd = json!({"spec": {"versions": [
        {"name": "v1", "schema": {"openAPIV3Schema": widget_schema()}},
        {"name": "v2", "schema": {"openAPIV3Schema": schema}},
        {"name": "v3", "schema": {"openAPIV3Schema": {"type": "object", "allOf": "x"}}}]}});
    let causes = crd_causes(&crd);
    let fields: Vec<&str> = causes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[name].pattern",
            "spec.versions[2].schema.openAPIV3Schema",
        ]
    );
    assert!(
        causes[0]
            .message
            .starts_with("Invalid value: \"(\": must be a valid regular expression, but isn't: ")
    );
    let v3 = version_schema(&crd, "v3");
    assert!(matches!(
        validate(v3, widget(json!({})), Strict),
        Err(SchemaError::BadSchema(_))
    ));
}

#[test]
fn version_schema_finds_the_version() {
    let crd = json!({"spec": {"versions": [
        {"name": "v1", "schema": {"openAPIV3Schema": {"type": "object"}}},
        {"name": "v2"}]}});
    assert_eq!(version_schema(&crd, "v1"), &json!({"type": "object"}));
    assert_eq!(version_schema(&crd, "v2"), &Value::Null);
    assert_eq!(version_schema(&crd, "v9"), &Value::Null);
    assert_eq!(version_schema(&json!({}), "v1"), &Value::Null);
}

#[test]
fn compiled_schema_is_reusable() {
    let compiled = CrdSchema::compile(&widget_schema()).unwrap();
    for name in ["ab", "abc", "abcd"] {
        let object = widget(json!({"name": name, "mode": "a"}));
        assert_eq!(
            compiled.validate(object.clone(), Strict).unwrap().object,
            object
        );
    }
}

#[test]
fn embedded_resources_in_lists_are_checked_per_item() {
    let schema = json!({"type": "object", "properties": {"spec": {"type": "object",
        "properties": {"resources": {"type": "array", "items": {"type": "object",
            "x-kubernetes-embedded-resource": true,
            "x-kubernetes-preserve-unknown-fields": true}}}}}});
    let good = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "c"}, "data": {"k": "v"}});
    let object = widget(json!({"resources": [good, {"apiVersion": "v1", "kind": ""}]}));
    let Err(SchemaError::Invalid(causes)) = validate(&schema, object.clone(), Strict) else {
        panic!("expected Invalid");
    };
    let texts: Vec<String> = causes.iter().map(Cause::field_error_text).collect();
    assert_eq!(
        texts,
        [r#"spec.resources[1].kind: Invalid value: "": must not be empty"#]
    );
    let mut extra = object;
    extra["spec"]["resources"][0]["metadata"]["bogus"] = json!(true);
    assert_eq!(
        validate(&schema, extra, Strict),
        Err(SchemaError::UnknownFields(vec![
            "spec.resources[0].metadata.bogus".into()
        ]))
    );
}
