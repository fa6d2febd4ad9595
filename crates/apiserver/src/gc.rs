//! The garbage collector's index (kube-api.md §7.9): which uids exist and which objects depend
//! on which owner uid, fed from store events, and the rule deciding orphans: an object is
//! collected when it has owner references and *every* referenced uid is gone.
//!
//! The index also answers what cascading deletion (`crate::cascade`) asks: an object's
//! finalizers, the dependents of a uid and the key holding a uid.
//!
//! Owns: the index and the orphan rule, as plain data and functions. Must not: do I/O or
//! delete anything (`server::collector` does, through the client delete path).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Deserialize;

use crate::registry::{Registry, Resource};

/// Where a store key points: the resource (any served version of its group and plural), the
/// namespace and the name; `None` for keys of nothing served (e.g. a removed CRD's objects).
pub fn locate(registry: &Registry, key: &str) -> Option<(Arc<Resource>, Option<String>, String)> {
    let mut parts = key.strip_prefix('/')?.split('/');
    let group = match parts.next()? {
        "core" => "",
        group => group,
    };
    let plural = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let resource = registry
        .all()
        .into_iter()
        .find(|r| r.group == group && r.plural == plural)?;
    match (resource.namespaced, rest.as_slice()) {
        (true, [namespace, name]) => {
            Some((resource, Some(namespace.to_string()), name.to_string()))
        }
        (false, [name]) => Some((resource, None, name.to_string())),
        _ => None,
    }
}

/// What the collector needs of an object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectMeta {
    /// `metadata.uid`.
    pub uid: String,
    /// `metadata.ownerReferences[].uid`, without duplicates.
    pub owners: Vec<String>,
    /// Has a deletionTimestamp (already being deleted: not collected again).
    pub deleting: bool,
    /// `metadata.finalizers` (cascading deletion looks for `orphan` and `foregroundDeletion`).
    pub finalizers: Vec<String>,
    /// The store revision of this version (the delete's resourceVersion precondition).
    pub resource_version: u64,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    metadata: Metadata,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    #[serde(default)]
    uid: String,
    #[serde(default)]
    owner_references: Vec<OwnerReference>,
    #[serde(default)]
    deletion_timestamp: Option<String>,
    #[serde(default)]
    finalizers: Vec<String>,
}

#[derive(Deserialize)]
struct OwnerReference {
    #[serde(default)]
    uid: String,
}

impl ObjectMeta {
    /// Reads the fields from a stored object's JSON (`None` if it is not an object).
    pub fn parse(bytes: &[u8]) -> Option<ObjectMeta> {
        let envelope: Envelope = serde_json::from_slice(bytes).ok()?;
        let meta = envelope.metadata;
        let mut owners: Vec<String> = Vec::new();
        for owner in meta.owner_references {
            if !owner.uid.is_empty() && !owners.contains(&owner.uid) {
                owners.push(owner.uid);
            }
        }
        Some(ObjectMeta {
            uid: meta.uid,
            owners,
            deleting: meta.deletion_timestamp.is_some(),
            finalizers: meta.finalizers,
            resource_version: 0,
        })
    }

    /// Whether `metadata.finalizers` holds `finalizer`.
    pub fn has_finalizer(&self, finalizer: &str) -> bool {
        self.finalizers.iter().any(|f| f == finalizer)
    }
}

/// Whether an object with these owner uids is an orphan: it has owners and none exists.
pub fn is_orphan(owners: &[String], exists: impl Fn(&str) -> bool) -> bool {
    !owners.is_empty() && owners.iter().all(|uid| !exists(uid))
}

/// Every stored object's uid and owners, by store key.
#[derive(Debug, Default)]
pub struct GcIndex {
    objects: HashMap<String, ObjectMeta>,
    keys_by_uid: HashMap<String, String>,
    dependents: HashMap<String, BTreeSet<String>>,
    revision: u64,
}

impl GcIndex {
    /// An empty index at revision 0.
    pub fn new() -> GcIndex {
        GcIndex::default()
    }

    /// The store revision the index reflects.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Records that every commit up to `revision` has been applied.
    pub fn advance(&mut self, revision: u64) {
        self.revision = self.revision.max(revision);
    }

