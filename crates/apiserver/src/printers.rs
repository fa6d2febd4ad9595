//! Upstream's printer columns for the built-in kinds (kube-api.md §10): what `kubectl get` and
//! `kubectl get -o wide` show for ConfigMaps, Deployments, Services, Events, Jobs and the rest,
//! with the computed cells a JSONPath cannot express (`READY 0/2`, `DATA 2`, `IMAGES a,b`,
//! `SELECTOR app=web`, `OBJECT configmap/cfg`).
//!
//! Owns: the built-in column lists and the computation of their derived cells. Must not: read
//! the clock (`now` is an argument), or know about CRD-style columns (those are JSONPaths,
//! rendered by `table`).

use k8s_openapi::jiff::Timestamp;
use serde_json::{Value, json};

use crate::registry::Column;
use crate::table::{date_cell, human_duration};

/// A cell computed from the object, for the built-in kinds' columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derived {
    /// The object's name, at this column's position (Events print it last, with `-o wide`).
    Name,
    /// `part/whole`, each an integer at a JSON pointer (missing: 0; for `whole`, `whole_default`).
    Ratio {
        /// Pointer to the numerator.
        part: &'static str,
        /// Pointer to the denominator.
        whole: &'static str,
        /// The denominator when absent (Kubernetes' defaulting: one replica, one completion).
        whole_default: i64,
    },
    /// An integer at a JSON pointer, 0 when absent (Go's int32 fields print 0).
    Int(&'static str),
    /// A string at a JSON pointer, `<none>` when absent or empty.
    Text(&'static str),
    /// How many keys the maps at these pointers hold together (ConfigMap and Secret `DATA`).
    Count(&'static [&'static str]),
    /// `field` of every item of the array at a pointer, comma-joined (`CONTAINERS`, `IMAGES`).
    Join {
        /// Pointer to the array.
        array: &'static str,
        /// Field of each item.
        field: &'static str,
    },
    /// The label selector at a pointer as `k=v,key in (a,b)`; `<none>` when absent.
    Selector(&'static str),
    /// A string map at a pointer as `k=v,...`; `<none>` when empty (`NODE SELECTOR`).
    Pairs(&'static str),
    /// An RFC 3339 time at a pointer, printed as is (a CRD's `CREATED AT`).
    Timestamp(&'static str),
    /// A Service's `EXTERNAL-IP`: external IPs and load-balancer ingress, `<pending>` or `<none>`.
    ServiceExternalIp,
    /// A Service's `PORT(S)`: `port[:nodePort]/protocol`, comma-joined; `<none>` without ports.
    ServicePorts,
    /// An Event's `LAST SEEN`: the age of its last timestamp (or event time, or first timestamp).
    EventLastSeen,
    /// An Event's `OBJECT`: `kind/name` of the involved object, kind lower-cased.
    EventObject,
    /// An Event's `SOURCE`: `component, host` (either alone when the other is empty).
    EventSource,
    /// A Job's `STATUS`: Complete, Failed, Suspended or Running, from its conditions.
    JobStatus,
    /// A Job's `DURATION`: completion (or now) minus start; empty before it starts.
    JobDuration,
}

/// One built-in column: header, type, cell, priority (0: always; 1: with `-o wide`).
type Spec = (&'static str, &'static str, Derived, i32);

const AGE: Spec = ("Age", "date", Derived::Timestamp(""), 0);
const CONTAINERS: Spec = (
    "Containers",
    "string",
    Derived::Join {
        array: "/spec/template/spec/containers",
        field: "name",
    },
    1,
);
const IMAGES: Spec = (
    "Images",
    "string",
    Derived::Join {
        array: "/spec/template/spec/containers",
        field: "image",
    },
    1,
);
const SELECTOR: Spec = ("Selector", "string", Derived::Selector("/spec/selector"), 1);

fn ready_of_replicas(ready: &'static str) -> Derived {
    Derived::Ratio {
        part: ready,
        whole: "/spec/replicas",
        whole_default: 1,
    }
}

/// Upstream's columns for a built-in kind (after NAME, unless a [`Derived::Name`] column places
/// it); `None` for a kind this module does not know.
pub fn built_in_columns(kind: &str) -> Option<Vec<Column>> {
    let specs = core_columns(kind).or_else(|| workload_columns(kind))?;
    Some(specs.into_iter().map(column).collect())
}

/// The columns of the core kinds, leases and CRDs.
fn core_columns(kind: &str) -> Option<Vec<Spec>> {
    let int = |name, pointer, priority| (name, "integer", Derived::Int(pointer), priority);
    Some(match kind {
        "Namespace" => vec![("Status", "string", Derived::Text("/status/phase"), 0), AGE],
        "ConfigMap" => vec![
            (
                "Data",
                "integer",
                Derived::Count(&["/data", "/binaryData"]),
                0,
            ),
            AGE,
        ],
        "Secret" => vec![
            ("Type", "string", Derived::Text("/type"), 0),
            ("Data", "integer", Derived::Count(&["/data"]), 0),
            AGE,
        ],
        "Service" => vec![
            ("Type", "string", Derived::Text("/spec/type"), 0),
            ("Cluster-IP", "string", Derived::Text("/spec/clusterIP"), 0),
            ("External-IP", "string", Derived::ServiceExternalIp, 0),
            ("Port(s)", "string", Derived::ServicePorts, 0),
            AGE,
            ("Selector", "string", Derived::Pairs("/spec/selector"), 1),
        ],
        "Event" => vec![
            ("Last Seen", "string", Derived::EventLastSeen, 0),
            ("Type", "string", Derived::Text("/type"), 0),
            ("Reason", "string", Derived::Text("/reason"), 0),
            ("Object", "string", Derived::EventObject, 0),
            (
                "Subobject",
                "string",
                Derived::Text("/involvedObject/fieldPath"),
                1,
            ),
            ("Source", "string", Derived::EventSource, 1),
            ("Message", "string", Derived::Text("/message"), 0),
            (
                "First Seen",
                "string",
                Derived::Timestamp("/firstTimestamp"),
                1,
            ),
            int("Count", "/count", 1),
            ("Name", "string", Derived::Name, 1),
        ],
        "Lease" => vec![
            ("Holder", "string", Derived::Text("/spec/holderIdentity"), 0),
            AGE,
        ],
        "CustomResourceDefinition" => vec![(
            "Created At",
            "date",
            Derived::Timestamp("/metadata/creationTimestamp"),
            0,
        )],
        _ => return None,
    })
}

/// The columns of the workload kinds.
fn workload_columns(kind: &str) -> Option<Vec<Spec>> {
    let int = |name, pointer, priority| (name, "integer", Derived::Int(pointer), priority);
    Some(match kind {
        "Deployment" => vec![
            (
                "Ready",
                "string",
                ready_of_replicas("/status/readyReplicas"),
                0,
            ),
            int("Up-to-date", "/status/updatedReplicas", 0),
            int("Available", "/status/availableReplicas", 0),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        "StatefulSet" => vec![
            (
                "Ready",
                "string",
                ready_of_replicas("/status/readyReplicas"),
                0,
            ),
            AGE,
            CONTAINERS,
            IMAGES,
        ],
        "DaemonSet" => vec![
            int("Desired", "/status/desiredNumberScheduled", 0),
            int("Current", "/status/currentNumberScheduled", 0),
            int("Ready", "/status/numberReady", 0),
            int("Up-to-date", "/status/updatedNumberScheduled", 0),
            int("Available", "/status/numberAvailable", 0),
            (
                "Node Selector",
                "string",
                Derived::Pairs("/spec/template/spec/nodeSelector"),
                0,
            ),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        "Job" => vec![
            ("Status", "string", Derived::JobStatus, 0),
            (
                "Completions",
                "string",
                Derived::Ratio {
                    part: "/status/succeeded",
                    whole: "/spec/completions",
                    whole_default: 1,
                },
                0,
            ),
            ("Duration", "string", Derived::JobDuration, 0),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        _ => return None,
    })
}

fn column((name, type_, derived, priority): Spec) -> Column {
    if derived == Derived::Timestamp("") {
        // AGE: the ordinary creation-time date column.
        return Column {
            name: name.into(),
            type_: type_.into(),
            json_path: ".metadata.creationTimestamp".into(),
            priority,
            derived: None,
        };
    }
    Column {
        name: name.into(),
        type_: type_.into(),
        json_path: String::new(),
        priority,
        derived: Some(derived),
    }
}

/// The cell of a derived column.
pub fn cell(derived: Derived, object: &Value, now: Timestamp) -> Value {
    let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str);
    let int = |pointer: &str| object.pointer(pointer).and_then(Value::as_i64);
    match derived {
        Derived::Name => text("/metadata/name").unwrap_or("").into(),
        Derived::Ratio {
            part,
            whole,
            whole_default,
        } => format!(
            "{}/{}",
            int(part).unwrap_or(0),
            int(whole).unwrap_or(whole_default)
        )
        .into(),
        Derived::Int(pointer) => int(pointer).unwrap_or(0).into(),
        Derived::Text(pointer) => none_if_empty(text(pointer).unwrap_or("").to_string()),
        Derived::Count(pointers) => pointers
            .iter()
            .filter_map(|p| object.pointer(p).and_then(Value::as_object))
            .map(|m| m.len())
            .sum::<usize>()
            .into(),
        Derived::Join { array, field } => join(object.pointer(array), field).into(),
        Derived::Selector(pointer) => none_if_empty(selector(object.pointer(pointer))),
        Derived::Pairs(pointer) => none_if_empty(pairs(object.pointer(pointer))),
        Derived::Timestamp(pointer) => text(pointer).unwrap_or("").into(),
        Derived::ServiceExternalIp => service_external_ip(object).into(),
        Derived::ServicePorts => none_if_empty(service_ports(object)),
        Derived::EventLastSeen => event_last_seen(object, now).into(),
        Derived::EventObject => event_object(object).into(),
        Derived::EventSource => event_source(object).into(),
        Derived::JobStatus => job_status(object).into(),
        Derived::JobDuration => job_duration(object, now).into(),
    }
}

fn none_if_empty(text: String) -> Value {
    if text.is_empty() {
        "<none>".into()
    } else {
        text.into()
    }
}

fn join(array: Option<&Value>, field: &str) -> String {
    let items = array.and_then(Value::as_array).map(Vec::as_slice);
    let values: Vec<&str> = items
        .unwrap_or_default()
        .iter()
        .filter_map(|item| item.get(field).and_then(Value::as_str))
        .collect();
    values.join(",")
}

/// `k=v` pairs of a string map, in key order, comma-joined.
fn pairs(map: Option<&Value>) -> String {
    let Some(map) = map.and_then(Value::as_object) else {
        return String::new();
    };
    let mut items: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    items.sort();
    items.join(",")
}

/// A LabelSelector as Kubernetes formats it: `matchLabels` pairs, then each expression.
fn selector(value: Option<&Value>) -> String {
    let Some(value) = value.filter(|v| v.is_object()) else {
        return String::new();
    };
    let mut parts = Vec::new();
    let labels = pairs(value.get("matchLabels"));
    if !labels.is_empty() {
        parts.push(labels);
    }
    let expressions = value.get("matchExpressions").and_then(Value::as_array);
    for e in expressions.map(Vec::as_slice).unwrap_or_default() {
        let key = e.get("key").and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = e
            .get("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let values = values.join(",");
        parts.push(match e.get("operator").and_then(Value::as_str) {
            Some("In") => format!("{key} in ({values})"),
            Some("NotIn") => format!("{key} notin ({values})"),
            Some("DoesNotExist") => format!("!{key}"),
            _ => key.to_string(),
        });
    }
    parts.join(",")
}

fn service_external_ip(object: &Value) -> String {
    let strings = |pointer: &str| -> Vec<String> {
        let items = object.pointer(pointer).and_then(Value::as_array);
        items
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(String::from).or_else(|| ingress(i)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut ips = strings("/status/loadBalancer/ingress");
    ips.extend(strings("/spec/externalIPs"));
    let kind = object.pointer("/spec/type").and_then(Value::as_str);
    match (ips.is_empty(), kind) {
        (false, _) => ips.join(","),
        (true, Some("LoadBalancer")) => "<pending>".into(),
        (true, Some("ExternalName")) => object
            .pointer("/spec/externalName")
            .and_then(Value::as_str)
            .unwrap_or("<none>")
            .into(),
        (true, _) => "<none>".into(),
    }
}

fn ingress(item: &Value) -> Option<String> {
    ["ip", "hostname"]
        .iter()
        .find_map(|k| item.get(*k).and_then(Value::as_str).map(String::from))
}

fn service_ports(object: &Value) -> String {
    let ports = object.pointer("/spec/ports").and_then(Value::as_array);
    let items: Vec<String> = ports
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|p| {
            let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
            let protocol = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            match p.get("nodePort").and_then(Value::as_i64) {
                Some(node) => format!("{port}:{node}/{protocol}"),
                None => format!("{port}/{protocol}"),
            }
        })
        .collect();
    items.join(",")
}

fn event_last_seen(object: &Value, now: Timestamp) -> String {
    ["/lastTimestamp", "/eventTime", "/firstTimestamp"]
        .iter()
        .filter_map(|p| object.pointer(p).and_then(Value::as_str))
        .find(|t| !t.is_empty())
        .map_or_else(|| "<unknown>".into(), |t| date_cell(t, now))
}

fn event_object(object: &Value) -> String {
    let field = |f: &str| {
        object
            .pointer(&format!("/involvedObject/{f}"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    format!("{}/{}", field("kind").to_ascii_lowercase(), field("name"))
}

fn event_source(object: &Value) -> String {
    let field = |f: &str| {
        object
            .pointer(&format!("/source/{f}"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    match (field("component"), field("host")) {
        ("", "") => "<none>".into(),
        (c, "") => c.into(),
        ("", h) => h.into(),
        (c, h) => format!("{c}, {h}"),
    }
}

fn job_status(object: &Value) -> &'static str {
    let conditions = object
        .pointer("/status/conditions")
        .and_then(Value::as_array);
    let holds = |kind: &str| {
        conditions.is_some_and(|cs| {
            cs.iter().any(|c| {
                c.get("type").and_then(Value::as_str) == Some(kind)
                    && c.get("status").and_then(Value::as_str) == Some("True")
            })
        })
    };
    if holds("Complete") {
        "Complete"
    } else if holds("Failed") {
        "Failed"
    } else if holds("Suspended") {
        "Suspended"
    } else {
        "Running"
    }
}

fn job_duration(object: &Value, now: Timestamp) -> String {
    let time = |p: &str| {
        object
            .pointer(p)
            .and_then(Value::as_str)
            .and_then(|t| t.parse::<Timestamp>().ok())
    };
    let Some(start) = time("/status/startTime") else {
        return String::new();
    };
    let end = time("/status/completionTime").unwrap_or(now);
    human_duration(end.duration_since(start))
}

/// A column list's NAME: Events place it themselves; every other kind has it first.
pub fn places_name(columns: &[Column]) -> bool {
    columns.iter().any(|c| c.derived == Some(Derived::Name))
}

/// The definition of a NAME column at `priority`.
pub fn name_definition(description: &str, priority: i32) -> Value {
    json!({"name": "Name", "type": "string", "format": "name", "description": description,
           "priority": priority})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(kind: &str, object: Value) -> Vec<(String, Value)> {
        let now: Timestamp = "2026-01-01T01:00:00Z".parse().unwrap();
        built_in_columns(kind)
            .unwrap()
            .into_iter()
            .filter_map(|c| c.derived.map(|d| (c.name, cell(d, &object, now))))
            .collect()
    }

    fn named<'a>(cells: &'a [(String, Value)], name: &str) -> &'a Value {
        &cells.iter().find(|(n, _)| n == name).unwrap().1
    }

    #[test]
    fn deployments_show_ready_of_desired_containers_images_and_selector() {
        let d = json!({"spec": {"replicas": 3, "selector": {"matchLabels": {"b": "2", "a": "1"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["x", "y"]},
                                 {"key": "gone", "operator": "DoesNotExist"}]},
            "template": {"spec": {"containers": [{"name": "web", "image": "nginx"},
                                                  {"name": "log", "image": "busybox"}]}}},
            "status": {"readyReplicas": 2, "updatedReplicas": 3}});
        let c = cells("Deployment", d);
        assert_eq!(named(&c, "Ready"), "2/3");
        assert_eq!(named(&c, "Up-to-date"), 3);
        assert_eq!(named(&c, "Available"), 0, "absent counts are 0");
        assert_eq!(named(&c, "Containers"), "web,log");
        assert_eq!(named(&c, "Images"), "nginx,busybox");
        assert_eq!(named(&c, "Selector"), "a=1,b=2,env in (x,y),!gone");
        let empty = cells("Deployment", json!({"spec": {}}));
        assert_eq!(named(&empty, "Ready"), "0/1", "replicas default to 1");
        assert_eq!(named(&empty, "Selector"), "<none>");
    }

    #[test]
    fn config_maps_secrets_and_namespaces() {
        let c = cells(
            "ConfigMap",
            json!({"data": {"a": "1", "b": "2"}, "binaryData": {"c": ""}}),
        );
        assert_eq!(named(&c, "Data"), 3);
        assert_eq!(named(&cells("ConfigMap", json!({})), "Data"), 0);
        let s = cells("Secret", json!({"type": "Opaque", "data": {"k": "dg=="}}));
        assert_eq!(
            (named(&s, "Type"), named(&s, "Data")),
            (&json!("Opaque"), &json!(1))
        );
        let n = cells("Namespace", json!({"status": {"phase": "Terminating"}}));
        assert_eq!(named(&n, "Status"), "Terminating");
    }

    #[test]
    fn services_show_addresses_and_ports() {
        let lb = json!({"spec": {"type": "LoadBalancer", "clusterIP": "10.0.0.1",
            "ports": [{"port": 80, "nodePort": 30080}, {"port": 53, "protocol": "UDP"}],
            "selector": {"app": "web"}}});
        let c = cells("Service", lb.clone());
        assert_eq!(named(&c, "External-IP"), "<pending>");
        assert_eq!(named(&c, "Port(s)"), "80:30080/TCP,53/UDP");
        assert_eq!(named(&c, "Selector"), "app=web");
        let mut ready = lb;
        ready["status"] = json!({"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}});
        assert_eq!(named(&cells("Service", ready), "External-IP"), "1.2.3.4");
        let plain = cells("Service", json!({"spec": {"type": "ClusterIP"}}));
        assert_eq!(named(&plain, "External-IP"), "<none>");
        assert_eq!(named(&plain, "Port(s)"), "<none>");
    }

    #[test]
    fn events_name_their_object_last_seen_and_source() {
        let e = json!({"metadata": {"name": "cfg.1"}, "type": "Warning", "reason": "Failed",
            "involvedObject": {"kind": "ConfigMap", "name": "cfg"}, "count": 3,
            "source": {"component": "flotilla", "host": "h1"},
            "lastTimestamp": "2026-01-01T00:58:00Z", "firstTimestamp": "2026-01-01T00:00:00Z"});
        let c = cells("Event", e);
        assert_eq!(named(&c, "Object"), "configmap/cfg");
        assert_eq!(named(&c, "Last Seen"), "2m");
        assert_eq!(named(&c, "Source"), "flotilla, h1");
        assert_eq!(named(&c, "Count"), 3);
        assert_eq!(named(&c, "Name"), "cfg.1");
        assert!(places_name(&built_in_columns("Event").unwrap()));
        assert!(!places_name(&built_in_columns("ConfigMap").unwrap()));
        let series = cells("Event", json!({"eventTime": "2026-01-01T00:59:30.000000Z"}));
        assert_eq!(named(&series, "Last Seen"), "30s");
        assert_eq!(named(&cells("Event", json!({})), "Last Seen"), "<unknown>");
    }

    #[test]
    fn jobs_show_status_completions_and_duration() {
        let done = json!({"spec": {"completions": 3}, "status": {"succeeded": 3,
            "startTime": "2026-01-01T00:00:00Z", "completionTime": "2026-01-01T00:00:42Z",
            "conditions": [{"type": "Complete", "status": "True"}]}});
        let c = cells("Job", done);
        assert_eq!(named(&c, "Status"), "Complete");
        assert_eq!(named(&c, "Completions"), "3/3");
        assert_eq!(named(&c, "Duration"), "42s");
        let running = cells(
            "Job",
            json!({"status": {"startTime": "2026-01-01T00:50:00Z"}}),
        );
        assert_eq!(named(&running, "Status"), "Running");
        assert_eq!(named(&running, "Completions"), "0/1");
        assert_eq!(named(&running, "Duration"), "10m");
        assert_eq!(named(&cells("Job", json!({})), "Duration"), "");
    }

    #[test]
    fn every_built_in_kind_has_columns_and_unknown_kinds_none() {
        for kind in [
            "Namespace",
            "ConfigMap",
            "Secret",
            "Service",
            "Event",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "Job",
            "Lease",
            "CustomResourceDefinition",
        ] {
            assert!(
                built_in_columns(kind).is_some_and(|c| !c.is_empty()),
                "{kind}"
            );
        }
        assert!(built_in_columns("Cluster").is_none());
    }
}
