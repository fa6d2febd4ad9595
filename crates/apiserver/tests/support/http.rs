//! One raw HTTP/1.1 exchange with a test server (`Connection: close`), for tests that check
//! bytes on the wire: status codes, headers, bodies the typed clients would hide.
//!
//! Owns: writing a request and splitting the answer. Must not: retry or interpret bodies
//! beyond JSON.

#![allow(dead_code)] // Each test crate uses part of the helper.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use serde_json::Value;

/// Sends one request with `extra_headers` (each line ending in `\r\n`); returns the response
/// head, lower-cased, and the raw body.
pub fn exchange(
    address: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    extra_headers: &str,
    body: &[u8],
) -> (String, Vec<u8>) {
    let mut stream = TcpStream::connect(address).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).to_ascii_lowercase();
    let body = response.get(split + 4..).unwrap_or_default().to_vec();
    (head, body)
}

/// Sends one request; returns the status code and the JSON body (`Null` if not JSON).
pub fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, Value) {
    let (head, body) = exchange(address, method, path, content_type, "", body);
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, serde_json::from_slice(&body).unwrap_or(Value::Null))
}
