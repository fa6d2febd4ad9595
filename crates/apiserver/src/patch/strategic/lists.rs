//! List merging for strategic merge patch.
//!
//! - Replace lists take the patch's elements verbatim.
//! - Keyed lists merge each patch element into the live element with the same merge-key value
//!   (the first one), or append it; `{"$patch": "delete", <key>: v}` removes every element with
//!   that key; a `{"$patch": "replace"}` element makes the other patch elements the whole list.
//! - Set lists (primitives with the merge strategy) take the deduplicated union.
//!
//! Order, for merged lists, as upstream computes it: the elements the patch mentions come in the
//! patch's order (or, with `$setElementOrder/<list>`, in that directive's order); the live
//! elements it does not mention keep their relative live order and are interleaved: one goes
//! before the next mentioned element only when both were live and it came first. So `[a, b]`
//! patched with `[c]` gives `[c, a, b]`, and with `[b, c]` gives `[a, b, c]`.
//!
//! Owns: list merge and ordering. Must not: handle map directives (the parent module does).

use serde_json::{Map, Value};

use super::Merger;
use super::directives::{Directives, MapDirective, PATCH};
use crate::patch::error::{PatchError, StrategicFailure};
use crate::patch::schema::ListStrategy;
use crate::patch::value_eq::json_equal;

impl<'p> Merger<'_, 'p> {
    /// Patches the list member `field` of `original` (the path already ends with `field`), with
    /// the patch's list (if any) and the list directives that name `field`.
    pub(super) fn merge_list_field(
        &mut self,
        original: &mut Map<String, Value>,
        field: &str,
        patch: Option<&'p [Value]>,
        directives: &Directives<'p>,
    ) -> Result<(), PatchError> {
        let live = match original.get_mut(field) {
            Some(Value::Array(items)) => Some(std::mem::take(items)),
            _ => None,
        };
        if live.is_none() && patch.is_none() {
            return Ok(());
        }
        let strategy = self.schema.list_strategy(&self.path);
        let mut list = live.unwrap_or_default();
        if let Some(values) = directives.deletions_from(field) {
            list.retain(|item| !contains(values, item));
        }
        let reference = list.clone();
        if let Some(items) = patch {
            list = self.merge_items(list, items, strategy)?;
        }
        if let Some(order) = directives.order_of(field) {
            let wanted = self.order_ids(order, strategy)?;
            list = arrange(list, &wanted, &reference, strategy);
        }
        original.insert(field.to_owned(), Value::Array(list));
        Ok(())
    }

    /// Merges the patch's elements into the live list according to `strategy`.
    fn merge_items(
        &mut self,
        mut live: Vec<Value>,
        items: &'p [Value],
        strategy: ListStrategy,
    ) -> Result<Vec<Value>, PatchError> {
        let (regular, replace) = self.split_markers(&mut live, items, strategy)?;
        if replace {
            return regular
                .into_iter()
                .map(|item| self.fresh_element(item, strategy))
                .collect();
        }
        match strategy {
            ListStrategy::Replace => Ok(regular.into_iter().cloned().collect()),
            ListStrategy::MergeSet => Ok(merge_set(live, &regular)),
            ListStrategy::MergeByKey(key) => self.merge_keyed(live, &regular, key),
        }
    }

    /// Separates `$patch` marker elements from regular ones: applies `delete` markers to `live`
    /// and reports whether a `replace` marker was seen. `merge` markers are regular elements.
    fn split_markers(
        &self,
        live: &mut Vec<Value>,
        items: &'p [Value],
        strategy: ListStrategy,
    ) -> Result<(Vec<&'p Value>, bool), PatchError> {
        let mut regular = Vec::with_capacity(items.len());
        let mut replace = false;
        for item in items {
            let Some(marker) = item.get(PATCH) else {
                regular.push(item);
                continue;
            };
            match MapDirective::parse(marker).map_err(|reason| self.fail(reason))? {
                MapDirective::Merge => regular.push(item),
                MapDirective::Replace => replace = true,
                MapDirective::Delete => self.delete_matching(live, item, strategy)?,
            }
        }
        Ok((regular, replace))
    }

    /// Removes every live element whose merge key equals the marker's.
    fn delete_matching(
        &self,
        live: &mut Vec<Value>,
        marker: &Value,
        strategy: ListStrategy,
    ) -> Result<(), PatchError> {
        let ListStrategy::MergeByKey(key) = strategy else {
            return Err(self.fail(StrategicFailure::DeleteWithoutMergeKey));
        };
        let id = marker
            .get(key)
            .ok_or_else(|| self.fail(StrategicFailure::MissingMergeKey(key)))?;
        live.retain(|item| !item.get(key).is_some_and(|other| json_equal(other, id)));
        Ok(())
    }

    /// Merges keyed elements: into the first live element with the same key, else appended.
    fn merge_keyed(
        &mut self,
        live: Vec<Value>,
        regular: &[&'p Value],
        key: &'static str,
    ) -> Result<Vec<Value>, PatchError> {
        let reference = live.clone();
        let mut merged = live;
        let mut wanted = Vec::with_capacity(regular.len());
        for item in regular {
            let (Some(patch), Some(id)) = (item.as_object(), item.get(key)) else {
                return Err(self.fail(StrategicFailure::MissingMergeKey(key)));
            };
            wanted.push(id);
            let existing = merged
                .iter_mut()
                .filter_map(Value::as_object_mut)
                .find(|element| element.get(key).is_some_and(|other| json_equal(other, id)));
            match existing {
                Some(element) => {
                    self.merge_map(element, patch)?;
                }
                None => {
                    let element = self.fresh_map(patch)?;
                    merged.push(Value::Object(element));
                }
            }
        }
        Ok(arrange(
            merged,
            &wanted,
            &reference,
            ListStrategy::MergeByKey(key),
        ))
    }

    /// An element of a replaced list: verbatim for replace lists, else built like a new element.
    fn fresh_element(
        &mut self,
        item: &'p Value,
        strategy: ListStrategy,
    ) -> Result<Value, PatchError> {
        match (strategy, item) {
            (ListStrategy::MergeByKey(_) | ListStrategy::MergeSet, Value::Object(map)) => {
                Ok(Value::Object(self.fresh_map(map)?))
            }
            _ => Ok(item.clone()),
        }
    }

    /// The identities a `$setElementOrder` list names: merge-key values, or the values of a set.
    fn order_ids(
        &self,
        order: &'p [Value],
        strategy: ListStrategy,
    ) -> Result<Vec<&'p Value>, PatchError> {
        match strategy {
            ListStrategy::MergeByKey(key) => order
                .iter()
                .map(|entry| {
                    entry
                        .get(key)
                        .ok_or_else(|| self.fail(StrategicFailure::MissingMergeKey(key)))
                })
                .collect(),
            ListStrategy::MergeSet | ListStrategy::Replace => Ok(order.iter().collect()),
        }
    }
}

