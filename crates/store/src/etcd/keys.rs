//! Where a store's keys live in etcd: every key is the store's key prefix (for example
//! `/flotilla`) followed by the contract key, so one etcd can hold several stores. The store's own
//! bookkeeping (the compacted revision) sits just outside that key space, at
//! `<prefix>!meta/compacted`, where no list or watch of the store can see it.
//!
//! Owns: the mapping between contract keys and etcd keys, and key ranges. Must not: talk to etcd.

use crate::error::StoreError;
use crate::key::validate_prefix;

/// Appended to the key prefix to name the key that records the compacted revision. `!` sorts
/// before `/`, so the key is outside `[<prefix>/, <prefix>0)`, the range of every store key.
const COMPACTED_META_SUFFIX: &str = "!meta/compacted";

/// The key space of one store.
#[derive(Clone, Debug)]
pub(super) struct KeySpace {
    /// Prepended to every contract key (empty, or `/`-separated segments without a trailing `/`).
    prefix: String,
    /// The etcd key holding the compacted revision this store recorded.
    compacted_meta: Vec<u8>,
}

impl KeySpace {
    /// The key space under `prefix`: empty, or like `/flotilla` (starts with `/`, no trailing `/`).
    pub(super) fn new(prefix: &str) -> Result<Self, StoreError> {
        if !prefix.is_empty() {
            let invalid = |reason| StoreError::InvalidPrefix {
                prefix: prefix.to_string(),
                reason,
            };
            if prefix.ends_with('/') {
                return Err(invalid("a key prefix must not end with '/'"));
            }
            validate_prefix(&format!("{prefix}/")).map_err(|_| {
                invalid("a key prefix must be empty or '/'-separated non-empty segments")
            })?;
        }
        Ok(KeySpace {
            prefix: prefix.to_string(),
            compacted_meta: format!("{prefix}{COMPACTED_META_SUFFIX}").into_bytes(),
        })
    }

    /// The etcd key of a contract key.
    pub(super) fn etcd_key(&self, key: &str) -> Vec<u8> {
        let mut full = Vec::with_capacity(self.prefix.len() + key.len());
        full.extend_from_slice(self.prefix.as_bytes());
        full.extend_from_slice(key.as_bytes());
        full
    }

    /// The contract key of an etcd key read back from this store's key space.
    pub(super) fn contract_key(&self, etcd_key: &[u8]) -> Result<String, StoreError> {
        let rest = etcd_key
            .strip_prefix(self.prefix.as_bytes())
            .ok_or_else(|| {
                StoreError::Backend(format!(
                    "etcd returned key {:?} outside the key prefix {:?}",
                    String::from_utf8_lossy(etcd_key),
                    self.prefix
                ))
            })?;
        String::from_utf8(rest.to_vec()).map_err(|_| {
            StoreError::Backend(format!(
                "etcd key {:?} is not UTF-8",
                String::from_utf8_lossy(etcd_key)
            ))
        })
    }

    /// `[start, end)` of every etcd key under the contract prefix `prefix`.
    pub(super) fn range(&self, prefix: &str) -> (Vec<u8>, Vec<u8>) {
        let start = self.etcd_key(prefix);
        let end = range_end(&start);
        (start, end)
    }

    /// The key recording the compacted revision.
    pub(super) fn compacted_meta(&self) -> &[u8] {
        &self.compacted_meta
    }
}

/// The smallest key greater than every key starting with `prefix` (etcd's "prefix end"):
/// the prefix with its last byte below 0xff incremented and what follows dropped; `\0` (every key)
/// if there is no such byte.
fn range_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_under_the_prefix_and_back() {
        let space = KeySpace::new("/flotilla").unwrap();
        let key = space.etcd_key("/core/configmaps/demo/a");
        assert_eq!(key, b"/flotilla/core/configmaps/demo/a");
        assert_eq!(space.contract_key(&key).unwrap(), "/core/configmaps/demo/a");
        assert!(space.contract_key(b"/other/core/x/y").is_err());
        let (start, end) = space.range("/core/");
        assert_eq!(
            (start.as_slice(), end.as_slice()),
            (&b"/flotilla/core/"[..], &b"/flotilla/core0"[..])
        );
        let (start, end) = space.range("/");
        assert!(space.compacted_meta() < start.as_slice() || space.compacted_meta() >= &end[..]);
    }

    #[test]
    fn the_empty_prefix_and_bad_prefixes() {
        let space = KeySpace::new("").unwrap();
        assert_eq!(space.etcd_key("/a/b/c"), b"/a/b/c");
        assert_eq!(space.range("/"), (b"/".to_vec(), b"0".to_vec()));
        assert_eq!(space.compacted_meta(), b"!meta/compacted");
        for bad in ["flotilla", "/flotilla/", "/a//b", "/a/../b"] {
            assert!(KeySpace::new(bad).is_err(), "{bad}");
        }
        assert_eq!(range_end(&[b'a', 0xff]), vec![b'b']);
        assert_eq!(range_end(&[0xff]), vec![0]);
    }
}
