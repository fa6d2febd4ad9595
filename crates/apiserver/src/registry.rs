//! The resource registry (kube-api.md §2): every served resource — the Kubernetes built-ins users
//! propagate and controllers need, Flotilla's (Karmada's) kinds from `flotilla_api::kinds`, and
//! kinds added at run time by CustomResourceDefinitions — with what discovery, routing, storage,
//! tables and patches need to know about it.
//!
//! Owns: the list of resources and lookups over it. Must not: serve HTTP or touch the store.

use serde_json::Value;
use std::sync::{Arc, RwLock};

use flotilla_api::kinds::{ALL_KINDS, KindInfo};

/// Verbs of a main resource.
pub const RESOURCE_VERBS: [&str; 8] = [
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// Verbs of a subresource.
pub const SUBRESOURCE_VERBS: [&str; 3] = ["get", "patch", "update"];

/// Where a resource comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A Kubernetes built-in (strategic merge patch allowed).
    BuiltIn,
    /// One of Flotilla's kinds: built into the binary with CRD semantics.
    Flotilla,
    /// Added by a CustomResourceDefinition.
    Crd,
}

/// A printer column (kube-api.md §10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Header.
    pub name: String,
    /// `string`, `integer`, `date`, ...
    pub type_: String,
    /// JSONPath into the object, e.g. `.spec.syncMode`.
    pub json_path: String,
    /// 0: shown by default; more: only with `-o wide`.
    pub priority: i32,
    /// A computed cell of a built-in kind (then `json_path` is unused).
    pub derived: Option<crate::printers::Derived>,
}

/// The `/scale` subresource's field paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scale {
    /// `.spec.replicas`.
    pub spec_replicas_path: String,
    /// `.status.replicas`.
    pub status_replicas_path: String,
    /// `.status.selector`, if any.
    pub label_selector_path: Option<String>,
}

/// One served resource in one version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// API group (`""` for core).
    pub group: String,
    /// Version.
    pub version: String,
    /// Plural resource name (the URL segment).
    pub plural: String,
    /// Singular name.
    pub singular: String,
    /// Kind.
    pub kind: String,
    /// Kind of its lists.
    pub list_kind: String,
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
    /// Short names for kubectl.
    pub short_names: Vec<String>,
    /// Categories (`all`, ...).
    pub categories: Vec<String>,
    /// Has a `/status` subresource.
    pub status: bool,
    /// Has a `/scale` subresource.
    pub scale: Option<Scale>,
    /// Printer columns besides NAME.
    pub columns: Vec<Column>,
    /// Where it comes from.
    pub origin: Origin,
    /// Another resource whose storage it shares (objects converted on the way in and out).
    pub shared_storage: Option<SharedStorage>,
    /// A custom resource's compiled `openAPIV3Schema` (kube-api.md §0.2: pruning, defaults,
    /// validation); `None` for other resources.
    pub schema: Option<SchemaHandle>,
}

/// A CRD version's schema — compiled, and as written (for OpenAPI) — shared by every request;
/// compared by identity.
#[derive(Clone)]
pub struct SchemaHandle {
    /// The compiled schema that admission uses.
    pub compiled: Arc<crate::crd_schema::CrdSchema>,
    /// The `openAPIV3Schema` as the CRD has it.
    pub source: Arc<Value>,
}

impl PartialEq for SchemaHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.compiled, &other.compiled)
    }
}

impl Eq for SchemaHandle {}

impl std::fmt::Debug for SchemaHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SchemaHandle")
    }
}

/// A resource served over another's storage (kube-api.md §14).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SharedStorage {
    /// `events.k8s.io/v1` Events, stored as core/v1 Events.
    CoreEvents,
}

impl Resource {
    /// `group/version`, or `version` for core.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `plural` or `plural.group`, as messages name resources (`configmaps`,
    /// `deployments.apps`).
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Whether strategic merge patch is accepted (built-ins only, kube-api.md §8).
    pub fn strategic_merge(&self) -> bool {
        self.origin == Origin::BuiltIn
    }

