//! Serving CustomResourceDefinitions (kube-api.md §13): a CRD write is validated and given its
//! status, and once stored its served versions join the registry at once (discovery, OpenAPI and
//! routing follow); a deleted CRD leaves it; stored CRDs are registered at start.
//!
//! Owns: keeping the registry in step with stored CRDs. Must not: define the CRD mapping
//! (`crate::crd`).

use flotilla_store::ListOptions;
use serde_json::Value;

use super::ApiServer;
use super::read::{object_of, plain_store_error};
use crate::crd;
use crate::objects::MetaError;
use crate::registry::{Origin, Resource};
use crate::status::ApiError;

/// Whether a resource is `apiextensions.k8s.io` CustomResourceDefinitions.
pub(crate) fn is_crd(resource: &Resource) -> bool {
    resource.group == "apiextensions.k8s.io" && resource.plural == "customresourcedefinitions"
}

/// Validates a CRD about to be stored and sets its status; refuses names served by a built-in.
pub(crate) fn prepare(server: &ApiServer, object: Value, now: &str) -> Result<Value, MetaError> {
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let mut causes = crd::validate(&object);
    for r in crd::resources(&object) {
        if let Some(existing) = server.registry.lookup(&r.group, &r.version, &r.plural)
            && existing.origin != Origin::Crd
        {
            causes.push(crate::objects::Cause {
                field: "spec.names.plural".into(),
                reason: crate::objects::CauseReason::Invalid,
                message: format!(
                    "Invalid value: {}: is already served by the API server",
                    serde_json::json!(r.plural)
                ),
            });
        }
    }
    if !causes.is_empty() {
        return Err(MetaError::Invalid { name, causes });
    }
    Ok(crd::with_status(object, now))
}

/// Serves a stored CRD's versions (replacing what it served before).
pub(crate) fn register(server: &ApiServer, object: &Value) {
    let group = object["spec"]["group"].as_str().unwrap_or("");
    let plural = object["spec"]["names"]["plural"].as_str().unwrap_or("");
    server.registry.remove_crd_resources(group, plural);
    for r in crd::resources(object) {
        // `prepare` refused built-in names, so this cannot shadow one.
        let _ = server.registry.add_crd_resource(r);
    }
}

/// Stops serving a deleted CRD.
pub(crate) fn unregister(server: &ApiServer, object: &Value) {
    let group = object["spec"]["group"].as_str().unwrap_or("");
    let plural = object["spec"]["names"]["plural"].as_str().unwrap_or("");
    server.registry.remove_crd_resources(group, plural);
}

/// Registers every stored CRD (at start).
pub(crate) async fn load(server: &ApiServer) -> Result<(), ApiError> {
    let prefix = "/apiextensions.k8s.io/customresourcedefinitions/";
    let list = server
        .store
        .list(prefix, ListOptions::default())
        .await
        .map_err(plain_store_error)?;
    for kv in &list.items {
        register(server, &object_of(kv)?);
    }
    Ok(())
}
