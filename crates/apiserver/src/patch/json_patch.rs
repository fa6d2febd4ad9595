//! JSON patch (RFC 6902): `add`, `remove`, `replace`, `move`, `copy` and `test`, applied in order
//! to a copy of the target, so a failing operation leaves the caller's document untouched.
//!
//! One deliberate deviation, as upstream: a `test` whose value is `null` passes when the tested
//! member does not exist. The kube-rs finalizer helper adds the first finalizer with
//! `test /metadata/finalizers == null` followed by `add` (kube-api.md §8).
//!
//! Owns: [`json_patch`]. Must not: interpret Kubernetes fields.

use serde_json::{Map, Value};

use super::error::{MalformedOp, OpFailure, PatchError};
use super::pointer::{IndexMode, array_index, parse_pointer, resolve, resolve_mut, type_name};
use super::value_eq::json_equal;

/// Applies an RFC 6902 patch (`ops` must be an array of operation objects) to `target`.
///
/// Atomic: on any error the result is an `Err` naming the failing operation's index and pointer,
/// and nothing is returned half-patched. Unknown members of an operation are ignored (RFC 6902
/// §4). An empty operation list returns the target unchanged.
pub fn json_patch(target: &Value, ops: &Value) -> Result<Value, PatchError> {
    let Value::Array(ops) = ops else {
        return Err(PatchError::JsonPatchNotArray);
    };
    let mut doc = target.clone();
    for (index, raw) in ops.iter().enumerate() {
        let op =
            Operation::parse(raw).map_err(|reason| PatchError::MalformedOp { index, reason })?;
        op.apply(&mut doc)
            .map_err(|(path, reason)| PatchError::OpFailed {
                index,
                op: op.name(),
                path: path.to_owned(),
                reason,
            })?;
    }
    Ok(doc)
}

/// One parsed operation, borrowing its pointers and value from the patch document.
#[derive(Debug, Clone, Copy)]
enum Operation<'a> {
    Add { path: &'a str, value: &'a Value },
    Remove { path: &'a str },
    Replace { path: &'a str, value: &'a Value },
    Move { from: &'a str, path: &'a str },
    Copy { from: &'a str, path: &'a str },
    Test { path: &'a str, value: &'a Value },
}

/// A failure and the pointer (as written) it happened at.
type Failure<'a> = (&'a str, OpFailure);

impl<'a> Operation<'a> {
    fn parse(raw: &'a Value) -> Result<Self, MalformedOp> {
        let Value::Object(map) = raw else {
            return Err(MalformedOp::NotAnObject);
        };
        let name = map
            .get("op")
            .and_then(Value::as_str)
            .ok_or(MalformedOp::MissingOp)?;
        let path = pointer_member(map, "path")?;
        Ok(match name {
            "add" => Operation::Add {
                path,
                value: value_member(map)?,
            },
            "remove" => Operation::Remove { path },
            "replace" => Operation::Replace {
                path,
                value: value_member(map)?,
            },
            "move" => Operation::Move {
                from: pointer_member(map, "from")?,
                path,
            },
            "copy" => Operation::Copy {
                from: pointer_member(map, "from")?,
                path,
            },
            "test" => Operation::Test {
                path,
                value: value_member(map)?,
            },
            other => return Err(MalformedOp::UnknownOp(other.to_owned())),
        })
    }

    fn name(&self) -> &'static str {
        match self {
            Operation::Add { .. } => "add",
            Operation::Remove { .. } => "remove",
            Operation::Replace { .. } => "replace",
            Operation::Move { .. } => "move",
            Operation::Copy { .. } => "copy",
            Operation::Test { .. } => "test",
        }
    }

    fn apply(&self, doc: &mut Value) -> Result<(), Failure<'a>> {
        match *self {
            Operation::Add { path, value } => {
                add(doc, &tokens(path)?, value.clone()).map_err(at(path))
            }
            Operation::Remove { path } => remove(doc, &tokens(path)?).map(drop).map_err(at(path)),
            Operation::Replace { path, value } => resolve_mut(doc, &tokens(path)?)
                .map(|slot| *slot = value.clone())
                .map_err(at(path)),
            Operation::Move { from, path } => move_value(doc, from, path),
            Operation::Copy { from, path } => {
                let value = resolve(doc, &tokens(from)?).map_err(at(from))?.clone();
                add(doc, &tokens(path)?, value).map_err(at(path))
            }
            Operation::Test { path, value } => test(doc, &tokens(path)?, value).map_err(at(path)),
        }
    }
}

