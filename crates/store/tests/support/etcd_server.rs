//! A real etcd for tests: [`EtcdServer::start_or_skip`] starts the `etcd` found on PATH
//! (Debian's etcd-server installs `/usr/bin/etcd`) as a single-member cluster on 127.0.0.1, on two
//! free ports, with its data in a temporary directory, and waits until it answers its health
//! check. [`EtcdServer::stop`] kills it (like a crash: etcd's WAL is synced, nothing committed is
//! lost) and [`EtcdServer::start_again`] restarts it on the same ports and data.
//!
//! Without an `etcd` binary a test is skipped with a message, unless `CI=true`, where it fails.
//!
//! Owns: the etcd process of one test. Must not: touch any etcd it did not start.

#![allow(dead_code)] // Each test crate uses part of the harness.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long etcd may take to become healthy after it is started (milliseconds).
const START_TIMEOUT_MS: u64 = 30_000;
/// Interval between health checks while waiting (milliseconds).
const HEALTH_POLL_MS: u64 = 50;
/// Deadline of one health-check exchange (milliseconds).
const HEALTH_IO_TIMEOUT_MS: u64 = 1_000;
/// Attempts at a first start on fresh ports (a port picked free may be taken before etcd binds it).
const START_ATTEMPTS: usize = 3;
/// etcd's request limit in tests: above the store's value limit plus a key and the transaction
/// around it (bytes; etcd's default is 1.5 MiB, exactly the value limit).
const MAX_REQUEST_BYTES: usize = 2 * 1024 * 1024;
/// Lines of etcd's log quoted when it fails to start.
const LOG_TAIL_LINES: usize = 20;
/// The member name.
const MEMBER: &str = "flotilla-test";

/// One etcd process (when running) with its ports and data directory.
pub struct EtcdServer {
    binary: PathBuf,
    dir: tempfile::TempDir,
    client_port: u16,
    peer_port: u16,
    child: Option<Child>,
}

impl EtcdServer {
    /// Starts etcd for `test`; `None` (after printing why `test` is skipped) when there is no
    /// `etcd` on PATH. Panics if etcd cannot be started, or is missing while `CI=true`.
    pub fn start_or_skip(test: &str) -> Option<EtcdServer> {
        let Some(binary) = find_etcd() else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "{test}: no `etcd` binary on PATH, and CI=true requires the etcd tests to run \
                     (install Debian's etcd-server)"
                );
            }
            eprintln!(
                "SKIPPED {test}: no `etcd` binary on PATH (install etcd-server to run the etcd \
                 tests)"
            );
            return None;
        };
        match Self::start(binary) {
            Ok(server) => Some(server),
            Err(error) => panic!("{test}: could not start etcd: {error}"),
        }
    }

    /// Starts `binary` on fresh ports and a fresh data directory.
    pub fn start(binary: PathBuf) -> Result<EtcdServer, String> {
        let mut last_error = String::new();
        for _ in 0..START_ATTEMPTS {
            let (client_port, peer_port) =
                free_ports().map_err(|e| format!("no free port: {e}"))?;
            let dir = tempfile::tempdir().map_err(|e| format!("no temporary directory: {e}"))?;
            let mut server = EtcdServer {
                binary: binary.clone(),
                dir,
                client_port,
                peer_port,
                child: None,
            };
            match server.spawn_and_wait() {
                Ok(()) => return Ok(server),
                Err(error) => last_error = error,
            }
        }
        Err(last_error)
    }

    /// The client URL.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.client_port)
    }

    /// The client URLs, as a store's `connect` takes them.
    pub fn endpoints(&self) -> Vec<String> {
        vec![self.endpoint()]
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Whether the process is running.
    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|child| matches!(child.try_wait(), Ok(None)))
    }

    /// Kills etcd and waits for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts etcd again on the same ports and data; panics if it does not become healthy.
    pub fn start_again(&mut self) {
        self.stop();
        if let Err(error) = self.spawn_and_wait() {
            panic!("etcd did not come back: {error}");
        }
    }

    fn spawn_and_wait(&mut self) -> Result<(), String> {
        let log_path = self.dir.path().join("etcd.log");
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|e| format!("cannot open {}: {e}", log_path.display()))?;
        let client = self.endpoint();
        let peer = format!("http://127.0.0.1:{}", self.peer_port);
        let mut command = Command::new(&self.binary);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("ETCD") {
                command.env_remove(name);
            }
        }
        command
            .arg(format!("--name={MEMBER}"))
            .arg(format!("--data-dir={}", self.data_dir().display()))
            .arg(format!("--listen-client-urls={client}"))
            .arg(format!("--advertise-client-urls={client}"))
            .arg(format!("--listen-peer-urls={peer}"))
            .arg(format!("--initial-advertise-peer-urls={peer}"))
            .arg(format!("--initial-cluster={MEMBER}={peer}"))
            .arg(format!("--max-request-bytes={MAX_REQUEST_BYTES}"))
            .arg("--logger=zap")
            .arg("--log-outputs=stderr")
            .arg("--log-level=warn")
            .stdin(Stdio::null())
            .stdout(clone(&log)?)
            .stderr(log);
        let child = command
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.binary.display()))?;
        self.child = Some(child);
        let result = self.wait_healthy(&log_path);
        if result.is_err() {
            self.stop();
        }
        result
    }

    fn wait_healthy(&mut self, log_path: &Path) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_millis(START_TIMEOUT_MS);
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(format!("etcd exited ({status}):\n{}", log_tail(log_path)));
            }
            if healthy(self.client_port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(HEALTH_POLL_MS));
        }
        Err(format!(
            "etcd was not healthy after {START_TIMEOUT_MS} ms:\n{}",
            log_tail(log_path)
        ))
    }
}

impl Drop for EtcdServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The `etcd` on PATH, if any.
pub fn find_etcd() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("etcd"))
        .find(|candidate| candidate.is_file())
}

/// Two distinct ports free on 127.0.0.1 right now.
fn free_ports() -> std::io::Result<(u16, u16)> {
    let first = TcpListener::bind("127.0.0.1:0")?;
    let second = TcpListener::bind("127.0.0.1:0")?;
    Ok((first.local_addr()?.port(), second.local_addr()?.port()))
}

/// Whether etcd's `/health` answers healthy.
fn healthy(port: u16) -> bool {
    let timeout = Duration::from_millis(HEALTH_IO_TIMEOUT_MS);
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, timeout) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(timeout));
    let _ = stream.set_write_timeout(Some(timeout));
    if stream
        .write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.contains("\"health\":\"true\"")
}

fn clone(file: &File) -> Result<File, String> {
    file.try_clone()
        .map_err(|e| format!("cannot share the log file: {e}"))
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
}