    /// Whether an object with this uid exists.
    pub fn exists(&self, uid: &str) -> bool {
        self.keys_by_uid.contains_key(uid)
    }

    /// The indexed metadata of the object at `key`.
    pub fn get(&self, key: &str) -> Option<&ObjectMeta> {
        self.objects.get(key)
    }

    /// The key of the object with this uid.
    pub fn key_of(&self, uid: &str) -> Option<&str> {
        self.keys_by_uid.get(uid).map(String::as_str)
    }

    /// The keys of the objects with an owner reference to `uid`, sorted.
    pub fn dependents_of(&self, uid: &str) -> Vec<String> {
        self.dependents
            .get(uid)
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Every indexed object, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ObjectMeta)> {
        self.objects.iter().map(|(k, m)| (k.as_str(), m))
    }

    /// The number of objects indexed.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Whether the object at `key` should be collected now.
    pub fn is_collectable(&self, key: &str) -> bool {
        self.objects
            .get(key)
            .is_some_and(|m| !m.deleting && is_orphan(&m.owners, |uid| self.exists(uid)))
    }

    /// Records a created or updated object; returns the keys that may have become collectable
    /// (the object itself, and dependents of a uid this key no longer holds).
    pub fn put(&mut self, key: &str, meta: ObjectMeta) -> Vec<String> {
        let mut candidates = self.forget(key);
        if !meta.uid.is_empty() {
            self.keys_by_uid.insert(meta.uid.clone(), key.to_string());
        }
        for owner in &meta.owners {
            self.dependents
                .entry(owner.clone())
                .or_default()
                .insert(key.to_string());
        }
        self.objects.insert(key.to_string(), meta);
        candidates.push(key.to_string());
        self.collectable(candidates)
    }

    /// Records a deleted object; returns the dependents that may have become collectable.
    pub fn remove(&mut self, key: &str) -> Vec<String> {
        let candidates = self.forget(key);
        self.collectable(candidates)
    }

