//! Tests of the selection entry point: S-29, S-30, S-31, D-8, E-1 and whole-pipeline properties.
//!
//! Owns: tests only. Must not: hold rule logic.

use flotilla_api::types::{
    ClusterAffinity, ClusterPreferences, DynamicWeightFactor, Placement,
    ReplicaDivisionPreference::Weighted,
    SpreadByField::{Cluster, Provider, Region, Zone},
    SpreadConstraint, StaticClusterWeight,
};
use proptest::prelude::*;

use super::test_support::{
    aggregated, by_field, by_label, cand, creg, divided, duplicated, dynamic, names, placement,
};
use super::*;

fn statics() -> ClusterPreferences {
    ClusterPreferences {
        static_weight_list: vec![StaticClusterWeight {
            target_cluster: ClusterAffinity::default(),
            weight: 1,
        }],
        dynamic_weight: None,
    }
}

fn one_cluster() -> Vec<SpreadConstraint> {
    vec![by_field(Cluster, 1, 1)]
}

fn select(c: Vec<Candidate>, p: &Placement, replicas: i32) -> Result<Vec<String>, SelectError> {
    select_clusters(c, p, replicas).map(|v| names(&v).into_iter().map(String::from).collect())
}

fn ok(v: &[&str]) -> Result<Vec<String>, SelectError> {
    Ok(v.iter().map(|s| s.to_string()).collect())
}

// S-29: when spread constraints are ignored.
#[test]
fn s29_table() {
    let with_dynamic = ClusterPreferences {
        dynamic_weight: Some(DynamicWeightFactor::AvailableReplicas),
        ..statics()
    };
    let cases = [
        ("S-29 empty list", placement(vec![], dynamic()), true),
        (
            "S-29 absent replicaScheduling (Duplicated)",
            placement(one_cluster(), None),
            false,
        ),
        (
            "S-29 Duplicated",
            placement(one_cluster(), duplicated()),
            false,
        ),
        (
            "S-29 Weighted, weightPreference absent",
            placement(one_cluster(), divided(Some(Weighted), None)),
            true,
        ),
        (
            "S-29 Weighted, staticWeightList only",
            placement(one_cluster(), divided(Some(Weighted), Some(statics()))),
            true,
        ),
        (
            "S-29 note: weightPreference {} does not ignore",
            placement(
                one_cluster(),
                divided(Some(Weighted), Some(ClusterPreferences::default())),
            ),
            false,
        ),
        (
            "S-29 static and dynamic: DynamicWeight does not ignore",
            placement(one_cluster(), divided(Some(Weighted), Some(with_dynamic))),
            false,
        ),
        (
            "S-29 DynamicWeight",
            placement(one_cluster(), dynamic()),
            false,
        ),
        (
            "S-29 Aggregated",
            placement(one_cluster(), aggregated()),
            false,
        ),
        (
            "S-29 Divided without preference",
            placement(one_cluster(), divided(None, None)),
            false,
        ),
    ];
    for (what, p, want) in cases {
        assert_eq!(constraints_ignored(&p), want, "{what}");
    }
}

// S-29, D-19(a): static weighting selects every candidate despite a cluster constraint.
#[test]
fn s29_static_weighting_selects_all() {
    let c = vec![cand("b", 0, 1), cand("a", 0, 1), cand("c", 100, 1)];
    let p = placement(one_cluster(), divided(Some(Weighted), None));
    assert_eq!(select(c.clone(), &p, 3), ok(&["c", "a", "b"]));
    assert_eq!(
        select(c, &placement(vec![], dynamic()), 3),
        ok(&["c", "a", "b"])
    );
    assert_eq!(
        select(vec![], &placement(vec![], None), 3),
        ok(&[]),
        "S-37 handles the empty case"
    );
}

// S-30: the capacity need.
#[test]
fn s30_table() {
    let cases = [
        (
            "S-30 absent replicaScheduling",
            placement(vec![], None),
            Need::Ignore,
        ),
        (
            "S-30 Duplicated",
            placement(vec![], duplicated()),
            Need::Ignore,
        ),
        (
            "S-30 DynamicWeight",
            placement(vec![], dynamic()),
            Need::Replicas(7),
        ),
        (
            "S-30 Aggregated",
            placement(vec![], aggregated()),
            Need::Replicas(7),
        ),
        (
            "S-30 Divided without preference",
            placement(vec![], divided(None, None)),
            Need::Replicas(7),
        ),
    ];
    for (what, p, want) in cases {
        assert_eq!(need_for(&p, 7), want, "{what}");
    }
}

