//! PropagationPolicy and ClusterPropagationPolicy admission: the mutating and validating webhooks
//! (api.md §5.3, §14.2; failover.md F-60) plus Flotilla's warnings (decisions.md D-7, D-8, FD-5,
//! FD-10).
//!
//! Owns: policy defaulting and cross-field rules. One implementation serves both kinds.
//! Must not: look at other objects (claiming and priority are controller work).

use std::collections::BTreeSet;

use serde_json::Value;

use super::placement::{validate_placement, warn_placement};
use super::{AdmissionContext, Admit, Verdict};
use crate::constants::{finalizers, labels, webhooks};
use crate::field::{FieldError, FieldPath};
use crate::kinds::{ClusterPropagationPolicy, PropagationPolicy};
use crate::names;
use crate::types::{
    FailoverBehavior, PreemptionPolicy, PropagationSpec, PurgeMode, ReplicaDivisionPreference,
    ReplicaSchedulingType, SpreadByField, StatePreservation,
};

/// Default grace period of application failover with `Gracefully` (seconds).
const DEFAULT_APPLICATION_GRACE_PERIOD_S: i32 = 600;

/// What differs between the two policy kinds.
struct PolicyKind {
    permanent_id_label: &'static str,
    finalizer: &'static str,
    /// `Some(namespace)` for PropagationPolicy: selectors are defaulted to and checked against it.
    namespace: Option<String>,
}

impl Admit for PropagationPolicy {
    const WEBHOOK: Option<&'static str> = Some(webhooks::PROPAGATION_POLICY);

    fn mutate(&mut self, old: Option<&Self>, ctx: &AdmissionContext, _: &mut Vec<String>) {
        let kind = self.policy_kind();
        mutate_policy(
            &mut self.metadata,
            &mut self.spec,
            &kind,
            old.is_none(),
            ctx,
        );
    }

    fn validate(
        &self,
        old: Option<&Self>,
        _: &AdmissionContext,
        warnings: &mut Vec<String>,
    ) -> Verdict {
        let old = old.map(|o| (&o.metadata, &o.spec));
        validate_policy(
            &self.metadata,
            &self.spec,
            old,
            &self.policy_kind(),
            warnings,
        )
    }
}

impl PropagationPolicy {
    fn policy_kind(&self) -> PolicyKind {
        PolicyKind {
            permanent_id_label: labels::PROPAGATION_POLICY_PERMANENT_ID,
            finalizer: finalizers::PROPAGATION_POLICY,
            namespace: Some(self.metadata.namespace.clone().unwrap_or_default()),
        }
    }
}

impl Admit for ClusterPropagationPolicy {
    const WEBHOOK: Option<&'static str> = Some(webhooks::CLUSTER_PROPAGATION_POLICY);

    fn mutate(&mut self, old: Option<&Self>, ctx: &AdmissionContext, _: &mut Vec<String>) {
        mutate_policy(
            &mut self.metadata,
            &mut self.spec,
            &CLUSTER_POLICY,
            old.is_none(),
            ctx,
        );
    }

    fn validate(
        &self,
        old: Option<&Self>,
        _: &AdmissionContext,
        warnings: &mut Vec<String>,
    ) -> Verdict {
        let old = old.map(|o| (&o.metadata, &o.spec));
        validate_policy(&self.metadata, &self.spec, old, &CLUSTER_POLICY, warnings)
    }
}

const CLUSTER_POLICY: PolicyKind = PolicyKind {
    permanent_id_label: labels::CLUSTER_PROPAGATION_POLICY_PERMANENT_ID,
    finalizer: finalizers::CLUSTER_PROPAGATION_POLICY,
    namespace: None,
};

