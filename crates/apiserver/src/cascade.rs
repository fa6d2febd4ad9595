//! Cascading deletion (kube-api.md §7.8, §7.9): the `propagationPolicy` of a DeleteOptions
//! (and the deprecated `orphanDependents`), the garbage-collection finalizers a delete leaves on
//! an object (`orphan` for Orphan, `foregroundDeletion` for Foreground, neither for Background),
//! and what the collector does next for an owner being deleted with one of them:
//!
//! - Orphan: remove the owner's uid from every dependent's ownerReferences, then (no dependent
//!   left) drop the `orphan` finalizer, which deletes the owner if no other finalizer remains.
//! - Foreground: delete every dependent (in the foreground itself when it has dependents of its
//!   own; a dependent that also has a live owner instead loses only this owner's reference),
//!   wait while any dependent still exists (objects held by their own finalizers included),
//!   then drop the `foregroundDeletion` finalizer.
//!
//! Owns: the policy, the finalizer rule and the cascade decisions, as plain functions over JSON
//! and [`GcIndex`]. Must not: do I/O or write anything (`server::collector` carries the actions
//! out through the client write paths, with preconditions).

use serde_json::{Value, json};

use crate::gc::{GcIndex, ObjectMeta};
use crate::status::{ApiError, Cause, CauseType, go_quote};

/// The finalizer of an owner whose dependents are being orphaned.
pub const ORPHAN_FINALIZER: &str = "orphan";
/// The finalizer of an owner whose dependents are being deleted first.
pub const FOREGROUND_FINALIZER: &str = "foregroundDeletion";

/// The group and kind upstream names in a DeleteOptions validation error.
const OPTIONS_GROUP: &str = "meta.k8s.io";
const OPTIONS_KIND: &str = "DeleteOptions";

/// A DeleteOptions `propagationPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// Delete the owner now; the collector deletes the dependents afterwards.
    Background,
    /// Delete the dependents first, then the owner.
    Foreground,
    /// Remove the owner's references from the dependents, then delete the owner.
    Orphan,
}

impl Propagation {
    /// The value as sent in DeleteOptions.
    pub fn as_str(self) -> &'static str {
        match self {
            Propagation::Background => "Background",
            Propagation::Foreground => "Foreground",
            Propagation::Orphan => "Orphan",
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    }
}

fn wrong_type(value: &Value, field: &str, go_type: &str) -> ApiError {
    ApiError::bad_request(format!(
        "json: cannot unmarshal {} into Go struct field DeleteOptions.{field} of type {go_type}",
        type_name(value)
    ))
}

/// The policy a DeleteOptions body asks for: `propagationPolicy`, else `orphanDependents`
/// (`true` is Orphan, `false` Background), else `None` (the object's own finalizers decide,
/// which without GC finalizers is Background). Upstream's 422 for an unknown policy or for both
/// fields set; 400 for a value of the wrong JSON type.
pub fn propagation(options: &Value) -> Result<Option<Propagation>, ApiError> {
    let policy = match &options["propagationPolicy"] {
        Value::Null => None,
        Value::String(text) => Some(text.as_str()),
        other => {
            return Err(wrong_type(
                other,
                "propagationPolicy",
                "v1.DeletionPropagation",
            ));
        }
    };
    let orphan = match &options["orphanDependents"] {
        Value::Null => None,
        Value::Bool(orphan) => Some(*orphan),
        other => return Err(wrong_type(other, "orphanDependents", "bool")),
    };
    let mut causes = Vec::new();
    if let (Some(text), Some(_)) = (policy, orphan) {
        let message = format!(
            "Invalid value: {}: orphanDependents and deletionPropagation cannot be both set",
            go_quote(text)
        );
        causes.push(Cause::new(
            CauseType::FieldValueInvalid,
            "propagationPolicy",
            message,
        ));
    }
    let parsed = match policy {
        None => None,
        Some("Background") => Some(Propagation::Background),
        Some("Foreground") => Some(Propagation::Foreground),
        Some("Orphan") => Some(Propagation::Orphan),
        Some(other) => {
            let message = format!(
                "Unsupported value: {}: supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"",
                go_quote(other)
            );
            causes.push(Cause::new(
                CauseType::FieldValueNotSupported,
                "propagationPolicy",
                message,
            ));
            None
        }
    };
    if !causes.is_empty() {
        return Err(ApiError::invalid(OPTIONS_KIND, OPTIONS_GROUP, "", causes));
    }
    Ok(parsed.or(orphan.map(|orphan| match orphan {
        true => Propagation::Orphan,
        false => Propagation::Background,
    })))
}

