//! ResourceBinding and ClusterResourceBinding admission (api.md §8.4): the permanent-id label on
//! create; for ResourceBindings, the dependencies annotation and (gated) component names.
//!
//! Owns: binding webhooks. Must not: schedule or evict. FederatedResourceQuota enforcement
//! (gate `FederatedQuotaEnforcement`, alpha, off) needs quota objects and is not done here.

use std::collections::BTreeSet;

use super::{AdmissionContext, Admit, Verdict};
use crate::constants::{annotations, labels, webhooks};
use crate::field::{FieldError, FieldPath};
use crate::kinds::{ClusterResourceBinding, ResourceBinding};
use crate::types::Component;

type Meta = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

fn add_permanent_id(meta: &mut Meta, label: &str, ctx: &AdmissionContext) {
    let labels = meta.labels.get_or_insert_with(Default::default);
    labels
        .entry(label.to_string())
        .or_insert_with(|| ctx.new_id.clone());
}

impl Admit for ResourceBinding {
    const WEBHOOK: Option<&'static str> = Some(webhooks::RESOURCE_BINDING);

    fn mutate(&mut self, old: Option<&Self>, ctx: &AdmissionContext, _: &mut Vec<String>) {
        if old.is_none() {
            add_permanent_id(
                &mut self.metadata,
                labels::RESOURCE_BINDING_PERMANENT_ID,
                ctx,
            );
        }
    }

    fn validate(&self, _: Option<&Self>, ctx: &AdmissionContext, _: &mut Vec<String>) -> Verdict {
        let mut errors = Vec::new();
        let dependencies = self
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(annotations::DEPENDENCIES));
        if let Some(text) = dependencies
            && serde_json::from_str::<serde_json::Value>(text).is_err()
        {
            let path = FieldPath::new("metadata")
                .child("annotations")
                .key(annotations::DEPENDENCIES);
            errors.push(FieldError::invalid(
                &path,
                text.as_str(),
                "annotation value must be a valid JSON",
            ));
        }
        if ctx.config.multiple_pod_templates_scheduling {
            validate_components(
                &self.spec.components,
                &FieldPath::new("spec").child("components"),
                &mut errors,
            );
        }
        Verdict::from_errors(errors)
    }
}

fn validate_components(components: &[Component], path: &FieldPath, errors: &mut Vec<FieldError>) {
    let mut seen = BTreeSet::new();
    for (i, component) in components.iter().enumerate() {
        let p = path.index(i).child("name");
        if component.name.is_empty() {
            errors.push(FieldError::invalid(
                &p,
                "",
                "component names must be non-empty",
            ));
        } else if !seen.insert(component.name.as_str()) {
            errors.push(FieldError::invalid(
                &p,
                component.name.as_str(),
                "component names must be unique",
            ));
        }
    }
}

impl Admit for ClusterResourceBinding {
    /// ClusterResourceBindings have no validating webhook; this name is never used in a denial.
    const WEBHOOK: Option<&'static str> = Some(webhooks::RESOURCE_BINDING);

    fn mutate(&mut self, old: Option<&Self>, ctx: &AdmissionContext, _: &mut Vec<String>) {
        if old.is_none() {
            add_permanent_id(
                &mut self.metadata,
                labels::CLUSTER_RESOURCE_BINDING_PERMANENT_ID,
                ctx,
            );
        }
    }

    fn validate(&self, _: Option<&Self>, _: &AdmissionContext, _: &mut Vec<String>) -> Verdict {
        Verdict::Allowed
    }
}
