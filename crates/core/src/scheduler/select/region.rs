//! Region selection (S-33): group candidates by region, score the regions (S-34), choose regions
//! with the group search (S-35), then take one cluster per chosen region and fill up to the
//! cluster constraint's `maxGroups`.
//!
//! Owns: turning chosen regions into selected clusters. Must not: check capacity (D-9, kept:
//! a shortfall surfaces later in division, S-47), filter clusters without a region (S-19 does),
//! or reorder candidates (the caller passes candidate order, S-28).

use std::collections::BTreeMap;

use super::error::SelectError;
use super::group_score::{ScoreParams, group_score};
use super::group_search::{Group, SearchBounds, search_groups};
use super::order::compare;
use super::{Need, upper_bound};
use crate::scheduler::types::Candidate;

/// The region and cluster bounds of S-33 (each 0 when its constraint is absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegionBounds {
    /// The region constraint's `minGroups`.
    pub region_min: i64,
    /// The region constraint's `maxGroups`; ≤ 0 means no upper bound (D-7).
    pub region_max: i64,
    /// The cluster constraint's `minGroups`.
    pub cluster_min: i64,
    /// The cluster constraint's `maxGroups`; ≤ 0 means no upper bound (D-7).
    pub cluster_max: i64,
}

/// Region selection (S-33) over `candidates` in candidate order.
///
/// `need` only tells Duplicated ([`Need::Ignore`]) from Divided for the group score (S-34);
/// `replicas` is `spec.replicas`. Errors: [`SelectError::TooFewRegions`] (step 1),
/// [`SelectError::NoRegionGroup`] (step 3), and [`SelectError::NoClusters`] if the search
/// chooses no region at all (possible only with `minGroups` 0 on both constraints, i.e. without
/// admission). The result has at least one cluster per chosen region even when that exceeds
/// `cluster_max` (D-9).
pub fn select_by_region(
    candidates: Vec<Candidate>,
    bounds: RegionBounds,
    need: Need,
    replicas: i64,
) -> Result<Vec<Candidate>, SelectError> {
    let picked = pick_indices(&candidates, bounds, need, replicas)?;
    if picked.is_empty() {
        return Err(SelectError::NoClusters);
    }
    let mut slots: Vec<Option<Candidate>> = candidates.into_iter().map(Some).collect();
    Ok(picked.iter().filter_map(|&i| slots[i].take()).collect())
}

