//! Bad input never hurts the server (issue acceptance): malformed JSON and YAML, wrong types,
//! oversized bodies, invalid names and random bodies on every write verb get `Status` errors
//! (4xx, never 5xx; a wrong type in a Flotilla kind is a 422 like a CRD schema error), nothing stored changes, and the server keeps serving. A property test throws
//! random bodies at it. Requests go over a raw TCP connection so nothing is normalised.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use flotilla_apiserver::server::ApiServer;
use flotilla_store::memory::MemoryStore;
use proptest::prelude::*;
use serde_json::Value;

#[path = "support/http.rs"]
mod http;

use http::request;

/// One server for the whole file (started on first use, on its own runtime thread).
fn server() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let server = ApiServer::new(Arc::new(MemoryStore::new()));
                server.bootstrap().await.unwrap();
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, server.router()).await.unwrap();
            });
        });
        let address = rx.recv().unwrap();
        for name in ["keep", "prop"] {
            let seed = format!(
                r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}"}},"data":{{"a":"1"}}}}"#
            );
            let (code, _) = request(address, "POST", CM, "application/json", seed.as_bytes());
            assert_eq!(code, 201);
        }
        address
    })
}

/// Asserts a 4xx answered with a Status.
fn refused(code: u16, body: &Value, what: &str) {
    assert!((400..500).contains(&code), "{what}: {code} {body}");
    assert_eq!(body["kind"], "Status", "{what}: {body}");
    assert_eq!(body["status"], "Failure", "{what}: {body}");
    assert_eq!(body["code"], code, "{what}: {body}");
}

/// Asserts the ConfigMap `name` still holds `a: "1"` and the server still answers.
fn unchanged(address: SocketAddr, name: &str) {
    let path = format!("{CM}/{name}");
    let (code, body) = request(address, "GET", &path, "application/json", b"");
    assert_eq!(code, 200);
    assert_eq!(body["data"], serde_json::json!({"a": "1"}));
    let (code, _) = request(address, "GET", "/version", "application/json", b"");
    assert_eq!(code, 200, "still serving");
}

const CM: &str = "/api/v1/namespaces/default/configmaps";
const KEEP: &str = "/api/v1/namespaces/default/configmaps/keep";
/// The object the property test may change (tests run in parallel on one server).
const PROP: &str = "/api/v1/namespaces/default/configmaps/prop";
const CLUSTERS: &str = "/apis/cluster.karmada.io/v1alpha1/clusters";

#[test]
fn malformed_bodies_get_status_errors() {
    let address = server();
    let huge = vec![b'x'; 4 * 1024 * 1024];
    let cases: Vec<(&str, &str, &str, Vec<u8>, u16)> = vec![
        ("POST", CM, "application/json", b"{".to_vec(), 400),
        ("POST", CM, "application/json", b"[1,2]".to_vec(), 400),
        ("POST", CM, "application/yaml", b"a: [".to_vec(), 400),
        (
            "POST",
            CM,
            "application/json",
            br#"{"metadata":{"name":"Bad_Name"}}"#.to_vec(),
            422,
        ),
        (
            "POST",
            CM,
            "application/json",
            br#"{"kind":"Secret","metadata":{"name":"x"}}"#.to_vec(),
            400,
        ),
        ("POST", CM, "text/plain", b"hello".to_vec(), 415),
        ("POST", CM, "application/json", huge, 413),
        (
            "POST",
            CLUSTERS,
            "application/json",
            br#"{"metadata":{"name":"m"},"spec":{"syncMode":7}}"#.to_vec(),
            422,
        ),
        (
            "PUT",
            KEEP,
            "application/json",
            br#"{"metadata":{"name":"other"}}"#.to_vec(),
            400,
        ),
        (
            "PUT",
            KEEP,
            "application/json",
            br#"{"metadata":{"name":"keep","resourceVersion":"x"}}"#.to_vec(),
            400,
        ),
        (
            "PATCH",
            KEEP,
            "application/json-patch+json",
            br#"[{"op":"test","path":"/data/a","value":"2"}]"#.to_vec(),
            422,
        ),
        (
            "PATCH",
            KEEP,
            "application/json-patch+json",
            br#"{"op":"add"}"#.to_vec(),
            422,
        ),
        ("PATCH", KEEP, "application/x-unknown", b"{}".to_vec(), 415),
        ("POST", KEEP, "application/json", b"{}".to_vec(), 405),
        (
            "GET",
            "/api/v1/namespaces/default/nopes",
            "application/json",
            Vec::new(),
            404,
        ),
        (
            "GET",
            "/api/v1/namespaces/default/configmaps?labelSelector=a+in+(",
            "application/json",
            Vec::new(),
            400,
        ),
        (
            "GET",
            "/api/v1/namespaces/default/configmaps?fieldSelector=data.a%3D1",
            "application/json",
            Vec::new(),
            400,
        ),
        (
            "GET",
            "/api/v1/namespaces/default/configmaps?continue=garbage",
            "application/json",
            Vec::new(),
            400,
        ),
    ];
    for (method, path, content_type, body, expected) in cases {
        let (code, status) = request(address, method, path, content_type, &body);
        let what = format!("{method} {path} ({content_type})");
        refused(code, &status, &what);
        assert_eq!(code, expected, "{what}: {status}");
    }
    unchanged(address, "keep");
}

/// Arbitrary JSON values, nested a little.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9_./-]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("metadata".to_string()),
                    Just("name".to_string()),
                    Just("spec".to_string()),
                    Just("data".to_string()),
                    Just("kind".to_string()),
                    "[a-z]{1,6}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    // Random bytes and random JSON on create, update and patch: never a 5xx, always a Status
    // when refused, and the stored object is untouched.
    #[test]
    fn random_bodies_never_break_the_server(
        bytes in prop::collection::vec(any::<u8>(), 0..64),
        value in json_value(),
        target in 0usize..4,
    ) {
        let address = server();
        let (method, path, content_type) = [
            ("POST", CM, "application/json"),
            ("PUT", PROP, "application/json"),
            ("PATCH", PROP, "application/json-patch+json"),
            ("POST", CLUSTERS, "application/json"),
        ][target];
        for body in [bytes.clone(), serde_json::to_vec(&value).unwrap()] {
            let (code, status) = request(address, method, path, content_type, &body);
            prop_assert!(code < 500, "{method} {path}: {code} {status}");
            if code >= 400 {
                prop_assert_eq!(&status["kind"], "Status");
            }
        }
        // A successful random PUT or patch may change `keep`; restore it for the next case.
        let restore = br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"prop"},"data":{"a":"1"}}"#;
        let (code, _) = request(address, "PUT", PROP, "application/json", restore);
        prop_assert_eq!(code, 200);
        unchanged(address, "prop");
    }
}
