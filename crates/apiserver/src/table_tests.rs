//! Tests of the Table rendering (kube-api.md §10) and the meta.k8s.io negotiation.
use super::*;
use crate::registry::Registry;

const KUBECTL_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,\
    application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

fn now() -> Timestamp {
    "2025-06-01T12:00:00Z".parse().unwrap()
}

fn ago(seconds: i64) -> String {
    (now() - SignedDuration::from_secs(seconds)).to_string()
}

#[test]
fn human_duration_follows_the_upstream_rules() {
    const MIN: i64 = 60;
    const HOUR: i64 = 3600;
    const DAY: i64 = 24 * HOUR;
    const YEAR: i64 = 365 * DAY;
    let cases: &[(i64, &str)] = &[
        (-3, "<invalid>"),
        (-2, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (45, "45s"),
        (119, "119s"),
        (2 * MIN, "2m"),
        (2 * MIN + 1, "2m1s"),
        (5 * MIN + 12, "5m12s"),
        (9 * MIN + 59, "9m59s"),
        (10 * MIN, "10m"),
        (10 * MIN + 59, "10m"),
        (62 * MIN, "62m"),
        (3 * HOUR - 1, "179m"),
        (3 * HOUR, "3h"),
        (3 * HOUR + 15 * MIN + 30, "3h15m"),
        (8 * HOUR - 1, "7h59m"),
        (8 * HOUR, "8h"),
        (26 * HOUR, "26h"),
        (48 * HOUR - 1, "47h"),
        (2 * DAY, "2d"),
        (3 * DAY + 5 * HOUR, "3d5h"),
        (8 * DAY - 1, "7d23h"),
        (8 * DAY, "8d"),
        (400 * DAY, "400d"),
        (2 * YEAR - 1, "729d"),
        (2 * YEAR, "2y"),
        (3 * YEAR + 10 * DAY, "3y10d"),
        (8 * YEAR - 1, "7y364d"),
        (8 * YEAR, "8y"),
        (123 * YEAR + 200 * DAY, "123y"),
    ];
    for &(seconds, want) in cases {
        let got = human_duration(SignedDuration::from_secs(seconds));
        assert_eq!(got, want, "{seconds}s");
    }
    // Seconds are truncated toward zero, as Go's int(d.Seconds()).
    assert_eq!(human_duration(SignedDuration::from_millis(-1999)), "0s");
    assert_eq!(human_duration(SignedDuration::from_millis(59_999)), "59s");
}

#[test]
fn date_cells() {
    assert_eq!(date_cell(&ago(312), now()), "5m12s");
    assert_eq!(date_cell("2025-06-01T11:59:59.5+00:00", now()), "0s");
    assert_eq!(date_cell("", now()), "<unknown>");
    assert_eq!(date_cell("0001-01-01T00:00:00Z", now()), "<unknown>");
    assert_eq!(date_cell("yesterday", now()), "<invalid>");
    assert_eq!(date_cell("2025-06-01T12:00:10Z", now()), "<invalid>");
}

#[test]
fn accept_negotiation() {
    assert!(wants_table(KUBECTL_ACCEPT));
    assert!(wants_table(
        "application/json; g=meta.k8s.io; v=v1; as=Table"
    ));
    assert!(!wants_table("application/json"));
    assert!(!wants_table("*/*"));
    assert!(!wants_table(
        "application/json;as=Table;v=v1beta1;g=meta.k8s.io"
    ));
    assert!(!wants_table("application/json;as=Table"));
    assert!(!wants_table(
        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
    ));
    assert!(!wants_table(
        "application/json;as=Table;v=v1;g=meta.k8s.io;q=0"
    ));
    assert!(!wants_table("application/yaml;as=Table;v=v1;g=meta.k8s.io"));
}

#[test]
fn partial_metadata_negotiation() {
    let list = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
    assert!(wants_partial_metadata(list));
    assert!(wants_partial_metadata(
        "application/json; v=v1; g=meta.k8s.io; as=PartialObjectMetadata"
    ));
    assert!(
        !wants_partial_metadata(&format!("{KUBECTL_ACCEPT},{list}")),
        "Table first"
    );
    assert!(!wants_partial_metadata("application/json"));
    assert!(!wants_partial_metadata(
        "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1"
    ));
    let l = partial_object_metadata_list(
        &[json!({"kind": "ConfigMap", "metadata": {"name": "a"}, "data": {}})],
        json!({"resourceVersion": "7"}),
    );
    assert_eq!(
        l,
        json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
               "metadata": {"resourceVersion": "7"},
               "items": [{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                          "metadata": {"name": "a"}}]})
    );
}

