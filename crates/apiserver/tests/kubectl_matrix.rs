//! The rest of kube-api.md §16's kubectl 1.32 matrix against an in-process server: output
//! formats and wide tables, selectors, `get -w`, `describe` with events, dry runs, `diff`,
//! `replace`, `edit`, subresources, rollouts, `delete --all` and `wait --for=create`.

#[path = "support/kubectl.rs"]
mod support;

use support::{output_of, repo_file, start};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\n  labels: {env: prod, tier: t1}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.26\n      - name: sidecar\n        image: busybox:1.36\n";

fn config_map(name: &str, labels: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: default\n  labels: {{{labels}}}\ndata:\n  a: \"1\"\n  b: \"2\"\n"
    )
}

/// The words of a table's header line.
fn header(table: &str) -> Vec<String> {
    table
        .lines()
        .next()
        .unwrap_or("")
        .split("  ")
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

// kube-api.md §16 `get -o yaml|json|name|custom-columns`, `get deploy -o wide` (§10 priority-1
// columns), `get a,b -n ns`, `get all -A` (discovery categories).
#[test]
fn output_formats_and_wide_tables() {
    let Some(c) = start() else { return };
    c.ok(&["create", "-f", "-"], Some(DEPLOYMENT));
    c.ok(&["create", "-f", "-"], Some(&config_map("cfg", "env: dev")));
    let yaml = c.ok(&["get", "deploy", "web", "-o", "yaml"], None);
    assert!(
        yaml.starts_with("apiVersion: apps/v1\nkind: Deployment\n"),
        "{yaml}"
    );
    let json = c.ok(&["get", "cm", "cfg", "-o", "json"], None);
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["data"]["b"], "2");
    assert_eq!(parsed["metadata"]["generation"], 1);
    let out = c.ok(
        &[
            "get",
            "cm",
            "-o",
            "custom-columns=N:.metadata.name,B:.data.b",
        ],
        None,
    );
    assert_eq!(out, "N     B\ncfg   2\n");
    // Upstream's Deployment columns; -o wide adds containers, images and the selector.
    let out = c.ok(&["get", "deploy"], None);
    assert_eq!(
        header(&out),
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    );
    let row: Vec<&str> = out.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(row[..4], ["web", "0/2", "0", "0"], "{out}");
    let out = c.ok(&["get", "deploy", "-o", "wide"], None);
    assert_eq!(
        header(&out),
        [
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ]
    );
    let row: Vec<&str> = out.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(
        row[5..],
        ["web,sidecar", "nginx:1.26,busybox:1.36", "app=web"],
        "{out}"
    );
    // ConfigMaps count their data.
    let out = c.ok(&["get", "cm", "cfg"], None);
    assert_eq!(header(&out), ["NAME", "DATA", "AGE"]);
    assert!(
        out.lines().nth(1).unwrap().starts_with("cfg    2 "),
        "{out}"
    );
    let out = c.ok(&["get", "cm,deploy", "-n", "default", "-o", "name"], None);
    assert_eq!(out, "configmap/cfg\ndeployment.apps/web\n");
    let out = c.ok(&["get", "all", "-A"], None);
    assert_eq!(header(&out)[..2], ["NAMESPACE", "NAME"], "{out}");
    assert!(
        out.contains("default     deployment.apps/web   0/2"),
        "{out}"
    );
    assert!(
        !out.contains("configmap"),
        "ConfigMaps are not in `all`: {out}"
    );
}

