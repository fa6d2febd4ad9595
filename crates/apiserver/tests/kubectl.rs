//! kube-api.md §16 with the real kubectl (harness in `support/kubectl.rs`): discovery, CRUD and
//! its error renderings, paging, admission of Flotilla's kinds, patches, apply (client- and
//! server-side), conflicts, CRDs, watch-driven `wait`/`delete`, tables and protobuf generators.

#[path = "support/kubectl.rs"]
mod support;

use support::{output_of, repo_file, start};

const CONFIG_MAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg1\n  namespace: default\n  labels:\n    tier: t1\ndata:\n  a: \"1\"\n";

#[test]
fn version_and_discovery() {
    let Some(c) = start() else { return };
    let out = c.ok(&["version", "-o", "json"], None);
    assert!(out.contains("\"minor\": \"32\""), "{out}");
    let out = c.ok(&["api-versions"], None);
    for line in [
        "v1",
        "apps/v1",
        "events.k8s.io/v1",
        "policy.karmada.io/v1alpha1",
    ] {
        assert!(out.lines().any(|l| l == line), "{line} missing from\n{out}");
    }
    let out = c.ok(&["api-resources"], None);
    for line in [
        "configmaps",
        "deployments",
        "propagationpolicies",
        "clusters",
    ] {
        assert!(out.contains(line), "{line} missing from\n{out}");
    }
    assert!(
        out.lines()
            .any(|l| l.starts_with("propagationpolicies") && l.contains(" pp ")),
        "{out}"
    );
}

#[test]
fn create_get_list_delete_a_config_map() {
    let Some(c) = start() else { return };
    let out = c.ok(&["create", "--validate=false", "-f", "-"], Some(CONFIG_MAP));
    assert_eq!(out.trim(), "configmap/cfg1 created");
    let (code, _, err) = c.kubectl(&["create", "--validate=false", "-f", "-"], Some(CONFIG_MAP));
    assert_eq!(code, 1);
    assert!(
        err.contains("Error from server (AlreadyExists): error when creating \"STDIN\": configmaps \"cfg1\" already exists"),
        "{err}"
    );
    let out = c.ok(
        &["get", "configmap", "cfg1", "-o", "jsonpath={.data.a}"],
        None,
    );
    assert_eq!(out, "1");
    let out = c.ok(&["get", "cm", "-l", "tier=t1", "-o", "name"], None);
    assert_eq!(out.trim(), "configmap/cfg1");
    let out = c.ok(&["get", "cm", "-l", "tier=t2", "-o", "name"], None);
    assert_eq!(out.trim(), "");
    let (code, _, err) = c.kubectl(&["get", "cm", "nope"], None);
    assert_eq!(code, 1);
    assert!(
        err.contains("Error from server (NotFound): configmaps \"nope\" not found"),
        "{err}"
    );
    let out = c.ok(&["delete", "cm", "cfg1"], None);
    assert_eq!(out.trim(), "configmap \"cfg1\" deleted");
    let (code, _, _) = c.kubectl(&["get", "cm", "cfg1"], None);
    assert_eq!(code, 1);
}

#[test]
fn missing_namespace_and_paging() {
    let Some(c) = start() else { return };
    let cm = CONFIG_MAP.replace("namespace: default", "namespace: demo");
    let (code, _, err) = c.kubectl(&["create", "--validate=false", "-f", "-"], Some(&cm));
    assert_eq!(code, 1);
    assert!(err.contains("namespaces \"demo\" not found"), "{err}");
    for i in 0..5 {
        let cm = CONFIG_MAP.replace("cfg1", &format!("page-{i}"));
        c.ok(&["create", "--validate=false", "-f", "-"], Some(&cm));
    }
    let out = c.ok(&["get", "cm", "--chunk-size=2", "-o", "name"], None);
    let names: Vec<&str> = out.lines().collect();
    assert_eq!(names.len(), 5, "{out}");
}

