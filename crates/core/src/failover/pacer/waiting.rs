//! The FD-14 reading of the `eviction_kind_total` gauge (F-68): the number of *distinct* keys
//! currently queued or waiting, per (member cluster, binding kind). Karmada adds 1 on every add
//! and drifts upward; this tracker counts each key once, however often it is re-added.
//!
//! Owns: the distinct-key sets. Must not: export metrics or hold the queue itself.

use std::collections::{BTreeMap, BTreeSet};

/// The two binding kinds, with their metric label and eviction queue name (F-49, F-68).
pub use crate::failover::BindingKind;

/// Distinct waiting keys per (cluster, kind). A key is added when it is enqueued (now or with a
/// delay) and removed when its processing finishes without requeue (evicted, nothing to do,
/// binding gone). A requeue (wait for a token, retry after an error, evict later) keeps it.
/// Groups stay known at count 0 until [`forget_cluster`](Self::forget_cluster), so a gauge can
/// be set back to 0.
#[derive(Debug, Clone)]
pub struct WaitingKeys<K: Ord> {
    groups: BTreeMap<(String, BindingKind), BTreeSet<K>>,
}

impl<K: Ord> WaitingKeys<K> {
    /// No key waiting.
    pub fn new() -> Self {
        Self {
            groups: BTreeMap::new(),
        }
    }

    /// Records `key` as waiting; false if it already was (no double count).
    pub fn add(&mut self, cluster: &str, kind: BindingKind, key: K) -> bool {
        self.groups
            .entry((cluster.to_string(), kind))
            .or_default()
            .insert(key)
    }

    /// Records that `key` left the queue; false if it was not waiting.
    pub fn remove(&mut self, cluster: &str, kind: BindingKind, key: &K) -> bool {
        self.groups
            .get_mut(&(cluster.to_string(), kind))
            .is_some_and(|keys| keys.remove(key))
    }

    /// The gauge value for (cluster, kind).
    pub fn count(&self, cluster: &str, kind: BindingKind) -> usize {
        self.groups
            .get(&(cluster.to_string(), kind))
            .map_or(0, BTreeSet::len)
    }

    /// Every known (cluster, kind) group with its count, in name order (zeros included).
    pub fn samples(&self) -> impl Iterator<Item = (&str, BindingKind, usize)> + '_ {
        self.groups
            .iter()
            .map(|((cluster, kind), keys)| (cluster.as_str(), *kind, keys.len()))
    }

    /// Drops every group of a deleted cluster; true if there was any.
    pub fn forget_cluster(&mut self, cluster: &str) -> bool {
        let before = self.groups.len();
        self.groups.retain(|(c, _), _| c != cluster);
        before != self.groups.len()
    }
}

impl<K: Ord> Default for WaitingKeys<K> {
    fn default() -> Self {
        Self::new()
    }
}
