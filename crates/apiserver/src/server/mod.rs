//! The HTTP server: one axum fallback handler routes every request through [`crate::route`] and
//! answers discovery, health and resource requests over the store. Objects are stored as JSON
//! without `metadata.resourceVersion`; the store's mod revision is injected on every read.
//!
//! Owns: request dispatch and the store access of each verb. Must not: decide metadata rules
//! (`objects`), parse selectors or patches (`selectors`, `patch`), or know a backend.

mod collection;
mod collector;
mod crds;
mod gzip;
mod inflight;
mod list;
mod metrics;
mod namespaces;
mod patch;
mod read;
mod reply;
mod watch;
mod write;

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use flotilla_store::Store;
use serde_json::{Value, json};

use crate::discovery;
use crate::openapi;
use crate::query::Query;
use crate::registry::Registry;
use crate::route::{Route, Target, route};
use crate::status::ApiError;
use flotilla_api::admission::AdmissionConfig;

pub use gzip::GZIP_THRESHOLD_BYTES;
pub use inflight::InFlightLimits;
pub use metrics::{ApiMetrics, METRICS_PATH};
pub use namespaces::PROTECTED_NAMESPACES;
pub use reply::{json_response, status_response, with_warnings};

/// Largest request body accepted (3 MiB; kube-api.md §5.2: larger bodies get 413).
pub const MAX_REQUEST_BODY_BYTES: usize = 3 * 1024 * 1024;

/// Namespaces every server has (created at start when missing).
pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "karmada-system"];

/// The API server's shared state.
pub struct ApiServer {
    /// The store.
    pub store: Arc<dyn Store>,
    /// What is served.
    pub registry: Arc<Registry>,
    /// Server flags of admission (`--allow-no-execute-taint-policy`, ...).
    pub admission: AdmissionConfig,
    /// Request metrics, served at `/metrics`.
    pub metrics: Arc<ApiMetrics>,
}

impl ApiServer {
    /// A server over `store` serving the built-ins and Flotilla's kinds, with Karmada's default
    /// admission flags.
    pub fn new(store: Arc<dyn Store>) -> Arc<ApiServer> {
        Self::with_admission(store, AdmissionConfig::default())
    }

    /// A server with these admission flags.
    pub fn with_admission(store: Arc<dyn Store>, admission: AdmissionConfig) -> Arc<ApiServer> {
        Arc::new(ApiServer {
            store,
            registry: Arc::new(Registry::with_builtins()),
            admission,
            metrics: ApiMetrics::new(),
        })
    }

