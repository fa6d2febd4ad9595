//! Object lifecycle beyond single deletes, against an in-process API server over SQLite in a
//! temporary directory, with its background controllers running: namespace termination
//! (kube-api.md §0.2), garbage collection by ownerReferences with the Background, Orphan and
//! Foreground propagation policies (§7.8, §7.9) and deletecollection (§7.10). Requests go over
//! plain HTTP on loopback; `kubectl delete ns` runs too when kubectl is on PATH.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use flotilla_apiserver::server::ApiServer;
use flotilla_store::sqlite::SqliteStore;
use serde_json::{Value, json};

#[path = "support/http.rs"]
mod http;

/// How long a test waits for the controllers to converge.
const CONVERGE_TIMEOUT_MS: u64 = 15_000;
/// How long a test watches that something does *not* happen.
const QUIET_PERIOD_MS: u64 = 1_000;

/// A running server over `DIR/data`.
struct Cluster {
    address: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

fn start(dir: &Path, controllers: bool) -> Cluster {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let store = Arc::new(SqliteStore::open(&dir.join("data")).unwrap());
    let server = ApiServer::new(store);
    let listener = runtime.block_on(async {
        server.bootstrap().await.expect("bootstrap");
        if controllers {
            server.spawn_controllers();
        }
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()
    });
    let address = listener.local_addr().unwrap();
    runtime.spawn(async move { axum::serve(listener, server.router()).await });
    Cluster {
        address,
        _runtime: runtime,
    }
}

impl Cluster {
    /// Sends one JSON request; returns the status code and the JSON body (Null if not JSON).
    fn send(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.send_typed(method, path, "application/json", body)
    }

    /// A JSON merge patch.
    fn merge_patch(&self, path: &str, patch: &Value) -> (u16, Value) {
        self.send_typed("PATCH", path, "application/merge-patch+json", Some(patch))
    }

    fn send_typed(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let body = body.map(Value::to_string).unwrap_or_default();
        http::request(self.address, method, path, content_type, body.as_bytes())
    }

    /// A request that must answer `code`; returns the body.
    fn expect(&self, method: &str, path: &str, body: Option<&Value>, code: u16) -> Value {
        let (got, out) = self.send(method, path, body);
        assert_eq!(got, code, "{method} {path}: {out}");
        out
    }

    fn create(&self, collection: &str, object: Value) -> Value {
        self.expect("POST", collection, Some(&object), 201)
    }

    fn exists(&self, path: &str) -> bool {
        match self.send("GET", path, None) {
            (200, _) => true,
            (404, _) => false,
            (code, body) => panic!("GET {path}: {code} {body}"),
        }
    }

    /// Waits until `path` is gone.
    fn wait_gone(&self, path: &str) {
        let deadline = Instant::now() + Duration::from_millis(CONVERGE_TIMEOUT_MS);
        while self.exists(path) {
            assert!(Instant::now() < deadline, "{path} is still there");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

const NS: &str = "/api/v1/namespaces";

fn namespace(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
}

fn config_map(name: &str, metadata: Value) -> Value {
    let mut object = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name}, "data": {"a": "1"}});
    if let Value::Object(extra) = metadata {
        for (k, v) in extra {
            object["metadata"][k] = v;
        }
    }
    object
}

fn owner_ref(owner: &Value) -> Value {
    json!({"apiVersion": owner["apiVersion"], "kind": owner["kind"],
           "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"]})
}

fn cms(ns: &str) -> String {
    format!("{NS}/{ns}/configmaps")
}

fn names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

