//! The real kubectl against an in-process API server over TLS with bearer-token and
//! client-certificate authentication: the generated kubeconfig works as is, anonymous and
//! wrong-token requests get 401, the CA's client certificates authenticate and others are
//! refused, a failed handshake drops only its connection, and a restart on the same directory
//! keeps the CA.
//! kubectl is found on PATH; without it the tests say so and pass unless `CI=true`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use flotilla_apiserver::auth::{Tokens, require_bearer};
use flotilla_apiserver::kubeconfig::{Access, render};
use flotilla_apiserver::server::ApiServer;
use flotilla_apiserver::tls;
use flotilla_store::sqlite::SqliteStore;

#[path = "support/kubectl.rs"]
mod support;

use support::{have_kubectl, kubectl_binary};

/// A running TLS server over the store in a data directory.
struct Server {
    address: SocketAddr,
    ca_pem: String,
    token: String,
    admin_cert: String,
    admin_key: String,
    _runtime: tokio::runtime::Runtime,
}

/// Starts a server on `listen` (for example `127.0.0.1:0`) over `data`.
fn start(data: &Path, listen: &str) -> Server {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let pki = tls::load_or_create(&data.join("pki"), &[]).expect("pki");
    let store = Arc::new(SqliteStore::open(&data.join("store")).unwrap());
    let server = ApiServer::new(store);
    let listener = runtime.block_on(async {
        server.bootstrap().await.expect("bootstrap");
        tokio::net::TcpListener::bind(listen).await.unwrap()
    });
    let address = listener.local_addr().unwrap();
    let router = require_bearer(server.router(), Tokens::new([pki.admin_token.clone()]));
    let config = pki.server_config.clone();
    runtime.spawn(tls::serve(listener, config, router, std::future::pending()));
    Server {
        address,
        ca_pem: pki.ca_pem,
        token: pki.admin_token,
        admin_cert: pki.admin_cert_pem,
        admin_key: pki.admin_key_pem,
        _runtime: runtime,
    }
}

impl Server {
    /// Writes a kubeconfig for this server with `token` to `path`.
    fn kubeconfig(&self, path: &Path, token: Option<&str>) -> PathBuf {
        self.kubeconfig_with(path, token, None)
    }

    /// Writes a kubeconfig with `token` and a client certificate (PEM certificate and key).
    fn kubeconfig_with(
        &self,
        path: &Path,
        token: Option<&str>,
        client_cert: Option<(&str, &str)>,
    ) -> PathBuf {
        let server = format!("https://{}", self.address);
        let access = Access {
            server: &server,
            ca_pem: Some(&self.ca_pem),
            token,
            client_cert,
        };
        std::fs::write(path, render(&access)).unwrap();
        path.to_path_buf()
    }
}

/// Runs kubectl; returns (exit code, stdout, stderr).
fn kubectl(kubeconfig: &Path, args: &[&str]) -> (i32, String, String) {
    let home = kubeconfig.parent().unwrap();
    let out = Command::new(kubectl_binary().unwrap())
        .args(args)
        .arg("--request-timeout=30s")
        .env("KUBECONFIG", kubeconfig)
        .env("HOME", home)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(kubeconfig: &Path, args: &[&str]) -> String {
    let (code, out, err) = kubectl(kubeconfig, args);
    assert_eq!(code, 0, "kubectl {args:?}: {err}{out}");
    out
}

/// kubectl fails with `expected` as the last line of its stderr.
fn unauthorized(kubeconfig: &Path, args: &[&str], expected: &str) {
    let (code, out, err) = kubectl(kubeconfig, args);
    assert_ne!(code, 0, "kubectl {args:?} succeeded: {out}");
    assert_eq!(
        err.lines().last(),
        Some(expected),
        "kubectl {args:?}: {err}"
    );
}

/// kubectl's message when discovery gets a 401 (client-go's generic text, as against
/// kube-apiserver) and when a request it sends directly does (the Status message).
const DISCOVERY_401: &str = "error: You must be logged in to the server \
                             (the server has asked for the client to provide credentials)";
const RAW_401: &str = "error: You must be logged in to the server (Unauthorized)";
const CREATE_401: &str = "error: failed to create configmap: Unauthorized";

#[test]
fn generated_kubeconfig_works_as_is() {
    if !have_kubectl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "127.0.0.1:0");
    let config = server.kubeconfig(&dir.path().join("kubeconfig"), Some(&server.token));
    let out = ok(&config, &["get", "ns"]);
    assert!(out.contains("kube-system"), "{out}");
    let out = ok(&config, &["create", "configmap", "x", "--from-literal=a=1"]);
    assert!(out.contains("configmap/x created"), "{out}");
    let out = ok(
        &config,
        &["get", "configmap", "x", "-o", "jsonpath={.data.a}"],
    );
    assert_eq!(out, "1");
}

