//! Strategic merge patch metadata: for each list field of a kind, whether the list is replaced
//! (the default), merged element by element on a merge key, or merged as a set of primitives.
//! The built-in table covers the kinds the server serves (kube-api.md §8), with the strategies
//! Kubernetes declares for them (`patchStrategy` / `patchMergeKey`).
//!
//! A field path is the sequence of object member names from the document root; list elements
//! are transparent, so `spec.template.spec.containers.ports` names every container's `ports`.
//!
//! Owns: the merge-key table. Must not: apply patches (see `strategic`), or describe CRD-like
//! kinds, which have no strategic merge patch upstream (the server answers 415).

use ListStrategy::{MergeByKey, MergeSet};

/// How one list field is patched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListStrategy {
    /// The patch's list replaces the live list (the default, as in JSON merge patch).
    Replace,
    /// A list of objects merged element by element; elements match on this member.
    MergeByKey(&'static str),
    /// A list of primitives merged as a set (deduplicated union), e.g. `metadata.finalizers`.
    MergeSet,
}

/// One list field below a [`RuleScope`]'s root and its strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRule {
    /// The field path relative to the scope root.
    pub path: &'static [&'static str],
    /// How the list is patched.
    pub strategy: ListStrategy,
}

/// A set of rules that hold below one root path (an ObjectMeta, a PodSpec, a Container, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleScope {
    /// Where the rules apply, from the document root.
    pub root: &'static [&'static str],
    /// The list fields below `root`.
    pub rules: &'static [ListRule],
}

/// Which lists of a kind merge, and how. Paths that no rule names are [`ListStrategy::Replace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrategicSchema {
    scopes: &'static [RuleScope],
}

impl StrategicSchema {
    /// A schema from a static table of scopes.
    pub const fn new(scopes: &'static [RuleScope]) -> Self {
        StrategicSchema { scopes }
    }

    /// The schema of a built-in kind the server serves, by `apiVersion` (only the group is
    /// looked at) and `kind`. `None` means the kind does not take strategic merge patches (415).
    pub fn for_kind(api_version: &str, kind: &str) -> Option<Self> {
        let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
        let scopes = match (group, kind) {
            ("apps", "Deployment" | "StatefulSet" | "DaemonSet") | ("batch", "Job") => WORKLOAD,
            ("", "Service") => SERVICE,
            ("", "Namespace") => NAMESPACE,
            ("", "ConfigMap" | "Secret" | "Event") => METADATA_ONLY,
            _ => return None,
        };
        Some(StrategicSchema::new(scopes))
    }

    /// How the list at `path` is patched.
    pub fn list_strategy(&self, path: &[&str]) -> ListStrategy {
        self.scopes
            .iter()
            .find_map(|scope| {
                let rest = strip_root(path, scope.root)?;
                scope
                    .rules
                    .iter()
                    .find(|rule| rule.path == rest)
                    .map(|rule| rule.strategy)
            })
            .unwrap_or(ListStrategy::Replace)
    }

    /// The merge key of the list at `path`, if it merges by key.
    pub fn merge_key(&self, path: &[&str]) -> Option<&'static str> {
        match self.list_strategy(path) {
            ListStrategy::MergeByKey(key) => Some(key),
            ListStrategy::Replace | ListStrategy::MergeSet => None,
        }
    }
}

/// The part of `path` below `root`, if `path` lies strictly below it.
fn strip_root<'p, 'a>(path: &'p [&'a str], root: &[&str]) -> Option<&'p [&'a str]> {
    let below = path.len() > root.len() && path.iter().zip(root).all(|(a, b)| a == b);
    below.then(|| &path[root.len()..])
}

const fn rule(path: &'static [&'static str], strategy: ListStrategy) -> ListRule {
    ListRule { path, strategy }
}

const fn scope(root: &'static [&'static str], rules: &'static [ListRule]) -> RuleScope {
    RuleScope { root, rules }
}

/// ObjectMeta: `finalizers` is a merged set, `ownerReferences` merge by `uid`; everything else
/// (`managedFields` included) is replaced.
const OBJECT_META: &[ListRule] = &[
    rule(&["finalizers"], MergeSet),
    rule(&["ownerReferences"], MergeByKey("uid")),
];

/// PodSpec. `tolerations`, `readinessGates` and the affinity lists have no merge strategy
/// upstream, so they are replaced.
const POD_SPEC: &[ListRule] = &[
    rule(&["containers"], MergeByKey("name")),
    rule(&["initContainers"], MergeByKey("name")),
    rule(&["ephemeralContainers"], MergeByKey("name")),
    rule(&["volumes"], MergeByKey("name")),
    rule(&["imagePullSecrets"], MergeByKey("name")),
    rule(&["hostAliases"], MergeByKey("ip")),
    rule(&["topologySpreadConstraints"], MergeByKey("topologyKey")),
    rule(&["schedulingGates"], MergeByKey("name")),
    rule(&["resourceClaims"], MergeByKey("name")),
];

/// Container (and init and ephemeral containers). `command`, `args`, `envFrom` and
/// `resizePolicy` are replaced.
const CONTAINER: &[ListRule] = &[
    rule(&["ports"], MergeByKey("containerPort")),
    rule(&["env"], MergeByKey("name")),
    rule(&["volumeMounts"], MergeByKey("mountPath")),
    rule(&["volumeDevices"], MergeByKey("devicePath")),
];

/// A status whose `conditions` merge by `type`.
const STATUS: &[ListRule] = &[rule(&["conditions"], MergeByKey("type"))];

/// ServiceSpec: `ports` merge by `port` (upstream's single merge key, not port+protocol).
const SERVICE_SPEC: &[ListRule] = &[rule(&["ports"], MergeByKey("port"))];

/// apps/v1 Deployment, StatefulSet, DaemonSet and batch/v1 Job: a pod template at
/// `spec.template`, status conditions by `type`.
const WORKLOAD: &[RuleScope] = &[
    scope(&["metadata"], OBJECT_META),
    scope(&["spec", "template", "metadata"], OBJECT_META),
    scope(&["spec", "template", "spec"], POD_SPEC),
    scope(&["spec", "template", "spec", "containers"], CONTAINER),
    scope(&["spec", "template", "spec", "initContainers"], CONTAINER),
    scope(
        &["spec", "template", "spec", "ephemeralContainers"],
        CONTAINER,
    ),
    scope(&["spec", "volumeClaimTemplates", "metadata"], OBJECT_META),
    scope(&["status"], STATUS),
];

/// core/v1 Service.
const SERVICE: &[RuleScope] = &[
    scope(&["metadata"], OBJECT_META),
    scope(&["spec"], SERVICE_SPEC),
    scope(&["status"], STATUS),
];

/// core/v1 Namespace (`spec.finalizers` has no merge strategy upstream: replaced).
const NAMESPACE: &[RuleScope] = &[
    scope(&["metadata"], OBJECT_META),
    scope(&["status"], STATUS),
];

/// core/v1 ConfigMap, Secret and Event: only ObjectMeta has merging lists.
const METADATA_ONLY: &[RuleScope] = &[scope(&["metadata"], OBJECT_META)];
