//! The top-level kinds (object roots) and their registry facts: group, version, names, scope,
//! categories, printer columns and subresources (api.md §1).
//!
//! Owns: `KindInfo` for every served kind and the root structs. Must not: validate or default.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use crate::types::{
    ClusterSpec, ClusterStatus, ClusterTaintPolicySpec, OverrideSpec, PropagationSpec,
    ResourceBindingSpec, ResourceBindingStatus, WorkSpec, WorkStatus,
};

/// An additional printer column (`kubectl get` output), as in a CRD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrinterColumn {
    /// Column header.
    pub name: &'static str,
    /// OpenAPI type: `string`, `integer`, `date`, …
    pub type_: &'static str,
    /// JSONPath (simple) of the value, e.g. `.spec.syncMode`.
    pub json_path: &'static str,
    /// 0 = default view, 1 = `-o wide` only.
    pub priority: i32,
}

/// Registry facts of one served kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindInfo {
    /// API group, e.g. `policy.karmada.io`.
    pub group: &'static str,
    /// API version, e.g. `v1alpha1`.
    pub version: &'static str,
    /// `group/version`.
    pub api_version: &'static str,
    /// Kind, e.g. `PropagationPolicy`.
    pub kind: &'static str,
    /// Plural resource name.
    pub plural: &'static str,
    /// Singular resource name.
    pub singular: &'static str,
    /// Short names (`pp`).
    pub short_names: &'static [&'static str],
    /// Categories (`karmada-io`).
    pub categories: &'static [&'static str],
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
    /// Whether the kind has a `/status` subresource.
    pub status_subresource: bool,
    /// Printer columns besides NAME (AGE included where the kind shows it).
    pub printer_columns: &'static [PrinterColumn],
}

/// Implemented by every root type: static facts plus access to metadata.
pub trait KarmadaKind:
    Serialize + for<'de> Deserialize<'de> + Clone + std::fmt::Debug + PartialEq + 'static
{
    /// Registry facts.
    const INFO: &'static KindInfo;
    /// The spec type.
    type Spec;
    /// The object's metadata.
    fn metadata(&self) -> &ObjectMeta;
    /// The object's metadata, mutable.
    fn metadata_mut(&mut self) -> &mut ObjectMeta;
}

const AGE: PrinterColumn = PrinterColumn {
    name: "AGE",
    type_: "date",
    json_path: ".metadata.creationTimestamp",
    priority: 0,
};

const POLICY_COLUMNS: &[PrinterColumn] = &[
    PrinterColumn {
        name: "CONFLICT-RESOLUTION",
        type_: "string",
        json_path: ".spec.conflictResolution",
        priority: 0,
    },
    PrinterColumn {
        name: "PRIORITY",
        type_: "string",
        json_path: ".spec.priority",
        priority: 0,
    },
    AGE,
];

const BINDING_COLUMNS: &[PrinterColumn] = &[
    PrinterColumn {
        name: "SCHEDULED",
        type_: "string",
        json_path: ".status.conditions[?(@.type==\"Scheduled\")].status",
        priority: 0,
    },
    PrinterColumn {
        name: "FULLYAPPLIED",
        type_: "string",
        json_path: ".status.conditions[?(@.type==\"FullyApplied\")].status",
        priority: 0,
    },
    AGE,
];

const CLUSTER_COLUMNS: &[PrinterColumn] = &[
    PrinterColumn {
        name: "VERSION",
        type_: "string",
        json_path: ".status.kubernetesVersion",
        priority: 0,
    },
    PrinterColumn {
        name: "MODE",
        type_: "string",
        json_path: ".spec.syncMode",
        priority: 0,
    },
    PrinterColumn {
        name: "READY",
        type_: "string",
        json_path: ".status.conditions[?(@.type==\"Ready\")].status",
        priority: 0,
    },
    AGE,
    PrinterColumn {
        name: "ZONES",
        type_: "string",
        json_path: ".spec.zones",
        priority: 1,
    },
    PrinterColumn {
        name: "REGION",
        type_: "string",
        json_path: ".spec.region",
        priority: 1,
    },
    PrinterColumn {
        name: "PROVIDER",
        type_: "string",
        json_path: ".spec.provider",
        priority: 1,
    },
    PrinterColumn {
        name: "API-ENDPOINT",
        type_: "string",
        json_path: ".spec.apiEndpoint",
        priority: 1,
    },
    PrinterColumn {
        name: "PROXY-URL",
        type_: "string",
        json_path: ".spec.proxyURL",
        priority: 1,
    },
];