// kube-api.md §0.1 rule 23: set-based label selectors, field selectors (400 for other
// fields), `--sort-by`, `--show-labels`, `-L`, and `label -l` over a selection.
#[test]
fn selectors_sorting_and_label_columns() {
    let Some(c) = start() else { return };
    c.ok(
        &["create", "-f", "-"],
        Some(&config_map("c1", "tier: t1, env: prod")),
    );
    c.ok(&["create", "-f", "-"], Some(&config_map("c3", "tier: t2")));
    c.ok(
        &["create", "-f", "-"],
        Some(&config_map("c2", "tier: t3, env: dev")),
    );
    let names = |args: &[&str]| {
        let mut all = vec!["get", "cm", "-o", "name"];
        all.extend_from_slice(args);
        c.ok(&all, None).replace("configmap/", "")
    };
    assert_eq!(names(&["-l", "tier in (t1,t2),env=prod"]), "c1\n");
    assert_eq!(names(&["-l", "!env"]), "c3\n");
    assert_eq!(names(&["-l", "tier notin (t1),env"]), "c2\n");
    assert_eq!(names(&["-l", "env!=prod"]), "c2\nc3\n");
    assert_eq!(names(&["--field-selector", "metadata.name=c2"]), "c2\n");
    assert_eq!(
        names(&["--field-selector", "metadata.name!=c2"]),
        "c1\nc3\n"
    );
    let err = c.fails(&["get", "cm", "--field-selector", "data.a=1"], None);
    assert!(
        err.contains("Error from server (BadRequest)")
            && err.contains("field label not supported: data.a"),
        "{err}"
    );
    let out = c.ok(
        &[
            "get",
            "cm",
            "--sort-by=.metadata.labels.tier",
            "--show-labels",
            "-L",
            "env",
        ],
        None,
    );
    assert_eq!(header(&out), ["NAME", "DATA", "AGE", "ENV", "LABELS"]);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0][0], "c1");
    assert_eq!(rows[1][0], "c3");
    assert_eq!(rows[2][0], "c2");
    assert_eq!(rows[0][3..], ["prod", "env=prod,tier=t1"]);
    assert_eq!(rows[1][3..], ["tier=t2"], "an empty -L cell: {out}");
    c.ok(&["label", "cm", "-l", "env", "checked=yes"], None);
    assert_eq!(names(&["-l", "checked=yes"]), "c1\nc2\n");
}

// kube-api.md §7.3, §16 `get -w --output-watch-events`: a Table list, then Table watch rows.
#[test]
fn get_watch_prints_events() {
    let Some(c) = start() else { return };
    c.ok(&["create", "-f", "-"], Some(&config_map("before", "a: b")));
    let watch = c.spawn(&[
        "get",
        "cm",
        "-w",
        "--output-watch-events",
        "--request-timeout=6s",
    ]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    c.ok(&["create", "-f", "-"], Some(&config_map("during", "a: b")));
    c.ok(&["label", "cm", "during", "x=1"], None);
    c.ok(&["delete", "cm", "during"], None);
    let out = watch.join().unwrap();
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    let events: Vec<(String, String)> = out
        .lines()
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            (words[0].to_string(), words[1].to_string())
        })
        .collect();
    assert_eq!(
        events,
        [
            ("EVENT", "NAME"),
            ("ADDED", "before"),
            ("ADDED", "during"),
            ("MODIFIED", "during"),
            ("DELETED", "during"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string())),
        "{out}"
    );
}

