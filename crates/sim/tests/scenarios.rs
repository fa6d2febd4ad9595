//! Simulator scenarios for failover.md §13 (E-1 … E-6) and the seed's eviction-rate examples,
//! with decisions.md applied (FD-11(b): one pacer, true ceiling, burst 1). Each test drives a
//! hand-built fleet — Push members `east`, `west`, `north` labelled `tier: prod`, gate `Failover`
//! and `--enable-no-execute-taint-eviction` on, the ClusterTaintPolicy of F-17 — through
//! `flotilla_sim::Simulation` and asserts what a user would observe, plus that no simulator
//! invariant was violated.

#[path = "scenarios/application.rs"]
mod application;
#[path = "scenarios/cluster_failover.rs"]
mod cluster_failover;
#[path = "scenarios/directly.rs"]
mod directly;
#[path = "scenarios/fixture.rs"]
mod fixture;
#[path = "scenarios/rate.rs"]
mod rate;
