//! Patch application for PATCH requests (kube-api.md §8, §0.1 items 30 and 31): recognising the
//! four patch media types, and three pure functions over `serde_json::Value`:
//!
//! - [`merge_patch`]: JSON merge patch (RFC 7386);
//! - [`json_patch`]: JSON patch (RFC 6902), with the `test`-null quirk the kube-rs finalizer
//!   helper relies on;
//! - [`strategic_merge_patch`]: Kubernetes strategic merge patch, driven by a
//!   [`StrategicSchema`] (merge keys per list field) and the directives kubectl sends.
//!
//! Server-side apply (`application/apply-patch+yaml`) is only named here ([`PatchType::Apply`]);
//! it lives elsewhere.
//!
//! Owns: patch media types and computing a patched document. Must not: do HTTP or storage,
//! validate or default objects, check resourceVersion preconditions, or protect server-owned
//! fields. A patch that nulls `uid` or `creationTimestamp` (as `kubectl diff` does) removes them
//! from the result here; the caller restores server-owned metadata afterwards.

mod error;
mod json_patch;
mod merge;
mod pointer;
mod schema;
mod strategic;
mod value_eq;

#[cfg(test)]
mod tests;

pub use error::{MalformedOp, OpFailure, PatchError, StrategicFailure};
pub use json_patch::json_patch;
pub use merge::merge_patch;
pub use schema::{ListRule, ListStrategy, RuleScope, StrategicSchema};
pub use strategic::strategic_merge_patch;

/// The patch flavour a PATCH request asks for, from its Content-Type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatchType {
    /// `application/merge-patch+json`: RFC 7386, every kind.
    Merge,
    /// `application/json-patch+json`: RFC 6902, every kind.
    Json,
    /// `application/strategic-merge-patch+json`: built-in kinds only (415 on CRD-like kinds).
    Strategic,
    /// `application/apply-patch+yaml`: server-side apply (not implemented in this module).
    Apply,
}

impl PatchType {
    /// Every patch type.
    pub const ALL: [PatchType; 4] = [
        PatchType::Json,
        PatchType::Merge,
        PatchType::Strategic,
        PatchType::Apply,
    ];

    /// Recognises a Content-Type header value. Parameters (`; charset=utf-8`) are ignored and the
    /// media type is compared case-insensitively; anything else gives `None` (a 415).
    pub fn from_content_type(content_type: &str) -> Option<PatchType> {
        let media_type = content_type.split(';').next().unwrap_or_default().trim();
        PatchType::ALL
            .into_iter()
            .find(|kind| kind.media_type().eq_ignore_ascii_case(media_type))
    }

    /// The canonical media type of this patch type.
    pub fn media_type(self) -> &'static str {
        match self {
            PatchType::Merge => "application/merge-patch+json",
            PatchType::Json => "application/json-patch+json",
            PatchType::Strategic => "application/strategic-merge-patch+json",
            PatchType::Apply => "application/apply-patch+yaml",
        }
    }
}
