//! Table tests of cascading deletion's rules (kube-api.md §7.8, §7.9).

use serde_json::json;

use super::*;
use crate::objects::{Deletion, prepare_delete_with};

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn meta(uid: &str, owners: &[&str], finalizers: &[&str], deleting: bool) -> ObjectMeta {
    ObjectMeta {
        uid: uid.into(),
        owners: strings(owners),
        deleting,
        finalizers: strings(finalizers),
        resource_version: 7,
    }
}

#[test]
fn propagation_policies_parse() {
    use Propagation::*;
    // (DeleteOptions body, policy): upstream's DeleteOptions fields.
    let table = [
        (json!({}), None),
        (json!({"propagationPolicy": null}), None),
        (json!({"propagationPolicy": "Background"}), Some(Background)),
        (json!({"propagationPolicy": "Foreground"}), Some(Foreground)),
        (json!({"propagationPolicy": "Orphan"}), Some(Orphan)),
        (json!({"orphanDependents": true}), Some(Orphan)),
        (json!({"orphanDependents": false}), Some(Background)),
        (json!({"orphanDependents": null}), None),
    ];
    for (body, policy) in table {
        assert_eq!(propagation(&body).unwrap(), policy, "{body}");
    }
}

#[test]
fn bad_propagation_policies_are_refused() {
    // (body, code, message): upstream's ValidateDeleteOptions wording, and a decode error.
    let table = [
        (
            json!({"propagationPolicy": "Sideways"}),
            422,
            r#"DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil""#,
        ),
        (
            json!({"propagationPolicy": "Orphan", "orphanDependents": false}),
            422,
            r#"DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set"#,
        ),
        (
            json!({"propagationPolicy": 3}),
            400,
            "json: cannot unmarshal number into Go struct field DeleteOptions.propagationPolicy of type v1.DeletionPropagation",
        ),
        (
            json!({"orphanDependents": "yes"}),
            400,
            "json: cannot unmarshal string into Go struct field DeleteOptions.orphanDependents of type bool",
        ),
    ];
    for (body, code, message) in table {
        let error = propagation(&body).unwrap_err();
        assert_eq!(
            (error.code, error.message.as_str()),
            (code, message),
            "{body}"
        );
    }
    let error = propagation(&json!({"propagationPolicy": "x"})).unwrap_err();
    let status = error.to_status_json();
    assert_eq!(status["reason"], "Invalid");
    assert_eq!(status["details"]["kind"], "DeleteOptions");
    assert_eq!(status["details"]["group"], "meta.k8s.io");
    assert_eq!(
        status["details"]["causes"][0]["reason"],
        "FieldValueNotSupported"
    );
}

#[test]
fn finalizers_follow_the_policy() {
    use Propagation::*;
    let (o, f) = (ORPHAN_FINALIZER, FOREGROUND_FINALIZER);
    // (finalizers, policy, after): both GC finalizers go, the policy's is appended.
    let table: [(&[&str], Option<Propagation>, &[&str]); 9] = [
        (&[], None, &[]),
        (&["x/y"], None, &["x/y"]),
        (&[o], None, &[o]),
        (&[], Some(Background), &[]),
        (&[o, "x/y"], Some(Background), &["x/y"]),
        (&[], Some(Orphan), &[o]),
        (&[f, "x/y"], Some(Orphan), &["x/y", o]),
        (&["x/y"], Some(Foreground), &["x/y", f]),
        (&[o, "x/y"], Some(Orphan), &[o, "x/y"]),
    ];
    for (before, policy, after) in table {
        let got = finalizers_for(&strings(before), policy);
        assert_eq!(got, strings(after), "{before:?} {policy:?}");
    }
}

/// owner `o` (marked with `finalizer`) and a second owner `p` in the given state.
fn index_with(finalizer: &str, p_state: Option<(&[&str], bool)>) -> GcIndex {
    let mut index = GcIndex::new();
    index.put("/k/o", meta("o", &[], &[finalizer], true));
    if let Some((finalizers, deleting)) = p_state {
        index.put("/k/p", meta("p", &[], finalizers, deleting));
    }
    index
}

fn delete(key: &str, uid: &str, policy: Option<Propagation>) -> Action {
    Action::Delete {
        key: key.into(),
        uid: uid.into(),
        resource_version: 7,
        policy,
    }
}

fn unlink(key: &str, uid: &str) -> Action {
    Action::Unlink {
        key: key.into(),
        uid: uid.into(),
        owner: "o".into(),
    }
}

