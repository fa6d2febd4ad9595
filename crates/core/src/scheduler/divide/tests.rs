//! Tests of the entry point [`assign`] (S-37, S-38, S-49, S-50, S-51), the strategies through it,
//! and the division parts of E-2 … E-4.

use super::*;
use crate::scheduler::types::Strategy;
use proptest::prelude::*;

/// (name, alloc, current replicas, overflow_order); avail = alloc + current (S-27).
fn cand(name: &str, alloc: i64, current: i32, overflow_order: u32) -> Candidate {
    Candidate {
        name: name.into(),
        region: "".into(),
        score: if current > 0 { 100 } else { 0 },
        alloc,
        avail: alloc + i64::from(current),
        overflow_order,
    }
}

fn tc(name: &str, replicas: i32) -> TargetCluster {
    TargetCluster {
        name: name.into(),
        replicas,
        components: vec![],
    }
}

fn input<'a>(strategy: Strategy, selected: &'a [Candidate], replicas: i32) -> AssignInput<'a> {
    AssignInput {
        strategy: Some(strategy),
        selected,
        static_weights: &[],
        replicas,
        has_replica_requirements: true,
        previous: &[],
        fresh: false,
        orientation: Orientation::Asc,
        overflow: false,
        empty_workload_propagation: false,
        partial_placement: false,
    }
}

fn targets(input: &AssignInput<'_>) -> Vec<TargetCluster> {
    let a = assign(input).expect("assignment");
    assert_eq!(a.shortfall, 0);
    a.targets
}

fn list(entries: &[(&str, i32)]) -> Vec<TargetCluster> {
    entries.iter().map(|&(n, r)| tc(n, r)).collect()
}

/// S-37 step 1: no selected cluster.
#[test]
fn s37_no_clusters() {
    for s in [
        Strategy::Duplicated,
        Strategy::StaticWeight,
        Strategy::DynamicWeight,
        Strategy::Aggregated,
    ] {
        let err = assign(&input(s, &[], 3)).unwrap_err();
        assert_eq!(err, AssignError::NoClusters);
        assert_eq!(err.to_string(), "no clusters available to schedule");
    }
    let none = AssignInput {
        strategy: None,
        ..input(Strategy::Duplicated, &[], 3)
    };
    assert_eq!(assign(&none), Err(AssignError::NoClusters));
}

/// S-37 step 2: 0 replicas without requirements → every selected cluster, no count, by name.
#[test]
fn s37_non_workload() {
    let sel = [cand("b", 0, 0, 0), cand("a", 0, 0, 0)];
    for s in [
        Strategy::Duplicated,
        Strategy::StaticWeight,
        Strategy::DynamicWeight,
        Strategy::Aggregated,
    ] {
        let i = AssignInput {
            has_replica_requirements: false,
            ..input(s, &sel, 0)
        };
        assert_eq!(targets(&i), list(&[("a", 0), ("b", 0)]), "{s:?}");
    }
    // Before S-51: a non-workload has no strategy to check.
    let none = AssignInput {
        strategy: None,
        has_replica_requirements: false,
        ..input(Strategy::Duplicated, &sel, 0)
    };
    assert_eq!(targets(&none), list(&[("a", 0), ("b", 0)]));
    // With requirements, 0 replicas goes through the strategy and S-49 empties the list.
    assert_eq!(targets(&input(Strategy::Duplicated, &sel, 0)), list(&[]));
}