#[test]
fn include_object_from_query() {
    assert_eq!(IncludeObject::from_query(None), Ok(IncludeObject::Metadata));
    assert_eq!(
        IncludeObject::from_query(Some("")),
        Ok(IncludeObject::Metadata)
    );
    assert_eq!(
        IncludeObject::from_query(Some("None")),
        Ok(IncludeObject::None)
    );
    assert_eq!(
        IncludeObject::from_query(Some("Object")),
        Ok(IncludeObject::Object)
    );
    assert!(IncludeObject::from_query(Some("object")).is_err());
}

fn cluster_resource() -> Resource {
    let registry = Registry::with_builtins();
    let cluster = registry.lookup("cluster.karmada.io", "v1alpha1", "clusters");
    (*cluster.unwrap()).clone()
}

fn member1() -> Value {
    json!({
        "apiVersion": "cluster.karmada.io/v1alpha1", "kind": "Cluster",
        "metadata": {"name": "member1", "uid": "u1", "resourceVersion": "41",
            "creationTimestamp": ago(312), "generation": 1, "labels": {"env": "prod"}},
        "spec": {"syncMode": "Push", "apiEndpoint": "https://10.0.0.1:6443",
            "zones": ["z1", "z2"], "region": "eu", "provider": "kind"},
        "status": {"kubernetesVersion": "v1.32.5", "conditions": [
            {"type": "Offline", "status": "False"},
            {"type": "Ready", "status": "True"}]}
    })
}

fn member2() -> Value {
    json!({
        "apiVersion": "cluster.karmada.io/v1alpha1", "kind": "Cluster",
        "metadata": {"name": "member2", "uid": "u2", "resourceVersion": "57",
            "creationTimestamp": ago(3 * 86400 + 5 * 3600 + 17), "generation": 2},
        "spec": {"syncMode": "Pull"}
    })
}

fn cluster_columns() -> Value {
    let col = |name: &str, type_: &str, priority: i32| {
        let description = if name == "AGE" {
            CREATION_DESCRIPTION
        } else {
            ""
        };
        json!({"name": name, "type": type_, "format": "", "description": description,
            "priority": priority})
    };
    json!([
        {"name": "Name", "type": "string", "format": "name",
            "description": NAME_DESCRIPTION, "priority": 0},
        col("VERSION", "string", 0),
        col("MODE", "string", 0),
        col("READY", "string", 0),
        col("AGE", "date", 0),
        col("ZONES", "string", 1),
        col("REGION", "string", 1),
        col("PROVIDER", "string", 1),
        col("API-ENDPOINT", "string", 1),
        col("PROXY-URL", "string", 1),
    ])
}

