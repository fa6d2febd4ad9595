//! Transport behaviour over the wire (kube-api.md §0.2): gzip — a large list is compressed for
//! a client that accepts gzip and decompresses to the same JSON, small answers and clients
//! without gzip get plain bodies — and overload — requests beyond the in-flight budget get 429
//! with `Retry-After`, watches are exempt.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;

use flotilla_apiserver::server::{ApiServer, GZIP_THRESHOLD_BYTES, InFlightLimits};
use flotilla_store::memory::MemoryStore;
use serde_json::{Value, json};

#[path = "support/http.rs"]
mod http;

fn start() -> (SocketAddr, tokio::runtime::Runtime) {
    start_with(InFlightLimits::default())
}

fn start_with(limits: InFlightLimits) -> (SocketAddr, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = ApiServer::new(Arc::new(MemoryStore::new()));
    let listener = runtime.block_on(async {
        server.bootstrap().await.unwrap();
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()
    });
    let address = listener.local_addr().unwrap();
    runtime.spawn(async move { axum::serve(listener, server.router_with(limits)).await });
    (address, runtime)
}

/// One exchange with a JSON body.
fn exchange(
    address: SocketAddr,
    method: &str,
    path: &str,
    extra: &str,
    body: &[u8],
) -> (String, Vec<u8>) {
    http::exchange(address, method, path, "application/json", extra, body)
}

#[test]
fn large_lists_are_gzipped_for_clients_that_accept_it() {
    let (address, _runtime) = start();
    let path = "/api/v1/namespaces/default/configmaps";
    let value = "x".repeat(40 * 1024);
    for i in 0..4 {
        let body = json!({"metadata": {"name": format!("big-{i}")}, "data": {"v": value}});
        let (head, _) = exchange(address, "POST", path, "", body.to_string().as_bytes());
        assert!(head.starts_with("http/1.1 201"), "{head}");
    }
    let (plain_head, plain) = exchange(address, "GET", path, "", b"");
    assert!(!plain_head.contains("content-encoding"), "{plain_head}");
    assert!(plain.len() as u64 >= GZIP_THRESHOLD_BYTES);
    let (head, compressed) = exchange(address, "GET", path, "Accept-Encoding: gzip\r\n", b"");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert!(head.contains("vary: accept-encoding"), "{head}");
    assert!(
        compressed.len() * 10 < plain.len(),
        "{} vs {}",
        compressed.len(),
        plain.len()
    );
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_end(&mut text)
        .unwrap();
    let list: Value = serde_json::from_slice(&text).unwrap();
    assert_eq!(list, serde_json::from_slice::<Value>(&plain).unwrap());
    assert_eq!(list["items"].as_array().unwrap().len(), 4);
    // A small answer stays plain even when gzip is accepted.
    let (head, _) = exchange(address, "GET", "/version", "Accept-Encoding: gzip\r\n", b"");
    assert!(!head.contains("content-encoding"), "{head}");
}

#[test]
fn requests_beyond_the_budget_get_429_and_watches_are_exempt() {
    let (address, _runtime) = start_with(InFlightLimits {
        reads: 1,
        mutations: 1,
    });
    // A list at a future resourceVersion waits (kube-api.md §7.2), holding the one read permit.
    let held = std::thread::spawn(move || {
        let path = "/api/v1/namespaces/default/configmaps?resourceVersion=999999";
        exchange(address, "GET", path, "", b"")
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let (head, body) = exchange(address, "GET", "/api/v1/namespaces", "", b"");
    assert!(head.starts_with("http/1.1 429"), "{head}");
    assert!(head.contains("retry-after: 1"), "{head}");
    let status: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status["reason"], "TooManyRequests");
    assert_eq!(status["details"]["retryAfterSeconds"], 1);
    // Mutations have their own budget; watches need none.
    let cm = json!({"metadata": {"name": "during"}});
    let path = "/api/v1/namespaces/default/configmaps";
    let (head, _) = exchange(address, "POST", path, "", cm.to_string().as_bytes());
    assert!(head.starts_with("http/1.1 201"), "{head}");
    let watch = format!("{path}?watch=true&timeoutSeconds=1");
    let (head, _) = exchange(address, "GET", &watch, "", b"");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    held.join().unwrap();
    let (head, _) = exchange(address, "GET", "/api/v1/namespaces", "", b"");
    assert!(
        head.starts_with("http/1.1 200"),
        "the permit came back: {head}"
    );
}

fn metrics_text(address: SocketAddr) -> String {
    let (head, body) = exchange(address, "GET", "/metrics", "", b"");
    assert!(
        head.contains("content-type: application/openmetrics-text"),
        "{head}"
    );
    String::from_utf8(body).unwrap()
}

/// The value of one sample line (`name{labels} value`), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series))
        .and_then(|rest| rest.trim().parse().ok())
}

#[test]
fn metrics_count_requests_by_verb_resource_and_code() {
    let (address, _runtime) = start();
    let path = "/api/v1/namespaces/default/configmaps";
    let cm = json!({"metadata": {"name": "m"}});
    for expected in ["201", "409"] {
        let (head, _) = exchange(address, "POST", path, "", cm.to_string().as_bytes());
        assert!(head.starts_with(&format!("http/1.1 {expected}")), "{head}");
    }
    exchange(address, "GET", &format!("{path}/m"), "", b"");
    let watch = std::thread::spawn(move || {
        exchange(
            address,
            "GET",
            &format!("{path}?watch=true&timeoutSeconds=2"),
            "",
            b"",
        )
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let text = metrics_text(address);
    let labels = "group=\"\",version=\"v1\",resource=\"configmaps\",subresource=\"\"";
    let created = format!("apiserver_request_total{{verb=\"POST\",{labels},code=\"201\"}}");
    let conflicted = format!("apiserver_request_total{{verb=\"POST\",{labels},code=\"409\"}}");
    let got = format!("apiserver_request_total{{verb=\"GET\",{labels},code=\"200\"}}");
    assert_eq!(sample(&text, &created), Some(1.0), "{text}");
    assert_eq!(sample(&text, &conflicted), Some(1.0), "{text}");
    assert_eq!(sample(&text, &got), Some(1.0), "{text}");
    let open = format!("apiserver_longrunning_requests{{verb=\"WATCH\",{labels}}}");
    assert_eq!(sample(&text, &open), Some(1.0), "the watch is open: {text}");
    let durations = format!("apiserver_request_duration_seconds_count{{verb=\"POST\",{labels}}}");
    assert_eq!(sample(&text, &durations), Some(2.0), "{text}");
    watch.join().unwrap();
    // Paths are client input: an unserved resource is counted as a non-resource request.
    exchange(address, "GET", "/apis/made.up/v1/things-12345", "", b"");
    let text = metrics_text(address);
    assert!(!text.contains("things-12345"), "{text}");
    assert_eq!(sample(&text, &open), Some(0.0), "the watch ended: {text}");
}