fn finalize(finalizer: &'static str) -> Action {
    Action::Finalize {
        key: "/k/o".into(),
        uid: "o".into(),
        resource_version: 7,
        finalizer,
    }
}

#[test]
fn orphan_unlinks_every_dependent_then_finalizes() {
    let mut index = index_with(ORPHAN_FINALIZER, Some((&[], false)));
    index.put("/k/a", meta("a", &["o"], &[], false));
    index.put("/k/b", meta("b", &["o", "p"], &["x/y"], true));
    assert_eq!(
        plan(&index, "/k/o"),
        [unlink("/k/a", "a"), unlink("/k/b", "b")]
    );
    index.put("/k/a", meta("a", &[], &[], false));
    index.put("/k/b", meta("b", &["p"], &["x/y"], true));
    assert_eq!(plan(&index, "/k/o"), [finalize(ORPHAN_FINALIZER)]);
}

#[test]
fn foreground_decisions_per_dependent() {
    let f = FOREGROUND_FINALIZER;
    // (second owner p: finalizers and deleting, dependent's owners, dependent deleting,
    //  dependent has a dependent of its own, action for the dependent)
    type Row<'a> = (
        Option<(&'a [&'a str], bool)>,
        &'a [&'a str],
        bool,
        bool,
        Option<Action>,
    );
    let table: [Row; 8] = [
        (None, &["o"], false, false, Some(delete("/k/d", "d", None))),
        (
            None,
            &["o"],
            false,
            true,
            Some(delete("/k/d", "d", Some(Propagation::Foreground))),
        ),
        // Already being deleted (held by its own finalizer): the owner waits.
        (None, &["o"], true, false, None),
        // A live second owner keeps it: only the reference to o goes.
        (
            Some((&[], false)),
            &["o", "p"],
            false,
            false,
            Some(unlink("/k/d", "d")),
        ),
        // An owner being deleted with Orphan still exists: live.
        (
            Some((&[ORPHAN_FINALIZER], true)),
            &["o", "p"],
            false,
            false,
            Some(unlink("/k/d", "d")),
        ),
        // An owner waiting for its own dependents is not live, nor is a missing one.
        (
            Some((&[f], true)),
            &["o", "p"],
            false,
            false,
            Some(delete("/k/d", "d", None)),
        ),
        (
            None,
            &["o", "gone"],
            false,
            false,
            Some(delete("/k/d", "d", None)),
        ),
        // A terminating owner without the foreground finalizer is live.
        (
            Some((&["x/y"], true)),
            &["o", "p"],
            false,
            false,
            Some(unlink("/k/d", "d")),
        ),
    ];
    for (i, (p, owners, deleting, grandchild, action)) in table.into_iter().enumerate() {
        let mut index = index_with(f, p);
        index.put("/k/d", meta("d", owners, &["x/y"], deleting));
        if grandchild {
            index.put("/k/g", meta("g", &["d"], &[], false));
        }
        let expected: Vec<Action> = action.into_iter().collect();
        assert_eq!(plan(&index, "/k/o"), expected, "row {i}");
    }
}

#[test]
fn foreground_finalizes_once_no_dependent_is_left() {
    let mut index = index_with(FOREGROUND_FINALIZER, None);
    index.put("/k/d", meta("d", &["o"], &["x/y"], true));
    assert!(plan(&index, "/k/o").is_empty());
    index.remove("/k/d");
    assert_eq!(plan(&index, "/k/o"), [finalize(FOREGROUND_FINALIZER)]);
}

#[test]
fn only_marked_owners_with_gc_finalizers_cascade() {
    let mut index = GcIndex::new();
    // (key, finalizers, deleting, cascading)
    let table: [(&str, &[&str], bool, bool); 5] = [
        ("/k/1", &[ORPHAN_FINALIZER], true, true),
        ("/k/2", &[FOREGROUND_FINALIZER, "x/y"], true, true),
        ("/k/3", &[ORPHAN_FINALIZER], false, false),
        ("/k/4", &["x/y"], true, false),
        ("/k/5", &[], false, false),
    ];
    for (key, finalizers, deleting, cascading) in table {
        let object = meta(&key[3..], &[], finalizers, deleting);
        assert_eq!(is_cascading(&object), cascading, "{key}");
        index.put(key, object);
        let child = format!("c{}", &key[3..]);
        index.put(
            &format!("{key}-child"),
            meta(&child, &[&key[3..]], &[], false),
        );
    }
    assert_eq!(cascading(&index), ["/k/1", "/k/2"]);
    assert!(plan(&index, "/k/3").is_empty() && plan(&index, "/k/4").is_empty());
    assert!(plan(&index, "/k/missing").is_empty());
}

