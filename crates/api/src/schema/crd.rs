//! CustomResourceDefinitions for the served kinds, so the same kinds can be installed into a real
//! kube-apiserver (`flotilla crds`).
//!
//! Owns: CRD assembly (names, scope, subresources, printer columns, schema). Must not: serve them.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceColumnDefinition, CustomResourceDefinition, CustomResourceDefinitionNames,
    CustomResourceDefinitionSpec, CustomResourceDefinitionVersion, CustomResourceSubresourceStatus,
    CustomResourceSubresources, CustomResourceValidation, JSONSchemaProps,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::openapi_schema;
use crate::kinds::{ALL_KINDS, KindInfo};

/// The CRD of one served kind.
pub fn crd_for(info: &KindInfo) -> CustomResourceDefinition {
    let schema: JSONSchemaProps = serde_json::from_value(openapi_schema(info))
        .expect("generated schemas are valid JSONSchemaProps");
    let list = |items: &[&str]| -> Option<Vec<String>> {
        (!items.is_empty()).then(|| items.iter().map(|s| s.to_string()).collect())
    };
    let columns: Vec<CustomResourceColumnDefinition> = info
        .printer_columns
        .iter()
        .map(|c| CustomResourceColumnDefinition {
            name: c.name.to_string(),
            type_: c.type_.to_string(),
            json_path: c.json_path.to_string(),
            priority: (c.priority != 0).then_some(c.priority),
            ..Default::default()
        })
        .collect();
    let status = info.status_subresource.then(|| CustomResourceSubresources {
        // An empty object enables the subresource (`Default` would be JSON null).
        status: Some(CustomResourceSubresourceStatus(serde_json::json!({}))),
        ..Default::default()
    });
    CustomResourceDefinition {
        metadata: ObjectMeta {
            name: Some(format!("{}.{}", info.plural, info.group)),
            ..Default::default()
        },
        spec: CustomResourceDefinitionSpec {
            group: info.group.to_string(),
            names: CustomResourceDefinitionNames {
                kind: info.kind.to_string(),
                list_kind: Some(format!("{}List", info.kind)),
                plural: info.plural.to_string(),
                singular: Some(info.singular.to_string()),
                short_names: list(info.short_names),
                categories: list(info.categories),
            },
            scope: if info.namespaced {
                "Namespaced"
            } else {
                "Cluster"
            }
            .to_string(),
            versions: vec![CustomResourceDefinitionVersion {
                name: info.version.to_string(),
                served: true,
                storage: true,
                schema: Some(CustomResourceValidation {
                    open_api_v3_schema: Some(schema),
                }),
                subresources: status,
                additional_printer_columns: (!columns.is_empty()).then_some(columns),
                ..Default::default()
            }],
            ..Default::default()
        },
        status: None,
    }
}

/// The CRDs of every served kind, in api.md §1 order.
pub fn crds() -> Vec<CustomResourceDefinition> {
    ALL_KINDS.iter().map(|info| crd_for(info)).collect()
}
