//! Health of a member copy (failover.md F-38): the value written to
//! `aggregatedStatus[].health`, which F-37 step 4 reads to let a graceful-eviction task go early.
//!
//! Owns: the built-in health rules for Deployment, StatefulSet, ReplicaSet, DaemonSet, Pod,
//! Service, Ingress, PersistentVolumeClaim and PodDisruptionBudget, the "no rule → Healthy"
//! default, and the mapping of "not applied / not collected" and rule errors to `Unknown`.
//! Must not: read the binding, the Work or the clock, fetch anything, or run custom
//! (declarative or webhook) interpreters — a caller that has one consults it before these rules.
//!
//! Field conventions (Kubernetes serialises with `omitempty` and Go decodes `null` as absent):
//! - An absent or `null` counter (`updatedReplicas`, `numberAvailable`, `observedGeneration`, …)
//!   is 0; an absent `spec.replicas` is 1. A present counter must be a non-negative JSON integer.
//! - A field of the wrong JSON type, a missing `metadata.generation`, or a missing `status`
//!   where the rule reads it is an error, hence `Unknown`.
//! - Every field a rule reads is validated before it decides, so a malformed field gives
//!   `Unknown` even when another condition already fails.
//! - Rules match the exact `apiVersion` and `kind`; anything else has no rule.

use flotilla_api::types::ResourceHealth;
use serde_json::Value;

