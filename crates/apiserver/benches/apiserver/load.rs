//! The request phases: C clients, each one task issuing create, get or list requests back to
//! back until the phase ends; latency of every request, throughput of the phase; and the table
//! every phase (watch included) is printed in.

use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, PostParams};

use crate::Options;

/// The namespace creates go to.
const CREATE_NAMESPACE: &str = "bench-create";
/// The namespace that is listed and read by name.
const LIST_NAMESPACE: &str = "bench-list";

/// One measured (operation, clients) phase.
pub struct Row {
    /// What was measured.
    pub op: &'static str,
    /// Concurrent clients (watchers for watch).
    pub clients: usize,
    /// Operations (events delivered for watch).
    pub count: usize,
    /// Operations (events delivered) per second.
    pub per_s: f64,
    /// Every successful operation's latency, sorted.
    pub latencies: Vec<Duration>,
    /// Failed operations (missing deliveries for watch).
    pub errors: usize,
    /// Anything else worth saying (the first error, the writer's rate).
    pub note: String,
}

#[derive(Clone, Copy)]
enum Op {
    Create,
    Get,
    List,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Get => "get",
            Op::List => "list",
        }
    }
}

/// What one client did in a phase.
struct ClientRun {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
    ended: Instant,
}

/// Every create, get and list phase at every concurrency level.
pub async fn run_all(url: &str, options: &Options) -> Vec<Row> {
    let setup = crate::client(url);
    crate::create_namespace(&setup, CREATE_NAMESPACE).await;
    crate::create_namespace(&setup, LIST_NAMESPACE).await;
    crate::fill(&setup, LIST_NAMESPACE, options.list_objects).await;
    let mut rows = Vec::new();
    for op in [Op::Create, Op::Get, Op::List] {
        for &clients in &options.clients {
            rows.push(phase(url, op, clients, options).await);
        }
    }
    rows
}

/// One operation with `clients` clients for the phase length.
async fn phase(url: &str, op: Op, clients: usize, options: &Options) -> Row {
    let mut handles = Vec::new();
    let mut ready = Vec::new();
    for _ in 0..clients {
        let client = crate::client(url);
        client.apiserver_version().await.expect("a first request");
        ready.push(client);
    }
    let started = Instant::now();
    let deadline = started + Duration::from_millis(options.phase_ms);
    for (index, client) in ready.into_iter().enumerate() {
        let who = Who {
            index,
            clients,
            list_objects: options.list_objects,
        };
        handles.push(tokio::spawn(drive(op, client, who, deadline)));
    }
    let mut runs = Vec::new();
    for handle in handles {
        runs.push(handle.await.expect("a client task"));
    }
    let mut row = row(op, clients, started, runs);
    if row.note.is_empty() {
        row.note = match op {
            Op::Create => format!("POST ConfigMap, {} B data", crate::PAYLOAD_BYTES),
            Op::Get => format!("GET by name, one of {}", options.list_objects),
            Op::List => format!(
                "{} objects per list, whole, not decoded",
                options.list_objects
            ),
        };
    }
    row
}

fn row(op: Op, clients: usize, started: Instant, runs: Vec<ClientRun>) -> Row {
    let ended = runs.iter().map(|r| r.ended).max().unwrap_or(started);
    let errors = runs.iter().map(|r| r.errors).sum();
    let note = runs
        .iter()
        .find_map(|r| r.first_error.clone())
        .map(|e| format!("first error: {e}"))
        .unwrap_or_default();
    let mut latencies: Vec<Duration> = runs.into_iter().flat_map(|r| r.latencies).collect();
    latencies.sort();
    Row {
        op: op.name(),
        clients,
        count: latencies.len(),
        per_s: latencies.len() as f64 / (ended - started).as_secs_f64(),
        latencies,
        errors,
        note,
    }
}

/// Which client this is.
#[derive(Clone, Copy)]
struct Who {
    index: usize,
    clients: usize,
    list_objects: usize,
}

/// One client's loop: requests back to back until `deadline`.
async fn drive(op: Op, client: kube::Client, who: Who, deadline: Instant) -> ClientRun {
    let mut run = ClientRun {
        latencies: Vec::new(),
        errors: 0,
        first_error: None,
        ended: Instant::now(),
    };
    let mut sequence = 0;
    while Instant::now() < deadline {
        let issued = Instant::now();
        match once(op, &client, who, sequence).await {
            Ok(()) => run.latencies.push(issued.elapsed()),
            Err(error) => {
                run.errors += 1;
                run.first_error.get_or_insert(error);
            }
        }
        sequence += 1;
    }
    run.ended = Instant::now();
    run
}

/// One request.
async fn once(op: Op, client: &kube::Client, who: Who, sequence: usize) -> Result<(), String> {
    match op {
        Op::Create => {
            let api = Api::<ConfigMap>::namespaced(client.clone(), CREATE_NAMESPACE);
            let name = format!("c{}-{}-{sequence}", who.clients, who.index);
            api.create(&PostParams::default(), &crate::config_map(&name))
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
        Op::Get => {
            let api = Api::<ConfigMap>::namespaced(client.clone(), LIST_NAMESPACE);
            let i = (who.index * 7_919 + sequence) % who.list_objects.max(1);
            api.get(&format!("o{i:05}"))
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }
        Op::List => {
            let path = format!("/api/v1/namespaces/{LIST_NAMESPACE}/configmaps");
            get_text(client, &path).await.map(drop)
        }
    }
}

/// The body of GET `path`.
pub async fn get_text(client: &kube::Client, path: &str) -> Result<String, String> {
    let request = axum::http::Request::get(path)
        .body(Vec::new())
        .map_err(|e| e.to_string())?;
    client
        .request_text(request)
        .await
        .map_err(|e| e.to_string())
}

/// The `p` quantile of sorted `latencies`, in milliseconds.
pub fn quantile_ms(latencies: &[Duration], p: f64) -> f64 {
    if latencies.is_empty() {
        return f64::NAN;
    }
    let rank = ((latencies.len() as f64 - 1.0) * p).round() as usize;
    latencies[rank].as_secs_f64() * 1e3
}

/// Prints `rows` as one table.
pub fn print_table(backend: &str, rows: &[Row]) {
    println!(
        "{:<8} {:<8} {:>7} {:>9} {:>11} {:>9} {:>9} {:>7}  note",
        "backend", "op", "clients", "count", "per s", "p50 ms", "p99 ms", "errors"
    );
    for row in rows {
        println!(
            "{:<8} {:<8} {:>7} {:>9} {:>11.0} {:>9.2} {:>9.2} {:>7}  {}",
            backend,
            row.op,
            row.clients,
            row.count,
            row.per_s,
            quantile_ms(&row.latencies, 0.50),
            quantile_ms(&row.latencies, 0.99),
            row.errors,
            row.note
        );
    }
}