// kube-api.md §4 (OpenAPI v3 lets kubectl leave validation to the server), §7.4, admission of
// Flotilla's kinds: kubectl create with default (strict) validation, defaulting visible on read.
#[test]
fn flotilla_kinds_are_admitted_and_defaulted() {
    let Some(c) = start() else { return };
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n";
    c.ok(&["create", "-f", "-"], Some(ns));
    let out = c.ok(
        &["create", "-f", "-"],
        Some(&repo_file("examples/failover/api-pp-web.yaml")),
    );
    assert!(
        out.contains("propagationpolicy.policy.karmada.io/web created"),
        "{out}"
    );
    assert!(out.contains("deployment.apps/web created"), "{out}");
    // S-2 defaulting: replicaScheduling {} became Divided.
    let out = c.ok(
        &[
            "get",
            "pp",
            "web",
            "-n",
            "shop",
            "-o",
            "jsonpath={.spec.placement.replicaScheduling.replicaSchedulingType}",
        ],
        None,
    );
    assert_eq!(out, "Divided");
    // §5.4: re-applying a manifest server-side is a no-op although admission defaulted fields
    // it leaves out (the generation is counted after admission).
    c.ok(&["create", "namespace", "shop2"], None);
    let version = |c: &support::Cluster| {
        let args = ["get", "pp", "web", "-n", "shop2", "-o"];
        c.ok(
            &[
                &args[..],
                &["jsonpath={.metadata.resourceVersion} {.metadata.generation}"],
            ]
            .concat(),
            None,
        )
    };
    let manifest = repo_file("examples/failover/api-pp-web.yaml")
        .replace("namespace: shop", "namespace: shop2");
    c.ok(&["apply", "--server-side", "-f", "-"], Some(&manifest));
    let before = version(&c);
    c.ok(&["apply", "--server-side", "-f", "-"], Some(&manifest));
    assert_eq!(version(&c), before);
    let (code, _, err) = c.kubectl(
        &["create", "-f", "-"],
        Some(&repo_file(
            "examples/invalid/cluster-syncmode-unsupported.yaml",
        )),
    );
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "spec.syncMode: Unsupported value: \"Hybrid\": supported values: \"Pull\", \"Push\""
        ),
        "{err}"
    );
    let (code, _, _) = c.kubectl(&["get", "cluster", "member4"], None);
    assert_eq!(code, 1, "nothing stored");
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.26\n";

// kube-api.md §8, §16: label, annotate, patch (merge, json, strategic), scale, apply twice.
#[test]
fn patches_labels_scale_and_client_side_apply() {
    let Some(c) = start() else { return };
    c.ok(&["apply", "-f", "-"], Some(DEPLOYMENT));
    c.ok(&["label", "deploy", "web", "color=blue"], None);
    c.ok(&["annotate", "deploy", "web", "note=hi"], None);
    let out = c.ok(
        &[
            "get",
            "deploy",
            "web",
            "-o",
            "jsonpath={.metadata.labels.color} {.metadata.annotations.note}",
        ],
        None,
    );
    assert_eq!(out, "blue hi");
    c.ok(&["label", "deploy", "web", "color-"], None);
    let out = c.ok(
        &["get", "deploy", "web", "-o", "jsonpath={.metadata.labels}"],
        None,
    );
    assert!(!out.contains("color"), "{out}");
    c.ok(
        &[
            "patch",
            "deploy",
            "web",
            "--type",
            "merge",
            "-p",
            "{\"spec\":{\"replicas\":3}}",
        ],
        None,
    );
    c.ok(
        &[
            "patch",
            "deploy",
            "web",
            "--type",
            "json",
            "-p",
            "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4}]",
        ],
        None,
    );
    c.ok(&["set", "image", "deploy/web", "web=nginx:1.27"], None);
    let out = c.ok(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.generation}"], None);
    assert_eq!(out, "4 nginx:1.27 4");
    c.ok(&["scale", "deploy", "web", "--replicas=5"], None);
    let out = c.ok(
        &["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"],
        None,
    );
    assert_eq!(out, "5");
    // Client-side apply of a changed manifest (strategic merge with last-applied).
    let changed = DEPLOYMENT
        .replace("nginx:1.26", "nginx:1.28")
        .replace("replicas: 2", "replicas: 6");
    let out = c.ok(&["apply", "-f", "-"], Some(&changed));
    assert_eq!(out.trim(), "deployment.apps/web configured");
    let out = c.ok(
        &[
            "get",
            "deploy",
            "web",
            "-o",
            "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}",
        ],
        None,
    );
    assert_eq!(out, "6 nginx:1.28");
    // The unchanged manifest again is a no-op: the resourceVersion stays.
    let before = c.ok(
        &[
            "get",
            "deploy",
            "web",
            "-o",
            "jsonpath={.metadata.resourceVersion}",
        ],
        None,
    );
    let out = c.ok(&["apply", "-f", "-"], Some(&changed));
    assert_eq!(out.trim(), "deployment.apps/web unchanged");
    let after = c.ok(
        &[
            "get",
            "deploy",
            "web",
            "-o",
            "jsonpath={.metadata.resourceVersion}",
        ],
        None,
    );
    assert_eq!(before, after);
    // Strategic merge on a kind without it is refused like upstream.
    let (code, _, err) = c.kubectl(
        &["patch", "pp", "none", "--type", "strategic", "-p", "{}"],
        None,
    );
    assert_eq!(code, 1, "{err}");
}