/// Why a health rule could not decide (the rule "errors", F-38), giving `Unknown`.
#[derive(thiserror::Error, Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthError {
    /// A field the rule needs is absent or `null`.
    #[error("{0} is missing")]
    Missing(&'static str),
    /// A field has the wrong JSON type.
    #[error("{field} is not {expected}")]
    WrongType {
        /// Path of the field, e.g. `status.updatedReplicas`.
        field: &'static str,
        /// The JSON type expected there.
        expected: &'static str,
    },
    /// A count is a number but not a non-negative integer (negative, fractional, too large).
    #[error("{0} is not a non-negative integer")]
    InvalidCount(&'static str),
}

/// F-38: health as written to `aggregatedStatus[].health`. `Unknown` until the Work is applied
/// (`applied`) and the member object has been collected (`member_object` is `Some`); after that,
/// [`interpret_health`].
pub fn collected_health(applied: bool, member_object: Option<&Value>) -> ResourceHealth {
    match member_object {
        Some(object) if applied => interpret_health(object),
        _ => ResourceHealth::Unknown,
    }
}

/// F-38: health of a collected member object; a rule that errors gives `Unknown`.
pub fn interpret_health(member_object: &Value) -> ResourceHealth {
    evaluate_health(member_object).unwrap_or(ResourceHealth::Unknown)
}

/// F-38: like [`interpret_health`] but with the reason when a rule errors. `Ok` is only ever
/// `Healthy` or `Unhealthy`; kinds without a rule are `Healthy`.
pub fn evaluate_health(member_object: &Value) -> Result<ResourceHealth, HealthError> {
    expect_object(member_object, "object")?;
    let api_version = required_str(member_object, "apiVersion", "apiVersion")?;
    let kind = required_str(member_object, "kind", "kind")?;
    let healthy = match (api_version, kind) {
        ("apps/v1", "Deployment" | "StatefulSet") => rolling_workload(member_object)?,
        ("apps/v1", "ReplicaSet") => replica_set(member_object)?,
        ("apps/v1", "DaemonSet") => daemon_set(member_object)?,
        ("v1", "Pod") => pod(member_object)?,
        ("v1", "Service") => service(member_object)?,
        ("networking.k8s.io/v1", "Ingress") => has_load_balancer_address(status(member_object)?)?,
        ("v1", "PersistentVolumeClaim") => {
            string(status(member_object)?, "phase", "status.phase")? == Some("Bound")
        }
        ("policy/v1", "PodDisruptionBudget") => pod_disruption_budget(member_object)?,
        _ => true,
    };
    Ok(if healthy {
        ResourceHealth::Healthy
    } else {
        ResourceHealth::Unhealthy
    })
}

/// Deployment, StatefulSet: observed generation current, updated ≥ desired, available ≥ updated.
fn rolling_workload(object: &Value) -> Result<bool, HealthError> {
    let generation = generation(object)?;
    let desired = desired_replicas(object)?;
    let status = status(object)?;
    let observed = count(status, "observedGeneration", "status.observedGeneration")?;
    let updated = count(status, "updatedReplicas", "status.updatedReplicas")?;
    let available = count(status, "availableReplicas", "status.availableReplicas")?;
    Ok(observed == generation && updated >= desired && available >= updated)
}

/// ReplicaSet: observed generation current and available ≥ desired.
fn replica_set(object: &Value) -> Result<bool, HealthError> {
    let generation = generation(object)?;
    let desired = desired_replicas(object)?;
    let status = status(object)?;
    let observed = count(status, "observedGeneration", "status.observedGeneration")?;
    let available = count(status, "availableReplicas", "status.availableReplicas")?;
    Ok(observed == generation && available >= desired)
}

/// DaemonSet: observed generation current, updated ≥ desired scheduled, available ≥ updated.
fn daemon_set(object: &Value) -> Result<bool, HealthError> {
    let generation = generation(object)?;
    let status = status(object)?;
    let observed = count(status, "observedGeneration", "status.observedGeneration")?;
    let desired = count(
        status,
        "desiredNumberScheduled",
        "status.desiredNumberScheduled",
    )?;
    let updated = count(
        status,
        "updatedNumberScheduled",
        "status.updatedNumberScheduled",
    )?;
    let available = count(status, "numberAvailable", "status.numberAvailable")?;
    Ok(observed == generation && updated >= desired && available >= updated)
}

/// Pod: phase Succeeded, or Running with its (first) Ready condition True.
fn pod(object: &Value) -> Result<bool, HealthError> {
    let status = status(object)?;
    let phase = string(status, "phase", "status.phase")?;
    let mut ready = None;
    for condition in array(status, "conditions", "status.conditions")? {
        expect_object(condition, "status.conditions[]")?;
        let kind = string(condition, "type", "status.conditions[].type")?;
        let value = string(condition, "status", "status.conditions[].status")?;
        if kind == Some("Ready") && ready.is_none() {
            ready = Some(value == Some("True"));
        }
    }
    Ok(match phase {
        Some("Succeeded") => true,
        Some("Running") => ready == Some(true),
        _ => false,
    })
}

/// Service: healthy unless a LoadBalancer (type defaults to ClusterIP) has no address yet.
fn service(object: &Value) -> Result<bool, HealthError> {
    let service_type = match field(object, "spec") {
        Some(spec) => {
            expect_object(spec, "spec")?;
            string(spec, "type", "spec.type")?
        }
        None => None,
    };
    if service_type != Some("LoadBalancer") {
        return Ok(true);
    }
    has_load_balancer_address(status(object)?)
}

/// Service and Ingress: some `status.loadBalancer.ingress[]` entry has a non-empty ip or hostname.
fn has_load_balancer_address(status: &Value) -> Result<bool, HealthError> {
    let Some(load_balancer) = field(status, "loadBalancer") else {
        return Ok(false);
    };
    expect_object(load_balancer, "status.loadBalancer")?;
    let mut found = false;
    for entry in array(load_balancer, "ingress", "status.loadBalancer.ingress")? {
        expect_object(entry, "status.loadBalancer.ingress[]")?;
        let ip = string(entry, "ip", "status.loadBalancer.ingress[].ip")?;
        let host = string(entry, "hostname", "status.loadBalancer.ingress[].hostname")?;
        found |= [ip, host].iter().flatten().any(|s| !s.is_empty());
    }
    Ok(found)
}

/// PodDisruptionBudget: currentHealthy ≥ desiredHealthy.
fn pod_disruption_budget(object: &Value) -> Result<bool, HealthError> {
    let status = status(object)?;
    let current = count(status, "currentHealthy", "status.currentHealthy")?;
    let desired = count(status, "desiredHealthy", "status.desiredHealthy")?;
    Ok(current >= desired)
}

/// `metadata.generation`: always set by the API server, so its absence is an error.
fn generation(object: &Value) -> Result<i64, HealthError> {
    let metadata = field(object, "metadata").ok_or(HealthError::Missing("metadata.generation"))?;
    expect_object(metadata, "metadata")?;
    field(metadata, "generation")
        .ok_or(HealthError::Missing("metadata.generation"))
        .and_then(|v| non_negative(v, "metadata.generation"))
}

/// `spec.replicas`, 1 when absent (also when `spec` is absent).
fn desired_replicas(object: &Value) -> Result<i64, HealthError> {
    let Some(spec) = field(object, "spec") else {
        return Ok(1);
    };
    expect_object(spec, "spec")?;
    field(spec, "replicas").map_or(Ok(1), |v| non_negative(v, "spec.replicas"))
}

/// `status`, required by every rule that reads it.
fn status(object: &Value) -> Result<&Value, HealthError> {
    let status = field(object, "status").ok_or(HealthError::Missing("status"))?;
    expect_object(status, "status")?;
    Ok(status)
}

/// A present, non-`null` field.
fn field<'a>(parent: &'a Value, key: &str) -> Option<&'a Value> {
    parent.get(key).filter(|v| !v.is_null())
}

