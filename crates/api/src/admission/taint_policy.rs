//! ClusterTaintPolicy admission (api.md §6, §14.3; failover.md F-17; decisions.md "API"):
//! NoExecute taints only when the server allows them, unique (key, effect) pairs, and — stricter
//! than Karmada — taints that could be written to a Cluster at all.
//!
//! Owns: the validating webhook (there is no mutating one). Must not: evaluate conditions.

use super::cluster::validate_taint_syntax;
use super::{AdmissionContext, Admit, Verdict};
use crate::constants::{taints, webhooks};
use crate::field::{FieldError, FieldPath};
use crate::kinds::ClusterTaintPolicy;
use crate::types::MatchCondition;

impl Admit for ClusterTaintPolicy {
    const WEBHOOK: Option<&'static str> = Some(webhooks::CLUSTER_TAINT_POLICY);

    fn validate(
        &self,
        _: Option<&Self>,
        ctx: &AdmissionContext,
        warnings: &mut Vec<String>,
    ) -> Verdict {
        let path = FieldPath::new("spec").child("taints");
        let mut errors = Vec::new();
        for (i, taint) in self.spec.taints.iter().enumerate() {
            let p = path.index(i);
            if taint.effect == taints::NO_EXECUTE && !ctx.config.allow_no_execute_taint_policy {
                errors.push(FieldError::forbidden(
                    &p,
                    "Configuring taint with NoExecute effect is not allowed, this capability must be explicitly enabled by administrators through command-line flags",
                ));
            }
            validate_taint_syntax(&taint.key, &taint.value, &taint.effect, &p, &mut errors);
            let later = &self.spec.taints[i + 1..];
            if later
                .iter()
                .any(|t| t.key == taint.key && t.effect == taint.effect)
            {
                let message = format!(
                    "Duplicate taint with the same key({}) and effect({}) is not allowed",
                    taint.key, taint.effect
                );
                errors.push(FieldError::duplicate(&p, message, ""));
            }
        }
        let spec = FieldPath::new("spec");
        warn_conditions(
            &self.spec.add_on_conditions,
            &spec.child("addOnConditions"),
            warnings,
        );
        warn_conditions(
            &self.spec.remove_on_conditions,
            &spec.child("removeOnConditions"),
            warnings,
        );
        Verdict::from_errors(errors)
    }
}

/// Operators other than In/NotIn and statuses other than True/False/Unknown never hold (F-14);
/// Karmada accepts them silently, we accept them with a warning.
fn warn_conditions(conditions: &[MatchCondition], path: &FieldPath, warnings: &mut Vec<String>) {
    for (i, condition) in conditions.iter().enumerate() {
        let p = path.index(i);
        if !matches!(condition.operator.as_str(), "In" | "NotIn") {
            warnings.push(format!(
                "{p}.operator: {:?} is neither In nor NotIn; this condition never holds",
                condition.operator
            ));
        }
        for (j, status) in condition.status_values.iter().enumerate() {
            if !matches!(status.as_str(), "True" | "False" | "Unknown") {
                warnings.push(format!(
                    "{p}.statusValues[{j}]: {status:?} is not a condition status (True, False, Unknown)"
                ));
            }
        }
    }
}
