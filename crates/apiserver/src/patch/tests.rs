//! Tests of the patch module: one table per rule, the kubectl and kube-rs bodies recorded in
//! kube-api.md §8, and properties.

mod content_type;
mod json_patch;
mod kubectl;
mod merge;
mod props;
mod schema;
mod strategic;
mod strategic_errors;