const WIDGET_CRD: &str = r#"{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
  "metadata": {"name": "widgets.example.com"},
  "spec": {"group": "example.com", "scope": "Namespaced",
    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
    "versions": [{"name": "v1", "served": true, "storage": true,
      "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}}"#;

// kube-api.md §0.2 namespace lifecycle: DELETE marks the namespace Terminating and answers
// 200 with it; the controller deletes its contents (built-ins and custom resources), then the
// namespace. Objects elsewhere are untouched.
#[test]
fn namespace_delete_removes_contents_then_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), true);
    c.create(NS, namespace("demo"));
    c.create(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        serde_json::from_str(WIDGET_CRD).unwrap(),
    );
    c.create(&cms("demo"), config_map("cm1", json!({})));
    c.create(&cms("default"), config_map("keep", json!({})));
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s1"}});
    c.create(&format!("{NS}/demo/secrets"), secret);
    let widgets = "/apis/example.com/v1/namespaces/demo/widgets";
    let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "w1"}, "spec": {"size": 1}});
    c.create(widgets, widget);

    let marked = c.expect("DELETE", &format!("{NS}/demo"), None, 200);
    assert_eq!(marked["kind"], "Namespace", "{marked}");
    assert_eq!(marked["status"]["phase"], "Terminating", "{marked}");
    assert!(
        marked["metadata"]["deletionTimestamp"].is_string(),
        "{marked}"
    );
    assert_eq!(
        marked["spec"]["finalizers"],
        json!(["kubernetes"]),
        "{marked}"
    );

    c.wait_gone(&format!("{NS}/demo"));
    for path in [
        format!("{}/cm1", cms("demo")),
        format!("{NS}/demo/secrets/s1"),
        format!("{widgets}/w1"),
    ] {
        assert!(!c.exists(&path), "{path} survived its namespace");
    }
    assert!(c.exists(&format!("{}/keep", cms("default"))));
    assert!(
        c.exists("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
    );
}

// kube-api.md §12 (403 row) and §7.8: an object with a finalizer is only marked, so it holds
// the namespace in Terminating; creates there are refused with upstream's message and cause;
// removing the finalizer lets the object and then the namespace go.
#[test]
fn finalizer_holds_namespace_termination_and_creates_are_forbidden() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), true);
    c.create(NS, namespace("held"));
    let held = json!({"finalizers": ["example.com/hold"]});
    c.create(&cms("held"), config_map("pinned", held));
    c.create(&cms("held"), config_map("plain", json!({})));
    c.expect("DELETE", &format!("{NS}/held"), None, 200);
    c.wait_gone(&format!("{}/plain", cms("held")));

    let pinned = format!("{}/pinned", cms("held"));
    let object = c.expect("GET", &pinned, None, 200);
    assert!(
        object["metadata"]["deletionTimestamp"].is_string(),
        "{object}"
    );
    std::thread::sleep(Duration::from_millis(QUIET_PERIOD_MS));
    let ns = c.expect("GET", &format!("{NS}/held"), None, 200);
    assert_eq!(ns["status"]["phase"], "Terminating", "{ns}");

    let refused = c.expect(
        "POST",
        &cms("held"),
        Some(&config_map("new", json!({}))),
        403,
    );
    assert_eq!(
        refused["message"],
        "configmaps \"new\" is forbidden: unable to create new content in namespace held because it is being terminated"
    );
    assert_eq!(refused["reason"], "Forbidden");
    assert_eq!(
        refused["details"]["causes"],
        json!([{"reason": "NamespaceTerminating", "message": "namespace held is being terminated",
                "field": "metadata.namespace"}])
    );

    let release = json!({"metadata": {"finalizers": null}});
    let (code, out) = c.merge_patch(&pinned, &release);
    assert_eq!(code, 200, "{out}");
    c.wait_gone(&pinned);
    c.wait_gone(&format!("{NS}/held"));
}