fn event_for(uid: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Event\nmetadata: {{name: cfg.1, namespace: default}}\ninvolvedObject: {{kind: ConfigMap, name: cfg, namespace: default, uid: \"{uid}\", apiVersion: v1}}\nreason: Synced\nmessage: synced to member1\ntype: Normal\nsource: {{component: flotilla}}\nfirstTimestamp: \"2026-01-01T00:00:00Z\"\nlastTimestamp: \"2026-01-01T00:01:00Z\"\ncount: 2\n"
    )
}

// kube-api.md §14, §16 `describe`: core/v1 events found by field selectors on the involved
// object; Deployments and custom resources describe too; `get events` uses upstream's columns.
#[test]
fn describe_shows_events() {
    let Some(c) = start() else { return };
    c.ok(&["create", "-f", "-"], Some(&config_map("cfg", "a: b")));
    let uid = c.ok(
        &["get", "cm", "cfg", "-o", "jsonpath={.metadata.uid}"],
        None,
    );
    c.ok(&["create", "-f", "-"], Some(&event_for(&uid)));
    c.ok(
        &["create", "-f", "-"],
        Some(&event_for("another-uid").replace("cfg.1", "cfg.2")),
    );
    let out = c.ok(&["describe", "cm", "cfg"], None);
    assert!(
        out.starts_with("Name:         cfg\nNamespace:    default\n"),
        "{out}"
    );
    let events = out.split("Events:").nth(1).unwrap();
    assert!(events.contains("Normal  Synced"), "{out}");
    assert!(events.contains("(x2 over"), "{out}");
    assert_eq!(
        events.matches("Synced").count(),
        1,
        "only this object's event: {out}"
    );
    let out = c.ok(&["get", "events"], None);
    assert_eq!(
        header(&out),
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    );
    assert!(out.contains("configmap/cfg"), "{out}");
    let out = c.ok(
        &[
            "get",
            "ev",
            "--field-selector",
            "involvedObject.uid=another-uid",
            "-o",
            "name",
        ],
        None,
    );
    assert_eq!(out, "event/cfg.2\n");
    c.ok(&["create", "-f", "-"], Some(DEPLOYMENT));
    let out = c.ok(&["describe", "deploy", "web"], None);
    assert!(
        out.contains("Replicas:") && out.contains("nginx:1.26"),
        "{out}"
    );
    c.ok(
        &["create", "-f", "-"],
        Some(&repo_file("examples/failover/00-crd-flinkdeployment.yaml")),
    );
    c.ok(
        &[
            "wait",
            "--for=condition=Established",
            "crd/flinkdeployments.flink.apache.org",
        ],
        None,
    );
    let flink = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: {name: job1, namespace: default}\nspec: {job: {parallelism: 2}}\n";
    c.ok(&["create", "-f", "-"], Some(flink));
    let out = c.ok(&["describe", "flinkdeployment", "job1"], None);
    assert!(
        out.contains("Kind:         FlinkDeployment") && out.contains("Parallelism:  2"),
        "{out}"
    );
}

// kube-api.md §7.11 dryRun, §16 `create --dry-run=server`, `apply --validate=false`, `diff`,
// `apply --dry-run=server`, `replace` without a resourceVersion, `edit`.
#[test]
fn dry_runs_diff_replace_and_edit() {
    let Some(c) = start() else { return };
    let out = c.ok(
        &[
            "create",
            "configmap",
            "dry",
            "--from-literal=a=1",
            "--dry-run=server",
            "-o",
            "name",
        ],
        None,
    );
    assert_eq!(out, "configmap/dry\n");
    c.fails(&["get", "cm", "dry"], None);
    let file = c.file("cm.yaml", &config_map("cfg", "a: b"));
    let file = file.to_str().unwrap();
    assert_eq!(
        c.ok(&["create", "-f", file, "--dry-run=server"], None),
        "configmap/cfg created (server dry run)\n"
    );
    assert_eq!(
        c.ok(&["apply", "--validate=false", "-f", file], None),
        "configmap/cfg created\n"
    );
    let rv = c.ok(
        &[
            "get",
            "cm",
            "cfg",
            "-o",
            "jsonpath={.metadata.resourceVersion}",
        ],
        None,
    );
    c.file(
        "cm.yaml",
        &config_map("cfg", "a: b").replace("b: \"2\"", "b: \"3\""),
    );
    let (code, out, err) = c.kubectl(&["diff", "-f", file], None);
    assert_eq!(code, 1, "differences exit 1: {err}");
    assert!(out.contains("-  b: \"2\"\n+  b: \"3\""), "{out}");
    assert_eq!(
        c.ok(&["apply", "--dry-run=server", "-f", file], None),
        "configmap/cfg configured (server dry run)\n"
    );
    let unchanged = c.ok(
        &[
            "get",
            "cm",
            "cfg",
            "-o",
            "jsonpath={.metadata.resourceVersion} {.data.b}",
        ],
        None,
    );
    assert_eq!(unchanged, format!("{rv} 2"), "dry runs store nothing");
    assert_eq!(
        c.ok(&["replace", "-f", file], None),
        "configmap/cfg replaced\n"
    );
    assert_eq!(
        c.ok(&["get", "cm", "cfg", "-o", "jsonpath={.data.b}"], None),
        "3"
    );
    let editor = c.file(
        "editor.sh",
        "#!/bin/sh\nsed -i 's/b: \"3\"/b: \"edited\"/' \"$1\"\n",
    );
    let mut permissions = std::fs::metadata(&editor).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&editor, permissions).unwrap();
    let (code, out, err) = c.kubectl_with(
        &["edit", "cm", "cfg"],
        None,
        &[("KUBE_EDITOR", editor.to_str().unwrap())],
    );
    assert_eq!((code, out.as_str()), (0, "configmap/cfg edited\n"), "{err}");
    assert_eq!(
        c.ok(&["get", "cm", "cfg", "-o", "jsonpath={.data.b}"], None),
        "edited"
    );
}

