//! Strategic merge patch (kube-api.md §8): JSON merge patch, except that the lists a
//! [`StrategicSchema`] marks as merging are merged by key or as sets, and directives steer the
//! merge:
//!
//! - `$patch: replace` on a map replaces the map; as a list element it replaces the list;
//! - `$patch: delete` on a map removes the map; as a list element it removes the elements with
//!   that merge key; `$patch: merge` asks for the default;
//! - `$retainKeys: [..]` drops every other member of the live map before merging;
//! - `$setElementOrder/<list>: [..]` orders the merged list (see `lists`);
//! - `$deleteFromPrimitiveList/<list>: [..]` removes those values from a primitive list.
//!
//! `null` deletes a member, as in merge patch, and nulls inside newly added maps are dropped.
//! Lists with the replace strategy are taken verbatim (only `$patch` marker elements are
//! dropped), as merge patch does. Directive keys never appear in the result.
//!
//! Deliberate differences from upstream's code, none of which kubectl's bodies exercise:
//! `$patch: delete` on a map removes the member (upstream documents this but leaves `{}`);
//! `$patch: merge` on a map is accepted (upstream rejects it); new list elements and replaced
//! maps have their nulls dropped and nested directives applied (upstream copies them raw); a
//! `$setElementOrder` list is not checked against the patch list.
//!
//! Owns: [`strategic_merge_patch`]. Must not: know kinds (the schema does), or special-case
//! server-owned fields: `kubectl diff` sends `"uid": null`, `"creationTimestamp": null`, and this
//! module removes them like any other member; the server restores them.

mod directives;
mod lists;

use serde_json::{Map, Value};

use self::directives::{Directives, MapDirective, is_directive};
use super::error::{PatchError, StrategicFailure};
use super::schema::StrategicSchema;

/// Applies a strategic merge patch (a JSON object) to `target`, merging lists as `schema` says.
///
/// A target that is not an object is treated as `{}`. A top-level `$patch: delete` gives `{}`.
/// On error nothing is returned half-patched.
pub fn strategic_merge_patch(
    target: &Value,
    patch: &Value,
    schema: &StrategicSchema,
) -> Result<Value, PatchError> {
    let Value::Object(patch) = patch else {
        return Err(PatchError::StrategicNotObject);
    };
    let mut doc = match target {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    let mut merger = Merger {
        schema,
        path: Vec::new(),
    };
    if merger.merge_map(&mut doc, patch)? == Outcome::Delete {
        doc.clear();
    }
    Ok(Value::Object(doc))
}

/// What the parent should do with a merged map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Keep it (merged in place).
    Keep,
    /// Remove it (`$patch: delete`).
    Delete,
}

/// The merge walk: the schema, and the field path of the map or list being merged.
struct Merger<'s, 'p> {
    schema: &'s StrategicSchema,
    path: Vec<&'p str>,
}

impl<'p> Merger<'_, 'p> {
    /// Merges `patch` into the live map `original`, in place.
    fn merge_map(
        &mut self,
        original: &mut Map<String, Value>,
        patch: &'p Map<String, Value>,
    ) -> Result<Outcome, PatchError> {
        let directives = Directives::collect(patch).map_err(|reason| self.fail(reason))?;
        match directives.map_directive {
            Some(MapDirective::Delete) => return Ok(Outcome::Delete),
            Some(MapDirective::Replace) => original.clear(),
            Some(MapDirective::Merge) | None => {}
        }
        if let Some(keep) = &directives.retain_keys {
            original.retain(|key, _| keep.contains(&key.as_str()));
        }
        for (key, value) in patch {
            if is_directive(key) {
                continue;
            }
            self.path.push(key);
            let merged = self.merge_member(original, key, value, &directives);
            self.path.pop();
            merged?;
        }
        // Lists named only by `$setElementOrder/` or `$deleteFromPrimitiveList/`.
        for field in directives.list_fields() {
            if patch.contains_key(field) {
                continue;
            }
            self.path.push(field);
            let merged = self.merge_list_field(original, field, None, &directives);
            self.path.pop();
            merged?;
        }
        Ok(Outcome::Keep)
    }

    /// Merges one member of a patch map (the path already ends with `key`).
    fn merge_member(
        &mut self,
        original: &mut Map<String, Value>,
        key: &str,
        value: &'p Value,
        directives: &Directives<'p>,
    ) -> Result<(), PatchError> {
        match value {
            Value::Null => {
                original.shift_remove(key);
            }
            Value::Object(patch) => {
                let slot = object_slot(original, key);
                if self.merge_map(slot, patch)? == Outcome::Delete {
                    original.shift_remove(key);
                }
            }
            Value::Array(items) => {
                self.merge_list_field(original, key, Some(items.as_slice()), directives)?
            }
            scalar => {
                original.insert(key.to_owned(), scalar.clone());
            }
        }
        Ok(())
    }

    /// A map built from nothing by the patch: nulls dropped, directives applied.
    fn fresh_map(
        &mut self,
        patch: &'p Map<String, Value>,
    ) -> Result<Map<String, Value>, PatchError> {
        let mut map = Map::new();
        if self.merge_map(&mut map, patch)? == Outcome::Delete {
            map.clear();
        }
        Ok(map)
    }

    /// An error at the current field path.
    fn fail(&self, reason: StrategicFailure) -> PatchError {
        PatchError::Strategic {
            path: self.path.join("."),
            reason,
        }
    }
}

/// The map member `key`, created (or overwritten, if it is not a map) as `{}` when needed.
fn object_slot<'m>(map: &'m mut Map<String, Value>, key: &str) -> &'m mut Map<String, Value> {
    let slot = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    match slot {
        Value::Object(inner) => inner,
        _ => unreachable!("the slot was just made an object"),
    }
}