#[test]
fn events_reach_old_and_new_cascading_owners() {
    let mut index = index_with(ORPHAN_FINALIZER, Some((&[FOREGROUND_FINALIZER], true)));
    index.put("/k/q", meta("q", &[], &[], false));
    index.put("/k/d", meta("d", &["p", "q"], &[], false));
    // The dependent dropped o and still has p (cascading) and q (not).
    assert_eq!(
        affected_owners(&index, "/k/d", &strings(&["o", "p"])),
        ["/k/o", "/k/p"]
    );
    // The event is about the owner itself.
    assert_eq!(affected_owners(&index, "/k/o", &[]), ["/k/o"]);
    index.remove("/k/d");
    assert_eq!(
        affected_owners(&index, "/k/d", &strings(&["p", "q"])),
        ["/k/p"]
    );
}

#[test]
fn unlinking_and_finalizing_edit_metadata_only() {
    let object = json!({"metadata": {"name": "d", "finalizers": ["orphan", "x/y"],
        "ownerReferences": [{"uid": "o", "name": "a"}, {"uid": "p", "name": "b"}]}, "data": {}});
    let once = unlinked(&object, "o").unwrap();
    assert_eq!(
        once["metadata"]["ownerReferences"],
        json!([{"uid": "p", "name": "b"}])
    );
    assert_eq!(once["data"], json!({}));
    assert!(unlinked(&once, "o").is_none());
    let none = unlinked(&once, "p").unwrap();
    assert!(none["metadata"].get("ownerReferences").is_none(), "{none}");

    let kept = without_finalizer(&object, ORPHAN_FINALIZER).unwrap();
    assert_eq!(kept["metadata"]["finalizers"], json!(["x/y"]));
    assert!(without_finalizer(&kept, ORPHAN_FINALIZER).is_none());
    let empty = without_finalizer(&kept, "x/y").unwrap();
    assert!(empty["metadata"].get("finalizers").is_none(), "{empty}");
}

#[test]
fn delete_marks_with_the_policy_finalizer() {
    use Propagation::*;
    let object = |finalizers: &[&str], deleting: bool| {
        let mut object = json!({"metadata": {"name": "o", "generation": 2,
            "resourceVersion": "9", "finalizers": finalizers}});
        if deleting {
            object["metadata"]["deletionTimestamp"] = json!("earlier");
        }
        object
    };
    let now = "2026-01-01T00:00:00Z";
    // (finalizers, deleting, policy, Some(finalizers marked) / None for Now, AlreadyMarked)
    type Row<'a> = (
        &'a [&'a str],
        bool,
        Option<Propagation>,
        Option<&'a [&'a str]>,
        bool,
    );
    let table: [Row; 8] = [
        (&[], false, None, None, false),
        (&[], false, Some(Background), None, false),
        (&[], false, Some(Orphan), Some(&["orphan"]), false),
        (
            &["x/y"],
            false,
            Some(Foreground),
            Some(&["x/y", "foregroundDeletion"]),
            false,
        ),
        (&["orphan"], true, None, None, true),
        (&["orphan"], true, Some(Orphan), None, true),
        // A later DELETE changes the policy; Background with nothing left deletes now.
        (&["foregroundDeletion"], true, Some(Background), None, false),
        (
            &["foregroundDeletion"],
            true,
            Some(Orphan),
            Some(&["orphan"]),
            false,
        ),
    ];
    for (i, (finalizers, deleting, policy, marked, already)) in table.into_iter().enumerate() {
        let got = prepare_delete_with(&object(finalizers, deleting), now, policy);
        match (got, marked) {
            (Deletion::AlreadyMarked, None) => assert!(already, "row {i}"),
            (Deletion::Now, None) => assert!(!already, "row {i}"),
            (Deletion::Mark(m), Some(list)) => {
                assert_eq!(m["metadata"]["finalizers"], json!(list), "row {i}");
                let (timestamp, generation) = if deleting { ("earlier", 2) } else { (now, 3) };
                assert_eq!(m["metadata"]["deletionTimestamp"], timestamp, "row {i}");
                assert_eq!(m["metadata"]["generation"], generation, "row {i}");
                assert!(m["metadata"].get("resourceVersion").is_none(), "row {i}");
            }
            (other, _) => panic!("row {i}: {other:?}"),
        }
    }
}