// kube-api.md §5.3 `patch --subresource=status`, §0.1 rule 37 `scale --current-replicas`
// (PUT /scale without Content-Type), `rollout restart`, `rollout status` once status says so.
#[test]
fn subresources_and_rollouts() {
    let Some(c) = start() else { return };
    c.ok(&["create", "-f", "-"], Some(DEPLOYMENT));
    // kubectl patch's default type is strategic merge: containers merge by name (§8).
    let patch = "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox:1.37\"}]}}}}";
    c.ok(&["patch", "deploy", "web", "-p", patch], None);
    let images = c.ok(
        &[
            "get",
            "deploy",
            "web",
            "-o",
            "jsonpath={.spec.template.spec.containers[*].image}",
        ],
        None,
    );
    assert_eq!(images, "nginx:1.26 busybox:1.37");
    let err = c.fails(
        &[
            "scale",
            "deploy",
            "web",
            "--current-replicas=3",
            "--replicas=4",
        ],
        None,
    );
    assert!(err.contains("Expected replicas to be 3, was 2"), "{err}");
    c.ok(
        &[
            "scale",
            "deploy",
            "web",
            "--current-replicas=2",
            "--replicas=3",
        ],
        None,
    );
    c.ok(&["rollout", "restart", "deploy", "web"], None);
    let out = c.ok(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation} {.spec.template.metadata.annotations}"], None);
    assert!(
        out.starts_with("3 4 {\"kubectl.kubernetes.io/restartedAt\":"),
        "{out}"
    );
    let status = "{\"status\":{\"observedGeneration\":4,\"replicas\":3,\"updatedReplicas\":3,\"readyReplicas\":3,\"availableReplicas\":3}}";
    c.ok(
        &[
            "patch",
            "deploy",
            "web",
            "--subresource=status",
            "--type=merge",
            "-p",
            status,
        ],
        None,
    );
    let out = c.ok(&["get", "deploy", "web", "--no-headers"], None);
    let row: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(row[..4], ["web", "3/3", "3", "3"], "{out}");
    let out = c.ok(
        &["rollout", "status", "deploy", "web", "--timeout=10s"],
        None,
    );
    assert_eq!(out, "deployment \"web\" successfully rolled out\n");
    // A main-resource write leaves the status alone (rule 32).
    c.ok(
        &[
            "patch",
            "deploy",
            "web",
            "--type=merge",
            "-p",
            "{\"status\":{\"readyReplicas\":0}}",
        ],
        None,
    );
    assert_eq!(
        c.ok(
            &[
                "get",
                "deploy",
                "web",
                "-o",
                "jsonpath={.status.readyReplicas}"
            ],
            None
        ),
        "3"
    );
}

// kube-api.md §16 `delete --all` (list, then DELETE each) and `wait --for=create`.
#[test]
fn delete_all_and_wait_for_create() {
    let Some(c) = start() else { return };
    for name in ["x1", "x2", "x3"] {
        c.ok(&["create", "-f", "-"], Some(&config_map(name, "a: b")));
    }
    let out = c.ok(&["delete", "cm", "--all"], None);
    assert_eq!(
        out,
        "configmap \"x1\" deleted\nconfigmap \"x2\" deleted\nconfigmap \"x3\" deleted\n"
    );
    let (_, out, err) = c.kubectl(&["get", "cm"], None);
    assert_eq!(out, "");
    assert_eq!(err, "No resources found in default namespace.\n");
    let waiter = c.spawn(&["wait", "--for=create", "cm/late", "--timeout=20s"]);
    std::thread::sleep(std::time::Duration::from_millis(1000));
    c.ok(&["create", "configmap", "late", "--from-literal=a=1"], None);
    assert_eq!(output_of(waiter), "configmap/late condition met\n");
}

