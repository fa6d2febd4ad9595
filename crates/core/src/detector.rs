//! The resource detector's pure part: the binding a resource template gets from the policy that
//! claims it (api.md §8.1, §11, §12.2).
//!
//! Owns: binding names and the spec fields copied from template and policy. Must not: choose
//! policies (claiming is controller work) or schedule.

use flotilla_api::constants::{annotations, labels};
use flotilla_api::naming::binding_name;
use flotilla_api::types::{ObjectReference, PropagationSpec, ResourceBindingSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

use crate::interpreter::interpret;

/// The policy claiming a template: its spec and identity.
#[derive(Clone, Copy, Debug)]
pub struct ClaimingPolicy<'a> {
    /// The policy spec.
    pub spec: &'a PropagationSpec,
    /// Policy name.
    pub name: &'a str,
    /// Policy namespace; `None` for a ClusterPropagationPolicy.
    pub namespace: Option<&'a str>,
    /// The policy's permanent id.
    pub permanent_id: &'a str,
}

/// The binding's metadata and spec for `template` claimed by `policy`.
pub fn binding_for(
    template: &Value,
    policy: ClaimingPolicy<'_>,
) -> (ObjectMeta, ResourceBindingSpec) {
    let meta = &template["metadata"];
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let resource = ObjectReference {
        api_version: text(&template["apiVersion"]),
        kind: text(&template["kind"]),
        namespace: text(&meta["namespace"]),
        name: text(&meta["name"]),
        uid: text(&meta["uid"]),
        resource_version: text(&meta["resourceVersion"]),
    };
    let interpreted = interpret(template);
    let spec = ResourceBindingSpec {
        propagate_deps: policy.spec.propagate_deps,
        replica_requirements: interpreted.requirements,
        replicas: interpreted.replicas,
        placement: Some(policy.spec.placement.clone()),
        scheduler_name: policy.spec.scheduler_name.clone(),
        failover: policy.spec.failover.clone(),
        conflict_resolution: policy.spec.conflict_resolution,
        preserve_resources_on_deletion: policy.spec.preserve_resources_on_deletion,
        resource: resource.clone(),
        ..Default::default()
    };
    let (label, claim) = match policy.namespace {
        Some(ns) => (
            labels::PROPAGATION_POLICY_PERMANENT_ID,
            vec![
                (annotations::PROPAGATION_POLICY_NAMESPACE, ns.to_string()),
                (
                    annotations::PROPAGATION_POLICY_NAME,
                    policy.name.to_string(),
                ),
            ],
        ),
        None => (
            labels::CLUSTER_PROPAGATION_POLICY_PERMANENT_ID,
            vec![(
                annotations::CLUSTER_PROPAGATION_POLICY_NAME,
                policy.name.to_string(),
            )],
        ),
    };
    let meta = ObjectMeta {
        name: Some(binding_name(&resource.kind, &resource.name)),
        namespace: (!resource.namespace.is_empty()).then(|| resource.namespace.clone()),
        labels: Some([(label.to_string(), policy.permanent_id.to_string())].into()),
        annotations: Some(claim.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
        ..Default::default()
    };
    (meta, spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn binding_from_deployment_and_policy() {
        let template = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "nginx", "namespace": "default", "uid": "u-1"}, "spec": {"replicas": 2}});
        let spec = PropagationSpec {
            scheduler_name: "default-scheduler".into(),
            ..Default::default()
        };
        let policy = ClaimingPolicy {
            spec: &spec,
            name: "p",
            namespace: Some("default"),
            permanent_id: "id-1",
        };
        let (meta, rb) = binding_for(&template, policy);
        assert_eq!(meta.name.as_deref(), Some("nginx-deployment"));
        assert_eq!(meta.namespace.as_deref(), Some("default"));
        assert_eq!(
            meta.labels.unwrap()[labels::PROPAGATION_POLICY_PERMANENT_ID],
            "id-1"
        );
        assert_eq!(rb.replicas, 2);
        assert_eq!(rb.resource.uid, "u-1");
        assert_eq!(rb.placement, Some(Default::default()));
    }
}