/// Whether a finalizer is one the collector owns.
pub fn is_gc_finalizer(finalizer: &str) -> bool {
    finalizer == ORPHAN_FINALIZER || finalizer == FOREGROUND_FINALIZER
}

/// The finalizers a delete with `policy` leaves on an object that has `finalizers`: both GC
/// finalizers removed and the policy's appended; `None` keeps them. When the result holds the
/// same finalizers in another order, the list is kept as it was.
pub fn finalizers_for(finalizers: &[String], policy: Option<Propagation>) -> Vec<String> {
    let Some(policy) = policy else {
        return finalizers.to_vec();
    };
    let mut out: Vec<String> = finalizers
        .iter()
        .filter(|f| !is_gc_finalizer(f))
        .cloned()
        .collect();
    match policy {
        Propagation::Orphan => out.push(ORPHAN_FINALIZER.to_string()),
        Propagation::Foreground => out.push(FOREGROUND_FINALIZER.to_string()),
        Propagation::Background => {}
    }
    let same = out.len() == finalizers.len() && out.iter().all(|f| finalizers.contains(f));
    if same { finalizers.to_vec() } else { out }
}

/// One write the collector makes for a cascade. Every one is idempotent; the uid (and, where
/// given, the resourceVersion) are preconditions, and a refused write is decided again on the
/// next store event about the object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Remove the references to `owner` (a uid) from the ownerReferences of the object at `key`.
    Unlink {
        /// The dependent's store key.
        key: String,
        /// The dependent's uid.
        uid: String,
        /// The owner uid whose references go.
        owner: String,
    },
    /// Delete the object at `key`, as a client DELETE with this policy would.
    Delete {
        /// The dependent's store key.
        key: String,
        /// The dependent's uid.
        uid: String,
        /// The dependent's resourceVersion as indexed.
        resource_version: u64,
        /// Foreground for a dependent with dependents of its own, else its finalizers decide.
        policy: Option<Propagation>,
    },
    /// Remove `finalizer` from the owner at `key` (deleting it if none remains).
    Finalize {
        /// The owner's store key.
        key: String,
        /// The owner's uid.
        uid: String,
        /// The owner's resourceVersion as indexed.
        resource_version: u64,
        /// [`ORPHAN_FINALIZER`] or [`FOREGROUND_FINALIZER`].
        finalizer: &'static str,
    },
}

/// Whether the object is an owner the collector has cascade work for: being deleted and holding
/// a GC finalizer.
pub fn is_cascading(meta: &ObjectMeta) -> bool {
    meta.deleting && !meta.uid.is_empty() && meta.finalizers.iter().any(|f| is_gc_finalizer(f))
}

/// Every cascading owner's key, sorted (at start and after a relist).
pub fn cascading(index: &GcIndex) -> Vec<String> {
    let mut keys: Vec<String> = index
        .iter()
        .filter(|(_, meta)| is_cascading(meta))
        .map(|(key, _)| key.to_string())
        .collect();
    keys.sort();
    keys
}

