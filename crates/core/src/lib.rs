//! Flotilla's pure decisions: given observed objects and `now`, compute what to write and when
//! to look again.
//!
//! Owns: the scheduler (placement and replica division) and, later, health, taints, eviction,
//! graceful eviction, state preservation and pacing. Must not: touch tokio, HTTP, files or the
//! clock, or mutate shared state — every decision is a value the caller executes.

pub mod detector;
pub mod events;
pub mod failover;
pub mod interpreter;
pub mod scheduler;
pub mod selector;
pub mod taints;
