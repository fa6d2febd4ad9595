//! JSON merge patch (RFC 7386): objects merge recursively, `null` deletes a member, and anything
//! that is not an object (arrays included) replaces the target wholesale.
//!
//! Owns: [`merge_patch`]. Must not: know about Kubernetes fields or merge keys (that is strategic
//! merge patch), or fail: every JSON value is a valid merge patch.

use serde_json::{Map, Value};

/// Applies an RFC 7386 merge patch to `target` and returns the result.
///
/// A patch that is not an object replaces the target. Nulls nested inside a patch object delete
/// members (or are dropped where there is nothing to delete); nulls inside arrays are kept, since
/// arrays are taken verbatim.
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    let mut result = target.clone();
    merge_into(&mut result, patch);
    result
}

fn merge_into(target: &mut Value, patch: &Value) {
    let Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Some(object) = target.as_object_mut() else {
        return;
    };
    for (key, value) in members {
        if value.is_null() {
            object.shift_remove(key);
        } else {
            merge_into(object.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}
