//! Tests of DynamicWeight / Aggregated division (S-42 … S-48), the worked examples of those rules
//! and the division parts of E-3 and E-4.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

type Result<T> = std::result::Result<T, AssignError>;

/// Selected clusters as (name, alloc), in candidate order.
fn cands(selected: &[(&str, i64)]) -> Vec<Candidate> {
    selected
        .iter()
        .map(|&(name, alloc)| Candidate {
            name: name.into(),
            region: "".into(),
            score: 0,
            alloc,
            avail: alloc,
            overflow_order: 0,
        })
        .collect()
}

fn targets(prev: &[(&str, i32)]) -> Vec<TargetCluster> {
    prev.iter()
        .map(|&(n, r)| TargetCluster {
            name: n.into(),
            replicas: r,
            components: vec![],
        })
        .collect()
}

struct Case<'x> {
    packing: Packing,
    selected: &'x [(&'x str, i64)],
    prev: &'x [(&'x str, i32)],
    replicas: i64,
    fresh: bool,
    orientation: Orientation,
    partial: bool,
}

impl<'x> Case<'x> {
    fn new(
        packing: Packing,
        selected: &'x [(&'x str, i64)],
        prev: &'x [(&'x str, i32)],
        replicas: i64,
    ) -> Self {
        Case {
            packing,
            selected,
            prev,
            replicas,
            fresh: false,
            orientation: Orientation::Asc,
            partial: false,
        }
    }

    /// Non-zero entries as a map, and the shortfall.
    fn run(&self) -> Result<(BTreeMap<String, i64>, i64)> {
        let cs = cands(self.selected);
        let refs: Vec<&Candidate> = cs.iter().collect();
        let prev = targets(self.prev);
        let req = Request {
            packing: self.packing,
            selected: &refs,
            previous: &prev,
            replicas: self.replicas,
            fresh: self.fresh,
            orientation: self.orientation,
            partial_placement: self.partial,
        };
        let d = assign_dynamic(&req)?;
        Ok((
            d.entries
                .into_iter()
                .filter(|e| e.1 > 0)
                .map(|(i, r)| (cs[i].name.to_string(), r))
                .collect(),
            d.shortfall,
        ))
    }

    fn ok(&self) -> BTreeMap<String, i64> {
        let (m, shortfall) = self.run().expect("division succeeds");
        assert_eq!(shortfall, 0);
        m
    }
}

fn map(entries: &[(&str, i64)]) -> BTreeMap<String, i64> {
    entries.iter().map(|&(n, r)| (n.to_string(), r)).collect()
}

fn unschedulable(sum: i64) -> AssignError {
    AssignError::Unschedulable {
        message: format!("Clusters available replicas {sum} are not enough to schedule."),
    }
}

const DW: Packing = Packing::Spread;
const AGG: Packing = Packing::Aggregate;

/// S-43: the three Steady cases; prev keeps only selected clusters.
#[test]
fn s43_steady_cases() {
    let sel: &[(&str, i64)] = &[("a", 0), ("b", 10), ("c", 5)];
    // assigned == T: unchanged, even though a has no free capacity.
    assert_eq!(
        Case::new(DW, sel, &[("a", 4), ("b", 2)], 6).ok(),
        map(&[("a", 4), ("b", 2)])
    );
    assert_eq!(
        Case::new(AGG, sel, &[("a", 4), ("b", 2)], 6).ok(),
        map(&[("a", 4), ("b", 2)])
    );
    // assigned < T: scale up (first schedule: prev empty).
    assert_eq!(Case::new(DW, sel, &[], 3).ok(), map(&[("b", 2), ("c", 1)]));
    // assigned > T: scale down.
    assert_eq!(
        Case::new(DW, sel, &[("a", 4), ("b", 2)], 3).ok(),
        map(&[("a", 2), ("b", 1)])
    );
    // A prev entry of a cluster no longer selected is discarded; its replicas count as missing.
    assert_eq!(
        Case::new(DW, sel, &[("a", 4), ("gone", 2)], 6).ok(),
        map(&[("a", 4), ("b", 1), ("c", 1)])
    );
    // T = 0 with replica requirements: scale down to nothing.
    assert_eq!(Case::new(AGG, sel, &[("a", 4), ("b", 2)], 0).ok(), map(&[]));
    // Duplicate prev entries count once with their sum; negative counts read as 0.
    assert_eq!(
        Case::new(DW, sel, &[("b", 1), ("b", 2), ("c", -4)], 3).ok(),
        map(&[("b", 3)])
    );
}

