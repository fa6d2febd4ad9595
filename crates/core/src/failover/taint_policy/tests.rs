//! Tests of the ClusterTaintPolicy decisions, one group per rule (F-12 … F-17).

use std::collections::BTreeMap;

use flotilla_api::types::{ClusterAffinity, ClusterSpec, ClusterStatus, ConditionStatus, SyncMode};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::jiff::Timestamp;
use proptest::prelude::*;

use super::*;
use crate::events::EventType;

fn at(s: i64) -> Time {
    Time(Timestamp::from_second(1_800_000_000 + s).unwrap())
}

fn cond(type_: &str, status: ConditionStatus) -> Condition {
    Condition {
        type_: type_.into(),
        status,
        observed_generation: None,
        last_transition_time: at(0),
        reason: "R".into(),
        message: String::new(),
    }
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn cluster(name: &str, label: &[(&str, &str)], conditions: Vec<Condition>) -> Cluster {
    let mut c = Cluster::new(
        name,
        ClusterSpec {
            sync_mode: SyncMode::Push,
            ..Default::default()
        },
    );
    c.metadata.labels = Some(labels(label));
    c.status = Some(ClusterStatus {
        conditions,
        ..Default::default()
    });
    c
}

fn mc(type_: &str, op: &str, values: &[&str]) -> MatchCondition {
    MatchCondition {
        condition_type: type_.into(),
        operator: op.into(),
        status_values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn tspec(key: &str, effect: &str, value: &str) -> TaintSpec {
    TaintSpec {
        key: key.into(),
        effect: effect.into(),
        value: value.into(),
    }
}

fn taint(key: &str, effect: &str, value: Option<&str>, added: Option<i64>) -> Taint {
    Taint {
        key: key.into(),
        value: value.map(str::to_string),
        effect: effect.into(),
        time_added: added.map(at),
    }
}

fn policy(
    name: &str,
    created: i64,
    add: Vec<MatchCondition>,
    remove: Vec<MatchCondition>,
    taints: Vec<TaintSpec>,
) -> ClusterTaintPolicy {
    let mut p = ClusterTaintPolicy::new(
        name,
        ClusterTaintPolicySpec {
            target_clusters: None,
            add_on_conditions: add,
            remove_on_conditions: remove,
            taints,
        },
    );
    p.metadata.creation_timestamp = Some(at(created));
    p
}

fn not_ready() -> Vec<MatchCondition> {
    vec![mc("Ready", "NotIn", &["True"])]
}

fn is_ready() -> Vec<MatchCondition> {
    vec![mc("Ready", "In", &["True"])]
}

fn slots(list: &[Taint]) -> Vec<String> {
    list.iter()
        .map(|t| format!("{}:{}", t.key, t.effect))
        .collect()
}

/// F-12 / F-2: the controller runs only with gate `Failover` on and the controller enabled.
#[test]
fn f12_controller_runs_only_with_failover_gate() {
    assert!(controller_runs(true, true));
    assert!(!controller_runs(false, true));
    assert!(!controller_runs(true, false));
    assert!(!controller_runs(false, false));
}

/// F-12 items 1–2: first sight queues; any condition change queues; label, spec and deletion
/// do not.
#[test]
fn f12_cluster_triggers() {
    use ConditionStatus::{False, True};
    let old = cluster("east", &[("tier", "prod")], vec![cond("Ready", True)]);
    let all = vec![old.clone()];
    let edit = |f: &dyn Fn(&mut Cluster)| {
        let mut c = old.clone();
        f(&mut c);
        c
    };
    fn ready(c: &mut Cluster) -> &mut Condition {
        &mut c.status.as_mut().unwrap().conditions[0]
    }
    let cases: Vec<(Cluster, bool)> = vec![
        (edit(&|c| ready(c).status = False), true),
        (edit(&|c| ready(c).reason = "Other".into()), true),
        (edit(&|c| ready(c).message = "m".into()), true),
        (edit(&|c| ready(c).last_transition_time = at(9)), true),
        (
            edit(&|c| {
                c.status
                    .as_mut()
                    .unwrap()
                    .conditions
                    .push(cond("NetworkAvailable", False))
            }),
            true,
        ),
        (
            edit(&|c| c.metadata.labels = Some(labels(&[("tier", "dev")]))),
            false,
        ),
        (
            edit(&|c| c.spec.taints.push(taint("k", "NoSchedule", None, None))),
            false,
        ),
        (
            edit(&|c| c.status.as_mut().unwrap().kubernetes_version = "v1.33".into()),
            false,
        ),
    ];
    for (i, (new, queued)) in cases.iter().enumerate() {
        assert_eq!(cluster_update_queues(&old, new), *queued, "case {i}");
        let trigger = TaintPolicyTrigger::ClusterUpdated { old: &old, new };
        let expected: Vec<String> = if *queued { vec!["east".into()] } else { vec![] };
        assert_eq!(clusters_to_queue(trigger, &all), expected, "case {i}");
    }
    assert_eq!(
        clusters_to_queue(TaintPolicyTrigger::ClusterSeen(&old), &all),
        vec!["east".to_string()]
    );
    assert!(clusters_to_queue(TaintPolicyTrigger::ClusterDeleted, &all).is_empty());
}

/// F-12 item 3: policy create or spec change queues the clusters the *new* policy targets;
/// metadata-only changes and deletion queue nothing.
#[test]
fn f12_policy_triggers() {
    let clusters = vec![
        cluster("east", &[("tier", "prod")], vec![]),
        cluster("west", &[("tier", "dev")], vec![]),
        cluster("north", &[("tier", "prod")], vec![]),
    ];
    let targeting = |tier: &str| {
        let mut p = policy(
            "p",
            0,
            not_ready(),
            vec![],
            vec![tspec("k", "NoSchedule", "")],
        );
        p.spec.target_clusters = Some(ClusterAffinity {
            label_selector: Some(LabelSelector {
                match_labels: Some(labels(&[("tier", tier)])),
                match_expressions: None,
            }),
            ..Default::default()
        });
        p
    };
    let prod = targeting("prod");
    let dev = targeting("dev");
    assert_eq!(
        clusters_to_queue(TaintPolicyTrigger::PolicyCreated(&prod), &clusters),
        vec!["east".to_string(), "north".to_string()]
    );
    let changed = TaintPolicyTrigger::PolicyUpdated {
        old: &prod,
        new: &dev,
    };
    assert_eq!(
        clusters_to_queue(changed, &clusters),
        vec!["west".to_string()]
    );
    let mut relabelled = prod.clone();
    relabelled.metadata.labels = Some(labels(&[("a", "b")]));
    assert!(!policy_update_queues(&prod, &relabelled));
    let meta_only = TaintPolicyTrigger::PolicyUpdated {
        old: &prod,
        new: &relabelled,
    };
    assert!(clusters_to_queue(meta_only, &clusters).is_empty());
    assert!(clusters_to_queue(TaintPolicyTrigger::PolicyDeleted, &clusters).is_empty());
}

/// F-13: absent `targetClusters` targets all; otherwise S-16 affinity matching.
#[test]
fn f13_targets() {
    let c = cluster("east", &[("tier", "prod")], vec![]);
    let spec = |target: Option<ClusterAffinity>| ClusterTaintPolicySpec {
        target_clusters: target,
        taints: vec![tspec("k", "NoSchedule", "")],
        ..Default::default()
    };
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let cases = [
        (None, true),
        (Some(ClusterAffinity::default()), true),
        (
            Some(ClusterAffinity {
                cluster_names: names(&["east", "west"]),
                ..Default::default()
            }),
            true,
        ),
        (
            Some(ClusterAffinity {
                cluster_names: names(&["west"]),
                ..Default::default()
            }),
            false,
        ),
        (
            Some(ClusterAffinity {
                exclude: names(&["east"]),
                ..Default::default()
            }),
            false,
        ),
        (
            Some(ClusterAffinity {
                label_selector: Some(LabelSelector {
                    match_labels: Some(labels(&[("tier", "dev")])),
                    match_expressions: None,
                }),
                ..Default::default()
            }),
            false,
        ),
    ];
    for (i, (target, expected)) in cases.into_iter().enumerate() {
        assert_eq!(targets(&spec(target), &c), expected, "case {i}");
    }
}

/// F-14 table, including third-party condition types.
#[test]
fn f14_match_conditions() {
    use ConditionStatus::{False, True, Unknown};
    let conds = vec![cond("Ready", False), cond("NetworkAvailable", True)];
    let none: Vec<Condition> = vec![];
    let unknown = [cond("Ready", Unknown)];
    let cases: Vec<(&[Condition], Vec<MatchCondition>, bool)> = vec![
        // An empty list never matches.
        (&conds, vec![], false),
        (&conds, vec![mc("Ready", "In", &["False", "Unknown"])], true),
        (&conds, vec![mc("Ready", "In", &["True"])], false),
        (&conds, vec![mc("Ready", "NotIn", &["True"])], true),
        (&conds, vec![mc("Ready", "NotIn", &["False"])], false),
        // Absent condition type: false for In and for NotIn.
        (&none, vec![mc("Ready", "NotIn", &["True"])], false),
        (&none, vec![mc("Ready", "In", &["True"])], false),
        (&conds, vec![mc("DiskPressure", "NotIn", &["True"])], false),
        // ANDed items.
        (
            &conds,
            vec![
                mc("Ready", "In", &["False"]),
                mc("NetworkAvailable", "In", &["True"]),
            ],
            true,
        ),
        (
            &conds,
            vec![
                mc("Ready", "In", &["False"]),
                mc("NetworkAvailable", "In", &["False"]),
            ],
            false,
        ),
        // Any other operator falsifies the whole list, even if other items hold.
        (&conds, vec![mc("Ready", "Exists", &[])], false),
        (
            &conds,
            vec![mc("Ready", "In", &["False"]), mc("Ready", "in", &["False"])],
            false,
        ),
        // Exact string comparison.
        (&conds, vec![mc("Ready", "In", &["false"])], false),
        (&conds, vec![mc("Ready", "In", &[])], false),
        (&conds, vec![mc("Ready", "NotIn", &[])], true),
        (&unknown, vec![mc("Ready", "In", &["Unknown"])], true),
    ];
    for (i, (conditions, list, expected)) in cases.into_iter().enumerate() {
        assert_eq!(conditions_match(conditions, &list), expected, "case {i}");
    }
}

/// F-15: order by creationTimestamp, then name; later policies see earlier edits.
#[test]
fn f15_evaluation_order() {
    let down = cluster("east", &[], vec![cond("Ready", ConditionStatus::False)]);
    let x = || vec![tspec("x", "NoExecute", "")];
    let adder = |name, t| policy(name, t, not_ready(), vec![], x());
    let remover = |name, t| policy(name, t, vec![], not_ready(), x());
    // (policies, x present at the end?)
    let cases = [
        (vec![adder("a", 1), remover("b", 2)], false),
        (vec![remover("b", 2), adder("a", 1)], false),
        (vec![adder("a", 2), remover("b", 1)], true),
        // Same creationTimestamp: by name.
        (vec![remover("b", 1), adder("a", 1)], false),
        (vec![adder("b", 1), remover("a", 1)], true),
    ];
    for (i, (policies, present)) in cases.into_iter().enumerate() {
        let result = evaluate(&down, &policies, &at(5));
        let has_x = result.is_some_and(|u| u.taints.iter().any(|t| t.key == "x"));
        assert_eq!(has_x, present, "case {i}");
    }
    let names: Vec<_> = evaluation_order(&[adder("b", 1), adder("a", 1), adder("c", 0)])
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["c", "a", "b"]);
}

/// F-15 step 1: missing taints are appended in policy order with timeAdded = now; an existing
/// (key, effect) is kept as it is, even with another value; other taints keep their order.
#[test]
fn f15_add() {
    let mut c = cluster("east", &[], vec![cond("Ready", ConditionStatus::False)]);
    c.spec.taints = vec![
        taint("user", "NoSchedule", None, Some(-100)),
        taint("y", "NoExecute", Some("old"), Some(-50)),
    ];
    let p = policy(
        "p",
        0,
        not_ready(),
        vec![],
        vec![
            tspec("x", "NoExecute", "v"),
            tspec("y", "NoExecute", "new"),
            tspec("x", "NoSchedule", ""),
        ],
    );
    let u = evaluate(&c, &[p], &at(7)).unwrap();
    assert_eq!(
        u.taints,
        vec![
            taint("user", "NoSchedule", None, Some(-100)),
            taint("y", "NoExecute", Some("old"), Some(-50)),
            taint("x", "NoExecute", Some("v"), Some(7)),
            taint("x", "NoSchedule", None, Some(7)),
        ]
    );
    assert_eq!(u.event.type_, EventType::Normal);
    assert_eq!(u.event.reason, "TaintClusterSucceed");
    assert_eq!(
        u.event.message,
        "Update Cluster(east) with taints(cluster now has taints([{Key:user,Effect:NoSchedule},\
         {Key:y,Value:old,Effect:NoExecute},{Key:x,Value:v,Effect:NoExecute},\
         {Key:x,Effect:NoSchedule}])) succeed"
    );
    // Unchanged list: no write, no event.
    let mut done = c.clone();
    done.spec.taints = u.taints;
    let p = policy(
        "p",
        0,
        not_ready(),
        vec![],
        vec![tspec("x", "NoExecute", "v")],
    );
    assert_eq!(evaluate(&done, &[p], &at(8)), None);
}

/// F-15 step 2: removal ignores the value and removes the first (key, effect) match; removal
/// wins over addition in the same policy.
#[test]
fn f15_remove_and_removal_wins() {
    let mut c = cluster("east", &[], vec![cond("Ready", ConditionStatus::True)]);
    c.spec.taints = vec![
        taint("x", "NoExecute", Some("any"), Some(-1)),
        taint("x", "NoSchedule", None, Some(-1)),
    ];
    let p = policy(
        "p",
        0,
        vec![],
        is_ready(),
        vec![tspec("x", "NoExecute", "")],
    );
    let u = evaluate(&c, &[p], &at(3)).unwrap();
    assert_eq!(slots(&u.taints), ["x:NoSchedule"]);

    let both = policy(
        "both",
        0,
        is_ready(),
        is_ready(),
        vec![tspec("z", "NoExecute", "")],
    );
    assert_eq!(evaluate(&c, std::slice::from_ref(&both), &at(3)), None);
    let mut with_z = c.clone();
    with_z
        .spec
        .taints
        .push(taint("z", "NoExecute", None, Some(-1)));
    let u = evaluate(&with_z, &[both], &at(3)).unwrap();
    assert_eq!(slots(&u.taints), ["x:NoExecute", "x:NoSchedule"]);
    assert_eq!(
        u.event.message,
        "Update Cluster(east) with taints(cluster now has taints([{Key:x,Value:any,Effect:NoExecute},\
         {Key:x,Effect:NoSchedule}])) succeed"
    );
    // Last taint removed: the "does not have taints" text.
    let mut only_z = c.clone();
    only_z.spec.taints = vec![taint("z", "NoExecute", None, Some(-1))];
    let p = policy(
        "p",
        0,
        vec![],
        is_ready(),
        vec![tspec("z", "NoExecute", "")],
    );
    assert_eq!(
        evaluate(&only_z, &[p], &at(3)).unwrap().event.message,
        "Update Cluster(east) with taints(cluster now does not have taints) succeed"
    );
}

/// F-15: a policy that does not target the Cluster is skipped.
#[test]
fn f15_untargeted_policy_skipped() {
    let c = cluster("east", &[], vec![cond("Ready", ConditionStatus::False)]);
    let mut p = policy(
        "p",
        0,
        not_ready(),
        vec![],
        vec![tspec("x", "NoExecute", "")],
    );
    p.spec.target_clusters = Some(ClusterAffinity {
        cluster_names: vec!["west".into()],
        ..Default::default()
    });
    assert_eq!(evaluate(&c, &[p], &at(0)), None);
}

/// F-16: deleting a policy, dropping a taint from it, retargeting it or relabelling the Cluster
/// never removes applied taints; only a matching `removeOnConditions` does, for the taints the
/// policy lists at that time.
#[test]
fn f16_what_never_removes_a_taint() {
    let mut c = cluster(
        "east",
        &[("tier", "prod")],
        vec![cond("Ready", ConditionStatus::True)],
    );
    c.spec.taints = vec![
        taint("a", "NoExecute", None, Some(0)),
        taint("b", "NoExecute", None, Some(0)),
    ];
    let full = policy(
        "p",
        0,
        not_ready(),
        is_ready(),
        vec![tspec("a", "NoExecute", ""), tspec("b", "NoExecute", "")],
    );
    // Policy deleted.
    assert_eq!(evaluate(&c, &[], &at(1)), None);
    // Taint `b` dropped from the policy: only `a` is removed.
    let mut dropped = full.clone();
    dropped.spec.taints.pop();
    let u = evaluate(&c, &[dropped], &at(1)).unwrap();
    assert_eq!(slots(&u.taints), ["b:NoExecute"]);
    // Retargeted away from the cluster.
    let mut retargeted = full.clone();
    retargeted.spec.target_clusters = Some(ClusterAffinity {
        exclude: vec!["east".into()],
        ..Default::default()
    });
    assert_eq!(evaluate(&c, &[retargeted], &at(1)), None);
    // Cluster relabelled so that it stops matching.
    let mut by_label = full.clone();
    by_label.spec.target_clusters = Some(ClusterAffinity {
        label_selector: Some(LabelSelector {
            match_labels: Some(labels(&[("tier", "prod")])),
            match_expressions: None,
        }),
        ..Default::default()
    });
    let mut relabelled = c.clone();
    relabelled.metadata.labels = Some(labels(&[("tier", "dev")]));
    assert_eq!(
        evaluate(&relabelled, std::slice::from_ref(&by_label), &at(1)),
        None
    );
    // The removeOnConditions pass does remove them.
    assert!(evaluate(&c, &[by_label], &at(1)).unwrap().taints.is_empty());
}

const F17_EXAMPLE: &str = r#"
apiVersion: policy.karmada.io/v1alpha1
kind: ClusterTaintPolicy
metadata:
  name: evict-when-not-ready
spec:
  targetClusters:
    labelSelector:
      matchLabels: {tier: prod}
  addOnConditions:
    - {conditionType: Ready, operator: NotIn, statusValues: ["True"]}
  removeOnConditions:
    - {conditionType: Ready, operator: In, statusValues: ["True"]}
  taints:
    - {key: failover.example.io/down, effect: NoExecute}
"#;

/// F-17's example policy evaluated on clusters: prod clusters whose Ready is not True get the
/// NoExecute taint; it goes when Ready is True again; dev clusters and clusters without Ready
/// are left alone.
#[test]
fn f17_example_policy_on_clusters() {
    use ConditionStatus::{False, True, Unknown};
    let p: ClusterTaintPolicy = serde_saphyr::from_str(F17_EXAMPLE).unwrap();
    let down = taint("failover.example.io/down", "NoExecute", None, Some(100));
    let prod = |conds: Vec<Condition>, taints: Vec<Taint>| {
        let mut c = cluster("east", &[("tier", "prod")], conds);
        c.spec.taints = taints;
        c
    };
    let cases: Vec<(Cluster, Option<Vec<Taint>>)> = vec![
        (
            prod(vec![cond("Ready", False)], vec![]),
            Some(vec![down.clone()]),
        ),
        (
            prod(vec![cond("Ready", Unknown)], vec![]),
            Some(vec![down.clone()]),
        ),
        (prod(vec![cond("Ready", False)], vec![down.clone()]), None),
        (prod(vec![cond("Ready", True)], vec![]), None),
        (
            prod(vec![cond("Ready", True)], vec![down.clone()]),
            Some(vec![]),
        ),
        // A new cluster without Ready: NotIn on an absent condition is false.
        (prod(vec![], vec![]), None),
        (
            cluster("west", &[("tier", "dev")], vec![cond("Ready", False)]),
            None,
        ),
    ];
    for (i, (c, expected)) in cases.into_iter().enumerate() {
        let got = evaluate(&c, std::slice::from_ref(&p), &at(100)).map(|u| u.taints);
        assert_eq!(got, expected, "case {i}");
    }
}

/// The E-1 hand-off: the system taint (health) and the policy taint are added in the same pass.
#[test]
fn f15_policy_taint_added_with_system_taint() {
    let mut c = cluster(
        "east",
        &[("tier", "prod")],
        vec![cond("Ready", ConditionStatus::False)],
    );
    let ready = c.status.as_ref().unwrap().conditions.first().cloned();
    let u = super::super::health::system_taints(&c.spec.taints, ready.as_ref(), &at(30)).unwrap();
    c.spec.taints = u.taints;
    let p: ClusterTaintPolicy = serde_saphyr::from_str(F17_EXAMPLE).unwrap();
    let u = evaluate(&c, &[p], &at(30)).unwrap();
    assert_eq!(
        slots(&u.taints),
        [
            "cluster.karmada.io/not-ready:NoSchedule",
            "failover.example.io/down:NoExecute"
        ]
    );
    assert!(u.taints.iter().all(|t| t.time_added == Some(at(30))));
}

// ---- property tests -------------------------------------------------------------------------

fn status_value() -> impl Strategy<Value = String> {
    prop_oneof![Just("True"), Just("False"), Just("Unknown")].prop_map(str::to_string)
}

fn match_condition() -> impl Strategy<Value = MatchCondition> {
    (
        prop_oneof![Just("Ready"), Just("NetworkAvailable"), Just("Missing")],
        prop_oneof![4 => Just("In"), 4 => Just("NotIn"), 1 => Just("Exists")],
        prop::collection::vec(status_value(), 0..3),
    )
        .prop_map(|(t, op, values)| MatchCondition {
            condition_type: t.into(),
            operator: op.into(),
            status_values: values,
        })
}

/// A taint value: empty or not.
fn value() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(""), Just("v")]
}

