//! `events.k8s.io/v1` Events over the storage of core/v1 Events (kube-api.md §14): one stored
//! form (core/v1), converted field by field when served or written through the newer API, so
//! both APIs list, watch and describe the same events. The kube-runtime `Recorder` writes the
//! newer API; `kubectl describe` reads the older one.
//!
//! Field mapping (newer ↔ core): `regarding` ↔ `involvedObject`, `note` ↔ `message`,
//! `reportingController` ↔ `reportingComponent`, `deprecatedSource` ↔ `source`,
//! `deprecatedFirstTimestamp` ↔ `firstTimestamp`, `deprecatedLastTimestamp` ↔ `lastTimestamp`,
//! `deprecatedCount` ↔ `count`; `metadata`, `eventTime`, `series`, `action`, `reason`, `type`,
//! `related` and `reportingInstance` are the same in both.
//!
//! Owns: the conversion. Must not: touch the store or validate events.

use serde_json::{Map, Value};

/// `apiVersion` of the newer Events.
pub const EVENTS_V1_API_VERSION: &str = "events.k8s.io/v1";

/// (events.k8s.io/v1 field, core/v1 field) pairs that differ in name.
const RENAMED: [(&str, &str); 7] = [
    ("regarding", "involvedObject"),
    ("note", "message"),
    ("reportingController", "reportingComponent"),
    ("deprecatedSource", "source"),
    ("deprecatedFirstTimestamp", "firstTimestamp"),
    ("deprecatedLastTimestamp", "lastTimestamp"),
    ("deprecatedCount", "count"),
];

fn renamed(object: &Value, api_version: &str, to_core: bool) -> Value {
    let Some(map) = object.as_object() else {
        return object.clone();
    };
    let mut out = Map::with_capacity(map.len());
    for (key, value) in map {
        let key = RENAMED
            .iter()
            .find(|(newer, core)| if to_core { newer == key } else { core == key })
            .map_or(
                key.as_str(),
                |(newer, core)| if to_core { core } else { newer },
            );
        out.insert(key.to_string(), value.clone());
    }
    out.insert("apiVersion".into(), api_version.into());
    out.insert("kind".into(), "Event".into());
    Value::Object(out)
}

/// The core/v1 form (stored) of an events.k8s.io/v1 Event.
pub fn to_core(event: &Value) -> Value {
    renamed(event, "v1", true)
}

/// The events.k8s.io/v1 form of a stored core/v1 Event.
pub fn from_core(event: &Value) -> Value {
    renamed(event, EVENTS_V1_API_VERSION, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_map_both_ways() {
        let newer = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": {"name": "e1", "namespace": "default"},
            "eventTime": "2026-11-24T10:00:00.000000Z", "reportingController": "flotilla",
            "reportingInstance": "flotilla-1", "action": "Evict", "reason": "Evicted",
            "type": "Warning", "note": "evicted from member1",
            "regarding": {"kind": "ResourceBinding", "name": "web", "namespace": "default"},
            "series": {"count": 2, "lastObservedTime": "2026-11-24T10:01:00.000000Z"},
            "deprecatedCount": 2});
        let core = to_core(&newer);
        assert_eq!(core["apiVersion"], "v1");
        assert_eq!(core["involvedObject"]["name"], "web");
        assert_eq!(core["message"], "evicted from member1");
        assert_eq!(core["reportingComponent"], "flotilla");
        assert_eq!(core["count"], 2);
        assert_eq!(core["series"]["count"], 2);
        assert!(core.get("regarding").is_none() && core.get("note").is_none());
        assert_eq!(from_core(&core), newer, "the round trip loses nothing");
    }

    #[test]
    fn core_events_read_through_the_newer_api() {
        let core = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e"},
            "involvedObject": {"kind": "ConfigMap", "name": "cfg"}, "message": "m",
            "source": {"component": "kubectl"}, "firstTimestamp": "2026-01-01T00:00:00Z",
            "lastTimestamp": "2026-01-01T00:01:00Z", "count": 3});
        let newer = from_core(&core);
        assert_eq!(newer["apiVersion"], "events.k8s.io/v1");
        assert_eq!(newer["regarding"]["kind"], "ConfigMap");
        assert_eq!(newer["deprecatedSource"]["component"], "kubectl");
        assert_eq!(newer["deprecatedFirstTimestamp"], "2026-01-01T00:00:00Z");
        assert_eq!(newer["deprecatedLastTimestamp"], "2026-01-01T00:01:00Z");
        assert_eq!(newer["deprecatedCount"], 3);
        assert_eq!(newer["note"], "m");
        assert_eq!(to_core(&newer), core);
    }
}