/// S-42: Fresh iff a reschedule was requested; Steady anchors to prev, Fresh does not.
#[test]
fn s42_mode() {
    let sel: &[(&str, i64)] = &[("a", 10), ("b", 10)];
    let prev: &[(&str, i32)] = &[("a", 4)];
    assert_eq!(Case::new(DW, sel, prev, 4).ok(), map(&[("a", 4)]));
    assert_eq!(
        Case {
            fresh: true,
            ..Case::new(DW, sel, prev, 4)
        }
        .ok(),
        map(&[("a", 2), ("b", 2)])
    );
    // Steady scale-up keeps a's 4 and spreads the 2 new ones by alloc.
    assert_eq!(Case::new(DW, sel, prev, 6).ok(), map(&[("a", 5), ("b", 1)]));
}

/// S-44 worked example and "previously assigned replicas are never moved".
#[test]
fn s44_scale_up() {
    let sel: &[(&str, i64)] = &[("a", 3), ("b", 9), ("c", 6)];
    assert_eq!(
        Case::new(DW, sel, &[("a", 4), ("b", 2)], 12).ok(),
        map(&[("a", 5), ("b", 5), ("c", 2)])
    );
    // Weighted by alloc, not avail: a cluster with no free capacity gets nothing more.
    let full: &[(&str, i64)] = &[("a", 0), ("b", 4)];
    assert_eq!(
        Case::new(DW, full, &[("a", 10)], 12).ok(),
        map(&[("a", 10), ("b", 2)])
    );
}

/// S-45 worked examples (ASC and DESC orientation).
#[test]
fn s45_scale_down() {
    let sel: &[(&str, i64)] = &[("a", 0), ("b", 0), ("c", 0)];
    let prev: &[(&str, i32)] = &[("a", 6), ("b", 3), ("c", 3)];
    assert_eq!(
        Case::new(DW, sel, prev, 6).ok(),
        map(&[("a", 3), ("b", 2), ("c", 1)])
    );
    let desc = Case {
        orientation: Orientation::Desc,
        ..Case::new(DW, sel, prev, 6)
    };
    assert_eq!(desc.ok(), map(&[("a", 3), ("b", 1), ("c", 2)]));
    assert_eq!(Case::new(AGG, sel, prev, 6).ok(), map(&[("a", 6)]));
    // Aggregated keeps the largest clusters, spreading T over the chosen prefix by count.
    assert_eq!(
        Case::new(AGG, sel, prev, 8).ok(),
        map(&[("a", 5), ("b", 3)])
    );
}

/// S-46 worked example: capacities alloc + prevReplicas; Aggregated tie by candidate order.
#[test]
fn s46_fresh() {
    // Candidate order (S-28): c (score 100, avail 20), a (score 100, avail 10), b (score 0, avail 20).
    let sel: &[(&str, i64)] = &[("c", 12), ("a", 6), ("b", 20)];
    let prev: &[(&str, i32)] = &[("a", 4), ("c", 8)];
    let dw = Case {
        fresh: true,
        ..Case::new(DW, sel, prev, 12)
    };
    assert_eq!(dw.ok(), map(&[("a", 2), ("b", 5), ("c", 5)]));
    let agg = Case {
        fresh: true,
        ..Case::new(AGG, sel, prev, 12)
    };
    assert_eq!(agg.ok(), map(&[("c", 12)]));
    // Fresh ignores prior-first: with b listed first, the tie goes to b.
    let b_first: &[(&str, i64)] = &[("b", 20), ("c", 12), ("a", 6)];
    assert_eq!(
        Case {
            fresh: true,
            ..Case::new(AGG, b_first, prev, 12)
        }
        .ok(),
        map(&[("b", 12)])
    );
    // Fresh, but Steady would have kept prev unchanged.
    assert_eq!(
        Case::new(AGG, sel, prev, 12).ok(),
        map(&[("a", 4), ("c", 8)])
    );
}

/// S-47 worked examples.
#[test]
fn s47_divide() {
    let sel: &[(&str, i64)] = &[("a", 8), ("b", 24), ("c", 16)];
    assert_eq!(Case::new(AGG, sel, &[], 10).ok(), map(&[("b", 10)]));
    assert_eq!(
        Case::new(AGG, sel, &[], 30).ok(),
        map(&[("b", 18), ("c", 12)])
    );
    assert_eq!(
        Case::new(DW, sel, &[], 12).ok(),
        map(&[("a", 2), ("b", 6), ("c", 4)])
    );
    // Aggregated scale-up: prior clusters first, prefix [c] reaches 3.
    let up: &[(&str, i64)] = &[("a", 2), ("b", 20), ("c", 3)];
    assert_eq!(
        Case::new(AGG, up, &[("a", 4), ("c", 8)], 15).ok(),
        map(&[("a", 4), ("c", 11)])
    );
    // Capacity check: all or nothing.
    let small: &[(&str, i64)] = &[("x", 3), ("y", 3), ("z", 3)];
    let err = Case::new(DW, small, &[], 12).run().unwrap_err();
    assert_eq!(err, unschedulable(9));
    assert_eq!(
        err.to_string(),
        "Clusters available replicas 9 are not enough to schedule."
    );
    assert_eq!(
        Case::new(AGG, small, &[], 12).run().unwrap_err(),
        unschedulable(9)
    );
    // Exactly enough capacity is enough.
    assert_eq!(
        Case::new(AGG, small, &[], 9).ok(),
        map(&[("x", 3), ("y", 3), ("z", 3)])
    );
    // Negative estimates read as 0.
    assert_eq!(
        Case::new(DW, &[("x", -5), ("y", 2)], &[], 2).ok(),
        map(&[("y", 2)])
    );
}

