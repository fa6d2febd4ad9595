//! `kubectl delete --cascade=orphan|foreground` (kube-api.md §7.8, §7.9) against an in-process
//! server with its garbage collector running: kubectl sends the propagation policy, then waits
//! until the owner is gone, which needs the collector to finish the cascade.

#[path = "support/kubectl.rs"]
mod support;

use support::{Cluster, start};

fn config_map(name: &str, owner: Option<(&str, &str)>) -> String {
    let refs = owner
        .map(|(name, uid)| {
            format!(
                "  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: {name}\n    uid: {uid}\n"
            )
        })
        .unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: default\n{refs}data:\n  a: \"1\"\n"
    )
}

/// Creates `owner` and `child` (owned by it); returns the owner's uid.
fn owner_and_child(c: &Cluster, owner: &str, child: &str) -> String {
    c.ok(&["create", "-f", "-"], Some(&config_map(owner, None)));
    let uid = c.ok(
        &["get", "cm", owner, "-o", "jsonpath={.metadata.uid}"],
        None,
    );
    let child_yaml = config_map(child, Some((owner, &uid)));
    c.ok(&["create", "-f", "-"], Some(&child_yaml));
    uid
}

#[test]
fn delete_cascade_orphan_keeps_the_dependent() {
    let Some(c) = start() else { return };
    owner_and_child(&c, "owner", "child");
    let out = c.ok(&["delete", "cm", "owner", "--cascade=orphan"], None);
    assert_eq!(out, "configmap \"owner\" deleted\n");
    let err = c.fails(&["get", "cm", "owner"], None);
    assert!(
        err.contains("NotFound") || err.contains("not found"),
        "{err}"
    );
    let refs = c.ok(
        &[
            "get",
            "cm",
            "child",
            "-o",
            "jsonpath={.metadata.ownerReferences}",
        ],
        None,
    );
    assert_eq!(refs, "");
}

#[test]
fn delete_cascade_foreground_removes_the_dependent_first() {
    let Some(c) = start() else { return };
    owner_and_child(&c, "owner", "child");
    c.ok(&["create", "-f", "-"], Some(&config_map("bystander", None)));
    let out = c.ok(&["delete", "cm", "owner", "--cascade=foreground"], None);
    assert_eq!(out, "configmap \"owner\" deleted\n");
    let names = c.ok(&["get", "cm", "-o", "name"], None);
    assert_eq!(names, "configmap/bystander\n");
}