/// The deduplicated union of a live set and the patch's values, ordered as the module says.
fn merge_set(live: Vec<Value>, regular: &[&Value]) -> Vec<Value> {
    let reference = live.clone();
    let mut merged: Vec<Value> = Vec::with_capacity(live.len() + regular.len());
    for item in live
        .into_iter()
        .chain(regular.iter().map(|value| (*value).clone()))
    {
        if !contains(&merged, &item) {
            merged.push(item);
        }
    }
    arrange(merged, regular, &reference, ListStrategy::MergeSet)
}

fn contains(list: &[Value], item: &Value) -> bool {
    list.iter().any(|other| json_equal(other, item))
}

/// What elements are matched by: the merge key's value, or the value itself in a set.
fn identity(item: &Value, strategy: ListStrategy) -> Option<&Value> {
    match strategy {
        ListStrategy::MergeByKey(key) => item.get(key),
        ListStrategy::MergeSet => Some(item),
        ListStrategy::Replace => None,
    }
}

/// Orders `merged`: elements whose identity is in `wanted` in that order, interleaved with the
/// others in their `reference` (live) order. Replace lists are left as they are.
fn arrange(
    merged: Vec<Value>,
    wanted: &[&Value],
    reference: &[Value],
    strategy: ListStrategy,
) -> Vec<Value> {
    if strategy == ListStrategy::Replace {
        return merged;
    }
    let wanted_rank = |item: &Value| {
        let id = identity(item, strategy)?;
        wanted.iter().position(|other| json_equal(other, id))
    };
    let live_rank = |item: &Value| {
        let id = identity(item, strategy)?;
        reference
            .iter()
            .position(|other| identity(other, strategy).is_some_and(|o| json_equal(o, id)))
    };
    let (mut mentioned, mut others): (Vec<Value>, Vec<Value>) = merged
        .into_iter()
        .partition(|item| wanted_rank(item).is_some());
    mentioned.sort_by_key(|item| wanted_rank(item));
    others.sort_by_key(|item| live_rank(item).unwrap_or(usize::MAX));
    interleave(mentioned, others, live_rank)
}

/// Merges two ordered lists, keeping each one's order: an unmentioned element goes first only
/// when both it and the next mentioned element are live and it was earlier in the live list.
fn interleave(
    mentioned: Vec<Value>,
    others: Vec<Value>,
    live_rank: impl Fn(&Value) -> Option<usize>,
) -> Vec<Value> {
    let mut result = Vec::with_capacity(mentioned.len() + others.len());
    let mut mentioned = mentioned.into_iter().peekable();
    let mut others = others.into_iter().peekable();
    while let (Some(other), Some(next)) = (others.peek(), mentioned.peek()) {
        let other_first = matches!(
            (live_rank(other), live_rank(next)),
            (Some(a), Some(b)) if a < b
        );
        let source = if other_first {
            &mut others
        } else {
            &mut mentioned
        };
        result.extend(source.next());
    }
    result.extend(mentioned);
    result.extend(others);
    result
}