/// S-48: ties keep the selected order (S-44, S-46) or the spec.clusters order (S-45).
#[test]
fn s48_stable_ties() {
    assert_eq!(
        Case::new(AGG, &[("y", 10), ("x", 10)], &[], 5).ok(),
        map(&[("y", 5)])
    );
    assert_eq!(
        Case::new(AGG, &[("x", 10), ("y", 10)], &[], 5).ok(),
        map(&[("x", 5)])
    );
    let sel: &[(&str, i64)] = &[("a", 0), ("b", 0)];
    assert_eq!(
        Case::new(AGG, sel, &[("b", 3), ("a", 3)], 3).ok(),
        map(&[("b", 3)])
    );
    assert_eq!(
        Case::new(AGG, sel, &[("a", 3), ("b", 3)], 3).ok(),
        map(&[("a", 3)])
    );
    // D-4: stable beyond 12 clusters too.
    let names: Vec<String> = (0..30).map(|i| format!("m{:02}", 29 - i)).collect();
    let many: Vec<(&str, i64)> = names.iter().map(|n| (n.as_str(), 4)).collect();
    assert_eq!(Case::new(AGG, &many, &[], 4).ok(), map(&[("m29", 4)]));
}

/// E-3 (division parts): DynamicWeight failover.
#[test]
fn e3_dynamic_failover() {
    let pass1: &[(&str, i64)] = &[("c1", 8), ("c2", 24), ("c3", 16)];
    assert_eq!(
        Case::new(DW, pass1, &[], 12).ok(),
        map(&[("c1", 2), ("c2", 6), ("c3", 4)])
    );
    // c2 evicted: spec.clusters [c1:2, c3:4]; alloc now c1 6, c3 12.
    let pass2: &[(&str, i64)] = &[("c1", 6), ("c3", 12)];
    let prev: &[(&str, i32)] = &[("c1", 2), ("c3", 4)];
    assert_eq!(
        Case::new(DW, pass2, prev, 12).ok(),
        map(&[("c1", 4), ("c3", 8)])
    );
    // Variant: alloc c1 1, c3 2: 3 < 6, Unschedulable; the caller keeps [c1:2, c3:4].
    let short: &[(&str, i64)] = &[("c1", 1), ("c3", 2)];
    assert_eq!(
        Case::new(DW, short, prev, 12).run().unwrap_err(),
        unschedulable(3)
    );
}

/// E-4 (division parts): Aggregated failover.
#[test]
fn e4_aggregated_failover() {
    let pass1: &[(&str, i64)] = &[("c1", 8), ("c2", 24), ("c3", 16)];
    assert_eq!(Case::new(AGG, pass1, &[], 10).ok(), map(&[("c2", 10)]));
    let pass2: &[(&str, i64)] = &[("c1", 8), ("c3", 16)];
    assert_eq!(Case::new(AGG, pass2, &[], 10).ok(), map(&[("c3", 10)]));
}

/// D-10: partial placement places what capacity allows and reports the rest.
#[test]
fn d10_partial_placement() {
    let short: &[(&str, i64)] = &[("c1", 1), ("c3", 2)];
    let prev: &[(&str, i32)] = &[("c1", 2), ("c3", 4)];
    let e3 = Case {
        partial: true,
        ..Case::new(DW, short, prev, 12)
    };
    assert_eq!(e3.run(), Ok((map(&[("c1", 3), ("c3", 6)]), 3)));
    let small: &[(&str, i64)] = &[("x", 3), ("y", 3), ("z", 3)];
    let dw = Case {
        partial: true,
        ..Case::new(DW, small, &[], 12)
    };
    assert_eq!(dw.run(), Ok((map(&[("x", 3), ("y", 3), ("z", 3)]), 3)));
    let agg = Case {
        partial: true,
        fresh: true,
        ..Case::new(AGG, small, &[("y", 1)], 12)
    };
    assert_eq!(agg.run(), Ok((map(&[("x", 3), ("y", 4), ("z", 3)]), 2)));
    let none = Case {
        partial: true,
        ..Case::new(AGG, &[("x", 0)], &[], 5)
    };
    assert_eq!(none.run(), Ok((map(&[]), 5)));
    // With enough capacity the flag changes nothing.
    let ok = Case {
        partial: true,
        ..Case::new(DW, small, &[], 9)
    };
    assert_eq!(ok.run(), Ok((map(&[("x", 3), ("y", 3), ("z", 3)]), 0)));
}

