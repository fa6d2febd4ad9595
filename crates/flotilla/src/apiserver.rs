//! `flotilla apiserver`: serves the Kubernetes-compatible API over the SQLite store in a data
//! directory and writes a kubeconfig that works as is. Owns: argument mapping, the listener and
//! the kubeconfig file. Must not: implement the API (`flotilla-apiserver`).
//!
//! Today the server speaks plain HTTP, which it does only when asked (`--insecure-http`) and
//! only on a loopback address; TLS with a generated CA and bearer tokens is the next step.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use flotilla_api::admission::AdmissionConfig;
use flotilla_apiserver::server::ApiServer;
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
    if !args.insecure_http {
        bail!(
            "TLS serving is not implemented yet: pass --insecure-http to serve plain HTTP on a loopback address"
        );
    }
    if !listen.ip().is_loopback() {
        bail!(
            "plain HTTP is only served on a loopback address, not {}",
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
    let store = SqliteStore::open(&args.data_dir.join("store"))
        .with_context(|| format!("opening the store in {}", args.data_dir.display()))?;
    let admission = AdmissionConfig {
        allow_no_execute_taint_policy: args.allow_no_execute_taint_policy,
        ..AdmissionConfig::default()
    };
    let server = ApiServer::with_admission(Arc::new(store), admission);
    server
        .bootstrap()
        .await
        .map_err(|e| anyhow::anyhow!("creating the system namespaces: {}", e.message))?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let address = listener.local_addr().context("reading the bound address")?;
    let kubeconfig = args.data_dir.join("kubeconfig");
    write_kubeconfig(&kubeconfig, &format!("http://{address}"))?;
    eprintln!(
        "flotilla apiserver: serving http://{address} (store {}); export KUBECONFIG={}",
        args.data_dir.join("store").display(),
        kubeconfig.display()
    );
    axum::serve(listener, server.router())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serving")?;
    Ok(Outcome::Success)
}

/// A kubeconfig with one cluster, user and context named `flotilla`.
fn write_kubeconfig(path: &Path, server: &str) -> Result<()> {
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: flotilla\n  cluster:\n    server: {server}\n\
         users:\n- name: flotilla-admin\n  user: {{}}\ncontexts:\n- name: flotilla\n  context:\n    cluster: flotilla\n    user: flotilla-admin\n\
         current-context: flotilla\n"
    );
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
