//! API server benchmark (issue acceptance): create, get, list and watch latency (p50/p99) and
//! throughput with 1, 16 and 64 concurrent clients, on SQLite and on etcd; and memory with
//! 100,000 objects. Prints figures; asserts nothing about time.
//!
//! The server runs in this process (plain HTTP on 127.0.0.1, a multi-thread tokio runtime) over
//! each backend in turn: SQLite in a temporary directory, then etcd when this build has the
//! store's `etcd` feature and an `etcd` binary is on PATH (started on loopback with a temporary
//! data directory, like the store benchmark). The clients run in the same process and share its
//! cores with the server. Each client is its own `kube::Client` (its own HTTP/1.1 connection)
//! driven by one task issuing requests back to back for a fixed time:
//!
//! - create: POST a ConfigMap (256 B of data) with a fresh name;
//! - get: GET one of the list namespace's ConfigMaps by name;
//! - list: GET the collection of a namespace holding 100 ConfigMaps (whole, no limit; the body
//!   is read, not decoded);
//! - watch: C watchers on one namespace from a known resourceVersion, one writer patching
//!   objects back to back; latency from just before each write is issued to each watcher's
//!   receipt of its event, throughput in events delivered per second.
//!
//! Then the memory phase: 100,000 ConfigMaps created through the API by 64 clients, the
//! process's VmRSS and VmHWM before and after, and a full list of them through the API, in one
//! request and in pages of 500 (with etcd its own process's RSS is reported too).
//!
//! Run: `cargo bench -p flotilla-apiserver --features flotilla-store/etcd --bench apiserver`
//! (without the feature, SQLite only). Options after `--`: `--seconds S` per measured phase
//! (default 2), `--clients 1,16,64`, `--list-objects N` (default 100), `--memory-objects N`
//! (default 100000; 0 skips the phase), `--quick` (0.5 s phases, 5,000 memory objects),
//! `--only sqlite|etcd` (one backend: memory figures then start from a fresh process).

#[path = "apiserver/load.rs"]
mod load;
#[path = "apiserver/memory.rs"]
mod memory;
#[path = "apiserver/watch.rs"]
mod watch;

#[path = "../../store/tests/support/etcd_server.rs"]
mod etcd_server;

use std::sync::Arc;

use flotilla_apiserver::server::ApiServer;
use flotilla_store::Store;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, ObjectMeta, PostParams};

/// Length of each measured phase unless `--seconds` says otherwise (milliseconds).
const DEFAULT_PHASE_MS: u64 = 2_000;
/// Length of each measured phase with `--quick` (milliseconds).
const QUICK_PHASE_MS: u64 = 500;
/// ConfigMaps in the namespace that is listed (and read by name) unless `--list-objects`.
const DEFAULT_LIST_OBJECTS: usize = 100;
/// ConfigMaps created in the memory phase unless `--memory-objects`.
const DEFAULT_MEMORY_OBJECTS: usize = 100_000;
/// ConfigMaps created in the memory phase with `--quick`.
const QUICK_MEMORY_OBJECTS: usize = 5_000;
/// Bytes of data in every ConfigMap created.
const PAYLOAD_BYTES: usize = 256;
/// The etcd key prefix the server stores under.
const ETCD_PREFIX: &str = "/flotilla";

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Length of each measured phase (milliseconds).
    pub phase_ms: u64,
    /// Concurrency levels.
    pub clients: Vec<usize>,
    /// ConfigMaps in the listed namespace.
    pub list_objects: usize,
    /// ConfigMaps created in the memory phase (0: no memory phase).
    pub memory_objects: usize,
    /// The one backend to run (`sqlite` or `etcd`), or both.
    pub only: Option<String>,
}

impl Options {
    fn parse() -> Options {
        let mut options = Options {
            phase_ms: DEFAULT_PHASE_MS,
            clients: vec![1, 16, 64],
            list_objects: DEFAULT_LIST_OBJECTS,
            memory_objects: DEFAULT_MEMORY_OBJECTS,
            only: None,
        };
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut i = 0;
        while i < args.len() {
            let value = args.get(i + 1).map(String::as_str).unwrap_or("");
            match args[i].as_str() {
                "--bench" => {} // Passed by `cargo bench`.
                "--quick" => {
                    options.phase_ms = QUICK_PHASE_MS;
                    options.memory_objects = QUICK_MEMORY_OBJECTS;
                }
                "--seconds" => {
                    options.phase_ms = (number::<f64>("--seconds", value) * 1e3) as u64;
                    i += 1;
                }
                "--clients" => {
                    options.clients = value.split(',').map(|c| number("--clients", c)).collect();
                    i += 1;
                }
                "--list-objects" => {
                    options.list_objects = number("--list-objects", value);
                    i += 1;
                }
                "--memory-objects" => {
                    options.memory_objects = number("--memory-objects", value);
                    i += 1;
                }
                "--only" if ["sqlite", "etcd"].contains(&value) => {
                    options.only = Some(value.to_string());
                    i += 1;
                }
                other => usage(&format!("unknown argument {other:?}")),
            }
            i += 1;
        }
        options
    }

