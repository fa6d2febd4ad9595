//! Placement rules shared by the policy kinds: cluster affinities and their field selectors,
//! spread constraints, workload affinity, tolerations (api.md §14.2), and Flotilla's placement
//! warnings (decisions.md D-7, D-8, FD-5).
//!
//! Owns: `spec.placement` validation. Must not: evaluate placement against clusters.

use serde_json::Value;

use super::propagation::duplicates;
use crate::field::{FieldError, FieldPath};
use crate::names;
use crate::types::{
    ClusterAffinity, ClusterAffinityTerm, Placement, ReplicaDivisionPreference,
    ReplicaSchedulingType, SpreadByField, SpreadConstraint, WorkloadAffinity,
};

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Every webhook rule of `spec.placement`, in Karmada's order.
pub(crate) fn validate_placement(
    placement: &Placement,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    if placement.cluster_affinity.is_some() && placement.cluster_affinities.is_some() {
        errors.push(FieldError::invalid(
            path,
            json(placement),
            "clusterAffinities cannot co-exist with clusterAffinity",
        ));
    }
    if let Some(affinity) = &placement.cluster_affinity {
        validate_field_selector(affinity, &path.child("clusterAffinity"), errors);
    }
    if let Some(terms) = &placement.cluster_affinities {
        validate_affinity_terms(terms, placement, &path.child("clusterAffinities"), errors);
    }
    validate_spread_constraints(
        &placement.spread_constraints,
        &path.child("spreadConstraints"),
        errors,
    );
    if let Some(workload_affinity) = &placement.workload_affinity {
        validate_workload_affinity(workload_affinity, &path.child("workloadAffinity"), errors);
    }
    for (i, toleration) in placement.cluster_tolerations.iter().enumerate() {
        let operator = toleration.operator.as_deref().unwrap_or("");
        if operator == "Lt" || operator == "Gt" {
            let p = path.child("clusterTolerations").index(i).child("operator");
            errors.push(FieldError::not_supported(
                &p,
                operator,
                &["", "Exists", "Equal"],
            ));
        }
    }
}

/// Field-selector keys must be provider/region/zone and operators In/NotIn (§3.3).
pub(crate) fn validate_field_selector(
    affinity: &ClusterAffinity,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let Some(selector) = &affinity.field_selector else {
        return;
    };
    let p = path.child("fieldSelector");
    for requirement in &selector.match_expressions {
        if !matches!(requirement.key.as_str(), "provider" | "region" | "zone") {
            let detail = format!(
                "unsupported key {:?}, must be provider, region, or zone",
                requirement.key
            );
            errors.push(FieldError::invalid(&p, json(requirement), &detail));
        }
        if !matches!(requirement.operator.as_str(), "In" | "NotIn") {
            let detail = format!(
                "unsupported operator {:?}, must be In or NotIn",
                requirement.operator
            );
            errors.push(FieldError::invalid(&p, json(requirement), &detail));
        }
    }
}

fn overflow_allowed(placement: &Placement) -> bool {
    let Some(strategy) = &placement.replica_scheduling else {
        return false;
    };
    if strategy.replica_scheduling_type != ReplicaSchedulingType::Divided {
        return false;
    }
    match strategy.replica_division_preference {
        Some(ReplicaDivisionPreference::Aggregated) => true,
        Some(ReplicaDivisionPreference::Weighted) => strategy
            .weight_preference
            .as_ref()
            .is_some_and(|w| w.dynamic_weight.is_some()),
        None => false,
    }
}

fn validate_affinity_terms(
    terms: &[ClusterAffinityTerm],
    placement: &Placement,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    for (i, term) in terms.iter().enumerate() {
        let term_path = path.index(i);
        if !term.overflow_affinities.is_empty() && !overflow_allowed(placement) {
            errors.push(FieldError::invalid(
                &term_path.child("overflowAffinities"),
                json(&term.overflow_affinities),
                "overflowAffinities can only be used together with dynamic weight or aggregated scheduling",
            ));
        }
        validate_field_selector(&term.affinity, &term_path, errors);
        for overflow in term.overflow_affinities.iter().enumerate() {
            let (j, o) = overflow;
            validate_field_selector(
                &o.affinity,
                &term_path.child("overflowAffinities").index(j),
                errors,
            );
        }
        qualified(&term.affinity_name, &term_path, errors);
    }
    let dups = duplicates(terms.iter().map(|t| t.affinity_name.as_str()));
    if !dups.is_empty() {
        errors.push(FieldError::invalid(
            path,
            json(&terms),
            "each affinity term in a policy must have a unique name",
        ));
    }
    for (i, term) in terms.iter().enumerate() {
        validate_overflow_names(term, &path.index(i), errors);
    }
}

