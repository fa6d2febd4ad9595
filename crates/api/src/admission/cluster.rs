//! Cluster admission (api.md §4, §14.1): the aggregated API server's prepare (resource-model
//! defaulting and normalisation), validation, and canonicalize (zone → zones, `timeAdded` on
//! NoExecute taints) steps. Errors are 422, not webhook denials.
//!
//! Owns: Cluster-specific rules. Must not: talk to members.

use std::collections::BTreeSet;

use super::url::{self, UrlParts};
use super::{AdmissionContext, Admit, Verdict};
use crate::constants::taints;
use crate::field::{FieldError, FieldPath};
use crate::kinds::Cluster;
use crate::names;
use crate::quantity::Quantity;
use crate::types::{ClusterSpec, LocalSecretReference, ResourceModel, ResourceModelRange};

const ENDPOINT_FORMAT: &str = "desired format: hostname, hostname:port, IP or IP:port";

impl Admit for Cluster {
    const WEBHOOK: Option<&'static str> = None;

    fn raw_errors(object: &serde_json::Value, errors: &mut Vec<FieldError>) {
        if object
            .pointer("/spec/syncMode")
            .and_then(serde_json::Value::as_str)
            == Some("")
        {
            errors.push(FieldError::required(
                &FieldPath::new("spec").child("syncMode"),
                "",
            ));
        }
    }

    fn mutate(&mut self, old: Option<&Self>, _: &AdmissionContext, _: &mut Vec<String>) {
        if self.spec.resource_models.is_empty() && old.is_none() {
            self.spec.resource_models = default_resource_models();
        } else {
            normalize_resource_models(&mut self.spec.resource_models);
        }
    }

    fn validate(&self, _: Option<&Self>, _: &AdmissionContext, _: &mut Vec<String>) -> Verdict {
        let mut errors = Vec::new();
        validate_spec(&self.spec, &FieldPath::new("spec"), &mut errors);
        Verdict::from_errors(errors)
    }

    fn canonicalize(&mut self, ctx: &AdmissionContext) {
        let spec = &mut self.spec;
        if !spec.zone.is_empty() && spec.zones.is_empty() {
            spec.zones = vec![std::mem::take(&mut spec.zone)];
        }
        for taint in spec
            .taints
            .iter_mut()
            .filter(|t| t.effect == taints::NO_EXECUTE)
        {
            taint.time_added.get_or_insert_with(|| ctx.now.clone());
        }
    }
}

fn validate_spec(spec: &ClusterSpec, path: &FieldPath, errors: &mut Vec<FieldError>) {
    if !spec.api_endpoint.is_empty() {
        validate_endpoint(&spec.api_endpoint, &path.child("apiEndpoint"), errors);
    }
    validate_secret_ref(spec.secret_ref.as_ref(), &path.child("secretRef"), errors);
    validate_secret_ref(
        spec.impersonator_secret_ref.as_ref(),
        &path.child("impersonatorSecretRef"),
        errors,
    );
    if !spec.proxy_url.is_empty() {
        validate_proxy_url(&spec.proxy_url, &path.child("proxyURL"), errors);
    }
    for (field, value) in [
        ("provider", &spec.provider),
        ("region", &spec.region),
        ("zone", &spec.zone),
    ] {
        label_value(value, &path.child(field), errors);
    }
    if !spec.zone.is_empty() && !spec.zones.is_empty() {
        errors.push(FieldError::invalid(
            &path.child("zones"),
            spec.zones.clone(),
            "Zone and Zones cannot co-exist",
        ));
    }
    for (i, zone) in spec.zones.iter().enumerate() {
        label_value(zone, &path.child("zones").index(i), errors);
    }
    validate_taints(spec, &path.child("taints"), errors);
    if let Some(message) = resource_model_error(&spec.resource_models) {
        let value = serde_json::to_value(&spec.resource_models).unwrap_or_default();
        errors.push(FieldError::invalid(
            &path.child("resourceModels"),
            value,
            message,
        ));
    }
}

