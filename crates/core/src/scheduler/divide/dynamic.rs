//! DynamicWeight and Aggregated division (S-42 … S-48): the Steady mode with its three cases
//! (S-43 scale up S-44, scale down S-45, unchanged), the Fresh mode (S-46) and DIVIDE (S-47),
//! over capacity lists stable-sorted descending (S-48).
//!
//! Owns: turning selected clusters, their capacity and the previous target list into replicas per
//! cluster, and the capacity check with its Unschedulable text (and the D-10 partial placement).
//! Must not: drop zero entries or order the result (S-49, S-50 belong to `divide::assign`), know
//! about overflow tiers (S-54), or read anything but its arguments.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use flotilla_api::types::TargetCluster;

use super::apportion::{Party, apportion};
use super::{AssignError, Division, Entry};
use crate::scheduler::types::{Candidate, Orientation};

/// The DIVIDE variant (S-47).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Packing {
    /// DynamicWeight: apportion over the whole capacity list.
    Spread,
    /// Aggregated: clusters with prior replicas first, then the shortest prefix that holds T.
    Aggregate,
}

/// One DynamicWeight or Aggregated division request.
#[derive(Clone, Copy)]
pub(super) struct Request<'s, 'a> {
    /// DynamicWeight or Aggregated.
    pub(super) packing: Packing,
    /// Selected clusters in candidate order (S-28); the order of ties in S-48. Result entries
    /// index this slice.
    pub(super) selected: &'s [&'a Candidate],
    /// `spec.clusters` in its own order (S-43).
    pub(super) previous: &'a [TargetCluster],
    /// Target T (`spec.replicas`, never negative).
    pub(super) replicas: i64,
    /// Fresh mode (S-42): a reschedule was requested.
    pub(super) fresh: bool,
    /// Tie orientation for APPORTION (S-40).
    pub(super) orientation: Orientation,
    /// D-10: place what capacity allows instead of failing.
    pub(super) partial_placement: bool,
}

/// S-42: Fresh or Steady, then S-43's three cases.
pub(super) fn assign_dynamic(req: &Request<'_, '_>) -> Result<Division, AssignError> {
    let prev = previous_entries(req.selected, req.previous);
    if req.fresh {
        return fresh(req, &prev);
    }
    let assigned: i64 = prev.iter().map(|e| e.1).sum();
    match assigned.cmp(&req.replicas) {
        Ordering::Less => scale_up(req, prev, req.replicas - assigned),
        Ordering::Greater => scale_down(req, prev),
        Ordering::Equal => Ok(Division {
            entries: prev,
            shortfall: 0,
        }),
    }
}

/// 64-bit FNV-1a for the name lookup below (lookups only: no result depends on map order).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes.iter().fold(self.0, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    }
}

/// S-43 prev: the `spec.clusters` entries whose cluster is selected, in `spec.clusters` order.
/// Negative counts read as 0; a cluster listed twice is one entry holding the sum.
fn previous_entries(selected: &[&Candidate], previous: &[TargetCluster]) -> Vec<Entry> {
    if previous.is_empty() {
        return Vec::new();
    }
    // Map the (usually shorter) previous list: name → first position in it.
    let mut first: HashMap<&str, usize, BuildHasherDefault<Fnv>> =
        HashMap::with_capacity_and_hasher(previous.len(), BuildHasherDefault::default());
    for (p, target) in previous.iter().enumerate() {
        first.entry(target.name.as_str()).or_insert(p);
    }
    // Selected position of each previous name's first occurrence.
    let mut selected_at = vec![usize::MAX; previous.len()];
    for (i, c) in selected.iter().enumerate() {
        if let Some(&p) = first.get(&*c.name) {
            selected_at[p] = i;
        }
    }
    let mut entries: Vec<Entry> = Vec::with_capacity(previous.len());
    let mut position = vec![usize::MAX; selected.len()];
    for target in previous {
        let i = selected_at[first[target.name.as_str()]];
        if i == usize::MAX {
            continue;
        }
        let replicas = i64::from(target.replicas.max(0));
        if position[i] == usize::MAX {
            position[i] = entries.len();
            entries.push((i, replicas));
        } else {
            entries[position[i]].1 += replicas;
        }
    }
    entries
}

/// Per selected cluster, its replicas in prev (0 if absent).
fn dense(prev: &[Entry], len: usize) -> Vec<i64> {
    let mut counts = vec![0; len];
    for &(i, r) in prev {
        counts[i] = r;
    }
    counts
}

