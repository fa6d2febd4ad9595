//! The serde types of every kind Flotilla serves, with every field of Karmada v1.19.
//!
//! Owns: object shapes, their JSON names and schema-level rules (via `schemars` attributes).
//! Must not: validate across fields (that is `admission`) or decide anything (`flotilla-core`).
//!
//! Conventions: Go pointers are `Option<T>`; Go `omitempty` scalars are plain values skipped when
//! zero; lists whose *presence* matters are `Option<Vec<T>>`; embedded arbitrary JSON is
//! `serde_json::Value`.

pub mod binding;
pub mod cluster;
pub mod common;
pub mod override_policy;
pub mod policy;
pub mod taint_policy;
pub mod work;

pub use binding::*;
pub use cluster::*;
pub use common::*;
pub use override_policy::*;
pub use policy::*;
pub use taint_policy::*;
pub use work::*;