// kube-api.md §0.2: like upstream, default, kube-system and kube-public may not be deleted;
// karmada-system may.
#[test]
fn system_namespaces_may_not_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), true);
    for name in ["default", "kube-system", "kube-public"] {
        let out = c.expect("DELETE", &format!("{NS}/{name}"), None, 403);
        assert_eq!(
            out["message"],
            format!("namespaces \"{name}\" is forbidden: this namespace may not be deleted")
        );
        assert_eq!(out["reason"], "Forbidden");
        let ns = c.expect("GET", &format!("{NS}/{name}"), None, 200);
        assert_eq!(ns["status"]["phase"], "Active", "{ns}");
    }
    c.expect("DELETE", &format!("{NS}/karmada-system"), None, 200);
    c.wait_gone(&format!("{NS}/karmada-system"));
}

// kube-api.md §7.9: background cascade down a chain owner → child → grandchild.
#[test]
fn gc_deletes_a_chain_after_the_owner() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), true);
    let owner = c.create(&cms("default"), config_map("owner", json!({})));
    let refs = json!({"ownerReferences": [owner_ref(&owner)]});
    let child = c.create(&cms("default"), config_map("child", refs));
    let secret = json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "grandchild", "ownerReferences": [owner_ref(&child)]}});
    c.create(&format!("{NS}/default/secrets"), secret);
    c.create(&cms("default"), config_map("bystander", json!({})));
    std::thread::sleep(Duration::from_millis(QUIET_PERIOD_MS));
    assert!(c.exists(&format!("{}/child", cms("default"))));

    let options = json!({"propagationPolicy": "Background"});
    let deleted = c.expect(
        "DELETE",
        &format!("{}/owner", cms("default")),
        Some(&options),
        200,
    );
    assert!(deleted["metadata"]["finalizers"].is_null(), "{deleted}");
    assert!(!c.exists(&format!("{}/owner", cms("default"))));
    c.wait_gone(&format!("{}/child", cms("default")));
    c.wait_gone(&format!("{NS}/default/secrets/grandchild"));
    assert!(c.exists(&format!("{}/bystander", cms("default"))));
}

// kube-api.md §7.9: the collector catches up at start with owners deleted while it was not
// running (the server restarts over the same SQLite directory).
#[test]
fn gc_collects_at_start_what_was_orphaned_while_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let child_path = format!("{}/child", cms("default"));
    {
        let c = start(dir.path(), false);
        let owner = c.create(&cms("default"), config_map("owner", json!({})));
        let refs = json!({"ownerReferences": [owner_ref(&owner)]});
        c.create(&cms("default"), config_map("child", refs));
        c.expect("DELETE", &format!("{}/owner", cms("default")), None, 200);
        std::thread::sleep(Duration::from_millis(QUIET_PERIOD_MS / 2));
        assert!(c.exists(&child_path), "no collector is running yet");
    }
    let c = start(dir.path(), true);
    c.wait_gone(&child_path);
}

// kube-api.md §7.9: an object is collected only once *every* owner is gone.
#[test]
fn gc_keeps_an_object_until_all_owners_are_gone() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), true);
    let o1 = c.create(&cms("default"), config_map("o1", json!({})));
    let o2 = c.create(&cms("default"), config_map("o2", json!({})));
    let refs = json!({"ownerReferences": [owner_ref(&o1), owner_ref(&o2)]});
    c.create(&cms("default"), config_map("shared", refs));
    c.expect("DELETE", &format!("{}/o1", cms("default")), None, 200);
    std::thread::sleep(Duration::from_millis(QUIET_PERIOD_MS));
    assert!(c.exists(&format!("{}/shared", cms("default"))));
    c.expect("DELETE", &format!("{}/o2", cms("default")), None, 200);
    c.wait_gone(&format!("{}/shared", cms("default")));
}

