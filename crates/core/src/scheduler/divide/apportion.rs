//! The apportionment primitive APPORTION (S-39, Webster / Sainte-Laguë) and the tie orientation
//! derived from a resource UID (S-40).
//!
//! Owns: dividing a number of seats among parties in proportion to their votes, with exact
//! 128-bit priority comparison (D-3) and the complete tie-break (fewer held seats, then name in
//! the orientation). Must not: know about clusters, capacity or strategies — callers translate.
//!
//! Speed. The definition hands out seats one at a time. Every party's successive priorities
//! `votes / (2·held + 1)` strictly decrease while its tie keys (held) increase, so the
//! seat-by-seat procedure takes exactly the `seats` greatest "items" `(party, held)` of one total
//! order (priority, then fewer held, then name, then input position). [`apportion`] brackets the
//! last item taken between two divisors: with `m` parties that have votes, fewer than `seats`
//! items have a priority above `total / (2·seats − m)` (all taken), at least `seats` have one
//! above `total / (2·seats + m)`, and fewer than `2m` items lie in between. It takes the first set
//! whole and selects the missing seats from the band in linear expected time. When initial seats
//! push the second count below `seats`, it finishes seat by seat with a heap instead. The tests
//! check every path against a literal seat-by-seat implementation.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::scheduler::types::Orientation;

/// One party of an apportionment (a key of S-39's `weight`/`initial` maps).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Party<'a> {
    /// Party name; names must be distinct (S-39 parties form a map). Tie-break (c).
    pub name: &'a str,
    /// Votes (S-39 `weight[name]`).
    pub votes: u64,
    /// Seats held before the first round (S-39 `initial[name]`; the scheduler passes 0).
    pub initial: u32,
}

/// APPORTION (S-39): hands out `seats` seats one at a time, each to the party first by
/// (a) larger priority `votes / (2·held + 1)` compared exactly (D-3), (b) fewer held seats,
/// (c) name ascending, or descending with [`Orientation::Desc`] (S-40).
///
/// Returns the seats held by each party after the rounds (initial seats included), aligned with
/// `parties`; an empty vector when `parties` is empty; `None` ("no allocation") when the parties'
/// votes sum to 0. Should two parties share a name, the earlier one wins tie (c).
pub fn apportion(seats: u32, parties: &[Party<'_>], orientation: Orientation) -> Option<Vec<u64>> {
    if parties.is_empty() {
        return Some(Vec::new());
    }
    let total: u128 = parties.iter().map(|p| u128::from(p.votes)).sum();
    if total == 0 {
        return None;
    }
    let voters = parties.iter().filter(|p| p.votes > 0).count() as u128;
    let double = 2 * u128::from(seats);
    // Items strictly above each divisor, per party: (surely taken, band end).
    let bounds: Vec<(u64, u64)> = parties
        .iter()
        .map(|p| {
            let lo = if double > voters {
                items_above(p.votes, double - voters, total)
            } else {
                0
            };
            let initial = u64::from(p.initial);
            (
                lo.max(initial),
                items_above(p.votes, double + voters, total).max(initial),
            )
        })
        .collect();
    let mut held: Vec<u64> = bounds.iter().map(|b| b.0).collect();
    let taken: u64 = parties
        .iter()
        .zip(&held)
        .map(|(p, h)| h - u64::from(p.initial))
        .sum();
    let reach: u64 = parties
        .iter()
        .zip(&bounds)
        .map(|(p, b)| b.1 - u64::from(p.initial))
        .sum();
    // taken < seats when 2·seats > m (module doc); 0 otherwise.
    let missing = u64::from(seats) - taken;
    if reach >= u64::from(seats) {
        take_from_band(missing, parties, &bounds, orientation, &mut held);
    } else {
        finish_seat_by_seat(missing, parties, orientation, &mut held);
    }
    Some(held)
}

/// The number of items `j >= 0` of a party whose priority `votes / (2j + 1)` exceeds
/// `total / scale`: the odd `k = 2j + 1` with `k·total < votes·scale`.
fn items_above(votes: u64, scale: u128, total: u128) -> u64 {
    let n = u128::from(votes) * scale;
    if n == 0 {
        return 0;
    }
    // 64-bit division when it fits: this runs once or twice per party.
    let below = match (u64::try_from(n - 1), u64::try_from(total)) {
        (Ok(n1), Ok(t)) => u128::from(n1 / t),
        _ => (n - 1) / total,
    };
    u64::try_from(below.div_ceil(2)).unwrap_or(u64::MAX)
}

/// Hands out the `missing` seats to the best items of the band `held[i] .. bounds[i].1`, which
/// holds at least `missing` items, by selecting the `missing` greatest in the S-39 order.
fn take_from_band(
    missing: u64,
    parties: &[Party<'_>],
    bounds: &[(u64, u64)],
    orientation: Orientation,
    held: &mut [u64],
) {
    if missing == 0 {
        return;
    }
    let desc = orientation == Orientation::Desc;
    let mut band: Vec<Next<'_>> = Vec::new();
    for (index, (p, &(from, to))) in parties.iter().zip(bounds).enumerate() {
        band.extend((from..to).map(|j| Next {
            name: p.name,
            votes: p.votes,
            held: j,
            index,
            desc,
        }));
    }
    let missing = usize::try_from(missing).unwrap_or(usize::MAX);
    if missing < band.len() {
        // Best first; afterwards band[..missing] are the `missing` greatest items.
        band.select_nth_unstable_by(missing, |a, b| b.cmp(a));
        band.truncate(missing);
    }
    // The chosen items form a prefix of each party's chain, so counting them is enough.
    for item in &band {
        held[item.index] += 1;
    }
}

/// A party's next item in the seat-by-seat order; the heap's maximum wins the next seat.
struct Next<'a> {
    name: &'a str,
    votes: u64,
    held: u64,
    index: usize,
    desc: bool,
}

impl Ord for Next<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_priority(self.votes, self.held, other.votes, other.held)
            .then_with(|| other.held.cmp(&self.held))
            .then_with(|| {
                let by_name = other.name.cmp(self.name);
                if self.desc {
                    by_name.reverse()
                } else {
                    by_name
                }
            })
            .then_with(|| other.index.cmp(&self.index))
    }
}

