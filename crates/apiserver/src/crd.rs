//! CustomResourceDefinitions (kube-api.md §13, minimal): validation of a CRD object, the
//! registry resources it serves (every `served` version), and the status the server writes
//! (`acceptedNames`, `storedVersions`, `NamesAccepted` and `Established`).
//!
//! Owns: the CRD → resource mapping. Must not: touch the store or the registry itself.

use serde_json::{Value, json};

use std::sync::Arc;

use crate::crd_schema::{CrdSchema, crd_causes};
use crate::objects::{Cause, CauseReason};
use crate::registry::{Column, Origin, Resource, Scale, SchemaHandle};
use crate::status::CauseType;

fn text<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut at = v;
    for p in path {
        at = &at[*p];
    }
    at.as_str().unwrap_or("")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn invalid(field: &str, value: &str, detail: &str) -> Cause {
    Cause {
        field: field.into(),
        reason: CauseReason::Invalid,
        message: format!("Invalid value: {}: {detail}", json!(value)),
    }
}

/// Checks a CRD: name `<plural>.<group>`, names, scope, versions (exactly one storage version),
/// and that every version's schema compiles (valid patterns included).
pub fn validate(crd: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let group = text(crd, &["spec", "group"]);
    let plural = text(crd, &["spec", "names", "plural"]);
    let name = text(crd, &["metadata", "name"]);
    if name != format!("{plural}.{group}") {
        causes.push(invalid(
            "metadata.name",
            name,
            "must be spec.names.plural+\".\"+spec.group",
        ));
    }
    if group.is_empty() || !group.contains('.') {
        causes.push(invalid(
            "spec.group",
            group,
            "should be a domain with at least one dot",
        ));
    }
    for (field, value) in [
        ("plural", plural),
        ("kind", text(crd, &["spec", "names", "kind"])),
    ] {
        if value.is_empty() {
            causes.push(Cause {
                field: format!("spec.names.{field}"),
                reason: CauseReason::Required,
                message: "Required value".into(),
            });
        }
    }
    let scope = text(crd, &["spec", "scope"]);
    if scope != "Namespaced" && scope != "Cluster" {
        causes.push(Cause {
            field: "spec.scope".into(),
            reason: CauseReason::Invalid,
            message: format!(
                "Unsupported value: {}: supported values: \"Cluster\", \"Namespaced\"",
                json!(scope)
            ),
        });
    }
    let versions = crd["spec"]["versions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let storage = versions.iter().filter(|v| v["storage"] == true).count();
    if storage != 1 {
        causes.push(invalid(
            "spec.versions",
            &format!("{storage} storage versions"),
            "must have exactly one version marked as storage version",
        ));
    }
    causes.extend(crd_causes(crd).into_iter().map(|c| Cause {
        reason: match c.reason {
            Some(CauseType::FieldValueRequired) => CauseReason::Required,
            Some(CauseType::FieldValueForbidden) => CauseReason::Forbidden,
            _ => CauseReason::Invalid,
        },
        field: c.field,
        message: c.message,
    }));
    causes
}

/// The resources a CRD serves (one per `served` version).
pub fn resources(crd: &Value) -> Vec<Resource> {
    let names = &crd["spec"]["names"];
    let kind = text(names, &["kind"]).to_string();
    let list_kind = match text(names, &["listKind"]) {
        "" => format!("{kind}List"),
        other => other.to_string(),
    };
    let singular = match text(names, &["singular"]) {
        "" => kind.to_lowercase(),
        other => other.to_string(),
    };
    let versions = crd["spec"]["versions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    versions
        .iter()
        .filter(|v| v["served"] == true)
        .map(|v| Resource {
            group: text(crd, &["spec", "group"]).to_string(),
            version: text(v, &["name"]).to_string(),
            plural: text(names, &["plural"]).to_string(),
            singular: singular.clone(),
            kind: kind.clone(),
            list_kind: list_kind.clone(),
            namespaced: text(crd, &["spec", "scope"]) == "Namespaced",
            short_names: strings(&names["shortNames"]),
            categories: strings(&names["categories"]),
            status: v["subresources"]["status"].is_object(),
            scale: v["subresources"]["scale"].as_object().map(|s| Scale {
                spec_replicas_path: s["specReplicasPath"].as_str().unwrap_or("").into(),
                status_replicas_path: s["statusReplicasPath"].as_str().unwrap_or("").into(),
                label_selector_path: s["labelSelectorPath"].as_str().map(String::from),
            }),
            columns: columns(v),
            origin: Origin::Crd,
            shared_storage: None,
            // A schema that does not compile was refused when the CRD was written (`validate`).
            schema: CrdSchema::compile(&v["schema"]["openAPIV3Schema"])
                .ok()
                .map(|compiled| SchemaHandle {
                    compiled: Arc::new(compiled),
                    source: Arc::new(v["schema"]["openAPIV3Schema"].clone()),
                }),
        })
        .collect()
}

fn columns(version: &Value) -> Vec<Column> {
    version["additionalPrinterColumns"]
        .as_array()
        .map(|cols| {
            cols.iter()
                .map(|c| Column {
                    name: text(c, &["name"]).to_string(),
                    type_: text(c, &["type"]).to_string(),
                    json_path: text(c, &["jsonPath"]).to_string(),
                    priority: c["priority"].as_i64().unwrap_or(0) as i32,
                    derived: None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The CRD with the status the server maintains, at `now`.
pub fn with_status(mut crd: Value, now: &str) -> Value {
    let storage: Vec<String> = crd["spec"]["versions"]
        .as_array()
        .map(|vs| {
            vs.iter()
                .filter(|v| v["storage"] == true)
                .filter_map(|v| v["name"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut stored = strings(&crd["status"]["storedVersions"]);
    for v in storage {
        if !stored.contains(&v) {
            stored.push(v);
        }
    }
    let condition = |type_: &str, reason: &str, message: &str| {
        json!({"type": type_, "status": "True", "lastTransitionTime": now,
               "reason": reason, "message": message})
    };
    crd["status"] = json!({
        "acceptedNames": crd["spec"]["names"].clone(),
        "storedVersions": stored,
        "conditions": [
            condition("NamesAccepted", "NoConflicts", "no conflicts found"),
            condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
        ],
    });
    crd
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flink() -> Value {
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "flinkdeployments.flink.apache.org"},
            "spec": {"group": "flink.apache.org", "scope": "Namespaced",
                "names": {"plural": "flinkdeployments", "singular": "flinkdeployment",
                          "kind": "FlinkDeployment", "shortNames": ["flinkdep"]},
                "versions": [
                    {"name": "v1beta1", "served": true, "storage": true,
                     "subresources": {"status": {}},
                     "additionalPrinterColumns": [{"name": "Job Status", "type": "string",
                                                   "jsonPath": ".status.jobStatus.state"}]},
                    {"name": "v1alpha1", "served": false, "storage": false}]}})
    }

    #[test]
    fn served_versions_become_resources() {
        let rs = resources(&flink());
        assert_eq!(rs.len(), 1);
        let r = &rs[0];
        assert_eq!(
            (
                r.group.as_str(),
                r.version.as_str(),
                r.kind.as_str(),
                r.list_kind.as_str()
            ),
            (
                "flink.apache.org",
                "v1beta1",
                "FlinkDeployment",
                "FlinkDeploymentList"
            )
        );
        assert!(r.namespaced && r.status && r.scale.is_none() && !r.strategic_merge());
        assert_eq!(r.columns[0].json_path, ".status.jobStatus.state");
        assert_eq!(r.short_names, ["flinkdep"]);
    }

    #[test]
    fn validation() {
        assert!(validate(&flink()).is_empty());
        let mut bad = flink();
        bad["metadata"]["name"] = json!("flink");
        bad["spec"]["scope"] = json!("Global");
        bad["spec"]["versions"][1]["storage"] = json!(true);
        let fields: Vec<String> = validate(&bad).into_iter().map(|c| c.field).collect();
        assert_eq!(fields, ["metadata.name", "spec.scope", "spec.versions"]);
    }

    #[test]
    fn status_is_established() {
        let crd = with_status(flink(), "2026-11-24T12:00:00Z");
        assert_eq!(crd["status"]["storedVersions"], json!(["v1beta1"]));
        assert_eq!(crd["status"]["conditions"][1]["type"], "Established");
        assert_eq!(crd["status"]["conditions"][1]["status"], "True");
        assert_eq!(crd["status"]["acceptedNames"]["kind"], "FlinkDeployment");
    }
}
