//! FieldsV1 sets (kube-api.md §9): the `{"f:<field>": {...}}` encoding of the fields a manager
//! owns, the leaf paths of a set and of an object, and the fields two objects differ in. Lists are
//! atomic: a list is one leaf.
//!
//! Owns: field paths and set arithmetic. Must not: decide ownership (that is `apply`), or touch
//! the store.

use serde_json::{Map, Value, json};

/// A field path: the names from the object's root (`["data", "a"]`).
pub type Path = Vec<String>;

/// Metadata fields no manager owns: identity and what the server maintains.
const UNOWNED_METADATA: [&str; 10] = [
    "name",
    "namespace",
    "managedFields",
    "resourceVersion",
    "uid",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
];

/// Whether a top-level field, or a metadata field, can be owned.
fn ownable(path: &[String]) -> bool {
    match path {
        [top, ..] if top == "apiVersion" || top == "kind" => false,
        [meta, field, ..] if meta == "metadata" => !UNOWNED_METADATA.contains(&field.as_str()),
        _ => true,
    }
}

/// The leaf paths of an object's ownable fields: scalars, lists and empty maps.
pub fn object_leaves(object: &Value) -> Vec<Path> {
    let mut out = Vec::new();
    walk(object, &mut Vec::new(), &mut out);
    out
}

fn walk(value: &Value, prefix: &mut Path, out: &mut Vec<Path>) {
    match value.as_object() {
        Some(map) if !map.is_empty() => {
            for (key, child) in map {
                prefix.push(key.clone());
                if ownable(prefix) {
                    walk(child, prefix, out);
                }
                prefix.pop();
            }
        }
        _ if !prefix.is_empty() => out.push(prefix.clone()),
        _ => {}
    }
}

/// The set of these paths.
pub fn set_of(paths: &[Path]) -> Value {
    let mut set = json!({});
    for path in paths {
        insert(&mut set, path);
    }
    set
}

/// Adds a path to a set.
pub fn insert(set: &mut Value, path: &[String]) {
    let mut at = set;
    for field in path {
        if !at.is_object() {
            *at = json!({});
        }
        at = at
            .as_object_mut()
            .expect("made an object above")
            .entry(format!("f:{field}"))
            .or_insert_with(|| json!({}));
    }
}

/// Whether a set holds `path` (or a field inside it).
pub fn contains(set: &Value, path: &[String]) -> bool {
    let mut at = set;
    for field in path {
        match at.get(format!("f:{field}")) {
            Some(next) => at = next,
            None => return false,
        }
    }
    true
}

/// Removes `path` and everything under it from a set, then the maps it leaves empty.
pub fn remove(set: &mut Value, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(map) = set.as_object_mut() else {
        return;
    };
    let key = format!("f:{first}");
    if rest.is_empty() {
        map.remove(&key);
        return;
    }
    if let Some(child) = map.get_mut(&key) {
        remove(child, rest);
        if child.as_object().is_some_and(Map::is_empty) {
            map.remove(&key);
        }
    }
}

/// The leaf paths of a set (`.` markers are not fields).
pub fn set_leaves(set: &Value) -> Vec<Path> {
    let mut out = Vec::new();
    set_walk(set, &mut Vec::new(), &mut out);
    out
}

fn set_walk(set: &Value, prefix: &mut Path, out: &mut Vec<Path>) {
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
        set_walk(child, prefix, out);
        prefix.pop();
    }
}

/// Whether a set is empty.
pub fn is_empty(set: &Value) -> bool {
    set.as_object()
        .is_none_or(|m| m.keys().all(|k| !k.starts_with("f:")))
}

/// The value at a path, if any.
pub fn value_at<'a>(object: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter()
        .try_fold(object, |at, field| at.get(field.as_str()))
}

/// Removes the field at a path from an object.
pub fn remove_field(object: &mut Value, path: &[String]) {
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

/// The ownable leaves of `new` whose values differ from (or are absent in) `old`, and the leaves
/// of `old` that `new` no longer has.
pub fn changes(old: &Value, new: &Value) -> (Vec<Path>, Vec<Path>) {
    let changed = object_leaves(new)
        .into_iter()
        .filter(|p| value_at(old, p) != value_at(new, p))
        .collect();
    let removed = object_leaves(old)
        .into_iter()
        .filter(|p| value_at(new, p).is_none())
        .collect();
    (changed, removed)
}

/// `.data.a`: a path as conflict messages print it.
pub fn dotted(path: &[String]) -> String {
    path.iter().map(|f| format!(".{f}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Path {
        text.split('.').map(String::from).collect()
    }

    #[test]
    fn leaves_skip_identity_and_server_fields() {
        let object = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "uid": "u", "labels": {"app": "web"}, "annotations": {}},
            "data": {"a": "1"}, "spec": {"ports": [{"port": 80}]}});
        let mut leaves = object_leaves(&object);
        leaves.sort();
        assert_eq!(
            leaves,
            [
                p("data.a"),
                p("metadata.annotations"),
                p("metadata.labels.app"),
                p("spec.ports")
            ]
        );
        assert_eq!(
            set_of(&leaves),
            json!({"f:data": {"f:a": {}}, "f:metadata": {"f:annotations": {},
                   "f:labels": {"f:app": {}}}, "f:spec": {"f:ports": {}}})
        );
    }

    #[test]
    fn sets_insert_contain_and_remove() {
        let mut set = set_of(&[p("data.a"), p("data.b")]);
        assert!(contains(&set, &p("data.a")) && contains(&set, &p("data")));
        assert!(!contains(&set, &p("data.c")));
        remove(&mut set, &p("data.a"));
        assert_eq!(set, json!({"f:data": {"f:b": {}}}));
        remove(&mut set, &p("data.b"));
        assert_eq!(set, json!({}));
        assert!(is_empty(&set));
        let upstream = json!({"f:metadata": {"f:labels": {".": {}, "f:app": {}}}});
        assert_eq!(set_leaves(&upstream), [p("metadata.labels.app")]);
    }

    #[test]
    fn changes_between_objects() {
        let old = json!({"data": {"a": "1", "b": "2"}, "metadata": {"resourceVersion": "3"}});
        let new = json!({"data": {"a": "9", "c": "3"}, "metadata": {"resourceVersion": "4"}});
        let (changed, removed) = changes(&old, &new);
        assert_eq!(changed, [p("data.a"), p("data.c")]);
        assert_eq!(removed, [p("data.b")]);
        assert_eq!(dotted(&p("data.a")), ".data.a");
    }
}