/// The cascading owners an event about `key` may concern: the object itself, and the owners
/// it referenced before (`owners_before`) or references now. Sorted, without duplicates.
pub fn affected_owners(index: &GcIndex, key: &str, owners_before: &[String]) -> Vec<String> {
    let now = index.get(key).map(|m| m.owners.clone()).unwrap_or_default();
    let mut keys: Vec<String> = owners_before
        .iter()
        .chain(&now)
        .filter_map(|uid| index.key_of(uid))
        .chain(std::iter::once(key))
        .filter(|k| index.get(k).is_some_and(is_cascading))
        .map(String::from)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// What to do now for the owner at `key`; empty when it is not cascading or must wait.
pub fn plan(index: &GcIndex, key: &str) -> Vec<Action> {
    let Some(owner) = index.get(key).filter(|m| is_cascading(m)) else {
        return Vec::new();
    };
    let dependents: Vec<(String, &ObjectMeta)> = index
        .dependents_of(&owner.uid)
        .into_iter()
        .filter(|k| k != key)
        .filter_map(|k| index.get(&k).map(|m| (k, m)))
        .collect();
    let finalizer = if owner.has_finalizer(ORPHAN_FINALIZER) {
        ORPHAN_FINALIZER
    } else {
        FOREGROUND_FINALIZER
    };
    if dependents.is_empty() {
        return vec![Action::Finalize {
            key: key.to_string(),
            uid: owner.uid.clone(),
            resource_version: owner.resource_version,
            finalizer,
        }];
    }
    let unlink = |key: String, dependent: &ObjectMeta| Action::Unlink {
        key,
        uid: dependent.uid.clone(),
        owner: owner.uid.clone(),
    };
    if finalizer == ORPHAN_FINALIZER {
        return dependents.into_iter().map(|(k, d)| unlink(k, d)).collect();
    }
    let mut actions = Vec::new();
    for (dependent_key, dependent) in dependents {
        if dependent.deleting {
            continue;
        }
        if has_live_owner(index, dependent, &owner.uid) {
            actions.push(unlink(dependent_key, dependent));
            continue;
        }
        let has_dependents = !index.dependents_of(&dependent.uid).is_empty();
        actions.push(Action::Delete {
            key: dependent_key,
            uid: dependent.uid.clone(),
            resource_version: dependent.resource_version,
            policy: has_dependents.then_some(Propagation::Foreground),
        });
    }
    actions
}

/// Whether the dependent has an owner other than `owner` that exists and is not itself waiting
/// for its dependents to go (upstream's "solid" owner).
fn has_live_owner(index: &GcIndex, dependent: &ObjectMeta, owner: &str) -> bool {
    dependent
        .owners
        .iter()
        .filter(|uid| *uid != owner)
        .any(|uid| {
            index
                .key_of(uid)
                .and_then(|k| index.get(k))
                .is_some_and(|m| !(m.deleting && m.has_finalizer(FOREGROUND_FINALIZER)))
        })
}

/// The object with every ownerReference to `owner` removed (the field dropped when none is
/// left); `None` when it has no such reference.
pub fn unlinked(object: &Value, owner: &str) -> Option<Value> {
    let refs = object["metadata"]["ownerReferences"].as_array()?;
    let kept: Vec<Value> = refs
        .iter()
        .filter(|r| r["uid"].as_str() != Some(owner))
        .cloned()
        .collect();
    if kept.len() == refs.len() {
        return None;
    }
    let mut object = object.clone();
    let meta = object["metadata"].as_object_mut()?;
    if kept.is_empty() {
        meta.remove("ownerReferences");
    } else {
        meta.insert("ownerReferences".into(), json!(kept));
    }
    Some(object)
}

/// The object without `finalizer` (the field dropped when none is left); `None` when it does
/// not hold it.
pub fn without_finalizer(object: &Value, finalizer: &str) -> Option<Value> {
    let list = object["metadata"]["finalizers"].as_array()?;
    if !list.iter().any(|f| f == finalizer) {
        return None;
    }
    let kept: Vec<Value> = list.iter().filter(|f| *f != finalizer).cloned().collect();
    let mut object = object.clone();
    let meta = object["metadata"].as_object_mut()?;
    if kept.is_empty() {
        meta.remove("finalizers");
    } else {
        meta.insert("finalizers".into(), json!(kept));
    }
    Some(object)
}

#[cfg(test)]
#[path = "cascade_tests.rs"]
mod tests;