/// A counter, 0 when absent (omitempty).
fn count(parent: &Value, key: &str, path: &'static str) -> Result<i64, HealthError> {
    field(parent, key).map_or(Ok(0), |v| non_negative(v, path))
}

fn non_negative(value: &Value, path: &'static str) -> Result<i64, HealthError> {
    if !value.is_number() {
        return Err(HealthError::WrongType {
            field: path,
            expected: "an integer",
        });
    }
    value
        .as_i64()
        .filter(|n| *n >= 0)
        .ok_or(HealthError::InvalidCount(path))
}

fn string<'a>(
    parent: &'a Value,
    key: &str,
    path: &'static str,
) -> Result<Option<&'a str>, HealthError> {
    field(parent, key)
        .map(|v| {
            v.as_str().ok_or(HealthError::WrongType {
                field: path,
                expected: "a string",
            })
        })
        .transpose()
}

fn required_str<'a>(
    parent: &'a Value,
    key: &str,
    path: &'static str,
) -> Result<&'a str, HealthError> {
    string(parent, key, path)?.ok_or(HealthError::Missing(path))
}

/// An array field, empty when absent.
fn array<'a>(parent: &'a Value, key: &str, path: &'static str) -> Result<&'a [Value], HealthError> {
    match field(parent, key) {
        None => Ok(&[]),
        Some(v) => v
            .as_array()
            .map(Vec::as_slice)
            .ok_or(HealthError::WrongType {
                field: path,
                expected: "an array",
            }),
    }
}