    /// The store prefix of the resource, or of one namespace of it:
    /// `/<group or core>/<plural>/[<namespace>/]` (kube-api.md §18.1).
    pub fn key_prefix(&self, namespace: Option<&str>) -> String {
        let (group, plural) = match self.shared_storage {
            Some(SharedStorage::CoreEvents) => ("core", "events"),
            None if self.group.is_empty() => ("core", self.plural.as_str()),
            None => (self.group.as_str(), self.plural.as_str()),
        };
        match namespace.filter(|_| self.namespaced) {
            Some(ns) => format!("/{group}/{plural}/{ns}/"),
            None => format!("/{group}/{plural}/"),
        }
    }

    /// An object as this resource serves it, from its stored form. Custom resources are stored
    /// in whichever served version wrote them and read in the requested one (the CRD's `None`
    /// conversion: only `apiVersion` changes, kube-api.md §0.3).
    pub fn served(&self, stored: Value) -> Value {
        match self.shared_storage {
            Some(SharedStorage::CoreEvents) => crate::events::from_core(&stored),
            None if self.origin == Origin::Crd => {
                let mut object = stored;
                if let Some(map) = object.as_object_mut() {
                    map.insert("apiVersion".into(), self.api_version().into());
                }
                object
            }
            None => stored,
        }
    }

    /// The stored form of an object this resource serves.
    pub fn to_stored(&self, served: &Value) -> Value {
        match self.shared_storage {
            Some(SharedStorage::CoreEvents) => crate::events::to_core(served),
            None => served.clone(),
        }
    }

    /// The store key of one object.
    pub fn key(&self, namespace: Option<&str>, name: &str) -> String {
        format!("{}{name}", self.key_prefix(namespace))
    }
}

/// A built-in's description (the table below).
struct BuiltIn {
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    singular: &'static str,
    kind: &'static str,
    namespaced: bool,
    short_names: &'static [&'static str],
    categories: &'static [&'static str],
    status: bool,
    scale: bool,
}

/// The Kubernetes built-ins served (issue 6: what users propagate and controllers need).
const BUILT_INS: &[BuiltIn] = &[
    BuiltIn {
        group: "",
        version: "v1",
        plural: "namespaces",
        singular: "namespace",
        kind: "Namespace",
        namespaced: false,
        short_names: &["ns"],
        categories: &[],
        status: true,
        scale: false,
    },
    BuiltIn {
        group: "",
        version: "v1",
        plural: "configmaps",
        singular: "configmap",
        kind: "ConfigMap",
        namespaced: true,
        short_names: &["cm"],
        categories: &[],
        status: false,
        scale: false,
    },
    BuiltIn {
        group: "",
        version: "v1",
        plural: "secrets",
        singular: "secret",
        kind: "Secret",
        namespaced: true,
        short_names: &[],
        categories: &[],
        status: false,
        scale: false,
    },
    BuiltIn {
        group: "",
        version: "v1",
        plural: "services",
        singular: "service",
        kind: "Service",
        namespaced: true,
        short_names: &["svc"],
        categories: &["all"],
        status: true,
        scale: false,
    },
    BuiltIn {
        group: "",
        version: "v1",
        plural: "events",
        singular: "event",
        kind: "Event",
        namespaced: true,
        short_names: &["ev"],
        categories: &[],
        status: false,
        scale: false,
    },
    BuiltIn {
        group: "apps",
        version: "v1",
        plural: "deployments",
        singular: "deployment",
        kind: "Deployment",
        namespaced: true,
        short_names: &["deploy"],
        categories: &["all"],
        status: true,
        scale: true,
    },
    BuiltIn {
        group: "apps",
        version: "v1",
        plural: "statefulsets",
        singular: "statefulset",
        kind: "StatefulSet",
        namespaced: true,
        short_names: &["sts"],
        categories: &["all"],
        status: true,
        scale: true,
    },
    BuiltIn {
        group: "apps",
        version: "v1",
        plural: "daemonsets",
        singular: "daemonset",
        kind: "DaemonSet",
        namespaced: true,
        short_names: &["ds"],
        categories: &["all"],
        status: true,
        scale: false,
    },
    BuiltIn {
        group: "batch",
        version: "v1",
        plural: "jobs",
        singular: "job",
        kind: "Job",
        namespaced: true,
        short_names: &[],
        categories: &["all"],
        status: true,
        scale: false,
    },
    BuiltIn {
        group: "coordination.k8s.io",
        version: "v1",
        plural: "leases",
        singular: "lease",
        kind: "Lease",
        namespaced: true,
        short_names: &[],
        categories: &[],
        status: false,
        scale: false,
    },
    BuiltIn {
        group: "apiextensions.k8s.io",
        version: "v1",
        plural: "customresourcedefinitions",
        singular: "customresourcedefinition",
        kind: "CustomResourceDefinition",
        namespaced: false,
        short_names: &["crd", "crds"],
        categories: &["api-extensions"],
        status: true,
        scale: false,
    },
];

