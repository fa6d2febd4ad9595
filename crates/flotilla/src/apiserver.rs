//! `flotilla apiserver`: serves the Kubernetes-compatible API over the SQLite store in a data
//! directory (or etcd, `--etcd-endpoints`) and writes a kubeconfig that works as is. Owns: argument mapping, the listener,
//! the choice between TLS and plain HTTP, and the kubeconfig file. Must not: implement the API,
//! the PKI or the token check (`flotilla-apiserver`).
//!
//! By default the server speaks TLS with a certificate from a CA generated on first start in
//! `DIR/pki` and requires the admin bearer token; plain HTTP without authentication only when
//! asked (`--insecure-http`) and only on a loopback address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use flotilla_api::admission::AdmissionConfig;
use flotilla_apiserver::auth::{Tokens, require_bearer};
use flotilla_apiserver::kubeconfig::{Access, render};
use flotilla_apiserver::server::{ApiServer, InFlightLimits};
use flotilla_apiserver::tls;
use flotilla_store::Store;
use flotilla_store::sqlite::SqliteStore;

use crate::Outcome;
use crate::cli::ApiserverArgs;

/// Runs the server until interrupted.
pub fn run(args: &ApiserverArgs) -> Result<Outcome> {
    let listen: SocketAddr = args.listen.parse().with_context(|| {
        format!(
            "--listen {:?} is not an address like 127.0.0.1:6443",
            args.listen
        )
    })?;
    if args.insecure_http && !listen.ip().is_loopback() {
        bail!(
            "plain HTTP is only served on a loopback address, not {}; drop --insecure-http to serve TLS",
            listen.ip()
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(serve(args, listen))
}

async fn serve(args: &ApiserverArgs, listen: SocketAddr) -> Result<Outcome> {
    let store = open_store(args).await?;
    let admission = AdmissionConfig {
        allow_no_execute_taint_policy: args.allow_no_execute_taint_policy,
        ..AdmissionConfig::default()
    };
    let server = ApiServer::with_admission(store, admission);
    server
        .bootstrap()
        .await
        .map_err(|e| anyhow::anyhow!("creating the system namespaces: {}", e.message))?;
    // Namespace lifecycle and garbage collection run in this process (docs/decisions.md).
    let _controllers = server.spawn_controllers();
    let limits = InFlightLimits {
        reads: args.max_requests_inflight as usize,
        mutations: args.max_mutating_requests_inflight as usize,
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let bound = listener.local_addr().context("reading the bound address")?;
    let kubeconfig = args.data_dir.join("kubeconfig");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if args.insecure_http {
        let url = format!("http://{}", client_address(bound));
        write_kubeconfig(
            &kubeconfig,
            &render(&Access {
                server: &url,
                ..Access::default()
            }),
        )?;
        announce(args, &url, &kubeconfig);
        axum::serve(listener, server.router_with(limits))
            .with_graceful_shutdown(shutdown)
            .await
            .context("serving")?;
        return Ok(Outcome::Success);
    }
    let pki_dir = args.data_dir.join("pki");
    let pki = tls::load_or_create(&pki_dir, &[listen.ip().to_string()])
        .with_context(|| format!("setting up TLS in {}", pki_dir.display()))?;
    let url = format!("https://{}", client_address(bound));
    let access = Access {
        server: &url,
        ca_pem: Some(&pki.ca_pem),
        token: Some(&pki.admin_token),
        client_cert: None,
    };
    write_kubeconfig(&kubeconfig, &render(&access))?;
    announce(args, &url, &kubeconfig);
    let router = require_bearer(
        server.router_with(limits),
        Tokens::new([pki.admin_token.clone()]),
    );
    tls::serve(listener, pki.server_config.clone(), router, shutdown).await;
    Ok(Outcome::Success)
}

/// SQLite in `DIR/store`, or etcd when `--etcd-endpoints` is given.
async fn open_store(args: &ApiserverArgs) -> Result<Arc<dyn Store>> {
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("creating the data directory {}", args.data_dir.display()))?;
    if args.etcd_endpoints.is_empty() {
        let store = SqliteStore::open(&args.data_dir.join("store"))
            .with_context(|| format!("opening the store in {}", args.data_dir.display()))?;
        return Ok(Arc::new(store));
    }
    flotilla_store::open_etcd(&args.etcd_endpoints, &args.etcd_prefix)
        .await
        .with_context(|| format!("connecting to etcd at {}", args.etcd_endpoints.join(",")))
}

/// The address clients use: loopback of the same family when listening on all interfaces.
fn client_address(bound: SocketAddr) -> SocketAddr {
    let ip = match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, bound.port())
}

fn announce(args: &ApiserverArgs, url: &str, kubeconfig: &Path) {
    eprintln!(
        "flotilla apiserver: serving {url} (store {}); kubeconfig written to {}: export KUBECONFIG={}",
        store_description(args),
        kubeconfig.display(),
        kubeconfig.display()
    );
}

fn store_description(args: &ApiserverArgs) -> String {
    if args.etcd_endpoints.is_empty() {
        args.data_dir.join("store").display().to_string()
    } else {
        format!(
            "etcd {} under {}",
            args.etcd_endpoints.join(","),
            args.etcd_prefix
        )
    }
}

/// Writes the kubeconfig (it holds the admin token: owner-only on unix) through a temporary
/// file, so that a reader never sees half of it.
fn write_kubeconfig(path: &Path, text: &str) -> Result<()> {
    let temporary = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options
        .open(&temporary)
        .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()))
        .and_then(|()| std::fs::rename(&temporary, path));
    written.with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_use_loopback_for_unspecified_addresses() {
        let cases = [
            ("0.0.0.0:6443", "127.0.0.1:6443"),
            ("[::]:6443", "[::1]:6443"),
            ("10.1.2.3:6443", "10.1.2.3:6443"),
        ];
        for (bound, expected) in cases {
            let bound: SocketAddr = bound.parse().unwrap();
            assert_eq!(client_address(bound).to_string(), expected);
        }
    }
}