type Meta = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// The mutating webhook (CREATE and UPDATE; the permanent id and finalizer on CREATE only).
fn mutate_policy(
    meta: &mut Meta,
    spec: &mut PropagationSpec,
    kind: &PolicyKind,
    create: bool,
    ctx: &AdmissionContext,
) {
    if let Some(namespace) = &kind.namespace {
        for selector in spec
            .resource_selectors
            .iter_mut()
            .filter(|s| s.namespace.is_empty())
        {
            selector.namespace = namespace.clone();
        }
    }
    for constraint in &mut spec.placement.spread_constraints {
        if constraint.spread_by_field.is_none() && constraint.spread_by_label.is_empty() {
            constraint.spread_by_field = Some(SpreadByField::Cluster);
        }
        if constraint.min_groups == 0 {
            constraint.min_groups = 1;
        }
    }
    let selects_service_import = spec
        .resource_selectors
        .iter()
        .any(|s| s.api_version == "multicluster.x-k8s.io/v1alpha1" && s.kind == "ServiceImport");
    if selects_service_import {
        spec.propagate_deps = true;
    }
    if let Some(strategy) = &mut spec.placement.replica_scheduling
        && strategy.replica_scheduling_type == ReplicaSchedulingType::Divided
        && strategy.replica_division_preference.is_none()
    {
        strategy.replica_division_preference = Some(ReplicaDivisionPreference::Weighted);
    }
    if let Some(application) = spec.failover.as_mut().and_then(|f| f.application.as_mut())
        && application.purge_mode == PurgeMode::Gracefully
        && application.grace_period_seconds.is_none()
    {
        application.grace_period_seconds = Some(DEFAULT_APPLICATION_GRACE_PERIOD_S);
    }
    if create {
        meta.labels
            .get_or_insert_with(Default::default)
            .insert(kind.permanent_id_label.to_string(), ctx.new_id.clone());
        let finalizers = meta.finalizers.get_or_insert_with(Vec::new);
        if !finalizers.iter().any(|f| f == kind.finalizer) {
            finalizers.push(kind.finalizer.to_string());
        }
    }
}

/// The validating webhook: three short-circuiting metadata checks, then every spec rule.
fn validate_policy(
    meta: &Meta,
    spec: &PropagationSpec,
    old: Option<(&Meta, &PropagationSpec)>,
    kind: &PolicyKind,
    warnings: &mut Vec<String>,
) -> Verdict {
    let label = |m: &Meta| {
        m.labels
            .as_ref()
            .and_then(|l| l.get(kind.permanent_id_label))
            .cloned()
    };
    if label(meta).is_none_or(|id| id.is_empty()) {
        return Verdict::DeniedMessage(format!(
            "label {} is required, it should be set by the mutating admission webhook during creation",
            kind.permanent_id_label
        ));
    }
    if let Some((old_meta, old_spec)) = old {
        if old_spec.scheduler_name != spec.scheduler_name {
            return Verdict::DeniedMessage("the schedulerName should not be updated".into());
        }
        if label(old_meta) != label(meta) {
            return Verdict::DeniedMessage(format!(
                "label {} is immutable, it can only be set by the system during creation",
                kind.permanent_id_label
            ));
        }
    }
    let spec_path = FieldPath::new("spec");
    let mut errors = Vec::new();
    validate_placement(&spec.placement, &spec_path.child("placement"), &mut errors);
    warn_placement(&spec.placement, &spec_path.child("placement"), warnings);
    if let Some(failover) = &spec.failover {
        validate_failover(failover, spec.propagate_deps, &spec_path, &mut errors);
        warn_failover(failover, &spec_path.child("failover"), warnings);
    }
    validate_selectors(spec, kind, &spec_path, &mut errors);
    if let Some(suspension) = &spec.suspension {
        let names_set = suspension
            .dispatching_on_clusters
            .as_ref()
            .is_some_and(|d| !d.cluster_names.is_empty());
        if suspension.dispatching == Some(true) && names_set {
            errors.push(FieldError::invalid(
                &spec_path.child("suspension"),
                serde_json::to_value(suspension).unwrap_or(Value::Null),
                "suspension dispatching cannot co-exist with dispatchingOnClusters.clusterNames",
            ));
        }
    }
    Verdict::from_errors(errors)
}

fn validate_selectors(
    spec: &PropagationSpec,
    kind: &PolicyKind,
    spec_path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let selectors = spec_path.child("resourceSelectors");
    for (i, selector) in spec.resource_selectors.iter().enumerate() {
        if let Some(namespace) = &kind.namespace
            && &selector.namespace != namespace
        {
            errors.push(FieldError::invalid(
                &selectors.index(i).child("namespace"),
                selector.namespace.as_str(),
                "namespace of resource selector must be the same as the namespace of the policy",
            ));
        }
        if spec.preemption == PreemptionPolicy::Always && selector.name.is_empty() {
            errors.push(FieldError::invalid(
                &selectors.index(i).child("name"),
                "",
                "name cannot be empty if preemption is Always, the empty name may cause unexpected resources preemption",
            ));
        }
    }
}

