//! Overload protection (kube-api.md §0.2): at most [`InFlightLimits::reads`] non-mutating and
//! [`InFlightLimits::mutations`] mutating requests are served at once, like upstream's
//! `--max-requests-inflight` (400) and `--max-mutating-requests-inflight` (200). A request over
//! the limit gets 429 TooManyRequests with `Retry-After: 1`, which kubectl and kube-rs retry.
//! Watches are long-running and exempt, as upstream; so are health and version probes.
//!
//! Owns: the two request budgets. Must not: queue requests (a full budget answers at once).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Semaphore;

use super::reply::status_response;
use crate::query::Query;
use crate::status::ApiError;

/// Upstream's default budget of non-mutating requests in flight.
pub const DEFAULT_MAX_REQUESTS_IN_FLIGHT: usize = 400;
/// Upstream's default budget of mutating requests in flight.
pub const DEFAULT_MAX_MUTATING_REQUESTS_IN_FLIGHT: usize = 200;
/// What a 429 asks the client to wait (seconds).
const RETRY_AFTER_SECONDS: u32 = 1;

/// The budgets of requests in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InFlightLimits {
    /// Non-mutating requests (GET, list) served at once.
    pub reads: usize,
    /// Mutating requests (POST, PUT, PATCH, DELETE) served at once.
    pub mutations: usize,
}

impl Default for InFlightLimits {
    fn default() -> Self {
        InFlightLimits {
            reads: DEFAULT_MAX_REQUESTS_IN_FLIGHT,
            mutations: DEFAULT_MAX_MUTATING_REQUESTS_IN_FLIGHT,
        }
    }
}

/// The semaphores of one server.
#[derive(Debug)]
pub(crate) struct Budgets {
    reads: Semaphore,
    mutations: Semaphore,
}

impl Budgets {
    pub(crate) fn new(limits: InFlightLimits) -> Arc<Budgets> {
        Arc::new(Budgets {
            reads: Semaphore::new(limits.reads),
            mutations: Semaphore::new(limits.mutations),
        })
    }
}

/// Whether a request is exempt: a watch, or a probe.
fn exempt(request: &Request) -> bool {
    let uri = request.uri();
    // The same reading of `watch` as the dispatch in `server::resource_request`.
    let watch = Query::parse(uri.query().unwrap_or("")).flag("watch") == Ok(true);
    watch
        || uri.path().contains("/watch/")
        || matches!(uri.path(), "/healthz" | "/livez" | "/readyz" | "/version")
}

/// The middleware: serves the request within its budget, or answers 429.
pub(crate) async fn limit(
    State(budgets): State<Arc<Budgets>>,
    request: Request,
    next: Next,
) -> Response {
    if exempt(&request) {
        return next.run(request).await;
    }
    let mutating = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let budget = if mutating {
        &budgets.mutations
    } else {
        &budgets.reads
    };
    let Ok(_permit) = budget.try_acquire() else {
        let error = ApiError::too_many_requests(
            "Too many requests, please try again later.",
            RETRY_AFTER_SECONDS,
        );
        return status_response(&error);
    };
    next.run(request).await
}
