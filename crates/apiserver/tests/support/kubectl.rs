//! The real kubectl against an in-process API server on loopback (plain HTTP, a temporary
//! kubeconfig), over the SQLite store (kube-api.md §16, §19 item 1). kubectl is found on PATH;
//! without it a test says so and passes unless `CI=true`, where a missing kubectl fails it.
//!
//! Owns: one server per test and the kubectl processes run against it. Must not: share a
//! server between tests (each test starts from the system namespaces only).

#![allow(dead_code)] // Each test crate uses part of the harness.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;

use flotilla_apiserver::kubeconfig::{Access, render};
use flotilla_apiserver::server::ApiServer;
use flotilla_store::sqlite::SqliteStore;

/// A running server and a kubeconfig pointing at it.
pub struct Cluster {
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
    _runtime: tokio::runtime::Runtime,
}

/// The kubectl on PATH.
pub fn kubectl_binary() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|p| p.join("kubectl"))
        .find(|p| p.is_file())
}

/// Whether kubectl is there; without it, says that the test is skipped, or fails under
/// `CI=true`.
pub fn have_kubectl() -> bool {
    if kubectl_binary().is_some() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "kubectl is required with CI=true"
    );
    eprintln!("SKIPPED: kubectl is not on PATH");
    false
}

/// Starts a server, or `None` (after saying why) when there is no kubectl and CI is not set.
pub fn start() -> Option<Cluster> {
    if !have_kubectl() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("data")).unwrap());
    let server = ApiServer::new(store);
    let listener = runtime.block_on(async {
        server.bootstrap().await.expect("bootstrap");
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()
    });
    let address = listener.local_addr().unwrap();
    runtime.block_on(async { server.spawn_controllers() });
    runtime.spawn(async move { axum::serve(listener, server.router()).await });
    let kubeconfig = dir.path().join("kubeconfig");
    write_kubeconfig(&kubeconfig, &format!("http://{address}"));
    Some(Cluster {
        dir,
        kubeconfig,
        _runtime: runtime,
    })
}

fn write_kubeconfig(path: &Path, server: &str) {
    let access = Access {
        server,
        ..Access::default()
    };
    std::fs::write(path, render(&access)).unwrap();
}

impl Cluster {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(kubectl_binary().unwrap());
        command
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs kubectl with these environment variables; returns (exit code, stdout, stderr).
    pub fn kubectl_with(
        &self,
        args: &[&str],
        stdin: Option<&str>,
        env: &[(&str, &str)],
    ) -> (i32, String, String) {
        use std::io::Write;
        let mut command = self.command(args);
        command.envs(env.iter().copied());
        let mut child = command.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.unwrap_or("").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs kubectl; returns (exit code, stdout, stderr).
    pub fn kubectl(&self, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
        self.kubectl_with(args, stdin, &[])
    }

    /// Runs kubectl, asserts success and returns its stdout.
    pub fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let (code, out, err) = self.kubectl(args, stdin);
        assert_eq!(code, 0, "kubectl {args:?}: {err}{out}");
        out
    }

    /// Runs kubectl, asserts it failed and returns its stderr.
    pub fn fails(&self, args: &[&str], stdin: Option<&str>) -> String {
        let (code, out, err) = self.kubectl(args, stdin);
        assert_ne!(code, 0, "kubectl {args:?} should fail: {out}");
        err
    }

    /// Starts kubectl in the background (a watch or a wait); join the handle for its output.
    pub fn spawn(&self, args: &[&str]) -> JoinHandle<Output> {
        let mut command = self.command(args);
        command.stdin(Stdio::null());
        std::thread::spawn(move || command.output().unwrap())
    }

    /// A file in this test's temporary directory, written with `text`.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

/// A file of the repository (examples).
pub fn repo_file(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read_to_string(root.join(path)).unwrap()
}

/// stdout of a finished background kubectl, after asserting it succeeded.
pub fn output_of(handle: JoinHandle<Output>) -> String {
    let out = handle.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