/// Rules of `spec.failover` (F-60).
fn validate_failover(
    failover: &FailoverBehavior,
    propagate_deps: bool,
    spec_path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let path = spec_path.child("failover");
    if let Some(application) = &failover.application {
        if !propagate_deps {
            errors.push(FieldError::invalid(
                &spec_path.child("propagateDeps"),
                false,
                "application failover is set, propagateDeps must be true",
            ));
        }
        let app_path = path.child("application");
        if let Some(seconds) = application.decision_conditions.toleration_seconds
            && seconds < 0
        {
            let p = app_path
                .child("decisionConditions")
                .child("tolerationSeconds");
            errors.push(FieldError::invalid(
                &p,
                seconds,
                "must be greater than or equal to 0",
            ));
        }
        validate_grace_period(
            application.purge_mode,
            application.grace_period_seconds,
            &app_path,
            errors,
        );
        if let Some(preservation) = &application.state_preservation {
            validate_state_preservation(preservation, &app_path.child("statePreservation"), errors);
        }
    }
    if let Some(preservation) = failover
        .cluster
        .as_ref()
        .and_then(|c| c.state_preservation.as_ref())
    {
        validate_state_preservation(
            preservation,
            &path.child("cluster").child("statePreservation"),
            errors,
        );
    }
}

fn validate_grace_period(
    mode: PurgeMode,
    grace: Option<i32>,
    app_path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    let path = app_path.child("gracePeriodSeconds");
    match (mode, grace) {
        (PurgeMode::Gracefully, None) => {
            errors.push(FieldError::invalid(
                &path,
                Value::Null,
                "should not be empty when purgeMode is gracefully",
            ));
        }
        (PurgeMode::Gracefully, Some(seconds)) if seconds <= 0 => {
            errors.push(FieldError::invalid(
                &path,
                seconds,
                "must be greater than 0",
            ));
        }
        (PurgeMode::Directly | PurgeMode::Never, Some(seconds)) => {
            errors.push(FieldError::invalid(
                &path,
                seconds,
                "only takes effect when purgeMode is gracefully",
            ));
        }
        _ => {}
    }
}

fn validate_state_preservation(
    preservation: &StatePreservation,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) {
    for (i, rule) in preservation.rules.iter().enumerate() {
        let p = path.child("rules").index(i).child("aliasLabelName");
        for message in names::is_qualified_name(&rule.alias_label_name) {
            errors.push(FieldError::invalid(
                &p,
                rule.alias_label_name.as_str(),
                &message,
            ));
        }
    }
}

/// FD-10: a StatePreservation JSONPath that does not parse is accepted with a warning.
fn warn_failover(failover: &FailoverBehavior, path: &FieldPath, warnings: &mut Vec<String>) {
    let rules = [
        (
            "application",
            failover
                .application
                .as_ref()
                .and_then(|a| a.state_preservation.as_ref()),
        ),
        (
            "cluster",
            failover
                .cluster
                .as_ref()
                .and_then(|c| c.state_preservation.as_ref()),
        ),
    ];
    for (behavior, preservation) in rules {
        let Some(preservation) = preservation else {
            continue;
        };
        for (i, rule) in preservation.rules.iter().enumerate() {
            if let Err(e) = crate::jsonpath::Template::parse(&rule.json_path) {
                let p = path
                    .child(behavior)
                    .child("statePreservation")
                    .child("rules")
                    .index(i)
                    .child("jsonPath");
                warnings.push(format!(
                    "{p}: {:?} is not a valid JSONPath template ({e}); state extraction will fail and hold the eviction",
                    rule.json_path
                ));
            }
        }
    }
}

/// Names used more than once, in first-seen order.
pub(crate) fn duplicates<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = BTreeSet::new();
    let mut dups = Vec::new();
    for name in names {
        if !seen.insert(name) && !dups.contains(&name) {
            dups.push(name);
        }
    }
    dups
}

#[cfg(test)]
mod tests {
    use super::*;

    /// api.md §14.2: "absent with Gracefully" cannot reach validation (the mutating step sets
    /// 600), so it is checked here directly.
    #[test]
    fn grace_period_is_required_with_gracefully() {
        let mut errors = Vec::new();
        let path = FieldPath::new("spec")
            .child("failover")
            .child("application");
        validate_grace_period(PurgeMode::Gracefully, None, &path, &mut errors);
        assert_eq!(
            errors[0].to_string(),
            "spec.failover.application.gracePeriodSeconds: Invalid value: null: should not be empty when purgeMode is gracefully"
        );
    }

    #[test]
    fn duplicates_in_first_seen_order() {
        assert_eq!(duplicates(["a", "b", "a", "c", "b", "a"]), ["a", "b"]);
        assert!(duplicates(["a", "b"]).is_empty());
    }
}
