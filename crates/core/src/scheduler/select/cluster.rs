//! Cluster selection (S-32) with the capacity swap, under D-7 (an unset or zero `maxGroups`
//! means no upper bound).
//!
//! Owns: choosing k clusters out of the ordered candidates for a `cluster` spread constraint.
//! Must not: reorder the candidates first (the caller passes candidate order, S-28), look at
//! regions, or divide replicas.

use super::error::SelectError;
use super::leftmost_max::LeftmostMax;
use super::{Need, upper_bound};
use crate::scheduler::types::Candidate;

/// Cluster selection (S-32) over `candidates` in candidate order.
///
/// - fewer candidates than `min_groups`: [`SelectError::TooFewClusters`];
/// - k = min(|C|, `max_groups`), or |C| when `max_groups` ≤ 0 (D-7);
/// - [`Need::Ignore`]: the first k candidates, or [`SelectError::NoClusters`] when k = 0;
/// - otherwise the first k, improved by the capacity swap until their Σavail reaches the need;
///   [`SelectError::NotEnoughResource`] when the result is empty or still short.
///
/// The result keeps R's order after the swaps. O(n) when the first k already suffice, else
/// O(n + k log n); no candidate is cloned.
pub fn select_by_cluster(
    mut candidates: Vec<Candidate>,
    min_groups: i64,
    max_groups: i64,
    need: Need,
) -> Result<Vec<Candidate>, SelectError> {
    if (candidates.len() as i64) < min_groups {
        return Err(SelectError::TooFewClusters);
    }
    let k = upper_bound(max_groups, candidates.len());
    let need = match need {
        Need::Ignore => {
            candidates.truncate(k);
            return if candidates.is_empty() {
                Err(SelectError::NoClusters)
            } else {
                Ok(candidates)
            };
        }
        Need::Replicas(n) => i128::from(n),
    };
    let sum = swap_for_capacity(&mut candidates, k, need);
    candidates.truncate(k);
    if candidates.is_empty() || sum < need {
        return Err(SelectError::NotEnoughResource { k });
    }
    Ok(candidates)
}

