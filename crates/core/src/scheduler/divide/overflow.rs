//! Overflow affinities (S-54): tiered assignment by `Candidate::overflow_order`.
//!
//! Owns: splitting the selected clusters into tiers, capping each tier at its Σ avail, running the
//! DynamicWeight/Aggregated division per tier, and the tiered Unschedulable text (or the D-10
//! shortfall). Must not: decide whether overflow is enabled (the caller knows the placement),
//! compute `overflow_order` (S-28), drop zero entries or order the result (S-49, S-50).

use super::dynamic::{Request, assign_dynamic};
use super::{AssignError, Division};
use crate::scheduler::types::Candidate;

/// The S-54 message when the tiers together cannot hold the replicas.
pub(super) const NOT_ENOUGH: &str = "Clusters available replicas are not enough to schedule.";

/// S-54: fill the tiers in ascending `overflow_order`, each with `min(remaining, Σ avail)`.
/// `req.selected` holds every selected cluster; each tier is divided with `req`'s strategy, mode
/// and options, with its own clusters as the selected list (so Steady prev is the tier's
/// `spec.clusters` entries). Tiers after the one that completes the target get nothing.
pub(super) fn assign_overflow(req: &Request<'_, '_>) -> Result<Division, AssignError> {
    let mut tiers: Vec<u32> = req.selected.iter().map(|c| c.overflow_order).collect();
    tiers.sort_unstable();
    tiers.dedup();
    let mut remaining = req.replicas;
    let mut result = Division {
        entries: Vec::new(),
        shortfall: 0,
    };
    for tier in tiers {
        // The tier's clusters in candidate order, with their positions in `req.selected`.
        let (origin, members): (Vec<usize>, Vec<&Candidate>) = req
            .selected
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, c)| c.overflow_order == tier)
            .unzip();
        let cap: i64 = members
            .iter()
            .map(|c| c.avail.max(0))
            .fold(0, i64::saturating_add);
        let n = remaining.min(cap);
        let part = assign_dynamic(&Request {
            selected: &members,
            replicas: n,
            ..*req
        })?;
        result
            .entries
            .extend(part.entries.into_iter().map(|(i, r)| (origin[i], r)));
        result.shortfall += part.shortfall;
        remaining -= n;
        if remaining <= 0 {
            break;
        }
    }
    if remaining > 0 {
        if !req.partial_placement {
            return Err(AssignError::Unschedulable {
                message: NOT_ENOUGH.to_string(),
            });
        }
        result.shortfall += remaining;
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::divide::dynamic::Packing;
    use crate::scheduler::types::Orientation;
    use flotilla_api::types::TargetCluster;
    use std::collections::BTreeMap;

    /// (name, overflow_order, alloc, current replicas); avail = alloc + current (S-27).
    fn cands(spec: &[(&str, u32, i64, i32)]) -> (Vec<Candidate>, Vec<TargetCluster>) {
        let cs = spec
            .iter()
            .map(|&(n, order, alloc, cur)| Candidate {
                name: n.into(),
                region: "".into(),
                score: if cur > 0 { 100 } else { 0 },
                alloc,
                avail: alloc + i64::from(cur),
                overflow_order: order,
            })
            .collect();
        let prev = spec
            .iter()
            .filter(|s| s.3 > 0)
            .map(|&(n, _, _, cur)| TargetCluster {
                name: n.into(),
                replicas: cur,
                components: vec![],
            })
            .collect();
        (cs, prev)
    }

    fn run(
        packing: Packing,
        spec: &[(&str, u32, i64, i32)],
        replicas: i64,
        partial: bool,
    ) -> Result<(BTreeMap<String, i64>, i64), AssignError> {
        let (cs, prev) = cands(spec);
        let refs: Vec<&Candidate> = cs.iter().collect();
        let req = Request {
            packing,
            selected: &refs,
            previous: &prev,
            replicas,
            fresh: false,
            orientation: Orientation::Asc,
            partial_placement: partial,
        };
        let d = assign_overflow(&req)?;
        Ok((
            d.entries
                .into_iter()
                .filter(|e| e.1 > 0)
                .map(|(i, r)| (cs[i].name.to_string(), r))
                .collect(),
            d.shortfall,
        ))
    }

    fn map(entries: &[(&str, i64)]) -> BTreeMap<String, i64> {
        entries.iter().map(|&(n, r)| (n.to_string(), r)).collect()
    }

    /// S-54 worked example: primary [p] avail 2, overflow [s] avail 10, Aggregated.
    #[test]
    fn s54_example() {
        let agg = Packing::Aggregate;
        assert_eq!(
            run(agg, &[("p", 0, 2, 0), ("s", 1, 10, 0)], 2, false),
            Ok((map(&[("p", 2)]), 0))
        );
        // Replicas 4 (from [p:2]): p is full, s takes the overflow.
        assert_eq!(
            run(agg, &[("p", 0, 0, 2), ("s", 1, 10, 0)], 4, false),
            Ok((map(&[("p", 2), ("s", 2)]), 0))
        );
        // Replicas 13 > 12: Unschedulable (the caller keeps the target list).
        let err = run(agg, &[("p", 0, 0, 2), ("s", 1, 8, 2)], 13, false).unwrap_err();
        assert_eq!(
            err,
            AssignError::Unschedulable {
                message: NOT_ENOUGH.into()
            }
        );
        assert_eq!(
            err.to_string(),
            "Clusters available replicas are not enough to schedule."
        );
        // Back to 2: the primary absorbs everything and s is emptied.
        assert_eq!(
            run(agg, &[("p", 0, 0, 2), ("s", 1, 8, 2)], 2, false),
            Ok((map(&[("p", 2)]), 0))
        );
    }

    /// S-54: tiers in ascending order, later tiers emptied first on scale-down, empty tiers skipped.
    #[test]
    fn s54_table() {
        let dw = Packing::Spread;
        type Case<'x> = (
            &'x str,
            &'x [(&'x str, u32, i64, i32)],
            i64,
            &'x [(&'x str, i64)],
        );
        let cases: &[Case<'_>] = &[
            (
                "tier 0 first even if listed later",
                &[("s", 2, 10, 0), ("p", 0, 3, 0), ("q", 0, 3, 0)],
                4,
                &[("p", 2), ("q", 2)],
            ),
            (
                "overflow spans two tiers",
                &[("p", 0, 2, 0), ("s", 1, 1, 0), ("t", 2, 10, 0)],
                6,
                &[("p", 2), ("s", 1), ("t", 3)],
            ),
            (
                "scale-down empties later tiers",
                &[("p", 0, 0, 3), ("s", 1, 0, 4), ("t", 2, 0, 5)],
                5,
                &[("p", 3), ("s", 2)],
            ),
            (
                "1000 = no match is the last tier",
                &[("x", 1000, 5, 0), ("p", 0, 1, 0)],
                3,
                &[("p", 1), ("x", 2)],
            ),
            (
                "replicas 0: first tier scaled to 0",
                &[("p", 0, 0, 3), ("s", 1, 0, 4)],
                0,
                &[],
            ),
        ];
        for (what, spec, replicas, want) in cases {
            assert_eq!(
                run(dw, spec, *replicas, false),
                Ok((map(want), 0)),
                "{what}"
            );
        }
    }

    /// D-10 with S-54: place what the tiers hold and report the rest.
    #[test]
    fn d10_partial_overflow() {
        let got = run(
            Packing::Aggregate,
            &[("p", 0, 0, 2), ("s", 1, 8, 2)],
            13,
            true,
        );
        assert_eq!(got, Ok((map(&[("p", 2), ("s", 10)]), 1)));
    }

    /// A random tiered fleet: (overflow_order, alloc, current replicas) per cluster.
    fn fleet() -> impl proptest::strategy::Strategy<Value = Vec<(u32, i64, i32)>> {
        proptest::collection::vec((0_u32..3, 0_i64..8, 0_i32..4), 1..8)
    }

    proptest::proptest! {
        /// S-54: a tier gets replicas only when every earlier tier is full (Σ = Σ avail), the
        /// total is T when the tiers hold it, and with one tier the result equals the plain
        /// division (S-37 step 4).
        #[test]
        fn s54_tiers_fill_in_order(raw in fleet(), t in 0_i64..40, agg in proptest::bool::ANY) {
            let packing = if agg { Packing::Aggregate } else { Packing::Spread };
            let names: Vec<String> = (0..raw.len()).map(|i| format!("m{i}")).collect();
            let spec: Vec<(&str, u32, i64, i32)> =
                names.iter().zip(&raw).map(|(n, r)| (n.as_str(), r.0, r.1, r.2)).collect();
            let cap: i64 = raw.iter().map(|r| r.1 + i64::from(r.2)).sum();
            let got = run(packing, &spec, t, false);
            proptest::prop_assert_eq!(got.is_ok(), t <= cap);
            let Ok((m, _)) = got else { return Ok(()) };
            proptest::prop_assert_eq!(m.values().sum::<i64>(), t);
            let placed = |tier: u32| -> (i64, i64) {
                spec.iter().filter(|s| s.1 == tier).fold((0, 0), |(sum, cap), s| {
                    (sum + m.get(s.0).copied().unwrap_or(0), cap + s.2 + i64::from(s.3))
                })
            };
            for tier in 1..3 {
                if placed(tier).0 > 0 {
                    for earlier in 0..tier {
                        let (sum, cap) = placed(earlier);
                        proptest::prop_assert_eq!(sum, cap);
                    }
                }
            }
            let flat: Vec<(&str, u32, i64, i32)> = spec.iter().map(|s| (s.0, 7, s.2, s.3)).collect();
            let (cs, prev) = cands(&flat);
            let refs: Vec<&Candidate> = cs.iter().collect();
            let req = Request {
                packing,
                selected: &refs,
                previous: &prev,
                replicas: t,
                fresh: false,
                orientation: Orientation::Asc,
                partial_placement: false,
            };
            let plain = assign_dynamic(&req).map(|d| d.entries).unwrap_or_default();
            let plain: BTreeMap<String, i64> =
                plain.into_iter().filter(|e| e.1 > 0).map(|(i, r)| (cs[i].name.to_string(), r)).collect();
            proptest::prop_assert_eq!(run(packing, &flat, t, false).map(|r| r.0), Ok(plain));
        }
    }
}
