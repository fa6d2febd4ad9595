//! End-to-end tests of the `flotilla` binary's offline commands: `validate`, `crds`, `schedule` and
//! `sim`; and of `flotilla apiserver`'s startup (TLS, token, kubeconfig) with the real kubectl.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn flotilla(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flotilla"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("flotilla runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn three_errors_in_two_objects_are_all_reported_with_paths() {
    let out = flotilla(
        &[
            "validate",
            "-f",
            "examples/invalid/multi-three-errors-two-objects.yaml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("  - ")).collect();
    assert_eq!(errors.len(), 3, "{text}");
    assert!(
        errors[0].contains("spec.placement.spreadConstraints[0]: Invalid value"),
        "{text}"
    );
    assert!(
        errors[1]
            .contains("spec.placement.clusterTolerations[1].operator: Unsupported value: \"Gt\""),
        "{text}"
    );
    assert!(
        errors[2].contains("spec.syncMode: Unsupported value: \"Active\""),
        "{text}"
    );
    assert!(
        text.ends_with("0 valid, 2 invalid, 0 not validated\n"),
        "{text}"
    );
}

#[test]
fn valid_input_exits_zero() {
    let out = flotilla(
        &[
            "validate",
            "-f",
            "examples/failover",
            "--allow-no-execute-taint-policy",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains(" 0 invalid, "));
    let out = flotilla(
        &[
            "validate",
            "-f",
            "examples/failover/seed-nginx-propagation.yaml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("PropagationPolicy default/nginx-propagation: valid"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("apps/v1 Deployment nginx: not validated"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn noexecute_taint_policies_need_the_flag() {
    let file = "examples/failover/api-clustertaintpolicy-evict-when-lost-noexecute.yaml";
    let out = flotilla(&["validate", "-f", file], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(
        "spec.taints[0]: Forbidden: Configuring taint with NoExecute effect is not allowed"
    ));
}

#[test]
fn malformed_yaml_reports_file_line_and_column() {
    let out = flotilla(
        &["validate", "-f", "-"],
        Some("apiVersion: v1\nkind: [a,\nmetadata: {}\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    let mut parts = first.splitn(4, ':');
    assert_eq!(parts.next(), Some("-"), "{first}");
    let line: usize = parts.next().unwrap().parse().expect("a line number");
    let column: usize = parts.next().unwrap().parse().expect("a column number");
    assert!(line >= 2 && column >= 1, "{first}");
    assert!(text.contains("1 unreadable file(s)"), "{text}");
}

#[test]
fn output_yaml_prints_the_defaulted_object() {
    let input = "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: web}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]\n  placement: {replicaScheduling: {}}\n  failover: {cluster: {purgeMode: Immediately}}\n";
    let out = flotilla(
        &["validate", "-f", "-", "-o", "yaml", "-n", "shop"],
        Some(input),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = stdout(&out);
    let object: serde_json::Value = serde_saphyr::from_str(&yaml).expect("YAML on stdout");
    assert_eq!(object["metadata"]["namespace"], "shop");
    assert_eq!(object["spec"]["resourceSelectors"][0]["namespace"], "shop");
    assert_eq!(
        object["spec"]["placement"]["replicaScheduling"]["replicaSchedulingType"],
        "Divided"
    );
    assert_eq!(
        object["spec"]["placement"]["replicaScheduling"]["replicaDivisionPreference"],
        "Weighted"
    );
    assert_eq!(
        object["spec"]["failover"]["cluster"]["purgeMode"],
        "Directly"
    );
    assert_eq!(object["spec"]["conflictResolution"], "Abort");
    let id = object["metadata"]["labels"]["propagationpolicy.karmada.io/permanent-id"]
        .as_str()
        .unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        report.contains(
            "warning: spec.failover.cluster.purgeMode: purge mode \"Immediately\" is deprecated"
        ),
        "{report}"
    );
}

#[test]
fn unknown_fields_follow_the_validate_flag() {
    let input = "apiVersion: policy.karmada.io/v1alpha1\nkind: ClusterTaintPolicy\nmetadata: {name: t}\nspec: {taints: [{key: k, effect: NoSchedule}], colour: red}\n";
    let strict = flotilla(&["validate", "-f", "-"], Some(input));
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        stdout(&strict).contains("strict decoding error: unknown field \"spec.colour\""),
        "{}",
        stdout(&strict)
    );
    let warn = flotilla(&["validate", "-f", "-", "--validate", "warn"], Some(input));
    assert_eq!(warn.status.code(), Some(0));
    assert!(
        stdout(&warn).contains("warning: unknown field \"spec.colour\""),
        "{}",
        stdout(&warn)
    );
}

#[test]
fn crds_cover_every_kind_with_schemas_and_columns() {
    let out = flotilla(&["crds"], None);
    assert_eq!(out.status.code(), Some(0));
    let crds: Vec<serde_json::Value> = serde_saphyr::from_multiple(&stdout(&out)).unwrap();
    let names: Vec<&str> = crds
        .iter()
        .map(|c| c["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "clusters.cluster.karmada.io",
            "propagationpolicies.policy.karmada.io",
            "clusterpropagationpolicies.policy.karmada.io",
            "clustertaintpolicies.policy.karmada.io",
            "overridepolicies.policy.karmada.io",
            "clusteroverridepolicies.policy.karmada.io",
            "resourcebindings.work.karmada.io",
            "clusterresourcebindings.work.karmada.io",
            "works.work.karmada.io",
        ]
    );
    let pp = &crds[1]["spec"];
    assert_eq!(pp["names"]["shortNames"][0], "pp");
    assert_eq!(pp["names"]["categories"][0], "karmada-io");
    assert_eq!(pp["scope"], "Namespaced");
    let columns: Vec<&str> = pp["versions"][0]["additionalPrinterColumns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(columns, ["CONFLICT-RESOLUTION", "PRIORITY", "AGE"]);
    let schema =
        &pp["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"];
    assert_eq!(
        schema["failover"]["properties"]["cluster"]["properties"]["purgeMode"]["default"],
        "Gracefully"
    );
    let rb = &crds[6]["spec"]["versions"][0];
    assert_eq!(rb["subresources"]["status"], serde_json::json!({}));
    let json = flotilla(&["crds", "-o", "json"], None);
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(list["kind"], "List");
    assert_eq!(list["items"].as_array().unwrap().len(), 9);
}

fn scheduled_targets(files: &[&str]) -> (Option<i32>, Vec<(String, i64)>, serde_json::Value) {
    let mut args = vec!["schedule", "--now", "2026-09-01T09:00:00Z"];
    for f in files {
        args.push("-f");
        args.push(f);
    }
    let out = flotilla(&args, None);
    let binding: serde_json::Value =
        serde_saphyr::from_str(&stdout(&out)).expect("a binding on stdout");
    let targets = binding["spec"]["clusters"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| {
                    (
                        t["name"].as_str().unwrap().to_string(),
                        t["replicas"].as_i64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (out.status.code(), targets, binding)
}

fn pairs(p: &[(&str, i64)]) -> Vec<(String, i64)> {
    p.iter().map(|(n, r)| (n.to_string(), *r)).collect()
}

/// scheduling.md §13 E-1 from YAML: both passes.
#[test]
fn schedule_reproduces_e1() {
    let (code, targets, binding) = scheduled_targets(&[
        "examples/schedule/clusters.yaml",
        "examples/schedule/e1-nginx.yaml",
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(targets, pairs(&[("member1", 2), ("member2", 2)]));
    assert_eq!(binding["metadata"]["name"], "nginx-deployment");
    assert_eq!(binding["status"]["conditions"][0]["reason"], "Success");
    let (code, targets, _) = scheduled_targets(&[
        "examples/schedule/clusters-member2-noexecute.yaml",
        "examples/schedule/e1-binding-after-eviction.yaml",
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(targets, pairs(&[("member1", 2), ("member3", 2)]));
}

/// scheduling.md §13 E-2 from YAML: both passes.
#[test]
fn schedule_reproduces_e2() {
    let (_, targets, _) = scheduled_targets(&[
        "examples/schedule/clusters.yaml",
        "examples/schedule/e2-api.yaml",
    ]);
    assert_eq!(targets, pairs(&[("member1", 1), ("member2", 2)]));
    let (_, targets, _) = scheduled_targets(&[
        "examples/schedule/clusters-member1-noexecute.yaml",
        "examples/schedule/e2-binding-after-eviction.yaml",
    ]);
    assert_eq!(targets, pairs(&[("member2", 3)]));
}

/// When nothing fits, the binding says why for each cluster and the command exits 1.
#[test]
fn schedule_reports_each_cluster_when_nothing_fits() {
    let policy = "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: p}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: nginx}]\n  placement: {clusterAffinity: {clusterNames: [member9]}}\n";
    let dir = std::env::temp_dir().join(format!("flotilla-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("policy.yaml");
    std::fs::write(&file, policy).unwrap();
    let deployment = "examples/schedule/e1-nginx.yaml";
    let out = flotilla(
        &[
            "schedule",
            "-f",
            "examples/schedule/clusters.yaml",
            "-f",
            file.to_str().unwrap(),
            "-f",
            deployment,
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "two policies in the input is an error: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than one PropagationPolicy"));
    let template = dir.join("deploy.yaml");
    std::fs::write(
        &template,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nginx}\nspec: {replicas: 1}\n",
    )
    .unwrap();
    let out = flotilla(
        &[
            "schedule",
            "-f",
            "examples/schedule/clusters.yaml",
            "-f",
            file.to_str().unwrap(),
            "-f",
            template.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let binding: serde_json::Value = serde_saphyr::from_str(&stdout(&out)).unwrap();
    let condition = &binding["status"]["conditions"][0];
    assert_eq!(condition["reason"], "NoClusterFit");
    let message = condition["message"].as_str().unwrap();
    assert!(message.starts_with("0/5 clusters are available: 5 cluster(s) did not match the placement cluster affinity constraint."), "{message}");
    assert!(
        message.contains("member1: did not match the placement cluster affinity constraint"),
        "{message}"
    );
    let bad = dir.join("bad-cluster.yaml");
    std::fs::write(&bad, "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: m1}\nspec: {syncMode: Sometimes}\n").unwrap();
    let out = flotilla(
        &[
            "schedule",
            "-f",
            bad.to_str().unwrap(),
            "-f",
            file.to_str().unwrap(),
            "-f",
            template.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad-cluster.yaml#1")
            && err.contains("spec.syncMode: Unsupported value: \"Sometimes\""),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The output of `flotilla sim` without its last line (wall-clock figures).
fn without_wall_time(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[..lines.len().saturating_sub(1)].join("\n")
}

#[test]
fn sim_runs_replays_and_summarises() {
    let args = ["sim", "--seed", "4", "--duration", "20m"];
    let first = flotilla(&args, None);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let text = stdout(&first);
    assert!(
        text.starts_with("seed 4: 1200 steps, 1200 s simulated, "),
        "{text}"
    );
    assert!(text.contains("  violations: none\n"), "{text}");
    assert!(text.contains("time to recover: n="), "{text}");
    assert!(text.contains("simulated hours per wall second"), "{text}");
    let second = flotilla(&args, None);
    assert_eq!(
        without_wall_time(&text),
        without_wall_time(&stdout(&second))
    );
    let other = flotilla(&["sim", "--seed", "5", "--duration", "20m"], None);
    assert_ne!(without_wall_time(&text), without_wall_time(&stdout(&other)));
}

#[test]
fn sim_quiet_prints_one_line_per_seed() {
    let out = flotilla(
        &[
            "sim",
            "--seed",
            "7",
            "--seeds",
            "3",
            "--duration",
            "10m",
            "-q",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    for (line, seed) in lines[..3].iter().zip(7..) {
        assert!(line.starts_with(&format!("seed {seed}: ok (")), "{text}");
    }
    assert!(
        lines[3].starts_with("3 seed(s), 0.50 simulated hours in "),
        "{text}"
    );
}

#[test]
fn sim_switched_off_never_evicts() {
    for flag in ["--failover-gate-off", "--no-eviction"] {
        let out = flotilla(&["sim", "--seed", "2", "--duration", "30m", flag], None);
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("  evictions 0 (application "),
            "{flag}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn sim_rejects_bad_arguments_with_reasons() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["sim", "--faults", "lightning"],
            "unknown fault \"lightning\"",
        ),
        (&["sim", "--duration", "soon"], "\"soon\" is not a duration"),
        (
            &["sim", "--resource-eviction-rate=-1"],
            "--resource-eviction-rate must be a number >= 0",
        ),
        (&["sim", "--clusters", "many"], "invalid value 'many'"),
    ];
    for (args, reason) in cases {
        let out = flotilla(args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(reason), "{args:?}: {}", stderr(&out));
    }
}

/// `flotilla apiserver` without flags serves TLS with a token and writes a kubeconfig that the
/// real kubectl uses as is (skipped without kubectl on PATH unless `CI=true`).
#[test]
fn apiserver_serves_tls_and_writes_a_working_kubeconfig() {
    let kubectl = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|p| p.join("kubectl"))
            .find(|p| p.is_file())
    });
    let Some(kubectl) = kubectl else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "kubectl is required with CI=true"
        );
        eprintln!("SKIPPED: kubectl is not on PATH");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Command::new(env!("CARGO_BIN_EXE_flotilla"))
        .args(["apiserver", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .stderr(Stdio::piped())
        .spawn()
        .expect("flotilla runs");
    let kubeconfig = data.join("kubeconfig");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !kubeconfig.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = Command::new(kubectl)
        .args(["get", "ns", "--request-timeout=30s"])
        .env("KUBECONFIG", &kubeconfig)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    server.kill().unwrap();
    let log = server.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&log.stderr);
    assert!(
        out.status.success(),
        "{}{log}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("karmada-system"), "{}", stdout(&out));
    let text = std::fs::read_to_string(&kubeconfig).unwrap();
    assert!(text.contains("server: https://127.0.0.1:"), "{text}");
    assert!(text.contains("certificate-authority-data: "), "{text}");
    assert!(text.contains("token: "), "{text}");
    assert!(log.contains("https://127.0.0.1:"), "{log}");
}

#[test]
fn apiserver_refuses_plain_http_off_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let args = [
        "apiserver",
        "--insecure-http",
        "--listen",
        "0.0.0.0:0",
        "--data-dir",
        data,
    ];
    let out = flotilla(&args, None);
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("only served on a loopback address"), "{err}");
}
