//! Server-side apply (kube-api.md §9, minimal and full tiers) and the managedFields of other
//! writes. Apply deep-merges the applied configuration into the live object (maps recursively,
//! lists whole, `null` removes), records the manager's fields in `metadata.managedFields`
//! (FieldsV1), removes fields the manager applied before but no longer applies and that no other
//! manager owns, and refuses to change a field another manager owns (a conflict) unless forced,
//! in which case ownership moves to the applier. Equal values are shared. Creates, updates and
//! non-apply patches record the fields they changed under an `Update` entry of their manager,
//! taking those fields from the other managers. Re-applying the same configuration is a no-op by
//! the general rule (`objects::is_no_op` ignores managedFields times).
//!
//! Owns: apply merging and field ownership. Must not: touch the store or decide metadata rules.

use serde_json::{Value, json};

use crate::fieldset::{self, Path};
use crate::patch::merge_patch;

/// The FieldsV1 set of an applied configuration: `f:<field>` keys, `{}` for leaves; lists are
/// atomic (leaves). Identity fields (apiVersion, kind, metadata.name, metadata.namespace) are not
/// recorded.
pub fn fields_of(config: &Value) -> Value {
    fieldset::set_of(&fieldset::object_leaves(config))
}

/// A field the applied configuration changes although another manager owns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The owning manager.
    pub manager: String,
    /// The API version of its entry.
    pub api_version: String,
    /// The field, as `.data.a`.
    pub field: String,
}

/// One write's manager: `fieldManager`, the operation's API version and the time.
#[derive(Clone, Copy, Debug)]
pub struct Manager<'a> {
    /// The manager's name.
    pub name: &'a str,
    /// `apiVersion` of the entry.
    pub api_version: &'a str,
    /// `time` of the entry (RFC 3339).
    pub now: &'a str,
    /// The subresource written (`status`, `scale`), if not the main resource.
    pub subresource: Option<&'a str>,
}