    /// Every collectable key (after a (re)list, and at start).
    pub fn orphans(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .objects
            .keys()
            .filter(|k| self.is_collectable(k))
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    /// Drops `key` from the index; returns the dependents of the uid it held.
    fn forget(&mut self, key: &str) -> Vec<String> {
        let Some(old) = self.objects.remove(key) else {
            return Vec::new();
        };
        for owner in &old.owners {
            if let Some(set) = self.dependents.get_mut(owner) {
                set.remove(key);
                if set.is_empty() {
                    self.dependents.remove(owner);
                }
            }
        }
        if self.keys_by_uid.get(&old.uid).is_some_and(|k| k == key) {
            self.keys_by_uid.remove(&old.uid);
        }
        self.dependents
            .get(&old.uid)
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn collectable(&self, mut keys: Vec<String>) -> Vec<String> {
        keys.sort();
        keys.dedup();
        keys.retain(|k| self.is_collectable(k));
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(uid: &str, owners: &[&str]) -> ObjectMeta {
        ObjectMeta {
            uid: uid.into(),
            owners: owners.iter().map(|o| o.to_string()).collect(),
            deleting: false,
            finalizers: Vec::new(),
            resource_version: 0,
        }
    }

    #[test]
    fn keys_are_located() {
        let registry = Registry::with_builtins();
        // (key, plural, namespace, name)
        let table = [
            (
                "/core/configmaps/ns1/cm",
                Some(("configmaps", Some("ns1"), "cm")),
            ),
            ("/core/namespaces/ns1", Some(("namespaces", None, "ns1"))),
            (
                "/apps/deployments/ns1/d",
                Some(("deployments", Some("ns1"), "d")),
            ),
            ("/core/configmaps/cm", None),
            ("/core/namespaces/a/b", None),
            ("/example.com/widgets/ns1/w", None),
            ("no-slash", None),
        ];
        for (key, expected) in table {
            let got = locate(&registry, key);
            let got = got
                .as_ref()
                .map(|(r, ns, name)| (r.plural.as_str(), ns.as_deref(), name.as_str()));
            assert_eq!(got, expected, "{key}");
        }
    }

    #[test]
    fn orphan_rule() {
        let exists = |uid: &str| uid == "live";
        // (owners, orphan): kube-api.md §7.9 — every owner must be gone.
        let table: [(&[&str], bool); 5] = [
            (&[], false),
            (&["live"], false),
            (&["gone"], true),
            (&["gone", "live"], false),
            (&["gone", "gone2"], true),
        ];
        for (owners, orphan) in table {
            let owners: Vec<String> = owners.iter().map(|o| o.to_string()).collect();
            assert_eq!(is_orphan(&owners, exists), orphan, "{owners:?}");
        }
    }

    #[test]
    fn parse_reads_uid_owners_and_deletion() {
        let bytes = br#"{"metadata":{"uid":"u1","deletionTimestamp":"2024-01-01T00:00:00Z",
            "ownerReferences":[{"uid":"a"},{"uid":"b"},{"uid":"a"},{"name":"no-uid"}],
            "finalizers":["orphan","example.com/x"]},
            "spec":{"x":1}}"#;
        let parsed = ObjectMeta::parse(bytes).unwrap();
        assert_eq!(parsed.uid, "u1");
        assert_eq!(parsed.owners, ["a", "b"]);
        assert!(parsed.deleting);
        assert!(parsed.has_finalizer("orphan") && !parsed.has_finalizer("foregroundDeletion"));
        assert_eq!(ObjectMeta::parse(b"{}").unwrap(), ObjectMeta::default());
        assert!(ObjectMeta::parse(b"[1]").is_none());
    }

    #[test]
    fn chain_is_collected_step_by_step() {
        let mut index = GcIndex::new();
        assert!(index.put("/core/a/ns/owner", meta("o", &[])).is_empty());
        assert!(index.put("/core/a/ns/child", meta("c", &["o"])).is_empty());
        assert!(index.put("/core/a/ns/grand", meta("g", &["c"])).is_empty());
        assert_eq!(index.remove("/core/a/ns/owner"), ["/core/a/ns/child"]);
        assert_eq!(index.remove("/core/a/ns/child"), ["/core/a/ns/grand"]);
        assert!(index.remove("/core/a/ns/grand").is_empty());
        assert!(index.is_empty());
    }

    #[test]
    fn two_owners_need_both_gone() {
        let mut index = GcIndex::new();
        index.put("/k/a/o1", meta("o1", &[]));
        index.put("/k/a/o2", meta("o2", &[]));
        index.put("/k/a/d", meta("d", &["o1", "o2"]));
        assert!(index.remove("/k/a/o1").is_empty());
        assert_eq!(index.remove("/k/a/o2"), ["/k/a/d"]);
    }

    #[test]
    fn dangling_owner_at_put_and_orphans_after_list() {
        let mut index = GcIndex::new();
        assert_eq!(index.put("/k/a/d", meta("d", &["never"])), ["/k/a/d"]);
        index.put("/k/a/e", meta("e", &["d"]));
        index.put("/k/a/f", meta("f", &["gone", "d"]));
        assert_eq!(index.orphans(), ["/k/a/d"]);
    }

    #[test]
    fn deleting_objects_are_not_collected_again() {
        let mut index = GcIndex::new();
        let mut marked = meta("d", &["gone"]);
        marked.deleting = true;
        assert!(index.put("/k/a/d", marked).is_empty());
        assert!(index.orphans().is_empty());
    }

    #[test]
    fn recreated_key_with_new_uid_orphans_old_dependents() {
        let mut index = GcIndex::new();
        index.put("/k/a/o", meta("old", &[]));
        index.put("/k/a/d", meta("d", &["old"]));
        assert_eq!(index.put("/k/a/o", meta("new", &[])), ["/k/a/d"]);
        assert!(index.exists("new") && !index.exists("old"));
        assert_eq!(index.key_of("new"), Some("/k/a/o"));
        assert_eq!(index.dependents_of("old"), ["/k/a/d"]);
        assert!(index.dependents_of("new").is_empty());
    }

    #[test]
    fn owner_created_later_makes_the_dependent_live() {
        let mut index = GcIndex::new();
        index.put("/k/a/d", meta("d", &["o"]));
        index.put("/k/a/o", meta("o", &[]));
        assert!(!index.is_collectable("/k/a/d"));
        index.advance(7);
        index.advance(3);
        assert_eq!(index.revision(), 7);
    }
}
