//! Schemas of the built-in kinds (kube-api.md §0.2, §7.7): a body is decoded into its
//! k8s-openapi type, which checks every field's type (a string where `replicas` is an integer,
//! bad base64 in a Secret's `data`) and tells which fields the kind does not have. Unknown
//! fields are an error with `fieldValidation=Strict` (kubectl's default), a warning and dropped
//! with `Warn` (the server default), dropped silently with `Ignore`.
//!
//! The object the caller stores is the one it sent minus the unknown fields — never the
//! re-serialized typed value, so times, quantities and numbers keep their exact spelling.
//!
//! Owns: decoding built-ins against their types and the unknown-field rule. Must not: default
//! fields, check metadata rules (`objects`), or write HTTP responses.

use flotilla_api::admission::FieldValidation;
use k8s_openapi::api::{apps, batch, coordination, core, events};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Why a built-in body is refused (400 BadRequest upstream, with the message below).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuiltInError {
    /// A field has the wrong type or an invalid value for its type.
    #[error("{kind} in version {version:?} cannot be handled as a {kind}: {reason}")]
    Decode {
        /// Kind.
        kind: String,
        /// Version.
        version: String,
        /// What the decoder said.
        reason: String,
    },
    /// `fieldValidation=Strict` and the body has fields the kind does not.
    #[error(
        "{kind} in version {version:?} cannot be handled as a {kind}: strict decoding error: {}",
        fields.iter().map(|f| format!("unknown field {f:?}")).collect::<Vec<_>>().join(", ")
    )]
    UnknownFields {
        /// Kind.
        kind: String,
        /// Version.
        version: String,
        /// The fields, as `spec.template.spec.containers[0].bogus`.
        fields: Vec<String>,
    },
}

/// The checked object (unknown fields dropped) and one warning per dropped field (`Warn`).
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The object to store.
    pub object: Value,
    /// `unknown field "<path>"` warnings.
    pub warnings: Vec<String>,
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

fn round_trip<T: DeserializeOwned + Serialize>(object: &Value) -> Result<Value, String> {
    let typed: T = serde_path_to_error::deserialize(object.clone()).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        }
    })?;
    Ok(serde_json::to_value(&typed).expect("typed values serialize"))
}

/// The typed round trip of a built-in, or `None` for a kind without a type here.
fn typed(api_version: &str, kind: &str, object: &Value) -> Option<Result<Value, String>> {
    let result = match (api_version, kind) {
        ("v1", "Namespace") => round_trip::<core::v1::Namespace>(object),
        ("v1", "ConfigMap") => round_trip::<core::v1::ConfigMap>(object),
        ("v1", "Secret") => round_trip::<core::v1::Secret>(object),
        ("v1", "Service") => round_trip::<core::v1::Service>(object),
        ("v1", "Event") => round_trip::<core::v1::Event>(object),
        ("events.k8s.io/v1", "Event") => round_trip::<events::v1::Event>(object),
        ("apps/v1", "Deployment") => round_trip::<apps::v1::Deployment>(object),
        ("apps/v1", "StatefulSet") => round_trip::<apps::v1::StatefulSet>(object),
        ("apps/v1", "DaemonSet") => round_trip::<apps::v1::DaemonSet>(object),
        ("batch/v1", "Job") => round_trip::<batch::v1::Job>(object),
        ("coordination.k8s.io/v1", "Lease") => round_trip::<coordination::v1::Lease>(object),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition") => {
            round_trip::<CustomResourceDefinition>(object)
        }
        _ => return None,
    };
    Some(result)
}

/// Checks a built-in object of `api_version`/`kind` against its type.
pub fn check(
    api_version: &str,
    kind: &str,
    object: Value,
    validation: FieldValidation,
) -> Result<Checked, BuiltInError> {
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    let known = match typed(api_version, kind, &object) {
        None => {
            return Ok(Checked {
                object,
                warnings: Vec::new(),
            });
        }
        Some(Err(reason)) => {
            return Err(BuiltInError::Decode {
                kind: kind.into(),
                version: version.into(),
                reason,
            });
        }
        Some(Ok(known)) => known,
    };
    let mut unknown = Vec::new();
    unknown_fields(&object, &known, &mut Vec::new(), &mut unknown);
    let fields: Vec<String> = unknown.iter().map(|p| path_text(p)).collect();
    if validation == FieldValidation::Strict && !fields.is_empty() {
        return Err(BuiltInError::UnknownFields {
            kind: kind.into(),
            version: version.into(),
            fields,
        });
    }
    let mut object = object;
    for path in &unknown {
        remove(&mut object, path);
    }
    let warnings = match validation {
        FieldValidation::Warn => fields
            .iter()
            .map(|f| format!("unknown field {f:?}"))
            .collect(),
        _ => Vec::new(),
    };
    Ok(Checked { object, warnings })
}