// S-31 routing and D-8 rejection.
#[test]
fn s31_d8_routing_table() {
    let label = || by_label("rack", 1, 1);
    let unset = SpreadConstraint {
        min_groups: 1,
        max_groups: 2,
        ..Default::default()
    };
    let cases: Vec<(&str, Vec<SpreadConstraint>, Result<&str, SelectError>)> = vec![
        (
            "S-31.1 region wins over cluster",
            vec![by_field(Cluster, 1, 2), by_field(Region, 1, 1)],
            Ok("region+cluster"),
        ),
        (
            "S-31.1 region alone (unadmitted)",
            vec![by_field(Region, 1, 1)],
            Ok("region"),
        ),
        (
            "S-31.2 cluster",
            vec![by_field(Cluster, 1, 2)],
            Ok("cluster"),
        ),
        (
            "S-31 zone only filters; cluster routes",
            vec![by_field(Zone, 1, 1), by_field(Cluster, 1, 2)],
            Ok("cluster"),
        ),
        (
            "S-2.1 no field and no label means cluster",
            vec![unset],
            Ok("cluster"),
        ),
        (
            "S-31.3 / D-8 zone only",
            vec![by_field(Zone, 1, 1), by_field(Provider, 1, 1)],
            Err(SelectError::UnsupportedField { field: Zone }),
        ),
        (
            "S-31.3 / D-8 provider first",
            vec![by_field(Provider, 1, 1), by_field(Zone, 1, 1)],
            Err(SelectError::UnsupportedField { field: Provider }),
        ),
        (
            "D-8 label only",
            vec![label()],
            Err(SelectError::UnsupportedLabel {
                label: "rack".into(),
            }),
        ),
        (
            "D-8 label next to a cluster constraint",
            vec![by_field(Cluster, 1, 2), label(), by_label("row", 1, 1)],
            Err(SelectError::UnsupportedLabel {
                label: "rack".into(),
            }),
        ),
    ];
    for (what, constraints, want) in cases {
        let got = route(&constraints).map(|r| match r {
            Route::Region {
                cluster: Some(_), ..
            } => "region+cluster",
            Route::Region { cluster: None, .. } => "region",
            Route::Cluster(_) => "cluster",
        });
        assert_eq!(got, want, "{what}");
    }
}

// D-8: the failure reaches select_clusters for every strategy, static weighting included.
#[test]
fn d8_unsupported_constraints_fail_scheduling() {
    let c = || vec![cand("a", 0, 5), cand("b", 0, 5)];
    let label = vec![by_label("rack", 1, 1), by_field(Cluster, 1, 2)];
    let want = Err(SelectError::UnsupportedLabel {
        label: "rack".into(),
    });
    for sched in [
        None,
        duplicated(),
        dynamic(),
        aggregated(),
        divided(Some(Weighted), None),
    ] {
        assert_eq!(
            select(c(), &placement(label.clone(), sched.clone()), 2),
            want,
            "{sched:?}"
        );
    }
    let err =
        select_clusters(c(), &placement(vec![by_field(Zone, 1, 1)], dynamic()), 2).unwrap_err();
    assert_eq!(
        err.to_string(),
        "spread constraint spreadByField \"zone\" is not supported without a cluster or region spread constraint: just support cluster and region spread constraint"
    );
    let err = select_clusters(c(), &placement(vec![by_label("rack", 1, 1)], None), 2).unwrap_err();
    assert_eq!(
        err.to_string(),
        "spread constraint spreadByLabel \"rack\" is not supported: just support cluster and region spread constraint"
    );
}

// S-32 worked example through the entry point, with candidates given out of order.
#[test]
fn s32_worked_example_end_to_end() {
    let c = || {
        vec![
            cand("s", 0, 8),
            cand("r", 0, 12),
            cand("q", 0, 30),
            cand("p", 100, 5),
        ]
    };
    let p = placement(vec![by_field(Cluster, 2, 2)], dynamic());
    assert_eq!(select(c(), &p, 20), ok(&["p", "q"]));
    assert_eq!(select(c(), &p, 40), ok(&["r", "q"]));
    assert_eq!(
        select(c(), &p, 60),
        Err(SelectError::NotEnoughResource { k: 2 })
    );
    assert_eq!(
        select(
            c(),
            &placement(vec![by_field(Cluster, 2, 2)], duplicated()),
            60
        ),
        ok(&["p", "q"])
    );
    assert_eq!(
        select(
            c(),
            &placement(vec![by_field(Cluster, 2, 2)], aggregated()),
            40
        ),
        ok(&["r", "q"])
    );
}

// D-7 through the entry point: maxGroups 0 keeps every candidate (Karmada would fail).
#[test]
fn d7_unbounded_max_groups() {
    let c = vec![cand("a", 0, 1), cand("b", 0, 1), cand("c", 0, 1)];
    let p = placement(vec![by_field(Cluster, 1, 0)], duplicated());
    assert_eq!(select(c, &p, 2), ok(&["a", "b", "c"]));
}