fn pointer_member<'a>(
    map: &'a Map<String, Value>,
    name: &'static str,
) -> Result<&'a str, MalformedOp> {
    match map.get(name) {
        None => Err(MalformedOp::MissingMember(name)),
        Some(Value::String(pointer)) => Ok(pointer),
        Some(_) => Err(MalformedOp::NotAString(name)),
    }
}

/// The `value` member; an explicit `null` counts as present.
fn value_member(map: &Map<String, Value>) -> Result<&Value, MalformedOp> {
    map.get("value").ok_or(MalformedOp::MissingMember("value"))
}

fn at<'a>(pointer: &'a str) -> impl Fn(OpFailure) -> Failure<'a> {
    move |reason| (pointer, reason)
}

fn tokens(pointer: &str) -> Result<Vec<String>, Failure<'_>> {
    parse_pointer(pointer).map_err(at(pointer))
}

/// RFC 6902 §4.1: set an object member, insert into an array (`-` appends), or replace the root.
fn add(doc: &mut Value, path: &[String], value: Value) -> Result<(), OpFailure> {
    let Some((last, parent)) = path.split_last() else {
        *doc = value;
        return Ok(());
    };
    match resolve_mut(doc, parent)? {
        Value::Object(map) => {
            map.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(items) => {
            let index = array_index(last, items.len(), IndexMode::Insert)?;
            items.insert(index, value);
            Ok(())
        }
        other => Err(OpFailure::NotAContainer(type_name(other))),
    }
}

/// RFC 6902 §4.2: remove an existing member or element, returning it.
fn remove(doc: &mut Value, path: &[String]) -> Result<Value, OpFailure> {
    let Some((last, parent)) = path.split_last() else {
        return Err(OpFailure::RemoveRoot);
    };
    match resolve_mut(doc, parent)? {
        Value::Object(map) => map.shift_remove(last).ok_or(OpFailure::Missing),
        Value::Array(items) => {
            let index = array_index(last, items.len(), IndexMode::Existing)?;
            Ok(items.remove(index))
        }
        other => Err(OpFailure::NotAContainer(type_name(other))),
    }
}

/// RFC 6902 §4.4: remove at `from`, then add at `path`; moving into one's own child is an error.
fn move_value<'a>(doc: &mut Value, from: &'a str, path: &'a str) -> Result<(), Failure<'a>> {
    let source = tokens(from)?;
    let dest = tokens(path)?;
    if dest.len() > source.len() && dest.starts_with(&source) {
        return Err((path, OpFailure::MoveIntoChild));
    }
    if source == dest {
        return resolve(doc, &source).map(drop).map_err(at(from));
    }
    let value = remove(doc, &source).map_err(at(from))?;
    add(doc, &dest, value).map_err(at(path))
}

/// RFC 6902 §4.6, plus the upstream quirk: an absent member tests equal to `null`.
fn test(doc: &Value, path: &[String], expected: &Value) -> Result<(), OpFailure> {
    match lookup_for_test(doc, path)? {
        Some(actual) if json_equal(actual, expected) => Ok(()),
        Some(_) => Err(OpFailure::TestFailed),
        None if expected.is_null() => Ok(()),
        None => Err(OpFailure::Missing),
    }
}

/// Like [`resolve`], but a missing last object member is `None` instead of an error (its parent
/// must still exist).
fn lookup_for_test<'v>(doc: &'v Value, path: &[String]) -> Result<Option<&'v Value>, OpFailure> {
    let Some((last, parent)) = path.split_last() else {
        return Ok(Some(doc));
    };
    match resolve(doc, parent)? {
        Value::Object(map) => Ok(map.get(last)),
        other => resolve(other, std::slice::from_ref(last)).map(Some),
    }
}