const WORK_COLUMNS: &[PrinterColumn] = &[
    PrinterColumn {
        name: "WORKLOAD-KIND",
        type_: "string",
        json_path: ".spec.workload.manifests[*].kind",
        priority: 0,
    },
    PrinterColumn {
        name: "APPLIED",
        type_: "string",
        json_path: ".status.conditions[?(@.type==\"Applied\")].status",
        priority: 0,
    },
    AGE,
];

/// Defines a root struct, its `KarmadaKind` impl and the k8s-openapi traits (which give
/// `kube::Resource` through kube's blanket impl).
macro_rules! root_kind {
    (
        $(#[$doc:meta])*
        $name:ident, $info:ident, spec: $spec:ty, $(status: $status:ty,)?
        scope: $scope:ty, group: $group:literal, version: $version:literal,
        $($field:ident : $value:expr),* $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// `group/version` of the kind.
            #[serde(default)]
            pub api_version: String,
            /// The kind name.
            #[serde(default)]
            pub kind: String,
            /// Standard object metadata.
            #[serde(default)]
            pub metadata: ObjectMeta,
            /// Desired state.
            pub spec: $spec,
            $(
            /// Observed state, written through the `/status` subresource.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub status: Option<$status>,
            )?
        }

        /// Registry facts of this kind.
        pub static $info: KindInfo = KindInfo {
            group: $group,
            version: $version,
            api_version: concat!($group, "/", $version),
            kind: stringify!($name),
            $($field: $value),*
        };

        impl $name {
            /// A new object with `apiVersion`/`kind` set and the given name and spec.
            #[allow(clippy::needless_update)] // kinds without status set every field
            pub fn new(name: &str, spec: $spec) -> Self {
                Self {
                    api_version: $info.api_version.to_string(),
                    kind: $info.kind.to_string(),
                    metadata: ObjectMeta { name: Some(name.to_string()), ..Default::default() },
                    spec,
                    ..Default::default()
                }
            }
        }

        impl KarmadaKind for $name {
            const INFO: &'static KindInfo = &$info;
            type Spec = $spec;
            fn metadata(&self) -> &ObjectMeta { &self.metadata }
            fn metadata_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
        }

        impl k8s_openapi::Resource for $name {
            const API_VERSION: &'static str = concat!($group, "/", $version);
            const GROUP: &'static str = $group;
            const KIND: &'static str = stringify!($name);
            const VERSION: &'static str = $version;
            const URL_PATH_SEGMENT: &'static str = $info.plural;
            type Scope = $scope;
        }

        impl k8s_openapi::Metadata for $name {
            type Ty = ObjectMeta;
            fn metadata(&self) -> &ObjectMeta { &self.metadata }
            fn metadata_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
        }
    };
}

use k8s_openapi::{ClusterResourceScope, NamespaceResourceScope};

root_kind! {
    /// A member cluster (cluster.karmada.io/v1alpha1, cluster-scoped).
    Cluster, CLUSTER, spec: ClusterSpec, status: ClusterStatus,
    scope: ClusterResourceScope, group: "cluster.karmada.io", version: "v1alpha1",
    plural: "clusters", singular: "cluster", short_names: &[], categories: &[],
    namespaced: false, status_subresource: true, printer_columns: CLUSTER_COLUMNS,
}

root_kind! {
    /// Propagates resource templates of its namespace to member clusters.
    PropagationPolicy, PROPAGATION_POLICY, spec: PropagationSpec,
    scope: NamespaceResourceScope, group: "policy.karmada.io", version: "v1alpha1",
    plural: "propagationpolicies", singular: "propagationpolicy", short_names: &["pp"],
    categories: &["karmada-io"], namespaced: true, status_subresource: false,
    printer_columns: POLICY_COLUMNS,
}

root_kind! {
    /// Propagates cluster-scoped templates, and namespaced ones of any namespace.
    ClusterPropagationPolicy, CLUSTER_PROPAGATION_POLICY, spec: PropagationSpec,
    scope: ClusterResourceScope, group: "policy.karmada.io", version: "v1alpha1",
    plural: "clusterpropagationpolicies", singular: "clusterpropagationpolicy",
    short_names: &["cpp"], categories: &["karmada-io"], namespaced: false,
    status_subresource: false, printer_columns: POLICY_COLUMNS,
}

root_kind! {
    /// Turns Cluster conditions into taints.
    ClusterTaintPolicy, CLUSTER_TAINT_POLICY, spec: ClusterTaintPolicySpec,
    scope: ClusterResourceScope, group: "policy.karmada.io", version: "v1alpha1",
    plural: "clustertaintpolicies", singular: "clustertaintpolicy", short_names: &[],
    categories: &[], namespaced: false, status_subresource: false,
    printer_columns: &[AGE],
}