/// S-44: place the missing `delta` replicas by free capacity (`alloc`) and add them to prev.
fn scale_up(req: &Request<'_, '_>, prev: Vec<Entry>, delta: i64) -> Result<Division, AssignError> {
    let capacity = sorted_desc(
        req.selected
            .iter()
            .map(|c| c.alloc.max(0))
            .enumerate()
            .collect(),
    );
    let prior = dense(&prev, req.selected.len());
    let add = divide(req, capacity, delta, &prior)?;
    Ok(Division {
        entries: merge(prev, add.entries, req.selected.len()),
        shortfall: add.shortfall,
    })
}

/// S-45: shrink prev to T, weighted by the current counts (stable-sorted by replicas, S-48).
fn scale_down(req: &Request<'_, '_>, prev: Vec<Entry>) -> Result<Division, AssignError> {
    divide(req, sorted_desc(prev), req.replicas, &[])
}

/// S-46: recompute T over `alloc + prevReplicas` per selected cluster, with no prior.
fn fresh(req: &Request<'_, '_>, prev: &[Entry]) -> Result<Division, AssignError> {
    let current = dense(prev, req.selected.len());
    let capacity = req
        .selected
        .iter()
        .zip(current)
        .map(|(c, r)| c.alloc.max(0).saturating_add(r))
        .enumerate()
        .collect();
    divide(req, sorted_desc(capacity), req.replicas, &[])
}

/// S-48: stable sort by weight descending; ties keep their input order.
fn sorted_desc(mut list: Vec<Entry>) -> Vec<Entry> {
    list.sort_by_key(|e| std::cmp::Reverse(e.1));
    list
}

/// S-44: prev plus add; clusters in both get the sum, new clusters follow prev's entries.
fn merge(mut prev: Vec<Entry>, add: Vec<Entry>, len: usize) -> Vec<Entry> {
    let mut position = vec![usize::MAX; len];
    for (p, e) in prev.iter().enumerate() {
        position[e.0] = p;
    }
    for (i, replicas) in add {
        match position[i] {
            usize::MAX => prev.push((i, replicas)),
            p => prev[p].1 += replicas,
        }
    }
    prev
}

/// S-47 DIVIDE(strategy, A, T, prior). `capacity` is A in its S-48 order; `prior[i]` is cluster
/// i's replicas in prior (missing = 0). With `partial_placement` (D-10) a capacity shortfall
/// places Σ A and reports the rest.
fn divide(
    req: &Request<'_, '_>,
    capacity: Vec<Entry>,
    target: i64,
    prior: &[i64],
) -> Result<Division, AssignError> {
    let total: i128 = capacity.iter().map(|e| i128::from(e.1)).sum();
    let mut shortfall = 0;
    let mut target = target;
    if total < i128::from(target) {
        if !req.partial_placement {
            let message =
                format!("Clusters available replicas {total} are not enough to schedule.");
            return Err(AssignError::Unschedulable { message });
        }
        // total < target <= i64::MAX, so the conversion cannot fail.
        let placeable = i64::try_from(total).unwrap_or(0);
        shortfall = target - placeable;
        target = placeable;
    }
    let chosen = match req.packing {
        Packing::Spread => capacity,
        Packing::Aggregate => aggregate_prefix(capacity, target, prior),
    };
    Ok(Division {
        entries: apportion_entries(req, &chosen, target),
        shortfall,
    })
}

/// S-47 Aggregated: prior clusters (replicas > 0) first, each part in A's order, then the
/// shortest prefix whose weight sum reaches `target` (a 1-entry prefix for target 0).
fn aggregate_prefix(capacity: Vec<Entry>, target: i64, prior: &[i64]) -> Vec<Entry> {
    let (mut ordered, rest): (Vec<Entry>, Vec<Entry>) = capacity
        .into_iter()
        .partition(|e| prior.get(e.0).is_some_and(|&r| r > 0));
    ordered.extend(rest);
    let mut sum: i128 = 0;
    let mut len = ordered.len();
    for (i, e) in ordered.iter().enumerate() {
        sum += i128::from(e.1);
        if sum >= i128::from(target) {
            len = i + 1;
            break;
        }
    }
    ordered.truncate(len);
    ordered
}

/// APPORTION(target, weights of `list`) as entries; "no allocation" gives no entries.
fn apportion_entries(req: &Request<'_, '_>, list: &[Entry], target: i64) -> Vec<Entry> {
    let parties: Vec<Party<'_>> = list
        .iter()
        .map(|&(i, w)| Party {
            name: &req.selected[i].name,
            votes: u64::try_from(w).unwrap_or(0),
            initial: 0,
        })
        .collect();
    let seats = u32::try_from(target.max(0)).unwrap_or(u32::MAX);
    match apportion(seats, &parties, req.orientation) {
        Some(held) => list
            .iter()
            .zip(held)
            .map(|(e, h)| (e.0, i64::try_from(h).unwrap_or(i64::MAX)))
            .collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
#[path = "dynamic_tests.rs"]
mod tests;
