//! StaticWeight division (S-41): APPORTION of T over the per-cluster static weights.
//!
//! Owns: steps 3 … 5 of S-41 (drop weight-0 clusters, equal weights when none remains,
//! apportion). Must not: match `staticWeightList` rules against clusters (the caller computes
//! each cluster's weight, S-41 steps 1 and 2), look at capacity or at the previous result, drop
//! zero entries or order the result (S-49, S-50).

use super::Entry;
use super::apportion::{Party, apportion};
use crate::scheduler::types::{Candidate, Orientation};

/// S-41 steps 3 … 5. `weights[i]` is the weight of `selected[i]` (S-41 step 2; a missing or
/// non-positive weight means "no rule matched"). Returns replicas per weighted cluster (entries
/// index `selected`), in selected order; clusters without weight are absent.
pub(super) fn assign_static(
    selected: &[&Candidate],
    weights: &[i64],
    replicas: i64,
    orientation: Orientation,
) -> Vec<Entry> {
    let weight_of = |i: usize| weights.get(i).copied().unwrap_or(0).max(0);
    // Step 3: W := clusters with weight > 0.
    let mut members: Vec<(usize, u64)> = (0..selected.len())
        .filter(|&i| weight_of(i) > 0)
        .map(|i| (i, weight_of(i).unsigned_abs()))
        .collect();
    // Step 4: no selected cluster matched a rule → equal weights.
    if members.is_empty() {
        members = (0..selected.len()).map(|i| (i, 1)).collect();
    }
    // Step 5.
    let parties: Vec<Party<'_>> = members
        .iter()
        .map(|&(i, votes)| Party {
            name: &selected[i].name,
            votes,
            initial: 0,
        })
        .collect();
    let seats = u32::try_from(replicas.max(0)).unwrap_or(u32::MAX);
    match apportion(seats, &parties, orientation) {
        Some(held) => members
            .iter()
            .zip(held)
            .map(|(m, h)| (m.0, i64::try_from(h).unwrap_or(i64::MAX)))
            .collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn cands(names: &[&str]) -> Vec<Candidate> {
        names
            .iter()
            .map(|n| Candidate {
                name: (*n).into(),
                region: "".into(),
                score: 0,
                alloc: 0,
                avail: 0,
                overflow_order: 0,
            })
            .collect()
    }

    fn run(
        names: &[&str],
        weights: &[i64],
        replicas: i64,
        o: Orientation,
    ) -> BTreeMap<String, i64> {
        let cs = cands(names);
        let refs: Vec<&Candidate> = cs.iter().collect();
        assign_static(&refs, weights, replicas, o)
            .into_iter()
            .map(|(i, r)| (cs[i].name.to_string(), r))
            .collect()
    }

    fn map(entries: &[(&str, i64)]) -> BTreeMap<String, i64> {
        entries.iter().map(|&(n, r)| (n.to_string(), r)).collect()
    }

    /// S-41 worked examples and steps 3/4, and E-2's division.
    #[test]
    fn s41_table() {
        use Orientation::*;
        type Case<'x> = (
            &'x str,
            &'x [&'x str],
            &'x [i64],
            i64,
            Orientation,
            &'x [(&'x str, i64)],
        );
        let cases: &[Case<'_>] = &[
            (
                "S-41 example 1: Webster 5/2/2",
                &["a", "b", "c"],
                &[2, 1, 1],
                9,
                Asc,
                &[("a", 5), ("b", 2), ("c", 2)],
            ),
            (
                "S-41 example 2: no rule matches → equal",
                &["b", "c"],
                &[0, 0],
                5,
                Asc,
                &[("b", 3), ("c", 2)],
            ),
            (
                "S-41 example 2, DESC",
                &["b", "c"],
                &[0, 0],
                5,
                Desc,
                &[("b", 2), ("c", 3)],
            ),
            (
                "weightPreference absent: caller passes 1",
                &["a", "b", "c"],
                &[1, 1, 1],
                10,
                Asc,
                &[("a", 4), ("b", 3), ("c", 3)],
            ),
            (
                "step 3: weight 0 is ignored, not 0",
                &["a", "b", "c"],
                &[1, 0, 3],
                4,
                Asc,
                &[("a", 1), ("c", 3)],
            ),
            (
                "negative reads as no match",
                &["a", "b"],
                &[-2, 1],
                3,
                Asc,
                &[("b", 3)],
            ),
            (
                "short weight slice: missing = 0 → all 1",
                &["a", "b"],
                &[],
                2,
                Asc,
                &[("a", 1), ("b", 1)],
            ),
            (
                "E-2 pass 1",
                &["member1", "member2"],
                &[1, 2],
                3,
                Asc,
                &[("member1", 1), ("member2", 2)],
            ),
            ("E-2 pass 2", &["member2"], &[2], 3, Asc, &[("member2", 3)]),
            (
                "E-2 scale to 6",
                &["member1", "member2"],
                &[1, 2],
                6,
                Asc,
                &[("member1", 2), ("member2", 4)],
            ),
            (
                "T = 0: zero entries (dropped later by S-49)",
                &["a", "b"],
                &[1, 1],
                0,
                Asc,
                &[("a", 0), ("b", 0)],
            ),
        ];
        for (what, names, weights, replicas, o, want) in cases {
            assert_eq!(run(names, weights, *replicas, *o), map(want), "{what}");
        }
    }

    proptest! {
        /// S-41: the sum is exactly T, and the result does not depend on the selected order.
        #[test]
        fn s41_exact_and_order_independent(ws in proptest::collection::vec(0_i64..5, 1..10), t in 0_i64..50) {
            let names: Vec<String> = (0..ws.len()).map(|i| format!("m{i}")).collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let got = run(&refs, &ws, t, Orientation::Desc);
            prop_assert_eq!(got.values().sum::<i64>(), t);
            let mut rev_names = refs.clone();
            rev_names.reverse();
            let mut rev_ws = ws.clone();
            rev_ws.reverse();
            prop_assert_eq!(run(&rev_names, &rev_ws, t, Orientation::Desc), got);
        }
    }
}
