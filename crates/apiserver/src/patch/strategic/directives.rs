//! The directive keys of one strategic patch map: `$patch`, `$retainKeys`,
//! `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`, parsed and checked once so
//! the merge can look them up by field.
//!
//! Owns: directive syntax. Must not: merge anything.

use serde_json::{Map, Value};

use crate::patch::error::StrategicFailure;

/// The `$patch` directive key.
pub(super) const PATCH: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ELEMENT_ORDER: &str = "$setElementOrder/";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList/";

/// Whether a patch map key is a directive rather than a field (no built-in field starts with `$`).
pub(super) fn is_directive(key: &str) -> bool {
    key.starts_with('$')
}

/// A `$patch` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MapDirective {
    /// `replace`: take the patch literally instead of merging.
    Replace,
    /// `merge`: the default.
    Merge,
    /// `delete`: remove the map (or, as a list element, the elements with its merge key).
    Delete,
}

impl MapDirective {
    /// Parses a `$patch` value.
    pub(super) fn parse(value: &Value) -> Result<Self, StrategicFailure> {
        match value.as_str() {
            Some("replace") => Ok(MapDirective::Replace),
            Some("merge") => Ok(MapDirective::Merge),
            Some("delete") => Ok(MapDirective::Delete),
            _ => Err(StrategicFailure::InvalidPatchDirective(value.to_string())),
        }
    }
}

/// The directives found in one patch map.
#[derive(Debug, Default)]
pub(super) struct Directives<'p> {
    /// `$patch`, if present.
    pub(super) map_directive: Option<MapDirective>,
    /// `$retainKeys`, if present.
    pub(super) retain_keys: Option<Vec<&'p str>>,
    order: Vec<(&'p str, &'p [Value])>,
    deletions: Vec<(&'p str, &'p [Value])>,
}

impl<'p> Directives<'p> {
    /// Collects and checks the directives of `patch`; unknown `$` keys are errors.
    pub(super) fn collect(patch: &'p Map<String, Value>) -> Result<Self, StrategicFailure> {
        let mut found = Directives::default();
        for (key, value) in patch.iter().filter(|(key, _)| is_directive(key)) {
            if key == PATCH {
                found.map_directive = Some(MapDirective::parse(value)?);
            } else if key == RETAIN_KEYS {
                found.retain_keys = Some(retain_keys(value)?);
            } else if let Some(field) = list_field(key, SET_ELEMENT_ORDER) {
                found.order.push((field, list_value(key, value)?));
            } else if let Some(field) = list_field(key, DELETE_FROM_PRIMITIVE_LIST) {
                found.deletions.push((field, list_value(key, value)?));
            } else {
                return Err(StrategicFailure::UnknownDirective(key.clone()));
            }
        }
        if let Some(keep) = &found.retain_keys {
            check_retained(patch, keep)?;
        }
        Ok(found)
    }

    /// The `$setElementOrder/<field>` list.
    pub(super) fn order_of(&self, field: &str) -> Option<&'p [Value]> {
        lookup(&self.order, field)
    }

    /// The `$deleteFromPrimitiveList/<field>` list.
    pub(super) fn deletions_from(&self, field: &str) -> Option<&'p [Value]> {
        lookup(&self.deletions, field)
    }

    /// Every list field a list directive names, once each, in patch order.
    pub(super) fn list_fields(&self) -> Vec<&'p str> {
        let mut fields: Vec<&'p str> = Vec::new();
        for (field, _) in self.order.iter().chain(&self.deletions) {
            if !fields.contains(field) {
                fields.push(field);
            }
        }
        fields
    }
}

fn list_field<'k>(key: &'k str, prefix: &str) -> Option<&'k str> {
    key.strip_prefix(prefix).filter(|field| !field.is_empty())
}

fn list_value<'p>(key: &str, value: &'p Value) -> Result<&'p [Value], StrategicFailure> {
    value
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| StrategicFailure::DirectiveNotList(key.to_owned()))
}

fn retain_keys(value: &Value) -> Result<Vec<&str>, StrategicFailure> {
    let items = value
        .as_array()
        .ok_or(StrategicFailure::RetainKeysNotStrings)?;
    items
        .iter()
        .map(|item| item.as_str().ok_or(StrategicFailure::RetainKeysNotStrings))
        .collect()
}

/// Every field the patch sets (not to null) must be one `$retainKeys` keeps, as upstream checks.
fn check_retained(patch: &Map<String, Value>, keep: &[&str]) -> Result<(), StrategicFailure> {
    match patch.iter().find(|(key, value)| {
        !is_directive(key) && !value.is_null() && !keep.contains(&key.as_str())
    }) {
        Some((key, _)) => Err(StrategicFailure::NotInRetainKeys(key.clone())),
        None => Ok(()),
    }
}

fn lookup<'p>(entries: &[(&'p str, &'p [Value])], field: &str) -> Option<&'p [Value]> {
    entries
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, values)| *values)
}