root_kind! {
    /// Overrides templates per cluster, in its namespace.
    OverridePolicy, OVERRIDE_POLICY, spec: OverrideSpec,
    scope: NamespaceResourceScope, group: "policy.karmada.io", version: "v1alpha1",
    plural: "overridepolicies", singular: "overridepolicy", short_names: &["op"],
    categories: &["karmada-io"], namespaced: true, status_subresource: false,
    printer_columns: &[],
}

root_kind! {
    /// Overrides templates per cluster, cluster-wide.
    ClusterOverridePolicy, CLUSTER_OVERRIDE_POLICY, spec: OverrideSpec,
    scope: ClusterResourceScope, group: "policy.karmada.io", version: "v1alpha1",
    plural: "clusteroverridepolicies", singular: "clusteroverridepolicy",
    short_names: &["cop"], categories: &["karmada-io"], namespaced: false,
    status_subresource: false, printer_columns: &[],
}

root_kind! {
    /// Binds a namespaced template to its policy and records the scheduling result.
    ResourceBinding, RESOURCE_BINDING, spec: ResourceBindingSpec, status: ResourceBindingStatus,
    scope: NamespaceResourceScope, group: "work.karmada.io", version: "v1alpha2",
    plural: "resourcebindings", singular: "resourcebinding", short_names: &["rb"],
    categories: &["karmada-io"], namespaced: true, status_subresource: true,
    printer_columns: BINDING_COLUMNS,
}

root_kind! {
    /// Binds a cluster-scoped template to its policy and records the scheduling result.
    ClusterResourceBinding, CLUSTER_RESOURCE_BINDING, spec: ResourceBindingSpec,
    status: ResourceBindingStatus,
    scope: ClusterResourceScope, group: "work.karmada.io", version: "v1alpha2",
    plural: "clusterresourcebindings", singular: "clusterresourcebinding", short_names: &["crb"],
    categories: &["karmada-io"], namespaced: false, status_subresource: true,
    printer_columns: BINDING_COLUMNS,
}

root_kind! {
    /// One manifest for one member cluster, in the execution namespace `karmada-es-<cluster>`.
    Work, WORK, spec: WorkSpec, status: WorkStatus,
    scope: NamespaceResourceScope, group: "work.karmada.io", version: "v1alpha1",
    plural: "works", singular: "work", short_names: &["wk"], categories: &["karmada-io"],
    namespaced: true, status_subresource: true, printer_columns: WORK_COLUMNS,
}

/// ResourceBinding and ClusterResourceBinding: one interface, so binding logic is written once.
pub trait Binding: KarmadaKind {
    /// The spec.
    fn spec(&self) -> &ResourceBindingSpec;
    /// The spec, mutable.
    fn spec_mut(&mut self) -> &mut ResourceBindingSpec;
    /// The status, if any.
    fn status(&self) -> Option<&ResourceBindingStatus>;
    /// The status, created empty if absent.
    fn status_mut(&mut self) -> &mut ResourceBindingStatus;
}

macro_rules! impl_binding {
    ($name:ident) => {
        impl Binding for $name {
            fn spec(&self) -> &ResourceBindingSpec {
                &self.spec
            }
            fn spec_mut(&mut self) -> &mut ResourceBindingSpec {
                &mut self.spec
            }
            fn status(&self) -> Option<&ResourceBindingStatus> {
                self.status.as_ref()
            }
            fn status_mut(&mut self) -> &mut ResourceBindingStatus {
                self.status.get_or_insert_with(Default::default)
            }
        }
    };
}

impl_binding!(ResourceBinding);
impl_binding!(ClusterResourceBinding);

/// Every kind Flotilla serves, in api.md §1 order.
pub static ALL_KINDS: [&KindInfo; 9] = [
    &CLUSTER,
    &PROPAGATION_POLICY,
    &CLUSTER_PROPAGATION_POLICY,
    &CLUSTER_TAINT_POLICY,
    &OVERRIDE_POLICY,
    &CLUSTER_OVERRIDE_POLICY,
    &RESOURCE_BINDING,
    &CLUSTER_RESOURCE_BINDING,
    &WORK,
];

/// Looks up a served kind by `apiVersion` and `kind`.
pub fn find_kind(api_version: &str, kind: &str) -> Option<&'static KindInfo> {
    ALL_KINDS
        .iter()
        .copied()
        .find(|info| info.api_version == api_version && info.kind == kind)
}
