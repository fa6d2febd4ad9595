//! Names Karmada derives from other names: bindings, Works, execution namespaces and dependency
//! labels, with Karmada's FNV-1a + safe-alphabet hash (api.md §11).
//!
//! Owns: the naming rules. Must not: look anything up.

use crate::constants::{labels, namespaces};

/// Kubernetes' "safe" alphabet: no vowels, no confusable characters.
const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// FNV-1a 32-bit.
fn fnv1a_32(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Maps each character through the safe alphabet at index (code mod 27).
fn safe_encode(text: &str) -> String {
    text.bytes()
        .map(|b| SAFE_ALPHABET[usize::from(b) % SAFE_ALPHABET.len()] as char)
        .collect()
}

/// The hash suffix: FNV-1a of `text` as unsigned decimal, safe-encoded.
pub fn hash_suffix(text: &str) -> String {
    safe_encode(&fnv1a_32(text.as_bytes()).to_string())
}

/// Lower-cases a template name and replaces `:` with `.`.
fn normalize(name: &str) -> String {
    name.to_lowercase().replace(':', ".")
}

/// The binding of a template: `<name>-<kind>` lower-cased, `:` → `.` (Deployment `nginx` →
/// `nginx-deployment`).
pub fn binding_name(kind: &str, name: &str) -> String {
    format!("{}-{}", normalize(name), kind.to_lowercase())
}

/// The Work of a template in a cluster's execution namespace: `<n>-<hash>` (Deployment
/// `default/nginx` → `nginx-687f7fb96f`). `namespace` is empty for cluster-scoped templates.
pub fn work_name(kind: &str, name: &str, namespace: &str) -> String {
    let n = normalize(name);
    let hashed = if namespace.is_empty() {
        format!("{n}-{kind}")
    } else {
        format!("{namespace}-{n}-{kind}")
    };
    format!("{n}-{}", hash_suffix(&hashed.to_lowercase()))
}

/// The execution namespace of a cluster: `karmada-es-<cluster>`.
pub fn execution_namespace(cluster: &str) -> String {
    format!("{}{cluster}", namespaces::EXECUTION_PREFIX)
}

/// The cluster of an execution namespace, if it is one.
pub fn cluster_of_execution_namespace(namespace: &str) -> Option<&str> {
    namespace
        .strip_prefix(namespaces::EXECUTION_PREFIX)
        .filter(|c| !c.is_empty())
}

/// The dependency label key on an attached binding, for the independent binding
/// `namespace/name` (`name` alone for a ClusterResourceBinding).
pub fn depended_by_label(namespace: &str, name: &str) -> String {
    let key = if namespace.is_empty() {
        name.to_string()
    } else {
        format!("{namespace}/{name}")
    };
    format!("{}{}", labels::DEPENDED_BY_PREFIX, hash_suffix(&key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_name_matches_karmada_check_value() {
        assert_eq!(
            work_name("Deployment", "nginx", "default"),
            "nginx-687f7fb96f"
        );
    }

    #[test]
    fn binding_names() {
        assert_eq!(binding_name("Deployment", "nginx"), "nginx-deployment");
        assert_eq!(binding_name("ConfigMap", "cfg"), "cfg-configmap");
        assert_eq!(
            binding_name("ClusterRole", "system:Edit"),
            "system.edit-clusterrole"
        );
    }

    #[test]
    fn cluster_scoped_work_names_hash_without_namespace() {
        let name = work_name("ClusterRole", "system:edit", "");
        assert!(name.starts_with("system.edit-"), "{name}");
        assert_eq!(
            name,
            format!("system.edit-{}", hash_suffix("system.edit-clusterrole"))
        );
    }

    #[test]
    fn safe_alphabet_maps_digits() {
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
    }

    #[test]
    fn execution_namespaces() {
        assert_eq!(execution_namespace("member1"), "karmada-es-member1");
        assert_eq!(
            cluster_of_execution_namespace("karmada-es-member1"),
            Some("member1")
        );
        assert_eq!(cluster_of_execution_namespace("karmada-es-"), None);
        assert_eq!(cluster_of_execution_namespace("default"), None);
    }
}
