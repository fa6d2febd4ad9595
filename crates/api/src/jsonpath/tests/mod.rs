//! Tests of the JSONPath template module.
//!
//! Owns: table tests per syntax feature, error positions, kubectl golden cases, and property
//! tests. Must not: do I/O at run time (fixtures come in through `include_str!`).

mod errors;
mod golden;
mod props;
mod syntax;

use super::{RenderOptions, Template};
use serde_json::Value;

/// Renders `template` against `data` with missing keys allowed (kubectl's default); errors
/// become `Err(message)`.
pub(super) fn render(template: &str, data: &Value) -> Result<String, String> {
    render_with(template, data, true)
}

/// Renders with an explicit missing-key policy.
pub(super) fn render_with(template: &str, data: &Value, allow: bool) -> Result<String, String> {
    let parsed = Template::parse(template).map_err(|e| e.to_string())?;
    let options = RenderOptions {
        allow_missing_keys: allow,
    };
    parsed.render(data, &options).map_err(|e| e.to_string())
}
