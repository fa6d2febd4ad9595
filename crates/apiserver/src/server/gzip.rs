//! gzip response compression (kube-api.md §0.2): kubectl sends `Accept-Encoding: gzip`, and a
//! large list compresses about tenfold. Like upstream, only responses of at least
//! [`GZIP_THRESHOLD_BYTES`] with a known size are compressed: small answers are not worth it,
//! and a watch (a stream of unknown size) must reach the client event by event.
//!
//! Owns: the compression middleware. Must not: buffer streaming responses.

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, VARY};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

/// Smallest response body compressed (bytes; upstream's threshold is also 128 KiB).
pub const GZIP_THRESHOLD_BYTES: u64 = 128 * 1024;

/// Whether an `Accept-Encoding` header accepts gzip (a `gzip` coding not at `q=0`).
pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

/// The middleware: compresses large, complete responses for clients that accept gzip.
pub(crate) async fn compress(request: Request, next: Next) -> Response {
    let accepts = accepts_gzip(request.headers());
    let response = next.run(request).await;
    let large = response
        .body()
        .size_hint()
        .exact()
        .is_some_and(|size| size >= GZIP_THRESHOLD_BYTES);
    if !accepts || !large || response.headers().contains_key(CONTENT_ENCODING) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::fast());
    let compressed = encoder
        .write_all(&bytes)
        .and_then(|()| encoder.finish())
        .expect("writing to memory does not fail");
    parts.headers.remove(CONTENT_LENGTH);
    parts
        .headers
        .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    parts
        .headers
        .append(VARY, HeaderValue::from_static("Accept-Encoding"));
    Response::from_parts(parts, Body::from(compressed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn accept_encoding_forms() {
        assert!(accepts_gzip(&accept("gzip")));
        assert!(accepts_gzip(&accept("deflate, GZIP;q=0.5")));
        assert!(!accepts_gzip(&accept("identity")));
        assert!(!accepts_gzip(&accept("gzip;q=0")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