/// Paths present (and not null) in `sent` but absent from the typed round trip `known`.
fn unknown_fields(sent: &Value, known: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match sent {
        Value::Object(map) => {
            for (key, value) in map {
                if value.is_null() {
                    continue;
                }
                at.push(Step::Key(key.clone()));
                match known.get(key) {
                    None => out.push(at.clone()),
                    Some(inner) => unknown_fields(value, inner, at, out),
                }
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                if let Some(inner) = known.get(index) {
                    at.push(Step::Index(index));
                    unknown_fields(item, inner, at, out);
                    at.pop();
                }
            }
        }
        _ => {}
    }
}

fn path_text(path: &[Step]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Key(key) if text.is_empty() => text.push_str(key),
            Step::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Step::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

fn remove(object: &mut Value, path: &[Step]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = object;
    for step in parents {
        let next = match step {
            Step::Key(key) => at.get_mut(key.as_str()),
            Step::Index(index) => at.get_mut(*index),
        };
        match next {
            Some(next) => at = next,
            None => return,
        }
    }
    if let (Step::Key(key), Some(map)) = (last, at.as_object_mut()) {
        map.remove(key.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(container: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [container]}}}})
    }

    #[test]
    fn known_objects_pass_unchanged() {
        let d = deployment(json!({"name": "web", "image": "nginx",
            "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}},
            "ports": [{"containerPort": 80}]}));
        let checked = check("apps/v1", "Deployment", d.clone(), FieldValidation::Strict).unwrap();
        assert_eq!(checked.object, d);
        assert!(checked.warnings.is_empty());
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c",
            "creationTimestamp": null, "labels": {"a": "b"}}, "data": {"k": "v"}});
        let checked = check("v1", "ConfigMap", cm.clone(), FieldValidation::Strict).unwrap();
        assert_eq!(checked.object, cm, "nulls are not unknown fields");
    }

    #[test]
    fn unknown_fields_by_validation_mode() {
        let d = deployment(json!({"name": "web", "image": "nginx", "bogus": 1}));
        let err = check("apps/v1", "Deployment", d.clone(), FieldValidation::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding \
             error: unknown field \"spec.template.spec.containers[0].bogus\""
        );
        let warned = check("apps/v1", "Deployment", d.clone(), FieldValidation::Warn).unwrap();
        assert_eq!(
            warned.warnings,
            ["unknown field \"spec.template.spec.containers[0].bogus\""]
        );
        assert!(
            warned.object["spec"]["template"]["spec"]["containers"][0]
                .get("bogus")
                .is_none()
        );
        let ignored = check("apps/v1", "Deployment", d, FieldValidation::Ignore).unwrap();
        assert!(ignored.warnings.is_empty());
        assert_eq!(
            ignored.object,
            deployment(json!({"name": "web", "image": "nginx"}))
        );
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
            "foo": 1, "data": {"k": "v"}});
        let err = check("v1", "ConfigMap", cm, FieldValidation::Strict).unwrap_err();
        assert!(err.to_string().ends_with("unknown field \"foo\""), "{err}");
    }

    #[test]
    fn wrong_types_are_decode_errors() {
        let mut d = deployment(json!({"name": "web", "image": "nginx"}));
        d["spec"]["replicas"] = json!("two");
        let err = check("apps/v1", "Deployment", d, FieldValidation::Ignore).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "Deployment in version \"v1\" cannot be handled as a Deployment: \
                 spec.replicas: invalid type: string \"two\", expected i32"
            ),
            "{err}"
        );
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "data": {"k": "not base64!"}});
        assert!(matches!(
            check("v1", "Secret", secret, FieldValidation::Warn),
            Err(BuiltInError::Decode { .. })
        ));
    }

    #[test]
    fn events_of_both_apis_and_unknown_kinds() {
        let event = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": {"name": "e"}, "eventTime": "2026-11-24T10:00:00.000000Z",
            "note": "n", "regarding": {"kind": "ConfigMap", "name": "c"}});
        let checked = check(
            "events.k8s.io/v1",
            "Event",
            event.clone(),
            FieldValidation::Strict,
        )
        .unwrap();
        assert_eq!(checked.object, event);
        let other = json!({"apiVersion": "example.com/v1", "kind": "Thing", "anything": 1});
        let checked = check(
            "example.com/v1",
            "Thing",
            other.clone(),
            FieldValidation::Strict,
        );
        assert_eq!(checked.unwrap().object, other);
    }
}
