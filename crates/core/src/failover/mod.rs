//! Cluster failover decisions (failover.md F-1 … F-69, adjusted by decisions.md FD-1 … FD-16):
//! health and damping, system taints, ClusterTaintPolicy, the NoExecute taint manager, the
//! eviction record, dispatch under purge modes, graceful eviction, state preservation, eviction
//! pacing, application failover and the switches that govern them.
//!
//! Owns: every failover rule as a pure function of observed objects, in-memory controller state
//! and `now`. Must not: read the clock, sleep, do I/O or spawn tasks — wake-ups are returned.

pub mod application;
pub mod config;
pub mod dispatch;
pub mod eviction;
pub mod graceful;
pub mod health;
pub mod pacer;
pub mod state;
pub mod taint_manager;
pub mod taint_policy;

use flotilla_api::kinds::{Binding, CLUSTER_RESOURCE_BINDING};

/// ResourceBinding or ClusterResourceBinding: failover rules are the same for both; names of
/// queues, metric labels and producers differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BindingKind {
    /// A namespaced ResourceBinding.
    ResourceBinding,
    /// A cluster-scoped ClusterResourceBinding.
    ClusterResourceBinding,
}

impl BindingKind {
    /// The kind of the binding type `B`.
    pub fn of<B: Binding>() -> Self {
        if B::INFO.kind == CLUSTER_RESOURCE_BINDING.kind {
            BindingKind::ClusterResourceBinding
        } else {
            BindingKind::ResourceBinding
        }
    }

    /// The kind's name (the `resource_kind` metric label).
    pub fn as_str(self) -> &'static str {
        match self {
            BindingKind::ResourceBinding => "ResourceBinding",
            BindingKind::ClusterResourceBinding => "ClusterResourceBinding",
        }
    }

    /// The eviction queue's name (the `name` metric label, F-49).
    pub fn queue_name(self) -> &'static str {
        match self {
            BindingKind::ResourceBinding => "binding-eviction",
            BindingKind::ClusterResourceBinding => "cluster-binding-eviction",
        }
    }

    /// The application-failover controller's name, written as the task's `producer` (F-58).
    pub fn application_failover_producer(self) -> &'static str {
        use flotilla_api::constants::eviction;
        match self {
            BindingKind::ResourceBinding => eviction::PRODUCER_RB_APPLICATION_FAILOVER,
            BindingKind::ClusterResourceBinding => eviction::PRODUCER_CRB_APPLICATION_FAILOVER,
        }
    }

    /// Whether application-failover eligibility requires `spec.propagateDeps` (RB only, F-55).
    pub fn requires_propagate_deps(self) -> bool {
        self == BindingKind::ResourceBinding
    }
}
