//! `flotilla apiserver --etcd-endpoints` (issue 6: "runs it on SQLite by default or etcd"): the
//! binary serves from a real etcd started by the test; a second server on another data directory
//! sees the same objects. Builds without etcd support must refuse the flag with a clear error.

#[path = "../../store/tests/support/etcd_server.rs"]
mod etcd_server;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn kubectl() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|p| p.join("kubectl"))
        .find(|p| p.is_file())
}

/// Starts `flotilla apiserver` on plain loopback HTTP over etcd; returns it and its kubeconfig.
fn start(data: &Path, endpoints: &[String]) -> (Child, PathBuf) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flotilla"))
        .args([
            "apiserver",
            "--insecure-http",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
        ])
        .arg(data)
        .arg("--etcd-endpoints")
        .arg(endpoints.join(","))
        .stderr(Stdio::piped())
        .spawn()
        .expect("flotilla runs");
    let kubeconfig = data.join("kubeconfig");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !kubeconfig.exists() && Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            let out = child.wait_with_output().unwrap();
            panic!(
                "the server exited: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, kubeconfig)
}

fn run(kubeconfig: &Path, home: &Path, args: &[&str]) -> String {
    let out = Command::new(kubectl().unwrap())
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("HOME", home)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn apiserver_serves_from_etcd() {
    if !flotilla_store::ETCD_SUPPORT {
        let out = Command::new(env!("CARGO_BIN_EXE_flotilla"))
            .args(["apiserver", "--insecure-http", "--listen", "127.0.0.1:0"])
            .args(["--etcd-endpoints", "http://127.0.0.1:1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("this build has no etcd support"), "{err}");
        return;
    }
    if kubectl().is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "kubectl is required with CI=true"
        );
        eprintln!("SKIPPED: kubectl is not on PATH");
        return;
    }
    let Some(etcd) = etcd_server::EtcdServer::start_or_skip("apiserver_serves_from_etcd") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut first, kubeconfig) = start(&dir.path().join("one"), &etcd.endpoints());
    run(
        &kubeconfig,
        dir.path(),
        &["create", "configmap", "in-etcd", "--from-literal=a=1"],
    );
    first.kill().unwrap();
    first.wait().unwrap();
    // Another server, another data directory, the same etcd: the object is there.
    let (mut second, kubeconfig) = start(&dir.path().join("two"), &etcd.endpoints());
    let out = run(
        &kubeconfig,
        dir.path(),
        &["get", "configmap", "in-etcd", "-o", "jsonpath={.data.a}"],
    );
    second.kill().unwrap();
    let log = second.wait_with_output().unwrap();
    assert_eq!(out, "1");
    let log = String::from_utf8_lossy(&log.stderr);
    assert!(log.contains("(store etcd http://127.0.0.1:"), "{log}");
}