/// A random scenario: allocs per selected cluster, prev counts (0 = absent) and T.
fn scenario() -> impl Strategy<Value = (Vec<(i64, i32)>, i64, bool, bool)> {
    (
        proptest::collection::vec((0_i64..20, 0_i32..6), 1..9),
        0_i64..60,
        any::<bool>(),
        any::<bool>(),
    )
}

fn run_scenario(
    packing: Packing,
    raw: &[(i64, i32)],
    t: i64,
    fresh: bool,
    partial: bool,
    rev: bool,
) -> Result<(BTreeMap<String, i64>, i64)> {
    let names: Vec<String> = (0..raw.len()).map(|i| format!("m{i}")).collect();
    let mut sel: Vec<(&str, i64)> = names
        .iter()
        .zip(raw)
        .map(|(n, r)| (n.as_str(), r.0))
        .collect();
    let prev: Vec<(&str, i32)> = names
        .iter()
        .zip(raw)
        .filter(|(_, r)| r.1 > 0)
        .map(|(n, r)| (n.as_str(), r.1))
        .collect();
    if rev {
        sel.reverse();
    }
    Case {
        fresh,
        partial,
        ..Case::new(packing, &sel, &prev, t)
    }
    .run()
}

proptest! {
    /// S-47: the result sums to exactly T iff capacity allows; with D-10, placed + shortfall = T.
    #[test]
    fn s47_exact_when_capacity_allows((raw, t, fresh, agg) in scenario()) {
        let packing = if agg { AGG } else { DW };
        let assigned: i64 = raw.iter().map(|r| i64::from(r.1)).sum();
        let alloc: i64 = raw.iter().map(|r| r.0).sum();
        let fits = if fresh { alloc + assigned >= t } else { assigned >= t || alloc >= t - assigned };
        match run_scenario(packing, &raw, t, fresh, false, false) {
            Ok((m, shortfall)) => {
                prop_assert!(fits);
                prop_assert_eq!(shortfall, 0);
                prop_assert_eq!(m.values().sum::<i64>(), t);
            }
            Err(e) => {
                prop_assert!(!fits);
                let sum = if fresh { alloc + assigned } else { alloc };
                prop_assert_eq!(e, unschedulable(sum));
            }
        }
        let (m, shortfall) = run_scenario(packing, &raw, t, fresh, true, false).unwrap();
        prop_assert_eq!(m.values().sum::<i64>() + shortfall, t);
        prop_assert_eq!(shortfall > 0, !fits);
    }

    /// S-44: Steady scale-up never lowers a previous entry; S-45: scale-down never raises one;
    /// S-43: unchanged when the previous sum equals T.
    #[test]
    fn s43_steady_monotone((raw, t, _fresh, agg) in scenario()) {
        let packing = if agg { AGG } else { DW };
        let assigned: i64 = raw.iter().map(|r| i64::from(r.1)).sum();
        let Ok((m, _)) = run_scenario(packing, &raw, t, false, true, false) else { unreachable!() };
        for (i, r) in raw.iter().enumerate() {
            let now = m.get(&format!("m{i}")).copied().unwrap_or(0);
            let before = i64::from(r.1);
            if assigned <= t { prop_assert!(now >= before); }
            if assigned >= t { prop_assert!(now <= before); }
        }
        let Ok((same, _)) = run_scenario(packing, &raw, assigned, false, false, false) else {
            unreachable!()
        };
        let prev: BTreeMap<String, i64> = raw
            .iter()
            .enumerate()
            .filter(|(_, r)| r.1 > 0)
            .map(|(i, r)| (format!("m{i}"), i64::from(r.1)))
            .collect();
        prop_assert_eq!(same, prev);
    }

    /// S-67: deterministic; DynamicWeight does not depend on the selected order (APPORTION takes
    /// a map); Aggregated does only through S-48 ties, so distinct capacities make it independent.
    #[test]
    fn s67_order_independence((raw, t, fresh, agg) in scenario()) {
        let first = run_scenario(DW, &raw, t, fresh, true, false);
        prop_assert_eq!(&first, &run_scenario(DW, &raw, t, fresh, true, false));
        prop_assert_eq!(&first, &run_scenario(DW, &raw, t, fresh, true, true));
        let distinct: Vec<(i64, i32)> =
            raw.iter().enumerate().map(|(i, r)| (r.0 * 64 + i as i64, 0)).collect();
        let packing = if agg { AGG } else { DW };
        prop_assert_eq!(
            run_scenario(packing, &distinct, t, fresh, true, false),
            run_scenario(packing, &distinct, t, fresh, true, true)
        );
    }
}