fn label_value(value: &str, path: &FieldPath, errors: &mut Vec<FieldError>) {
    for message in names::is_valid_label_value(value) {
        errors.push(FieldError::invalid(path, value, &message));
    }
}

/// A bad endpoint is reported with the offending part as the value (the whole endpoint when it
/// does not parse or lacks a host).
fn validate_endpoint(endpoint: &str, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let (value, detail) = match url::parse(endpoint) {
        Err(e) => (
            endpoint,
            format!("apiEndpoint must be a valid URL: {e}; {ENDPOINT_FORMAT}"),
        ),
        Ok(parts) if parts.host.is_empty() => (
            endpoint,
            format!("host must be provided; {ENDPOINT_FORMAT}"),
        ),
        Ok(UrlParts {
            user_info: Some(user),
            ..
        }) => (user, "user information is not permitted in the URL".into()),
        Ok(UrlParts {
            fragment: Some(fragment),
            ..
        }) => (fragment, "fragments are not permitted in the URL".into()),
        Ok(UrlParts {
            query: Some(query), ..
        }) => (
            query,
            "query parameters are not permitted in the URL".into(),
        ),
        Ok(_) => return,
    };
    errors.push(FieldError::invalid(path, value, &detail));
}

fn validate_proxy_url(proxy: &str, path: &FieldPath, errors: &mut Vec<FieldError>) {
    match url::parse(proxy) {
        Err(e) => errors.push(FieldError::invalid(
            path,
            proxy,
            &format!("proxyURL must be a valid URL: {e}"),
        )),
        Ok(parts) if !matches!(parts.scheme, "http" | "https" | "socks5") => {
            let detail = format!(
                "unsupported scheme {:?}, must be http, https, or socks5",
                parts.scheme
            );
            errors.push(FieldError::invalid(path, proxy, &detail));
        }
        Ok(_) => {}
    }
}

fn validate_secret_ref(
    secret: Option<&LocalSecretReference>,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let Some(secret) = secret else { return };
    if secret.namespace.is_empty() {
        errors.push(FieldError::required(&path.child("namespace"), ""));
    }
    if secret.name.is_empty() {
        errors.push(FieldError::required(&path.child("name"), ""));
    }
}

/// Taint key, value and effect syntax as Clusters accept them (also used for ClusterTaintPolicy).
pub(crate) fn validate_taint_syntax(
    key: &str,
    value: &str,
    effect: &str,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    for message in names::is_qualified_name(key) {
        errors.push(FieldError::invalid(&path.child("key"), key, &message));
    }
    label_value(value, &path.child("value"), errors);
    match effect {
        "" => errors.push(FieldError::required(&path.child("effect"), "")),
        taints::NO_SCHEDULE | taints::NO_EXECUTE => {}
        other => errors.push(FieldError::not_supported(
            &path.child("effect"),
            other,
            &[taints::NO_SCHEDULE, taints::NO_EXECUTE],
        )),
    }
}

fn validate_taints(spec: &ClusterSpec, path: &FieldPath, errors: &mut Vec<FieldError>) {
    let mut seen = BTreeSet::new();
    for (i, taint) in spec.taints.iter().enumerate() {
        let p = path.index(i);
        validate_taint_syntax(
            &taint.key,
            taint.value.as_deref().unwrap_or(""),
            &taint.effect,
            &p,
            errors,
        );
        if !seen.insert((taint.key.as_str(), taint.effect.as_str())) {
            let value = serde_json::to_value(taint).unwrap_or_default();
            errors.push(FieldError::duplicate(
                &p,
                value,
                "taints must be unique by key and effect pair",
            ));
        }
    }
}

