//! The resource interpreter for built-in workload kinds: desired replicas and per-replica
//! requirements of a resource template (scheduling.md S-26).
//!
//! Owns: reading `spec.replicas` and pod templates; the health rules for member copies live in
//! [`health`] (failover.md F-38). Must not: know about policies or clusters.

pub mod health;

use std::collections::BTreeMap;

use flotilla_api::quantity::Quantity;
use flotilla_api::types::{NodeClaim, ReplicaRequirements, ResourceList};
use k8s_openapi::api::core::v1::{NodeSelector, Toleration};
use serde_json::Value;

/// Replicas and requirements of a template.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Interpreted {
    /// Desired replicas (0 for non-workloads).
    pub replicas: i32,
    /// Per-replica requirements, absent when the pod template requests nothing and has no
    /// node constraints.
    pub requirements: Option<ReplicaRequirements>,
}

/// Interprets a template. Deployments, StatefulSets and ReplicaSets use `spec.replicas`
/// (default 1), Jobs `spec.parallelism` (default 1); other kinds are not workloads.
pub fn interpret(template: &Value) -> Interpreted {
    let kind = template.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = template
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let spec = template.get("spec");
    let replicas_field = match (api_version, kind) {
        ("apps/v1", "Deployment" | "StatefulSet" | "ReplicaSet") => "replicas",
        ("batch/v1", "Job") => "parallelism",
        _ => return Interpreted::default(),
    };
    let replicas = spec
        .and_then(|s| s.get(replicas_field))
        .and_then(Value::as_i64)
        .map_or(1, |r| r.clamp(0, i64::from(i32::MAX)) as i32);
    let pod = spec.and_then(|s| s.pointer("/template/spec"));
    let namespace = template
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    Interpreted {
        replicas,
        requirements: pod.and_then(|p| requirements(p, namespace)),
    }
}

/// S-26: summed app-container requests (limits where no request), raised to the largest
/// init-container request, plus pod overhead; node claim from affinity, selector, tolerations.
fn requirements(pod: &Value, namespace: &str) -> Option<ReplicaRequirements> {
    let mut total: ResourceList = BTreeMap::new();
    for container in pod
        .get("containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (name, q) in container_requests(container) {
            let sum = total
                .get(&name)
                .copied()
                .unwrap_or_default()
                .checked_add(q)
                .unwrap_or(q);
            total.insert(name, sum);
        }
    }
    for container in pod
        .get("initContainers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (name, q) in container_requests(container) {
            if total.get(&name).is_none_or(|t| *t < q) {
                total.insert(name, q);
            }
        }
    }
    for (name, q) in quantities(pod.get("overhead")) {
        let sum = total
            .get(&name)
            .copied()
            .unwrap_or_default()
            .checked_add(q)
            .unwrap_or(q);
        total.insert(name, sum);
    }
    let node_claim = node_claim(pod);
    if total.is_empty() && node_claim.is_none() {
        return None;
    }
    let priority_class_name = pod
        .get("priorityClassName")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Some(ReplicaRequirements {
        node_claim,
        resource_request: total,
        namespace: namespace.to_string(),
        priority_class_name,
    })
}

fn container_requests(container: &Value) -> ResourceList {
    let resources = container.get("resources");
    let mut list: ResourceList = quantities(resources.and_then(|r| r.get("limits")))
        .into_iter()
        .collect();
    list.extend(quantities(resources.and_then(|r| r.get("requests"))));
    list
}

fn quantities(value: Option<&Value>) -> Vec<(String, Quantity)> {
    let Some(Value::Object(map)) = value else {
        return vec![];
    };
    map.iter()
        .filter_map(|(k, v)| {
            serde_json::from_value::<Quantity>(v.clone())
                .ok()
                .map(|q| (k.clone(), q))
        })
        .collect()
}

fn node_claim(pod: &Value) -> Option<NodeClaim> {
    let hard: Option<NodeSelector> = pod
        .pointer("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution")
        .and_then(|v| serde_json::from_value(v.clone()).ok());
    let selector: BTreeMap<String, String> = pod
        .get("nodeSelector")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let tolerations: Vec<Toleration> = pod
        .get("tolerations")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    if hard.is_none() && selector.is_empty() && tolerations.is_empty() {
        return None;
    }
    Some(NodeClaim {
        hard_node_affinity: hard,
        node_selector: selector,
        tolerations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// S-26: requests, limits as requests, init containers, overhead, node claim.
    #[test]
    fn s26_replica_requirements() {
        let deployment = json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"replicas": 3, "template": {"spec": {
                "containers": [
                    {"resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}},
                    {"resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"memory": "32Mi"}}}
                ],
                "initContainers": [{"resources": {"requests": {"cpu": "2"}}}],
                "overhead": {"memory": "32Mi"},
                "nodeSelector": {"disk": "ssd"}
            }}}
        });
        let got = interpret(&deployment);
        assert_eq!(got.replicas, 3);
        let r = got.requirements.unwrap();
        assert_eq!(r.resource_request["cpu"].to_string(), "2");
        assert_eq!(r.resource_request["memory"].to_string(), "128Mi");
        assert_eq!(r.namespace, "shop");
        assert_eq!(r.node_claim.unwrap().node_selector["disk"], "ssd");
    }

    #[test]
    fn replicas_by_kind() {
        let bare = |api: &str, kind: &str, spec: Value| json!({"apiVersion": api, "kind": kind, "spec": spec});
        assert_eq!(
            interpret(&bare("apps/v1", "Deployment", json!({}))).replicas,
            1,
            "default 1"
        );
        assert_eq!(
            interpret(&bare("apps/v1", "StatefulSet", json!({"replicas": 0}))).replicas,
            0
        );
        assert_eq!(
            interpret(&bare("batch/v1", "Job", json!({"parallelism": 4}))).replicas,
            4
        );
        assert_eq!(
            interpret(&bare("v1", "ConfigMap", json!({}))),
            Interpreted::default()
        );
        assert!(
            interpret(&bare("apps/v1", "Deployment", json!({"replicas": 2})))
                .requirements
                .is_none()
        );
    }
}
