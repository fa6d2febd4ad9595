//! Tests: messages built with a tiny encoder for each kind, malformed bodies, and (in `golden`)
//! bodies captured from the real kubectl.

mod golden;

use serde_json::{Value, json};

use super::{ProtobufError, decode_object, rfc3339, supported_kinds};

/// Decodes a hex string, ignoring whitespace.
fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

/// A protobuf message under construction.
#[derive(Default, Clone)]
struct Enc(Vec<u8>);

impl Enc {
    fn new() -> Self {
        Self::default()
    }

    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    fn key(&mut self, field: u32, wire: u8) {
        self.varint((u64::from(field) << 3) | u64::from(wire));
    }

    fn int(mut self, field: u32, value: i64) -> Self {
        self.key(field, 0);
        self.varint(value as u64);
        self
    }

    fn bytes(mut self, field: u32, value: &[u8]) -> Self {
        self.key(field, 2);
        self.varint(value.len() as u64);
        self.0.extend_from_slice(value);
        self
    }

    fn str(self, field: u32, value: &str) -> Self {
        self.bytes(field, value.as_bytes())
    }

    fn msg(self, field: u32, value: Enc) -> Self {
        self.bytes(field, &value.0)
    }

    /// A `map<string, string|bytes>` entry.
    fn entry(self, field: u32, key: &str, value: &[u8]) -> Self {
        self.msg(field, Enc::new().str(1, key).bytes(2, value))
    }
}

/// `k8s\0` + `runtime.Unknown` around `raw`.
fn envelope(api_version: &str, kind: &str, raw: Enc) -> Vec<u8> {
    let type_meta = Enc::new().str(1, api_version).str(2, kind);
    let unknown = Enc::new()
        .msg(1, type_meta)
        .msg(2, raw)
        .str(3, "")
        .str(4, "");
    [b"k8s\0".as_slice(), &unknown.0].concat()
}

/// ObjectMeta the way gogo-protobuf writes it: every non-pointer field present, even if empty.
fn meta(name: &str) -> Enc {
    (2..=6)
        .fold(Enc::new().str(1, name), |enc, field| enc.str(field, ""))
        .int(7, 0)
        .msg(8, Enc::new())
}

fn decode(api_version: &str, kind: &str, raw: Enc) -> Value {
    decode_object(&envelope(api_version, kind, raw)).unwrap()
}

#[test]
fn configmap_from_literal() {
    let raw = Enc::new()
        .msg(1, meta("x"))
        .entry(2, "a", b"1")
        .entry(3, "bin", &[0, 1, 2]);
    assert_eq!(
        decode("v1", "ConfigMap", raw),
        json!({"kind": "ConfigMap", "apiVersion": "v1",
               "metadata": {"name": "x", "creationTimestamp": null},
               "data": {"a": "1"}, "binaryData": {"bin": "AAEC"}})
    );
}

#[test]
fn namespace_with_spec_and_status() {
    let raw = Enc::new()
        .msg(1, meta("demo"))
        .msg(2, Enc::new())
        .msg(3, Enc::new().str(1, ""));
    assert_eq!(
        decode("v1", "Namespace", raw).to_string(),
        r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"demo","creationTimestamp":null},"spec":{},"status":{}}"#
    );
}

#[test]
fn secret_data_is_base64_and_immutable_pointer_kept() {
    let raw = Enc::new()
        .msg(1, meta("s"))
        .entry(2, "k", b"v")
        .str(3, "Opaque")
        .entry(4, "plain", b"text")
        .int(5, 0);
    assert_eq!(
        decode("v1", "Secret", raw),
        json!({"kind": "Secret", "apiVersion": "v1",
               "metadata": {"name": "s", "creationTimestamp": null},
               "immutable": false, "data": {"k": "dg=="},
               "stringData": {"plain": "text"}, "type": "Opaque"})
    );
}

/// A container as gogo writes it: strings and bools present even when empty.
fn container(name: &str, image: &str) -> Enc {
    let enc = Enc::new().str(1, name).str(2, image).str(5, "");
    let enc = enc.msg(8, Enc::new()).str(13, "").str(14, "");
    enc.int(16, 0).int(17, 0).int(18, 0).str(20, "")
}

fn labels(key: &str, value: &str) -> Enc {
    Enc::new().entry(11, key, value.as_bytes())
}