// S-33 through the entry point: region + cluster constraints.
#[test]
fn s33_end_to_end() {
    let c = vec![
        creg("ap3", "ap", 0, 5),
        creg("eu2", "eu", 0, 10),
        creg("us1", "us", 0, 40),
        creg("ap1", "ap", 0, 5),
        creg("eu1", "eu", 0, 20),
        creg("ap2", "ap", 0, 5),
    ];
    let p = placement(
        vec![by_field(Region, 2, 2), by_field(Cluster, 3, 4)],
        dynamic(),
    );
    assert_eq!(select(c, &p, 30), ok(&["ap1", "eu1", "eu2", "ap2"]));
}

/// E-1's clusters: feasible members with (score, avail).
fn members(rows: &[(&str, i64, i64)]) -> Vec<Candidate> {
    rows.iter().map(|&(n, s, a)| cand(n, s, a)).collect()
}

// E-1 (selection part): Duplicated, cluster constraint min 2 max 2.
#[test]
fn e1_duplicated_failover() {
    let p = placement(vec![by_field(Cluster, 2, 2)], duplicated());
    let pass1 = members(&[
        ("member5", 0, 100),
        ("member3", 0, 100),
        ("member2", 0, 100),
        ("member1", 0, 100),
    ]);
    assert_eq!(
        select(pass1, &p, 2),
        ok(&["member1", "member2"]),
        "E-1 pass 1"
    );
    let pass2 = members(&[
        ("member5", 0, 100),
        ("member3", 0, 100),
        ("member1", 100, 100),
    ]);
    assert_eq!(
        select(pass2, &p, 2),
        ok(&["member1", "member3"]),
        "E-1 pass 2"
    );
    let roomier5 = members(&[
        ("member5", 0, 150),
        ("member3", 0, 100),
        ("member1", 100, 100),
    ]);
    assert_eq!(
        select(roomier5, &p, 2),
        ok(&["member1", "member5"]),
        "E-1 member5 has more room"
    );
    let variant = members(&[("member1", 100, 100)]);
    assert_eq!(
        select(variant, &p, 2),
        Err(SelectError::TooFewClusters),
        "E-1 variant"
    );
    assert_eq!(
        SelectError::TooFewClusters.to_string(),
        "the number of feasible clusters is less than spreadConstraint.MinGroups"
    );
}

fn arb_world() -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec((0usize..4, prop::bool::ANY, 0i64..15), 0..12).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (r, s, a))| {
                creg(
                    &format!("c{i:02}"),
                    ["r0", "r1", "r2", "r3"][r],
                    if s { 100 } else { 0 },
                    a,
                )
            })
            .collect()
    })
}

fn arb_placement() -> impl Strategy<Value = Placement> {
    let sched = prop_oneof![
        Just(None),
        Just(duplicated()),
        Just(dynamic()),
        Just(aggregated())
    ];
    let bounds = (1i64..4, 0i64..4)
        .prop_map(|(min, extra)| (min, if extra == 0 { 0 } else { min + extra - 1 }));
    (sched, bounds.clone(), bounds, prop::bool::ANY).prop_map(
        |(sched, (cmin, cmax), (rmin, rmax), with_region)| {
            let mut constraints = vec![by_field(Cluster, cmin, cmax)];
            if with_region {
                constraints.push(by_field(Region, rmin, rmax));
            }
            placement(constraints, sched)
        },
    )
}

proptest! {
    // S-28, S-67: the selection does not depend on input order; same input, same output.
    #[test]
    fn selection_is_deterministic(
        (world, shuffled) in arb_world().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        p in arb_placement(),
        replicas in 0i32..60,
    ) {
        let first = select_clusters(world.clone(), &p, replicas);
        prop_assert_eq!(&first, &select_clusters(world, &p, replicas));
        prop_assert_eq!(&first, &select_clusters(shuffled, &p, replicas));
    }

    // S-32, D-7 through the entry point: bounds hold and Divided successes hold the need.
    #[test]
    fn cluster_route_bounds(world in arb_world(), p in arb_placement(), replicas in 0i32..60) {
        let Ok(Route::Cluster(c)) = route(&p.spread_constraints) else { return Ok(()) };
        let (min, max) = (c.min_groups, c.max_groups);
        if let Ok(sel) = select_clusters(world.clone(), &p, replicas) {
            prop_assert!(sel.len() as i64 >= min);
            prop_assert!(max <= 0 || sel.len() as i64 <= max);
            if let Need::Replicas(n) = need_for(&p, replicas) {
                prop_assert!(sel.iter().map(|c| c.avail).sum::<i64>() >= n);
            }
        }
    }
}
