//! Karmada-compatible API types for Flotilla, with admission (defaulting and validation).
//!
//! Owns: the serde types of every kind Flotilla serves, their schemas, well-known names, and the
//! admission functions. Must not: do I/O, read the clock, or use randomness — `now` and fresh ids
//! are parameters.

pub mod admission;
pub mod constants;
pub mod field;
pub mod jsonpath;
pub mod kinds;
pub mod names;
pub mod naming;
pub mod quantity;
pub mod schema;
pub mod types;
