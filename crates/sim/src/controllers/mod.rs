//! The simulated control plane: each controller as a thin driver around `flotilla-core`
//! decisions, run in the order the real runtime's watches would propagate a change.
//!
//! Owns: the step order. Must not: decide anything.

pub mod dispatch;
pub mod eviction;
pub mod health;
pub mod recovery;
pub mod scheduling;
