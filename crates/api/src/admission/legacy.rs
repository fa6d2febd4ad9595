//! Legacy purge-mode names: `Immediately` → `Directly`, `Graciously` → `Gracefully`, wherever a
//! purge mode is written (api.md §16 #1, decisions.md FD-7).
//!
//! Owns: the JSON-level rewrite and its warning. Must not: touch anything else.

use serde_json::Value;

use crate::types::PurgeMode;

/// Rewrites legacy purge-mode names in place and warns once per rewritten field.
pub(crate) fn normalize_purge_modes(object: &mut Value, warnings: &mut Vec<String>) {
    let spec = match object.get_mut("spec") {
        Some(spec @ Value::Object(_)) => spec,
        _ => return,
    };
    for behavior in ["application", "cluster"] {
        let path = format!("spec.failover.{behavior}.purgeMode");
        if let Some(mode) = spec.pointer_mut(&format!("/failover/{behavior}/purgeMode")) {
            rewrite(mode, &path, warnings);
        }
    }
    if let Some(Value::Array(tasks)) = spec.get_mut("gracefulEvictionTasks") {
        for (i, task) in tasks.iter_mut().enumerate() {
            if let Some(mode) = task.get_mut("purgeMode") {
                rewrite(
                    mode,
                    &format!("spec.gracefulEvictionTasks[{i}].purgeMode"),
                    warnings,
                );
            }
        }
    }
}

fn rewrite(mode: &mut Value, path: &str, warnings: &mut Vec<String>) {
    let Some(name) = mode.as_str() else { return };
    let current = PurgeMode::normalize_name(name);
    if current != name {
        warnings.push(format!(
            "{path}: purge mode {name:?} is deprecated (removed in Karmada v1.19); stored as {current:?}"
        ));
        *mode = Value::String(current.to_string());
    }
}