// kube-api.md §9: server-side apply creates, re-applies, and removes what the manager dropped.
#[test]
fn server_side_apply() {
    let Some(c) = start() else { return };
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: default\n  labels: {app: web, tier: t1}\ndata:\n  a: \"1\"\n";
    let out = c.ok(&["apply", "--server-side", "-f", "-"], Some(cm));
    assert_eq!(out.trim(), "configmap/ssa serverside-applied");
    let fewer = cm.replace(", tier: t1", "");
    c.ok(&["apply", "--server-side", "-f", "-"], Some(&fewer));
    let out = c.ok(
        &["get", "cm", "ssa", "-o", "jsonpath={.metadata.labels}"],
        None,
    );
    assert_eq!(out, "{\"app\":\"web\"}");
    let out = c.ok(
        &[
            "get",
            "cm",
            "ssa",
            "-o",
            "jsonpath={.metadata.managedFields[0].manager}",
        ],
        None,
    );
    assert_eq!(out, "kubectl");
}

// kube-api.md §6, §7.5: a replace with a stale resourceVersion is a 409 Conflict.
#[test]
fn stale_replace_conflicts() {
    let Some(c) = start() else { return };
    c.ok(&["create", "-f", "-"], Some(CONFIG_MAP));
    let stale = c.ok(&["get", "cm", "cfg1", "-o", "yaml"], None);
    c.ok(&["label", "cm", "cfg1", "bump=1"], None);
    let (code, _, err) = c.kubectl(&["replace", "-f", "-"], Some(&stale));
    assert_eq!(code, 1);
    assert!(
        err.contains("Operation cannot be fulfilled on configmaps \"cfg1\": the object has been modified; please apply your changes to the latest version and try again"),
        "{err}"
    );
}

const FLINK: &str = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata:\n  name: job1\n  namespace: default\nspec:\n  job:\n    parallelism: 2\n";

