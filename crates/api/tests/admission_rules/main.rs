//! One table test per validation rule of api.md §14 (and the schema rules of §2.5, §3, §8.2),
//! asserting the exact field path, error type and detail users see.
//!
//! The helpers are here; the cases are split by kind: `cluster` (api.md §14.1),
//! `propagation` (§14.2), `policies` (§14.3, §14.4) and `others` (§14.5, §2.5, metadata, field
//! validation, scheduler defaults).

#[path = "../common/mod.rs"]
mod common;

mod cluster;
mod others;
mod policies;
mod propagation;

use common::{admit_yaml, context, error_lines};
use flotilla_api::admission::{AdmissionConfig, FieldValidation, RejectionKind};

/// A rule case: what it cites, the object, and the expected HTTP answer and error lines.
pub(crate) struct Case {
    pub rule: &'static str,
    pub yaml: String,
    pub kind: RejectionKind,
    pub errors: &'static [&'static str],
}

pub(crate) fn check(cases: &[Case], config: AdmissionConfig) {
    let ctx = context(config, FieldValidation::Strict);
    let mut failures = Vec::new();
    for case in cases {
        match admit_yaml(&case.yaml, &ctx) {
            Ok(_) => failures.push(format!(
                "{}: admitted, expected {:?}",
                case.rule, case.errors
            )),
            Err(rejection) => {
                let got = error_lines(&rejection);
                if got != case.errors || rejection.kind != case.kind {
                    failures.push(format!(
                        "{}:\n  expected {:?} {:#?}\n  got      {:?} {:#?}",
                        case.rule, case.kind, case.errors, rejection.kind, got
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

pub(crate) fn pp(spec: &str) -> String {
    format!(
        "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {{name: p, namespace: default}}\nspec:\n{}",
        indent(spec)
    )
}

pub(crate) fn cpp(spec: &str) -> String {
    format!(
        "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterPropagationPolicy\nmetadata: {{name: c}}\nspec:\n{}",
        indent(spec)
    )
}

pub(crate) fn cluster(name: &str, spec: &str) -> String {
    format!(
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {{name: {name}}}\nspec:\n{}",
        indent(spec)
    )
}

pub(crate) fn ctp(spec: &str) -> String {
    format!(
        "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\nmetadata: {{name: t}}\nspec:\n{}",
        indent(spec)
    )
}

pub(crate) fn op(spec: &str) -> String {
    format!(
        "apiVersion: policy.karmada.io/v1alpha1\nkind: OverridePolicy\nmetadata: {{name: o, namespace: default}}\nspec:\n{}",
        indent(spec)
    )
}

pub(crate) fn rb(spec: &str) -> String {
    format!(
        "apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\nmetadata: {{name: web-deployment, namespace: default}}\nspec:\n{}",
        indent(spec)
    )
}

pub(crate) fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

pub(crate) const SEL: &str =
    "resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]\n";

pub(crate) fn with_sel(rest: &str) -> String {
    pp(&format!("{SEL}{rest}"))
}

pub(crate) const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