/// The nine default grades (gate `CustomizedClusterResourceModeling`).
pub(crate) fn default_resource_models() -> Vec<ResourceModel> {
    const CPU: [&str; 10] = ["0", "1", "2", "4", "8", "16", "32", "64", "128", ""];
    const MEMORY: [&str; 10] = [
        "0", "4Gi", "16Gi", "32Gi", "64Gi", "128Gi", "256Gi", "512Gi", "1024Gi", "",
    ];
    let bound = |s: &str| {
        if s.is_empty() {
            Quantity::max_int64()
        } else {
            s.parse().expect("valid quantity")
        }
    };
    (0..9)
        .map(|g| ResourceModel {
            grade: g as u32,
            ranges: vec![
                ResourceModelRange {
                    name: "cpu".into(),
                    min: bound(CPU[g]),
                    max: bound(CPU[g + 1]),
                },
                ResourceModelRange {
                    name: "memory".into(),
                    min: bound(MEMORY[g]),
                    max: bound(MEMORY[g + 1]),
                },
            ],
        })
        .collect()
}

/// Sorted by grade; the first grade's minimums become 0 and the last grade's maximums MaxInt64.
pub(crate) fn normalize_resource_models(models: &mut [ResourceModel]) {
    models.sort_by_key(|m| m.grade);
    if let Some(first) = models.first_mut() {
        first
            .ranges
            .iter_mut()
            .for_each(|r| r.min = Quantity::from_milli(0));
    }
    if let Some(last) = models.last_mut() {
        last.ranges
            .iter_mut()
            .for_each(|r| r.max = Quantity::max_int64());
    }
}

/// The first resource-model rule that fails, in Karmada's order.
pub(super) fn resource_model_error(models: &[ResourceModel]) -> Option<&'static str> {
    let first = models.first()?;
    let grades: BTreeSet<u32> = models.iter().map(|m| m.grade).collect();
    if grades.len() != models.len() {
        return Some("The grade of each models should not be the same");
    }
    if models.iter().any(|m| m.ranges.len() != first.ranges.len()) {
        return Some("The number of resource types should be the same");
    }
    if models
        .iter()
        .flat_map(|m| &m.ranges)
        .any(|r| r.max <= r.min)
    {
        return Some("The max value of each resource must be greater than the min value");
    }
    if first.ranges.iter().any(|r| !r.min.is_zero()) {
        return Some("The min value of each resource in the first model should be 0");
    }
    if models.iter().any(|m| {
        m.ranges
            .iter()
            .zip(&first.ranges)
            .any(|(a, b)| a.name != b.name)
    }) {
        return Some("The resource types of each models should be the same");
    }
    let contiguous = models.windows(2).all(|w| {
        w[0].ranges
            .iter()
            .zip(&w[1].ranges)
            .all(|(a, b)| a.max == b.min)
    });
    if !contiguous {
        return Some("Model intervals for resources must be contiguous and non-overlapping");
    }
    let last = models.last()?;
    if last.ranges.iter().any(|r| r.max != Quantity::max_int64()) {
        return Some("The max value of each resource in the last model should be MaxInt64");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grade(g: u32, min: &str, max: &str) -> ResourceModel {
        let q = |s: &str| s.parse::<Quantity>().unwrap();
        ResourceModel {
            grade: g,
            ranges: vec![ResourceModelRange {
                name: "cpu".into(),
                min: q(min),
                max: q(max),
            }],
        }
    }

    /// api.md §14.1: the two rules normalisation makes unreachable through admission still hold.
    #[test]
    fn first_min_and_last_max_rules() {
        let first = [grade(0, "1", "2"), grade(1, "2", "9223372036854775807")];
        assert_eq!(
            resource_model_error(&first),
            Some("The min value of each resource in the first model should be 0")
        );
        let last = [grade(0, "0", "2"), grade(1, "2", "4")];
        assert_eq!(
            resource_model_error(&last),
            Some("The max value of each resource in the last model should be MaxInt64")
        );
        let mut fixed = last.to_vec();
        normalize_resource_models(&mut fixed);
        assert_eq!(resource_model_error(&fixed), None);
    }

    #[test]
    fn defaults_are_nine_valid_grades() {
        let models = default_resource_models();
        assert_eq!(models.len(), 9);
        assert_eq!(resource_model_error(&models), None);
        assert_eq!(models[8].ranges[1].min.to_string(), "1Ti");
    }
}
