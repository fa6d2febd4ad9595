//! The generated CRDs are structural (what kube-apiserver demands) and their defaults validate
//! against their own schemas.

use flotilla_api::field::FieldPath;
use flotilla_api::kinds::ALL_KINDS;
use flotilla_api::schema::{Structural, crd_for};
use serde_json::Value;

/// Collects violations of Kubernetes' structural-schema rules below `node`.
fn structural_violations(node: &Value, path: &str, out: &mut Vec<String>) {
    let Value::Object(map) = node else {
        out.push(format!("{path}: not an object"));
        return;
    };
    let preserve = map.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    let int_or_string = map.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
    if !preserve && !int_or_string && !map.contains_key("type") {
        out.push(format!("{path}: no type"));
    }
    for banned in [
        "$ref",
        "nullable",
        "definitions",
        "$defs",
        "$schema",
        "const",
        "uniqueItems",
    ] {
        if map.contains_key(banned) {
            out.push(format!("{path}: has {banned}"));
        }
    }
    if map.contains_key("properties") && map.contains_key("additionalProperties") {
        out.push(format!("{path}: properties and additionalProperties"));
    }
    for combinator in ["anyOf", "allOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get(combinator) {
            let types_only = branches
                .iter()
                .all(|b| b.get("properties").is_none() && b.get("items").is_none());
            if !(int_or_string && types_only) {
                out.push(format!("{path}: {combinator} outside int-or-string"));
            }
        }
    }
    if let Some(Value::Object(props)) = map.get("properties") {
        for (name, child) in props {
            structural_violations(child, &format!("{path}.{name}"), out);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child @ Value::Object(_)) = map.get(key) {
            structural_violations(child, &format!("{path}.{key}"), out);
        }
    }
}

/// Every `default` in the schema must itself be valid where it sits.
fn check_defaults(node: &Value, path: &str, out: &mut Vec<String>) {
    let Value::Object(map) = node else { return };
    if let Some(default) = map.get("default") {
        let compiled = Structural::compile(node).unwrap();
        let mut errors = Vec::new();
        compiled.validate(default, &FieldPath::new(path), &mut errors);
        out.extend(errors.iter().map(|e| e.to_string()));
    }
    if let Some(Value::Object(props)) = map.get("properties") {
        for (name, child) in props {
            check_defaults(child, &format!("{path}.{name}"), out);
        }
    }
    if let Some(items) = map.get("items") {
        check_defaults(items, &format!("{path}[]"), out);
    }
}

#[test]
fn every_crd_is_structural_with_valid_defaults() {
    for info in ALL_KINDS {
        let crd = serde_json::to_value(crd_for(info)).unwrap();
        let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
        let mut violations = Vec::new();
        structural_violations(schema, info.kind, &mut violations);
        check_defaults(schema, info.kind, &mut violations);
        assert!(
            violations.is_empty(),
            "{}:\n{}",
            info.kind,
            violations.join("\n")
        );
        assert_eq!(crd["spec"]["names"]["kind"], info.kind);
        assert_eq!(
            crd["spec"]["scope"],
            if info.namespaced {
                "Namespaced"
            } else {
                "Cluster"
            }
        );
    }
}

#[test]
fn schema_defaults_match_api_md() {
    let pp = serde_json::to_value(crd_for(&flotilla_api::kinds::PROPAGATION_POLICY)).unwrap();
    let spec =
        &pp["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"];
    assert_eq!(spec["priority"]["default"], 0);
    assert_eq!(spec["preemption"]["default"], "Never");
    assert_eq!(spec["schedulerName"]["default"], "default-scheduler");
    assert_eq!(spec["conflictResolution"]["default"], "Abort");
    assert_eq!(spec["resourceSelectors"]["minItems"], 1);
    let replica = &spec["placement"]["properties"]["replicaScheduling"]["properties"];
    assert_eq!(replica["replicaSchedulingType"]["default"], "Divided");
    let app = &spec["failover"]["properties"]["application"]["properties"];
    assert_eq!(app["purgeMode"]["default"], "Gracefully");
    assert_eq!(
        app["decisionConditions"]["properties"]["tolerationSeconds"]["default"],
        300
    );
    let quantity = serde_json::to_value(crd_for(&flotilla_api::kinds::CLUSTER)).unwrap();
    let range = &quantity["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
        ["properties"]["resourceModels"]["items"]["properties"]["ranges"]["items"]["properties"]["min"];
    assert_eq!(range["x-kubernetes-int-or-string"], true);
}