    /// Registers the stored CRDs and creates the system namespaces that do not exist yet.
    pub async fn bootstrap(&self) -> Result<(), ApiError> {
        crds::load(self).await?;
        let namespaces = self
            .registry
            .lookup("", "v1", "namespaces")
            .expect("namespaces are built in");
        for ns in SYSTEM_NAMESPACES {
            let body = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns},
                              "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
            let options = write::WriteOptions::default();
            match write::create_object(self, &namespaces, None, body, &options).await {
                Ok(_) => {}
                Err(e) if e.code == 409 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Starts the background controllers inside the API server process: the namespace
    /// controller (empties and removes terminating namespaces, kube-api.md §0.2) and the garbage
    /// collector (deletes objects whose owners are all gone, and carries out Foreground and
    /// Orphan deletions, §7.9). Call once per store, after [`ApiServer::bootstrap`], inside a
    /// tokio runtime; they run until their handles are aborted or the runtime shuts down.
    /// Without them, namespaces stay `Terminating`, orphans stay, and cascading deletions wait.
    pub fn spawn_controllers(self: &Arc<Self>) -> Vec<tokio::task::JoinHandle<()>> {
        vec![
            tokio::spawn(namespaces::run(self.clone())),
            tokio::spawn(collector::run(self.clone())),
        ]
    }

    /// The router: every path goes through `handle`.
    pub fn router(self: Arc<Self>) -> Router {
        self.router_with(InFlightLimits::default())
    }

    /// The router with these budgets of requests in flight (kube-api.md §0.2: 429 beyond).
    pub fn router_with(self: Arc<Self>, limits: InFlightLimits) -> Router {
        let budgets = inflight::Budgets::new(limits);
        let observed = self.clone();
        Router::new()
            .fallback(handle)
            .layer(axum::middleware::from_fn_with_state(
                budgets,
                inflight::limit,
            ))
            .layer(axum::middleware::from_fn(gzip::compress))
            .layer(axum::middleware::from_fn_with_state(
                observed,
                metrics::observe,
            ))
            .with_state(self)
    }
}

/// One request.
async fn handle(
    State(server): State<Arc<ApiServer>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = match axum::body::to_bytes(body, MAX_REQUEST_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return status_response(&ApiError::request_entity_too_large(MAX_REQUEST_BODY_BYTES));
        }
    };
    let query = Query::parse(uri.query().unwrap_or(""));
    let accept = header(&headers, "accept");
    match route(&server.registry, uri.path()) {
        Route::Version => json_response(200, &discovery::version()),
        Route::Health => reply::text_response(200, "ok"),
        Route::Api | Route::Apis if discovery::wants_aggregated(&accept) => {
            let core = uri.path().trim_end_matches('/') == "/api";
            let doc = discovery::aggregated(&server.registry, core);
            reply::typed_json_response(200, discovery::AGGREGATED_CONTENT_TYPE, &doc)
        }
        Route::Api => json_response(200, &discovery::api_versions(&header(&headers, "host"))),
        Route::Apis => json_response(200, &discovery::api_group_list(&server.registry)),
        Route::Group(g) => found(discovery::api_group(&server.registry, &g)),
        Route::GroupVersion(g, v) => found(discovery::api_resource_list(&server.registry, &g, &v)),
        Route::OpenApiV3Index => json_response(200, &openapi::index(&server.registry)),
        Route::OpenApiV3(g, v) => found(openapi::document(&server.registry, &g, &v)),
        Route::OpenApiV2 | Route::Unknown => status_response(&ApiError::unknown_path()),
        Route::Resource(target) => {
            let request = Request {
                method,
                target,
                query,
                headers,
                body,
            };
            match resource_request(&server, request).await {
                Ok(response) => response,
                Err(error) => status_response(&error),
            }
        }
    }
}

fn found(doc: Option<Value>) -> Response {
    match doc {
        Some(doc) => json_response(200, &doc),
        None => status_response(&ApiError::unknown_path()),
    }
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// A request on a resource path.
pub(crate) struct Request {
    pub method: Method,
    pub target: Target,
    pub query: Query,
    pub headers: HeaderMap,
    pub body: Bytes,
}

async fn resource_request(server: &ApiServer, request: Request) -> Result<Response, ApiError> {
    let has_name = request.target.name.is_some();
    match (request.method.clone(), has_name) {
        (Method::GET, true) => read::get(server, &request).await,
        (Method::GET, false) if request.query.flag("watch").map_err(bad_query)? => {
            watch::watch(server, &request).await
        }
        (Method::GET, false) => list::list(server, &request).await,
        (Method::POST, false) => write::create(server, &request).await,
        (Method::PUT, true) => write::update(server, &request).await,
        (Method::PATCH, true) => patch::patch(server, &request).await,
        (Method::DELETE, true) => write::delete(server, &request).await,
        (Method::DELETE, false) if request.target.subresource.is_none() => {
            collection::delete_collection(server, &request).await
        }
        (method, _) => {
            let r = &request.target.resource;
            Err(ApiError::method_not_allowed(
                &r.plural,
                &r.group,
                method.as_str(),
            ))
        }
    }
}

/// A malformed query parameter is a 400.
pub(crate) fn bad_query(error: crate::query::QueryError) -> ApiError {
    ApiError::bad_request(error.to_string())
}

/// Media types accepted for create and update bodies.
const BODY_MEDIA_TYPES: [&str; 3] = [
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
];

/// The media type of a request body (`application/json` when absent, kube-api.md §1).
pub(crate) fn content_type(headers: &HeaderMap) -> String {
    let raw = header(headers, "content-type");
    let media = raw
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media.is_empty() {
        "application/json".into()
    } else {
        media
    }
}

/// Decodes a create or update body: JSON, YAML, or protobuf for the built-ins kubectl's
/// generators send that way; anything else is 415.
pub(crate) fn decode_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, ApiError> {
    match content_type(headers).as_str() {
        "application/json" => serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(format!("the request body could not be decoded: {e}"))
        }),
        "application/yaml" => {
            let text = std::str::from_utf8(body)
                .map_err(|_| ApiError::bad_request("the YAML request body is not UTF-8"))?;
            serde_saphyr::from_str(text).map_err(|e| {
                ApiError::bad_request(format!("the YAML request body could not be decoded: {e}"))
            })
        }
        crate::protobuf::CONTENT_TYPE => crate::protobuf::decode_object(body).map_err(|e| {
            if e.is_unsupported() {
                ApiError::unsupported_media_type(&BODY_MEDIA_TYPES[..2])
            } else {
                ApiError::bad_request(format!(
                    "the protobuf request body could not be decoded: {e}"
                ))
            }
        }),
        _ => Err(ApiError::unsupported_media_type(&BODY_MEDIA_TYPES)),
    }
}
