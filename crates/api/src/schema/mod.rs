//! OpenAPI v3 schemas: generated from the Rust types, made structural the way Kubernetes wants,
//! compiled into a validator/defaulter/pruner, and wrapped into CustomResourceDefinitions.
//!
//! Owns: the single source of truth for schema-level rules (types, enums, required fields,
//! bounds, patterns, schema defaults). Must not: hold cross-field (webhook) rules — those are in
//! `admission`.

mod crd;
mod generate;
mod structural;

pub use crd::{crd_for, crds};
pub use generate::{any_json, any_json_objects, root_schema, schema_value_for};
pub use structural::{SchemaError, Structural};

use std::sync::OnceLock;

use crate::kinds::{
    CLUSTER, CLUSTER_OVERRIDE_POLICY, CLUSTER_PROPAGATION_POLICY, CLUSTER_RESOURCE_BINDING,
    CLUSTER_TAINT_POLICY, KindInfo, OVERRIDE_POLICY, PROPAGATION_POLICY, RESOURCE_BINDING, WORK,
};
use crate::types::{
    ClusterSpec, ClusterStatus, ClusterTaintPolicySpec, OverrideSpec, PropagationSpec,
    ResourceBindingSpec, ResourceBindingStatus, WorkSpec, WorkStatus,
};

/// The OpenAPI v3 schema (JSON) of a served kind's root object, as it appears in its CRD.
pub fn openapi_schema(info: &KindInfo) -> serde_json::Value {
    match info.kind {
        "Cluster" => root_schema::<ClusterSpec, ClusterStatus>(true),
        "PropagationPolicy" | "ClusterPropagationPolicy" => {
            root_schema::<PropagationSpec, ()>(false)
        }
        "ClusterTaintPolicy" => root_schema::<ClusterTaintPolicySpec, ()>(false),
        "OverridePolicy" | "ClusterOverridePolicy" => root_schema::<OverrideSpec, ()>(false),
        "ResourceBinding" | "ClusterResourceBinding" => {
            root_schema::<ResourceBindingSpec, ResourceBindingStatus>(true)
        }
        "Work" => root_schema::<WorkSpec, WorkStatus>(true),
        other => unreachable!("kind {other} is not served"),
    }
}

/// The compiled structural schema of a served kind (built once, then shared).
pub fn structural(info: &KindInfo) -> &'static Structural {
    static CACHE: OnceLock<Vec<(&'static str, Structural)>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        [
            &CLUSTER,
            &PROPAGATION_POLICY,
            &CLUSTER_PROPAGATION_POLICY,
            &CLUSTER_TAINT_POLICY,
            &OVERRIDE_POLICY,
            &CLUSTER_OVERRIDE_POLICY,
            &RESOURCE_BINDING,
            &CLUSTER_RESOURCE_BINDING,
            &WORK,
        ]
        .into_iter()
        .map(|k| {
            let compiled = Structural::compile(&with_full_metadata(openapi_schema(k)))
                .expect("generated schemas compile");
            (k.kind, compiled)
        })
        .collect()
    });
    all.iter()
        .find(|(kind, _)| *kind == info.kind)
        .map(|(_, s)| s)
        .expect("every served kind has a schema")
}

/// Replaces the CRD-style `metadata: {type: object}` with the full ObjectMeta schema, so that
/// unknown metadata fields are found like the API server finds them. `managedFields[].fieldsV1`
/// is a free-form FieldsV1 set (`{"f:spec": {...}}`), kept whole: its generated schema is a bare
/// `type: object`, which would prune every field set (a client sending back an object it read,
/// as kube-rs `replace` does, would lose them).
fn with_full_metadata(mut root: serde_json::Value) -> serde_json::Value {
    let mut meta = schema_value_for::<k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>();
    let fields_v1 = &mut meta["properties"]["managedFields"]["items"]["properties"]["fieldsV1"];
    if fields_v1.is_object() {
        fields_v1["x-kubernetes-preserve-unknown-fields"] = true.into();
    }
    root["properties"]["metadata"] = meta;
    root
}