// kube-api.md §13: a CRD is served at once; kubectl waits for Established; custom resources
// work (merge patch, no strategic merge); deleting the CRD unregisters the kind.
#[test]
fn custom_resource_definitions() {
    let Some(c) = start() else { return };
    let out = c.ok(
        &["create", "-f", "-"],
        Some(&repo_file("examples/failover/00-crd-flinkdeployment.yaml")),
    );
    assert!(out.contains("customresourcedefinition.apiextensions.k8s.io/flinkdeployments.flink.apache.org created"), "{out}");
    c.ok(
        &[
            "wait",
            "--for=condition=Established",
            "crd/flinkdeployments.flink.apache.org",
            "--timeout=20s",
        ],
        None,
    );
    c.ok(&["create", "-f", "-"], Some(FLINK));
    c.ok(
        &[
            "patch",
            "flinkdeployment",
            "job1",
            "--type",
            "merge",
            "-p",
            "{\"spec\":{\"job\":{\"parallelism\":4}}}",
        ],
        None,
    );
    let out = c.ok(
        &[
            "get",
            "flinkdeployments",
            "job1",
            "-o",
            "jsonpath={.spec.job.parallelism}",
        ],
        None,
    );
    assert_eq!(out, "4");
    let (code, _, err) = c.kubectl(
        &[
            "patch",
            "flinkdeployment",
            "job1",
            "--type",
            "strategic",
            "-p",
            "{\"spec\":{}}",
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("application/strategic-merge-patch+json is not supported"),
        "{err}"
    );
    c.ok(
        &["delete", "crd", "flinkdeployments.flink.apache.org"],
        None,
    );
    let (code, _, err) = c.kubectl(&["get", "flinkdeployments.flink.apache.org"], None);
    assert_eq!(code, 1, "{err}");
}

// kube-api.md §7.3, §7.8: watch-driven kubectl commands — wait for a jsonpath, delete with a
// finalizer (DELETE marks, the finalizer's removal deletes, `kubectl wait --for=delete` sees it).
#[test]
fn watches_drive_wait_and_delete() {
    let Some(c) = start() else { return };
    let cm = CONFIG_MAP.replace("  labels:", "  finalizers: [example.com/hold]\n  labels:");
    c.ok(&["create", "-f", "-"], Some(&cm));
    let (code, out, err) = c.kubectl(&["delete", "cm", "cfg1", "--wait=false"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("deleted"), "{out}");
    let out = c.ok(
        &[
            "get",
            "cm",
            "cfg1",
            "-o",
            "jsonpath={.metadata.deletionTimestamp}",
        ],
        None,
    );
    assert!(!out.is_empty(), "marked for deletion");
    let waiter = c.spawn(&["wait", "--for=delete", "cm/cfg1", "--timeout=30s"]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    c.ok(
        &[
            "patch",
            "cm",
            "cfg1",
            "--type",
            "json",
            "-p",
            "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]",
        ],
        None,
    );
    output_of(waiter);
    let (code, _, _) = c.kubectl(&["get", "cm", "cfg1"], None);
    assert_eq!(code, 1, "gone");
    // wait --for=jsonpath sees a later change through its watch.
    c.ok(&["create", "-f", "-"], Some(CONFIG_MAP));
    let waiter = c.spawn(&[
        "wait",
        "--for=jsonpath={.data.a}=2",
        "cm/cfg1",
        "--timeout=30s",
    ]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    c.ok(
        &[
            "patch",
            "cm",
            "cfg1",
            "--type",
            "merge",
            "-p",
            "{\"data\":{\"a\":\"2\"}}",
        ],
        None,
    );
    output_of(waiter);
}

// kube-api.md §10: tables with the kinds' printer columns (and -o wide priorities).
#[test]
fn tables_show_printer_columns() {
    let Some(c) = start() else { return };
    let cluster = "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: member1\nspec:\n  syncMode: Push\n  apiEndpoint: https://m1:6443\n";
    c.ok(&["create", "-f", "-"], Some(cluster));
    let out = c.ok(&["get", "clusters"], None);
    let header: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header[0], "NAME", "{out}");
    assert!(header.contains(&"MODE") && header.contains(&"AGE"), "{out}");
    assert!(out.lines().nth(1).unwrap().contains("Push"), "{out}");
    c.ok(&["create", "-f", "-"], Some(DEPLOYMENT));
    let out = c.ok(&["get", "deploy", "web"], None);
    assert!(out.starts_with("NAME"), "{out}");
    assert!(out.lines().nth(1).unwrap().starts_with("web "), "{out}");
}

// kube-api.md §15: kubectl's generators send protobuf bodies.
#[test]
fn generators_send_protobuf() {
    let Some(c) = start() else { return };
    assert_eq!(
        c.ok(&["create", "namespace", "demo"], None).trim(),
        "namespace/demo created"
    );
    let out = c.ok(
        &[
            "create",
            "configmap",
            "x",
            "-n",
            "demo",
            "--from-literal=a=1",
        ],
        None,
    );
    assert_eq!(out.trim(), "configmap/x created");
    let out = c.ok(
        &[
            "create",
            "secret",
            "generic",
            "s",
            "-n",
            "demo",
            "--from-literal=k=v",
        ],
        None,
    );
    assert_eq!(out.trim(), "secret/s created");
    let out = c.ok(
        &[
            "create",
            "deployment",
            "web",
            "-n",
            "demo",
            "--image=nginx",
            "--replicas=2",
        ],
        None,
    );
    assert_eq!(out.trim(), "deployment.apps/web created");
    let out = c.ok(
        &["get", "cm", "x", "-n", "demo", "-o", "jsonpath={.data.a}"],
        None,
    );
    assert_eq!(out, "1");
    let out = c.ok(
        &[
            "get",
            "secret",
            "s",
            "-n",
            "demo",
            "-o",
            "jsonpath={.data.k}",
        ],
        None,
    );
    assert_eq!(out, "dg==", "base64 of v");
    let out = c.ok(
        &[
            "get",
            "deploy",
            "web",
            "-n",
            "demo",
            "-o",
            "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}",
        ],
        None,
    );
    assert_eq!(out, "2 nginx");
}

const WIDGET_CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {plural: widgets, singular: widget, kind: Widget}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n            type: object\n            required: [size]\n            properties:\n              size: {type: integer, minimum: 1}\n              mode: {type: string, enum: [fast, safe], default: safe}\n";

// kube-api.md §0.2, §7.7, §13: custom resources are pruned, defaulted and validated against
// their CRD's openAPIV3Schema, with upstream's errors.
#[test]
fn custom_resources_follow_their_schema() {
    let Some(c) = start() else { return };
    c.ok(&["create", "-f", "-"], Some(WIDGET_CRD));
    c.ok(
        &[
            "wait",
            "--for=condition=Established",
            "crd/widgets.example.com",
        ],
        None,
    );
    let widget = |spec: &str| {
        format!(
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w1, namespace: default}}\nspec: {spec}\n"
        )
    };
    let err = c.fails(
        &["create", "-f", "-"],
        Some(&widget("{size: 2, colour: red}")),
    );
    assert!(
        err.contains("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.colour\""),
        "{err}"
    );
    let err = c.fails(
        &["create", "-f", "-"],
        Some(&widget("{size: 0, mode: slow}")),
    );
    assert!(err.contains("The Widget \"w1\" is invalid: "), "{err}");
    assert!(
        err.contains(
            "spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "spec.mode: Unsupported value: \"slow\": supported values: \"fast\", \"safe\""
        ),
        "{err}"
    );
    let err = c.fails(&["create", "-f", "-"], Some(&widget("{}")));
    assert!(err.contains("spec.size: Required value"), "{err}");
    let (code, _, err) = c.kubectl(
        &["create", "--validate=warn", "-f", "-"],
        Some(&widget("{size: 2, colour: red}")),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unknown field \"spec.colour\""), "{err}");
    let out = c.ok(&["get", "widget", "w1", "-o", "jsonpath={.spec}"], None);
    assert_eq!(
        out, "{\"mode\":\"safe\",\"size\":2}",
        "pruned and defaulted"
    );
    // kube-api.md §16 `explain`: schemas of custom resources and built-ins are published.
    let out = c.ok(&["explain", "widget.spec.mode"], None);
    assert!(out.contains("FIELD: mode <string>"), "{out}");
    assert!(out.contains("ENUM:") || out.contains("fast"), "{out}");
    let out = c.ok(&["explain", "deployment.spec.replicas"], None);
    assert!(
        out.contains("FIELD: replicas <integer>") && out.contains("Number of desired pods"),
        "{out}"
    );
    let bad_pattern = WIDGET_CRD
        .replace("widgets", "gadgets")
        .replace("Widget", "Gadget")
        .replace("widget}", "gadget}")
        .replace(
            "{type: integer, minimum: 1}",
            "{type: string, pattern: \"(\"}",
        );
    let err = c.fails(&["create", "-f", "-"], Some(&bad_pattern));
    assert!(err.contains("must be a valid regular expression"), "{err}");
}