// kube-api.md §7.10: deletecollection with a label selector deletes the matches (finalizer
// rules apply: the one with a finalizer is only marked), answers a ConfigMapList of them and
// leaves the rest; field selectors and cluster-scoped collections work too.
#[test]
fn deletecollection_with_selectors() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), false);
    let x = json!({"labels": {"tier": "x"}});
    c.create(&cms("default"), config_map("a", x.clone()));
    c.create(&cms("default"), config_map("b", x));
    c.create(
        &cms("default"),
        config_map("c", json!({"labels": {"tier": "y"}})),
    );
    let held = json!({"labels": {"tier": "x"}, "finalizers": ["example.com/hold"]});
    c.create(&cms("default"), config_map("f", held));

    let path = format!("{}?labelSelector=tier%3Dx", cms("default"));
    let out = c.expect("DELETE", &path, None, 200);
    assert_eq!(out["kind"], "ConfigMapList", "{out}");
    assert_eq!(out["apiVersion"], "v1", "{out}");
    assert_eq!(names(&out), ["a", "b", "f"]);
    let left = c.expect("GET", &cms("default"), None, 200);
    assert_eq!(names(&left), ["c", "f"]);
    let f = c.expect("GET", &format!("{}/f", cms("default")), None, 200);
    assert!(f["metadata"]["deletionTimestamp"].is_string(), "{f}");

    let path = format!("{}?fieldSelector=metadata.name%3Dc", cms("default"));
    let out = c.expect("DELETE", &path, Some(&json!({})), 200);
    assert_eq!(names(&out), ["c"]);

    c.create(NS, namespace("team-a"));
    let labelled = json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "team-b", "labels": {"team": "z"}}});
    c.create(NS, labelled);
    let out = c.expect("DELETE", &format!("{NS}?labelSelector=team%3Dz"), None, 200);
    assert_eq!(out["kind"], "NamespaceList", "{out}");
    assert_eq!(names(&out), ["team-b"]);
    assert_eq!(out["items"][0]["status"]["phase"], "Terminating", "{out}");
    let ns = c.expect("GET", &format!("{NS}/team-a"), None, 200);
    assert!(ns["metadata"]["deletionTimestamp"].is_null(), "{ns}");
}

// kube-api.md §7.10 and §7.11: a dry-run deletecollection (query or DeleteOptions body) answers
// the list and deletes nothing.
#[test]
fn dry_run_deletecollection_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), false);
    for name in ["d1", "d2"] {
        c.create(&cms("default"), config_map(name, json!({})));
    }
    let out = c.expect(
        "DELETE",
        &format!("{}?dryRun=All", cms("default")),
        None,
        200,
    );
    assert_eq!(names(&out), ["d1", "d2"]);
    let body = json!({"kind": "DeleteOptions", "apiVersion": "v1", "dryRun": ["All"]});
    let out = c.expect("DELETE", &cms("default"), Some(&body), 200);
    assert_eq!(names(&out), ["d1", "d2"]);
    let left = c.expect("GET", &cms("default"), None, 200);
    assert_eq!(names(&left), ["d1", "d2"]);
    for name in ["d1", "d2"] {
        let object = c.expect("GET", &format!("{}/{name}", cms("default")), None, 200);
        assert!(
            object["metadata"]["deletionTimestamp"].is_null(),
            "{object}"
        );
    }
}

fn cm_path(name: &str) -> String {
    format!("{}/{name}", cms("default"))
}

fn delete_with(c: &Cluster, name: &str, options: Value) -> Value {
    c.expect("DELETE", &cm_path(name), Some(&options), 200)
}

