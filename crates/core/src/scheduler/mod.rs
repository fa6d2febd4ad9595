//! The scheduler (scheduling.md S-1 … S-67, adjusted by decisions.md D-1 … D-13): which clusters a
//! binding runs on and how many replicas each gets.
//!
//! Owns: the scheduling pass as a pure function of a cluster snapshot, a binding and `now`.
//! Must not: read the clock, do I/O or mutate its inputs; results are returned as a decision.

pub mod context;
pub mod decision;
pub mod divide;
pub mod estimate;
pub mod filters;
pub mod pass;
pub mod score;
pub mod select;
pub mod snapshot;
pub mod terms;
pub mod trigger;
pub mod types;

pub use decision::{
    FailureReason, Retry, ScheduleDecision, SchedulerConfig, SchedulerEvent, apply_decision,
    schedule,
};
pub use snapshot::{ClusterInfo, ClusterSnapshot};