/// The (key, effect) of slot `i` of a pool of six.
fn slot_of(i: usize) -> (String, String) {
    let key = ["a", "b", "c"][i % 3];
    let effect = ["NoSchedule", "NoExecute"][i / 3];
    (key.to_string(), effect.to_string())
}

fn policies() -> impl Strategy<Value = Vec<ClusterTaintPolicy>> {
    let one = (
        0i64..3,
        prop::collection::vec(match_condition(), 0..3),
        prop::collection::vec(match_condition(), 0..3),
        prop::collection::btree_map(0usize..6, value(), 1..4),
    );
    prop::collection::vec(one, 0..5).prop_map(|list| {
        list.into_iter()
            .enumerate()
            .map(|(i, (created, add, remove, slots))| {
                let taints = slots
                    .into_iter()
                    .map(|(s, v)| {
                        let (k, e) = slot_of(s);
                        tspec(&k, &e, v)
                    })
                    .collect();
                policy(&format!("p{i}"), created, add, remove, taints)
            })
            .collect()
    })
}

fn status() -> impl Strategy<Value = Option<ConditionStatus>> {
    prop_oneof![
        Just(None),
        Just(Some(ConditionStatus::True)),
        Just(Some(ConditionStatus::False)),
        Just(Some(ConditionStatus::Unknown)),
    ]
}