fn managed_fields(object: &Value) -> Vec<Value> {
    object["metadata"]["managedFields"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn set_managed_fields(object: &mut Value, entries: Vec<Value>) {
    if let Some(meta) = object["metadata"].as_object_mut() {
        if entries.is_empty() {
            meta.remove("managedFields");
        } else {
            meta.insert("managedFields".into(), Value::Array(entries));
        }
    }
}

/// Whether `entry` is `manager`'s entry for `operation` (on the main resource).
fn is_entry(entry: &Value, manager: &str, operation: &str) -> bool {
    is_entry_of(entry, manager, operation, None)
}

fn is_entry_of(entry: &Value, manager: &str, operation: &str, subresource: Option<&str>) -> bool {
    entry["manager"] == manager
        && entry["operation"] == operation
        && entry.get("subresource").and_then(Value::as_str) == subresource
}

fn entry(manager: &Manager, operation: &str, set: Value) -> Value {
    let mut entry = json!({
        "manager": manager.name,
        "operation": operation,
        "apiVersion": manager.api_version,
        "time": manager.now,
        "fieldsType": "FieldsV1",
        "fieldsV1": set,
    });
    if let Some(subresource) = manager.subresource {
        entry["subresource"] = subresource.into();
    }
    entry
}

/// Takes `paths` away from every entry but the one `keep` selects; drops emptied entries.
fn take_from_others(entries: &mut Vec<Value>, paths: &[Path], keep: impl Fn(&Value) -> bool) {
    for e in entries.iter_mut().filter(|e| !keep(e)) {
        for path in paths {
            fieldset::remove(&mut e["fieldsV1"], path);
        }
    }
    entries.retain(|e| keep(e) || !fieldset::is_empty(&e["fieldsV1"]));
}

/// The conflicts of an apply: fields another entry (not this manager's Apply entry) owns, that
/// the applied set claims, and whose value the apply changes (`merged` against `live`).
fn conflicts(
    live: &Value,
    merged: &Value,
    new_set: &Value,
    entries: &[Value],
    manager: &str,
) -> Vec<(usize, Path)> {
    let mut found = Vec::new();
    for (index, e) in entries.iter().enumerate() {
        if is_entry(e, manager, "Apply") {
            continue;
        }
        for path in fieldset::set_leaves(&e["fieldsV1"]) {
            if fieldset::contains(new_set, &path)
                && fieldset::value_at(live, &path) != fieldset::value_at(merged, &path)
            {
                found.push((index, path));
            }
        }
    }
    found
}

/// The object after applying `config` as `manager` to `live` (`None`: the object does not exist
/// yet), with its managedFields entry; or the conflicts when `force` is false.
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    manager: &Manager,
    force: bool,
) -> Result<Value, Vec<Conflict>> {
    let new_set = fields_of(config);
    let mut config = config.clone();
    if let Some(meta) = config["metadata"].as_object_mut() {
        meta.remove("managedFields");
    }
    let Some(live) = live else {
        let mut object = config;
        set_managed_fields(&mut object, vec![entry(manager, "Apply", new_set)]);
        return Ok(object);
    };
    let mut entries = managed_fields(live);
    let mut object = merge_patch(live, &config);
    let found = conflicts(live, &object, &new_set, &entries, manager.name);
    if !found.is_empty() && !force {
        return Err(found
            .into_iter()
            .map(|(index, path)| Conflict {
                manager: entries[index]["manager"].as_str().unwrap_or("").to_string(),
                api_version: entries[index]["apiVersion"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                field: fieldset::dotted(&path),
            })
            .collect());
    }
    for (index, path) in &found {
        fieldset::remove(&mut entries[*index]["fieldsV1"], path);
    }
    let mine = |e: &Value| is_entry(e, manager.name, "Apply");
    entries.retain(|e| mine(e) || !fieldset::is_empty(&e["fieldsV1"]));
    if let Some(previous) = entries.iter().find(|e| mine(e)) {
        for path in fieldset::set_leaves(&previous["fieldsV1"]) {
            let kept = fieldset::contains(&new_set, &path)
                || entries
                    .iter()
                    .any(|e| !mine(e) && fieldset::contains(&e["fieldsV1"], &path));
            if !kept {
                fieldset::remove_field(&mut object, &path);
            }
        }
    }
    entries.retain(|e| !mine(e));
    entries.push(entry(manager, "Apply", new_set));
    set_managed_fields(&mut object, entries);
    Ok(object)
}

/// Records a create (`stored` is `None`), update or non-apply patch in `updated`'s
/// managedFields: the fields it changed join `manager`'s Update entry and leave every other
/// entry; removed fields leave every entry. Managed fields the request itself rewrote are kept
/// as the client sent them (kubectl migrates client-side apply ownership that way).
pub fn record_update(stored: Option<&Value>, updated: &mut Value, manager: &Manager) {
    let before = stored.map(managed_fields).unwrap_or_default();
    let sent = managed_fields(updated);
    if sent != before {
        return;
    }
    let (changed, removed) = match stored {
        Some(stored) => fieldset::changes(stored, updated),
        None => (fieldset::object_leaves(updated), Vec::new()),
    };
    if changed.is_empty() && removed.is_empty() {
        return;
    }
    let mut entries = before;
    let mine = |e: &Value| is_entry_of(e, manager.name, "Update", manager.subresource);
    take_from_others(&mut entries, &changed, mine);
    take_from_others(&mut entries, &removed, |_| false);
    let mut set = entries
        .iter()
        .find(|e| mine(e))
        .map_or_else(|| json!({}), |e| e["fieldsV1"].clone());
    for path in &changed {
        fieldset::insert(&mut set, path);
    }
    entries.retain(|e| !mine(e));
    entries.push(entry(manager, "Update", set));
    set_managed_fields(updated, entries);
}

/// A conflict's message as upstream words it (kube-api.md §9): one conflict names its manager
/// and field; several are grouped by manager, one `- <field>` line each.
pub fn conflict_message(conflicts: &[Conflict]) -> String {
    let manager = |c: &Conflict| format!("{:?} using {}", c.manager, c.api_version);
    if let [only] = conflicts {
        return format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            manager(only),
            only.field
        );
    }
    let mut managers: Vec<String> = conflicts.iter().map(manager).collect();
    managers.sort();
    managers.dedup();
    let mut lines = Vec::new();
    for m in managers {
        lines.push(format!("conflicts with {m}:"));
        for c in conflicts.iter().filter(|c| manager(c) == m) {
            lines.push(format!("- {}", c.field));
        }
    }
    format!(
        "Apply failed with {} conflicts: {}",
        conflicts.len(),
        lines.join("\n")
    )
}

/// The cause message of one conflict: `conflict with "<manager>" using <apiVersion>`.
pub fn conflict_cause(conflict: &Conflict) -> String {
    format!(
        "conflict with {:?} using {}",
        conflict.manager, conflict.api_version
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::is_no_op;

    fn manager<'a>(name: &'a str, now: &'a str) -> Manager<'a> {
        Manager {
            name,
            api_version: "v1",
            now,
            subresource: None,
        }
    }

    fn cm(labels: Value, data: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "c", "labels": labels}, "data": data})
    }

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

    // kube-api.md §9 minimal tier, rules 1-5.
    #[test]
    fn create_then_reapply_removes_dropped_fields() {
        let first = cm(
            json!({"app": "web", "tier": "1"}),
            json!({"a": "1", "b": "2"}),
        );
        let created = apply(
            None,
            &first,
            &manager("kubectl", "2026-11-24T10:00:00Z"),
            false,
        )
        .unwrap();
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
        let second = cm(json!({"app": "web"}), json!({"a": "10"}));
        let at_11 = manager("kubectl", "2026-11-24T11:00:00Z");
        let applied = apply(Some(&live), &second, &at_11, false).unwrap();
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
            &manager("kubectl", "2026-11-24T12:00:00Z"),
            false,
        )
        .unwrap();
        assert!(is_no_op(&applied, &again));
        assert!(!is_no_op(&created, &applied));
    }

    // kube-api.md §9 full tier: conflicts, force, shared ownership of equal values.
    #[test]
    fn another_managers_field_conflicts_unless_forced_or_equal() {
        let t = "2026-11-24T10:00:00Z";
        let live = apply(
            None,
            &cm(json!({"app": "web"}), json!({"a": "1"})),
            &manager("alice", t),
            false,
        )
        .unwrap();
        let bob = manager("bob", t);
        let conflicts =
            apply(Some(&live), &cm(json!({}), json!({"a": "2"})), &bob, false).unwrap_err();
        assert_eq!(
            conflicts,
            [Conflict {
                manager: "alice".into(),
                api_version: "v1".into(),
                field: ".data.a".into()
            }]
        );
        assert_eq!(
            conflict_message(&conflicts),
            "Apply failed with 1 conflict: conflict with \"alice\" using v1: .data.a"
        );
        assert_eq!(
            conflict_cause(&conflicts[0]),
            "conflict with \"alice\" using v1"
        );
        // Equal values: shared, both own data.a.
        let shared = apply(Some(&live), &cm(json!({}), json!({"a": "1"})), &bob, false).unwrap();
        let owners: Vec<&Value> = shared["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| fieldset::contains(&e["fieldsV1"], &["data".into(), "a".into()]))
            .collect();
        assert_eq!(owners.len(), 2);
        // Forced: ownership moves to bob; alice keeps the label.
        let forced = apply(Some(&live), &cm(json!({}), json!({"a": "2"})), &bob, true).unwrap();
        assert_eq!(forced["data"]["a"], "2");
        let entries = forced["metadata"]["managedFields"].as_array().unwrap();
        let alice = entries.iter().find(|e| e["manager"] == "alice").unwrap();
        assert_eq!(
            alice["fieldsV1"],
            json!({"f:metadata": {"f:labels": {"f:app": {}}}})
        );
        // Alice re-applying her old value now conflicts with bob.
        let back = apply(
            Some(&forced),
            &cm(json!({"app": "web"}), json!({"a": "1"})),
            &manager("alice", t),
            false,
        );
        assert_eq!(back.unwrap_err()[0].manager, "bob");
    }

    #[test]
    fn several_conflicts_are_grouped_by_manager() {
        let c = |m: &str, f: &str| Conflict {
            manager: m.into(),
            api_version: "v1".into(),
            field: f.into(),
        };
        let message = conflict_message(&[c("b", ".data.x"), c("a", ".data.y"), c("b", ".data.z")]);
        assert_eq!(
            message,
            "Apply failed with 3 conflicts: conflicts with \"a\" using v1:\n- .data.y\nconflicts with \"b\" using v1:\n- .data.x\n- .data.z"
        );
    }

    // kube-api.md §9 full tier: Update operations are recorded and take ownership.
    #[test]
    fn updates_record_what_they_changed() {
        let t = "2026-11-24T10:00:00Z";
        let mut created = cm(json!({"app": "web"}), json!({"a": "1"}));
        record_update(None, &mut created, &manager("kubectl-create", t));
        assert_eq!(
            created["metadata"]["managedFields"],
            json!([{"manager": "kubectl-create", "operation": "Update", "apiVersion": "v1",
                    "time": t, "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:data": {"f:a": {}}, "f:metadata": {"f:labels": {"f:app": {}}}}}])
        );
        let mut edited = created.clone();
        edited["data"] = json!({"b": "2"});
        record_update(Some(&created), &mut edited, &manager("kubectl-edit", t));
        let entries = edited["metadata"]["managedFields"].as_array().unwrap();
        assert_eq!(
            entries[0]["fieldsV1"],
            json!({"f:metadata": {"f:labels": {"f:app": {}}}}),
            "a removed"
        );
        assert_eq!(entries[1]["manager"], "kubectl-edit");
        assert_eq!(entries[1]["fieldsV1"], json!({"f:data": {"f:b": {}}}));
        // A no-op update records nothing.
        let mut same = edited.clone();
        record_update(
            Some(&edited),
            &mut same,
            &manager("other", "2027-01-01T00:00:00Z"),
        );
        assert_eq!(same, edited);
        // managedFields rewritten by the request are kept as sent.
        let mut migrated = edited.clone();
        migrated["metadata"]["managedFields"] = json!([]);
        migrated["data"]["c"] = json!("3");
        record_update(Some(&edited), &mut migrated, &manager("kubectl", t));
        assert_eq!(migrated["metadata"]["managedFields"], json!([]));
    }
}