/// S-37 step 3: overflow runs the tiered assignment for DynamicWeight/Aggregated only.
#[test]
fn s37_overflow_gate() {
    let sel = [cand("s", 10, 0, 1), cand("p", 2, 0, 0)];
    let agg = AssignInput {
        overflow: true,
        ..input(Strategy::Aggregated, &sel, 4)
    };
    assert_eq!(targets(&agg), list(&[("p", 2), ("s", 2)]));
    let flat = AssignInput {
        overflow: false,
        ..agg
    };
    assert_eq!(targets(&flat), list(&[("s", 4)]));
    let dup = AssignInput {
        overflow: true,
        ..input(Strategy::Duplicated, &sel, 4)
    };
    assert_eq!(targets(&dup), list(&[("p", 4), ("s", 4)]));
    let err = assign(&AssignInput {
        replicas: 13,
        ..agg
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Clusters available replicas are not enough to schedule."
    );
    let partial = assign(&AssignInput {
        replicas: 13,
        partial_placement: true,
        ..agg
    })
    .unwrap();
    assert_eq!(
        (partial.targets, partial.shortfall),
        (list(&[("p", 2), ("s", 10)]), 1)
    );
}

/// S-38: every selected cluster gets spec.replicas; capacity does not matter.
#[test]
fn s38_duplicated() {
    let sel = [cand("b", 0, 0, 0), cand("a", 1, 0, 0)];
    assert_eq!(
        targets(&input(Strategy::Duplicated, &sel, 3)),
        list(&[("a", 3), ("b", 3)])
    );
    let prev = [tc("a", 1), tc("zz", 7)];
    let i = AssignInput {
        previous: &prev,
        fresh: true,
        ..input(Strategy::Duplicated, &sel, 3)
    };
    assert_eq!(targets(&i), list(&[("a", 3), ("b", 3)]));
}

/// S-41 through the entry point, with E-2's passes.
#[test]
fn s41_static_weight_and_e2() {
    let both = [cand("member1", 0, 0, 0), cand("member2", 0, 0, 0)];
    let weights = [1, 2];
    let pass1 = AssignInput {
        static_weights: &weights,
        ..input(Strategy::StaticWeight, &both, 3)
    };
    assert_eq!(targets(&pass1), list(&[("member1", 1), ("member2", 2)]));
    // member1 evicted; only member2 is feasible; StaticWeight ignores the previous result.
    let only2 = [cand("member2", 0, 2, 0)];
    let prev = [tc("member2", 2)];
    let pass2 = AssignInput {
        static_weights: &[2],
        previous: &prev,
        ..input(Strategy::StaticWeight, &only2, 3)
    };
    assert_eq!(targets(&pass2), list(&[("member2", 3)]));
    // Scale to 6 after member1 recovers.
    let prev = [tc("member2", 3)];
    let scale = AssignInput {
        replicas: 6,
        previous: &prev,
        ..pass1
    };
    assert_eq!(targets(&scale), list(&[("member1", 2), ("member2", 4)]));
    // Weight 0 ("no rule matched") gets nothing, and is absent rather than 0.
    let abc = [cand("c", 0, 0, 0), cand("b", 0, 0, 0), cand("a", 0, 0, 0)];
    let w = AssignInput {
        static_weights: &[1, 0, 1],
        ..input(Strategy::StaticWeight, &abc, 3)
    };
    assert_eq!(targets(&w), list(&[("a", 2), ("c", 1)]));
    // Orientation: 5 over {b, c} with equal weights, DESC gives c the extra replica.
    let bc = [cand("b", 0, 0, 0), cand("c", 0, 0, 0)];
    let desc = AssignInput {
        orientation: Orientation::Desc,
        ..input(Strategy::StaticWeight, &bc, 5)
    };
    assert_eq!(targets(&desc), list(&[("b", 2), ("c", 3)]));
}

/// S-42 … S-47 through the entry point: E-3 (DynamicWeight) and E-4 (Aggregated).
#[test]
fn e3_e4_through_assign() {
    let all = [
        cand("c2", 24, 0, 0),
        cand("c3", 16, 0, 0),
        cand("c1", 8, 0, 0),
    ];
    assert_eq!(
        targets(&input(Strategy::DynamicWeight, &all, 12)),
        list(&[("c1", 2), ("c2", 6), ("c3", 4)])
    );
    let prev = [tc("c1", 2), tc("c3", 4)];
    let after = [cand("c3", 12, 4, 0), cand("c1", 6, 2, 0)];
    let pass2 = AssignInput {
        previous: &prev,
        ..input(Strategy::DynamicWeight, &after, 12)
    };
    assert_eq!(targets(&pass2), list(&[("c1", 4), ("c3", 8)]));
    let short = [cand("c3", 2, 4, 0), cand("c1", 1, 2, 0)];
    let variant = AssignInput {
        selected: &short,
        ..pass2
    };
    let err = assign(&variant).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Clusters available replicas 3 are not enough to schedule."
    );
    assert!(matches!(err, AssignError::Unschedulable { .. }));
    // D-10: the same pass with partial placement.
    let partial = assign(&AssignInput {
        partial_placement: true,
        ..variant
    })
    .unwrap();
    assert_eq!(
        (partial.targets, partial.shortfall),
        (list(&[("c1", 3), ("c3", 6)]), 3)
    );

    assert_eq!(
        targets(&input(Strategy::Aggregated, &all, 10)),
        list(&[("c2", 10)])
    );
    let survivors = [cand("c3", 16, 0, 0), cand("c1", 8, 0, 0)];
    assert_eq!(
        targets(&input(Strategy::Aggregated, &survivors, 10)),
        list(&[("c3", 10)])
    );
}