/// The capacity swap of S-32, in place: R = `c[..k]`, Rest = `c[k..]`. Walks i from k−1 down to
/// 0 while Σavail(R) < `need`; at each step swaps R[i] with the first Rest element holding the
/// maximum avail of Rest if that maximum exceeds R[i].avail (the outgoing cluster takes that
/// position in Rest). Returns Σavail(R) afterwards.
fn swap_for_capacity(c: &mut [Candidate], k: usize, need: i128) -> i128 {
    let mut sum: i128 = c[..k].iter().map(|x| i128::from(x.avail)).sum();
    if sum >= need || k == c.len() {
        return sum;
    }
    let mut rest_max = LeftmostMax::new(c[k..].iter().map(|x| x.avail));
    for i in (0..k).rev() {
        if sum >= need {
            break;
        }
        let Some((best, j)) = rest_max.first_max() else {
            break;
        };
        let outgoing = c[i].avail;
        if best > outgoing {
            c.swap(i, k + j);
            rest_max.set(j, outgoing);
            sum += i128::from(best) - i128::from(outgoing);
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::select::order::{is_ordered, order_candidates};
    use crate::scheduler::select::test_support::{cand, full};
    use proptest::prelude::*;

    /// S-32 worked example: p (score 100, avail 5), q (30), r (12), s (8), in candidate order.
    fn pqrs() -> Vec<Candidate> {
        vec![
            cand("p", 100, 5),
            cand("q", 0, 30),
            cand("r", 0, 12),
            cand("s", 0, 8),
        ]
    }

    type Want = Result<Vec<&'static str>, SelectError>;

    /// (what, candidates, minGroups, maxGroups, need, expected).
    type Case = (&'static str, Vec<Candidate>, i64, i64, Need, Want);

    fn run(c: Vec<Candidate>, min: i64, max: i64, need: Need) -> Result<Vec<String>, SelectError> {
        select_by_cluster(c, min, max, need)
            .map(|v| v.into_iter().map(|c| c.name.to_string()).collect())
    }

    fn check(what: &str, c: Vec<Candidate>, min: i64, max: i64, need: Need, want: Want) {
        assert!(
            is_ordered(&c),
            "{what}: test input must be in candidate order"
        );
        let got = run(c, min, max, need);
        let want = want.map(|v| v.into_iter().map(String::from).collect::<Vec<_>>());
        assert_eq!(got, want, "{what}");
    }

    // S-32 worked example: need 20 / 40 / 60 / IGNORE.
    #[test]
    fn s32_worked_example() {
        let cases: [(&str, Need, Want); 4] = [
            (
                "S-32 need 20: [p, q] holds 35",
                Need::Replicas(20),
                Ok(vec!["p", "q"]),
            ),
            (
                "S-32 need 40: p swapped for r",
                Need::Replicas(40),
                Ok(vec!["r", "q"]),
            ),
            (
                "S-32 need 60: at best 42",
                Need::Replicas(60),
                Err(SelectError::NotEnoughResource { k: 2 }),
            ),
            (
                "S-32 Duplicated (IGNORE): [p, q]",
                Need::Ignore,
                Ok(vec!["p", "q"]),
            ),
        ];
        for (what, need, want) in cases {
            check(what, pqrs(), 2, 2, need, want);
        }
    }

    // S-32 bounds and capacity check, table-driven.
    #[test]
    fn s32_table() {
        let three = || vec![cand("a", 0, 5), cand("b", 0, 4), cand("c", 0, 3)];
        let cases: Vec<Case> = vec![
            (
                "S-32 |C| < minGroups",
                three(),
                4,
                4,
                Need::Ignore,
                Err(SelectError::TooFewClusters),
            ),
            (
                "S-32 |C| < minGroups is checked before capacity",
                three(),
                4,
                4,
                Need::Replicas(1),
                Err(SelectError::TooFewClusters),
            ),
            (
                "S-32 k = min(|C|, max)",
                three(),
                1,
                5,
                Need::Ignore,
                Ok(vec!["a", "b", "c"]),
            ),
            (
                "S-32 k = max",
                three(),
                1,
                2,
                Need::Ignore,
                Ok(vec!["a", "b"]),
            ),
            (
                "S-32 capacity enough",
                three(),
                1,
                2,
                Need::Replicas(9),
                Ok(vec!["a", "b"]),
            ),
            (
                "S-32 k = |C|, short",
                three(),
                1,
                3,
                Need::Replicas(13),
                Err(SelectError::NotEnoughResource { k: 3 }),
            ),
            (
                "S-32 need 0 on Divided",
                three(),
                1,
                1,
                Need::Replicas(0),
                Ok(vec!["a"]),
            ),
        ];
        for (what, c, min, max, need, want) in cases {
            check(what, c, min, max, need, want);
        }
    }

    // S-32 capacity swap, table-driven.
    #[test]
    fn s32_swap_table() {
        let cases: Vec<Case> = vec![
            (
                "S-32 first maximal element of Rest wins the tie",
                vec![cand("a", 100, 1), cand("b", 0, 6), cand("c", 0, 6)],
                1,
                1,
                Need::Replicas(5),
                Ok(vec!["b"]),
            ),
            (
                "S-32 no element above R[i].avail: i moves on",
                vec![cand("a", 100, 1), cand("b", 0, 9), cand("c", 0, 5)],
                2,
                2,
                Need::Replicas(12),
                Ok(vec!["c", "b"]),
            ),
            (
                "S-32 the outgoing cluster can come back at its position in Rest",
                vec![cand("a", 100, 1), cand("b", 0, 3), full("c", "", 0, 10, 1)],
                2,
                2,
                Need::Replicas(13),
                Ok(vec!["b", "c"]),
            ),
        ];
        for (what, c, min, max, need, want) in cases {
            check(what, c, min, max, need, want);
        }
    }

    // D-7 (deviation from S-36.1): maxGroups 0 means no upper bound, k = |C|.
    #[test]
    fn d7_max_groups_zero_is_unbounded() {
        check(
            "D-7 IGNORE takes all",
            pqrs(),
            1,
            0,
            Need::Ignore,
            Ok(vec!["p", "q", "r", "s"]),
        );
        check(
            "D-7 need takes all",
            pqrs(),
            1,
            0,
            Need::Replicas(55),
            Ok(vec!["p", "q", "r", "s"]),
        );
        check(
            "D-7 all still short",
            pqrs(),
            1,
            0,
            Need::Replicas(56),
            Err(SelectError::NotEnoughResource { k: 4 }),
        );
        // With no candidates at all k is 0 (S-36.1's errors survive only for an empty C).
        check(
            "S-36.1 k = 0, IGNORE",
            vec![],
            0,
            0,
            Need::Ignore,
            Err(SelectError::NoClusters),
        );
        check(
            "S-36.1 k = 0, need",
            vec![],
            0,
            0,
            Need::Replicas(1),
            Err(SelectError::NotEnoughResource { k: 0 }),
        );
    }

    /// S-32's pseudo-code, literally (O(n·k)), as the reference for the fast version.
    fn reference(
        c: Vec<Candidate>,
        min: i64,
        max: i64,
        need: Need,
    ) -> Result<Vec<String>, SelectError> {
        if (c.len() as i64) < min {
            return Err(SelectError::TooFewClusters);
        }
        let k = if max <= 0 {
            c.len()
        } else {
            c.len().min(max as usize)
        };
        let mut r: Vec<Candidate> = c[..k].to_vec();
        let mut rest: Vec<Candidate> = c[k..].to_vec();
        let Need::Replicas(need) = need else {
            return if r.is_empty() {
                Err(SelectError::NoClusters)
            } else {
                Ok(r.into_iter().map(|c| c.name.to_string()).collect())
            };
        };
        let sum = |r: &[Candidate]| r.iter().map(|c| c.avail).sum::<i64>();
        let mut i = k as i64 - 1;
        while sum(&r) < need && i >= 0 {
            let iu = i as usize;
            let above: Vec<usize> = (0..rest.len())
                .filter(|&j| rest[j].avail > r[iu].avail)
                .collect();
            let best = above.iter().map(|&j| rest[j].avail).max();
            if let Some(best) = best {
                let j = above.into_iter().find(|&j| rest[j].avail == best).unwrap();
                std::mem::swap(&mut r[iu], &mut rest[j]);
            }
            i -= 1;
        }
        if r.is_empty() || sum(&r) < need {
            return Err(SelectError::NotEnoughResource { k });
        }
        Ok(r.into_iter().map(|c| c.name.to_string()).collect())
    }

    fn arb_case() -> impl Strategy<Value = (Vec<Candidate>, i64, i64, Need)> {
        let cands = prop::collection::vec((prop::bool::ANY, 0i64..20), 0..14).prop_map(|rows| {
            let mut v: Vec<Candidate> = rows
                .into_iter()
                .enumerate()
                .map(|(i, (s, a))| cand(&format!("c{i:02}"), if s { 100 } else { 0 }, a))
                .collect();
            order_candidates(&mut v);
            v
        });
        let need = prop_oneof![Just(Need::Ignore), (0i64..120).prop_map(Need::Replicas)];
        // Admission: minGroups ≥ 1; maxGroups 0 or ≥ minGroups.
        let bounds = (1i64..6, 0i64..6)
            .prop_map(|(min, extra)| (min, if extra == 0 { 0 } else { min + extra - 1 }));
        (cands, bounds, need).prop_map(|(c, (min, max), need)| (c, min, max, need))
    }

    proptest! {
        // S-32: the fast swap equals the literal pseudo-code.
        #[test]
        fn s32_matches_reference((c, min, max, need) in arb_case()) {
            prop_assert_eq!(run(c.clone(), min, max, need), reference(c, min, max, need));
        }

        // S-32, D-7: never more than maxGroups (when > 0), never fewer than minGroups; a
        // successful Divided selection holds the need; same input, same output (S-67).
        #[test]
        fn s32_bounds_capacity_determinism((c, min, max, need) in arb_case()) {
            let first = select_by_cluster(c.clone(), min, max, need);
            prop_assert_eq!(&first, &select_by_cluster(c.clone(), min, max, need));
            if let Ok(sel) = first {
                if max > 0 {
                    prop_assert!(sel.len() as i64 <= max);
                } else {
                    prop_assert_eq!(sel.len(), c.len());
                }
                prop_assert!(sel.len() as i64 >= min);
                if let Need::Replicas(n) = need {
                    prop_assert!(sel.iter().map(|c| c.avail).sum::<i64>() >= n);
                }
                for s in &sel {
                    prop_assert!(c.contains(s));
                }
            }
        }
    }

    // Performance shape: 1,000 candidates with a swap at most positions of R stays cheap and
    // agrees with the reference.
    #[test]
    fn s32_large_swap() {
        let mut c: Vec<Candidate> = (0..1000)
            .map(|i| cand(&format!("c{i:04}"), 0, 1000 - i))
            .collect();
        for x in c.iter_mut().take(500) {
            x.score = 100;
            x.avail = 1;
        }
        order_candidates(&mut c);
        let got = run(c.clone(), 1, 500, Need::Replicas(100_000));
        assert_eq!(got, reference(c, 1, 500, Need::Replicas(100_000)));
        assert_eq!(got.map(|v| v.len()), Ok(500));
    }
}