fn expect_object(value: &Value, path: &'static str) -> Result<(), HealthError> {
    if value.is_object() {
        Ok(())
    } else {
        Err(HealthError::WrongType {
            field: path,
            expected: "an object",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResourceHealth::{Healthy, Unhealthy, Unknown};
    use serde_json::json;

    /// (name citing the rule, member object, expected health).
    type Row = (&'static str, Value, ResourceHealth);

    /// An apps/v1 object as reflected from a member, at generation 2, with a pod template.
    fn apps(kind: &str, spec: Value, status: Value) -> Value {
        let mut spec = spec;
        if let Some(s) = spec.as_object_mut() {
            s.insert("selector".into(), json!({"matchLabels": {"app": "web"}}));
            s.insert(
                "template".into(),
                json!({"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}),
            );
        }
        json!({"apiVersion": "apps/v1", "kind": kind,
            "metadata": {"name": "web", "namespace": "shop", "generation": 2,
                "uid": "6f1c2a0e-3b7d-4d1e-9a51-0c2f5e8b7d11", "resourceVersion": "48213"},
            "spec": spec, "status": status})
    }

    /// A core/v1 object as reflected from a member.
    fn core(kind: &str, spec: Value, status: Value) -> Value {
        json!({"apiVersion": "v1", "kind": kind,
            "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "48213"},
            "spec": spec, "status": status})
    }

    fn without(mut object: Value, parent: &str, key: &str) -> Value {
        let parent = object.pointer_mut(parent).and_then(Value::as_object_mut);
        parent.unwrap().remove(key);
        object
    }

    fn check(rows: Vec<Row>) {
        for (name, object, expected) in rows {
            assert_eq!(interpret_health(&object), expected, "{name}");
        }
    }

    #[rustfmt::skip]
    fn rolling_rows() -> Vec<Row> {
        let full = json!({"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3,
            "availableReplicas": 3, "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]});
        let d = |replicas: Value, status: Value| apps("Deployment", json!({"replicas": replicas}), status);
        let sts = |status: Value| apps("StatefulSet", json!({"replicas": 2, "serviceName": "web"}), status);
        vec![
            ("F-38 deployment rolled out", d(json!(3), full.clone()), Healthy),
            ("F-38 deployment observedGeneration stale", d(json!(3),
                json!({"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 3})), Unhealthy),
            ("F-38 deployment updated < desired", d(json!(3),
                json!({"observedGeneration": 2, "replicas": 4, "updatedReplicas": 1, "availableReplicas": 3})), Unhealthy),
            ("F-38 deployment available < updated", d(json!(3), json!({"observedGeneration": 2, "replicas": 3,
                "updatedReplicas": 3, "readyReplicas": 2, "availableReplicas": 2, "unavailableReplicas": 1})), Unhealthy),
            ("F-38 deployment scaled to 0, zero counters omitted", d(json!(0), json!({"observedGeneration": 2})), Healthy),
            ("F-38 deployment null counter is 0", d(json!(0),
                json!({"observedGeneration": 2, "updatedReplicas": null})), Healthy),
            ("F-38 deployment spec.replicas defaults to 1", without(d(json!(1),
                json!({"observedGeneration": 2, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 1})),
                "/spec", "replicas"), Healthy),
            ("F-38 deployment default 1 replica not yet updated", d(Value::Null, json!({"observedGeneration": 2})), Unhealthy),
            ("F-38 deployment empty status: observedGeneration 0", d(json!(0), json!({})), Unhealthy),
            ("F-38 deployment spec.replicas as string errors", d(json!("3"), full.clone()), Unknown),
            ("F-38 deployment negative counter errors", d(json!(3),
                json!({"observedGeneration": 2, "updatedReplicas": -1, "availableReplicas": 3})), Unknown),
            ("F-38 deployment fractional counter errors", d(json!(3),
                json!({"observedGeneration": 2, "updatedReplicas": 3, "availableReplicas": 2.5})), Unknown),
            ("F-38 deployment malformed field beats a failed check", d(json!(3),
                json!({"observedGeneration": 1, "updatedReplicas": "3"})), Unknown),
            ("F-38 deployment status not an object errors", d(json!(3), json!("Available")), Unknown),
            ("F-38 deployment without status errors", without(d(json!(3), full.clone()), "", "status"), Unknown),
            ("F-38 deployment without metadata.generation errors",
                without(d(json!(3), full.clone()), "/metadata", "generation"), Unknown),
            ("F-38 statefulset rolled out", sts(json!({"observedGeneration": 2, "replicas": 2, "readyReplicas": 2,
                "currentReplicas": 2, "updatedReplicas": 2, "availableReplicas": 2,
                "currentRevision": "web-7d9f", "updateRevision": "web-7d9f"})), Healthy),
            ("F-38 statefulset updated < desired", sts(json!({"observedGeneration": 2, "replicas": 2, "readyReplicas": 2,
                "currentReplicas": 1, "updatedReplicas": 1, "availableReplicas": 2,
                "currentRevision": "web-7d9f", "updateRevision": "web-5c4b"})), Unhealthy),
            ("F-38 statefulset without availableReplicas counts 0", sts(json!({"observedGeneration": 2, "replicas": 2,
                "readyReplicas": 2, "updatedReplicas": 2})), Unhealthy),
        ]
    }

    #[rustfmt::skip]
    fn replica_set_daemon_set_rows() -> Vec<Row> {
        let rs = |replicas: Value, status: Value| apps("ReplicaSet", json!({"replicas": replicas}), status);
        let ds = |status: Value| apps("DaemonSet", json!({"updateStrategy": {"type": "RollingUpdate"}}), status);
        vec![
            ("F-38 replicaset available = desired", rs(json!(2), json!({"observedGeneration": 2, "replicas": 2,
                "fullyLabeledReplicas": 2, "readyReplicas": 2, "availableReplicas": 2})), Healthy),
            ("F-38 replicaset available < desired", rs(json!(2), json!({"observedGeneration": 2, "replicas": 2,
                "readyReplicas": 1, "availableReplicas": 1})), Unhealthy),
            ("F-38 replicaset observedGeneration stale", rs(json!(2),
                json!({"observedGeneration": 1, "replicas": 2, "availableReplicas": 2})), Unhealthy),
            ("F-38 replicaset null spec.replicas defaults to 1", rs(Value::Null,
                json!({"observedGeneration": 2, "replicas": 1, "availableReplicas": 1})), Healthy),
            ("F-38 replicaset non-integer spec.replicas errors", rs(json!(2.0),
                json!({"observedGeneration": 2, "availableReplicas": 2})), Unknown),
            ("F-38 daemonset rolled out", ds(json!({"observedGeneration": 2, "currentNumberScheduled": 3,
                "desiredNumberScheduled": 3, "numberMisscheduled": 0, "numberReady": 3,
                "updatedNumberScheduled": 3, "numberAvailable": 3})), Healthy),
            ("F-38 daemonset observedGeneration stale", ds(json!({"observedGeneration": 1,
                "desiredNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 3})), Unhealthy),
            ("F-38 daemonset updated < desired", ds(json!({"observedGeneration": 2,
                "desiredNumberScheduled": 3, "updatedNumberScheduled": 2, "numberAvailable": 3})), Unhealthy),
            ("F-38 daemonset available < updated", ds(json!({"observedGeneration": 2, "desiredNumberScheduled": 3,
                "updatedNumberScheduled": 3, "numberAvailable": 2, "numberUnavailable": 1})), Unhealthy),
            ("F-38 daemonset on no node", ds(json!({"observedGeneration": 2, "currentNumberScheduled": 0,
                "desiredNumberScheduled": 0, "numberMisscheduled": 0, "numberReady": 0})), Healthy),
            ("F-38 daemonset counter as string errors", ds(json!({"observedGeneration": 2,
                "desiredNumberScheduled": "3", "updatedNumberScheduled": 3, "numberAvailable": 3})), Unknown),
            ("F-38 daemonset without status errors", without(ds(json!({})), "", "status"), Unknown),
        ]
    }

    #[rustfmt::skip]
    fn pod_rows() -> Vec<Row> {
        let spec = json!({"containers": [{"name": "job", "image": "busybox:1.36"}], "restartPolicy": "Never"});
        let p = |status: Value| core("Pod", spec.clone(), status);
        let ready = |s: &str| json!([{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": s},
            {"type": "ContainersReady", "status": s}, {"type": "PodScheduled", "status": "True"}]);
        vec![
            ("F-38 pod running and ready", p(json!({"phase": "Running", "conditions": ready("True"),
                "podIP": "10.1.2.3"})), Healthy),
            ("F-38 pod running, not ready", p(json!({"phase": "Running", "conditions": ready("False")})), Unhealthy),
            ("F-38 pod running without conditions", p(json!({"phase": "Running"})), Unhealthy),
            ("F-38 pod succeeded (Ready=False)", p(json!({"phase": "Succeeded", "conditions": ready("False")})), Healthy),
            ("F-38 pod pending", p(json!({"phase": "Pending", "conditions": [{"type": "PodScheduled",
                "status": "False", "reason": "Unschedulable"}]})), Unhealthy),
            ("F-38 pod failed", p(json!({"phase": "Failed", "reason": "Evicted"})), Unhealthy),
            ("F-38 pod without phase", p(json!({})), Unhealthy),
            ("F-38 pod without status errors", without(p(json!({})), "", "status"), Unknown),
            ("F-38 pod conditions not an array errors", p(json!({"phase": "Running",
                "conditions": {"Ready": "True"}})), Unknown),
            ("F-38 pod condition status as bool errors", p(json!({"phase": "Running",
                "conditions": [{"type": "Ready", "status": true}]})), Unknown),
        ]
    }

    #[rustfmt::skip]
    fn load_balancer_rows() -> Vec<Row> {
        let svc = |ty: &str, status: Value| core("Service", json!({"type": ty, "selector": {"app": "web"},
            "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}]}), status);
        let ing = |status: Value| json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "web", "namespace": "shop", "generation": 1},
            "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example.com", "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]},
            "status": status});
        let lb = |ingress: Value| json!({"loadBalancer": {"ingress": ingress}});
        let no_lb = || json!({"loadBalancer": {}});
        vec![
            ("F-38 service ClusterIP", svc("ClusterIP", no_lb()), Healthy),
            ("F-38 service NodePort", svc("NodePort", no_lb()), Healthy),
            ("F-38 service type defaults to ClusterIP, no status needed",
                without(without(svc("", json!({})), "/spec", "type"), "", "status"), Healthy),
            ("F-38 service LoadBalancer with ip",
                svc("LoadBalancer", lb(json!([{"ip": "203.0.113.10", "ipMode": "VIP"}]))), Healthy),
            ("F-38 service LoadBalancer with hostname",
                svc("LoadBalancer", lb(json!([{"hostname": "a1b2.elb.amazonaws.com"}]))), Healthy),
            ("F-38 service LoadBalancer pending", svc("LoadBalancer", no_lb()), Unhealthy),
            ("F-38 service LoadBalancer entry without address",
                svc("LoadBalancer", lb(json!([{"ip": "", "ports": [{"port": 80, "protocol": "TCP"}]}]))), Unhealthy),
            ("F-38 service LoadBalancer without status errors",
                without(svc("LoadBalancer", json!({})), "", "status"), Unknown),
            ("F-38 service LoadBalancer ingress not an array errors",
                svc("LoadBalancer", lb(json!({"ip": "203.0.113.10"}))), Unknown),
            ("F-38 service type as number errors", core("Service", json!({"type": 3}), no_lb()), Unknown),
            ("F-38 ingress with ip", ing(lb(json!([{"ip": "203.0.113.20"}]))), Healthy),
            ("F-38 ingress with hostname", ing(lb(json!([{"hostname": "ingress.example.net"}]))), Healthy),
            ("F-38 ingress without address", ing(no_lb()), Unhealthy),
            ("F-38 ingress empty ingress list", ing(lb(json!([]))), Unhealthy),
            ("F-38 ingress ip as number errors", ing(lb(json!([{"ip": 203}]))), Unknown),
            ("F-38 ingress without status errors", without(ing(json!({})), "", "status"), Unknown),
        ]
    }

    #[rustfmt::skip]
    fn pvc_pdb_rows() -> Vec<Row> {
        let pvc = |status: Value| core("PersistentVolumeClaim", json!({"accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "10Gi"}}, "storageClassName": "standard"}), status);
        let pdb = |status: Value| json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "web", "namespace": "shop", "generation": 1},
            "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}}, "status": status});
        vec![
            ("F-38 pvc bound", pvc(json!({"phase": "Bound", "accessModes": ["ReadWriteOnce"],
                "capacity": {"storage": "10Gi"}})), Healthy),
            ("F-38 pvc pending", pvc(json!({"phase": "Pending"})), Unhealthy),
            ("F-38 pvc lost", pvc(json!({"phase": "Lost"})), Unhealthy),
            ("F-38 pvc phase as number errors", pvc(json!({"phase": 1})), Unknown),
            ("F-38 pvc without status errors", without(pvc(json!({})), "", "status"), Unknown),
            ("F-38 pdb current ≥ desired", pdb(json!({"observedGeneration": 1, "currentHealthy": 3,
                "desiredHealthy": 2, "disruptionsAllowed": 1, "expectedPods": 3})), Healthy),
            ("F-38 pdb current < desired", pdb(json!({"observedGeneration": 1, "currentHealthy": 1,
                "desiredHealthy": 2, "disruptionsAllowed": 0, "expectedPods": 3})), Unhealthy),
            ("F-38 pdb with no pods yet", pdb(json!({"currentHealthy": 0, "desiredHealthy": 0,
                "disruptionsAllowed": 0, "expectedPods": 0})), Healthy),
            ("F-38 pdb counter as string errors", pdb(json!({"currentHealthy": "3", "desiredHealthy": 2})), Unknown),
            ("F-38 pdb without status errors", without(pdb(json!({})), "", "status"), Unknown),
        ]
    }

    #[rustfmt::skip]
    fn no_rule_rows() -> Vec<Row> {
        vec![
            ("F-38 no rule: configmap", json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "cfg", "namespace": "shop"}, "data": {"k": "v"}}), Healthy),
            ("F-38 no rule: failed job", json!({"apiVersion": "batch/v1", "kind": "Job",
                "metadata": {"name": "j", "generation": 1},
                "status": {"failed": 6, "conditions": [{"type": "Failed", "status": "True"}]}}), Healthy),
            ("F-38 no rule: CRD status", json!({"apiVersion": "example.io/v1", "kind": "Database",
                "metadata": {"name": "db", "generation": 4}, "status": {"phase": "Degraded"}}), Healthy),
            ("F-38 no rule: Knative Service is not a core Service", json!({"apiVersion": "serving.knative.dev/v1",
                "kind": "Service", "metadata": {"name": "web"}, "spec": {"type": "LoadBalancer"}, "status": {}}), Healthy),
            ("F-38 no rule: other apiVersion of a known kind", json!({"apiVersion": "networking.k8s.io/v1beta1",
                "kind": "Ingress", "metadata": {"name": "web"}, "status": {"loadBalancer": {}}}), Healthy),
            ("F-38 object without kind errors", json!({"apiVersion": "v1", "metadata": {"name": "x"}}), Unknown),
            ("F-38 apiVersion as number errors", json!({"apiVersion": 1, "kind": "Pod",
                "status": {"phase": "Running"}}), Unknown),
            ("F-38 member object not an object errors", json!(["Pod"]), Unknown),
        ]
    }

    /// F-38: Deployment and StatefulSet rule.
    #[test]
    fn f38_deployment_and_statefulset() {
        check(rolling_rows());
    }

    /// F-38: ReplicaSet and DaemonSet rules.
    #[test]
    fn f38_replicaset_and_daemonset() {
        check(replica_set_daemon_set_rows());
    }

    /// F-38: Pod rule.
    #[test]
    fn f38_pod() {
        check(pod_rows());
    }

    /// F-38: Service and Ingress rules.
    #[test]
    fn f38_service_and_ingress() {
        check(load_balancer_rows());
    }

    /// F-38: PersistentVolumeClaim and PodDisruptionBudget rules.
    #[test]
    fn f38_pvc_and_pdb() {
        check(pvc_pdb_rows());
    }

    /// F-38: kinds without a rule are Healthy; objects without a kind are Unknown.
    #[test]
    fn f38_kinds_without_rule() {
        check(no_rule_rows());
    }

    /// F-38: a rule that errors gives Unknown; the reason names the field.
    #[test]
    fn f38_error_reasons() {
        let d = |spec: Value, status: Value| apps("Deployment", spec, status);
        let ok = json!({"observedGeneration": 2, "updatedReplicas": 1, "availableReplicas": 1});
        let wrong = HealthError::WrongType {
            field: "spec.replicas",
            expected: "an integer",
        };
        let cases = [
            (
                without(d(json!({}), ok.clone()), "", "status"),
                HealthError::Missing("status"),
            ),
            (
                without(d(json!({}), ok.clone()), "/metadata", "generation"),
                HealthError::Missing("metadata.generation"),
            ),
            (d(json!({"replicas": "1"}), ok.clone()), wrong),
            (
                d(json!({"replicas": -1}), ok.clone()),
                HealthError::InvalidCount("spec.replicas"),
            ),
            (
                d(
                    json!({}),
                    json!({"observedGeneration": 2, "availableReplicas": 1.5}),
                ),
                HealthError::InvalidCount("status.availableReplicas"),
            ),
        ];
        for (object, reason) in cases {
            assert_eq!(evaluate_health(&object), Err(reason), "{reason}");
        }
        assert_eq!(evaluate_health(&d(json!({}), ok)), Ok(Healthy));
    }

    /// F-38: Unknown until the Work is applied and the member object collected.
    #[test]
    fn f38_unknown_until_applied_and_collected() {
        let healthy = apps(
            "Deployment",
            json!({"replicas": 1}),
            json!({"observedGeneration": 2, "updatedReplicas": 1, "availableReplicas": 1}),
        );
        let unhealthy = apps(
            "Deployment",
            json!({"replicas": 1}),
            json!({"observedGeneration": 1}),
        );
        let config_map =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}});
        assert_eq!(collected_health(false, None), Unknown);
        assert_eq!(
            collected_health(false, Some(&healthy)),
            Unknown,
            "not applied"
        );
        assert_eq!(
            collected_health(true, None),
            Unknown,
            "applied, not collected"
        );
        assert_eq!(collected_health(true, Some(&healthy)), Healthy);
        assert_eq!(collected_health(true, Some(&unhealthy)), Unhealthy);
        assert_eq!(
            collected_health(true, Some(&config_map)),
            Healthy,
            "no rule"
        );
    }
}