#[test]
fn anonymous_and_wrong_tokens_are_unauthorized() {
    if !have_kubectl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "127.0.0.1:0");
    // Over TLS with no credentials at all kubectl prompts for a password on the terminal (as
    // against any Kubernetes API server); a user with only a name does not prompt and sends no
    // token. Requests with no Authorization header are covered by the raw TLS test below.
    let anonymous = server.kubeconfig(&dir.path().join("anonymous"), None);
    let text = std::fs::read_to_string(&anonymous).unwrap();
    let text = text.replace("  user: {}\n", "  user:\n    username: nobody\n");
    std::fs::write(&anonymous, text).unwrap();
    let create = ["create", "configmap", "x", "--from-literal=a=1"];
    unauthorized(&anonymous, &["get", "ns"], DISCOVERY_401);
    unauthorized(&anonymous, &create, CREATE_401);
    let wrong = server.kubeconfig(&dir.path().join("wrong"), Some("not-the-token"));
    unauthorized(&wrong, &["get", "ns"], DISCOVERY_401);
    unauthorized(&wrong, &create, CREATE_401);
    for config in [&anonymous, &wrong] {
        unauthorized(config, &["get", "--raw", "/api/v1/namespaces"], RAW_401);
    }
    let out = ok(&anonymous, &["get", "--raw", "/healthz"]);
    assert_eq!(out, "ok");
}

#[test]
fn a_failed_handshake_drops_only_its_connection() {
    if !have_kubectl() {
        return;
    }
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "127.0.0.1:0");
    let mut plain = std::net::TcpStream::connect(server.address).unwrap();
    plain
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    plain
        .write_all(b"GET /api HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut reply = Vec::new();
    let _ = plain.read_to_end(&mut reply);
    assert!(!reply.starts_with(b"HTTP/"), "plain HTTP was answered");
    let config = server.kubeconfig(&dir.path().join("kubeconfig"), Some(&server.token));
    ok(&config, &["get", "ns"]);
}

#[test]
fn a_restart_keeps_the_ca_and_the_token() {
    if !have_kubectl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let first = start(dir.path(), "127.0.0.1:0");
    let address = first.address;
    let config = first.kubeconfig(&dir.path().join("kubeconfig"), Some(&first.token));
    ok(
        &config,
        &["create", "configmap", "kept", "--from-literal=a=1"],
    );
    let (ca, token) = (first.ca_pem.clone(), first.token.clone());
    drop(first);
    let second = start(dir.path(), &address.to_string());
    assert_eq!(second.ca_pem, ca);
    assert_eq!(second.token, token);
    let out = ok(&config, &["get", "configmap", "kept", "-o", "name"]);
    assert_eq!(out.trim(), "configmap/kept");
    #[cfg(unix)]
    for secret in ["ca.key", "server.key", "admin.token"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("pki").join(secret))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{secret}");
    }
}

/// One HTTP/1.1 request over TLS to `localhost` trusting only the generated CA; the raw reply.
fn https_get(server: &Server, path: &str) -> String {
    use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
    use std::io::{Read, Write};
    let mut roots = rustls::RootCertStore::empty();
    let ca = CertificateDer::from_pem_slice(server.ca_pem.as_bytes()).unwrap();
    roots.add(ca).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").unwrap();
    let connection = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = std::net::TcpStream::connect(server.address).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    let _ = tls.read_to_string(&mut reply);
    reply
}

#[test]
fn anonymous_requests_get_the_401_status_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "127.0.0.1:0");
    let reply = https_get(&server, "/api/v1/namespaces");
    assert!(reply.starts_with("HTTP/1.1 401 "), "{reply}");
    let body = reply.split_once("\r\n\r\n").unwrap().1;
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    let expected = serde_json::json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure", "message": "Unauthorized", "reason": "Unauthorized", "code": 401});
    assert_eq!(body, expected);
    let reply = https_get(&server, "/readyz");
    assert!(reply.starts_with("HTTP/1.1 200 "), "{reply}");
}

// kube-api.md §0.2: client certificates the CA signed authenticate without a token; a
// certificate from another CA is refused in the handshake.
#[test]
fn client_certificates_signed_by_the_ca_authenticate() {
    if !have_kubectl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), "127.0.0.1:0");
    let admin = Some((server.admin_cert.as_str(), server.admin_key.as_str()));
    let config = server.kubeconfig_with(&dir.path().join("cert.kubeconfig"), None, admin);
    let (code, out, err) = kubectl(&config, &["get", "namespaces", "-o", "name"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("namespace/default"), "{out}");
    let foreign_key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "intruder");
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let foreign = params.self_signed(&foreign_key).unwrap();
    let (cert, key) = (foreign.pem(), foreign_key.serialize_pem());
    let config = server.kubeconfig_with(
        &dir.path().join("foreign.kubeconfig"),
        None,
        Some((&cert, &key)),
    );
    let (code, _, err) = kubectl(&config, &["get", "namespaces"]);
    assert_ne!(code, 0);
    assert!(err.contains("certificate"), "{err}");
    // The token still works next to certificates.
    let config = server.kubeconfig(&dir.path().join("token.kubeconfig"), Some(&server.token));
    let (code, _, err) = kubectl(&config, &["get", "namespaces"]);
    assert_eq!(code, 0, "{err}");
    use std::os::unix::fs::PermissionsExt;
    let key = dir.path().join("pki").join("admin.key");
    let mode = std::fs::metadata(key).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "admin.key is a secret");
}