#[test]
fn deployment_with_replicas_selector_and_template() {
    let mut template_meta = meta("");
    template_meta.0.extend(labels("app", "web").0);
    let mut object_meta = meta("web");
    object_meta.0.extend(labels("app", "web").0);
    let pod_spec = Enc::new()
        .msg(2, container("nginx", "nginx").msg(6, Enc::new().int(3, 80)))
        .str(3, "")
        .int(11, 0);
    let spec = Enc::new()
        .int(1, 2)
        .msg(2, Enc::new().entry(1, "app", b"web"))
        .msg(3, Enc::new().msg(1, template_meta).msg(2, pod_spec))
        .msg(4, Enc::new().str(1, ""))
        .int(5, 0)
        .int(7, 0);
    let raw = Enc::new()
        .msg(1, object_meta)
        .msg(2, spec)
        .msg(3, Enc::new().int(2, 0));
    assert_eq!(
        decode("apps/v1", "Deployment", raw),
        json!({"kind": "Deployment", "apiVersion": "apps/v1",
               "metadata": {"name": "web", "creationTimestamp": null, "labels": {"app": "web"}},
               "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
                                     "spec": {"containers": [{"name": "nginx", "image": "nginx",
                                                              "ports": [{"containerPort": 80}],
                                                              "resources": {}}]}},
                        "strategy": {}},
               "status": {}})
    );
}

#[test]
fn container_env_resources_and_rolling_update() {
    let value_from = Enc::new().msg(4, Enc::new().msg(1, Enc::new().str(1, "sec")).str(2, "pw"));
    let quantity = |text: &str| Enc::new().str(1, text);
    let resources = Enc::new()
        .msg(1, Enc::new().str(1, "cpu").msg(2, quantity("500m")))
        .msg(2, Enc::new().str(1, "memory").msg(2, quantity("")));
    let c = Enc::new()
        .str(1, "app")
        .str(3, "sh")
        .str(3, "-c")
        .msg(7, Enc::new().str(1, "A").str(2, "1"))
        .msg(7, Enc::new().str(1, "B").msg(3, value_from))
        .msg(8, resources);
    let int_or_string = |s: &str| Enc::new().int(1, 1).str(3, s);
    let strategy = Enc::new().str(1, "RollingUpdate").msg(
        2,
        Enc::new()
            .msg(1, Enc::new().int(2, 1))
            .msg(2, int_or_string("25%")),
    );
    let template = Enc::new().msg(2, Enc::new().msg(2, c));
    let spec = Enc::new().msg(3, template).msg(4, strategy).int(1, 0);
    let decoded = decode("apps/v1", "Deployment", Enc::new().msg(2, spec));
    assert_eq!(decoded["metadata"], json!({"creationTimestamp": null}));
    assert_eq!(decoded["spec"]["replicas"], json!(0));
    assert_eq!(
        decoded["spec"]["strategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}})
    );
    assert_eq!(
        decoded["spec"]["template"]["spec"]["containers"][0],
        json!({"name": "app", "command": ["sh", "-c"],
               "env": [{"name": "A", "value": "1"},
                       {"name": "B", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "pw"}}}],
               "resources": {"limits": {"cpu": "500m"}, "requests": {"memory": "0"}}})
    );
}

#[test]
fn service_ports_and_selector() {
    let target = Enc::new().int(1, 0).int(2, 8080).str(3, "");
    let port = Enc::new()
        .str(1, "80-8080")
        .str(2, "TCP")
        .int(3, 80)
        .msg(4, target)
        .int(5, 30080);
    let spec = Enc::new()
        .msg(1, port)
        .entry(2, "app", b"svc")
        .str(3, "")
        .str(4, "NodePort")
        .int(12, 0)
        .str(22, "Cluster");
    let raw = Enc::new()
        .msg(1, meta("svc"))
        .msg(2, spec)
        .msg(3, Enc::new().msg(1, Enc::new()));
    assert_eq!(
        decode("v1", "Service", raw),
        json!({"kind": "Service", "apiVersion": "v1",
               "metadata": {"name": "svc", "creationTimestamp": null},
               "spec": {"ports": [{"name": "80-8080", "protocol": "TCP", "port": 80,
                                   "targetPort": 8080, "nodePort": 30080}],
                        "selector": {"app": "svc"}, "type": "NodePort",
                        "internalTrafficPolicy": "Cluster"},
               "status": {"loadBalancer": {}}})
    );
}

#[test]
fn job_and_cronjob() {
    let pod = Enc::new()
        .msg(2, container("j", "busybox").str(4, "hi"))
        .str(3, "Never");
    let template = Enc::new().msg(1, meta("")).msg(2, pod);
    let job_spec = Enc::new().int(1, 1).int(7, 4).msg(6, template).int(10, 0);
    let job = decode(
        "batch/v1",
        "Job",
        Enc::new().msg(1, meta("j")).msg(2, job_spec.clone()),
    );
    assert_eq!(
        job["spec"],
        json!({"parallelism": 1, "backoffLimit": 4,
               "template": {"metadata": {"creationTimestamp": null},
                            "spec": {"containers": [{"name": "j", "image": "busybox",
                                                     "args": ["hi"], "resources": {}}],
                                     "restartPolicy": "Never"}},
               "suspend": false})
    );
    assert_eq!(job["status"], json!({}));
    let cron_spec = Enc::new()
        .str(1, "*/5 * * * *")
        .str(3, "Forbid")
        .msg(5, Enc::new().msg(1, meta("cj")).msg(2, job_spec));
    let cron = decode("batch/v1", "CronJob", Enc::new().msg(2, cron_spec));
    assert_eq!(cron["spec"]["schedule"], json!("*/5 * * * *"));
    assert_eq!(cron["spec"]["concurrencyPolicy"], json!("Forbid"));
    assert_eq!(cron["spec"]["jobTemplate"]["metadata"]["name"], json!("cj"));
    assert_eq!(
        cron["spec"]["jobTemplate"]["spec"]["backoffLimit"],
        json!(4)
    );
}

