//! Values shared by the scheduler's stages: the replica strategy (S-4), the tie orientation
//! (S-40), candidates (S-27, S-28) and the special `UNBOUNDED` capacity.
//!
//! Owns: the vocabulary between stages. Must not: hold stage logic.

use std::sync::Arc;

/// 2^31 − 1: an estimate that bounds nothing (§0).
pub const UNBOUNDED: i64 = 2_147_483_647;

/// How replicas are placed (S-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Every selected cluster gets all replicas.
    Duplicated,
    /// Divided by static weights (equal weights when none are given).
    StaticWeight,
    /// Divided in proportion to available replicas.
    DynamicWeight,
    /// Divided over as few clusters as capacity allows.
    Aggregated,
}

/// Tie orientation of apportionment among fully equal parties (S-40).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Orientation {
    /// Names ascending win ties.
    Asc,
    /// Names descending win ties.
    Desc,
}

/// A feasible cluster with its score and capacity figures (S-22, S-27, S-28). Names are shared
/// with the snapshot, so candidates are cheap to build and move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Cluster name.
    pub name: Arc<str>,
    /// `spec.region` (empty when unset).
    pub region: Arc<str>,
    /// 100 if the binding already runs here, else 0 (S-22).
    pub score: i64,
    /// Replicas the cluster can still take (S-23).
    pub alloc: i64,
    /// `alloc` plus the replicas already assigned here (S-27).
    pub avail: i64,
    /// 0 for the primary affinity group, i+1 for overflow group i, 1000 for none (S-28).
    pub overflow_order: u32,
}
