//! Response builders: JSON bodies, Status errors, plain text.
//!
//! Owns: response headers and encodings. Must not: decide status codes.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use crate::status::ApiError;

/// A JSON response.
pub fn json_response(code: u16, body: &Value) -> Response {
    typed_json_response(code, "application/json", body)
}

/// A JSON response with a specific Content-Type.
pub fn typed_json_response(code: u16, content_type: &'static str, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).expect("JSON values serialize");
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A Status error response (with `Retry-After` when the Status asks the client to wait).
pub fn status_response(error: &ApiError) -> Response {
    let mut response = json_response(error.code, &error.to_status_json());
    let retry_after = error.retry_after_seconds();
    if retry_after > 0 {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    }
    response
}

/// A plain-text response.
pub fn text_response(code: u16, text: &'static str) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Adds one `Warning: 299 - "text"` header per warning (kubectl prints them).
pub fn with_warnings(mut response: Response, warnings: &[String]) -> Response {
    for warning in warnings {
        let text = format!("299 - {}", serde_json::Value::String(warning.clone()));
        if let Ok(value) = HeaderValue::from_str(&text) {
            response.headers_mut().append(header::WARNING, value);
        }
    }
    response
}
