//! Candidate order (S-28): overflowOrder ascending, score descending, avail descending, name
//! ascending.
//!
//! Owns: the one comparator every "candidate order" in selection refers to. Must not: look at
//! spread constraints, capacity needs or anything but the four fields it compares.

use std::cmp::Ordering;

use crate::scheduler::types::Candidate;

/// Compares two candidates in candidate order (S-28).
///
/// The order is total: two candidates compare `Equal` only when all four keys, including the
/// name, are equal. Cluster names are unique, so distinct candidates never tie.
pub fn compare(a: &Candidate, b: &Candidate) -> Ordering {
    a.overflow_order
        .cmp(&b.overflow_order)
        .then_with(|| b.score.cmp(&a.score))
        .then_with(|| b.avail.cmp(&a.avail))
        .then_with(|| a.name.cmp(&b.name))
}

/// Sorts candidates into candidate order (S-28), in place, with a stable sort (D-4).
///
/// The result does not depend on the input order (the comparator is total on unique names).
pub fn order_candidates(candidates: &mut [Candidate]) {
    candidates.sort_by(compare);
}

/// True when `candidates` is already in candidate order (S-28).
pub fn is_ordered(candidates: &[Candidate]) -> bool {
    candidates
        .windows(2)
        .all(|w| compare(&w[0], &w[1]) != Ordering::Greater)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::select::test_support::{cand, full, names};
    use proptest::prelude::*;

    // S-28: each key in turn, table-driven.
    #[test]
    fn s28_keys_in_turn() {
        let cases: Vec<(&str, Vec<Candidate>, Vec<&str>)> = vec![
            (
                "S-28 worked example: y (score 100) first, then x and z by name",
                vec![cand("x", 0, 9), cand("y", 100, 2), cand("z", 0, 9)],
                vec!["y", "x", "z"],
            ),
            (
                "S-28 overflowOrder beats score",
                vec![
                    full("a", "", 100, 50, 5),
                    full("b", "", 0, 1, 0),
                    full("c", "", 0, 1, 1000),
                ],
                vec!["b", "a", "c"],
            ),
            (
                "S-28 score beats avail",
                vec![cand("a", 0, 100), cand("b", 100, 1)],
                vec!["b", "a"],
            ),
            (
                "S-28 avail descending",
                vec![cand("a", 0, 1), cand("b", 0, 3), cand("c", 0, 2)],
                vec!["b", "c", "a"],
            ),
            (
                "S-28 name ascending last",
                vec![cand("m3", 0, 5), cand("m1", 0, 5), cand("m2", 0, 5)],
                vec!["m1", "m2", "m3"],
            ),
        ];
        for (what, mut input, want) in cases {
            order_candidates(&mut input);
            assert_eq!(names(&input), want, "{what}");
            assert!(is_ordered(&input), "{what}");
        }
    }

    // S-28: the region is not a key.
    #[test]
    fn s28_region_is_not_a_key() {
        let mut v = vec![full("b", "eu", 0, 5, 0), full("a", "us", 0, 5, 0)];
        order_candidates(&mut v);
        assert_eq!(names(&v), ["a", "b"]);
    }

    fn arb_candidates() -> impl Strategy<Value = Vec<Candidate>> {
        prop::collection::vec((0u32..3, prop::bool::ANY, 0i64..6), 0..12).prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, (o, s, a))| full(&format!("c{i:02}"), "", if s { 100 } else { 0 }, a, o))
                .collect()
        })
    }

    proptest! {
        // S-28 / S-67: the comparator is a total order (antisymmetric, transitive, Equal only on
        // identical candidates).
        #[test]
        fn s28_total_order(v in arb_candidates()) {
            for a in &v {
                for b in &v {
                    prop_assert_eq!(compare(a, b), compare(b, a).reverse());
                    prop_assert_eq!(compare(a, b) == Ordering::Equal, a.name == b.name);
                    for c in &v {
                        if compare(a, b).is_le() && compare(b, c).is_le() {
                            prop_assert!(compare(a, c).is_le());
                        }
                    }
                }
            }
        }

        // S-28 / S-67: the sorted result does not depend on the input order.
        #[test]
        fn s28_independent_of_input_order(
            (v, shuffled) in arb_candidates().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
        ) {
            let mut a = v;
            let mut b = shuffled;
            order_candidates(&mut a);
            order_candidates(&mut b);
            prop_assert_eq!(a, b);
        }
    }
}