/// S-49: zero entries dropped; empty-workload propagation appends the missing selected clusters.
#[test]
fn s49_zero_entries() {
    let sel = [cand("c", 0, 0, 0), cand("a", 5, 0, 0), cand("b", 1, 0, 0)];
    assert_eq!(
        targets(&input(Strategy::Aggregated, &sel, 3)),
        list(&[("a", 3)])
    );
    let empty = AssignInput {
        empty_workload_propagation: true,
        ..input(Strategy::Aggregated, &sel, 3)
    };
    assert_eq!(targets(&empty), list(&[("a", 3), ("b", 0), ("c", 0)]));
    // D-15: scaling to 0 empties the list, unless the option is on.
    let prev = [tc("a", 3)];
    let zero = AssignInput {
        previous: &prev,
        ..input(Strategy::DynamicWeight, &sel, 0)
    };
    assert_eq!(targets(&zero), list(&[]));
    let zero_kept = AssignInput {
        empty_workload_propagation: true,
        ..zero
    };
    assert_eq!(targets(&zero_kept), list(&[("a", 0), ("b", 0), ("c", 0)]));
    let dup_zero = AssignInput {
        empty_workload_propagation: true,
        ..input(Strategy::Duplicated, &sel, 0)
    };
    assert_eq!(targets(&dup_zero), list(&[("a", 0), ("b", 0), ("c", 0)]));
}

/// S-50: the result is sorted by name whatever the computation order.
#[test]
fn s50_sorted_by_name() {
    let sel = [
        cand("zeta", 9, 0, 0),
        cand("alpha", 9, 0, 0),
        cand("mid", 9, 0, 0),
    ];
    let prev = [tc("mid", 1), tc("zeta", 1)];
    for s in [
        Strategy::Duplicated,
        Strategy::StaticWeight,
        Strategy::DynamicWeight,
        Strategy::Aggregated,
    ] {
        let i = AssignInput {
            previous: &prev,
            ..input(s, &sel, 20)
        };
        let names: Vec<String> = targets(&i).into_iter().map(|t| t.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "{s:?}");
    }
}

/// S-51: no strategy → a plain error beginning "unsupported replica scheduling strategy".
#[test]
fn s51_unknown_strategy() {
    let sel = [cand("a", 1, 0, 0)];
    let i = AssignInput {
        strategy: None,
        ..input(Strategy::Duplicated, &sel, 2)
    };
    let err = assign(&i).unwrap_err();
    assert!(matches!(err, AssignError::UnsupportedStrategy { .. }));
    assert!(
        err.to_string()
            .starts_with("unsupported replica scheduling strategy")
    );
    assert!(
        assign(&AssignInput {
            overflow: true,
            ..i
        })
        .is_err()
    );
}

fn strategy_of(k: u8) -> Strategy {
    [
        Strategy::Duplicated,
        Strategy::StaticWeight,
        Strategy::DynamicWeight,
        Strategy::Aggregated,
    ][usize::from(k % 4)]
}

proptest! {
    /// S-49/S-50 invariants for every strategy; Divided sums to T when capacity allows (S-47);
    /// Duplicated, StaticWeight and DynamicWeight do not depend on the selected order.
    #[test]
    fn s37_invariants(
        raw in proptest::collection::vec((0_i64..15, 0_i32..4, 0_i64..3), 1..8),
        t in 0_i32..40,
        k in 0_u8..4,
        fresh in any::<bool>(),
    ) {
        let s = strategy_of(k);
        let sel: Vec<Candidate> =
            raw.iter().enumerate().map(|(i, r)| cand(&format!("m{i}"), r.0, r.1, 0)).collect();
        let prev: Vec<TargetCluster> =
            raw.iter().enumerate().filter(|(_, r)| r.1 > 0).map(|(i, r)| tc(&format!("m{i}"), r.1)).collect();
        let weights: Vec<i64> = raw.iter().map(|r| r.2).collect();
        let base = AssignInput { previous: &prev, static_weights: &weights, fresh, ..input(s, &sel, t) };
        let got = assign(&base);
        let mut rsel = sel.clone();
        rsel.reverse();
        let mut rweights = weights.clone();
        rweights.reverse();
        let reversed = assign(&AssignInput { selected: &rsel, static_weights: &rweights, ..base });
        if s != Strategy::Aggregated {
            prop_assert_eq!(&got, &reversed);
        }
        if let Ok(a) = got {
            prop_assert!(a.targets.windows(2).all(|w| w[0].name < w[1].name));
            prop_assert!(a.targets.iter().all(|t| t.replicas > 0));
            let sum: i32 = a.targets.iter().map(|t| t.replicas).sum();
            match s {
                Strategy::Duplicated => prop_assert_eq!(sum, t * sel.len() as i32),
                _ => prop_assert_eq!(sum, t),
            }
        } else {
            prop_assert!(matches!(s, Strategy::DynamicWeight | Strategy::Aggregated));
        }
    }
}