// kube-api.md §0.3 (None conversion): a CRD serving two versions over one storage; an object
// written through either version reads back in the version asked for.
#[test]
fn custom_resources_read_in_every_served_version() {
    let Some(c) = start() else { return };
    let two_versions = WIDGET_CRD.replace(
        "  versions:\n  - name: v1\n    served: true\n    storage: true\n",
        "  versions:\n  - name: v1beta1\n    served: true\n    storage: false\n    schema:\n      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}\n  - name: v1\n    served: true\n    storage: true\n",
    );
    c.ok(&["create", "-f", "-"], Some(&two_versions));
    c.ok(
        &[
            "wait",
            "--for=condition=Established",
            "crd/widgets.example.com",
        ],
        None,
    );
    let old = "apiVersion: example.com/v1beta1\nkind: Widget\nmetadata: {name: old, namespace: default}\nspec: {size: 3}\n";
    c.ok(&["create", "-f", "-"], Some(old));
    let read = |version: &str| {
        let resource = format!("widgets.{version}.example.com");
        c.ok(
            &[
                "get",
                &resource,
                "old",
                "-o",
                "jsonpath={.apiVersion} {.spec.size}",
            ],
            None,
        )
    };
    assert_eq!(read("v1"), "example.com/v1 3");
    assert_eq!(read("v1beta1"), "example.com/v1beta1 3");
}
