//! Rendering objects as YAML or JSON for the terminal. Owns: formats. Must not: decide content.

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::cli::Format;

/// Renders objects as a YAML stream or as JSON (a `List` when there are several).
pub fn render(objects: &[Value], format: Format) -> Result<String> {
    match format {
        Format::Yaml => {
            let mut out = String::new();
            for (i, object) in objects.iter().enumerate() {
                if i > 0 {
                    out.push_str("---\n");
                }
                out.push_str(&serde_saphyr::to_string(object).context("rendering YAML")?);
            }
            Ok(out)
        }
        Format::Json => {
            let value = match objects {
                [one] => one.clone(),
                many => json!({"apiVersion": "v1", "kind": "List", "items": many}),
            };
            Ok(serde_json::to_string_pretty(&value).context("rendering JSON")? + "\n")
        }
    }
}