/// The uids of an object's ownerReferences.
fn owner_uids(object: &Value) -> Vec<String> {
    object["metadata"]["ownerReferences"]
        .as_array()
        .map(|refs| {
            refs.iter()
                .map(|r| r["uid"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

// kube-api.md §7.9 Orphan: the owner is marked with the `orphan` finalizer, the collector
// removes the references to it from its dependents and then deletes it; the dependents stay.
// `orphanDependents: true` (deprecated) means the same.
#[test]
fn orphan_keeps_dependents_and_deletes_the_owner() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), true);
    for (owner, child, options) in [
        ("o1", "c1", json!({"propagationPolicy": "Orphan"})),
        ("o2", "c2", json!({"orphanDependents": true})),
    ] {
        let o = c.create(&cms("default"), config_map(owner, json!({})));
        let refs = json!({"ownerReferences": [owner_ref(&o)]});
        c.create(&cms("default"), config_map(child, refs));
        let marked = delete_with(&c, owner, options);
        assert_eq!(
            marked["metadata"]["finalizers"],
            json!(["orphan"]),
            "{marked}"
        );
        assert!(
            marked["metadata"]["deletionTimestamp"].is_string(),
            "{marked}"
        );
        c.wait_gone(&cm_path(owner));
        let left = c.expect("GET", &cm_path(child), None, 200);
        assert!(left["metadata"]["ownerReferences"].is_null(), "{left}");
    }
    std::thread::sleep(Duration::from_millis(QUIET_PERIOD_MS));
    assert!(c.exists(&cm_path("c1")) && c.exists(&cm_path("c2")));
}

// kube-api.md §7.9 Orphan: only the references to the deleted owner go; a dependent keeps its
// other owner and is collected when that one goes.
#[test]
fn orphan_keeps_the_other_owner_reference() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), true);
    let o1 = c.create(&cms("default"), config_map("o1", json!({})));
    let o2 = c.create(&cms("default"), config_map("o2", json!({})));
    let refs = json!({"ownerReferences": [owner_ref(&o1), owner_ref(&o2)]});
    c.create(&cms("default"), config_map("shared", refs));
    delete_with(&c, "o1", json!({"propagationPolicy": "Orphan"}));
    c.wait_gone(&cm_path("o1"));
    let shared = c.expect("GET", &cm_path("shared"), None, 200);
    assert_eq!(
        owner_uids(&shared),
        [o2["metadata"]["uid"].as_str().unwrap()]
    );
    assert_eq!(shared["metadata"]["ownerReferences"][0]["name"], "o2");
    delete_with(&c, "o2", json!({"propagationPolicy": "Background"}));
    c.wait_gone(&cm_path("shared"));
}

// kube-api.md §7.9 Foreground: the owner is marked with `foregroundDeletion` and stays while a
// dependent exists — here one held by its own finalizer; dependents with dependents go in the
// foreground too, and one with another live owner only loses the reference. Releasing the held
// dependent lets it and then the owner go.
#[test]
fn foreground_deletes_dependents_before_the_owner() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), true);
    let owner = c.create(&cms("default"), config_map("owner", json!({})));
    let other = c.create(&cms("default"), config_map("other", json!({})));
    let refs = json!({"ownerReferences": [owner_ref(&owner)]});
    let child = c.create(&cms("default"), config_map("child", refs.clone()));
    let grand = json!({"ownerReferences": [owner_ref(&child)]});
    c.create(&cms("default"), config_map("grandchild", grand));
    let held = json!({"ownerReferences": [owner_ref(&owner)], "finalizers": ["example.com/hold"]});
    c.create(&cms("default"), config_map("held", held));
    let shared = json!({"ownerReferences": [owner_ref(&owner), owner_ref(&other)]});
    c.create(&cms("default"), config_map("shared", shared));

    let marked = delete_with(&c, "owner", json!({"propagationPolicy": "Foreground"}));
    assert_eq!(
        marked["metadata"]["finalizers"],
        json!(["foregroundDeletion"]),
        "{marked}"
    );
    c.wait_gone(&cm_path("child"));
    c.wait_gone(&cm_path("grandchild"));
    std::thread::sleep(Duration::from_millis(QUIET_PERIOD_MS));
    let waiting = c.expect("GET", &cm_path("owner"), None, 200);
    assert!(
        waiting["metadata"]["deletionTimestamp"].is_string(),
        "{waiting}"
    );
    assert_eq!(
        waiting["metadata"]["finalizers"],
        json!(["foregroundDeletion"])
    );
    let held = c.expect("GET", &cm_path("held"), None, 200);
    assert!(held["metadata"]["deletionTimestamp"].is_string(), "{held}");
    let shared = c.expect("GET", &cm_path("shared"), None, 200);
    assert_eq!(
        owner_uids(&shared),
        [other["metadata"]["uid"].as_str().unwrap()]
    );

    let release = json!({"metadata": {"finalizers": null}});
    let (code, out) = c.merge_patch(&cm_path("held"), &release);
    assert_eq!(code, 200, "{out}");
    c.wait_gone(&cm_path("held"));
    c.wait_gone(&cm_path("owner"));
    assert!(c.exists(&cm_path("shared")) && c.exists(&cm_path("other")));
}

