//! Server-side apply, minimal tier (kube-api.md §9): the applied configuration is deep-merged
//! into the live object (maps recursively, lists whole, `null` removes), the manager's fields are
//! recorded in `metadata.managedFields` (FieldsV1), and fields the manager applied before but no
//! longer applies — and that no other manager owns — are removed. Conflicts between managers (the
//! full tier) are not detected yet. Re-applying the same configuration is a no-op by the
//! general rule (`objects::is_no_op` ignores managedFields times).
//!
//! Owns: apply merging and field ownership. Must not: touch the store or decide metadata rules.

use serde_json::{Map, Value, json};

use crate::patch::merge_patch;

/// The FieldsV1 set of an applied configuration: `f:<field>` keys, `{}` for leaves; lists are
/// atomic (leaves). Identity fields (apiVersion, kind, metadata.name, metadata.namespace) are not
/// recorded.
pub fn fields_of(config: &Value) -> Value {
    let mut set = Map::new();
    let Some(root) = config.as_object() else {
        return json!({});
    };
    for (key, value) in root {
        if key == "apiVersion" || key == "kind" {
            continue;
        }
        if key == "metadata" {
            let mut meta = value.clone();
            if let Some(m) = meta.as_object_mut() {
                for identity in ["name", "namespace", "managedFields", "resourceVersion"] {
                    m.remove(identity);
                }
            }
            let fields = fields_of_value(&meta);
            if fields.as_object().is_some_and(|m| !m.is_empty()) {
                set.insert("f:metadata".into(), fields);
            }
            continue;
        }
        set.insert(format!("f:{key}"), fields_of_value(value));
    }
    Value::Object(set)
}

fn fields_of_value(value: &Value) -> Value {
    match value.as_object() {
        Some(map) if !map.is_empty() => Value::Object(
            map.iter()
                .map(|(k, v)| (format!("f:{k}"), fields_of_value(v)))
                .collect(),
        ),
        _ => json!({}),
    }
}

/// Whether `path` (field names) is in a FieldsV1 set.
fn contains(set: &Value, path: &[String]) -> bool {
    let mut at = set;
    for field in path {
        match at.get(format!("f:{field}")) {
            Some(next) => at = next,
            None => return false,
        }
    }
    true
}

/// The leaf paths of a FieldsV1 set.
fn leaves(set: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let Some(map) = set.as_object() else { return };
    let children: Vec<(&String, &Value)> =
        map.iter().filter(|(k, _)| k.starts_with("f:")).collect();
    if children.is_empty() {
        if !prefix.is_empty() {
            out.push(prefix.clone());
        }
        return;
    }
    for (key, child) in children {
        prefix.push(key[2..].to_string());
        leaves(child, prefix, out);
        prefix.pop();
    }
}

fn remove_path(object: &mut Value, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = object;
    for field in parents {
        match at.get_mut(field.as_str()) {
            Some(next) => at = next,
            None => return,
        }
    }
    if let Some(map) = at.as_object_mut() {
        map.remove(last.as_str());
    }
}

fn managed_fields(object: &Value) -> Vec<Value> {
    object["metadata"]["managedFields"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn is_apply_of(entry: &Value, manager: &str) -> bool {
    entry["manager"] == manager && entry["operation"] == "Apply"
}

/// The object after applying `config` as `manager` to `live` (`None`: the object does not exist
/// yet), with its managedFields entry at `now`.
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    api_version: &str,
    now: &str,
) -> Value {
    let new_set = fields_of(config);
    let mut config = config.clone();
    if let Some(meta) = config["metadata"].as_object_mut() {
        meta.remove("managedFields");
    }
    let (mut object, mut entries) = match live {
        None => (config.clone(), Vec::new()),
        Some(live) => (merge_patch(live, &config), managed_fields(live)),
    };
    if live.is_some() {
        let previous = entries
            .iter()
            .find(|e| is_apply_of(e, manager))
            .map(|e| e["fieldsV1"].clone());
        let others: Vec<Value> = entries
            .iter()
            .filter(|e| !is_apply_of(e, manager))
            .map(|e| e["fieldsV1"].clone())
            .collect();
        if let Some(previous) = previous {
            let mut old = Vec::new();
            leaves(&previous, &mut Vec::new(), &mut old);
            for path in old {
                let kept = contains(&new_set, &path) || others.iter().any(|s| contains(s, &path));
                if !kept {
                    remove_path(&mut object, &path);
                }
            }
        }
    }
    entries.retain(|e| !is_apply_of(e, manager));
    entries.push(json!({
        "manager": manager,
        "operation": "Apply",
        "apiVersion": api_version,
        "time": now,
        "fieldsType": "FieldsV1",
        "fieldsV1": new_set,
    }));
    if let Some(meta) = object["metadata"].as_object_mut() {
        meta.insert("managedFields".into(), Value::Array(entries));
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::is_no_op;

    #[test]
    fn fields_v1_of_the_spec_example() {
        let config = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "labels": {"app": "web"}}, "data": {"a": "1"}});
        assert_eq!(
            fields_of(&config),
            json!({"f:data": {"f:a": {}}, "f:metadata": {"f:labels": {"f:app": {}}}})
        );
        let lists = json!({"spec": {"ports": [{"port": 80}], "empty": {}}});
        assert_eq!(
            fields_of(&lists),
            json!({"f:spec": {"f:ports": {}, "f:empty": {}}})
        );
    }

    #[test]
    fn create_then_reapply_removes_dropped_fields() {
        let first = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "labels": {"app": "web", "tier": "1"}}, "data": {"a": "1", "b": "2"}});
        let created = apply(None, &first, "kubectl", "v1", "2026-11-24T10:00:00Z");
        assert_eq!(
            created["metadata"]["managedFields"][0]["manager"],
            "kubectl"
        );
        assert_eq!(created["data"], json!({"a": "1", "b": "2"}));
        // Another manager owns data.b through an Update.
        let mut live = created.clone();
        live["metadata"]["managedFields"]
            .as_array_mut()
            .unwrap()
            .push(json!({"manager": "other", "operation": "Update", "fieldsV1": {"f:data": {"f:b": {}}}}));
        let second = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "labels": {"app": "web"}}, "data": {"a": "10"}});
        let applied = apply(
            Some(&live),
            &second,
            "kubectl",
            "v1",
            "2026-11-24T11:00:00Z",
        );
        assert_eq!(
            applied["metadata"]["labels"],
            json!({"app": "web"}),
            "tier removed"
        );
        assert_eq!(
            applied["data"],
            json!({"a": "10", "b": "2"}),
            "b kept: other owns it"
        );
        let entries = applied["metadata"]["managedFields"].as_array().unwrap();
        assert_eq!(entries.len(), 2);
        let mine = entries.iter().find(|e| e["manager"] == "kubectl").unwrap();
        assert_eq!(mine["time"], "2026-11-24T11:00:00Z");
        // Re-applying the same configuration changes nothing but the time.
        let again = apply(
            Some(&applied),
            &second,
            "kubectl",
            "v1",
            "2026-11-24T12:00:00Z",
        );
        assert!(is_no_op(&applied, &again));
        assert!(!is_no_op(&created, &applied));
    }
}