    /// The arguments that reproduce these options.
    fn command(&self) -> String {
        let clients: Vec<String> = self.clients.iter().map(usize::to_string).collect();
        let only = self
            .only
            .as_ref()
            .map(|b| format!(" --only {b}"))
            .unwrap_or_default();
        let features = if flotilla_store::ETCD_SUPPORT {
            " --features flotilla-store/etcd"
        } else {
            ""
        };
        format!(
            "cargo bench -p flotilla-apiserver{features} --bench apiserver \
             -- --seconds {} --clients {} --list-objects {} --memory-objects {}{only}",
            self.phase_ms as f64 / 1e3,
            clients.join(","),
            self.list_objects,
            self.memory_objects
        )
    }
}

fn number<T: std::str::FromStr>(name: &str, value: &str) -> T {
    value
        .parse()
        .unwrap_or_else(|_| usage(&format!("{name} needs a number, not {value:?}")))
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "{problem}\nusage: apiserver [--quick] [--seconds S] [--clients 1,16,64] \
         [--list-objects N] [--memory-objects N] [--only sqlite|etcd]"
    );
    std::process::exit(2)
}

/// A backend under measurement; dropping it stops what it started.
pub struct Backend {
    /// Short name for the tables.
    pub name: &'static str,
    /// What it is, in one line.
    pub description: String,
    store: Arc<dyn Store>,
    /// The data directory (SQLite), removed on drop.
    _dir: Option<tempfile::TempDir>,
    /// The etcd process, stopped on drop.
    pub etcd: Option<etcd_server::EtcdServer>,
}

fn sqlite() -> Backend {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("data");
    let store = flotilla_store::sqlite::SqliteStore::open(&path).expect("open SQLite");
    Backend {
        name: "sqlite",
        description: format!("SQLite (WAL, synchronous=FULL) in {}", path.display()),
        store: Arc::new(store),
        _dir: Some(dir),
        etcd: None,
    }
}

/// etcd from PATH, or why not.
async fn etcd() -> Result<Backend, String> {
    if !flotilla_store::ETCD_SUPPORT {
        return Err("this build has no etcd support; add --features flotilla-store/etcd".into());
    }
    if etcd_server::find_etcd().is_none() {
        return Err("no `etcd` binary on PATH".into());
    }
    let server = etcd_server::EtcdServer::start_or_skip("apiserver benchmark")
        .ok_or("no `etcd` binary on PATH")?;
    let store = flotilla_store::open_etcd(&server.endpoints(), ETCD_PREFIX)
        .await
        .map_err(|e| format!("cannot connect to etcd: {e}"))?;
    Ok(Backend {
        name: "etcd",
        description: format!(
            "etcd (one member, loopback, data in {})",
            server.data_dir().display()
        ),
        store,
        _dir: None,
        etcd: Some(server),
    })
}

/// Serves `store` on a fresh loopback port; the base URL and the serving task.
async fn serve(store: Arc<dyn Store>) -> (String, tokio::task::JoinHandle<()>) {
    let server = ApiServer::new(store);
    server.bootstrap().await.expect("bootstrap");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("an address");
    let task = tokio::spawn(async move {
        axum::serve(listener, server.router())
            .await
            .expect("the server ran");
    });
    (format!("http://{address}"), task)
}

/// A new client (its own connection pool) for the server at `url`.
pub fn client(url: &str) -> kube::Client {
    let uri = url.parse().expect("a URL");
    kube::Client::try_from(kube::Config::new(uri)).expect("a client")
}

/// A ConfigMap named `name` with `PAYLOAD_BYTES` of data.
pub fn config_map(name: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some([("app".to_string(), "bench".to_string())].into()),
            ..Default::default()
        },
        data: Some([("payload".to_string(), "x".repeat(PAYLOAD_BYTES))].into()),
        ..Default::default()
    }
}

/// Creates namespace `name`.
pub async fn create_namespace(client: &kube::Client, name: &str) {
    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &namespace)
        .await
        .expect("create a namespace");
}

/// Creates `n` ConfigMaps `o00000`... in namespace `ns`, one after another.
pub async fn fill(client: &kube::Client, ns: &str, n: usize) {
    let api = Api::<ConfigMap>::namespaced(client.clone(), ns);
    for i in 0..n {
        api.create(&PostParams::default(), &config_map(&format!("o{i:05}")))
            .await
            .expect("create a ConfigMap");
    }
}

async fn run(backend: &Backend, options: &Options) {
    println!("\n== {}: {}", backend.name, backend.description);
    let (url, task) = serve(backend.store.clone()).await;
    let mut rows = load::run_all(&url, options).await;
    rows.extend(watch::run_all(&url, options).await);
    load::print_table(backend.name, &rows);
    if options.memory_objects > 0 {
        memory::run(&url, backend, options.memory_objects).await;
    }
    task.abort();
}

fn main() {
    let options = Options::parse();
    println!(
        "API server benchmark — rerun with:\n  {}",
        options.command()
    );
    println!(
        "phases of {} ms per (operation, clients); {} cores; server and clients in one process",
        options.phase_ms,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let wanted = |name: &str| options.only.as_deref().is_none_or(|only| only == name);
    runtime.block_on(async {
        if wanted("sqlite") {
            let sqlite = sqlite();
            run(&sqlite, &options).await;
        }
        if wanted("etcd") {
            match etcd().await {
                Ok(etcd) => run(&etcd, &options).await,
                Err(why) => println!("\netcd: skipped ({why})"),
            }
        }
    });
}