// kube-api.md §7.9: an owner marked for Orphan while no collector runs keeps its finalizer and
// its dependents their references; the collector finishes the orphaning when it starts.
#[test]
fn orphaning_completes_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let c = start(dir.path(), false);
        let owner = c.create(&cms("default"), config_map("owner", json!({})));
        let refs = json!({"ownerReferences": [owner_ref(&owner)]});
        c.create(&cms("default"), config_map("child", refs));
        delete_with(&c, "owner", json!({"propagationPolicy": "Orphan"}));
        std::thread::sleep(Duration::from_millis(QUIET_PERIOD_MS / 2));
        let marked = c.expect("GET", &cm_path("owner"), None, 200);
        assert_eq!(
            marked["metadata"]["finalizers"],
            json!(["orphan"]),
            "{marked}"
        );
        let child = c.expect("GET", &cm_path("child"), None, 200);
        assert_eq!(owner_uids(&child).len(), 1, "no collector is running yet");
    }
    let c = start(dir.path(), true);
    c.wait_gone(&cm_path("owner"));
    let child = c.expect("GET", &cm_path("child"), None, 200);
    assert!(child["metadata"]["ownerReferences"].is_null(), "{child}");
}

// kube-api.md §7.8: a second DELETE may change the policy of an object being deleted, as
// upstream: Background drops `foregroundDeletion`, and with no finalizer left the owner goes.
#[test]
fn background_delete_ends_a_waiting_foreground_deletion() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), true);
    let owner = c.create(&cms("default"), config_map("owner", json!({})));
    let held = json!({"ownerReferences": [owner_ref(&owner)], "finalizers": ["example.com/hold"]});
    c.create(&cms("default"), config_map("held", held));
    delete_with(&c, "owner", json!({"propagationPolicy": "Foreground"}));
    std::thread::sleep(Duration::from_millis(QUIET_PERIOD_MS / 2));
    assert!(c.exists(&cm_path("owner")));
    delete_with(&c, "owner", json!({"propagationPolicy": "Background"}));
    assert!(!c.exists(&cm_path("owner")));
    let held = c.expect("GET", &cm_path("held"), None, 200);
    assert!(held["metadata"]["deletionTimestamp"].is_string(), "{held}");
}

// kube-api.md §7.8: upstream's 422 for an unknown policy or for both policy fields, on item and
// collection deletes; nothing is deleted.
#[test]
fn bad_propagation_policies_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let c = start(dir.path(), false);
    c.create(&cms("default"), config_map("keep", json!({})));
    let bogus = json!({"propagationPolicy": "Sideways"});
    for path in [cm_path("keep"), cms("default")] {
        let out = c.expect("DELETE", &path, Some(&bogus), 422);
        assert_eq!(
            out["message"],
            r#"DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil""#
        );
        assert_eq!(out["reason"], "Invalid");
        assert_eq!(out["details"]["kind"], "DeleteOptions");
    }
    let both = json!({"propagationPolicy": "Orphan", "orphanDependents": true});
    let out = c.expect("DELETE", &cm_path("keep"), Some(&both), 422);
    assert_eq!(
        out["details"]["causes"][0]["message"],
        r#"Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set"#
    );
    let kept = c.expect("GET", &cm_path("keep"), None, 200);
    assert!(kept["metadata"]["deletionTimestamp"].is_null(), "{kept}");
}