// kube-api.md §9 full tier: `apply --server-side` by a second manager that changes a field the
// first owns is a 409 with the conflict named; `--force-conflicts` takes the field over.
#[test]
fn server_side_apply_conflicts() {
    let Some(c) = start() else { return };
    let applied = config_map("shared", "app: web");
    c.ok(
        &["apply", "--server-side", "--field-manager=alice", "-f", "-"],
        Some(&applied),
    );
    let changed = applied.replace("b: \"2\"", "b: \"20\"");
    let err = c.fails(
        &["apply", "--server-side", "--field-manager=bob", "-f", "-"],
        Some(&changed),
    );
    assert!(
        err.starts_with(
            "error: Apply failed with 1 conflict: conflict with \"alice\" using v1: .data.b\n"
        ),
        "{err}"
    );
    assert!(err.contains("--force-conflicts"), "kubectl's advice: {err}");
    // The same values are shared without a conflict.
    c.ok(
        &["apply", "--server-side", "--field-manager=bob", "-f", "-"],
        Some(&applied),
    );
    let out = c.ok(
        &[
            "apply",
            "--server-side",
            "--field-manager=bob",
            "--force-conflicts",
            "-f",
            "-",
        ],
        Some(&changed),
    );
    assert_eq!(out, "configmap/shared serverside-applied\n");
    let managers = c.ok(
        &[
            "get",
            "cm",
            "shared",
            "-o",
            "jsonpath={.data.b} {.metadata.managedFields[*].manager}",
        ],
        None,
    );
    assert_eq!(managers, "20 alice bob");
    // Now alice conflicts with bob on the field she lost.
    let err = c.fails(
        &["apply", "--server-side", "--field-manager=alice", "-f", "-"],
        Some(&applied),
    );
    assert!(err.contains("conflict with \"bob\""), "{err}");
}

// kube-api.md §9 full tier: creates, labels and client-side apply are recorded as Update
// managers, so a server-side apply that changes their fields conflicts with them by name.
#[test]
fn updates_are_recorded_as_managers() {
    let Some(c) = start() else { return };
    let applied = config_map("csa", "app: web");
    c.ok(&["apply", "-f", "-"], Some(&applied));
    c.ok(&["label", "cm", "csa", "x=1"], None);
    let managers = c.ok(
        &[
            "get",
            "cm",
            "csa",
            "-o",
            "jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation} {end}",
        ],
        None,
    );
    assert_eq!(
        managers,
        "kubectl-client-side-apply/Update kubectl-label/Update "
    );
    let err = c.fails(
        &["apply", "--server-side", "-f", "-"],
        Some(&applied.replace("a: \"1\"", "a: \"9\"")),
    );
    assert!(
        err.starts_with(
            "error: Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.a\n"
        ),
        "{err}"
    );
}

// kube-api.md §0.2, §7.7: built-ins are checked against their types. kubectl validates
// strictly by default (an unknown field is a 400), `--validate=warn` keeps the object without
// the field and prints the warning, and a wrong type is refused whatever the mode.
#[test]
fn built_in_schemas_refuse_unknown_fields_and_wrong_types() {
    let Some(c) = start() else { return };
    let bogus = config_map("strict", "a: b").replace("\ndata:", "\nfoo: 1\ndata:");
    let err = c.fails(&["create", "-f", "-"], Some(&bogus));
    assert!(
        err.contains(
            "Error from server (BadRequest): error when creating \"STDIN\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"foo\""
        ),
        "{err}"
    );
    c.fails(&["get", "cm", "strict"], None);
    let (code, _, err) = c.kubectl(&["create", "--validate=warn", "-f", "-"], Some(&bogus));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unknown field \"foo\""), "the warning: {err}");
    let json = c.ok(&["get", "cm", "strict", "-o", "json"], None);
    let stored: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(stored.get("foo").is_none(), "dropped: {json}");
    let wrong = DEPLOYMENT.replace("replicas: 2", "replicas: two");
    let err = c.fails(&["create", "--validate=false", "-f", "-"], Some(&wrong));
    assert!(
        err.contains("Deployment in version \"v1\" cannot be handled as a Deployment: spec.replicas: invalid type: string \"two\", expected i32"),
        "{err}"
    );
}

// kube-api.md §0.2 namespace lifecycle and §16 `delete ns x`: kubectl DELETEs, then waits for the
// namespace to be gone (GET, list and watch for DELETED) while the server empties it.
#[test]
fn delete_namespace_waits_until_gone() {
    let Some(c) = start() else { return };
    c.ok(&["create", "namespace", "k1"], None);
    c.ok(
        &["create", "-f", "-"],
        Some(&config_map("c1", "a: b").replace("namespace: default", "namespace: k1")),
    );
    let out = c.ok(&["delete", "ns", "k1", "--timeout=60s"], None);
    assert_eq!(out, "namespace \"k1\" deleted\n");
    let err = c.fails(&["get", "ns", "k1"], None);
    assert!(err.contains("namespaces \"k1\" not found"), "{err}");
    let err = c.fails(&["delete", "ns", "default"], None);
    assert!(
        err.contains("namespaces \"default\" is forbidden: this namespace may not be deleted"),
        "{err}"
    );
}