/// Steps 1–5 of S-33 on positions: the positions of the selected candidates, in result order.
fn pick_indices(
    candidates: &[Candidate],
    bounds: RegionBounds,
    need: Need,
    replicas: i64,
) -> Result<Vec<usize>, SelectError> {
    let mut regions: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        regions.entry(&*c.region).or_default().push(i);
    }
    if (regions.len() as i64) < bounds.region_min {
        return Err(SelectError::TooFewRegions);
    }
    let members: Vec<&Vec<usize>> = regions.values().collect();
    let params = ScoreParams {
        duplicated: need == Need::Ignore,
        replicas,
        group_min_groups: bounds.region_min,
        cluster_min_groups: bounds.cluster_min,
    };
    let groups: Vec<Group<'_>> = regions
        .iter()
        .map(|(name, idx)| {
            let refs: Vec<&Candidate> = idx.iter().map(|&i| &candidates[i]).collect();
            Group {
                name,
                value: idx.len() as i64,
                weight: group_score(&refs, params),
            }
        })
        .collect();
    let search = SearchBounds {
        min: bounds.region_min,
        max: upper_bound(bounds.region_max, groups.len()),
        target: bounds.cluster_min,
    };
    let chosen = search_groups(&groups, search).ok_or(SelectError::NoRegionGroup)?;
    let mut selected: Vec<usize> = chosen.iter().map(|&g| members[g][0]).collect();
    let mut rest: Vec<usize> = chosen
        .iter()
        .flat_map(|&g| members[g][1..].iter().copied())
        .collect();
    let k = upper_bound(bounds.cluster_max, selected.len() + rest.len());
    if k > selected.len() {
        rest.sort_by(|&a, &b| compare(&candidates[a], &candidates[b]));
        rest.truncate(k - selected.len());
        selected.extend(rest);
    }
    Ok(selected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::select::order::order_candidates;
    use crate::scheduler::select::test_support::{creg, names};

    /// (what, candidates, bounds, need, replicas, expected names).
    type Case = (
        &'static str,
        Vec<Candidate>,
        RegionBounds,
        Need,
        i64,
        Result<Vec<String>, SelectError>,
    );

    fn bounds(
        region_min: i64,
        region_max: i64,
        cluster_min: i64,
        cluster_max: i64,
    ) -> RegionBounds {
        RegionBounds {
            region_min,
            region_max,
            cluster_min,
            cluster_max,
        }
    }

    /// S-34/S-35 worked examples as clusters: Divided, replicas 30; every region scores 15000.
    /// eu (20, 10), us (40), ap (5, 5, 5).
    fn world() -> Vec<Candidate> {
        let mut v = vec![
            creg("eu1", "eu", 0, 20),
            creg("eu2", "eu", 0, 10),
            creg("us1", "us", 0, 40),
            creg("ap1", "ap", 0, 5),
            creg("ap2", "ap", 0, 5),
            creg("ap3", "ap", 0, 5),
        ];
        order_candidates(&mut v);
        v
    }

    fn run(
        mut c: Vec<Candidate>,
        b: RegionBounds,
        need: Need,
        replicas: i64,
    ) -> Result<Vec<String>, SelectError> {
        order_candidates(&mut c);
        select_by_region(c, b, need, replicas)
            .map(|v| names(&v).into_iter().map(String::from).collect())
    }

    fn ok(v: &[&str]) -> Result<Vec<String>, SelectError> {
        Ok(v.iter().map(|s| s.to_string()).collect())
    }

    // S-35 worked example carried through S-33: regions ap, eu; first clusters ap1, eu1; fill to
    // cMax 4 from {ap2, ap3, eu2} in candidate order (eu2 avail 10 first).
    #[test]
    fn s33_s35_worked_example() {
        let got = run(world(), bounds(2, 2, 3, 4), Need::Replicas(30), 30);
        assert_eq!(got, ok(&["ap1", "eu1", "eu2", "ap2"]));
    }

    // S-33 rules, table-driven.
    #[test]
    fn s33_table() {
        let two = || {
            vec![
                creg("a1", "a", 0, 1),
                creg("b1", "b", 100, 1),
                creg("b2", "b", 0, 9),
            ]
        };
        let cases: Vec<Case> = vec![
            (
                "S-33.1 fewer regions than rMin",
                world(),
                bounds(4, 4, 1, 4),
                Need::Replicas(30),
                30,
                Err(SelectError::TooFewRegions),
            ),
            (
                "S-33.3 the search finds nothing",
                world(),
                bounds(1, 1, 4, 4),
                Need::Replicas(30),
                30,
                Err(SelectError::NoRegionGroup),
            ),
            (
                "S-33.5 k = |selected| adds nothing; D-9 capacity not checked",
                world(),
                bounds(2, 2, 3, 2),
                Need::Replicas(1000),
                1000,
                ok(&["us1", "eu1"]),
            ),
            (
                "D-9 one cluster per chosen region even above cMax",
                world(),
                bounds(3, 3, 3, 1),
                Need::Ignore,
                1,
                ok(&["ap1", "eu1", "us1"]),
            ),
            (
                "D-7 cMax 0: every cluster of the chosen regions",
                world(),
                bounds(2, 2, 3, 0),
                Need::Replicas(30),
                30,
                ok(&["ap1", "eu1", "eu2", "ap2", "ap3"]),
            ),
            (
                "D-7 rMax 0: no upper bound on regions",
                two(),
                bounds(1, 0, 3, 0),
                Need::Ignore,
                1,
                ok(&["b1", "a1", "b2"]),
            ),
            (
                "S-33.4 the first cluster of a region is in candidate order (score first)",
                two(),
                bounds(1, 1, 1, 1),
                Need::Ignore,
                1,
                ok(&["b1"]),
            ),
        ];
        for (what, c, b, need, replicas, want) in cases {
            assert_eq!(run(c, b, need, replicas), want, "{what}");
        }
    }

    // S-34 decides through S-35: Duplicated scores count clusters holding all replicas.
    #[test]
    fn s33_duplicated_scores() {
        let mut c = vec![
            creg("x1", "x", 0, 3),
            creg("x2", "x", 0, 3),
            creg("y1", "y", 0, 3),
            creg("y2", "y", 0, 1),
        ];
        order_candidates(&mut c);
        // x scores 2000, y 1000: both value 2, so weight decides.
        assert_eq!(run(c, bounds(1, 1, 1, 1), Need::Ignore, 3), ok(&["x1"]));
    }
}