fn built_in(b: &BuiltIn) -> Resource {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    Resource {
        group: b.group.into(),
        version: b.version.into(),
        plural: b.plural.into(),
        singular: b.singular.into(),
        kind: b.kind.into(),
        list_kind: format!("{}List", b.kind),
        namespaced: b.namespaced,
        short_names: strings(b.short_names),
        categories: strings(b.categories),
        status: b.status,
        scale: b.scale.then(|| Scale {
            spec_replicas_path: ".spec.replicas".into(),
            status_replicas_path: ".status.replicas".into(),
            label_selector_path: Some(".status.selector".into()),
        }),
        columns: crate::printers::built_in_columns(b.kind).unwrap_or_default(),
        origin: Origin::BuiltIn,
        shared_storage: None,
        schema: None,
    }
}

/// `events.k8s.io/v1` Events over the core Events' storage (kube-api.md §14 SHOULD).
fn events_v1() -> Resource {
    let core = BUILT_INS
        .iter()
        .find(|b| b.group.is_empty() && b.plural == "events")
        .expect("core Events are built in");
    let mut events = built_in(core);
    events.group = "events.k8s.io".into();
    events.shared_storage = Some(SharedStorage::CoreEvents);
    events
}

fn flotilla(info: &KindInfo) -> Resource {
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
    Resource {
        group: info.group.into(),
        version: info.version.into(),
        plural: info.plural.into(),
        singular: info.singular.into(),
        kind: info.kind.into(),
        list_kind: format!("{}List", info.kind),
        namespaced: info.namespaced,
        short_names: strings(info.short_names),
        categories: strings(info.categories),
        status: info.status_subresource,
        scale: None,
        columns: info
            .printer_columns
            .iter()
            .map(|c| Column {
                name: c.name.to_string(),
                type_: c.type_.to_string(),
                json_path: c.json_path.to_string(),
                priority: c.priority,
                derived: None,
            })
            .collect(),
        origin: Origin::Flotilla,
        shared_storage: None,
        schema: None,
    }
}

/// A resource name, kind or short name already served elsewhere.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    /// The group/version already serves this plural from another origin.
    #[error("{plural}.{group}/{version} is already served")]
    AlreadyServed {
        /// Group.
        group: String,
        /// Version.
        version: String,
        /// Plural.
        plural: String,
    },
}

/// Every served resource; CRDs are added and removed while serving.
#[derive(Debug, Default)]
pub struct Registry {
    resources: RwLock<Vec<Arc<Resource>>>,
}

