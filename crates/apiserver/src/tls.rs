//! TLS for the API server: the PKI directory (a CA generated on first start and kept across
//! restarts, a server certificate and an admin client certificate signed by it on every start,
//! the admin bearer token) and the accept loop that serves a router over TLS with HTTP/1.1 and
//! HTTP/2, marking the requests of connections that presented a client certificate the CA signed.
//!
//! Owns: key, certificate and token files under `<data-dir>/pki`, and TLS connection handling.
//! Must not: decide who is authorised (`auth`) or answer API requests (`server`).

use std::future::Future;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// How long the CA stays valid (10 years; it outlives many server certificates).
pub const CA_VALIDITY: Duration = Duration::from_secs(10 * 365 * 24 * 3600);
/// How long a server certificate stays valid (1 year; a restart issues a new one).
pub const SERVER_CERT_VALIDITY: Duration = Duration::from_secs(365 * 24 * 3600);
/// How long the admin client certificate stays valid (1 year; a restart issues a new one, and
/// earlier ones stay valid until they expire).
pub const CLIENT_CERT_VALIDITY: Duration = Duration::from_secs(365 * 24 * 3600);
/// Back-dating of `notBefore` so that clients with a slightly slow clock accept it (5 minutes).
pub const CLOCK_SKEW_ALLOWANCE: Duration = Duration::from_secs(5 * 60);
/// Longest a client may take to finish the TLS handshake before it is dropped (10 s).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Pause after a failed `accept` (for example out of file descriptors) before retrying (100 ms).
pub const ACCEPT_RETRY_DELAY: Duration = Duration::from_millis(100);

/// The CA's common name (also rebuilt to sign server certificates with a stored CA key).
const CA_COMMON_NAME: &str = "flotilla-ca";
const CA_CERT_FILE: &str = "ca.crt";
const CA_KEY_FILE: &str = "ca.key";
const SERVER_CERT_FILE: &str = "server.crt";
const SERVER_KEY_FILE: &str = "server.key";
const TOKEN_FILE: &str = "admin.token";
const ADMIN_CERT_FILE: &str = "admin.crt";
const ADMIN_KEY_FILE: &str = "admin.key";
/// The admin client certificate's subject: upstream's conventional administrator identity.
const ADMIN_COMMON_NAME: &str = "flotilla-admin";
const ADMIN_ORGANIZATION: &str = "system:masters";

/// A failure setting up or serving TLS.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file or socket operation failed.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Only one of the CA's certificate and key exists: regenerating would invalidate every
    /// kubeconfig issued so far, so the operator has to decide.
    #[error("{} exists without its counterpart {}; restore it or remove both", present.display(), missing.display())]
    IncompleteCa {
        /// The file that exists.
        present: PathBuf,
        /// The file that is missing.
        missing: PathBuf,
    },
    /// The token file exists but is empty.
    #[error("{} is empty", .0.display())]
    EmptyToken(PathBuf),
    /// Generating or parsing a key or certificate failed.
    #[error("certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

/// Everything needed to serve TLS and to write a kubeconfig.
pub struct Pki {
    /// The CA certificate (PEM), for `certificate-authority-data`.
    pub ca_pem: String,
    /// The admin bearer token.
    pub admin_token: String,
    /// An admin client certificate (PEM) signed by the CA, and its key (PEM).
    pub admin_cert_pem: String,
    /// The key of [`Pki::admin_cert_pem`] (PEM).
    pub admin_key_pem: String,
    /// The rustls configuration with the server certificate (ALPN `h2`, `http/1.1`).
    pub server_config: Arc<ServerConfig>,
}

/// Loads or creates the PKI in `dir`: the CA and the token are created only when missing; the
/// server certificate is issued anew for `localhost`, `127.0.0.1`, `::1` and `extra_hosts`
/// (names or IP addresses; unspecified addresses such as `0.0.0.0` are skipped).
pub fn load_or_create(dir: &Path, extra_hosts: &[String]) -> Result<Pki, TlsError> {
    std::fs::create_dir_all(dir).map_err(io("creating", dir))?;
    let (ca_pem, ca_key) = load_or_create_ca(dir)?;
    let issuer = Issuer::new(ca_params()?, ca_key);
    let server_key = KeyPair::generate()?;
    let server_cert = server_params(extra_hosts)?.signed_by(&server_key, &issuer)?;
    write_file(&dir.join(SERVER_CERT_FILE), &server_cert.pem(), false)?;
    write_file(
        &dir.join(SERVER_KEY_FILE),
        &server_key.serialize_pem(),
        true,
    )?;
    let admin_key = KeyPair::generate()?;
    let admin_cert = client_params()?.signed_by(&admin_key, &issuer)?;
    write_file(&dir.join(ADMIN_CERT_FILE), &admin_cert.pem(), false)?;
    write_file(&dir.join(ADMIN_KEY_FILE), &admin_key.serialize_pem(), true)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let chain = vec![CertificateDer::from(server_cert.der().to_vec())];
    Ok(Pki {
        server_config: Arc::new(server_config(&ca_pem, chain, key)?),
        ca_pem,
        admin_token: load_or_create_token(&dir.join(TOKEN_FILE))?,
        admin_cert_pem: admin_cert.pem(),
        admin_key_pem: admin_key.serialize_pem(),
    })
}