fn validate_overflow_names(
    term: &ClusterAffinityTerm,
    term_path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    if term.overflow_affinities.is_empty() {
        return;
    }
    let overflow_path = term_path.child("overflowAffinities");
    if term.affinity.is_empty() {
        errors.push(FieldError::invalid(
            &overflow_path,
            json(&term.overflow_affinities),
            "overflowAffinities can only be used together with the inline ClusterAffinity",
        ));
    }
    let mut seen = vec![term.affinity_name.as_str()];
    for (j, overflow) in term.overflow_affinities.iter().enumerate() {
        let name_path = overflow_path.index(j).child("affinityName");
        qualified(&overflow.affinity_name, &name_path, errors);
        if seen.contains(&overflow.affinity_name.as_str()) {
            errors.push(FieldError::invalid(
                &name_path,
                overflow.affinity_name.as_str(),
                "overflow affinity name must be unique and must not duplicate the primary group's affinityName",
            ));
        }
        seen.push(&overflow.affinity_name);
    }
}

fn qualified(name: &str, path: &FieldPath, errors: &mut Vec<FieldError>) {
    for message in names::is_qualified_name(name) {
        errors.push(FieldError::invalid(path, name, &message));
    }
}

fn validate_spread_constraints(
    constraints: &[SpreadConstraint],
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    for (i, c) in constraints.iter().enumerate() {
        let p = path.index(i);
        if c.spread_by_field.is_some() && !c.spread_by_label.is_empty() {
            errors.push(FieldError::invalid(
                &p,
                json(c),
                "spreadByLabel should not co-exist with spreadByField",
            ));
        }
        if c.min_groups < 0 {
            errors.push(FieldError::invalid(
                &p,
                json(c),
                "minGroups lower than 0 is not allowed",
            ));
        }
        if c.max_groups < 0 {
            errors.push(FieldError::invalid(
                &p,
                json(c),
                "maxGroups lower than 0 is not allowed",
            ));
        }
        let min = if c.min_groups == 0 { 1 } else { c.min_groups };
        if c.max_groups > 0 && c.max_groups < min {
            errors.push(FieldError::invalid(
                &p,
                json(c),
                "maxGroups lower than minGroups is not allowed",
            ));
        }
    }
    let fields: Vec<&str> = constraints
        .iter()
        .filter_map(|c| c.spread_by_field)
        .map(SpreadByField::as_str)
        .collect();
    for field in duplicates(fields.iter().copied()) {
        let detail = format!("multiple {field} spread constraints are not allowed");
        errors.push(FieldError::invalid(path, json(&constraints), &detail));
    }
    if !fields.is_empty() && !fields.contains(&"cluster") {
        errors.push(FieldError::invalid(
            path,
            json(&constraints),
            "the cluster spread constraint must be enabled in one of the constraints in case of SpreadByField is enabled",
        ));
    }
}

fn validate_workload_affinity(
    affinity: &WorkloadAffinity,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let terms = [
        ("affinity", &affinity.affinity),
        ("antiAffinity", &affinity.anti_affinity),
    ];
    for (name, term) in terms {
        if let Some(term) = term {
            qualified(
                &term.group_by_label_key,
                &path.child(name).child("groupByLabelKey"),
                errors,
            );
        }
    }
    if let (Some(a), Some(b)) = (&affinity.affinity, &affinity.anti_affinity)
        && a.group_by_label_key == b.group_by_label_key
    {
        errors.push(FieldError::invalid(
            path,
            json(affinity),
            "affinity and antiAffinity must not use the same groupByLabelKey",
        ));
    }
}

/// Flotilla's placement warnings: unbounded `maxGroups` (D-7), unimplemented spread constraints
/// (D-8) and empty-key `Equal` tolerations (FD-5).
pub(crate) fn warn_placement(placement: &Placement, path: &FieldPath, warnings: &mut Vec<String>) {
    for (i, c) in placement.spread_constraints.iter().enumerate() {
        let p = path.child("spreadConstraints").index(i);
        if c.max_groups == 0 {
            warnings.push(format!(
                "{p}.maxGroups: unset or 0 means no upper bound in Flotilla (Karmada would select no group and fail scheduling)"
            ));
        }
        if !c.spread_by_label.is_empty() {
            warnings.push(format!(
                "{p}.spreadByLabel: not implemented by the scheduler; scheduling will report Scheduled=False"
            ));
        }
        if let Some(field @ (SpreadByField::Zone | SpreadByField::Provider)) = c.spread_by_field {
            warnings.push(format!(
                "{p}.spreadByField: {:?} does not spread replicas (as in Karmada, it only keeps out clusters that lack the property); the cluster and region constraints decide the spread",
                field.as_str()
            ));
        }
    }
    for (i, toleration) in placement.cluster_tolerations.iter().enumerate() {
        let key = toleration.key.as_deref().unwrap_or("");
        let operator = toleration.operator.as_deref().unwrap_or("");
        if key.is_empty() && operator != "Exists" {
            warnings.push(format!(
                "{}: a toleration with an empty key and operator {:?} tolerates every taint whose value is {:?}; use operator Exists to tolerate all taints, or set a key",
                path.child("clusterTolerations").index(i),
                if operator.is_empty() { "Equal" } else { operator },
                toleration.value.as_deref().unwrap_or("")
            ));
        }
    }
}