impl Registry {
    /// The built-ins and Flotilla's kinds.
    pub fn with_builtins() -> Self {
        let mut all: Vec<Arc<Resource>> = BUILT_INS.iter().map(|b| Arc::new(built_in(b))).collect();
        all.push(Arc::new(events_v1()));
        all.extend(ALL_KINDS.iter().map(|k| Arc::new(flotilla(k))));
        Registry {
            resources: RwLock::new(all),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<Resource>>> {
        self.resources.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Every resource, in registration order.
    pub fn all(&self) -> Vec<Arc<Resource>> {
        self.read().clone()
    }

    /// The resource served at `group/version/plural`.
    pub fn lookup(&self, group: &str, version: &str, plural: &str) -> Option<Arc<Resource>> {
        self.read()
            .iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
            .cloned()
    }

    /// The resource of a kind in a group/version.
    pub fn by_kind(&self, group: &str, version: &str, kind: &str) -> Option<Arc<Resource>> {
        self.read()
            .iter()
            .find(|r| r.group == group && r.version == version && r.kind == kind)
            .cloned()
    }

    /// Groups in discovery order (core first as `""`), each with its versions in preference
    /// order (the order they were registered in).
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for r in self.read().iter() {
            match groups.iter_mut().find(|(g, _)| *g == r.group) {
                Some((_, versions)) if !versions.contains(&r.version) => {
                    versions.push(r.version.clone())
                }
                Some(_) => {}
                None => groups.push((r.group.clone(), vec![r.version.clone()])),
            }
        }
        groups.sort_by_key(|(g, _)| !g.is_empty());
        groups
    }

    /// The resources of one group/version, in registration order.
    pub fn in_version(&self, group: &str, version: &str) -> Vec<Arc<Resource>> {
        self.read()
            .iter()
            .filter(|r| r.group == group && r.version == version)
            .cloned()
            .collect()
    }

    /// Serves a CRD's version (replacing what the same CRD served before).
    pub fn add_crd_resource(&self, resource: Resource) -> Result<(), RegistryError> {
        let mut all = self.resources.write().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = all.iter().position(|r| {
            r.group == resource.group
                && r.version == resource.version
                && r.plural == resource.plural
        }) {
            if all[i].origin != Origin::Crd {
                return Err(RegistryError::AlreadyServed {
                    group: resource.group,
                    version: resource.version,
                    plural: resource.plural,
                });
            }
            all[i] = Arc::new(resource);
        } else {
            all.push(Arc::new(resource));
        }
        Ok(())
    }

    /// Stops serving a CRD's resources (every version of `plural.group`).
    pub fn remove_crd_resources(&self, group: &str, plural: &str) {
        let mut all = self.resources.write().unwrap_or_else(|p| p.into_inner());
        all.retain(|r| !(r.origin == Origin::Crd && r.group == group && r.plural == plural));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_the_built_ins_and_flotillas_kinds() {
        let r = Registry::with_builtins();
        let deploy = r.lookup("apps", "v1", "deployments").unwrap();
        assert_eq!(deploy.kind, "Deployment");
        assert!(deploy.strategic_merge() && deploy.scale.is_some());
        assert_eq!(
            deploy.key(Some("demo"), "web"),
            "/apps/deployments/demo/web"
        );
        let ns = r.lookup("", "v1", "namespaces").unwrap();
        assert_eq!(ns.key(None, "demo"), "/core/namespaces/demo");
        assert_eq!(
            ns.key_prefix(Some("x")),
            "/core/namespaces/",
            "cluster-scoped"
        );
        let cluster = r
            .lookup("cluster.karmada.io", "v1alpha1", "clusters")
            .unwrap();
        assert!(!cluster.namespaced && !cluster.strategic_merge() && cluster.status);
        assert_eq!(cluster.qualified_plural(), "clusters.cluster.karmada.io");
        let pp = r
            .lookup("policy.karmada.io", "v1alpha1", "propagationpolicies")
            .unwrap();
        assert_eq!(pp.short_names, ["pp"]);
        assert!(
            r.by_kind("work.karmada.io", "v1alpha2", "ResourceBinding")
                .is_some()
        );
        assert!(r.lookup("apps", "v1", "replicasets").is_none());
    }

    #[test]
    fn groups_put_core_first_and_keep_versions() {
        let r = Registry::with_builtins();
        let groups = r.groups();
        assert_eq!(groups[0], (String::new(), vec!["v1".to_string()]));
        let work = groups.iter().find(|(g, _)| g == "work.karmada.io").unwrap();
        assert_eq!(
            work.1.len(),
            2,
            "v1alpha1 (works) and v1alpha2 (bindings): {work:?}"
        );
        for (group, versions) in &groups {
            for v in versions {
                assert!(!r.in_version(group, v).is_empty());
            }
        }
    }

    #[test]
    fn crds_come_and_go_but_cannot_shadow() {
        let r = Registry::with_builtins();
        let mut flink = built_in(&BUILT_INS[1]);
        flink.group = "flink.apache.org".into();
        flink.version = "v1beta1".into();
        flink.plural = "flinkdeployments".into();
        flink.kind = "FlinkDeployment".into();
        flink.origin = Origin::Crd;
        r.add_crd_resource(flink.clone()).unwrap();
        assert!(
            r.lookup("flink.apache.org", "v1beta1", "flinkdeployments")
                .is_some()
        );
        r.remove_crd_resources("flink.apache.org", "flinkdeployments");
        assert!(
            r.lookup("flink.apache.org", "v1beta1", "flinkdeployments")
                .is_none()
        );
        let mut shadow = flink;
        shadow.group = "apps".into();
        shadow.version = "v1".into();
        shadow.plural = "deployments".into();
        assert!(matches!(
            r.add_crd_resource(shadow),
            Err(RegistryError::AlreadyServed { .. })
        ));
    }
}
