//! The memory phase: N ConfigMaps created through the API by 64 clients, then listed through
//! the API in pages of 500 and whole (one request); this process's VmRSS after each step and
//! its VmHWM during each step (the peak is reset before every step through
//! `/proc/self/clear_refs`), and etcd's own RSS when etcd is the backend.

use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, PostParams};
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::Backend;
use crate::load::get_text;

/// The namespace the objects are created in.
const MEMORY_NAMESPACE: &str = "bench-memory";
/// Concurrent clients creating the objects.
const MEMORY_CLIENTS: usize = 64;
/// Objects per page of the paged list.
const PAGE_OBJECTS: usize = 500;
/// Bytes per mebibyte.
const MIB_BYTES: f64 = 1024.0 * 1024.0;

/// Resident memory of a process (KiB, as /proc reports it).
#[derive(Clone, Copy, Default)]
struct Rss {
    now_kib: u64,
    peak_kib: u64,
}

impl Rss {
    fn read(status_path: &str) -> Rss {
        let text = std::fs::read_to_string(status_path).unwrap_or_default();
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0)
        };
        Rss {
            now_kib: field("VmRSS:"),
            peak_kib: field("VmHWM:"),
        }
    }

    fn of_self() -> Rss {
        Rss::read("/proc/self/status")
    }

    fn show(self) -> String {
        format!(
            "RSS {:.1} MiB, peak {:.1} MiB",
            self.now_kib as f64 / 1024.0,
            self.peak_kib as f64 / 1024.0
        )
    }
}

/// Starts a new peak (VmHWM := VmRSS); false where the kernel does not allow it.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// A list page: how many items, and the continue token.
#[derive(Deserialize)]
struct Page {
    items: Vec<IgnoredAny>,
    metadata: PageMeta,
}

#[derive(Deserialize)]
struct PageMeta {
    #[serde(rename = "continue", default)]
    next: Option<String>,
}

/// Runs the memory phase on the server at `url` over `backend`.
pub async fn run(url: &str, backend: &Backend, objects: usize) {
    println!(
        "\nmemory, {objects} ConfigMaps through the API on {} (this process: server and \
         clients; RSS after each step, peak during it)",
        backend.name
    );
    let setup = crate::client(url);
    crate::create_namespace(&setup, MEMORY_NAMESPACE).await;
    let resettable = reset_peak();
    println!("  before                      {}", Rss::of_self().show());
    let started = Instant::now();
    let (errors, first_error) = load(url, objects).await;
    let took = started.elapsed();
    println!(
        "  create ({MEMORY_CLIENTS} clients)         {:.1} s, {:.0} creates/s, {errors} errors; {}",
        took.as_secs_f64(),
        objects as f64 / took.as_secs_f64(),
        Rss::of_self().show()
    );
    if let Some(error) = first_error {
        println!("    first error: {error}");
    }
    // Pages first: the allocator keeps what the whole list needed, which would hide their peak.
    let path = format!("/api/v1/namespaces/{MEMORY_NAMESPACE}/configmaps");
    reset_peak();
    let (took, pages, items) = list_paged(&setup, &path).await;
    println!(
        "  list in pages of {PAGE_OBJECTS}        {:.0} ms, {items} items in {pages} pages; {}",
        ms(took),
        Rss::of_self().show()
    );
    reset_peak();
    let (took, bytes, items) = list_whole(&setup, &path).await;
    println!(
        "  list whole (1 request)      {:.0} ms, {items} items, {:.1} MiB of JSON; {}",
        ms(took),
        bytes as f64 / MIB_BYTES,
        Rss::of_self().show()
    );
    if !resettable {
        println!("  (peaks are since the process started: /proc/self/clear_refs is not writable)");
    }
    if let Some(etcd) = &backend.etcd {
        let rss = etcd_status(&etcd.data_dir()).map_or_else(Rss::default, |p| Rss::read(&p));
        println!("  etcd process                {}", rss.show());
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// Creates `objects` ConfigMaps with `MEMORY_CLIENTS` clients; the errors and the first one.
async fn load(url: &str, objects: usize) -> (usize, Option<String>) {
    let mut handles = Vec::new();
    for index in 0..MEMORY_CLIENTS {
        let api = Api::<ConfigMap>::namespaced(crate::client(url), MEMORY_NAMESPACE);
        handles.push(tokio::spawn(async move {
            let mut errors = 0;
            let mut first = None;
            for i in (index..objects).step_by(MEMORY_CLIENTS) {
                let object = crate::config_map(&format!("m{i:07}"));
                if let Err(e) = api.create(&PostParams::default(), &object).await {
                    errors += 1;
                    first.get_or_insert(e.to_string());
                }
            }
            (errors, first)
        }));
    }
    let mut errors = 0;
    let mut first = None;
    for handle in handles {
        let (e, f) = handle.await.expect("a loader");
        errors += e;
        first = first.or(f);
    }
    (errors, first)
}

/// One GET of the whole collection, its body scanned for the item count: time, bytes, items.
async fn list_whole(client: &kube::Client, path: &str) -> (Duration, usize, usize) {
    let started = Instant::now();
    let body = get_text(client, path).await.expect("list whole");
    let page: Page = serde_json::from_str(&body).expect("a list");
    (started.elapsed(), body.len(), page.items.len())
}

/// GETs of `PAGE_OBJECTS` each until the last page: time, pages, items.
async fn list_paged(client: &kube::Client, path: &str) -> (Duration, usize, usize) {
    let started = Instant::now();
    let mut token: Option<String> = None;
    let (mut pages, mut items) = (0, 0);
    loop {
        let mut page_path = format!("{path}?limit={PAGE_OBJECTS}");
        if let Some(token) = &token {
            page_path.push_str("&continue=");
            page_path.push_str(&percent_encode(token));
        }
        let body = get_text(client, &page_path).await.expect("a page");
        let page: Page = serde_json::from_str(&body).expect("a list page");
        pages += 1;
        items += page.items.len();
        token = page.metadata.next.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    (started.elapsed(), pages, items)
}

/// `text` with everything but URL-unreserved characters percent-encoded.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The /proc status file of the etcd process serving `data_dir` (the one this benchmark
/// started), if it is found.
fn etcd_status(data_dir: &std::path::Path) -> Option<String> {
    let wanted = format!("--data-dir={}", data_dir.display());
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            cmdline
                .split(|b| *b == 0)
                .any(|arg| arg == wanted.as_bytes())
                .then(|| entry.path().join("status").display().to_string())
        })
}