fn start_cluster() -> impl Strategy<Value = Cluster> {
    (
        status(),
        status(),
        prop::collection::btree_map(0usize..6, (value(), -50i64..0), 0..5),
    )
        .prop_map(|(ready, net, taints)| {
            let mut conditions = vec![];
            if let Some(s) = ready {
                conditions.push(cond("Ready", s));
            }
            if let Some(s) = net {
                conditions.push(cond("NetworkAvailable", s));
            }
            let mut c = cluster("east", &[], conditions);
            c.spec.taints = taints
                .into_iter()
                .map(|(s, (v, added))| {
                    let (k, e) = slot_of(s);
                    taint(&k, &e, (!v.is_empty()).then_some(v), Some(added))
                })
                .collect();
            c
        })
}

fn sorted(mut list: Vec<Taint>) -> Vec<Taint> {
    list.sort_by(|a, b| (&a.key, &a.effect).cmp(&(&b.key, &b.effect)));
    list
}

proptest! {
    /// F-15 property: starting from a list with unique (key, effect) slots, evaluation never
    /// produces two taints with the same (key, effect).
    #[test]
    fn f15_never_duplicates_key_effect(c in start_cluster(), ps in policies()) {
        let taints = evaluate(&c, &ps, &at(10)).map_or(c.spec.taints.clone(), |u| u.taints);
        let mut seen = std::collections::BTreeSet::new();
        for t in &taints {
            prop_assert!(seen.insert((t.key.clone(), t.effect.clone())), "duplicate {:?}", t);
        }
    }

    /// F-15 property: with the same conditions and `now`, a second evaluation yields the same
    /// taints (same keys, effects, values and times). Only their order may change, and only when
    /// a taint is removed by one policy and re-appended by a later one.
    #[test]
    fn f15_evaluation_is_idempotent(c in start_cluster(), ps in policies()) {
        let first = evaluate(&c, &ps, &at(10)).map_or(c.spec.taints.clone(), |u| u.taints);
        let mut again = c.clone();
        again.spec.taints = first.clone();
        let second = evaluate(&again, &ps, &at(10)).map_or(first.clone(), |u| u.taints);
        prop_assert_eq!(sorted(second.clone()), sorted(first.clone()));
        let third = {
            let mut c3 = c.clone();
            c3.spec.taints = second.clone();
            evaluate(&c3, &ps, &at(10)).map_or(second.clone(), |u| u.taints)
        };
        prop_assert_eq!(third, second, "stable after at most one reordering pass");
    }
}