#[test]
fn object_meta_full() {
    let owner = Enc::new()
        .str(1, "Deployment")
        .str(3, "web")
        .str(4, "u-1")
        .str(5, "apps/v1")
        .int(6, 1);
    let fields = Enc::new().str(1, r#"{"f:data":{}}"#);
    let managed = Enc::new()
        .str(1, "kubectl")
        .str(2, "Update")
        .str(6, "FieldsV1")
        .msg(7, fields);
    let m = Enc::new()
        .str(1, "x")
        .str(3, "ns")
        .int(7, 3)
        .msg(8, Enc::new().int(1, 1_700_000_000).int(2, 5))
        .int(10, -1)
        .entry(12, "note", b"hi")
        .msg(13, owner)
        .str(14, "a/b")
        .msg(17, managed);
    let decoded = decode("v1", "ConfigMap", Enc::new().msg(1, m));
    assert_eq!(
        decoded["metadata"],
        json!({"name": "x", "namespace": "ns", "generation": 3,
               "creationTimestamp": "2023-11-14T22:13:20Z", "deletionGracePeriodSeconds": -1,
               "annotations": {"note": "hi"},
               "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                                    "uid": "u-1", "controller": true}],
               "finalizers": ["a/b"],
               "managedFields": [{"manager": "kubectl", "operation": "Update",
                                  "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {}}}]})
    );
}

#[test]
fn unknown_fields_and_wire_types_are_skipped() {
    let raw = Enc::new()
        .msg(1, meta("x").int(99, 7).str(98, "?"))
        .entry(2, "a", b"1")
        .bytes(50, &[1, 2, 3]);
    let mut raw = raw;
    raw.key(60, 1);
    raw.0.extend([0; 8]);
    raw.key(61, 5);
    raw.0.extend([0; 4]);
    let decoded = decode("v1", "ConfigMap", raw);
    assert_eq!(decoded["data"], json!({"a": "1"}));
    assert_eq!(
        decoded["metadata"],
        json!({"name": "x", "creationTimestamp": null})
    );
}

#[test]
fn serviceaccount_is_supported() {
    let raw = Enc::new()
        .msg(1, meta("sa"))
        .msg(3, Enc::new().str(1, "pull"))
        .int(4, 0);
    assert_eq!(
        decode("v1", "ServiceAccount", raw),
        json!({"kind": "ServiceAccount", "apiVersion": "v1",
               "metadata": {"name": "sa", "creationTimestamp": null},
               "imagePullSecrets": [{"name": "pull"}], "automountServiceAccountToken": false})
    );
    assert_eq!(supported_kinds().count(), 8);
}

fn err(body: &[u8]) -> ProtobufError {
    decode_object(body).unwrap_err()
}

#[test]
fn bad_magic() {
    assert_eq!(err(b""), ProtobufError::BadMagic);
    assert_eq!(err(b"{\"kind\":\"ConfigMap\"}"), ProtobufError::BadMagic);
    assert_eq!(err(b"k8s\x01\x0a\x00"), ProtobufError::BadMagic);
}

#[test]
fn truncated_inputs() {
    // A key whose varint never ends, at byte 4.
    assert_eq!(err(b"k8s\0\x8a"), ProtobufError::Truncated { offset: 4 });
    // typeMeta claims 15 bytes, 2 follow; the length varint is at byte 5.
    assert_eq!(
        err(b"k8s\0\x0a\x0f\x0a\x00"),
        ProtobufError::Truncated { offset: 5 }
    );
    // No proper prefix of a valid body panics; a cut value reports an offset within the prefix.
    let body = envelope(
        "v1",
        "ConfigMap",
        Enc::new().msg(1, meta("x")).entry(2, "a", b"1"),
    );
    // (A cut at a field boundary is a shorter valid message, as protobuf has no end marker.)
    for len in 4..body.len() {
        match decode_object(&body[..len]) {
            Err(ProtobufError::Truncated { offset }) => assert!(offset <= len, "{len}"),
            Ok(_) | Err(ProtobufError::MissingKind) => {}
            other => panic!("prefix {len}: {other:?}"),
        }
    }
}

#[test]
fn truncated_nested_message_reports_absolute_offset() {
    let mut body = envelope("v1", "ConfigMap", Enc::new().msg(1, Enc::new()));
    // raw = [0a 00]; make metadata claim one byte that the raw slice does not hold.
    let at = body.len() - 6;
    assert_eq!(&body[at..at + 2], &[0x0a, 0x00]);
    body[at + 1] = 1;
    assert_eq!(err(&body), ProtobufError::Truncated { offset: at + 1 });
}

#[test]
fn varint_overflow() {
    let mut body = b"k8s\0\x28".to_vec();
    body.extend([0xff; 10]);
    body.push(0);
    assert_eq!(err(&body), ProtobufError::VarintOverflow { offset: 5 });
}

#[test]
fn wrong_wire_type() {
    // Secret.type (3) is a string; send a varint.
    let body = envelope("v1", "Secret", Enc::new().int(3, 1));
    let offset = body.len() - 6;
    assert_eq!(
        err(&body),
        ProtobufError::WrongWireType {
            field: 3,
            found: 0,
            expected: 2,
            offset
        }
    );
    // Deployment.spec.replicas (1) is a varint; send bytes.
    let body = envelope(
        "apps/v1",
        "Deployment",
        Enc::new().msg(2, Enc::new().str(1, "2")),
    );
    assert!(matches!(
        err(&body),
        ProtobufError::WrongWireType { field: 1, .. }
    ));
    // The envelope's typeMeta as a varint.
    assert!(matches!(
        err(b"k8s\0\x08\x01"),
        ProtobufError::WrongWireType { field: 1, .. }
    ));
}

#[test]
fn malformed_keys_and_strings() {
    assert_eq!(
        err(b"k8s\0\x0b"),
        ProtobufError::BadWireType {
            wire_type: 3,
            offset: 4
        }
    );
    assert_eq!(
        err(b"k8s\0\x02\x00"),
        ProtobufError::BadFieldNumber { offset: 4 }
    );
    let body = envelope(
        "v1",
        "ConfigMap",
        Enc::new().msg(1, Enc::new().bytes(1, &[0xff])),
    );
    assert!(matches!(err(&body), ProtobufError::InvalidUtf8 { .. }));
    let fields = Enc::new().bytes(1, b"{not json");
    let managed = Enc::new().msg(7, fields);
    let body = envelope(
        "v1",
        "ConfigMap",
        Enc::new().msg(1, Enc::new().msg(17, managed)),
    );
    assert!(matches!(
        err(&body),
        ProtobufError::InvalidFieldsJson { .. }
    ));
}

#[test]
fn envelope_errors() {
    let unknown = |api_version: &str, kind: &str| envelope(api_version, kind, Enc::new());
    assert_eq!(err(&unknown("v1", "")), ProtobufError::MissingKind);
    let e = err(&unknown("v1", "Pod"));
    assert!(e.is_unsupported());
    assert_eq!(
        e,
        ProtobufError::UnsupportedKind {
            api_version: "v1".into(),
            kind: "Pod".into()
        }
    );
    let gzip = Enc::new()
        .msg(1, Enc::new().str(1, "v1").str(2, "ConfigMap"))
        .str(3, "gzip");
    let e = err(&[b"k8s\0".as_slice(), &gzip.0].concat());
    assert!(e.is_unsupported());
    assert!(!ProtobufError::BadMagic.is_unsupported());
}

#[test]
fn timestamps() {
    assert_eq!(rfc3339(0).as_deref(), Some("1970-01-01T00:00:00Z"));
    assert_eq!(
        rfc3339(951_782_400).as_deref(),
        Some("2000-02-29T00:00:00Z")
    );
    assert_eq!(
        rfc3339(1_709_251_199).as_deref(),
        Some("2024-02-29T23:59:59Z")
    );
    assert_eq!(rfc3339(-1).as_deref(), Some("1969-12-31T23:59:59Z"));
    assert_eq!(
        rfc3339(253_402_300_799).as_deref(),
        Some("9999-12-31T23:59:59Z")
    );
    assert_eq!(rfc3339(253_402_300_800), None);
    assert_eq!(
        rfc3339(-62_167_219_200).as_deref(),
        Some("0000-01-01T00:00:00Z")
    );
    assert_eq!(rfc3339(-62_167_219_201), None);
    assert_eq!(rfc3339(i64::MIN), None);
    let time = Enc::new().int(1, i64::MAX);
    let body = envelope(
        "v1",
        "ConfigMap",
        Enc::new().msg(1, Enc::new().msg(8, time)),
    );
    assert!(matches!(err(&body), ProtobufError::TimeOutOfRange { .. }));
}