#[test]
fn cluster_list_golden() {
    let meta = TableListMeta {
        resource_version: "109".into(),
        continue_token: Some("tok".into()),
        remaining_item_count: None,
    };
    let items = [member1(), member2()];
    let table = list_table(
        &cluster_resource(),
        &items,
        &meta,
        now(),
        IncludeObject::default(),
    );
    let want = json!({
        "kind": "Table", "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": "109", "continue": "tok"},
        "columnDefinitions": cluster_columns(),
        "rows": [
            {"cells": ["member1", "v1.32.5", "Push", "True", "5m12s", "[\"z1\",\"z2\"]",
                "eu", "kind", "https://10.0.0.1:6443", null],
             "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                "metadata": member1()["metadata"]}},
            {"cells": ["member2", null, "Pull", null, "3d5h", null, null, null, null, null],
             "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                "metadata": member2()["metadata"]}},
        ],
    });
    assert_eq!(table, want);
    // Key order on the wire, as the spec's example shows it.
    let text = serde_json::to_string(&table).unwrap();
    assert!(text.starts_with(
        r#"{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"109","continue":"tok"},"columnDefinitions":[{"name":"Name","type":"string","format":"name","description":"#
    ));
}

#[test]
fn include_object_variants() {
    let resource = cluster_resource();
    let printer = Printer::new(&resource);
    let none = printer.row(&member1(), now(), IncludeObject::None);
    assert_eq!(none.as_object().unwrap().len(), 1, "{none}");
    let full = printer.row(&member1(), now(), IncludeObject::Object);
    assert_eq!(full["object"], member1());
    let partial = printer.row(&member1(), now(), IncludeObject::Metadata);
    assert_eq!(partial["object"], partial_object_metadata(&member1()));
    assert_eq!(none["cells"], full["cells"]);
    assert_eq!(
        partial_object_metadata(&json!({"kind": "X"})),
        json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": {}})
    );
}

#[test]
fn single_object_and_empty_list() {
    let resource = cluster_resource();
    let table = object_table(&resource, &member2(), now(), IncludeObject::Metadata);
    assert_eq!(table["metadata"], json!({"resourceVersion": "57"}));
    assert_eq!(table["columnDefinitions"], cluster_columns());
    assert_eq!(table["rows"].as_array().unwrap().len(), 1);
    assert_eq!(table["rows"][0]["cells"][0], "member2");
    let meta = TableListMeta {
        resource_version: "7".into(),
        continue_token: Some(String::new()),
        remaining_item_count: Some(0),
    };
    let empty = list_table(&resource, &[], &meta, now(), IncludeObject::None);
    assert_eq!(
        empty["metadata"],
        json!({"resourceVersion": "7", "remainingItemCount": 0})
    );
    assert_eq!(empty["rows"], json!([]));
}

fn resource_with(columns: Vec<Column>) -> Resource {
    let mut resource = cluster_resource();
    resource.columns = columns;
    resource
}

fn column(name: &str, type_: &str, json_path: &str) -> Column {
    Column {
        name: name.into(),
        type_: type_.into(),
        json_path: json_path.into(),
        priority: 0,
        derived: None,
    }
}

#[test]
fn default_columns_are_name_and_age() {
    let printer = Printer::new(&resource_with(Vec::new()));
    let defs = printer.column_definitions();
    let names: Vec<&str> = defs
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Name", "Age"]);
    assert_eq!(defs[1]["type"], "date");
    assert_eq!(
        printer.cells(&member1(), now()),
        [json!("member1"), json!("5m12s")]
    );
}

#[test]
fn cells_by_type_and_first_value_only() {
    let printer = Printer::new(&resource_with(vec![
        column("Replicas", "integer", ".spec.replicas"),
        column("Float", "integer", ".spec.ratio"),
        column("Ratio", "number", ".spec.ratio"),
        column("Paused", "boolean", ".spec.paused"),
        column(
            "Ready",
            "boolean",
            ".status.conditions[?(@.type==\"Ready\")].status",
        ),
        column("Kind", "string", ".spec.manifests[*].kind"),
        column("Meta", "string", ".spec.meta"),
        column("Seen", "date", ".status.lastSeen"),
        column("Nothing", "integer", ".spec.nothing"),
        column("Null", "string", ".spec.null"),
        column("Odd", "color", ".spec.replicas"),
        column("Broken", "string", ".spec[?("),
    ]));
    let object = json!({
        "metadata": {"name": "x"},
        "spec": {"replicas": 3, "ratio": 2.5, "paused": false, "null": null,
            "manifests": [{"kind": "Deployment"}, {"kind": "Service"}],
            "meta": {"b": 1, "a": "<x>"}},
        "status": {"conditions": [{"type": "Ready", "status": "True"}],
            "lastSeen": "not a time"}
    });
    let want = json!([
        "x",
        3,
        2,
        2.5,
        false,
        null,
        "Deployment",
        "{\"a\":\"\\u003cx\\u003e\",\"b\":1}",
        "<invalid>",
        null,
        null,
        null,
        null
    ]);
    assert_eq!(Value::Array(printer.cells(&object, now())), want);
}
