//! Authentication: a router layer that lets a request through only with
//! `Authorization: Bearer <token>` naming one of the configured tokens, or over a TLS connection
//! whose client certificate the server's CA signed, and answers everything else with
//! Kubernetes' 401 `Unauthorized` Status. Health probes stay open.
//!
//! Owns: the token check (constant time). Must not: authorise per resource or verb, or know
//! where tokens are stored (`tls`).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::Response;

use crate::server::status_response;
use crate::status::ApiError;

/// First path segments answered without a token (`/healthz`, `/livez`, `/readyz` and below).
pub const OPEN_PATHS: [&str; 3] = ["healthz", "livez", "readyz"];

/// The accepted tokens.
#[derive(Clone, Debug)]
pub struct Tokens(Arc<Vec<String>>);

impl Tokens {
    /// Accepts exactly these tokens (empty ones are ignored, so they never match).
    pub fn new(tokens: impl IntoIterator<Item = String>) -> Self {
        Tokens(Arc::new(
            tokens.into_iter().filter(|t| !t.is_empty()).collect(),
        ))
    }

    /// Whether `headers` carry a bearer token that is one of these.
    pub fn accepts(&self, headers: &HeaderMap) -> bool {
        let Some(presented) = bearer_token(headers) else {
            return false;
        };
        // Every token is compared so that timing does not tell which one nearly matched.
        self.0
            .iter()
            .fold(false, |found, t| constant_time_eq(t, presented) | found)
    }
}

/// Wraps `router` so that every request except health probes needs one of `tokens` (or a
/// client certificate, see [`ClientCertificate`]).
pub fn require_bearer(router: Router, tokens: Tokens) -> Router {
    router.layer(middleware::from_fn_with_state(tokens, check))
}

/// Marks the requests of a connection whose client presented a certificate signed by the
/// server's CA (the TLS layer verified it; `tls::serve` inserts the mark).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientCertificate;

async fn check(State(tokens): State<Tokens>, request: Request, next: Next) -> Response {
    let certified = request.extensions().get::<ClientCertificate>().is_some();
    if certified || is_open(request.uri().path()) || tokens.accepts(request.headers()) {
        next.run(request).await
    } else {
        status_response(&ApiError::unauthorized())
    }
}

fn is_open(path: &str) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    OPEN_PATHS.contains(&first)
}

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Equality whose duration depends only on the lengths, not on where the strings differ.
fn constant_time_eq(expected: &str, presented: &str) -> bool {
    let (a, b) = (expected.as_bytes(), presented.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::StatusCode;
    use serde_json::{Value, json};
    use tower_service::Service;

    fn router() -> Router {
        let inner = Router::new().fallback(|| async { "inner" });
        require_bearer(inner, Tokens::new(["secret-token".to_string()]))
    }

    async fn call(path: &str, authorization: Option<&str>) -> (StatusCode, Vec<u8>) {
        let mut request = Request::builder().uri(path);
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let request = request.body(Body::empty()).unwrap();
        let response = router().call(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, body.to_vec())
    }

    fn unauthorized_status() -> Value {
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "Unauthorized", "reason": "Unauthorized", "code": 401})
    }

    #[tokio::test]
    async fn missing_or_wrong_tokens_get_the_401_status() {
        for authorization in [
            None,
            Some("Bearer wrong"),
            Some("Bearer secret-token-longer"),
            Some("Bearer "),
            Some("Basic c2VjcmV0LXRva2Vu"),
            Some("secret-token"),
        ] {
            let (status, body) = call("/api/v1/namespaces", authorization).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{authorization:?}");
            let body: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(body, unauthorized_status(), "{authorization:?}");
        }
    }

    #[tokio::test]
    async fn the_right_token_passes() {
        for authorization in ["Bearer secret-token", "bearer  secret-token "] {
            let (status, body) = call("/api/v1/namespaces", Some(authorization)).await;
            assert_eq!(status, StatusCode::OK, "{authorization}");
            assert_eq!(body, b"inner");
        }
    }

    #[tokio::test]
    async fn health_probes_stay_open() {
        for path in ["/healthz", "/livez", "/readyz", "/readyz/ping"] {
            assert_eq!(call(path, None).await.0, StatusCode::OK, "{path}");
        }
        assert_eq!(call("/version", None).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(call("/healthzx", None).await.0, StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn empty_tokens_never_match() {
        let tokens = Tokens::new([String::new()]);
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer ".parse().unwrap());
        assert!(!tokens.accepts(&headers));
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
