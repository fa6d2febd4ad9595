//! OverridePolicy and ClusterOverridePolicy admission (api.md §7, §14.4): selector-namespace
//! defaulting (OverridePolicy only) and the validating webhook. Behaviour of overrides is later.
//!
//! Owns: override-policy rules. One implementation serves both kinds.

use serde_json::Value;

use super::metadata::{validate_annotations, validate_labels};
use super::placement::validate_field_selector;
use super::{AdmissionContext, Admit, Verdict};
use crate::constants::webhooks;
use crate::field::{FieldError, FieldPath};
use crate::kinds::{ClusterOverridePolicy, OverridePolicy};
use crate::types::{OverrideSpec, OverriderOperator, Overriders, PatchOperation};

impl Admit for OverridePolicy {
    const WEBHOOK: Option<&'static str> = Some(webhooks::OVERRIDE_POLICY);

    fn mutate(&mut self, _: Option<&Self>, _: &AdmissionContext, _: &mut Vec<String>) {
        let namespace = self.metadata.namespace.clone().unwrap_or_default();
        for selector in self
            .spec
            .resource_selectors
            .iter_mut()
            .filter(|s| s.namespace.is_empty())
        {
            selector.namespace = namespace.clone();
        }
    }

    fn validate(&self, _: Option<&Self>, _: &AdmissionContext, _: &mut Vec<String>) -> Verdict {
        let namespace = self.metadata.namespace.as_deref().unwrap_or("");
        Verdict::from_errors(validate_override_spec(&self.spec, Some(namespace)))
    }
}

impl Admit for ClusterOverridePolicy {
    const WEBHOOK: Option<&'static str> = Some(webhooks::CLUSTER_OVERRIDE_POLICY);

    fn validate(&self, _: Option<&Self>, _: &AdmissionContext, _: &mut Vec<String>) -> Verdict {
        Verdict::from_errors(validate_override_spec(&self.spec, None))
    }
}

fn validate_override_spec(spec: &OverrideSpec, namespace: Option<&str>) -> Vec<FieldError> {
    let path = FieldPath::new("spec");
    let mut errors = Vec::new();
    if let Some(rules) = &spec.override_rules {
        if let Some(target) = &spec.target_cluster {
            let value = serde_json::to_value(target).unwrap_or_default();
            errors.push(FieldError::invalid(
                &path.child("targetCluster"),
                value,
                "overrideRules and targetCluster can't co-exist",
            ));
        }
        if !spec.overriders.is_empty_for_coexistence() {
            let value = serde_json::to_value(&spec.overriders).unwrap_or_default();
            errors.push(FieldError::invalid(
                &path.child("overriders"),
                value,
                "overrideRules and overriders can't co-exist",
            ));
        }
        for (i, rule) in rules.iter().enumerate() {
            let rule_path = path.child("overrideRules").index(i);
            if let Some(target) = &rule.target_cluster {
                validate_field_selector(target, &rule_path.child("targetCluster"), &mut errors);
            }
            validate_overriders(
                &rule.overriders,
                &rule_path.child("overriders"),
                &mut errors,
            );
        }
    }
    if let Some(target) = &spec.target_cluster {
        validate_field_selector(target, &path.child("targetCluster"), &mut errors);
    }
    if let Some(namespace) = namespace {
        for (i, selector) in spec.resource_selectors.iter().enumerate() {
            if selector.namespace != namespace {
                errors.push(FieldError::invalid(
                    &path.child("resourceSelectors").index(i).child("namespace"),
                    selector.namespace.as_str(),
                    "namespace of resource selector must be the same as the namespace of the policy",
                ));
            }
        }
    }
    errors
}

fn validate_overriders(overriders: &Overriders, path: &FieldPath, errors: &mut Vec<FieldError>) {
    for (j, o) in overriders.annotations_overrider.iter().enumerate() {
        validate_annotations(
            &to_map(&o.value),
            &path.child("annotationsOverrider").index(j).child("value"),
            errors,
        );
    }
    for (j, o) in overriders.labels_overrider.iter().enumerate() {
        validate_labels(
            &to_map(&o.value),
            &path.child("labelsOverrider").index(j).child("value"),
            errors,
        );
    }
    for (j, o) in overriders.image_overrider.iter().enumerate() {
        if let Some(predicate) = &o.predicate {
            json_pointer(
                &predicate.path,
                &path
                    .child("imageOverrider")
                    .index(j)
                    .child("predicate")
                    .child("path"),
                errors,
            );
        }
    }
    for (j, o) in overriders.field_overrider.iter().enumerate() {
        let p = path.child("fieldOverrider").index(j);
        match (o.json.is_empty(), o.yaml.is_empty()) {
            (false, false) => errors.push(FieldError::invalid(
                &p,
                serde_json::to_value(o).unwrap_or_default(),
                "FieldOverrider has both YAML and JSON set. Only one is allowed",
            )),
            (true, true) => errors.push(FieldError::required(
                &p,
                "FieldOverrider must have either JSON or YAML set",
            )),
            _ => {}
        }
        json_pointer(&o.field_path, &p.child("fieldPath"), errors);
        validate_patch_operations(&o.json, &p.child("json"), errors);
        validate_patch_operations(&o.yaml, &p.child("yaml"), errors);
    }
}

fn validate_patch_operations(
    operations: &[PatchOperation],
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    for (k, op) in operations.iter().enumerate() {
        let p = path.index(k);
        json_pointer(&op.sub_path, &p.child("subPath"), errors);
        match (op.operator, &op.value) {
            (OverriderOperator::Add | OverriderOperator::Replace, None) => {
                errors.push(FieldError::required(
                    &p.child("value"),
                    "value is required for add or replace operation",
                ));
            }
            (OverriderOperator::Remove, Some(value)) => {
                errors.push(FieldError::invalid(
                    &p.child("value"),
                    value.clone(),
                    "value is not allowed for remove operation",
                ));
            }
            _ => {}
        }
    }
}

fn json_pointer(pointer: &str, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        errors.push(FieldError::invalid(
            path,
            pointer,
            "JSON pointer must be empty or start with a \"/\"",
        ));
    }
}

fn to_map(map: &crate::types::StringMap) -> serde_json::Map<String, Value> {
    map.iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect()
}