impl PartialOrd for Next<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Next<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Next<'_> {}

/// Compares the priorities `v1 / (2·h1 + 1)` and `v2 / (2·h2 + 1)` exactly (S-39, D-3).
/// `h1`, `h2` stay below 2^34 (u32 initial + u32 seats), so the products fit in 128 bits.
fn compare_priority(v1: u64, h1: u64, v2: u64, h2: u64) -> Ordering {
    let left = u128::from(v1) * (2 * u128::from(h2) + 1);
    let right = u128::from(v2) * (2 * u128::from(h1) + 1);
    left.cmp(&right)
}

/// Hands out `seats` more seats one at a time by the S-39 order.
fn finish_seat_by_seat(
    seats: u64,
    parties: &[Party<'_>],
    orientation: Orientation,
    held: &mut [u64],
) {
    if seats == 0 {
        return;
    }
    let desc = orientation == Orientation::Desc;
    let mut heap: BinaryHeap<Next<'_>> = parties
        .iter()
        .enumerate()
        .map(|(index, p)| Next {
            name: p.name,
            votes: p.votes,
            held: held[index],
            index,
            desc,
        })
        .collect();
    for _ in 0..seats {
        let Some(mut winner) = heap.pop() else { return };
        winner.held += 1;
        held[winner.index] = winner.held;
        heap.push(winner);
    }
}

/// S-40: the tie orientation of a resource UID. Empty UID → [`Orientation::Asc`]; otherwise the
/// 32-bit FNV-1a hash of the UID's bytes, odd → [`Orientation::Desc`], even → `Asc`.
pub fn orientation_for_uid(uid: &str) -> Orientation {
    if uid.is_empty() {
        return Orientation::Asc;
    }
    if fnv1a32(uid.as_bytes()) % 2 == 1 {
        Orientation::Desc
    } else {
        Orientation::Asc
    }
}

/// 32-bit FNV-1a (S-40).
fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(2_166_136_261_u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// The literal S-39 definition: a linear scan per seat.
    fn reference(seats: u32, parties: &[Party<'_>], orientation: Orientation) -> Option<Vec<u64>> {
        if parties.is_empty() {
            return Some(Vec::new());
        }
        if parties.iter().all(|p| p.votes == 0) {
            return None;
        }
        let mut held: Vec<u64> = parties.iter().map(|p| u64::from(p.initial)).collect();
        for _ in 0..seats {
            let mut best = 0;
            for i in 1..parties.len() {
                let ord =
                    compare_priority(parties[i].votes, held[i], parties[best].votes, held[best])
                        .then_with(|| held[best].cmp(&held[i]))
                        .then_with(|| match orientation {
                            Orientation::Asc => parties[best].name.cmp(parties[i].name),
                            Orientation::Desc => parties[i].name.cmp(parties[best].name),
                        });
                if ord == Ordering::Greater {
                    best = i;
                }
            }
            held[best] += 1;
        }
        Some(held)
    }

    fn run(seats: u32, weights: &[(&str, u64)], o: Orientation) -> BTreeMap<String, u64> {
        let parties: Vec<Party<'_>> = weights
            .iter()
            .map(|&(name, votes)| Party {
                name,
                votes,
                initial: 0,
            })
            .collect();
        let got = apportion(seats, &parties, o).expect("allocation");
        assert_eq!(
            Some(got.clone()),
            reference(seats, &parties, o),
            "fast path == definition"
        );
        weights
            .iter()
            .map(|(n, _)| n.to_string())
            .zip(got)
            .collect()
    }

    fn map(entries: &[(&str, u64)]) -> BTreeMap<String, u64> {
        entries.iter().map(|&(n, v)| (n.to_string(), v)).collect()
    }

    /// S-39 worked examples (orientation ASC unless stated).
    #[test]
    fn s39_examples() {
        use Orientation::*;
        type Case<'x> = (u32, &'x [(&'x str, u64)], Orientation, &'x [(&'x str, u64)]);
        let cases: &[Case<'_>] = &[
            (
                7,
                &[("east", 5), ("west", 3), ("north", 2)],
                Asc,
                &[("east", 4), ("west", 2), ("north", 1)],
            ),
            (
                3,
                &[("alpha", 1), ("beta", 1)],
                Asc,
                &[("alpha", 2), ("beta", 1)],
            ),
            (
                3,
                &[("alpha", 1), ("beta", 1)],
                Desc,
                &[("alpha", 1), ("beta", 2)],
            ),
            (
                10,
                &[("a", 1), ("b", 1), ("c", 1)],
                Asc,
                &[("a", 4), ("b", 3), ("c", 3)],
            ),
            (4, &[("p", 2), ("q", 1)], Asc, &[("p", 3), ("q", 1)]),
            // S-41 example: Webster, not "floor and hand out the remainder".
            (
                9,
                &[("a", 2), ("b", 1), ("c", 1)],
                Asc,
                &[("a", 5), ("b", 2), ("c", 2)],
            ),
            // D-1: 2 seats at 3:1 give 1/1 (priority tie goes to fewer seats).
            (2, &[("x", 3), ("y", 1)], Asc, &[("x", 1), ("y", 1)]),
            // S-44 and S-45 examples.
            (
                6,
                &[("b", 9), ("c", 6), ("a", 3)],
                Asc,
                &[("a", 1), ("b", 3), ("c", 2)],
            ),
            (
                6,
                &[("a", 6), ("b", 3), ("c", 3)],
                Asc,
                &[("a", 3), ("b", 2), ("c", 1)],
            ),
            (
                6,
                &[("a", 6), ("b", 3), ("c", 3)],
                Desc,
                &[("a", 3), ("b", 1), ("c", 2)],
            ),
        ];
        for (seats, weights, o, want) in cases {
            assert_eq!(
                run(*seats, weights, *o),
                map(want),
                "{seats} seats over {weights:?} ({o:?})"
            );
        }
    }

    /// S-39: empty parties → empty; Σ votes == 0 → no allocation; zero-vote parties get nothing.
    #[test]
    fn s39_edge_cases() {
        assert_eq!(apportion(5, &[], Orientation::Asc), Some(vec![]));
        let zero = [
            Party {
                name: "a",
                votes: 0,
                initial: 0,
            },
            Party {
                name: "b",
                votes: 0,
                initial: 0,
            },
        ];
        assert_eq!(apportion(5, &zero, Orientation::Asc), None);
        assert_eq!(apportion(0, &zero, Orientation::Asc), None);
        assert_eq!(
            run(5, &[("a", 0), ("b", 1), ("c", 0)], Orientation::Asc),
            map(&[("a", 0), ("b", 5), ("c", 0)])
        );
        assert_eq!(
            run(0, &[("a", 3), ("b", 1)], Orientation::Asc),
            map(&[("a", 0), ("b", 0)])
        );
    }

    /// S-39: initial seats count as held (incremental seat-adding).
    #[test]
    fn s39_initial_seats() {
        let parties = [
            Party {
                name: "a",
                votes: 1,
                initial: 3,
            },
            Party {
                name: "b",
                votes: 1,
                initial: 0,
            },
        ];
        assert_eq!(apportion(3, &parties, Orientation::Asc), Some(vec![3, 3]));
        assert_eq!(apportion(4, &parties, Orientation::Asc), Some(vec![4, 3]));
        let zero_vote_initial = [
            Party {
                name: "a",
                votes: 0,
                initial: 2,
            },
            Party {
                name: "b",
                votes: 5,
                initial: 0,
            },
        ];
        assert_eq!(
            apportion(2, &zero_vote_initial, Orientation::Asc),
            Some(vec![2, 2])
        );
    }

    /// D-3: exact comparison where 64-bit floats cannot tell the priorities apart.
    #[test]
    fn d3_exact_comparison() {
        let big = 1_u64 << 60;
        // (big + 1) / 3 vs big / 3: floats round both to the same value; exact arithmetic does not.
        let parties = [
            Party {
                name: "a",
                votes: big,
                initial: 1,
            },
            Party {
                name: "b",
                votes: big + 1,
                initial: 1,
            },
        ];
        assert_eq!(apportion(1, &parties, Orientation::Asc), Some(vec![1, 2]));
        assert_eq!(
            compare_priority(u64::MAX, 0, u64::MAX - 1, 0),
            Ordering::Greater
        );
    }

    /// S-40 test vectors.
    #[test]
    fn s40_orientation_vectors() {
        assert_eq!(
            fnv1a32(b"00000000-0000-0000-0000-000000000001"),
            3_175_583_038
        );
        assert_eq!(
            fnv1a32(b"00000000-0000-0000-0000-000000000002"),
            3_158_805_419
        );
        assert_eq!(
            fnv1a32(b"11111111-1111-1111-1111-111111111111"),
            1_031_130_113
        );
        let cases = [
            ("", Orientation::Asc),
            ("00000000-0000-0000-0000-000000000001", Orientation::Asc),
            ("00000000-0000-0000-0000-000000000002", Orientation::Desc),
            ("11111111-1111-1111-1111-111111111111", Orientation::Desc),
        ];
        for (uid, want) in cases {
            assert_eq!(orientation_for_uid(uid), want, "{uid:?}");
        }
    }

    /// Large house: the divisor prefix does the bulk and the result stays exact.
    #[test]
    fn s39_large_house_matches_definition() {
        let names: Vec<String> = (0..1000).map(|i| format!("member{i:04}")).collect();
        let parties: Vec<Party<'_>> = names
            .iter()
            .enumerate()
            .map(|(i, n)| Party {
                name: n,
                votes: (i as u64 * 7919) % 613 + u64::from(i % 3 == 0),
                initial: 0,
            })
            .collect();
        for seats in [0, 1, 499, 500, 501, 999, 1000, 1001, 12_345] {
            let got = apportion(seats, &parties, Orientation::Desc);
            assert_eq!(
                got,
                reference(seats, &parties, Orientation::Desc),
                "{seats}"
            );
            assert_eq!(got.unwrap().iter().sum::<u64>(), u64::from(seats));
        }
    }

    fn parties_strategy() -> impl Strategy<Value = Vec<(u64, u32)>> {
        let votes = prop_oneof![
            0_u64..4,
            0_u64..100,
            0_u64..=u64::MAX,
            (u64::MAX - 3)..=u64::MAX
        ];
        let initial = prop_oneof![3 => Just(0_u32), 1 => 0_u32..6];
        proptest::collection::vec((votes, initial), 0..12)
    }

    fn named<'a>(raw: &[(u64, u32)], names: &'a [String]) -> Vec<Party<'a>> {
        raw.iter()
            .zip(names)
            .map(|(&(votes, initial), name)| Party {
                name,
                votes,
                initial,
            })
            .collect()
    }

    /// Distinct names (7 is coprime to 13 and n < 13), deliberately not in name order.
    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("c{:02}", (i * 7) % 13)).collect()
    }

    proptest! {
        /// S-39: the divisor-prefix implementation equals the seat-by-seat definition.
        #[test]
        fn s39_fast_equals_definition(raw in parties_strategy(), seats in 0_u32..60, desc in any::<bool>()) {
            let ns = names(raw.len());
            let parties = named(&raw, &ns);
            let o = if desc { Orientation::Desc } else { Orientation::Asc };
            prop_assert_eq!(apportion(seats, &parties, o), reference(seats, &parties, o));
        }

        /// S-39: exactness (Σ result = seats + Σ initial when Σ votes > 0) and house monotonicity.
        #[test]
        fn s39_exact_and_house_monotone(raw in parties_strategy(), seats in 0_u32..200) {
            let ns = names(raw.len());
            let parties = named(&raw, &ns);
            let initial: u64 = parties.iter().map(|p| u64::from(p.initial)).sum();
            if parties.is_empty() {
                prop_assert_eq!(apportion(seats, &parties, Orientation::Asc), Some(vec![]));
            } else if let Some(small) = apportion(seats, &parties, Orientation::Asc) {
                prop_assert_eq!(small.iter().sum::<u64>(), u64::from(seats) + initial);
                let large = apportion(seats + 1, &parties, Orientation::Asc).unwrap();
                prop_assert!(small.iter().zip(&large).all(|(s, l)| s <= l));
            } else {
                prop_assert!(parties.iter().all(|p| p.votes == 0));
            }
        }

        /// S-39: parties form a map, so the result does not depend on their input order.
        #[test]
        fn s39_independent_of_party_order(
            raw in parties_strategy(),
            seats in 0_u32..100,
            rot in 0_usize..12,
        ) {
            let ns = names(raw.len());
            let parties = named(&raw, &ns);
            let mut rotated = parties.clone();
            rotated.reverse();
            if !rotated.is_empty() { let k = rot % rotated.len(); rotated.rotate_left(k); }
            let a = apportion(seats, &parties, Orientation::Desc)
                .map(|v| parties.iter().map(|p| p.name).zip(v).collect::<BTreeMap<_, _>>());
            let b = apportion(seats, &rotated, Orientation::Desc)
                .map(|v| rotated.iter().map(|p| p.name).zip(v).collect::<BTreeMap<_, _>>());
            prop_assert_eq!(a, b);
        }

        /// S-39: a large house over many parties still equals the definition.
        #[test]
        fn s39_fast_equals_definition_large(
            votes in proptest::collection::vec(0_u64..1000, 1..60),
            seats in 0_u32..3000,
        ) {
            let ns: Vec<String> = (0..votes.len()).map(|i| format!("m{i:03}")).collect();
            let parties: Vec<Party<'_>> =
                ns.iter().zip(&votes).map(|(n, &v)| Party { name: n, votes: v, initial: 0 }).collect();
            let want = reference(seats, &parties, Orientation::Asc);
            prop_assert_eq!(apportion(seats, &parties, Orientation::Asc), want);
        }
    }
}