/// The rustls configuration: the server certificate, ALPN `h2` and `http/1.1`, and client
/// certificates verified against the CA when a client offers one (none is required: bearer
/// tokens authenticate the others).
fn server_config(
    ca_pem: &str,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<ServerConfig, TlsError> {
    use rustls::pki_types::pem::PemObject;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    let ca = CertificateDer::from_pem_slice(ca_pem.as_bytes())
        .map_err(|e| TlsError::Rustls(rustls::Error::General(format!("the CA PEM: {e}"))))?;
    roots.add(ca)?;
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .allow_unauthenticated()
    .build()
    .map_err(|e| TlsError::Rustls(rustls::Error::General(e.to_string())))?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The admin client certificate's parameters (`CN=flotilla-admin, O=system:masters`).
fn client_params() -> Result<CertificateParams, TlsError> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params
        .distinguished_name
        .push(DnType::CommonName, ADMIN_COMMON_NAME);
    params
        .distinguished_name
        .push(DnType::OrganizationName, ADMIN_ORGANIZATION);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.use_authority_key_identifier_extension = true;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - CLOCK_SKEW_ALLOWANCE;
    params.not_after = now + CLIENT_CERT_VALIDITY;
    Ok(params)
}

/// The CA's parameters; deterministic so that a stored CA key can sign again after a restart.
fn ca_params() -> Result<CertificateParams, TlsError> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, CA_COMMON_NAME);
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - CLOCK_SKEW_ALLOWANCE;
    params.not_after = now + CA_VALIDITY;
    Ok(params)
}

fn server_params(extra_hosts: &[String]) -> Result<CertificateParams, TlsError> {
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1"].map(String::from).into();
    for host in extra_hosts {
        let unspecified = host.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified());
        if !unspecified && !host.is_empty() && !hosts.contains(host) {
            hosts.push(host.clone());
        }
    }
    let mut params = CertificateParams::new(hosts)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "flotilla-apiserver");
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - CLOCK_SKEW_ALLOWANCE;
    params.not_after = now + SERVER_CERT_VALIDITY;
    Ok(params)
}

/// The stored CA (certificate PEM, key), or a new one written to `dir`.
fn load_or_create_ca(dir: &Path) -> Result<(String, KeyPair), TlsError> {
    let cert_path = dir.join(CA_CERT_FILE);
    let key_path = dir.join(CA_KEY_FILE);
    match (cert_path.exists(), key_path.exists()) {
        (true, true) => {
            let cert = read_file(&cert_path)?;
            let key = KeyPair::from_pem(&read_file(&key_path)?)?;
            Ok((cert, key))
        }
        (false, false) => {
            let key = KeyPair::generate()?;
            let cert = ca_params()?.self_signed(&key)?.pem();
            write_file(&key_path, &key.serialize_pem(), true)?;
            write_file(&cert_path, &cert, false)?;
            Ok((cert, key))
        }
        (true, false) => Err(TlsError::IncompleteCa {
            present: cert_path,
            missing: key_path,
        }),
        (false, true) => Err(TlsError::IncompleteCa {
            present: key_path,
            missing: cert_path,
        }),
    }
}

/// The token stored at `path`, or a new random one (256 bits from two v4 UUIDs' randomness,
/// 64 hex digits) written there with mode 0600.
fn load_or_create_token(path: &Path) -> Result<String, TlsError> {
    if path.exists() {
        let token = read_file(path)?.trim().to_string();
        if token.is_empty() {
            return Err(TlsError::EmptyToken(path.to_path_buf()));
        }
        return Ok(token);
    }
    let token = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    write_file(path, &format!("{token}\n"), true)?;
    Ok(token)
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> TlsError {
    let path = path.to_path_buf();
    move |source| TlsError::Io { what, path, source }
}

fn read_file(path: &Path) -> Result<String, TlsError> {
    std::fs::read_to_string(path).map_err(io("reading", path))
}

/// Writes `text` to `path`, readable only by the owner when `secret` (on unix).
fn write_file(path: &Path, text: &str, secret: bool) -> Result<(), TlsError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options.open(path).map_err(io("writing", path))?;
    file.write_all(text.as_bytes()).map_err(io("writing", path))
}

/// Serves `router` over TLS on `listener` until `shutdown` completes. Each connection runs in
/// its own task; a failed or slow handshake drops only that connection.
pub async fn serve(
    listener: TcpListener,
    config: Arc<ServerConfig>,
    router: Router,
    shutdown: impl Future<Output = ()>,
) {
    let acceptor = TlsAcceptor::from(config);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => return,
        };
        let Ok((tcp, _peer)) = accepted else {
            tokio::time::sleep(ACCEPT_RETRY_DELAY).await;
            continue;
        };
        tokio::spawn(serve_connection(acceptor.clone(), tcp, router.clone()));
    }
}

async fn serve_connection(acceptor: TlsAcceptor, tcp: tokio::net::TcpStream, router: Router) {
    let stream = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(_)) | Err(_) => return,
    };
    // The verifier accepted the chain, so a presented certificate is one the CA signed.
    let certified = stream
        .get_ref()
        .1
        .peer_certificates()
        .is_some_and(|chain| !chain.is_empty());
    let router = if certified {
        router.layer(axum::Extension(crate::auth::ClientCertificate))
    } else {
        router
    };
    let service = TowerToHyperService::new(router);
    // A connection error (client went away, protocol error) concerns only this client.
    let _ = auto::Builder::new(TokioExecutor::new())
        .serve_connection_with_upgrades(TokioIo::new(stream), service)
        .await;
}
